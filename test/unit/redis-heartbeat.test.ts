// serve's heartbeats against real redis-servers on loopback: one key on a plain database; on an OSS cluster one key per
// shard under a hash tag in that shard's slots, and a peer's heartbeat seen only at the oldest stamp its shards hold.
import type {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openConnection, type RedisTarget} from '../../src/redis/connect.js'
import {RedisHeartbeats} from '../../src/redis/heartbeat.js'
import {keySlot} from '../../src/domain/serve/slots.js'
import {openClientsAfter, startRedisServer, stopAll, type RedisServer} from '../helpers/redis-server.js'

const PREFIX = 'geo-redis:hb:test:'
const heartbeats = new RedisHeartbeats()
let plain: RedisServer
let nodes: RedisServer[] = []
let admin: Redis[] = []

const target = (s: RedisServer): RedisTarget => ({id: `member-${s.port}`, host: s.host, port: s.port, tls: false, auth: null})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(async () => {
  plain = await startRedisServer()
  nodes = await Promise.all([0, 1].map(() => startRedisServer({extraArgs: ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000']})))
  admin = await Promise.all(nodes.map(async (n) => (await openConnection(target(n), {timeoutMs: 2000})).client))
  await admin[0].call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191')
  await admin[1].call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383')
  await admin[0].call('CLUSTER', 'MEET', nodes[1].host, String(nodes[1].port))
  for (let i = 0; i < 100; i++) {
    const states = await Promise.all(admin.map((c) => c.call('CLUSTER', 'INFO')))
    if (states.every((s) => String(s).includes('cluster_state:ok'))) break
    await sleep(100)
  }
}, 30_000)

afterAll(async () => {
  for (const c of admin) c.disconnect()
  await stopAll()
})

describe('heartbeats', () => {
  it("serve's addresses: a name in the hosts map is its address, without DNS; others go to DNS", async () => {
    const mapped = new RedisHeartbeats(new Map([['sandbox-eastus.eastus.redis.sandbox.geo-redis.test', '127.4.5.6']]))
    expect(await mapped.addresses('Sandbox-EastUS.eastus.redis.sandbox.geo-redis.test', 1000)).toEqual(['127.4.5.6'])
    expect(await mapped.addresses('localhost', 2000)).not.toHaveLength(0)
    expect(await heartbeats.addresses('sandbox-eastus.eastus.redis.sandbox.geo-redis.test', 2000)).toEqual([])
  })

  it('dials a name in the hosts map at its address', async () => {
    const name = 'plain.eastus.redis.sandbox.geo-redis.test'
    const session = new RedisHeartbeats(new Map([[name, plain.host]])).open({...target(plain), host: name}, {timeoutMs: 2000, keyPrefix: PREFIX})
    try {
      expect(await session.round({heartbeat: null, peers: [], memory: false})).toMatchObject({answered: true, error: null})
    } finally {
      session.close()
    }
  })

  it('on a plain database: one key, written and read back', async () => {
    const a = heartbeats.open(target(plain), {timeoutMs: 2000, keyPrefix: PREFIX})
    const b = heartbeats.open(target(plain), {timeoutMs: 2000, keyPrefix: PREFIX})
    try {
      const wrote = await a.round({heartbeat: {writer: '1', stamp: 1000}, peers: [], memory: true})
      expect(wrote).toMatchObject({answered: true, error: null})
      expect(wrote.memory!.usedBytes).toBeGreaterThan(0)
      expect(a.tags()).toEqual([])
      const read = await b.round({heartbeat: {writer: '2', stamp: 1001}, peers: [{writer: '1', tags: []}], memory: false})
      expect([...read.seen]).toEqual([['1', 1000]])
    } finally {
      a.close()
      b.close()
    }
    expect(await openClientsAfter(plain)).toBe(0)
  })

  it('on an OSS cluster: a key per shard in its own slots; seen at the oldest stamp of the shards', async () => {
    const a = heartbeats.open(target(nodes[0]), {timeoutMs: 2000, keyPrefix: PREFIX})
    const b = heartbeats.open(target(nodes[1]), {timeoutMs: 2000, keyPrefix: PREFIX})
    try {
      expect((await a.round({heartbeat: {writer: '1', stamp: 2000}, peers: [], memory: true})).answered).toBe(true)
      const tags = a.tags()
      expect(tags).toHaveLength(2)
      const keys = tags.map((t) => `${PREFIX}{${t}}:1`)
      // each shard holds its own key
      expect(keySlot(keys[0])).toBeLessThanOrEqual(8191)
      expect(keySlot(keys[1])).toBeGreaterThan(8191)
      expect(await admin[0].get(keys[0])).toBe('1 2000')
      expect(await admin[1].get(keys[1])).toBe('1 2000')
      const read = () => b.round({heartbeat: null, peers: [{writer: '1', tags}], memory: false})
      expect((await read()).seen.get('1')).toBe(2000)
      // one shard behind: the writer is seen at that shard's older stamp; one shard without it: not seen
      await admin[1].set(keys[1], '1 1500')
      expect((await read()).seen.get('1')).toBe(1500)
      await admin[1].del(keys[1])
      expect((await read()).seen.has('1')).toBe(false)
    } finally {
      a.close()
      b.close()
    }
    for (const n of nodes) expect(await openClientsAfter(n)).toBeLessThanOrEqual(1)
  })
})
