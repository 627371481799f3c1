// The sandbox end to end, as an operator uses it: the built CLI starts real background processes (ARM emulator,
// redis-servers, replicator) under a temporary GEO_REDIS_HOME, other commands use them through the profile, and
// `sandbox down` leaves no process and no bound port behind. Never touches the system's Redis.
import {spawnSync} from 'node:child_process'
import {X509Certificate} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync} from 'node:fs'
import https from 'node:https'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openConnection} from '../../src/redis/connect.js'
import {sandboxAccessKey} from '../helpers/sandbox-keys.js'
import {runCli, sandboxHomeEnv, type CliResult} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const STEP_MS = 20_000
const LAG_MS = 200

interface State {
  emulator: {url: string; port: number; process: {pid: number} | null}
  replicator: {pid: number} | null
  members: {id: string; cluster: string; location: string; role: string; host: string; hostName: string; port: number; process: {pid: number} | null}[]
  token: string
}

const homes: string[] = []

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'geo-redis-sandbox-'))
  homes.push(home)
  return home
}

function cli(home: string, args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, {env: sandboxHomeEnv(home, extra), timeoutMs: STEP_MS})
}

function json<T = Record<string, unknown>>(r: CliResult, schemaName?: string): T {
  let data: T
  try {
    data = JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
  if (schemaName) expectSchema(`sandbox-${schemaName}`, data)
  return data
}

const statePath = (home: string) => join(home, 'sandbox', 'state.json')
const readStateFile = (home: string) => JSON.parse(readFileSync(statePath(home), 'utf8')) as State

function pidsOf(state: State): number[] {
  return [state.emulator.process?.pid, state.replicator?.pid, ...state.members.map((m) => m.process?.pid)].filter(
    (p): p is number => typeof p === 'number',
  )
}

/** Alive and not a zombie waiting to be reaped by init. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')
  } catch {
    return ''
  }
}

async function portFree(host: string, port: number): Promise<boolean> {
  const server = createServer()
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false))
    server.listen(port, host, () => resolve(true))
  })
  await new Promise((resolve) => server.close(resolve))
  return ok
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() >= end) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function connectMember(home: string, state: State, member: State['members'][number]) {
  const primaryKey = await sandboxAccessKey(home, state, member.id)
  const {client} = await openConnection(
    {id: member.id, host: member.host, port: member.port, tls: true, ca: readFileSync(join(home, 'sandbox', 'ca.pem'), 'utf8'), auth: {password: primaryKey}},
    {timeoutMs: 5000},
  )
  return client
}

/** An ARM POST on the sandbox's emulator, then its Azure-AsyncOperation polled to the end. */
async function armOperation(home: string, state: State, path: string, body: unknown): Promise<string> {
  const ca = readFileSync(join(home, 'sandbox', 'ca.pem'))
  const request = (method: string, url: URL, payload?: string) =>
    new Promise<{status: number; headers: Record<string, string | string[] | undefined>; body: string}>((resolve, reject) => {
      const req = https.request(
        url,
        {method, ca, headers: {authorization: `Bearer ${state.token}`, ...(payload ? {'content-type': 'application/json'} : {})}, timeout: 5000},
        (res) => {
          let text = ''
          res.on('data', (c) => (text += c))
          res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: text}))
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  const started = await request('POST', new URL(`${path}?api-version=2025-07-01`, state.emulator.url), JSON.stringify(body))
  expect(started.status, started.body).toBe(202)
  const statusUrl = new URL(String(started.headers['azure-asyncoperation']))
  for (let i = 0; i < 50; i++) {
    const poll = JSON.parse((await request('GET', statusUrl)).body) as {status: string}
    if (poll.status !== 'InProgress') return poll.status
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return 'InProgress'
}

afterAll(async () => {
  for (const home of homes) {
    const state = existsSync(statePath(home)) ? readStateFile(home) : null
    await cli(home, ['sandbox', 'down']).catch(() => undefined)
    // last resort: recorded pids that are still ours (their command line names the sandbox)
    for (const pid of state ? pidsOf(state) : []) {
      const line = cmdline(pid)
      if (alive(pid) && (line.includes('geo-redis-sandbox') || line.includes(home))) process.kill(pid, 'SIGKILL')
    }
    rmSync(home, {recursive: true, force: true})
  }
}, 60_000)

// one operator's session: each step acts on what the one before left (an outage, then its restore, then down), so its
// order is the story, kept when the suite is shuffled
describe('sandbox: up, use, drill, down', {shuffle: false}, () => {
  const home = newHome()
  let state: State
  let up: {members: {name: string; role: string; region: string; host: string; hostName: string; port: number; pid: number | null}[]; next: string[]; caPath: string}

  beforeAll(async () => {
    const r = await cli(home, ['sandbox', 'up', '--json'])
    expect(r.code, r.stderr).toBe(0)
    up = json(r, 'up')
    state = readStateFile(home)
  }, STEP_MS + 5000)

  it('starts three members in three regions and a standalone cache, and saves the profile', () => {
    expect(up.members.map((m) => [m.name, m.role, m.region])).toEqual([
      ['sandbox-westus2', 'member', 'West US 2'],
      ['sandbox-eastus', 'member', 'East US'],
      ['sandbox-northeurope', 'member', 'North Europe'],
      ['sandbox-standalone', 'standalone', 'West US 2'],
    ])
    for (const pid of pidsOf(state)) expect(alive(pid)).toBe(true)
    expect(pidsOf(state)).toHaveLength(6)
    expect(up.next).toContain('geo-redis inventory --profile sandbox')
    const profile = JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')).profiles.sandbox
    expect(profile).toMatchObject({armEndpoint: state.emulator.url, caPath: up.caPath})
    const claims = JSON.parse(Buffer.from(profile.accessToken.split('.')[1], 'base64url').toString('utf8'))
    expect(claims).toMatchObject({upn: 'sandbox-operator@geo-redis.local', appid: expect.any(String), oid: expect.stringMatching(/^[0-9a-f-]{36}$/)})
  })

  it('gives each member a host name of its own under .test, which the profile maps to its address and the certificate names', async () => {
    const names = state.members.map((m) => m.hostName)
    expect(names).toEqual(state.members.map((m) => `${m.cluster}.${m.location.replace(/\s/g, '').toLowerCase()}.redis.sandbox.geo-redis.test`))
    expect(up.members.map((m) => [m.hostName, m.host])).toEqual(state.members.map((m) => [m.hostName, m.host]))
    const profile = JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')).profiles.sandbox
    expect(profile.hosts).toEqual(Object.fromEntries(state.members.map((m) => [m.hostName, m.host])))
    // the names, and the addresses as before
    const sans = new X509Certificate(readFileSync(join(home, 'sandbox', 'tls', 'server.pem'))).subjectAltName!.split(', ')
    for (const m of state.members) expect(sans).toEqual(expect.arrayContaining([`DNS:${m.hostName}`, `IP Address:${m.host}`]))
    // ARM reports the names, and geo-redis reaches them through the profile's map (TLS verified against the name)
    const r = await cli(home, ['probe', '--profile', 'sandbox', '--group', 'sandbox-geo', '--samples', '1', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const probe = json<{members: {endpoint: string; reachable: boolean}[]}>(r)
    expect(probe.members.map((m) => [m.endpoint, m.reachable]).sort()).toEqual(state.members.slice(0, 3).map((m) => [`${m.hostName}:10000`, true]).sort())
  }, STEP_MS)

  it('status right after up shows every group member replicating', async () => {
    const r = await cli(home, ['sandbox', 'status', '--json'])
    expect(r.code, r.stdout).toBe(0)
    const status = json<{members: {role: string; replicating: boolean | null; replication: string | null}[]}>(r, 'status')
    expect(status.members.map((m) => [m.role, m.replication, m.replicating])).toEqual([
      ['member', 'replicating', true],
      ['member', 'replicating', true],
      ['member', 'replicating', true],
      ['standalone', null, null],
    ])
  })

  it('is one healthy group of three plus a standalone cache for inventory, by flag or environment', async () => {
    for (const r of [
      await cli(home, ['inventory', '--profile', 'sandbox', '--json']),
      await cli(home, ['inventory', '--json'], {GEO_REDIS_PROFILE: 'sandbox'}),
    ]) {
      expect(r.code, r.stderr).toBe(0)
      const inventory = json<{groups: {nickname: string; status: string; members: unknown[]}[]; standalone: unknown[]; errors: unknown[]}>(r)
      expect(inventory.groups.map((g) => [g.nickname, g.status, g.members.length])).toEqual([['sandbox-geo', 'healthy', 3]])
      expect(inventory.standalone).toHaveLength(1)
      expect(inventory.errors).toEqual([])
    }
  }, 2 * STEP_MS)

  it('copies a write on one member to the others after about the lag, deletes too', async () => {
    const [a, b, c] = await Promise.all(state.members.slice(0, 3).map((m) => connectMember(home, state, m)))
    try {
      const key = `e2e:${Date.now()}`
      const written = Date.now()
      await a.set(key, 'from-westus2', 'PX', 600_000)
      const seen = await until(async () => [await b.get(key), await c.get(key)], (v) => v.every((x) => x === 'from-westus2'), LAG_MS + 3000)
      const elapsed = Date.now() - written
      expect(seen).toEqual(['from-westus2', 'from-westus2'])
      expect(elapsed).toBeLessThan(LAG_MS + 3000)
      expect(await c.pttl(key)).toBeGreaterThan(590_000)

      await b.set(`${key}:b`, 'from-eastus')
      expect(await until(() => a.get(`${key}:b`), (v) => v === 'from-eastus', LAG_MS + 3000)).toBe('from-eastus')
      await c.del(key)
      expect(await until(async () => [await a.exists(key), await b.exists(key)], (v) => v.every((x) => x === 0), LAG_MS + 3000)).toEqual([0, 0])
      // nothing bounced: a's copy of the eastus key was written once (by the replicator)
      await new Promise((resolve) => setTimeout(resolve, LAG_MS * 2))
      expect(await a.get(`${key}:b`)).toBe('from-eastus')
      expect(await a.dbsize()).toBe(1)
    } finally {
      for (const client of [a, b, c]) client.disconnect()
    }
  }, 3 * STEP_MS)

  it('refuses an unknown member with exit 2 and lists the members', async () => {
    const r = await cli(home, ['sandbox', 'outage', 'Antarctica', '--json'])
    expect(r.code).toBe(2)
    const {error} = json<{error: {code: string; suggestion: string}}>(r)
    expect(error.code).toBe('UnknownMember')
    for (const name of ['sandbox-westus2', 'sandbox-eastus', 'sandbox-northeurope', 'sandbox-standalone']) expect(error.suggestion).toContain(name)
  })

  it('refuses a second up while one runs, with exit 2', async () => {
    const r = await cli(home, ['sandbox', 'up', '--json'])
    expect(r.code).toBe(2)
    const {error} = json<{error: {code: string; suggestion: string}}>(r)
    expect(error.code).toBe('SandboxRunning')
    expect(error.suggestion).toContain('geo-redis sandbox status')
    expect(error.suggestion).toContain('geo-redis sandbox down')
    // and it did not disturb the running one
    for (const pid of pidsOf(state)) expect(alive(pid)).toBe(true)
  })

  it('status shows every process up', async () => {
    const r = await cli(home, ['sandbox', 'status', '--json'])
    expect(r.code, r.stdout).toBe(0)
    const status = json<{running: boolean; members: {ping: string}[]; problems: string[]}>(r, 'status')
    expect(status.running).toBe(true)
    expect(status.members.map((m) => m.ping)).toEqual(['ok', 'ok', 'ok', 'ok'])
  }, STEP_MS)

  it('an outage of North Europe makes the group incomplete (exit 1) while the survivors keep replicating', async () => {
    const neu = state.members[2]
    const r = await cli(home, ['sandbox', 'outage', 'North Europe', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const outage = json<{member: {name: string}; arm: string; redis: string}>(r, 'outage')
    expect(outage).toMatchObject({member: {name: 'sandbox-northeurope'}, arm: 'error', redis: 'stopped'})
    expect(alive(neu.process!.pid)).toBe(false)

    const inv = await cli(home, ['inventory', '--profile', 'sandbox', '--json'])
    expect(inv.code).toBe(1)
    const inventory = json<{groups: {status: string; members: {id: string}[]; unresolved: string[]}[]; errors: {scope: string; code: string}[]}>(inv)
    expect(inventory.groups).toHaveLength(1)
    expect(inventory.groups[0].status).toBe('incomplete')
    expect(inventory.groups[0].members).toHaveLength(2)
    expect(inventory.groups[0].unresolved.map((id) => id.toLowerCase())).toEqual([neu.id.toLowerCase()])
    expect(inventory.errors.map((e) => [e.scope.toLowerCase().endsWith('/sandbox-northeurope'), e.code])).toEqual([[true, 'ServiceUnavailable']])

    const status = await cli(home, ['sandbox', 'status', '--json'])
    expect(status.code).toBe(1)
    expect(json<{problems: string[]}>(status, 'status').problems.join('\n')).toMatch(/sandbox-northeurope/)

    const [a, b] = await Promise.all(state.members.slice(0, 2).map((m) => connectMember(home, state, m)))
    try {
      await a.set('during-outage', 'yes')
      expect(await until(() => b.get('during-outage'), (v) => v === 'yes', LAG_MS + 3000)).toBe('yes')
    } finally {
      a.disconnect()
      b.disconnect()
    }
  }, 4 * STEP_MS)

  it('restore brings the member back on the same port, resynced, and the group healthy', async () => {
    const r = await cli(home, ['sandbox', 'restore', 'northeurope', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const restore = json<{restored: {member: {name: string; port: number}; redis: string; replicating: boolean}[]}>(r, 'restore')
    expect(restore.restored).toEqual([
      expect.objectContaining({
        member: expect.objectContaining({name: 'sandbox-northeurope', port: state.members[2].port}),
        redis: 'restarted',
        replicating: true,
        replication: 'replicating',
        resync: expect.objectContaining({ok: true, from: expect.stringMatching(/^sandbox-(westus2|eastus)$/)}),
      }),
    ])

    const inv = await cli(home, ['inventory', '--profile', 'sandbox', '--json'])
    expect(inv.code, inv.stderr).toBe(0)
    expect(json<{groups: {status: string}[]}>(inv).groups.map((g) => g.status)).toEqual(['healthy'])

    const neu = await connectMember(home, state, state.members[2])
    try {
      expect(await until(() => neu.get('during-outage'), (v) => v === 'yes', 3000)).toBe('yes')
    } finally {
      neu.disconnect()
    }
    state = readStateFile(home)
  }, 3 * STEP_MS)

  it('a force-unlinked member keeps its writes to itself; force-link discards its data and rejoins it', async () => {
    const [w, e, n] = state.members
    expect(await armOperation(home, state, `${w.id}/forceUnlink`, {ids: [n.id]})).toBe('Succeeded')
    const [a, b, c] = await Promise.all([w, e, n].map((m) => connectMember(home, state, m)))
    try {
      // the replicator re-reads the world within a fraction of a second
      await new Promise((resolve) => setTimeout(resolve, 500))
      await c.set('island', 'northeurope-only')
      await a.set('apart', 'group-only')
      expect(await until(() => b.get('apart'), (v) => v === 'group-only', LAG_MS + 3000)).toBe('group-only')
      await new Promise((resolve) => setTimeout(resolve, LAG_MS * 3))
      expect(await a.get('island')).toBeNull()
      expect(await c.get('apart')).toBeNull()

      const linked = await armOperation(home, state, `${n.id}/forceLinkToReplicationGroup`, {
        geoReplication: {groupNickname: 'sandbox-geo', linkedDatabases: [{id: w.id}, {id: e.id}]},
      })
      expect(linked).toBe('Succeeded')
      // the joining member's data was discarded and it holds what the group holds
      expect(await until(() => c.get('apart'), (v) => v === 'group-only', 3000)).toBe('group-only')
      expect(await c.get('island')).toBeNull()
      await c.set('rejoined', 'yes')
      expect(await until(() => a.get('rejoined'), (v) => v === 'yes', LAG_MS + 3000)).toBe('yes')
    } finally {
      for (const client of [a, b, c]) client.disconnect()
    }
    const inv = await cli(home, ['inventory', '--profile', 'sandbox', '--json'])
    expect(inv.code, inv.stderr).toBe(0)
    expect(json<{groups: {status: string}[]}>(inv).groups.map((g) => g.status)).toEqual(['healthy'])
  }, 3 * STEP_MS)

  it('after a force-unlink, restore says the member is linked to no member, and status agrees', async () => {
    const [w, , n] = state.members
    expect((await cli(home, ['sandbox', 'outage', 'North Europe'])).code).toBe(0)
    expect(await armOperation(home, state, `${w.id}/forceUnlink`, {ids: [n.id]})).toBe('Succeeded')
    const r = await cli(home, ['sandbox', 'restore', 'North Europe', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const restored = json<{restored: {replicating: boolean; replication: string; resync: unknown}[]}>(r, 'restore').restored
    expect(restored).toEqual([expect.objectContaining({replicating: false, replication: 'not linked'})])
    const text = await cli(home, ['sandbox', 'status'])
    expect(text.stdout).not.toMatch(/resynced/)
    const status = json<{members: {name: string; replication: string | null}[]}>(await cli(home, ['sandbox', 'status', '--json']), 'status')
    expect(status.members.map((m) => [m.name, m.replication])).toEqual([
      ['sandbox-westus2', 'replicating'],
      ['sandbox-eastus', 'replicating'],
      ['sandbox-northeurope', 'not linked'],
      ['sandbox-standalone', null],
    ])
    state = readStateFile(home)
  }, 4 * STEP_MS)

  it('down stops every process it started, frees every port, removes state and profile; again: nothing to do', async () => {
    const before = readStateFile(home)
    const pids = pidsOf(before)
    const ports = [{host: '127.0.0.1', port: before.emulator.port}, ...before.members.map((m) => ({host: m.host, port: m.port}))]
    expect(pids).toHaveLength(6)

    const r = await cli(home, ['sandbox', 'down', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const down = json<{nothingToDo: boolean; stopped: {pid: number; result: string}[]; survivors: unknown[]}>(r, 'down')
    expect(down.nothingToDo).toBe(false)
    expect(down.survivors).toEqual([])
    expect(down.stopped.map((s) => s.pid).sort()).toEqual([...pids].sort())

    for (const pid of pids) expect(alive(pid), `pid ${pid} ${cmdline(pid)}`).toBe(false)
    for (const {host, port} of ports) expect(await portFree(host, port), `${host}:${port}`).toBe(true)
    expect(existsSync(join(home, 'sandbox'))).toBe(false)
    expect(JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')).profiles.sandbox).toBeUndefined()

    const again = await cli(home, ['sandbox', 'down', '--json'])
    expect(again.code).toBe(0)
    expect(json<{nothingToDo: boolean; stopped: unknown[]}>(again, 'down')).toMatchObject({nothingToDo: true, stopped: []})
  }, 2 * STEP_MS)
})

describe('sandbox: stale state, ARM only', () => {
  const home = newHome()

  it('cleans up a stale state (dead and recycled pids, neither signalled) and starts with --no-redis', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid
    const dir = join(home, 'sandbox')
    mkdirSync(dir, {recursive: true})
    const record = (pid: number, match: string[]) => ({pid, match, log: join(dir, 'x.log')})
    writeFileSync(
      join(dir, 'state.json'),
      JSON.stringify({
        version: 2,
        startedAt: '2020-01-01T00:00:00.000Z',
        ready: true,
        kind: 'group',
        nickname: 'sandbox-geo',
        lagMs: 200,
        plaintext: false,
        redis: true,
        token: 'stale',
        emulator: {url: 'https://127.0.0.1:1', port: 1, process: record(dead, ['main.js', join(dir, 'world.json')])},
        replicator: null,
        // this test's own pid stands for a pid recycled by another program: alive, but not a redis-server
        members: [{id: '/x', cluster: 'sandbox-westus2', location: 'West US 2', role: 'member', host: '127.0.0.1', port: 1, tls: true, dir, config: join(dir, 'redis.conf'), process: record(process.pid, ['redis-server', '127.0.0.1:1', 'geo-redis-sandbox'])}],
      }),
    )

    const r = await cli(home, ['sandbox', 'up', '--no-redis', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const up = json<{notes: string[]; members: {pid: number | null}[]; group: {replicatorPid: number | null}}>(r, 'up')
    expect(up.notes.join('\n')).toMatch(/stale sandbox.*cleaned it up/)
    expect(up.notes.join('\n')).toMatch(new RegExp(`pid ${process.pid} now belongs to another program: left alone`))
    expect(up.members.every((m) => m.pid === null)).toBe(true)
    expect(up.group.replicatorPid).toBeNull()

    const inv = await cli(home, ['inventory', '--profile', 'sandbox', '--json'])
    expect(inv.code, inv.stderr).toBe(0)
    expect(json<{groups: {status: string}[]}>(inv).groups.map((g) => g.status)).toEqual(['healthy'])

    const status = await cli(home, ['sandbox', 'status', '--json'])
    expect(status.code, status.stdout).toBe(0)
    const pid = readStateFile(home).emulator.process!.pid
    expect((await cli(home, ['sandbox', 'down'])).code).toBe(0)
    expect(alive(pid)).toBe(false)
  }, 5 * STEP_MS)
})

describe('sandbox: a corrupt or missing state.json', () => {
  const home = newHome()

  async function upWithPids(): Promise<number[]> {
    const r = await cli(home, ['sandbox', 'up', '--members', '2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const pids = pidsOf(readStateFile(home))
    expect(pids).toHaveLength(5)
    return pids
  }

  it.each([
    ['corrupt', () => writeFileSync(statePath(home), '{"version": 1, "members": [')],
    ['missing', () => rmSync(statePath(home))],
  ])('%s: up refuses while its processes run and names them; down stops every one of them', async (_kind, damage) => {
    const pids = await upWithPids()
    const replicator = readStateFile(home).replicator?.pid
    damage()
    const up = await cli(home, ['sandbox', 'up', '--json'])
    expect(up.code, up.stdout).toBe(2)
    const error = json<{error: {code: string; message: string; suggestion: string}}>(up).error
    expect(error.code).toBe('SandboxRunning')
    expect(error.suggestion).toMatch(/geo-redis sandbox down/)
    // the replicator leaves by itself once the state is gone; everything else is named and left running
    const running = pids.filter(alive)
    for (const pid of running) expect(error.message).toContain(`pid ${pid}`)
    expect(running.length).toBeGreaterThanOrEqual(4)

    const down = await cli(home, ['sandbox', 'down', '--json'])
    expect(down.code, down.stdout).toBe(0)
    const result = json<{stopped: {pid: number; result: string}[]; survivors: unknown[]; notes: string[]}>(down, 'down')
    expect(result.survivors).toEqual([])
    expect(result.notes.join('\n')).toMatch(/found by command line and pid file/)
    // the replicator may leave by itself at any moment, down included: every other process is down's to stop
    expect(result.stopped.map((s) => s.pid).sort()).toEqual(expect.arrayContaining(running.filter((pid) => pid !== replicator).sort()))
    for (const pid of pids) expect(alive(pid), `pid ${pid} ${cmdline(pid)}`).toBe(false)
    expect(existsSync(join(home, 'sandbox'))).toBe(false)
  }, 6 * STEP_MS)
})

describe('sandbox: without redis-server', () => {
  const home = newHome()

  it('fails with exit 2, says how to install it or to use --no-redis, and starts nothing', async () => {
    const emptyBin = join(home, 'bin')
    mkdirSync(emptyBin)
    // node itself is run by absolute path; nothing else is found
    const r = await cli(home, ['sandbox', 'up', '--json'], {PATH: emptyBin})
    expect(r.code).toBe(2)
    const {error} = json<{error: {code: string; suggestion: string}}>(r)
    expect(error.code).toBe('RedisServerMissing')
    // how to install it, or to do without: the advice is the contract
    for (const way of ['apt-get install redis-server', 'brew install redis', 'geo-redis sandbox up --no-redis']) expect(error.suggestion).toContain(way)
    expect(existsSync(join(home, 'sandbox'))).toBe(false)
  })
})
