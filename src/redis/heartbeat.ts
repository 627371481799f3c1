// serve's side of each member: connections kept between rounds (dialled again after any failure, each step within the
// timeout); each round, in one round trip per connection, a PING timed, the member's own heartbeat written, its peers'
// read back, and INFO memory when asked. Heartbeat keys: <prefix><writer>, value "<writer> <stamp>", a short time to
// live, so a serve that stops leaves nothing behind for long. On an OSS-cluster database (CLUSTER SLOTS answers) there
// is one connection and one heartbeat per shard, <prefix>{<tag>}:<writer>, the tag chosen to land in a slot of that
// shard, and a peer's heartbeat counts as seen once every shard holds it. See docs/serve.md.
import {lookup} from 'node:dns/promises'
import {isIP} from 'node:net'
import {keySlot, tagForSlot} from '../domain/serve/slots.js'
import type {Heartbeats, MemberSession, RedisTarget, RoundRequest, RoundResult} from '../services/ports.js'
import {classifyError} from './classify.js'
import {Deadline, elapsedMs, openConnection, type Connection} from './connect.js'
import {parseInfo} from './probe.js'

/** A heartbeat outlives this many missed writes, then expires: long enough for a slow link, short enough to clean up. */
const TTL_MS = 60_000

type Client = Connection['client']

/** One command's reply, as a pipeline gives it: [error, null] or [null, value]. */
type Reply = [Error | null, unknown]

const settled = (reply: Promise<unknown>): Promise<Reply> =>
  reply.then(
    (value): Reply => [null, value],
    (error: Error): Reply => [error, null],
  )

/** One shard's primary (or the whole database when it is not an OSS cluster). */
interface Shard {
  target: RedisTarget
  /** the slots it owns, [first, last] */
  ranges: [number, number][]
  /** '' when not a cluster */
  tag: string
  connection: Promise<Connection> | null
}

/** "<writer> <stamp>" → the stamp, when the value is this writer's. */
function stampOf(value: unknown, writer: string): number | null {
  // split(' ') by hand: this runs for every peer of every member 4 times a second
  if (typeof value !== 'string' || !value.startsWith(writer) || value.charCodeAt(writer.length) !== 32) return null
  const end = value.indexOf(' ', writer.length + 1)
  const n = Number(value.slice(writer.length + 1, end < 0 ? undefined : end))
  return Number.isFinite(n) ? n : null
}

/** The shards of CLUSTER SLOTS' reply, by primary: [first, last, [ip, port, …], …replicas]. */
function shardsOf(reply: unknown, main: RedisTarget): Shard[] {
  const byNode = new Map<string, Shard>()
  for (const entry of Array.isArray(reply) ? reply : []) {
    const [first, last, primary] = entry as [number, number, [string, number]]
    const host = primary[0] && primary[0] !== '?' ? primary[0] : main.host
    const key = `${host}:${primary[1]}`
    const shard = byNode.get(key) ?? {
      // the certificate names the database's host, whatever address a shard announces
      target: {...main, id: `${main.id}#${key}`, host, port: primary[1], servername: main.servername ?? (isIP(main.host) ? undefined : main.host)},
      ranges: [],
      tag: '',
      connection: null,
    }
    shard.ranges.push([first, last])
    byNode.set(key, shard)
  }

  return [...byNode.values()].map((s) => ({...s, tag: tagForSlot(Math.min(...s.ranges.map((r) => r[0])))}))
}

class RedisMemberSession implements MemberSession {
  /** null: not known yet (no connection yet) */
  private shards: Shard[] | null = null
  /** the shards' tags, as tags() hands them out every round */
  private shardTags: string[] = []

  constructor(
    private readonly target: RedisTarget,
    private readonly timeoutMs: number,
    private readonly keyPrefix: string,
    private readonly hosts: ReadonlyMap<string, string> | undefined,
  ) {}

  tags(): string[] {
    return this.shardTags
  }

  /** Every command on it is raced against a Deadline, and a round that fails closes it. */
  private dial(target: RedisTarget): Promise<Connection> {
    return openConnection(target, {timeoutMs: this.timeoutMs, hosts: this.hosts, raced: true})
  }

  async round(request: RoundRequest): Promise<RoundResult> {
    const result: RoundResult = {answered: false, pingMs: null, error: null, read: false, seen: new Map(), memory: null}
    try {
      if (!this.shards) {
        this.shards = await this.discover()
        this.shardTags = this.shards.map((s) => s.tag).filter(Boolean)
      }
      const sent = process.hrtime.bigint()
      const replies = await Promise.all(this.shards.map((shard) => this.exchange(shard, request)))
      result.answered = true
      result.pingMs = elapsedMs(sent)
      this.collect(replies, request, result)
    } catch (error) {
      result.error = `${classifyError(error).kind}: ${classifyError(error).message}`
      // a half-broken connection is never reused, and a cluster may have moved slots: the next round starts afresh
      this.close()
    }

    return result
  }

