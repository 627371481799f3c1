// The reading use cases over in-memory ports: probe, check and capacity see every member, a member ARM cannot read
// included (dialled at the host its cluster list shows, both ways, without credentials), and decide nothing about
// exit codes beyond what their results say.
import {describe, expect, it} from 'vitest'
import {capacityExitCode, probeExitCode} from '../../../src/domain/outcome.js'
import {FakeArm} from '../../../src/sandbox/testing/fake-arm.js'
import {FakeDataPlane} from '../../../src/sandbox/testing/fake-data-plane.js'
import {runCapacity} from '../../../src/services/capacity.js'
import {runCheck} from '../../../src/services/check.js'
import type {GroupFiles, ProbingPorts} from '../../../src/services/ports.js'
import {runFileProbe, runProbe} from '../../../src/services/probe.js'

const MB = 1024 * 1024
const TARGET = {auth: 'keys' as const}

/** Three members; North Europe's region does not answer, its Redis is up (a control-plane outage) or down. */
function world(neu: 'up' | 'down') {
  const arm = FakeArm.group('geo', [
    {cluster: 'geo-wus2', location: 'westus2'},
    {cluster: 'geo-eus', location: 'eastus'},
    {cluster: 'geo-neu', location: 'northeurope'},
  ])
  arm.regionDown('geo-neu')
  const dataPlane = new FakeDataPlane().set(arm.idOf('geo-neu'), {state: neu}).set(arm.idOf('geo-eus'), {usedBytes: 90 * MB, maxBytes: 100 * MB})
  const ports: ProbingPorts = {arm, dataPlane}
  return {arm, dataPlane, ports, ids: {wus2: arm.idOf('geo-wus2'), eus: arm.idOf('geo-eus'), neu: arm.idOf('geo-neu')}}
}

describe('probe', () => {
  it('every member is a row: the unread one dialled both ways without credentials, its Redis answering AUTH', async () => {
    const {ports, dataPlane, ids} = world('up')
    const {probe, errors} = await runProbe(ports, {subscriptions: [], selection: {group: 'geo'}, ...TARGET, samples: 2, timeoutMs: 100, canary: true})
    expect(probe.members.map((m) => [m.location, m.reachable, m.answered, m.error?.kind ?? null])).toEqual([
      ['eastus', true, true, null],
      ['northeurope', false, true, 'auth'],
      ['westus2', true, true, null],
    ])
    expect(probe.members[1]).toMatchObject({id: ids.neu, endpoint: 'geo-neu.northeurope.redis.fake:10000', readError: {cause: 'region-not-answering'}})
    expect(probe.members[1].error!.message).toMatch(/^answers, but ARM cannot read it, so geo-redis has no access key for it/)
    expect(dataPlane.dials.filter((d) => d.id === ids.neu).map((d) => [d.tls, d.withAuth])).toEqual([[true, false], [false, false]])
    expect(probe.answered).toBe(2)
    expect(errors.map((e) => e.cause)).toEqual(['region-not-answering'])
    expect(probeExitCode(probe)).toBe(1)
    // the canary matrix stays N×N: the member that did not answer takes part as "not replicated", saying why
    expect(probe.canary!.pairs).toHaveLength(6)
    expect(probe.canary!.pairs.filter((p) => !p.replicated).map((p) => p.reason)).toEqual(Array(4).fill('geo-neu/default did not answer the probe'))
  })
})

describe('check', () => {
  it('with --probe: the down member is unreachable and the full one over --crit, both errors; exit 1', async () => {
    const {ports, ids} = world('down')
    const thresholds = {memoryWarnPct: 70, memoryCritPct: 85, replicationLagMs: 1000}
    const result = await runCheck(ports, {subscriptions: [], selection: {}, probe: true, canary: false, thresholds, target: TARGET, timeoutMs: 100})
    const findings = result.groups[0].findings.filter((f) => ['unreachable', 'memory-headroom'].includes(f.rule))
    expect(findings.map((f) => [f.rule, f.severity, f.members])).toEqual([
      ['unreachable', 'error', [ids.neu]],
      ['memory-headroom', 'error', [ids.eus]],
    ])
    expect(result.exitCode).toBe(1)
  })
})

