// Summarises a V8 .cpuprofile (node --cpu-prof): self time by package (or by file of this project) and the
// hottest functions, so a missed target can be pinned on a function with a figure.
import {readFileSync} from 'node:fs'

function bucketOf(url, root) {
  if (!url) return '(native / V8)'
  const path = url.replace(/^file:\/\//, '')
  const nm = path.lastIndexOf('/node_modules/')
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/')
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
  }
  if (path.startsWith('node:')) return 'node: (core)'
  if (root && path.startsWith(root)) return path.slice(root.length + 1)
  return path
}

/** {totalMs, byBucket: [[name, ms]], byFunction: [[name, ms]]} from a .cpuprofile file. */
export function summariseProfile(file, {root, top = 15} = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const selfUs = new Map()
  const {samples, timeDeltas} = profile
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0))
  const byBucket = new Map()
  const byFunction = new Map()
  let total = 0
  for (const [id, us] of selfUs) {
    const {callFrame} = nodes.get(id)
    total += us
    const bucket = callFrame.url ? bucketOf(callFrame.url, root) : callFrame.functionName ? `(${callFrame.functionName})` : '(native / V8)'
    byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + us)
    const fn = `${callFrame.functionName || '(anonymous)'} ${bucketOf(callFrame.url, root)}:${callFrame.lineNumber + 1}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us)
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => [k, us / 1000])
  return {totalMs: total / 1000, byBucket: sorted(byBucket), byFunction: sorted(byFunction)}
}

/** Busy time per window of `windowMs` with its top packages: where in the run the CPU went. */
export function profileTimeline(file, {root, windowMs = 250, top = 3} = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const windows = []
  let t = 0
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0
    const w = Math.floor(t / 1000 / windowMs)
    windows[w] ??= {busyUs: 0, buckets: new Map()}
    const {callFrame} = nodes.get(profile.samples[i])
    if (callFrame.functionName === '(idle)') continue
    const us = profile.timeDeltas[i + 1] ?? 0
    const bucket = callFrame.url ? bucketOf(callFrame.url, root) : `(${callFrame.functionName || 'native'})`
    windows[w].busyUs += us
    windows[w].buckets.set(bucket, (windows[w].buckets.get(bucket) ?? 0) + us)
  }
  return windows.map((w, i) => ({
    fromMs: i * windowMs,
    busyMs: (w?.busyUs ?? 0) / 1000,
    top: w ? [...w.buckets].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => [k, us / 1000]) : [],
  }))
}
