// Force-unlink: drop a member that is down from its group, sent on a surviving member. Split in two steps so
// the incident runbook can show the plan, ask in its own way, then execute exactly that plan.
import {allMembers} from '../../domain/group.js'
import {evaluateForceUnlink, forceUnlinkPlan, linkedPeersOf, verifyForceUnlink} from '../../domain/guarded/force-unlink.js'
import type {GeoGroup, Member} from '../../domain/model.js'
import {chooseIssuer} from '../../domain/plans.js'
import type {MemberProbe} from '../../domain/probe.js'
import {findMember, formerMember, memberOf, subjectGroup} from '../../domain/resolve.js'
import type {GuardedPorts} from '../ports.js'
import {observed} from '../probe.js'
import {executePlan, type Executor} from './execute.js'
import {againstSavedPlan, holdGroup, planBasis, probeWhenNeeded, readFresh, statesOf, type GuardedOptions, type PreparedOperation} from './prepare.js'

interface ForceUnlinkOptions extends GuardedOptions {
  /** the surviving member to send the request on; default: the healthiest survivor */
  from?: string
}

/** Reads the group fresh, probes it, evaluates the guards and builds the plan. Sends nothing that mutates. */
export async function prepareForceUnlink(ports: GuardedPorts, options: ForceUnlinkOptions): Promise<PreparedOperation> {
  const {startedAt, inventory} = await readFresh(ports, options)
  const group = subjectGroup(inventory, options)
  // a member whose region is down cannot be read: it is only known as a placeholder from the others' views; one no
  // view lists any more (unlinked already) is still known by what ARM shows of it, or by why it could not be read
  const member = findMember(allMembers(group), options.member)
  const target = member ?? formerMember(inventory, group, options.member)
  await holdGroup(options, ports.locks, group, `force-unlink ${target?.cluster ?? options.member}`)
  // the request is sent on a readable member: --from's, or the plan's (which the drift guard judges if it moved)
  const from = options.plan ? findMember(group.members, options.plan.issuedOn?.id ?? '') : options.from ? memberOf(group, options.from, '--from', group.members) : null
  const needed = member !== null && linkedPeersOf(group, member).length > 0
  // "already unlinked" = no readable survivor lists the target (its own stale view may still list them); every
  // member is probed, the unread target too when its endpoint is known
  const probe = await probeWhenNeeded(ports, group, allMembers(group), needed, options)
  const decide = (g: GeoGroup, facts: MemberProbe[] | null) => {
    const current = member && findMember(allMembers(g), member.id)
    const now: Member | null = current ?? target
    const linkedPeers = current ? linkedPeersOf(g, current) : []
    const issuer = now && linkedPeers.length > 0 ? (from ? (findMember(g.members, from.id) ?? from) : chooseIssuer(linkedPeers, facts)) : null
    const situation = {group: g, targetQuery: options.member, target: now, targetInGroup: Boolean(current), issuer, linkedPeers, probes: facts, force: options.force, connection: options.connection ?? []}
    const guards = evaluateForceUnlink(situation)
    const plan = forceUnlinkPlan({...planBasis(options, g, guards, probe), ...situation, fromFlag: from !== null})
    if (plan.issuedOn) plan.requests = [ports.arm.planForceUnlink(plan.issuedOn.id, plan.ids)]
    return {guards, plan}
  }
  const {guards, plan} = decide(group, observed(probe))
  return {
    action: 'force-unlink',
    startedAt,
    group,
    before: statesOf(inventory, group),
    plan,
    guards: againstSavedPlan(guards, plan, options.plan),
    probe,
    decide: (g) => decide(g, observed(probe)),
  }
}

/** Sends exactly the prepared request (api-version 2022-01-01, on the SDK client's pipeline), follows it, then verifies the survivors. */
export const executeForceUnlink: Executor = (arm, prepared, options) => {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.forceUnlink(plan.issuedOn!.id, plan.ids, o), verifyForceUnlink, options)
}
