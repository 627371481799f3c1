// Preloaded into the CLI under test (node --require): watches without changing behaviour, and on exit writes to
// the file named by GEO_REDIS_BENCH_OBSERVE_FILE:
// - peak RSS (kB, getrusage ru_maxrss) and CPU (user + system), in total and by phase: start-up until the first
//   HTTP request, the requests, and after the last response (CPU time, unlike wall time, barely changes when
//   other processes compete for the machine);
// - each request's latency as the client saw it (request start → response finished), through Node's
//   diagnostics channels, so nothing is patched;
// - the event loop's delay.
'use strict'
const file = process.env.GEO_REDIS_BENCH_OBSERVE_FILE
if (file) {
  const channels = require('node:diagnostics_channel')
  const {monitorEventLoopDelay} = require('node:perf_hooks')
  const loop = monitorEventLoopDelay({resolution: 10})
  loop.enable()
  const cpuMs = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  const started = new WeakMap()
  const latencies = []
  let first = null
  let last = null
  channels.subscribe('http.client.request.start', ({request}) => {
    const now = performance.now()
    started.set(request, now)
    if (!first) first = {atMs: now, cpuMs: cpuMs()}
  })
  channels.subscribe('http.client.response.finish', ({request}) => {
    const now = performance.now()
    const t = started.get(request)
    if (t !== undefined) latencies.push(now - t)
    last = {atMs: now, cpuMs: cpuMs()}
  })
  process.once('exit', (code) => {
    try {
      const usage = process.resourceUsage()
      latencies.sort((a, b) => a - b)
      const q = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] : null)
      require('node:fs').writeFileSync(
        file,
        JSON.stringify({
          code,
          maxRssKb: usage.maxRSS,
          cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
          exitAtMs: performance.now(),
          first,
          last,
          requests: latencies.length,
          latencyMs: {p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1)},
          loopDelayMs: {p50: loop.percentile(50) / 1e6, p99: loop.percentile(99) / 1e6, max: loop.max / 1e6},
        }),
      )
    } catch {
      // never change the exit of the process under test
    }
  })
}
