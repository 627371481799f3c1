// One sandbox command at a time: a lock file beside the state folder (so `down` can remove the folder while
// holding it).
import {UsageError} from '../../domain/errors.js'
import {acquireLockFile, LockBusyError, type Lock} from '../../shared/lock-file.js'
import type {SandboxPaths} from './state.js'

/** How long a drill or `down` waits for another sandbox command; `up` does not wait. */
export const LOCK_WAIT_MS = 15_000

/** `waitMs` 0: fail at once when another live command holds it. */
export async function acquireLock(paths: Pick<SandboxPaths, 'lock'>, what: string, waitMs: number): Promise<Lock> {
  try {
    return await acquireLockFile(paths.lock, what, waitMs)
  } catch (error) {
    if (!(error instanceof LockBusyError)) throw error
    throw new UsageError(
      `another sandbox command (${error.holder.what}, pid ${error.holder.pid}) is running`,
      'wait for it to finish, then try again; `geo-redis sandbox status` shows what runs',
      'SandboxBusy',
    )
  }
}
