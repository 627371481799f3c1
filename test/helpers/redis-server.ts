// Real redis-server processes for tests: own loopback port, own temp dir, no persistence. Never the system's Redis.
import {execFile, spawn, type ChildProcess} from 'node:child_process'
import {once} from 'node:events'
import {rmSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {loopbackAddress, MEMBER_PORT} from '../../src/sandbox/members/addresses.js'

const READY_WITHIN_MS = 10_000
const PORT_ATTEMPTS = 3

export interface RedisServerOptions {
  /** requirepass for the default user */
  password?: string
  /** PEM; the server listens on TLS only, without asking clients for certificates */
  tls?: {cert: string; key: string; ca: string}
  /** ACL users with full access */
  aclUsers?: {name: string; password: string}[]
  /** a server started by this helper, without a password */
  replicaOf?: RedisServer
  extraArgs?: string[]
  /**
   * listen as a sandbox member does: on a loopback address of its own at Azure's port 10000 (another address when
   * that one is taken); default: 127.0.0.1 at a free port
   */
  ownAddress?: boolean
}

export interface RedisServer {
  host: string
  port: number
  pid: number
  /** SIGSTOP: the kernel still accepts TCP connections, nothing answers */
  freeze(): void
  /** SIGCONT */
  thaw(): void
  /** kills it (thawing first) and removes its temp dir; safe to call twice */
  stop(): Promise<void>
  /** runs one command with redis-cli (not the code under test) and returns its raw output */
  cli(...command: string[]): Promise<string>
  /** connected clients other than replicas and the asking redis-cli */
  clientCount(): Promise<number>
}

// each running server with a synchronous last-resort kill
const running = new Map<RedisServer, () => void>()
// a test process that exits without its afterAll (uncaught error, process.exit) must not leave servers behind;
// a runner killed by a signal still can, as nothing runs then
process.once('exit', () => {
  for (const kill of running.values()) kill()
})

async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (typeof address !== 'object' || address === null) throw new Error('no port from the kernel')
  return address.port
}

/** Resolves once the log says it accepts connections; rejects with the log if the server exits first. */
async function untilReady(child: ChildProcess): Promise<void> {
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error): void => {
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('exit', onExit)
      child.off('error', settle)
      if (error) reject(error)
      else resolve()
    }
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) settle()
    }
    const onExit = (code: number | null, signal: string | null): void =>
      settle(new Error(`redis-server exited (${code ?? signal}):\n${output}`))
    const timer = setTimeout(() => settle(new Error(`redis-server not ready within ${READY_WITHIN_MS} ms:\n${output}`)), READY_WITHIN_MS)
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
    child.once('error', settle)
  })
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'geo-redis-test-'))
  // no diskless-sync delay: a replica's first sync would otherwise wait 5 s
  const args = ['--save', '', '--appendonly', 'no', '--dir', dir, '--repl-diskless-sync-delay', '0']
  if (options.password !== undefined) args.push('--requirepass', options.password)
  for (const user of options.aclUsers ?? []) args.push('--user', user.name, 'on', `>${user.password}`, '~*', '&*', '+@all')
  if (options.replicaOf) args.push('--replicaof', options.replicaOf.host, String(options.replicaOf.port))
  if (options.tls) {
    for (const [name, pem] of Object.entries(options.tls)) await writeFile(join(dir, `${name}.pem`), pem)
    args.push('--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'))
    args.push('--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'no')
  }
  args.push(...(options.extraArgs ?? []))

  // a free port can be taken between probing and binding: try again with another (or another address)
  for (let attempt = 1; ; attempt++) {
    const [host, port]: [string, number] = options.ownAddress ? [loopbackAddress(), MEMBER_PORT] : ['127.0.0.1', await freePort()]
    const listen = ['--bind', host, ...(options.tls ? ['--port', '0', '--tls-port', String(port)] : ['--port', String(port)])]
    const child = spawn('redis-server', [...listen, ...args], {stdio: ['ignore', 'pipe', 'pipe']})
    try {
      await untilReady(child)
    } catch (error) {
      child.kill('SIGKILL')
      if (attempt < PORT_ATTEMPTS && String(error).includes('Address already in use')) continue
      await rm(dir, {recursive: true, force: true})
      throw error
    }
    const server = serverHandle(child, host, port, dir, options)
    running.set(server, () => {
      child.kill('SIGKILL')
      rmSync(dir, {recursive: true, force: true})
    })
    if (options.replicaOf) await untilStreaming(options.replicaOf, server)
    return server
  }
}

/**
 * Until a write on the master is readable on the replica. "state=online" in the master's INFO is not enough:
 * after a diskless sync the master holds the stream back until the replica's first REPLCONF ACK (sent once a
 * second), so writes made meanwhile arrive up to a second late.
 */
async function untilStreaming(master: RedisServer, replica: RedisServer): Promise<void> {
  const key = `geo-redis-test:sync:${replica.host}:${replica.port}`
  await master.cli('SET', key, 'streaming')
  const seen = await poll(() => replica.cli('GET', key), (value) => value.trim() === 'streaming', READY_WITHIN_MS)
  await master.cli('DEL', key)
  if (seen.trim() !== 'streaming') {
    await replica.stop()
    throw new Error(`replica :${replica.port} does not receive writes from :${master.port} within ${READY_WITHIN_MS} ms`)
  }
}

/** Reads until `done` or `withinMs` passed; returns the last reading either way. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs: number): Promise<T> {
  const end = Date.now() + withinMs
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() >= end) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

function serverHandle(child: ChildProcess, host: string, port: number, dir: string, options: RedisServerOptions): RedisServer {
  // keep draining so a chatty log never blocks the server on a full pipe
  child.stdout?.resume()
  child.stderr?.resume()
  const server: RedisServer = {
    host,
    port,
    pid: child.pid!,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    async stop() {
      running.delete(server)
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit')
        child.kill('SIGCONT')
        child.kill('SIGKILL')
        await exited
      }
      await rm(dir, {recursive: true, force: true})
    },
    async cli(...command) {
      const args = ['-h', host, '-p', String(port), '--no-auth-warning']
      if (options.password !== undefined) args.push('-a', options.password)
      if (options.tls) args.push('--tls', '--cacert', join(dir, 'ca.pem'))
      const {stdout} = await promisify(execFile)('redis-cli', [...args, ...command], {timeout: 5000})
      return stdout
    },
    async clientCount() {
      const list = await server.cli('CLIENT', 'LIST')
      // replication links show flags=S (a replica, seen by its master) or M (the master, seen by its replica);
      // minus one for redis-cli itself
      return list.split('\n').filter((line) => line.startsWith('id=') && !/ flags=\w*[SM]/.test(line)).length - 1
    },
  }
  return server
}

/**
 * Clients still connected once closed sockets have had time to reach the server (polls up to `withinMs`):
 * 0 means the code under test left nothing open. Thaws first, or a frozen server could not answer.
 */
export function openClientsAfter(server: RedisServer, withinMs = 2000): Promise<number> {
  server.thaw()
  return poll(() => server.clientCount(), (count) => count === 0, withinMs)
}

/** For afterAll: stops whatever a failed test left running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running.keys()].map((server) => server.stop()))
}
