// `geo-redis runbook incident` end to end on a real pseudo-terminal (tmux on a private socket), against the real
// sandbox (`geo-redis sandbox up` in a temporary GEO_REDIS_HOME) with North Europe in an outage drill: its
// redis-server stopped and ARM answering 503 for its cluster. The cases run in order, as responders would: off a
// terminal, stop at the decision, Ctrl-C, a dry run, then the real force-unlink. Never touches the system's Redis.
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RUNBOOK_STEPS} from '../../src/domain/incident.js'
import {idKey} from '../../src/domain/ids.js'
import {stepTitle} from '../../src/output/runbook.js'
import {openConnection} from '../../src/redis/connect.js'
import type {RequestLogEntry} from '../../src/sandbox/emulator/server.js'
import {mutatingRequests, runCli, type CliResult} from '../helpers/run-cli.js'
import {TmuxSession} from '../helpers/tmux.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const NICK = 'sandbox-geo'
const STEP_MS = 30_000
const CASE_MS = 60_000

interface SandboxMember {
  id: string
  cluster: string
  location: string
  role: string
  host: string
  /** its cluster's hostName as ARM reports it (the sandbox profile maps it to host) */
  hostName: string
  port: number
}

let home: string
let evidenceDir: string
let members: SandboxMember[]
let down: SandboxMember
const sessions: TmuxSession[] = []

/** The sandbox's profile decides everything: nothing from the developer's environment leaks in (colour settings
 * included: the pane is a colour terminal, also when CI runs with NO_COLOR for a plain log). */
const ISOLATE = ['CI', 'GEO_REDIS_PROFILE', 'GEO_REDIS_ARM_ENDPOINT', 'GEO_REDIS_ACCESS_TOKEN', 'AZURE_SUBSCRIPTION_ID', 'NODE_EXTRA_CA_CERTS', 'NO_COLOR', 'FORCE_COLOR']
const cliEnv = () => ({GEO_REDIS_HOME: home, GEO_REDIS_ARM_TIMEOUT_MS: '5000', GEO_REDIS_POLL_INTERVAL_MS: '100'})

function cli(args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> {
  return runCli(args, {env: {...Object.fromEntries(ISOLATE.map((k) => [k, undefined])), ...cliEnv(), CI: '1', ...extra}, timeoutMs: STEP_MS})
}

/** The runbook in a fresh tmux pane: a real terminal, CI unset. */
function runbook(...args: string[]): TmuxSession {
  const session = TmuxSession.start({
    command: [process.execPath, BIN, 'runbook', 'incident', '--profile', 'sandbox', '--evidence-dir', evidenceDir, ...args],
    env: cliEnv(),
    unset: ISOLATE,
    cwd: home,
  })
  sessions.push(session)
  return session
}

/** Every ARM request the sandbox's emulator has answered so far. */
function armRequests(): RequestLogEntry[] {
  const file = join(home, 'sandbox', 'arm-requests.jsonl')
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RequestLogEntry)
}

const file = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8')
const bundles = (suffix: string) => (existsSync(evidenceDir) ? readdirSync(evidenceDir).filter((d) => d.endsWith(suffix)).sort().map((d) => join(evidenceDir, d)) : [])
const runbookDir = (screen: string) => /runbook log: +(\S+)\/runbook\.md/.exec(screen)?.[1] ?? ''

async function verified(dir: string): Promise<void> {
  const r = await cli(['evidence', 'verify', dir, '--json'])
  expect(r.code, r.stdout + r.stderr).toBe(0)
  expect(JSON.parse(r.stdout)).toMatchObject({intact: true, complete: true})
}

