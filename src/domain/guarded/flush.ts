// flush: who it reaches, its guards (a fully linked group, running members), its plan, and the check that it
// worked. Pure.
import {allMembers, label, memberArmState, shortName} from '../group.js'
import {armGuard, armHealthy, groupShow, inFlightGuard, issuerProbeGuard, othersArmGuard, report, type GuardReport, type Suggesting} from '../guards.js'
import {idKey} from '../ids.js'
import type {GeoGroup, Member} from '../model.js'
import {basePlan, command, find, planMember, type OperationPlan, type PlanInput, type Verification} from '../plans.js'
import {failureText, probeOf, type MemberProbe} from '../probe.js'
import {suggestCommand} from '../suggest.js'

/** Who a flush sent on `issuer` empties, and who it cannot reach. */
export interface FlushReach {
  /** the ids for the request body: every other database the issuer lists as Linked, spelled as it lists them */
  ids: string[]
  /** members and unreadable linked ids the flush would not reach: they keep their data */
  unreached: string[]
}

/**
 * ARM flushes the issuing database and the linked databases named in `ids`; a database the issuer does not list
 * as Linked cannot be named, so it keeps its data.
 */
export function flushReach(group: GeoGroup, issuer: Member): FlushReach {
  const self = idKey(issuer.id)
  const ids = issuer.links.filter((l) => l.state === 'Linked' && idKey(l.id) !== self).map((l) => l.id)
  const reached = new Set([self, ...ids.map(idKey)])
  const unreached = allMembers(group)
    .filter((m) => !reached.has(idKey(m.id)))
    .map((m) => (m.readError ? `${shortName(m.id)} (unreadable: ${m.readError.cause})` : label(m)))
  return {ids, unreached}
}

export interface FlushSituation extends Suggesting {
  group: GeoGroup
  /** the member the request is sent on (--from, or the healthiest) */
  issuer: Member
  /** null: probes skipped (--skip-probe) */
  probes: MemberProbe[] | null
  force: boolean
}

export function evaluateFlush(s: FlushSituation): GuardReport {
  const {group, issuer} = s
  const {unreached} = flushReach(group, issuer)
  const others = group.members.filter((m) => idKey(m.id) !== idKey(issuer.id))
  // a flush empties only what it reaches: on a group that is not fully linked some members would keep their data
  const keep = unreached.length > 0 ? `${unreached.join(', ')} would keep their data while the others are emptied` : 'it is unclear whether the flush reaches every member'
  const problems = group.problems.join('; ')
  return report([
    group.status === 'healthy'
      ? {name: 'group-fully-linked', pass: true, detail: `every view lists all ${group.members.length} members as Linked`}
      : {
          name: 'group-fully-linked',
          pass: s.force,
          detail: `group is ${group.status}: ${problems}${s.force ? `; ${keep}` : ''}`,
          forced: s.force,
          message: `group "${group.nickname}" is ${group.status} (${problems}): a flush sent on ${issuer.cluster} reaches only the databases it lists as Linked, so ${keep}`,
          remediation: `repair the group first (${groupShow(s)}; force-unlink or force-link), or re-run with --force to flush only the members it reaches`,
        },
    inFlightGuard(group.members, s.force, s),
    armGuard('issuer-healthy-in-arm', issuer, 'the issuing member'),
    issuerProbeGuard(issuer, s.probes, 'a flush sent on a member that may be down could fail half-way, emptying some members and not others', '--skip-probe', s),
    othersArmGuard('members-healthy-in-arm', others, s.force, 'a flush on a member that is not running may fail half-way, emptying some members and not others'),
  ])
}

export interface FlushPlanInput extends PlanInput {
  /** the member the request is sent on; null when the group has no member to send it on */
  issuer: Member | null
  /** the issuer was named with --from */
  fromFlag: boolean
}

/** What a flush is about, in the renderers' "<action> <target>" phrases: every member, not one. */
const FLUSH_SUBJECT = 'every member'

export function flushPlan(input: FlushPlanInput): OperationPlan {
  const {issuer, group} = input
  const base = basePlan('flush', {...input, targetQuery: FLUSH_SUBJECT}, null, null)
  const reach = issuer ? flushReach(group, issuer) : {ids: [], unreached: []}
  const others = issuer ? group.members.filter((m) => idKey(m.id) !== idKey(issuer.id)) : group.members
  const nameOf = (id: string) => {
    const m = group.members.find((x) => idKey(x.id) === idKey(id))
    return m ? label(m) : `${shortName(id)} (unreadable)`
  }
  const emptied = issuer ? [label(issuer), ...reach.ids.map(nameOf)] : []
  const silent = input.probes ? others.filter((m) => !probeOf(input.probes, m)?.reachable) : []
  return {
    ...base,
    warnings: issuer
      ? [
          `ALL DATA IN EVERY MEMBER OF ${group.nickname} IS DELETED: ${emptied.join(', ')}`,
          'there is no undo: Azure keeps no copy; export the data first (az redisenterprise database export) if it may be needed',
          ...(reach.unreached.length > 0 ? [`NOT flushed, they keep their data: ${reach.unreached.join(', ')}`] : []),
          ...silent.map((m) => `${label(m)} does not answer the probe from here (${failureText(probeOf(input.probes, m)) ?? 'not probed'}): it may be down`),
          ...base.warnings,
        ]
      : [],
    issuedOn: issuer ? planMember(issuer) : null,
    ids: reach.ids,
    survivors: others.map(planMember),
    // a flush always has something to do: ARM shows no key counts, so "already empty" cannot be told from here
    nothingToDo: null,
    steps: issuer
      ? [
          `send POST flush (api-version 2025-07-01) on ${label(issuer)} with ids [${reach.ids.map(shortName).join(', ')}]`,
          `Azure deletes every key in ${emptied.join(', ')}`,
          'wait for the long-running operation to finish (final state via Location)',
          `read the members again and check that ${group.members.map((m) => m.cluster).join(', ')} are still Succeeded/Running (key counts are not checked)`,
        ]
      : [],
    command: command('flush', input, [
      input.fromFlag && issuer ? '--from' : false,
      input.fromFlag && issuer ? issuer.cluster : false,
      input.force && '--force',
      input.skipProbe && '--skip-probe',
    ]),
    nextSteps: [
      `check the group: ${suggestCommand(['group', 'show', group.nickname], input.connection)}`,
      `check every member answers: ${suggestCommand(['probe', '--group', group.nickname], input.connection)}`,
    ],
  }
}

/**
 * After a flush: ARM shows no change for a flush, so this checks only that every member is still readable and
 * Succeeded/Running. Whether the keys are gone is a data-plane question this does not ask.
 */
export function verifyFlush(plan: OperationPlan, after: Member[]): Verification {
  const members = [plan.issuedOn!, ...plan.survivors]
  const problems = members.flatMap((s) => {
    const m = find(after, s.id)
    if (!m) return [`${s.name} could not be read`]
    return armHealthy(m) ? [] : [`${s.name} is ${memberArmState(m).text}`]
  })
  return problems.length === 0
    ? {ok: true, detail: `${members.map((s) => s.name).join(', ')} still Succeeded/Running; key counts were not checked (no data-plane verification)`}
    : {ok: false, detail: problems.join('; ')}
}
