// The incident runbook's steps that do work: the groups to choose from, the assessment (status, diagnosis,
// recommendation, the survivors' endpoints), and force-unlink's own plan and run. The force-unlink is
// prepareForceUnlink + runGuarded + executeForceUnlink: the very code of `geo-redis force-unlink`, so the runbook can
// never drift from the command. Its plan is built from the reads and probes the assessment made, so nothing already
// known to be failing is waited for twice.
import type {CapacityThresholds} from '../../domain/capacity.js'
import {UsageError} from '../../domain/errors.js'
import {allMembers} from '../../domain/group.js'
import {idKey} from '../../domain/ids.js'
import {diagnose, memberStatuses, recommend, type Diagnosis, type IncidentMember, type Recommendation} from '../../domain/incident.js'
import type {GeoGroup, Inventory} from '../../domain/model.js'
import type {SavedPlan} from '../../domain/plans.js'
import type {GroupSelection} from '../../domain/resolve.js'
import {suggestCommand} from '../../domain/suggest.js'
import {exportEndpoints, type EndpointsExport} from '../endpoints.js'
import {executeForceUnlink, prepareForceUnlink} from '../guarded/force-unlink.js'
import {runGuarded, type GuardedResult, type GuardedRunOptions} from '../guarded/lifecycle.js'
import type {KnownReads, PreparedOperation} from '../guarded/prepare.js'
import {readGroups} from '../inventory.js'
import type {ArmReader, GuardedPorts, ProbingPorts, ProgressReporter} from '../ports.js'
import {probeSummary, type ProbeSettings, type ProbeSummary} from '../probe.js'
import {runwayReasons, survivorRunways, type RunwaySampling} from './runway.js'

export interface GroupChoice {
  inventory: Inventory
  /** every visible group matching the selection; the runbook asks when there are several */
  groups: GeoGroup[]
}

/** Step "group": the groups an operator may pick from, fresh from ARM, by the one resolver. */
export async function incidentGroups(arm: ArmReader, options: {subscriptions: string[]; selection: GroupSelection}): Promise<GroupChoice> {
  const {inventory, groups} = await readGroups(arm, {subscriptions: options.subscriptions}, options.selection)
  if (groups.length === 0) {
    throw new UsageError('no geo-replication group is visible', `check --subscription and your access with ${suggestCommand(['inventory'])}`, 'NoGroup')
  }
  return {inventory, groups}
}

interface AssessOptions {
  /** the ARM selection flags, repeated in every command the runbook suggests */
  connection?: string[]
  probe: ProbeSettings
  thresholds: CapacityThresholds
  onProgress?: ProgressReporter
  now?: () => Date
  /** samples of the survivors' memory for the runway; none: the assessment's probe alone (rate not known yet) */
  runway?: RunwaySampling
  abortSignal?: AbortSignal
}

export interface Assessment {
  readAt: string
  group: {nickname: string; key: string; status: string; problems: string[]}
  thresholds: CapacityThresholds
  members: IncidentMember[]
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
export async function assessIncident(ports: ProbingPorts, group: GeoGroup, options: AssessOptions): Promise<{assessment: Assessment; probe: ProbeSummary}> {
  options.onProgress?.(`probing ${allMembers(group).length} members`, 'status')
  const probe = await probeSummary(ports, group, allMembers(group), options.probe, '')
  const sampling = options.runway ?? {samples: 1, everyMs: 0}
  const probedAt = (sampling.now ?? Date.now)()
  const members = memberStatuses({group, probes: probe.members, thresholds: options.thresholds})
  const diagnosis = diagnose(members)
  const survivors = new Set(diagnosis.survivors.map((s) => idKey(s.id)))
  // without keys no listKeys is sent: this only reads the group already in hand
  const endpoints = await exportEndpoints(ports.arm, {...group, members: group.members.filter((m) => survivors.has(idKey(m.id))), unreadable: [], unresolved: []}, {includeKeys: false})
  const recommendation = recommend(diagnosis, options.thresholds, {nickname: group.nickname, connection: options.connection ?? []})
  if (diagnosis.failing.length > 0 && diagnosis.survivors.length > 0) {
    options.onProgress?.('sampling the survivors\' memory for the runway', 'status')
    const settings = {probe: options.probe, thresholdPct: options.thresholds.critPct, sampling, signal: options.abortSignal}
    const runways = await survivorRunways(ports, group, diagnosis.survivors, {probes: probe.members, at: probedAt}, settings)
    recommendation.reasons.push(...runwayReasons(runways, options.thresholds.critPct))
  }

  const assessment: Assessment = {
    readAt: (options.now?.() ?? new Date()).toISOString(),
    group: {nickname: group.nickname, key: group.key, status: group.status, problems: group.problems},
    thresholds: options.thresholds,
    members,
    diagnosis,
    recommendation,
    endpoints,
    connection: options.connection ?? [],
  }
  return {assessment, probe}
}

interface UnlinkPlanOptions {
  subscriptions: string[]
  resourceGroup?: string
  dryRun: boolean
  probe: ProbeSettings
  /** the inventory the group was chosen from and the assessment's probes: the plan is built from them */
  known: KnownReads
  onProgress?: ProgressReporter
  /** --plan: the rehearsal's plan, executed exactly once a fresh read shows nothing moved */
  plan?: SavedPlan
}

/**
 * Step "plan": force-unlink's own plan for the failed member, from what the runbook has read and probed (a member
 * known to be failing is not waited for again); never forced (overrides need the command).
 */
export async function planIncidentUnlink(ports: GuardedPorts, assessment: Assessment, target: IncidentMember, options: UnlinkPlanOptions): Promise<PreparedOperation> {
  const prepared = await prepareForceUnlink(ports, {
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
    plan: options.plan,
  })
  if (prepared.group.key !== assessment.group.key) {
    const words = ['force-unlink', '--group', '<nickname>', '--resource-group', '<rg>', '--member', '<member>']
    throw new UsageError(
      `the force-unlink plan resolved another group named "${assessment.group.nickname}" than the one assessed`,
      `run the runbook again with --resource-group, or use ${suggestCommand(words, assessment.connection)}`,
    )
  }
  return prepared
}

/** Steps "confirm" and "execute": the guarded force-unlink, consent and evidence included, exactly as the command runs it. */
export function runIncidentUnlink(ports: GuardedPorts, prepared: PreparedOperation, options: GuardedRunOptions): Promise<GuardedResult> {
  // the bundle stays open so the runbook's log joins force-unlink's evidence before it is sealed
  return runGuarded(ports.arm, prepared, executeForceUnlink, {...options, evidence: {...options.evidence, holdOpen: true}})
}
