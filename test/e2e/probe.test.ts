// `geo-redis probe` as an operator runs it: the built binary against the emulator's sandbox group, whose members
// are real redis-server processes on loopback (plaintext, TLS, stopped, frozen, replicating). Every run must exit on
// its own, leave no connection open and never print a key.
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {setTimeout as sleep} from 'node:timers/promises'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {createCa, createLeaf} from '../../src/sandbox/certs.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import type {GroupProbe} from '../../src/services/probe.js'
import {openClientsAfter, startRedisServer, stopAll, type RedisServer} from '../helpers/redis-server.js'
import {runCli, startCliSandbox, type CliResult, type CliSandbox, type CliSandboxOptions} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const CLI_MS = 20_000
const TEST_MS = 60_000
const TIMEOUT_MS = 1500

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-probe-'))
const caPath = join(dir, 'private-ca.pem')
const ca = createCa('probe e2e CA')
// passwords of servers started here, besides the sandbox's keys: none may appear in any output either
const passwords: string[] = []
let sandbox: CliSandbox | undefined
let extra: RedisServer[] = []

beforeAll(() => writeFileSync(caPath, ca.cert))

// every server still running must have no client left: the CLI closed every connection it opened
afterEach(async () => {
  const servers = [...(sandbox?.servers ?? []), ...extra].filter((s): s is RedisServer => s !== null)
  try {
    for (const s of servers) expect(await openClientsAfter(s), `clients left on :${s.port}`).toBe(0)
  } finally {
    await Promise.all([sandbox?.stop(), ...extra.map((s) => s.stop())])
    sandbox = undefined
    extra = []
  }
})

afterAll(async () => {
  await stopAll()
  rmSync(dir, {recursive: true, force: true})
})

async function start(options: CliSandboxOptions = {}): Promise<CliSandbox> {
  sandbox = await startCliSandbox(options)
  return sandbox
}

/** A TLS redis-server with a certificate for `hosts`, signed by the private CA (trusted with --ca). */
async function tlsServer(hosts: string[]): Promise<{server: RedisServer; password: string}> {
  const password = randomBytes(24).toString('base64')
  passwords.push(password)
  const server = await startRedisServer({password, tls: {...createLeaf(ca, {hosts}), ca: ca.cert}})
  extra.push(server)
  return {server, password}
}

/** Points member `i` of the world at another server (by `host`, e.g. its certificate's name), with its password as the key. */
function pointAt(world: World, i: number, server: RedisServer, password: string, tls: boolean, host = server.host): void {
  const db = world.databases[i]
  world.clusters[i].hostName = host
  db.properties.port = server.port
  db.properties.clientProtocol = tls ? 'Encrypted' : 'Plaintext'
  db.keys = {primaryKey: password, secondaryKey: `${password}-secondary`}
}

async function probe(sb: CliSandbox, args: string[]): Promise<CliResult & {wallMs: number}> {
  const began = performance.now()
  const result = await runCli(['probe', ...args], {env: sb.env, timeoutMs: CLI_MS})
  const wallMs = performance.now() - began
  const output = result.stdout + result.stderr
  for (const secret of [...sb.keys.flatMap((k) => [k.primaryKey, k.secondaryKey]), ...passwords]) expect(output).not.toContain(secret)
  return {...result, wallMs}
}

/** stdout as the probe contract, validated against docs/schemas/probe.schema.json. */
function contract(result: CliResult): GroupProbe {
  const data = JSON.parse(result.stdout)
  expectSchema('probe', data)
  return data as GroupProbe
}

const kinds = (data: GroupProbe) => data.members.map((m) => [m.id, m.reachable, m.error?.kind ?? null])

