// Atomic file writes: readers see the old file or the new one, never a torn one.
import {randomBytes} from 'node:crypto'
import {closeSync, openSync, renameSync, rmSync, writeSync} from 'node:fs'
import {open, rename, rm} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'

/** temp file in the same folder + fsync + rename, then the folder is synced so the rename is durable */
export async function writeFileAtomic(path: string, data: string | Buffer): Promise<void> {
  const target = resolve(path)
  const dir = dirname(target)
  const temp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }

    await rename(temp, target)
  } catch (error) {
    await rm(temp, {force: true})
    throw error
  }

  await syncDir(dir)
}
// makes the rename itself durable; best effort, since Windows cannot open or fsync a folder
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  } catch {
    // unsupported on this platform: the rename is still atomic, only its durability is weaker
  }
}

/** The synchronous kind for state files (sandbox state, world, profiles): owner-only by default, since they hold keys. */
export function writeFileAtomicSync(path: string, text: string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    const fd = openSync(temp, 'wx', mode)
    try {
      writeSync(fd, text)
    } finally {
      closeSync(fd)
    }

    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, {force: true})
    throw error
  }
}
