// 1. Start-up, against bare `node -e 0`, all with NODE_EXTRA_CA_CERTS unset (cleanEnv): `--version`, the help of the
// root, of every topic and of every command, and `inventory` on the sandbox's three-cluster world up to its first
// ARM request (the emulator's CA trusted through a profile's --ca-path, or through NODE_EXTRA_CA_CERTS: the same
// trust, which must cost the same). Interleaved A B C … A B C … so drift on a shared machine hits every command
// alike; with `baseline`, a build of an earlier version runs in the same rounds, for before/after ratios.
// Diagnostic rows print CPU time too, which, unlike wall time, barely moves when other processes compete for the
// machine.
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {cleanEnv} from './lib/context.js'
import {startEmulatorProcess} from './lib/emulator.js'
import {run, tempDir} from './lib/proc.js'
import {writeProfile} from './lib/profile.js'
import {table, verdict} from './lib/report.js'
import {median, ms, ratio, spread, summary} from './lib/stats.js'

export const TARGETS = {version: 2.5, help: 2, firstRequest: 4, caPathVsExtraCerts: 1.05}

const FIRST_REQUEST = new URL('./lib/first-request.cjs', import.meta.url).pathname
const PRINT_CPU = 'const u = process.cpuUsage(); process.stdout.write(JSON.stringify(u))'

/** Every command and topic of the build at `root`, as the words typed: from its manifest and package.json. */
function helpSubjects(root) {
  const {commands} = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
  const {topics} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).oclif
  return [...Object.keys(topics), ...Object.keys(commands)].sort().map((id) => id.split(':'))
}

/** The runs of one round, for the build at `root`; `tag` names the build in keys and labels ('' for the one measured). */
function buildRuns(root, tag, {profileArgs, extraCerts}) {
  const bin = join(root, 'bin/run.js')
  const label = (text) => (tag ? `${tag}: ${text}` : text)
  const helps = helpSubjects(root).map((words) => ({
    key: `${tag}help ${words.join(' ')}`,
    group: 'help',
    label: label(`\`${words.join(' ')} --help\``),
    args: [bin, ...words, '--help'],
    check: (r) => r.stdout.includes('USAGE'),
  }))
  const inventory = (key, text, env) => ({
    key: `${tag}${key}`,
    group: 'first',
    label: label(text),
    args: ['--require', FIRST_REQUEST, bin, 'inventory', '--json', ...profileArgs],
    env,
    check: (r) => JSON.parse(r.stdout).groups.length === 1,
    first: true,
  })
  return [
    {key: `${tag}version`, label: label('`--version`'), args: [bin, '--version'], check: (r) => /^geo-redis\/\d/.test(r.stdout)},
    {key: `${tag}root help`, label: label('`--help` (root)'), args: [bin, '--help'], check: (r) => r.stdout.includes('inventory')},
    ...helps,
    inventory('first ca-path', '`inventory`, CA by profile --ca-path', {}),
    ...(extraCerts ? [inventory('first extra-certs', '`inventory`, CA by NODE_EXTRA_CA_CERTS', extraCerts)] : []),
  ]
}

