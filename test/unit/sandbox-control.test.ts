// Sandbox control without starting anything: options refused before anything starts, members named by cluster,
// region or id, the programs found through package imports, the token's claims, and drills, status and down on a
// home without a sandbox. Each test has a home of its own.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {UsageError} from '../../src/domain/errors.js'
import type {UpOptions} from '../../src/sandbox/control/api.js'
import {sandboxDown} from '../../src/sandbox/control/down.js'
import {resolveMember} from '../../src/sandbox/control/drill.js'
import {sandboxOutage, sandboxRestore} from '../../src/sandbox/control/drills.js'
import {nodeScript, type Program} from '../../src/sandbox/control/scripts.js'
import type {MemberRecord} from '../../src/sandbox/control/state.js'
import {sandboxStatus} from '../../src/sandbox/control/status.js'
import {sandboxToken} from '../../src/sandbox/control/token.js'
import {sandboxUp} from '../../src/sandbox/control/up.js'
import {validateUpOptions} from '../../src/sandbox/control/validate.js'

const homes: string[] = []
afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, {recursive: true, force: true})
})

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'geo-redis-control-'))
  homes.push(home)
  return home
}

const keepProfiles = {forgetProfile: () => false}

function upOptions(overrides: Partial<UpOptions> = {}): UpOptions {
  return {home: newHome(), ...keepProfiles, members: 3, nickname: 'sandbox-geo', plaintext: false, lagMs: 200, redis: true, ...overrides}
}

/** The error a call throws (or rejects with), for structured assertions. */
async function failure(run: () => unknown): Promise<UsageError> {
  try {
    await run()
  } catch (error) {
    return error as UsageError
  }
  throw new Error('expected a failure')
}

describe('sandbox up: options', () => {
  it.each([
    ['--members', {members: 1}],
    ['--members', {members: 6}],
    ['--members', {members: 2.5}],
    ['--nickname', {nickname: '-leading-dash'}],
    ['--nickname', {nickname: 'a'.repeat(64)}],
    ['--lag-ms', {lagMs: -1}],
    ['--lag-ms', {lagMs: Number.NaN}],
    ['--arm-throttle-rate', {armThrottleRate: 1.5}],
    ['--arm-error-rate', {armErrorRate: -0.1}],
    ['--arm-latency-ms', {armLatencyMs: 60_001}],
    ['--port', {port: 65_536}],
    ['--clusters', {fleet: {clusters: 0, subscriptions: 1}}],
    ['--subscriptions', {fleet: {clusters: 10, subscriptions: 1001}}],
  ] as [string, Partial<UpOptions>][])('refuses a bad %s with exit 2, naming the flag', async (flag, bad) => {
    const error = await failure(() => validateUpOptions(upOptions(bad)))
    expect(error).toBeInstanceOf(UsageError)
    expect(error.exitCode).toBe(2)
    expect(error.message.startsWith(`${flag} `)).toBe(true)
    expect(error.suggestion).toBeTruthy()
  })

  it('takes the defaults, a fleet (whatever --members says) and the limits', () => {
    for (const options of [
      upOptions(),
      upOptions({members: 2, lagMs: 0, port: 0}),
      upOptions({members: 5, lagMs: 60_000, armLatencyMs: 60_000, armThrottleRate: 1, armErrorRate: 0}),
      upOptions({members: 0, fleet: {clusters: 100_000, subscriptions: 1000}}),
    ]) {
      expect(() => validateUpOptions(options)).not.toThrow()
    }
  })

  it('starts nothing and writes nothing when an option is bad', async () => {
    const options = upOptions({members: 9})
    expect(await failure(() => sandboxUp(options))).toBeInstanceOf(UsageError)
    expect(existsSync(join(options.home, 'sandbox'))).toBe(false)
    expect(existsSync(join(options.home, 'sandbox.lock'))).toBe(false)
  })
})

