// Preloaded into the CLI under test (node --require) by the start-up benchmark: at the first HTTP request the CLI
// starts, writes when that was (ms since the epoch, and since Node's time origin) and the CPU used so far to the file
// named by GEO_REDIS_BENCH_FIRST_REQUEST_FILE. Nothing else: it must cost the start-up it measures next to nothing.
'use strict'
const file = process.env.GEO_REDIS_BENCH_FIRST_REQUEST_FILE
if (file) {
  const channel = require('node:diagnostics_channel').channel('http.client.request.start')
  const first = () => {
    channel.unsubscribe(first)
    const now = performance.now()
    const cpu = process.cpuUsage()
    require('node:fs').writeFileSync(file, JSON.stringify({at: performance.timeOrigin + now, sinceOriginMs: now, cpuMs: (cpu.user + cpu.system) / 1000}))
  }
  channel.subscribe(first)
}
