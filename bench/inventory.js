// 2. Inventory at fleet scale, and 4. requests and memory: the real CLI (`geo-redis inventory --json`, every
// subscription it can list) as a subprocess against the emulator in another process, over the synthetic fleet at
// 10, 100, 1,000 and 10,000 clusters in 5 subscriptions, 30% of databases in groups of three, 50 ms per ARM request;
// then peak memory at 10,000 clusters over 50 subscriptions (no subscription's read budget binds there, so the whole
// fleet is read at full concurrency). The emulator's CA is trusted through a profile's --ca-path, with
// NODE_EXTRA_CA_CERTS unset.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {cleanEnv} from './lib/context.js'
import {startEmulatorProcess} from './lib/emulator.js'
import {run, tempDir} from './lib/proc.js'
import {writeProfile} from './lib/profile.js'
import {table, verdict} from './lib/report.js'
import {mb, median, ms, ratio, spread, summary} from './lib/stats.js'

const OBSERVE = fileURLToPath(new URL('./lib/observe.cjs', import.meta.url))

export const DEFAULTS = {
  sizes: [10, 100, 1000, 10_000],
  subscriptions: 5,
  groupedFraction: 0.3,
  latencyMs: 50,
  pageSize: 100,
  concurrency: 16,
  budget: {bucketSize: 250, refillPerSecond: 25},
  /** sizes at which a real one-request-at-a-time run (--concurrency 1) validates the sequential model */
  sequentialSizes: [10, 100],
  /** the memory fleet (false: not run) */
  memory: {clusters: 10_000, subscriptions: 50, runs: 3},
}

export const TARGETS = {boundRatioAt1000: 1.3, speedupVsSequential: 10, rssMbAt1000: 200, rssSlopeTolerance: 1.5, memoryFleetBytes: 200e6}

// ---------------------------------------------------------------------------------------------------------------
// the model

/** Requests the inventory must send and its critical-path bounds, from the world and the emulator's page size. */
export function model(world, {latencyMs, pageSize, concurrency, budget}) {
  const perSubscription = new Map(world.subscriptions.map((s) => [s.id.toLowerCase(), 0]))
  for (const c of world.clusters) {
    const sub = c.id.split('/')[2].toLowerCase()
    perSubscription.set(sub, perSubscription.get(sub) + 1)
  }
  const subscriptionPages = Math.max(1, Math.ceil(world.subscriptions.length / pageSize))
  // one page even for an empty subscription
  const pagesOf = (n) => Math.max(1, Math.ceil(n / pageSize))
  const clusterPages = [...perSubscription.values()].map(pagesOf)
  const databaseLists = world.clusters.length
  const requests = subscriptionPages + clusterPages.reduce((a, b) => a + b, 0) + databaseLists
  // subscriptions list in parallel: the longest chain of nextLinks, then the database lists through the bound
  const listRounds = subscriptionPages + Math.max(...clusterPages)
  const dbRounds = Math.ceil(databaseLists / concurrency)
  const boundMs = (listRounds + dbRounds) * latencyMs
  // with ARM's budget per subscription: B requests at once, then r per second; the subscription list comes
  // first (tenant scope, its own bucket) and the last request still takes one latency
  const requestsPerSub = [...perSubscription.values()].map((n) => pagesOf(n) + n)
  const budgetMs = subscriptionPages * latencyMs + (Math.max(0, Math.max(...requestsPerSub) - budget.bucketSize) / budget.refillPerSecond) * 1000 + latencyMs
  return {
    clusters: world.clusters.length,
    subscriptions: world.subscriptions.length,
    perSubscription: [...perSubscription.values()],
    subscriptionPages,
    clusterPages: clusterPages.reduce((a, b) => a + b, 0),
    databaseLists,
    requests,
    listRounds,
    dbRounds,
    boundMs,
    boundWithBudgetMs: Math.max(boundMs, budgetMs),
    budgetBinds: budgetMs > boundMs,
    sequentialMs: requests * latencyMs,
  }
}

// ---------------------------------------------------------------------------------------------------------------
// checks on one run

function expectedShape(world) {
  const nicknames = new Set()
  let grouped = 0
  for (const d of world.databases) {
    const geo = d.properties.geoReplication
    if (geo) {
      nicknames.add(geo.groupNickname)
      grouped++
    }
  }
  return {groups: nicknames.size, grouped, standalone: world.databases.length - grouped}
}

