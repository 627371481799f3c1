// `geo-redis check` as a pipeline runs it: the built binary against the emulator, with real redis-server members
// for --probe. The JUnit file is parsed by a strict XML parser, the JSON validated against its schema.
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {shortName} from '../../src/domain/group.js'
import type {CheckResult} from '../../src/services/check.js'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {startRedisServer, stopAll, type RedisServer} from '../helpers/redis-server.js'
import {emulatorEnv, runCli, type CliResult} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'
import {parseXml, type Element} from '../helpers/xml.js'

const CLI_MS = 20_000
const TEST_MS = 60_000

const home = mkdtempSync(join(tmpdir(), 'geo-redis-check-'))
const emulators: TestEmulator[] = []

beforeAll(() => {
  if (!existsSync(new URL('../../dist/commands/check.js', import.meta.url))) {
    throw new Error('dist/commands/check.js is missing: build first (npx tsc -p tsconfig.build.json && npx oclif manifest)')
  }
})

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.stop()))
  await stopAll()
  rmSync(home, {recursive: true, force: true})
})

async function emulate(world: World): Promise<TestEmulator> {
  const em = await startTestEmulator(world)
  emulators.push(em)
  return em
}

function check(em: TestEmulator, args: string[]): Promise<CliResult> {
  return runCli(['check', ...args], {env: {...emulatorEnv(em), GEO_REDIS_HOME: home}, timeoutMs: CLI_MS})
}

/** stdout as the check contract, validated against docs/schemas/check.schema.json. */
function contract(result: CliResult): CheckResult {
  const data = JSON.parse(result.stdout)
  expectSchema('check', data)
  return data as CheckResult
}

interface JunitCase {
  classname: string
  name: string
  failure: string | null
  skipped: string | null
}

interface Junit {
  attrs: Record<string, string>
  suites: {attrs: Record<string, string>; cases: JunitCase[]}[]
}

async function parseJunit(path: string): Promise<Junit> {
  const root = parseXml(await readFile(path, 'utf8'))
  expect(root.name).toBe('testsuites')
  const message = (el: Element | undefined) => (el ? (el.attrs.message ?? '') : null)
  const junit: Junit = {
    attrs: root.attrs,
    suites: root.children
      .filter((s) => s.name === 'testsuite')
      .map((s) => ({
        attrs: s.attrs,
        cases: s.children
          .filter((tc) => tc.name === 'testcase')
          .map((tc) => ({
            classname: tc.attrs.classname,
            name: tc.attrs.name,
            failure: message(tc.children.find((x) => x.name === 'failure')),
            skipped: message(tc.children.find((x) => x.name === 'skipped')),
          })),
      })),
  }
  // the counts on each suite and on the root agree with the cases
  let failures = 0
  for (const s of junit.suites) {
    expect(Number(s.attrs.tests)).toBe(s.cases.length)
    expect(Number(s.attrs.failures)).toBe(s.cases.filter((c) => c.failure !== null).length)
    failures += Number(s.attrs.failures)
  }

  expect(Number(junit.attrs.failures)).toBe(failures)
  return junit
}

const failing = (junit: Junit) => junit.suites.flatMap((s) => s.cases.filter((c) => c.failure !== null).map((c) => c.name))
const cluster = (world: World, i: number) => shortName(world.databases[i].id)

/** Five members, each drifted one way: SKU, eviction policy, a module geo-replication forbids, persistence, a LinkFailed view. */
function driftedWorld(): World {
  const world = sandboxWorld({members: 5})
  const [first, eviction, module, persistence, viewer] = world.databases
  world.clusters[0].sku = {name: 'MemoryOptimized_M10'}
  eviction.properties.evictionPolicy = 'AllKeysLRU'
  module.properties.modules = [{name: 'RedisTimeSeries', args: '', version: '1.12.0'}]
  persistence.properties.persistence = {aofEnabled: true, rdbEnabled: false, aofFrequency: '1s'}
  viewer.properties.geoReplication!.linkedDatabases.find((l) => l.id === first.id)!.state = 'LinkFailed'
  return world
}

