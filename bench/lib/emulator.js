// The ARM emulator in its own process (dist/sandbox/emulator/main.js), so its CPU never shares the event loop of
// the CLI being measured. The request log is read through the emulator's admin API, which is not itself logged.
import {randomUUID} from 'node:crypto'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {join} from 'node:path'
import {stop, tempDir, track} from './proc.js'

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Starts an emulator process over `world`; resolves once it listens. Always call stop(), even on failure. */
export async function startEmulatorProcess({root, world, latencyMs = 0, pageSize, readyWithinMs = 60_000}) {
  const temp = tempDir('emulator')
  const dir = temp.path
  const token = `bench-${randomUUID()}`
  const files = {world: join(dir, 'world.json'), ca: join(dir, 'ca.pem'), ready: join(dir, 'ready.json'), token: join(dir, 'token')}
  writeFileSync(files.world, JSON.stringify(world))
  writeFileSync(files.token, token, {mode: 0o600})
  const main = join(root, 'dist/sandbox/emulator/main.js')
  // a token file keeps the token out of `ps`; older builds of main.js only know --token
  const tokenArgs = readFileSync(main, 'utf8').includes("'token-file'") ? ['--token-file', files.token] : ['--token', token]
  const args = [main, '--world', files.world, ...tokenArgs, '--ca-out', files.ca, '--ready-file', files.ready]
  if (latencyMs) args.push('--latency-ms', String(latencyMs))
  if (pageSize) args.push('--page-size', String(pageSize))
  const child = track(process.execPath, args, {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))

  const handle = {
    dir,
    token,
    caPath: files.ca,
    pid: child.pid,
    url: '',
    async stop() {
      await stop(child)
      temp.remove()
    },
    /** the logged ARM requests so far (admin calls excluded) */
    requests: () => admin(handle, 'GET', '/_emulator/requests').then((b) => b.requests),
  }
  try {
    const end = Date.now() + readyWithinMs
    while (!existsSync(files.ready)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`emulator exited (${child.exitCode ?? child.signalCode}): ${stderr}`)
      if (Date.now() > end) throw new Error(`emulator not ready within ${readyWithinMs} ms: ${stderr}`)
      await sleep(50)
    }
    handle.url = JSON.parse(readFileSync(files.ready, 'utf8')).url
    handle.ca = readFileSync(files.ca, 'utf8')
    return handle
  } catch (error) {
    await handle.stop()
    throw error
  }
}

function admin(emulator, method, path) {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${emulator.url}${path}`,
      {method, ca: emulator.ca, headers: {authorization: `Bearer ${emulator.token}`}, timeout: 30_000},
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          if (res.statusCode !== 200) reject(new Error(`emulator admin ${method} ${path}: ${res.statusCode} ${text.slice(0, 500)}`))
          else resolve(JSON.parse(text))
        })
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`emulator admin ${method} ${path} timed out`)))
    req.on('error', reject)
    req.end()
  })
}
