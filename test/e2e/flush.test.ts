// flush end to end: the built CLI against the emulator (2025-07-01 flush, final state via Location) with real
// redis-servers behind every member. The emulator's onFlush hook empties the servers the request names, as Azure
// would, so the tests can see which members lost their keys.
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import {stopAll} from '../helpers/redis-server.js'
import {mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const NICK = 'sandbox-geo'
const TEST_MS = 45_000

/** A sandbox whose emulator empties the named members' redis-servers when a flush succeeds. */
async function flushableSandbox(world?: (w: World) => void): Promise<CliSandbox & {outputs: string[]}> {
  const holder: {sandbox?: CliSandbox} = {}
  const onFlush = async (databaseIds: string[]) => {
    for (const id of databaseIds) await holder.sandbox!.servers[holder.sandbox!.ids.findIndex((x) => idKey(x) === idKey(id))]?.cli('FLUSHALL')
  }
  holder.sandbox = await startCliSandbox({world, emulator: {onFlush}})
  for (const [i, server] of holder.sandbox.servers.entries()) await server!.cli('SET', `order:${i}`, 'kept until flushed')
  return Object.assign(holder.sandbox, {outputs: [] as string[]})
}

async function flush(sandbox: CliSandbox & {outputs: string[]}, ...args: string[]): Promise<CliResult> {
  const r = await runCli(['flush', '--group', NICK, '--evidence-dir', join(sandbox.dir, 'evidence'), ...args], {env: sandbox.env, timeoutMs: 20_000})
  sandbox.outputs.push(r.stdout, r.stderr)
  return r
}

function parsed(r: CliResult): GuardedResult {
  const result = JSON.parse(r.stdout) as GuardedResult
  expectSchema('flush', result)
  return result
}

/** keys held by each member's redis-server, in sandbox order */
const keyCounts = (sandbox: CliSandbox) => Promise.all(sandbox.servers.map(async (s) => Number((await s!.cli('DBSIZE')).trim())))

function textsUnder(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true}).filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
}

/** neither access key of any member, raw or URL-encoded, in any output or evidence file */
function expectNoSecrets(sandbox: CliSandbox & {outputs: string[]}): void {
  const texts = [...sandbox.outputs, ...textsUnder(sandbox.dir)]
  expect(texts.length).toBeGreaterThan(10)
  for (const {primaryKey, secondaryKey} of sandbox.keys) {
    for (const secret of [primaryKey, secondaryKey, encodeURIComponent(primaryKey)]) expect(texts.filter((t) => t.includes(secret))).toEqual([])
  }
}

afterAll(async () => {
  await stopAll()
})

