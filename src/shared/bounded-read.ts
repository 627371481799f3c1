// Reading a file the operator (or a bundle) points at: only a regular file, and only up to a size cap. Never a
// device (`--ca /dev/zero` would grow without end), a named pipe (opening one blocks until a writer comes), a
// socket or a folder; with `noFollow`, never through a symbolic link either (a bundle file must not lead out of its
// folder). The type is checked before opening and again on the opened descriptor, so a swap in between is caught.
import {closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats} from 'node:fs'
import {lstat, open, stat} from 'node:fs/promises'

export type ReadProblem = 'missing' | 'not-a-file' | 'too-large' | 'unreadable'

export class FileReadError extends Error {
  constructor(
    readonly path: string,
    readonly problem: ReadProblem,
    /** what is wrong, without the path: "is a named pipe (FIFO), not a regular file" */
    readonly reason: string,
  ) {
    super(`${path} ${reason}`)
    this.name = 'FileReadError'
  }
}

export interface BoundedReadOptions {
  maxBytes: number
  /** refuse a symbolic link instead of reading what it points to */
  noFollow?: boolean
}

const CHUNK = 1 << 20

export const MiB = 1 << 20

/** The file's bytes; throws FileReadError unless it is a regular file of at most `maxBytes`. */
export function readBoundedFileSync(path: string, options: BoundedReadOptions): Buffer {
  const checked = attempt(path, () => (options.noFollow ? lstatSync(path) : statSync(path)))
  refuseUnlessFile(path, checked, options)
  const fd = attempt(path, () => openSync(path, openFlags(options)))
  try {
    const opened = fstatSync(fd)
    refuseUnlessFile(path, opened, options)
    // read in chunks, not by the size stat gave: a file that claims little and then grows is read up to the cap only
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, options.maxBytes + 1 - total))
      const n = attempt(path, () => readSync(fd, chunk, 0, chunk.length, null))
      if (n === 0) break
      chunks.push(chunk.subarray(0, n))
      total += n
      if (total > options.maxBytes) return tooLarge(path, options)
    }
    return Buffer.concat(chunks, total)
  } finally {
    closeSync(fd)
  }
}

/** The same, asynchronously; `signal` stops a long read between chunks. */
export async function readBoundedFile(path: string, options: BoundedReadOptions & {signal?: AbortSignal}): Promise<Buffer> {
  const checked = await attemptAsync(path, () => (options.noFollow ? lstat(path) : stat(path)))
  refuseUnlessFile(path, checked, options)
  const handle = await attemptAsync(path, () => open(path, openFlags(options)))
  try {
    const opened = await handle.stat()
    refuseUnlessFile(path, opened, options)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      options.signal?.throwIfAborted()
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK, options.maxBytes + 1 - total))
      const {bytesRead} = await attemptAsync(path, () => handle.read(chunk, 0, chunk.length, null))
      if (bytesRead === 0) break
      chunks.push(chunk.subarray(0, bytesRead))
      total += bytesRead
      if (total > options.maxBytes) return tooLarge(path, options)
    }
    return Buffer.concat(chunks, total)
  } finally {
    await handle.close()
  }
}

// O_NONBLOCK: opening a FIFO swapped in after the check returns at once instead of waiting for a writer
function openFlags(options: BoundedReadOptions): number {
  return constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0)
}

function refuseUnlessFile(path: string, stats: Stats, options: BoundedReadOptions): void {
  if (!stats.isFile()) throw new FileReadError(path, 'not-a-file', `is ${kindOf(stats)}, not a regular file`)
  if (stats.size > options.maxBytes) tooLarge(path, options, stats.size)
}

function tooLarge(path: string, options: BoundedReadOptions, size?: number): never {
  const what = size === undefined ? 'more than' : `${formatBytes(size)}, more than`
  throw new FileReadError(path, 'too-large', `is ${what} the ${formatBytes(options.maxBytes)} such a file can be`)
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder'
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isFIFO()) return 'a named pipe (FIFO)'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  if (stats.isSocket()) return 'a socket'
  return 'not a regular file'
}

export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${Math.round((bytes / MiB) * 10) / 10} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} bytes`
}

function problemOf(error: NodeJS.ErrnoException, path: string): FileReadError {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return new FileReadError(path, 'missing', 'does not exist')
  // O_NOFOLLOW on a symbolic link
  if (error.code === 'ELOOP') return new FileReadError(path, 'not-a-file', 'is a symbolic link, not a regular file')
  if (error.code === 'EISDIR') return new FileReadError(path, 'not-a-file', 'is a folder, not a regular file')
  return new FileReadError(path, 'unreadable', `cannot be read (${error.code ?? error.message})`)
}

function attempt<T>(path: string, work: () => T): T {
  try {
    return work()
  } catch (error) {
    if (error instanceof FileReadError) throw error
    throw problemOf(error as NodeJS.ErrnoException, path)
  }
}

async function attemptAsync<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof FileReadError || (error as Error).name === 'AbortError') throw error
    throw problemOf(error as NodeJS.ErrnoException, path)
  }
}
