// The watcher behind serve and watch: every interval, one round per member (a PING, its heartbeat written, its peers'
// read, memory sampled every few seconds: domain/runway.ts sampleEveryMs), each bounded by the timeout; a round still
// running when the next tick comes is not doubled. It holds only what it saw since it started: a restart begins afresh
// from the configuration. A round runs 4 times a second per member: it allocates little and sets no timer of its own.
import type {Observed} from '../../domain/serve/availability.js'
import {sampleEveryMs, type MemorySample} from '../../domain/runway.js'
import type {Heartbeats, MemberSession, RoundResult} from '../ports.js'
import type {WatchSettings} from '../../domain/serve/status.js'
import type {WatchedGroup, WatchedMember} from './model.js'

/** What the watcher last saw of one member. */
interface MemberState {
  up: boolean
  /** rounds completed (answered or not) */
  rounds: number
  pingMs: number | null
  error: string | null
  /** writer key → newest stamp seen here */
  seen: Map<string, number>
  /** the stamp of the last round whose read of the peers' heartbeats answered */
  readAt: number | null
  samples: MemorySample[]
  maxBytes: number | null
  addr: string[]
}

type Clock = () => number

/** Lags up to this long are told apart: the longest tolerance a request may ask (serve's HTTP side caps it). */
const WRITES_KEPT_MS = 600_000

/** serve's one clock: milliseconds, monotonic (a wall-clock step never shows as lag). */
const monotonicClock: Clock = () => performance.timeOrigin + performance.now()

/** The heartbeat writer key of a member: its uid. */
export const writerOf = (m: Pick<WatchedMember, 'uid'>): string => String(m.uid)

/** The heartbeat key prefix of one serve instance: keys of another instance (or an earlier run) are never read. */
const keyPrefixOf = (instance: string): string => `geo-redis:hb:${instance}:`

/** Heartbeats are written on every member, or on an active-passive pair's primary only (a replica refuses writes). */
const writes = (group: WatchedGroup, m: WatchedMember): boolean => group.primary === null || group.primary === m.uid

/** A member with what its rounds need, worked out once. */
interface Slot {
  group: WatchedGroup
  member: WatchedMember
  /** its own heartbeat's writer key, when heartbeats are written on it */
  writer: string | null
  /** the peers whose heartbeats it reads */
  peers: {writer: string; uid: number}[]
}

/**
 * Members whose rounds start together, at one offset within the interval. Waking the process up costs more CPU than a
 * round's own commands: a batch wakes it once for all its members' rounds (25 members at 25 offsets took ~5 % of a
 * core, in one batch ~2.3 %: bench/RESULTS.md). At most BATCH members: 25 on loopback take ~1.4 ms of CPU a tick all
 * told, about what an HTTP answer may wait behind a batch.
 */
interface Batch {
  slots: Slot[]
  /** whether its next rounds sample memory */
  memory: boolean
  /** its timer within the interval, re-armed every tick (no new timer per round); none for the first, run at the tick */
  timer?: NodeJS.Timeout
}

const BATCH = 25

export class Watcher {
  readonly states = new Map<number, MemberState>()
  /** writer key → stamps of its heartbeats written (answered OK), ascending, for WRITES_KEPT_MS */
  readonly writes = new Map<string, number[]>()
  private readonly sessions = new Map<number, MemberSession>()
  private readonly busy = new Set<number>()
  private timer: NodeJS.Timeout | undefined
  private readonly slots: Slot[]
  private readonly batches: Batch[]
  /** groups with a round completed since onRound last saw them */
  private readonly changed = new Set<WatchedGroup>()
  private ticks = 0
  private readonly memoryEvery: number

  constructor(
    readonly groups: WatchedGroup[],
    private readonly heartbeats: Heartbeats,
    readonly settings: WatchSettings,
    readonly instance: string,
    readonly now: Clock = monotonicClock,
    /** told once per interval of each group with a round completed since, e.g. to log a change */
    private readonly onRound: (group: WatchedGroup) => void = () => {},
  ) {
    this.memoryEvery = Math.max(1, Math.round(sampleEveryMs(settings.runwayWindowMs) / settings.intervalMs))
    for (const m of this.members()) {
      this.states.set(m.uid, {up: false, rounds: 0, pingMs: null, error: m.why ?? null, seen: new Map(), readAt: null, samples: [], maxBytes: null, addr: []})
      if (m.target) this.sessions.set(m.uid, heartbeats.open(m.target, {timeoutMs: settings.timeoutMs, keyPrefix: keyPrefixOf(instance)}))
    }
    this.slots = groups.flatMap((group) =>
      group.members.map((member) => ({
        group,
        member,
        writer: settings.heartbeat && writes(group, member) ? writerOf(member) : null,
        peers: settings.heartbeat ? group.members.filter((p) => p !== member && writes(group, p)).map((p) => ({writer: writerOf(p), uid: p.uid})) : [],
      })),
    )
    const count = Math.ceil(this.slots.length / BATCH)
    this.batches = Array.from({length: count}, (_, i) => ({slots: this.slots.slice(i * BATCH, (i + 1) * BATCH), memory: false}))
  }

