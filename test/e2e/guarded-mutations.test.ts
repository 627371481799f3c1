// Guarded mutations that cannot hit the wrong target (issue 11), each through the real binary against the emulator
// and real redis-servers, every member on a loopback address of its own at port 10000 as in Azure: force-link takes
// back only what belonged, the data plane decides "down", one mutation of a group at a time, the dry run is the plan,
// consent is checked in dry runs too, and a repeated force-unlink is "nothing to do".
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import type {CheckResult} from '../../src/services/check.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import {stopAll} from '../helpers/redis-server.js'
import {mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox, type CliSandboxOptions} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'
import {TmuxSession} from '../helpers/tmux.js'

const NICK = 'sandbox-geo'
const CLI_MS = 30_000
const CASE_MS = 90_000
const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

const sandboxes: CliSandbox[] = []
const outputs: {sandbox: CliSandbox; text: string}[] = []

async function start(options: CliSandboxOptions = {}): Promise<CliSandbox> {
  const sb = await startCliSandbox(options)
  sandboxes.push(sb)
  return sb
}

async function cli(sb: CliSandbox, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await runCli([...args, '--evidence-dir', join(sb.dir, 'evidence')], {env: {...sb.env, ...env}, timeoutMs: CLI_MS})
  outputs.push({sandbox: sb, text: r.stdout + r.stderr})
  return r
}

function result(r: CliResult, schema: 'force-unlink' | 'force-link'): GuardedResult {
  const data = JSON.parse(r.stdout) as GuardedResult
  expectSchema(schema, data)
  return data
}

const posts = (sb: CliSandbox, from = 0) => mutatingRequests(sb.emulator.requests.slice(from))
const file = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8')
/** whom a member's own view lists, besides itself */
const peersOf = (sb: CliSandbox, i: number) => {
  const db = sb.emulator.emulator.world.databases[i]
  return (db.properties.geoReplication?.linkedDatabases ?? []).map((l) => idKey(l.id)).filter((id) => id !== idKey(db.id))
}

afterAll(async () => {
  // no access key in any output of any run
  for (const {sandbox, text} of outputs) for (const k of sandbox.keys) expect(text).not.toContain(k.primaryKey)
  await Promise.all(sandboxes.map((sb) => sb.stop()))
  await stopAll()
})

