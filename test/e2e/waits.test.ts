// Truthful outcomes and bounded, visible waits, through the real binary against the emulator: ARM lost after the
// 202, SIGTERM and SIGHUP while following an operation, a deadline, a Retry-After of an hour, a region whose ARM
// hangs. The sandbox's members are real redis-servers; North Europe's is stopped (index 2) where it is the target.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import type {Inventory} from '../../src/domain/model.js'
import {INVENTORY, inventoryScenario} from '../../src/sandbox/emulator/scenarios.js'
import type {RequestLogEntry} from '../../src/sandbox/emulator/server.js'
import type {GuardedResult} from '../../src/services/guarded/lifecycle.js'
import {startTestEmulator} from '../helpers/emulator.js'
import {stopAll} from '../helpers/redis-server.js'
import {emulatorEnv, mutatingRequests, runCli, startCliSandbox, type CliResult, type CliSandbox} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'
import {TmuxSession} from '../helpers/tmux.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))
const NICK = 'sandbox-geo'
const CASE_MS = 60_000

afterAll(async () => {
  await stopAll()
})

const file = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8')
const manifest = (dir: string) => JSON.parse(file(dir, 'manifest.json')) as {complete: boolean; files: {name: string}[]}
const evidenceDirOf = (r: CliResult) => /evidence: +(\S+)/.exec(r.stdout)?.[1] ?? ''

function unlinkArgs(sandbox: CliSandbox, ...extra: string[]): string[] {
  return ['force-unlink', '--group', NICK, '--member', 'northeurope', '--yes', '--confirm', NICK, '--evidence-dir', join(sandbox.dir, 'evidence'), ...extra]
}

