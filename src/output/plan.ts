// Plans, guard verdicts and results of force-unlink / force-link, evidence capture and verify, as text.
// Warnings come first, then the plan, then what happened; marks follow (✓) done, (✗) failed, (!) warning.
import type {GuardResult} from '../domain/guards.js'
import {planTitle, type OperationPlan} from '../domain/plans.js'
import type {CaptureResult} from '../services/capture.js'
import type {GuardedResult} from '../services/guarded/lifecycle.js'
import type {VerifyResult} from '../services/verify.js'
import {theme} from './theme.js'

const OK = '(✓)'
const BAD = '(✗)'
const WARN = '(!)'

function renderGuards(guards: GuardResult[]): string[] {
  return guards.map((g) => `  ${g.result === 'pass' ? theme.ok(OK) : theme.bad(BAD)} ${g.name}${g.detail ? `: ${g.detail}` : ''}`)
}

function probeLine(plan: OperationPlan): string {
  return plan.probe.ran ? 'run (see the guards and probe.json)' : `skipped: ${plan.probe.reason ?? 'not run'}`
}

/** The plan as shown before consent and as the result of a dry run. */
export function renderPlan(plan: OperationPlan, guards: GuardResult[]): string {
  const lines = plan.warnings.map((w) => theme.warn(`${WARN} ${w}`))
  if (lines.length > 0) lines.push('')
  lines.push(theme.heading(`Plan: ${planTitle(plan)}`))
  if (plan.nothingToDo) lines.push(`  nothing to do: ${plan.nothingToDo}`)
  if (plan.issuedOn) lines.push(`  sent on:  ${plan.issuedOn.name} (${plan.issuedOn.location})`)
  for (const r of plan.requests) lines.push(`  request:  ${r.method} ${r.url}`, `  body:     ${JSON.stringify(r.body)}`)
  if (plan.steps.length > 0) lines.push('  steps:', ...plan.steps.map((s, i) => `    ${i + 1}. ${s}`))
  lines.push(`  probes:   ${probeLine(plan)}`)
  if (guards.length > 0) lines.push('Guards:', ...renderGuards(guards))
  return lines.join('\n')
}

const SUMMARY: Record<GuardedResult['outcome'], string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  unknown: 'outcome unknown: geo-redis lost sight of the operation; it may have succeeded, or still be running in Azure',
  refused: 'refused: nothing was sent',
  'dry-run': 'dry run: nothing was sent',
  'nothing-to-do': 'nothing to do: nothing was sent',
}

/** stdout: what happened and where the evidence is; stderr: the error, when there is one. */
export function renderGuardedResult(result: GuardedResult): {stdout: string; stderr: string | null} {
  const {plan} = result
  const target = plan.target?.name ?? `"${plan.targetQuery}"`
  const good = ['succeeded', 'dry-run', 'nothing-to-do'].includes(result.outcome)
  const lines: string[] = []
  if (result.outcome === 'dry-run') lines.push(renderPlan(plan, result.guards), '')
  else if (result.outcome === 'refused') lines.push('Guards:', ...renderGuards(result.guards), '')
  const mark = good ? theme.ok(OK) : result.outcome === 'unknown' ? theme.warn(WARN) : theme.bad(BAD)
  lines.push(`${mark} ${plan.action} ${target}, group "${plan.group.nickname}": ${SUMMARY[result.outcome]}`)
  if (result.operation?.lostSight) lines.push(`  why unknown: ${result.operation.lostSight.message}`)
  if (plan.nothingToDo) lines.push(`  ${plan.nothingToDo}`)
  if (result.verification) lines.push(`  ${result.verification.ok ? 'verified' : 'NOT verified'}: ${result.verification.detail}`)
  if (result.operation?.statusUrl) lines.push(`  operation: ${result.operation.statusUrl}`)
  lines.push(`  evidence:  ${result.evidence.dir}${result.evidence.complete ? '' : ' (incomplete)'}`)
  if (result.evidence.digest) lines.push(`  digest:    ${result.evidence.digest}`)
  for (const w of result.warnings) lines.push(theme.warn(`${WARN} ${w}`))
  if (result.nextSteps.length > 0) lines.push('Next steps:', ...result.nextSteps.map((s) => `  - ${s}`))
  return {stdout: lines.join('\n'), stderr: errorText(result)}
}

function errorText(result: GuardedResult): string | null {
  switch (result.outcome) {
    case 'refused':
      return `Error: ${result.refusal!.message}\nTry: ${result.refusal!.remediation}`
    case 'failed': {
      const e = result.operation?.error
      return `Error: ${result.plan.action} failed${e ? `: ${e.code}: ${e.message}` : ''}\nTry: ${result.nextSteps.join('; ')}`
    }
    case 'unknown': {
      const why = result.operation?.lostSight?.message ?? 'geo-redis lost sight of the operation'
      return [`Outcome unknown: ${why}. The request was sent; it may have succeeded, failed, or still be running in Azure.`, ...result.nextSteps.map((s) => `Try: ${s}`)].join('\n')
    }
    default:
      return null
  }
}

export function renderCapture(result: CaptureResult): string {
  const {group, probe, evidence} = result
  const reachable = probe.members.filter((m) => m.reachable).length
  return [
    `${theme.ok(OK)} captured group "${group.nickname}": ${group.members} members${group.unread > 0 ? ` (${group.unread} not read)` : ''}, ${group.status}${probe.ran ? `, ${reachable}/${probe.members.length} answered the probe` : ''}`,
    ...group.problems.map((p) => theme.warn(`${WARN} ${p}`)),
    ...evidence.files.map((f) => `  ${f.name}  ${f.sha256.slice(0, 12)}  ${f.bytes} bytes`),
    `  digest: ${evidence.digest}`,
    evidence.dir,
  ].join('\n')
}

export function renderVerify(result: VerifyResult): string {
  const verdict = !result.intact
    ? theme.bad(`${BAD} tampered: ${result.files.filter((f) => f.status !== 'ok').map((f) => `${f.name} ${f.status}`).join(', ')}`)
    : result.digestMatches === false
      ? theme.bad(`${BAD} not the bundle recorded: its manifest was rewritten or replaced (digest differs from --expect)`)
      : result.complete
        ? theme.ok(`${OK} intact and complete${result.digestMatches ? ', and the digest is the one expected' : ''}`)
        : theme.warn(`${WARN} intact but incomplete: the run that wrote it did not finish`)
  const digest =
    result.digestMatches === null
      ? `  digest:   ${result.digest} (without --expect this only shows the files match the manifest; see docs/evidence.md)`
      : result.digestMatches
        ? `  digest:   ${result.digest} (as expected)`
        : `  digest:   ${result.digest}, expected ${result.expectedDigest}`
  return [
    verdict,
    ...result.files.map((f) => `  ${f.status === 'ok' ? theme.ok(f.status.padEnd(10)) : theme.bad(f.status.padEnd(10))} ${f.name}`),
    digest,
    `  written by ${result.tool} ${result.version}, ${result.createdAt} → ${result.updatedAt}`,
    `  ${result.dir}`,
  ].join('\n')
}
