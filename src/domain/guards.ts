// Guard rules for force-unlink, force-link and flush: pure checks over what was read from ARM and what the probes saw.
// Every guard that can be evaluated is listed (an auditor sees all of them); the first refusal decides.
import {idKey} from './ids.js'
import {allMembers, label, memberArmState, shortName} from './group.js'
import type {GeoGroup, Member} from './model.js'
import {dialled, failureText, latencyOf, probeOf, type MemberProbe} from './probe.js'
import {matchesMember} from './resolve.js'
import {suggestCommand} from './suggest.js'

export interface GuardResult {
  name: string
  result: 'pass' | 'refuse'
  detail: string | null
  /** it would have refused, and --force let it pass (the plan warns about every one) */
  forced?: boolean
}

export interface Refusal {
  guard: string
  message: string
  remediation: string
}

export interface GuardReport {
  guards: GuardResult[]
  /** the first refusal, or null when every guard passed */
  refusal: Refusal | null
}

/** One guard's verdict; `refusal` only when it refuses; `forced` when it passes only because of --force. */
interface Check {
  name: string
  pass: boolean
  detail: string
  forced?: boolean
  message?: string
  remediation?: string
}

function report(checks: Check[]): GuardReport {
  const guards = checks.map((c): GuardResult => ({
    name: c.name,
    result: c.pass ? 'pass' : 'refuse',
    ...(c.forced ? {detail: `forced: ${c.detail}`, forced: true} : {detail: c.detail}),
  }))
  const first = checks.find((c) => !c.pass)
  return {
    guards,
    refusal: first ? {guard: first.name, message: first.message ?? first.detail, remediation: first.remediation ?? ''} : null,
  }
}

/** Adds a guard to a finished report, e.g. the operator's consent, keeping the first refusal first. */
export function withGuard(base: GuardReport, guard: GuardResult, refusal: Refusal | null): GuardReport {
  return {guards: [...base.guards, guard], refusal: base.refusal ?? (guard.result === 'refuse' ? refusal : null)}
}

/** ARM says the member, its cluster and its database, is fully provisioned and running. */
export function armHealthy(m: Member): boolean {
  return memberArmState(m).healthy
}

export function lists(viewer: Member, id: string): boolean {
  return viewer.links.some((l) => idKey(l.id) === idKey(id))
}

function armState(m: Member): string {
  return memberArmState(m).text
}

function names(members: Member[]): string {
  return members.map((m) => m.cluster).join(', ')
}

/** The member an operator named, among the group's members; null when none matches. */
function targetGuard(name: string, group: GeoGroup, query: string, found: Member | null, choices: string): Check {
  return found
    ? {name, pass: true, detail: `${label(found)} is in group "${group.nickname}"`}
    : {
        name,
        pass: false,
        detail: `"${query}" is not a member of group "${group.nickname}"`,
        remediation: `pass --member with one of: ${choices}`,
      }
}

function armGuard(name: string, m: Member, role: string): Check {
  return armHealthy(m)
    ? {name, pass: true, detail: `${label(m)} is ${armState(m)}`}
    : {
        name,
        pass: false,
        detail: `${label(m)} is ${armState(m)} in ARM`,
        message: `${role} ${label(m)} is ${armState(m)} in ARM, not Succeeded/Running`,
        remediation: 'wait until it is Succeeded/Running, or pick another member with --from',
      }
}

/** Members other than the one the request is sent on must be running too, unless forced; `risk` says why. */
function othersArmGuard(name: string, members: Member[], force: boolean, risk: string): Check {
  const unhealthy = members.filter((m) => !armHealthy(m))
  return {
    name,
    pass: unhealthy.length === 0 || force,
    detail:
      unhealthy.length === 0
        ? `${names(members)} Succeeded/Running`
        : unhealthy.map((m) => `${m.cluster} is ${armState(m)}`).join(', '),
    forced: unhealthy.length > 0 && force,
    message: `${unhealthy.map((m) => `${label(m)} is ${armState(m)}`).join(', ')} in ARM: ${risk}`,
    remediation: 'wait until every member is Succeeded/Running, or re-run with --force',
  }
}

/** What a guard's remediation needs to suggest commands: the group, and how this run reached ARM. */
interface Suggesting {
  group: Pick<GeoGroup, 'nickname'>
  /** the ARM selection flags of this run (see suggestCommand) */
  connection?: string[]
}

/** `geo-redis group show <nickname>` and `geo-redis probe --group <nickname>`, with this run's connection flags. */
function groupShow(s: Suggesting): string {
  return suggestCommand(['group', 'show', s.group.nickname], s.connection)
}

