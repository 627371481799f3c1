// Results → exit codes: the one place (docs/architecture.md's contract). 0 ok · 1 partial, findings, a failed
// operation, or an operation whose outcome is unknown · 2 usage, bad input or refused (nothing sent) · 130 interrupted
// by Ctrl-C, SIGHUP or SIGTERM. Commands hand their result here; renderers and services never pick a code. Pure.
import {ExitCode, type StopSignal} from './errors.js'

/**
 * How a decision ended. `succeeded` and `failed` are ARM's verdict (or NotVerified); `unknown`: sent, and geo-redis
 * lost sight of it; `refused`, `dry-run` and `nothing-to-do` sent nothing.
 */
export type Outcome = 'succeeded' | 'failed' | 'unknown' | 'refused' | 'dry-run' | 'nothing-to-do'

/** What a guarded operation's exit code depends on. */
export interface GuardedEnding {
  outcome: Outcome
  /** the signal that stopped the run, before sending or while following the operation */
  stoppedBy: StopSignal | null
  /** `interrupted`: a signal (or Ctrl-C at the prompt) came before anything was sent */
  refusal: {interrupted: boolean} | null
}

/**
 * force-unlink, force-link and flush: 0 done, dry run or nothing to do · 1 failed, or unknown (a retry is safe: a
 * repeated request is refused while a link operation is in flight and is "nothing to do" once done) · 2 refused ·
 * 130 a stop signal before sending, or while following the operation.
 */
export function guardedExitCode(result: GuardedEnding): number {
  if (result.stoppedBy && (result.outcome === 'unknown' || result.refusal?.interrupted)) return ExitCode.interrupted
  switch (result.outcome) {
    case 'failed':
    case 'unknown':
      return ExitCode.partial
    case 'refused':
      return ExitCode.usage
    default:
      return ExitCode.ok
  }
}

/**
 * How the incident runbook ended: by the operator's choice or with nothing to decide (`choice`), by force-unlink's own
 * outcome (`unlink`), at one of its questions: Ctrl-C (`interrupted`), no answer in time (`timeout`: a "no", as a
 * choice is), a rehearsed confirmation that a real run would cancel (`cancelled`); or a step that failed (`error`).
 */
export type RunbookEnd = 'choice' | 'unlink' | 'interrupted' | 'timeout' | 'cancelled' | 'error'

/** The runbook: its force-unlink's code when it got that far; else 0 for a choice, 1 an error, 2 cancelled, 130 interrupted. */
export function runbookExitCode(result: {endedBy: RunbookEnd; forceUnlink: GuardedEnding | null}): number {
  switch (result.endedBy) {
    case 'unlink':
      return result.forceUnlink ? guardedExitCode(result.forceUnlink) : ExitCode.ok
    case 'interrupted':
      return ExitCode.interrupted
    case 'cancelled':
      return ExitCode.usage
    case 'error':
      return ExitCode.partial
    default:
      return ExitCode.ok
  }
}

/** A read of ARM (inventory, group show, endpoints export): 1 when a scope or a linked member could not be read. */
export function readExitCode(unread: readonly unknown[]): number {
  return unread.length > 0 ? ExitCode.partial : ExitCode.ok
}

/** probe: 0 when every member answered, else 1 (one ARM could not read counts as not answering); the canary never decides. */
export function probeExitCode(probe: {members: {reachable: boolean; readError?: unknown}[]}): number {
  return probe.members.every((m) => m.reachable && !m.readError) ? ExitCode.ok : ExitCode.partial
}

/** capacity: 1 when a member is critical, did not answer, or could not be read at all; else 0. */
export function capacityExitCode(report: {members: {reachable: boolean; level: string; readError?: unknown}[]; unresolved: string[]}): number {
  return report.unresolved.length > 0 || report.members.some((m) => m.readError || !m.reachable || m.level === 'crit') ? ExitCode.partial : ExitCode.ok
}

/** check: 1 on any error finding, or any scope that could not be read (a pipeline never passes on what it could not see). */
export function checkExitCode(result: {summary: {error: number}; errors: readonly unknown[]}): number {
  return result.summary.error > 0 || result.errors.length > 0 ? ExitCode.partial : ExitCode.ok
}

/** evidence verify: 0 only when the bundle is intact, complete and (with --expect) the expected one. */
export function verifyExitCode(result: {intact: boolean; complete: boolean; digestMatches: boolean | null}): number {
  return result.intact && result.complete && result.digestMatches !== false ? ExitCode.ok : ExitCode.partial
}

/**
 * sandbox load: 130 stopped by a signal · 1 a write failed · 0 every write sent answered OK (a member down in an
 * outage drill is skipped, and said so: loading the survivors during an outage is the point).
 */
export function loadExitCode(result: {stoppedBy: StopSignal | null; failed: number}): number {
  if (result.stoppedBy) return ExitCode.interrupted
  return result.failed > 0 ? ExitCode.partial : ExitCode.ok
}
