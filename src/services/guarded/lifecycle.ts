// The guarded lifecycle shared by force-unlink, force-link, flush and the runbook's force-unlink: evidence first;
// then nothing to do, a refusal or a dry run stop with nothing sent; otherwise consent, the views read again right
// before sending, an in-progress report, the request sent and followed, the group verified, and the evidence sealed
// with the outcome, whatever it is.
import {signalText, stopSignalOf, type StopSignal} from '../../domain/errors.js'
import {consentGuard, withGuard, type GuardResult, type Refusal} from '../../domain/guards.js'
import type {Outcome} from '../../domain/outcome.js'
import {planTitle, type GuardedAction, type OperationPlan, type Verification} from '../../domain/plans.js'
import type {MemberProbe} from '../../domain/probe.js'
import {shellWord, suggestCommand} from '../../domain/suggest.js'
import type {ArmOperations, OperationOutcome} from '../ports.js'
import {DecisionEvidence, type EvidenceSettings} from './decision-evidence.js'
import {recheckBeforeSending, type ExecuteOptions, type Execution, type Executor} from './execute.js'
import type {PreparedOperation} from './prepare.js'

export interface GuardedResult {
  action: GuardedAction
  outcome: Outcome
  startedAt: string
  finishedAt: string
  group: {nickname: string; key: string}
  plan: OperationPlan
  guards: GuardResult[]
  /** set when refused; `interrupted` when a signal (Ctrl-C, SIGHUP, SIGTERM) came before anything was sent */
  refusal: (Refusal & {interrupted: boolean}) | null
  /** the signal that stopped the run, before sending (refused, interrupted) or while following (unknown); else null */
  stoppedBy: StopSignal | null
  probe: {ran: boolean; reason: string | null; members: MemberProbe[]}
  operation: OperationOutcome | null
  verification: Verification | null
  /** digest: SHA-256 of the complete manifest, to keep in a ticket; null while the bundle is not complete */
  evidence: {dir: string; complete: boolean; digest: string | null}
  nextSteps: string[]
  /** problems that did not change the outcome, e.g. evidence that could not be completed */
  warnings: string[]
}

/** The operator's answer: what was given (typed, or --confirm) and how, for the consent guard. */
export interface ConsentAnswer {
  given: string | null
  how: string
  /** Ctrl-C at the prompt */
  interrupted?: boolean
}

export interface GuardedRunOptions extends ExecuteOptions {
  evidence: EvidenceSettings
  /** asked only when the plan passed its guards, is not a dry run and has something to do */
  consent: (prepared: PreparedOperation) => Promise<ConsentAnswer>
  /** --confirm as given: a dry run checks it too, so a rehearsal fails where the real run would */
  confirm?: string
}

/** A run in progress: its evidence, and the guards as consent and the last read before sending add to them. */
interface Run {
  prepared: PreparedOperation
  options: GuardedRunOptions
  evidence: DecisionEvidence
  guards: PreparedOperation['guards']
  interrupted: boolean
}

function decisionText(plan: OperationPlan, outcome: Outcome, refusal: Refusal | null): string {
  const what = planTitle(plan)
  switch (outcome) {
    case 'refused':
      return `refused to ${what}: guard ${refusal?.guard ?? 'unknown'} did not pass`
    case 'nothing-to-do':
      return `nothing to do: ${plan.nothingToDo}`
    case 'dry-run':
      return `dry run: would ${what}, sent on ${plan.issuedOn?.name ?? 'nobody'}`
    default:
      return `${what}, sent on ${plan.issuedOn?.name ?? 'nobody'}`
  }
}

/** How to check an operation whose outcome is unknown: its status URL, then the group's state. Never "run it again". */
function checkSteps(plan: Pick<OperationPlan, 'connection' | 'group'>, statusUrl: string | null): string[] {
  return [
    ...(statusUrl ? [`check the operation: az rest --method get --url ${shellWord(statusUrl)}`] : []),
    `read the group: ${suggestCommand(['group', 'show', plan.group.nickname], plan.connection)}`,
    'do not send it again before one of these shows how it ended: it may have succeeded, or still be running',
  ]
}

/** The command that runs exactly this plan (the bundle's plan.json) once its basis is re-checked. */
export function planCommand(plan: OperationPlan, dir: string): string {
  return `${plan.command} --plan ${shellWord(dir)}`
}

function nextStepsFor(plan: OperationPlan, outcome: Outcome, refusal: Refusal | null, operation: OperationOutcome | null, dir: string): string[] {
  const show = `read the group again: ${suggestCommand(['group', 'show', plan.group.nickname], plan.connection)}`
  switch (outcome) {
    case 'succeeded':
      return plan.nextSteps
    case 'dry-run':
      return [`to run exactly this plan (its basis is checked again first, and you type the nickname to confirm): \`${planCommand(plan, dir)}\``]
    case 'refused':
      return refusal?.remediation ? [refusal.remediation] : []
    case 'unknown':
      return checkSteps(plan, operation?.statusUrl ?? null)
    case 'failed':
      return [show, 'fix what the error names, then run the command again; evidence of this attempt is kept']
    default:
      return []
  }
}

function outcomeOf(execution: Execution): Outcome {
  const {operation, verification} = execution
  if (operation.status === 'Unknown') return 'unknown'
  if (operation.status !== 'Succeeded') return 'failed'
  return verification?.ok ? 'succeeded' : 'failed'
}

