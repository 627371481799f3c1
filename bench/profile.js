#!/usr/bin/env node
// Evidence for a missed target: runs the CLI once under `node --cpu-prof` and prints where its CPU went, by
// package and by function, and (for inventory) over time. Not part of `npm run bench`.
//   node bench/profile.js startup [--version | --help]
//   node bench/profile.js inventory [--clusters 1000] [--latency-ms 50] [--concurrency 16]
// Keeps the .cpuprofile (open it in Chrome DevTools → Performance) and prints its path.
import {mkdirSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {cleanEnv, codeUnderTest} from './lib/context.js'
import {profileTimeline, summariseProfile} from './lib/cpuprofile.js'
import {startEmulatorProcess} from './lib/emulator.js'
import {installCleanup, run, tempDir} from './lib/proc.js'
import {writeProfile} from './lib/profile.js'
import {ms} from './lib/stats.js'

const {values, positionals} = parseArgs({
  allowPositionals: true,
  options: {
    clusters: {type: 'string', default: '1000'},
    'latency-ms': {type: 'string', default: '50'},
    concurrency: {type: 'string', default: '16'},
    version: {type: 'boolean', default: false},
    help: {type: 'boolean', default: false},
    out: {type: 'string', default: '/tmp/geo-redis-profiles'},
  },
})
const what = positionals[0] ?? 'startup'
installCleanup()
const code = await codeUnderTest({})
const home = tempDir('profile-home')
mkdirSync(values.out, {recursive: true})
const strip = (name) => name.replace(code.root + '/', '')
let emulator
try {
  let args
  const env = cleanEnv({GEO_REDIS_HOME: home.path})
  if (what === 'startup') {
    args = [values.help ? '--help' : '--version']
  } else if (what === 'inventory') {
    const {syntheticFleet} = await import(pathToFileURL(join(code.root, 'dist/sandbox/emulator/scenarios.js')).href)
    const world = syntheticFleet({clusters: Number(values.clusters), subscriptions: 5, groupedFraction: 0.3, seed: 42})
    emulator = await startEmulatorProcess({root: code.root, world, latencyMs: Number(values['latency-ms']), pageSize: 100})
    args = ['inventory', '--json', ...writeProfile(home.path, emulator), '--concurrency', values.concurrency]
  } else {
    throw new Error(`profile what? startup or inventory, not ${what}`)
  }
  const before = new Set(readdirSync(values.out))
  const r = await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', values.out, join(code.root, 'bin/run.js'), ...args], {env, cwd: code.root, timeoutMs: 300_000})
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.slice(0, 500)}`)
  const file = join(values.out, readdirSync(values.out).find((f) => !before.has(f) && f.endsWith('.cpuprofile')))
  const s = summariseProfile(file, {root: code.root, top: 20})
  console.log(`geo-redis ${args.join(' ')}: wall ${ms(r.ms)} (under the profiler), profiled ${ms(s.totalMs)} incl. idle\n`)
  console.log('self time by package / file:')
  for (const [k, v] of s.byBucket) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${strip(k)}`)
  console.log('\nself time by function:')
  for (const [k, v] of s.byFunction) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${strip(k)}`)
  if (what === 'inventory') {
    console.log('\nbusy CPU per 250 ms of the run, with the top three:')
    for (const w of profileTimeline(file, {root: code.root})) {
      console.log(`  ${String(w.fromMs).padStart(6)} ms  ${w.busyMs.toFixed(0).padStart(4)} ms busy  ${w.top.map(([k, v]) => `${strip(k)} ${v.toFixed(0)}`).join(', ')}`)
    }
  }
  console.log(`\nprofile: ${file}`)
} finally {
  await emulator?.stop()
  home.remove()
  code.cleanup()
}
