// The capacity math and the group's scale findings, pure.
import {describe, expect, it} from 'vitest'
import {
  assertThresholds,
  BYTES_PER_GB,
  groupCapacity,
  levelOf,
  memoryUse,
  type ScaleOption,
  type SizedMember,
} from '../../src/domain/capacity.js'
import {UsageError} from '../../src/domain/errors.js'

const T = {warnPct: 70, critPct: 85}
const MB = 1024 ** 2

const BALANCED: ScaleOption[] = [
  {name: 'Balanced_B5', sizeInGB: 6},
  {name: 'Balanced_B10', sizeInGB: 12},
  {name: 'Balanced_B20', sizeInGB: 24},
  {name: 'MemoryOptimized_M20', sizeInGB: 24},
]

function member(name: string, overrides: Partial<SizedMember> = {}): SizedMember {
  return {
    name,
    clusterId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/${name}`,
    sku: 'Balanced_B5',
    skuMemoryGB: 6,
    scaleOptions: BALANCED,
    scaleError: null,
    reachable: true,
    error: null,
    ...overrides,
  }
}

describe('memoryUse', () => {
  it('measures against maxmemory when it is set, and says so', () => {
    expect(memoryUse({usedBytes: 75 * MB, maxmemoryBytes: 100 * MB, skuMemoryGB: 6}, T)).toEqual({
      usedBytes: 75 * MB,
      maxBytes: 100 * MB,
      limitSource: 'maxmemory',
      usedPct: 75,
      headroomPct: 25,
      level: 'warn',
    })
  })

  it('falls back to the SKU nominal size in GiB', () => {
    const use = memoryUse({usedBytes: 3 * BYTES_PER_GB, maxmemoryBytes: null, skuMemoryGB: 6}, T)
    expect(use).toMatchObject({maxBytes: 6 * BYTES_PER_GB, limitSource: 'sku', usedPct: 50, headroomPct: 50, level: 'ok'})
  })

  it('is unknown without a reading or without any limit (Enterprise SKUs have no documented size)', () => {
    // no reading: maxmemory may be set or not, so no limit is claimed
    expect(memoryUse({usedBytes: null, maxmemoryBytes: null, skuMemoryGB: 6}, T)).toEqual({
      usedBytes: null,
      maxBytes: null,
      limitSource: null,
      usedPct: null,
      headroomPct: null,
      level: 'unknown',
    })
    expect(memoryUse({usedBytes: MB, maxmemoryBytes: null, skuMemoryGB: null}, T)).toMatchObject({maxBytes: null, limitSource: null, level: 'unknown'})
  })

  it('rounds percentages to one decimal', () => {
    expect(memoryUse({usedBytes: 1, maxmemoryBytes: 3, skuMemoryGB: null}, T)).toMatchObject({usedPct: 33.3, headroomPct: 66.7})
  })
})

describe('levelOf', () => {
  it.each([
    [0, 'ok'],
    [69.9, 'ok'],
    [70, 'warn'],
    [84.9, 'warn'],
    [85, 'crit'],
    [100, 'crit'],
    [null, 'unknown'],
  ] as const)('%s%% used is %s', (pct, level) => {
    expect(levelOf(pct, T)).toBe(level)
  })
})

describe('assertThresholds', () => {
  it('accepts warn below crit within 1..99', () => {
    expect(() => assertThresholds({warnPct: 1, critPct: 99})).not.toThrow()
  })

  it.each([
    [{warnPct: 85, critPct: 85}, /must be below/],
    [{warnPct: 90, critPct: 80}, /must be below/],
    [{warnPct: 0, critPct: 80}, /--warn 0 is out of range/],
    [{warnPct: 70, critPct: 100}, /--crit 100 is out of range/],
  ])('rejects %o as a usage error', (t, message) => {
    expect(() => assertThresholds(t)).toThrow(UsageError)
    expect(() => assertThresholds(t)).toThrow(message)
  })
})

describe('groupCapacity', () => {
  it('equal members: options every member can reach, larger than today, with the scaling rules as guidance', () => {
    const {scaleOptions, findings} = groupCapacity([member('a'), member('b'), member('c')])
    expect(scaleOptions.map((o) => o.name)).toEqual(['Balanced_B10', 'Balanced_B20', 'MemoryOptimized_M20'])
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatch(/same SKU.*scaling down is not supported.*capped at the current size/)
  })

  it('keeps only the intersection, and names what was left out', () => {
    const {scaleOptions, findings} = groupCapacity([member('a'), member('b', {scaleOptions: BALANCED.slice(0, 3)})])
    expect(scaleOptions.map((o) => o.name)).toEqual(['Balanced_B10', 'Balanced_B20'])
    expect(findings).toContain('left out of the scale options because not every member can reach them: MemoryOptimized_M20')
  })

  it('never offers a SKU smaller than the largest member, and compares names case-insensitively', () => {
    const lower = BALANCED.map((o) => ({...o, name: o.name.toLowerCase()}))
    const {scaleOptions} = groupCapacity([member('a', {sku: 'Balanced_B10', skuMemoryGB: 12}), member('b', {sku: 'balanced_b10', skuMemoryGB: 12, scaleOptions: lower})])
    expect(scaleOptions.map((o) => o.name)).toEqual(['Balanced_B20', 'MemoryOptimized_M20'])
  })

  it('unequal sizes: a finding, the scale lock, and the larger SKU as the only option', () => {
    const big = member('big', {sku: 'Balanced_B10', skuMemoryGB: 12, scaleOptions: BALANCED.slice(1)})
    const {scaleOptions, findings} = groupCapacity([member('a'), big, member('b')])
    expect(scaleOptions).toEqual([{name: 'Balanced_B10', sizeInGB: 12}])
    expect(findings[0]).toBe(
      'members are not the same size: big on Balanced_B10 (12 GB); a, b on Balanced_B5 (6 GB); a smaller member cannot absorb the traffic ' +
        'redirected to it when a larger one fails, and geo-replication expects the same SKU everywhere',
    )
    expect(findings[1]).toBe(
      'scale lock: a member scaled ahead keeps its usable memory capped at its original size until every member is on Balanced_B10, ' +
        'the others can only scale to Balanced_B10, and all other scaling is locked until they match',
    )
  })

  it('unequal SKUs of unknown size: the lock without a target, and no option', () => {
    const e = (sku: string) => ({sku, skuMemoryGB: null, scaleOptions: [{name: 'Enterprise_E20', sizeInGB: 0}]})
    const {scaleOptions, findings} = groupCapacity([member('a', e('Enterprise_E10')), member('b', e('Enterprise_E20'))])
    expect(scaleOptions).toEqual([])
    expect(findings[1]).toMatch(/until every member is on one SKU, the others can only scale to one SKU/)
  })

  it('same size but another tier is a SKU mismatch, not a size one', () => {
    const {findings} = groupCapacity([member('a', {sku: 'Balanced_B10', skuMemoryGB: 12}), member('m', {sku: 'MemoryOptimized_M10', skuMemoryGB: 12})])
    expect(findings[0]).toMatch(/^members are not the same SKU: /)
  })

  it('a cluster whose API did not answer is a note; the others still give options', () => {
    const {scaleOptions, findings} = groupCapacity([member('a'), member('old', {scaleOptions: null, scaleError: 'InvalidApiVersion: 400'})])
    expect(scaleOptions.map((o) => o.name)).toEqual(['Balanced_B10', 'Balanced_B20', 'MemoryOptimized_M20'])
    expect(findings).toContain('old: listSkusForScaling did not answer (InvalidApiVersion: 400); the scale options shown leave it out and may not be open to it')
  })

  it('no cluster answered: no options, never a throw', () => {
    const {scaleOptions, findings} = groupCapacity([member('a', {scaleOptions: null, scaleError: 'x'}), member('b', {scaleOptions: null, scaleError: 'y'})])
    expect(scaleOptions).toEqual([])
    expect(findings.filter((f) => f.includes('no scale options are known'))).toHaveLength(2)
  })

  it('asks each cluster once: members of one cluster share its answer', () => {
    const shared = {clusterId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/one'}
    const {findings} = groupCapacity([member('a', {...shared, scaleOptions: null, scaleError: 'x'}), member('b', {...shared, scaleOptions: null, scaleError: 'x'})])
    expect(findings.filter((f) => f.includes('did not answer'))).toHaveLength(1)
  })

  it('an empty list (Enterprise SKUs) leaves no option and says so; unknown sizes and unreachable members are named', () => {
    const e = {sku: 'Enterprise_E10', skuMemoryGB: null, scaleOptions: []}
    const {scaleOptions, findings} = groupCapacity([member('e1', e), member('e2', {...e, reachable: false, error: 'timeout: AUTH timed out'})])
    expect(scaleOptions).toEqual([])
    expect(findings).toContain('no SKU is open to every member of the group')
    expect(findings).toContain('e1: Enterprise_E10 has no documented memory size; headroom needs maxmemory from INFO')
    expect(findings).toContain('e2 did not answer the probe (timeout: AUTH timed out): its memory use is unknown')
  })
})