// the refusal and the dry run leave the standalone cache as it was and run in any order; the real adoption is last
describe('force-link named the standalone cache by mistake', {shuffle: false}, () => {
  let sb: CliSandbox
  const standalone = () => sb.servers[3]!
  const standaloneId = () => sb.emulator.emulator.world.databases[3].id

  beforeAll(async () => {
    sb = await start({standalone: true})
    for (let i = 0; i < 5; i++) await standalone().cli('SET', `orders:${i}`, 'kept')
  }, CASE_MS)

  describe('before the adoption', {shuffle: true}, () => {
    it('without --adopt: refused before anything is sent, saying what it holds, and its keys stay (DBSIZE unchanged)', async () => {
      const n = sb.emulator.requests.length
      const r = await cli(sb, ['force-link', '--group', NICK, '--member', 'sandbox-standalone', '--yes', '--confirm', NICK, '--json'])
      expect(r.code).toBe(2)
      const refused = result(r, 'force-link')
      expect(refused).toMatchObject({outcome: 'refused', refusal: {guard: 'joining-belongs-to-group'}, plan: {target: {id: standaloneId()}, targetInGroup: false}})
      // the refusal is the guard above; its message names the database and what it holds
      expect(refused.refusal!.message).toContain('sandbox-standalone/default (westus2) never belonged to group "sandbox-geo"')
      expect(refused.refusal!.message).toContain('5 keys will be deleted')
      expect(refused.refusal!.remediation).toContain('--adopt sandbox-standalone')
      expect((await standalone().cli('DBSIZE')).trim()).toBe('5')
      expect(posts(sb, n)).toEqual([])
    }, CASE_MS)

    it('--adopt must name the database again; naming it plans the adoption with "5 keys will be deleted" first', async () => {
      const n = sb.emulator.requests.length
      const wrong = result(await cli(sb, ['force-link', '--group', NICK, '--member', 'sandbox-standalone', '--adopt', 'sandbox-eastus', '--dry-run', '--json']), 'force-link')
      expect(wrong).toMatchObject({outcome: 'refused', refusal: {guard: 'joining-belongs-to-group', message: expect.stringMatching(/^--adopt names "sandbox-eastus", but the database force-link would adopt is sandbox-standalone/)}})

      const r = await cli(sb, ['force-link', '--group', NICK, '--member', 'sandbox-standalone', '--adopt', 'sandbox-standalone', '--dry-run'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout.split('\n')[0]).toMatch(/^\(!\) ADOPTING sandbox-standalone\/default \(westus2\), WHICH NEVER BELONGED TO "sandbox-geo": 5 keys, [\d.]+ MB used: 5 keys will be deleted$/)
      expect(r.stdout).toMatch(/\(✓\) joining-belongs-to-group: adopting sandbox-standalone\/default \(westus2\) \(--adopt\): 5 keys/)
      // the command that runs this plan repeats --adopt, never the consent flags
      expect(r.stdout).toMatch(/`geo-redis force-link --group sandbox-geo --member \S+sandbox-standalone\/databases\/default --adopt sandbox-standalone --plan \S+`/)
      expect(r.stdout).not.toMatch(/--yes|--confirm/)
      expect((await standalone().cli('DBSIZE')).trim()).toBe('5')
      expect(posts(sb, n)).toEqual([])
    }, CASE_MS)
  })

  it('once adopted for real, check warns that two members share a region', async () => {
    const r = await cli(sb, ['force-link', '--group', NICK, '--member', 'sandbox-standalone', '--adopt', 'sandbox-standalone', '--yes', '--confirm', NICK, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(result(r, 'force-link')).toMatchObject({outcome: 'succeeded', verification: {ok: true}})
    const check = await runCli(['check', '--group', NICK, '--json'], {env: sb.env, timeoutMs: CLI_MS})
    const [group] = (JSON.parse(check.stdout) as CheckResult).groups
    expect(group.findings.filter((f) => f.rule === 'members-share-region')).toEqual([
      expect.objectContaining({severity: 'warning', members: [sb.ids[0], standaloneId()].sort((a, b) => (idKey(a) < idKey(b) ? -1 : 1))}),
    ])
  }, CASE_MS)
})

describe('an ARM-only outage: ARM answers 503 for North Europe, its Redis still answers', () => {
  let sb: CliSandbox

  beforeAll(async () => {
    sb = await start()
    sb.emulator.emulator.setOutage('North Europe', 'error')
  }, CASE_MS)

  it('force-unlink sends no forceUnlink: the data plane says it is up, "control-plane outage"', async () => {
    const r = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--yes', '--confirm', NICK, '--json'])
    expect(r.code).toBe(2)
    const refused = result(r, 'force-unlink')
    expect(refused.refusal).toMatchObject({guard: 'target-does-not-answer'})
    const host = sb.servers[2]!.host
    expect(refused.refusal!.message).toMatch(new RegExp(`^control-plane outage: ARM does not answer for sandbox-northeurope/default \\(northeurope\\), but its Redis does, at ${host.replace(/\./g, '\\.')}:10000 \\(auth: `))
    // dialled without credentials (its key would come from the ARM that does not answer): NOAUTH is an answer
    expect(refused.probe.members.find((m) => m.id === sb.ids[2])).toMatchObject({reachable: false, answered: true, error: {kind: 'auth'}, endpoint: `${host}:10000`})
    expect(posts(sb)).toEqual([])
  }, CASE_MS)

  it('--skip-probe cannot tell: refused unless --force, which plans the split knowingly', async () => {
    const skipped = result(await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--skip-probe', '--dry-run', '--json']), 'force-unlink')
    expect(skipped).toMatchObject({outcome: 'refused', refusal: {guard: 'target-does-not-answer', message: expect.stringContaining('cannot tell whether sandbox-northeurope/default (northeurope) is down: not probed (--skip-probe)')}})
    const forced = result(await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--force', '--dry-run', '--json']), 'force-unlink')
    expect(forced).toMatchObject({outcome: 'dry-run'})
    expect(forced.plan.warnings.some((w) => w.startsWith('FORCED (target-does-not-answer): sandbox-northeurope answers at'))).toBe(true)
    expect(posts(sb)).toEqual([])
  }, CASE_MS)
})

describe('two force-unlinks at once, on different targets', () => {
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((sb) => sb.stop()))
  })

  it('on one machine: the group lock lets one through, the other is refused naming it; the issuer keeps a peer', async () => {
    // eastus and northeurope are down; each operation stays in flight for a few polls
    const sb = await start({down: [1, 2], emulator: {lroPolls: 10}})
    const both = await Promise.all(['eastus', 'northeurope'].map((m) => cli(sb, ['force-unlink', '--group', NICK, '--member', m, '--yes', '--confirm', NICK])))
    expect(both.map((r) => r.code).sort()).toEqual([0, 2])
    const refused = both.find((r) => r.code === 2)!
    // the lock (both read at once), or, had the first finished before the second read, the guard on what is left
    expect(refused.stderr).toMatch(/another geo-redis run is changing group "sandbox-geo": force-unlink sandbox-\w+ on group "sandbox-geo" \(pid \d+ on .+\)|group-left-linked|no-link-operation-in-flight/)
    expect(posts(sb)).toHaveLength(1)
    expect(peersOf(sb, 0).length).toBeGreaterThanOrEqual(1)
  }, CASE_MS)

  it('on two machines: a run that reads while the other\'s request is in flight sees Unlinking and is refused', async () => {
    const sb = await start({down: [1, 2], emulator: {lroPolls: 100}})
    const first = cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--yes', '--confirm', NICK])
    for (let i = 0; i < 200 && posts(sb).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(posts(sb)).toHaveLength(1)
    // another home: this machine's lock does not fence it, the views in ARM do
    const second = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'eastus', '--yes', '--confirm', NICK, '--json'], {GEO_REDIS_HOME: join(sb.dir, 'other-machine')})
    expect(second.code).toBe(2)
    expect(result(second, 'force-unlink').refusal).toMatchObject({guard: 'no-link-operation-in-flight', message: expect.stringContaining('sandbox-westus2 sees sandbox-northeurope/default as Unlinking')})
    expect((await first).code).toBe(0)
    expect(posts(sb)).toHaveLength(1)
    expect(peersOf(sb, 0)).toEqual([idKey(sb.ids[1])])
  }, CASE_MS)

  it('the read right before sending: a group that moved while the plan waited for consent is refused, saying what moved', async () => {
    const sb = await start({down: [2]})
    const env = Object.fromEntries(Object.entries(sb.env).filter(([k]) => k !== 'CI'))
    const session = TmuxSession.start({
      command: [process.execPath, BIN, 'force-unlink', '--group', NICK, '--member', 'northeurope', '--from', 'sandbox-westus2', '--evidence-dir', join(sb.dir, 'evidence')],
      env,
      unset: ['CI', 'GEO_REDIS_PROFILE'],
      cwd: sb.dir,
    })
    try {
      await session.waitFor(`type the group nickname (${NICK})`, CLI_MS)
      // meanwhile, another machine's force-unlink is in flight on the issuer
      const link = sb.emulator.emulator.world.databases[0].properties.geoReplication!.linkedDatabases.find((l) => idKey(l.id) === idKey(sb.ids[2]))!
      link.state = 'Unlinking'
      session.type(NICK)
      session.press('Enter')
      expect(await session.waitForExit(CLI_MS), session.capture()).toBe(2)
      const screen = session.capture()
      expect(screen).toMatch(/Error: the group moved between the plan and the send: sandbox-westus2\/default listed .*sandbox-northeurope\/default Linked.*, now lists .*sandbox-northeurope\/default Unlinking/)
      expect(screen).toContain('guard no-link-operation-in-flight now refuses')
      expect(posts(sb)).toEqual([])
    } finally {
      session.kill()
    }
  }, CASE_MS)
})

// One dry run before the tests writes the plan the --plan cases read. The previews and refusals change nothing and
// run in any order; the real run with --plan changes the group, so it is last.
describe('the dry run is the plan', {shuffle: false}, () => {
  let sb: CliSandbox
  let planDir: string
  let planned: {issuedOn: {id: string}; requests: {url: string; body: unknown}[]}

  beforeAll(async () => {
    sb = await start({down: [2]})
    planDir = result(await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--json']), 'force-unlink').evidence.dir
    planned = JSON.parse(file(planDir, 'plan.json'))
  }, CASE_MS)

  describe('before the real run', {shuffle: true}, () => {
    it('ten dry runs plan the same issuer and the same request', async () => {
      const n = sb.emulator.requests.length
      const runs: GuardedResult[] = []
      for (let i = 0; i < 10; i++) runs.push(result(await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--json']), 'force-unlink'))
      expect(new Set(runs.map((r) => JSON.stringify([r.plan.issuedOn, r.plan.requests]))).size).toBe(1)
      const dir = runs[0].evidence.dir
      const written = JSON.parse(file(dir, 'plan.json'))
      expect(written).toMatchObject({issuedOn: runs[0].plan.issuedOn, requests: runs[0].plan.requests, basis: runs[0].plan.basis})
      // and the same as the plan written before the tests
      expect(written).toMatchObject({issuedOn: planned.issuedOn, requests: planned.requests})
      // what to run next is this very plan, without consent flags
      expect(runs[0].nextSteps).toEqual([expect.stringContaining(`\`geo-redis force-unlink --group ${NICK} --member ${sb.ids[2]} --plan ${dir}\``)])
      expect(posts(sb, n)).toEqual([])
    }, CASE_MS)

    it('flush dry runs plan the same issuer too', async () => {
      const issuers = new Set<string>()
      for (let i = 0; i < 5; i++) {
        const r = await runCli(['flush', '--group', NICK, '--dry-run', '--force', '--json', '--evidence-dir', join(sb.dir, 'evidence')], {env: sb.env, timeoutMs: CLI_MS})
        issuers.add((JSON.parse(r.stdout) as GuardedResult).plan.issuedOn!.id)
      }
      expect(issuers.size).toBe(1)
    }, CASE_MS)

    it('a dry run with a wrong --confirm exits 2, as the real run would; a right one passes', async () => {
      const n = sb.emulator.requests.length
      const wrong = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--confirm', 'sandbox', '--json'])
      expect(wrong.code).toBe(2)
      expect(result(wrong, 'force-unlink')).toMatchObject({outcome: 'refused', refusal: {guard: 'operator-consent', message: expect.stringContaining('"sandbox" does not match the nickname "sandbox-geo"')}})
      const yesOnly = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--yes', '--json'])
      expect(yesOnly.code).toBe(2)
      expect(JSON.parse(yesOnly.stdout).error).toMatchObject({code: 'ConsentRequired'})
      const right = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--yes', '--confirm', NICK, '--json'])
      expect(right.code, right.stderr).toBe(0)
      expect(result(right, 'force-unlink').guards.find((g) => g.name === 'operator-consent')).toMatchObject({result: 'pass'})
      expect(posts(sb, n)).toEqual([])
    }, CASE_MS)

    it('--plan is bad input before any request when it is not a plan for this run', async () => {
      const n = sb.emulator.requests.length
      const asLink = await cli(sb, ['force-link', '--group', NICK, '--member', 'northeurope', '--plan', planDir, '--yes', '--confirm', NICK])
      expect(asLink.code).toBe(2)
      expect(asLink.stderr).toContain('is a force-unlink plan, not a force-link one')
      const otherGroup = await cli(sb, ['force-unlink', '--group', 'payments', '--member', 'northeurope', '--plan', planDir, '--yes', '--confirm', 'payments'])
      expect(otherGroup.code).toBe(2)
      expect(otherGroup.stderr).toContain('is for group "sandbox-geo", not "payments"')
      const tampered = join(sb.dir, 'tampered')
      const {mkdirSync, cpSync} = await import('node:fs')
      mkdirSync(tampered)
      cpSync(planDir, tampered, {recursive: true})
      writeFileSync(join(tampered, 'plan.json'), file(planDir, 'plan.json').replace(planned.issuedOn.id, sb.ids[1]))
      const changed = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--plan', tampered, '--yes', '--confirm', NICK])
      expect(changed.code).toBe(2)
      expect(changed.stderr).toContain('plan.json modified')
      expect(sb.emulator.requests.slice(n)).toEqual([])
    }, CASE_MS)

    it('--plan refuses a plan whose basis moved, showing the difference', async () => {
      const n = sb.emulator.requests.length
      const cluster = sb.emulator.emulator.world.clusters[1]
      cluster.provisioningState = 'Updating'
      try {
        const r = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--plan', planDir, '--yes', '--confirm', NICK, '--json'])
        expect(r.code).toBe(2)
        const refused = result(r, 'force-unlink')
        expect(refused.refusal).toMatchObject({guard: 'plan-still-holds'})
        expect(refused.refusal!.message).toContain('sandbox-eastus/default was Succeeded/Running, is now cluster Updating/Running, database Succeeded/Running')
        expect(posts(sb, n)).toEqual([])
      } finally {
        cluster.provisioningState = 'Succeeded'
      }
    }, CASE_MS)
  })

  it('the real run with --plan sends exactly the planned request', async () => {
    const r = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--plan', planDir, '--yes', '--confirm', NICK, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const done = result(r, 'force-unlink')
    expect(done).toMatchObject({outcome: 'succeeded', verification: {ok: true}})
    expect(done.guards.filter((g) => ['plan-still-holds', 'unchanged-before-sending'].includes(g.name)).map((g) => g.result)).toEqual(['pass', 'pass'])
    const sent = posts(sb)
    expect(sent).toHaveLength(1)
    expect(planned.requests.map((q) => [new URL(q.url).pathname, q.body])).toEqual([[sent[0].path, sent[0].body]])
  }, CASE_MS)
})

// the first run, then the same command again: a story in order
describe('a repeated force-unlink while the region is still down', {shuffle: false}, () => {
  let sb: CliSandbox

  beforeAll(async () => {
    sb = await start({down: [2]})
    sb.emulator.emulator.setOutage('North Europe', 'error')
  }, CASE_MS)

  it('the first run unlinks the member whose region does not answer', async () => {
    const r = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'northeurope', '--yes', '--confirm', NICK, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(result(r, 'force-unlink')).toMatchObject({outcome: 'succeeded'})
    expect(posts(sb)).toHaveLength(1)
  }, CASE_MS)

  it.each([['its location', 'northeurope'], ['its cluster name', 'sandbox-northeurope'], ['its id', '']])(
    'the same command again, naming it by %s, is nothing to do: exit 0, no request, the survivors\' views as evidence',
    async (_, query) => {
      const n = sb.emulator.requests.length
      const r = await cli(sb, ['force-unlink', '--group', NICK, '--member', query || sb.ids[2], '--yes', '--confirm', NICK, '--json'])
      expect(r.code, r.stderr).toBe(0)
      const done = result(r, 'force-unlink')
      expect(done).toMatchObject({outcome: 'nothing-to-do', operation: null, plan: {targetInGroup: false, issuedOn: null, requests: []}})
      expect(idKey(done.plan.target!.id)).toBe(idKey(sb.ids[2]))
      expect(done.plan.nothingToDo).toBe(
        'no readable member lists sandbox-northeurope/default (northeurope) any more: it is already unlinked (sandbox-eastus/default (eastus) lists sandbox-westus2/default; sandbox-westus2/default (westus2) lists sandbox-eastus/default)',
      )
      expect(file(done.evidence.dir, 'report.md')).toContain(done.plan.nothingToDo!)
      expect(posts(sb, n)).toEqual([])
    },
    CASE_MS,
  )

  it('a name nobody knows is still refused as not a member', async () => {
    const r = await cli(sb, ['force-unlink', '--group', NICK, '--member', 'sandbox-nowhere', '--yes', '--confirm', NICK, '--json'])
    expect(r.code).toBe(2)
    expect(result(r, 'force-unlink').refusal).toMatchObject({guard: 'target-in-group'})
  }, CASE_MS)
})
