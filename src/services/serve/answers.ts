// serve's answers, from the watcher's current state only (never a Redis round trip inside a request): the Redis
// Software REST subset the clients' lag-aware health checks call, and the status document behind /metrics and watch.
import {memoryUse} from '../../domain/capacity.js'
import {runwayOf} from '../../domain/runway.js'
import {availability, lagMs, largestLinkedSet, verdicts, type LagContext} from '../../domain/serve/availability.js'
import type {BdbEntry, HttpAnswer, ServeState} from '../ports.js'
import type {AvailabilityAnswer, GroupStatusDoc, MemberIdentity, MemberStatus, StatusDocument} from '../../domain/serve/status.js'
import type {WatchedGroup, WatchedMember} from './model.js'
import {writerOf, type Watcher} from './watcher.js'

function context(watcher: Watcher): LagContext {
  return {writes: watcher.writes}
}

function answerOf(watcher: Watcher, group: WatchedGroup, member: WatchedMember, toleranceMs: number | null, lag = context(watcher)): AvailabilityAnswer {
  const verdict = availability(watcher.observed(group), writerOf(member), toleranceMs, lag)
  return verdict.available ? {available: true, code: null, description: null} : {available: false, code: verdict.code, description: verdict.description}
}

function memoryOf(watcher: Watcher, member: WatchedMember): MemberStatus['memory'] {
  const state = watcher.states.get(member.uid)!
  const last = state.samples.at(-1)
  const use = memoryUse({usedBytes: last?.usedBytes ?? null, maxmemoryBytes: state.maxBytes, skuMemoryGB: member.skuMemoryGB}, {warnPct: 1, critPct: 99})
  const runway = runwayOf(state.samples, use.maxBytes, watcher.settings.thresholdPct, watcher.settings.runwayWindowMs)
  return {usedBytes: use.usedBytes, limitBytes: use.maxBytes, limitSource: use.limitSource, headroomPct: use.headroomPct, ...runway}
}

/** Only the identity of a watched member: its dial target (and credentials) stay out of the status document. */
function identityOf({uid, id, name, label, location, host, port}: WatchedMember): MemberIdentity {
  return {uid, id, name, label, location, host, port}
}

function memberStatus(watcher: Watcher, group: WatchedGroup, member: WatchedMember, lag: LagContext): MemberStatus {
  const state = watcher.states.get(member.uid)!
  const observed = watcher.observed(group)
  const lags = group.members
    .filter((p) => p !== member)
    .map((p) => [p.label, watcher.settings.heartbeat ? lagMs(writerOf(member), observed.find((o) => o.id === writerOf(p))!, lag) : null] as const)
  return {
    ...identityOf(member),
    addr: state.addr,
    up: state.up,
    pingMs: state.pingMs,
    error: state.error,
    availability: answerOf(watcher, group, member, watcher.settings.heartbeat ? watcher.settings.lagToleranceMs : null, lag),
    lagMs: Object.fromEntries(lags.map(([peer, ms]) => [peer, ms === null ? null : Math.round(ms)])),
    memory: memoryOf(watcher, member),
  }
}

function groupStatus(watcher: Watcher, group: WatchedGroup, lag: LagContext): GroupStatusDoc {
  const members = group.members.map((m) => memberStatus(watcher, group, m, lag))
  const available = members.filter((m) => m.availability.available).length
  const linked = watcher.settings.heartbeat ? largestLinkedSet(watcher.observed(group), watcher.settings.lagToleranceMs, lag).length : members.filter((m) => m.up).length
  return {
    nickname: group.nickname,
    key: group.key,
    status: available === members.length ? 'healthy' : available > 0 ? 'degraded' : 'down',
    membersLinked: linked,
    members,
  }
}

export function statusDocument(watcher: Watcher): StatusDocument {
  const lag = context(watcher)
  return {generatedAt: new Date().toISOString(), instance: watcher.instance, settings: watcher.settings, groups: watcher.groups.map((g) => groupStatus(watcher, g, lag))}
}

/** The answers of serve's HTTP endpoints, by uid. */
export class ServeAnswers implements ServeState {
  private readonly byUid = new Map<number, {group: WatchedGroup; member: WatchedMember}>()

  constructor(readonly watcher: Watcher) {
    for (const group of watcher.groups) for (const member of group.members) this.byUid.set(member.uid, {group, member})
  }

  bdbs(): BdbEntry[] {
    return this.watcher.members().map((m) => ({uid: m.uid, name: m.name, endpoints: [{dns_name: m.host, addr: this.watcher.states.get(m.uid)!.addr, port: m.port}]}))
  }

  /** Without `lag` (extend_check=lag not given) answering is enough; the tolerance defaults to serve's. */
  availability(uid: number, check: {lag: boolean; toleranceMs?: number}): HttpAnswer {
    const toleranceMs = check.lag ? (check.toleranceMs ?? this.watcher.settings.lagToleranceMs) : null
    const found = this.byUid.get(uid)
    if (!found) return {status: 404, body: {error_code: 'db_not_found', description: `no database with uid ${uid} is watched by this serve`}}
    const answer = answerOf(this.watcher, found.group, found.member, toleranceMs)
    return answer.available ? {status: 200, body: {}} : {status: 503, body: {error_code: answer.code, description: answer.description}}
  }

  status(): StatusDocument {
    return statusDocument(this.watcher)
  }
}

/**
 * One line per change of a member's state (down, available, or why not, with the lag check at the default tolerance),
 * e.g. "eastus (c1/default): available → bdb_unavailable: …"; nothing while nothing changes.
 */
export function changeTracker(watcher: Watcher): (group: WatchedGroup) => string[] {
  const last = new Map<number, string>()
  return (group) => {
    const tolerance = watcher.settings.heartbeat ? watcher.settings.lagToleranceMs : null
    const lines: string[] = []
    // judged once every member has had its first round: before, the others only look down
    if (group.members.some((m) => m.target && watcher.states.get(m.uid)!.rounds === 0)) return lines
    const all = verdicts(watcher.observed(group), tolerance, context(watcher))
    for (const member of group.members) {
      const answer = all.get(writerOf(member))!
      const now = answer.available ? 'available' : answer.code
      const before = last.get(member.uid)
      if (before === now) continue
      last.set(member.uid, now)
      lines.push(`${group.nickname}: ${member.label} (${member.name}) ${before ?? 'started'} → ${now}${answer.available ? '' : `: ${answer.description}`}`)
    }

    return lines
  }
}
