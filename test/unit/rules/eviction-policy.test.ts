import {describe, expect, it} from 'vitest'
import {evictionPolicy} from '../../../src/domain/rules/eviction-policy.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const search = [{name: 'RediSearch', args: '', version: null}]

describe('eviction-policy', () => {
  it('finds nothing when policies match', () => {
    expect(evictionPolicy.evaluate(context(buildGroup({members: [1, 2, 3].map(() => ({evictionPolicy: 'AllKeysLRU'}))})))).toEqual([])
  })

  it('errors when policies differ and says it can be updated in place', () => {
    const [finding] = evictionPolicy.evaluate(context(buildGroup({members: [{}, {}, {evictionPolicy: 'AllKeysLRU'}]})))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache3')]})
    expect(finding.message).toBe(
      'members differ in eviction policy: NoEviction on cache1/default (westus2), cache2/default (eastus); AllKeysLRU on cache3/default (northeurope)',
    )
    expect(finding.remediation).toContain(
      'az redisenterprise database update --cluster-name cache3 --database-name default --resource-group rg-geo --eviction-policy NoEviction',
    )
  })

  it('requires NoEviction with RediSearch even when every member agrees', () => {
    const group = buildGroup({members: [1, 2, 3].map(() => ({evictionPolicy: 'VolatileLRU', modules: search}))})
    const findings = evictionPolicy.evaluate(context(group))
    expect(findings).toHaveLength(1)
    expect(findings[0].members).toHaveLength(3)
    expect(findings[0].message).toMatch(/^geo-replicated RediSearch requires NoEviction, but cache1\/default \(westus2\) uses VolatileLRU/)
  })

  it('requires NoEviction on Enterprise Flash', () => {
    const flash = {sku: {name: 'EnterpriseFlash_F300', capacity: 3}, evictionPolicy: 'AllKeysLFU'}
    const [finding] = evictionPolicy.evaluate(context(buildGroup({members: [flash, flash, flash]})))
    expect(finding.message).toMatch(/^geo-replicated Enterprise Flash requires NoEviction/)
  })

  it('aligns a drifting group on NoEviction when RediSearch is loaded, even against the majority', () => {
    const lru = {evictionPolicy: 'AllKeysLRU'}
    const [finding] = evictionPolicy.evaluate(context(buildGroup({members: [{modules: search}, lru, lru]})))
    expect(finding.message).toMatch(/^members differ in eviction policy/)
    expect(finding.members).toEqual([idOf('cache2'), idOf('cache3')])
    expect(finding.remediation).toMatch(/set the eviction policy to NoEviction/)
  })

  it('does not repeat a drift the NoEviction requirement already covers', () => {
    const findings = evictionPolicy.evaluate(context(buildGroup({members: [{modules: search}, {modules: search, evictionPolicy: 'AllKeysLRU'}, {modules: search}]})))
    expect(findings.map((f) => f.message)).toEqual(['geo-replicated RediSearch requires NoEviction, but cache2/default (eastus) uses AllKeysLRU'])
  })
})
