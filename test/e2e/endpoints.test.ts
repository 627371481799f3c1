// `geo-redis endpoints export` against the emulator: every format read back by an independent parser (YAML by
// Python's), a stable order, and keys only when asked for, with the emulator's request log as the witness.
import {execFile} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import type {EndpointsExport} from '../../src/services/endpoints.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {emulatorEnv, runCli, type CliResult} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const CLI_MS = 20_000
const TEST_MS = 60_000

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-endpoints-'))
const emulators: TestEmulator[] = []
let world: World
let em: TestEmulator

beforeAll(async () => {
  // hosts and ports that sort differently from locations, so the order cannot come from anywhere else
  world = sandboxWorld({members: 3, endpoints: [{host: '127.0.0.13', port: 16001}, {host: '127.0.0.12', port: 16002}, {host: '127.0.0.11', port: 16000}]})
  world.databases[1].properties.clientProtocol = 'Plaintext'
  em = await emulate(world)
})

afterAll(async () => {
  await Promise.all(emulators.map((e) => e.stop()))
  rmSync(dir, {recursive: true, force: true})
})

async function emulate(w: World): Promise<TestEmulator> {
  const started = await startTestEmulator(w)
  emulators.push(started)
  return started
}

function exportCli(emulator: TestEmulator, args: string[]): Promise<CliResult> {
  return runCli(['endpoints', 'export', ...args], {env: {...emulatorEnv(emulator), GEO_REDIS_HOME: join(dir, 'home')}, timeoutMs: CLI_MS})
}

const listKeysCalls = (emulator: TestEmulator) => emulator.requests.filter((r) => /\/listKeys$/i.test(r.path))
const keysOf = (w: World) => w.databases.flatMap((d) => [d.keys.primaryKey, d.keys.secondaryKey])

/** The three members as sandboxWorld made them, in the order the export must use: by location. */
function expected(w: World) {
  const members = w.databases.slice(0, 3).map((d, i) => ({
    location: ['westus2', 'eastus', 'northeurope'][i],
    host: w.clusters[i].hostName,
    port: d.properties.port,
    tls: d.properties.clientProtocol === 'Encrypted',
    id: d.id,
    key: d.keys.primaryKey,
  }))
  return members.sort((a, b) => a.location.localeCompare(b.location))
}

function parseEnv(text: string): Map<string, string> {
  const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))
  for (const line of lines) expect(line).toMatch(/^[A-Z][A-Z0-9_]*=\S*$/)
  return new Map(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
}

async function parseYaml(text: string): Promise<unknown> {
  const file = join(dir, `export-${Date.now()}.yaml`)
  writeFileSync(file, text)
  const {stdout} = await promisify(execFile)('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))', file], {timeout: 10_000})
  return JSON.parse(stdout)
}