describe('check over drifted members', () => {
  const world = driftedWorld()
  let em: TestEmulator
  let dir: string
  beforeAll(async () => {
    em = await emulate(world)
    dir = mkdtempSync(join(home, 'out-'))
  })

  it('--format junit --out writes well-formed JUnit with a failure per drift, and exits 1', async () => {
    const out = join(dir, 'check.xml')
    const result = await check(em, ['--format', 'junit', '--out', out])
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(/1 group checked: \d+ errors.* · exit 1 · junit written to /)
    // atomic: the file and nothing else, no temp file left behind
    expect(readdirSync(dir)).toEqual(['check.xml'])

    const junit = await parseJunit(out)
    expect(junit.suites.map((s) => s.attrs.name)).toEqual(['sandbox-geo'])
    const failed = failing(junit)
    expect(failed).toEqual(
      expect.arrayContaining([
        `eviction-policy · ${cluster(world, 1)}`,
        `modules-not-allowed · ${cluster(world, 2)}`,
        `persistence-enabled · ${cluster(world, 3)}`,
        `link-state · ${cluster(world, 4)}`,
        `link-state · ${cluster(world, 0)}`,
      ]),
    )
    expect(failed.some((name) => name.startsWith('sku-mismatch · '))).toBe(true)
    const rules = new Set(failed.map((name) => name.split(' · ')[0]))
    expect([...rules].sort()).toEqual(['eviction-policy', 'link-state', 'modules-mismatch', 'modules-not-allowed', 'persistence-enabled', 'sku-mismatch'])
  }, TEST_MS)

  it('--json follows docs/schemas/check.schema.json and names each drifted member', async () => {
    const result = await check(em, ['--json'])
    expect(result.code, result.stderr).toBe(1)
    const data = contract(result)
    expect(data.exitCode).toBe(1)
    expect(data.errors).toEqual([])
    const [group] = data.groups
    expect(group).toMatchObject({nickname: 'sandbox-geo', status: 'fail'})
    const about = (rule: string) => group.findings.filter((f) => f.rule === rule).flatMap((f) => f.members)
    expect(about('eviction-policy')).toEqual([world.databases[1].id])
    expect(about('modules-not-allowed')).toEqual([world.databases[2].id])
    expect(about('persistence-enabled')).toEqual([world.databases[3].id])
    expect(data.summary.error).toBe(group.findings.filter((f) => f.severity === 'error').length)
    // no probe asked: no probe rule ran
    expect(group.evaluated.map((e) => e.rule)).not.toContain('unreachable')
  }, TEST_MS)

  it('the terminal report shows each finding with its remediation', async () => {
    const result = await check(em, [])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/sandbox-geo\s+fail/)
    expect(result.stdout).toMatch(/\(✗\) error\s+persistence-enabled\s+sandbox-westeurope\/default/)
    expect(result.stdout).toMatch(/fix: turn persistence off/)
  }, TEST_MS)
})