/** Sets maxmemory just above what a survivor uses, so the runbook sees it (nearly) full. */
async function fillUp(member: SandboxMember): Promise<void> {
  const world = JSON.parse(file(join(home, 'sandbox'), 'world.json')) as {databases: {id: string; keys: {primaryKey: string}}[]}
  const key = world.databases.find((d) => idKey(d.id) === idKey(member.id))!.keys.primaryKey
  const ca = file(join(home, 'sandbox'), 'ca.pem')
  const {client} = await openConnection({id: member.id, host: member.host, port: member.port, tls: true, ca, auth: {password: key}}, {timeoutMs: 5000})
  try {
    const used = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1])
    await client.config('SET', 'maxmemory', String(Math.floor(used * 1.08)))
  } finally {
    client.disconnect()
  }
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'geo-redis-runbook-'))
  evidenceDir = join(home, 'evidence')
  const up = await cli(['sandbox', 'up', '--json'], {})
  expect(up.code, up.stderr).toBe(0)
  members = (JSON.parse(file(join(home, 'sandbox'), 'state.json')) as {members: SandboxMember[]}).members.filter((m) => m.role === 'member')
  down = members.find((m) => m.cluster === 'sandbox-northeurope')!
  const outage = await cli(['sandbox', 'outage', 'North Europe', '--json'])
  expect(outage.code, outage.stderr).toBe(0)
  expect(JSON.parse(outage.stdout)).toMatchObject({arm: 'error', redis: 'stopped'})
}, 90_000)

afterAll(async () => {
  for (const s of sessions) s.kill()
  if (home) {
    const r = await cli(['sandbox', 'down'])
    expect(r.code, r.stderr).toBe(0)
    rmSync(home, {recursive: true, force: true})
  }
}, 60_000)