function parsed(r: CliResult): GuardedResult {
  const result = JSON.parse(r.stdout) as GuardedResult
  expectSchema('force-unlink', result)
  return result
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Requests the emulator held without an answer (a 'timeout' outage) for this cluster: each is one wait. */
const held = (requests: RequestLogEntry[], cluster: string) => requests.filter((r) => r.status === 0 && r.path.toLowerCase().includes(`/redisenterprise/${cluster}`))

/** Every unknown outcome says how to check it, and never to send it again. */
function expectCheckNotResend(texts: string[], statusUrl: string): void {
  const all = texts.join('\n')
  expect(all).toContain(`az rest --method get --url '${statusUrl}'`)
  expect(all).toContain('geo-redis group show sandbox-geo')
  expect(all).not.toMatch(/run (the command|it) again|Azure reported the operation as failed/)
}

describe('sight lost while following a force-unlink', () => {
  it('ARM gone after the 202: outcome unknown (exit 1) with the status URL and what to check; sealed evidence; never "run it again"', async () => {
    const sandbox = await startCliSandbox({down: [2], emulator: {lroPolls: 1_000_000}})
    try {
      const running = runCli(unlinkArgs(sandbox, '--json'), {env: sandbox.env, timeoutMs: 30_000})
      await until(() => mutatingRequests(sandbox.emulator.requests).some((r) => r.status === 202) && sandbox.emulator.requests.some((r) => /operationsStatus/i.test(r.path)))
      await sandbox.emulator.emulator.stop()
      const r = await running
      expect(r.code, r.stderr).toBe(1)
      const result = parsed(r)
      expect(result).toMatchObject({outcome: 'unknown', stoppedBy: null, verification: null, operation: {status: 'Unknown', error: null, lostSight: {cause: 'no-answer', signal: null}}})
      expect(result.operation?.lostSight?.message).toMatch(/^lost sight of the operation \(last seen: InProgress\): (ARM refused the connection|the connection to ARM was lost)/)
      const url = result.operation!.statusUrl!
      expect(url).toContain('/operationsStatus/')
      expect(result.nextSteps[0]).toBe(`check the operation: az rest --method get --url '${url}'`)

      const dir = result.evidence.dir
      expect(result.evidence).toMatchObject({complete: true})
      expect(manifest(dir)).toMatchObject({complete: true})
      // ARM did not answer: nothing more was waited for, so no after.json
      expect(manifest(dir).files.map((f) => f.name)).toEqual(['before.json', 'plan.json', 'probe.json', 'report.md'])
      const report = file(dir, 'report.md')
      expect(report).toContain('**Outcome: unknown**')
      expect(report).toContain('Why unknown: lost sight of the operation')
      expectCheckNotResend([JSON.stringify(result), report], url)
    } finally {
      await sandbox.stop()
    }
  }, CASE_MS)

  it('a 5xx to the request itself is not resent: one POST, outcome unknown, since ARM may have started it', async () => {
    const sandbox = await startCliSandbox({
      down: [2],
      world: (w) => {
        w.faults = [{path: `${w.databases[1].id}/forceUnlink`, method: 'POST', status: 503, code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.', remaining: 1}]
      },
    })
    try {
      const r = await runCli(unlinkArgs(sandbox, '--from', 'eastus', '--json'), {env: sandbox.env, timeoutMs: 30_000})
      expect(r.code, r.stderr).toBe(1)
      const result = parsed(r)
      expect(result).toMatchObject({
        outcome: 'unknown',
        operation: {status: 'Unknown', statusUrl: null, lostSight: {cause: 'no-answer', message: 'ARM did not confirm the request, which may have started (ServiceUnavailable: The service is temporarily unavailable.)'}},
      })
      expect(mutatingRequests(sandbox.emulator.requests).map((q) => q.status)).toEqual([503])
      expect(result.nextSteps).toEqual([
        'read the group: `geo-redis group show sandbox-geo`',
        'do not send it again before one of these shows how it ended: it may have succeeded, or still be running',
      ])
      expect(file(result.evidence.dir, 'report.md')).toContain('No operation status URL was received')
    } finally {
      await sandbox.stop()
    }
  }, CASE_MS)

  for (const [signal, code] of [['SIGTERM', 130], ['SIGHUP', 130]] as const) {
    it(`${signal} while polling: exit ${code}, what to check printed, the evidence sealed with outcome unknown`, async () => {
      const sandbox = await startCliSandbox({down: [2], emulator: {lroPolls: 1_000_000}})
      try {
        const r = await runCli(unlinkArgs(sandbox), {env: sandbox.env, timeoutMs: 30_000, interrupt: {when: /: InProgress/, signal}})
        expect(r.signal).toBeNull()
        expect(r.code, r.stderr).toBe(code)
        expect(r.stdout).toContain(`(!) force-unlink sandbox-northeurope/default, group "${NICK}": outcome unknown`)
        expect(r.stderr).toContain(`Outcome unknown: stopped by ${signal}`)
        const url = /az rest --method get --url '([^']+)'/.exec(r.stderr)?.[1] ?? ''
        expect(url).toContain('/operationsStatus/')
        expect(mutatingRequests(sandbox.emulator.requests)).toHaveLength(1)

        const dir = evidenceDirOf(r)
        expect(manifest(dir).complete).toBe(true)
        const report = file(dir, 'report.md')
        expect(report).toContain('**Outcome: unknown**')
        expect(report).toContain(`Why unknown: stopped by ${signal}`)
        expectCheckNotResend([r.stdout, r.stderr, report], url)
        const verify = await runCli(['evidence', 'verify', dir, '--json'], {env: sandbox.env})
        expect(JSON.parse(verify.stdout)).toMatchObject({intact: true, complete: true})
      } finally {
        await sandbox.stop()
      }
    }, CASE_MS)
  }

  it('SIGTERM while reading, before anything is sent: exit 130, nothing sent', async () => {
    const sandbox = await startCliSandbox({down: [2], emulator: {latencyMs: 5000}})
    try {
      const r = await runCli(unlinkArgs(sandbox), {env: sandbox.env, timeoutMs: 30_000, interrupt: {afterMs: 2500, signal: 'SIGTERM'}})
      expect(r.code, r.stderr).toBe(130)
      expect(r.stderr).toContain('nothing was sent')
      expect(mutatingRequests(sandbox.emulator.requests)).toEqual([])
    } finally {
      await sandbox.stop()
    }
  }, CASE_MS)

  it('an operation that stays InProgress ends unknown at --deadline (plus a small margin), exit 1, and the group is read again', async () => {
    const sandbox = await startCliSandbox({down: [2], emulator: {lroPolls: 1_000_000}})
    try {
      const r = await runCli(unlinkArgs(sandbox, '--deadline', '3s', '--json'), {env: sandbox.env, timeoutMs: 30_000})
      const ended = Date.now()
      expect(r.code, r.stderr).toBe(1)
      const result = parsed(r)
      expect(result).toMatchObject({outcome: 'unknown', operation: {status: 'Unknown', lostSight: {cause: 'deadline', message: 'still InProgress after 3 s (the deadline): geo-redis stopped following it'}}})
      const sent = mutatingRequests(sandbox.emulator.requests)[0]
      // from the 202 to the end of the process: the deadline, reading the survivors again, and writing the evidence
      expect(ended - Date.parse(sent.time)).toBeGreaterThanOrEqual(3000)
      expect(ended - Date.parse(sent.time)).toBeLessThan(3000 + 2500)
      expect(r.stderr).toMatch(/force-unlink on sandbox-(westus2|eastus)\/default: Accepted \(status [^)]+\); following it for up to 3 s/)
      // read again (ARM answers): the survivors still list the target, the operation has not finished
      const after = JSON.parse(file(result.evidence.dir, 'after.json')) as {members: {id: string; links: {id: string}[]}[]; verification: unknown}
      expect(after.verification).toBeNull()
      expect(after.members.map((m) => idKey(m.id)).sort()).toEqual(sandbox.ids.map(idKey).sort())
      for (const m of after.members) expect(m.links.map((l) => idKey(l.id))).toContain(idKey(sandbox.ids[2]))
      expectCheckNotResend([JSON.stringify(result), file(result.evidence.dir, 'report.md')], result.operation!.statusUrl!)
    } finally {
      await sandbox.stop()
    }
  }, CASE_MS)

  it('--deadline is checked before any request: a bare number or more than a day is exit 2', async () => {
    for (const bad of ['90', '25h', '1.5h', '0s']) {
      const r = await runCli(['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', '--deadline', bad, '--arm-endpoint', 'https://127.0.0.1:9'])
      expect(r.code, `${bad}: ${r.stderr}`).toBe(2)
      expect(r.stderr).toContain('--deadline')
      expect(r.stderr).toContain('such as 90s, 15m or 1h')
    }
  })
})

