// How an incident run ended, before the evidence step: the outcome, the decision in one line, why the later steps
// were not reached, and what to do next. Pure over what the run found.
import type {GuardResult} from '../../domain/guards.js'
import {redirectNextSteps, rejoinSteps, type IncidentMember} from '../../domain/incident.js'
import type {Outcome, RunbookEnd} from '../../domain/outcome.js'
import {suggestCommand} from '../../domain/suggest.js'
import {planCommand, type GuardedResult} from '../guarded/lifecycle.js'
import type {Assessment} from './assess.js'

/** How a run ended, before the evidence step: what goes in the record and the summary. */
export interface RunbookEnding {
  outcome: Outcome
  /** what ended it: the exit code follows (domain/outcome.ts) */
  endedBy: RunbookEnd
  decision: string
  /** why the run stopped, when not by the force-unlink's own outcome */
  stop: GuardResult | null
  /** why the later steps were not reached */
  why: string
  nextSteps: string[]
}

/** The operator chose not to force-unlink, or there was nothing a force-unlink could do. */
export function endWithoutUnlink(a: Assessment): RunbookEnding {
  const {recommendation: rec, diagnosis} = a
  const nickname = a.group.nickname
  if (rec.kind === 'nothing-failing') {
    return {outcome: 'nothing-to-do', endedBy: 'choice', decision: 'no member is failing: nothing to do', stop: null, why: 'no member is failing', nextSteps: [`check the group in full: ${suggestCommand(['check', '--group', nickname, '--probe'], a.connection)}`]}
  }
  if (rec.kind === 'no-survivor') {
    return {
      outcome: 'refused',
      endedBy: 'choice',
      decision: 'no member is known to be healthy: no force-unlink is possible from here',
      stop: {name: 'survivor-available', result: 'refuse', detail: rec.reasons[0] ?? null},
      why: 'no healthy survivor to send a force-unlink on',
      nextSteps: rec.reasons.slice(1),
    }
  }
  return {
    outcome: 'refused',
    endedBy: 'choice',
    decision: `redirect clients only: ${diagnosis.failing.map((m) => m.name).join(', ')} not force-unlinked (recommended: ${rec.title})`,
    stop: {name: 'operator-decision', result: 'refuse', detail: 'you chose not to force-unlink: redirect clients only'},
    why: 'you chose to redirect clients only',
    nextSteps: redirectNextSteps(nickname, diagnosis.failing, a.thresholds, a.connection),
  }
}

/** The force-unlink ran through runGuarded: its outcome is the runbook's. */
export function endAfterUnlink(result: GuardedResult, a: Assessment, target: IncidentMember): RunbookEnding {
  const what = `force-unlink ${target.name} from "${a.group.nickname}"`
  const interrupted = Boolean(result.refusal?.interrupted)
  const text: Record<GuardedResult['outcome'], [decision: string, why: string]> = {
    succeeded: [`${what}: done and verified`, ''],
    'dry-run': [`dry run: would ${what}; nothing was sent`, ''],
    'nothing-to-do': [`${what}: nothing to do, it is already unlinked`, 'nothing to do: it is already unlinked'],
    refused: interrupted
      ? [`${what}: interrupted at the confirmation, nothing was sent`, 'interrupted (Ctrl-C) at the confirmation: nothing was sent']
      : [`${what}: refused (${result.refusal?.guard ?? 'guard'}), nothing was sent`, `refused by ${result.refusal?.guard ?? 'a guard'}: nothing was sent`],
    failed: [`${what}: failed`, 'the force-unlink failed'],
    unknown: [`${what}: outcome unknown, it may have succeeded or still be running in Azure`, `geo-redis lost sight of the force-unlink: ${result.operation?.lostSight?.message ?? 'no verdict from ARM'}`],
  }
  const [decision, why] = text[result.outcome]
  const nextSteps =
    result.outcome === 'dry-run'
      ? [`run this very plan for real: ${suggestCommand(['runbook', 'incident', '--group', a.group.nickname, '--plan', result.evidence.dir], a.connection)}, or \`${planCommand(result.plan, result.evidence.dir)}\``]
      : result.outcome === 'succeeded' || result.outcome === 'nothing-to-do'
        ? rejoinSteps(a.group.nickname, target, a.connection)
        : result.nextSteps
  return {outcome: result.outcome, endedBy: 'unlink', decision, stop: null, why, nextSteps}
}

/** Ctrl-C or silence at a question, a rehearsed confirmation that would cancel, or an error in a step: nothing was sent. */
export function endStopped(nickname: string, how: 'interrupted' | 'timeout' | 'cancelled' | 'error', what: string, connection: string[] = []): RunbookEnding {
  const names = {interrupted: 'not-interrupted', timeout: 'operator-decision', cancelled: 'operator-consent', error: 'steps-completed'}
  const why = {
    interrupted: 'interrupted (Ctrl-C)',
    timeout: 'no answer in time',
    cancelled: 'the typed nickname did not match: a real run stops here',
    error: `the runbook stopped on an error: ${what}`,
  }
  return {
    outcome: 'refused',
    endedBy: how,
    decision: `${how === 'error' ? `stopped on an error: ${what}` : what}: nothing was sent`,
    stop: {name: names[how], result: 'refuse', detail: `${what}; nothing was sent`},
    why: why[how],
    nextSteps: [`run it again when ready: ${suggestCommand(['runbook', 'incident', '--group', nickname], connection)}`],
  }
}
