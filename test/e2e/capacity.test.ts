// `geo-redis capacity` against the emulator's sandbox group backed by real redis-servers: levels from real INFO
// memory after real writes, scale options from listSkusForScaling, and the group findings.
import {afterAll, afterEach, describe, expect, it} from 'vitest'
import type {CapacityReport} from '../../src/services/capacity.js'
import {openClientsAfter, stopAll, type RedisServer} from '../helpers/redis-server.js'
import {runCli, startCliSandbox, type CliResult, type CliSandbox, type CliSandboxOptions} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const CLI_MS = 20_000
const TEST_MS = 60_000
const MAXMEMORY = 20 * 1024 * 1024
const CHUNK = 1024 * 1024

let sandbox: CliSandbox | undefined

afterEach(async () => {
  const servers = (sandbox?.servers ?? []).filter((s): s is RedisServer => s !== null)
  try {
    for (const s of servers) expect(await openClientsAfter(s), `clients left on :${s.port}`).toBe(0)
  } finally {
    await sandbox?.stop()
    sandbox = undefined
  }
})

afterAll(stopAll)

async function start(options: CliSandboxOptions = {}): Promise<CliSandbox> {
  sandbox = await startCliSandbox(options)
  return sandbox
}

async function capacity(sb: CliSandbox, args: string[]): Promise<CliResult> {
  const result = await runCli(['capacity', ...args], {env: sb.env, timeoutMs: CLI_MS})
  for (const k of sb.keys) expect(result.stdout + result.stderr).not.toContain(k.primaryKey)
  return result
}

function contract(result: CliResult): CapacityReport {
  const data = JSON.parse(result.stdout)
  expectSchema('capacity', data)
  return data as CapacityReport
}

async function usedPct(server: RedisServer): Promise<number> {
  const used = Number(/^used_memory:(\d+)/m.exec(await server.cli('INFO', 'memory'))?.[1])
  return (used / MAXMEMORY) * 100
}

/** maxmemory 20 MB, then 1 MB strings until used memory reaches `pct` % of it (steps of about 6 %). */
async function fillTo(server: RedisServer, pct: number): Promise<number> {
  await server.cli('CONFIG', 'SET', 'maxmemory', String(MAXMEMORY))
  for (let i = 0; (await usedPct(server)) < pct; i++) await server.cli('SETRANGE', `fill:${i}`, String(CHUNK - 1), 'x')
  return usedPct(server)
}

const byId = (report: CapacityReport, id: string) => report.members.find((m) => m.id === id)!

