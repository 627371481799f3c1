// Force-unlink: drop a member that is down from its group, sent on a surviving member. Split in two steps so
// the incident runbook can show the plan, ask in its own way, then execute exactly that plan.
import {evaluateForceUnlink, type ProbeFact} from '../domain/guards.js'
import {allMembers} from '../domain/group.js'
import type {GeoGroup, Member} from '../domain/model.js'
import {chooseIssuer, forceUnlinkPlan, linkedPeersOf, verifyForceUnlink, type SavedPlan} from '../domain/plans.js'
import {findMember, formerMember, memberOf, subjectGroup} from '../domain/resolve.js'
import {
  againstSavedPlan,
  executePlan,
  holdGroup,
  planBasis,
  probeWhenNeeded,
  readFresh,
  statesOf,
  type ExecuteOptions,
  type Execution,
  type KnownReads,
  type SubjectSelection,
  type PreparedOperation,
  type ProgressReporter,
} from './evidence.js'
import type {ArmPort, GroupLocks} from './ports.js'
import type {ProbeSettings} from './probe.js'

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
  /** one mutation of a group at a time on this machine: taken once the group is known, unless a dry run */
  locks?: GroupLocks
  /** --plan: execute exactly this plan (its issuer too), once a fresh read shows its basis still holds */
  plan?: SavedPlan
}

export interface ForceUnlinkOptions extends GuardedOptions {
  /** the surviving member to send the request on; default: the healthiest survivor */
  from?: string
}

/** Reads the group fresh, probes it, evaluates the guards and builds the plan. Sends nothing that mutates. */
export async function prepareForceUnlink(arm: ArmPort, options: ForceUnlinkOptions): Promise<PreparedOperation> {
  const {startedAt, inventory} = await readFresh(arm, options)
  const group = subjectGroup(inventory, options)
  // a member whose region is down cannot be read: it is only known as a placeholder from the others' views; one no
  // view lists any more (unlinked already) is still known by what ARM shows of it, or by why it could not be read
  const member = findMember(allMembers(group), options.member)
  const target = member ?? formerMember(inventory, group, options.member)
  await holdGroup(options, group, `force-unlink ${target?.cluster ?? options.member}`)
  // the request is sent on a readable member: --from's, or the plan's (which the drift guard judges if it moved)
  const from = options.plan ? findMember(group.members, options.plan.issuedOn?.id ?? '') : options.from ? memberOf(group, options.from, '--from', group.members) : null
  const needed = member !== null && linkedPeersOf(group, member).length > 0
  // "already unlinked" = no readable survivor lists the target (its own stale view may still list them); every
  // member is probed, the unread target too when its endpoint is known
  const probed = await probeWhenNeeded(arm, group, allMembers(group), needed, options)
  const decide = (g: GeoGroup, facts: ProbeFact[] | null) => {
    const current = member && findMember(allMembers(g), member.id)
    const now: Member | null = current ?? target
    const linkedPeers = current ? linkedPeersOf(g, current) : []
    const issuer = now && linkedPeers.length > 0 ? (from ? (findMember(g.members, from.id) ?? from) : chooseIssuer(linkedPeers, facts)) : null
    const situation = {group: g, targetQuery: options.member, target: now, targetInGroup: Boolean(current), issuer, linkedPeers, probes: facts, force: options.force, connection: options.connection ?? []}
    const guards = evaluateForceUnlink(situation)
    const plan = forceUnlinkPlan({...planBasis(options, g, guards, probed), ...situation, fromFlag: from !== null})
    if (plan.issuedOn) plan.requests = [arm.planForceUnlink(plan.issuedOn.id, plan.ids)]
    return {guards, plan}
  }
  const {guards, plan} = decide(group, probed.facts)
  return {
    action: 'force-unlink',
    startedAt,
    group,
    before: statesOf(inventory, group),
    plan,
    guards: againstSavedPlan(guards, plan, options.plan),
    probe: probed.probe,
    decide: (g) => decide(g, probed.facts),
  }
}

/** Sends exactly the prepared request (api-version 2022-01-01, on the SDK client's pipeline), follows it, then verifies the survivors. */
export function executeForceUnlink(arm: ArmPort, prepared: PreparedOperation, options: ExecuteOptions): Promise<Execution> {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.forceUnlink(plan.issuedOn!.id, plan.ids, o), verifyForceUnlink, options)
}
