// Force-link: rejoin a previously unlinked database to its group (2025-07-01 forceLinkToReplicationGroup), sent on
// the joining database itself. Azure recreates it: all of its data is discarded.
import {allMembers} from '../../domain/group.js'
import {alreadyLinked, evaluateForceLink, forceLinkPlan, verifyForceLink} from '../../domain/guarded/force-link.js'
import {idKey} from '../../domain/ids.js'
import type {GeoGroup, Member} from '../../domain/model.js'
import {findMember, rejoinTarget} from '../../domain/resolve.js'
import type {GuardedPorts} from '../ports.js'
import {observed} from '../probe.js'
import {executePlan, type Executor} from './execute.js'
import {againstSavedPlan, holdGroup, planBasis, probeWhenNeeded, readFresh, statesOf, type GuardedOptions, type PreparedOperation} from './prepare.js'

interface ForceLinkOptions extends GuardedOptions {
  /** --adopt: the joining database named again, to force-link one that never belonged to the group */
  adopt?: string
}

/**
 * Reads the group fresh, evaluates the guards and builds the plan. Sends nothing that mutates. The joining database
 * is found by the one resolver, among the group's members or, by id or cluster name, outside it (ARM may show it
 * standalone once unlinked, or alone in a group of its own); the plan carries whether it is a member. Only what
 * belonged is taken back: anything else needs --adopt, and a probe that shows what it holds.
 */
export async function prepareForceLink(ports: GuardedPorts, options: ForceLinkOptions): Promise<PreparedOperation> {
  const {startedAt, inventory} = await readFresh(ports, options)
  const {group, joining, inGroup} = rejoinTarget(inventory, options)
  await holdGroup(options, ports.locks, group, `force-link ${joining?.cluster ?? options.member}`)
  const survivorsOf = (g: GeoGroup, j: Member) => g.members.filter((m) => idKey(m.id) !== idKey(j.id))
  // a joining database outside the group is probed and recorded with it
  const seen = joining && !inGroup ? {...group, members: [...group.members, joining]} : group
  const probe = await probeWhenNeeded(ports, seen, allMembers(seen), joining !== null && !alreadyLinked(joining, survivorsOf(group, joining)), options)
  const adopt = options.adopt ?? null
  const decide = (g: GeoGroup, read: Member[]) => {
    const now = joining && (findMember(read, joining.id) ?? findMember(g.members, joining.id) ?? joining)
    const survivors = now ? survivorsOf(g, now) : []
    const situation = {group: g, memberQuery: options.member, joining: now, survivors, adopt, probes: observed(probe), force: options.force, connection: options.connection ?? []}
    const guards = evaluateForceLink(situation)
    const plan = forceLinkPlan({...planBasis(options, g, guards, probe), joining: now, inGroup, survivors, adopt})
    if (plan.issuedOn) plan.requests = [ports.arm.planForceLink(plan.issuedOn.id, g.nickname, plan.ids)]
    return {guards, plan}
  }
  const {guards, plan} = decide(group, [])
  return {action: 'force-link', startedAt, group, before: statesOf(inventory, group, seen.members), plan, guards: againstSavedPlan(guards, plan, options.plan), probe, decide}
}

/** Sends exactly the prepared request (2025-07-01 on the SDK client's pipeline), polls it, then verifies the links. */
export const executeForceLink: Executor = (arm, prepared, options) => {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.forceLink(plan.issuedOn!.id, plan.group.nickname, plan.ids, o), verifyForceLink, options)
}
