// Long-lived connections for the sandbox replicator (its own use of redis/connect.ts, which opens them): one for commands (DUMP/PTTL reads, RESTORE/DEL writes,
// SCAN for a resync) and one subscribed to keyspace notifications. Both are opened by openConnection (bounded,
// verified TLS, AUTH), so the replicator never dials on its own; when either closes, the link is over and the
// caller opens a new one. Keys are Buffers throughout: Redis keys are binary.
import {openConnection, type Connection, type RedisTarget} from '../../redis/connect.js'

type RedisClient = Connection['client']

/** A key's value as DUMP serialises it and its remaining time to live; `payload` null: the key does not exist. */
export interface KeyState {
  payload: Buffer | null
  /** milliseconds to live; -1 without expiry */
  pttl: number
}

export interface ReplicationLink {
  read(key: Buffer): Promise<KeyState>
  /** RESTORE … REPLACE with the time to live, or DEL; true when the server changed (so it will notify) */
  write(key: Buffer, state: KeyState): Promise<boolean>
  /** every key of database 0 (a sandbox holds few) */
  keys(): Promise<Buffer[]>
  ping(): Promise<void>
  /** the link closed (server gone, network, or close()); called once */
  onClose(handler: (reason: string) => void): void
  close(): void
}

export interface ReplicationLinkOptions {
  timeoutMs: number
  /** a key changed on this server: its key and the event ("set", "del", "expired", "restore" …) */
  onKeyEvent: (key: Buffer, event: string) => void
}

const DB = 0
const CHANNEL_PREFIX = Buffer.from(`__keyspace@${DB}__:`)

export async function openReplicationLink(target: RedisTarget, options: ReplicationLinkOptions): Promise<ReplicationLink> {
  const commands = (await openConnection(target, {timeoutMs: options.timeoutMs})).client
  let subscriber: RedisClient | undefined
  try {
    // K: keyspace channel (the key in the channel name, the event as message); A: every event class
    await commands.config('SET', 'notify-keyspace-events', 'KA')
    subscriber = (await openConnection(target, {timeoutMs: options.timeoutMs})).client
    subscriber.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
      if (channel.subarray(0, CHANNEL_PREFIX.length).equals(CHANNEL_PREFIX)) {
        options.onKeyEvent(channel.subarray(CHANNEL_PREFIX.length), message.toString('latin1'))
      }
    })
    await subscriber.psubscribe(`__keyspace@${DB}__:*`)
  } catch (error) {
    commands.disconnect()
    subscriber?.disconnect()
    throw error
  }
  return new Link(commands, subscriber)
}

class Link implements ReplicationLink {
  private closed = false
  private readonly closeHandlers: ((reason: string) => void)[] = []

  constructor(
    private readonly commands: RedisClient,
    private readonly subscriber: RedisClient,
  ) {
    commands.once('end', () => this.end('command connection closed'))
    subscriber.once('end', () => this.end('subscriber connection closed'))
  }

  async read(key: Buffer): Promise<KeyState> {
    const replies = (await this.commands.multi().dumpBuffer(key).pttl(key).exec()) ?? []
    const [dump, ttl] = replies
    if (dump?.[0]) throw dump[0]
    if (ttl?.[0]) throw ttl[0]
    const payload = (dump?.[1] as Buffer | null) ?? null
    const pttl = Number(ttl?.[1] ?? -2)
    return payload === null || pttl === -2 ? {payload: null, pttl: -1} : {payload, pttl}
  }

  async write(key: Buffer, state: KeyState): Promise<boolean> {
    if (state.payload === null) return (await this.commands.del(key)) > 0
    await this.commands.restore(key, state.pttl > 0 ? state.pttl : 0, state.payload, 'REPLACE')
    return true
  }

  async keys(): Promise<Buffer[]> {
    const found: Buffer[] = []
    let cursor = '0'
    do {
      const [next, batch] = await this.commands.scanBuffer(cursor, 'COUNT', 500)
      cursor = String(next)
      found.push(...batch)
    } while (cursor !== '0')
    return found
  }

  async ping(): Promise<void> {
    await this.commands.ping()
  }

  onClose(handler: (reason: string) => void): void {
    this.closeHandlers.push(handler)
  }

  close(): void {
    this.end('closed')
  }

  private end(reason: string): void {
    if (this.closed) return
    this.closed = true
    this.commands.disconnect()
    this.subscriber.disconnect()
    for (const handler of this.closeHandlers) handler(reason)
  }
}
