// The sandbox use cases: up, status, down, outage, restore. A three-region group on one machine: the ARM
// emulator, one redis-server per database and a replicator, all detached so they outlive the command, recorded
// in $GEO_REDIS_HOME/sandbox/state.json. Never prints: progress goes to onProgress, results are returned.
import {randomBytes, randomUUID} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {join, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {writeFileAtomicSync} from '../evidence/atomic.js'
import {secrets} from '../shared/redact.js'
import {readProfiles, writeProfile} from '../cli/profiles.js'
import {GeoRedisError, InterruptedError, OperationError, UsageError} from '../domain/errors.js'
import {idKey, normaliseLocation} from '../domain/ids.js'
import {SANDBOX, sandboxWorld, syntheticFleet} from '../sandbox/emulator/scenarios.js'
import {nameOf, type World} from '../sandbox/emulator/world.js'
import type {ReplicatorView} from '../sandbox/replicator.js'
import {loopbackAddress, MEMBER_PORT} from '../sandbox/addresses.js'
import {
  commandLine,
  hostProcesses,
  isAlive,
  liveness,
  portIsFree,
  signal as sendSignal,
  spawnDetached,
  stopProcess,
  waitFor,
  which,
  type Liveness,
  type StopResult,
} from '../sandbox/processes.js'
import {
  memberTarget,
  pingMember,
  PortInUseError,
  REDIS_INSTALL_HINT,
  startRedisMember,
  TITLE_MARKER,
  writeMemberConfig,
  type TlsFiles,
} from '../sandbox/redis-members.js'
import {
  acquireLock,
  readState,
  recordedProcesses,
  SANDBOX_PROFILE,
  sandboxPaths,
  STATE_VERSION,
  writeState,
  type MemberRecord,
  type OutageMode,
  type ProcessRecord,
  type SandboxPaths,
  type SandboxState,
} from '../sandbox/state.js'

export type {OutageMode} from '../sandbox/state.js'

export const SANDBOX_OPERATOR = {
  upn: 'sandbox-operator@geo-redis.local',
  name: 'Sandbox Operator',
  /** an application id of our own: the sandbox is no registered Entra application */
  appid: '6e1c3a52-0b7d-4f4e-9a1d-5c2b8e7f9a10',
} as const

const EMULATOR_READY_MS = 15_000
const REPLICATOR_READY_MS = 10_000
const ADDRESS_ATTEMPTS = 20
const LOCK_WAIT_MS = 15_000
const ADMIN_TIMEOUT_MS = 3000
/** beyond this every ARM call of a client times out anyway */
const MAX_ARM_LATENCY_MS = 60_000

export interface SandboxContext {
  onProgress?: (line: string) => void
  signal?: AbortSignal
}

// ---------------------------------------------------------------------------------------------------- results

export interface MemberSummary {
  name: string
  id: string
  role: 'member' | 'standalone'
  region: string
  location: string
  host: string
  port: number
  tls: boolean
  /** null with --no-redis or while stopped by an outage drill */
  pid: number | null
  outage: OutageMode | null
}

export interface UpOptions extends SandboxContext {
  members: number
  nickname: string
  plaintext: boolean
  lagMs: number
  redis: boolean
  armLatencyMs?: number
  armThrottleRate?: number
  armErrorRate?: number
  /** an ARM-only synthetic fleet instead of the group */
  fleet?: {clusters: number; subscriptions: number}
  /** emulator port; 0 or absent: any free port */
  port?: number
}

export interface UpResult {
  stateDir: string
  profile: string
  caPath: string
  kind: 'group' | 'fleet'
  emulator: {url: string; pid: number}
  group: {nickname: string; members: number; lagMs: number; replicatorPid: number | null} | null
  members: MemberSummary[]
  fleet: {clusters: number; subscriptions: number} | null
  /** what up found and cleaned first (a stale sandbox), or notes on how it runs */
  notes: string[]
  next: string[]
  elapsedMs: number
}

export interface ProcessStatus {
  name: string
  pid: number | null
  process: Liveness | 'not started' | 'stopped by outage drill'
}

export interface MemberStatus extends MemberSummary {
  process: ProcessStatus['process']
  ping: 'ok' | 'failed' | 'skipped'
  pingMs: number | null
  error?: string
  /** replication === 'replicating'; null for the standalone cache or without a replicator */
  replicating: boolean | null
  replication: Replication | null
}

export interface StatusResult {
  running: boolean
  stateDir: string
  startedAt: string | null
  kind: 'group' | 'fleet' | null
  emulator: {url: string | null; pid: number | null; process: ProcessStatus['process']; health: 'ok' | 'failed'; error?: string} | null
  replicator: {pid: number; process: Liveness; lagMs: number; stats: Record<string, number> | null} | null
  members: MemberStatus[]
  problems: string[]
}

export interface DownResult {
  nothingToDo: boolean
  stateDir: string
  stopped: {name: string; pid: number; result: StopResult}[]
  profileRemoved: boolean
  /** processes that were still alive after SIGKILL */
  survivors: {name: string; pid: number}[]
  /** how the processes were found when the state could not say (corrupt or missing), or besides it */
  notes: string[]
}

export interface OutageResult {
  member: MemberSummary
  mode: OutageMode
  /** how the emulator answers ARM requests for the member's cluster meanwhile */
  arm: 'error' | 'timeout'
  redis: 'stopped' | 'frozen' | 'none (--no-redis)'
  alreadyInOutage: boolean
  next: string[]
}

/**
 * How the replicator sees a group member: replicating (connected, and linked to at least one member), not linked
 * (connected, but force-unlinked: its writes stay local), not connected, or unknown (no recent word from it).
 */
export type Replication = 'replicating' | 'not linked' | 'not connected' | 'unknown'

export interface RestoreResult {
  nothingToDo: boolean
  restored: {
    member: MemberSummary
    from: OutageMode
    redis: 'restarted' | 'thawed' | 'none (--no-redis)'
    replicating: boolean | null
    replication: Replication | null
    /** the resync that followed the restore: the peer (cluster name) and keys copied, or why none happened */
    resync: {from: string | null; keys: number; ok: boolean; error?: string} | null
  }[]
}

// ---------------------------------------------------------------------------------------------------- up

export function validateUpOptions(options: UpOptions): void {
  const bad = (message: string, suggestion: string) => new UsageError(message, suggestion)
  if (!options.fleet && (!Number.isInteger(options.members) || options.members < 2 || options.members > SANDBOX.regions.length)) {
    throw bad(`--members must be between 2 and ${SANDBOX.regions.length}, got ${options.members}`, 'the sandbox has one member per region: 2 to 5')
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/.test(options.nickname)) {
    throw bad(`--nickname "${options.nickname}" is not a valid group nickname`, 'use letters, digits and dashes, starting with a letter or digit')
  }
  if (!Number.isFinite(options.lagMs) || options.lagMs < 0 || options.lagMs > 60_000) {
    throw bad(`--lag-ms must be between 0 and 60000, got ${options.lagMs}`, 'e.g. --lag-ms 200')
  }
  for (const [flag, rate] of [['--arm-throttle-rate', options.armThrottleRate], ['--arm-error-rate', options.armErrorRate]] as const) {
    if (rate !== undefined && (!Number.isFinite(rate) || rate < 0 || rate > 1)) throw bad(`${flag} must be between 0 and 1, got ${rate}`, `e.g. ${flag} 0.05`)
  }
  if (options.armLatencyMs !== undefined && (!Number.isInteger(options.armLatencyMs) || options.armLatencyMs < 0 || options.armLatencyMs > MAX_ARM_LATENCY_MS)) {
    throw bad(`--arm-latency-ms must be between 0 and ${MAX_ARM_LATENCY_MS}, got ${options.armLatencyMs}`, 'e.g. --arm-latency-ms 50')
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)) {
    throw bad(`--port must be a TCP port (0-65535), got ${options.port}`, 'omit --port to take any free port')
  }
  if (options.fleet) {
    const {clusters, subscriptions} = options.fleet
    if (!Number.isInteger(clusters) || clusters < 1 || clusters > 100_000) throw bad(`--clusters must be between 1 and 100000, got ${clusters}`, 'e.g. --clusters 2000')
    if (!Number.isInteger(subscriptions) || subscriptions < 1 || subscriptions > 1000) {
      throw bad(`--subscriptions must be between 1 and 1000, got ${subscriptions}`, 'e.g. --subscriptions 20')
    }
  }
}