/** The CLI's JSON must be the whole fleet, correctly grouped: a fast wrong answer is not a result. */
function checkOutput(stdout, expected) {
  let inv
  try {
    inv = JSON.parse(stdout)
  } catch (error) {
    throw new Error(`inventory --json printed no JSON: ${error.message}: ${stdout.slice(0, 300)}`, {cause: error})
  }
  const members = inv.groups.reduce((n, g) => n + g.members.length, 0)
  const problems = []
  if (inv.errors.length) problems.push(`${inv.errors.length} errors, first: ${JSON.stringify(inv.errors[0])}`)
  if (inv.groups.length !== expected.groups) problems.push(`${inv.groups.length} groups, expected ${expected.groups}`)
  if (members !== expected.grouped) problems.push(`${members} grouped members, expected ${expected.grouped}`)
  if (inv.standalone.length !== expected.standalone) problems.push(`${inv.standalone.length} standalone, expected ${expected.standalone}`)
  if (problems.length) throw new Error(`wrong inventory: ${problems.join('; ')}`)
}

/** What the emulator saw during one run: counts by kind, duplicates, statuses, timing and requests in flight. */
export function analyseRequests(requests, latencyMs) {
  const kinds = {subscriptions: 0, clusterPages: 0, databaseLists: 0, other: 0}
  const seen = new Map()
  let notOk = 0
  for (const r of requests) {
    const path = r.path.toLowerCase()
    if (path === '/subscriptions') kinds.subscriptions++
    else if (/^\/subscriptions\/[^/]+\/providers\/microsoft\.cache\/redisenterprise$/.test(path)) kinds.clusterPages++
    else if (/\/redisenterprise\/[^/]+\/databases$/.test(path)) kinds.databaseLists++
    else kinds.other++
    if (r.status !== 200) notOk++
    // the same resource (or page) read twice, whatever the api-version
    const key = `${r.method} ${path}?${r.query.$skipToken ?? ''}`
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  const duplicates = [...seen].filter(([, n]) => n > 1)
  // each request is logged when answered, `latencyMs` after it arrived
  const ends = requests.map((r) => Date.parse(r.time)).sort((a, b) => a - b)
  const firstArrival = ends[0] - latencyMs
  const lastAnswer = ends.at(-1)
  const events = []
  for (const t of ends) events.push([t - latencyMs, 1], [t, -1])
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let inFlight = 0
  let peak = 0
  for (const [, d] of events) peak = Math.max(peak, (inFlight += d))
  const armMs = lastAnswer - firstArrival
  return {
    total: requests.length,
    kinds,
    notOk,
    duplicates: duplicates.length,
    duplicateExamples: duplicates.slice(0, 3).map(([k, n]) => `${k} ×${n}`),
    firstArrival,
    lastAnswer,
    armMs,
    peakInFlight: peak,
    meanInFlight: (requests.length * latencyMs) / armMs,
  }
}

// ---------------------------------------------------------------------------------------------------------------
// running

async function runCli({root, emulator, concurrency, expected, latencyMs, timeoutMs, dir}) {
  const observeFile = join(dir, `observe-${Date.now()}-${Math.random().toString(36).slice(2)}.json`)
  const home = join(dir, 'home')
  const profileArgs = writeProfile(home, emulator)
  const env = cleanEnv({GEO_REDIS_HOME: home, GEO_REDIS_ARM_TIMEOUT_MS: '60000', GEO_REDIS_BENCH_OBSERVE_FILE: observeFile})
  const before = (await emulator.requests()).length
  const r = await run(process.execPath, ['--require', OBSERVE, join(root, 'bin/run.js'), 'inventory', '--json', ...profileArgs, '--concurrency', String(concurrency)], {env, cwd: root, timeoutMs})
  if (r.code !== 0) throw new Error(`inventory exited ${r.code ?? r.signal}: ${r.stderr.slice(0, 1000)}`)
  checkOutput(r.stdout, expected)
  const requests = (await emulator.requests()).slice(before)
  const seen = analyseRequests(requests, latencyMs)
  const o = JSON.parse(readFileSync(observeFile, 'utf8'))
  if (!o.first || !o.last) throw new Error('the CLI sent no HTTP request that the observer saw')
  return {
    ms: r.ms,
    maxRssKb: o.maxRssKb,
    cpuMs: o.cpuMs,
    requests: seen,
    clientLatencyMs: o.latencyMs,
    loopDelayMs: o.loopDelayMs,
    // where the wall time (and CPU) went, as the CLI saw it: start-up until its first request, the requests,
    // and after the last response (assembly, JSON output, exit)
    phases: {
      startMs: o.first.atMs,
      startCpuMs: o.first.cpuMs,
      armMs: o.last.atMs - o.first.atMs,
      armCpuMs: o.last.cpuMs - o.first.cpuMs,
      tailMs: o.exitAtMs - o.last.atMs,
      tailCpuMs: o.cpuMs - o.last.cpuMs,
    },
  }
}

/** The 10,000-cluster fleet without the read budget: AzureArm + readInventory in this process, to check the other bound. */
async function inProcessWithoutBudget({root, emulator, concurrency, expected, latencyMs, timeoutMs}) {
  const {AzureArm} = await import(pathToFileURL(join(root, 'dist/azure/arm.js')).href)
  const {readInventory} = await import(pathToFileURL(join(root, 'dist/services/inventory.js')).href)
  const arm = new AzureArm({
    cloud: 'AzureCloud',
    armEndpoint: emulator.url,
    credential: {getToken: async () => ({token: emulator.token, expiresOnTimestamp: Date.now() + 3_600_000})},
    caPem: emulator.ca,
    concurrency,
    requestTimeoutMs: 60_000,
    pollIntervalMs: 1000,
    budget: {bucketSize: 1e9, refillPerSecond: 1e9},
  })
  const before = (await emulator.requests()).length
  const started = performance.now()
  let timer
  const inventory = await Promise.race([
    readInventory(arm, {subscriptions: []}),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`in-process inventory did not end within ${timeoutMs} ms`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer))
  const elapsed = performance.now() - started
  checkOutput(JSON.stringify(inventory), expected)
  const requests = (await emulator.requests()).slice(before)
  return {ms: elapsed, requestCount: arm.requestCount(), requests: analyseRequests(requests, latencyMs)}
}

/**
 * Peak RSS of `inventory --json` over the memory fleet, run after run; with `baseline`, that build's run follows each
 * run of this one, on the same emulator.
 */
async function memoryFleet({root, baseline, o, dir, log}) {
  const {syntheticFleet} = await import(pathToFileURL(join(root, 'dist/sandbox/emulator/scenarios.js')).href)
  const {clusters, subscriptions, runs} = o.memory
  const world = syntheticFleet({clusters, subscriptions, groupedFraction: o.groupedFraction, seed: 42})
  const m = model(world, o)
  const expected = expectedShape(world)
  log(`  memory: ${clusters.toLocaleString('en')} clusters over ${subscriptions} subscriptions, ${m.requests} requests${m.budgetBinds ? ' (the budget binds)' : ''}`)
  const emulator = await startEmulatorProcess({root, world, latencyMs: o.latencyMs, pageSize: o.pageSize})
  const builds = {after: [], before: []}
  try {
    const common = {emulator, expected, latencyMs: o.latencyMs, dir, concurrency: o.concurrency, timeoutMs: 2 * m.boundWithBudgetMs + 60_000}
    for (let round = 0; round < runs; round++) {
      builds.after.push(await runCli({...common, root}))
      if (baseline) builds.before.push(await runCli({...common, root: baseline}))
      log(`    run ${round + 1}/${runs}: peak RSS ${mb(builds.after.at(-1).maxRssKb)}${baseline ? `, before ${mb(builds.before.at(-1).maxRssKb)}` : ''}`)
    }
  } finally {
    await emulator.stop()
  }
  return {clusters, subscriptions, model: m, ...builds}
}

export async function inventory({root, baseline, log, runs = 5, warmup = 1, runsLarge = 3, options = {}}) {
  const o = {...DEFAULTS, ...options}
  const {syntheticFleet} = await import(pathToFileURL(join(root, 'dist/sandbox/emulator/scenarios.js')).href)
  const temp = tempDir('inventory')
  const dir = temp.path
  const results = []
  try {
    for (const size of o.sizes) {
      const large = size > 1000
      const world = syntheticFleet({clusters: size, subscriptions: o.subscriptions, groupedFraction: o.groupedFraction, seed: 42})
      const m = model(world, o)
      const expected = expectedShape(world)
      // budget-bound runs last ~ (requests per subscription − 250) / 25 s: allow twice the model plus a minute
      const timeoutMs = 2 * m.boundWithBudgetMs + 60_000
      const seqTimeoutMs = 2 * m.sequentialMs + 60_000
      log(`  inventory ${size} clusters: ${m.requests} requests; bound ${ms(m.boundMs)}, with budget ${ms(m.boundWithBudgetMs)}, sequential ${ms(m.sequentialMs)}`)
      const emulator = await startEmulatorProcess({root, world, latencyMs: o.latencyMs, pageSize: o.pageSize})
      try {
        const common = {root, emulator, expected, latencyMs: o.latencyMs, dir}
        const parallel = []
        const sequential = []
        const withSequential = o.sequentialSizes.includes(size)
        const rounds = large ? runsLarge : runs
        // a warm-up (not at 10,000, where one run is over a minute and the emulator warms within seconds)
        for (let round = large ? 0 : -warmup; round < rounds; round++) {
          const p = await runCli({...common, concurrency: o.concurrency, timeoutMs})
          // interleaved with the parallel runs, so both see the same machine
          const s = withSequential ? await runCli({...common, concurrency: 1, timeoutMs: seqTimeoutMs}) : null
          if (round < 0) continue
          parallel.push(p)
          if (s) sequential.push(s)
          log(`    run ${round + 1}/${rounds}: ${ms(p.ms)}, peak RSS ${mb(p.maxRssKb)}, ${p.requests.total} requests${s ? `; --concurrency 1: ${ms(s.ms)}` : ''}`)
        }
        let noBudget = null
        if (large && m.budgetBinds && o.inProcessNoBudget !== false) {
          log(`    without the read budget (in-process AzureArm + readInventory, bound ${ms(m.boundMs)})`)
          noBudget = await inProcessWithoutBudget({...common, concurrency: o.concurrency, timeoutMs: 3 * m.boundMs + 60_000})
          log(`    without budget: ${ms(noBudget.ms)}, ${noBudget.requestCount} requests counted by AzureArm`)
        }
        results.push({size, model: m, parallel, sequential, noBudget})
      } finally {
        await emulator.stop()
      }
    }
    const memory = o.memory ? await memoryFleet({root, baseline, o, dir, log}) : null
    return report(results, o, memory)
  } finally {
    temp.remove()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// reporting

function report(results, o, memory) {
  const rows = []
  const reqRows = []
  const phaseRows = []
  const seqRows = []
  const targets = []
  const rssBySize = new Map()
  for (const r of results) {
    const m = r.model
    const wall = summary(r.parallel.map((x) => x.ms))
    const rss = summary(r.parallel.map((x) => x.maxRssKb))
    rssBySize.set(r.size, rss.median)
    const bound = m.budgetBinds ? m.boundWithBudgetMs : m.boundMs
    rows.push([
      r.size.toLocaleString('en'),
      `${r.parallel.length}`,
      spread(wall),
      ms(m.boundMs),
      m.budgetBinds ? ms(m.boundWithBudgetMs) : 'same',
      ratio(wall.median / bound),
      ratio(median(r.parallel.map((x) => x.phases.armMs)) / bound),
      ms(m.sequentialMs),
      ratio(m.sequentialMs / wall.median),
      mb(rss.median),
    ])
    const first = r.parallel[0].requests
    const dupes = Math.max(...r.parallel.map((x) => x.requests.duplicates))
    const notOk = Math.max(...r.parallel.map((x) => x.requests.notOk))
    const totals = [...new Set(r.parallel.map((x) => x.requests.total))]
    reqRows.push([
      r.size.toLocaleString('en'),
      totals.join(', '),
      `${m.requests}`,
      `${first.kinds.subscriptions} + ${first.kinds.clusterPages} + ${first.kinds.databaseLists} + ${first.kinds.other}`,
      (first.total / m.clusters).toFixed(3),
      `${dupes}${dupes ? ` (${first.duplicateExamples.join('; ')})` : ''}`,
      `${notOk}`,
    ])
    const med = (f) => median(r.parallel.map(f))
    const both = (wall, cpu) => `${ms(med(wall))} / ${ms(med(cpu))}`
    phaseRows.push([
      r.size.toLocaleString('en'),
      both((x) => x.phases.startMs, (x) => x.phases.startCpuMs),
      both((x) => x.phases.armMs, (x) => x.phases.armCpuMs),
      both((x) => x.phases.tailMs, (x) => x.phases.tailCpuMs),
      `${ms(med((x) => x.clientLatencyMs.p50))} / ${ms(med((x) => x.clientLatencyMs.p90))}`,
      `${Math.max(...r.parallel.map((x) => x.requests.peakInFlight))} / ${med((x) => x.requests.meanInFlight).toFixed(1)}`,
      ms(med((x) => x.loopDelayMs.p99)),
    ])
    if (r.sequential.length) {
      const s = summary(r.sequential.map((x) => x.ms))
      const overhead = median(r.sequential.map((x) => x.phases.startMs + x.phases.tailMs))
      const armS = median(r.sequential.map((x) => x.phases.armMs))
      const lat = median(r.sequential.map((x) => x.clientLatencyMs.p50))
      seqRows.push([r.size.toLocaleString('en'), `${r.sequential.length}`, spread(s), ms(m.sequentialMs), ratio(s.median / m.sequentialMs), ms(armS), ratio(armS / m.sequentialMs), ms(lat), ms(overhead), `${Math.max(...r.sequential.map((x) => x.requests.peakInFlight))}`])
    }
    if (r.size === 1000) {
      const value = wall.median / bound
      targets.push({name: `1,000 clusters: wall ≤ ${TARGETS.boundRatioAt1000}× critical-path bound`, value: `${ratio(value)} (${ms(wall.median)} vs ${ms(bound)})`, met: value <= TARGETS.boundRatioAt1000})
      targets.push({name: `1,000 clusters: peak RSS ≤ ${TARGETS.rssMbAt1000} MiB`, value: mb(rss.median), met: rss.median / 1024 <= TARGETS.rssMbAt1000})
    }
    if (r.size >= 1000) {
      const speedup = m.sequentialMs / wall.median
      targets.push({name: `${r.size.toLocaleString('en')} clusters: ≥ ${TARGETS.speedupVsSequential}× faster than sequential`, value: ratio(speedup), met: speedup >= TARGETS.speedupVsSequential})
    }
    if (r.noBudget) {
      targets.push({
        name: `10,000 clusters without the budget (in-process): wall vs bound ${ms(m.boundMs)}`,
        value: `${ms(r.noBudget.ms)} = ${ratio(r.noBudget.ms / m.boundMs)}; ${r.noBudget.requestCount} requests (AzureArm.requestCount)`,
        met: null,
      })
    }
    for (const x of [...r.parallel, ...r.sequential]) {
      if (x.requests.total !== m.requests || x.requests.duplicates > 0) {
        targets.push({name: `${r.size} clusters: requests = model, no duplicate reads`, value: `${x.requests.total} vs ${m.requests}, ${x.requests.duplicates} duplicates`, met: false})
        break
      }
    }
  }
  // linear growth: the marginal RSS per cluster above 1,000 may not exceed the one below it (with noise allowance)
  const sizes = [...rssBySize.keys()].sort((a, b) => a - b)
  const slopes = []
  for (let i = 1; i < sizes.length; i++) {
    const [a, b] = [sizes[i - 1], sizes[i]]
    slopes.push({from: a, to: b, kbPerCluster: (rssBySize.get(b) - rssBySize.get(a)) / (b - a)})
  }
  if (rssBySize.has(10) && rssBySize.has(1000) && rssBySize.has(10_000)) {
    const low = (rssBySize.get(1000) - rssBySize.get(10)) / 990
    const high = (rssBySize.get(10_000) - rssBySize.get(1000)) / 9000
    targets.push({
      name: `peak RSS grows no faster than linearly (KB/cluster 1k→10k ≤ ${TARGETS.rssSlopeTolerance}× 10→1k)`,
      value: `${high.toFixed(1)} vs ${low.toFixed(1)} KB/cluster`,
      met: high <= TARGETS.rssSlopeTolerance * Math.max(low, 1),
    })
  }
  const memoryText = memory ? memoryReport(memory, targets) : []
  const budget = o.budget
  const text = [
    `Fleet: syntheticFleet over ${o.subscriptions} subscriptions, ${o.groupedFraction * 100}% of databases in groups of three, one database per cluster; emulator in its own process, ${o.latencyMs} ms per ARM request, page size ${o.pageSize}; CLI \`inventory --json\` (lists the subscriptions itself), --concurrency ${o.concurrency}. Every run's JSON is checked (all groups, members and standalone databases, no errors).`,
    '',
    `Bound = (subscription list pages + longest cluster-list page chain + ⌈database lists / ${o.concurrency}⌉) × ${o.latencyMs} ms. With budget = the per-subscription token bucket (${budget.bucketSize} at once, then ${budget.refillPerSecond}/s): subscription list + (requests per subscription − ${budget.bucketSize}) / ${budget.refillPerSecond} s + one latency, when larger. Sequential = requests × ${o.latencyMs} ms (one request at a time, as \`az redisenterprise list\` then a database list per cluster), a lower bound for a sequential client. Where the budget binds (10,000), the ratios to the bound use the bound with budget.`,
    '',
    table(['clusters', 'runs', 'wall median (min–max)', 'bound', 'bound with budget', 'wall ÷ bound', 'requests phase ÷ bound', 'sequential model', 'speed-up vs sequential', 'peak RSS'], rows),
    '',
    `Where the time went, as the CLI saw it (medians; wall / CPU of the CLI process): start = process start → its first request, requests = first request → last response, tail = last response → exit (assembly, JSON output). Latency = request start → response finished as the client saw it (the emulator adds ${o.latencyMs} ms); in flight = at the emulator (peak / mean over the request phase); loop delay = the CLI's event-loop delay p99. CPU time is the figure to trust on a busy machine.`,
    '',
    table(['clusters', 'start', 'requests', 'tail', 'latency p50 / p90', 'in flight peak / mean', 'loop delay p99'], phaseRows),
    '',
    seqRows.length ? 'Sequential model checked with real runs at --concurrency 1 (interleaved with the runs above):' : '',
    '',
    seqRows.length ? table(['clusters', 'runs', 'wall', 'model', 'wall ÷ model', 'requests phase', 'requests ÷ model', 'latency p50', 'start + tail', 'peak in flight'], seqRows) : '',
    '',
    '4. Requests per inventory (from the emulator\'s request log) and duplicate reads (same method, path and page, case-insensitive):',
    '',
    table(['clusters', 'requests seen', 'model', 'subscriptions + cluster pages + database lists + other', 'per cluster', 'duplicates', 'non-200'], reqRows),
    '',
    'Peak RSS growth (medians): ' + slopes.map((s) => `${s.from.toLocaleString('en')}→${s.to.toLocaleString('en')}: ${s.kbPerCluster.toFixed(1)} KB/cluster`).join('; '),
    '',
    ...memoryText,
    table(['target', 'value', ''], targets.map((t) => [t.name, t.value, verdict(t.met)])),
  ].join('\n')
  return {text, targets, data: {sizes: results.map((r) => ({size: r.size, model: r.model, parallel: r.parallel, sequential: r.sequential, noBudget: r.noBudget})), memory}}
}

/** The memory fleet's table (and its target, pushed onto `targets`): the largest peak of its runs is what is judged. */
function memoryReport(memory, targets) {
  const fleet = `${memory.clusters.toLocaleString('en')} clusters over ${memory.subscriptions} subscriptions`
  const row = (label, runs) => {
    const rss = runs.map((x) => x.maxRssKb)
    return [label, `${runs.length}`, spread(summary(runs.map((x) => x.ms))), runs.map((x) => mb(x.maxRssKb)).join(', '), mb(median(rss)), mb(Math.max(...rss), {both: true})]
  }
  const worst = Math.max(...memory.after.map((x) => x.maxRssKb))
  targets.push({name: `${fleet}: peak RSS ≤ ${TARGETS.memoryFleetBytes / 1e6} MB (every run)`, value: mb(worst, {both: true}), met: worst * 1024 <= TARGETS.memoryFleetBytes})
  return [
    `Peak memory, ${fleet} (${memory.model.requests} requests; the read budget ${memory.model.budgetBinds ? 'binds' : 'does not bind'}), \`inventory --json\`, --concurrency 16, ${memory.after.length} runs${memory.before.length ? ', each followed by the baseline build\'s run on the same emulator' : ''}. Peak RSS from getrusage (maxrss).`,
    '',
    table(['build', 'runs', 'wall median (min–max)', 'peak RSS of each run', 'median', 'largest'], [row('this one', memory.after), ...(memory.before.length ? [row('before (baseline)', memory.before)] : [])]),
    '',
  ]
}