// The previews, refusals and the failed flush leave every key in place and run in any order (each counts only its own
// requests); the confirmed run empties the members; the secret check reads what all of them wrote, so it is last.
describe('flush of a healthy group', {shuffle: false}, () => {
  let sandbox: CliSandbox & {outputs: string[]}
  const since = (n: number) => sandbox.emulator.requests.slice(n)

  beforeAll(async () => {
    sandbox = await flushableSandbox()
  }, TEST_MS)

  afterAll(async () => {
    await sandbox?.stop()
  })

  describe('before the confirmed run: every key is there', {shuffle: true}, () => {
    it('dry run: the data-loss warning comes before the plan; only listKeys is POSTed; every key stays', async () => {
      const n = sandbox.emulator.requests.length
      const r = await flush(sandbox, '--dry-run')
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout.split('\n')[0]).toMatch(/^\(!\) ALL DATA IN EVERY MEMBER OF sandbox-geo IS DELETED: /)
      for (const l of ['westus2', 'eastus', 'northeurope']) expect(r.stdout.split('\n')[0]).toContain(`sandbox-${l}/default (${l})`)
      expect(r.stdout.indexOf('IS DELETED')).toBeLessThan(r.stdout.indexOf('Plan: flush'))
      expect(r.stdout).toContain('/flush?api-version=2025-07-01')
      expect(r.stdout).toContain('dry run: nothing was sent')
      const posts = since(n).filter((q) => q.method === 'POST')
      expect(posts.length).toBeGreaterThan(0)
      expect(mutatingRequests(posts)).toEqual([])
      expect(await keyCounts(sandbox)).toEqual([1, 1, 1])
    }, TEST_MS)

    it('dry run with --from and --json: the plan validates, is sent on that member, and names the others', async () => {
      const result = parsed(await flush(sandbox, '--from', 'eastus', '--dry-run', '--json'))
      const [west, east, north] = sandbox.ids
      expect(result).toMatchObject({action: 'flush', outcome: 'dry-run', plan: {target: null, issuedOn: {id: east}, ids: [west, north], nothingToDo: null}})
      expect(result.plan.requests).toEqual([{method: 'POST', url: `${sandbox.emulator.url}${east}/flush?api-version=2025-07-01`, apiVersion: '2025-07-01', body: {ids: [west, north]}}])
      // never consent: the operator types it (or adds --yes --confirm knowingly)
      expect(result.plan.command).toBe('geo-redis flush --group sandbox-geo --from sandbox-eastus')
      expect(result.guards.map((g) => `${g.name}:${g.result}`)).toEqual(['group-fully-linked:pass', 'no-link-operation-in-flight:pass', 'issuer-healthy-in-arm:pass', 'issuer-answers-probe:pass', 'members-healthy-in-arm:pass'])
    }, TEST_MS)

    it('--dry-run --skip-probe previews without any POST at all, and says the probes were skipped', async () => {
      const n = sandbox.emulator.requests.length
      const result = parsed(await flush(sandbox, '--dry-run', '--skip-probe', '--json'))
      expect(result).toMatchObject({outcome: 'dry-run', probe: {ran: false, reason: '--skip-probe'}})
      expect(result.plan.warnings.at(-1)).toMatch(/^data-plane probes skipped: --skip-probe/)
      expect(since(n).filter((q) => q.method === 'POST')).toEqual([])
    }, TEST_MS)

    it('off a terminal without --yes --confirm: exit 2 naming the flags, no request at all', async () => {
      const n = sandbox.emulator.requests.length
      const r = await flush(sandbox)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('pass --yes --confirm sandbox-geo')
      const yesOnly = await flush(sandbox, '--yes', '--json')
      expect(yesOnly.code).toBe(2)
      expect(JSON.parse(yesOnly.stdout).error).toMatchObject({code: 'ConsentRequired', message: '--yes needs --confirm with the group nickname: pass --confirm sandbox-geo'})
      expect(since(n)).toEqual([])
    }, TEST_MS)

    it('a --confirm that is not the nickname is refused with evidence; nothing mutating is sent', async () => {
      const n = sandbox.emulator.requests.length
      const r = await flush(sandbox, '--yes', '--confirm', 'sandbox', '--json')
      expect(r.code).toBe(2)
      expect(parsed(r)).toMatchObject({outcome: 'refused', refusal: {guard: 'operator-consent'}})
      expect(mutatingRequests(since(n))).toEqual([])
      expect(await keyCounts(sandbox)).toEqual([1, 1, 1])
    }, TEST_MS)

    it('a flush that ends Failed exits 1 with ARM\'s code and message, and every key stays', async () => {
      const n = sandbox.emulator.requests.length
      sandbox.emulator.emulator.failNextOperation({code: 'FlushFailed', message: 'The flush could not be completed on the replication group.'})
      const r = await flush(sandbox, '--yes', '--confirm', NICK)
      expect(r.code).toBe(1)
      // ARM's code and message reach the operator as ARM wrote them
      expect(r.stderr).toContain('FlushFailed')
      expect(r.stderr).toContain('The flush could not be completed on the replication group.')
      expect(mutatingRequests(since(n))).toHaveLength(1)
      expect(await keyCounts(sandbox)).toEqual([1, 1, 1])
    }, TEST_MS)
  })

  it('the confirmed run sends one flush on the issuer with ids = the others, follows Location to the end, and verifies', async () => {
    const n = sandbox.emulator.requests.length
    const r = await flush(sandbox, '--yes', '--confirm', NICK, '--reason', 'reset staging data CHG-42', '--json')
    expect(r.code, r.stderr).toBe(0)
    const result = parsed(r)
    expect(result).toMatchObject({outcome: 'succeeded', operation: {status: 'Succeeded', error: null}, verification: {ok: true}})
    expect(result.verification?.detail).toContain('key counts were not checked')

    const issuer = result.plan.issuedOn!.id
    const others = sandbox.ids.filter((id) => id !== issuer)
    const sent = mutatingRequests(since(n))
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({path: `${issuer}/flush`, apiVersion: '2025-07-01', status: 202, body: {ids: others}})
    // final-state-via location: the last poll is a GET on the Location URL, answered 200 once done
    const location = since(n).filter((q) => q.method === 'GET' && /\/operationResults\//.test(q.path))
    expect(location.at(-1)?.status).toBe(200)
    expect(await keyCounts(sandbox)).toEqual([0, 0, 0])

    const dir = result.evidence.dir
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {complete: boolean; files: {name: string}[]}
    expect(manifest.complete).toBe(true)
    expect(manifest.files.map((f) => f.name)).toEqual(['after.json', 'before.json', 'plan.json', 'probe.json', 'report.md'])
    const report = readFileSync(join(dir, 'report.md'), 'utf8')
    expect(report).toContain('**Outcome: succeeded**')
    expect(report).toContain('- Reason: reset staging data CHG-42')
    expect(JSON.parse(readFileSync(join(dir, 'after.json'), 'utf8')).verification).toMatchObject({ok: true})
    const verify = await runCli(['evidence', 'verify', dir], {env: sandbox.env, timeoutMs: 20_000})
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('intact and complete')
  }, TEST_MS)

  it('no access key appears in any output or evidence file', () => {
    expectNoSecrets(sandbox)
  })
})

