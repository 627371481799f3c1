// Build step, after the bundle and the manifest: renders, with oclif itself, every help the CLI can print (the root,
// each topic and each command, asked as `<words> --help`, `<words> -h` and `help <words>`) as oclif prints it to a
// non-terminal (80 columns), into dist/help.json, so bin/run.js answers help without loading oclif. Commands and
// topics come from the manifest, so a new command is covered without a change here.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, 'dist/help.json')

/** Every way to ask for help, as argv: the root's, then each topic's and command's. */
function helpRequests(config) {
  const subjects = [...config.topics.map((t) => t.name), ...config.commands.map((c) => c.id)].map((id) => id.split(':'))
  return [[], ['--help'], ['-h'], ['help'], ...subjects.flatMap((words) => [[...words, '--help'], [...words, '-h'], ['help', ...words]])]
}

async function render(out) {
  // what oclif writes, after the output guard (which the bundle installs on top of this)
  let captured = ''
  process.stdout.write = (chunk) => {
    captured += chunk
    return true
  }
  process.stderr.write = (chunk) => {
    throw new Error(`help rendering wrote to stderr: ${chunk}`)
  }
  const {loadBundle} = await import('../bin/bundle.js')
  const {run, Config} = loadBundle({codeCache: false}).exports
  const requests = helpRequests(await Config.load(ROOT))
  const texts = []
  const argv = {}
  for (const request of requests) {
    captured = ''
    await run(request, ROOT)
    if (!captured.endsWith('\n')) throw new Error(`geo-redis ${request.join(' ')} printed no help`)
    const at = texts.indexOf(captured)
    argv[request.join(' ')] = at >= 0 ? at : texts.push(captured) - 1
  }
  writeFileSync(out, JSON.stringify({argv, texts}))
}

if (process.argv[2] === '--render') {
  await render(process.argv[3])
} else {
  // a child whose stdout is a pipe, as oclif sees a non-terminal, and with no theme or width of the builder's
  const env = {...process.env, GEO_REDIS_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'geo-redis-help-'))}
  for (const name of ['OCLIF_COLUMNS', 'FORCE_COLOR']) delete env[name]
  try {
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--render', OUT], {env, stdio: ['ignore', 'pipe', 'inherit']})
  } finally {
    rmSync(env.GEO_REDIS_CONFIG_DIR, {recursive: true, force: true})
  }
}
