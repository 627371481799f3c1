// What every guarded operation (force-unlink, force-link, flush) does before anything is sent: read the group fresh,
// take its lock, probe what the decision needs, and build the plan on that basis. The operations' own modules decide
// their guards and plan; this is the part they share.
import type {GeoGroup, Inventory, Member, ScopeError} from '../../domain/model.js'
import {withGuard, type GuardReport} from '../../domain/guards.js'
import {idKey} from '../../domain/ids.js'
import {planDrift, type GuardedAction, type OperationPlan, type PlanInput, type SavedPlan} from '../../domain/plans.js'
import {readInventory} from '../inventory.js'
import type {GroupLocks, GuardedPorts, ProgressReporter} from '../ports.js'
import {observed, probeSummary, type ProbeSettings, type ProbeSummary} from '../probe.js'

/** The group a guarded operation or a capture is about, as the operator named it. */
export interface SubjectSelection {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  group: string
  resourceGroup?: string
  /** the member acted on (or --from): narrows same-named groups when it names a member of exactly one */
  member?: string
}

/** What the runbook read and probed already: its plan is built from these instead of waiting for them again. */
export interface KnownReads {
  startedAt: string
  inventory: Inventory
  /** the probes of every member of the group, with the settings the plan would probe with */
  probe?: ProbeSummary
}

export interface GuardedOptions extends SubjectSelection {
  /** the member acted on: cluster name, location or database id */
  member: string
  /** lets the overridable guards pass (a target that still answers, a group of one, skipped probes) */
  force: boolean
  dryRun: boolean
  /** null: --skip-probe */
  probe: ProbeSettings | null
  onProgress?: ProgressReporter
  now?: () => Date
  /** the ARM selection flags to repeat in suggested commands */
  connection?: string[]
  /** reads and probes made moments ago (the runbook's): used instead of reading and probing again */
  known?: KnownReads
  /** --plan: execute exactly this plan (its issuer too), once a fresh read shows its basis still holds */
  plan?: SavedPlan
}

/** ARM's view of the members at one moment: before.json and after.json. */
export interface MemberStates {
  readAt: string
  members: Member[]
  /** members ARM could not read: placeholders with `readError` */
  unreadable: Member[]
  errors: ScopeError[]
}

/** Everything decided before anything is sent: the input of consent, dry run, evidence and execution. */
export interface PreparedOperation {
  action: GuardedAction
  startedAt: string
  group: GeoGroup
  before: MemberStates
  plan: OperationPlan
  guards: GuardReport
  probe: ProbeSummary
  /**
   * The guards and plan again on a later read of the group (`read`: the members read then, a force-link's joining
   * database among them), with the same probes and options: the read right before sending is judged by this.
   */
  decide: (group: GeoGroup, read: Member[]) => {guards: GuardReport; plan: OperationPlan}
}

/** Reads the group, then builds the plan and its guards: prepare of force-unlink, force-link or flush. */
export type Prepare = (ports: GuardedPorts, options: GuardedOptions) => Promise<PreparedOperation>

/**
 * The first step of every guarded operation: when it started, and the inventory fresh from ARM, for the operation
 * to pick its group from with the one resolver (subjectGroup, or rejoinTarget for a force-link).
 */
export async function readFresh(
  ports: GuardedPorts,
  options: SubjectSelection & {onProgress?: ProgressReporter; now?: () => Date; known?: KnownReads},
): Promise<{startedAt: string; inventory: Inventory}> {
  if (options.known) return options.known
  const startedAt = (options.now?.() ?? new Date()).toISOString()
  options.onProgress?.(`reading group ${options.group}`, 'status')
  return {startedAt, inventory: await readInventory(ports.arm, {subscriptions: options.subscriptions})}
}

/** Takes the group's lock for a run that may send (never for a dry run): see GroupLocks. */
export async function holdGroup(options: {dryRun: boolean}, locks: GroupLocks | undefined, group: GeoGroup, what: string): Promise<void> {
  if (!options.dryRun) await locks?.hold(group.key, group.nickname, `${what} on group "${group.nickname}"`)
}

/**
 * With --plan: the plan built now on a fresh read must be the saved one (same group, target, issuer and request) on
 * the same basis (membership, states, links, what the probes saw). What moved refuses it, first among the guards.
 */
export function againstSavedPlan(guards: GuardReport, plan: OperationPlan, saved: SavedPlan | undefined): GuardReport {
  if (!saved) return guards
  const drift = planDrift(saved, plan)
  const name = 'plan-still-holds'
  if (drift.length === 0) return withGuard(guards, {name, result: 'pass', detail: 'the group is as the plan found it, and the request is the planned one'}, null)
  return {
    guards: [{name, result: 'refuse', detail: drift.join('; ')}, ...guards.guards],
    refusal: {
      guard: name,
      message: `the group moved since the plan was made: ${drift.join('; ')}; nothing was sent`,
      remediation: `make a new plan and review it: \`${plan.command} --dry-run\``,
    },
  }
}

/** Probes `members` only when a request is needed: an already-done change is "nothing to do" without them. */
export async function probeWhenNeeded(ports: GuardedPorts, group: GeoGroup, members: Member[], needed: boolean, options: Pick<GuardedOptions, 'probe' | 'onProgress' | 'known'>): Promise<ProbeSummary> {
  const known = options.known?.probe
  if (needed && options.probe && known?.ran) {
    // probed moments ago (the runbook's assessment): not awaited again
    const wanted = new Set(members.map((m) => idKey(m.id)))
    return {...known, members: known.members.filter((r) => wanted.has(idKey(r.id)))}
  }
  if (needed && options.probe) options.onProgress?.(`probing ${members.length} members`, 'status')
  return probeSummary(ports, group, members, needed ? options.probe : null, needed ? '--skip-probe' : 'nothing to probe: no request is needed')
}

/** The part of a plan's input every guarded operation has. */
export function planBasis(
  options: {member: string; dryRun: boolean; force: boolean; probe: ProbeSettings | null; connection?: string[]},
  group: GeoGroup,
  guards: GuardReport,
  probe: ProbeSummary,
): PlanInput {
  return {
    group,
    targetQuery: options.member,
    guards,
    probes: observed(probe),
    skipReason: probe.reason,
    skipProbe: options.probe === null,
    dryRun: options.dryRun,
    force: options.force,
    connection: options.connection ?? [],
  }
}

export function statesOf(inventory: Inventory, group: GeoGroup, members: Member[] = group.members): MemberStates {
  return {readAt: inventory.generatedAt, members, unreadable: group.unreadable, errors: inventory.errors}
}
