// force-unlink end to end: the built CLI, the real SDK over HTTPS against the emulator, real redis-servers for probes.
// One sandbox per describe. In the first, the preview, the mistakes, the refusals and a failed operation leave the group
// as it was and run in any order (each counts only the requests it sent); the real run and the same command again are
// a story in order and come after them; the secret check reads what all of them printed, so it comes last.
import {readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import {mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'
import {stopAll} from '../helpers/redis-server.js'

const NICK = 'sandbox-geo'
const outputs: string[] = []

async function cli(sandbox: CliSandbox, args: string[], extra: Parameters<typeof runCli>[1] = {}): Promise<CliResult> {
  const r = await runCli(args, {env: sandbox.env, timeoutMs: 20_000, ...extra})
  outputs.push(r.stdout, r.stderr)
  return r
}

function unlink(sandbox: CliSandbox, ...args: string[]): Promise<CliResult> {
  return cli(sandbox, ['force-unlink', '--group', NICK, '--evidence-dir', join(sandbox.dir, 'evidence'), ...args])
}

function parsed(r: CliResult): GuardedResult {
  const result = JSON.parse(r.stdout) as GuardedResult
  expectSchema('force-unlink', result)
  return result
}

const file = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8')
const manifest = (dir: string) => JSON.parse(file(dir, 'manifest.json')) as {complete: boolean; files: {name: string}[]}
const linkedIds = (sandbox: CliSandbox, i: number) =>
  sandbox.emulator.emulator.world.databases[i].properties.geoReplication!.linkedDatabases.map((l) => idKey(l.id))

/** every file under `dir`, recursively, as text */
function allFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? allFiles(join(dir, e.name)) : [readFileSync(join(dir, e.name), 'utf8')]))
}

function expectNoKeys(sandbox: CliSandbox, texts: string[]): void {
  const secrets = sandbox.keys.flatMap((k) => [k.primaryKey, k.secondaryKey]).flatMap((k) => [k, encodeURIComponent(k)])
  for (const text of texts) for (const secret of secrets) expect(text.includes(secret)).toBe(false)
}

afterAll(async () => {
  await stopAll()
})

