// One mutation of a group at a time on this machine: a lock file per group key under $GEO_REDIS_HOME/locks, taken by
// a guarded run once it knows the group (never by a dry run) and held until the run has verified, or ended. A lock
// left by a run that died is taken over. Two machines are not fenced by it: see docs/force-unlink.md.
import {createHash} from 'node:crypto'
import {join} from 'node:path'
import {UsageError} from '../domain/errors.js'
import {suggestCommand} from '../domain/suggest.js'
import type {GroupLocks} from '../services/ports.js'
import {acquireLockFile, LockBusyError, type Lock} from '../shared/lock-file.js'
import {geoRedisHome} from './profiles.js'

export interface HeldGroupLocks extends GroupLocks {
  /** releases every lock this run holds */
  release(): void
}

/** The lock file of a group: its key is an ARM id, so the file is named by its hash. */
export function groupLockPath(groupKey: string, home = geoRedisHome()): string {
  return join(home, 'locks', `group-${createHash('sha256').update(groupKey.toLowerCase()).digest('hex').slice(0, 32)}.lock`)
}

/** `connection`: this run's ARM flags, for the command a refusal suggests. */
export function groupLocks(connection: string[], home = geoRedisHome()): HeldGroupLocks {
  const held: Lock[] = []
  return {
    async hold(groupKey, nickname, what) {
      const path = groupLockPath(groupKey, home)
      try {
        held.push(await acquireLockFile(path, what, 0))
      } catch (error) {
        if (!(error instanceof LockBusyError)) {
          throw new UsageError(
            `cannot take the lock of group "${nickname}" at ${path}: ${(error as Error).message}; nothing was sent`,
            'set GEO_REDIS_HOME to a folder this user can write (the lock keeps two runs on this machine from changing the group at once)',
            'GroupLockUnavailable',
          )
        }
        const {holder} = error
        throw new UsageError(
          `another geo-redis run is changing group "${nickname}": ${holder.what} (pid ${holder.pid} on ${holder.host}, since ${holder.since}); nothing was sent`,
          `wait for it to finish and read the group again (${suggestCommand(['group', 'show', nickname], connection)}), then run this again; a lock left by a run that died is taken over by the next one`,
          'GroupBusy',
        )
      }
    },
    release() {
      for (const lock of held.splice(0)) lock.release()
    },
  }
}
