#!/usr/bin/env node
// First, before oclif or any library can print: every write to stdout and stderr is masked for secrets and stripped
// of control sequences that are not ours (library debug output included).
import {installOutputGuard} from '../dist/shared/output-guard.js'

installOutputGuard()

// `geo-redis --version` and the root help (`--help`, `-h`, `help`) are answered without loading oclif (which costs 4×
// a bare Node start): the version from package.json, the help from dist/root-help.txt, rendered by oclif itself at
// build time. Both print exactly what oclif would; the help only where oclif would wrap at 80 columns too.
const [arg, ...rest] = process.argv.slice(2)
const fs = rest.length === 0 && ['--version', '--help', '-h', 'help'].includes(arg) ? await import('node:fs') : null
const plainWidth = !process.env.OCLIF_COLUMNS && (!process.stdout.isTTY || process.stdout.columns === 80)

if (fs && arg === '--version') {
  const {name, version} = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if (fs && plainWidth && !process.env.GEO_REDIS_NO_HELP_CACHE && fs.existsSync(new URL('../dist/root-help.txt', import.meta.url))) {
  process.stdout.write(fs.readFileSync(new URL('../dist/root-help.txt', import.meta.url), 'utf8'))
} else {
  const {execute} = await import('@oclif/core')
  await execute({dir: import.meta.url})
}
