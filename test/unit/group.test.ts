import {describe, expect, it} from 'vitest'
import {assembleInventory} from '../../src/domain/group.js'
import {normaliseLocation, sameId} from '../../src/domain/ids.js'
import type {ClusterView, DatabaseView, Link} from '../../src/domain/model.js'
import {memberOf, oneGroup} from '../../src/domain/resolve.js'
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
    // the one member order: by location, then id
    expect(inv.groups[0].members.map((m) => m.location)).toEqual(['eastus', 'northeurope', 'westus2'])
  })

  it('keeps two unrelated groups with the same nickname apart', () => {
    const inv = withSecondGroup('geo')
    expect(inv.groups).toHaveLength(2)
    expect(inv.groups.map((g) => g.members.length).sort()).toEqual([2, 3])
    expect(() => oneGroup(inv, {group: 'geo'})).toThrow(/2 groups are named "geo"/)
    expect(oneGroup(inv, {group: 'geo', resourceGroup: 'other'}).members).toHaveLength(2)
    expect(oneGroup(inv, {group: 'geo', member: 'northeurope'}).members).toHaveLength(3)
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
    expect(memberOf(g, 'c2').cluster).toBe('c2')
    expect(memberOf(g, 'West US 2').cluster).toBe('c1')
    expect(memberOf(g, ids[2].toUpperCase()).cluster).toBe('c3')
    expect(() => memberOf(g, 'nowhere')).toThrow(UsageError)
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
      errors: [{scope: clusters[2].id, code: 'ServiceUnavailable', message: 'the region is not answering', cause: 'region-not-answering'}],
    })
    const [placeholder] = inv.groups[0].unreadable
    expect(sameId(placeholder.id, ids[2])).toBe(true)
    expect(placeholder).toMatchObject({
      cluster: 'c3',
      location: 'northeurope',
      clusterProvisioningState: 'Succeeded',
      clusterResourceState: 'Running',
      readError: {cause: 'region-not-answering', code: 'ServiceUnavailable'},
    })
  })
})

describe('picking a group without a nickname', () => {
  it('narrows by --member or --resource-group, and asks when still ambiguous', () => {
    const inv = withSecondGroup('dr')
    expect(oneGroup(inv, {member: 'eastasia'}).nickname).toBe('dr')
    expect(oneGroup(inv, {resourceGroup: 'rg1'}).nickname).toBe('geo')
    expect(() => oneGroup(inv, {})).toThrow(/2 groups are visible/)
  })
})

describe('membership from evidence', () => {
  it('a database whose own view lists only itself while a peer lists it is a readable member, and the group is degraded', () => {
    const {clusters, dbs, ids} = threeMembers((viewer, seen) => (viewer === seen ? 'Linked' : 'Linking'))
    // c2 is being linked: its own view still lists only itself
    dbs[1].links = [{id: ids[1], state: 'Linking'}]
    const inv = assemble(clusters, dbs)
    expect(inv.standalone).toEqual([])
    expect(inv.groups).toHaveLength(1)
    const [g] = inv.groups
    expect(g.members.map((m) => m.cluster).sort()).toEqual(['c1', 'c2', 'c3'])
    expect(g.unresolved).toEqual([])
    expect(g.status).toBe('degraded')
    expect(g.problems.join('\n')).toMatch(/views disagree: c2\/default \(eastus\) does not list c3\/default, c1\/default/)
  })

  it('a survivor that lists only itself is a group of one with its nickname, never standalone', () => {
    const c = cluster(S1, 'rg1', 'survivor', 'westus')
    const id = `${c.id}/databases/default`
    const inv = assemble([c], [database(c, 'geo', [{id, state: 'Linked'}])])
    expect(inv.standalone).toEqual([])
    expect(inv.groups).toHaveLength(1)
    expect(inv.groups[0]).toMatchObject({nickname: 'geo', status: 'healthy', key: id.toLowerCase(), unresolved: [], unreadable: []})
    expect(oneGroup(inv, {group: 'geo'}).members.map((m) => m.cluster)).toEqual(['survivor'])
  })

  it('a database without geoReplication that a readable member lists is a member; one nobody lists is standalone', () => {
    const {clusters, dbs} = threeMembers()
    dbs[2] = {...dbs[2], groupNickname: null, links: []}
    const solo = cluster(S1, 'rg1', 'solo', 'westus')
    const inv = assemble([...clusters, solo], [...dbs, database(solo, null, [])])
    expect(inv.groups[0].members.map((m) => m.cluster).sort()).toEqual(['c1', 'c2', 'c3'])
    expect(inv.groups[0].status).toBe('degraded')
    expect(inv.standalone.map((m) => m.cluster)).toEqual(['solo'])
  })

  it('carries the cluster state beside the database state', () => {
    const {clusters, dbs} = threeMembers()
    clusters[1] = {...clusters[1], provisioningState: 'Updating', resourceState: 'Scaling'}
    const c2 = assemble(clusters, dbs).groups[0].members.find((m) => m.cluster === 'c2')!
    expect(c2).toMatchObject({provisioningState: 'Succeeded', resourceState: 'Running', clusterProvisioningState: 'Updating', clusterResourceState: 'Scaling'})
  })
})

describe('a stable identity', () => {
  it('keeps the same key whichever members are readable: the lowest id among every known member', () => {
    const {clusters, dbs, ids} = threeMembers()
    const whole = assemble(clusters, dbs).groups[0]
    expect(whole.key).toBe(ids.map((id) => id.toLowerCase()).sort()[0])
    for (const down of [0, 1, 2]) {
      const partial = assemble(clusters.filter((_, i) => i !== down), dbs.filter((_, i) => i !== down)).groups[0]
      expect(partial.unresolved).toHaveLength(1)
      expect(partial.key).toBe(whole.key)
    }
  })
})