describe('geo-redis endpoints export', () => {
  it('json: the contract, sorted by location, and no key requested', {timeout: TEST_MS}, async () => {
    const result = await exportCli(em, ['--format', 'json'])
    expect(result.code, result.stderr).toBe(0)
    const data = JSON.parse(result.stdout) as EndpointsExport
    expectSchema('endpoints', data)
    expect(data.group).toBe('sandbox-geo')
    expect(data.members.map((m) => ({location: m.location, host: m.host, port: m.port, tls: m.tls, id: m.id}))).toEqual(
      expected(world).map(({key: _, ...m}) => m),
    )
    expect(data.members[0]).toMatchObject({host: '127.0.0.12', cluster: 'sandbox-eastus', database: 'default', resourceGroup: 'rg-sandbox'})
    expect(data.members.every((m) => !('primaryKey' in m))).toBe(true)

    // --json is --format json
    const json = await exportCli(em, ['--json'])
    expect(JSON.parse(json.stdout)).toEqual(data)
    expect(listKeysCalls(em)).toHaveLength(0)
  })

  it('csv, env and yaml carry the same members in the same order, every run alike', {timeout: TEST_MS}, async () => {
    const want = expected(world)
    const [csv, env, yaml, json] = await Promise.all([
      ...(['csv', 'env', 'yaml'] as const).map((format) => exportCli(em, ['--format', format])),
      exportCli(em, ['--json']),
    ])

    expect(csv.code).toBe(0)
    const [head, ...rows] = csv.stdout.trimEnd().split('\n').map((line) => line.split(','))
    expect(head).toEqual(['location', 'host', 'port', 'tls', 'id', 'cluster', 'database', 'resourceGroup', 'subscriptionId'])
    expect(rows.map((r) => [r[0], r[2], r[3], r[4]])).toEqual(want.map((m) => [m.location, String(m.port), String(m.tls), m.id]))

    expect(env.code).toBe(0)
    const vars = parseEnv(env.stdout)
    expect(vars.get('GEO_REDIS_GROUP')).toBe('sandbox-geo')
    expect(vars.get('GEO_REDIS_MEMBERS')).toBe('EASTUS,NORTHEUROPE,WESTUS2')
    for (const m of want) {
      const name = m.location.toUpperCase()
      expect([vars.get(`GEO_REDIS_${name}_HOST`), vars.get(`GEO_REDIS_${name}_PORT`), vars.get(`GEO_REDIS_${name}_TLS`), vars.get(`GEO_REDIS_${name}_ID`)]).toEqual(
        [m.host, String(m.port), String(m.tls), m.id],
      )
    }
    expect([...vars.keys()].some((k) => k.endsWith('_KEY'))).toBe(false)

    expect(yaml.code).toBe(0)
    expect(await parseYaml(yaml.stdout)).toEqual(JSON.parse(json.stdout))

    // stable: the same group exports the same bytes
    const again = await Promise.all((['csv', 'env', 'yaml'] as const).map((format) => exportCli(em, ['--format', format])))
    expect(again.map((r) => r.stdout)).toEqual([csv.stdout, env.stdout, yaml.stdout])
    expect(listKeysCalls(em)).toHaveLength(0)
  })

  it('--include-keys: the primary keys, a warning on stderr, null where access keys are disabled', {timeout: TEST_MS}, async () => {
    const w = sandboxWorld({members: 3})
    w.databases[2].properties.accessKeysAuthentication = 'Disabled'
    const keyed = await emulate(w)
    const want = expected(w)

    const result = await exportCli(keyed, ['--format', 'json', '--include-keys'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stderr).toMatch(/\(!\) --include-keys: access keys are written to stdout/)
    expect(result.stderr).toMatch(/sandbox-northeurope\/default .*access keys disabled/)
    const data = JSON.parse(result.stdout) as EndpointsExport
    expectSchema('endpoints', data)
    expect(data.members.map((m) => [m.location, m.primaryKey])).toEqual(want.map((m) => [m.location, m.location === 'northeurope' ? null : m.key]))
    // the secondary key is never exported, and the warning carries no key
    for (const d of w.databases) expect(result.stdout).not.toContain(d.keys.secondaryKey)
    for (const key of keysOf(w)) expect(result.stderr).not.toContain(key)
    expect(listKeysCalls(keyed)).toHaveLength(2)

    const env = parseEnv((await exportCli(keyed, ['--format', 'env', '--include-keys'])).stdout)
    expect(env.get('GEO_REDIS_EASTUS_KEY')).toBe(want[0].key)
    expect(env.get('GEO_REDIS_NORTHEUROPE_KEY')).toBe('')
  })

  it('members sharing a location get distinct variable names', {timeout: TEST_MS}, async () => {
    const w = sandboxWorld({members: 3, regions: ['West US 2', 'West US 2', 'East US']})
    const twins = await emulate(w)
    const result = await exportCli(twins, ['--format', 'env'])
    expect(result.code, result.stderr).toBe(0)
    const vars = parseEnv(result.stdout)
    // same location and the same cluster name, in two subscriptions
    expect(vars.get('GEO_REDIS_MEMBERS')).toBe('EASTUS,WESTUS2_SANDBOX_WESTUS2_1,WESTUS2_SANDBOX_WESTUS2_2')
    expect(vars.get('GEO_REDIS_WESTUS2_SANDBOX_WESTUS2_1_ID')).not.toBe(vars.get('GEO_REDIS_WESTUS2_SANDBOX_WESTUS2_2_ID'))
  })

  it('--format is required, and must agree with --json: exit 2 naming the formats', {timeout: TEST_MS}, async () => {
    const before = em.requests.length
    const missing = await exportCli(em, [])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--format is required[\s\S]*json, csv, env, yaml/)
    const clash = await exportCli(em, ['--json', '--format', 'csv'])
    expect(clash.code).toBe(2)
    expect(JSON.parse(clash.stdout).error.message).toMatch(/--json and --format csv disagree/)
    const unknown = await exportCli(em, ['--format', 'table'])
    expect(unknown.code).toBe(2)
    expect(em.requests.length).toBe(before)
  })
})
