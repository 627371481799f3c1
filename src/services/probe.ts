// Probing a group's members from where the CLI runs: one probe per member, in parallel, each bounded. Every member
// is a row, readable or not: one ARM cannot read is dialled when its endpoint is known, and otherwise still listed
// with why it was not read. The members of a group file (--group-file) are probed the same way, without ARM.
import {UsageError} from '../domain/errors.js'
import {allMembers, label} from '../domain/group.js'
import type {GroupKind} from '../domain/group-file.js'
import {idKey} from '../domain/ids.js'
import type {GeoGroup, Member, ScopeError} from '../domain/model.js'
import {hostPort, type CanaryPair, type Dialled, type MemberProbe} from '../domain/probe.js'
import type {GroupSelection} from '../domain/resolve.js'
import {waits} from '../shared/waits.js'
import {groupFileTargets} from './group-file.js'
import {readGroup} from './inventory.js'
import type {DataPlane, DialOptions, FileProbingPorts, ProbingPorts, ProgressReporter, RedisTarget} from './ports.js'
import {buildTargets, type MemberTarget, type TargetOptions} from './targets.js'

export interface ProbeSettings extends TargetOptions {
  samples: number
  timeoutMs: number
}

export interface GroupProbe {
  group: string
  /** every member of the group, in member order; `answered` of `members.length` answered */
  members: MemberProbe[]
  answered: number
  /** N×(N−1) ordered pairs over every member when the canary ran */
  canary: {pairs: CanaryPair[]} | null
  /** linked members ARM could not read (they are rows of `members` too, with `readError`) */
  unresolved: string[]
}

interface ProbeRunOptions extends ProbeSettings {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  selection: GroupSelection
  canary: boolean
  onProgress?: ProgressReporter
}

