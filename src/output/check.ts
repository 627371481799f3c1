// Renderers for `geo-redis check`: a terminal report grouped by group, the JSON contract
// (docs/schemas/check.schema.json) and JUnit for pipeline dashboards.
import {shortName} from '../domain/group.js'
import {isShared, sharedNicknames} from '../domain/resolve.js'
import type {ScopeError} from '../domain/model.js'
import {NO_GROUPS, type ReadCause} from '../domain/read.js'
import {ALL_RULES} from '../domain/rules/index.js'
import type {Finding, Severity} from '../domain/rules/types.js'
import {suggestCommand} from '../domain/suggest.js'
import type {CheckedGroup, CheckResult} from '../services/check.js'
import {renderJunit, type JunitGroup} from './junit.js'
import {json} from './table.js'
import {status, theme} from './theme.js'

export type CheckFormat = 'table' | 'json' | 'junit'
export const CHECK_FORMATS: CheckFormat[] = ['table', 'json', 'junit']

export interface Tool {
  name: string
  version: string
}

/** The JUnit case for what could not be read: a partial read must show as a failure on dashboards too. */
export const READ_RULE = 'arm-read'

const MARK: Record<Severity, string> = {error: '(✗)', warning: '(!)', info: '(i)'}
const PAINT: Record<Severity, (s: string) => string> = {error: theme.bad, warning: theme.warn, info: theme.dim}

export function renderCheck(result: CheckResult, format: CheckFormat, tool: Tool): string {
  if (format === 'json') return json(result)
  if (format === 'junit') return checkJunit(result, tool)
  return checkTable(result)
}

/** What to do about a scope that could not be read, by why: remediation follows the cause. */
const READ_REMEDIATION: Record<ReadCause, string> = {
  forbidden: 'grant the identity read access (Reader) to it; the check fails until every scope is read',
  'not-found': "it is gone: if a group still links a database in it, force-unlink that member from a member that stays (its unresolved-member finding names the command)",
  'region-not-answering':
    "ARM or the region does not answer: re-run; if it lasts, follow the incident runbook for the groups with members there, and force-unlink a member whose region stays down (each unresolved-member finding names the commands)",
  'not-listed': 'its subscription is outside this run: pass --subscription with it, with an identity that can read it',
  unknown: 're-run; the check fails until every scope is read',
}

/** A scope that could not be read, shown like a finding so it reads (and fails) like one. */
function readFinding(e: ScopeError): Finding {
  return {
    rule: READ_RULE,
    severity: 'error',
    members: [e.scope],
    message: e.cause ? `${e.cause}: ${e.code}: ${e.message}` : `${e.code}: ${e.message}`,
    remediation: e.code === NO_GROUPS ? `check --subscription and the identity's access with ${suggestCommand(['inventory'])}` : READ_REMEDIATION[e.cause ?? 'unknown'],
  }
}

function checkJunit(result: CheckResult, tool: Tool): string {
  const groups: JunitGroup[] = [...result.groups]
  if (result.errors.length > 0) {
    groups.push({
      nickname: '(arm read)',
      key: READ_RULE,
      evaluated: [],
      findings: result.errors.map(readFinding),
    })
  }

  return renderJunit({groups, tool, timestamp: result.generatedAt})
}

function checkTable(result: CheckResult): string {
  const shared = sharedNicknames(result.groups)
  const duplicated = (g: CheckedGroup) => isShared(shared, g.nickname)
  const out: string[] = []
  for (const g of result.groups) {
    const key = duplicated(g) || !g.nickname ? theme.dim(` [${g.key}]`) : ''
    out.push(
      '',
      `${theme.heading(g.nickname || '(no nickname)')}${key}  ${status(g.status)}  ${theme.dim(`${membersText(g)}, ${g.evaluated.length} rule(s) checked`)}`,
    )
    if (g.findings.length === 0) out.push(`  ${theme.ok('(✓)')} no findings`)
    for (const f of g.findings) out.push(...findingLines(f))
    for (const line of notChecked(g)) out.push(theme.dim(`  not checked: ${line}`))
  }

  if (result.errors.length > 0) out.push('', theme.heading('could not read'))
  for (const e of result.errors) out.push(...findingLines(readFinding(e)))

  const probed = result.groups.some((g) => g.evaluated.some((e) => ALL_RULES.find((r) => r.name === e.rule)?.needs !== 'arm'))
  if (!probed && result.groups.length > 0) out.push('', theme.dim('ARM view only: add --probe for reachability and memory, --canary for replication'))
  out.push('', summaryLine(result))
  return out.join('\n')
}

/** "3 member(s)", or "2/3 member(s) read" when ARM could not read some. */
function membersText(g: CheckedGroup): string {
  const unread = g.unread.length
  return unread > 0 ? `${g.members.length - unread}/${g.members.length} member(s) read` : `${g.members.length} member(s)`
}

function findingLines(f: Finding): string[] {
  const members = f.members.map(shortName).join(', ')
  return [
    `  ${PAINT[f.severity](`${MARK[f.severity]} ${f.severity.padEnd(7)}`)} ${theme.bold(f.rule)}${members ? `  ${members}` : ''}`,
    `      ${f.message}`,
    `      ${theme.dim('fix:')} ${f.remediation}`,
  ]
}

/** Members a rule could not check, one line per rule and reason. */
function notChecked(g: CheckedGroup): string[] {
  const counts = new Map<string, number>()
  for (const e of g.evaluated) {
    for (const s of e.skipped) {
      const k = `${e.rule} on %n member(s) (${s.reason})`
      counts.set(k, (counts.get(k) ?? 0) + 1)
    }
  }

  return [...counts].map(([line, n]) => line.replace('%n', String(n)))
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** One line: what was found and the exit code; the stderr note after --out, and the table's last line. */
export function summaryLine(result: CheckResult, written?: {path: string; format: CheckFormat}): string {
  const {error, warning, info} = result.summary
  const parts = [
    `${plural(result.groups.length, 'group')} checked: ${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info`,
    ...(result.errors.length > 0 ? [`${plural(result.errors.length, 'scope')} not read`] : []),
    `exit ${result.exitCode}`,
    ...(written ? [`${written.format} written to ${written.path}`] : []),
  ]
  const mark = result.exitCode === 0 ? theme.ok('(✓)') : theme.bad('(✗)')
  return `${mark} ${parts.join(' · ')}`
}
