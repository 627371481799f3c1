// Azure Managed Redis SKUs: memory per size and which tiers may be geo-replicated.
// Sizes are what ARM's listSkusForScaling returns (sizeInGB) for the in-memory tiers: a Balanced cluster is offered all
// 37 Balanced, MemoryOptimized and ComputeOptimized SKUs (test/fixtures/list-skus-for-scaling-balanced.json holds that
// answer and a unit test holds this table to it). The *_150, *_250 and *_350 sizes are 175, 235 and 350 GB there,
// not the 180/240/360 of the documentation's tier rows. Flash sizes follow the documented rows. The emulator answers
// listSkusForScaling from ARM's catalogue (src/sandbox/emulator/skus.ts), not from this table, so the test compares
// two sources, both held to ARM's answer.

export type SkuFamily =
  | 'Balanced'
  | 'MemoryOptimized'
  | 'ComputeOptimized'
  | 'FlashOptimized'
  | 'Enterprise'
  | 'EnterpriseFlash'
  | 'unknown'

const FAMILIES: SkuFamily[] = ['Balanced', 'MemoryOptimized', 'ComputeOptimized', 'FlashOptimized', 'Enterprise', 'EnterpriseFlash']

/** The Azure Managed Redis families with a size per SKU; the in-memory ones scale into each other, Flash only within. */
export type SizedFamily = 'Balanced' | 'MemoryOptimized' | 'ComputeOptimized' | 'FlashOptimized'

export const IN_MEMORY_FAMILIES: readonly SizedFamily[] = ['Balanced', 'MemoryOptimized', 'ComputeOptimized']

/** Every sized SKU per family, smallest first, in GB as ARM reports them. */
export const SKU_SIZES_GB: Readonly<Record<SizedFamily, readonly (readonly [name: string, gb: number])[]>> = {
  Balanced: [
    ['Balanced_B0', 0.5], ['Balanced_B1', 1], ['Balanced_B3', 3], ['Balanced_B5', 6], ['Balanced_B10', 12],
    ['Balanced_B20', 24], ['Balanced_B50', 60], ['Balanced_B100', 120], ['Balanced_B150', 175], ['Balanced_B250', 235],
    ['Balanced_B350', 350], ['Balanced_B500', 480], ['Balanced_B700', 720], ['Balanced_B1000', 960],
  ],
  MemoryOptimized: [
    ['MemoryOptimized_M10', 12], ['MemoryOptimized_M20', 24], ['MemoryOptimized_M50', 60], ['MemoryOptimized_M100', 120],
    ['MemoryOptimized_M150', 175], ['MemoryOptimized_M250', 235], ['MemoryOptimized_M350', 350], ['MemoryOptimized_M500', 480],
    ['MemoryOptimized_M700', 720], ['MemoryOptimized_M1000', 960], ['MemoryOptimized_M1500', 1440], ['MemoryOptimized_M2000', 1920],
  ],
  ComputeOptimized: [
    ['ComputeOptimized_X3', 3], ['ComputeOptimized_X5', 6], ['ComputeOptimized_X10', 12], ['ComputeOptimized_X20', 24],
    ['ComputeOptimized_X50', 60], ['ComputeOptimized_X100', 120], ['ComputeOptimized_X150', 175], ['ComputeOptimized_X250', 235],
    ['ComputeOptimized_X350', 350], ['ComputeOptimized_X500', 480], ['ComputeOptimized_X700', 720],
  ],
  // the architecture table lists 240 for the smallest Flash size; the overview says 250
  FlashOptimized: [
    ['FlashOptimized_A250', 240], ['FlashOptimized_A500', 480], ['FlashOptimized_A700', 720], ['FlashOptimized_A1000', 960],
    ['FlashOptimized_A1500', 1440], ['FlashOptimized_A2000', 1920], ['FlashOptimized_A4500', 4500],
  ],
}

const MEMORY_GB: Record<string, number> = Object.fromEntries(Object.values(SKU_SIZES_GB).flat())

// SkuName is modelAsString: match case-insensitively.
const MEMORY_BY_KEY = new Map(Object.entries(MEMORY_GB).map(([name, gb]) => [name.toLowerCase(), gb]))

/**
 * Memory size in GB, or null when unknown. Enterprise (E*) and Enterprise Flash (F*) sizes depend on
 * `capacity` and are not documented in the sources we use, so they stay null rather than guessed;
 * callers pass the capacity anyway so the signature holds once they are.
 */
export function skuMemoryGB(name: string, _capacity?: number | null): number | null {
  return MEMORY_BY_KEY.get(name.trim().toLowerCase()) ?? null
}

/**
 * A member's nominal size: what ARM's listSkusForScaling says of its own SKU when that answered (`offered`), else
 * the built-in table. Null when neither knows it (Enterprise SKUs).
 */
export function nominalSizeGB(sku: {name: string; capacity?: number | null}, offered?: readonly {name: string; sizeInGB: number}[] | null): number | null {
  const own = offered?.find((o) => o.name.toLowerCase() === sku.name.trim().toLowerCase())
  return own && Number.isFinite(own.sizeInGB) ? own.sizeInGB : skuMemoryGB(sku.name, sku.capacity)
}

export function skuFamily(name: string): SkuFamily {
  const prefix = name.trim().split('_')[0].toLowerCase()
  return FAMILIES.find((f) => f.toLowerCase() === prefix) ?? 'unknown'
}

export interface Eligibility {
  eligible: boolean
  /** why not, or a condition that comes with an eligible SKU */
  reason?: string
}

/** Active geo-replication availability per tier (how-to-active-geo-replication, AMR and Enterprise-tier docs). */
export function isGeoReplicationEligible(name: string): Eligibility {
  const sku = name.trim().toLowerCase()
  switch (skuFamily(name)) {
    case 'Balanced':
      return sku === 'balanced_b0' || sku === 'balanced_b1'
        ? {eligible: false, reason: 'Balanced B0 and B1 do not support active geo-replication'}
        : {eligible: true}
    case 'FlashOptimized':
      return {eligible: false, reason: 'Flash Optimized does not support active geo-replication'}
    case 'Enterprise':
      return sku === 'enterprise_e1' ? {eligible: false, reason: 'Enterprise E1 does not support active geo-replication'} : {eligible: true}
    case 'EnterpriseFlash':
      // the English Enterprise-tier doc allows it; one localized version says Flash is not supported
      return {eligible: true, reason: 'Enterprise Flash geo-replication requires the NoEviction eviction policy'}
    case 'MemoryOptimized':
    case 'ComputeOptimized':
      return {eligible: true}
    case 'unknown':
      return {eligible: true, reason: `unknown SKU ${name}: geo-replication eligibility not checked`}
  }
}