/** A member that was not dialled, or whose credentials could not be obtained. */
function notDialled(t: MemberTarget): Dialled {
  return {
    id: t.member.id,
    endpoint: t.target ? hostPort(t.target) : '',
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
function anonymous(result: Dialled): Dialled {
  if (result.error?.kind !== 'auth') return result
  const why = 'answers, but ARM cannot read it, so geo-redis has no access key for it (--auth entra needs none)'
  return {...result, error: {kind: 'auth', message: `${why}: ${result.error.message}`}}
}

/**
 * A member ARM cannot read may speak TLS (Azure's default) or plaintext (clientProtocol Plaintext), and nothing says
 * which: it is dialled both ways at once, and the way that got an answer is its row (else the TLS one). A TLS hello
 * to a plaintext server only times out, which would read as "down" while it is up. Credentials go over TLS only.
 */
async function probeEitherProtocol(dataPlane: DataPlane, target: RedisTarget, options: DialOptions): Promise<Dialled> {
  const [tls, plain] = await dataPlane.probe([target, {...target, tls: false, auth: null}], options)
  return [tls, plain].find((p) => p.reachable) ?? [tls, plain].find((p) => p.answered) ?? tls
}

type Dialable = MemberTarget & {target: RedisTarget}

/** Probes `members` of `group` (default: every member, readable or not), one row each in the order given. */
export async function probeMembersOf(
  ports: ProbingPorts,
  group: Pick<GeoGroup, 'members' | 'unreadable'>,
  settings: ProbeSettings,
  members: Member[] = allMembers(group),
): Promise<{results: MemberProbe[]; targets: MemberTarget[]}> {
  const targets = await buildTargets(ports.arm, group, members, settings)
  return {results: await dialTargets(ports.dataPlane, targets, settings), targets}
}

/** Dials targets already built (from ARM or a group file), each within its budget: one row each in the order given. */
async function dialTargets(dataPlane: DataPlane, targets: MemberTarget[], settings: Pick<ProbeSettings, 'samples' | 'timeoutMs'>): Promise<MemberProbe[]> {
  const dialable = targets.filter((t): t is Dialable => t.target !== null && !t.authError)
  const names = new Map(dialable.map((t) => [t.target.id, label(t.member)]))
  const options: DialOptions = {
    samples: settings.samples,
    timeoutMs: settings.timeoutMs,
    // on the run's board of waits: the progress line names a member that does not answer
    onWait: (target, step, boundMs) => waits.begin(names.get(target.id) ?? target.id, `Redis not answering (${step})`, boundMs),
  }
  const readable = dialable.filter((t) => !t.member.readError)
  const [probes, unread] = await Promise.all([
    dataPlane.probe(readable.map((t) => t.target), options),
    Promise.all(dialable.filter((t) => t.member.readError).map((t) => probeEitherProtocol(dataPlane, t.target, options))),
  ])
  const byId = new Map([...probes, ...unread].map((p) => [idKey(p.id), p]))
  return targets.map((t): MemberProbe => {
    const probed = byId.get(idKey(t.member.id))
    return {
      ...(probed ? (t.anonymous ? anonymous(probed) : probed) : notDialled(t)),
      location: t.member.location,
      ...(t.member.readError ? {readError: t.member.readError} : {}),
    }
  })
}

/** Why a member took no part in the canary. */
function silence(t: MemberTarget): string {
  const name = `${t.member.cluster}/${t.member.database}`
  if (t.member.readError && !t.target) return `${name} was not probed: ARM cannot read it (${t.member.readError.cause}) and its endpoint is unknown`
  return `${name} did not answer the probe`
}

/**
 * Members that could not be reached or read take part as "not replicated", so the matrix stays N×N; with `writers`
 * (an active-passive group's primary), only the pairs from a writer.
 */
function canaryMatrix(targets: MemberTarget[], reachable: Set<string>, measured: CanaryPair[], writers?: string[]): CanaryPair[] {
  const pairs: CanaryPair[] = []
  for (const from of targets) {
    if (writers && !writers.includes(from.member.id)) continue
    for (const to of targets) {
      if (from === to) continue
      const pair = measured.find((p) => p.from === from.member.id && p.to === to.member.id)
      const silent = reachable.has(from.member.id) ? to : from
      pairs.push(pair ?? {from: from.member.id, to: to.member.id, replicated: false, lagMs: null, reason: silence(silent)})
    }
  }
  return pairs
}

type TargetProbeSettings = ProbeSettings & {canary: boolean; writers?: string[]}

/** The probe, and with `canary` the lag matrix, of a group whose targets are built (from ARM or a group file). */
async function probeTargets(dataPlane: DataPlane, group: Pick<GeoGroup, 'nickname' | 'unresolved'>, targets: MemberTarget[], settings: TargetProbeSettings): Promise<GroupProbe> {
  const results = await dialTargets(dataPlane, targets, settings)
  const reachable = new Set(results.filter((r) => r.reachable).map((r) => r.id))
  let canary: GroupProbe['canary'] = null
  if (settings.canary) {
    const answering = targets.filter((t) => t.target && reachable.has(t.member.id)).map((t) => t.target!)
    const measured = await dataPlane.canary(answering, {timeoutMs: settings.timeoutMs, ...(settings.writers ? {writers: settings.writers} : {})})
    canary = {pairs: canaryMatrix(targets, reachable, measured, settings.writers)}
  }
  return {group: group.nickname, members: results, answered: reachable.size, canary, unresolved: group.unresolved}
}

export async function probeGroup(ports: ProbingPorts, group: GeoGroup, settings: ProbeSettings & {canary: boolean}): Promise<GroupProbe> {
  const targets = await buildTargets(ports.arm, group, allMembers(group), settings)
  return probeTargets(ports.dataPlane, group, targets, settings)
}

/**
 * `geo-redis probe --group-file`: the one group of the file (the one `group` names when it has several), probed
 * without ARM; an active-passive group's canary writes on the primary only (lag primary → replica).
 */
export async function runFileProbe(
  ports: FileProbingPorts,
  options: Omit<ProbeSettings, 'auth'> & {file: string; group?: string; canary: boolean; onProgress?: ProgressReporter},
): Promise<{probe: GroupProbe; kind: GroupKind}> {
  options.onProgress?.(`reading ${options.file}`)
  const groups = await groupFileTargets(ports.files, options.file, {...(options.group ? {groups: [options.group]} : {}), ...(options.caPem ? {caPem: options.caPem} : {})})
  if (groups.length !== 1) {
    throw new UsageError(`the group file ${options.file} has ${groups.length} groups: ${groups.map((g) => g.group.nickname).join(', ')}`, 'pick one with --group <nickname>')
  }
  const [{group, kind, primary, targets}] = groups
  options.onProgress?.(`probing ${targets.length} members${options.canary ? ', then the canary' : ''}`)
  const settings = {auth: 'keys' as const, ...options, ...(primary ? {writers: [primary]} : {})}
  return {probe: await probeTargets(ports.dataPlane, group, targets, settings), kind}
}

/** `geo-redis probe`: the one selected group, probed; `errors` are the scopes ARM could not read. */
export async function runProbe(ports: ProbingPorts, options: ProbeRunOptions): Promise<{probe: GroupProbe; group: GeoGroup; errors: ScopeError[]}> {
  options.onProgress?.('reading the group')
  const {inventory, group} = await readGroup(ports.arm, {subscriptions: options.subscriptions}, options.selection)
  const all = allMembers(group)
  options.onProgress?.(`probing ${all.length} members${options.canary ? ', then the canary' : ''}`)
  return {probe: await probeGroup(ports, group, options), group, errors: inventory.errors}
}

/** The probes behind a decision: probe.json of its evidence, and what its guards and plan judged. */
export interface ProbeSummary {
  ran: boolean
  /** why not, when not run */
  reason: string | null
  settings: {auth: string; samples: number; timeoutMs: number} | null
  members: MemberProbe[]
}

/** Probes `members` of `group`; null settings: skipped, for the reason given. */
export async function probeSummary(ports: ProbingPorts, group: GeoGroup, members: Member[], settings: ProbeSettings | null, reason: string): Promise<ProbeSummary> {
  if (!settings) return {ran: false, reason, settings: null, members: []}
  const {results} = await probeMembersOf(ports, group, settings, members)
  return {ran: true, reason: null, settings: {auth: settings.auth, samples: settings.samples, timeoutMs: settings.timeoutMs}, members: results}
}

/** The observations a guard or plan judges: null when the probes did not run. */
export function observed(probe: ProbeSummary): MemberProbe[] | null {
  return probe.ran ? probe.members : null
}
