// `sandbox load`: a bounded write load of new keys (prefix sandbox:load:<run>:) on the group's members that answer,
// or on one member, so that used memory grows, e.g. on the survivors during an outage drill. Writes are paced to the
// rate (spread over the members in turn), never more than MAX_IN_FLIGHT unanswered at once (a frozen member's writes
// time out and count as failed), and stop at the duration or when the signal aborts (Ctrl-C). No lock: it changes
// no sandbox state, and drills run meanwhile. The keys have no time to live; `sandbox down` removes them with the rest.
import {randomBytes} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {OperationError, stopSignalOf, UsageError, type StopSignal} from '../../domain/errors.js'
import {openConnection, type Connection} from '../../redis/connect.js'
import {memberTarget} from '../members/redis-server.js'
import type {SandboxContext} from './api.js'
import {resolveMember} from './drill.js'
import {accessKeyOf} from './members.js'
import {readState, readWorld, sandboxPaths, type MemberRecord} from './state.js'

export const LOAD_PREFIX = 'sandbox:load:'
export const LOAD_LIMITS = {rate: {min: 1, max: 10_000}, valueBytes: {min: 1, max: 1_048_576}, duration: {min: 1, max: 3600}}
/** the most a run may write in total (values only) */
const MAX_TOTAL_BYTES = 2 ** 30
const CONNECT_TIMEOUT_MS = 1500
const MAX_IN_FLIGHT = 1000
const TICK_MS = 20
const REPORT_EVERY_MS = 1000
/** how long past the duration writes held back (too many unanswered) may still be sent */
const LATE_MS = 1000
/** after the last write is sent, how long unanswered ones are waited for */
const DRAIN_MS = 3000

interface LoadOptions extends SandboxContext {
  ratePerSecond: number
  valueBytes: number
  durationSeconds: number
  /** one member by cluster, region or id; default: every group member that answers */
  member?: string
}

interface LoadMemberResult {
  name: string
  region: string
  sent: number
  failed: number
  bytes: number
  /** the first write error, if any */
  error?: string
}

export interface LoadResult {
  /** every key written starts with it */
  prefix: string
  rate: number
  valueBytes: number
  durationSeconds: number
  elapsedMs: number
  /** writes sent, answered OK, failed (error or timeout), and value bytes written */
  sent: number
  succeeded: number
  failed: number
  bytes: number
  members: LoadMemberResult[]
  /** members that did not answer when the load started */
  skipped: {name: string; error: string}[]
  /** the signal that ended the load early, else null */
  stoppedBy: StopSignal | null
}

