import {describe, expect, it} from 'vitest'
import {evaluateFlush, flushPlan, verifyFlush} from '../../src/domain/guarded/flush.js'
import {evaluateForceLink, forceLinkPlan, verifyForceLink} from '../../src/domain/guarded/force-link.js'
import {evaluateForceUnlink, forceUnlinkPlan, linkedPeersOf, verifyForceUnlink} from '../../src/domain/guarded/force-unlink.js'
import type {MemberProbe} from '../../src/domain/probe.js'
import type {GeoGroup, Member} from '../../src/domain/model.js'
import {chooseIssuer, latencyBucket} from '../../src/domain/plans.js'
import {buildGroup, probeFact} from '../helpers/group-builder.js'

const fact = (m: Member, reachable: boolean, latencyMs = 1): MemberProbe => probeFact(m, reachable ? 'up' : 'down', {latencyMs})

function unlinkPlan(group: GeoGroup, target: Member, probes: MemberProbe[] | null, extra: {issuer?: Member; force?: boolean; dryRun?: boolean} = {}) {
  const linkedPeers = linkedPeersOf(group, target)
  const issuer = extra.issuer ?? chooseIssuer(linkedPeers, probes)
  const force = extra.force ?? false
  const guards = evaluateForceUnlink({group, targetQuery: target.cluster, target, targetInGroup: true, issuer, linkedPeers, probes, force})
  return forceUnlinkPlan({
    group,
    targetQuery: target.cluster,
    guards,
    probes,
    skipReason: probes ? null : '--skip-probe',
    skipProbe: probes === null,
    connection: [],
    dryRun: extra.dryRun ?? false,
    force,
    target,
    targetInGroup: true,
    issuer,
    linkedPeers,
    fromFlag: Boolean(extra.issuer),
  })
}

/** cache3 was force-unlinked: the survivors dropped it, its own stale view still lists everyone */
function afterUnlink(group: GeoGroup): GeoGroup {
  const [a, b, c] = group.members
  const links = [a, b].map((m) => ({id: m.id, state: 'Linked'}))
  return {...group, members: [{...a, links}, {...b, links}, c]}
}

describe('choosing the issuing member', () => {
  it('prefers Succeeded/Running, then answering the probe, then the nearest latency bucket, then the id', () => {
    const [a, b, c] = buildGroup({members: [{resourceState: 'Updating'}, {}, {}]}).members
    expect(chooseIssuer([a, b, c], [fact(a, true, 0.1), fact(b, true, 50), fact(c, true, 2)])).toBe(c)
    expect(chooseIssuer([a, b, c], [fact(a, true, 0.1), fact(b, true, 5), fact(c, false)])).toBe(b)
    expect(chooseIssuer([b, c], null)?.cluster).toBe('cache2')
    expect(chooseIssuer([], null)).toBeNull()
  })

  it('does not flip on noise: round trips in one bucket are a tie, broken by the id', () => {
    const [, b, c] = buildGroup().members
    for (const [lb, lc] of [[0.2, 0.9], [0.9, 0.2], [3, 17], [19.9, 0.1]]) expect(chooseIssuer([c, b], [fact(b, true, lb), fact(c, true, lc)])).toBe(b)
    expect(chooseIssuer([b, c], [fact(b, true, 25), fact(c, true, 19)])).toBe(c)
    expect([null, 0, 19.99, 20, 99.9, 100, 5000].map(latencyBucket)).toEqual([3, 0, 0, 1, 1, 2, 2])
  })

  it('prefers the widest reach over latency, never over health', () => {
    const [a, b, c] = buildGroup({members: [{resourceState: 'Updating'}, {}, {}]}).members
    const reach = (m: Member) => (m === b ? 1 : 2)
    expect(chooseIssuer([a, b, c], [fact(a, true), fact(b, true, 0.1), fact(c, true, 5)], reach)).toBe(c)
  })
})

