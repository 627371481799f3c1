// The Display port of the incident runbook: what the operator sees between the questions (the Prompter asks them).
// The terminal adapter is cli/prompts.ts; tests use a recording one (sandbox/testing). It lives beside the runbook
// rather than in services/ports.ts because its events are the runbook's own types.
import type {StepId} from '../../domain/incident.js'
import type {PreparedOperation} from '../guarded/prepare.js'
import type {Progress} from '../ports.js'
import type {JournalEntry, RunbookEvent} from './journal.js'

export interface LogHeading {
  nickname: string
  startedAt: string
  finishedAt: string
  dryRun: boolean
  outcome: string
}

export interface Display {
  /** the step's header, once, when the run enters it (a question or events follow) */
  enter(step: StepId): void
  /** what the step found or did, under its header */
  show(step: StepId, events: RunbookEvent[]): Promise<void>
  /** force-unlink's plan, right above the prompt that asks to confirm it, as `geo-redis force-unlink` shows it */
  planAboveConsent(prepared: PreparedOperation): void
  /** a phase that waits: a spinner on a terminal, and the lines worth keeping */
  progress(text: string): Progress
  /** runbook.md: every step's events in the step list's order, and why a step was not reached */
  transcript(entries: JournalEntry[], heading: LogHeading): Promise<string>
}
