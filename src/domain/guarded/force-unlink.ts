// force-unlink: its guards (is the target really down, is the issuer still linked to it, what is left linked), its
// plan, and the check that it worked. Pure.
import {allMembers, label, shortName} from '../group.js'
import {armGuard, inFlightGuard, issuerProbeGuard, lists, names, report, targetGuard, type Check, type GuardReport, type Suggesting} from '../guards.js'
import {idKey} from '../ids.js'
import type {GeoGroup, Member} from '../model.js'
import {basePlan, command, find, planMember, type OperationPlan, type PlanInput, type Verification} from '../plans.js'
import {dialled, failureText, latencyOf, probeOf, type MemberProbe} from '../probe.js'
import {suggestCommand} from '../suggest.js'

export interface ForceUnlinkSituation extends Suggesting {
  group: GeoGroup
  targetQuery: string
  /** a member of the group, or, when no readable member lists it any more, the database it was (`formerMember`) */
  target: Member | null
  /** the target is a member of the group (false: already unlinked) */
  targetInGroup: boolean
  /** the surviving member the request is sent on; null when none could be chosen */
  issuer: Member | null
  /** members other than the target that still list it: the side the request changes */
  linkedPeers: Member[]
  /** null: probes skipped (--skip-probe) */
  probes: MemberProbe[] | null
  force: boolean
}

const SPLIT_COST =
  'writes made on each side after the split diverge, and the unlinked side must then be deleted and recreated, or force-linked, which discards its data'

export function evaluateForceUnlink(s: ForceUnlinkSituation): GuardReport {
  const choices = allMembers(s.group).map((m) => `${m.cluster} (${m.location || 'location unknown'})`).join(', ')
  const {target, issuer} = s
  if (target && !s.targetInGroup) {
    return report([{name: 'target-in-group', pass: true, detail: `no readable member of "${s.group.nickname}" lists ${label(target)}: already unlinked`}])
  }
  const checks: Check[] = [targetGuard('target-in-group', s.group, s.targetQuery, target, choices)]
  if (!target || !issuer) return report(checks)

  if (idKey(issuer.id) === idKey(target.id)) {
    checks.push({
      name: 'issuer-is-not-target',
      pass: false,
      detail: `${label(target)} would unlink itself`,
      message: `--from and --member both name ${label(target)}: force-unlink is sent by a surviving member, never by the one being unlinked`,
      remediation: `pass --from with another member (${names(s.linkedPeers)}), or leave --from out to let geo-redis pick the healthiest`,
    })
    return report(checks)
  }
  checks.push({name: 'issuer-is-not-target', pass: true, detail: `sent on ${label(issuer)}`})

  const stillLinked = lists(issuer, target.id)
  checks.push(
    stillLinked
      ? {name: 'issuer-still-linked', pass: true, detail: `${issuer.cluster} lists ${target.cluster}`}
      : {
          name: 'issuer-still-linked',
          pass: false,
          detail: `${issuer.cluster} no longer lists ${target.cluster}`,
          message: `${label(issuer)} no longer lists ${label(target)}: the request must go to a member still linked to it`,
          remediation: `pass --from with one of: ${names(s.linkedPeers)}, or leave --from out`,
        },
  )

  checks.push(inFlightGuard(s.group.members, s.force, s))
  checks.push(armGuard('issuer-healthy-in-arm', issuer, 'the issuing member'))
  checks.push(issuerProbeGuard(issuer, s.probes, 'unlinking from a member that may be down too could leave no working side', '--skip-probe --force', s))
  checks.push(targetProbeGuard(target, s.probes, s.force))
  // what the issuer will still list once the target is gone; fewer than one other member dissolves the group
  const remaining = issuer.links.filter((l) => idKey(l.id) !== idKey(issuer.id) && idKey(l.id) !== idKey(target.id))
  if (remaining.length > 0) {
    checks.push({name: 'group-left-linked', pass: true, detail: `${issuer.cluster} stays linked to ${remaining.length} other member(s)`})
  } else {
    checks.push({
      name: 'group-left-linked',
      pass: s.force,
      forced: s.force,
      detail: s.force
        ? `the group is dissolved, ${issuer.cluster} is left replicating with nobody`
        : `nothing would be left linked: ${issuer.cluster} would replicate with nobody`,
      message: `unlinking ${label(target)} leaves ${label(issuer)} alone: the group "${s.group.nickname}" would be dissolved, and rejoining later means a force-link that discards ${target.cluster}'s data`,
      remediation: 're-run with --force if a group of one is what you want (e.g. to stop metadata building up during an outage)',
    })
  }

  return report(checks)
}

