// The runbook's Display, recorded: what the step machine showed, in order, for tests to assert on instead of a
// terminal's screen (the tmux tests read the real one).
import {RUNBOOK_STEPS, type StepId} from '../../src/domain/incident.js'
import type {PreparedOperation} from '../../src/services/guarded/prepare.js'
import type {Progress} from '../../src/services/ports.js'
import type {Display, LogHeading} from '../../src/services/runbook/display.js'
import type {JournalEntry, RunbookEvent} from '../../src/services/runbook/journal.js'

/** What the runbook showed, in order: a step entered, events shown, the plan above the consent prompt, progress. */
type Shown =
  | {kind: 'enter'; step: StepId}
  | {kind: 'show'; step: StepId; events: RunbookEvent[]}
  | {kind: 'plan-above-consent'; action: string}
  | {kind: 'progress'; text: string}

export class RecordingDisplay implements Display {
  readonly shown: Shown[] = []

  enter(step: StepId): void {
    this.shown.push({kind: 'enter', step})
  }

  async show(step: StepId, events: RunbookEvent[]): Promise<void> {
    this.shown.push({kind: 'show', step, events})
  }

  planAboveConsent(prepared: PreparedOperation): void {
    this.shown.push({kind: 'plan-above-consent', action: prepared.action})
  }

  progress(text: string): Progress {
    this.shown.push({kind: 'progress', text})
    return {update: (line) => void this.shown.push({kind: 'progress', text: line}), note: (line) => void this.shown.push({kind: 'progress', text: line}), stop() {}}
  }

  /** The steps shown, each once, in the order they were first shown. */
  steps(): StepId[] {
    return [...new Set(this.shown.flatMap((s) => (s.kind === 'show' ? [s.step] : [])))]
  }

  /** Every event of one kind that was shown. */
  events<K extends RunbookEvent['kind']>(kind: K): Extract<RunbookEvent, {kind: K}>[] {
    return this.shown.flatMap((s) => (s.kind === 'show' ? s.events.filter((e): e is Extract<RunbookEvent, {kind: K}> => e.kind === kind) : []))
  }

  /** A plain log: one line per step, what it showed (event kinds), or why it was not reached. */
  async transcript(entries: JournalEntry[], heading: LogHeading): Promise<string> {
    const lines = entries.map(({step, events, notReached}) => `${step}: ${events ? events.map((e) => e.kind).join(', ') : `not reached (${notReached ?? 'ended before'})`}`)
    return [`runbook ${heading.nickname}: ${heading.outcome}`, ...lines].join('\n')
  }
}

/** The runbook's steps in order, to compare what was shown against. */
export const STEP_IDS: StepId[] = RUNBOOK_STEPS.map((s) => s.id)
