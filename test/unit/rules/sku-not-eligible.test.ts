import {describe, expect, it} from 'vitest'
import {skuNotEligible} from '../../../src/domain/rules/sku-not-eligible.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const on = (name: string) => ({sku: {name, capacity: null}})

describe('sku-not-eligible', () => {
  it('finds nothing on eligible SKUs', () => {
    expect(skuNotEligible.evaluate(context(buildGroup({members: [on('MemoryOptimized_M10'), on('Enterprise_E10'), on('EnterpriseFlash_F300')]})))).toEqual([])
  })

  it('groups members by ineligible SKU', () => {
    const findings = skuNotEligible.evaluate(context(buildGroup({members: [on('Balanced_B1'), on('Balanced_B1'), on('FlashOptimized_A250')]})))
    expect(findings.map((f) => f.members)).toEqual([[idOf('cache1'), idOf('cache2')], [idOf('cache3')]])
    expect(findings[0].message).toBe(
      'cache1/default (westus2), cache2/default (eastus) are Balanced_B1: Balanced B0 and B1 do not support active geo-replication',
    )
    expect(findings[1].message).toMatch(/Flash Optimized does not support/)
    expect(findings[0].remediation).toMatch(/recreate them on an eligible SKU/)
  })
})
