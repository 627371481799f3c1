// The incident runbook as text. Each event the runbook shows becomes blocks, rendered twice from the same data: for
// the terminal (colour, cli-table3) and for runbook.md, the Markdown log kept in the evidence. Pure: the journal of
// what was shown is the runbook's own (services/runbook). Marks: (✓) done, (✗) failed, (!) warning.
import {RUNBOOK_STEPS, stepNumber, type Diagnosis, type IncidentMember, type Recommendation, type StepId} from '../domain/incident.js'
import type {GuardResult} from '../domain/guards.js'
import type {GuardedResult} from '../services/guarded/lifecycle.js'
import type {PreparedOperation} from '../services/guarded/prepare.js'
import type {Assessment} from '../services/runbook/assess.js'
import type {LogHeading} from '../services/runbook/display.js'
import type {RunbookResult} from '../services/runbook/incident.js'
import type {JournalEntry, Mark, RunbookEvent} from '../services/runbook/journal.js'
import {renderEndpoints} from './endpoints.js'
import {renderPlan} from './plan.js'
import {formatBytes} from './probe.js'
import {markdownTable, table, type Row} from './table.js'
import {plainText} from '../shared/text.js'
import {suggestCommand} from '../domain/suggest.js'
import {theme} from './theme.js'

type Block =
  | {kind: 'line'; text: string; mark?: Mark}
  | {kind: 'table'; head: string[]; rows: Row[]}
  | {kind: 'code'; text: string}
  /** kept in the log only: the prompt itself already showed it on the terminal */
  | {kind: 'answer'; question: string; answer: string}

const MARKS: Record<Mark, string> = {ok: '(✓)', bad: '(✗)', warn: '(!)'}
const PAINT: Record<Mark, (s: string) => string> = {ok: theme.ok, bad: theme.bad, warn: theme.warn}

const line = (text: string, mark?: Mark): Block => ({kind: 'line', text, mark})
// runbook.md gets values as plain text: no colour, and no escape sequence or control character from a name or answer
const plain = (text: string) => plainText(text, {keepLines: true})

export function stepTitle(id: StepId): string {
  return `Step ${stepNumber(id)} of ${RUNBOOK_STEPS.length} · ${RUNBOOK_STEPS.find((s) => s.id === id)!.title}`
}

export function stepHeader(id: StepId): string {
  return `\n${theme.heading(stepTitle(id))}`
}

async function renderTerminal(blocks: Block[]): Promise<string> {
  const out: string[] = []
  for (const b of blocks) {
    if (b.kind === 'line') out.push(`  ${b.mark ? `${PAINT[b.mark](MARKS[b.mark])} ` : ''}${b.text}`)
    else if (b.kind === 'table') out.push((await table(b.head, b.rows)).replace(/^/gm, '  '))
    else if (b.kind === 'code') out.push(b.text.replace(/\n+$/, '').replace(/^/gm, '    '))
  }
  return out.join('\n')
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  const f = '`'.repeat(longest + 1)
  return `${f}text\n${text.replace(/\n+$/, '')}\n${f}`
}

