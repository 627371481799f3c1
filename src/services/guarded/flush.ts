// Flush: delete every key in every member of a group (2025-07-01 Databases_Flush), sent once on one member with
// ids = the other members. FLUSHALL/FLUSHDB are blocked on geo-replicated caches; this is the supported way.
// Same two steps as force-unlink, so a runbook can show the plan, ask in its own way, then execute exactly that plan.
import {allMembers} from '../../domain/group.js'
import {evaluateFlush, flushPlan, flushReach, verifyFlush} from '../../domain/guarded/flush.js'
import type {GeoGroup} from '../../domain/model.js'
import {chooseIssuer} from '../../domain/plans.js'
import {findMember, memberOf, subjectGroup} from '../../domain/resolve.js'
import type {GuardedPorts} from '../ports.js'
import {observed} from '../probe.js'
import {executePlan, type Executor} from './execute.js'
import {againstSavedPlan, holdGroup, planBasis, probeWhenNeeded, readFresh, statesOf, type GuardedOptions, type PreparedOperation} from './prepare.js'

interface FlushOptions extends Omit<GuardedOptions, 'member'> {
  /** the member to send the request on; default: the healthiest member */
  from?: string
}

/**
 * Reads the group fresh, probes every member, evaluates the guards and builds the plan. Sends nothing that mutates.
 * A dry run probes too: the issuing member is chosen by the probes and must answer one, so without them the
 * preview could show another plan than the real run would send.
 */
export async function prepareFlush(ports: GuardedPorts, options: FlushOptions): Promise<PreparedOperation> {
  // --from also narrows same-named groups, as --member does for force-unlink
  const {startedAt, inventory} = await readFresh(ports, options)
  const group = subjectGroup(inventory, {...options, member: options.from})
  await holdGroup(options, ports.locks, group, 'flush')
  // the request is sent on a readable member: --from's, or the plan's (which the drift guard judges if it moved)
  const from = options.plan ? findMember(group.members, options.plan.issuedOn?.id ?? '') : options.from ? memberOf(group, options.from, '--from', group.members) : null
  const probe = await probeWhenNeeded(ports, group, allMembers(group), true, options)
  const facts = observed(probe)
  const decide = (g: GeoGroup) => {
    // a group always has a readable member, so there is always an issuer; in a group that is not fully linked the
    // one that reaches the most members leaves the fewest keeping their data (only with --force)
    const issuer = (from && findMember(g.members, from.id)) ?? from ?? chooseIssuer(g.members, facts, (m) => flushReach(g, m).ids.length)!
    const guards = evaluateFlush({group: g, issuer, probes: facts, force: options.force, connection: options.connection ?? []})
    const plan = flushPlan({...planBasis({...options, member: options.from ?? ''}, g, guards, probe), issuer, fromFlag: from !== null})
    plan.requests = [ports.arm.planFlush(issuer.id, plan.ids)]
    return {guards, plan}
  }
  const {guards, plan} = decide(group)
  return {action: 'flush', startedAt, group, before: statesOf(inventory, group), plan, guards: againstSavedPlan(guards, plan, options.plan), probe, decide}
}

/** Sends exactly the prepared request, follows it to the end (final state via Location), then checks the members. */
export const executeFlush: Executor = (arm, prepared, options) => {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.flush(plan.issuedOn!.id, plan.ids, o), verifyFlush, options)
}
