#!/usr/bin/env node
// geo-redis benchmarks: `npm run bench` (builds first) or `node bench/run.js [startup] [inventory] [probe] [options]`.
// Prints each benchmark's figures and ratios and rewrites its section of bench/RESULTS.md.
//
//   --runs <n>        measured runs per case (default: startup 15, inventory 5, probe 20); at least 5 is sensible
//   --runs-large <n>  runs at 10,000 clusters (default 3: each is over a minute, bound by ARM's read budget)
//   --sizes <list>    inventory fleet sizes (default 10,100,1000,10000)
//   --quick           a smoke test: 3 runs, sizes 10,100,1000, no memory fleet, no RESULTS.md update
//   --skip-memory     inventory without its memory fleet (10,000 clusters over 50 subscriptions, 3 runs of ~35 s)
//   --in-place        measure the work tree's dist/ directly instead of a snapshot copy of the built CLI
//   --baseline <dir>  also measure the build in <dir> (an earlier version, built) in the same rounds: before/after
//   --no-write        do not update bench/RESULTS.md
//   --json <file>     also write every sample as JSON
//   --max-minutes <n> hard limit for the whole run (default 30): everything started is killed and the run fails
import {existsSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {parseArgs} from 'node:util'
import {inventory} from './inventory.js'
import {codeUnderTest, REPO} from './lib/context.js'
import {describeMachine, load, machine} from './lib/machine.js'
import {installCleanup, killAll} from './lib/proc.js'
import {RESULTS, table, updateSection, verdict} from './lib/report.js'
import {probe} from './probe.js'
import {startup} from './startup.js'

const BENCHMARKS = {startup, inventory, probe}

let parsed
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      runs: {type: 'string'},
      'runs-large': {type: 'string'},
      sizes: {type: 'string'},
      quick: {type: 'boolean', default: false},
      'skip-memory': {type: 'boolean', default: false},
      'in-place': {type: 'boolean', default: false},
      baseline: {type: 'string'},
      'no-write': {type: 'boolean', default: false},
      json: {type: 'string'},
      'max-minutes': {type: 'string', default: '30'},
      help: {type: 'boolean', short: 'h', default: false},
    },
  })
} catch (error) {
  process.stderr.write(`${error.message}\nusage: node bench/run.js --help\n`)
  process.exit(2)
}
const {values, positionals} = parsed

if (values.help) {
  process.stdout.write('usage: node bench/run.js [startup] [inventory] [probe] [--runs n] [--runs-large n] [--sizes 10,100,1000,10000] [--quick] [--skip-memory] [--in-place] [--baseline dir] [--no-write] [--json file] [--max-minutes n]\n')
  process.exit(0)
}
const unknown = positionals.filter((p) => !(p in BENCHMARKS))
if (unknown.length) {
  process.stderr.write(`unknown benchmark: ${unknown.join(', ')} (choose from ${Object.keys(BENCHMARKS).join(', ')})\n`)
  process.exit(2)
}
const selected = positionals.length ? [...new Set(positionals)] : Object.keys(BENCHMARKS)
const positive = (v, name) => {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive integer\n`)
    process.exit(2)
  }
  return n
}
const runs = values.quick ? 3 : positive(values.runs, 'runs')
const runsLarge = positive(values['runs-large'], 'runs-large')
const sizes = values.sizes ? values.sizes.split(',').map((s) => positive(s.trim(), 'sizes')) : values.quick ? [10, 100, 1000] : undefined
const write = !values['no-write'] && !values.quick
const baseline = values.baseline ? resolve(values.baseline) : undefined
if (baseline && !existsSync(join(baseline, 'bin/run.js'))) {
  process.stderr.write(`--baseline ${baseline} is not a built geo-redis (no bin/run.js)\n`)
  process.exit(2)
}
const log = (line) => process.stderr.write(`${line}\n`)

let code
installCleanup(() => code?.cleanup())
// the whole run is bounded: a hung child or server cannot keep the bench (or the machine) busy
const maxMs = Number(values['max-minutes']) * 60_000
const watchdog = setTimeout(() => {
  log(`bench: over ${values['max-minutes']} minutes, stopping everything it started`)
  killAll()
  code?.cleanup()
  process.exit(1)
}, maxMs)
watchdog.unref()

const m = machine()
log(`geo-redis benchmarks on ${describeMachine(m)}; load average ${load()}`)
let failed = false
const raw = {machine: m, results: {}}
const summaryRows = []
try {
  code = await codeUnderTest({inPlace: values['in-place']})
  log(code.snapshot ? `measuring a snapshot of the built CLI in ${code.root}` : `measuring ${REPO} in place`)
  for (const name of selected) {
    const loadBefore = load()
    const started = Date.now()
    log(`\n== ${name}`)
    try {
      const options = {...(sizes ? {sizes} : {}), ...(values.quick || values['skip-memory'] ? {memory: false} : {})}
      const result = await BENCHMARKS[name]({root: code.root, baseline, log, ...(runs ? {runs} : {}), ...(runsLarge ? {runsLarge} : {}), options})
      const stamp = `_Measured ${new Date().toISOString()} in ${((Date.now() - started) / 1000).toFixed(0)} s on ${describeMachine(m)}; load average (1/5/15 min) ${loadBefore} before, ${load()} after._`
      process.stdout.write(`\n## ${name}\n\n${result.text}\n`)
      if (write) updateSection(name, `${stamp}\n\n${result.text}`)
      raw.results[name] = result.data
      for (const t of result.targets) summaryRows.push([name, t.name, t.value, verdict(t.met)])
    } catch (error) {
      failed = true
      log(`${name} failed: ${error.stack ?? error}`)
      summaryRows.push([name, 'benchmark ran', String(error.message ?? error).split('\n')[0], '**failed**'])
    }
  }
} finally {
  code?.cleanup()
}

const summaryText = table(['benchmark', 'target', 'value', ''], summaryRows)
process.stdout.write(`\n## summary\n\n${summaryText}\n`)
if (write) {
  updateSection('machine', [
    `Last run: ${m.date}`,
    '',
    `- CPUs (nproc): ${m.nproc}`,
    `- CPU model: ${m.cpu}`,
    `- memory: ${m.memoryGiB} GiB`,
    `- Node: ${m.node}`,
    `- OS: ${m.os}`,
    `- load average at start (1/5/15 min): ${m.loadAverage.join(' ')}`,
    `- benchmarks in that run: ${selected.join(', ')}`,
  ].join('\n'))
  // the summary is only whole when every benchmark ran; a single one keeps its targets in its own section
  if (selected.length === Object.keys(BENCHMARKS).length) updateSection('summary', summaryText)
  log(`\nwrote ${RESULTS}`)
}
if (values.json) writeFileSync(values.json, JSON.stringify(raw, null, 2))
clearTimeout(watchdog)
// explicit: a keep-alive socket of the in-process check must not hold the run open
process.exit(failed ? 1 : 0)
