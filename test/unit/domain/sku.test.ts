import {describe, expect, it} from 'vitest'
import {isGeoReplicationEligible, skuFamily, skuMemoryGB} from '../../../src/domain/sku.js'

describe('skuMemoryGB', () => {
  it.each([
    ['Balanced_B0', 0.5],
    ['Balanced_B5', 6],
    ['MemoryOptimized_M100', 120],
    ['ComputeOptimized_X20', 24],
    ['ComputeOptimized_X700', 720],
    ['Balanced_B1000', 960],
    ['MemoryOptimized_M2000', 1920],
    ['FlashOptimized_A250', 240],
    ['FlashOptimized_A4500', 4500],
  ])('%s is %d GB', (name, gb) => {
    expect(skuMemoryGB(name)).toBe(gb)
  })

  it('matches names case-insensitively', () => {
    expect(skuMemoryGB('memoryoptimized_m10')).toBe(12)
  })

  it('does not guess Enterprise sizes, which depend on undocumented capacity sizes', () => {
    expect(skuMemoryGB('Enterprise_E10', 2)).toBeNull()
    expect(skuMemoryGB('EnterpriseFlash_F300', 3)).toBeNull()
    expect(skuMemoryGB('Premium_P1')).toBeNull()
  })
})

describe('skuFamily', () => {
  it.each([
    ['Balanced_B3', 'Balanced'],
    ['MemoryOptimized_M10', 'MemoryOptimized'],
    ['ComputeOptimized_X3', 'ComputeOptimized'],
    ['FlashOptimized_A500', 'FlashOptimized'],
    ['Enterprise_E5', 'Enterprise'],
    ['enterpriseflash_f700', 'EnterpriseFlash'],
    ['Standard_C1', 'unknown'],
  ])('%s is %s', (name, family) => {
    expect(skuFamily(name)).toBe(family)
  })
})

describe('isGeoReplicationEligible', () => {
  it.each(['Balanced_B0', 'Balanced_B1', 'FlashOptimized_A250', 'Enterprise_E1'])('%s is not eligible', (name) => {
    const result = isGeoReplicationEligible(name)
    expect(result.eligible).toBe(false)
    expect(result.reason).toMatch(/not support active geo-replication/)
  })

  it.each(['Balanced_B3', 'MemoryOptimized_M10', 'ComputeOptimized_X3', 'Enterprise_E10'])('%s is eligible', (name) => {
    expect(isGeoReplicationEligible(name)).toEqual({eligible: true})
  })

  it('allows Enterprise Flash with the NoEviction condition', () => {
    expect(isGeoReplicationEligible('EnterpriseFlash_F300')).toEqual({eligible: true, reason: expect.stringMatching(/NoEviction/)})
  })

  it('does not reject what it does not know', () => {
    expect(isGeoReplicationEligible('Premium_P1')).toMatchObject({eligible: true, reason: expect.stringMatching(/not checked/)})
  })
})