const TARGET = 'target-does-not-answer'

/** A member the operator named is not down after all, or cannot be judged: refused unless --force. */
function targetRefusal(detail: string, message: string, remediation: string, force: boolean): Check {
  return {name: TARGET, pass: force, forced: force, detail, message: `${message}; unlinking a healthy member splits the group: ${SPLIT_COST}`, remediation}
}

/**
 * The data plane decides whether the target is down, whether ARM can read it or not: any Redis answer (PONG, a
 * refused AUTH, a certificate) means it is alive. A target ARM cannot read is dialled at the host its cluster still
 * shows in ARM's cluster list and Azure's fixed port. Not probed (--skip-probe, an endpoint nobody knows, a name that
 * does not resolve from here) says nothing: refused unless --force.
 */
function targetProbeGuard(target: Member, probes: MemberProbe[] | null, force: boolean): Check {
  const unread = target.readError
  const arm = unread ? `ARM cannot read ${target.cluster} (${unread.cause}, ${unread.code})` : null
  const cannotTell = (why: string, remediation: string) =>
    targetRefusal(
      force ? why : `${why}: cannot tell whether it is down`,
      `${arm ? `${arm}, and ` : ''}geo-redis cannot tell whether ${label(target)} is down: ${why}`,
      remediation,
      force,
    )
  if (!probes) return cannotTell('not probed (--skip-probe)', 'drop --skip-probe so the target is probed, or add --force if you know it is down')
  const p = probeOf(probes, target)
  if ((!p || !dialled(p)) && unread?.cause === 'not-found') {
    // ARM does answer, and its answer is that the database is gone: there is nothing left to probe
    return {name: TARGET, pass: true, detail: `${arm}: deleted; no endpoint is left to probe`}
  }
  if (!p || !dialled(p)) {
    return cannotTell(
      'not probed: its endpoint is unknown (ARM\'s cluster list shows no host of its own for it)',
      'check it from a machine that can reach it, or add --force if you know it is down',
    )
  }
  if (p.answered) {
    const how = p.reachable ? `in ${latencyOf(p) ?? '?'} ms` : `(${failureText(p) ?? 'it answered'})`
    const detail = `${target.cluster} answers at ${p.endpoint}${force ? '' : ` ${how}`}`
    const remediation = 'if the split is intended (e.g. the region is cut off from the others but still serves clients), re-run with --force'
    return arm
      ? targetRefusal(detail, `control-plane outage: ARM does not answer for ${label(target)}, but its Redis does, at ${p.endpoint} ${how}: it is not down`, remediation, force)
      : targetRefusal(detail, `${label(target)} answers at ${p.endpoint}: it is not down`, remediation, force)
  }
  if (p.error?.kind === 'dns') {
    return cannotTell(`its host name does not resolve from here (${failureText(p)})`, 'check DNS from here (a private zone?) or probe it from inside its network, or add --force if you know it is down')
  }
  return {name: TARGET, pass: true, detail: `${arm ? `${arm}; ` : ''}${target.cluster} does not answer at ${p.endpoint}: ${failureText(p) ?? 'no answer'}`}
}

/** Members other than the target that still list it: the side a force-unlink changes. */
export function linkedPeersOf(group: GeoGroup, target: Member): Member[] {
  return group.members.filter((m) => idKey(m.id) !== idKey(target.id) && lists(m, target.id))
}

