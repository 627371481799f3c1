// `geo-redis serve` end to end: the built binary watches the sandbox group over HTTPS with a private CA and Basic auth,
// and answers as a client's lag-aware health check sees it while the drills isolate, stop, delay and load members.
// One sandbox and one serve under a temporary GEO_REDIS_HOME; serve stops on SIGTERM with exit 0, the sandbox is
// taken down, and every process started here is checked gone.
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Redis} from 'ioredis'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openConnection} from '../../src/redis/connect.js'
import {createCa, createLeaf} from '../../src/sandbox/certs.js'
import type {StatusDocument} from '../../src/domain/serve/status.js'
import {sandboxAccessKey} from '../helpers/sandbox-keys.js'
import {runCli, sandboxHomeEnv, type CliResult} from '../helpers/run-cli.js'
import {TmuxSession} from '../helpers/tmux.js'
import {expectSchema} from '../helpers/schema.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const STEP_MS = 20_000
const home = mkdtempSync(join(tmpdir(), 'geo-redis-serve-'))
const ca = createCa('serve e2e CA')
const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1']})
const auth = {user: 'health', password: 'serve-e2e-5b7c1f0e9d'}
const env = sandboxHomeEnv(home)
const cli = (args: string[], timeoutMs = STEP_MS): Promise<CliResult> => runCli(args, {env, timeoutMs})
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Member {
  id: string
  cluster: string
  location: string
  /** its loopback address */
  host: string
  /** its cluster's hostName as ARM reports it, <cluster>.<region>.redis.sandbox.geo-redis.test */
  hostName: string
  port: number
  process: {pid: number} | null
}
interface State {
  emulator: {url: string; process: {pid: number} | null}
  replicator: {pid: number} | null
  members: Member[]
  token: string
}

let serve: ChildProcess
let serveLog = ''
let base = ''
let state: State

/** A GET to serve over HTTPS, trusting only the private CA; Basic auth unless `anonymous`. */
function get(path: string, anonymous = false): Promise<{status: number; body: string; type: string}> {
  return new Promise((resolve, reject) => {
    const headers = anonymous ? {} : {authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`}
    const req = https.get(new URL(path, base), {ca: ca.cert, headers, timeout: 5000}, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body, type: String(res.headers['content-type'])}))
    })
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)))
    req.on('error', reject)
  })
}

interface Bdb {
  uid: number
  name: string
  endpoints: {dns_name: string; addr: string[]; port: number}[]
}

/** What a client does: GET /v1/bdbs, find its database by the host it connects to, then ask for its availability. */
async function clientCheck(member: Member, toleranceMs: number): Promise<{status: number; errorCode: string | null}> {
  const bdbs = JSON.parse((await get('/v1/bdbs')).body) as Bdb[]
  const bdb = bdbs.find((b) => b.endpoints.some((e) => (e.dns_name === member.host || e.addr.includes(member.host)) && e.port === member.port))
  if (!bdb) throw new Error(`no bdb for ${member.host}:${member.port} in ${JSON.stringify(bdbs)}`)
  const answer = await get(`/v1/bdbs/${bdb.uid}/availability?extend_check=lag&availability_lag_tolerance_ms=${toleranceMs}`)
  return {status: answer.status, errorCode: answer.status === 200 ? null : (JSON.parse(answer.body) as {error_code: string}).error_code}
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() >= end) return value
    await sleep(100)
  }
}

const member = (location: string) => state.members.find((m) => m.location.replace(/\s+/g, '').toLowerCase() === location)!
const statusDoc = async () => JSON.parse((await get('/v1/status')).body) as StatusDocument
const drill = async (args: string[]) => {
  const r = await cli(['sandbox', ...args, '--json'])
  expect(r.code, r.stderr).toBe(0)
}

function startServe(): Promise<void> {
  const files = {cert: join(home, 'serve.pem'), key: join(home, 'serve-key.pem'), auth: join(home, 'auth')}
  writeFileSync(files.cert, leaf.cert)
  writeFileSync(files.key, leaf.key)
  writeFileSync(files.auth, `${auth.user}:${auth.password}\n`)
  const args = ['serve', '--profile', 'sandbox', '--listen', '127.0.0.1:0', '--tls-cert', files.cert, '--tls-key', files.key, '--basic-auth-file', files.auth]
  // every debug switch on: the Basic credentials must still never show
  const vars: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...env, DEBUG: '*', NODE_DEBUG: 'http,net,tls'}
  for (const key of Object.keys(vars)) if (vars[key] === undefined) delete vars[key]
  serve = spawn(process.execPath, [BIN, ...args, '--runway-window', '8s', '--timeout-ms', '1000', '--lag-tolerance-ms', '1000'], {env: vars, stdio: ['ignore', 'pipe', 'pipe']})
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${serveLog}`)), STEP_MS)
    serve.stdout!.on('data', (d) => (serveLog += d))
    serve.stderr!.on('data', (d) => {
      serveLog += d
      const url = /serving .* on (https:\/\/\S+)/.exec(serveLog)?.[1]
      if (url && !base) {
        base = url
        clearTimeout(timer)
        resolve()
      }
    })
    serve.on('exit', () => reject(new Error(`serve exited:\n${serveLog}`)))
  })
}

