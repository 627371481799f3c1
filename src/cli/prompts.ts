// The Prompter and the runbook's Display on the terminal: questions on stderr through @inquirer/prompts (loaded when
// first asked), each ending with an answer, Ctrl-C, or silence after PROMPT_TIMEOUT_MS; what the runbook shows, under
// one header per step. stdout stays the result.
import type {StepId} from '../domain/incident.js'
import {renderPlan} from '../output/plan.js'
import {renderRunbookEvents, renderRunbookLog, stepHeader} from '../output/runbook.js'
import type {PreparedOperation} from '../services/guarded/prepare.js'
import type {Answer, Choice, Progress, Prompter} from '../services/ports.js'
import type {Display, LogHeading} from '../services/runbook/display.js'
import type {JournalEntry, RunbookEvent} from '../services/runbook/journal.js'
import {duringPrompt} from '../shared/output-guard.js'

/** an unanswered prompt is a "no", never a hang */
const PROMPT_TIMEOUT_MS = 5 * 60_000

export class TerminalPrompter implements Prompter {
  readonly timeoutMs = PROMPT_TIMEOUT_MS

  async select<T>(question: string, choices: Choice<T>[]): Promise<Answer<T>> {
    const {select} = await import('@inquirer/prompts')
    return this.asked((signal) => select({message: question, choices}, {output: process.stderr, signal}))
  }

  async confirm(question: string): Promise<Answer<boolean>> {
    const prompts = await import('@inquirer/prompts')
    return this.asked((signal) => prompts.confirm({message: question, default: false}, {output: process.stderr, signal}))
  }

  async input(question: string): Promise<Answer<string>> {
    const {input} = await import('@inquirer/prompts')
    const answer = await this.asked((signal) => input({message: question}, {output: process.stderr, signal}))
    return 'value' in answer ? {value: answer.value.trim()} : answer
  }

  /** The question's text is plain (the caller's plainText): only the prompt itself moves the cursor. */
  private async asked<T>(prompt: (signal: AbortSignal) => Promise<T>): Promise<Answer<T>> {
    try {
      return {value: await duringPrompt(() => prompt(AbortSignal.timeout(this.timeoutMs)))}
    } catch (error) {
      const name = (error as Error).name
      if (name === 'ExitPromptError') return {unanswered: 'interrupted'}
      if (name === 'AbortPromptError') return {unanswered: 'timeout'}
      throw error
    }
  }
}

/** The runbook on stderr: a step's header once, then what it shows; progress as the command's own. */
export class TerminalDisplay implements Display {
  private current: StepId | null = null

  constructor(private readonly startProgress: (text: string) => Progress) {}

  enter(step: StepId): void {
    if (step === this.current) return
    process.stderr.write(`${stepHeader(step)}\n`)
    this.current = step
  }

  async show(step: StepId, events: RunbookEvent[]): Promise<void> {
    this.enter(step)
    const text = await renderRunbookEvents(events)
    if (text) process.stderr.write(`${text}\n`)
  }

  planAboveConsent(prepared: PreparedOperation): void {
    process.stderr.write(`${renderPlan(prepared.plan, prepared.guards.guards)}\n\n`)
  }

  progress(text: string): Progress {
    return this.startProgress(text)
  }

  async transcript(entries: JournalEntry[], heading: LogHeading): Promise<string> {
    return renderRunbookLog(entries, heading)
  }
}
