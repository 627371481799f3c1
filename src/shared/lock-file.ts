// An exclusive lock file on this machine, holding who owns it (pid, host, what it does, since when). A lock left by a
// process that is gone is taken over; one written on another host (a home folder shared over the network) is never
// judged stale from here. Used by the sandbox (one command at a time) and by guarded mutations (one per group).
import {closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync} from 'node:fs'
import {hostname} from 'node:os'
import {dirname} from 'node:path'

export interface LockHolder {
  pid: number
  host: string
  what: string
  since: string
}

export interface Lock {
  release(): void
}

/** Another live process holds the lock. */
export class LockBusyError extends Error {
  constructor(readonly holder: LockHolder) {
    super(`${holder.what} (pid ${holder.pid} on ${holder.host}, since ${holder.since}) holds the lock`)
    this.name = 'LockBusyError'
  }
}

/** Exists and is not a zombie; EPERM means it exists but belongs to another user. */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  return processStatus(pid) !== 'Z'
}

/** One-letter state from /proc (R, S, T stopped, Z zombie …); null when unknown (not Linux, or gone). */
function processStatus(pid: number): string | null {
  if (process.platform !== 'linux') return null
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ")"
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null
  } catch {
    return null
  }
}

const HOST = hostname()

/** The holder is gone: its process ended on this host (a holder on another host cannot be judged from here). */
function stale(holder: LockHolder | null): boolean {
  return holder === null || (holder.host === HOST && !isAlive(holder.pid))
}

/**
 * Takes the lock at `path` (its folder is created, mode 0700). `waitMs` 0: throw LockBusyError at once when another
 * live process holds it; else retry until then.
 */
export async function acquireLockFile(path: string, what: string, waitMs: number): Promise<Lock> {
  mkdirSync(dirname(path), {recursive: true, mode: 0o700})
  const end = Date.now() + waitMs
  for (;;) {
    try {
      const fd = openSync(path, 'wx', 0o600)
      const holder: LockHolder = {pid: process.pid, host: HOST, what, since: new Date().toISOString()}
      writeSync(fd, JSON.stringify(holder))
      closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          // only our own lock: if it was taken over meanwhile, the new owner's stays
          const now = lockHolder(path)
          if (now !== null && now !== 'being-written' && now.pid === process.pid && now.host === HOST) rmSync(path, {force: true})
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const holder = lockHolder(path)
    if (holder === 'being-written') {
      await new Promise((resolve) => setTimeout(resolve, 50))
      continue
    }
    if (stale(holder)) {
      // the holder is gone (crashed, killed): take its lock over by renaming it aside, which only one racer can do,
      // and put it back if what was renamed turns out to be a newer, live lock
      takeOverStale(path, holder)
      continue
    }
    if (Date.now() >= end) throw new LockBusyError(holder as LockHolder)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function takeOverStale(path: string, dead: LockHolder | null): void {
  const aside = `${path}.${process.pid}.stale`
  try {
    renameSync(path, aside)
  } catch {
    return // another process got there first
  }

  const renamed = lockHolder(aside)
  const same = renamed === null || (renamed !== 'being-written' && dead !== null && renamed.pid === dead.pid && renamed.host === dead.host)
  try {
    if (!same) linkSync(aside, path)
  } catch {
    // a third process locked meanwhile; the renamed lock's owner runs on unaware: rare enough (three processes
    // racing one stale lock) to accept
  }

  rmSync(aside, {force: true})
}

function lockHolder(path: string): LockHolder | 'being-written' | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Record<keyof LockHolder, unknown>>
    if (typeof parsed.pid !== 'number') return null
    return {
      pid: parsed.pid,
      // a lock written before locks named their host was written here
      host: typeof parsed.host === 'string' ? parsed.host : HOST,
      what: typeof parsed.what === 'string' ? parsed.what : 'unknown',
      since: typeof parsed.since === 'string' ? parsed.since : 'unknown',
    }
  } catch {
    // gone meanwhile, being written right now, or garbage: garbage older than a second is stale
    try {
      return Date.now() - statSync(path).mtimeMs < 1000 ? 'being-written' : null
    } catch {
      return null
    }
  }
}