describe('check over a healthy group', () => {
  let em: TestEmulator
  beforeAll(async () => {
    em = await emulate(sandboxWorld({members: 3}))
  })

  it('exits 0 with every group passing', async () => {
    const result = await check(em, ['--json'])
    expect(result.code, result.stderr).toBe(0)
    const data = contract(result)
    expect(data).toMatchObject({exitCode: 0, errors: [], summary: {error: 0, warning: 0, info: 0}})
    expect(data.groups.map((g) => [g.nickname, g.status, g.findings.length])).toEqual([['sandbox-geo', 'pass', 0]])
  }, TEST_MS)

  it('writes JUnit without failures, and --json with --out keeps JSON on stdout', async () => {
    const out = join(home, 'healthy.xml')
    const result = await check(em, ['--group', 'sandbox-geo', '--format', 'junit', '--out', out, '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(contract(result).exitCode).toBe(0)
    const junit = await parseJunit(out)
    expect(junit.attrs.failures).toBe('0')
    expect(Number(junit.attrs.tests)).toBeGreaterThan(0)
  }, TEST_MS)
})

describe('check over a partial read', () => {
  let em: TestEmulator
  beforeAll(async () => {
    const world = sandboxWorld({members: 3})
    world.subscriptions.push({id: 'b4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f03', displayName: 'locked', forbidden: true})
    em = await emulate(world)
  })

  it('fails although every group it could read passes, in JSON and in JUnit', async () => {
    const json = await check(em, ['--json'])
    expect(json.code).toBe(1)
    const data = contract(json)
    expect(data.groups.map((g) => g.status)).toEqual(['pass'])
    expect(data.errors).toEqual([expect.objectContaining({scope: 'b4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f03', code: 'AuthorizationFailed'})])
    expect(json.stderr).toMatch(/could not read b4e5f6a7/)

    const out = join(home, 'partial.xml')
    const junit = await check(em, ['--format', 'junit', '--out', out])
    expect(junit.code).toBe(1)
    expect(junit.stderr).toMatch(/1 scope not read · exit 1/)
    expect(failing(await parseJunit(out))).toEqual(['arm-read · b4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f03'])
  }, TEST_MS)
})

// every member up first; then the third member is stopped for the cases after it (a stopped redis-server does not come
// back on its address), so this describe keeps that order
describe('check --probe with real redis-server members', {shuffle: false}, () => {
  const keys = [0, 1, 2].map(() => ({primaryKey: randomBytes(12).toString('hex'), secondaryKey: randomBytes(12).toString('hex')}))
  let servers: RedisServer[]
  let world: World
  let em: TestEmulator
  beforeAll(async () => {
    servers = await Promise.all([
      startRedisServer({password: keys[0].primaryKey, ownAddress: true}),
      // ~1 MB used of 2 MB: over --crit 30
      startRedisServer({password: keys[1].primaryKey, ownAddress: true, extraArgs: ['--maxmemory', '2mb']}),
      startRedisServer({password: keys[2].primaryKey, ownAddress: true, extraArgs: ['--maxmemory', '1gb']}),
    ])
    world = sandboxWorld({members: 3, plaintext: true, endpoints: servers.map((s) => ({host: s.host, port: s.port})), keys})
    em = await emulate(world)
  }, TEST_MS)

  it('passes when every member answers with headroom', async () => {
    const result = await check(em, ['--probe', '--auth', 'keys', '--timeout-ms', '2000', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const [group] = contract(result).groups
    const headroom = group.evaluated.find((e) => e.rule === 'memory-headroom')!
    // the first member has no maxmemory: it is measured against its SKU's size (Balanced_B5, 6 GB), as capacity does;
    // members in member order, by location: eastus, northeurope, westus2
    expect(headroom.members).toEqual([world.databases[1].id, world.databases[2].id, world.databases[0].id])
    expect(headroom.skipped).toEqual([])
  }, TEST_MS)

  describe('with the third member stopped', {shuffle: true}, () => {
    beforeAll(async () => {
      await servers[2].stop()
    })

    it('reports memory-headroom against --warn/--crit, and a stopped member as unreachable', async () => {
      const result = await check(em, ['--probe', '--warn', '10', '--crit', '30', '--timeout-ms', '1000', '--json'])
      expect(result.code, result.stderr).toBe(1)
      const [group] = contract(result).groups
      expect(group.findings.map((f) => [f.rule, f.severity, f.members])).toEqual([
        ['unreachable', 'error', [world.databases[2].id]],
        ['memory-headroom', 'error', [world.databases[1].id]],
      ])
      expect(group.findings[0].message).toMatch(/refused/)
    }, TEST_MS)

    // the stopped member takes part as "not replicated", so the matrix stays 3×3
    it('--canary adds replication-lag: independent servers never see each other\'s writes', async () => {
      const result = await check(em, ['--canary', '--timeout-ms', '300', '--max-lag-ms', '100', '--json'])
      expect(result.code, result.stderr).toBe(1)
      const [group] = contract(result).groups
      expect(group.evaluated.map((e) => e.rule)).toEqual(expect.arrayContaining(['unreachable', 'memory-headroom', 'replication-lag']))
      const lag = group.findings.filter((f) => f.rule === 'replication-lag')
      // every ordered pair of the three members
      expect(lag).toHaveLength(6)
      expect(lag.every((f) => f.severity === 'error')).toBe(true)
    }, TEST_MS)
  })
})

describe('check with bad input', () => {
  let em: TestEmulator
  beforeAll(async () => {
    em = await emulate(sandboxWorld({members: 2}))
  })

  it('rejects --warn at or above --crit before any ARM request, saying what to pass', async () => {
    const before = em.requests.length
    const result = await check(em, ['--warn', '90', '--crit', '80'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--warn \(90\) must be below --crit \(80\)/)
    expect(result.stderr).toMatch(/Try: pass e\.g\. --warn 70 --crit 85/)
    expect(em.requests.length).toBe(before)
  }, TEST_MS)

  it('rejects an unknown --group, listing the known ones', async () => {
    const result = await check(em, ['--group', 'nope'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/no geo-replication group named "nope"/)
    expect(result.stderr).toMatch(/known groups: sandbox-geo/)
  }, TEST_MS)

  it.each([
    [['--timeout-ms', '0'], /greater than or equal to 1/],
    [['--format', 'xml'], /one of: table, json, junit/],
    [['--out', join(tmpdir(), 'no-such-folder-geo-redis', 'x.xml')], /in a folder that does not exist/],
  ])('rejects %j', async (args, message) => {
    const result = await check(em, args)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  }, TEST_MS)

  it('--json with --format junit and no --out is a JSON error', async () => {
    const result = await check(em, ['--json', '--format', 'junit'])
    expect(result.code).toBe(2)
    expect(JSON.parse(result.stdout)).toEqual({
      error: expect.objectContaining({code: 'UsageError', exitCode: 2, suggestion: expect.stringMatching(/--out <file>/)}),
    })
  }, TEST_MS)
})
