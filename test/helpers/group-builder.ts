// A healthy three-member geo-replication group with sane defaults; tests override only what they are about.
import {placeholderMember} from '../../src/domain/group.js'
import {databaseId, idKey} from '../../src/domain/ids.js'
import type {GeoGroup, Link, Member} from '../../src/domain/model.js'
import type {ReadCause} from '../../src/domain/read.js'
import type {CanaryPair, FailureKind, MemberProbe} from '../../src/domain/probe.js'
import type {CheckContext} from '../../src/domain/rules/types.js'

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555'
const REGIONS = ['westus2', 'eastus', 'northeurope', 'westeurope', 'japaneast', 'australiaeast']

export function idOf(cluster: string, resourceGroup = 'rg-geo'): string {
  return databaseId({subscriptionId: SUBSCRIPTION, resourceGroup, cluster, database: 'default'})
}

export function member(n: number, overrides: Partial<Member> = {}): Member {
  const cluster = overrides.cluster ?? `cache${n}`
  return {
    id: idOf(cluster, overrides.resourceGroup),
    subscriptionId: SUBSCRIPTION,
    resourceGroup: 'rg-geo',
    cluster,
    database: 'default',
    location: REGIONS[(n - 1) % REGIONS.length],
    sku: {name: 'Balanced_B10', capacity: null},
    hostName: `${cluster}.${REGIONS[(n - 1) % REGIONS.length]}.redis.azure.net`,
    port: 10000,
    clientProtocol: 'Encrypted',
    clusteringPolicy: 'EnterpriseCluster',
    evictionPolicy: 'NoEviction',
    modules: [],
    persistence: {aofEnabled: false, rdbEnabled: false},
    provisioningState: 'Succeeded',
    resourceState: 'Running',
    clusterProvisioningState: 'Succeeded',
    clusterResourceState: 'Running',
    redisVersion: '7.4',
    minimumTlsVersion: '1.2',
    highAvailability: 'Enabled',
    accessKeysAuthentication: 'Disabled',
    groupNickname: 'orders',
    links: [],
    ...overrides,
  }
}

export interface GroupSpec {
  /** one override per member; the group has max(3, overrides.length) members */
  members?: Partial<Member>[]
  /** linked ids nobody could read; every member lists them */
  unresolved?: string[]
  /** why they could not be read (default forbidden: says nothing about their health) */
  cause?: ReadCause
  nickname?: string
}

/** Every member lists every member and unresolved id as Linked unless its `links` are overridden. */
export function buildGroup(spec: GroupSpec = {}): GeoGroup {
  const count = Math.max(3, spec.members?.length ?? 0)
  const base = Array.from({length: count}, (_, i) => member(i + 1, spec.members?.[i]))
  const unresolved = spec.unresolved ?? []
  const all: Link[] = [...base.map((m) => m.id), ...unresolved].map((id) => ({id, state: 'Linked'}))
  const members = base.map((m, i) => (spec.members?.[i]?.links ? m : {...m, links: all}))
  const cause = spec.cause ?? 'forbidden'
  const errors = unresolved.map((id) => ({scope: id, cause, code: cause === 'region-not-answering' ? 'ServiceUnavailable' : 'AuthorizationFailed', message: 'read failed'}))
  return {
    key: [...members.map((m) => m.id), ...unresolved].map(idKey).sort()[0],
    nickname: spec.nickname ?? 'orders',
    status: 'healthy',
    members,
    unresolved,
    unreadable: unresolved.map((id) => placeholderMember(id, {clusters: new Map(), errors})),
    problems: [],
  }
}

/** What a test says about a probe, flat: turned into the one observation type by `observed`. */
export interface Seen {
  reachable?: boolean
  answered?: boolean
  errorKind?: FailureKind | null
  errorMessage?: string | null
  latencyMs?: number | null
  usedBytes?: number | null
  /** INFO maxmemory; null when not set */
  maxmemoryBytes?: number | null
  keys?: number | null
  /** '' when it was not dialled */
  endpoint?: string
}

/** The probe observation of `m`: answered PING in 1 ms, 3 of 10 GB used, unless `seen` says otherwise. */
export function observed(m: Member, seen: Seen = {}): MemberProbe {
  const gb = 1024 ** 3
  const reachable = seen.reachable ?? true
  const kind = seen.errorKind ?? null
  const latency = seen.latencyMs === undefined ? (reachable ? 1 : null) : seen.latencyMs
  const used = seen.usedBytes === undefined ? 3 * gb : seen.usedBytes
  const max = seen.maxmemoryBytes === undefined ? 10 * gb : seen.maxmemoryBytes
  return {
    id: m.id,
    location: m.location,
    endpoint: seen.endpoint ?? `${m.hostName}:10000`,
    reachable,
    answered: seen.answered ?? reachable,
    error: kind ? {kind, message: seen.errorMessage ?? ''} : null,
    connectMs: reachable ? 1 : null,
    tlsMs: null,
    pingMs: latency === null ? null : {min: latency, p50: latency, p99: latency},
    server: reachable ? {redisVersion: '7.4.0'} : null,
    memory: used === null && max === null ? null : {usedBytes: used, maxBytes: max, fragmentation: null, evictedKeys: null},
    keys: seen.keys === undefined ? (reachable ? 0 : null) : seen.keys,
    ...(m.readError ? {readError: m.readError} : {}),
  }
}

export interface ContextSpec {
  /** probe results keyed by member index (null: not probed); true = healthy for every member */
  health?: true | Record<number, Seen | null>
  /** canary results; true = every ordered pair replicated in 50 ms */
  replication?: true | CanaryPair[]
}

export function context(group: GeoGroup, spec: ContextSpec = {}): CheckContext {
  const ctx: CheckContext = {group, thresholds: {memoryWarnPct: 80, memoryCritPct: 90, replicationLagMs: 1000}}
  if (spec.health) {
    const overrides = spec.health === true ? {} : spec.health
    ctx.probes = group.members.flatMap((m, i) => (overrides[i] === null ? [] : [observed(m, overrides[i] ?? {})]))
  }

  if (spec.replication) {
    ctx.replication =
      spec.replication === true
        ? group.members.flatMap((from) =>
            group.members.filter((to) => to !== from).map((to) => ({from: from.id, to: to.id, replicated: true, lagMs: 50, reason: null})),
          )
        : spec.replication
  }

  return ctx
}

/**
 * What the probe saw of a member: `up` answered PING (with `keys` keys); `down` nothing answered (refused);
 * `noauth` a server answered but refused AUTH; `dns` its name did not resolve; `unknown` not dialled.
 */
export function probeFact(m: Member, seen: 'up' | 'down' | 'noauth' | 'dns' | 'unknown' = 'up', options: {latencyMs?: number; keys?: number} = {}): MemberProbe {
  const failure = {down: ['refused', 'connect ECONNREFUSED'], noauth: ['auth', 'NOAUTH Authentication required.'], dns: ['dns', 'getaddrinfo ENOTFOUND'], unknown: [null, null], up: [null, null]}[seen] as [FailureKind | null, string | null]
  const up = seen === 'up'
  return observed(m, {
    reachable: up,
    answered: up || seen === 'noauth',
    latencyMs: up ? (options.latencyMs ?? 1) : null,
    endpoint: seen === 'unknown' ? '' : `${m.hostName}:10000`,
    errorKind: failure[0],
    errorMessage: failure[1],
    keys: up ? (options.keys ?? 0) : null,
    usedBytes: up ? 1_048_576 : null,
    maxmemoryBytes: null,
  })
}