describe('Retry-After is capped', () => {
  it('a 429 asking for an hour ends that scope at once with "throttled by ARM"; a short one is waited out, and shown', async () => {
    const world = inventoryScenario()
    const throttled = world.faults!.find((f) => f.path === INVENTORY.throttledPath)!
    throttled.retryAfterSeconds = 3600
    const arm = await startTestEmulator(world, {pageSize: INVENTORY.pageSize, retryAfterSeconds: 0})
    try {
      const started = Date.now()
      const r = await runCli(['inventory', '--json'], {env: emulatorEnv(arm), timeoutMs: 60_000})
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(r.code).toBe(1)
      const inventory = JSON.parse(r.stdout) as Inventory
      expectSchema('inventory', inventory)
      const error = inventory.errors.find((e) => e.code === 'SubscriptionRequestsThrottled')
      // the wait ARM asked for against geo-redis's bound, and ARM's own words
      expect(error?.message).toMatch(/60 min.*60 s.*Number of read requests/)
      expect(r.stderr).toContain('throttled by ARM: it asked to wait 60 min')
      // asked once: no retry before the hour is up
      expect(arm.requests.filter((q) => q.path === INVENTORY.throttledPath && !('$skipToken' in q.query)).map((q) => q.status)).toEqual([429])
    } finally {
      await arm.stop()
    }

    throttled.retryAfterSeconds = 4
    throttled.remaining = 1
    const patient = await startTestEmulator(world, {pageSize: INVENTORY.pageSize, retryAfterSeconds: 0})
    try {
      const r = await runCli(['inventory', '--json'], {env: emulatorEnv(patient), timeoutMs: 60_000})
      expect(patient.requests.filter((q) => q.path === INVENTORY.throttledPath && !('$skipToken' in q.query)).map((q) => q.status)).toEqual([429, 200])
      expect(r.stderr).toMatch(/^ {2}waiting for subscription [0-9a-f-]+: throttled by ARM, 3 s of 4 s$/m)
    } finally {
      await patient.stop()
    }
  }, CASE_MS)
})

