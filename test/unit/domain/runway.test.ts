// Memory runway: a growth rate robust to noise, and minutes to the threshold.
import {describe, expect, it} from 'vitest'
import {formatMinutes, growthRate, runwayOf, type MemorySample} from '../../../src/domain/runway.js'

const MB = 1024 * 1024
/** One sample a second for `seconds`, growing `perSecond` bytes, with `noise(i)` added. */
function samples(seconds: number, start: number, perSecond: number, noise: (i: number) => number = () => 0): MemorySample[] {
  return Array.from({length: seconds}, (_, i) => ({atMs: 1000 * i, usedBytes: start + perSecond * i + noise(i)}))
}

describe('growth rate', () => {
  it('is unknown with too few samples or too short a span', () => {
    expect(growthRate([])).toBeNull()
    expect(growthRate(samples(3, 0, MB))).toBeNull()
    expect(growthRate([0, 100, 200, 300].map((atMs) => ({atMs, usedBytes: atMs})))).toBeNull()
  })

  it('is the slope per minute, unmoved by a few wild samples', () => {
    const spikes = (i: number) => (i % 10 === 3 ? 500 * MB : 0)
    expect(growthRate(samples(60, 100 * MB, MB, spikes))! / MB).toBeCloseTo(60, 0)
    expect(growthRate(samples(60, 100 * MB, 0, spikes))).toBe(0)
  })

  it('only uses the sliding window', () => {
    const old = samples(60, 0, 10 * MB)
    const recent = samples(60, 600 * MB, MB).map((s) => ({...s, atMs: s.atMs + 600_000}))
    expect(growthRate([...old, ...recent], 120_000)! / MB).toBeCloseTo(60, 0)
  })
})

describe('runway', () => {
  it('minutes until the threshold share of the limit at this rate', () => {
    const r = runwayOf(samples(30, 100 * MB, MB), 1000 * MB, 85)
    expect(r.thresholdBytes).toBe(850 * MB)
    // 129 MB used now, 721 MB to go at 60 MB/min
    expect(r.minutesToThreshold).toBeCloseTo(721 / 60, 1)
  })

  it('0 when reached, unknown when not growing or no limit is known', () => {
    expect(runwayOf(samples(30, 900 * MB, MB), 1000 * MB, 85).minutesToThreshold).toBe(0)
    expect(runwayOf(samples(30, 100 * MB, -MB), 1000 * MB, 85).minutesToThreshold).toBeNull()
    expect(runwayOf(samples(30, 100 * MB, MB), null, 85).minutesToThreshold).toBeNull()
    expect(runwayOf(samples(2, 100 * MB, MB), 1000 * MB, 85).growthBytesPerMin).toBeNull()
  })

  it('reads as an operator says it', () => {
    expect(formatMinutes(0.4)).toBe('< 1 min')
    expect(formatMinutes(23.2)).toBe('23 min')
    expect(formatMinutes(65)).toBe('1 h 05 min')
  })
})