describe('sandbox members by name', () => {
  const member = (cluster: string, location: string, role: MemberRecord['role'] = 'member'): MemberRecord => ({
    id: `/subscriptions/s/resourceGroups/rg-sandbox/providers/Microsoft.Cache/redisEnterprise/${cluster}/databases/default`,
    cluster,
    location,
    role,
    host: '127.0.0.1',
    port: 10000,
    tls: true,
    dir: '/nowhere',
    config: '/nowhere/redis.conf',
    process: null,
  })
  const members = [
    member('sandbox-westus2', 'West US 2'),
    member('sandbox-eastus', 'East US'),
    member('sandbox-standalone', 'West US 2', 'standalone'),
  ]

  it.each([
    ['sandbox-eastus', 'sandbox-eastus'],
    ['SANDBOX-EASTUS', 'sandbox-eastus'],
    ['East US', 'sandbox-eastus'],
    [' eastus ', 'sandbox-eastus'],
    [members[1].id.toUpperCase(), 'sandbox-eastus'],
    [members[1].id.replace('/databases/default', ''), 'sandbox-eastus'],
    // a region names the group member there, not the standalone cache beside it
    ['westus2', 'sandbox-westus2'],
    ['sandbox-standalone', 'sandbox-standalone'],
  ])('%s is %s', (target, cluster) => {
    expect(resolveMember(members, target).cluster).toBe(cluster)
  })

  it('refuses an unknown member with exit 2, listing every member', async () => {
    const error = await failure(() => resolveMember(members, 'Antarctica'))
    expect(error).toMatchObject({code: 'UnknownMember', exitCode: 2})
    for (const m of members) expect(error.suggestion).toContain(m.cluster)
  })
})

describe('sandbox programs', () => {
  const programs = Object.keys(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).imports) as Program[]

  it('are package imports of the built dist/, each found from here as from the bundle', () => {
    expect(programs.sort()).toEqual(['#sandbox/certs', '#sandbox/emulator', '#sandbox/hooks', '#sandbox/replicator'])
    for (const program of programs) {
      const script = nodeScript(program)
      expect(script.path).toMatch(/\/dist\/sandbox\/.+\.js$/)
      expect(script.args).toEqual([script.path])
      expect(existsSync(script.path)).toBe(true)
    }
  })

  it('refuses a name that is not one, as a failed command that says to build', async () => {
    const error = await failure(() => nodeScript('#sandbox/nothing' as Program))
    expect(error).toMatchObject({exitCode: 1, suggestion: 'build geo-redis first: npm run build'})
  })
})

describe('the sandbox token', () => {
  it('is an unsigned JWT for ARM naming the sandbox operator, valid for 30 days', () => {
    const now = Date.UTC(2026, 0, 1)
    const [header, claims, signature] = sandboxToken(now).split('.')
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
    expect(decode(header)).toEqual({alg: 'none', typ: 'JWT'})
    expect(signature).toBe('')
    expect(decode(claims)).toMatchObject({
      aud: 'https://management.azure.com/',
      upn: 'sandbox-operator@geo-redis.local',
      iat: now / 1000,
      exp: now / 1000 + 30 * 86_400,
      oid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    })
    expect(sandboxToken(now)).not.toBe(sandboxToken(now))
  })
})

describe('a home without a sandbox', () => {
  it('status says not running, with no problems', async () => {
    const home = newHome()
    expect(await sandboxStatus({home})).toEqual({
      running: false,
      stateDir: join(home, 'sandbox'),
      startedAt: null,
      kind: null,
      emulator: null,
      replicator: null,
      members: [],
      problems: [],
    })
  })

  it('drills refuse with exit 2 and start nothing', async () => {
    const home = newHome()
    for (const drill of [() => sandboxOutage('East US', 'stop', {home}), () => sandboxRestore(undefined, {home})]) {
      expect(await failure(drill)).toMatchObject({code: 'SandboxNotRunning', exitCode: 2})
    }
    expect(existsSync(join(home, 'sandbox'))).toBe(false)
  })

  it('down has nothing to do unless the profile names this sandbox, and asks the command to forget only that', async () => {
    const home = newHome()
    const asked: [string, string][] = []
    const forget = (removed: boolean) => (name: string, caPath: string) => (asked.push([name, caPath]), removed)
    expect(await sandboxDown({home, forgetProfile: forget(false)})).toMatchObject({nothingToDo: true, profileRemoved: false, stopped: []})
    expect(await sandboxDown({home, forgetProfile: forget(true)})).toMatchObject({nothingToDo: false, profileRemoved: true, stopped: []})
    expect(asked).toEqual([
      ['sandbox', join(home, 'sandbox', 'ca.pem')],
      ['sandbox', join(home, 'sandbox', 'ca.pem')],
    ])
  })
})
