// The sandbox's own record of what it started: $GEO_REDIS_HOME/sandbox/state.json (mode 0600, in a 0700 directory),
// the files beside it (the emulator's world, the CA, the logs, the replicator's view). The background programs
// (replicator, emulator hooks) read it too, given only the directory.
import {existsSync, mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {UsageError} from '../../domain/errors.js'
import {writeFileAtomicSync} from '../../shared/atomic.js'
import type {World} from '../emulator/world.js'

export const STATE_VERSION = 2
export const SANDBOX_PROFILE = 'sandbox'

/** A process the sandbox started. `match`: fragments that must all appear in its command line for a pid to be ours. */
export interface ProcessRecord {
  pid: number
  match: string[]
  /** where its stdout/stderr go */
  log: string
}

/**
 * How a drill takes a member down: its redis-server stopped, or frozen (SIGSTOP), or isolated (its redis-server and
 * ARM keep answering; the replicator copies nothing to or from it).
 */
export type OutageMode = 'stop' | 'freeze' | 'isolate'

export interface MemberRecord {
  /** ARM database id */
  id: string
  cluster: string
  /** display name, e.g. "North Europe" */
  location: string
  role: 'member' | 'standalone'
  /** its own loopback address, where its redis-server listens */
  host: string
  /** its cluster's hostName in the emulator's world, which the sandbox profile maps to `host` (absent: `host` itself, as before) */
  hostName?: string
  port: number
  tls: boolean
  /** the redis-server's working directory (config, log, pid file) */
  dir: string
  config: string
  /** null with --no-redis, or while an outage (stop) has it down */
  process: ProcessRecord | null
  outage?: {mode: OutageMode; since: string}
  /** `sandbox lag`: the delay of every copy to and from this member (absent: the group's lagMs); the replicator follows it */
  lagMs?: number
}

export interface SandboxState {
  version: typeof STATE_VERSION
  startedAt: string
  /** the state is written as each process starts; `ready` only once up finished */
  ready: boolean
  kind: 'group' | 'fleet'
  nickname: string | null
  lagMs: number
  plaintext: boolean
  redis: boolean
  /** ARM bearer token of the sandbox (also in the profile); protects the emulator's admin API */
  token: string
  emulator: {url: string | null; port: number | null; process: ProcessRecord | null}
  replicator: ProcessRecord | null
  members: MemberRecord[]
  fleet?: {clusters: number; subscriptions: number}
}

/** A ready sandbox as a drill changes it: its state, its files, and how to save the state. */
export interface RunningSandbox {
  state: SandboxState
  paths: SandboxPaths
  save: () => void
}

export interface SandboxPaths {
  dir: string
  state: string
  world: string
  ca: string
  tlsDir: string
  serverCert: string
  serverKey: string
  /** the emulator's bearer token (mode 0600), so it never appears on a command line */
  token: string
  emulatorLog: string
  emulatorReady: string
  requestLog: string
  replicatorLog: string
  replicatorReady: string
  /** the replicator's view, rewritten every second: connected members, peers, counters */
  replicatorStatus: string
  /** beside the state directory, so `down` can remove the directory while holding it */
  lock: string
}

/** The sandbox of a geo-redis home ($GEO_REDIS_HOME, which the command knows). */
export function sandboxPaths(home: string): SandboxPaths {
  return {...statePathsIn(join(home, 'sandbox')), lock: join(home, 'sandbox.lock')}
}

/** The files of a sandbox state directory (the background processes get only the directory). */
export function statePathsIn(dir: string): Omit<SandboxPaths, 'lock'> {
  return {
    dir,
    state: join(dir, 'state.json'),
    world: join(dir, 'world.json'),
    ca: join(dir, 'ca.pem'),
    tlsDir: join(dir, 'tls'),
    serverCert: join(dir, 'tls', 'server.pem'),
    serverKey: join(dir, 'tls', 'server-key.pem'),
    token: join(dir, 'token'),
    emulatorLog: join(dir, 'emulator.log'),
    emulatorReady: join(dir, 'emulator-ready.json'),
    requestLog: join(dir, 'arm-requests.jsonl'),
    replicatorLog: join(dir, 'replicator.log'),
    replicatorReady: join(dir, 'replicator-ready.json'),
    replicatorStatus: join(dir, 'replicator-status.json'),
  }
}

export function readState(paths: Pick<SandboxPaths, 'dir' | 'state'>): SandboxState | null {
  if (!existsSync(paths.state)) return null
  let state: SandboxState
  try {
    state = JSON.parse(readFileSync(paths.state, 'utf8')) as SandboxState
  } catch (error) {
    throw new UsageError(
      `cannot read the sandbox state ${paths.state}: ${(error as Error).message.replace(/\s+/g, ' ')}`,
      '`geo-redis sandbox down` stops what it started (found by command lines and pid files) and removes the folder',
    )
  }
  const version: number = state.version
  if (version !== STATE_VERSION) {
    throw new UsageError(
      `the sandbox state ${paths.state} has version ${String(version)}, this geo-redis reads ${STATE_VERSION}`,
      '`geo-redis sandbox down` stops what it started (found by command lines and pid files) and removes the folder',
    )
  }
  return state
}

export function writeState(state: SandboxState, paths: Pick<SandboxPaths, 'dir' | 'state'>): void {
  mkdirSync(paths.dir, {recursive: true, mode: 0o700})
  writeFileAtomicSync(paths.state, JSON.stringify(state, null, 2) + '\n')
}

/** Every process the state records, with a name for reports. */
export function recordedProcesses(state: SandboxState): {name: string; process: ProcessRecord; member?: MemberRecord}[] {
  const list: {name: string; process: ProcessRecord; member?: MemberRecord}[] = []
  if (state.replicator) list.push({name: 'replicator', process: state.replicator})
  if (state.emulator.process) list.push({name: 'arm-emulator', process: state.emulator.process})
  for (const m of state.members) if (m.process) list.push({name: m.cluster, process: m.process, member: m})
  return list
}

/** The emulator's world file, or null when missing or torn (it is replaced atomically: the next read will do). */
export function readWorld(path: string): World | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as World
  } catch {
    return null
  }
}
