// A simulation of active-active geo-replication between the sandbox's redis-servers, for drills. NOT CRDT
// semantics: whole values are copied (DUMP → RESTORE REPLACE, time to live kept), deletes and expiries become
// DEL, and when two members write one key within the lag the later write (by the time the replicator saw it)
// wins. See docs/sandbox.md.
//
// Loop prevention: every write the replicator applies produces exactly one keyspace event on the target
// ("restore" for RESTORE, "del" for a DEL that removed something). Before writing, the replicator queues the
// event it expects for that member and key; an arriving event that matches the head of the queue is its own
// echo and is consumed, anything else is a client's write and is replicated.
//
// Topology: two members exchange writes only while each lists the other as Linked (ARM's configured view, re-read
// from the emulator's world). A force-unlinked member is listed by nobody and keeps its writes to itself; when it
// is linked again (force-link), or when a member comes back after an outage, it is resynced from a linked peer:
// every key copied over, keys the peer does not hold deleted.
import {idKey} from '../../domain/ids.js'
import type {World} from '../emulator/world.js'
import {lagBetween} from './drills.js'
import type {KeyState, ReplicationLink} from './link.js'

export interface ReplicatorOptions {
  /** ids of the members to connect to */
  members: string[]
  connect: (memberId: string, onKeyEvent: (key: Buffer, event: string) => void) => Promise<ReplicationLink>
  /** delay between a write on one member and its copy on the others (setLagOverrides changes it per member) */
  lagMs: number
  reconnectMs?: number
  heartbeatMs?: number
  /** expected echoes and write times older than this are forgotten */
  memoryMs?: number
  log?: (line: string) => void
  /** a short name for logs (e.g. the cluster name) */
  label?: (memberId: string) => string
  now?: () => number
}

export interface ReplicatorStats {
  /** client writes seen and sent to peers */
  replicated: number
  /** copies applied on peers */
  applied: number
  /** own writes recognised and not sent back */
  echoes: number
  /** copies dropped because the target held a newer write (last writer wins) */
  superseded: number
  resyncs: number
}

/** The last resync of a member: from which peer and how many keys, or why there was none. */
export interface ResyncRecord {
  at: number
  /** the peer it was copied from; null when no linked peer was connected */
  from: string | null
  keys: number
  ok: boolean
  error?: string
}

/** <state dir>/replicator-status.json: written by the replicator process whenever a member's link changes, and every second. */
export interface ReplicatorView {
  pid: number
  at: string
  /** by idKey of the member */
  members: Record<string, MemberView>
  stats: ReplicatorStats
}

/** A member as the replicator sees it; `isolated` and `lagMs` (its own delay, null: the group's) echo the drills it follows. */
export interface MemberView {
  connected: boolean
  peers: string[]
  lastResync: (Omit<ResyncRecord, 'at'> & {at: string}) | null
  isolated?: boolean
  lagMs?: number | null
}

interface Expected {
  events: {name: string; at: number}[]
}

interface Slot {
  link: ReplicationLink | null
  generation: number
  everConnected: boolean
  connecting: boolean
  pinging: boolean
}

/** Members that list each other as Linked, keyed and valued by idKey; absent or empty: isolated. */
export function mutualPeers(world: Pick<World, 'databases'>): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>()
  for (const db of world.databases) {
    const links = db.properties.geoReplication?.linkedDatabases
    if (!links) continue
    lists.set(idKey(db.id), new Set(links.filter((l) => l.state === 'Linked').map((l) => idKey(l.id))))
  }
  const peers = new Map<string, Set<string>>()
  for (const [id, listed] of lists) {
    const mutual = new Set<string>()
    for (const other of listed) if (other !== id && lists.get(other)?.has(id)) mutual.add(other)
    peers.set(id, mutual)
  }
  return peers
}

/** ids of the databases that belong to a geo-replication group */
export function groupMembers(world: Pick<World, 'databases'>): string[] {
  return world.databases.filter((d) => d.properties.geoReplication).map((d) => idKey(d.id))
}

export class Replicator {
  readonly stats: ReplicatorStats = {replicated: 0, applied: 0, echoes: 0, superseded: 0, resyncs: 0}
  private readonly slots = new Map<string, Slot>()
  private peers = new Map<string, Set<string>>()
  private readonly expected = new Map<string, Map<string, Expected>>()
  /** member → key → time of the newest write it holds (its own or applied) */
  private readonly versions = new Map<string, Map<string, number>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly resyncs = new Map<string, ResyncRecord>()
  private lagOverrides = new Map<string, number>()
  private heartbeat?: NodeJS.Timeout
  private stopped = false
  private readonly now: () => number
  private readonly log: (line: string) => void
  private readonly name: (id: string) => string

