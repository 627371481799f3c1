// Verification recomputes every hash from the bytes on disk; it trusts nothing but the manifest's list,
// and refuses a manifest whose names could point outside the folder.
import {createHash} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {OperationError, UsageError} from '../domain/errors.js'
import {assertFileName, MANIFEST_NAME, type EvidenceManifest, type ManifestEntry} from './bundle.js'

export type FileStatus = 'ok' | 'modified' | 'missing' | 'unexpected'

export interface VerifyResult {
  dir: string
  /** every listed file present with its recorded hash and size, and nothing else in the folder */
  intact: boolean
  /** the manifest says the final phase was written; judge it together with `intact` */
  complete: boolean
  tool: string
  version: string
  createdAt: string
  updatedAt: string
  files: {name: string; status: FileStatus}[]
}

export async function verifyBundle(dir: string): Promise<VerifyResult> {
  const manifest = await readManifest(dir)
  const files: VerifyResult['files'] = []
  for (const entry of manifest.files) files.push({name: entry.name, status: await check(dir, entry)})

  const listed = new Set([MANIFEST_NAME, ...manifest.files.map((entry) => entry.name)])
  // leftover temp files and subfolders count too: an auditor must see everything in the folder
  const present = await readdir(dir)
  for (const name of present.filter((n) => !listed.has(n)).sort()) files.push({name, status: 'unexpected'})

  return {
    dir,
    intact: files.every((file) => file.status === 'ok'),
    complete: manifest.complete,
    tool: manifest.tool,
    version: manifest.version,
    createdAt: manifest.createdAt,
    updatedAt: manifest.updatedAt,
    files,
  }
}

async function check(dir: string, entry: ManifestEntry): Promise<FileStatus> {
  let data: Buffer
  try {
    data = await readFile(join(dir, entry.name))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return 'missing'
    // a folder where a file should be has been replaced, not lost
    if (code === 'EISDIR') return 'modified'
    throw error
  }
  const sha256 = createHash('sha256').update(data).digest('hex')
  return sha256 === entry.sha256 && data.length === entry.bytes ? 'ok' : 'modified'
}

async function readManifest(dir: string): Promise<EvidenceManifest> {
  const path = join(dir, MANIFEST_NAME)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new UsageError(
        `${path} not found: ${dir} is not an evidence bundle, or its first write was interrupted`,
        'pass the bundle folder itself, e.g. ./geo-redis-evidence/20261121T194012Z-<nickname>-<action>',
        'EvidenceManifestMissing',
      )
    }
    throw error
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid(path, `not JSON (${(error as Error).message})`)
  }
  return validate(path, parsed)
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
