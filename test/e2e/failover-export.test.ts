// `geo-redis endpoints export --format <library>` through the built binary against the emulator: golden snippets
// per format for a 3-member group (one member with access keys disabled), its OSS-cluster variant and an outage
// (one member ARM cannot read); no snippet names a secret value; the Python compiles, the Java compiles against the
// signature stubs in test/stubs/java, failover-json follows its schema. GEO_REDIS_UPDATE_GOLDEN=1 rewrites the files.
import {execFile} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {emulatorEnv, runCli, type CliResult} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const CLI_MS = 30_000
const TEST_MS = 120_000
const FORMATS = ['failover-json', 'redis-py', 'jedis', 'lettuce', 'go-redis', 'stackexchange'] as const
const GOLDEN = fileURLToPath(new URL('../fixtures/failover/', import.meta.url))
const STUBS = fileURLToPath(new URL('../stubs/java/', import.meta.url))
const UPDATE = process.env.GEO_REDIS_UPDATE_GOLDEN === '1'
const run = promisify(execFile)

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-failover-'))
const emulators: TestEmulator[] = []

/** The scenarios: a world and the flags each is exported with. */
const SCENARIOS = {
  group: {args: ['--prefer', 'northeurope,eastus'], world: (w: World) => void (w.databases[2].properties.accessKeysAuthentication = 'Disabled')},
  'oss-cluster': {
    args: ['--near', 'westeurope', '--client-auth', 'secret-store', '--health-url', 'https://serve.example.com:8443', '--lag-tolerance-ms', '250', '--failure-rate', '20'],
    world: (w: World) => w.databases.slice(0, 3).forEach((d) => (d.properties.clusteringPolicy = 'OSSCluster')),
  },
  outage: {args: ['--near', 'eastus', '--failback-interval-ms', '30000'], world: () => undefined, down: 'northeurope'},
} as const

type Scenario = keyof typeof SCENARIOS
const worlds = new Map<Scenario, {world: World; em: TestEmulator}>()

beforeAll(async () => {
  for (const [name, s] of Object.entries(SCENARIOS) as [Scenario, (typeof SCENARIOS)[Scenario]][]) {
    const world = sandboxWorld({members: 3})
    s.world(world)
    const em = await startTestEmulator(world)
    emulators.push(em)
    if ('down' in s) em.emulator.setOutage(s.down, 'error')
    worlds.set(name, {world, em})
  }
}, TEST_MS)

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.stop()))
  rmSync(dir, {recursive: true, force: true})
})

function exportCli(name: Scenario, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const {em} = worlds.get(name)!
  return runCli(['endpoints', 'export', ...args], {env: {...emulatorEnv(em), GEO_REDIS_HOME: join(dir, 'home'), ...env}, timeoutMs: CLI_MS})
}

const secretsOf = (w: World) => w.databases.flatMap((d) => [d.keys.primaryKey, d.keys.secondaryKey])

/** The snippet equals its golden file (written on the first run or with GEO_REDIS_UPDATE_GOLDEN=1). */
function expectGolden(name: string, text: string): void {
  const file = join(GOLDEN, name)
  if (UPDATE || !existsSync(file)) writeFileSync(file, text)
  expect(text).toBe(readFileSync(file, 'utf8'))
}

const EXTENSION: Record<(typeof FORMATS)[number], string> = {'failover-json': 'json', 'redis-py': 'py', jedis: 'jedis.java', lettuce: 'lettuce.java', 'go-redis': 'go', stackexchange: 'cs'}

async function javac(snippet: string, label: string): Promise<void> {
  const src = join(dir, label)
  mkdirSync(src, {recursive: true})
  writeFileSync(join(src, 'GeoRedisFailover.java'), snippet)
  await run('javac', ['-d', join(src, 'out'), '-sourcepath', STUBS, join(src, 'GeoRedisFailover.java')], {timeout: 60_000})
}

async function checkSnippet(format: (typeof FORMATS)[number], text: string, label: string): Promise<void> {
  if (format === 'failover-json') expectSchema('failover', JSON.parse(text))
  if (format === 'redis-py') {
    const file = join(dir, `${label}.py`)
    writeFileSync(file, text)
    await run('python3', ['-m', 'py_compile', file], {timeout: 30_000})
  }
  if (format === 'jedis' || format === 'lettuce') await javac(text, `${label}-${format}`)
}