// the secret check reads what both runs wrote, so it comes after them
describe('flush of a degraded group', {shuffle: false}, () => {
  let sandbox: CliSandbox & {outputs: string[]}

  beforeAll(async () => {
    // sandbox-westus2 sees sandbox-northeurope as LinkFailed: a flush sent on it cannot name northeurope
    sandbox = await flushableSandbox((world) => {
      const link = world.databases[0].properties.geoReplication!.linkedDatabases.find((l) => idKey(l.id) === idKey(world.databases[2].id))!
      link.state = 'LinkFailed'
    })
  }, TEST_MS)

  afterAll(async () => {
    await sandbox?.stop()
  })

  describe('without and with --force', {shuffle: true}, () => {
    it('is refused without --force, naming the member that would keep its data; nothing mutating is sent', async () => {
      const n = sandbox.emulator.requests.length
      const r = await flush(sandbox, '--from', 'westus2', '--yes', '--confirm', NICK)
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('is degraded')
      expect(r.stderr).toContain('sees sandbox-northeurope/default as LinkFailed')
      expect(r.stderr).toMatch(/sandbox-northeurope\/default \(northeurope\) would keep their data/)
      expect(r.stderr).toContain('--force')
      expect(r.stdout).toContain('(✗) group-fully-linked')
      expect(mutatingRequests(sandbox.emulator.requests.slice(n))).toEqual([])
    }, TEST_MS)

    it('with --force flushes only what the issuer reaches, and says who kept their data', async () => {
      const n = sandbox.emulator.requests.length
      const r = await flush(sandbox, '--from', 'westus2', '--force', '--yes', '--confirm', NICK, '--json')
      expect(r.code, r.stderr).toBe(0)
      const result = parsed(r)
      expect(result.plan.ids).toEqual([sandbox.ids[1]])
      expect(result.plan.warnings).toContain('NOT flushed, they keep their data: sandbox-northeurope/default (northeurope)')
      expect(result.plan.warnings.some((w) => w.startsWith('FORCED (group-fully-linked)'))).toBe(true)
      expect(mutatingRequests(sandbox.emulator.requests.slice(n))).toHaveLength(1)
      expect(await keyCounts(sandbox)).toEqual([0, 0, 1])
    }, TEST_MS)
  })

  it('no access key appears in any output or evidence file', () => {
    expectNoSecrets(sandbox)
  })
})
