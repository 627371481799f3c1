// Probing a group's members from where the CLI runs: one probe per member, in parallel, each bounded. Every member
// is a row, readable or not: one ARM cannot read is dialled when its endpoint is known, and otherwise still listed
// with why it was not read.
import {allMembers, label} from '../domain/group.js'
import type {GeoGroup, Member, ScopeError} from '../domain/model.js'
import type {ReadError} from '../domain/read.js'
import type {GroupSelection} from '../domain/resolve.js'
import {runCanary, type CanaryPair} from '../redis/canary.js'
import type {RedisTarget} from '../redis/connect.js'
import {endpointOf as redisEndpoint, probeMember, probeMembers, type MemberProbe, type ProbeOptions} from '../redis/probe.js'
import {waits} from '../shared/waits.js'
import {readGroup} from './inventory.js'
import type {ArmPort} from './ports.js'
import {buildTargets, type MemberTarget, type TargetOptions} from './targets.js'

export interface ProbeSettings extends TargetOptions {
  samples: number
  timeoutMs: number
}

export interface MemberProbeResult extends MemberProbe {
  location: string
  /** set when ARM could not read the member: why. Such a member is dialled only when its endpoint is known. */
  readError?: ReadError
}

export interface GroupProbe {
  group: string
  /** every member of the group, in member order; `answered` of `members.length` answered */
  members: MemberProbeResult[]
  answered: number
  /** N×(N−1) ordered pairs over every member when the canary ran */
  canary: {pairs: CanaryPair[]} | null
  /** linked members ARM could not read (they are rows of `members` too, with `readError`) */
  unresolved: string[]
}

export interface ProbeRunOptions extends ProbeSettings {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  selection: GroupSelection
  canary: boolean
  onProgress?: (text: string) => void
}

/** The member was dialled (an unread member whose endpoint is unknown is not: its row has no endpoint). */
export function dialled(result: Pick<MemberProbeResult, 'endpoint'>): boolean {
  return result.endpoint !== ''
}

/** A member that was not dialled, or whose credentials could not be obtained. */
function notDialled(t: MemberTarget): MemberProbe {
  return {
    id: t.member.id,
    endpoint: t.target ? redisEndpoint(t.target) : '',
    reachable: false,
    answered: false,
    error: t.authError,
    connectMs: null,
    tlsMs: null,
    pingMs: null,
    server: null,
    memory: null,
    keys: null,
  }
}

/** What a member dialled without credentials answered: a refused AUTH still proves it is up. */
function anonymous(result: MemberProbe): MemberProbe {
  if (result.error?.kind !== 'auth') return result
  const why = 'answers, but ARM cannot read it, so geo-redis has no access key for it (--auth entra needs none)'
  return {...result, error: {kind: 'auth', message: `${why}: ${result.error.message}`}}
}

/**
 * A member ARM cannot read may speak TLS (Azure's default) or plaintext (clientProtocol Plaintext), and nothing says
 * which: it is dialled both ways at once, and the way that got an answer is its row (else the TLS one). A TLS hello
 * to a plaintext server only times out, which would read as "down" while it is up. Credentials go over TLS only.
 */
async function probeEitherProtocol(target: RedisTarget, options: ProbeOptions): Promise<MemberProbe> {
  const [tls, plain] = await probeMembers([target, {...target, tls: false, auth: null}], options)
  return [tls, plain].find((p) => p.reachable) ?? [tls, plain].find((p) => p.answered) ?? tls
}

/** Probes `members` of `group` (default: every member, readable or not), one row each in the order given. */
export async function probeMembersOf(
  arm: ArmPort,
  group: Pick<GeoGroup, 'members' | 'unreadable'>,
  settings: ProbeSettings,
  members: Member[] = allMembers(group),
): Promise<{results: MemberProbeResult[]; targets: MemberTarget[]}> {
  const targets = await buildTargets(arm, group, members, settings)
  const dialable = targets.filter((t): t is MemberTarget & {target: NonNullable<MemberTarget['target']>} => t.target !== null && !t.authError)
  const names = new Map(dialable.map((t) => [t.target.id, label(t.member)]))
  const options = {
    samples: settings.samples,
    timeoutMs: settings.timeoutMs,
    // on the run's board of waits: the progress line names a member that does not answer
    onWait: (target: RedisTarget, step: 'connection' | 'PING' | 'INFO', boundMs: number) => waits.begin(names.get(target.id) ?? target.id, `Redis not answering (${step})`, boundMs),
  }
  const probes = await Promise.all(dialable.map((t) => (t.member.readError ? probeEitherProtocol(t.target, options) : probeMember(t.target, options))))
  const byId = new Map(probes.map((p) => [p.id, p]))
  const results = targets.map((t): MemberProbeResult => {
    const probed = byId.get(t.member.id)
    return {
      ...(probed ? (t.anonymous ? anonymous(probed) : probed) : notDialled(t)),
      location: t.member.location,
      ...(t.member.readError ? {readError: t.member.readError} : {}),
    }
  })
  return {results, targets}
}

/** Why a member took no part in the canary. */
function silence(t: MemberTarget): string {
  const name = `${t.member.cluster}/${t.member.database}`
  if (t.member.readError && !t.target) return `${name} was not probed: ARM cannot read it (${t.member.readError.cause}) and its endpoint is unknown`
  return `${name} did not answer the probe`
}

export async function probeGroup(arm: ArmPort, group: GeoGroup, settings: ProbeSettings & {canary: boolean}): Promise<GroupProbe> {
  const {results, targets} = await probeMembersOf(arm, group, settings)
  const reachable = new Set(results.filter((r) => r.reachable).map((r) => r.id))
  let canary: GroupProbe['canary'] = null
  if (settings.canary) {
    const ran = await runCanary(
      targets.filter((t) => t.target && reachable.has(t.member.id)).map((t) => t.target!),
      {timeoutMs: settings.timeoutMs},
    )
    // members that could not be reached or read take part as "not replicated", so the matrix stays N×N
    const pairs: CanaryPair[] = []
    for (const from of targets) {
      for (const to of targets) {
        if (from === to) continue
        const measured = ran.pairs.find((p) => p.from === from.member.id && p.to === to.member.id)
        const silent = reachable.has(from.member.id) ? to : from
        const reason = silence(silent)
        pairs.push(measured ?? {from: from.member.id, to: to.member.id, replicated: false, lagMs: null, reason})
      }
    }

    canary = {pairs}
  }

  return {group: group.nickname, members: results, answered: reachable.size, canary, unresolved: group.unresolved}
}

/** `geo-redis probe`: the one selected group, probed; `errors` are the scopes ARM could not read. */
export async function runProbe(arm: ArmPort, options: ProbeRunOptions): Promise<{probe: GroupProbe; group: GeoGroup; errors: ScopeError[]}> {
  options.onProgress?.('reading the group')
  const {inventory, group} = await readGroup(arm, {subscriptions: options.subscriptions}, options.selection)
  const all = allMembers(group)
  options.onProgress?.(`probing ${all.length} members${options.canary ? ', then the canary' : ''}`)
  return {probe: await probeGroup(arm, group, options), group, errors: inventory.errors}
}

/** 0 when every member answered, else 1 (a member ARM could not read counts as not answering). The canary measures and does not decide. */
export function probeExitCode(probe: Pick<GroupProbe, 'members'>): 0 | 1 {
  return probe.members.every((m) => m.reachable && !m.readError) ? 0 : 1
}