  /** The whole database as one shard, or its OSS-cluster shards (CLUSTER SLOTS refused: not a cluster). */
  private async discover(): Promise<Shard[]> {
    const main: Shard = {target: this.target, ranges: [], tag: '', connection: this.dial(this.target)}
    const {client} = await main.connection!
    let reply: unknown
    try {
      reply = await new Deadline(this.timeoutMs).race(client.call('CLUSTER', 'SLOTS'), `CLUSTER SLOTS ${this.target.host}:${this.target.port}`)
    } catch (error) {
      if (classifyError(error).kind !== 'timeout') return [main]
      client.disconnect()
      throw error
    }

    const shards = shardsOf(reply, this.target)
    if (shards.length === 0) return [main]
    for (const shard of shards) {
      const same = shard.target.port === this.target.port && shard.target.host === this.target.host
      shard.connection = same ? main.connection : this.dial(shard.target)
    }
    if (!shards.some((s) => s.connection === main.connection)) void main.connection!.then((c) => c.client.disconnect())
    return shards
  }

  private keyOf(tag: string, writer: string): string {
    return tag ? `${this.keyPrefix}{${tag}}:${writer}` : this.keyPrefix + writer
  }

  /** The peers' heartbeat keys this shard holds: every key when not a cluster, else the ones in its slots. */
  private peerKeys(shard: Shard, request: RoundRequest): {writer: string; key: string}[] {
    // a peer's tags are its own shards' (none when it is not a cluster, or not known yet)
    const keys = request.peers.flatMap((p) => (p.tags.length ? p.tags : ['']).map((tag) => ({writer: p.writer, key: this.keyOf(tag, p.writer)})))
    if (!shard.tag) return keys
    return keys.filter(({key}) => shard.ranges.some(([first, last]) => keySlot(key) >= first && keySlot(key) <= last))
  }

  /**
   * PING, this shard's heartbeat, the peers' it holds, INFO memory: one round trip, the commands sent in one write.
   * Not an ioredis pipeline: its bookkeeping kept each round's commands alive long enough to reach V8's old space,
   * which grew serve's memory by about a megabyte a second between full collections (bench/RESULTS.md).
   */
  private async exchange(shard: Shard, request: RoundRequest): Promise<{shard: Shard; keys: {writer: string; key: string}[]; replies: Reply[]}> {
    shard.connection ??= this.dial(shard.target)
    const client: Client = (await shard.connection).client
    const {heartbeat} = request
    const keys = this.peerKeys(shard, request)
    // corked: the commands, written one by one, leave in one segment
    client.stream.cork()
    const sent: Promise<unknown>[] = [client.ping()]
    if (heartbeat) sent.push(client.set(this.keyOf(shard.tag, heartbeat.writer), `${heartbeat.writer} ${heartbeat.stamp}`, 'PX', TTL_MS))
    // one GET each: keys of different tags are in different slots, which one MGET may not span on a cluster
    for (const {key} of keys) sent.push(client.get(key))
    if (request.memory) sent.push(client.info('memory'))
    client.stream.uncork()
    const replies = await new Deadline(this.timeoutMs).race(Promise.all(sent.map(settled)), `PING ${shard.target.host}:${shard.target.port}`)
    if (replies[0][0]) throw replies[0][0]
    return {shard, keys, replies}
  }

  /** Every shard's replies into one result: a writer is seen at the oldest stamp any of its shard keys holds. */
  private collect(all: Awaited<ReturnType<RedisMemberSession['exchange']>>[], request: RoundRequest, result: RoundResult): void {
    const stamps = new Map<string, number[]>()
    let used = 0
    let max: number | null = 0
    for (const {keys, replies} of all) {
      let i = 1
      if (request.heartbeat && replies[i++]?.[0]) result.error = `heartbeat not written: ${replies[1][0]!.message}`
      for (const {writer} of keys) {
        const [error, value] = replies[i++] ?? [null, null]
        const stamp = error ? null : stampOf(value, writer)
        const list = stamps.get(writer)
        if (list) list.push(stamp ?? Number.NaN)
        else stamps.set(writer, [stamp ?? Number.NaN])
      }

      const info = request.memory ? replies[i] : undefined
      const memory = info && !info[0] && typeof info[1] === 'string' ? parseInfo(info[1]).memory : null
      used += memory?.usedBytes ?? Number.NaN
      max = max === null || !memory?.maxBytes ? null : max + memory.maxBytes
    }

    result.read = true
    const expected = (writer: string) => Math.max(1, request.peers.find((p) => p.writer === writer)?.tags.length ?? 1)
    for (const [writer, list] of stamps) {
      if (list.length >= expected(writer) && list.every(Number.isFinite)) result.seen.set(writer, Math.min(...list))
    }
    if (request.memory && Number.isFinite(used)) result.memory = {usedBytes: used, maxBytes: max}
  }

  close(): void {
    const connections = new Set((this.shards ?? []).map((s) => s.connection))
    this.shards = null
    this.shardTags = []
    for (const connection of connections) {
      connection?.then(
        (c) => c.client.disconnect(),
        () => {},
      )
    }
  }
}

export class RedisHeartbeats implements Heartbeats {
  /** `hosts`: the profile's host name → address map, dialled and reported instead of DNS (none: DNS for every name) */
  constructor(private readonly hosts?: ReadonlyMap<string, string>) {}

  open(target: RedisTarget, options: {timeoutMs: number; keyPrefix: string}): MemberSession {
    return new RedisMemberSession(target, options.timeoutMs, options.keyPrefix, this.hosts)
  }

  async addresses(host: string, timeoutMs: number): Promise<string[]> {
    const address = this.hosts?.get(host.toLowerCase())
    if (address !== undefined) return [address]
    try {
      const found = await new Deadline(timeoutMs).race(lookup(host, {all: true}), `DNS lookup of ${host}`)
      return [...new Set(found.map((a) => a.address))]
    } catch {
      return []
    }
  }
}