export async function sandboxUp(options: UpOptions): Promise<UpResult> {
  validateUpOptions(options)
  const redis = options.redis && !options.fleet
  const redisServer = redis ? which('redis-server') : null
  if (redis && !redisServer) throw new UsageError('redis-server is not on PATH', REDIS_INSTALL_HINT, 'RedisServerMissing')

  if (options.port && !(await portIsFree(options.port))) {
    throw new UsageError(`port ${options.port} is already in use`, 'choose another --port, or omit it to take any free port')
  }

  // a broken profiles file is exit 2 now, not after everything started
  readProfiles()
  const paths = sandboxPaths()
  const lock = await acquireLock(paths, 'sandbox up', 0)
  try {
    const notes = clearStale(paths)
    for (const note of notes) options.onProgress?.(`(!) ${note}`)
    const result = await start({...options, redis}, redisServer, paths)
    return {...result, notes: [...notes, ...result.notes]}
  } finally {
    lock.release()
  }
}

/**
 * Refuses while anything of a sandbox runs, whether its state records it or only the host shows it (a corrupt or
 * missing state.json); removes what a stale one (nothing running) left behind.
 */
function clearStale(paths: SandboxPaths): string[] {
  const {state, unreadable} = readStateIfAny(paths)
  const processes = state ? recordedProcesses(state).map((p) => ({...p, liveness: liveness(p.process)})) : []
  const running = processes.filter((p) => p.liveness === 'running')
  const strays = unrecorded(paths, running.map((p) => p.process.pid))
  if (running.length > 0 || strays.length > 0) {
    const listed = [...running, ...strays].map((p) => `${p.name} pid ${p.process.pid}`).join(', ')
    throw new UsageError(
      state && strays.length === 0
        ? `a sandbox is already running (started ${state.startedAt}; ${listed})`
        : `processes of the sandbox in ${paths.dir} are still running${state ? '' : ` though its state ${unreadable ? 'cannot be read' : 'is missing'}`}: ${listed}`,
      state
        ? 'see it with `geo-redis sandbox status`, or stop it with `geo-redis sandbox down` before `sandbox up`'
        : 'stop them with `geo-redis sandbox down` (it finds them by command line and pid file), then `geo-redis sandbox up`',
      'SandboxRunning',
    )
  }
  if (!existsSync(paths.dir)) return []
  const foreign = processes.filter((p) => p.liveness === 'foreign')
  rmSync(paths.dir, {recursive: true, force: true})
  const profileRemoved = removeOwnProfile(paths)
  const notes = [
    state
      ? `found a stale sandbox (started ${state.startedAt}): none of its ${processes.length} recorded processes is running; cleaned it up`
      : `found a sandbox directory without a readable state (${paths.dir}); removed it`,
  ]
  if (foreign.length > 0) {
    notes.push(`pid ${foreign.map((p) => p.process.pid).join(', ')} now belong${foreign.length === 1 ? 's' : ''} to another program: left alone`)
  }
  if (profileRemoved) notes.push(`removed its profile "${SANDBOX_PROFILE}"`)
  return notes
}

