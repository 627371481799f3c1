import {describe, expect, it} from 'vitest'
import {assembleInventory} from '../../src/domain/group.js'
import {normaliseLocation, sameId} from '../../src/domain/ids.js'
import type {ClusterView, DatabaseView, Link} from '../../src/domain/model.js'
import {selectGroup, selectMember} from '../../src/domain/select.js'
import {UsageError} from '../../src/domain/errors.js'

const dbId = (sub: string, rg: string, cluster: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Cache/redisEnterprise/${cluster}/databases/default`

function cluster(sub: string, rg: string, name: string, location: string): ClusterView {
  return {
    id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Cache/redisEnterprise/${name}`,
    name,
    subscriptionId: sub,
    resourceGroup: rg,
    location: normaliseLocation(location),
    sku: {name: 'Balanced_B5', capacity: null},
    hostName: `${name}.example`,
    provisioningState: 'Succeeded',
    resourceState: 'Running',
    redisVersion: '7.4',
    minimumTlsVersion: '1.2',
    highAvailability: 'Enabled',
  }
}

function database(c: ClusterView, nickname: string | null, links: Link[]): DatabaseView {
  return {
    id: `${c.id}/databases/default`,
    clusterId: c.id,
    name: 'default',
    clientProtocol: 'Encrypted',
    port: 10000,
    clusteringPolicy: 'EnterpriseCluster',
    evictionPolicy: 'NoEviction',
    persistence: {aofEnabled: false, rdbEnabled: false},
    modules: [],
    groupNickname: nickname,
    links,
    accessKeysAuthentication: 'Enabled',
    provisioningState: 'Succeeded',
    resourceState: 'Running',
    redisVersion: null,
  }
}

const S1 = '11111111-1111-1111-1111-111111111111'
const S2 = '22222222-2222-2222-2222-222222222222'

function threeMembers(stateOf: (viewer: number, seen: number) => string = () => 'Linked') {
  const clusters = [cluster(S1, 'rg1', 'c1', 'West US 2'), cluster(S1, 'rg1', 'c2', 'eastus'), cluster(S2, 'rg2', 'c3', 'North Europe')]
  const ids = clusters.map((c) => `${c.id}/databases/default`)
  const dbs = clusters.map((c, i) =>
    // other members' ids come back upper-cased, as ARM sometimes does
    database(c, 'geo', ids.map((id, j) => ({id: j === i ? id : id.toUpperCase(), state: stateOf(i, j)}))),
  )
  return {clusters, dbs, ids}
}

/** the three-member group plus an unrelated two-member group in resource group "other" */
function withSecondGroup(nickname: string) {
  const a = threeMembers()
  const c4 = cluster(S2, 'other', 'c4', 'westeurope')
  const c5 = cluster(S2, 'other', 'c5', 'eastasia')
  const ids = [`${c4.id}/databases/default`, `${c5.id}/databases/default`]
  const b = [c4, c5].map((c) => database(c, nickname, ids.map((id) => ({id, state: 'Linked'}))))
  return assemble([...a.clusters, c4, c5], [...a.dbs, ...b])
}

const assemble = (clusters: ClusterView[], databases: DatabaseView[]) =>
  assembleInventory({generatedAt: '2026-11-21T00:00:00.000Z', subscriptions: [S1, S2], clusters, databases, errors: []})

describe('ids', () => {
  it('compares resource ids case-insensitively and normalises locations once', () => {
    expect(sameId(dbId(S1, 'RG1', 'C1'), dbId(S1, 'rg1', 'c1'))).toBe(true)
    expect(normaliseLocation('West US 2')).toBe('westus2')
    expect(normaliseLocation('westus2')).toBe('westus2')
  })
})