export async function startup({root, baseline, runs = 15, warmup = 3, log}) {
  const temp = tempDir('startup')
  const dir = temp.path
  const {sandboxWorld} = await import(pathToFileURL(join(root, 'dist/sandbox/emulator/scenarios.js')).href)
  const emulator = await startEmulatorProcess({root, world: sandboxWorld()})
  try {
    const home = join(dir, 'home')
    const homeExtra = join(dir, 'home-extra-certs')
    const profileArgs = writeProfile(home, emulator)
    // the same profile without the CA, which comes from NODE_EXTRA_CA_CERTS instead
    writeProfile(homeExtra, emulator, {caPath: false})
    const env = cleanEnv({GEO_REDIS_HOME: home})
    const extraCerts = {GEO_REDIS_HOME: homeExtra, NODE_EXTRA_CA_CERTS: emulator.caPath}
    const commands = [
      {key: 'node', label: '`node -e 0`', args: ['-e', '0']},
      ...buildRuns(root, '', {profileArgs, extraCerts}),
      ...(baseline ? buildRuns(baseline, 'before', {profileArgs}) : []),
      {key: 'nodeCpu', label: 'diagnostic: bare Node', args: ['-e', PRINT_CPU], cpu: true},
      {key: 'bundleCached', label: 'diagnostic: load the bundle with its code cache', args: ['-e', loadBundle(root, true)], cpu: true},
      {key: 'bundleCompiled', label: 'diagnostic: load the bundle, compiled (no code cache)', args: ['-e', loadBundle(root, false)], cpu: true},
    ]
    const samples = Object.fromEntries(commands.map((c) => [c.key, []]))
    const cpu = Object.fromEntries(commands.filter((c) => c.cpu || c.first).map((c) => [c.key, []]))
    const firsts = Object.fromEntries(commands.filter((c) => c.first).map((c) => [c.key, []]))
    const firstFile = join(dir, 'first-request.json')
    for (let round = -warmup; round < runs; round++) {
      for (const c of commands) {
        rmSync(firstFile, {force: true})
        const r = await run(process.execPath, c.args, {env: {...env, ...c.env, GEO_REDIS_BENCH_FIRST_REQUEST_FILE: firstFile}, cwd: root, timeoutMs: 30_000})
        if (r.code !== 0 || (c.check && !c.check(r))) throw new Error(`${c.label} failed (exit ${r.code}): ${r.stderr.slice(0, 500)}${r.stdout.slice(0, 200)}`)
        if (round < 0) continue
        samples[c.key].push(r.ms)
        if (c.cpu) {
          const u = JSON.parse(r.stdout)
          cpu[c.key].push((u.user + u.system) / 1000)
        }
        if (c.first) {
          const f = JSON.parse(readFileSync(firstFile, 'utf8'))
          // from the spawn, as bare Node's wall time is: Node's own start before its time origin included
          firsts[c.key].push(f.at - r.spawnedAt)
          cpu[c.key].push(f.cpuMs)
        }
      }
      if (round >= 0 && (round + 1) % 5 === 0) log(`  startup: ${round + 1}/${runs} rounds`)
    }
    return report({commands, samples, cpu, firsts, baseline: Boolean(baseline), runs, warmup, log})
  } finally {
    await emulator.stop()
    temp.remove()
  }
}

/** A script that loads the bundle of `root` and prints its CPU time. */
function loadBundle(root, codeCache) {
  return `require(${JSON.stringify(join(root, 'bin/bundle.js'))}).loadBundle({codeCache: ${codeCache}}); ${PRINT_CPU}`
}