// one incident, met in the order responders meet it: the real run takes the rehearsal's plan, and is the last case
describe('runbook incident, North Europe down in the sandbox', {shuffle: false}, () => {
  it('(c) without a terminal: exit 2 at once, pointing to a force-unlink dry run and its plan, and no ARM request', async () => {
    const before = armRequests().length
    const r = await cli(['runbook', 'incident', '--profile', 'sandbox', '--group', NICK])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('needs a terminal')
    expect(r.stderr).toContain(`\`geo-redis force-unlink --group ${NICK} --member '<member>' --dry-run --profile sandbox\``)
    expect(r.stderr).toContain('--plan <its evidence folder>')
    const json = await cli(['runbook', 'incident', '--profile', 'sandbox', '--json'])
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout).error).toMatchObject({code: 'TerminalRequired', exitCode: 2})
    expect(armRequests().length).toBe(before)
  }, CASE_MS)

  it('stopping at the decision: the diagnosis, the survivors\' endpoints, exit 0, and evidence with the answer', async () => {
    const before = armRequests().length
    const s = runbook()
    const screen = await s.waitFor(`Go on to force-unlink ${down.cluster}/default?`, STEP_MS)
    expect(screen).toContain(`group "${NICK}": 2 readable member(s) and 1 ARM could not read`)
    // its Redis is dialled at its own address, as its cluster list still shows it: it does not answer either
    expect(screen).toMatch(/sandbox-northeurope\/default +│ northeurope +│ unreadable \(region-not-answering: ServiceUnavailable\) +│ refused/)
    expect(screen).toMatch(/\(✗\) sandbox-northeurope\/default \(northeurope\) is failing: .*ServiceUnavailable/)
    expect(screen).toContain('(✓) recommendation: redirect clients only')
    for (const m of members.filter((x) => x !== down)) expect(screen).toContain(`GEO_REDIS_${m.location.replace(/\s/g, '').toUpperCase()}_HOST=${m.hostName}`)
    expect(screen).not.toContain('GEO_REDIS_NORTHEUROPE')
    s.type('n')
    s.press('Enter')
    expect(await s.waitForExit(STEP_MS), s.capture()).toBe(0)
    const end = s.capture()
    expect(end).toMatch(/\(✓\) runbook incident, group "sandbox-geo": redirect clients only: .*not force-unlinked/)
    expect(end).toContain(`\`geo-redis capacity --group ${NICK} --warn 70 --crit 85 --profile sandbox\``)

    const dir = runbookDir(end)
    await verified(dir)
    const log = file(dir, 'runbook.md')
    expect(log).toContain(`> **Question:** recommended: redirect clients only. Go on to force-unlink ${down.cluster}/default?  \n> **Answer:** no`)
    expect(log).toContain(`## ${stepTitle('plan')}\n\n_Not reached: you chose to redirect clients only._`)
    expect(file(dir, 'report.md')).toContain('**Outcome: refused**')
    expect(file(dir, 'report.md')).toContain('- **refuse**: operator-decision')
    expect(JSON.parse(file(dir, 'runbook.json')).answers).toEqual([
      {step: 'decision', question: `recommended: redirect clients only. Go on to force-unlink ${down.cluster}/default?`, answer: 'no'},
    ])
    expect(bundles('-force-unlink')).toEqual([])
    expect(mutatingRequests(armRequests().slice(before))).toEqual([])
  }, CASE_MS)

  it('Ctrl-C at a question: exit 130, the log and the evidence record the interruption, nothing is sent', async () => {
    const before = armRequests().length
    const s = runbook('--group', NICK)
    await s.waitFor('Go on to force-unlink', STEP_MS)
    s.press('C-c')
    expect(await s.waitForExit(STEP_MS), s.capture()).toBe(130)
    const dir = runbookDir(s.capture())
    await verified(dir)
    const log = file(dir, 'runbook.md')
    expect(log).toContain('> **Answer:** Ctrl-C: interrupted')
    expect(log).toContain('_Not reached: interrupted (Ctrl-C)._')
    expect(file(dir, 'report.md')).toContain('**refuse**: not-interrupted')
    expect(mutatingRequests(armRequests().slice(before))).toEqual([])
  }, CASE_MS)

  it('(a) dry run with a survivor nearly full: every step, the typed confirmation included, and no mutating request', async () => {
    await fillUp(members.find((m) => m.cluster === 'sandbox-westus2')!)
    const before = armRequests().length
    const s = runbook('--group', NICK, '--dry-run')
    let screen = await s.waitFor('Go on to force-unlink', STEP_MS)
    expect(screen).toContain('(!) recommendation: force-unlink now (critical)')
    expect(screen).toMatch(/sandbox-westus2\/default is at \d+\.\d% of its memory, at or above --crit 85%/)
    s.type('y')
    s.press('Enter')
    screen = await s.waitFor(`type the group nickname (${NICK}) to force-unlink ${down.cluster}/default`, STEP_MS)
    expect(screen).toContain('every guard passed')
    expect(screen).toContain('(✓) target-does-not-answer')
    s.type(NICK)
    s.press('Enter')
    expect(await s.waitForExit(STEP_MS), s.capture()).toBe(0)
    screen = s.capture()
    expect(screen).toContain('(✓) confirmed by the answer typed at the prompt')
    expect(screen).toContain('(✓) dry run: no request was sent; a real run sends POST ')
    expect(screen).toContain(stepTitle('rejoin'))

    expect(mutatingRequests(armRequests().slice(before))).toEqual([])
    // one bundle: force-unlink's, with the runbook's log added before it was sealed
    const dir = runbookDir(screen)
    expect(bundles('-force-unlink')).toEqual([dir])
    await verified(dir)
    // the real run is this very plan: never consent flags in what it suggests
    expect(screen).toContain(`run this very plan for real: \`geo-redis runbook incident --group ${NICK} --plan ${dir} --profile sandbox\``)
    expect(file(dir, 'report.md')).toContain('**Outcome: dry-run** (dry run)')
    const log = file(dir, 'runbook.md')
    for (const step of RUNBOOK_STEPS) expect(log).toContain(`## ${stepTitle(step.id)}\n\n`)
    expect(log).not.toContain('_Not reached')
    expect(log).toContain(`> **Answer:** ${NICK}`)
  }, CASE_MS)

  it('a wrong nickname at the real confirmation: refused by force-unlink\'s consent guard, exit 2, nothing sent', async () => {
    const before = armRequests().length
    const s = runbook('--group', NICK)
    await s.waitFor('Go on to force-unlink', STEP_MS)
    s.type('y')
    s.press('Enter')
    await s.waitFor(`type the group nickname (${NICK})`, STEP_MS)
    s.type('sandbox')
    s.press('Enter')
    expect(await s.waitForExit(STEP_MS), s.capture()).toBe(2)
    expect(s.capture()).toContain('"sandbox" does not match the nickname "sandbox-geo"')
    // typed at a prompt, so typed again: never a --confirm flag the runbook does not take
    expect(s.capture()).toContain('type sandbox-geo exactly')
    expect(s.capture()).not.toContain('--confirm')
    expect(mutatingRequests(armRequests().slice(before))).toEqual([])
    const unlink = bundles('-force-unlink').at(-1)!
    expect(runbookDir(s.capture())).toBe(unlink)
    await verified(unlink)
    expect(file(unlink, 'report.md')).toContain('- **refuse**: operator-consent')
    expect(file(unlink, 'runbook.md')).toContain(`## ${stepTitle('execute')}\n\n_Not reached: refused by operator-consent: nothing was sent._`)
  }, CASE_MS)

  it('(b) the real run takes the rehearsal\'s plan: exactly the planned forceUnlink on a survivor, and evidence that verifies', async () => {
    const before = armRequests().length
    const rehearsal = bundles('-force-unlink')[0]
    const planned = JSON.parse(file(rehearsal, 'plan.json')) as {requests: {url: string; body: unknown}[]}
    const s = runbook('--group', NICK, '--reason', 'INC-4711 North Europe down', '--plan', rehearsal)
    await s.waitFor('Go on to force-unlink', STEP_MS)
    s.type('y')
    s.press('Enter')
    await s.waitFor(`type the group nickname (${NICK})`, STEP_MS)
    s.type(NICK)
    s.press('Enter')
    expect(await s.waitForExit(STEP_MS), s.capture()).toBe(0)
    const screen = s.capture()
    expect(screen).toMatch(/\(✓\) runbook incident, group "sandbox-geo": .*done and verified/)
    expect(screen).toContain(`rejoin it with: \`geo-redis force-link --group ${NICK} --member ${down.id} --profile sandbox\``)
    expect(screen).toContain('(✓) plan-still-holds')

    const sent = mutatingRequests(armRequests().slice(before))
    expect(sent).toHaveLength(1)
    expect(sent[0].path).toMatch(/\/redisEnterprise\/sandbox-(westus2|eastus)\/databases\/default\/forceUnlink$/)
    expect((sent[0].body as {ids: string[]}).ids.map(idKey)).toEqual([idKey(down.id)])
    // exactly what the rehearsal planned
    expect(planned.requests.map((r) => [new URL(r.url).pathname, r.body])).toEqual([[sent[0].path, sent[0].body]])

    const dir = runbookDir(screen)
    const unlink = bundles('-force-unlink').at(-1)!
    expect(dir).toBe(unlink)
    await verified(unlink)
    expect(file(unlink, 'report.md')).toContain('**Outcome: succeeded**')
    expect(file(unlink, 'report.md')).toContain('- Reason: INC-4711 North Europe down')
    const log = file(dir, 'runbook.md')
    for (const step of RUNBOOK_STEPS) expect(log).toContain(`## ${stepTitle(step.id)}\n\n`)
    expect(log).not.toContain('_Not reached')
    expect(log).toContain(`Go on to force-unlink ${down.cluster}/default?  \n> **Answer:** yes`)
    expect(log).toContain(`to force-unlink ${down.cluster}/default  \n> **Answer:** ${NICK}`)
    expect(log).toMatch(/- \(✓\) verified: sandbox-\w+\/default, sandbox-\w+\/default no longer list sandbox-northeurope\/default/)
    expect(log).toContain(`evidence: ${unlink} `)
    const record = JSON.parse(file(dir, 'runbook.json'))
    expect(record).toMatchObject({outcome: 'succeeded', dryRun: false, forceUnlink: {outcome: 'succeeded', evidence: {dir: unlink}}})
    expect(readdirSync(unlink).sort()).toEqual(['after.json', 'before.json', 'manifest.json', 'plan.json', 'probe.json', 'report.md', 'runbook.json', 'runbook.md'])
    expect(record.answers.map((a: {answer: string}) => a.answer)).toEqual(['yes', NICK])
  }, CASE_MS)
})
