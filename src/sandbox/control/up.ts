// `sandbox up`: a three-region group on one machine (or an ARM-only synthetic fleet), detached so it outlives the
// command: the ARM emulator, one redis-server per database and a replicator, each recorded in the state as soon as it
// exists, so a failure (or a crash of this command) leaves nothing that `down` or the next `up` cannot find. Returns
// the profile to save; the command saves it.
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, rmSync} from 'node:fs'
import {GeoRedisError, OperationError, UsageError} from '../../domain/errors.js'
import {writeFileAtomicSync} from '../../shared/atomic.js'
import {sandboxWorld, syntheticFleet} from '../emulator/scenarios.js'
import type {World} from '../emulator/world.js'
import {REDIS_INSTALL_HINT} from '../members/redis-server.js'
import {liveness, portIsFree, which} from '../processes.js'
import {memberSummary, type ProfileKeeper, type SandboxProfile, type UpOptions, type UpResult} from './api.js'
import {readStateIfAny, teardown} from './down.js'
import {checkInterrupted, makeCertificates, startEmulatorProcess, startReplicatorProcess} from './launch.js'
import {acquireLock} from './lock.js'
import {freeMemberEndpoint, groupMembers, startMembers, type Endpoint} from './members.js'
import {recordedProcesses, SANDBOX_PROFILE, sandboxPaths, STATE_VERSION, writeState, type SandboxPaths, type SandboxState} from './state.js'
import {strays} from './strays.js'
import {sandboxToken} from './token.js'
import {validateUpOptions} from './validate.js'

export interface UpOutcome {
  result: UpResult
  /** the "sandbox" profile the command saves */
  profile: SandboxProfile
}

export async function sandboxUp(options: UpOptions): Promise<UpOutcome> {
  validateUpOptions(options)
  const redis = options.redis && !options.fleet
  const redisServer = redis ? which('redis-server') : null
  if (redis && !redisServer) throw new UsageError('redis-server is not on PATH', REDIS_INSTALL_HINT, 'RedisServerMissing')
  if (options.port && !(await portIsFree(options.port))) {
    throw new UsageError(`port ${options.port} is already in use`, 'choose another --port, or omit it to take any free port')
  }
  const paths = sandboxPaths(options.home)
  const lock = await acquireLock(paths, 'sandbox up', 0)
  try {
    const notes = clearStale(paths, options)
    for (const note of notes) options.onProgress?.(`(!) ${note}`)
    const {result, profile} = await start({...options, redis}, redisServer, paths)
    return {result: {...result, notes: [...notes, ...result.notes]}, profile}
  } finally {
    lock.release()
  }
}

/**
 * Refuses while anything of a sandbox runs, whether its state records it or only the host shows it (a corrupt or
 * missing state.json); removes what a stale one (nothing running) left behind.
 */