describe('a region whose ARM hangs (outage mode timeout)', () => {
  let sandbox: CliSandbox

  // a sandbox of its own for each case: the force-unlink case unlinks the member the probe case reads
  beforeEach(async () => {
    sandbox = await startCliSandbox({down: [2]})
    sandbox.emulator.emulator.setOutage('North Europe', 'timeout')
  }, CASE_MS)

  afterEach(async () => {
    await sandbox?.stop()
  })

  it('the progress names it and how long; the error says it in plain words; it is waited for once', async () => {
    const r = await runCli(['probe', '--group', NICK], {env: sandbox.env, timeoutMs: 30_000})
    expect(r.code, r.stderr).toBe(1)
    // ARM timeout 5 s (emulatorEnv): named once it has lasted 3 s, off a terminal
    expect(r.stderr).toMatch(/^ {2}waiting for northeurope: ARM not answering, 3 s of 5 s$/m)
    expect(r.stdout).toMatch(/sandbox-northeurope\/default: .*region-not-answering \(Timeout: .*within 5 s\)/)
    expect(r.stdout + r.stderr).not.toMatch(/Rejecting|abort signal|AbortError/)
    expect(held(sandbox.emulator.requests, 'sandbox-northeurope')).toHaveLength(1)
  }, CASE_MS)

  it('force-unlink of the member whose region hangs waits for it once: not again when reading the group after the operation', async () => {
    const n = sandbox.emulator.requests.length
    const armTimeoutMs = 8000
    const started = Date.now()
    const r = await runCli(unlinkArgs(sandbox, '--json'), {env: {...sandbox.env, GEO_REDIS_ARM_TIMEOUT_MS: String(armTimeoutMs)}, timeoutMs: 40_000})
    expect(r.code, r.stderr).toBe(0)
    expect(parsed(r)).toMatchObject({outcome: 'succeeded', verification: {ok: true}})
    expect(held(sandbox.emulator.requests.slice(n), 'sandbox-northeurope')).toHaveLength(1)
    // one ARM timeout, not two (with time to start, probe and write evidence on a loaded machine)
    expect(Date.now() - started).toBeLessThan(2 * armTimeoutMs)
  }, CASE_MS)
})