describe('geo-redis endpoints export --format <library>', () => {
  for (const name of Object.keys(SCENARIOS) as Scenario[]) {
    it(`${name}: every format matches its golden file, names no secret, and compiles where it can`, {timeout: TEST_MS}, async () => {
      const {world, em} = worlds.get(name)!
      const keyReads = () => em.requests.filter((r) => /\/listKeys$/i.test(r.path)).length
      const before = keyReads()
      const results = await Promise.all(FORMATS.map((format) => exportCli(name, ['--format', format, ...SCENARIOS[name].args])))
      for (const [i, format] of FORMATS.entries()) {
        const result = results[i]
        expect(result.code, result.stderr).toBe(name === 'outage' ? 1 : 0)
        for (const secret of secretsOf(world)) expect(result.stdout + result.stderr).not.toContain(secret)
        expectGolden(`${name}.${EXTENSION[format]}`, result.stdout)
        await checkSnippet(format, result.stdout, name)
      }
      // without --include-keys no key is ever asked for
      expect(keyReads()).toBe(before)
    })
  }

  it('outage: the unread member is kept with why, or left out with --only-readable', {timeout: TEST_MS}, async () => {
    const kept = JSON.parse((await exportCli('outage', ['--format', 'failover-json'])).stdout)
    const neu = kept.members.find((m: {location: string}) => m.location === 'northeurope')
    expect(neu).toMatchObject({notRead: {cause: 'region-not-answering', endpoint: 'assumed'}, port: 10000, tls: true, clusterAware: null})
    const left = await exportCli('outage', ['--format', 'failover-json', '--only-readable'])
    expect(left.code).toBe(1)
    const model = JSON.parse(left.stdout)
    expectSchema('failover', model)
    expect(model.members.map((m: {location: string}) => m.location)).toEqual(['eastus', 'westus2'])
    expect(model.leftOut).toEqual([expect.objectContaining({location: 'northeurope', cause: 'region-not-answering'})])
    expect(left.stderr).toMatch(/sandbox-northeurope\/default \(northeurope\) is linked but could not be read: region-not-answering .*; left out \(--only-readable\)/)
  })

  it('--include-keys puts the keys in the snippet, warned on stderr, through the listKeys path', {timeout: TEST_MS}, async () => {
    const {world, em} = worlds.get('group')!
    const before = em.requests.filter((r) => /\/listKeys$/i.test(r.path)).length
    // every debug switch on: the keys reach stdout, on purpose, and nothing else
    const result = await exportCli('group', ['--format', 'redis-py', '--show-keys'], {DEBUG: '*', AZURE_LOG_LEVEL: 'verbose', NODE_DEBUG: 'http'})
    expect(result.code, result.stderr).toBe(0)
    for (const secret of secretsOf(world)) expect(result.stderr).not.toContain(secret)
    expect(result.stderr).toMatch(/--include-keys: access keys are written to stdout/)
    expect(result.stdout).toContain(JSON.stringify(world.databases[0].keys.primaryKey))
    expect(result.stdout).not.toContain(world.databases[0].keys.secondaryKey)
    // the member with access keys disabled uses Entra: no key asked for it
    expect(em.requests.filter((r) => /\/listKeys$/i.test(r.path)).length - before).toBe(2)
  })

  it('--help lists every format with an example of each', {timeout: TEST_MS}, async () => {
    const help = await runCli(['endpoints', 'export', '--help'], {timeoutMs: CLI_MS})
    expect(help.code).toBe(0)
    const examples = help.stdout.slice(help.stdout.indexOf('EXAMPLES'))
    for (const format of [...FORMATS, 'csv', 'env', 'yaml']) expect(examples, format).toMatch(new RegExp(`endpoints export .*--format ${format}\\b`))
    for (const flag of ['--prefer', '--near', '--client-auth', '--health-url', '--lag-tolerance-ms', '--failure-window-ms', '--failure-rate', '--failback-interval-ms', '--grace-period-ms', '--only-readable']) {
      expect(help.stdout).toContain(flag)
    }
  })

  it('bad flags and combinations exit 2 before any request', {timeout: TEST_MS}, async () => {
    const {em} = worlds.get('group')!
    const before = em.requests.length
    const cases: [string[], RegExp][] = [
      [['--format', 'redis-py', '--near', 'westeurop'], /did you mean westeurope/],
      [['--format', 'jedis', '--prefer', 'eastus', '--near', 'eastus'], /--prefer and --near both set the weights/],
      [['--format', 'lettuce', '--lag-tolerance-ms', '100'], /--lag-tolerance-ms needs --health-url/],
      [['--format', 'go-redis', '--health-url', 'ftp://x'], /must be http or https/],
      [['--format', 'csv', '--prefer', 'eastus'], /--prefer applies only to the failover formats/],
      [['--format', 'stackexchange', '--failure-rate', '0'], /--failure-rate 0 is out of range/],
      [['--format', 'redis-py', '--client-auth', 'entra', '--include-keys'], /--include-keys and --client-auth entra disagree/],
    ]
    for (const [args, message] of cases) {
      const result = await exportCli('group', args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toMatch(message)
    }
    expect(em.requests.length).toBe(before)
    // --prefer a region where the group has no member: a usage error once the group is read
    const stranger = await exportCli('group', ['--format', 'redis-py', '--prefer', 'japaneast'])
    expect(stranger.code).toBe(2)
    expect(stranger.stderr).toMatch(/--prefer names japaneast, where the group has no member/)
  })
})