function clearStale(paths: SandboxPaths, keeper: ProfileKeeper): string[] {
  const {state, unreadable} = readStateIfAny(paths)
  const processes = state ? recordedProcesses(state).map((p) => ({...p, liveness: liveness(p.process)})) : []
  const running = processes.filter((p) => p.liveness === 'running')
  const found = strays(paths, running.map((p) => p.process.pid))
  if (running.length > 0 || found.length > 0) {
    const listed = [...running, ...found].map((p) => `${p.name} pid ${p.process.pid}`).join(', ')
    throw new UsageError(
      state && found.length === 0
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
  const notes = [
    state
      ? `found a stale sandbox (started ${state.startedAt}): none of its ${processes.length} recorded processes is running; cleaned it up`
      : `found a sandbox directory without a readable state (${paths.dir}); removed it`,
  ]
  if (foreign.length > 0) {
    notes.push(`pid ${foreign.map((p) => p.process.pid).join(', ')} now belong${foreign.length === 1 ? 's' : ''} to another program: left alone`)
  }
  if (keeper.forgetProfile(SANDBOX_PROFILE, paths.ca)) notes.push(`removed its profile "${SANDBOX_PROFILE}"`)
  return notes
}

async function start(options: UpOptions, redisServer: string | null, paths: SandboxPaths): Promise<UpOutcome> {
  const begun = performance.now()
  mkdirSync(paths.tlsDir, {recursive: true, mode: 0o700})
  const state = newState(options)
  const save = () => writeState(state, paths)
  save()
  try {
    await startAll(state, paths, options, redisServer, save)
    state.ready = true
    save()
  } catch (error) {
    options.onProgress?.('(✗) start-up failed: stopping what was started')
    await teardown(state, paths)
    if (error instanceof GeoRedisError) throw error
    throw new OperationError(`sandbox up failed: ${(error as Error).message}`, 'fix the cause above and run `geo-redis sandbox up` again')
  }
  return {
    result: upResult(state, paths, options, Math.round(performance.now() - begun)),
    profile: {armEndpoint: state.emulator.url!, accessToken: state.token, caPath: paths.ca, ...hostsOf(state)},
  }
}

/** The members' host names → their addresses, for the profile (none for a fleet, which has no members). */
function hostsOf(state: SandboxState): Pick<SandboxProfile, 'hosts'> {
  const named = state.members.filter((m) => m.hostName && m.hostName !== m.host)
  return named.length === 0 ? {} : {hosts: Object.fromEntries(named.map((m) => [m.hostName!, m.host]))}
}

function newState(options: UpOptions): SandboxState {
  return {
    version: STATE_VERSION,
    startedAt: new Date().toISOString(),
    ready: false,
    kind: options.fleet ? 'fleet' : 'group',
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
}

/** Certificates, the world and its members, the emulator, the replicator: each step checks for an interrupt. */
async function startAll(state: SandboxState, paths: SandboxPaths, options: UpOptions, redisServer: string | null, save: () => void): Promise<void> {
  const progress = options.onProgress ?? (() => {})
  // each member on a loopback address of its own at port 10000, and a host name of its own: both known before the
  // certificate that names them
  const endpoints: Endpoint[] = []
  for (let i = 0; !options.fleet && i < options.members + 1; i++) endpoints.push(await freeMemberEndpoint())
  const keys = endpoints.map(() => ({primaryKey: randomKey(), secondaryKey: randomKey()}))
  const world: World = options.fleet
    ? syntheticFleet({clusters: options.fleet.clusters, subscriptions: options.fleet.subscriptions, seed: 1})
    : sandboxWorld({members: options.members, nickname: options.nickname, endpoints, hostNames: true, plaintext: options.plaintext, keys})
  if (!options.fleet) state.members = groupMembers(world, paths, options.members, endpoints, !options.plaintext)
  save()
  progress('creating the sandbox certificate authority')
  const names = state.members.flatMap((m) => (m.hostName ? [m.hostName] : []))
  const caPem = await makeCertificates(paths, ['localhost', '127.0.0.1', '::1', ...endpoints.map((e) => e.host), ...names], options.signal)
  if (redisServer && state.kind === 'group') {
    progress(`starting ${endpoints.length} redis-servers`)
    await startMembers(state, paths, keys, caPem, redisServer, save, options.onProgress)
    checkInterrupted(options.signal)
  }
  writeFileAtomicSync(paths.world, JSON.stringify(world, null, 2))

  progress('starting the ARM emulator')
  await startEmulatorProcess(state, paths, options, save)
  progress(`(✓) ARM emulator at ${state.emulator.url}, pid ${state.emulator.process?.pid}`)
  checkInterrupted(options.signal)

  if (redisServer && state.kind === 'group') {
    progress('starting the replicator')
    const pid = await startReplicatorProcess(state, paths, options.signal, save)
    progress(`(✓) replicator, pid ${pid}, lag ${options.lagMs} ms`)
  }
}

function randomKey(): string {
  return randomBytes(32).toString('base64')
}

function upResult(state: SandboxState, paths: SandboxPaths, options: UpOptions, elapsedMs: number): UpResult {
  const members = state.members.map(memberSummary)
  const drill = members.filter((m) => m.role === 'member').at(-1)
  return {
    stateDir: paths.dir,
    profile: SANDBOX_PROFILE,
    caPath: paths.ca,
    kind: state.kind,
    emulator: {url: state.emulator.url!, pid: state.emulator.process!.pid},
    group:
      state.kind === 'group'
        ? {nickname: options.nickname, members: options.members, lagMs: options.lagMs, replicatorPid: state.replicator?.pid ?? null}
        : null,
    members,
    fleet: options.fleet ?? null,
    notes: options.redis || state.kind === 'fleet' ? [] : ['ARM only (--no-redis): no redis-server runs, so probes of the members fail'],
    next: nextCommands(state.kind, options.nickname, drill?.region),
    elapsedMs,
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
