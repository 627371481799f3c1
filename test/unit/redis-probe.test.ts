// Against real redis-server processes on loopback: what an operator sees for each way a member can fail.
import {once} from 'node:events'
import {createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket} from 'node:net'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {openConnection, type RedisTarget} from '../../src/redis/connect.js'
import {probeMember, probeMembers} from '../../src/redis/probe.js'
import {createCa, createLeaf, type Pem} from '../../src/sandbox/certs.js'
import {openClientsAfter, startRedisServer, stopAll, type RedisServer, type RedisServerOptions} from '../helpers/redis-server.js'

const PASSWORD = 'probe-test-password'
const FROZEN_TIMEOUT_MS = 1500

let ca: Pem
let started: RedisServer[] = []

async function server(options: RedisServerOptions = {}): Promise<RedisServer> {
  const s = await startRedisServer(options)
  started.push(s)
  return s
}

function target(s: RedisServer, overrides: Partial<RedisTarget> = {}): RedisTarget {
  return {id: `member-${s.port}`, host: s.host, port: s.port, tls: false, auth: {password: PASSWORD}, ...overrides}
}

function tlsServer(hosts: string[]): Promise<RedisServer> {
  return server({password: PASSWORD, tls: {...createLeaf(ca, {hosts}), ca: ca.cert}})
}

beforeAll(() => {
  ca = createCa('probe test CA')
})

// every test must leave no connection open on any server it started
afterEach(async () => {
  const servers = started
  started = []
  try {
    for (const s of servers) expect(await openClientsAfter(s), `clients left on :${s.port}`).toBe(0)
  } finally {
    await Promise.all(servers.map((s) => s.stop()))
  }
})

afterAll(stopAll)

