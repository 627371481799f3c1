// An evidence bundle: one folder per decision, written in phases so a crash at any point between writes
// leaves a folder that verifies as what it is (intact, incomplete), never a half-written file.
import {createHash} from 'node:crypto'
import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {syncDir, writeFileAtomic} from '../shared/atomic.js'
import {MiB, readBoundedFile} from '../shared/bounded-read.js'
import {redact, redactText, secrets as defaultSecrets, type SecretRegistry} from '../shared/redact.js'

export const MANIFEST_NAME = 'manifest.json'
/** A manifest lists a handful of files: far less than this */
export const MANIFEST_MAX_BYTES = MiB
export const DEFAULT_EVIDENCE_ROOT = './geo-redis-evidence'

export interface ManifestEntry {
  name: string
  sha256: string
  bytes: number
}

export interface EvidenceManifest {
  tool: string
  version: string
  createdAt: string
  updatedAt: string
  /** false until the final phase is written: an interrupted run stays visibly incomplete */
  complete: boolean
  /** every file in the folder except manifest.json, by name */
  files: ManifestEntry[]
}

export interface CreateBundleOptions {
  /** parent folder, created if missing; default ./geo-redis-evidence */
  root?: string
  nickname: string
  action: string
  /** names the folder and sets createdAt */
  now?: Date
  tool: {name: string; version: string}
  /** default: the process-wide `secrets` */
  secrets?: SecretRegistry
}

export interface EvidenceBundle {
  readonly dir: string
  /** redacts `value`, writes it as indented JSON, then refreshes the manifest */
  writeJson(name: string, value: unknown): Promise<ManifestEntry>
  /** redacts `text`, writes it, then refreshes the manifest */
  writeText(name: string, text: string): Promise<ManifestEntry>
  /** marks the manifest complete; later writes are refused */
  complete(): Promise<void>
  /** SHA-256 of manifest.json as last written (hex): once complete, the bundle's digest, to keep in a ticket */
  digest(): string
  /** the files written so far, as listed in the manifest */
  files(): ManifestEntry[]
}

const SAFE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/

/**
 * Throws unless `name` is a plain file name for a bundle: no path separators, no leading dot (hidden and
 * temp files), not the manifest, which only the bundle writes.
 */
export function assertFileName(name: string): void {
  if (!SAFE_NAME.test(name) || name.length > 128) {
    throw new Error(`invalid evidence file name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-', not starting with '.'`)
  }
  if (name === MANIFEST_NAME) throw new Error(`${MANIFEST_NAME} is written by the bundle itself`)
}

/** The nickname or action as a folder-name segment: [A-Za-z0-9._-] only. */
function sanitizeSegment(value: string): string {
  const cleaned = value
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 64)
  return cleaned || 'unnamed'
}

/** 2026-11-21T19:40:12.345Z → 20261121T194012Z */
export function compactUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
}

export async function createBundle(options: CreateBundleOptions): Promise<EvidenceBundle> {
  const now = options.now ?? new Date()
  const root = options.root ?? DEFAULT_EVIDENCE_ROOT
  await mkdir(root, {recursive: true})
  const dir = await makeUniqueDir(root, `${compactUtc(now)}-${sanitizeSegment(options.nickname)}-${sanitizeSegment(options.action)}`)
  const bundle = bundleIn(dir, {tool: options.tool, createdAt: now, entries: [], registry: options.secrets ?? defaultSecrets})
  // an empty, incomplete manifest from the start: even a run killed right now leaves a verifiable folder
  await bundle.flush()
  return bundle
}

/**
 * Opens a bundle another step left incomplete (e.g. force-unlink's, held open by the runbook) to add files and
 * complete it. A complete bundle is never reopened: evidence is only ever added to, before it is sealed.
 */
export async function reopenBundle(dir: string, options: {secrets?: SecretRegistry} = {}): Promise<EvidenceBundle> {
  const manifest = JSON.parse((await readBoundedFile(join(dir, MANIFEST_NAME), {maxBytes: MANIFEST_MAX_BYTES, noFollow: true})).toString('utf8')) as EvidenceManifest
  if (manifest.complete) throw new Error(`evidence bundle ${dir} is complete and cannot be added to`)
  return bundleIn(dir, {
    tool: {name: manifest.tool, version: manifest.version},
    createdAt: new Date(manifest.createdAt),
    entries: manifest.files,
    registry: options.secrets ?? defaultSecrets,
  })
}

/** Runs tasks one at a time, in the order given; a failed task does not stop the next. */
function serialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve()
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task)
    queue = run.catch(() => undefined)
    return run
  }
}

function bundleIn(
  dir: string,
  state: {tool: {name: string; version: string}; createdAt: Date; entries: ManifestEntry[]; registry: SecretRegistry},
): EvidenceBundle & {flush(): Promise<void>} {
  const {registry} = state
  const entries = new Map<string, ManifestEntry>(state.entries.map((e) => [e.name, e]))
  let complete = false
  let digest = ''
  // writes run one at a time, so concurrent callers cannot race each other's manifest refresh
  const serial = serialQueue()

  // by name, in code-point order: the same on every machine, whatever the locale
  const listed = (): ManifestEntry[] =>
    [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((entry) => ({...entry}))

  const writeManifest = async (markComplete: boolean): Promise<void> => {
    const manifest: EvidenceManifest = {
      tool: redactText(state.tool.name, registry),
      version: redactText(state.tool.version, registry),
      createdAt: state.createdAt.toISOString(),
      updatedAt: new Date().toISOString(),
      complete: markComplete,
      files: listed(),
    }
    const data = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)
    await writeFileAtomic(join(dir, MANIFEST_NAME), data)
    digest = createHash('sha256').update(data).digest('hex')
  }

  const write = (name: string, render: () => string): Promise<ManifestEntry> =>
    serial(async () => {
      if (complete) throw new Error(`evidence bundle ${dir} is complete; ${name} was not written`)
      assertFileName(name)
      // a name is written to the manifest unredacted, so it must not carry a secret itself
      if (redactText(name, registry) !== name) throw new Error('evidence file name contains a secret')
      const data = Buffer.from(render())
      await writeFileAtomic(join(dir, name), data)
      const entry = {name, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length}
      entries.set(name, entry)
      await writeManifest(false)
      return {...entry}
    })

  return {
    dir,
    flush: () => serial(() => writeManifest(false)),
    writeJson: (name, value) => write(name, () => `${JSON.stringify(redact(value, registry), null, 2) ?? 'null'}\n`),
    writeText: (name, text) => write(name, () => redactText(text, registry)),
    complete: () =>
      serial(async () => {
        if (complete) return
        // the flag flips only once the disk says so, so a failed final write can be retried
        await writeManifest(true)
        complete = true
      }),
    files: listed,
    digest: () => digest,
  }
}

// mkdir without `recursive` fails on an existing folder, which makes the "never overwrite" check atomic
async function makeUniqueDir(root: string, base: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const dir = join(root, attempt === 1 ? base : `${base}-${attempt}`)
    try {
      await mkdir(dir)
      await syncDir(root)
      return dir
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 1000) throw error
    }
  }
}
