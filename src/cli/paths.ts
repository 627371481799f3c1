// Paths the operator names, checked before the first network call. Output folders and files: a path that cannot be
// written is exit 2 at once, not a raw errno after every ARM read and probe (nothing is created here; the writers
// create what is missing). CA files: a regular file of bounded size holding a PEM certificate.
import {accessSync, constants, realpathSync, statSync, type Stats} from 'node:fs'
import {dirname, join, resolve, sep} from 'node:path'
import {UsageError} from '../domain/errors.js'
import {writeFileAtomic} from '../shared/atomic.js'
import {redactText} from '../shared/redact.js'

/** Kernel filesystems: writes there are never evidence, and some calls on them hang (mkdir -p under /proc). */
const KERNEL_ROOTS = ['/proc', '/sys']

type OutputKind = 'folder' | 'file'

/**
 * Checks that `path` is, or can become, a folder (kind 'folder') or a regular file (kind 'file') this process can
 * write: not empty, not under /proc or /sys, not a device, FIFO or socket, not a folder where a file is
 * wanted, and its nearest existing folder writable. Returns the absolute path.
 */
export function checkOutputPath(path: string, flag: string, kind: OutputKind): string {
  const example = kind === 'folder' ? './geo-redis-evidence' : './geo-redis-check.xml'
  const bad = (problem: string, suggestion = `pass a ${kind} you can write to, e.g. ${flag} ${example}`) =>
    new UsageError(`${flag} ${JSON.stringify(path)} ${problem}`, suggestion, 'BadOutputPath')
  if (path.trim() === '') throw bad('is empty')
  if (/[\u0000-\u001f\u007f]/.test(path)) throw bad('holds control characters')
  if (kind === 'file' && /[/\\]$/.test(path)) throw bad('ends with a slash: it names a folder, and a file is wanted')

  const absolute = resolve(path)
  const existing = stat(absolute)
  if (existing) {
    if (kind === 'folder' && !existing.isDirectory()) throw bad(`is ${kindOf(existing)}, not a folder`)
    if (kind === 'file' && existing.isDirectory()) {
      throw bad('is a folder, and a file is wanted', `pass a file path, e.g. ${flag} ${join(path, 'geo-redis-check.xml')}`)
    }
    if (kind === 'file' && !existing.isFile()) throw bad(`is ${kindOf(existing)}, not a regular file`)
    const real = realpath(absolute)
    if (underKernel(real)) throw bad(`is under ${kernelRoot(real)}, a kernel filesystem`)
    if (!writable(absolute, kind)) throw bad(`cannot be written by this user (${kind === 'folder' ? 'no permission to create files in it' : 'the file is read-only'})`)
    // an atomic write puts a temporary file beside the target, then renames it
    if (kind === 'file') requireWritableFolder(dirname(absolute), bad)
    return absolute
  }

  if (underKernel(absolute)) throw bad(`is under ${kernelRoot(absolute)}, a kernel filesystem`)
  if (kind === 'file') {
    const folder = dirname(absolute)
    const parent = stat(folder)
    if (!parent) throw bad(`is in a folder that does not exist (${folder})`, 'create the folder first, or pass a path in an existing folder')
    if (!parent.isDirectory()) throw bad(`is under ${folder}, which is ${kindOf(parent)}, not a folder`)
    requireWritableFolder(folder, bad)
    return absolute
  }

  // a folder to create: its nearest existing ancestor must be a writable folder
  let ancestor = dirname(absolute)
  let found = stat(ancestor)
  while (!found && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor)
    found = stat(ancestor)
  }
  if (!found) throw bad('cannot be created (no existing folder above it)')
  const real = realpath(ancestor)
  if (underKernel(real)) throw bad(`would be created under ${real}, under ${kernelRoot(real)}, a kernel filesystem`)
  if (!found.isDirectory()) throw bad(`cannot be created: ${ancestor} is ${kindOf(found)}, not a folder`)
  requireWritableFolder(ancestor, bad)
  return absolute
}

function requireWritableFolder(folder: string, bad: (problem: string) => UsageError): void {
  if (!writable(folder, 'folder')) throw bad(`cannot be written: this user may not create files in ${folder}`)
}

function underKernel(path: string): boolean {
  return kernelRoot(path) !== null
}

function kernelRoot(path: string): string | null {
  return KERNEL_ROOTS.find((root) => path === root || path.startsWith(`${root}${sep}`)) ?? null
}

function stat(path: string): Stats | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

function realpath(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return path
  }
}

/** A folder needs write and search permission to create files in it; a file, write permission. */
function writable(path: string, kind: OutputKind): boolean {
  try {
    accessSync(path, kind === 'folder' ? constants.W_OK | constants.X_OK : constants.W_OK)
    return true
  } catch {
    return false
  }
}

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder'
  if (s.isFile()) return 'a file'
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device'
  if (s.isFIFO()) return 'a FIFO (named pipe)'
  if (s.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** A report another program reads (--out): written whole or not at all, and never with a secret in it. */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, redactText(text))
}
