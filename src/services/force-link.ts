// Force-link: rejoin a previously unlinked database to its group (2025-07-01 forceLinkToReplicationGroup), sent on
// the joining database itself. Azure recreates it: all of its data is discarded.
import {allMembers} from '../domain/group.js'
import {evaluateForceLink} from '../domain/guards.js'
import {idKey} from '../domain/ids.js'
import {alreadyLinked, forceLinkPlan, verifyForceLink} from '../domain/plans.js'
import {rejoinTarget} from '../domain/resolve.js'
import {executePlan, planBasis, probeWhenNeeded, readFresh, statesOf, type ExecuteOptions, type Execution, type PreparedOperation} from './evidence.js'
import type {GuardedOptions} from './force-unlink.js'
import type {ArmPort} from './ports.js'

export type ForceLinkOptions = GuardedOptions

/**
 * Reads the group fresh, evaluates the guards and builds the plan. Sends nothing that mutates. The joining database
 * is found by the one resolver, among the group's members or, by id or cluster name, outside it (ARM may show it
 * standalone once unlinked, or alone in a group of its own); the plan carries whether it is a member.
 */
export async function prepareForceLink(arm: ArmPort, options: ForceLinkOptions): Promise<PreparedOperation> {
  const {startedAt, inventory} = await readFresh(arm, options)
  const {group, joining, inGroup} = rejoinTarget(inventory, options)
  const survivors = joining ? group.members.filter((m) => idKey(m.id) !== idKey(joining.id)) : []
  // a joining database outside the group is probed and recorded with it
  const seen = joining && !inGroup ? {...group, members: [...group.members, joining]} : group
  const probed = await probeWhenNeeded(arm, seen, allMembers(seen), joining !== null && !alreadyLinked(joining, survivors), options)
  const guards = evaluateForceLink({group, memberQuery: options.member, joining, survivors, force: options.force})
  const plan = forceLinkPlan({...planBasis(options, group, guards, probed), joining, inGroup, survivors})
  if (plan.issuedOn) plan.requests = [arm.planForceLink(plan.issuedOn.id, group.nickname, plan.ids)]
  return {action: 'force-link', startedAt, group, before: statesOf(inventory, group, seen.members), plan, guards, probe: probed.probe}
}

/** Sends exactly the prepared request (2025-07-01 on the SDK client's pipeline), polls it, then verifies the links. */
export function executeForceLink(arm: ArmPort, prepared: PreparedOperation, options: ExecuteOptions): Promise<Execution> {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.forceLink(plan.issuedOn!.id, plan.group.nickname, plan.ids, o), verifyForceLink, options)
}
