// The read is true in the transitions operators act in, each reproduced in the emulator and run through the real
// binary: a region that does not answer (503 and timeout), a link in progress with one side listing only itself, a
// survivor left alone after a force-unlink, a cluster mid-scale, a cluster deleted from a listed subscription. Each
// sandbox member is a real redis-server on loopback (one stopped where a region is down).
import {mkdtempSync, readdirSync, readFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import type {GeoGroup, Inventory} from '../../src/domain/model.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import type {CapacityReport} from '../../src/services/capacity.js'
import type {CheckResult} from '../../src/services/check.js'
import type {EndpointsExport} from '../../src/services/endpoints.js'
import type {CaptureResult} from '../../src/services/capture.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import type {GroupProbe} from '../../src/services/probe.js'
import {stopAll} from '../helpers/redis-server.js'
import {mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox, type CliSandboxOptions} from '../helpers/run-cli.js'
import {TmuxSession} from '../helpers/tmux.js'
import {expectSchema} from '../helpers/schema.js'
import {parseXml} from '../helpers/xml.js'

const NICK = 'sandbox-geo'
const CLI_MS = 30_000
const CASE_MS = 90_000
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

/** stdout as JSON, validated against docs/schemas/<name>.schema.json */
function contract<T>(r: CliResult, name: string): T {
  const data = JSON.parse(r.stdout)
  expectSchema(name, data)
  return data as T
}

const sandboxes: CliSandbox[] = []
const outputs: {sandbox: CliSandbox; text: string}[] = []

async function start(options: CliSandboxOptions): Promise<CliSandbox> {
  const sb = await startCliSandbox(options)
  sandboxes.push(sb)
  return sb
}

async function cli(sb: CliSandbox, ...args: string[]): Promise<CliResult> {
  const r = await runCli(args, {env: sb.env, timeoutMs: CLI_MS})
  outputs.push({sandbox: sb, text: r.stdout + r.stderr})
  return r
}

const evidenceDir = (sb: CliSandbox) => join(sb.dir, 'evidence')

afterAll(async () => {
  // no access key in any output of any run
  for (const {sandbox, text} of outputs) for (const k of sandbox.keys) expect(text).not.toContain(k.primaryKey)
  await Promise.all(sandboxes.map((sb) => sb.stop()))
  await stopAll()
})

// The transitions run in any order; the evidence check verifies every bundle they wrote, so it comes after them.
describe('transitions, then the evidence they wrote', {shuffle: false}, () => {
  describe('each transition', {shuffle: true}, () => {
    describe('a region that does not answer: one member of three', () => {
      let sb: CliSandbox
      let neu: string
      let neuHost: string
      let keyBefore: string

      beforeAll(async () => {
        // sandbox-northeurope's redis-server is stopped and, once the outage is set, ARM answers 503 for its cluster
        sb = await start({down: [2]})
        neu = sb.ids[2]
        neuHost = sb.emulator.emulator.world.clusters[2].hostName
        const before = contract<{groups: GeoGroup[]}>(await cli(sb, 'group', 'show', NICK, '--json'), 'group-show')
        keyBefore = before.groups[0].key
      }, CASE_MS)

      // every case starts in the 503 outage, whichever ran before (the timeout case ends with the region answering again)
      beforeEach(() => {
        sb.emulator.emulator.setOutage('North Europe', 'error')
      })

      it('group show: the same key as before the outage, the member a placeholder with its cause', async () => {
        const r = await cli(sb, 'group', 'show', NICK, '--json')
        expect(r.code).toBe(1)
        const [group] = contract<{groups: GeoGroup[]}>(r, 'group-show').groups
        expect(group.key).toBe(keyBefore)
        expect(group).toMatchObject({status: 'incomplete', unresolved: [neu]})
        expect(group.unreadable).toEqual([
          expect.objectContaining({id: neu, cluster: 'sandbox-northeurope', location: 'northeurope', readError: expect.objectContaining({cause: 'region-not-answering', code: 'ServiceUnavailable'})}),
        ])
      }, CASE_MS)

      it('probe says 2/3 and shows three rows, the unread one with its cause; exit 1', async () => {
        const table = await cli(sb, 'probe', '--samples', '1', '--timeout-ms', '1000')
        expect(table.code).toBe(1)
        expect(table.stdout).toMatch(/sandbox-geo {2}2\/3 member\(s\) answered/)
        const rows = table.stdout.split('\n').filter((line) => /^\s*sandbox-\w+\/default\s/.test(line))
        expect(rows.map((line) => line.trim().split(/\s+/)[0])).toEqual(['sandbox-eastus/default', 'sandbox-northeurope/default', 'sandbox-westus2/default'])
        // dialled at the host ARM's cluster list still shows, at Azure's port: its Redis is down too
        expect(rows[1]).toContain(`${neuHost}:10000`)
        expect(rows[1]).toMatch(/refused/)
        expect(table.stdout).toMatch(/\(✗\) sandbox-northeurope\/default: .*region-not-answering/)

        const json = await cli(sb, 'probe', '--json', '--samples', '1', '--timeout-ms', '1000')
        expect(json.code).toBe(1)
        const data = contract<GroupProbe>(json, 'probe')
        expect(data.members.map((m) => m.id)).toEqual([sb.ids[1], neu, sb.ids[0]])
        expect(data.answered).toBe(2)
        expect(data.members[1]).toMatchObject({reachable: false, answered: false, endpoint: `${neuHost}:10000`, error: {kind: 'refused'}, readError: {cause: 'region-not-answering'}})
        // once on stderr in JSON mode, where stdout holds no table
        expect(json.stderr.split('\n').filter((line) => line.includes('sandbox-northeurope'))).toHaveLength(1)
      }, CASE_MS)

      it('probe --canary keeps the matrix 3×3, the unread member "did not answer"', async () => {
        const data = contract<GroupProbe>(await cli(sb, 'probe', '--json', '--canary', '--samples', '1', '--timeout-ms', '500'), 'probe')
        const pairs = data.canary!.pairs
        expect(pairs).toHaveLength(6)
        const withNeu = pairs.filter((p) => p.from === neu || p.to === neu)
        expect(withNeu).toHaveLength(4)
        for (const p of withNeu) expect(p).toMatchObject({replicated: false, reason: 'sandbox-northeurope/default did not answer the probe'})
      }, CASE_MS)

      it('capacity lists three members and says it once; exit 1', async () => {
        const table = await cli(sb, 'capacity', '--timeout-ms', '1000')
        expect(table.code).toBe(1)
        expect(table.stdout).toMatch(/sandbox-northeurope +northeurope +Balanced_B5 +6 GB +not read: region-not-answering/)
        expect(table.stdout.match(/sandbox-northeurope could not be read: region-not-answering/g)).toHaveLength(1)
        // the table shows it: no warning repeats it
        expect(table.stderr).not.toMatch(/northeurope/)

        const json = await cli(sb, 'capacity', '--json', '--timeout-ms', '1000')
        const report = contract<CapacityReport>(json, 'capacity')
        expect(report.members.map((m) => m.cluster)).toEqual(['sandbox-eastus', 'sandbox-northeurope', 'sandbox-westus2'])
        expect(report.members[1]).toMatchObject({readError: {cause: 'region-not-answering'}, scaleOptions: null, level: 'unknown', skuMemoryGB: 6})
        expect(json.stderr.split('\n').filter((line) => line.includes('northeurope'))).toHaveLength(1)
        // the unread member's cluster is not asked for scale options: its region's ARM is what does not answer
        expect(sb.emulator.requests.filter((q) => /sandbox-northeurope\/listSkusForScaling$/i.test(q.path))).toEqual([])
      }, CASE_MS)

      it('check fails: an error finding naming the member, the runbook and force-unlink as remedy, a failure in the group\'s own suite', async () => {
        const r = await cli(sb, 'check', '--json')
        expect(r.code).toBe(1)
        const result = contract<CheckResult>(r, 'check')
        const [group] = result.groups
        expect(group).toMatchObject({nickname: NICK, key: keyBefore, status: 'fail', members: [sb.ids[1], neu, sb.ids[0]], unread: [neu]})
        const finding = group.findings.find((f) => f.rule === 'unresolved-member')!
        expect(finding).toMatchObject({severity: 'error', members: [neu]})
        expect(finding.message).toMatch(/^sandbox-northeurope\/default \(northeurope\) .*region-not-answering/)
        expect(finding.remediation).toMatch(/geo-redis runbook incident --group sandbox-geo/)
        expect(finding.remediation).toContain(`geo-redis force-unlink --group sandbox-geo --member ${neu}`)
        expect(finding.remediation).not.toMatch(/Reader/)
        expect(result.errors).toEqual([expect.objectContaining({code: 'ServiceUnavailable', cause: 'region-not-answering'})])

        const out = join(mkdtempSync(join(sb.dir, 'junit-')), 'check.xml')
        const junit = await cli(sb, 'check', '--format', 'junit', '--out', out)
        expect(junit.code).toBe(1)
        const xml = readFileSync(out, 'utf8')
        const suite = parseXml(xml).children.find((s) => s.name === 'testsuite' && s.attrs.name === NICK)!
        const failed = suite.children.filter((c) => c.name === 'testcase' && c.children.some((x) => x.name === 'failure')).map((c) => c.attrs.name)
        expect(failed).toContain('unresolved-member · sandbox-northeurope/default')
        expect(Number(suite.attrs.failures)).toBeGreaterThan(0)
        // a 503 is never answered with "grant Reader"
        expect(xml).not.toMatch(/Reader/)
      }, CASE_MS)

      it('endpoints export lists every member, the unread one with its cause and no port; exit 1', async () => {
        const r = await cli(sb, 'endpoints', 'export', '--format', 'json')
        expect(r.code).toBe(1)
        const data = contract<EndpointsExport>(r, 'endpoints')
        expect(data.members.map((m) => m.id)).toEqual([sb.ids[1], neu, sb.ids[0]])
        expect(data.members[1]).toMatchObject({host: neuHost, port: null, tls: null, readError: {cause: 'region-not-answering'}})
        const csv = (await cli(sb, 'endpoints', 'export', '--format', 'csv')).stdout.trimEnd().split('\n')
        expect(csv[0].split(',').at(-1)).toBe('notRead')
        expect(csv[2]).toMatch(new RegExp(`^northeurope,${neuHost.replace(/\./g, '\\.')},,,.*,region-not-answering$`))
        expect((await cli(sb, 'endpoints', 'export', '--format', 'env')).stdout).toContain('GEO_REDIS_NORTHEUROPE_NOT_READ=region-not-answering')
      }, CASE_MS)

      it('evidence capture records every member, and an unknown --member is bad input as it is for probe', async () => {
        const r = await cli(sb, 'evidence', 'capture', '--group', NICK, '--probe', '--out', evidenceDir(sb), '--json')
        expect(r.code, r.stderr).toBe(0)
        const result = contract<CaptureResult>(r, 'evidence-capture')
        expect(result.group).toMatchObject({key: keyBefore, members: 3, unread: 1})
        expect(result.probe.members.map((m) => m.id)).toEqual([sb.ids[1], neu, sb.ids[0]])
        const before = JSON.parse(readFileSync(join(result.evidence.dir, 'before.json'), 'utf8'))
        expect(before.unreadable).toEqual([expect.objectContaining({id: neu, readError: expect.objectContaining({cause: 'region-not-answering'})})])

        const bundles = readdirSync(evidenceDir(sb)).length
        for (const command of [['evidence', 'capture', '--group', NICK, '--out', evidenceDir(sb)], ['probe', '--group', NICK]]) {
          const typo = await cli(sb, ...command, '--member', 'sandbox-nowhere')
          expect(typo.code, command.join(' ')).toBe(2)
          expect(typo.stderr).toContain('sandbox-nowhere')
          expect(typo.stderr).toMatch(/"sandbox-geo" has members sandbox-eastus \(eastus, rg-sandbox\)/)
        }
        expect(readdirSync(evidenceDir(sb))).toHaveLength(bundles)
      }, CASE_MS)

      it('force-unlink lets the data plane decide: its Redis does not answer either, so the target guard passes', async () => {
        const n = sb.emulator.requests.length
        const r = await cli(sb, 'force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(r.code, r.stderr).toBe(0)
        const result = contract<GuardedResult>(r, 'force-unlink')
        expect(result).toMatchObject({outcome: 'dry-run', plan: {target: {id: neu}, targetInGroup: true}})
        expect(result.guards.find((g) => g.name === 'target-does-not-answer')).toMatchObject({
          result: 'pass',
          detail: expect.stringMatching(/^ARM cannot read sandbox-northeurope \(region-not-answering, ServiceUnavailable\); sandbox-northeurope does not answer at 127[.\d]+:10000: refused/),
        })
        expect(mutatingRequests(sb.emulator.requests.slice(n))).toEqual([])
      }, CASE_MS)

      it('a region that times out is the same outage', async () => {
        sb.emulator.emulator.setOutage('North Europe', 'timeout')
        try {
          const data = contract<GroupProbe>(await cli(sb, 'probe', '--json', '--samples', '1', '--timeout-ms', '1000'), 'probe')
          expect(data.answered).toBe(2)
          expect(data.members[1]).toMatchObject({id: neu, readError: {cause: 'region-not-answering', code: 'Timeout'}})
        } finally {
          sb.emulator.emulator.clearOutage('North Europe')
        }

        // and once the region answers again, the group is whole with the same key
        const [group] = contract<{groups: GeoGroup[]}>(await cli(sb, 'group', 'show', NICK, '--json'), 'group-show').groups
        expect(group).toMatchObject({key: keyBefore, unresolved: []})
      }, CASE_MS)
    })

    describe('check --probe dials a member ARM cannot read when its endpoint is known', () => {
      it('probes it at the host its cluster list still shows and Azure\'s database port', async () => {
        const sb = await start({down: [2]})
        sb.emulator.emulator.setOutage('North Europe', 'error')
        const probe = contract<GroupProbe>(await cli(sb, 'probe', '--json', '--samples', '1', '--timeout-ms', '1000'), 'probe')
        const host = sb.emulator.emulator.world.clusters[2].hostName
        expect(probe.members[1]).toMatchObject({id: sb.ids[2], endpoint: `${host}:10000`, reachable: false, readError: {cause: 'region-not-answering'}})

        const [group] = contract<CheckResult>(await cli(sb, 'check', '--probe', '--timeout-ms', '1000', '--json'), 'check').groups
        expect(group.evaluated.find((e) => e.rule === 'unreachable')!.members).toContain(sb.ids[2])
        expect(group.findings.filter((f) => f.rule === 'unreachable').flatMap((f) => f.members)).toEqual([sb.ids[2]])
      }, CASE_MS)
    })

    /** sandbox-northeurope is being linked: the others list it as Linking, its own view lists only itself */
    function linking(w: World): void {
      const neu = w.databases[2]
      for (const db of w.databases.slice(0, 2)) db.properties.geoReplication!.linkedDatabases.find((l) => l.id === neu.id)!.state = 'Linking'
      neu.properties.geoReplication = {groupNickname: NICK, linkedDatabases: [{id: neu.id, state: 'Linking'}]}
    }

    describe('a link in progress: one side lists only itself', () => {
      let sb: CliSandbox
      beforeAll(async () => {
        sb = await start({world: linking})
      }, CASE_MS)

      it('is one group of three readable members, degraded; never standalone, never "could not be read"', async () => {
        const r = await cli(sb, 'inventory', '--json')
        expect(r.code, r.stderr).toBe(0)
        const inventory = contract<Inventory>(r, 'inventory')
        expect(inventory.groups).toHaveLength(1)
        const [group] = inventory.groups
        expect(group.members.map((m) => m.id)).toEqual([sb.ids[1], sb.ids[2], sb.ids[0]])
        expect(group).toMatchObject({status: 'degraded', unresolved: [], unreadable: []})
        expect(inventory.standalone.map((m) => m.cluster)).toEqual(['sandbox-standalone'])
        expect(group.problems.join('\n')).not.toMatch(/could not be read/)
      }, CASE_MS)

      it('check fails with views-disagree naming who lists whom and who does not', async () => {
        const r = await cli(sb, 'check', '--json')
        expect(r.code).toBe(1)
        const [group] = contract<CheckResult>(r, 'check').groups
        expect(group.findings.filter((f) => f.rule === 'unresolved-member')).toEqual([])
        const disagree = group.findings.filter((f) => f.rule === 'views-disagree')
        expect(disagree.every((f) => f.severity === 'error')).toBe(true)
        expect(disagree.map((f) => f.message)).toContain(
          'sandbox-westus2/default (westus2) is in the view of sandbox-eastus/default (eastus), sandbox-westus2/default (westus2) but not of sandbox-northeurope/default (northeurope)',
        )
      }, CASE_MS)

      it('endpoints export and probe keep the live member', async () => {
        const data = contract<EndpointsExport>(await cli(sb, 'endpoints', 'export', '--format', 'json'), 'endpoints')
        expect(data.members.map((m) => m.id)).toEqual([sb.ids[1], sb.ids[2], sb.ids[0]])
        expect(data.members.every((m) => m.readError === undefined && m.port !== null)).toBe(true)
        const probe = await cli(sb, 'probe', '--samples', '1')
        expect(probe.code, probe.stderr).toBe(0)
        expect(probe.stdout).toMatch(/3\/3 member\(s\) answered/)
      }, CASE_MS)
    })

    describe('a survivor left alone after a force-unlink', () => {
      /** two members: sandbox-westus2 survived alone (it lists only itself); sandbox-eastus was unlinked */
      const survivorAlone = (unlinked: 'standalone' | 'alone too') => (w: World) => {
        const [a, b] = w.databases
        a.properties.geoReplication = {groupNickname: NICK, linkedDatabases: [{id: a.id, state: 'Linked'}]}
        if (unlinked === 'standalone') delete b.properties.geoReplication
        else b.properties.geoReplication = {groupNickname: NICK, linkedDatabases: [{id: b.id, state: 'Linked'}]}
      }

      it('is a group of one, found by --group; force-link rejoins the unlinked database to it, only with --adopt once ARM shows it standalone', async () => {
        const sb = await start({members: 2, world: survivorAlone('standalone')})
        const [a, b] = sb.ids
        const inventory = contract<Inventory>(await cli(sb, 'inventory', '--json', '--group', NICK), 'inventory')
        expect(inventory.groups.map((g) => [g.nickname, g.status, g.members.map((m) => m.id)])).toEqual([[NICK, 'healthy', [a]]])
        const check = contract<CheckResult>(await cli(sb, 'check', '--group', NICK, '--json'), 'check')
        expect(check.groups[0].findings.map((f) => [f.rule, f.severity])).toEqual([['member-count', 'info']])

        // unlinked while it was up: ARM shows no nickname and nobody lists it, so nothing says it belonged
        const stranger = await cli(sb, 'force-link', '--group', NICK, '--member', 'sandbox-eastus', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(stranger.code).toBe(2)
        expect(contract<GuardedResult>(stranger, 'force-link').refusal).toMatchObject({guard: 'joining-belongs-to-group'})
        const adopt = ['--adopt', 'sandbox-eastus']
        const dry = await cli(sb, 'force-link', '--group', NICK, '--member', 'sandbox-eastus', ...adopt, '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(dry.code, dry.stderr).toBe(0)
        const plan = contract<GuardedResult>(dry, 'force-link').plan
        expect(plan).toMatchObject({target: {id: b}, targetInGroup: false, issuedOn: {id: b}, ids: [b, a]})
        expect(plan.requests[0].body).toEqual({geoReplication: {groupNickname: NICK, linkedDatabases: [{id: b}, {id: a}]}})
        expect(mutatingRequests(sb.emulator.requests)).toEqual([])

        // and the rejoin goes through
        const run = await cli(sb, 'force-link', '--group', NICK, '--member', 'sandbox-eastus', ...adopt, '--yes', '--confirm', NICK, '--json', '--evidence-dir', evidenceDir(sb))
        expect(run.code, run.stderr).toBe(0)
        expect(contract<GuardedResult>(run, 'force-link')).toMatchObject({outcome: 'succeeded', verification: {ok: true}})
        const [group] = contract<{groups: GeoGroup[]}>(await cli(sb, 'group', 'show', NICK, '--json'), 'group-show').groups
        expect(group).toMatchObject({status: 'healthy', members: [expect.objectContaining({id: b}), expect.objectContaining({id: a})]})
      }, CASE_MS)

      it('when the unlinked database is alone under the same nickname too, force-link plans to join the survivor', async () => {
        const sb = await start({members: 2, world: survivorAlone('alone too')})
        const [a, b] = sb.ids
        const dry = await cli(sb, 'force-link', '--group', NICK, '--member', 'sandbox-eastus', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(dry.code, dry.stderr).toBe(0)
        expect(contract<GuardedResult>(dry, 'force-link').plan).toMatchObject({targetInGroup: false, issuedOn: {id: b}, ids: [b, a]})
      }, CASE_MS)
    })

    describe('a cluster mid-scale', () => {
      let sb: CliSandbox
      beforeAll(async () => {
        // sandbox-eastus's cluster is being scaled; its database still says Succeeded/Running; sandbox-northeurope is down
        sb = await start({down: [2], world: (w) => Object.assign(w.clusters[1], {provisioningState: 'Updating', resourceState: 'Scaling'})})
      }, CASE_MS)

      it('shows both states wherever the member is shown', async () => {
        const inventory = contract<Inventory>(await cli(sb, 'inventory', '--json'), 'inventory')
        const eus = inventory.groups[0].members.find((m) => m.id === sb.ids[1])!
        expect(eus).toMatchObject({provisioningState: 'Succeeded', resourceState: 'Running', clusterProvisioningState: 'Updating', clusterResourceState: 'Scaling'})
        const table = await cli(sb, 'inventory')
        expect(table.stdout).toMatch(/sandbox-eastus\/default .*cluster Updating\/Scaling, database Succeeded\/Running/)

        const check = contract<CheckResult>(await cli(sb, 'check', '--json'), 'check')
        const state = check.groups[0].findings.filter((f) => f.rule === 'member-state')
        expect(state).toEqual([
          expect.objectContaining({severity: 'warning', members: [sb.ids[1]], message: 'sandbox-eastus/default (eastus) is cluster Updating/Scaling, database Succeeded/Running'}),
        ])
      }, CASE_MS)

      it('force-unlink and flush refuse to send on it; force-unlink picks the healthy survivor by itself', async () => {
        const from = await cli(sb, 'force-unlink', '--group', NICK, '--member', 'northeurope', '--from', 'sandbox-eastus', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(from.code).toBe(2)
        expect(contract<GuardedResult>(from, 'force-unlink').refusal).toMatchObject({
          guard: 'issuer-healthy-in-arm',
          message: 'the issuing member sandbox-eastus/default (eastus) is cluster Updating/Scaling, database Succeeded/Running in ARM, not Succeeded/Running',
        })

        const chosen = await cli(sb, 'force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(chosen.code, chosen.stderr).toBe(0)
        expect(contract<GuardedResult>(chosen, 'force-unlink').plan.issuedOn?.id).toBe(sb.ids[0])

        const flush = await cli(sb, 'flush', '--group', NICK, '--from', 'sandbox-eastus', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(flush.code).toBe(2)
        expect(contract<GuardedResult>(flush, 'flush').guards.find((g) => g.name === 'issuer-healthy-in-arm')).toMatchObject({result: 'refuse'})
        expect(mutatingRequests(sb.emulator.requests)).toEqual([])
      }, CASE_MS)
    })

    describe('a cluster deleted from a subscription that was listed', () => {
      let sb: CliSandbox
      let gone: string
      beforeAll(async () => {
        // sandbox-northeurope's cluster and database are gone; the others still list it
        sb = await start({
          world: (w) => {
            gone = w.databases[2].id
            w.clusters = w.clusters.filter((c) => !gone.startsWith(`${c.id}/`))
            w.databases = w.databases.filter((d) => d.id !== gone)
          },
        })
      }, CASE_MS)

      it('is not-found, confirmed by one direct GET of the database', async () => {
        const n = sb.emulator.requests.length
        const r = await cli(sb, 'inventory', '--json')
        expect(r.code).toBe(1)
        const inventory = contract<Inventory>(r, 'inventory')
        const [placeholder] = inventory.groups[0].unreadable
        expect(placeholder).toMatchObject({id: gone, readError: {cause: 'not-found', code: 'ResourceNotFound'}})
        expect(inventory.errors).toEqual([expect.objectContaining({scope: gone, cause: 'not-found'})])
        const reads = sb.emulator.requests.slice(n).filter((q) => /sandbox-northeurope/i.test(q.path))
        expect(reads.map((q) => [q.method, q.path, q.status])).toEqual([['GET', gone, 404]])
        expect(r.stderr).not.toMatch(/subscription was not listed/)
      }, CASE_MS)

      it('check fails on it, and force-unlink of the deleted member passes its target guard', async () => {
        const check = await cli(sb, 'check', '--json')
        expect(check.code).toBe(1)
        const finding = contract<CheckResult>(check, 'check').groups[0].findings.find((f) => f.rule === 'unresolved-member')!
        expect(finding).toMatchObject({severity: 'error', members: [gone]})
        expect(finding.remediation).toContain('sandbox-northeurope is deleted')
        expect(finding.remediation).toContain('force-unlink the deleted member')

        const r = await cli(sb, 'force-unlink', '--group', NICK, '--member', 'sandbox-northeurope', '--dry-run', '--json', '--evidence-dir', evidenceDir(sb))
        expect(r.code, r.stderr).toBe(0)
        const result = contract<GuardedResult>(r, 'force-unlink')
        expect(result.guards.find((g) => g.name === 'target-does-not-answer')).toMatchObject({result: 'pass', detail: expect.stringMatching(/not-found, ResourceNotFound\): deleted; no endpoint is left to probe$/)})
        expect(JSON.stringify(result)).not.toMatch(/get read access/)
      }, CASE_MS)
    })

    describe('runbook incident --resource-group without --group', () => {
      it('narrows the groups to the one with a member there', async () => {
        const sb = await start({
          members: 4,
          world: (w) => {
            // members 2 and 3 form a second group, "dr", in resource group rg-other
            for (const item of [...w.clusters.slice(2, 4), ...w.databases.slice(2, 4)]) item.id = item.id.replace('/resourceGroups/rg-sandbox/', '/resourceGroups/rg-other/')
            const [a, b, c, d] = w.databases
            for (const [members, nickname] of [[[a, b], NICK], [[c, d], 'dr']] as const) {
              for (const m of members) m.properties.geoReplication = {groupNickname: nickname, linkedDatabases: members.map((o) => ({id: o.id, state: 'Linked'}))}
            }
          },
        })
        const env = Object.fromEntries(Object.entries(sb.env).filter(([k]) => k !== 'CI'))
        const session = TmuxSession.start({command: [process.execPath, BIN, 'runbook', 'incident', '--resource-group', 'rg-other', '--evidence-dir', evidenceDir(sb)], env, unset: ['CI', 'GEO_REDIS_PROFILE'], cwd: sb.dir})
        try {
          // nothing is failing in "dr": the runbook ends on its own, having never asked which group
          expect(await session.waitForExit(60_000), session.capture()).toBe(0)
          const screen = session.capture()
          expect(screen).toContain('group "dr": 2 readable member(s)')
          expect(screen).toContain('resource group rg-other')
          expect(screen).not.toContain('which group is hit by the incident?')
        } finally {
          session.kill()
        }
      }, CASE_MS)
    })
  })

  // the evidence written above is intact
  describe('evidence', () => {
    it('every bundle written verifies', async () => {
      for (const sb of sandboxes) {
        if (!existsSync(evidenceDir(sb))) continue
        for (const dir of readdirSync(evidenceDir(sb))) {
          const r = await cli(sb, 'evidence', 'verify', join(evidenceDir(sb), dir), '--json')
          expect(r.code, `${dir}: ${r.stdout}`).toBe(0)
        }
      }
    }, CASE_MS)
  })
})