function probeCommand(s: Suggesting): string {
  return suggestCommand(['probe', '--group', s.group.nickname], s.connection)
}

/** Links a view shows in flight: a link or unlink operation that has not finished. */
export function linksInFlight(members: Member[]): string[] {
  return members.flatMap((m) => m.links.filter((l) => l.state === 'Linking' || l.state === 'Unlinking').map((l) => `${m.cluster} sees ${shortName(l.id)} as ${l.state}`))
}

/**
 * Another link operation on the group has not finished: sending now would race it (this is what fences two
 * operators on different machines, once one's request has reached ARM).
 */
function inFlightGuard(members: Member[], force: boolean, s: Suggesting): Check {
  const busy = linksInFlight(members)
  if (busy.length === 0) return {name: 'no-link-operation-in-flight', pass: true, detail: 'every view shows settled links'}
  return {
    name: 'no-link-operation-in-flight',
    pass: force,
    forced: force,
    detail: busy.join('; '),
    message: `a link operation is in flight on the group (${busy.join('; ')}): another force-unlink or force-link has not finished, and sending now would race it`,
    remediation: `wait until every view shows Linked (${groupShow(s)}), then run this again; --force only if the state is stuck`,
  }
}

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

/** `risk`: what sending on a member that may be down costs; `skipFlags`: how to go on without a data-plane path. */
function issuerProbeGuard(issuer: Member, probes: MemberProbe[] | null, risk: string, skipFlags: string, s: Suggesting): Check {
  const name = 'issuer-answers-probe'
  if (!probes) return {name, pass: true, detail: 'not probed (--skip-probe)'}
  const p = probeOf(probes, issuer)
  if (p?.reachable) return {name, pass: true, detail: `${issuer.cluster} answered in ${latencyOf(p) ?? '?'} ms`}
  return {
    name,
    pass: false,
    detail: `${issuer.cluster} did not answer: ${failureText(p) ?? 'not probed'}`,
    message: `the issuing member ${label(issuer)} does not answer the data-plane probe (${failureText(p) ?? 'not probed'}): ${risk}`,
    remediation: `pick a member that answers with --from, check the network path with ${probeCommand(s)}, or, if the data plane is not reachable from here, ${skipFlags}`,
  }
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

export interface ForceLinkSituation extends Suggesting {
  group: GeoGroup
  memberQuery: string
  /** the database to rejoin; null when not found */
  joining: Member | null
  /** the members it rejoins */
  survivors: Member[]
  /** --adopt: the database named again, to force-link one that never belonged to the group */
  adopt: string | null
  /** null: probes skipped (--skip-probe) */
  probes: MemberProbe[] | null
  force: boolean
}

/** Why a database belongs to a group: its own view carries the group's nickname, or a member's view lists it. */
export function belonging(group: GeoGroup, db: Member): string | null {
  if (group.nickname && db.groupNickname?.toLowerCase() === group.nickname.toLowerCase()) return `its own view names group "${db.groupNickname}"`
  const listers = group.members.filter((m) => idKey(m.id) !== idKey(db.id) && lists(m, db.id))
  return listers.length > 0 ? `${names(listers)} ${listers.length > 1 ? 'list' : 'lists'} it` : null
}

/** "12 keys, 3.1 MB", from the probe; null when it did not answer INFO. */
function contents(p: MemberProbe | undefined): string | null {
  if (!p?.reachable || p.keys === null) return null
  const used = p.memory?.usedBytes ?? null
  return `${p.keys} key${p.keys === 1 ? '' : 's'}${used === null ? '' : `, ${(used / 1024 / 1024).toFixed(1)} MB used`}`
}

/** What a database that never belonged holds, in the words of the plan's warning: "N keys (M MB) will be deleted". */
export function adoptionCost(p: MemberProbe | undefined): string {
  const held = contents(p)
  return held ? `${held}: ${p!.keys} key${p!.keys === 1 ? '' : 's'} will be deleted` : 'its key count is unknown (it did not answer the probe)'
}

/**
 * force-link takes back only what belonged: a database whose own view names the group, or that a member lists.
 * Anything else is adopted only with --adopt naming it again, and only once a probe has shown what it holds.
 */
function belongsGuard(s: ForceLinkSituation, joining: Member): Check {
  const name = 'joining-belongs-to-group'
  const why = belonging(s.group, joining)
  if (why) return {name, pass: true, detail: `${label(joining)} belonged to "${s.group.nickname}": ${why}`}
  const now = joining.groupNickname ? `its own view names group "${joining.groupNickname}"` : 'it is a standalone cache'
  const cost = adoptionCost(probeOf(s.probes, joining))
  if (s.adopt === null) {
    return {
      name,
      pass: false,
      detail: `${label(joining)} never belonged to "${s.group.nickname}" (${now}, and no member lists it)`,
      message: `${label(joining)} never belonged to group "${s.group.nickname}" (${now}, and no member lists it): force-link would recreate it and discard its data (${cost})`,
      remediation: `check --member: former members carry the group's nickname or are listed by a member (${groupShow(s)}); to adopt this database anyway, re-run with --adopt ${joining.cluster}`,
    }
  }
  if (!matchesMember(joining, s.adopt, false)) {
    return {
      name,
      pass: false,
      detail: `--adopt names "${s.adopt}", not ${joining.cluster}`,
      message: `--adopt names "${s.adopt}", but the database force-link would adopt is ${label(joining)}: adopting discards all of its data, so --adopt must name it again`,
      remediation: `pass --adopt ${joining.cluster} if ${label(joining)} is the database to adopt, or fix --member`,
    }
  }
  if (!contents(probeOf(s.probes, joining))) {
    return {
      name,
      pass: s.force,
      forced: s.force,
      detail: `adopting ${label(joining)}: ${cost}`,
      message: `adopting ${label(joining)} discards all of its data, and ${cost}`,
      remediation: `let it answer the probe (drop --skip-probe; the network path: ${probeCommand(s)}), or add --force to adopt it without knowing`,
    }
  }
  return {name, pass: true, detail: `adopting ${label(joining)} (--adopt): ${cost}`}
}

export function evaluateForceLink(s: ForceLinkSituation): GuardReport {
  const choices = s.group.members.map((m) => `${m.cluster} (${m.location})`).join(', ')
  const checks: Check[] = [targetGuard('member-in-group', s.group, s.memberQuery, s.joining, choices)]
  const {joining, survivors} = s
  if (!joining) return report(checks)
  checks.push(belongsGuard(s, joining))
  checks.push(inFlightGuard([...survivors, joining], s.force, s))

  checks.push(
    survivors.length > 0
      ? {name: 'survivor-available', pass: true, detail: `rejoins ${names(survivors)}`}
      : {
          name: 'survivor-available',
          pass: false,
          detail: 'no other readable member',
          message: `group "${s.group.nickname}" has no readable member besides ${label(joining)} to link to`,
          remediation: `check access to the other members with ${groupShow(s)}`,
        },
  )
  checks.push(armGuard('joining-healthy-in-arm', joining, 'the joining database'))

  checks.push(othersArmGuard('survivors-healthy-in-arm', survivors, s.force, 'linking to a member that is not running may fail half-way'))

  // the survivors must agree among themselves, or linkedDatabases would name a splintered side
  const disagree = survivors.flatMap((a) => survivors.filter((b) => a !== b && !lists(a, b.id)).map((b) => `${a.cluster} does not list ${b.cluster}`))
  checks.push(
    disagree.length === 0
      ? {name: 'survivors-agree', pass: true, detail: 'the remaining members all list each other'}
      : {
          name: 'survivors-agree',
          pass: false,
          detail: disagree.join('; '),
          message: `the remaining members of "${s.group.nickname}" do not agree who is linked (${disagree.join('; ')}), so it is unclear which side to rejoin`,
          remediation: `inspect with ${groupShow(s)}, and force-unlink stale members first`,
        },
  )
  return report(checks)
}

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

/** The operator's confirmation, as a guard: the typed (or --confirm) value must equal the nickname exactly. */
export function consentGuard(nickname: string, given: string | null, how: string): {guard: GuardResult; refusal: Refusal | null} {
  if (given === nickname) return {guard: {name: 'operator-consent', result: 'pass', detail: `confirmed by ${how}`}, refusal: null}
  const detail = given === null ? `not confirmed (${how})` : `${how} "${given}" does not match the nickname "${nickname}"`
  return {
    guard: {name: 'operator-consent', result: 'refuse', detail},
    refusal: {
      guard: 'operator-consent',
      message: `confirmation refused: ${detail}; nothing was sent`,
      // the way it was given is the way to give it again: a prompt is answered by typing, flags by --confirm
      remediation:
        how === '--confirm' || how === '--yes --confirm'
          ? `confirm with the exact group nickname: --confirm ${nickname}`
          : `run it again when ready, and type ${nickname} exactly${given === null ? '' : ` (you typed "${given}")`}`,
    },
  }
}
