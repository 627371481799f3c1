import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {IN_MEMORY_FAMILIES, isGeoReplicationEligible, nominalSizeGB, SKU_SIZES_GB, skuFamily, skuMemoryGB} from '../../../src/domain/sku.js'
import {skusForScaling} from '../../../src/sandbox/emulator/world.js'

/** ARM's listSkusForScaling answer for a Balanced cluster (api-version 2025-07-01), in ARM's exact shape. */
const ARM_BALANCED = JSON.parse(readFileSync(new URL('../../fixtures/list-skus-for-scaling-balanced.json', import.meta.url), 'utf8')) as {
  skus: {name: string; sizeInGB: number}[]
}

describe("the SKU table against ARM's listSkusForScaling", () => {
  it('lists the 37 in-memory SKUs: every Balanced, MemoryOptimized and ComputeOptimized size', () => {
    expect(ARM_BALANCED.skus).toHaveLength(37)
    expect(ARM_BALANCED.skus.filter((s) => skuFamily(s.name) === 'Balanced')).toHaveLength(14)
    expect(ARM_BALANCED.skus.filter((s) => skuFamily(s.name) === 'MemoryOptimized')).toHaveLength(12)
    expect(ARM_BALANCED.skus.filter((s) => skuFamily(s.name) === 'ComputeOptimized')).toHaveLength(11)
  })

  it.each(ARM_BALANCED.skus.map((s) => [s.name, s.sizeInGB] as const))('%s is %d GB in the built-in table, as ARM says', (name, gb) => {
    expect(skuMemoryGB(name)).toBe(gb)
  })

  it('holds no in-memory SKU that ARM does not list', () => {
    const listed = new Set(ARM_BALANCED.skus.map((s) => s.name))
    expect(IN_MEMORY_FAMILIES.flatMap((f) => SKU_SIZES_GB[f].map(([name]) => name)).filter((n) => !listed.has(n))).toEqual([])
  })

  it('is what the emulator answers for a Balanced cluster', () => {
    expect(skusForScaling('Balanced_B5')).toEqual(ARM_BALANCED.skus)
    expect(skusForScaling('MemoryOptimized_M10')).toEqual(ARM_BALANCED.skus)
    expect(skusForScaling('FlashOptimized_A500').every((s) => skuFamily(s.name) === 'FlashOptimized')).toBe(true)
    expect(skusForScaling('Enterprise_E10')).toEqual([])
  })
})

describe('nominalSizeGB', () => {
  it("takes ARM's figure for the member's own SKU when it answered, else the table", () => {
    expect(nominalSizeGB({name: 'Balanced_B150'}, [{name: 'balanced_b150', sizeInGB: 177}])).toBe(177)
    expect(nominalSizeGB({name: 'Balanced_B150'}, [{name: 'Balanced_B250', sizeInGB: 235}])).toBe(175)
    expect(nominalSizeGB({name: 'Balanced_B150'}, null)).toBe(175)
    expect(nominalSizeGB({name: 'Enterprise_E10', capacity: 2})).toBeNull()
  })
})

describe('skuMemoryGB', () => {
  it.each([
    ['Balanced_B0', 0.5],
    ['Balanced_B5', 6],
    ['MemoryOptimized_M100', 120],
    ['Balanced_B150', 175],
    ['MemoryOptimized_M250', 235],
    ['ComputeOptimized_X350', 350],
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