/** The state, or null when there is none or it cannot be read (then `unreadable` says why). */
function readStateIfAny(paths: SandboxPaths): {state: SandboxState | null; unreadable: string | null} {
  try {
    return {state: readState(paths), unreadable: null}
  } catch (error) {
    return {state: null, unreadable: (error as Error).message}
  }
}

/** The programs the sandbox starts with node, recognised by their script on a command line. */
const NODE_PROGRAMS = [
  {name: 'arm-emulator', script: 'sandbox/emulator/main'},
  {name: 'replicator', script: 'sandbox/replicator-main'},
]

/**
 * The sandbox's processes as the host shows them, whatever state.json says: the emulator and the replicator by a
 * command line that runs their script on this sandbox's folder; redis-servers by their title marker and a working
 * directory or pid file in the folder. A program merely opened in the folder (a shell, an editor) is never one.
 * `known` pids (those the state records) are left out.
 */
function unrecorded(paths: SandboxPaths, known: number[]): {name: string; process: ProcessRecord}[] {
  const inFolder = (path: string) => path === paths.dir || path.startsWith(`${paths.dir}${sep}`)
  const namesFolder = (line: string) => `${line} `.includes(`${paths.dir} `) || line.includes(`${paths.dir}${sep}`)
  const found = new Map<number, {name: string; process: ProcessRecord}>()
  const add = (pid: number, name: string, line: string) => {
    if (pid !== process.pid && !known.includes(pid)) found.set(pid, {name, process: {pid, match: [line], log: ''}})
  }
  const redisName = (line: string) => line.replace(` ${TITLE_MARKER}`, '').replace(/^\S*\/(?=redis-server)/, '').trim()
  for (const p of hostProcesses()) {
    const program = NODE_PROGRAMS.find((n) => p.commandLine.includes(n.script))
    if (program && namesFolder(p.commandLine)) add(p.pid, program.name, p.commandLine)
    else if (p.commandLine.includes(TITLE_MARKER) && p.cwd && inFolder(p.cwd)) add(p.pid, redisName(p.commandLine), p.commandLine)
  }
  // where /proc shows no working directory (not Linux, another user): the pid files the redis-servers write
  for (const pidFile of redisPidFiles(paths)) {
    const pid = readPid(pidFile)
    if (pid === null || found.has(pid) || !isAlive(pid)) continue
    const line = commandLine(pid)
    if (line?.includes(TITLE_MARKER)) add(pid, redisName(line), line)
  }
  return [...found.values()]
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function redisPidFiles(paths: SandboxPaths): string[] {
  try {
    return readdirSync(paths.dir)
      .map((entry) => join(paths.dir, entry, 'redis.pid'))
      .filter((file) => existsSync(file))
  } catch {
    return []
  }
}

/** Removes the "sandbox" profile only when it points at this sandbox's CA (a user's own profile stays). */
function removeOwnProfile(paths: SandboxPaths): boolean {
  let profiles: ReturnType<typeof readProfiles>
  try {
    profiles = readProfiles()
  } catch {
    // a broken profiles file is reported by the commands that read it; it must not stop a teardown
    return false
  }
  const profile = Object.hasOwn(profiles, SANDBOX_PROFILE) ? profiles[SANDBOX_PROFILE] : undefined
  if (!profile || profile.caPath !== paths.ca) return false
  writeProfile(SANDBOX_PROFILE, null)
  return true
}

function randomKey(): string {
  return randomBytes(32).toString('base64')
}

/** An unsigned JWT (alg none): a bearer token the emulator accepts, whose claims name the sandbox operator. */
export function sandboxToken(now = Date.now()): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const iat = Math.floor(now / 1000)
  return [
    part({alg: 'none', typ: 'JWT'}),
    part({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${SANDBOX.tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + 30 * 86_400,
      tid: SANDBOX.tenantId,
      oid: randomUUID(),
      appid: SANDBOX_OPERATOR.appid,
      upn: SANDBOX_OPERATOR.upn,
      name: SANDBOX_OPERATOR.name,
      jti: randomBytes(16).toString('hex'),
    }),
    '',
  ].join('.')
}

interface Script {
  /** arguments for node: the script, with a loader when running from TypeScript sources */
  args: string[]
  /** the path that shows in the process's command line */
  path: string
}

/** dist/<rel>.js when built; src/<rel>.ts through tsx when running from sources (bin/dev.js). */
function nodeScript(rel: string): Script {
  const js = fileURLToPath(new URL(`../${rel}.js`, import.meta.url))
  if (existsSync(js)) return {args: [js], path: js}
  const ts = fileURLToPath(new URL(`../${rel}.ts`, import.meta.url))
  if (existsSync(ts)) return {args: ['--import', import.meta.resolve('tsx'), ts], path: ts}
  throw new OperationError(`cannot find ${js}`, 'build geo-redis first: npm run build')
}

function check(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError('interrupted: sandbox up stopped what it had started', 'run `geo-redis sandbox up` again')
}

async function start(options: UpOptions, redisServer: string | null, paths: SandboxPaths): Promise<Omit<UpResult, 'notes'> & {notes: string[]}> {
  const begun = performance.now()
  const progress = options.onProgress ?? (() => {})
  const kind = options.fleet ? 'fleet' : 'group'
  mkdirSync(paths.tlsDir, {recursive: true, mode: 0o700})
  const state: SandboxState = {
    version: STATE_VERSION,
    startedAt: new Date().toISOString(),
    ready: false,
    kind,
    nickname: options.fleet ? null : options.nickname,
    lagMs: options.lagMs,
    plaintext: options.plaintext,
    redis: options.redis,
    token: sandboxToken(),
    emulator: {url: null, port: null, process: null},
    replicator: null,
    members: [],
    ...(options.fleet ? {fleet: options.fleet} : {}),
  }
  // from here on every process is recorded as soon as it exists, so a failure (or a crash of this command)
  // leaves nothing that `down` or the next `up` cannot find
  writeState(state, paths)
  const save = () => writeState(state, paths)
  let profileWritten = false
  try {
    // each member on a loopback address of its own at port 10000, known before the certificate that names them
    const endpoints: {host: string; port: number}[] = []
    for (let i = 0; !options.fleet && i < options.members + 1; i++) endpoints.push(await freeMemberEndpoint())
    progress('creating the sandbox certificate authority')
    // node-forge only when a CA is made: status, down and drills never load it
    const {createCa, createLeaf} = await import('../sandbox/certs.js')
    const ca = createCa('geo-redis sandbox CA')
    const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1', '::1', ...endpoints.map((e) => e.host)]})
    writeFileAtomicSync(paths.ca, ca.cert, 0o644)
    writeFileAtomicSync(paths.serverCert, leaf.cert, 0o644)
    writeFileAtomicSync(paths.serverKey, leaf.key)
    const tls: TlsFiles = {cert: paths.serverCert, key: paths.serverKey, ca: paths.ca}
    check(options.signal)

    let world: World
    if (options.fleet) {
      world = syntheticFleet({clusters: options.fleet.clusters, subscriptions: options.fleet.subscriptions, seed: 1})
    } else {
      const count = options.members + 1
      const keys = Array.from({length: count}, () => ({primaryKey: randomKey(), secondaryKey: randomKey()}))
      world = sandboxWorld({members: options.members, nickname: options.nickname, endpoints, plaintext: options.plaintext, keys})
      state.members = world.databases.map((db, i): MemberRecord => {
        const cluster = world.clusters.find((c) => idKey(`${c.id}/databases/default`) === idKey(db.id))!
        const dir = join(paths.dir, `redis-${i + 1}`)
        return {
          id: db.id,
          cluster: nameOf(cluster.id),
          location: cluster.location,
          role: i < options.members ? 'member' : 'standalone',
          host: endpoints[i].host,
          port: endpoints[i].port,
          tls: !options.plaintext,
          dir,
          config: join(dir, 'redis.conf'),
          process: null,
        }
      })
      save()
      if (redisServer) {
        progress(`starting ${count} redis-servers`)
        await Promise.all(
          state.members.map(async (member, i) => {
            const password = keys[i].primaryKey
            writeMemberConfig(member, password, member.tls ? tls : null)
            try {
              await startRedisMember(member, redisServer, memberTarget(member, password, ca.cert), (record) => {
                member.process = record
                save()
              })
            } catch (error) {
              member.process = null
              // the address was free a moment ago and no other process allocates it: someone bound it on purpose
              if (error instanceof PortInUseError) throw new OperationError(`cannot start ${member.cluster}: ${error.message}`, 'run `geo-redis sandbox up` again')
              throw error
            }
            progress(`(✓) redis-server ${member.cluster} on ${member.host}:${member.port}${member.tls ? ' (TLS)' : ''}, pid ${member.process?.pid}`)
          }),
        )
        check(options.signal)
      }
    }
    writeFileAtomicSync(paths.world, JSON.stringify(world, null, 2))

    progress('starting the ARM emulator')
    await startEmulatorProcess(state, paths, options, save)
    progress(`(✓) ARM emulator at ${state.emulator.url}, pid ${state.emulator.process?.pid}`)
    check(options.signal)

    if (redisServer && kind === 'group') {
      progress('starting the replicator')
      const script = nodeScript('sandbox/replicator-main')
      const spawned = spawnDetached(process.execPath, [...script.args, '--state-dir', paths.dir], {logFile: paths.replicatorLog, cwd: paths.dir})
      state.replicator = {pid: spawned.pid, match: [script.path, paths.dir], log: paths.replicatorLog}
      save()
      const ready = await waitFor(() => spawned.hasExited() || existsSync(paths.replicatorReady) || Boolean(options.signal?.aborted), REPLICATOR_READY_MS)
      check(options.signal)
      if (!ready || spawned.hasExited()) {
        throw new OperationError(
          `the replicator ${spawned.hasExited() ? 'exited' : `did not connect to every member within ${REPLICATOR_READY_MS / 1000} s`}:\n${tail(paths.replicatorLog)}`,
          `see ${paths.replicatorLog}`,
        )
      }
      progress(`(✓) replicator, pid ${spawned.pid}, lag ${options.lagMs} ms`)
    }

    writeProfile(SANDBOX_PROFILE, {armEndpoint: state.emulator.url!, accessToken: state.token, caPath: paths.ca})
    profileWritten = true
    state.ready = true
    save()
  } catch (error) {
    progress('(✗) start-up failed: stopping what was started')
    await teardown(state, paths)
    if (profileWritten) removeOwnProfile(paths)
    if (error instanceof GeoRedisError) throw error
    throw new OperationError(`sandbox up failed: ${(error as Error).message}`, 'fix the cause above and run `geo-redis sandbox up` again')
  }

  const members = state.members.map(summary)
  const drill = members.filter((m) => m.role === 'member').at(-1)
  return {
    stateDir: paths.dir,
    profile: SANDBOX_PROFILE,
    caPath: paths.ca,
    kind,
    emulator: {url: state.emulator.url!, pid: state.emulator.process!.pid},
    group:
      kind === 'group'
        ? {nickname: options.nickname, members: options.members, lagMs: options.lagMs, replicatorPid: state.replicator?.pid ?? null}
        : null,
    members,
    fleet: options.fleet ?? null,
    notes: options.redis || kind === 'fleet' ? [] : ['ARM only (--no-redis): no redis-server runs, so probes of the members fail'],
    next: nextCommands(kind, options.nickname, drill?.region),
    elapsedMs: Math.round(performance.now() - begun),
  }
}

function nextCommands(kind: 'group' | 'fleet', nickname: string, drillRegion: string | undefined): string[] {
  const profile = `--profile ${SANDBOX_PROFILE}`
  if (kind === 'fleet') return [`geo-redis inventory ${profile}`, 'geo-redis sandbox status', 'geo-redis sandbox down']
  return [
    `geo-redis inventory ${profile}`,
    `geo-redis group show ${nickname} ${profile}`,
    `geo-redis probe ${profile}`,
    ...(drillRegion ? [`geo-redis sandbox outage "${drillRegion}"`, `geo-redis sandbox restore "${drillRegion}"`] : []),
    'geo-redis sandbox status',
    'geo-redis sandbox down',
  ]
}

async function startEmulatorProcess(state: SandboxState, paths: SandboxPaths, options: UpOptions, save: () => void): Promise<void> {
  writeFileSync(paths.token, state.token, {mode: 0o600})
  const script = nodeScript('sandbox/emulator/main')
  const args = [
    ...script.args,
    '--world', paths.world,
    '--token-file', paths.token,
    '--host', '127.0.0.1',
    '--port', String(options.port ?? 0),
    '--cert', paths.serverCert,
    '--key', paths.serverKey,
    '--ready-file', paths.emulatorReady,
    '--request-log', paths.requestLog,
  ]
  if (state.redis && state.kind === 'group') args.push('--hooks', nodeScript('sandbox/hooks').path)
  if (options.armLatencyMs !== undefined) args.push('--latency-ms', String(options.armLatencyMs))
  if (options.armThrottleRate !== undefined) args.push('--throttle-rate', String(options.armThrottleRate))
  if (options.armErrorRate !== undefined) args.push('--error-rate', String(options.armErrorRate))
  const spawned = spawnDetached(process.execPath, args, {
    logFile: paths.emulatorLog,
    cwd: paths.dir,
    env: {...process.env, GEO_REDIS_SANDBOX_DIR: paths.dir},
  })
  state.emulator.process = {pid: spawned.pid, match: [script.path, paths.world], log: paths.emulatorLog}
  save()
  const ready = await waitFor(() => spawned.hasExited() || existsSync(paths.emulatorReady) || Boolean(options.signal?.aborted), EMULATOR_READY_MS)
  check(options.signal)
  if (!ready || spawned.hasExited()) {
    const log = tail(paths.emulatorLog)
    if (/EADDRINUSE/.test(log) && options.port) {
      throw new UsageError(`port ${options.port} is already in use`, 'choose another --port, or omit it to take any free port')
    }
    throw new OperationError(
      `the ARM emulator ${spawned.hasExited() ? 'exited' : `was not ready within ${EMULATOR_READY_MS / 1000} s`}:\n${log}`,
      `see ${paths.emulatorLog}`,
    )
  }
  const {url} = JSON.parse(readFileSync(paths.emulatorReady, 'utf8')) as {url: string}
  state.emulator.url = url
  state.emulator.port = Number(new URL(url).port)
  save()
  const health = await adminRequest(state, paths, 'GET', '/_emulator/health')
  if (health.status !== 200) throw new OperationError(`the ARM emulator answers its health check with HTTP ${health.status}`, `see ${paths.emulatorLog}`)
}

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Stops everything the state records (replicator first, so it does not chase the others) and removes the state. */
async function teardown(state: SandboxState, paths: SandboxPaths): Promise<DownResult['stopped']> {
  const stopped: DownResult['stopped'] = []
  const stop = async (name: string, record: ProcessRecord) => stopped.push({name, pid: record.pid, result: await stopProcess(record)})
  if (state.replicator) await stop('replicator', state.replicator)
  await Promise.all(
    recordedProcesses(state)
      .filter((p) => p.name !== 'replicator')
      .map((p) => stop(p.name, p.process)),
  )
  rmSync(paths.dir, {recursive: true, force: true})
  return stopped
}

// ---------------------------------------------------------------------------------------------------- down

export async function sandboxDown(context: SandboxContext = {}): Promise<DownResult> {
  const paths = sandboxPaths()
  const lock = await acquireLock(paths, 'sandbox down', LOCK_WAIT_MS)
  try {
    const {state, unreadable} = readStateIfAny(paths)
    const records = state ? recordedProcesses(state) : []
    // what the host shows besides: everything, when the state is corrupt or missing
    const strays = unrecorded(paths, records.map((r) => r.process.pid))
    const notes: string[] = []
    if (unreadable) notes.push(`${unreadable}; its processes were found by command line and pid file`)
    else if (!state && strays.length > 0) notes.push(`the sandbox state is missing; its processes were found by command line and pid file`)
    else if (strays.length > 0) notes.push(`${strays.length} process(es) of the sandbox were not in its state: stopped them too`)
    if (!state && !existsSync(paths.dir) && strays.length === 0) {
      const profileRemoved = removeOwnProfile(paths)
      return {nothingToDo: !profileRemoved, stateDir: paths.dir, stopped: [], profileRemoved, survivors: [], notes}
    }
    context.onProgress?.('stopping the sandbox')
    const stopped = state ? await teardown(state, paths) : []
    stopped.push(...(await Promise.all(strays.map(async (s) => ({name: s.name, pid: s.process.pid, result: await stopProcess(s.process)})))))
    rmSync(paths.dir, {recursive: true, force: true})
    const profileRemoved = removeOwnProfile(paths)
    const survivors = [...records, ...strays].filter((r) => liveness(r.process) === 'running').map((r) => ({name: r.name, pid: r.process.pid}))
    return {nothingToDo: false, stateDir: paths.dir, stopped, profileRemoved, survivors, notes}
  } finally {
    lock.release()
  }
}

// ---------------------------------------------------------------------------------------------------- status

export async function sandboxStatus(): Promise<StatusResult> {
  const paths = sandboxPaths()
  const state = readState(paths)
  if (!state) {
    return {running: false, stateDir: paths.dir, startedAt: null, kind: null, emulator: null, replicator: null, members: [], problems: []}
  }
  const problems: string[] = []
  const world = readWorld(paths)
  const caPem = state.plaintext || !existsSync(paths.ca) ? undefined : readFileSync(paths.ca, 'utf8')

  const emulatorProcess = state.emulator.process ? liveness(state.emulator.process) : 'not started'
  let health: 'ok' | 'failed' = 'failed'
  let healthError: string | undefined
  if (emulatorProcess === 'running' && state.emulator.url) {
    try {
      const reply = await adminRequest(state, paths, 'GET', '/_emulator/health', undefined, 2000)
      health = reply.status === 200 ? 'ok' : 'failed'
      if (reply.status !== 200) healthError = `HTTP ${reply.status}`
    } catch (error) {
      healthError = (error as Error).message
    }
  } else {
    healthError = `process ${emulatorProcess}`
  }
  if (health !== 'ok') problems.push(`ARM emulator: ${healthError ?? 'unhealthy'}`)

  let replicator: StatusResult['replicator'] = null
  let replicatorView: ReplicatorView | null = null
  if (state.replicator) {
    const alive = liveness(state.replicator)
    replicatorView = alive === 'running' ? readReplicatorView(paths) : null
    replicator = {pid: state.replicator.pid, process: alive, lagMs: state.lagMs, stats: replicatorView ? {...replicatorView.stats} : null}
    if (alive !== 'running') problems.push(`replicator (pid ${state.replicator.pid}): ${alive}`)
  }

  const members = await Promise.all(
    state.members.map(async (m): Promise<MemberStatus> => {
      const base = summary(m)
      const replication = m.role === 'member' && state.replicator ? replicationOf(replicatorView, m) : null
      const replicating = replication === null ? null : replication === 'replicating'
      const seen = {replicating, replication}
      if (!state.redis) return {...base, process: 'not started', ping: 'skipped', pingMs: null, ...seen}
      if (!m.process) {
        const down = m.outage ? 'stopped by outage drill' : 'not started'
        problems.push(`${m.cluster}: redis-server ${down}`)
        return {...base, process: down, ping: 'skipped', pingMs: null, ...seen}
      }
      const alive = liveness(m.process)
      if (alive !== 'running') {
        problems.push(`${m.cluster} (pid ${m.process.pid}): redis-server ${alive}`)
        return {...base, process: alive, ping: 'skipped', pingMs: null, ...seen}
      }
      // force-unlinked ("not linked") is a state a drill makes, not a fault
      if (replication === 'not connected' || (replication === 'unknown' && replicator?.process === 'running')) {
        problems.push(`${m.cluster}: ${replication === 'unknown' ? 'the replicator reports nothing about it' : 'the replicator is not connected to it'}`)
      }
      const password = world?.databases.find((d) => idKey(d.id) === idKey(m.id))?.keys.primaryKey ?? ''
      const ping = await pingMember(memberTarget(m, password, caPem), 1500)
      if (!ping.ok) problems.push(`${m.cluster}: PING failed: ${ping.error}${m.outage ? ` (outage drill: ${m.outage.mode})` : ''}`)
      return {...base, process: alive, ping: ping.ok ? 'ok' : 'failed', pingMs: ping.ms, ...(ping.error ? {error: ping.error} : {}), ...seen}
    }),
  )
  const anyRunning = recordedProcesses(state).some((p) => liveness(p.process) === 'running')
  if (!state.ready) problems.unshift('start-up did not finish (a `sandbox up` is running or failed)')
  if (!anyRunning) {
    problems.unshift('nothing the sandbox started is running (stale state, e.g. after a reboot): `geo-redis sandbox up` cleans it up and starts again')
  }
  return {
    running: anyRunning,
    stateDir: paths.dir,
    startedAt: state.startedAt,
    kind: state.kind,
    emulator: {url: state.emulator.url, pid: state.emulator.process?.pid ?? null, process: emulatorProcess, health, ...(healthError ? {error: healthError} : {})},
    replicator,
    members,
    problems,
  }
}

// ---------------------------------------------------------------------------------------------------- drills

function requireRunning(paths: SandboxPaths): SandboxState {
  const state = readState(paths)
  if (!state || !state.ready) {
    throw new UsageError('the sandbox is not running', 'start it with `geo-redis sandbox up`', 'SandboxNotRunning')
  }
  if (state.kind === 'fleet') {
    throw new UsageError('outage drills need the group sandbox, not a synthetic fleet', 'geo-redis sandbox down && geo-redis sandbox up')
  }
  return state
}

/** A member by cluster name, database or cluster id, or region ("North Europe" or northeurope). */
export function resolveMember(members: MemberRecord[], target: string): MemberRecord {
  const wanted = target.trim()
  const key = idKey(wanted)
  const byName = members.filter((m) => m.cluster.toLowerCase() === key || idKey(m.id) === key || idKey(m.id).startsWith(`${key}/databases/`))
  if (byName.length === 1) return byName[0]
  const region = normaliseLocation(wanted)
  const inRegion = members.filter((m) => normaliseLocation(m.location) === region)
  // a region names the group member there (the standalone cache shares the first region)
  const groupInRegion = inRegion.filter((m) => m.role === 'member')
  if (groupInRegion.length === 1) return groupInRegion[0]
  if (inRegion.length === 1) return inRegion[0]
  const list = members.map((m) => `${m.cluster} (${m.location}${m.role === 'standalone' ? ', standalone cache' : ''})`).join(', ')
  throw new UsageError(`no sandbox member "${target}"`, `name one by cluster, region or database id: ${list}`, 'UnknownMember')
}

export async function sandboxOutage(target: string, mode: OutageMode, context: SandboxContext = {}): Promise<OutageResult> {
  const paths = sandboxPaths()
  const lock = await acquireLock(paths, 'sandbox outage', LOCK_WAIT_MS)
  try {
    const state = requireRunning(paths)
    const member = resolveMember(state.members, target)
    const arm = mode === 'stop' ? 'error' : 'timeout'
    const redisEffect = !state.redis ? 'none (--no-redis)' : mode === 'stop' ? 'stopped' : 'frozen'
    const next = [`geo-redis inventory --profile ${SANDBOX_PROFILE}`, `geo-redis sandbox restore ${member.cluster}`]
    if (member.outage) {
      if (member.outage.mode === mode) return {member: summary(member), mode, arm, redis: redisEffect, alreadyInOutage: true, next}
      throw new UsageError(
        `${member.cluster} is already in a "${member.outage.mode}" outage`,
        `restore it first: geo-redis sandbox restore ${member.cluster}`,
      )
    }
    if (state.redis && member.process) {
      if (mode === 'stop') {
        context.onProgress?.(`stopping redis-server ${member.cluster} (pid ${member.process.pid})`)
        const result = await stopProcess(member.process, {graceMs: 3000})
        if (result === 'foreign') throw pidRecycled(member)
        member.process = null
      } else {
        context.onProgress?.(`freezing redis-server ${member.cluster} (pid ${member.process.pid})`)
        if (!sendSignal(member.process, 'SIGSTOP')) throw pidRecycled(member)
      }
    }
    member.outage = {mode, since: new Date().toISOString()}
    writeState(state, paths)
    await adminRequest(state, paths, 'POST', '/_emulator/outage', {target: member.cluster, mode: arm}).then(expectOk)
    return {member: summary(member), mode, arm, redis: redisEffect, alreadyInOutage: false, next}
  } finally {
    lock.release()
  }
}

function pidRecycled(member: MemberRecord): OperationError {
  return new OperationError(
    `the redis-server of ${member.cluster} is not running (pid ${member.process?.pid} is gone or belongs to another program)`,
    'geo-redis sandbox status; geo-redis sandbox down && geo-redis sandbox up to start over',
  )
}

export async function sandboxRestore(target: string | undefined, context: SandboxContext = {}): Promise<RestoreResult> {
  const paths = sandboxPaths()
  const lock = await acquireLock(paths, 'sandbox restore', LOCK_WAIT_MS)
  try {
    const state = requireRunning(paths)
    const chosen = target ? [resolveMember(state.members, target)] : state.members
    const toRestore = chosen.filter((m) => m.outage)
    if (toRestore.length === 0) return {nothingToDo: true, restored: []}
    const world = readWorld(paths)
    const caPem = state.plaintext ? undefined : readFileSync(paths.ca, 'utf8')
    const redisServer = state.redis ? which('redis-server') : null
    if (state.redis && !redisServer) throw new UsageError('redis-server is no longer on PATH', REDIS_INSTALL_HINT, 'RedisServerMissing')

    const restored: RestoreResult['restored'] = []
    for (const member of toRestore) {
      // before the restart: the replicator may reconnect and resync it before the emulator is told
      const since = Date.now()
      const from = member.outage!.mode
      let redis: RestoreResult['restored'][number]['redis'] = 'none (--no-redis)'
      if (state.redis) {
        if (from === 'freeze' && member.process) {
          context.onProgress?.(`thawing redis-server ${member.cluster} (pid ${member.process.pid})`)
          if (!sendSignal(member.process, 'SIGCONT')) throw pidRecycled(member)
          redis = 'thawed'
        } else if (!member.process || liveness(member.process) !== 'running') {
          context.onProgress?.(`restarting redis-server ${member.cluster} on ${member.host}:${member.port}`)
          const password = world?.databases.find((d) => idKey(d.id) === idKey(member.id))?.keys.primaryKey ?? ''
          try {
            await startRedisMember(member, redisServer!, memberTarget(member, password, caPem), (record) => {
              member.process = record
              writeState(state, paths)
            })
          } catch (error) {
            member.process = null
            writeState(state, paths)
            if (error instanceof PortInUseError) {
              throw new OperationError(
                `cannot restart ${member.cluster}: ${member.host}:${member.port} was taken by another program meanwhile`,
                'geo-redis sandbox down && geo-redis sandbox up',
              )
            }
            throw new OperationError(`cannot restart ${member.cluster}: ${(error as Error).message}`, `see ${member.dir}/redis.log`)
          }
          redis = 'restarted'
        }
      }
      await adminRequest(state, paths, 'POST', '/_emulator/restore', {target: member.cluster}).then(expectOk)
      delete member.outage
      writeState(state, paths)
      let replication: Replication | null = null
      let resync: RestoreResult['restored'][number]['resync'] = null
      if (state.replicator && member.role === 'member') {
        // the replicator reconnects on its own and resyncs the member from a linked peer (if it has one): wait for
        // that, bounded, then report what the replicator says, not what we hoped for
        await waitFor(() => settledAfterRestore(readReplicatorView(paths), member, since), RESTORE_SETTLE_MS, 100)
        const view = readReplicatorView(paths)
        replication = replicationOf(view, member)
        const last = view?.members[idKey(member.id)]?.lastResync
        if (last && Date.parse(last.at) >= since) {
          const peer = last.from ? state.members.find((m) => idKey(m.id) === idKey(last.from!))?.cluster ?? last.from : null
          resync = {from: peer, keys: last.keys, ok: last.ok, ...(last.error ? {error: last.error} : {})}
        }
      }
      restored.push({member: summary(member), from, redis, replicating: replication === null ? null : replication === 'replicating', replication, resync})
    }
    return {nothingToDo: false, restored}
  } finally {
    lock.release()
  }
}

/** The replicator's status file, rewritten on every change and every second; null when missing or torn. */
function readReplicatorView(paths: SandboxPaths): ReplicatorView | null {
  try {
    return JSON.parse(readFileSync(paths.replicatorStatus, 'utf8')) as ReplicatorView
  } catch {
    return null
  }
}

/** A view older than this means the replicator no longer writes it (it writes every second). */
const VIEW_STALE_MS = 5000
const RESTORE_SETTLE_MS = 5000

function replicationOf(view: ReplicatorView | null, member: MemberRecord): Replication {
  const seen = view && Date.now() - Date.parse(view.at) <= VIEW_STALE_MS ? view.members[idKey(member.id)] : undefined
  if (!seen) return 'unknown'
  if (!seen.connected) return 'not connected'
  return seen.peers.length > 0 ? 'replicating' : 'not linked'
}

/** Connected again after `since` and, when it has a linked peer, resynced (or failed to) since then. */
function settledAfterRestore(view: ReplicatorView | null, member: MemberRecord, since: number): boolean {
  const seen = view && Date.parse(view.at) >= since ? view.members[idKey(member.id)] : undefined
  if (!seen?.connected) return false
  return seen.peers.length === 0 || (seen.lastResync !== null && Date.parse(seen.lastResync.at) >= since)
}

// ---------------------------------------------------------------------------------------------------- helpers

/** A loopback address of this process's own where nothing listens on port 10000 yet. */
async function freeMemberEndpoint(): Promise<{host: string; port: number}> {
  for (let attempt = 1; attempt <= ADDRESS_ATTEMPTS; attempt++) {
    const host = loopbackAddress()
    if (await portIsFree(MEMBER_PORT, host)) return {host, port: MEMBER_PORT}
  }
  throw new OperationError(`no free loopback address for a sandbox member (port ${MEMBER_PORT} taken on ${ADDRESS_ATTEMPTS} addresses)`, 'see what listens with `ss -ltn`, then run `geo-redis sandbox up` again')
}

function summary(m: MemberRecord): MemberSummary {
  return {
    name: m.cluster,
    id: m.id,
    role: m.role,
    region: m.location,
    location: normaliseLocation(m.location),
    host: m.host,
    port: m.port,
    tls: m.tls,
    pid: m.process?.pid ?? null,
    outage: m.outage?.mode ?? null,
  }
}

function readWorld(paths: SandboxPaths): World | null {
  try {
    return JSON.parse(readFileSync(paths.world, 'utf8')) as World
  } catch {
    return null
  }
}

interface AdminReply {
  status: number
  body: unknown
}

function expectOk(reply: AdminReply): void {
  if (reply.status !== 200) {
    throw new OperationError(`the ARM emulator refused the drill: HTTP ${reply.status} ${JSON.stringify(reply.body)}`, 'geo-redis sandbox status')
  }
}

/** The emulator's admin API, over its HTTPS with the sandbox CA and token. */
function adminRequest(state: SandboxState, paths: SandboxPaths, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = ADMIN_TIMEOUT_MS): Promise<AdminReply> {
  if (!state.emulator.url) return Promise.reject(new OperationError('the ARM emulator has no URL yet', 'geo-redis sandbox status'))
  const payload = body === undefined ? undefined : JSON.stringify(body)
  secrets.add(state.token)
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, state.emulator.url!),
      {
        method,
        ca: readFileSync(paths.ca),
        // whatever NODE_TLS_REJECT_UNAUTHORIZED says: the request carries the sandbox token
        rejectUnauthorized: true,
        headers: {
          authorization: `Bearer ${state.token}`,
          ...(payload ? {'content-type': 'application/json', 'content-length': Buffer.byteLength(payload)} : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let parsed: unknown = text
          try {
            parsed = text ? JSON.parse(text) : undefined
          } catch {
            // keep the text
          }
          resolve({status: res.statusCode ?? 0, body: parsed})
        })
      },
    )
    req.on('timeout', () => req.destroy(new Error(`the ARM emulator did not answer within ${timeoutMs} ms`)))
    req.on('error', (error) =>
      reject(error instanceof GeoRedisError ? error : new OperationError(`cannot reach the ARM emulator at ${state.emulator.url}: ${error.message}`, 'geo-redis sandbox status')),
    )
    req.end(payload)
  })
}
