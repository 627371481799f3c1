// Build step, last: dist/geo-redis.cjs.cache, the V8 code cache bin/run.js loads the bundle with. V8 caches what was
// compiled, so the cache is taken at the end of a real run: `inventory --json` through a profile with a private CA
// (--ca-path), against the ARM emulator on loopback with the sandbox's three-region group. That covers oclif,
// flag parsing, the Azure SDK pipeline and TLS; what other commands add is compiled as they run, as without a cache.
// The cache names the bundle's build id, and bin/bundle.js uses it for that bundle only, when V8 accepts it.
import {execFile, execFileSync} from 'node:child_process'
import {mkdtempSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CACHE = join(ROOT, 'dist/geo-redis.cjs.cache')

async function warmUp(out) {
  const {loadBundle} = await import('../bin/bundle.js')
  const bundle = loadBundle({codeCache: false})
  // written however the command ends (it may exit from deep inside oclif)
  process.once('exit', () => writeFileSync(out, bundle.codeCache()))
  process.argv = [process.argv[0], fileURLToPath(new URL('../bin/run.js', import.meta.url)), 'inventory', '--json', '--profile', 'warm-up']
  await bundle.exports.main(ROOT)
}

async function main() {
  const {startEmulator} = await import('../dist/sandbox/emulator/server.js')
  const {sandboxWorld} = await import('../dist/sandbox/emulator/scenarios.js')
  const dir = mkdtempSync(join(tmpdir(), 'geo-redis-code-cache-'))
  const token = `code-cache-${process.pid}`
  // V8 takes a cache only under the flags it was made with: the warm-up and the check run without NODE_OPTIONS
  const env = {...process.env, GEO_REDIS_HOME: dir, CI: '1', NO_COLOR: '1'}
  for (const name of Object.keys(env)) if (/^(GEO_REDIS_(?!HOME$)|AZURE_|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/.test(name)) delete env[name]
  const emulator = await startEmulator({world: sandboxWorld(), token})
  try {
    writeFileSync(join(dir, 'ca.pem'), emulator.caPem)
    const profile = {armEndpoint: emulator.url, accessToken: token, caPath: join(dir, 'ca.pem')}
    writeFileSync(join(dir, 'profiles.json'), JSON.stringify({profiles: {'warm-up': profile}}), {mode: 0o600})
    // beside the cache, so that the rename is atomic: no run ever reads half a cache
    const partial = `${CACHE}.${process.pid}.partial`
    // the emulator answers in this process while the child runs: execFileSync would block it
    await new Promise((resolve, reject) => {
      execFile(process.execPath, [fileURLToPath(import.meta.url), '--warm-up', partial], {env, timeout: 60_000}, (error, stdout, stderr) =>
        error ? reject(new Error(`the warm-up run failed: ${error.message}\n${stderr}`)) : resolve(stdout),
      )
    })
    renameSync(partial, CACHE)
  } finally {
    await emulator.stop()
    rmSync(dir, {recursive: true, force: true})
    rmSync(`${CACHE}.${process.pid}.partial`, {force: true})
  }

  // a cache V8 refuses on this very machine would only cost time: say so rather than ship it silently
  const check = `import('${new URL('../bin/bundle.js', import.meta.url).href}').then(({loadBundle}) => process.stdout.write(loadBundle().cached + '\\n'))`
  if (execFileSync(process.execPath, ['-e', check], {encoding: 'utf8', env}).trim() !== 'true') throw new Error(`V8 did not accept ${CACHE}`)
}

if (process.argv[2] === '--warm-up') await warmUp(process.argv[3])
else await main()
