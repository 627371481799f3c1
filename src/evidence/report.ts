// report.md: the human half of a bundle. Pure rendering from plain data, so the same record renders the
// same report; the bundle redacts the text on write. Every value is made plain text first: a --reason or a name from
// ARM carrying escape sequences must not act on the terminal of whoever reads the report with `cat`.
import type {GuardResult} from '../domain/guards.js'
import type {PlannedRequest} from '../domain/model.js'
import type {Outcome} from '../domain/outcome.js'
import {plainText} from '../shared/text.js'

/** How a decision ended (domain/outcome.ts), or `in-progress` while the request may be on its way. */
export type EvidenceOutcome = 'in-progress' | Outcome

interface MemberRef {
  /** ARM database id */
  id: string
  /** short location, e.g. "westus2", when known */
  location: string | null
}

export interface ProbeLine {
  /** member id or label */
  member: string
  ok: boolean
  detail: string | null
}

export interface EvidenceRecord {
  action: 'force-unlink' | 'force-link' | 'flush' | 'capture' | (string & {})
  group: {nickname: string; key: string | null}
  /** what geo-redis decided, in one line, e.g. "force-unlink westus2 from the group" */
  decision: string
  /** why, as the operator or the rules gave it */
  reason: string | null
  /** from the ARM token's claims; null when they could not be read */
  operator: {upn: string | null; oid: string | null; appid: string | null} | null
  tool: {name: string; version: string}
  /** ISO 8601 UTC */
  startedAt: string
  /** ISO 8601 UTC; null while in progress */
  finishedAt: string | null
  dryRun: boolean
  /** the members the action is about (unlinked, linked, flushed) */
  targets: MemberRef[]
  /** the member the request is sent to */
  issuedOn: MemberRef | null
  requests: PlannedRequest[]
  guards: GuardResult[]
  /** null when no data-plane probe was run */
  probes: ProbeLine[] | null
  outcome: EvidenceOutcome
  /** the ARM error when the operation failed */
  error: {code: string; message: string} | null
  /** Azure-AsyncOperation (or Location) URL of the long-running operation */
  statusUrl: string | null
  /** why the outcome is unknown: how geo-redis lost sight of the operation */
  lostSight?: string | null
  nextSteps: string[]
}

const BODY_SUMMARY_MAX = 240

const OUTCOME_TEXT: Record<EvidenceOutcome, string> = {
  'in-progress':
    'In progress: this report was written before the mutating request was sent. If it was never replaced by a final report, the run was cut short (manifest.json says `"complete": false`); read the group state again before acting.',
  succeeded: 'Succeeded: Azure reported the operation as succeeded.',
  failed: 'Failed: the request was sent and Azure reported the operation as failed.',
  unknown:
    'Unknown: the request was sent (or may have been) and geo-redis lost sight of the operation before Azure gave a verdict. It may have succeeded, failed, or still be running in Azure: check the status URL or read the group again before acting, and do not send it again until one of them shows how it ended.',
  refused: 'Refused: a guard did not pass; no mutating request was sent.',
  'dry-run': 'Dry run: the plan above was built and no mutating request was sent.',
  'nothing-to-do': 'Nothing to do: the group was already in the requested state; no mutating request was sent.',
}

