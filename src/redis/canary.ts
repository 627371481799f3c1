// Does a write on one member show up on the others, and how soon? Each member gets its own short-lived key,
// every other member is polled for it. Keys are distinct per writer, so active-active conflict resolution never
// comes into play.
import {randomBytes, randomUUID} from 'node:crypto'
import {setTimeout as sleep} from 'node:timers/promises'
import type {CanaryPair} from '../domain/probe.js'
import type {RedisTarget} from '../services/ports.js'
import {classifyError} from './classify.js'
import {Deadline, elapsedMs, openConnection, TimeoutError, type Connection, type ConnectOptions} from './connect.js'

export const CANARY_PREFIX = 'geo-redis:canary:'
// long enough to outlive the run, short enough that a key left behind by a failed cleanup goes away on its own
const CANARY_TTL_MS = 60_000
// cleanup is best effort and must not hold the command up
const CLEANUP_BUDGET_MS = 1000

export interface CanaryOptions extends Pick<ConnectOptions, 'hosts'> {
  /** budget for connecting, for each write, and for each pair to see the write */
  timeoutMs?: number
  /** pause between reads of one pair */
  pollMs?: number
  /** ids of the targets that write a canary (default: every one); the others are only read */
  writers?: string[]
}

/** A canary write: acknowledged (the clock for lag starts here) or failed. */
type Written = {key: string; value: string; ackedAt: bigint} | {failure: string}

function describe(error: unknown): string {
  const {kind, message} = classifyError(error)
  return `${kind}: ${message}`
}

async function write(connection: Connection, key: string, timeoutMs: number): Promise<Written> {
  const value = randomUUID()
  try {
    await new Deadline(timeoutMs).race(connection.client.set(key, value, 'PX', CANARY_TTL_MS), `SET ${key}`)
    return {key, value, ackedAt: process.hrtime.bigint()}
  } catch (error) {
    return {failure: `write failed (${describe(error)})`}
  }
}

type Outcome = Pick<CanaryPair, 'replicated' | 'lagMs' | 'reason'>

const notReplicated = (reason: string): Outcome => ({replicated: false, lagMs: null, reason})

/** Polls `reader` until it returns the written value; the budget runs from the write's acknowledgement. */
async function awaitReplica(
  reader: Connection,
  written: Extract<Written, {ackedAt: bigint}>,
  options: Required<Omit<CanaryOptions, 'writers' | 'hosts'>>,
): Promise<Outcome> {
  const deadline = new Deadline(Math.max(0, options.timeoutMs - elapsedMs(written.ackedAt)))
  const notSeen = notReplicated(`not seen within ${options.timeoutMs} ms`)
  let answered = false
  try {
    while (deadline.remaining() > 0) {
      const seen = await deadline.race(reader.client.get(written.key), `GET ${written.key}`)
      if (seen === written.value) return {replicated: true, lagMs: elapsedMs(written.ackedAt), reason: null}
      answered = true
      await sleep(Math.min(options.pollMs, deadline.remaining()))
    }
    return notSeen
  } catch (error) {
    // the budget ran out during a read: a reader that has been answering simply did not have the value yet
    return answered && error instanceof TimeoutError ? notSeen : notReplicated(`read failed (${describe(error)})`)
  }
}

async function cleanUp(connections: Connection[], keys: string[]): Promise<void> {
  const deadline = new Deadline(CLEANUP_BUDGET_MS)
  await Promise.all(
    connections.map((connection) =>
      // one DEL per key: keys of one run may sit in different slots
      deadline.race(Promise.all(keys.map((key) => connection.client.del(key))), 'canary cleanup').catch(() => {}),
    ),
  )
}

/** N×(N−1) ordered pairs, in target order; never throws. */
export async function runCanary(targets: RedisTarget[], options: CanaryOptions = {}): Promise<{pairs: CanaryPair[]}> {
  const settings: Required<Omit<CanaryOptions, 'writers' | 'hosts'>> = {timeoutMs: options.timeoutMs ?? 2000, pollMs: options.pollMs ?? 5}
  const writes = (target: RedisTarget) => !options.writers || options.writers.includes(target.id)
  const run = randomBytes(6).toString('hex')
  const keys = targets.map((_, i) => `${CANARY_PREFIX}${run}:${i}`)

  const opened = await Promise.allSettled(targets.map((target) => openConnection(target, {timeoutMs: settings.timeoutMs, hosts: options.hosts})))
  const members = opened.map((o, i): {connection: Connection} | {failure: string} =>
    o.status === 'fulfilled' ? {connection: o.value} : {failure: `${targets[i].id} unreachable (${describe(o.reason)})`},
  )
  const connections = members.flatMap((m) => ('connection' in m ? [m.connection] : []))
  try {
    const fromEach = await Promise.all(
      targets.map(async (from, i) => {
        // a replica (read-only) is never written to: its pairs are the primary's
        if (!writes(from)) return []
        const writer = members[i]
        // this writer's readers start polling as soon as its own write is acknowledged, whatever the others do
        const written = 'connection' in writer ? await write(writer.connection, keys[i], settings.timeoutMs) : writer
        const readers = targets.flatMap((to, j) => (i === j ? [] : [{to, reader: members[j]}]))
        return Promise.all(
          readers.map(async ({to, reader}): Promise<CanaryPair> => {
            const outcome =
              'failure' in written
                ? notReplicated(written.failure)
                : 'failure' in reader
                  ? notReplicated(reader.failure)
                  : await awaitReplica(reader.connection, written, settings)
            return {from: from.id, to: to.id, ...outcome}
          }),
        )
      }),
    )
    return {pairs: fromEach.flat()}
  } finally {
    await cleanUp(connections, keys)
    for (const connection of connections) connection.client.disconnect()
  }
}
