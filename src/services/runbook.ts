// The incident runbook's use cases, one per step that does work: the groups to choose from, the assessment
// (status, diagnosis, recommendation, the survivors' endpoints), the force-unlink plan and run, and the runbook's
// own evidence. The force-unlink is prepareForceUnlink + runGuarded + executeForceUnlink: the very code of
// `geo-redis force-unlink`, so the runbook can never drift from the command. Its plan is built from the reads and
// probes the assessment made, so nothing already known to be failing is waited for twice. Never prints, never prompts.
import type {CapacityThresholds} from '../domain/capacity.js'
import {UsageError} from '../domain/errors.js'
import type {GuardResult} from '../domain/guards.js'
import {
  diagnose,
  memberStatuses,
  recommend,
  redirectNextSteps,
  rejoinSteps,
  type Diagnosis,
  type MemberStatus,
  type ProbeReading,
  type Recommendation,
} from '../domain/incident.js'
import {idKey} from '../domain/ids.js'
import {suggestCommand} from '../domain/suggest.js'
import type {SavedPlan} from '../domain/plans.js'
import type {GeoGroup, Inventory} from '../domain/model.js'
import type {GroupSelection} from '../domain/resolve.js'
import {allMembers} from '../domain/group.js'
import {createBundle, renderReport, reopenBundle, type EvidenceBundle, type EvidenceOutcome, type EvidenceRecord} from '../evidence/index.js'
import {exportEndpoints, type EndpointsExport} from './endpoints.js'
import {
  planCommand,
  runGuarded,
  runProbes,
  type EvidenceSettings,
  type GuardedResult,
  type GuardedRunOptions,
  type KnownReads,
  type PreparedOperation,
  type ProbeSummary,
  type ProgressReporter,
} from './evidence.js'
import {executeForceUnlink, prepareForceUnlink} from './force-unlink.js'
import {readGroups} from './inventory.js'
import type {ArmPort, GroupLocks} from './ports.js'
import {dialled, type ProbeSettings} from './probe.js'

export interface GroupChoice {
  inventory: Inventory
  /** every visible group matching the selection; the runbook asks when there are several */
  groups: GeoGroup[]
}

/** Step "group": the groups an operator may pick from, fresh from ARM, by the one resolver. */
export async function incidentGroups(arm: ArmPort, options: {subscriptions: string[]} & GroupSelection): Promise<GroupChoice> {
  const {inventory, groups} = await readGroups(arm, {subscriptions: options.subscriptions}, {group: options.group, resourceGroup: options.resourceGroup})
  if (groups.length === 0) {
    throw new UsageError('no geo-replication group is visible', 'check --subscription and your access with `geo-redis inventory`', 'NoGroup')
  }
  return {inventory, groups}
}

export interface AssessOptions {
  /** the ARM selection flags, repeated in every command the runbook suggests */
  connection?: string[]
  probe: ProbeSettings
  thresholds: CapacityThresholds
  onProgress?: ProgressReporter
  now?: () => Date
}

export interface Assessment {
  readAt: string
  group: {nickname: string; key: string; status: string; problems: string[]}
  thresholds: CapacityThresholds
  members: MemberStatus[]
  diagnosis: Diagnosis
  recommendation: Recommendation
  /** the survivors only: where clients go while the failed member is down */
  endpoints: EndpointsExport
  /** the ARM selection flags of this run, repeated in every command suggested */
  connection: string[]
}

/**
 * Steps "status" to "endpoints": probes every member (one ARM cannot read too, when its endpoint is known), then
 * applies the pure rules of domain/incident. The probes come back with the assessment, for the plan to use.
 */
