// The incident runbook's rules on crafted groups and probe readings: who is failing, who survives, how full the
// survivors are, and what the runbook recommends.
import {describe, expect, it} from 'vitest'
import {
  diagnose,
  memberStatuses,
  recommend,
  redirectNextSteps,
  rejoinSteps,
  RUNBOOK_STEPS,
  stepNumber,
  type IncidentInput,
} from '../../src/domain/incident.js'
import type {FailureKind, MemberProbe} from '../../src/domain/probe.js'
import {placeholderMember} from '../../src/domain/group.js'
import {clusterIdOf, idKey} from '../../src/domain/ids.js'
import type {ClusterView, GeoGroup, Member} from '../../src/domain/model.js'
import type {ReadCause} from '../../src/domain/read.js'
import {renderRunbookLog, stepTitle} from '../../src/output/runbook.js'
import type {Assessment} from '../../src/services/runbook/assess.js'
import {endWithoutUnlink} from '../../src/services/runbook/ending.js'
import {RunbookJournal} from '../../src/services/runbook/journal.js'
import {SUBSCRIPTION, buildGroup, idOf, observed} from '../helpers/group-builder.js'

const GB = 1024 ** 3
const T = {warnPct: 70, critPct: 85}

/** a probe that answered, `usedGB` of a 10 GB maxmemory */
function answered(m: Member, usedGB = 2): MemberProbe {
  return observed(m, {latencyMs: 1.2, usedBytes: usedGB * GB, maxmemoryBytes: 10 * GB})
}

function silent(m: Member, kind: FailureKind = 'refused', message = 'connect ECONNREFUSED 10.0.0.3:10000'): MemberProbe {
  return observed(m, {reachable: false, errorKind: kind, errorMessage: message, latencyMs: null, usedBytes: null, maxmemoryBytes: null})
}

function input(group: GeoGroup, probes: MemberProbe[]): IncidentInput {
  return {group, probes, thresholds: T}
}

const run = (i: IncidentInput) => {
  const statuses = memberStatuses(i)
  const diagnosis = diagnose(statuses)
  return {statuses, diagnosis, recommendation: recommend(diagnosis, i.thresholds, {nickname: 'orders', connection: []})}
}

/** cache3 in northeurope is down: its redis does not answer, ARM still reads it */
function dataPlaneOutage(usedGB: [number, number]) {
  const g = buildGroup()
  const [a, b, c] = g.members
  return run(input(g, [answered(a, usedGB[0]), answered(b, usedGB[1]), silent(c)]))
}

/**
 * The group with its last member unreadable, as assembly leaves it: only the others' views still name it, and its
 * placeholder knows what the cluster list shows (`cluster`, when it still lists it) and why the read failed.
 */
function lastUnreadable(g: GeoGroup, error?: {cause: ReadCause; code: string; message: string}, cluster?: ClusterView): GeoGroup {
  const down = g.members[g.members.length - 1]
  const clusters = new Map(cluster ? [[idKey(cluster.id), cluster]] : [])
  const errors = error ? [{scope: clusterIdOf(down.id), ...error}] : []
  return {...g, members: g.members.slice(0, -1), unresolved: [down.id], unreadable: [placeholderMember(down.id, {clusters, errors})]}
}

/** cache3 is in a region whose resource provider answers 503 (or another read error); `listed`: the cluster list still shows it */
function regionalOutage(cause: ReadCause = 'region-not-answering', code = 'ServiceUnavailable', listed = false) {
  const g = lastUnreadable(buildGroup(), {cause, code, message: "The resource provider in region 'North Europe' is unavailable."}, listed ? northEurope() : undefined)
  return run(input(g, g.members.map((m) => answered(m, 1))))
}

function northEurope(): ClusterView {
  const id = clusterIdOf(idOf('cache3'))
  return {
    id,
    name: 'cache3',
    subscriptionId: SUBSCRIPTION,
    resourceGroup: 'rg-geo',
    location: 'northeurope',
    sku: {name: 'Balanced_B10', capacity: null},
    hostName: 'cache3.northeurope.redis.azure.net',
    provisioningState: 'Succeeded',
    resourceState: 'Running',
    redisVersion: '7.4',
    minimumTlsVersion: '1.2',
    highAvailability: 'Enabled',
  }
}

