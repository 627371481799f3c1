// Canary writes across real redis-servers. B is a replica of A, so replication works one way only:
// A→B arrives, B→A cannot even be written (replicas are read-only). C stands alone.
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {CANARY_PREFIX, runCanary} from '../../src/redis/canary.js'
import type {RedisTarget} from '../../src/redis/connect.js'
import {openClientsAfter, startRedisServer, stopAll, type RedisServer} from '../helpers/redis-server.js'

const TIMEOUT_MS = 1000

let a: RedisServer
let b: RedisServer
let c: RedisServer

function target(s: RedisServer, id: string): RedisTarget {
  return {id, host: s.host, port: s.port, tls: false, auth: null}
}

async function canaryKeys(s: RedisServer): Promise<string[]> {
  return (await s.cli('--scan', '--pattern', `${CANARY_PREFIX}*`)).split('\n').filter((k) => k !== '')
}

beforeAll(async () => {
  a = await startRedisServer()
  ;[b, c] = await Promise.all([startRedisServer({replicaOf: a}), startRedisServer()])
})

afterEach(async () => {
  for (const s of [a, b, c]) expect(await openClientsAfter(s), `clients left on :${s.port}`).toBe(0)
})

afterAll(stopAll)

describe('runCanary against real redis-servers', () => {
  it('measures A→B, reports why the other pairs did not replicate, and cleans up', async () => {
    const began = performance.now()
    const {pairs} = await runCanary([target(a, 'A'), target(b, 'B'), target(c, 'C')], {timeoutMs: TIMEOUT_MS})
    const elapsed = performance.now() - began
    console.info(`canary A,B,C: ${elapsed.toFixed(0)} ms; A→B lag ${pairs[0].lagMs} ms`)

    expect(pairs.map((p) => [p.from, p.to, p.replicated])).toEqual([
      ['A', 'B', true],
      ['A', 'C', false],
      ['B', 'A', false],
      ['B', 'C', false],
      ['C', 'A', false],
      ['C', 'B', false],
    ])
    expect(pairs[0]).toMatchObject({reason: null})
    expect(pairs[0].lagMs).toBeGreaterThanOrEqual(0)
    expect(pairs[0].lagMs).toBeLessThan(TIMEOUT_MS)
    for (const pair of pairs.slice(1)) expect(pair.lagMs).toBeNull()
    expect(pairs[1].reason).toBe(`not seen within ${TIMEOUT_MS} ms`)
    expect(pairs[2].reason).toMatch(/^write failed \(other: READONLY/)
    expect(pairs[3].reason).toBe(pairs[2].reason)
    // connect + write + one pair's budget (all pairs wait together) + cleanup
    expect(elapsed).toBeLessThan(2 * TIMEOUT_MS + 1000)

    // A's deletes reach B through replication
    await expect.poll(async () => [...(await canaryKeys(a)), ...(await canaryKeys(b)), ...(await canaryKeys(c))]).toEqual([])
  })

  it('a frozen member: its pairs fail with the reason, the rest still run, all within bounds', async () => {
    c.freeze()
    try {
      const began = performance.now()
      const {pairs} = await runCanary([target(a, 'A'), target(b, 'B'), target(c, 'C')], {timeoutMs: TIMEOUT_MS})
      const elapsed = performance.now() - began
      console.info(`canary with C frozen: ${elapsed.toFixed(0)} ms`)

      // without AUTH nothing is sent while connecting, so the frozen member fails at its first command
      expect(pairs.map((p) => [p.from, p.to, p.replicated, p.reason?.replace(/ \(.*/s, '') ?? null])).toEqual([
        ['A', 'B', true, null],
        ['A', 'C', false, 'read failed'],
        ['B', 'A', false, 'write failed'],
        ['B', 'C', false, 'write failed'],
        ['C', 'A', false, 'write failed'],
        ['C', 'B', false, 'write failed'],
      ])
      expect(pairs[1].reason).toMatch(/^read failed \(timeout: GET geo-redis:canary:\w+:0 timed out/)
      expect(pairs[4].reason).toMatch(/^write failed \(timeout: SET geo-redis:canary:\w+:2 timed out/)
      // write, then one pair's budget, then cleanup, each bounded
      expect(elapsed).toBeLessThan(3 * TIMEOUT_MS + 500)
    } finally {
      c.thaw()
    }
    await expect.poll(async () => [...(await canaryKeys(a)), ...(await canaryKeys(b)), ...(await canaryKeys(c))]).toEqual([])
  })

  it('an unreachable member: its pairs say so', async () => {
    const gone = await startRedisServer()
    await gone.stop()
    const {pairs} = await runCanary([target(a, 'A'), target(gone, 'D')], {timeoutMs: TIMEOUT_MS})
    expect(pairs).toEqual([
      {from: 'A', to: 'D', replicated: false, lagMs: null, reason: expect.stringMatching(/^D unreachable \(refused: connect ECONNREFUSED/)},
      {from: 'D', to: 'A', replicated: false, lagMs: null, reason: pairs[0].reason},
    ])
    await expect.poll(() => canaryKeys(a)).toEqual([])
  })

  it('no targets, no pairs', async () => {
    expect(await runCanary([])).toEqual({pairs: []})
  })
})
