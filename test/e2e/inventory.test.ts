// The real binary and the real Azure SDK over HTTPS against the emulator: every case the inventory must get right.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import type {Inventory} from '../../src/domain/model.js'
import {INVENTORY, inventoryScenario} from '../../src/sandbox/emulator/scenarios.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {emulatorEnv, runCli} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

let arm: TestEmulator
let env: Record<string, string>
let full: {code: number | null; stdout: string; stderr: string}
let inventory: Inventory
/** what the full run asked ARM; later tests share the emulator and add to its log, in any order */
let fullRequests: TestEmulator['requests']

const keys = (ids: readonly string[]) => ids.map(idKey).sort()
const groupOf = (member: string) => groupOfIn(inventory, member)

beforeAll(async () => {
  arm = await startTestEmulator(inventoryScenario(), {pageSize: INVENTORY.pageSize, retryAfterSeconds: 0})
  env = emulatorEnv(arm)
  full = await runCli(['inventory', '--json'], {env})
  fullRequests = [...arm.requests]
  inventory = JSON.parse(full.stdout) as Inventory
}, 60_000)

afterAll(async () => {
  await arm?.stop()
})

describe('inventory --json against the emulator', () => {
  it('prints the documented contract and exits 1 because one subscription is forbidden', () => {
    expectSchema('inventory', inventory)
    expect(full.code).toBe(1)
    expect(inventory.subscriptions.map((s) => s.toLowerCase()).sort()).toEqual([...INVENTORY.listedSubscriptions].map((s) => s.toLowerCase()).sort())
    expect(inventory.errors).toEqual([expect.objectContaining({scope: INVENTORY.subscriptions.locked, code: 'AuthorizationFailed'})])
    expect(full.stderr).toMatch(/could not read .*AuthorizationFailed/)
  })

  it('reconciles case-varied linked ids into one healthy group', () => {
    const geo = groupOf(INVENTORY.geo.members[0])
    expect(geo).toMatchObject({nickname: 'geo', status: 'healthy', unresolved: [], problems: []})
    expect(keys(geo.members.map((m) => m.id))).toEqual(keys(INVENTORY.geo.members))
    expect(geo.members.map((m) => m.location).sort()).toEqual(['eastus', 'northeurope', 'westus2'])
    const wus2 = geo.members.find((m) => m.cluster === 'geo-wus2')!
    expect(wus2).toMatchObject({resourceGroup: 'rg-geo', database: 'default', port: 10000, clientProtocol: 'Encrypted', provisioningState: 'Succeeded', resourceState: 'Running'})
    expect(wus2.links.map((l) => l.id)).toContain(INVENTORY.geo.neuVariant)
  })

  it('keeps the second group nicknamed "geo" separate', () => {
    const dr = groupOf(INVENTORY.geoDr.members[0])
    expect(dr.nickname).toBe('geo')
    expect(dr.key).not.toBe(groupOf(INVENTORY.geo.members[0]).key)
    expect(keys(dr.members.map((m) => m.id))).toEqual(keys(INVENTORY.geoDr.members))
  })

  it('marks a group with a LinkFailed view degraded', () => {
    const payments = groupOf(INVENTORY.payments.members[0])
    expect(payments.status).toBe('degraded')
    expect(payments.problems.join('\n')).toMatch(/pay-eus2\/default .* sees pay-weu\/default as LinkFailed/)
  })

  it('marks a group with an unreadable linked database incomplete and lists it unresolved', () => {
    const orders = groupOf(INVENTORY.orders.members[0])
    expect(orders.status).toBe('incomplete')
    expect(keys(orders.unresolved)).toEqual(keys([INVENTORY.orders.unresolved]))
  })

  it('lists the standalone cache separately', () => {
    expect(inventory.standalone.map((m) => idKey(m.id))).toEqual([idKey(INVENTORY.standalone)])
  })

  it('followed every page and retried the 429 after Retry-After', () => {
    const prodPages = fullRequests.filter((r) => r.path.toLowerCase() === `/subscriptions/${INVENTORY.subscriptions.prod}/providers/microsoft.cache/redisenterprise`.toLowerCase())
    expect(prodPages.length).toBe(INVENTORY.prodClusterCount / INVENTORY.pageSize)
    const throttled = fullRequests.filter((r) => r.path === INVENTORY.throttledPath && !('$skipToken' in r.query))
    expect(throttled.map((r) => r.status)).toEqual([429, 200])
  })

  it('reads every resource once (no duplicate reads)', () => {
    const reads = fullRequests.filter((r) => r.method === 'GET' && r.status !== 429).map((r) => `${r.path.toLowerCase()}?${JSON.stringify(r.query)}`)
    expect(reads.length).toBe(new Set(reads).size)
  })
})

