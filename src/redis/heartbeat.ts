// serve's side of each member: one connection kept between rounds (dialled again after any failure, each step within
// the timeout), a PING timed, the member's own heartbeat written and its peers' read back in one round trip, and INFO
// memory when asked. Heartbeat keys: <prefix><writer>, value "<writer> <stamp>", a short time to live, so a serve
// that stops leaves nothing behind for long. See docs/serve.md.
import {lookup} from 'node:dns/promises'
import type {Heartbeats, MemberSession, RedisTarget, RoundRequest, RoundResult} from '../services/ports.js'
import {classifyError} from './classify.js'
import {Deadline, elapsedMs, openConnection, type Connection} from './connect.js'
import {parseInfo} from './probe.js'

/** A heartbeat outlives this many missed writes, then expires: long enough for a slow link, short enough to clean up. */
const TTL_MS = 60_000

/** "<writer> <stamp>" → the stamp, when the value is this writer's. */
function stampOf(value: string | null, writer: string): number | null {
  if (!value) return null
  const [who, stamp] = value.split(' ')
  const n = Number(stamp)
  return who === writer && Number.isFinite(n) ? n : null
}

class RedisMemberSession implements MemberSession {
  private connection: Promise<Connection> | null = null

  constructor(
    private readonly target: RedisTarget,
    private readonly timeoutMs: number,
    private readonly keyPrefix: string,
  ) {}

  async round(request: RoundRequest): Promise<RoundResult> {
    const result: RoundResult = {answered: false, pingMs: null, error: null, read: false, seen: new Map(), memory: null}
    try {
      this.connection ??= openConnection(this.target, {timeoutMs: this.timeoutMs})
      const {client} = await this.connection
      await this.exchange(client, request, result)
    } catch (error) {
      result.error = `${classifyError(error).kind}: ${classifyError(error).message}`
      // a half-broken connection is never reused: the next round dials again
      this.close()
    }

    return result
  }

  /** PING, the heartbeat, the peers' heartbeats and INFO memory in one round trip: its time is the PING's. */
  private async exchange(client: Connection['client'], request: RoundRequest, result: RoundResult): Promise<void> {
    const pipeline = client.pipeline().ping()
    const {heartbeat} = request
    if (heartbeat) pipeline.set(this.keyPrefix + heartbeat.writer, `${heartbeat.writer} ${heartbeat.stamp}`, 'PX', TTL_MS)
    if (request.peers.length > 0) pipeline.mget(...request.peers.map((p) => this.keyPrefix + p))
    if (request.memory) pipeline.info('memory')
    const sent = process.hrtime.bigint()
    const replies = (await new Deadline(this.timeoutMs).race(pipeline.exec(), `PING ${this.target.host}:${this.target.port}`)) ?? []
    if (replies[0]?.[0]) throw replies[0][0]
    result.answered = true
    result.pingMs = elapsedMs(sent)
    let i = 1
    if (heartbeat && replies[i++]?.[0]) result.error = `heartbeat not written: ${replies[1]![0]!.message}`
    if (request.peers.length > 0) {
      const [error, values] = replies[i++] ?? [null, null]
      if (!error && Array.isArray(values)) {
        result.read = true
        request.peers.forEach((peer, p) => {
          const stamp = stampOf(values[p] as string | null, peer)
          if (stamp !== null) result.seen.set(peer, stamp)
        })
      }
    }

    const [infoError, info] = request.memory ? (replies[i] ?? [null, null]) : [null, null]
    if (request.memory && !infoError && typeof info === 'string') {
      const {memory} = parseInfo(info)
      if (memory.usedBytes !== null) result.memory = {usedBytes: memory.usedBytes, maxBytes: memory.maxBytes}
    }
  }

  close(): void {
    const connection = this.connection
    this.connection = null
    connection?.then(
      (c) => c.client.disconnect(),
      () => {},
    )
  }
}

export class RedisHeartbeats implements Heartbeats {
  open(target: RedisTarget, options: {timeoutMs: number; keyPrefix: string}): MemberSession {
    return new RedisMemberSession(target, options.timeoutMs, options.keyPrefix)
  }

  async addresses(host: string, timeoutMs: number): Promise<string[]> {
    try {
      const found = await new Deadline(timeoutMs).race(lookup(host, {all: true}), `DNS lookup of ${host}`)
      return [...new Set(found.map((a) => a.address))]
    } catch {
      return []
    }
  }
}
