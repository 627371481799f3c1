// The sandbox's own record of what it started: $GEO_REDIS_HOME/sandbox/state.json (mode 0600, in a 0700 directory),
// and one lock file beside the directory so two commands never change the sandbox at once.
import {closeSync, existsSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {geoRedisHome} from '../cli/profiles.js'
import {writeFileAtomicSync} from '../evidence/atomic.js'
import {UsageError} from '../domain/errors.js'
import {isAlive} from './processes.js'

export const STATE_VERSION = 1
export const SANDBOX_PROFILE = 'sandbox'

/** A process the sandbox started. `match`: fragments that must all appear in its command line for a pid to be ours. */
export interface ProcessRecord {
  pid: number
  match: string[]
  /** where its stdout/stderr go */
  log: string
}

export type OutageMode = 'stop' | 'freeze'

export interface MemberRecord {
  /** ARM database id */
  id: string
  cluster: string
  /** display name, e.g. "North Europe" */
  location: string
  role: 'member' | 'standalone'
  port: number
  tls: boolean
  /** the redis-server's working directory (config, log, pid file) */
  dir: string
  config: string
  /** null with --no-redis, or while an outage (stop) has it down */
  process: ProcessRecord | null
  outage?: {mode: OutageMode; since: string}
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

export function sandboxPaths(home = geoRedisHome()): SandboxPaths {
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

export function readState(paths: Pick<SandboxPaths, 'dir' | 'state'> = sandboxPaths()): SandboxState | null {
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
  if (state.version !== STATE_VERSION) {
    throw new UsageError(
      `the sandbox state ${paths.state} has version ${String(state.version)}, this geo-redis reads ${STATE_VERSION}`,
      '`geo-redis sandbox down` stops what it started (found by command lines and pid files) and removes the folder',
    )
  }
  return state
}

export function writeState(state: SandboxState, paths: Pick<SandboxPaths, 'dir' | 'state'> = sandboxPaths()): void {
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

export interface Lock {
  release(): void
}

/**
 * An exclusive lock file holding the owner's pid. A lock left by a process that is gone is taken over.
 * `waitMs` 0: fail at once when another live command holds it.
 */
export async function acquireLock(paths: SandboxPaths, what: string, waitMs: number): Promise<Lock> {
  mkdirSync(join(paths.lock, '..'), {recursive: true, mode: 0o700})
  const end = Date.now() + waitMs
  for (;;) {
    try {
      const fd = openSync(paths.lock, 'wx', 0o600)
      writeSync(fd, JSON.stringify({pid: process.pid, what, since: new Date().toISOString()}))
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          // only our own lock: if it was taken over meanwhile, the new owner's stays
          const holder = lockHolder(paths.lock)
          if (holder !== null && holder !== 'being-written' && holder.pid === process.pid) rmSync(paths.lock, {force: true})
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = lockHolder(paths.lock)
    if (holder === 'being-written') {
      await new Promise((resolve) => setTimeout(resolve, 50))
      continue
    }
    if (holder === null || !isAlive(holder.pid)) {
      // the holder is gone (crashed, killed): take its lock over by renaming it aside, which only one racer can do,
      // and put it back if what was renamed turns out to be a newer, live lock
      takeOverStale(paths.lock, holder === null ? null : holder.pid)
      continue
    }
    if (Date.now() >= end) {
      throw new UsageError(
        `another sandbox command (${holder.what}, pid ${holder.pid}) is running`,
        'wait for it to finish, then try again; `geo-redis sandbox status` shows what runs',
        'SandboxBusy',
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function takeOverStale(lock: string, deadPid: number | null): void {
  const aside = `${lock}.${process.pid}.stale`
  try {
    renameSync(lock, aside)
  } catch {
    return // another command got there first
  }

  const renamed = lockHolder(aside)
  const stale = renamed === null || (renamed !== 'being-written' && renamed.pid === deadPid)
  try {
    if (!stale) linkSync(aside, lock)
  } catch {
    // a third command locked meanwhile; the renamed lock's owner runs on unaware: rare enough (three commands
    // racing one stale lock) to accept
  }

  rmSync(aside, {force: true})
}

function lockHolder(path: string): {pid: number; what: string} | 'being-written' | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as {pid?: unknown; what?: unknown}
    return typeof parsed.pid === 'number' ? {pid: parsed.pid, what: String(parsed.what ?? 'unknown')} : null
  } catch {
    // gone meanwhile, being written right now, or garbage: garbage older than a second is stale
    try {
      return Date.now() - statSync(path).mtimeMs < 1000 ? 'being-written' : null
    } catch {
      return null
    }
  }
}
