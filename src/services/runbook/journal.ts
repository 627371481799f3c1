// What the runbook showed and asked, step by step: the Display port shows each event on the terminal, and the
// journal keeps them for runbook.md, the log in the evidence (rendered by the same port, from the same events).
import type {GuardResult} from '../../domain/guards.js'
import {RUNBOOK_STEPS, stepNumber, type Recommendation, type StepId} from '../../domain/incident.js'
import type {GeoGroup} from '../../domain/model.js'
import {plainText} from '../../shared/text.js'
import type {GuardedResult} from '../guarded/lifecycle.js'
import type {PreparedOperation} from '../guarded/prepare.js'
import type {Assessment} from './assess.js'
import type {RunbookAnswer} from './evidence.js'

/** (✓) done, (✗) failed, (!) warning */
export type Mark = 'ok' | 'bad' | 'warn'

export type RunbookEvent =
  | {kind: 'group'; group: GeoGroup; how: string}
  | {kind: 'status'; assessment: Assessment}
  | {kind: 'diagnosis'; assessment: Assessment}
  | {kind: 'recommendation'; recommendation: Recommendation}
  | {kind: 'endpoints'; assessment: Assessment}
  | {kind: 'note'; text: string; mark?: Mark}
  /** force-unlink's plan as the command renders it (`part: plan`), or the verdict of its guards */
  | {kind: 'plan'; prepared: PreparedOperation; part: 'plan' | 'verdict'}
  | {kind: 'consent'; guard: GuardResult; dryRun: boolean}
  | {kind: 'execute'; result: GuardedResult}
  | {kind: 'evidence'; dir: string; unlink: GuardedResult | null}
  | {kind: 'list'; items: string[]}
  /** a question and its answer: the prompt itself showed them on the terminal */
  | {kind: 'answer'; question: string; answer: string}

/** A step's events, and why a step was not reached when it has none. */
export interface JournalEntry {
  step: StepId
  events: RunbookEvent[] | null
  notReached: string | null
}

export class RunbookJournal {
  private readonly steps = new Map<StepId, RunbookEvent[]>()
  private readonly notReached = new Map<StepId, string>()

  add(step: StepId, events: RunbookEvent[]): void {
    this.steps.set(step, [...(this.steps.get(step) ?? []), ...events])
  }

  /** every step after `from` that has nothing logged yet, with why it was not reached */
  skipAfter(from: StepId, why: string): void {
    for (const s of RUNBOOK_STEPS.slice(stepNumber(from))) if (!this.steps.has(s.id)) this.notReached.set(s.id, why)
  }

  /** every question asked and its answer, as plain text, in the step list's order */
  answers(): RunbookAnswer[] {
    const plain = (text: string) => plainText(text, {keepLines: true})
    return this.entries().flatMap(({step, events}) =>
      (events ?? []).flatMap((e) => (e.kind === 'answer' ? [{step, question: plain(e.question), answer: plain(e.answer)}] : [])),
    )
  }

  /** every step of the runbook, in order */
  entries(): JournalEntry[] {
    return RUNBOOK_STEPS.map((s) => ({step: s.id, events: this.steps.get(s.id) ?? null, notReached: this.notReached.get(s.id) ?? null}))
  }
}
