// The replication drills end to end through the built CLI: `sandbox outage --mode isolate` (replication to and from a
// member cut while its Redis and ARM answer) and its restore, `sandbox lag` at run time, and `sandbox load` (bounded,
// summarised, Ctrl-C). One sandbox under a temporary GEO_REDIS_HOME, stopped (and every recorded pid checked) at the end.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openConnection} from '../../src/redis/connect.js'
import {sandboxAccessKey} from '../helpers/sandbox-keys.js'
import {runCli, sandboxHomeEnv, type CliResult} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const STEP_MS = 20_000
const LAG_MS = 100

interface State {
  emulator: {url: string; process: {pid: number} | null}
  replicator: {pid: number} | null
  members: {id: string; cluster: string; role: string; host: string; port: number; process: {pid: number} | null}[]
  token: string
}

const home = mkdtempSync(join(tmpdir(), 'geo-redis-drills-'))
const empty = mkdtempSync(join(tmpdir(), 'geo-redis-drills-none-'))
const cli = (args: string[], options: Parameters<typeof runCli>[1] = {}, dir = home): Promise<CliResult> =>
  runCli(args, {env: sandboxHomeEnv(dir), timeoutMs: STEP_MS, ...options})

function json<T>(r: CliResult, schema?: string): T {
  let data: T
  try {
    data = JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
  if (schema) expectSchema(`sandbox-${schema}`, data)
  return data
}

const readState = () => JSON.parse(readFileSync(join(home, 'sandbox', 'state.json'), 'utf8')) as State
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() >= end) return value
    await sleep(25)
  }
}

async function connect(state: State, member: State['members'][number]): Promise<Redis> {
  const ca = readFileSync(join(home, 'sandbox', 'ca.pem'), 'utf8')
  const auth = {password: await sandboxAccessKey(home, state, member.id)}
  return (await openConnection({id: member.id, host: member.host, port: member.port, tls: true, ca, auth}, {timeoutMs: 5000})).client
}

interface MemberStatus {
  name: string
  ping: string
  replication: string | null
  outage: string | null
  lagMs: number | null
  lagOverridden: boolean
}

async function status(): Promise<{code: number | null; members: MemberStatus[]}> {
  const r = await cli(['sandbox', 'status', '--json'])
  return {code: r.code, members: json<{members: MemberStatus[]}>(r, 'status').members}
}

let state: State
let clients: Redis[] = []
const [westus2, eastus, northeurope] = [0, 1, 2]

beforeAll(async () => {
  const r = await cli(['sandbox', 'up', '--lag-ms', String(LAG_MS), '--json'], {timeoutMs: STEP_MS + 10_000})
  expect(r.code, r.stderr).toBe(0)
  state = readState()
  clients = await Promise.all(state.members.slice(0, 3).map((m) => connect(state, m)))
}, STEP_MS + 20_000)

afterAll(async () => {
  for (const client of clients) client.disconnect()
  const recorded = existsSync(join(home, 'sandbox', 'state.json')) ? readState() : null
  const down = await cli(['sandbox', 'down', '--json']).catch(() => null)
  const pids = recorded ? [recorded.emulator.process?.pid, recorded.replicator?.pid, ...recorded.members.map((m) => m.process?.pid)] : []
  for (const pid of pids.filter((p): p is number => typeof p === 'number')) {
    let running = true
    try {
      process.kill(pid, 0)
    } catch {
      running = false
    }
    if (running && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(home)) process.kill(pid, 'SIGKILL')
  }
  rmSync(home, {recursive: true, force: true})
  rmSync(empty, {recursive: true, force: true})
  expect(down?.code).toBe(0)
}, 60_000)