describe('group assembly', () => {
  it('joins case-varied linked ids into one healthy group', () => {
    const {clusters, dbs} = threeMembers()
    const inv = assemble(clusters, dbs)
    expect(inv.groups).toHaveLength(1)
    expect(inv.groups[0]).toMatchObject({nickname: 'geo', status: 'healthy', unresolved: [], problems: []})
    expect(inv.groups[0].members.map((m) => m.location)).toEqual(['westus2', 'eastus', 'northeurope'])
  })

  it('keeps two unrelated groups with the same nickname apart', () => {
    const inv = withSecondGroup('geo')
    expect(inv.groups).toHaveLength(2)
    expect(inv.groups.map((g) => g.members.length).sort()).toEqual([2, 3])
    expect(() => selectGroup(inv, {nickname: 'geo'})).toThrow(/2 groups are named "geo"/)
    expect(selectGroup(inv, {nickname: 'geo', resourceGroup: 'other'}).members).toHaveLength(2)
    expect(selectGroup(inv, {nickname: 'geo', member: 'northeurope'}).members).toHaveLength(3)
  })

  it('is degraded when a view shows LinkFailed', () => {
    const {clusters, dbs} = threeMembers((viewer, seen) => (viewer === 0 && seen === 2 ? 'LinkFailed' : 'Linked'))
    const g = assemble(clusters, dbs).groups[0]
    expect(g.status).toBe('degraded')
    expect(g.problems.join('\n')).toMatch(/c1\/default \(westus2\) sees c3\/default as LinkFailed/)
  })

  it('is degraded when views disagree about who is in the group', () => {
    const {clusters, dbs, ids} = threeMembers()
    // c1 no longer lists c3 (as after a force-unlink issued on c1 that c3 never heard of)
    dbs[0].links = dbs[0].links.filter((l) => !sameId(l.id, ids[2]))
    const g = assemble(clusters, dbs).groups[0]
    expect(g.status).toBe('degraded')
    expect(g.members).toHaveLength(3)
    expect(g.problems.join('\n')).toMatch(/views disagree: c1\/default \(westus2\) does not list c3\/default/)
  })

  it('is incomplete when a linked database cannot be read and nothing else is wrong', () => {
    const {clusters, dbs, ids} = threeMembers()
    const inv = assemble(clusters.slice(0, 2), dbs.slice(0, 2))
    const g = inv.groups[0]
    expect(g.status).toBe('incomplete')
    expect(g.unresolved).toHaveLength(1)
    expect(sameId(g.unresolved[0], ids[2])).toBe(true)
  })

  it('lists databases without geo-replication as standalone', () => {
    const c = cluster(S1, 'rg1', 'solo', 'westus')
    const inv = assemble([c], [database(c, null, [])])
    expect(inv.groups).toHaveLength(0)
    expect(inv.standalone.map((m) => m.cluster)).toEqual(['solo'])
  })

  it('selects members by cluster, location or id and refuses strangers', () => {
    const {clusters, dbs, ids} = threeMembers()
    const g = assemble(clusters, dbs).groups[0]
    expect(selectMember(g, 'c2').cluster).toBe('c2')
    expect(selectMember(g, 'West US 2').cluster).toBe('c1')
    expect(selectMember(g, ids[2].toUpperCase()).cluster).toBe('c3')
    expect(() => selectMember(g, 'nowhere')).toThrow(UsageError)
  })
})

describe('unreadable members', () => {
  it('keeps a placeholder with the cluster list\'s facts and the read error, so it can still be named', () => {
    const {clusters, dbs, ids} = threeMembers()
    const inv = assembleInventory({
      generatedAt: '2026-11-21T00:00:00.000Z',
      subscriptions: [S1, S2],
      clusters,
      databases: dbs.slice(0, 2),
      errors: [{scope: clusters[2].id, code: 'ServiceUnavailable', message: 'the region is not answering'}],
    })
    const [placeholder] = inv.groups[0].unreadable!
    expect(sameId(placeholder.id, ids[2])).toBe(true)
    expect(placeholder).toMatchObject({cluster: 'c3', location: 'northeurope', readError: {code: 'ServiceUnavailable'}})
  })
})

describe('picking a group without a nickname', () => {
  it('narrows by --member or --resource-group, and asks when still ambiguous', async () => {
    const {pickGroup} = await import('../../src/services/groups.js')
    const inv = withSecondGroup('dr')
    expect(pickGroup(inv, {member: 'eastasia'}).nickname).toBe('dr')
    expect(pickGroup(inv, {resourceGroup: 'rg1'}).nickname).toBe('geo')
    expect(() => pickGroup(inv, {})).toThrow(/2 groups are visible/)
  })
})