function renderMarkdown(blocks: Block[]): string {
  const out: string[] = []
  for (const b of blocks) {
    if (b.kind === 'line') out.push(`- ${b.mark ? `${MARKS[b.mark]} ` : ''}${plain(b.text).replace(/\s*\n\s*/g, ' ')}`)
    else if (b.kind === 'table') out.push('', markdownTable(b.head, b.rows.map((r) => r.map((c) => (typeof c === 'string' ? plain(c) : c)))), '')
    else if (b.kind === 'code') out.push('', fence(plain(b.text)), '')
    else out.push('', `> **Question:** ${plain(b.question)}  `, `> **Answer:** ${plain(b.answer)}`, '')
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim()
}

// ------------------------------------------------------------------------------------------------ the steps

const pct = (n: number | null | undefined) => (n === null || n === undefined ? '' : `${n.toFixed(1)}%`)

function armCell(m: IncidentMember): string {
  return m.arm.readable ? m.arm.state! : `unreadable (${m.arm.cause}: ${m.arm.error!.split(':')[0]})`
}

function probeCell(m: IncidentMember): string {
  if (!m.probe) return 'not probed'
  return m.probe.answered ? `answers, ${m.probe.latencyMs ?? '?'} ms` : (m.probe.failure?.split(':')[0] ?? 'no answer')
}

function groupBlocks(group: {nickname: string; members: unknown[]; unresolved: string[]}, how: string): Block[] {
  const unread = group.unresolved.length > 0 ? ` and ${group.unresolved.length} ARM could not read` : ''
  return [line(`group "${group.nickname}": ${group.members.length} readable member(s)${unread}; ${how}`, 'ok')]
}

function statusBlocks(a: Assessment): Block[] {
  const rows: Row[] = a.members.map((m) => [
    m.name,
    m.location ?? 'unknown',
    armCell(m),
    probeCell(m),
    m.memory?.usedBytes === null || !m.memory ? '' : formatBytes(m.memory.usedBytes),
    pct(m.memory?.usedPct),
    m.memory?.level ?? '',
    m.verdict,
  ])
  return [
    {kind: 'table', head: ['member', 'location', 'ARM', 'probe', 'used', 'used %', 'level', 'verdict'], rows},
    line(`read at ${a.readAt}; group status in ARM: ${a.group.status}`),
    ...a.group.problems.map((p) => line(p, 'warn')),
  ]
}

function diagnosisBlocks(d: Diagnosis, thresholds: {warnPct: number; critPct: number}): Block[] {
  const blocks: Block[] = []
  for (const m of d.failing) {
    blocks.push(line(`${m.name} (${m.location ?? 'location unknown'}) is failing: ${m.reasons.join('; ')}`, 'bad'))
    if (m.seenAs.length > 0) blocks.push(line(`the other members still list it as ${[...new Set(m.seenAs)].join(', ')} (ARM reflects configuration, not data-plane health)`))
  }
  if (d.failing.length === 0) blocks.push(line('no member is failing', 'ok'))
  blocks.push(line(`failing since: ${d.since ?? 'unknown (ARM does not report when a member failed; see Azure Resource Health for its region)'}`))
  for (const m of d.unknown) blocks.push(line(`${m.name} cannot be judged: ${m.reasons.join('; ')}`, 'warn'))
  for (const s of d.survivors) {
    const mem = s.memory
    const level = mem?.level ?? 'unknown'
    const text = mem && mem.usedPct !== null
      ? `${s.name} survives: ${pct(mem.usedPct)} of ${formatBytes(mem.maxBytes)} used (limit from ${mem.limitSource}), ${level}`
      : `${s.name} survives: memory use unknown`
    blocks.push(line(text, level === 'crit' ? 'bad' : level === 'warn' || level === 'unknown' ? 'warn' : 'ok'))
  }
  blocks.push(line(`thresholds: warn at ${thresholds.warnPct}% used, crit at ${thresholds.critPct}%`))
  return blocks
}

const REC_MARK: Record<Recommendation['kind'], Mark> = {'nothing-failing': 'ok', redirect: 'ok', 'force-unlink': 'warn', 'no-survivor': 'bad'}

function recommendationBlocks(r: Recommendation): Block[] {
  return [line(theme.bold(`recommendation: ${r.title}`), REC_MARK[r.kind]), ...r.reasons.map((reason) => line(`· ${reason}`))]
}

function endpointsBlocks(a: Assessment): Block[] {
  const {endpoints, diagnosis} = a
  if (endpoints.members.length === 0) return [line('no surviving member to route to', 'bad')]
  const failed = diagnosis.failing.map((m) => m.name).join(', ')
  return [
    line(`route clients to these ${endpoints.members.length} survivor(s)${failed ? `; take ${failed} out of rotation` : ''}`, 'ok'),
    {kind: 'code', text: renderEndpoints(endpoints, 'env')},
    line(`the same as ${suggestCommand(['endpoints', 'export', '--group', endpoints.group, '--format', 'env'], a.connection)} without the failed member(s); add --include-keys for access keys`),
  ]
}

/** The plan as force-unlink renders it, and the verdict of its guards: shown apart when the consent prompt shows the plan. */
function planBlocks(prepared: PreparedOperation): {plan: Block; verdict: Block} {
  const {plan, guards} = prepared
  const refused = guards.refusal
  const verdict = refused
    ? line(`refused by guard ${refused.guard}: ${refused.message}; ${refused.remediation}`, 'bad')
    : plan.nothingToDo
      ? line(`nothing to do: ${plan.nothingToDo}`, 'ok')
      : line(`force-unlink built its plan and every guard passed${plan.dryRun ? ' (dry run: nothing will be sent)' : ''}:`, 'ok')
  return {plan: {kind: 'code', text: renderPlan(plan, guards.guards)}, verdict}
}

function consentBlocks(guard: GuardResult, dryRun: boolean): Block[] {
  const verdict = guard.result === 'pass'
    ? line(`${guard.detail}${dryRun ? ': a real run would go on (dry run: nothing is sent)' : ''}`, 'ok')
    : line(`${guard.detail}${dryRun ? ': a real run would stop here' : ': cancelled, nothing was sent'}`, 'bad')
  return [verdict]
}

/** What the run did, without the evidence and next steps that the later steps show. */
function executeBlocks(result: GuardedResult): Block[] {
  const {plan, operation, verification} = result
  if (result.outcome === 'dry-run') {
    return [line(`dry run: no request was sent; a real run sends ${plan.requests.map((r) => `${r.method} ${r.url}`).join(', ')}`, 'ok')]
  }
  const done = result.outcome === 'succeeded'
  const blocks = [line(`force-unlink ${plan.target?.name ?? plan.targetQuery}: ${result.outcome}`, done ? 'ok' : result.outcome === 'unknown' ? 'warn' : 'bad')]
  if (operation?.lostSight) blocks.push(line(`why unknown: ${operation.lostSight.message}`, 'warn'))
  if (verification) blocks.push(line(`${verification.ok ? 'verified' : 'NOT verified'}: ${verification.detail}`, verification.ok ? 'ok' : 'bad'))
  if (operation?.error) blocks.push(line(`ARM error ${operation.error.code}: ${operation.error.message}`, 'bad'))
  if (operation?.statusUrl) blocks.push(line(`operation: ${operation.statusUrl}`))
  return [...blocks, ...result.warnings.map((w) => line(w, 'warn'))]
}

function evidenceBlocks(dir: string, unlink: GuardedResult | null): Block[] {
  return [
    line(
      unlink
        ? `evidence: ${dir} (force-unlink's before, plan, probe, after and report, with runbook.md, this log, and runbook.json, the assessment and your answers)`
        : `evidence: ${dir} (runbook.md is this log; runbook.json holds the assessment and your answers)`,
      'ok',
    ),
    line(`verify: ${suggestCommand(['evidence', 'verify', dir])}`),
  ]
}

/** What the terminal shows and runbook.md logs of one event the runbook showed. */
function runbookBlocks(event: RunbookEvent): Block[] {
  switch (event.kind) {
    case 'group':
      return groupBlocks(event.group, event.how)
    case 'status':
      return statusBlocks(event.assessment)
    case 'diagnosis':
      return diagnosisBlocks(event.assessment.diagnosis, event.assessment.thresholds)
    case 'recommendation':
      return recommendationBlocks(event.recommendation)
    case 'endpoints':
      return endpointsBlocks(event.assessment)
    case 'note':
      return [line(event.text, event.mark)]
    case 'plan':
      return [planBlocks(event.prepared)[event.part]]
    case 'consent':
      return consentBlocks(event.guard, event.dryRun)
    case 'execute':
      return executeBlocks(event.result)
    case 'evidence':
      return evidenceBlocks(event.dir, event.unlink)
    case 'list':
      return event.items.map((i) => line(i))
    case 'answer':
      return [{kind: 'answer', question: event.question, answer: event.answer}]
  }
}

/** The events of one step on the terminal: stderr, as stdout is the final summary. */
export function renderRunbookEvents(events: RunbookEvent[]): Promise<string> {
  return renderTerminal(events.flatMap(runbookBlocks))
}

/** runbook.md: every step's events and answers, in the step list's order, and why a step was not reached. */
export function renderRunbookLog(entries: JournalEntry[], meta: LogHeading): string {
  const head = [
    `# geo-redis runbook: incident on group \`${meta.nickname}\``,
    '',
    `- Outcome: ${meta.outcome}`,
    `- Dry run: ${meta.dryRun ? 'yes, no mutating request is sent' : 'no'}`,
    `- Started: ${meta.startedAt}`,
    `- Finished: ${meta.finishedAt}`,
  ]
  const body = entries.flatMap(({step, events, notReached}) => {
    const text = events ? renderMarkdown(events.flatMap(runbookBlocks)) : `_Not reached: ${notReached ?? 'the runbook ended before this step'}._`
    return ['', `## ${stepTitle(step)}`, '', text]
  })
  return `${[...head, ...body].join('\n')}\n`
}

/** stdout once the runbook has ended: what was decided, where the log is, what to do next. */
export function renderRunbookSummary(result: RunbookResult, exitCode: number): string {
  // an unknown outcome or a stop signal is a warning: nothing says it failed
  const mark: Mark = exitCode === 0 ? 'ok' : result.outcome === 'unknown' || exitCode > 128 ? 'warn' : 'bad'
  return [
    `${PAINT[mark](MARKS[mark])} runbook incident, group "${result.group.nickname}"${result.dryRun ? ' (dry run)' : ''}: ${result.decision}`,
    `  runbook log:  ${result.evidence.dir}/runbook.md`,
    `  digest:       ${result.evidence.digest} (keep it in the incident ticket: evidence verify --expect checks it)`,
    ...(result.nextSteps.length > 0 ? ['Next steps:', ...result.nextSteps.map((s) => `  - ${s}`)] : []),
  ].join('\n')
}