/** Exit 2 on any flag out of bounds, before anything is sent. */
function validateLoad(options: Pick<LoadOptions, 'ratePerSecond' | 'valueBytes' | 'durationSeconds'>): void {
  const checks: [string, number, {min: number; max: number}][] = [
    ['--rate', options.ratePerSecond, LOAD_LIMITS.rate],
    ['--value-bytes', options.valueBytes, LOAD_LIMITS.valueBytes],
    ['--duration', options.durationSeconds, LOAD_LIMITS.duration],
  ]
  for (const [flag, value, {min, max}] of checks) {
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} is ${min} to ${max}, not ${value}`, 'e.g. `geo-redis sandbox load --rate 200 --value-bytes 1024 --duration 60`', 'BadLoad')
  }
  const total = options.ratePerSecond * options.valueBytes * options.durationSeconds
  if (total > MAX_TOTAL_BYTES) {
    throw new UsageError(`this load would write ${Math.round(total / 2 ** 20)} MiB; the most is ${MAX_TOTAL_BYTES / 2 ** 20} MiB`, 'lower --rate, --value-bytes or --duration', 'BadLoad')
  }
}

interface Writer {
  member: MemberRecord
  connection: Connection
  result: LoadMemberResult
}

export async function sandboxLoad(options: LoadOptions): Promise<LoadResult> {
  validateLoad(options)
  const paths = sandboxPaths(options.home)
  const state = readState(paths)
  if (!state || !state.ready || state.kind !== 'group' || !state.redis) {
    throw new UsageError('a write load needs a running group sandbox with its redis-servers', 'start it with `geo-redis sandbox up`', 'SandboxNotRunning')
  }
  const chosen = options.member ? [resolveMember(state.members, options.member)] : state.members.filter((m) => m.role === 'member')
  const world = readWorld(paths.world)
  const caPem = state.plaintext ? undefined : readFileSync(paths.ca, 'utf8')
  const skipped: LoadResult['skipped'] = []
  const writers: Writer[] = []
  await Promise.all(
    chosen.map(async (member) => {
      try {
        const connection = await openConnection(memberTarget(member, accessKeyOf(world, member), caPem), {timeoutMs: CONNECT_TIMEOUT_MS})
        writers.push({member, connection, result: {name: member.cluster, region: member.location, sent: 0, failed: 0, bytes: 0}})
      } catch (error) {
        skipped.push({name: member.cluster, error: (error as Error).message})
      }
    }),
  )
  if (writers.length === 0) {
    throw new OperationError(`no member answered: ${skipped.map((s) => `${s.name}: ${s.error}`).join('; ')}`, 'geo-redis sandbox status')
  }
  writers.sort((a, b) => chosen.indexOf(a.member) - chosen.indexOf(b.member))
  try {
    return {...(await paced(writers, options)), skipped}
  } finally {
    for (const w of writers) w.connection.client.disconnect()
  }
}

/** Sends the writes at the rate until the duration ends or the signal aborts, then waits (bounded) for the replies. */
async function paced(writers: Writer[], options: LoadOptions): Promise<Omit<LoadResult, 'skipped'>> {
  const run = `${LOAD_PREFIX}${Date.now().toString(36)}${randomBytes(3).toString('hex')}:`
  const value = randomBytes(options.valueBytes)
  const totals = {sent: 0, succeeded: 0, failed: 0, bytes: 0}
  const pending = new Set<Promise<void>>()
  const start = Date.now()
  const end = start + options.durationSeconds * 1000
  const planned = options.durationSeconds * options.ratePerSecond
  let reported = start
  // until every planned write is sent (a little past the end when writes were held back), or the signal aborts
  while (!options.signal?.aborted && totals.sent < planned && Date.now() < end + LATE_MS) {
    const due = Math.min(planned, Math.floor(((Date.now() - start) / 1000) * options.ratePerSecond))
    while (totals.sent < due && pending.size < MAX_IN_FLIGHT) {
      const writer = writers[totals.sent % writers.length]
      const write = send(writer, `${run}${totals.sent}`, value, totals)
      pending.add(write)
      void write.finally(() => pending.delete(write))
    }
    if (Date.now() - reported >= REPORT_EVERY_MS) {
      reported = Date.now()
      options.onProgress?.(progressLine(totals, Math.round((reported - start) / 1000), options.durationSeconds))
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS))
  }
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, DRAIN_MS))])
  return {
    prefix: run,
    rate: options.ratePerSecond,
    valueBytes: options.valueBytes,
    durationSeconds: options.durationSeconds,
    elapsedMs: Date.now() - start,
    ...totals,
    members: writers.map((w) => w.result),
    stoppedBy: stopSignalOf(options.signal),
  }
}

function send(writer: Writer, key: string, value: Buffer, totals: {sent: number; succeeded: number; failed: number; bytes: number}): Promise<void> {
  totals.sent += 1
  writer.result.sent += 1
  return writer.connection.client.set(key, value).then(
    () => {
      totals.succeeded += 1
      totals.bytes += value.length
      writer.result.bytes += value.length
    },
    (error: unknown) => {
      totals.failed += 1
      writer.result.failed += 1
      writer.result.error ??= (error as Error).message
    },
  )
}

function progressLine(totals: {sent: number; failed: number; bytes: number}, elapsedS: number, durationS: number): string {
  return `load: ${totals.sent} writes sent, ${totals.failed} failed, ${(totals.bytes / 1024).toFixed(1)} KiB written (${elapsedS}/${durationS} s)`
}