export async function assessIncident(arm: ArmPort, choice: {group: GeoGroup}, options: AssessOptions): Promise<{assessment: Assessment; probe: ProbeSummary}> {
  const {group} = choice
  options.onProgress?.(`probing ${allMembers(group).length} members`, 'status')
  const probe = await runProbes(arm, group, allMembers(group), options.probe, '')
  const results = probe.members
  const probes: ProbeReading[] = results.map((r) => ({
    id: r.id,
    reachable: r.reachable,
    errorKind: r.error?.kind ?? null,
    errorMessage: r.error?.message ?? null,
    latencyMs: r.pingMs?.p50 ?? null,
    usedBytes: r.memory?.usedBytes ?? null,
    maxmemoryBytes: r.memory?.maxBytes ?? null,
  }))
  // a member that was not dialled (unread, endpoint unknown) has no probe reading
  const members = memberStatuses({group, probes: probes.filter((_, i) => dialled(results[i])), thresholds: options.thresholds})
  const diagnosis = diagnose(members)
  const survivors = new Set(diagnosis.survivors.map((s) => idKey(s.id)))
  // without keys no listKeys is sent: this only reads the group already in hand
  const endpoints = await exportEndpoints(arm, {...group, members: group.members.filter((m) => survivors.has(idKey(m.id))), unreadable: [], unresolved: []}, {includeKeys: false})
  const assessment: Assessment = {
    readAt: (options.now?.() ?? new Date()).toISOString(),
    group: {nickname: group.nickname, key: group.key, status: group.status, problems: group.problems},
    thresholds: options.thresholds,
    members,
    diagnosis,
    recommendation: recommend(diagnosis, options.thresholds, {nickname: group.nickname, connection: options.connection ?? []}),
    endpoints,
    connection: options.connection ?? [],
  }
  return {assessment, probe}
}

export interface UnlinkPlanOptions {
  subscriptions: string[]
  resourceGroup?: string
  dryRun: boolean
  probe: ProbeSettings
  /** the inventory the group was chosen from and the assessment's probes: the plan is built from them */
  known: KnownReads
  onProgress?: ProgressReporter
  /** one mutation of the group at a time on this machine (see force-unlink) */
  locks?: GroupLocks
  /** --plan: the rehearsal's plan, executed exactly once a fresh read shows nothing moved */
  plan?: SavedPlan
}

/**
 * Step "plan": force-unlink's own plan for the failed member, from what the runbook has read and probed (a member
 * known to be failing is not waited for again); never forced (overrides need the command).
 */
export async function planIncidentUnlink(arm: ArmPort, assessment: Assessment, target: MemberStatus, options: UnlinkPlanOptions): Promise<PreparedOperation> {
  const prepared = await prepareForceUnlink(arm, {
    subscriptions: options.subscriptions,
    known: options.known,
    group: assessment.group.nickname,
    // a survivor's resource group keeps a same-named group elsewhere out of the choice
    resourceGroup: options.resourceGroup ?? assessment.diagnosis.survivors[0]?.resourceGroup ?? undefined,
    member: target.id,
    force: false,
    dryRun: options.dryRun,
    probe: options.probe,
    onProgress: options.onProgress,
    connection: assessment.connection,
    locks: options.locks,
    plan: options.plan,
  })
  if (prepared.group.key !== assessment.group.key) {
    throw new UsageError(
      `the force-unlink plan resolved another group named "${assessment.group.nickname}" than the one assessed`,
      'run the runbook again with --resource-group, or use `geo-redis force-unlink --group <nickname> --resource-group <rg> --member <member>`',
    )
  }
  return prepared
}

/** Steps "confirm" and "execute": the guarded force-unlink, consent and evidence included, exactly as the command runs it. */
export function runIncidentUnlink(arm: ArmPort, prepared: PreparedOperation, options: GuardedRunOptions): Promise<GuardedResult> {
  // the bundle stays open so the runbook's log joins force-unlink's evidence before it is sealed
  return runGuarded(arm, prepared, executeForceUnlink, {...options, evidence: {...options.evidence, holdOpen: true}})
}

export interface RunbookAnswer {
  step: string
  question: string
  answer: string
}