/** The final report and the result; evidence that cannot be completed after sending is a warning, not the outcome. */
async function finish(run: Run, outcome: Outcome, execution: Execution | null = null): Promise<GuardedResult> {
  const {prepared, evidence, guards, options} = run
  const {plan} = prepared
  const warnings: string[] = []
  const operation = execution?.operation ?? null
  const error = operation?.error ?? (execution?.verification && !execution.verification.ok ? {code: 'NotVerified', message: `the operation succeeded but the group does not show it: ${execution.verification.detail}`} : null)
  const nextSteps = nextStepsFor(plan, outcome, guards.refusal, operation, evidence.dir)
  let complete = true
  try {
    if (execution?.after) await evidence.writeAfter(execution.after, execution.verification)
    const lostSight = operation?.lostSight?.message ?? null
    await evidence.report({outcome, decision: decisionText(plan, outcome, guards.refusal), guards: guards.guards, error, statusUrl: operation?.statusUrl ?? null, lostSight, nextSteps})
  } catch (writeError) {
    // the request may have been sent: its outcome matters more than the evidence, so report both
    if (!execution) throw writeError
    complete = false
    warnings.push(`evidence in ${evidence.dir} could not be completed: ${(writeError as Error).message}`)
  }
  return {
    action: prepared.action,
    outcome,
    startedAt: prepared.startedAt,
    finishedAt: new Date().toISOString(),
    group: plan.group,
    plan,
    guards: guards.guards,
    refusal: guards.refusal ? {...guards.refusal, interrupted: run.interrupted} : null,
    stoppedBy: operation?.lostSight?.signal ?? (run.interrupted ? (stopSignalOf(options.abortSignal) ?? 'SIGINT') : null),
    probe: {ran: prepared.probe.ran, reason: prepared.probe.reason, members: prepared.probe.members},
    operation: operation && {...operation, error},
    verification: execution?.verification ?? null,
    evidence: complete && !options.evidence.holdOpen ? {dir: evidence.dir, complete: true, digest: evidence.digest()} : {dir: evidence.dir, complete: false, digest: null},
    nextSteps,
    warnings,
  }
}

/** A signal before the request left (while reading, probing, or at the prompt): nothing is sent. */
function stopBeforeSending(run: Run): void {
  const signal = stopSignalOf(run.options.abortSignal) ?? 'SIGINT'
  run.interrupted = true
  run.guards = withGuard(run.guards, {name: 'not-interrupted', result: 'refuse', detail: `${signalText(signal)} before the request was sent`}, {
    guard: 'not-interrupted',
    message: 'interrupted before the request was sent; nothing was sent',
    remediation: `run it again when ready: \`${run.prepared.plan.command}\``,
  })
}

/** A rehearsal refuses the consent the real run would refuse. */
function rehearse(run: Run): Outcome {
  if (run.options.confirm === undefined) return 'dry-run'
  const consent = consentGuard(run.prepared.plan.group.nickname, run.options.confirm, '--confirm')
  run.guards = withGuard(run.guards, consent.guard, consent.refusal)
  return run.guards.refusal ? 'refused' : 'dry-run'
}

/** Consent, then the group judged again on a fresh read: it may have moved while the operator read the plan. */
async function consentAndRecheck(arm: ArmOperations, run: Run): Promise<void> {
  const {prepared, options} = run
  const answer = await options.consent(prepared)
  run.interrupted = Boolean(answer.interrupted)
  const consent = consentGuard(prepared.plan.group.nickname, answer.given, answer.how)
  run.guards = withGuard(run.guards, consent.guard, consent.refusal)
  if (!run.guards.refusal && options.abortSignal?.aborted) stopBeforeSending(run)
  if (run.guards.refusal) return
  options.onProgress?.('reading the views again before sending', 'status')
  const fresh = await recheckBeforeSending(arm, prepared)
  run.guards = withGuard(run.guards, fresh.guard, fresh.refusal)
}

/** The whole guarded lifecycle of a prepared operation; `execute` is the operation's own. */
export async function runGuarded(arm: ArmOperations, prepared: PreparedOperation, execute: Executor, options: GuardedRunOptions): Promise<GuardedResult> {
  const {plan} = prepared
  const evidence = await DecisionEvidence.open(arm, prepared, options.evidence)
  const run: Run = {prepared, options, evidence, guards: prepared.guards, interrupted: false}
  if (plan.nothingToDo) return finish(run, 'nothing-to-do')
  if (run.guards.refusal) return finish(run, 'refused')
  if (plan.dryRun) return finish(run, rehearse(run))

  await consentAndRecheck(arm, run)
  if (run.guards.refusal) return finish(run, 'refused')
  await evidence.report({outcome: 'in-progress', decision: decisionText(plan, 'succeeded', null), guards: run.guards.guards})
  // the last moment nothing has left: from the next line on, the request may reach ARM
  if (options.abortSignal?.aborted) {
    stopBeforeSending(run)
    return finish(run, 'refused')
  }
  const execution = await execute(arm, prepared, {abortSignal: options.abortSignal, deadlineMs: options.deadlineMs, onProgress: options.onProgress})
  return finish(run, outcomeOf(execution), execution)
}
