// The sandbox replicator against in-memory servers that notify like Redis keyspace events: copies after the lag,
// no write bounces back, last writer wins, an unlinked member is isolated and resynced when linked again.
import {afterEach, describe, expect, it} from 'vitest'
import type {KeyState, ReplicationLink} from '../../src/sandbox/replicator/link.js'
import {drillsOf, lagBetween, withoutIsolated} from '../../src/sandbox/replicator/drills.js'
import {mutualPeers, Replicator} from '../../src/sandbox/replicator/replicator.js'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'

type Listener = (key: Buffer, event: string) => void

class FakeServer {
  readonly data = new Map<string, {payload: Buffer; expiresAt: number | null}>()
  readonly listeners = new Set<Listener>()
  /** every change, by clients or the replicator: [event, key] */
  readonly changes: [string, string][] = []
  readonly links = new Set<FakeLink>()

  set(key: string, value: string, ttlMs?: number): void {
    this.data.set(key, {payload: Buffer.from(value), expiresAt: ttlMs ? Date.now() + ttlMs : null})
    this.notify(key, 'set')
  }

  del(key: string): void {
    if (this.data.delete(key)) this.notify(key, 'del')
  }

  get(key: string): string | null {
    return this.data.get(key)?.payload.toString() ?? null
  }

  /** like a restart: data gone, every connection dropped */
  crash(): void {
    this.data.clear()
    for (const link of this.links) link.close()
  }

  notify(key: string, event: string): void {
    this.changes.push([event, key])
    // pub/sub messages arrive on another connection, a little later
    setImmediate(() => {
      for (const listener of this.listeners) listener(Buffer.from(key, 'latin1'), event)
    })
  }
}

class FakeLink implements ReplicationLink {
  private readonly handlers: ((reason: string) => void)[] = []
  private closed = false

  constructor(
    private readonly server: FakeServer,
    private readonly listener: Listener,
  ) {
    server.listeners.add(listener)
    server.links.add(this)
  }

  async read(key: Buffer): Promise<KeyState> {
    const entry = this.server.data.get(key.toString('latin1'))
    if (!entry) return {payload: null, pttl: -1}
    return {payload: entry.payload, pttl: entry.expiresAt === null ? -1 : entry.expiresAt - Date.now()}
  }

  async write(key: Buffer, state: KeyState): Promise<boolean> {
    const name = key.toString('latin1')
    if (state.payload === null) {
      if (!this.server.data.delete(name)) return false
      this.server.notify(name, 'del')
      return true
    }
    this.server.data.set(name, {payload: state.payload, expiresAt: state.pttl > 0 ? Date.now() + state.pttl : null})
    this.server.notify(name, 'restore')
    return true
  }

  async keys(): Promise<Buffer[]> {
    return [...this.server.data.keys()].map((k) => Buffer.from(k, 'latin1'))
  }

  async ping(): Promise<void> {}

  onClose(handler: (reason: string) => void): void {
    this.handlers.push(handler)
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.server.listeners.delete(this.listener)
    this.server.links.delete(this)
    for (const h of this.handlers) h('closed')
  }
}

const LAG = 30
const settle = (ms = LAG * 4) => new Promise((resolve) => setTimeout(resolve, ms))

const replicators: Replicator[] = []
afterEach(async () => {
  await Promise.all(replicators.splice(0).map((r) => r.stop()))
})

function group(ids = ['a', 'b', 'c']) {
  const servers = Object.fromEntries(ids.map((id) => [id, new FakeServer()])) as Record<string, FakeServer>
  const all = (except: string[] = []) => new Map(ids.map((id) => [id, new Set(except.includes(id) ? [] : ids.filter((o) => o !== id && !except.includes(o)))]))
  const replicator = new Replicator({
    members: ids,
    lagMs: LAG,
    reconnectMs: 20,
    heartbeatMs: 50,
    connect: async (id, onKeyEvent) => new FakeLink(servers[id], onKeyEvent),
  })
  replicators.push(replicator)
  replicator.setTopology(all(), true)
  replicator.start()
  return {servers, replicator, topology: all}
}

async function ready(replicator: Replicator): Promise<void> {
  for (let i = 0; i < 50 && !replicator.ready; i++) await settle(10)
  expect(replicator.ready).toBe(true)
}