describe('the step list', () => {
  it('has unique ids, titles and a one-sentence description each, numbered from 1', () => {
    expect(new Set(RUNBOOK_STEPS.map((s) => s.id)).size).toBe(RUNBOOK_STEPS.length)
    expect(new Set(RUNBOOK_STEPS.map((s) => s.title)).size).toBe(RUNBOOK_STEPS.length)
    for (const s of RUNBOOK_STEPS) expect(s.description).toMatch(/^[A-Z`].*\.$/)
    expect(stepNumber('group')).toBe(1)
    expect(stepNumber('rejoin')).toBe(RUNBOOK_STEPS.length)
    // the decision comes after everything it rests on, and before anything that could change the group
    expect(stepNumber('decision')).toBeGreaterThan(stepNumber('endpoints'))
    expect(stepNumber('decision')).toBeLessThan(stepNumber('plan'))
    expect(stepNumber('confirm')).toBeLessThan(stepNumber('execute'))
  })
})

describe('member statuses and the diagnosis', () => {
  it('a member that does not answer the probe is failing, with the failure kind; the others survive with their memory', () => {
    const {statuses, diagnosis} = dataPlaneOutage([2, 3])
    expect(statuses.map((s) => s.verdict)).toEqual(['survivor', 'survivor', 'failing'])
    expect(diagnosis.failing[0]).toMatchObject({name: 'cache3/default', location: 'northeurope', probe: {answered: false}, memory: null})
    expect(diagnosis.failing[0].reasons).toEqual(['it does not answer the data-plane probe (refused: connect ECONNREFUSED 10.0.0.3:10000)'])
    expect(diagnosis.failing[0].seenAs).toEqual(['Linked', 'Linked'])
    expect(diagnosis.fullest).toEqual({name: 'cache2/default', usedPct: 30, level: 'ok'})
    expect(diagnosis.level).toBe('ok')
    expect(diagnosis.since).toBeNull()
  })

  it('a member ARM cannot read (5xx) is failing, named from the id, not probed', () => {
    const {diagnosis} = regionalOutage()
    expect(diagnosis.failing).toHaveLength(1)
    expect(diagnosis.failing[0]).toMatchObject({name: 'cache3/default', cluster: 'cache3', location: null, probe: null, arm: {readable: false, state: null}})
    expect(diagnosis.failing[0].reasons[0]).toBe("ARM cannot read it: ServiceUnavailable: The resource provider in region 'North Europe' is unavailable.")
    // in member order: by location (eastus, then westus2)
    expect(diagnosis.survivors.map((s) => s.name)).toEqual(['cache2/default', 'cache1/default'])
  })

  it("takes the location from the cluster list and the cause from the read error of the group's placeholder", () => {
    const {diagnosis} = regionalOutage('region-not-answering', 'ServiceUnavailable', true)
    expect(diagnosis.failing[0]).toMatchObject({location: 'northeurope', arm: {cause: 'region-not-answering', error: expect.stringMatching(/^ServiceUnavailable: /)}})
  })

  it('a deleted member (not-found) is failing too', () => {
    expect(regionalOutage('not-found', 'ResourceNotFound').diagnosis.failing.map((s) => s.arm.cause)).toEqual(['not-found'])
  })

  it('an unreadable member behind an access error, or with no recorded error, cannot be judged: it is not called failing', () => {
    const forbidden = regionalOutage('forbidden', 'AuthorizationFailed')
    expect(forbidden.diagnosis.failing).toEqual([])
    expect(forbidden.diagnosis.unknown[0].reasons[0]).toMatch(/^ARM does not show it to you \(forbidden, AuthorizationFailed: .*\): its health cannot be judged from here$/)
    const g = lastUnreadable(buildGroup())
    expect(memberStatuses(input(g, g.members.map((m) => answered(m))))[2].verdict).toBe('unknown')
  })

  it('a member ARM shows as not Succeeded/Running is failing even when it answers', () => {
    const g = buildGroup({members: [{}, {}, {provisioningState: 'Failed', resourceState: 'Running'}]})
    const {diagnosis} = run(input(g, g.members.map((m) => answered(m))))
    expect(diagnosis.failing[0].reasons).toEqual(['ARM shows it not Succeeded/Running: cluster Succeeded/Running, database Failed/Running'])
  })

  it('a member whose cluster is mid-scale is judged by the cluster too, its database Succeeded/Running notwithstanding', () => {
    const g = buildGroup({members: [{}, {}, {clusterProvisioningState: 'Updating', clusterResourceState: 'Scaling'}]})
    const {diagnosis} = run(input(g, g.members.map((m) => answered(m))))
    expect(diagnosis.failing.map((s) => [s.name, s.arm.state])).toEqual([['cache3/default', 'cluster Updating/Scaling, database Succeeded/Running']])
  })

  it('an auth or TLS failure of the probe is a setup problem from here: unknown, not failing', () => {
    const g = buildGroup()
    const [a, b, c] = g.members
    for (const kind of ['auth', 'tls'] as const) {
      const {diagnosis, recommendation} = run(input(g, [answered(a), answered(b), silent(c, kind, 'WRONGPASS invalid username-password pair')]))
      expect(diagnosis.failing).toEqual([])
      expect(diagnosis.unknown.map((s) => s.name)).toEqual(['cache3/default'])
      expect(recommendation.kind).toBe('nothing-failing')
      expect(recommendation.reasons.join(' ')).toContain('cache3/default cannot be judged from here')
    }
  })

  it('the survivors are as full as the fullest; without maxmemory the SKU size is the limit', () => {
    const g = buildGroup()
    const [a, b, c] = g.members
    const probes = [observed(a, {maxmemoryBytes: null, usedBytes: 9 * GB}), answered(b, 1), silent(c)]
    const {diagnosis} = run(input(g, probes))
    // Balanced_B10 is 12 GB: 9 of 12 is 75%
    expect(diagnosis.fullest).toEqual({name: 'cache1/default', usedPct: 75, level: 'warn'})
    expect(diagnosis.survivors[0].memory).toMatchObject({limitSource: 'sku', maxBytes: 12 * GB})
  })
})

describe('the recommendation', () => {
  it('survivors with headroom: redirect clients only, saying why force-unlink is not worth it yet', () => {
    const {recommendation} = dataPlaneOutage([2, 6.9])
    expect(recommendation.kind).toBe('redirect')
    expect(recommendation.title).toBe('redirect clients only')
    expect(recommendation.candidates.map((m) => m.name)).toEqual(['cache3/default'])
    expect(recommendation.reasons[0]).toBe('the survivors have headroom: the fullest, cache2/default, is at 69.0% (below --warn 70%)')
    expect(recommendation.reasons.join(' ')).toContain('may recover by itself')
    expect(recommendation.reasons.join(' ')).toContain('force-unlink is irreversible for cache3/default')
  })

  it('a survivor at exactly --warn: force-unlink now, because metadata for the down member builds up', () => {
    const {recommendation} = dataPlaneOutage([7, 1])
    expect(recommendation.kind).toBe('force-unlink')
    expect(recommendation.title).toBe('force-unlink now')
    expect(recommendation.reasons[0]).toBe('cache1/default is at 70.0% of its memory, at or above --warn 70%')
    expect(recommendation.reasons[1]).toContain('cannot discard it until they do: the survivors may run out of memory')
  })

  it('a survivor at or above --crit: force-unlink now (critical)', () => {
    const {recommendation} = dataPlaneOutage([1, 8.5])
    expect(recommendation).toMatchObject({kind: 'force-unlink', title: 'force-unlink now (critical)'})
    expect(recommendation.reasons[0]).toBe('cache2/default is at 85.0% of its memory, at or above --crit 85%')
  })

  it("the survivors' memory unknown: redirect, and say to watch it elsewhere", () => {
    const g = buildGroup({members: [{sku: {name: 'Enterprise_E10', capacity: 2}}, {sku: {name: 'Enterprise_E10', capacity: 2}}, {}]})
    const [a, b, c] = g.members
    const unmeasured = (m: Member) => observed(m, {latencyMs: 1.2, usedBytes: 2 * GB, maxmemoryBytes: null})
    const {diagnosis, recommendation} = run(input(g, [unmeasured(a), unmeasured(b), silent(c)]))
    expect(diagnosis.level).toBe('unknown')
    expect(diagnosis.fullest).toBeNull()
    expect(recommendation.kind).toBe('redirect')
    expect(recommendation.reasons[0]).toContain("the survivors' memory could not be measured")
  })

  it('a regional outage with survivors under --warn: redirect clients only, the unreadable member the one to unlink later', () => {
    expect(regionalOutage().recommendation).toMatchObject({kind: 'redirect', candidates: [{name: 'cache3/default'}]})
  })

  it('several failing members are all candidates', () => {
    const g = buildGroup({members: [{}, {}, {}, {}]})
    const [a, b, c, d] = g.members
    const {recommendation} = run(input(g, [answered(a, 8), answered(b), silent(c), silent(d, 'timeout', 'connect ETIMEDOUT')]))
    expect(recommendation.kind).toBe('force-unlink')
    expect(recommendation.candidates.map((m) => m.name)).toEqual(['cache3/default', 'cache4/default'])
    expect(recommendation.reasons[1]).toContain('while cache3/default, cache4/default are down')
  })

  it('no member known to be healthy: no force-unlink, whatever the memory', () => {
    const g = buildGroup()
    const {recommendation} = run(input(g, g.members.map((m) => silent(m, 'timeout', 'connect ETIMEDOUT'))))
    expect(recommendation).toMatchObject({kind: 'no-survivor', candidates: []})
    expect(recommendation.reasons.join(' ')).toContain('check the network path from where you run geo-redis')
  })

  it('nobody failing: no action', () => {
    const g = buildGroup()
    const {recommendation} = run(input(g, g.members.map((m) => answered(m, 9))))
    expect(recommendation).toMatchObject({kind: 'nothing-failing', candidates: []})
  })
})

describe('next steps', () => {
  it('rejoin: force-link (data discarded) or delete and recreate, once the region is back', () => {
    const steps = rejoinSteps('orders', {id: idOf('cache3'), cluster: 'cache3', location: 'northeurope'})
    expect(steps[0]).toContain('wait until northeurope has recovered')
    expect(steps[1]).toBe(`rejoin it with: \`geo-redis force-link --group orders --member ${idOf('cache3')}\` (ALL of its data is discarded; it is unavailable for several minutes)`)
    expect(steps[2]).toContain('or delete cache3 and recreate it')
  })

  it('after redirecting only: watch memory with the same thresholds, and the force-unlink command for later', () => {
    const steps = redirectNextSteps('orders', [{id: idOf('cache3'), name: 'cache3/default'}], {warnPct: 60, critPct: 80})
    expect(steps).toContain('watch the survivors\' memory: `geo-redis capacity --group orders --warn 60 --crit 80`')
    expect(steps.join('\n')).toContain(`geo-redis force-unlink --group orders --member ${idOf('cache3')}`)
  })
})

describe('the log and the endings', () => {
  it('runbook.md lists every step in order: what was shown, the answers, and why the rest was not reached', () => {
    const log = new RunbookJournal()
    log.add('group', [{kind: 'note', text: 'group "orders"', mark: 'ok'}])
    log.add('decision', [{kind: 'answer', question: 'Go on to force-unlink cache3/default?', answer: 'no'}])
    log.skipAfter('group', 'you chose to redirect clients only')
    const md = renderRunbookLog(log.entries(), {nickname: 'orders', startedAt: 't0', finishedAt: 't1', dryRun: false, outcome: 'refused: redirect clients only'})
    const headings = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])
    expect(headings).toEqual(RUNBOOK_STEPS.map((s) => stepTitle(s.id)))
    expect(md).toContain('- (✓) group "orders"')
    expect(md).toContain('> **Question:** Go on to force-unlink cache3/default?  \n> **Answer:** no')
    expect(md).toContain(`## ${stepTitle('status')}\n\n_Not reached: you chose to redirect clients only._`)
    expect(log.answers()).toEqual([{step: 'decision', question: 'Go on to force-unlink cache3/default?', answer: 'no'}])
  })

  it('choosing not to force-unlink is recorded as the operator\'s decision, with what to watch meanwhile', () => {
    const {statuses, diagnosis, recommendation} = dataPlaneOutage([2, 3])
    const a = {group: {nickname: 'orders', key: 'k', status: 'degraded', problems: []}, thresholds: T, members: statuses, diagnosis, recommendation} as unknown as Assessment
    const ending = endWithoutUnlink(a)
    expect(ending).toMatchObject({outcome: 'refused', stop: {name: 'operator-decision', result: 'refuse'}, why: 'you chose to redirect clients only'})
    expect(ending.decision).toBe('redirect clients only: cache3/default not force-unlinked (recommended: redirect clients only)')
    expect(ending.nextSteps[1]).toBe("watch the survivors' memory: `geo-redis capacity --group orders --warn 70 --crit 85`")
  })
})