beforeAll(async () => {
  const up = await cli(['sandbox', 'up', '--lag-ms', '100', '--json'], STEP_MS + 10_000)
  expect(up.code, up.stderr).toBe(0)
  state = JSON.parse(readFileSync(join(home, 'sandbox', 'state.json'), 'utf8')) as State
  await startServe()
}, 60_000)

afterAll(async () => {
  const recorded = state ? [state.emulator.process?.pid, state.replicator?.pid, ...state.members.map((m) => m.process?.pid)] : []
  let serveCode: number | null = null
  if (serve && serve.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => serve.once('exit', (code) => resolve(code)))
    serve.kill('SIGTERM')
    serveCode = await Promise.race([exited, sleep(10_000).then(() => -1)])
    if (serveCode === -1) serve.kill('SIGKILL')
  }
  const down = await cli(['sandbox', 'down', '--json']).catch(() => null)
  for (const pid of recorded.filter((p): p is number => typeof p === 'number')) {
    try {
      process.kill(pid, 0)
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(home)) process.kill(pid, 'SIGKILL')
    } catch {
      // gone, as it should be
    }
  }
  rmSync(home, {recursive: true, force: true})
  expect(serveCode, serveLog).toBe(0)
  expect(down?.code).toBe(0)
}, 60_000)