describe('geo-redis capacity', () => {
  it('levels from real memory use: ok against the SKU size, warn and crit against maxmemory; exit 1 on crit', {timeout: TEST_MS}, async () => {
    const sb = await start()
    const warnAt = await fillTo(sb.servers[1]!, 75)
    const critAt = await fillTo(sb.servers[2]!, 90)
    // the fixture itself: 75..85 % and 90..99 %
    expect(warnAt).toBeLessThan(85)
    expect(critAt).toBeLessThan(99)

    const result = await capacity(sb, ['--json'])
    expect(result.code, result.stderr).toBe(1)
    const report = contract(result)
    expect(report.thresholds).toEqual({warnPct: 70, critPct: 85})

    expect(byId(report, sb.ids[0])).toMatchObject({sku: 'Balanced_B5', skuMemoryGB: 6, limitSource: 'sku', maxBytes: 6 * 1024 ** 3, level: 'ok', reachable: true})
    const warn = byId(report, sb.ids[1])
    expect(warn).toMatchObject({limitSource: 'maxmemory', maxBytes: MAXMEMORY, level: 'warn'})
    expect(warn.usedPct).toBeGreaterThanOrEqual(70)
    expect(warn.usedPct! + warn.headroomPct!).toBeCloseTo(100, 5)
    const crit = byId(report, sb.ids[2])
    expect(crit).toMatchObject({limitSource: 'maxmemory', maxBytes: MAXMEMORY, level: 'crit'})
    expect(crit.usedPct).toBeGreaterThanOrEqual(85)

    // other thresholds move the levels, and with no crit the exit is 0
    const relaxed = contract(await capacity(sb, ['--json', '--warn', '98', '--crit', '99']))
    expect(relaxed.members.map((m) => m.level)).toEqual(['ok', 'ok', 'ok'])

    const table = await capacity(sb, [])
    expect(table.code).toBe(1)
    expect(table.stdout).toMatch(/20\.0 MB \(maxmemory\)/)
    expect(table.stdout).toMatch(/6\.0 GB \(sku\)/)
    expect(table.stdout).toMatch(/\bcrit\b/)
  })

  it('scale options: what listSkusForScaling offers every member, one call per cluster, larger than today', {timeout: TEST_MS}, async () => {
    const sb = await start()
    const report = contract(await capacity(sb, ['--json']))
    // ARM offers a Balanced cluster every in-memory SKU; the group is offered those at or above its size but its own
    expect(report.scaleOptions).toContainEqual({name: 'Balanced_B10', sizeInGB: 12})
    expect(report.scaleOptions).toContainEqual({name: 'MemoryOptimized_M10', sizeInGB: 12})
    expect(report.scaleOptions.map((o) => o.name)).not.toContain('Balanced_B5')
    expect(Math.min(...report.scaleOptions.map((o) => o.sizeInGB))).toBeGreaterThanOrEqual(6)
    expect(report.scaleOptions.map((o) => o.name)).not.toContain('Balanced_B3')
    // each member's own answer keeps what ARM said, the current SKU included
    expect(byId(report, sb.ids[0]).scaleOptions).toContainEqual({name: 'Balanced_B5', sizeInGB: 6})
    expect(report.findings.join('\n')).toMatch(/scaling down is not supported/)

    const calls = sb.emulator.requests.filter((r) => /\/listSkusForScaling$/i.test(r.path))
    expect(calls).toHaveLength(3)
    expect(calls.every((r) => r.method === 'POST' && r.apiVersion === '2025-07-01')).toBe(true)
  })

  it("nominal sizes are ARM's: a Balanced_B250 group is 235 GB, and is never offered a smaller SKU", {timeout: TEST_MS}, async () => {
    const sb = await start({world: (w) => w.clusters.forEach((c) => (c.sku.name = 'Balanced_B250'))})
    const report = contract(await capacity(sb, ['--json']))
    for (const m of report.members) expect(m).toMatchObject({sku: 'Balanced_B250', skuMemoryGB: 235, limitSource: 'sku', maxBytes: 235 * 1024 ** 3})
    const offered = report.scaleOptions.map((o) => o.name)
    expect(report.scaleOptions).toContainEqual({name: 'MemoryOptimized_M250', sizeInGB: 235})
    expect(report.scaleOptions).toContainEqual({name: 'Balanced_B350', sizeInGB: 350})
    expect(offered).not.toContain('Balanced_B150')
    expect(offered).not.toContain('Balanced_B250')
    expect(Math.min(...report.scaleOptions.map((o) => o.sizeInGB))).toBe(235)
  })

  it('unequal sizes: the finding, the scale lock, and only the larger SKU to catch up with', {timeout: TEST_MS}, async () => {
    const sb = await start({world: (w) => (w.clusters[0].sku.name = 'Balanced_B10')})
    const result = await capacity(sb, ['--json'])
    expect(result.code, result.stderr).toBe(0)
    const report = contract(result)
    expect(byId(report, sb.ids[0])).toMatchObject({sku: 'Balanced_B10', skuMemoryGB: 12})
    expect(byId(report, sb.ids[1])).toMatchObject({sku: 'Balanced_B5', skuMemoryGB: 6})
    expect(report.scaleOptions).toEqual([{name: 'Balanced_B10', sizeInGB: 12}])
    expect(report.findings[0]).toMatch(/^members are not the same size: /)
    expect(report.findings[0]).toContain('sandbox-westus2 on Balanced_B10 (12 GB)')
    expect(report.findings[0]).toContain('on Balanced_B5 (6 GB)')
    expect(report.findings[1]).toMatch(/^scale lock: .* until every member is on Balanced_B10/)
  })

  it('an API that does not answer is a note, never a failure; an unreachable member is unknown and exits 1', {timeout: TEST_MS}, async () => {
    const sb = await start({
      down: [2],
      world: (w) => {
        w.faults = [
          {
            method: 'POST',
            path: `${w.clusters[1].id}/listSkusForScaling`,
            status: 400,
            code: 'InvalidResourceOperation',
            message: 'The resource does not support listSkusForScaling.',
            remaining: 10,
          },
        ]
      },
    })
    const result = await capacity(sb, ['--json', '--timeout-ms', '1000'])
    expect(result.code).toBe(1)
    const report = contract(result)
    expect(byId(report, sb.ids[1])).toMatchObject({scaleOptions: null, scaleError: expect.stringMatching(/InvalidResourceOperation/), level: 'ok'})
    expect(report.findings).toContainEqual(expect.stringMatching(/^sandbox-eastus: listSkusForScaling did not answer \(InvalidResourceOperation: .*\); the scale options shown leave it out/))
    expect(report.scaleOptions).toContainEqual({name: 'Balanced_B10', sizeInGB: 12})

    expect(byId(report, sb.ids[2])).toMatchObject({reachable: false, error: {kind: 'refused'}, usedBytes: null, maxBytes: null, limitSource: null, level: 'unknown'})
    expect(report.findings).toContainEqual(expect.stringMatching(/^sandbox-northeurope did not answer the probe \(refused: /))
  })

  it('bad thresholds exit 2 before any request', {timeout: TEST_MS}, async () => {
    const sb = await start({members: 2})
    for (const args of [['--warn', '85', '--crit', '70'], ['--warn', '70', '--crit', '100'], ['--warn', '0']]) {
      const result = await capacity(sb, args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr).toMatch(/--warn|--crit/)
    }
    expect(sb.emulator.requests).toHaveLength(0)
  })
})
