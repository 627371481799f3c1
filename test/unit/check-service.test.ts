// The check service: its pure parts over crafted groups, and runCheck over the real ARM adapter against the
// emulator (the inventory estate: two groups nicknamed "geo", a LinkFailed view, an unreadable subscription).
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {probingPorts} from '../../src/cli/composition.js'
import {resolveArmSettings} from '../../src/cli/settings.js'
import {UsageError} from '../../src/domain/errors.js'
import {idKey} from '../../src/domain/ids.js'
import {ALL_RULES} from '../../src/domain/rules/index.js'
import type {Thresholds} from '../../src/domain/rules/types.js'
import {INVENTORY, inventoryScenario, sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import type {MemberProbe} from '../../src/domain/probe.js'
import {checkGroup, runCheck, summarise, type CheckOptions} from '../../src/services/check.js'
import {NO_GROUPS} from '../../src/domain/read.js'
import type {ProbingPorts} from '../../src/services/ports.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {buildGroup, context} from '../helpers/group-builder.js'

const THRESHOLDS: Thresholds = {memoryWarnPct: 70, memoryCritPct: 85, replicationLagMs: 1000}
const GB = 1024 ** 3
const rulesNeeding = (needs: string) => ALL_RULES.filter((r) => r.needs === needs).map((r) => r.name)

function probeResult(id: string, overrides: Partial<MemberProbe> = {}): MemberProbe {
  return {
    id,
    endpoint: 'localhost:10000',
    reachable: true,
    answered: true,
    error: null,
    connectMs: 1,
    tlsMs: null,
    pingMs: {min: 1, p50: 1, p99: 1},
    server: {redisVersion: '7.4.0'},
    memory: {usedBytes: 1 * GB, maxBytes: 10 * GB, fragmentation: 1, evictedKeys: 0},
    keys: 0,
    location: 'westus2',
    ...overrides,
  }
}

describe('checkGroup', () => {
  it('passes a healthy group and runs only the ARM rules without a probe', () => {
    const checked = checkGroup(buildGroup(), {thresholds: THRESHOLDS, include: ['arm']})
    expect(checked).toMatchObject({nickname: 'orders', status: 'pass', findings: []})
    expect(checked.members).toHaveLength(3)
    expect(checked.evaluated.map((e) => e.rule)).toEqual(rulesNeeding('arm'))
  })

  it('fails on an error finding and warns on a warning only', () => {
    const drifted = buildGroup({members: [{}, {}, {evictionPolicy: 'AllKeysLRU'}]})
    expect(checkGroup(drifted, {thresholds: THRESHOLDS, include: ['arm']}).status).toBe('fail')
    const older = buildGroup({members: [{}, {}, {redisVersion: '7.2'}]})
    const checked = checkGroup(older, {thresholds: THRESHOLDS, include: ['arm']})
    expect(checked.findings.map((f) => [f.rule, f.severity])).toEqual([['redis-version-mismatch', 'warning']])
    expect(checked.status).toBe('warn')
  })

  it('adds the probe and canary rules when their input is given', () => {
    const ctx = context(buildGroup(), {health: {1: {reachable: false, errorKind: 'refused', usedBytes: null, maxmemoryBytes: null}}, replication: true})
    const checked = checkGroup(ctx.group, {probes: ctx.probes, replication: ctx.replication, thresholds: THRESHOLDS, include: ['arm', 'probe', 'canary']})
    expect(checked.evaluated.map((e) => e.rule)).toEqual(ALL_RULES.map((r) => r.name))
    expect(checked.findings.map((f) => [f.rule, f.members])).toEqual([['unreachable', [ctx.group.members[1].id]]])
  })
})

describe('the probe as the rules read it', () => {
  it('matches members by id whatever the case, and reads reachability, the error and INFO memory', () => {
    const group = buildGroup()
    const [a, b] = group.members
    const probes = [
      probeResult(a.id.toUpperCase(), {memory: {usedBytes: 9 * GB, maxBytes: 10 * GB, fragmentation: null, evictedKeys: null}}),
      probeResult(b.id, {reachable: false, error: {kind: 'timeout', message: 'no answer in 2000 ms'}, memory: null}),
      // not dialled: the probe rules skip it
      probeResult(group.members[2].id, {endpoint: '', reachable: false, memory: null}),
    ]
    // the rules read it as they are meant to: 90% is over the 85% critical line
    const checked = checkGroup(group, {probes, thresholds: THRESHOLDS, include: ['arm', 'probe']})
    expect(checked.findings.map((f) => [f.rule, f.severity])).toEqual([
      ['unreachable', 'error'],
      ['memory-headroom', 'error'],
    ])
  })
})

describe('summarise', () => {
  const pass = checkGroup(buildGroup(), {thresholds: THRESHOLDS, include: ['arm']})
  const warn = checkGroup(buildGroup({members: [{}, {}, {redisVersion: '7.2'}]}), {thresholds: THRESHOLDS, include: ['arm']})
  const fail = checkGroup(buildGroup({members: [{}, {}, {persistence: {aofEnabled: true, rdbEnabled: false}}]}), {thresholds: THRESHOLDS, include: ['arm']})

  it('counts findings per severity and exits 1 only on an error finding', () => {
    expect(summarise('t', [pass, warn], [])).toMatchObject({summary: {error: 0, warning: 1, info: 0}, exitCode: 0})
    expect(summarise('t', [pass, warn, fail], [])).toMatchObject({summary: {error: 1, warning: 1, info: 0}, exitCode: 1})
  })

  it('exits 1 on a partial read even when every group passes', () => {
    expect(summarise('t', [pass], [{scope: 'sub', code: 'AuthorizationFailed', message: 'no'}]).exitCode).toBe(1)
  })
})

describe('runCheck against the emulator', () => {
  let em: TestEmulator
  let ports: ProbingPorts
  const run = (overrides: Partial<CheckOptions> = {}) =>
    runCheck(ports, {
      subscriptions: [],
      selection: {},
      probe: false,
      canary: false,
      thresholds: THRESHOLDS,
      target: {auth: 'keys'},
      timeoutMs: 500,
      now: () => new Date('2025-01-02T03:04:05Z'),
      ...overrides,
    })

  beforeAll(async () => {
    em = await startTestEmulator(inventoryScenario(), {pageSize: INVENTORY.pageSize})
    ports = await probingPorts({...resolveArmSettings({concurrency: 8, 'arm-endpoint': em.url}, {GEO_REDIS_ACCESS_TOKEN: em.token}), caPem: em.emulator.caPem})
  })
  afterAll(async () => {
    await em?.stop()
  })

  it('checks every visible group and fails on the unreadable subscription', async () => {
    const result = await run()
    expect(result.generatedAt).toBe('2025-01-02T03:04:05.000Z')
    const byName = result.groups.map((g) => [g.nickname, g.status])
    expect(byName).toEqual([
      ['geo', 'pass'],
      ['geo', 'pass'],
      ['orders', 'warn'],
      ['payments', 'fail'],
    ])
    const payments = result.groups.find((g) => g.nickname === 'payments')!
    expect(payments.findings.map((f) => f.rule)).toEqual(['link-state'])
    expect(result.groups.find((g) => g.nickname === 'orders')!.findings.map((f) => f.rule)).toEqual(['unresolved-member'])
    expect(result.errors.map((e) => [e.scope, e.code])).toContainEqual([INVENTORY.subscriptions.locked, 'AuthorizationFailed'])
    expect(result.summary).toEqual({error: 1, warning: 1, info: 0})
    expect(result.exitCode).toBe(1)
  }, 20_000)

  it('checks both groups that share a nickname, and narrows by resource group', async () => {
    const geo = await run({selection: {group: 'GEO'}, subscriptions: [INVENTORY.subscriptions.prod, INVENTORY.subscriptions.shared]})
    // sorted by nickname, then key: rg-geo-dr's ids sort before rg-geo's
    expect(geo.groups.map((g) => g.members.length)).toEqual([2, 3])
    expect(geo.errors).toEqual([])
    expect(geo.exitCode).toBe(0)
    const dr = await run({selection: {group: 'geo', resourceGroup: 'rg-geo-dr'}, subscriptions: [INVENTORY.subscriptions.prod]})
    expect(dr.groups.map((g) => g.members.map(idKey))).toEqual([INVENTORY.geoDr.members.map(idKey).sort()])
    // without a nickname, --resource-group narrows every group
    const payments = await run({selection: {resourceGroup: 'RG-PAYMENTS'}, subscriptions: [INVENTORY.subscriptions.prod, INVENTORY.subscriptions.shared]})
    expect(payments.groups.map((g) => g.nickname)).toEqual(['payments'])
  }, 20_000)

  it('fails a group on a linked database it could not read, and only that group', async () => {
    const subscriptions = [INVENTORY.subscriptions.prod, INVENTORY.subscriptions.shared]
    const orders = await run({selection: {group: 'orders'}, subscriptions})
    expect(orders.errors.map((e) => idKey(e.scope))).toEqual([idKey(INVENTORY.orders.unresolved)])
    expect(orders.exitCode).toBe(1)
    const payments = await run({selection: {group: 'payments'}, subscriptions})
    expect(payments.errors).toEqual([])
  }, 20_000)

  it('rejects a nickname or resource group that matches nothing as bad input', async () => {
    const subscriptions = [INVENTORY.subscriptions.prod]
    await expect(run({selection: {group: 'nope'}, subscriptions})).rejects.toThrow(UsageError)
    await expect(run({selection: {resourceGroup: 'rg-nope'}, subscriptions})).rejects.toThrow(/resource group rg-nope/)
  }, 20_000)
})

describe('runCheck with nothing to check', () => {
  it('fails rather than passing an empty check', async () => {
    // one database without geoReplication: standalone, no group (one that lists only itself would be a group of one)
    const world = sandboxWorld({members: 1})
    delete world.databases[0].properties.geoReplication
    const em = await startTestEmulator(world)
    try {
      const ports = await probingPorts({...resolveArmSettings({concurrency: 4, 'arm-endpoint': em.url}, {GEO_REDIS_ACCESS_TOKEN: em.token}), caPem: em.emulator.caPem})
      const result = await runCheck(ports, {subscriptions: [], selection: {}, probe: true, canary: false, thresholds: THRESHOLDS, target: {auth: 'keys'}, timeoutMs: 500})
      expect(result.groups).toEqual([])
      expect(result.errors.map((e) => e.code)).toEqual([NO_GROUPS])
      expect(result.exitCode).toBe(1)
    } finally {
      await em.stop()
    }
  }, 20_000)
})
