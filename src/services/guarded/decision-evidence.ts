// The evidence of one decision: before.json, plan.json and probe.json are written before anything is sent, an
// in-progress report.md right before the mutation, then after.json, the final report.md and a complete manifest.
// Writes are redacted by the bundle; nothing here holds a secret.
import type {GuardReport, GuardResult} from '../../domain/guards.js'
import {label} from '../../domain/group.js'
import type {GeoGroup, Member} from '../../domain/model.js'
import type {OperationPlan, Verification} from '../../domain/plans.js'
import {idKey} from '../../domain/ids.js'
import {latencyOf} from '../../domain/probe.js'
import {createBundle, renderReport, type EvidenceBundle, type EvidenceOutcome, type EvidenceRecord, type ManifestEntry, type ProbeLine} from '../../evidence/index.js'
import type {ArmReader} from '../ports.js'
import type {ProbeSummary} from '../probe.js'
import type {MemberStates} from './prepare.js'

interface ToolInfo {
  name: string
  version: string
}

export interface EvidenceSettings {
  /** parent folder; default ./geo-redis-evidence */
  root?: string
  tool: ToolInfo
  /** why, as the operator gave it (--reason) */
  reason?: string | null
  now?: () => Date
  /** leave the bundle incomplete after the final report, for a caller that adds files and completes it (the runbook) */
  holdOpen?: boolean
}

export interface EvidenceSubject {
  action: string
  startedAt: string
  group: GeoGroup
  before: MemberStates
  plan: OperationPlan | null
  guards: GuardReport | null
  probe: ProbeSummary
}

interface ReportUpdate {
  outcome: EvidenceOutcome
  decision: string
  guards?: GuardResult[]
  error?: {code: string; message: string} | null
  statusUrl?: string | null
  /** why the outcome is unknown */
  lostSight?: string | null
  nextSteps?: string[]
}

/** report.md's probe lines: one per member probed, named as the operator knows it. */
export function probeLines(probe: ProbeSummary, members: Member[]): ProbeLine[] | null {
  if (!probe.ran) return null
  return probe.members.map((p) => {
    const m = members.find((x) => idKey(x.id) === idKey(p.id))
    return {
      member: m ? label(m) : p.id,
      ok: p.reachable,
      detail: p.reachable
        ? `${latencyOf(p) ?? '?'} ms at ${p.endpoint}`
        : p.readError && !p.endpoint
          ? `not probed: ARM cannot read it (${p.readError.cause}) and its endpoint is unknown`
          : `${p.error?.kind ?? 'error'}: ${p.error?.message ?? 'no answer'}`,
    }
  })
}

/** One decision's bundle. */
export class DecisionEvidence {
  private constructor(
    private readonly bundle: EvidenceBundle,
    private readonly subject: EvidenceSubject,
    private readonly settings: EvidenceSettings,
    private readonly operator: EvidenceRecord['operator'],
  ) {}

  /** Creates the folder and writes before.json, plan.json (when there is a plan) and probe.json (when relevant). */
  static async open(arm: ArmReader, subject: EvidenceSubject, settings: EvidenceSettings): Promise<DecisionEvidence> {
    const now = settings.now?.() ?? new Date()
    const [bundle, operator] = await Promise.all([
      createBundle({root: settings.root, nickname: subject.group.nickname, action: subject.action, now, tool: settings.tool}),
      // who ran it is worth recording, but never worth failing the run for
      arm.principal().catch(() => null),
    ])
    const evidence = new DecisionEvidence(bundle, subject, settings, operator)
    const {group, before, plan, guards, probe} = subject
    await bundle.writeJson('before.json', {
      readAt: before.readAt,
      group: {nickname: group.nickname, key: group.key, status: group.status, problems: group.problems, unresolved: group.unresolved},
      members: before.members,
      unreadable: before.unreadable,
      errors: before.errors,
    })
    if (plan) await bundle.writeJson('plan.json', {...plan, guards: guards?.guards ?? [], refusal: guards?.refusal ?? null})
    if (plan || probe.ran) await bundle.writeJson('probe.json', probe)
    return evidence
  }

  get dir(): string {
    return this.bundle.dir
  }

  files(): ManifestEntry[] {
    return this.bundle.files()
  }

  digest(): string {
    return this.bundle.digest()
  }

  async writeAfter(after: MemberStates, verification: Verification | null): Promise<void> {
    await this.bundle.writeJson('after.json', {...after, verification})
  }

  /** report.md for this phase; `in-progress` leaves the bundle open, any other outcome completes it. */
  async report(update: ReportUpdate): Promise<void> {
    const {subject, settings} = this
    const plan = subject.plan
    const record: EvidenceRecord = {
      action: subject.action,
      group: {nickname: subject.group.nickname, key: subject.group.key},
      decision: update.decision,
      reason: settings.reason ?? null,
      operator: this.operator,
      tool: settings.tool,
      startedAt: subject.startedAt,
      finishedAt: update.outcome === 'in-progress' ? null : (settings.now?.() ?? new Date()).toISOString(),
      dryRun: plan?.dryRun ?? false,
      // a flush has no single target: it reaches the issuing member and every member it lists
      targets: (plan?.target ? [plan.target] : plan?.action === 'flush' ? [plan.issuedOn, ...plan.survivors] : [])
        .filter((m): m is NonNullable<typeof m> => m !== null)
        .map((m) => ({id: m.id, location: m.location})),
      issuedOn: plan?.issuedOn ? {id: plan.issuedOn.id, location: plan.issuedOn.location} : null,
      requests: plan?.requests ?? [],
      guards: update.guards ?? subject.guards?.guards ?? [],
      probes: probeLines(subject.probe, [...subject.before.members, ...subject.before.unreadable]),
      outcome: update.outcome,
      error: update.error ?? null,
      statusUrl: update.statusUrl ?? null,
      lostSight: update.lostSight ?? null,
      nextSteps: update.nextSteps ?? [],
    }
    await this.bundle.writeText('report.md', renderReport(record))
    if (update.outcome !== 'in-progress' && !settings.holdOpen) await this.bundle.complete()
  }
}