describe('force-unlink plan', () => {
  it('sends on a survivor, with the target id as the issuer spells it, warnings first', () => {
    const base = buildGroup()
    const target = base.members[2]
    const recased = target.id.toUpperCase()
    // the issuer lists the target in upper case: ARM ids compare case-insensitively, and that is its spelling
    const group = buildGroup({members: [{links: [...base.members.slice(0, 2), target].map((m, i) => ({id: i === 2 ? recased : m.id, state: 'Linked'}))}]})
    const plan = unlinkPlan(group, group.members[2], group.members.map((m, i) => fact(m, i !== 2)))
    expect(plan.issuedOn?.name).toBe('cache1/default')
    expect(plan.ids).toEqual([recased])
    expect(plan.survivors.map((s) => s.name)).toEqual(['cache1/default', 'cache2/default'])
    expect(plan.nothingToDo).toBeNull()
    expect(plan.warnings[0]).toMatch(/^cache3\/default \(northeurope\) stops replicating with "orders"/)
    expect(plan.steps[0]).toContain('forceUnlink on cache1/default (westus2)')
    expect(plan.requests).toEqual([])
    // a command to run the plan again never carries consent: the operator types it
    expect(plan.command).toBe(`geo-redis force-unlink --group orders --member ${target.id}`)
    expect(plan.nextSteps[0]).toContain(`\`geo-redis force-link --group orders --member ${target.id}\``)
  })

  it('is nothing to do when no survivor lists the target, whatever its own stale view says', () => {
    const group = afterUnlink(buildGroup())
    const plan = unlinkPlan(group, group.members[2], null)
    expect(plan.nothingToDo).toBe(
      'no readable member lists cache3/default (northeurope) any more: it is already unlinked (cache1/default (westus2) lists cache2/default; cache2/default (eastus) lists cache1/default)',
    )
    expect(plan.survivors.map((s) => s.name)).toEqual(['cache1/default', 'cache2/default'])
    expect(plan.issuedOn).toBeNull()
    expect(plan.ids).toEqual([])
    expect(plan.warnings).toEqual([])
  })

  it('marks forced guards and skipped probes in the warnings and the command', () => {
    const group = buildGroup()
    const plan = unlinkPlan(group, group.members[2], null, {force: true, issuer: group.members[1]})
    expect(plan.warnings.some((w) => w.startsWith('FORCED (target-does-not-answer)'))).toBe(true)
    expect(plan.warnings.some((w) => w.startsWith('data-plane probes skipped: --skip-probe'))).toBe(true)
    expect(plan.probe).toEqual({ran: false, reason: '--skip-probe'})
    expect(plan.command).toMatch(/--from cache2 --force --skip-probe$/)
  })

  it('quotes a nickname that needs it in the suggested command', () => {
    const group = {...buildGroup(), nickname: "team's geo"}
    expect(unlinkPlan(group, group.members[2], null).command).toContain(`--group 'team'\\''s geo'`)
  })
})

describe('force-link plan', () => {
  const linkPlan = (group: GeoGroup, joining: Member, survivors: Member[], probes: MemberProbe[] | null = null) =>
    forceLinkPlan({
      group,
      targetQuery: joining.cluster,
      guards: evaluateForceLink({group, memberQuery: joining.cluster, joining, survivors, adopt: null, probes, force: false}),
      inGroup: true,
      probes,
      skipReason: probes ? null : '--skip-probe',
      skipProbe: probes === null,
      connection: [],
      dryRun: true,
      force: false,
      joining,
      survivors,
    })

  it('warns that all data is discarded before anything else, and lists the joining database first', () => {
    const group = afterUnlink(buildGroup())
    const [a, b, c] = group.members
    const plan = linkPlan(group, c, [a, b], [fact(a, true), fact(b, true), fact(c, true)])
    expect(plan.warnings[0]).toMatch(/^ALL DATA IN cache3\/default \(northeurope\) IS DISCARDED/)
    expect(plan.warnings[1]).toContain('answers clients now')
    expect(plan.ids).toEqual([c.id, a.id, b.id])
    expect(plan.issuedOn?.id).toBe(c.id)
    expect(plan.steps[0]).toContain('api-version 2025-07-01')
    expect(plan.dryRun).toBe(true)
  })

  it('is nothing to do when every survivor already lists it as Linked', () => {
    const group = buildGroup()
    const [a, b, c] = group.members
    const plan = linkPlan(group, c, [a, b])
    expect(plan.nothingToDo).toContain('already lists cache3/default (northeurope) as Linked')
    expect(plan.ids).toEqual([])
  })

  it('names unreadable linked databases it leaves out', () => {
    const group = afterUnlink(buildGroup({unresolved: ['/subscriptions/x/resourceGroups/r/providers/Microsoft.Cache/redisEnterprise/gone/databases/default']}))
    const [a, b, c] = group.members
    expect(linkPlan(group, c, [a, b]).warnings.some((w) => w.includes('could not be read and are not in linkedDatabases'))).toBe(true)
  })
})

