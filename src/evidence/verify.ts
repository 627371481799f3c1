// Verification recomputes every hash from the bytes on disk; it trusts nothing but the manifest's list,
// and refuses a manifest whose names could point outside the folder. It reads only regular files inside the folder
// (never through a symbolic link, never a pipe or a device), each no larger than the manifest says, and gives up
// after a time bound. The digest (SHA-256 of manifest.json) is what a ticket keeps: see docs/evidence.md.
import {createHash} from 'node:crypto'
import {lstat, readdir} from 'node:fs/promises'
import {join} from 'node:path'
import {OperationError, UsageError} from '../domain/errors.js'
import {FileReadError, formatBytes, MiB, readBoundedFile} from '../shared/bounded-read.js'
import {assertFileName, MANIFEST_MAX_BYTES, MANIFEST_NAME, type EvidenceManifest, type ManifestEntry} from './bundle.js'

type FileStatus = 'ok' | 'modified' | 'missing' | 'unexpected'

/** No file geo-redis writes into a bundle comes near this */
const BUNDLE_FILE_MAX_BYTES = 64 * MiB
const VERIFY_TIMEOUT_MS = 60_000

export interface VerifyResult {
  dir: string
  /** every listed file present with its recorded hash and size, and nothing else in the folder */
  intact: boolean
  /** the manifest says the final phase was written; judge it together with `intact` */
  complete: boolean
  /** SHA-256 of manifest.json as it is on disk (hex): the bundle's digest, to keep in a ticket */
  digest: string
  /** the digest given with --expect (lower case), or null */
  expectedDigest: string | null
  /** whether `digest` is the expected one; null without --expect */
  digestMatches: boolean | null
  tool: string
  version: string
  createdAt: string
  updatedAt: string
  files: {name: string; status: FileStatus}[]
}

export interface VerifyOptions {
  /** a digest recorded when the bundle was written (hex, optionally prefixed sha256:) */
  expect?: string
  timeoutMs?: number
}

/** The digest as --expect may give it: 64 hex digits, upper or lower case, optionally prefixed `sha256:`. */
function normaliseDigest(value: string): string | null {
  const hex = value.trim().replace(/^sha256:/i, '').toLowerCase()
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null
}

export async function verifyBundle(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const expectedDigest = options.expect === undefined ? null : normaliseDigest(options.expect)
  if (options.expect !== undefined && !expectedDigest) {
    throw new UsageError('--expect is not a bundle digest', 'pass the 64 hex digits `evidence verify` (or the command that wrote the bundle) printed as its digest', 'EvidenceDigestInvalid')
  }

  const timeoutMs = options.timeoutMs ?? VERIFY_TIMEOUT_MS
  const signal = AbortSignal.timeout(timeoutMs)
  const timedOut = new Promise<never>((_, reject) =>
    signal.addEventListener('abort', () =>
      reject(new OperationError(`verifying ${dir} did not finish within ${Math.round(timeoutMs / 1000)} s`, 'check the folder is on a disk that answers, then run it again', 'EvidenceVerifyTimeout')),
    ),
  )
  timedOut.catch(() => {})
  const result = await Promise.race([verifyWithin(dir, signal), timedOut])
  return {...result, expectedDigest, digestMatches: expectedDigest === null ? null : result.digest === expectedDigest}
}

async function verifyWithin(dir: string, signal: AbortSignal): Promise<Omit<VerifyResult, 'expectedDigest' | 'digestMatches'>> {
  const {manifest, digest} = await readManifest(dir, signal)
  const files: VerifyResult['files'] = []
  for (const entry of manifest.files) files.push({name: entry.name, status: await check(dir, entry, signal)})

  const listed = new Set([MANIFEST_NAME, ...manifest.files.map((entry) => entry.name)])
  // leftover temp files and subfolders count too: an auditor must see everything in the folder
  const present = await readdir(dir)
  for (const name of present.filter((n) => !listed.has(n)).sort()) files.push({name, status: 'unexpected'})

  return {
    dir,
    intact: files.every((file) => file.status === 'ok'),
    complete: manifest.complete,
    digest,
    tool: manifest.tool,
    version: manifest.version,
    createdAt: manifest.createdAt,
    updatedAt: manifest.updatedAt,
    files,
  }
}