  constructor(private readonly options: ReplicatorOptions) {
    this.now = options.now ?? Date.now
    this.log = options.log ?? (() => {})
    this.name = options.label ?? ((id) => id)
    for (const id of options.members) {
      const key = idKey(id)
      this.slots.set(key, {link: null, generation: 0, everConnected: false, connecting: false, pinging: false})
      this.expected.set(key, new Map())
      this.versions.set(key, new Map())
    }
  }

  /** Connects every member (retrying in the background); resolves at once. */
  start(): void {
    for (const id of this.slots.keys()) void this.connect(id)
    this.heartbeat = setInterval(() => {
      this.beat()
      this.forget()
    }, this.options.heartbeatMs ?? 1000)
  }

  /** every member connected at least once */
  get ready(): boolean {
    return [...this.slots.values()].every((s) => s.link !== null)
  }

  connected(id: string): boolean {
    return this.slots.get(idKey(id))?.link != null
  }

  /** The group as configured now; a member that goes from isolated to linked is resynced from a peer. */
  setTopology(peers: Map<string, Set<string>>, initial = false): void {
    const before = this.peers
    this.peers = peers
    if (initial) return
    for (const id of this.slots.keys()) {
      const was = before.get(id)?.size ?? 0
      const now = peers.get(id)?.size ?? 0
      if (was === 0 && now > 0) {
        this.log(`${this.name(id)} joined the group: resync`)
        void this.resync(id)
      } else if (was > 0 && now === 0) {
        this.log(`${this.name(id)} left the group: its writes stay local`)
      }
    }
  }

  peersOf(id: string): Set<string> {
    return this.peers.get(idKey(id)) ?? new Set()
  }