function report({commands, samples, cpu, firsts, baseline, runs, warmup, log}) {
  const stats = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)]))
  const base = stats.node.median
  // per-round ratios too: each against the bare Node run of its own round, which cancels slow drift
  const paired = (values) => median(values.map((v, i) => v / samples.node[i]))
  const cpuBase = median(cpu.nodeCpu)
  const before = (key) => (baseline && samples[`before${key}`] ? stats[`before${key}`].median / base : null)

  const mainRows = commands
    .filter((c) => !c.key.startsWith('before') && c.group !== 'help' && !c.first)
    .map((c) => [
      c.label,
      spread(stats[c.key]),
      c.key === 'nodeCpu' || c.key === 'node' ? '' : ratio(stats[c.key].median / base),
      c.key === 'nodeCpu' || c.key === 'node' ? '' : ratio(paired(samples[c.key])),
      before(c.key) === null ? '' : ratio(before(c.key)),
      c.cpu ? `${ms(median(cpu[c.key]))}${c.key === 'nodeCpu' ? '' : ` (+${ms(median(cpu[c.key]) - cpuBase)})`}` : '',
    ])
  const helps = commands.filter((c) => c.group === 'help' && !c.key.startsWith('before'))
  const helpRows = helps.map((c) => [c.label, spread(stats[c.key]), ratio(stats[c.key].median / base), ratio(paired(samples[c.key])), before(c.key) === null ? '' : ratio(before(c.key))])
  const firstRows = commands
    .filter((c) => c.first)
    .map((c) => {
      const f = summary(firsts[c.key])
      return [c.label, spread(f), ratio(f.median / base), ratio(paired(firsts[c.key])), ms(median(cpu[c.key])), spread(stats[c.key])]
    })

  const worst = helps.reduce((a, c) => (stats[c.key].median > stats[a.key].median ? c : a), helps[0])
  const first = median(firsts['first ca-path'])
  const extra = median(firsts['first extra-certs'])
  const targets = [
    {name: `start-up \`--version\` ≤ ${TARGETS.version}× bare Node`, value: `${ratio(stats.version.median / base)} (${ms(stats.version.median)} vs ${ms(base)})`, met: stats.version.median / base <= TARGETS.version},
    {
      name: `every command's and topic's \`--help\` (and the root's) ≤ ${TARGETS.help}× bare Node`,
      value: `slowest ${ratio(stats[worst.key].median / base)} (${worst.label}, ${ms(stats[worst.key].median)} vs ${ms(base)}); root ${ratio(stats['root help'].median / base)}`,
      met: [...helps, {key: 'root help'}].every((c) => stats[c.key].median / base <= TARGETS.help),
    },
    {name: `\`inventory\`: first ARM request ≤ ${TARGETS.firstRequest}× bare Node from process start`, value: `${ratio(first / base)} (${ms(first)} vs ${ms(base)})`, met: first / base <= TARGETS.firstRequest},
    {
      name: `\`inventory\`: a profile's --ca-path no slower than NODE_EXTRA_CA_CERTS (first request, ≤ ${TARGETS.caPathVsExtraCerts}× for noise)`,
      value: `${ratio(first / extra)} (${ms(first)} vs ${ms(extra)}; whole run ${ms(stats['first ca-path'].median)} vs ${ms(stats['first extra-certs'].median)})`,
      met: first / extra <= TARGETS.caPathVsExtraCerts,
    },
  ]
  log(`  startup: --version ${ratio(stats.version.median / base)}, slowest --help ${ratio(stats[worst.key].median / base)}, first request ${ratio(first / base)}, --ca-path ÷ NODE_EXTRA_CA_CERTS ${ratio(first / extra)}`)

  const beforeHeader = baseline ? 'before (÷ bare Node)' : ''
  const text = [
    `All with NODE_EXTRA_CA_CERTS unset (but where a row says otherwise). Interleaved, ${warmup} warm-up rounds then ${runs} measured; wall time from spawn to exit, median (min–max).${baseline ? ' "before": the baseline build, measured in the same rounds.' : ''} Diagnostic rows print their own CPU time (user + system, from process start; in brackets: above bare Node).`,
    '',
    table(['command', 'wall time', '÷ bare Node (medians)', 'median of per-round ratios', beforeHeader, 'CPU'], mainRows),
    '',
    'Help of every topic and command (printed from dist/help.json, rendered by oclif at build time):',
    '',
    table(['command', 'wall time', '÷ bare Node (medians)', 'median of per-round ratios', beforeHeader], helpRows),
    '',
    '`inventory --json` on the sandbox world (3 clusters), emulator in its own process: time from spawn to the start of the first ARM request (the CLI\'s clock against the spawn, Node\'s own start included as in bare Node\'s wall time), CPU used by then, and the whole run.',
    '',
    table(['run', 'first request', '÷ bare Node (medians)', 'median of per-round ratios', 'CPU by then', 'whole run'], firstRows),
    '',
    table(['target', 'value', ''], targets.map((t) => [t.name, t.value, verdict(t.met)])),
  ].join('\n')
  return {text, targets, data: {samples, cpu, firsts}}
}