describe('probeMember against real redis-server', () => {
  it('plaintext with a password: latency, version and memory', async () => {
    const s = await server({password: PASSWORD, extraArgs: ['--maxmemory', '64mb']})
    const probe = await probeMember(target(s), {samples: 20})

    expect(probe).toMatchObject({id: `member-${s.port}`, endpoint: `127.0.0.1:${s.port}`, reachable: true, error: null, tlsMs: null})
    expect(probe.connectMs).toBeGreaterThanOrEqual(0)
    expect(probe.pingMs!.min).toBeGreaterThan(0)
    expect(probe.pingMs!.min).toBeLessThanOrEqual(probe.pingMs!.p50)
    expect(probe.pingMs!.p50).toBeLessThanOrEqual(probe.pingMs!.p99)
    expect(probe.server!.redisVersion).toMatch(/^\d+\.\d+\.\d+$/)
    expect(probe.memory).toMatchObject({maxBytes: 64 * 1024 * 1024, evictedKeys: 0})
    expect(probe.memory!.usedBytes).toBeGreaterThan(0)
    expect(probe.memory!.fragmentation).toBeGreaterThan(0)
  })

  it('openConnection times TCP and TLS separately and returns an authenticated client', async () => {
    const s = await tlsServer(['127.0.0.1'])
    const {client, connectMs, tlsMs} = await openConnection(target(s, {tls: true, ca: ca.cert}), {timeoutMs: 2000})
    try {
      expect(await client.call('ACL', 'WHOAMI')).toBe('default')
      expect(connectMs).toBeGreaterThanOrEqual(0)
      expect(tlsMs).toBeGreaterThan(0)
    } finally {
      client.disconnect()
    }
  })

  it('TLS verifies with the extra CA; SNI and name checks use servername when given', async () => {
    const s = await tlsServer(['127.0.0.1', 'cache1.westus.example'])
    const byIp = await probeMember(target(s, {tls: true, ca: ca.cert}))
    expect(byIp).toMatchObject({reachable: true, error: null})
    expect(byIp.tlsMs).toBeGreaterThan(0)

    const byName = await probeMember(target(s, {tls: true, ca: ca.cert, servername: 'cache1.westus.example'}))
    expect(byName).toMatchObject({reachable: true, error: null})
  })

  it('a name in the hosts map is dialled at its address without DNS; SNI and the certificate check use the name', async () => {
    const name = 'sandbox-eastus.eastus.redis.sandbox.geo-redis.test'
    const s = await tlsServer([name])
    const hosts = new Map([[name, s.host]])
    // mixed case: host names compare case-insensitively
    const byName = await probeMember(target(s, {host: name.toUpperCase(), tls: true, ca: ca.cert}), {hosts})
    expect(byName).toMatchObject({reachable: true, error: null, endpoint: `${name.toUpperCase()}:${s.port}`})
    // without the map the name goes to DNS, where .test never resolves
    expect(await probeMember(target(s, {host: name, tls: true, ca: ca.cert}))).toMatchObject({reachable: false, error: {kind: 'dns'}})
    // the map changes where the name is dialled, never what the certificate must name
    const other = await tlsServer(['cache1.westus.example'])
    const wrong = await probeMember(target(other, {host: name, tls: true, ca: ca.cert}), {hosts: new Map([[name, other.host]]), samples: 1})
    expect(wrong.error).toMatchObject({kind: 'tls', message: expect.stringMatching(/altnames/)})
  })

  it('TLS fails with kind tls when the certificate is for another host name', async () => {
    const s = await tlsServer(['cache1.westus.example'])
    const probe = await probeMember(target(s, {tls: true, ca: ca.cert}))
    expect(probe).toMatchObject({reachable: false, error: {kind: 'tls'}, connectMs: null, pingMs: null})
    expect(probe.error!.message).toMatch(/altnames/)

    const wrongName = await probeMember(target(s, {tls: true, ca: ca.cert, servername: 'cache2.westus.example'}))
    expect(wrongName.error).toMatchObject({kind: 'tls', message: expect.stringMatching(/altnames/)})
  })

  it('TLS fails with kind tls when the CA is not trusted', async () => {
    const s = await tlsServer(['127.0.0.1'])
    const probe = await probeMember(target(s, {tls: true}))
    expect(probe).toMatchObject({reachable: false, error: {kind: 'tls', message: expect.stringMatching(/certificate/)}})
  })

  it('TLS against a plaintext port: redis-server waits for a line end that never comes, so a handshake timeout', async () => {
    const s = await server({password: PASSWORD})
    const probe = await probeMember(target(s, {tls: true, ca: ca.cert}), {timeoutMs: 500})
    expect(probe).toMatchObject({reachable: false, error: {kind: 'timeout', message: expect.stringMatching(/^TLS handshake/)}})
  })

  it('a wrong password, or none, is kind auth', async () => {
    const s = await server({password: PASSWORD})
    const wrong = await probeMember(target(s, {auth: {password: 'not-the-key'}}))
    expect(wrong).toMatchObject({reachable: false, error: {kind: 'auth', message: expect.stringMatching(/WRONGPASS/)}})

    const none = await probeMember(target(s, {auth: null}))
    expect(none).toMatchObject({reachable: false, error: {kind: 'auth', message: expect.stringMatching(/NOAUTH/)}})
  })

  it('a stopped server is kind refused; an unknown name is kind dns', async () => {
    const s = await startRedisServer()
    await s.stop()
    const refused = await probeMember(target(s))
    expect(refused).toMatchObject({reachable: false, error: {kind: 'refused'}})

    const dns = await probeMember({...target(s), host: 'no-such-member.invalid'})
    expect(dns).toMatchObject({reachable: false, error: {kind: 'dns'}})
  })

  it.each([
    ['plaintext', false],
    ['TLS', true],
  ])('a frozen server (%s) is kind timeout, within the budget', async (_, tls) => {
    const s = tls ? await tlsServer(['127.0.0.1']) : await server({password: PASSWORD})
    s.freeze()
    const began = performance.now()
    const probe = await probeMember(target(s, {tls, ca: ca.cert}), {timeoutMs: FROZEN_TIMEOUT_MS})
    const elapsed = performance.now() - began
    console.info(`frozen ${tls ? 'TLS' : 'plaintext'} server: probe returned after ${elapsed.toFixed(0)} ms (budget ${FROZEN_TIMEOUT_MS})`)

    expect(probe).toMatchObject({reachable: false, error: {kind: 'timeout'}})
    expect(elapsed).toBeGreaterThanOrEqual(FROZEN_TIMEOUT_MS - 50)
    expect(elapsed).toBeLessThan(FROZEN_TIMEOUT_MS + 1000)
  })

  it('a server frozen mid-probe is kind timeout, within the budget', async () => {
    const s = await server({password: PASSWORD})
    setTimeout(() => s.freeze(), 300)
    const began = performance.now()
    // more PINGs than the PING phase's budget allows: the freeze lands while they run
    const probe = await probeMember(target(s), {samples: 1_000_000, timeoutMs: FROZEN_TIMEOUT_MS})
    const elapsed = performance.now() - began
    console.info(`server frozen mid-probe: probe returned after ${elapsed.toFixed(0)} ms (budget ${FROZEN_TIMEOUT_MS})`)

    expect(probe).toMatchObject({reachable: false, error: {kind: 'timeout', message: expect.stringMatching(/^PING/)}})
    expect(elapsed).toBeLessThan(FROZEN_TIMEOUT_MS + 1000)
  })

  it('a far member (80 ms round trips) is reachable: the connection and each reply have their own budget', async () => {
    const s = await server({password: PASSWORD})
    const far = await delayingProxy(s.port, 40)
    try {
      const began = performance.now()
      // 20 PINGs alone would take 1.6 s: more than the whole budget, which used to make this a timeout
      const probe = await probeMember({...target(s), port: far.port}, {samples: 20, timeoutMs: 1000})
      const elapsed = performance.now() - began
      console.info(`member 80 ms away: ${probe.pingSamples} PINGs, p50 ${probe.pingMs?.p50} ms, probe took ${elapsed.toFixed(0)} ms (budget 1000 per phase)`)

      expect(probe).toMatchObject({reachable: true, error: null})
      expect(probe.pingMs!.min).toBeGreaterThanOrEqual(78)
      // sampling stopped when the PING phase had used its budget, after at least one PING
      expect(probe.pingSamples).toBeGreaterThanOrEqual(1)
      expect(probe.pingSamples).toBeLessThan(20)
      expect(probe.memory!.usedBytes).toBeGreaterThan(0)
      // connection (AUTH: one round trip) + PING phase (≤ budget + one round trip) + INFO (one round trip)
      expect(elapsed).toBeLessThan(1000 + 4 * 80 + 300)
    } finally {
      await far.close()
    }
  })

  it('a near member gets every PING it asked for', async () => {
    const s = await server({password: PASSWORD})
    const probe = await probeMember(target(s), {samples: 20, timeoutMs: 1000})
    expect(probe).toMatchObject({reachable: true, pingSamples: 20})
  })

  it('probeMembers probes in parallel, keeps order and never throws', async () => {
    const ok = await server({password: PASSWORD})
    const frozen = await server({password: PASSWORD})
    frozen.freeze()
    const began = performance.now()
    const probes = await probeMembers([target(ok), target(frozen), {...target(ok), port: 1}], {timeoutMs: FROZEN_TIMEOUT_MS})

    expect(probes.map((p) => [p.id, p.reachable, p.error?.kind ?? null])).toEqual([
      [`member-${ok.port}`, true, null],
      [`member-${frozen.port}`, false, 'timeout'],
      [`member-${ok.port}`, false, 'refused'],
    ])
    expect(performance.now() - began).toBeLessThan(FROZEN_TIMEOUT_MS + 1000)
  })
})

/** A TCP proxy to a local port that holds every chunk `delayMs` in each direction: a member far away. */
async function delayingProxy(upstreamPort: number, delayMs: number): Promise<{port: number; close(): Promise<void>}> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket): Socket => {
    sockets.add(socket)
    socket.on('error', () => socket.destroy())
    socket.on('close', () => sockets.delete(socket))
    return socket
  }
  // equal delays keep chunks in order: timers of one duration fire in the order they were set
  const relay = (from: Socket, to: Socket): void => {
    from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs))
    from.on('close', () => setTimeout(() => to.destroy(), delayMs))
  }
  const proxy: Server = createServer((client) => {
    const upstream = track(tcpConnect({host: '127.0.0.1', port: upstreamPort}))
    relay(track(client), upstream)
    relay(upstream, client)
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  return {
    port: (proxy.address() as AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => proxy.close(resolve))
    },
  }
}