  /** The member's last resync (after it came back or was linked again), if any. */
  lastResync(id: string): ResyncRecord | undefined {
    return this.resyncs.get(idKey(id))
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.heartbeat) clearInterval(this.heartbeat)
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    for (const slot of this.slots.values()) slot.link?.close()
  }

  private async connect(id: string): Promise<void> {
    const slot = this.slots.get(id)!
    if (this.stopped || slot.link || slot.connecting) return
    slot.connecting = true
    const generation = ++slot.generation
    let link: ReplicationLink
    try {
      link = await this.options.connect(id, (key, event) => {
        if (slot.generation === generation && slot.link) void this.onEvent(id, slot.link, key, event)
      })
    } catch (error) {
      slot.connecting = false
      this.later(() => void this.connect(id), this.options.reconnectMs ?? 500)
      if (slot.everConnected) return
      this.log(`${this.name(id)}: cannot connect yet: ${(error as Error).message}`)
      return
    }
    slot.connecting = false
    if (this.stopped) {
      link.close()
      return
    }
    const returning = slot.everConnected
    slot.link = link
    slot.everConnected = true
    this.log(`${this.name(id)}: connected${returning ? ' again' : ''}`)
    link.onClose((reason) => {
      if (slot.link !== link) return
      slot.link = null
      // its pending echoes will never come: a restarted server has no memory of them
      this.expected.get(id)!.clear()
      if (this.stopped) return
      this.log(`${this.name(id)}: link lost (${reason}); reconnecting`)
      this.later(() => void this.connect(id), this.options.reconnectMs ?? 500)
    })
    if (returning) await this.resync(id)
  }

  private async onEvent(id: string, link: ReplicationLink, key: Buffer, event: string): Promise<void> {
    const name = key.toString('latin1')
    if (this.consumeEcho(id, name, event)) {
      this.stats.echoes += 1
      return
    }
    let state: KeyState
    try {
      state = await link.read(key)
    } catch {
      return // the link is failing; the heartbeat closes and reopens it
    }
    const at = this.now()
    this.versions.get(id)!.set(name, at)
    if (this.peersOf(id).size === 0) return
    this.stats.replicated += 1
    for (const peer of this.slots.keys()) {
      if (peer === id) continue
      // the peers at delivery: a member unlinked (or isolated) during the lag no longer receives (apply never rejects)
      this.later(() => {
        if (this.peersOf(id).has(peer)) void this.apply(peer, key, state, at)
      }, this.lagBetween(id, peer))
    }
  }

  /** Delays per member (`sandbox lag`), idKey → ms; the others keep the group's lagMs. */
  setLagOverrides(overrides: Map<string, number>): void {
    this.lagOverrides = overrides
  }

  /** The member's own delay, if `sandbox lag` gave it one. */
  lagOverrideOf(id: string): number | undefined {
    return this.lagOverrides.get(idKey(id))
  }

  private lagBetween(from: string, to: string): number {
    return lagBetween(this.lagOverrides, this.options.lagMs, from, to)
  }

  private consumeEcho(id: string, name: string, event: string): boolean {
    const queue = this.expected.get(id)!.get(name)
    if (!queue || queue.events[0]?.name !== event) return false
    queue.events.shift()
    if (queue.events.length === 0) this.expected.get(id)!.delete(name)
    return true
  }

  private expect(id: string, name: string, event: string): void {
    const map = this.expected.get(id)!
    const queue = map.get(name) ?? {events: []}
    queue.events.push({name: event, at: this.now()})
    map.set(name, queue)
  }

  private unexpect(id: string, name: string, event: string): void {
    const queue = this.expected.get(id)!.get(name)
    if (!queue) return
    for (let i = queue.events.length - 1; i >= 0; i--) {
      if (queue.events[i].name === event) {
        queue.events.splice(i, 1)
        break
      }
    }
    if (queue.events.length === 0) this.expected.get(id)!.delete(name)
  }

  /** Writes `state` (as it was at `at`) to `target` unless it holds a newer write. Issued synchronously, so
   * copies reach one target in the order they were made. */
  private apply(target: string, key: Buffer, state: KeyState, at: number, resync = false): Promise<void> {
    const link = this.slots.get(target)?.link
    if (!link) return Promise.resolve()
    const name = key.toString('latin1')
    const held = this.versions.get(target)!.get(name)
    if (!resync && held !== undefined && held > at) {
      this.stats.superseded += 1
      return Promise.resolve()
    }
    let copy = state
    if (state.payload !== null && state.pttl > 0) {
      const left = state.pttl - (this.now() - at)
      copy = left > 0 ? {payload: state.payload, pttl: left} : {payload: null, pttl: -1}
    }
    const event = copy.payload === null ? 'del' : 'restore'
    this.versions.get(target)!.set(name, at)
    // the event can arrive (on the subscriber connection) before the reply: expect it before writing
    this.expect(target, name, event)
    return link.write(key, copy).then(
      (changed) => {
        if (changed) this.stats.applied += 1
        else this.unexpect(target, name, event)
      },
      (error: unknown) => {
        this.unexpect(target, name, event)
        this.log(`${this.name(target)}: write failed: ${(error as Error).message}`)
      },
    )
  }

  /** Makes `id` hold what a linked, connected peer holds. */
  private async resync(id: string): Promise<void> {
    const target = this.slots.get(id)?.link
    const source = [...this.peersOf(id)].map((p) => ({p, link: this.slots.get(p)?.link})).find((s) => s.link)
    const at = this.now()
    if (!target || !source?.link) {
      this.log(`${this.name(id)}: no connected peer to resync from`)
      this.resyncs.set(id, {at, from: null, keys: 0, ok: false, error: 'no linked peer was connected'})
      return
    }
    try {
      const theirs = await source.link.keys()
      const seen = new Set<string>()
      const writes: Promise<void>[] = []
      for (const key of theirs) {
        seen.add(key.toString('latin1'))
        const state = await source.link.read(key)
        writes.push(this.apply(id, key, state, at, true))
      }
      for (const key of await target.keys()) {
        if (!seen.has(key.toString('latin1'))) writes.push(this.apply(id, key, {payload: null, pttl: -1}, at, true))
      }
      await Promise.all(writes)
      this.stats.resyncs += 1
      this.resyncs.set(id, {at, from: source.p, keys: theirs.length, ok: true})
      this.log(`${this.name(id)}: resynced ${theirs.length} keys from ${this.name(source.p)}`)
    } catch (error) {
      this.resyncs.set(id, {at, from: source.p, keys: 0, ok: false, error: (error as Error).message})
      this.log(`${this.name(id)}: resync from ${this.name(source.p)} failed: ${(error as Error).message}`)
    }
  }

  private beat(): void {
    for (const [id, slot] of this.slots) {
      const link = slot.link
      if (!link || slot.pinging) continue
      slot.pinging = true
      link.ping().then(
        () => {
          slot.pinging = false
        },
        (error: unknown) => {
          slot.pinging = false
          this.log(`${this.name(id)}: no answer to PING (${(error as Error).message})`)
          link.close()
        },
      )
    }
  }

  private forget(): void {
    const longest = Math.max(this.options.lagMs * 20, ...[...this.lagOverrides.values()].map((ms) => ms * 2))
    const horizon = this.now() - (this.options.memoryMs ?? Math.max(30_000, longest))
    for (const map of this.versions.values()) for (const [k, at] of map) if (at < horizon) map.delete(k)
    for (const map of this.expected.values()) {
      for (const [k, queue] of map) {
        queue.events = queue.events.filter((e) => e.at >= horizon)
        if (queue.events.length === 0) map.delete(k)
      }
    }
  }

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.stopped) fn()
    }, ms)
    this.timers.add(timer)
  }
}