describe('capacity', () => {
  it('the full member is crit, the unread one listed with why and not asked for scale options; exit 1', async () => {
    const {ports, arm} = world('down')
    const {report} = await runCapacity(ports, {subscriptions: [], selection: {group: 'geo'}, ...TARGET, timeoutMs: 100, thresholds: {warnPct: 70, critPct: 85}})
    expect(report.members.map((m) => [m.cluster, m.level, m.readError?.cause ?? null])).toEqual([
      ['geo-eus', 'crit', null],
      ['geo-neu', 'unknown', 'region-not-answering'],
      ['geo-wus2', 'ok', null],
    ])
    expect(report.members[1].scaleError).toBe('not asked: ARM cannot read it (region-not-answering)')
    expect(capacityExitCode(report)).toBe(1)
    expect(arm.sent).toEqual([])
  })
})

/** A group file held in memory: what the file adapter would hand over, every password "from-env". */
function memoryFiles(data: unknown): GroupFiles & {asked: string[]} {
  const asked: string[] = []
  return {
    asked,
    read: async () => data,
    secret: async (_ref, _file, where) => {
      asked.push(where)
      return 'from-env'
    },
    caPem: async () => '',
  }
}

describe('probe of a group file', () => {
  const member = (name: string, extra: Record<string, unknown> = {}) => ({name, host: `${name}.example`, port: 6379, tls: true, password: {env: 'PW'}, ...extra})
  const file = {
    groups: [
      {nickname: 'aa', members: [member('a1', {region: 'eastus'}), member('a2')]},
      {nickname: 'ap', kind: 'active-passive', members: [member('r1', {role: 'replica'}), member('p', {role: 'primary'}), member('r2', {role: 'replica'})]},
    ],
  }

  it('dials every member with the credentials the file references, no ARM at all', async () => {
    const files = memoryFiles(file)
    const dataPlane = new FakeDataPlane().set('group-file:aa/a2', {state: 'down'})
    const {probe, kind} = await runFileProbe({files, dataPlane}, {file: 'g.yaml', group: 'aa', samples: 1, timeoutMs: 100, canary: false})
    expect(kind).toBe('active-active')
    expect(probe.members.map((m) => [m.id, m.location, m.reachable])).toEqual([
      ['group-file:aa/a1', 'eastus', true],
      ['group-file:aa/a2', '', false],
    ])
    expect(probeExitCode(probe)).toBe(1)
    expect(dataPlane.dials.map((d) => [d.endpoint, d.tls, d.withAuth])).toEqual([
      ['a1.example:6379', true, true],
      ['a2.example:6379', true, true],
    ])
    expect(files.asked).toEqual(['groups.aa.members.a1.password', 'groups.aa.members.a2.password'])
  })

  it('measures an active-passive group from its primary to each replica only', async () => {
    const {probe} = await runFileProbe({files: memoryFiles(file), dataPlane: new FakeDataPlane()}, {file: 'g.yaml', group: 'ap', samples: 1, timeoutMs: 100, canary: true})
    expect(probe.canary!.pairs.map((p) => [p.from, p.to, p.replicated])).toEqual([
      ['group-file:ap/p', 'group-file:ap/r1', true],
      ['group-file:ap/p', 'group-file:ap/r2', true],
    ])
  })

  it('asks for --group when the file has several groups, before dialling anything', async () => {
    const dataPlane = new FakeDataPlane()
    await expect(runFileProbe({files: memoryFiles(file), dataPlane}, {file: 'g.yaml', samples: 1, timeoutMs: 100, canary: false})).rejects.toThrow(/has 2 groups: aa, ap/)
    expect(dataPlane.dials).toEqual([])
  })
})
