// Small statistics for benchmark samples.

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Linear-interpolated quantile, q in [0, 1]. */
function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}

export function summary(values) {
  return {n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values), p25: quantile(values, 0.25), p75: quantile(values, 0.75)}
}

export const ms = (v) => (Number.isFinite(v) ? (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(2)} ms`) : 'n/a')
export const ratio = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a')
/** A size in KiB (as getrusage's maxrss) as MiB, and as MB (10^6 bytes) with `both`. */
export const mb = (kb, {both = false} = {}) =>
  Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MiB${both ? ` (${((kb * 1024) / 1e6).toFixed(1)} MB)` : ''}` : 'n/a'

/** "median (min–max)" */
export const spread = (s, fmt = ms) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`