export function renderReport(record: EvidenceRecord): string {
  const lines: string[] = [
    `# geo-redis evidence: ${inline(record.action)} on group ${code(record.group.nickname)}`,
    '',
    `**Outcome: ${record.outcome}**${record.dryRun ? ' (dry run)' : ''}`,
    '',
    '## Decision',
    '',
    `- Action: ${code(record.action)}`,
    `- Group: ${code(record.group.nickname)}${record.group.key ? `, key ${code(record.group.key)}` : ''}`,
    `- Decision: ${inline(record.decision)}`,
    `- Reason: ${record.reason ? inline(record.reason) : 'none given'}`,
    `- Dry run: ${record.dryRun ? 'yes, no mutating request is sent' : 'no'}`,
    `- Target: ${record.targets.length > 0 ? record.targets.map(member).join(', ') : 'none'}`,
    `- Issued on: ${record.issuedOn ? member(record.issuedOn) : 'none'}`,
    '',
    '## Who and when',
    '',
    `- Operator: ${operator(record.operator)}`,
    `- Tool: ${inline(record.tool.name)} ${inline(record.tool.version)}`,
    `- Started: ${inline(record.startedAt)}`,
    `- Finished: ${record.finishedAt ? inline(record.finishedAt) : 'not finished'}`,
    '',
    '## Planned requests',
    '',
    ...(record.requests.length > 0 ? record.requests.flatMap(request) : ['None.']),
    '',
    '## Guards',
    '',
    ...(record.guards.length > 0
      ? record.guards.map((g) => `- ${g.result === 'pass' ? 'pass' : '**refuse**'}: ${inline(g.name)}${g.detail ? `: ${inline(g.detail)}` : ''}`)
      : ['None evaluated.']),
    '',
    '## Probe',
    '',
    ...probe(record.probes),
    '',
    '## Outcome',
    '',
    outcomeText(record),
    ...(record.lostSight ? ['', `Why unknown: ${inline(record.lostSight)}`] : []),
    ...(record.error ? ['', `ARM error ${code(record.error.code)}:`, '', fenced(record.error.message)] : []),
    ...statusUrl(record),
  ]
  if (record.nextSteps.length > 0) lines.push('', '## Next steps', '', ...record.nextSteps.map((step) => `- ${inline(step)}`))
  return `${lines.join('\n')}\n`
}

function outcomeText(record: EvidenceRecord): string {
  // ARM said Succeeded, but reading the group again did not show the change
  if (record.outcome === 'failed' && record.error?.code === 'NotVerified') {
    return 'Failed: Azure reported the operation as succeeded, but the group read again afterwards does not show it (below).'
  }
  return OUTCOME_TEXT[record.outcome]
}

function request(r: PlannedRequest, index: number): string[] {
  return [`${index + 1}. ${code(`${r.method} ${r.url}`)}`, `   body: ${code(summarise(r.body))}`]
}

// the full body is in plan.json; the report only needs enough to recognise it
function summarise(body: unknown): string {
  const json = JSON.stringify(body) ?? 'none'
  return json.length > BODY_SUMMARY_MAX ? `${json.slice(0, BODY_SUMMARY_MAX)}… (${json.length} chars, full body in plan.json)` : json
}

function probe(probes: ProbeLine[] | null): string[] {
  if (probes === null) return ['Not run.']
  if (probes.length === 0) return ['No members probed.']
  const ok = probes.filter((p) => p.ok).length
  return [
    `${ok} of ${probes.length} members answered; details in probe.json.`,
    '',
    ...probes.map((p) => `- ${p.ok ? 'ok' : '**failed**'}: ${code(p.member)}${p.detail ? `: ${inline(p.detail)}` : ''}`),
  ]
}

function statusUrl(record: EvidenceRecord): string[] {
  if (!record.statusUrl) {
    return record.outcome === 'unknown'
      ? ['', 'No operation status URL was received: read the members’ state again before acting.']
      : []
  }
  const lines = ['', `Operation status URL: ${code(record.statusUrl)}`]
  if (record.outcome === 'unknown' || record.outcome === 'in-progress') {
    // geo-redis has no status command; az rest reuses the operator's az login
    lines.push('', 'Check it later with:', '', fenced(`az rest --method get --url ${shellQuote(record.statusUrl)}`, 'sh'))
  }
  return lines
}

function operator(op: EvidenceRecord['operator']): string {
  const claims = op
    ? [op.upn && `upn ${code(op.upn)}`, op.oid && `oid ${code(op.oid)}`, op.appid && `appid ${code(op.appid)}`].filter(Boolean)
    : []
  return claims.length > 0 ? claims.join(', ') : 'unknown'
}

function member(m: MemberRef): string {
  return m.location ? `${inline(m.location)} ${code(m.id)}` : code(m.id)
}

// one line: values like error messages must not break the Markdown list they sit in
function inline(text: string): string {
  return plainText(text.replace(/\s*[\r\n]+\s*/g, ' '))
}

// a code span whose fence is longer than any backtick run inside, so the value cannot end it early
function code(text: string): string {
  const value = inline(text)
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${value}${pad}${fence}`
}

function fenced(raw: string, language = ''): string {
  const text = plainText(raw, {keepLines: true})
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  return `${fence}${language}\n${text}\n${fence}`
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}