// one operator's drill session: each step acts on what the one before left
describe('sandbox drills: isolate, lag, load', {shuffle: false}, () => {
  it('refuses a bad delay, the standalone cache and an unknown member with exit 2, changing nothing', async () => {
    for (const args of [
      ['sandbox', 'lag', 'eastus', '60001'],
      ['sandbox', 'lag', 'eastus', '-5'],
      ['sandbox', 'lag', 'eastus', 'soon'],
      ['sandbox', 'lag', 'sandbox-standalone', '100'],
      ['sandbox', 'lag', 'antarctica', '100'],
      ['sandbox', 'outage', 'sandbox-standalone', '--mode', 'isolate'],
    ]) {
      const r = await cli([...args, '--json'])
      expect(r.code, args.join(' ')).toBe(2)
      expect(json<{error: {exitCode: number}}>(r).error.exitCode).toBe(2)
    }
    const seen = await status()
    expect(seen.code).toBe(0)
    expect(seen.members.map((m) => [m.lagMs, m.lagOverridden, m.outage])).toEqual([
      [LAG_MS, false, null],
      [LAG_MS, false, null],
      [LAG_MS, false, null],
      [null, false, null],
    ])
  }, 4 * STEP_MS)

  it('isolates a member: its Redis and ARM answer, nothing is copied to or from it', async () => {
    const r = await cli(['sandbox', 'outage', 'westus2', '--mode', 'isolate', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(json(r, 'outage')).toMatchObject({mode: 'isolate', arm: 'normal', redis: 'answering', replicationCut: true, alreadyInOutage: false})
    const key = `drill:${Date.now()}`
    await clients[westus2].set(`${key}:local`, 'stays')
    await clients[eastus].set(`${key}:elsewhere`, 'not-to-westus2')
    expect(await until(() => clients[northeurope].get(`${key}:elsewhere`), (v) => v !== null, 3000)).toBe('not-to-westus2')
    await sleep(LAG_MS * 5)
    expect(await clients[westus2].get(`${key}:elsewhere`)).toBeNull()
    expect(await clients[eastus].get(`${key}:local`)).toBeNull()
    expect(await clients[northeurope].get(`${key}:local`)).toBeNull()
    expect(await clients[westus2].get(`${key}:local`)).toBe('stays')

    const seen = await status()
    expect(seen.code).toBe(1)
    expect(seen.members[westus2]).toMatchObject({ping: 'ok', replication: 'isolated', outage: 'isolate'})
    expect(seen.members[eastus]).toMatchObject({ping: 'ok', replication: 'replicating'})
    const inventory = await cli(['inventory', '--profile', 'sandbox', '--json'])
    expect(inventory.code, inventory.stderr).toBe(0)
  }, 4 * STEP_MS)

  it('loads the members that answer, so used memory grows, and sums it up as JSON', async () => {
    const used = async () => Number(/used_memory:(\d+)/.exec(await clients[eastus].info('memory'))![1])
    const before = await used()
    const r = await cli(['sandbox', 'load', '--rate', '200', '--value-bytes', '4096', '--duration', '2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const load = json<{sent: number; succeeded: number; failed: number; bytes: number; prefix: string; members: {name: string; sent: number}[]}>(r, 'load')
    expect(load.failed).toBe(0)
    expect(load.sent).toBeGreaterThanOrEqual(300)
    expect(load.sent).toBeLessThanOrEqual(400)
    expect(load.bytes).toBe(load.succeeded * 4096)
    expect(load.members.map((m) => m.name)).toEqual(['sandbox-westus2', 'sandbox-eastus', 'sandbox-northeurope'])
    // eastus holds its own third and northeurope's copies: at least half the load
    expect(await until(used, (v) => v - before > load.bytes / 2, 5000)).toBeGreaterThan(before + load.bytes / 2)
    expect(await clients[eastus].keys(`${load.prefix}*`)).not.toHaveLength(0)
  }, 2 * STEP_MS)

  it('restore ends the isolation: the member is resynced from a peer', async () => {
    const r = await cli(['sandbox', 'restore', 'westus2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const restored = json<{restored: {from: string; redis: string; replication: string; resync: {ok: boolean} | null}[]}>(r, 'restore').restored
    expect(restored).toMatchObject([{from: 'isolate', redis: 'kept running', replication: 'replicating', resync: {ok: true}}])
    expect(await clients[westus2].dbsize()).toBe(await clients[eastus].dbsize())
    const key = `drill:${Date.now()}:after`
    await clients[westus2].set(key, 'flows')
    expect(await until(() => clients[eastus].get(key), (v) => v !== null, 3000)).toBe('flows')
    expect((await status()).code).toBe(0)
  }, 2 * STEP_MS)

  it('sandbox lag delays copies to and from one member at run time, and 0 gives back the group delay', async () => {
    const r = await cli(['sandbox', 'lag', 'eastus', '1500', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(json(r, 'lag')).toMatchObject({lagMs: 1500, groupLagMs: LAG_MS, previousMs: LAG_MS, applied: true})
    expect((await status()).members[eastus]).toMatchObject({lagMs: 1500, lagOverridden: true})
    const human = await cli(['sandbox', 'status'])
    expect(human.stdout).toMatch(/replication delay 1500 ms/)

    const key = `drill:${Date.now()}:lag`
    const written = Date.now()
    await clients[westus2].set(key, 'slow-to-eastus')
    await until(() => clients[northeurope].get(key), (v) => v !== null, 3000)
    expect(Date.now() - written).toBeLessThan(1000)
    expect(await clients[eastus].get(key)).toBeNull()
    expect(await until(() => clients[eastus].get(key), (v) => v !== null, 5000)).toBe('slow-to-eastus')
    expect(Date.now() - written).toBeGreaterThanOrEqual(1400)

    const reset = await cli(['sandbox', 'lag', 'eastus', '0', '--json'])
    expect(json(reset, 'lag')).toMatchObject({lagMs: LAG_MS, previousMs: 1500, applied: true})
    expect((await status()).members[eastus]).toMatchObject({lagMs: LAG_MS, lagOverridden: false})
  }, 4 * STEP_MS)

  it('load skips a member stopped by an outage drill, names it, and loads the survivors', async () => {
    const outage = await cli(['sandbox', 'outage', 'northeurope', '--json'])
    expect(outage.code, outage.stderr).toBe(0)
    try {
      const r = await cli(['sandbox', 'load', '--rate', '50', '--value-bytes', '256', '--duration', '1', '--json'])
      expect(r.code, r.stderr).toBe(0)
      const load = json<{sent: number; failed: number; members: {name: string}[]; skipped: {name: string; error: string}[]}>(r, 'load')
      expect(load.members.map((m) => m.name)).toEqual(['sandbox-westus2', 'sandbox-eastus'])
      expect(load.skipped.map((s) => s.name)).toEqual(['sandbox-northeurope'])
      expect([load.sent, load.failed]).toEqual([50, 0])
      const named = await cli(['sandbox', 'load', '--rate', '10', '--value-bytes', '10', '--duration', '1', '--member', 'northeurope', '--json'])
      expect(named.code).toBe(1)
    } finally {
      const restore = await cli(['sandbox', 'restore', 'northeurope', '--json'])
      expect(restore.code, restore.stderr).toBe(0)
    }
  }, 4 * STEP_MS)

  it('load refuses flags out of bounds, and no sandbox, with exit 2', async () => {
    const ok = ['--rate', '10', '--value-bytes', '10', '--duration', '1']
    for (const [args, dir] of [
      [['--rate', '0', '--value-bytes', '10', '--duration', '1'], home],
      [['--rate', '10', '--value-bytes', '2000000', '--duration', '1'], home],
      [['--rate', '10', '--value-bytes', '10', '--duration', '3601'], home],
      [['--rate', '10000', '--value-bytes', '1048576', '--duration', '3600'], home],
      [['--rate', '10', '--duration', '1'], home],
      [[...ok, '--member', 'antarctica'], home],
      [ok, empty],
    ] as const) {
      const r = await cli(['sandbox', 'load', ...args, '--json'], {}, dir)
      expect(r.code, `${args.join(' ')}\n${r.stdout}`).toBe(2)
    }
  }, 4 * STEP_MS)

  it('load stops cleanly on Ctrl-C with the summary so far and exit 130', async () => {
    const r = await cli(['sandbox', 'load', '--rate', '100', '--value-bytes', '64', '--duration', '60', '--member', 'eastus', '--json'], {
      interrupt: {afterMs: 2500},
    })
    expect(r.code, r.stderr).toBe(130)
    const load = json<{stoppedBy: string; sent: number; elapsedMs: number; members: {name: string}[]}>(r, 'load')
    expect(load.stoppedBy).toBe('SIGINT')
    expect(load.sent).toBeGreaterThan(0)
    expect(load.elapsedMs).toBeLessThan(10_000)
    expect(load.members.map((m) => m.name)).toEqual(['sandbox-eastus'])
  }, STEP_MS)
})
