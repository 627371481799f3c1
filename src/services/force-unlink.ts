// Force-unlink: drop a member that is down from its group, sent on a surviving member. Split in two steps so
// the incident runbook can show the plan, ask in its own way, then execute exactly that plan.
import {evaluateForceUnlink} from '../domain/guards.js'
import {allMembers} from '../domain/group.js'
import {chooseIssuer, forceUnlinkPlan, linkedPeersOf, verifyForceUnlink} from '../domain/plans.js'
import {findMember, memberOf, subjectGroup} from '../domain/resolve.js'
import {
  executePlan,
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
import type {ArmPort} from './ports.js'
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
}

export interface ForceUnlinkOptions extends GuardedOptions {
  /** the surviving member to send the request on; default: the healthiest survivor */
  from?: string
}

/** Reads the group fresh, probes it, evaluates the guards and builds the plan. Sends nothing that mutates. */
export async function prepareForceUnlink(arm: ArmPort, options: ForceUnlinkOptions): Promise<PreparedOperation> {
  const {startedAt, inventory} = await readFresh(arm, options)
  const group = subjectGroup(inventory, options)
  // a member whose region is down cannot be read: it is only known as a placeholder from the others' views
  const target = findMember(allMembers(group), options.member)
  // the request is sent on a readable member
  const from = options.from ? memberOf(group, options.from, '--from', group.members) : null
  const linkedPeers = target ? linkedPeersOf(group, target) : []
  // "already unlinked" = no readable survivor lists the target (its own stale view may still list them); every
  // member is probed, the unread target too when its endpoint is known
  const probed = await probeWhenNeeded(arm, group, allMembers(group), target !== null && linkedPeers.length > 0, options)
  const issuer = target && linkedPeers.length > 0 ? (from ?? chooseIssuer(linkedPeers, probed.facts)) : null
  const guards = evaluateForceUnlink({group, targetQuery: options.member, target, issuer, linkedPeers, probes: probed.facts, force: options.force})
  const plan = forceUnlinkPlan({...planBasis(options, group, guards, probed), target, issuer, linkedPeers, fromFlag: from !== null})
  if (plan.issuedOn) plan.requests = [arm.planForceUnlink(plan.issuedOn.id, plan.ids)]
  return {action: 'force-unlink', startedAt, group, before: statesOf(inventory, group), plan, guards, probe: probed.probe}
}

/** Sends exactly the prepared request via the SDK's beginForceUnlink, polls it, then verifies the survivors. */
export function executeForceUnlink(arm: ArmPort, prepared: PreparedOperation, options: ExecuteOptions): Promise<Execution> {
  const {plan} = prepared
  return executePlan(arm, prepared, (o) => arm.forceUnlink(plan.issuedOn!.id, plan.ids, o), verifyForceUnlink, options)
}
