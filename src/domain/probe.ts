// What the data-plane probe saw of a member: the one observation type. The Redis adapter fills it in, the probe
// service adds where the member is and why ARM could not read it, and every reader (the probe and capacity tables,
// check's rules, the guards and plans of the guarded operations, the incident runbook, the evidence) reads it as is.
// A new probe field is one edit here and one in the adapter. Pure.
import {idKey} from './ids.js'
import type {ReadError} from './read.js'

/** How a connection or command failed, in the kinds an operator acts on differently (src/redis/classify.ts). */
export type FailureKind = 'dns' | 'refused' | 'timeout' | 'tls' | 'auth' | 'other'

export interface Failure {
  kind: FailureKind
  message: string
}

export interface LatencySummary {
  min: number
  p50: number
  p99: number
}

export interface ServerInfo {
  redisVersion: string | null
}

export interface MemoryInfo {
  usedBytes: number | null
  /** null when maxmemory is 0 (no limit set) or not reported */
  maxBytes: number | null
  fragmentation: number | null
  /** from INFO stats: keys evicted since the server started */
  evictedKeys: number | null
}

/** One member as the probe saw it from where the CLI runs. */
export interface MemberProbe {
  id: string
  /** the member's normalised location; '' when ARM never showed it */
  location: string
  /** "host:port" dialled; '' when it was not dialled (ARM cannot read it and its endpoint is unknown) */
  endpoint: string
  /** connected, authenticated and answered every step within the budget; a refused AUTH makes it false too */
  reachable: boolean
  /** a server answered, even if only to refuse AUTH or with a certificate: its data plane is alive */
  answered: boolean
  error: Failure | null
  connectMs: number | null
  tlsMs: number | null
  /** sequential PING round trips, in ms */
  pingMs: LatencySummary | null
  /** PINGs behind pingMs: fewer than asked when the PING phase used up its budget (a far or slow member) */
  pingSamples?: number
  server: ServerInfo | null
  memory: MemoryInfo | null
  /** keys in all of its databases (INFO keyspace); null when not read */
  keys: number | null
  /** set when ARM could not read the member: why. Such a member is dialled only when its endpoint is known. */
  readError?: ReadError
}

/** What a dial returns: the observation without what ARM says of the member. */
export type Dialled = Omit<MemberProbe, 'location' | 'readError'>

/** One canary write on `from`, looked for on `to`. */
export interface CanaryPair {
  /** member id the key was written on */
  from: string
  /** member id it was read back from */
  to: string
  replicated: boolean
  /**
   * write acknowledged on `from` → value read on `to`; an upper bound: it includes the successful GET's round trip
   * and up to one poll interval. null when not replicated.
   */
  lagMs: number | null
  /** why not replicated (member unreachable, write refused, not seen in time); null when replicated */
  reason: string | null
}

/** "host:port", as a probe names the endpoint it dialled. */
export function hostPort(target: {host: string; port: number}): string {
  return `${target.host}:${target.port}`
}

/** The member's observation among `probes` (ids compare case-insensitively); undefined when it has none. */
export function probeOf(probes: readonly MemberProbe[] | null | undefined, member: {id: string}): MemberProbe | undefined {
  return probes?.find((p) => idKey(p.id) === idKey(member.id))
}

/** The member was dialled (an unread member whose endpoint is unknown is not: its row has no endpoint). */
export function dialled(probe: Pick<MemberProbe, 'endpoint'>): boolean {
  return probe.endpoint !== ''
}

/** The median PING round trip; null when it did not answer PING. */
export function latencyOf(probe: MemberProbe | undefined): number | null {
  return probe?.pingMs?.p50 ?? null
}

/** "kind: message" of its failure; null when it answered, or was not dialled. */
export function failureText(probe: MemberProbe | undefined): string | null {
  return probe?.error ? `${probe.error.kind}: ${probe.error.message}` : null
}
