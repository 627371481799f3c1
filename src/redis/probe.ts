// Reachability, latency and memory of each member, seen from where the operator runs the CLI.
import {hostPort, type Dialled, type LatencySummary, type MemoryInfo, type ServerInfo} from '../domain/probe.js'
import type {DialOptions, RedisTarget} from '../services/ports.js'
import {classifyError, serverAnswered} from './classify.js'
import {Deadline, elapsedMs, openConnection, type Connection, type ConnectOptions} from './connect.js'

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
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]
  return {min: sorted[0], p50: rank(50), p99: rank(99)}
}

/** Never throws: a failure anywhere makes the member unreachable, with the reason classified. */
/** A probe's options, and the profile's host map for the connection. */
type ProbeOptions = DialOptions & Pick<ConnectOptions, 'hosts'>

export async function probeMember(target: RedisTarget, options: ProbeOptions = {}): Promise<Dialled> {
  const {samples = 20, timeoutMs = 2000} = options
  const endpoint = hostPort(target)
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
  const probe: Dialled = {
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
    connection = await watched('connection', () => openConnection(target, {timeoutMs, hosts: options.hosts}))
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
export function probeMembers(targets: RedisTarget[], options: ProbeOptions = {}): Promise<Dialled[]> {
  return Promise.all(targets.map((target) => probeMember(target, options)))
}
