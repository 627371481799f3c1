import {describe, expect, it} from 'vitest'
import {skuMismatch} from '../../../src/domain/rules/sku-mismatch.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('sku-mismatch', () => {
  it('finds nothing when SKUs match', () => {
    expect(skuMismatch.evaluate(context(buildGroup()))).toEqual([])
  })

  it('points at the smaller members, since geo-replicated caches scale up only', () => {
    const group = buildGroup({members: [{sku: {name: 'Balanced_B20', capacity: null}}, {}, {}]})
    const [finding] = skuMismatch.evaluate(context(group))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache2'), idOf('cache3')]})
    expect(finding.message).toBe(
      'members differ in SKU: Balanced_B20 on cache1/default (westus2); Balanced_B10 on cache2/default (eastus), cache3/default (northeurope)',
    )
    expect(finding.remediation).toContain('az redisenterprise update --cluster-name cache2 --resource-group rg-geo --sku Balanced_B20')
    expect(finding.remediation).toMatch(/never down/)
  })

  it('compares capacity, and falls back to the majority when sizes are unknown', () => {
    const e10 = (capacity: number) => ({sku: {name: 'Enterprise_E10', capacity}})
    const [finding] = skuMismatch.evaluate(context(buildGroup({members: [e10(2), e10(4), e10(2)]})))
    expect(finding.members).toEqual([idOf('cache2')])
    expect(finding.message).toContain('Enterprise_E10 (capacity 4) on cache2/default (eastus)')
    expect(finding.remediation).toContain('--sku Enterprise_E10 --capacity 2')
  })

  it('names every member when no size stands out', () => {
    const group = buildGroup({members: [{sku: {name: 'MemoryOptimized_M10', capacity: null}}, {sku: {name: 'ComputeOptimized_X10', capacity: null}}, {}]})
    const [finding] = skuMismatch.evaluate(context(group))
    expect(finding.members).toHaveLength(3)
    expect(finding.remediation).toMatch(/^pick one SKU/)
  })
})