describe('sandbox replicator', () => {
  it('copies a write to every peer after the lag, and never back', async () => {
    const {servers, replicator} = group()
    await ready(replicator)
    servers.a.set('k', 'v1')
    await settle(LAG / 3)
    expect(servers.b.get('k')).toBeNull()
    await settle()
    expect(servers.b.get('k')).toBe('v1')
    expect(servers.c.get('k')).toBe('v1')
    await settle()
    // one client write on a, one copy each on b and c; nothing bounced back
    expect(servers.a.changes).toEqual([['set', 'k']])
    expect(servers.b.changes).toEqual([['restore', 'k']])
    expect(servers.c.changes).toEqual([['restore', 'k']])
    expect(replicator.stats).toMatchObject({replicated: 1, applied: 2, echoes: 2})
  })

  it('does not bounce bursts of writes to one key', async () => {
    const {servers, replicator} = group()
    await ready(replicator)
    for (let i = 0; i < 5; i++) servers.a.set('k', `v${i}`)
    await settle(LAG * 8)
    expect(servers.b.get('k')).toBe('v4')
    expect(servers.c.get('k')).toBe('v4')
    expect(servers.a.changes.every(([event]) => event === 'set')).toBe(true)
    expect(servers.b.changes.every(([event]) => event === 'restore')).toBe(true)
  })

  it('propagates deletes and keeps the time to live', async () => {
    const {servers, replicator} = group()
    await ready(replicator)
    servers.a.set('ttl', 'x', 60_000)
    servers.a.set('gone', 'y')
    await settle()
    const pttl = await new FakeLink(servers.b, () => {}).read(Buffer.from('ttl'))
    expect(pttl.pttl).toBeGreaterThan(59_000)
    expect(pttl.pttl).toBeLessThanOrEqual(60_000)
    servers.b.del('gone')
    await settle()
    expect(servers.a.get('gone')).toBeNull()
    expect(servers.c.get('gone')).toBeNull()
  })

  it('lets the last writer win when two members write one key within the lag', async () => {
    const {servers, replicator} = group()
    await ready(replicator)
    servers.a.set('k', 'first')
    await settle(LAG / 3)
    servers.b.set('k', 'second')
    await settle(LAG * 6)
    expect([servers.a.get('k'), servers.b.get('k'), servers.c.get('k')]).toEqual(['second', 'second', 'second'])
    expect(replicator.stats.superseded).toBeGreaterThanOrEqual(1)
  })

  it('isolates a force-unlinked member and resyncs it when it is linked again', async () => {
    const {servers, replicator, topology} = group()
    await ready(replicator)
    servers.a.set('before', '1')
    await settle()
    replicator.setTopology(topology(['c']))
    servers.c.set('island', 'c-only')
    servers.a.set('while-apart', '2')
    await settle()
    expect(servers.a.get('island')).toBeNull()
    expect(servers.c.get('while-apart')).toBeNull()
    expect(servers.b.get('while-apart')).toBe('2')

    replicator.setTopology(topology())
    await settle()
    expect(servers.c.get('while-apart')).toBe('2')
    expect(servers.c.get('before')).toBe('1')
    // the joining member holds what the group holds: its own island is gone, and was never sent to the others
    expect(servers.c.get('island')).toBeNull()
    expect(servers.a.get('island')).toBeNull()
    await settle()
    expect(servers.a.changes.filter(([, key]) => key === 'while-apart')).toEqual([['set', 'while-apart']])
  })

  it('resyncs a member that comes back empty after an outage', async () => {
    const {servers, replicator} = group()
    await ready(replicator)
    servers.a.set('k', 'v')
    await settle()
    servers.c.crash()
    expect(replicator.connected('c')).toBe(false)
    servers.a.set('during', 'outage')
    await settle()
    expect(replicator.connected('c')).toBe(true)
    expect(servers.c.get('k')).toBe('v')
    expect(servers.c.get('during')).toBe('outage')
    await settle()
    expect(servers.a.changes.map(([e]) => e)).toEqual(['set', 'set'])
  })
})

describe('replication drills', () => {
  it('a member delay applies to copies to and from it only, at run time', async () => {
    const {servers, replicator} = group()
    await ready(replicator)
    replicator.setLagOverrides(new Map([['c', LAG * 6]]))
    servers.a.set('k', 'v')
    await settle(LAG * 3)
    expect(servers.b.get('k')).toBe('v')
    expect(servers.c.get('k')).toBeNull()
    await settle(LAG * 5)
    expect(servers.c.get('k')).toBe('v')
    replicator.setLagOverrides(new Map())
    servers.c.set('back', 'fast')
    await settle(LAG * 3)
    expect(servers.a.get('back')).toBe('fast')
  })

  it('an isolated member neither sends nor receives, and is resynced when the isolation ends', async () => {
    const {servers, replicator, topology} = group()
    await ready(replicator)
    replicator.setTopology(withoutIsolated(topology(), new Set(['c'])))
    servers.c.set('mine', 'lost')
    servers.a.set('theirs', 'kept')
    await settle()
    expect(servers.a.get('mine')).toBeNull()
    expect(servers.c.get('theirs')).toBeNull()
    expect(servers.b.get('theirs')).toBe('kept')
    replicator.setTopology(topology())
    await settle()
    expect(servers.c.get('theirs')).toBe('kept')
    expect(servers.c.get('mine')).toBeNull()
  })

  it('reads the drills from the state: isolated members and delays of their own (0 is the group delay)', () => {
    const members = [
      {id: 'A', outage: {mode: 'isolate' as const, since: ''}},
      {id: 'B', lagMs: 500},
      {id: 'C', lagMs: 0, outage: {mode: 'stop' as const, since: ''}},
    ]
    const drills = drillsOf({members: members as never})
    expect(drills.isolated).toEqual(new Set(['a']))
    expect(drills.lagMs).toEqual(new Map([['b', 500]]))
    expect(lagBetween(new Map([['b', 500], ['c', 900]]), 100, 'a', 'b')).toBe(500)
    expect(lagBetween(new Map([['b', 500], ['c', 900]]), 100, 'c', 'b')).toBe(900)
    expect(lagBetween(new Map(), 100, 'a', 'b')).toBe(100)
  })
})

describe('mutualPeers', () => {
  it('links members that list each other as Linked, and isolates one nobody lists', () => {
    const world = sandboxWorld({members: 3})
    const [w, e, n] = world.databases.map((d) => d.id.toLowerCase())
    expect(mutualPeers(world).get(w)).toEqual(new Set([e, n]))
    // a force-unlink of n from w: w and e forget n, n's own (stale) view still lists them
    for (const db of world.databases.slice(0, 2)) {
      db.properties.geoReplication!.linkedDatabases = db.properties.geoReplication!.linkedDatabases.filter((l) => l.id.toLowerCase() !== n)
    }
    const peers = mutualPeers(world)
    expect(peers.get(w)).toEqual(new Set([e]))
    expect(peers.get(n)).toEqual(new Set())
    // the standalone cache is in no group
    expect(peers.has(world.databases[3].id.toLowerCase())).toBe(false)
  })
})