describe('runbook incident with a region whose ARM hangs', () => {
  let sandbox: CliSandbox
  let session: TmuxSession | undefined

  afterAll(async () => {
    session?.kill()
    await sandbox?.stop()
  })

  it('waits at most one ARM timeout before its first question, and not again after "y"', async () => {
    const armTimeoutMs = 8000
    sandbox = await startCliSandbox({down: [2]})
    sandbox.emulator.emulator.setOutage('North Europe', 'timeout')
    // a real terminal: CI (set by emulatorEnv) would make the runbook refuse to ask
    const env: Record<string, string> = {...sandbox.env, GEO_REDIS_ARM_TIMEOUT_MS: String(armTimeoutMs)}
    delete env.CI
    const started = Date.now()
    session = TmuxSession.start({
      command: [process.execPath, BIN, 'runbook', 'incident', '--group', NICK, '--evidence-dir', join(sandbox.dir, 'evidence')],
      env,
      unset: ['CI', 'GEO_REDIS_PROFILE', 'AZURE_SUBSCRIPTION_ID', 'NO_COLOR', 'FORCE_COLOR'],
      cwd: sandbox.dir,
    })
    // the spinner says what it waits for, and for how long at most
    await session.waitFor(/reading the groups · waiting for northeurope: ARM not answering, \d+ s of 8 s/, 20_000)
    await session.waitFor('Go on to force-unlink sandbox-northeurope/default?', 40_000)
    // one ARM timeout for North Europe, plus starting up, the other reads and the probes: never two
    expect(Date.now() - started).toBeLessThan(2 * armTimeoutMs)
    expect(session.capture()).toContain('unreadable (region-not-answering: Timeout)')

    session.type('y')
    session.press('Enter')
    const yes = Date.now()
    await session.waitFor(`type the group nickname (${NICK}) to force-unlink sandbox-northeurope/default`, 20_000)
    // the plan is built from the assessment's reads and probes: no second wait for North Europe
    expect(Date.now() - yes).toBeLessThan(armTimeoutMs / 2)

    session.type(NICK)
    session.press('Enter')
    const confirmed = Date.now()
    expect(await session.waitForExit(30_000), session.capture()).toBe(0)
    expect(Date.now() - confirmed).toBeLessThan(armTimeoutMs)
    expect(session.capture()).toContain(`force-unlink sandbox-northeurope/default from "${NICK}": done and verified`)
    // North Europe's ARM was waited for once in the whole run
    expect(held(sandbox.emulator.requests, 'sandbox-northeurope')).toHaveLength(1)
    expect(mutatingRequests(sandbox.emulator.requests)).toHaveLength(1)
  }, 90_000)
})

describe('runbook incident when its terminal goes away while the force-unlink runs', () => {
  let sandbox: CliSandbox

  afterAll(async () => {
    await sandbox?.stop()
  })

  it('SIGHUP (the tmux server killed) still seals the evidence, with outcome unknown', async () => {
    sandbox = await startCliSandbox({down: [2], emulator: {lroPolls: 1_000_000}})
    sandbox.emulator.emulator.setOutage('North Europe', 'error')
    const env: Record<string, string> = {...sandbox.env}
    delete env.CI
    const evidence = join(sandbox.dir, 'evidence')
    const session = TmuxSession.start({
      command: [process.execPath, BIN, 'runbook', 'incident', '--group', NICK, '--evidence-dir', evidence],
      env,
      unset: ['CI', 'GEO_REDIS_PROFILE', 'AZURE_SUBSCRIPTION_ID', 'NO_COLOR', 'FORCE_COLOR'],
      cwd: sandbox.dir,
    })
    try {
      await session.waitFor('Go on to force-unlink sandbox-northeurope/default?', 30_000)
      session.type('y')
      session.press('Enter')
      await session.waitFor(`type the group nickname (${NICK})`, 20_000)
      session.type(NICK)
      session.press('Enter')
      await session.waitFor(/force-unlink on sandbox-\w+\/default: Accepted/, 20_000)
    } finally {
      // the terminal goes away: tmux hangs up on the runbook
      session.kill()
    }
    const bundle = () => (existsSync(evidence) ? readdirSync(evidence).filter((d) => d.endsWith('-force-unlink')).map((d) => join(evidence, d))[0] : undefined)
    await until(() => Boolean(bundle()) && manifest(bundle()!).complete, 20_000)
    const dir = bundle()!
    const report = file(dir, 'report.md')
    expect(report).toContain('**Outcome: unknown**')
    expect(report).toMatch(/Why unknown: .*SIGHUP/)
    expect(file(dir, 'runbook.md')).toContain('outcome unknown')
    expect(mutatingRequests(sandbox.emulator.requests)).toHaveLength(1)
  }, 90_000)
})
