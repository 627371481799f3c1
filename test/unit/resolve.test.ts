// The one resolver: the same rules for --group, --resource-group and --member in every command, the same errors.
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/domain/errors.js'
import {placeholderMember} from '../../src/domain/group.js'
import type {GeoGroup, Inventory, Member} from '../../src/domain/model.js'
import {findMember, matchGroups, memberOf, oneGroup, rejoinTarget, subjectGroup} from '../../src/domain/resolve.js'
import {buildGroup, idOf, member} from '../helpers/group-builder.js'

const inventory = (groups: GeoGroup[], standalone: Member[] = []): Inventory => ({generatedAt: '', subscriptions: [], groups, standalone, errors: []})

/** "orders" in rg-geo (cache1..3), and a second "orders" in rg-dr (cache4, cache5) */
function twoOrders() {
  const geo = buildGroup()
  const dr = buildGroup({members: [member(4, {resourceGroup: 'rg-dr'}), member(5, {resourceGroup: 'rg-dr'}), member(6, {resourceGroup: 'rg-dr'})]})
  return inventory([geo, dr])
}

describe('matching groups', () => {
  it('every group with no selection; by nickname, resource group and member otherwise, case-insensitively', () => {
    const inv = twoOrders()
    expect(matchGroups(inv, {})).toHaveLength(2)
    expect(matchGroups(inv, {group: 'ORDERS'})).toHaveLength(2)
    expect(matchGroups(inv, {resourceGroup: 'RG-DR'}).map((g) => g.members[0].cluster)).toEqual(['cache4'])
    expect(matchGroups(inv, {group: 'orders', member: 'CACHE2'}).map((g) => g.members[0].cluster)).toEqual(['cache1'])
  })

  it('unknown is a UsageError listing the candidates', () => {
    const inv = twoOrders()
    expect(() => matchGroups(inv, {group: 'nope'})).toThrow(/no geo-replication group named "nope"/)
    try {
      matchGroups(inv, {group: 'orders', member: 'typo'})
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).message).toBe('no geo-replication group named "orders" with a member matching typo')
      expect((error as UsageError).suggestion).toMatch(/^"orders" has members cache1 \(westus2, rg-geo\), cache2 /)
    }
    expect(() => matchGroups(inv, {resourceGroup: 'rg-nope'})).toThrow(/no geo-replication group has a member in resource group rg-nope/)
  })

  it('ambiguous is a UsageError saying how to pick', () => {
    try {
      oneGroup(twoOrders(), {group: 'orders'})
      expect.unreachable()
    } catch (error) {
      expect((error as UsageError).message).toMatch(/^2 groups are named "orders":/)
      expect((error as UsageError).suggestion).toBe('pick one with --group <nickname>, --resource-group <name> or --member <cluster|location|id>')
    }
  })

  it('finds a group by a member ARM could not read, by its cluster, location or id', () => {
    const g = buildGroup({unresolved: [idOf('cache9')]})
    const unreadable = [placeholderMember(idOf('cache9'), {clusters: new Map(), errors: []})]
    const inv = inventory([{...g, unreadable}])
    expect(oneGroup(inv, {member: 'cache9'})).toBe(inv.groups[0])
    expect(oneGroup(inv, {member: idOf('cache9').toUpperCase()})).toBe(inv.groups[0])
  })
})

describe('the subject of a guarded operation', () => {
  it('narrows same-named groups by the member acted on, and leaves a stranger to the guards', () => {
    const inv = twoOrders()
    expect(subjectGroup(inv, {group: 'orders', member: 'cache5'}).members[0].cluster).toBe('cache4')
    // a member that names no group does not narrow: the group must then be told apart otherwise
    expect(() => subjectGroup(inv, {group: 'orders', member: 'typo'})).toThrow(/2 groups are named "orders"/)
    expect(subjectGroup(inv, {group: 'orders', resourceGroup: 'rg-geo', member: 'typo'}).members[0].cluster).toBe('cache1')
  })
})

describe('members', () => {
  it('one by cluster, location or id; null when absent; UsageError when ambiguous', () => {
    const group = buildGroup({members: [{}, {}, {}, member(4, {location: 'westus2'})]})
    expect(findMember(group.members, 'cache2')?.cluster).toBe('cache2')
    expect(findMember(group.members, group.members[2].id.toUpperCase())?.cluster).toBe('cache3')
    expect(findMember(group.members, 'nowhere')).toBeNull()
    expect(() => findMember(group.members, 'West US 2')).toThrow(UsageError)
    expect(() => memberOf(group, 'nowhere', '--from')).toThrow(expect.objectContaining({message: '"nowhere" is not a member of group "orders"', suggestion: expect.stringMatching(/^pass --from with one of: cache1 \(westus2\)/)}))
    // --from takes a member ARM can read: one it cannot is named for what it is
    const partial = buildGroup({unresolved: [idOf('cache9')], cause: 'region-not-answering'})
    expect(() => memberOf(partial, 'cache9', '--from', partial.members)).toThrow('cache9/default could not be read (region-not-answering): --from must name a member ARM can read')
  })
})

describe('the target of a force-link', () => {
  /** the survivor alone in "orders" after a force-unlink: it lists only itself */
  const survivor = member(1, {links: [{id: idOf('cache1'), state: 'Linked'}]})
  const alone = (m: Member): GeoGroup => ({key: m.id.toLowerCase(), nickname: 'orders', status: 'healthy', members: [m], unresolved: [], unreadable: [], problems: []})

  it('a member of the group is found and flagged as a member', () => {
    const g = buildGroup()
    expect(rejoinTarget(inventory([g]), {group: 'orders', member: 'northeurope'})).toMatchObject({group: g, joining: {cluster: 'cache3'}, inGroup: true})
  })

  it('a standalone database is found by cluster name or id, never by location, and flagged as not a member', () => {
    const unlinked = member(2, {groupNickname: null, links: []})
    const inv = inventory([alone(survivor)], [unlinked])
    expect(rejoinTarget(inv, {group: 'orders', member: 'cache2'})).toMatchObject({group: {key: survivor.id.toLowerCase()}, joining: {cluster: 'cache2'}, inGroup: false})
    expect(rejoinTarget(inv, {group: 'orders', member: unlinked.id})).toMatchObject({inGroup: false, joining: {cluster: 'cache2'}})
    expect(rejoinTarget(inv, {group: 'orders', member: 'eastus'})).toMatchObject({joining: null, inGroup: false})
  })

  it('a database alone in a group of its own with the same nickname rejoins the other group of that name', () => {
    const unlinked = member(2, {links: [{id: idOf('cache2'), state: 'Linked'}]})
    const inv = inventory([alone(survivor), alone(unlinked)])
    expect(rejoinTarget(inv, {group: 'orders', member: 'cache2'})).toMatchObject({group: {key: survivor.id.toLowerCase()}, joining: {cluster: 'cache2'}, inGroup: false})
    // alone under that name: there is nothing to rejoin
    expect(() => rejoinTarget(inventory([alone(unlinked)]), {group: 'orders', member: 'cache2'})).toThrow(/only member of group "orders"/)
  })
})
