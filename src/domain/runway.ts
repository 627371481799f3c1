// Memory runway: how fast a member's used memory grows, and how long until it reaches a threshold (the force-unlink
// threshold: a percentage of maxmemory, or of the SKU size when maxmemory is not set). Pure.
//
// The rate is a Theil–Sen fit (the median of the slopes between every pair of samples) over a sliding window: one
// sample taken during a fork, a defragmentation or a burst moves a least-squares line but not a median of slopes.
// Fewer than MIN_SAMPLES samples, or samples spanning less than MIN_SPAN_MS, say nothing yet: "rate not known yet".

/** One reading of used memory, on the one clock of whoever sampled it (ms). */
export interface MemorySample {
  atMs: number
  usedBytes: number
}

export interface Runway {
  /** bytes per minute, positive when memory grows; null: too few samples yet */
  growthBytesPerMin: number | null
  /** the used memory the threshold stands for; null when no limit is known */
  thresholdBytes: number | null
  /**
   * minutes until the threshold at this rate: 0 when already reached; null when the rate is not known, memory is
   * not growing, or no limit is known
   */
  minutesToThreshold: number | null
}

const RUNWAY_WINDOW_MS = 5 * 60_000
const MIN_SAMPLES = 4
const MIN_SPAN_MS = 2000
/** pairs grow with the square of the samples: a window is thinned to this many, evenly, before fitting */
const MAX_FIT_SAMPLES = 60
/** used memory is sampled at least this often (the newest figure stays fresh) and at most (it costs an INFO each) */
const SAMPLE_EVERY_MS = {min: 1000, max: 5000}

/**
 * How often to sample used memory for a window: the fit thins a window to MAX_FIT_SAMPLES, so sampling more often
 * adds nothing to it (a 5 min window: every 5 s; a window of a minute or less: every second).
 */
export function sampleEveryMs(windowMs = RUNWAY_WINDOW_MS): number {
  return Math.min(SAMPLE_EVERY_MS.max, Math.max(SAMPLE_EVERY_MS.min, windowMs / MAX_FIT_SAMPLES))
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** At most `max` samples, evenly spread, keeping the first and the last. */
function thin(samples: MemorySample[], max: number): MemorySample[] {
  if (samples.length <= max) return samples
  const step = (samples.length - 1) / (max - 1)
  return Array.from({length: max}, (_, i) => samples[Math.round(i * step)])
}

/** Samples within `windowMs` of the newest, oldest first. */
function inWindow(samples: readonly MemorySample[], windowMs = RUNWAY_WINDOW_MS): MemorySample[] {
  const newest = samples.at(-1)?.atMs
  if (newest === undefined) return []
  return samples.filter((s) => s.atMs > newest - windowMs).sort((a, b) => a.atMs - b.atMs)
}

/** Theil–Sen slope of used memory in bytes per minute over the window; null when the samples say nothing yet. */
export function growthRate(samples: readonly MemorySample[], windowMs = RUNWAY_WINDOW_MS): number | null {
  const window = thin(inWindow(samples, windowMs), MAX_FIT_SAMPLES)
  if (window.length < MIN_SAMPLES || window.at(-1)!.atMs - window[0].atMs < MIN_SPAN_MS) return null
  const slopes: number[] = []
  for (let i = 0; i < window.length; i++) {
    for (let j = i + 1; j < window.length; j++) {
      const dt = window[j].atMs - window[i].atMs
      if (dt > 0) slopes.push((window[j].usedBytes - window[i].usedBytes) / dt)
    }
  }

  return slopes.length === 0 ? null : median(slopes) * 60_000
}

/**
 * The runway of one member: `limitBytes` is maxmemory, or the SKU size when maxmemory is not set (capacity's
 * memoryUse decides which), `thresholdPct` the share of it that is the threshold.
 */
export function runwayOf(samples: readonly MemorySample[], limitBytes: number | null, thresholdPct: number, windowMs = RUNWAY_WINDOW_MS): Runway {
  const growthBytesPerMin = growthRate(samples, windowMs)
  const thresholdBytes = limitBytes ? (limitBytes * thresholdPct) / 100 : null
  const used = samples.at(-1)?.usedBytes
  let minutesToThreshold: number | null = null
  if (thresholdBytes !== null && used !== undefined) {
    if (used >= thresholdBytes) minutesToThreshold = 0
    else if (growthBytesPerMin !== null && growthBytesPerMin > 0) minutesToThreshold = (thresholdBytes - used) / growthBytesPerMin
  }

  return {growthBytesPerMin, thresholdBytes, minutesToThreshold}
}

/** "23 min", "1 h 05 min", "< 1 min": a runway as an operator reads it. */
export function formatMinutes(minutes: number): string {
  if (minutes < 1) return '< 1 min'
  const whole = Math.round(minutes)
  if (whole < 60) return `${whole} min`
  return `${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, '0')} min`
}