export interface RunbookRecord {
  group: {nickname: string; key: string}
  startedAt: string
  outcome: Exclude<EvidenceOutcome, 'in-progress'>
  /** one line, e.g. "redirect clients only: sandbox-northeurope/default was not unlinked" */
  decision: string
  /** why the run ended where it did, when it was not by the force-unlink's own outcome */
  stop: GuardResult | null
  dryRun: boolean
  target: MemberStatus | null
  assessment: Assessment | null
  answers: RunbookAnswer[]
  /** the force-unlink run, when the runbook got that far */
  unlink: GuardedResult | null
  nextSteps: string[]
}

export const RUNBOOK_ACTION = 'runbook-incident'

/**
 * Where the runbook's log goes: into force-unlink's own bundle when the run got that far (one bundle holds the
 * plan, the outcome and every answer), else into a bundle of its own with a report.md. runbook.md is the log,
 * runbook.json the assessment and answers.
 */
export class RunbookEvidence {
  private constructor(
    private readonly bundle: EvidenceBundle,
    private readonly settings: EvidenceSettings,
    private readonly operator: Promise<EvidenceRecord['operator']>,
    /** force-unlink's bundle, whose report.md already tells the outcome */
    private readonly attached: boolean,
  ) {}

  static async open(arm: ArmPort, nickname: string, settings: EvidenceSettings): Promise<RunbookEvidence> {
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
        probes: record.assessment?.members.filter((m) => m.probe).map((m) => ({member: `${m.name} (${m.location})`, ok: m.probe!.answered, detail: m.probe!.failure})) ?? null,
        outcome: record.outcome,
        error: unlink?.operation?.error ?? null,
        statusUrl: unlink?.operation?.statusUrl ?? null,
        lostSight: unlink?.operation?.lostSight?.message ?? null,
        nextSteps: record.nextSteps,
      }),
    )
  }
}

/** What `geo-redis runbook incident` returns. */
export interface RunbookResult {
  action: typeof RUNBOOK_ACTION
  group: {nickname: string; key: string}
  outcome: RunbookRecord['outcome']
  decision: string
  dryRun: boolean
  recommendation: Recommendation | null
  target: {id: string; name: string} | null
  forceUnlink: GuardedResult | null
  /** one bundle: force-unlink's when the run got that far, with the runbook's log added; digest: of its sealed manifest */
  evidence: {dir: string; digest: string}
  answers: RunbookAnswer[]
  nextSteps: string[]
}

/** How a run ended, before the evidence step: what goes in the record and the summary. */
export interface RunbookEnding {
  outcome: RunbookRecord['outcome']
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
    return {outcome: 'nothing-to-do', decision: 'no member is failing: nothing to do', stop: null, why: 'no member is failing', nextSteps: [`check the group in full: ${suggestCommand(['check', '--group', nickname, '--probe'], a.connection)}`]}
  }
  if (rec.kind === 'no-survivor') {
    return {
      outcome: 'refused',
      decision: 'no member is known to be healthy: no force-unlink is possible from here',
      stop: {name: 'survivor-available', result: 'refuse', detail: rec.reasons[0] ?? null},
      why: 'no healthy survivor to send a force-unlink on',
      nextSteps: rec.reasons.slice(1),
    }
  }
  return {
    outcome: 'refused',
    decision: `redirect clients only: ${diagnosis.failing.map((m) => m.name).join(', ')} not force-unlinked (recommended: ${rec.title})`,
    stop: {name: 'operator-decision', result: 'refuse', detail: 'you chose not to force-unlink: redirect clients only'},
    why: 'you chose to redirect clients only',
    nextSteps: redirectNextSteps(nickname, diagnosis.failing, a.thresholds, a.connection),
  }
}

/** The force-unlink ran through runGuarded: its outcome is the runbook's. */
export function endAfterUnlink(result: GuardedResult, a: Assessment, target: MemberStatus): RunbookEnding {
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
  return {outcome: result.outcome, decision, stop: null, why, nextSteps}
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
    decision: `${how === 'error' ? `stopped on an error: ${what}` : what}: nothing was sent`,
    stop: {name: names[how], result: 'refuse', detail: `${what}; nothing was sent`},
    why: why[how],
    nextSteps: [`run it again when ready: ${suggestCommand(['runbook', 'incident', '--group', nickname], connection)}`],
  }
}