  members(): WatchedMember[] {
    return this.groups.flatMap((g) => g.members)
  }

  /** The first round of every member (each within the timeout), then one every interval until stop(). */
  async start(): Promise<void> {
    await Promise.all([this.tick(), this.resolveAddresses()])
    for (const group of this.groups) this.onRound(group)
    this.changed.clear()
    this.timer = setInterval(() => this.staggered(), this.settings.intervalMs)
  }

  /** The batches' rounds spread over the interval, the first at the tick: the work of a tick not all in one burst. */
  private staggered(): void {
    for (const group of this.changed) this.onRound(group)
    this.changed.clear()
    // a member's addresses (GET /v1/bdbs) looked up again every minute: DNS may move it
    if (this.ticks % Math.round(60_000 / this.settings.intervalMs) === 0) void this.resolveAddresses()
    const memory = this.ticks++ % this.memoryEvery === 0
    this.batches.forEach((batch, i) => {
      // the rounds read `memory` when their timer fires; the next tick comes after every offset
      batch.memory = memory
      if (i === 0) this.run(batch)
      else if (batch.timer) batch.timer.refresh()
      else batch.timer = setTimeout(() => this.run(batch), Math.floor((i * this.settings.intervalMs) / this.batches.length))
    })
  }

  private run(batch: Batch): void {
    for (const slot of batch.slots) void this.round(slot, batch.memory)
  }

  stop(): void {
    clearInterval(this.timer)
    for (const batch of this.batches) clearTimeout(batch.timer)
    for (const session of this.sessions.values()) session.close()
  }

  private async resolveAddresses(): Promise<void> {
    await Promise.all(
      this.members().map(async (m) => {
        const found = await this.heartbeats.addresses(m.host, this.settings.timeoutMs)
        // a lookup that failed keeps what an earlier one found
        if (found.length > 0 || this.states.get(m.uid)!.addr.length === 0) this.states.get(m.uid)!.addr = found
      }),
    )
  }

  private tick(): Promise<unknown> {
    const memory = this.ticks++ % this.memoryEvery === 0
    return Promise.all(this.slots.map((slot) => this.round(slot, memory)))
  }

  private async round({group, member, writer, peers}: Slot, memory: boolean): Promise<void> {
    const session = this.sessions.get(member.uid)
    if (!session || this.busy.has(member.uid)) return
    this.busy.add(member.uid)
    try {
      const stamp = this.now()
      const result = await session.round({
        heartbeat: writer === null ? null : {writer, stamp},
        peers: peers.map((p) => ({writer: p.writer, tags: this.sessions.get(p.uid)?.tags() ?? []})),
        memory,
      })
      this.record(member, result, stamp)
    } finally {
      this.busy.delete(member.uid)
    }

    this.changed.add(group)
  }

  private record(member: WatchedMember, result: RoundResult, stamp: number): void {
    const state = this.states.get(member.uid)!
    state.rounds++
    state.up = result.answered
    state.pingMs = result.pingMs
    state.error = result.error
    if (result.answered && this.settings.heartbeat && !result.error) this.wrote(writerOf(member), stamp)
    if (result.read) state.readAt = stamp
    for (const [writer, seen] of result.seen) if (seen > (state.seen.get(writer) ?? -Infinity)) state.seen.set(writer, seen)
    if (result.memory) {
      const at = this.now()
      state.maxBytes = result.memory.maxBytes
      state.samples.push({atMs: at, usedBytes: result.memory.usedBytes})
      while (state.samples.length > 0 && state.samples[0].atMs <= at - this.settings.runwayWindowMs) state.samples.shift()
    }
  }

  private wrote(writer: string, stamp: number): void {
    const writes = this.writes.get(writer) ?? []
    this.writes.set(writer, writes)
    writes.push(stamp)
    // older heartbeats only tell lags longer than this, which every tolerance judges alike
    while (writes.length > 1 && writes[0] < stamp - WRITES_KEPT_MS) writes.shift()
  }

  /** The group as the availability policy sees it, in member order. */
  observed(group: WatchedGroup): Observed[] {
    return group.members.map((m) => {
      const state = this.states.get(m.uid)!
      return {id: writerOf(m), up: state.up, writer: writes(group, m), readAt: state.readAt, seen: state.seen}
    })
  }
}