describe('serve against the sandbox', {shuffle: false}, () => {
  it('every member is available with the lag check at 1000 ms, as a client finds and asks it', async () => {
    for (const location of ['westus2', 'eastus', 'northeurope']) {
      expect(await until(() => clientCheck(member(location), 1000), (a) => a.status === 200, 5000)).toEqual({status: 200, errorCode: null})
    }
    // Basic auth is required (not on /healthz), an unknown uid is 404 db_not_found
    expect((await get('/v1/bdbs', true)).status).toBe(401)
    expect((await get('/healthz', true)).status).toBe(200)
    const unknown = await get('/v1/bdbs/7/availability')
    expect(unknown.status).toBe(404)
    expect(JSON.parse(unknown.body)).toMatchObject({error_code: 'db_not_found'})
    // each member's endpoint: its host name (dialled through the profile's map) and the address behind it, so a client
    // that matches by either finds its own member and no other
    const bdbs = JSON.parse((await get('/v1/bdbs')).body) as Bdb[]
    for (const m of state.members.filter((x) => x.cluster !== 'sandbox-standalone')) {
      const byName = bdbs.filter((b) => b.endpoints.some((e) => e.dns_name === m.hostName))
      expect(byName.map((b) => b.endpoints)).toEqual([[{dns_name: m.hostName, addr: [m.host], port: m.port}]])
      expect(bdbs.filter((b) => b.endpoints.some((e) => e.addr.includes(m.host)))).toEqual(byName)
    }
    const doc = await statusDoc()
    expectSchema('serve-status', doc)
    // the secret never shows in serve's log, in clear or as the header carries it
    expect(serveLog).not.toContain(auth.password)
    expect(serveLog).not.toContain(Buffer.from(`${auth.user}:${auth.password}`).toString('base64'))
  })

  it('an isolated member is 503 bdb_unavailable within 5 s while the other two stay 200; restored, 200 again', async () => {
    await drill(['outage', 'westus2', '--mode', 'isolate'])
    const began = Date.now()
    const isolated = await until(() => clientCheck(member('westus2'), 1000), (a) => a.status === 503, 5000)
    expect(isolated).toEqual({status: 503, errorCode: 'bdb_unavailable'})
    expect(Date.now() - began).toBeLessThan(5000)
    for (const location of ['eastus', 'northeurope']) expect(await clientCheck(member(location), 1000)).toEqual({status: 200, errorCode: null})
    await drill(['restore', 'westus2'])
    expect(await until(() => clientCheck(member('westus2'), 1000), (a) => a.status === 200, 10_000)).toEqual({status: 200, errorCode: null})
  }, 40_000)

  it('a stopped member is 503 bdb_endpoint_unavailable', async () => {
    await drill(['outage', 'northeurope'])
    expect(await until(() => clientCheck(member('northeurope'), 1000), (a) => a.status === 503, 5000)).toEqual({status: 503, errorCode: 'bdb_endpoint_unavailable'})
    await drill(['restore', 'northeurope'])
    expect(await until(() => clientCheck(member('northeurope'), 1000), (a) => a.status === 200, 10_000)).toEqual({status: 200, errorCode: null})
  }, 40_000)

  it('a member 2 s behind is 503 at tolerance 500 ms and 200 at 5000 ms', async () => {
    await drill(['lag', 'eastus', '2000'])
    expect(await until(() => clientCheck(member('eastus'), 500), (a) => a.status === 503, 8000)).toEqual({status: 503, errorCode: 'bdb_unavailable'})
    expect(await clientCheck(member('eastus'), 5000)).toEqual({status: 200, errorCode: null})
    await drill(['lag', 'eastus', '0'])
    expect(await until(() => clientCheck(member('eastus'), 1000), (a) => a.status === 200, 10_000)).toEqual({status: 200, errorCode: null})
  }, 40_000)

  it('/metrics is Prometheus text with the per-member series', async () => {
    // a member just restored has no growth rate until the runway window holds enough samples again, and one whose
    // delay was just lifted catches up first
    const complete = (r: {body: string}) =>
      (r.body.match(/^geo_redis_member_memory_growth_bytes_per_minute\{/gm) ?? []).length === 3 && r.body.includes('geo_redis_group_members_linked{group="sandbox-geo"} 3')
    const metrics = await until(() => get('/metrics'), complete, 15_000)
    expect(metrics.status).toBe(200)
    expect(metrics.type).toMatch(/^text\/plain/)
    const samples = metrics.body.split('\n').filter((l) => l && !l.startsWith('#'))
    // every sample line: name{labels} value
    for (const line of samples) expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+-]+|NaN$/)
    const series = (name: string) => samples.filter((l) => l.startsWith(`${name}{`))
    for (const name of ['geo_redis_member_up', 'geo_redis_member_ping_seconds', 'geo_redis_member_used_memory_bytes', 'geo_redis_member_memory_headroom_ratio', 'geo_redis_member_memory_growth_bytes_per_minute']) {
      expect(series(name), name).toHaveLength(3)
    }
    expect(series('geo_redis_replication_lag_seconds')).toHaveLength(6)
    expect(series('geo_redis_group_members_linked')).toEqual(['geo_redis_group_members_linked{group="sandbox-geo"} 3'])
    expect(samples.some((l) => l.startsWith('geo_redis_serve_process_resident_memory_bytes'))).toBe(true)
  }, 30_000)

  it('watch: JSON lines of status documents, plain lines when piped, Ctrl-C exits 130', async () => {
    const lines = await runCli(['watch', '--profile', 'sandbox', '--json', '--count', '2', '--refresh-ms', '300'], {env, timeoutMs: STEP_MS})
    expect(lines.code, lines.stderr).toBe(0)
    const docs = lines.stdout.trim().split('\n').map((l) => JSON.parse(l) as StatusDocument)
    expect(docs).toHaveLength(2)
    for (const doc of docs) expectSchema('serve-status', doc)
    expect(docs[1].groups[0].members.map((m) => m.label)).toEqual(['eastus', 'northeurope', 'westus2'])
    const plain = await runCli(['watch', '--profile', 'sandbox', '--count', '1'], {env, timeoutMs: STEP_MS})
    expect(plain.code, plain.stderr).toBe(0)
    expect(plain.stdout.trim().split('\n')).toHaveLength(3)
    expect(plain.stdout).toMatch(/sandbox-geo eastus up ping=\S+ lag=\[northeurope \d+ ms, westus2 \d+ ms\] used=/)
    const stopped = await runCli(['watch', '--profile', 'sandbox'], {env, timeoutMs: STEP_MS, interrupt: {when: /sandbox-geo/, signal: 'SIGINT'}})
    expect(stopped.code).toBe(130)
  }, 60_000)

  it('watch on a terminal: one table redrawn in place', async () => {
    const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))
    const command = [process.execPath, BIN, 'watch', '--profile', 'sandbox', '--refresh-ms', '300', '--count', '6']
    const session = TmuxSession.start({command, env: vars, unset: ['CI'], cwd: home, width: 160, height: 40})
    try {
      // Ctrl-C (130) is covered off a terminal above: here /bin/sh would take the signal too, and no status be left
      expect(await session.waitForExit()).toBe(0)
      // six frames drawn on the alternate screen, the last left once on the normal one: one table in all the pane
      // ever showed, its history included
      const shown = session.capture()
      expect(shown.match(/lag to each peer/g)).toHaveLength(1)
      // box borders or plain columns: CI sets NO_COLOR, which plain tables honour
      expect(shown).toMatch(/eastus\s+(│\s*)?up/)
    } finally {
      session.kill()
    }
  }, 30_000)

  it('watch --group-file: the same members without ARM, credentials by reference', async () => {
    const members = ['westus2', 'eastus', 'northeurope'].map(member)
    const keys = await Promise.all(members.map((m) => sandboxAccessKey(home, state, m.id)))
    const file = join(home, 'groups.json')
    const spec = {
      groups: [
        {
          nickname: 'filed',
          members: members.map((m, i) => ({name: m.cluster, region: m.location, host: m.host, port: m.port, tls: true, ca: join(home, 'sandbox', 'ca.pem'), password: {env: `SERVE_E2E_KEY_${i}`}})),
        },
      ],
    }
    writeFileSync(file, JSON.stringify(spec))
    const keyEnv = Object.fromEntries(keys.map((k, i) => [`SERVE_E2E_KEY_${i}`, k]))
    const r = await runCli(['watch', '--group-file', file, '--json', '--count', '3', '--refresh-ms', '500', '--lag-tolerance-ms', '1000'], {env: {...env, ...keyEnv}, timeoutMs: STEP_MS})
    expect(r.code, r.stderr).toBe(0)
    const last = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as StatusDocument
    expect(last.groups[0].nickname).toBe('filed')
    expect(last.groups[0].members.map((m) => [m.up, m.availability.available])).toEqual([[true, true], [true, true], [true, true]])
    for (const k of keys) expect(r.stdout + r.stderr).not.toContain(k)
  }, 30_000)

  it('bad flags exit 2 before anything is started', async () => {
    for (const args of [
      ['--listen', '0.0.0.0:9443'],
      ['--listen', 'nowhere'],
      ['--listen', '127.0.0.1:9443', '--basic-auth-file', join(home, 'missing')],
      ['--listen', '127.0.0.1:9443', '--tls-cert', join(home, 'serve.pem')],
      ['--interval-ms', '0'],
    ]) {
      const r = await runCli(['serve', '--profile', 'sandbox', ...args], {env, timeoutMs: STEP_MS})
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2)
    }
  }, 60_000)

  it('during an outage with load, the survivors grow and the runway is within 25% of when the threshold is reached', async () => {
    await drill(['outage', 'northeurope'])
    const survivors = ['westus2', 'eastus']
    const clients: Redis[] = await Promise.all(survivors.map((l) => connect(member(l))))
    try {
      // a threshold (85%) about 80 MB above what each survivor uses now
      for (const client of clients) {
        const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1])
        await client.config('SET', 'maxmemory', String(Math.round((used + 80 * 2 ** 20) / 0.85)))
      }
      const load = cli(['sandbox', 'load', '--rate', '300', '--value-bytes', '8192', '--duration', '50', '--json'], 70_000)
      // the runway window (8 s) all within the load
      await sleep(10_000)
      const estimatedAt = Date.now()
      const estimate = (await statusDoc()).groups[0].members.filter((m) => survivors.includes(m.label))
      for (const m of estimate) {
        expect(m.memory.growthBytesPerMin, m.label).toBeGreaterThan(0)
        expect(m.memory.minutesToThreshold, m.label).toBeGreaterThan(0)
      }
      const predicted = estimatedAt + estimate[0].memory.minutesToThreshold! * 60_000
      const reached = await until(statusDoc, (d) => d.groups[0].members.find((m) => m.label === estimate[0].label)!.memory.minutesToThreshold === 0, 50_000)
      const actual = Date.now()
      expect(reached.groups[0].members.find((m) => m.label === estimate[0].label)!.memory.minutesToThreshold).toBe(0)
      expect(Math.abs(predicted - actual), `predicted ${predicted - estimatedAt} ms, reached after ${actual - estimatedAt} ms`).toBeLessThanOrEqual(0.25 * (actual - estimatedAt))
      await load
    } finally {
      await Promise.all(clients.map((c) => c.config('SET', 'maxmemory', '0').finally(() => c.disconnect())))
      await drill(['restore', 'northeurope'])
    }
  }, 120_000)
})

async function connect(m: Member): Promise<Redis> {
  const sandboxCa = readFileSync(join(home, 'sandbox', 'ca.pem'), 'utf8')
  return (await openConnection({id: m.id, host: m.host, port: m.port, tls: true, ca: sandboxCa, auth: {password: await sandboxAccessKey(home, state, m.id)}}, {timeoutMs: 5000})).client
}