export interface ForceUnlinkPlanInput extends PlanInput {
  /** a member of the group, or the database it was when no readable member lists it any more */
  target: Member | null
  /** false: the target is no longer in the group (already unlinked) */
  targetInGroup: boolean
  issuer: Member | null
  linkedPeers: Member[]
  /** the issuer was named with --from */
  fromFlag: boolean
}

/** "sandbox-westus2/default lists sandbox-eastus/default": each view, for evidence that nobody lists a member. */
function views(members: Member[], except: string): string {
  const listed = (m: Member) => m.links.filter((l) => idKey(l.id) !== idKey(m.id) && idKey(l.id) !== idKey(except)).map((l) => shortName(l.id))
  return members.map((m) => `${label(m)} lists ${listed(m).join(', ') || 'nobody else'}`).join('; ')
}

export function forceUnlinkPlan(input: ForceUnlinkPlanInput): OperationPlan {
  const {target, issuer, group} = input
  const base = basePlan('force-unlink', input, target, target ? input.targetInGroup : null)
  // the id as the issuer lists it: that is the spelling its own linkedDatabases carries
  const unlinkId = target && issuer ? (issuer.links.find((l) => idKey(l.id) === idKey(target.id))?.id ?? target.id) : null
  const others = target ? group.members.filter((m) => idKey(m.id) !== idKey(target.id)) : []
  // nobody lists it: the survivors' own views are the evidence, whether ARM can read the target or not
  const nothingToDo =
    target && input.linkedPeers.length === 0 ? `no readable member lists ${label(target)} any more: it is already unlinked (${views(others, target.id)})` : null
  const survivors = nothingToDo ? others : input.linkedPeers
  const warnings = target && !nothingToDo
    ? [`${label(target)} stops replicating with "${group.nickname}": writes it accepted that have not synced stay on it, and it must be deleted and recreated, or force-linked (discarding its data), to rejoin`, ...base.warnings]
    : []
  return {
    ...base,
    warnings,
    issuedOn: issuer && !nothingToDo ? planMember(issuer) : null,
    ids: unlinkId && !nothingToDo ? [unlinkId] : [],
    survivors: survivors.map(planMember),
    nothingToDo,
    steps:
      target && issuer && !nothingToDo
        ? [
            `send POST forceUnlink on ${label(issuer)} with ids [${target.cluster}/${target.database}]`,
            'wait for the long-running operation to finish (Azure-AsyncOperation)',
            `read the group again and check that ${survivors.map((m) => m.cluster).join(', ')} no longer list ${target.cluster}`,
          ]
        : [],
    command: command('force-unlink', input, [
      '--member',
      target?.id ?? input.targetQuery,
      input.fromFlag && issuer ? '--from' : false,
      input.fromFlag && issuer ? issuer.cluster : false,
      input.force && '--force',
      input.skipProbe && '--skip-probe',
    ]),
    nextSteps: target
      ? [
          `when ${target.location || 'its region'} has recovered, rejoin ${target.cluster} with: \`${command('force-link', input, ['--member', target.id])}\` (this discards its data), or delete and recreate it as a member`,
          `check the group: ${suggestCommand(['group', 'show', group.nickname], input.connection)}`,
        ]
      : [],
  }
}

/** After a force-unlink: every survivor is readable and no longer lists the target. */
export function verifyForceUnlink(plan: OperationPlan, after: Member[]): Verification {
  const target = plan.target!
  const problems = plan.survivors.flatMap((s) => {
    const m = find(after, s.id)
    if (!m) return [`${s.name} could not be read`]
    return lists(m, target.id) ? [`${s.name} still lists ${target.name}`] : []
  })
  return problems.length === 0
    ? {ok: true, detail: `${plan.survivors.map((s) => s.name).join(', ')} no longer list ${target.name}`}
    : {ok: false, detail: problems.join('; ')}
}
