// Consent at a prompt: the operator types the group nickname. The answer, Ctrl-C or silence become the consent
// guard's input; the prompt itself is a port (the terminal, or a scripted one in tests).
import {planTitle, type OperationPlan} from '../../domain/plans.js'
import {plainText} from '../../shared/text.js'
import type {Prompter} from '../ports.js'
import type {ConsentAnswer} from './lifecycle.js'

/** How long a question waits, in the operator's words: "5 minutes". */
export function waitedFor(prompter: Pick<Prompter, 'timeoutMs'>): string {
  return `${prompter.timeoutMs / 60_000} minutes`
}

/** Asks for the group nickname; an unanswered prompt is a "no", never a hang. */
export async function askNickname(prompter: Prompter, plan: OperationPlan): Promise<ConsentAnswer> {
  const nickname = plan.group.nickname
  const answer = await prompter.input(plainText(`type the group nickname (${nickname}) to ${planTitle(plan)}; anything else cancels:`))
  if ('value' in answer) return {given: answer.value, how: 'the answer typed at the prompt'}
  if (answer.unanswered === 'interrupted') return {given: null, how: 'Ctrl-C at the prompt', interrupted: true}
  return {given: null, how: `no answer within ${waitedFor(prompter)}`}
}
