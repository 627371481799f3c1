// 1. Start-up: `geo-redis --version` and `geo-redis --help` (node bin/run.js) against bare `node -e 0`, interleaved
// A B C … A B C … so drift on a shared machine hits every command alike. Target: ≤ 2.5× bare Node.
// Diagnostic rows in the same rounds split the cost: importing @oclif/core alone, the inventory command's modules,
// and the Azure adapter that `inventory` loads before its first request. They report their own CPU time too,
// which, unlike wall time, barely moves when other processes compete for the machine.
import {join} from 'node:path'
import {cleanEnv} from './lib/context.js'
import {run, tempDir} from './lib/proc.js'
import {table, verdict} from './lib/report.js'
import {median, ms, ratio, spread, summary} from './lib/stats.js'

export const TARGET = 2.5

const PRINT_CPU = 'const u = process.cpuUsage(); process.stdout.write(JSON.stringify(u))'
const importing = (...modules) => ['--input-type=module', '-e', `${modules.map((m) => `await import(${JSON.stringify(m)});`).join(' ')} ${PRINT_CPU}`]

export async function startup({root, runs = 15, warmup = 3, log}) {
  const home = tempDir('home')
  try {
    const env = cleanEnv({GEO_REDIS_HOME: home.path})
    const bin = join(root, 'bin/run.js')
    const commands = [
      {key: 'node', label: '`node -e 0`', args: ['-e', '0'], check: () => true},
      {key: 'version', label: '`geo-redis --version`', args: [bin, '--version'], check: (r) => /^geo-redis\/\d/.test(r.stdout)},
      {key: 'help', label: '`geo-redis --help`', args: [bin, '--help'], check: (r) => r.stdout.includes('inventory')},
      {key: 'nodeCpu', label: 'diagnostic: bare Node', args: ['-e', PRINT_CPU], cpu: true},
      {key: 'oclif', label: "diagnostic: `import('@oclif/core')`", args: importing('@oclif/core'), cpu: true},
      {key: 'command', label: 'diagnostic: import dist/commands/inventory.js (oclif + the command)', args: importing(join(root, 'dist/commands/inventory.js')), cpu: true},
      {key: 'azure', label: 'diagnostic: import dist/azure/arm.js (the Azure SDK, loaded by inventory before its first request)', args: importing(join(root, 'dist/azure/arm.js')), cpu: true},
    ]
    const samples = Object.fromEntries(commands.map((c) => [c.key, []]))
    const cpu = Object.fromEntries(commands.filter((c) => c.cpu).map((c) => [c.key, []]))
    for (let round = -warmup; round < runs; round++) {
      for (const c of commands) {
        const r = await run(process.execPath, c.args, {env, cwd: root, timeoutMs: 30_000})
        if (r.code !== 0 || (c.check && !c.check(r))) throw new Error(`${c.label} failed (exit ${r.code}): ${r.stderr.slice(0, 500)}${r.stdout.slice(0, 200)}`)
        if (round < 0) continue
        samples[c.key].push(r.ms)
        if (c.cpu) {
          const u = JSON.parse(r.stdout)
          cpu[c.key].push((u.user + u.system) / 1000)
        }
      }
      if (round >= 0 && (round + 1) % 5 === 0) log(`  startup: ${round + 1}/${runs} rounds`)
    }

    const stats = Object.fromEntries(commands.map((c) => [c.key, summary(samples[c.key])]))
    const base = stats.node.median
    // per-round ratios too: each against the bare Node run of its own round, which cancels slow drift
    const paired = (key) => median(samples[key].map((v, i) => v / samples.node[i]))
    const cpuBase = median(cpu.nodeCpu)
    const rows = commands.map((c) => [
      c.label,
      spread(stats[c.key]),
      c.key === 'nodeCpu' ? '' : ratio(stats[c.key].median / base),
      c.key === 'nodeCpu' ? '' : ratio(paired(c.key)),
      c.cpu ? `${ms(median(cpu[c.key]))}${c.key === 'nodeCpu' ? '' : ` (+${ms(median(cpu[c.key]) - cpuBase)})`}` : '',
    ])
    const targets = ['version', 'help'].map((key) => {
      const value = stats[key].median / base
      return {name: `start-up \`--${key}\` ≤ ${TARGET}× bare Node`, value: `${ratio(value)} (${ms(stats[key].median)} vs ${ms(base)})`, met: value <= TARGET}
    })
    log(`  startup: --version ${ratio(stats.version.median / base)}, --help ${ratio(stats.help.median / base)} bare Node`)

    const text = [
      `Interleaved, ${warmup} warm-up rounds then ${runs} measured; wall time from spawn to exit, median (min–max). Diagnostic rows print their own CPU time (user + system, from process start; in brackets: above bare Node).`,
      '',
      table(['command', 'wall time', '÷ bare Node (medians)', 'median of per-round ratios', 'CPU'], rows),
      '',
      table(['target', 'value', ''], targets.map((t) => [t.name, t.value, verdict(t.met)])),
    ].join('\n')
    return {text, targets, data: {samples, cpu}}
  } finally {
    home.remove()
  }
}
