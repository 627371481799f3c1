// Guard rules for force-unlink, force-link and flush: pure checks over what was read from ARM and what the probes saw.
// Every guard that can be evaluated is listed (an auditor sees all of them); the first refusal decides. This module
// holds the report, the consent guard and the guards the operations share; each operation's own guards are in
// domain/guarded/<operation>.ts.
import {idKey} from './ids.js'
import {label, memberArmState, shortName} from './group.js'
import type {GeoGroup, Member} from './model.js'
import {failureText, latencyOf, probeOf, type MemberProbe} from './probe.js'
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
export interface Check {
  name: string
  pass: boolean
  detail: string
  forced?: boolean
  message?: string
  remediation?: string
}

export function report(checks: Check[]): GuardReport {
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

export function names(members: Member[]): string {
  return members.map((m) => m.cluster).join(', ')
}

/** The member an operator named, among the group's members; null when none matches. */
export function targetGuard(name: string, group: GeoGroup, query: string, found: Member | null, choices: string): Check {
  return found
    ? {name, pass: true, detail: `${label(found)} is in group "${group.nickname}"`}
    : {
        name,
        pass: false,
        detail: `"${query}" is not a member of group "${group.nickname}"`,
        remediation: `pass --member with one of: ${choices}`,
      }
}

export function armGuard(name: string, m: Member, role: string): Check {
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
export function othersArmGuard(name: string, members: Member[], force: boolean, risk: string): Check {
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
export interface Suggesting {
  group: Pick<GeoGroup, 'nickname'>
  /** the ARM selection flags of this run (see suggestCommand) */
  connection?: string[]
}

/** `geo-redis group show <nickname>` and `geo-redis probe --group <nickname>`, with this run's connection flags. */
export function groupShow(s: Suggesting): string {
  return suggestCommand(['group', 'show', s.group.nickname], s.connection)
}

export function probeCommand(s: Suggesting): string {
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
export function inFlightGuard(members: Member[], force: boolean, s: Suggesting): Check {
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

/** `risk`: what sending on a member that may be down costs; `skipFlags`: how to go on without a data-plane path. */
export function issuerProbeGuard(issuer: Member, probes: MemberProbe[] | null, risk: string, skipFlags: string, s: Suggesting): Check {
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
