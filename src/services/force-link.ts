// Force-link: rejoin a previously unlinked database to its group (2025-07-01 forceLinkToReplicationGroup), sent on
// the joining database itself. Azure recreates it: all of its data is discarded.
import {UsageError} from '../domain/errors.js'
import {evaluateForceLink} from '../domain/guards.js'
import {idKey} from '../domain/ids.js'
import type {Inventory, Member} from '../domain/model.js'
import {alreadyLinked, findMember, forceLinkPlan, verifyForceLink} from '../domain/plans.js'
import {executePlan, planBasis, probeWhenNeeded, readSubject, statesOf, type ExecuteOptions, type Execution, type PreparedOperation} from './evidence.js'
import type {GuardedOptions} from './force-unlink.js'
import type {ArmPort} from './ports.js'

export type ForceLinkOptions = GuardedOptions

/**
 * A database whose own view no longer names the group (ARM may show it standalone once unlinked) is found
 * among the standalone databases, by full id or cluster name only: a location could match any cache there.
 */
function standaloneMatch(inventory: Inventory, query: string): Member | null {
  const q = query.trim().toLowerCase()
  const found = inventory.standalone.filter((m) => idKey(m.id) === idKey(q) || m.cluster.toLowerCase() === q)
  if (found.length > 1) throw new UsageError(`"${query}" matches ${found.length} standalone databases`, 'pass --member with the full database id')
  return found[0] ?? null
}

/** Reads the group fresh, evaluates the guards and builds the plan. Sends nothing that mutates. */
export async function prepareForceLink(arm: ArmPort, options: ForceLinkOptions): Promise<PreparedOperation> {
  const {startedAt, inventory, group} = await readSubject(arm, options)
  const joining = findMember(group.members, options.member, group) ?? standaloneMatch(inventory, options.member)
  const survivors = joining ? group.members.filter((m) => idKey(m.id) !== idKey(joining.id)) : []
  const members = joining && !group.members.includes(joining) ? [...group.members, joining] : group.members
  const probed = await probeWhenNeeded(arm, members, joining !== null && !alreadyLinked(joining, survivors), options)
  const guards = evaluateForceLink({group, memberQuery: options.member, joining, survivors, force: options.force})
  const plan = forceLinkPlan({...planBasis(options, group, guards, probed), joining, survivors})
  if (plan.issuedOn) plan.requests = [arm.planForceLink(plan.issuedOn.id, group.nickname, plan.ids)]
  return {action: 'force-link', startedAt, group, before: statesOf(inventory, members), plan, guards, probe: probed.probe}
}

/** Sends exactly the prepared request (2025-07-01 on the SDK client's pipeline), polls it, then verifies the links. */
export function executeForceLink(arm: ArmPort, prepared: PreparedOperation, options: ExecuteOptions): Promise<Execution> {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.forceLink(plan.issuedOn!.id, plan.group.nickname, plan.ids, o), verifyForceLink, options)
}
