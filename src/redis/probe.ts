// Reachability, latency and memory of each member, seen from where the operator runs the CLI.
import {classifyError, serverAnswered, type Failure} from './classify.js'
import {Deadline, elapsedMs, openConnection, type Connection, type RedisTarget} from './connect.js'

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

export interface MemberProbe {
  id: string
  /** "host:port" */
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
}

export interface ProbeOptions {
  /** PING round trips to measure */
  samples?: number
  /**
   * Budget for the connection (TCP, TLS and AUTH together), and again for each command after it: a reply slower
   * than this is a timeout. The PING phase also stops sampling once it has run this long (after at least one
   * PING), so a far member (80 ms round trips) yields fewer samples, not a timeout. A server frozen from the
   * start therefore ends the probe within timeoutMs; one that freezes later, within the time already spent
   * plus timeoutMs.
   */
  timeoutMs?: number
  /** told of each step that waits for the member (the board of waits); returns the function that ends the wait */
  onWait?: (target: RedisTarget, step: 'connection' | 'PING' | 'INFO', boundMs: number) => () => void
}

/** `key:value` lines of INFO output; section headers and blank lines skipped, values may contain ':'. */
function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (line.startsWith('#') || colon <= 0) continue
    fields.set(line.slice(0, colon), line.slice(colon + 1).trim())
  }
  return fields
}

/** Keys summed over the `dbN:keys=…,expires=…` lines of INFO keyspace (none: an empty server). */
function keyCount(fields: Map<string, string>): number {
  let keys = 0
  for (const [name, value] of fields) if (/^db\d+$/.test(name)) keys += Number(/(?:^|,)keys=(\d+)/.exec(value)?.[1] ?? 0)
  return keys
}

/** Pure: the fields we report from INFO server, memory, stats and keyspace output (any concatenation of sections). */
export function parseInfo(text: string): {server: ServerInfo; memory: MemoryInfo; keys: number} {
  const fields = infoFields(text)
  const numeric = (key: string): number | null => {
    const raw = fields.get(key)
    const value = raw === undefined || raw === '' ? Number.NaN : Number(raw)
    return Number.isFinite(value) ? value : null
  }
  const maxBytes = numeric('maxmemory')
  return {
    server: {redisVersion: fields.get('redis_version') || null},
    memory: {
      usedBytes: numeric('used_memory'),
      maxBytes: maxBytes === 0 ? null : maxBytes,
      fragmentation: numeric('mem_fragmentation_ratio'),
      evictedKeys: numeric('evicted_keys'),
    },
    keys: keyCount(fields),
  }
}

/** Nearest-rank percentiles (p99 of 20 samples is the maximum); samples must not be empty. */
export function summarizeLatency(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!
  return {min: sorted[0]!, p50: rank(50), p99: rank(99)}
}

export function endpointOf(target: RedisTarget): string {
  return `${target.host}:${target.port}`
}

/** Never throws: a failure anywhere makes the member unreachable, with the reason classified. */
export async function probeMember(target: RedisTarget, options: ProbeOptions = {}): Promise<MemberProbe> {
  const {samples = 20, timeoutMs = 2000} = options
  const endpoint = endpointOf(target)
  // one budget per reply: a single slow answer is what tells a frozen server from a far one
  const watched = async <T>(step: 'connection' | 'PING' | 'INFO', work: () => Promise<T>): Promise<T> => {
    const end = options.onWait?.(target, step, timeoutMs)
    try {
      return await work()
    } finally {
      end?.()
    }
  }
  const reply = <T>(work: Promise<T>, what: 'PING' | 'INFO'): Promise<T> => watched(what, () => new Deadline(timeoutMs).race(work, `${what} ${endpoint}`))
  const probe: MemberProbe = {
    id: target.id,
    endpoint,
    reachable: false,
    answered: false,
    error: null,
    connectMs: null,
    tlsMs: null,
    pingMs: null,
    server: null,
    memory: null,
    keys: null,
  }
  let connection: Connection | undefined
  try {
    connection = await watched('connection', () => openConnection(target, {timeoutMs}))
    const {client} = connection
    const rounds: number[] = []
    const pingPhase = new Deadline(timeoutMs)
    while (rounds.length < Math.max(1, samples) && (rounds.length === 0 || pingPhase.remaining() > 0)) {
      const sent = process.hrtime.bigint()
      await reply(client.ping(), 'PING')
      rounds.push(elapsedMs(sent))
    }
    // sent together: one round trip
    const sections = await reply(Promise.all([client.info('server'), client.info('memory'), client.info('stats'), client.info('keyspace')]), 'INFO')
    return {
      ...probe,
      reachable: true,
      answered: true,
      connectMs: connection.connectMs,
      tlsMs: connection.tlsMs,
      pingMs: summarizeLatency(rounds),
      pingSamples: rounds.length,
      ...parseInfo(sections.join('\n')),
    }
  } catch (error) {
    // timings of a half-done probe would read as healthy numbers: report only the failure
    return {...probe, answered: serverAnswered(error), error: classifyError(error)}
  } finally {
    connection?.client.disconnect()
  }
}

/** All members in parallel, each within its own budget; never throws. */
export function probeMembers(targets: RedisTarget[], options: ProbeOptions = {}): Promise<MemberProbe[]> {
  return Promise.all(targets.map((target) => probeMember(target, options)))
}
