// Where the runbook's log goes: into force-unlink's own bundle when the run got that far (one bundle holds the plan,
// the outcome and every answer), else into a bundle of its own with a report.md. runbook.md is the log, runbook.json
// the assessment and answers.
import type {GuardResult} from '../../domain/guards.js'
import type {IncidentMember} from '../../domain/incident.js'
import type {Outcome} from '../../domain/outcome.js'
import {createBundle, renderReport, reopenBundle, type EvidenceBundle, type EvidenceRecord, type ProbeLine} from '../../evidence/index.js'
import type {EvidenceSettings} from '../guarded/decision-evidence.js'
import type {GuardedResult} from '../guarded/lifecycle.js'
import type {ArmReader} from '../ports.js'
import type {Assessment} from './assess.js'

export const RUNBOOK_ACTION = 'runbook-incident'

export interface RunbookAnswer {
  step: string
  question: string
  answer: string
}

export interface RunbookRecord {
  group: {nickname: string; key: string}
  startedAt: string
  outcome: Outcome
  /** one line, e.g. "redirect clients only: sandbox-northeurope/default was not unlinked" */
  decision: string
  /** why the run ended where it did, when it was not by the force-unlink's own outcome */
  stop: GuardResult | null
  dryRun: boolean
  target: IncidentMember | null
  assessment: Assessment | null
  /** what the assessment's probes saw, as report.md lists it; null when it did not get that far */
  probes: ProbeLine[] | null
  answers: RunbookAnswer[]
  /** the force-unlink run, when the runbook got that far */
  unlink: GuardedResult | null
  nextSteps: string[]
}

export class RunbookEvidence {
  private constructor(
    private readonly bundle: EvidenceBundle,
    private readonly settings: EvidenceSettings,
    private readonly operator: Promise<EvidenceRecord['operator']>,
    /** force-unlink's bundle, whose report.md already tells the outcome */
    private readonly attached: boolean,
  ) {}

  static async open(arm: ArmReader, nickname: string, settings: EvidenceSettings): Promise<RunbookEvidence> {
    const bundle = await createBundle({root: settings.root, nickname, action: RUNBOOK_ACTION, now: settings.now?.() ?? new Date(), tool: settings.tool})
    // who ran it is worth recording, but never worth failing the run for
    return new RunbookEvidence(bundle, settings, arm.principal().catch(() => null), false)
  }

  /** force-unlink's bundle, held open by runIncidentUnlink */
  static async attach(dir: string, settings: EvidenceSettings): Promise<RunbookEvidence> {
    return new RunbookEvidence(await reopenBundle(dir), settings, Promise.resolve(null), true)
  }

  get dir(): string {
    return this.bundle.dir
  }

  /** Writes the log and seals the bundle; returns its digest. */
  async finish(record: RunbookRecord, log: string): Promise<string> {
    const {unlink} = record
    await this.bundle.writeJson('runbook.json', {
      action: RUNBOOK_ACTION,
      group: record.group,
      outcome: record.outcome,
      decision: record.decision,
      dryRun: record.dryRun,
      answers: record.answers,
      assessment: record.assessment,
      forceUnlink: unlink ? {outcome: unlink.outcome, evidence: unlink.evidence, operation: unlink.operation, verification: unlink.verification} : null,
    })
    await this.bundle.writeText('runbook.md', log)
    if (!this.attached) await this.writeReport(record)
    await this.bundle.complete()
    return this.bundle.digest()
  }

  private async writeReport(record: RunbookRecord): Promise<void> {
    const {unlink, target} = record
    const {settings} = this
    await this.bundle.writeText(
      'report.md',
      renderReport({
        action: RUNBOOK_ACTION,
        group: record.group,
        decision: record.decision,
        reason: settings.reason ?? null,
        operator: await this.operator,
        tool: settings.tool,
        startedAt: record.startedAt,
        finishedAt: (settings.now?.() ?? new Date()).toISOString(),
        dryRun: record.dryRun,
        targets: target ? [{id: target.id, location: target.location}] : [],
        issuedOn: unlink?.plan.issuedOn ? {id: unlink.plan.issuedOn.id, location: unlink.plan.issuedOn.location} : null,
        requests: unlink?.plan.requests ?? [],
        guards: [...(unlink?.guards ?? []), ...(record.stop ? [record.stop] : [])],
        probes: record.probes,
        outcome: record.outcome,
        error: unlink?.operation?.error ?? null,
        statusUrl: unlink?.operation?.statusUrl ?? null,
        lostSight: unlink?.operation?.lostSight?.message ?? null,
        nextSteps: record.nextSteps,
      }),
    )
  }
}