describe('geo-redis probe', () => {
  it('every member answers: exit 0, the contract, latency, memory; TLS verified with --ca', {timeout: TEST_MS}, async () => {
    const tls = await tlsServer(['localhost'])
    const sb = await start({world: (w) => pointAt(w, 2, tls.server, tls.password, true, 'localhost')})
    const result = await probe(sb, ['--json', '--samples', '5', '--ca', caPath])
    expect(result.code, result.stderr).toBe(0)
    const data = contract(result)

    expect(data.group).toBe('sandbox-geo')
    expect(data.canary).toBeNull()
    expect(data.members.map((m) => m.id).sort()).toEqual([...sb.ids].sort())
    for (const m of data.members) {
      expect(m).toMatchObject({reachable: true, error: null, pingSamples: 5})
      expect(m.location).toMatch(/^[a-z0-9]+$/)
      expect(m.endpoint).toMatch(m.id === sb.ids[2] ? /^localhost:\d+$/ : /^127(\.\d+){3}:10000$/)
      expect(m.connectMs).toBeGreaterThanOrEqual(0)
      expect(m.pingMs!.min).toBeLessThanOrEqual(m.pingMs!.p50)
      expect(m.pingMs!.p50).toBeLessThanOrEqual(m.pingMs!.p99)
      expect(m.memory!.usedBytes).toBeGreaterThan(0)
      expect(m.server!.redisVersion).toMatch(/^\d+\.\d+/)
    }
    const tlsMember = data.members.find((m) => m.id === sb.ids[2])!
    expect(tlsMember.tlsMs).toBeGreaterThan(0)
    expect(data.members.filter((m) => m.tlsMs === null)).toHaveLength(2)

    // the terminal table: one row per member
    const table = await probe(sb, ['--samples', '1', '--ca', caPath])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/3\/3 member\(s\) answered/)
    expect(table.stdout.match(/reachable/g)).toHaveLength(3)
  })

  it('each failure is classified with its message: refused, auth, tls; exit 1', {timeout: TEST_MS}, async () => {
    const wrongHost = await tlsServer(['cache1.westus.example'])
    const sb = await start({
      members: 4,
      down: [1],
      world: (w) => {
        // member 2: the world's key is not the server's password
        w.databases[2].keys = {primaryKey: randomBytes(32).toString('base64'), secondaryKey: randomBytes(32).toString('base64')}
        passwords.push(w.databases[2].keys.primaryKey)
        // member 3: a certificate for another host name
        pointAt(w, 3, wrongHost.server, wrongHost.password, true, 'localhost')
      },
    })
    const result = await probe(sb, ['--json', '--samples', '2', '--ca', caPath, '--timeout-ms', String(TIMEOUT_MS)])
    expect(result.code).toBe(1)
    const data = contract(result)
    const byId = new Map(data.members.map((m) => [m.id, m]))
    expect(kinds(data).sort()).toEqual(
      [
        [sb.ids[0], true, null],
        [sb.ids[1], false, 'refused'],
        [sb.ids[2], false, 'auth'],
        [sb.ids[3], false, 'tls'],
      ].sort(),
    )
    expect(byId.get(sb.ids[1])!.error!.message).toMatch(/ECONNREFUSED/)
    expect(byId.get(sb.ids[2])!.error!.message).toMatch(/WRONGPASS/)
    expect(byId.get(sb.ids[3])!.error!.message).toMatch(/altnames|localhost/)
    // a failed member reports no half-measured numbers
    expect(byId.get(sb.ids[1])).toMatchObject({connectMs: null, pingMs: null, memory: null})

    const table = await probe(sb, ['--samples', '1', '--ca', caPath])
    expect(table.code).toBe(1)
    expect(table.stdout).toMatch(/1\/4 member\(s\) answered/)
    expect(table.stdout).toMatch(/\(✗\) sandbox-eastus\/default: refused: /)
  })

  it('a frozen member is a timeout and costs the command no more than --timeout-ms', {timeout: TEST_MS}, async () => {
    const sb = await start()
    const args = ['--json', '--samples', '5', '--timeout-ms', String(TIMEOUT_MS)]
    const healthy = await probe(sb, args)
    expect(healthy.code).toBe(0)

    sb.servers[1]!.freeze()
    const frozen = await probe(sb, args)
    console.info(
      `frozen member: probe ended after ${frozen.wallMs.toFixed(0)} ms (--timeout-ms ${TIMEOUT_MS}; ` +
        `the same command with every member answering: ${healthy.wallMs.toFixed(0)} ms, mostly Node and ARM start-up)`,
    )
    expect(frozen.code).toBe(1)
    const data = contract(frozen)
    expect(kinds(data).find(([id]) => id === sb.ids[1])).toEqual([sb.ids[1], false, 'timeout'])
    expect(data.members.find((m) => m.id === sb.ids[1])!.error!.message).toMatch(/^AUTH .* timed out/)
    expect(data.members.filter((m) => m.reachable)).toHaveLength(2)
    // Node, oclif and ARM start-up alone take 1 to 2.5 s on a loaded 2-core box, so the bound is on what the frozen
    // member adds to the same command: at most its budget plus one second
    expect(frozen.wallMs - healthy.wallMs).toBeLessThan(TIMEOUT_MS + 1000)
  })

  it('--canary: one-way replication shows as the one replicated pair, with its lag', {timeout: TEST_MS}, async () => {
    const sb = await start()
    const [a, b] = [sb.servers[0]!, sb.servers[1]!]
    // b follows a (and stays writable, so its own canary is written but goes nowhere); c is on its own
    await b.cli('CONFIG', 'SET', 'masterauth', sb.keys[0].primaryKey)
    await b.cli('CONFIG', 'SET', 'replica-read-only', 'no')
    await b.cli('REPLICAOF', a.host, String(a.port))
    await untilReplicating(a, b)

    const result = await probe(sb, ['--json', '--canary', '--samples', '1', '--timeout-ms', String(TIMEOUT_MS)])
    expect(result.code, result.stderr).toBe(0)
    const data = contract(result)
    const pairs = data.canary!.pairs
    expect(pairs).toHaveLength(6)
    const replicated = pairs.filter((p) => p.replicated)
    expect(replicated.map((p) => [p.from, p.to])).toEqual([[sb.ids[0], sb.ids[1]]])
    expect(replicated[0].lagMs).toBeGreaterThanOrEqual(0)
    expect(replicated[0].lagMs).toBeLessThan(TIMEOUT_MS)
    for (const p of pairs.filter((pair) => !pair.replicated)) {
      expect(p.lagMs).toBeNull()
      expect(p.reason).toMatch(/not seen within/)
    }

    const table = await probe(sb, ['--canary', '--samples', '1', '--timeout-ms', '500'])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/canary: replication lag in ms/)
    // row a: itself, b replicated (a number), c not (✗)
    const lines = table.stdout.split('\n')
    const columns = lines.find((line) => line.includes('from \\ to'))!.trim().split(/\s{2,}/)
    const rowA = lines.find((line) => line.trim().startsWith('sandbox-westus2/default  ') && !line.includes(':10000'))!.trim().split(/\s{2,}/)
    const cell = (cluster: string) => rowA[columns.indexOf(`${cluster}/default`)]
    expect([cell('sandbox-westus2'), cell('sandbox-northeurope')]).toEqual(['—', '✗'])
    expect(cell('sandbox-eastus')).toMatch(/^\d+(\.\d+)?$/)
  })

  it('bad input exits 2 before any connection', {timeout: TEST_MS}, async () => {
    const sb = await start({members: 2})
    const before = sb.emulator.requests.length
    const unreadable = await probe(sb, ['--ca', join(dir, 'missing.pem')])
    expect(unreadable.code).toBe(2)
    expect(unreadable.stderr).toMatch(/--ca \S*missing\.pem does not exist/)
    const notPem = await probe(sb, ['--ca', writeNotPem()])
    expect(notPem.code).toBe(2)
    expect(notPem.stderr).toMatch(/holds no PEM certificate/)
    expect(sb.emulator.requests.length).toBe(before)
  })
})

function writeNotPem(): string {
  const path = join(dir, 'not-a-cert.txt')
  writeFileSync(path, 'hello')
  return path
}

/** Until a write on `master` is readable on `replica` (after a full sync, the stream starts with the first ACK). */
async function untilReplicating(master: RedisServer, replica: RedisServer): Promise<void> {
  const end = Date.now() + 10_000
  await master.cli('SET', 'probe-e2e:sync', 'ok')
  while ((await replica.cli('GET', 'probe-e2e:sync')).trim() !== 'ok') {
    if (Date.now() > end) throw new Error(`:${replica.port} does not replicate :${master.port}`)
    await sleep(50)
  }
  await master.cli('DEL', 'probe-e2e:sync')
}
