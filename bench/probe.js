// 3. Probe: probeMembers over 5 real redis-servers (20 PING samples each, connect + AUTH + INFO as in the CLI)
// against the slowest member probed alone. Target: together ≤ 1.2× the slowest alone.
// Three networks, interleaved round by round: plain loopback (round trips of tens of µs, so a probe is pure client
// CPU), and a delay proxy in its own process adding 1 ms each way (2 ms round trips: every member as near as a
// same-region cache, the hardest real case) or 5 ms each way (10 ms: members in nearby regions, as in a geo group).
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {startDelayProxy, startRedisServer} from './lib/redis.js'
import {table, verdict} from './lib/report.js'
import {median, ms, ratio, spread, summary} from './lib/stats.js'

export const TARGET = 1.2

export async function probe({root, runs = 20, warmup = 3, members = 5, samples = 20, delaysMs = [1, 5], log}) {
  const {probeMember, probeMembers} = await import(pathToFileURL(join(root, 'dist/redis/probe.js')).href)
  const servers = []
  const proxies = []
  try {
    for (let i = 0; i < members; i++) servers.push(await startRedisServer())
    for (const delayMs of delaysMs) proxies.push(await startDelayProxy({delayMs, ports: servers.map((s) => s.port)}))
    const targetsVia = (portOf) => servers.map((s, i) => ({id: `member-${i + 1}`, host: s.host, port: portOf(s.port), tls: false, auth: {password: s.password}}))
    const networks = [
      {key: 'loopback', label: 'loopback', targets: targetsVia((p) => p)},
      ...delaysMs.map((delayMs, i) => ({key: `delay${delayMs}ms`, label: `loopback + ${delayMs} ms each way (delay proxy)`, targets: targetsVia((p) => proxies[i].portFor(p))})),
    ]
    const options = {samples, timeoutMs: 5000}
    const check = (p) => {
      if (!p.reachable || p.pingMs === null) throw new Error(`probe of ${p.endpoint} failed: ${JSON.stringify(p.error)}`)
    }
    for (const n of networks) Object.assign(n, {alone: n.targets.map(() => []), together: [], perRound: [], cpuAlone: [], cpuTogether: []})

    for (let round = -warmup; round < runs; round++) {
      for (const n of networks) {
        const roundAlone = []
        let cpu = process.cpuUsage()
        for (const target of n.targets) {
          const started = performance.now()
          check(await probeMember(target, options))
          roundAlone.push(performance.now() - started)
        }
        const cpuAlone = process.cpuUsage(cpu)
        cpu = process.cpuUsage()
        const started = performance.now()
        const all = await probeMembers(n.targets, options)
        const t = performance.now() - started
        const cpuTogether = process.cpuUsage(cpu)
        all.forEach(check)
        if (round < 0) continue
        roundAlone.forEach((v, i) => n.alone[i].push(v))
        n.together.push(t)
        n.perRound.push(t / Math.max(...roundAlone))
        n.cpuAlone.push((cpuAlone.user + cpuAlone.system) / 1000 / members)
        n.cpuTogether.push((cpuTogether.user + cpuTogether.system) / 1000)
      }
    }

    const rows = []
    const targets = []
    for (const n of networks) {
      const aloneStats = n.alone.map(summary)
      const slowestIndex = aloneStats.reduce((best, s, i) => (s.median > aloneStats[best].median ? i : best), 0)
      const slowest = aloneStats[slowestIndex]
      const together = summary(n.together)
      const value = together.median / slowest.median
      n.value = value
      log(`  probe over ${n.label}: together ${ms(together.median)}, slowest alone ${ms(slowest.median)} → ${ratio(value)}`)
      rows.push([
        n.label,
        spread(slowest),
        spread(together),
        ratio(value),
        ratio(median(n.perRound)),
        `${ms(median(n.cpuAlone))} / ${ms(median(n.cpuTogether))}`,
      ])
      targets.push({name: `probe over ${n.label}: ${members} together ≤ ${TARGET}× slowest alone`, value: ratio(value), met: value <= TARGET})
    }
    const text = [
      `${members} local redis-servers (password auth, no TLS); one probe = connect + AUTH + ${samples} sequential PINGs + INFO (\`probeMember\`; together = \`probeMembers\`, from dist/redis/probe.js, in this process). ${warmup} warm-up rounds then ${runs} rounds; each round probes every member alone in turn, then all together, on each network. Median (min–max). The per-round ratio divides by the slowest of that round's five alone runs, which favours it slightly; the medians ratio is the one judged. Through the proxy, TCP connect is answered locally, so only AUTH, PINGs and INFO pay the round trip.`,
      '',
      table(['network', 'slowest member alone', `all ${members} together`, 'together ÷ slowest (medians)', 'median of per-round ratios', 'client CPU: one probe alone / all together'], rows),
      '',
      table(['target', 'value', ''], targets.map((t) => [t.name, t.value, verdict(t.met)])),
    ].join('\n')
    return {text, targets, data: Object.fromEntries(networks.map((n) => [n.key, {alone: n.alone, together: n.together, cpuAlone: n.cpuAlone, cpuTogether: n.cpuTogether}]))}
  } finally {
    await Promise.all([...proxies.map((p) => p.stop()), ...servers.map((s) => s.stop())])
  }
}
