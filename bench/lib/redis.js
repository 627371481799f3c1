// redis-server processes for the probe benchmark: loopback only, own free port and temp dir, no persistence,
// a password like an access key. Never the machine's own Redis (6379 is never used: the kernel picks the port).
import {randomBytes} from 'node:crypto'
import {createServer} from 'node:net'
import {stop, tempDir, track} from './proc.js'

const READY_WITHIN_MS = 10_000

async function freePort() {
  const server = createServer()
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const {port} = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (port === 6379) return freePort()
  return port
}

export async function startRedisServer() {
  for (let attempt = 1; ; attempt++) {
    const temp = tempDir('redis')
    const dir = temp.path
    const port = await freePort()
    const password = randomBytes(24).toString('base64url')
    const child = track('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--requirepass', password], {stdio: ['ignore', 'pipe', 'pipe']})
    const handle = {
      host: '127.0.0.1',
      port,
      password,
      pid: child.pid,
      async stop() {
        await stop(child, 1000)
        temp.remove()
      },
    }
    try {
      await new Promise((resolve, reject) => {
        let log = ''
        const timer = setTimeout(() => reject(new Error(`redis-server not ready within ${READY_WITHIN_MS} ms: ${log}`)), READY_WITHIN_MS)
        child.stdout.on('data', (d) => {
          log += d
          if (log.includes('Ready to accept connections')) {
            clearTimeout(timer)
            resolve()
          }
        })
        child.once('error', (e) => (clearTimeout(timer), reject(e)))
        child.once('exit', (code, signal) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code ?? signal}): ${log}`))))
      })
      // keep draining so a chatty log never blocks the server
      child.stdout.resume()
      child.stderr.resume()
      return handle
    } catch (error) {
      await handle.stop()
      if (attempt < 3 && String(error).includes('Address already in use')) continue
      throw error
    }
  }
}

/** The delay proxy (delay-proxy.js) in its own process, in front of `ports`; resolves with {portFor(port), stop()}. */
export async function startDelayProxy({delayMs, ports}) {
  const script = new URL('./delay-proxy.js', import.meta.url).pathname
  const child = track(process.execPath, [script, '--delay-ms', String(delayMs), '--to', ports.join(',')], {stdio: ['ignore', 'pipe', 'pipe']})
  const handle = {pid: child.pid, portFor: (p) => mapping[p], stop: () => stop(child, 1000)}
  let mapping
  try {
    mapping = await new Promise((resolve, reject) => {
      let out = ''
      let err = ''
      const timer = setTimeout(() => reject(new Error(`delay proxy not ready within ${READY_WITHIN_MS} ms: ${err}`)), READY_WITHIN_MS)
      child.stderr.on('data', (d) => (err += d))
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) {
          clearTimeout(timer)
          resolve(JSON.parse(out).ports)
        }
      })
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`delay proxy exited (${code}): ${err}`))))
    })
    return handle
  } catch (error) {
    await handle.stop()
    throw error
  }
}
