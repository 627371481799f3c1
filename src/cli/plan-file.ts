// --plan: the plan a dry run wrote (its bundle folder, or the plan.json in it), read before any network request.
// A bundle whose manifest no longer matches its files is refused: the plan to execute is the one that was reviewed.
import {existsSync, statSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {UsageError} from '../domain/errors.js'
import type {GuardedAction, SavedPlan} from '../domain/plans.js'
import {MANIFEST_NAME} from '../evidence/bundle.js'
import {verifyBundle} from '../evidence/verify.js'
import {FileReadError, MiB, readBoundedFileSync} from '../shared/bounded-read.js'

const PLAN_FILE = 'plan.json'

const bad = (message: string, suggestion = 'pass the evidence folder a dry run printed (or the plan.json in it), e.g. --plan ./geo-redis-evidence/<bundle>') =>
  new UsageError(message, suggestion, 'BadPlanFile')

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isMember = (v: unknown) => v === null || (isObject(v) && typeof v.id === 'string' && typeof v.name === 'string')

/** The saved plan of `path` for `action`; a usage error (exit 2) when it is not one geo-redis can execute. */
export async function readPlanFile(path: string, action: GuardedAction): Promise<SavedPlan & {path: string}> {
  const isFolder = existsSync(path) && statSync(path).isDirectory()
  const file = isFolder ? join(path, PLAN_FILE) : path
  const folder = dirname(file)
  if (basename(file) !== PLAN_FILE) throw bad(`--plan ${path} is not a plan: a plan is the ${PLAN_FILE} of an evidence bundle`)
  if (existsSync(join(folder, MANIFEST_NAME))) {
    const verified = await verifyBundle(folder)
    const changed = verified.files.filter((f) => f.status !== 'ok').map((f) => `${f.name} ${f.status}`)
    if (!verified.intact) throw bad(`--plan ${path}: the bundle changed since it was written (${changed.join(', ')})`, 'make a new plan with --dry-run; a plan is executed only as it was reviewed')
  }

  let saved: unknown
  try {
    saved = JSON.parse(readBoundedFileSync(file, {maxBytes: MiB}).toString('utf8'))
  } catch (error) {
    if (error instanceof FileReadError) throw bad(`--plan ${file} ${error.reason}`)
    throw bad(`--plan ${file} is not JSON: ${(error as Error).message}`)
  }

  const plan = saved as Record<string, unknown>
  const valid =
    isObject(plan) &&
    typeof plan.action === 'string' &&
    isObject(plan.group) &&
    typeof plan.group.key === 'string' &&
    typeof plan.group.nickname === 'string' &&
    isMember(plan.target) &&
    isMember(plan.issuedOn) &&
    Array.isArray(plan.requests) &&
    plan.requests.every((r) => isObject(r) && typeof r.url === 'string') &&
    isObject(plan.basis) &&
    Array.isArray(plan.basis.members)
  if (!valid) throw bad(`--plan ${file} is not a geo-redis plan (no action, group, target, issuer, requests and basis)`)
  if (plan.action !== action) throw bad(`--plan ${file} is a ${String(plan.action)} plan, not a ${action} one`, `run it with \`geo-redis ${String(plan.action)}\``)
  if (isObject(plan.refusal)) {
    throw bad(`--plan ${file} was refused by guard ${String(plan.refusal.guard)}: there is nothing to execute`, 'fix what it named, then make a new plan with --dry-run')
  }
  if (plan.nothingToDo || (plan.requests as unknown[]).length === 0) throw bad(`--plan ${file} sends no request: there is nothing to execute`, 'make a new plan with --dry-run')
  return {...(plan as unknown as SavedPlan), path: file}
}
