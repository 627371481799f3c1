// Guard rules for force-unlink, force-link and flush: pure checks over what was read from ARM and what the probes saw.
// Every guard that can be evaluated is listed (an auditor sees all of them); the first refusal decides.
import {idKey} from './ids.js'
import {allMembers, label, memberArmState, shortName} from './group.js'
import type {GeoGroup, Member} from './model.js'
import {CAUSE_TEXT, causeMeansDown, type ReadError} from './read.js'

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

/** What the data-plane probe saw for one member, reduced to what guards and plans need. */
export interface ProbeFact {
  id: string
  reachable: boolean
  /** median PING round trip */
  latencyMs: number | null
  endpoint: string
  error: string | null
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

export function probeOf(probes: ProbeFact[] | null, m: Member): ProbeFact | undefined {
  return probes?.find((p) => idKey(p.id) === idKey(m.id))
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

export interface ForceUnlinkSituation {
  group: GeoGroup
  targetQuery: string
  target: Member | null
  /** the surviving member the request is sent on; null when none could be chosen */
  issuer: Member | null
  /** members other than the target that still list it: the side the request changes */
  linkedPeers: Member[]
  /** null: probes skipped (--skip-probe) */
  probes: ProbeFact[] | null
  force: boolean
}

const SPLIT_COST =
  'writes made on each side after the split diverge, and the unlinked side must then be deleted and recreated, or force-linked, which discards its data'

export function evaluateForceUnlink(s: ForceUnlinkSituation): GuardReport {
  const choices = allMembers(s.group).map((m) => `${m.cluster} (${m.location || 'location unknown'})`).join(', ')
  const checks: Check[] = [targetGuard('target-in-group', s.group, s.targetQuery, s.target, choices)]
  const {target, issuer} = s
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

  checks.push(armGuard('issuer-healthy-in-arm', issuer, 'the issuing member'))
  checks.push(issuerProbeGuard(issuer, s.probes, 'unlinking from a member that may be down too could leave no working side', '--skip-probe --force'))
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
function issuerProbeGuard(issuer: Member, probes: ProbeFact[] | null, risk: string, skipFlags: string): Check {
  const name = 'issuer-answers-probe'
  if (!probes) return {name, pass: true, detail: 'not probed (--skip-probe)'}
  const p = probeOf(probes, issuer)
  if (p?.reachable) return {name, pass: true, detail: `${issuer.cluster} answered in ${p.latencyMs ?? '?'} ms`}
  return {
    name,
    pass: false,
    detail: `${issuer.cluster} did not answer: ${p?.error ?? 'not probed'}`,
    message: `the issuing member ${label(issuer)} does not answer the data-plane probe (${p?.error ?? 'not probed'}): ${risk}`,
    remediation: `pick a member that answers with --from, check the network path with \`geo-redis probe\`, or, if the data plane is not reachable from here, ${skipFlags}`,
  }
}

/**
 * A target ARM cannot read has no known data-plane endpoint of its own to trust, so why ARM could not read it
 * decides: a region that does not answer, or a deleted database, is what force-unlink is for; no access (or a
 * subscription outside the run, or an odd answer) says nothing about whether it is down.
 */
function unreadableTargetGuard(target: Member, readError: ReadError, force: boolean): Check {
  const name = 'target-does-not-answer'
  const why = `ARM cannot read ${target.cluster}: ${readError.cause} (${readError.code})`
  if (causeMeansDown(readError.cause)) {
    return {name, pass: true, detail: `${why}: ${CAUSE_TEXT[readError.cause]}; data plane not probed`}
  }

  const remediation: Record<string, string> = {
    forbidden: 'get read access (Reader) to its subscription and re-run, or add --force if you know it is down',
    'not-listed': `pass --subscription ${target.subscriptionId} with an identity that can read it and re-run, or add --force if you know it is down`,
  }
  return {
    name,
    pass: force,
    detail: force ? why : `${why}: cannot tell whether it is down`,
    forced: force,
    message: `${why}, ${CAUSE_TEXT[readError.cause]}, which says nothing about whether it is down (${readError.message}); unlinking a healthy member splits the group: ${SPLIT_COST}`,
    remediation: remediation[readError.cause] ?? 're-run when ARM answers, or add --force if you know it is down',
  }
}

function targetProbeGuard(target: Member, probes: ProbeFact[] | null, force: boolean): Check {
  const name = 'target-does-not-answer'
  if (target.readError) return unreadableTargetGuard(target, target.readError, force)
  if (!probes) {
    return {
      name,
      pass: force,
      detail: force ? 'not probed (--skip-probe)' : 'not probed (--skip-probe): cannot tell whether it is down',
      forced: force,
      message: `with --skip-probe geo-redis cannot tell whether ${label(target)} is down; unlinking a healthy member splits the group: ${SPLIT_COST}`,
      remediation: 'drop --skip-probe so the target is probed, or add --force if you know it is down',
    }
  }
  const p = probeOf(probes, target)
  if (!p?.reachable) return {name, pass: true, detail: `${target.cluster} does not answer: ${p?.error ?? 'not probed'}`}
  return {
    name,
    pass: force,
    detail: force ? `${target.cluster} answers at ${p.endpoint}` : `${target.cluster} answers at ${p.endpoint} in ${p.latencyMs ?? '?'} ms`,
    forced: force,
    message: `${label(target)} answers at ${p.endpoint}: it is not down. Splitting a healthy group costs data: ${SPLIT_COST}`,
    remediation: 'if the split is intended (e.g. the region is cut off from the others but still serves clients), re-run with --force',
  }
}

export interface ForceLinkSituation {
  group: GeoGroup
  memberQuery: string
  /** the database to rejoin; null when not found */
  joining: Member | null
  /** the members it rejoins */
  survivors: Member[]
  force: boolean
}

export function evaluateForceLink(s: ForceLinkSituation): GuardReport {
  const choices = s.group.members.map((m) => `${m.cluster} (${m.location})`).join(', ')
  const checks: Check[] = [targetGuard('member-in-group', s.group, s.memberQuery, s.joining, choices)]
  const {joining, survivors} = s
  if (!joining) return report(checks)

  checks.push(
    survivors.length > 0
      ? {name: 'survivor-available', pass: true, detail: `rejoins ${names(survivors)}`}
      : {
          name: 'survivor-available',
          pass: false,
          detail: 'no other readable member',
          message: `group "${s.group.nickname}" has no readable member besides ${label(joining)} to link to`,
          remediation: 'check access to the other members with `geo-redis inventory`',
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
          remediation: 'inspect with `geo-redis group show`, and force-unlink stale members first',
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

export interface FlushSituation {
  group: GeoGroup
  /** the member the request is sent on (--from, or the healthiest) */
  issuer: Member
  /** null: probes skipped (--skip-probe) */
  probes: ProbeFact[] | null
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
          remediation: `repair the group first (geo-redis group show ${group.nickname}; force-unlink or force-link), or re-run with --force to flush only the members it reaches`,
        },
    armGuard('issuer-healthy-in-arm', issuer, 'the issuing member'),
    issuerProbeGuard(issuer, s.probes, 'a flush sent on a member that may be down could fail half-way, emptying some members and not others', '--skip-probe'),
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
      remediation: given === null ? `run it again when ready, and type ${nickname} (or pass --yes --confirm ${nickname})` : `confirm with the exact group nickname: --confirm ${nickname}`,
    },
  }
}