describe('flush plan', () => {
  const plan = (group: GeoGroup, issuer: Member, probes: MemberProbe[] | null, extra: {force?: boolean; fromFlag?: boolean} = {}) =>
    flushPlan({
      group,
      targetQuery: '',
      guards: evaluateFlush({group, issuer, probes, force: extra.force ?? false}),
      probes,
      skipReason: probes ? null : '--skip-probe',
      skipProbe: probes === null,
      connection: [],
      dryRun: true,
      force: extra.force ?? false,
      issuer,
      fromFlag: extra.fromFlag ?? false,
    })

  it('warns that all data in every member is deleted before anything else, and sends on the issuer with the others', () => {
    const group = buildGroup()
    const [a, b, c] = group.members
    const p = plan(group, b, [fact(a, true), fact(b, true), fact(c, false)], {fromFlag: true})
    expect(p.warnings[0]).toBe('ALL DATA IN EVERY MEMBER OF orders IS DELETED: cache2/default (eastus), cache1/default (westus2), cache3/default (northeurope)')
    expect(p.warnings[1]).toMatch(/^there is no undo/)
    expect(p.warnings[2]).toBe('cache3/default (northeurope) does not answer the probe from here (refused: connect ECONNREFUSED): it may be down')
    expect(p).toMatchObject({action: 'flush', target: null, targetQuery: 'every member', issuedOn: {id: b.id}, ids: [a.id, c.id], nothingToDo: null})
    expect(p.survivors.map((s) => s.id)).toEqual([a.id, c.id])
    expect(p.steps[0]).toBe('send POST flush (api-version 2025-07-01) on cache2/default (eastus) with ids [cache1/default, cache3/default]')
    expect(p.command).toBe('geo-redis flush --group orders --from cache2')
  })

  it('with --force on a group that is not fully linked, names who keeps their data', () => {
    const base = buildGroup()
    const [a, b, c] = base.members
    const group = {...base, status: 'degraded' as const, problems: ['x'], members: [{...a, links: [a, b].map((m) => ({id: m.id, state: 'Linked'}))}, b, c]}
    const p = plan(group, group.members[0], null, {force: true})
    expect(p.ids).toEqual([b.id])
    expect(p.warnings[0]).toBe('ALL DATA IN EVERY MEMBER OF orders IS DELETED: cache1/default (westus2), cache2/default (eastus)')
    expect(p.warnings).toContain('NOT flushed, they keep their data: cache3/default (northeurope)')
    expect(p.warnings.some((w) => w.startsWith('FORCED (group-fully-linked)'))).toBe(true)
    expect(p.command).toBe('geo-redis flush --group orders --force --skip-probe')
  })
})

describe('verification', () => {
  it('force-unlink: every survivor readable and no longer listing the target', () => {
    const group = buildGroup()
    const plan = unlinkPlan(group, group.members[2], group.members.map((m, i) => fact(m, i !== 2)))
    expect(verifyForceUnlink(plan, afterUnlink(group).members)).toMatchObject({ok: true})
    expect(verifyForceUnlink(plan, group.members)).toEqual({ok: false, detail: 'cache1/default still lists cache3/default; cache2/default still lists cache3/default'})
    expect(verifyForceUnlink(plan, afterUnlink(group).members.slice(1)).detail).toContain('cache1/default could not be read')
  })

  it('force-link: the joining database and every survivor list each other; Linking is reported, LinkFailed fails', () => {
    const group = afterUnlink(buildGroup())
    const [a, b, c] = group.members
    const plan = {...forceLinkPlan({group, targetQuery: 'cache3', guards: {guards: [], refusal: null}, probes: null, skipReason: null, skipProbe: true, connection: [], dryRun: false, force: false, joining: c, inGroup: true, survivors: [a, b]})}
    const linked = buildGroup().members
    expect(verifyForceLink(plan, linked)).toMatchObject({ok: true})
    expect(verifyForceLink(plan, group.members)).toMatchObject({ok: false, detail: 'cache1 does not list cache3; cache2 does not list cache3'})
    const linking = linked.map((m) => ({...m, links: m.links.map((l) => ({...l, state: 'Linking'}))}))
    expect(verifyForceLink(plan, linking).detail).toContain('(still Linking)')
    const failed = linked.map((m) => ({...m, links: m.links.map((l) => ({...l, state: 'LinkFailed'}))}))
    expect(verifyForceLink(plan, failed).ok).toBe(false)
    expect(verifyForceLink(plan, [a, b])).toEqual({ok: false, detail: 'cache3/default could not be read'})
  })
})

describe('flush verification', () => {
  it('every member still readable and Succeeded/Running; key counts are said not to be checked', () => {
    const group = buildGroup()
    const [a, b] = group.members
    const p = flushPlan({group, targetQuery: '', guards: {guards: [], refusal: null}, probes: null, skipReason: null, skipProbe: true, connection: [], dryRun: false, force: false, issuer: a, fromFlag: false})
    expect(verifyFlush(p, group.members)).toEqual({ok: true, detail: 'cache1/default, cache2/default, cache3/default still Succeeded/Running; key counts were not checked (no data-plane verification)'})
    expect(verifyFlush(p, [a, {...b, resourceState: 'Updating'}])).toEqual({
      ok: false,
      detail: 'cache2/default is cluster Succeeded/Running, database Succeeded/Updating; cache3/default could not be read',
    })
    // the cluster's state counts: a cluster mid-scale is not Succeeded/Running although its database is
    expect(verifyFlush(p, [a, {...b, clusterProvisioningState: 'Updating', clusterResourceState: 'Scaling'}, group.members[2]]).detail).toBe(
      'cache2/default is cluster Updating/Scaling, database Succeeded/Running',
    )
  })
})