async function check(dir: string, entry: ManifestEntry, signal: AbortSignal): Promise<FileStatus> {
  const path = join(dir, entry.name)
  try {
    // a link, pipe, device or folder where the file was has been replaced; a different size is modified unread
    const stats = await lstat(path)
    if (!stats.isFile() || stats.size !== entry.bytes) return 'modified'
    const data = await readBoundedFile(path, {maxBytes: entry.bytes, noFollow: true, signal})
    return createHash('sha256').update(data).digest('hex') === entry.sha256 ? 'ok' : 'modified'
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || (error instanceof FileReadError && error.problem === 'missing')) return 'missing'
    // swapped between the look and the read
    if (error instanceof FileReadError && error.problem !== 'unreadable') return 'modified'
    throw error
  }
}

async function readManifest(dir: string, signal: AbortSignal): Promise<{manifest: EvidenceManifest; digest: string}> {
  const path = join(dir, MANIFEST_NAME)
  let data: Buffer
  try {
    data = await readBoundedFile(path, {maxBytes: MANIFEST_MAX_BYTES, noFollow: true, signal})
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error
    if (error.problem === 'missing') {
      throw new UsageError(
        `${path} not found: ${dir} is not an evidence bundle, or its first write was interrupted`,
        'pass the bundle folder itself, e.g. ./geo-redis-evidence/20261121T194012Z-<nickname>-<action>',
        'EvidenceManifestMissing',
      )
    }
    if (error.problem === 'too-large') throw invalid(path, `it ${error.reason}; geo-redis never wrote it`)
    if (error.problem === 'not-a-file') throw invalid(path, `it ${error.reason}`)
    throw new UsageError(error.message, 'check the folder\'s permissions', 'EvidenceManifestUnreadable')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(data.toString('utf8'))
  } catch (error) {
    throw invalid(path, `not JSON (${(error as Error).message})`)
  }
  return {manifest: validate(path, parsed), digest: createHash('sha256').update(data).digest('hex')}
}

function validate(path: string, value: unknown): EvidenceManifest {
  if (!isRecord(value)) throw invalid(path, 'not a JSON object')
  for (const field of ['tool', 'version', 'createdAt', 'updatedAt'] as const) {
    if (typeof value[field] !== 'string') throw invalid(path, `"${field}" is not a string`)
  }
  if (typeof value.complete !== 'boolean') throw invalid(path, '"complete" is not true or false')
  if (!Array.isArray(value.files)) throw invalid(path, '"files" is not a list')

  const seen = new Set<string>()
  for (const entry of value.files as unknown[]) {
    if (!isRecord(entry) || typeof entry.name !== 'string') throw invalid(path, 'a file entry has no name')
    try {
      assertFileName(entry.name)
    } catch {
      // a tampered name such as ../../x would make verification read outside the bundle
      throw invalid(path, `file name ${JSON.stringify(entry.name)} is not a plain bundle file name`)
    }
    if (seen.has(entry.name)) throw invalid(path, `${entry.name} is listed twice`)
    seen.add(entry.name)
    if (typeof entry.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256)) throw invalid(path, `${entry.name} has no valid sha256`)
    if (typeof entry.bytes !== 'number' || !Number.isInteger(entry.bytes) || entry.bytes < 0) {
      throw invalid(path, `${entry.name} has no valid byte count`)
    }
    if (entry.bytes > BUNDLE_FILE_MAX_BYTES) throw invalid(path, `${entry.name} is listed with ${formatBytes(entry.bytes)}, more than any bundle file geo-redis writes`)
  }
  return value as unknown as EvidenceManifest
}

// a broken manifest is a finding about the bundle (exit 1), unlike a wrong path (exit 2)
function invalid(path: string, why: string): OperationError {
  return new OperationError(`${path} is not a valid evidence manifest: ${why}`, 'the bundle cannot be verified; keep it as found and report it', 'EvidenceManifestInvalid')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