describe('force-unlink of a member that is down', {shuffle: false}, () => {
  let sandbox: CliSandbox
  let target: string
  const since = (n: number) => sandbox.emulator.requests.slice(n)

  beforeAll(async () => {
    // sandbox-northeurope's redis-server is not running: it does not answer probes
    sandbox = await startCliSandbox({down: [2]})
    target = sandbox.ids[2]
  }, 45_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  describe('before the real run: the group is unchanged', {shuffle: true}, () => {
    it('dry run: shows the plan, writes evidence marked dry-run, sends no mutating request', async () => {
      const n = sandbox.emulator.requests.length
      const r = await unlink(sandbox, '--member', 'northeurope', '--dry-run', '--json')
      expect(r.code, r.stderr).toBe(0)
      const result = parsed(r)
      expect(result.outcome).toBe('dry-run')
      expect(result.plan.dryRun).toBe(true)
      expect(result.plan.target?.id).toBe(target)
      expect(sandbox.ids.slice(0, 2)).toContain(result.plan.issuedOn?.id)
      expect(result.plan.requests).toEqual([
        {method: 'POST', url: `${sandbox.emulator.url}${result.plan.issuedOn!.id}/forceUnlink?api-version=2022-01-01`, apiVersion: '2022-01-01', body: {ids: [target]}},
      ])
      expect(mutatingRequests(since(n))).toEqual([])

      const dir = result.evidence.dir
      expect(JSON.parse(file(dir, 'plan.json'))).toMatchObject({dryRun: true, requests: result.plan.requests})
      expect(file(dir, 'report.md')).toContain('**Outcome: dry-run** (dry run)')
      expect(manifest(dir).complete).toBe(true)
      expect(manifest(dir).files.map((f) => f.name)).toEqual(['before.json', 'plan.json', 'probe.json', 'report.md'])
    }, 45_000)

    it('off a terminal without --yes --confirm: exit 2 naming the flags, nothing sent at all', async () => {
      const n = sandbox.emulator.requests.length
      const none = await unlink(sandbox, '--member', 'northeurope')
      expect(none.code).toBe(2)
      expect(none.stderr).toContain('pass --yes --confirm sandbox-geo')
      const yesOnly = await unlink(sandbox, '--member', 'northeurope', '--yes', '--json')
      expect(yesOnly.code).toBe(2)
      expect(JSON.parse(yesOnly.stdout).error).toMatchObject({code: 'ConsentRequired', message: '--yes needs --confirm with the group nickname: pass --confirm sandbox-geo', exitCode: 2})
      expect(since(n)).toEqual([])
    }, 45_000)

    it('a wrong --confirm is refused with evidence, and nothing mutating is sent', async () => {
      const n = sandbox.emulator.requests.length
      const r = await unlink(sandbox, '--member', 'northeurope', '--yes', '--confirm', 'sandbox', '--json')
      expect(r.code).toBe(2)
      const result = parsed(r)
      expect(result).toMatchObject({outcome: 'refused', refusal: {guard: 'operator-consent', interrupted: false}})
      expect(result.refusal?.message).toContain('"sandbox" does not match the nickname "sandbox-geo"')
      expect(mutatingRequests(since(n))).toEqual([])
      expect(file(result.evidence.dir, 'report.md')).toContain('**refuse**: operator-consent')
    }, 45_000)

    it('a target that answers the probe is refused without --force, saying what a split costs', async () => {
      const n = sandbox.emulator.requests.length
      const r = await unlink(sandbox, '--member', 'eastus', '--yes', '--confirm', NICK)
      expect(r.code).toBe(2)
      // who answers, where, and what a split costs: the key fragments, not the whole sentence
      expect(r.stderr).toMatch(/sandbox-eastus\/default \(eastus\) answers at 127(\.\d+){3}:10000/)
      expect(r.stderr).toMatch(/splits the group.*diverge/)
      expect(r.stderr).toContain('Try: if the split is intended')
      expect(r.stdout).toContain('(✗) target-does-not-answer')
      expect(mutatingRequests(since(n))).toEqual([])
    }, 45_000)

    it('--skip-probe cannot tell whether the target is down: refused without --force, planned with it, no keys read', async () => {
      const n = sandbox.emulator.requests.length
      const refused = parsed(await unlink(sandbox, '--member', 'northeurope', '--skip-probe', '--dry-run', '--json'))
      expect(refused).toMatchObject({outcome: 'refused', refusal: {guard: 'target-does-not-answer'}, probe: {ran: false, reason: '--skip-probe'}})
      const forced = await unlink(sandbox, '--member', 'northeurope', '--skip-probe', '--force', '--dry-run', '--json')
      expect(forced.code).toBe(0)
      expect(parsed(forced).plan.warnings.filter((w) => /^FORCED|^data-plane probes skipped/.test(w))).toHaveLength(2)
      expect(since(n).filter((r) => r.method === 'POST')).toEqual([])
    }, 45_000)

    it('an operation that ends Failed exits 1 with ARM\'s code and message, and changes nothing', async () => {
      const n = sandbox.emulator.requests.length
      sandbox.emulator.emulator.failNextOperation({code: 'ConflictingOperation', message: 'Another operation is in progress on the replication group.'})
      const r = await unlink(sandbox, '--member', 'northeurope', '--yes', '--confirm', NICK)
      expect(r.code).toBe(1)
      // ARM's code and message reach the operator as ARM wrote them
      expect(r.stderr).toContain('ConflictingOperation')
      expect(r.stderr).toContain('Another operation is in progress on the replication group.')
      expect(mutatingRequests(since(n))).toHaveLength(1)
      expect(linkedIds(sandbox, 0)).toContain(idKey(target))
      const dir = r.stdout.match(/evidence: +(\S+)/)![1]
      expect(file(dir, 'report.md')).toContain('**Outcome: failed**')
      expect(file(dir, 'report.md')).toContain('ARM error `ConflictingOperation`')
      expect(manifest(dir).files.map((f) => f.name)).toContain('after.json')
    }, 45_000)
  })

  describe('the real run, then the same command again', () => {
    it('the confirmed run sends exactly one forceUnlink on the survivor, polls it, verifies, and leaves evidence that verifies', async () => {
      const n = sandbox.emulator.requests.length
      const r = await unlink(sandbox, '--member', 'northeurope', '--from', 'sandbox-eastus', '--yes', '--confirm', NICK, '--reason', 'northeurope outage INC-1234', '--json')
      expect(r.code, r.stderr).toBe(0)
      const result = parsed(r)
      expect(result).toMatchObject({outcome: 'succeeded', verification: {ok: true}, operation: {status: 'Succeeded', error: null}})

      const sent = mutatingRequests(since(n))
      expect(sent).toHaveLength(1)
      expect(sent[0]).toMatchObject({path: `${sandbox.ids[1]}/forceUnlink`, apiVersion: '2022-01-01', status: 202, body: {ids: [target]}})
      const polls = since(n).filter((q) => /operationsStatus/i.test(q.path))
      expect(polls.length).toBeGreaterThan(0)
      expect(result.operation?.statusUrl).toContain('/operationsStatus/')
      expect(r.stderr).toMatch(/force-unlink on sandbox-eastus\/default: Accepted \(status https:.*operationsStatus/)

      for (const i of [0, 1]) expect(linkedIds(sandbox, i)).not.toContain(idKey(target))

      const dir = result.evidence.dir
      expect(manifest(dir)).toMatchObject({complete: true})
      expect(manifest(dir).files.map((f) => f.name)).toEqual(['after.json', 'before.json', 'plan.json', 'probe.json', 'report.md'])
      const report = file(dir, 'report.md')
      expect(report).toContain('**Outcome: succeeded**')
      expect(report).toContain('- Reason: northeurope outage INC-1234')
      expect(report).toContain('- pass: operator-consent')
      expect(report).toContain(`geo-redis force-link --group sandbox-geo --member ${target}`)
      expect(JSON.parse(file(dir, 'after.json')).verification).toMatchObject({ok: true})

      const verify = await cli(sandbox, ['evidence', 'verify', dir, '--json'])
      expect(verify.code).toBe(0)
      const verified = JSON.parse(verify.stdout)
      expectSchema('evidence-verify', verified)
      expect(verified).toMatchObject({intact: true, complete: true})
    }, 45_000)

    it('the same command again is "nothing to do": no request that mutates, no keys read', async () => {
      const n = sandbox.emulator.requests.length
      const r = await unlink(sandbox, '--member', 'northeurope', '--yes', '--confirm', NICK)
      expect(r.code).toBe(0)
      expect(r.stdout).toContain('nothing to do: nothing was sent')
      expect(r.stdout).toContain('already unlinked')
      expect(since(n).filter((q) => q.method === 'POST')).toEqual([])
    }, 45_000)
  })

  it('no access key appears in any evidence file or any output', () => {
    expect(outputs.length).toBeGreaterThan(10)
    expectNoKeys(sandbox, [...outputs, ...allFiles(sandbox.dir)])
  })
})

describe('force-unlink interrupted while polling', () => {
  let sandbox: CliSandbox

  beforeAll(async () => {
    // the operation never finishes on its own
    sandbox = await startCliSandbox({down: [2], emulator: {lroPolls: 1_000_000}})
  }, 45_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  it('Ctrl-C exits 130, prints the status URL and how to check it, and records the outcome as unknown', async () => {
    const args = ['force-unlink', '--group', NICK, '--member', 'northeurope', '--yes', '--confirm', NICK, '--evidence-dir', join(sandbox.dir, 'evidence')]
    const r = await cli(sandbox, args, {interrupt: {when: /: InProgress/}})
    expect(r.code, r.stderr).toBe(130)
    const url = r.stderr.match(/az rest --method get --url '([^']+)'/)?.[1]
    expect(url).toContain('/operationsStatus/')
    expect(r.stderr).toMatch(/Outcome unknown: .*SIGINT.*last seen: InProgress/)
    expect(r.stderr).toContain('may have succeeded')
    expect(mutatingRequests(sandbox.emulator.requests)).toHaveLength(1)

    const dir = r.stdout.match(/evidence: +(\S+)/)![1]
    const report = file(dir, 'report.md')
    expect(report).toContain('**Outcome: unknown**')
    expect(report).toContain(`az rest --method get --url '${url}'`)
    expect(manifest(dir).complete).toBe(true)
  }, 45_000)
})
