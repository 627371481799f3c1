#!/usr/bin/env node
// `geo-redis --version` and every help (`--help` or `-h` after a command or topic, `help <command>`, the root help)
// are answered without loading the CLI: the version from package.json, the help from dist/help.json, rendered by oclif
// itself at build time (scripts/render-help.js) for the exact words typed. Both print exactly what oclif would; the
// help only where oclif would wrap at 80 columns too and colour nothing. Those texts are fixed at build time, so they
// skip the output guard, which everything else passes (the bundle installs it before anything else runs).
'use strict'
const fs = require('node:fs')
const {join} = require('node:path')

const ROOT = join(__dirname, '..')
const argv = process.argv.slice(2)

if (argv.length === 1 && argv[0] === '--version') {
  const {name, version} = JSON.parse(fs.readFileSync(join(ROOT, 'package.json'), 'utf8'))
  process.stdout.write(`${name}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if (!helpAsked()) {
  // first, so that the thread starts as early as it can (a help makes no TLS connection: it needs none)
  require('./warm-up.js').warmRootCertificates(argv[0])
  require('./bundle.js').loadBundle().exports.main(ROOT)
} else {
  const help = builtHelp()
  if (help === undefined) require('./bundle.js').loadBundle().exports.main(ROOT)
  else process.stdout.write(help)
}

function helpAsked() {
  return argv.length === 0 || argv[0] === 'help' || argv.at(-1) === '--help' || argv.at(-1) === '-h'
}

/** The help oclif would print for these words, when built, and when the terminal is one it was rendered for. */
function builtHelp() {
  const plainWidth = !process.env.OCLIF_COLUMNS && (!process.stdout.isTTY || process.stdout.columns === 80)
  if (!plainWidth || process.env.GEO_REDIS_NO_HELP_CACHE || !argv.every((a) => /^[a-z0-9-]+$/i.test(a)) || userTheme()) {
    return undefined
  }

  let built
  try {
    built = JSON.parse(fs.readFileSync(join(ROOT, 'dist/help.json'), 'utf8'))
  } catch {
    return undefined
  }

  const text = built.argv[argv.join(' ')]
  return text === undefined ? undefined : built.texts[text]
}

/** An oclif theme in the user's config dir would colour the help, so oclif renders it then (its configDir/theme.json). */
function userTheme() {
  const env = process.env
  const home = env.HOME || (process.platform === 'win32' && env.USERPROFILE)
  const base = env.XDG_CONFIG_HOME || (process.platform === 'win32' && env.LOCALAPPDATA) || (home && join(home, '.config'))
  const dir = env.GEO_REDIS_CONFIG_DIR || (base && join(base, 'geo-redis'))
  // nowhere to look: oclif may still find one
  return !dir || fs.existsSync(join(dir, 'theme.json'))
}
