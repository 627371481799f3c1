// Runs the built CLI (bin/run.js) as a subprocess, as a user or a pipeline would, with a bounded time.
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {EmulatorOptions, RequestLogEntry} from '../../src/sandbox/emulator/server.js'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import {startTestEmulator, type TestEmulator} from './emulator.js'
import {startRedisServer, type RedisServer} from './redis-server.js'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  timeoutMs?: number
  input?: string
  cwd?: string
  /** sends a signal once stderr matches, e.g. Ctrl-C (SIGINT) while an operation is being polled */
  interrupt?: {when: RegExp; signal?: NodeJS.Signals} | {afterMs: number; signal?: NodeJS.Signals}
}

/** The environment a test CLI needs to reach a test emulator: its URL, token and CA. */
export function emulatorEnv(emulator: {url: string; token: string; caPath: string}): Record<string, string> {
  return {
    GEO_REDIS_ARM_ENDPOINT: emulator.url,
    GEO_REDIS_ACCESS_TOKEN: emulator.token,
    NODE_EXTRA_CA_CERTS: emulator.caPath,
    GEO_REDIS_POLL_INTERVAL_MS: '100',
    GEO_REDIS_ARM_TIMEOUT_MS: '5000',
    CI: '1',
  }
}

/** For a CLI driving a real sandbox home: only the home decides the profile, nothing from the developer's environment. */
export function sandboxHomeEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GEO_REDIS_HOME: home,
    GEO_REDIS_PROFILE: undefined,
    GEO_REDIS_ARM_ENDPOINT: undefined,
    GEO_REDIS_ACCESS_TOKEN: undefined,
    AZURE_SUBSCRIPTION_ID: undefined,
    NODE_EXTRA_CA_CERTS: undefined,
    GEO_REDIS_ARM_TIMEOUT_MS: '5000',
    GEO_REDIS_POLL_INTERVAL_MS: '100',
    CI: '1',
    ...extra,
  }
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...options.env}
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
    const child = spawn(process.execPath, [BIN, ...args], {env: env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    let interrupted = false
    const interrupt = () => {
      if (interrupted || !options.interrupt) return
      interrupted = true
      child.kill(options.interrupt.signal ?? 'SIGINT')
    }

    const delayed = options.interrupt && 'afterMs' in options.interrupt ? setTimeout(interrupt, options.interrupt.afterMs) : undefined
    child.stderr.on('data', (d) => {
      stderr += d
      if (options.interrupt && 'when' in options.interrupt && options.interrupt.when.test(stderr)) interrupt()
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`geo-redis ${args.join(' ')} did not end within ${options.timeoutMs ?? 30_000} ms\n${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      clearTimeout(delayed)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}

export interface CliSandbox {
  emulator: TestEmulator
  /** emulatorEnv plus GEO_REDIS_HOME in `dir` */
  env: Record<string, string>
  /** a temp folder for GEO_REDIS_HOME and evidence bundles; removed by stop() */
  dir: string
  /** member database ids in sandboxWorld order: sandbox-westus2, sandbox-eastus, sandbox-northeurope, ... */
  ids: string[]
  /** each member's access keys; its redis-server requires the primary key */
  keys: {primaryKey: string; secondaryKey: string}[]
  /** the running redis-servers, by member index (null for a member that is down), then the standalone cache's */
  servers: (RedisServer | null)[]
  stop(): Promise<void>
}

export interface CliSandboxOptions {
  members?: number
  /** member indexes with no redis-server behind their address: they do not answer probes */
  down?: number[]
  /** a redis-server behind the standalone cache too (`servers[members]`) */
  standalone?: boolean
  emulator?: Partial<Omit<EmulatorOptions, 'world'>>
  /** edit the world before the emulator starts, e.g. to make a member already unlinked */
  world?: (world: World) => void
}

/**
 * The sandbox group on the emulator, its members (and, with `standalone`, the standalone cache) backed by real
 * plaintext redis-servers, each on a loopback address of its own at port 10000, as Azure clusters each have a host.
 */
export async function startCliSandbox(options: CliSandboxOptions = {}): Promise<CliSandbox> {
  const members = options.members ?? 3
  const down = new Set(options.down ?? [])
  const keys = Array.from({length: members + 1}, () => ({primaryKey: randomBytes(32).toString('base64'), secondaryKey: randomBytes(32).toString('base64')}))
  const count = options.standalone ? members + 1 : members
  const started = await Promise.all(keys.slice(0, count).map((k) => startRedisServer({password: k.primaryKey, ownAddress: true})))
  // a down member keeps an address that was just freed, which no other process allocates: connections are refused
  for (const i of down) await started[i].stop()
  const servers = started.map((server, i) => (down.has(i) ? null : server))
  const world = sandboxWorld({members, plaintext: true, endpoints: started.map((server) => ({host: server.host, port: server.port})), keys})
  options.world?.(world)
  const emulator = await startTestEmulator(world, {retryAfterSeconds: 0, ...options.emulator})
  const dir = await mkdtemp(join(tmpdir(), 'geo-redis-cli-'))
  return {
    emulator,
    env: {...emulatorEnv(emulator), GEO_REDIS_HOME: join(dir, 'home')},
    dir,
    ids: world.databases.slice(0, members).map((d) => d.id),
    keys,
    servers,
    async stop() {
      await Promise.all([emulator.stop(), ...servers.map((server) => server?.stop())])
      await rm(dir, {recursive: true, force: true})
    },
  }
}

/** POSTs other than listKeys: the requests that change something. */
export function mutatingRequests(requests: RequestLogEntry[]): RequestLogEntry[] {
  return requests.filter((r) => r.method === 'POST' && !/\/listkeys$/i.test(r.path))
}
