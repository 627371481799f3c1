// What ARM's listSkusForScaling offers, per Azure Managed Redis family, smallest first, with ARM's sizeInGB. The
// emulator is another Azure: it answers from ARM's catalogue, not from geo-redis's own SKU table (src/domain/sku.ts),
// so a unit test can hold that table to what ARM answers (test/fixtures/list-skus-for-scaling-balanced.json).

type Catalogue = Readonly<Record<string, readonly (readonly [name: string, sizeInGB: number])[]>>

/** The in-memory families scale into each other; Flash only within itself; Enterprise SKUs are offered nothing. */
export const SCALING_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  Balanced: ['Balanced', 'MemoryOptimized', 'ComputeOptimized'],
  MemoryOptimized: ['Balanced', 'MemoryOptimized', 'ComputeOptimized'],
  ComputeOptimized: ['Balanced', 'MemoryOptimized', 'ComputeOptimized'],
  FlashOptimized: ['FlashOptimized'],
}

export const ARM_SKUS: Catalogue = {
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
  FlashOptimized: [
    ['FlashOptimized_A250', 240], ['FlashOptimized_A500', 480], ['FlashOptimized_A700', 720], ['FlashOptimized_A1000', 960],
    ['FlashOptimized_A1500', 1440], ['FlashOptimized_A2000', 1920], ['FlashOptimized_A4500', 4500],
  ],
}