describe('inventory formats and filters', () => {
  it('filters by group, resource group and location', async () => {
    const byGroup = await runCli(['inventory', '--json', '--group', 'payments', '--subscription', INVENTORY.subscriptions.prod], {env})
    const data = JSON.parse(byGroup.stdout) as Inventory
    expect(data.groups.map((g) => g.nickname)).toEqual(['payments'])
    // the other subscription's member is read directly, so the group is whole
    expect(data.groups[0].members).toHaveLength(3)
    expect(byGroup.code).toBe(0)

    const byRg = JSON.parse((await runCli(['inventory', '--format', 'json', '--resource-group', 'rg-geo-dr'], {env})).stdout) as Inventory
    expect(byRg.groups).toHaveLength(1)
    const byLocation = JSON.parse((await runCli(['inventory', '--json', '--location', 'North Europe'], {env})).stdout) as Inventory
    expect(byLocation.groups.map((g) => g.members.length)).toEqual([3])
  })

  it('prints CSV, Markdown and a plain table when piped', async () => {
    const csv = await runCli(['inventory', '--format', 'csv'], {env})
    expect(csv.stdout.split('\n')[0]).toMatch(/^group,status,id,subscriptionId/)
    expect(csv.stdout).toMatch(/\ngeo,healthy,.*geo-wus2/)
    const md = await runCli(['inventory', '--format', 'markdown'], {env})
    expect(md.stdout).toMatch(/^# geo-redis inventory/)
    expect(md.stdout).toMatch(/## payments — degraded/)
    const text = await runCli(['inventory'], {env})
    expect(text.stdout).toMatch(/payments +degraded/)
    expect(text.stdout).not.toMatch(/\x1b\[/)
  })
})

describe('group show', () => {
  it('shows both groups sharing a nickname and says how to pick one', async () => {
    const shown = await runCli(['group', 'show', 'geo', '--json'], {env})
    const data = JSON.parse(shown.stdout)
    expectSchema('group-show', data)
    expect(data.groups).toHaveLength(2)
    expect(data.hint).toMatch(/--resource-group/)
    const text = await runCli(['group', 'show', 'geo'], {env})
    expect(text.stdout).toMatch(/2 groups share the nickname "geo"/)
  })

  it('prints the pairwise link matrix for one group', async () => {
    const shown = await runCli(['group', 'show', 'payments', '--json'], {env})
    const [group] = JSON.parse(shown.stdout).groups
    const row = group.matrix.rows.find((r: {view: string}) => r.view === 'pay-eus2/default')
    const column = group.matrix.columns.indexOf('pay-weu/default')
    expect(row.cells[column]).toBe('LinkFailed')
    expect(row.cells[group.matrix.columns.indexOf('pay-eus2/default')]).toBe('self')
  })

  it('narrows a shared nickname with --resource-group', async () => {
    const shown = await runCli(['group', 'show', 'geo', '--resource-group', 'rg-geo-dr', '--json'], {env})
    expect(JSON.parse(shown.stdout).groups).toHaveLength(1)
  })
})

describe('bad input exits 2 with what to pass', () => {
  it.each([
    [['inventory', '--subscription', 'not-a-guid'], /malformed subscription id/],
    [['group', 'show', 'nope'], /no geo-replication group named "nope"/],
    // a listing filter by nickname follows the same rule as every command: a name nobody carries is bad input
    [['inventory', '--group', 'nope'], /no geo-replication group named "nope"[\s\S]*known groups: geo, orders, payments/],
    [['inventory', '--format', 'xml'], /Expected --format=xml to be one of/],
    [['inventory', '--concurrency', '0'], /concurrency/],
    [['inventory', '--arm-endpoint', 'http://plain.example'], /must use https/],
    [['inventory', '--profile', 'missing'], /no profile named "missing"/],
  ])('%j', async (args, message) => {
    const result = await runCli(args, {env})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
  })

  it('answers a bad token with the sign-in advice, not a stack trace', async () => {
    const result = await runCli(['inventory', '--json'], {env: {...env, GEO_REDIS_ACCESS_TOKEN: 'wrong'}})
    expect(result.code).toBe(1)
    const {error} = JSON.parse(result.stdout)
    expect(error.code).toBe('AuthenticationFailed')
    expect(error.suggestion).toMatch(/az login/)
    expect(result.stdout + result.stderr).not.toContain('wrong')
  })
})

describe('transient failures', () => {
  it('retries a 503 on a database list with backoff and still reports a complete inventory', async () => {
    const world = inventoryScenario()
    const dbList = `${INVENTORY.geo.members[0].replace(/\/databases\/default$/, '')}/databases`
    world.faults = [...(world.faults ?? []), {path: dbList, status: 503, code: 'ServiceUnavailable', message: 'try again', remaining: 2}]
    const flaky = await startTestEmulator(world, {pageSize: INVENTORY.pageSize, retryAfterSeconds: 0})
    try {
      const result = await runCli(['inventory', '--json', '--subscription', INVENTORY.subscriptions.prod, '--group', 'geo'], {env: emulatorEnv(flaky)})
      const data = JSON.parse(result.stdout) as Inventory
      expect(result.code, result.stderr).toBe(0)
      expect(data.errors).toEqual([])
      expect(groupOfIn(data, INVENTORY.geo.members[0]).status).toBe('healthy')
      expect(flaky.requests.filter((r) => r.path.toLowerCase() === dbList.toLowerCase()).map((r) => r.status)).toEqual([503, 503, 200])
    } finally {
      await flaky.stop()
    }
  })
})

function groupOfIn(inv: Inventory, member: string) {
  return inv.groups.find((g) => g.members.some((m) => idKey(m.id) === idKey(member)))!
}
