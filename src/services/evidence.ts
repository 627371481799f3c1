// Evidence and the guarded-run lifecycle shared by force-unlink, force-link, evidence capture and the runbook.
// One bundle per decision: before.json, plan.json and probe.json are written before anything is sent, an
// in-progress report.md right before the mutation, then after.json, the final report.md and a complete manifest.
import {signalText, stopSignalOf, type StopSignal} from '../domain/errors.js'
import {clusterIdOf, idKey} from '../domain/ids.js'
import {allMembers, label, toMember, withFreshViews} from '../domain/group.js'
import {consentGuard, withGuard, type GuardReport, type GuardResult, type ProbeFact, type Refusal} from '../domain/guards.js'
import type {GeoGroup, Inventory, Member, ScopeError} from '../domain/model.js'
import {basisChanges, planDrift, planTitle, type SavedPlan, type GuardedAction, type OperationPlan, type PlanInput, type Verification} from '../domain/plans.js'
import {shellWord, suggestCommand} from '../domain/suggest.js'
import {oneGroup} from '../domain/resolve.js'
import {createBundle, renderReport, type EvidenceBundle, type EvidenceOutcome, type EvidenceRecord, type ManifestEntry, type ProbeLine} from '../evidence/index.js'
import {duration, waits} from '../shared/waits.js'
import {readInventory, scopeError} from './inventory.js'
import type {ArmPort, GroupLocks, OperationOptions, OperationOutcome} from './ports.js'
import {probeMembersOf, type MemberProbeResult, type ProbeSettings} from './probe.js'

export interface ToolInfo {
  name: string
  version: string
}

export interface EvidenceSettings {
  /** parent folder; default ./geo-redis-evidence */
  root?: string
  tool: ToolInfo
  /** why, as the operator gave it (--reason) */
  reason?: string | null
  now?: () => Date
  /** leave the bundle incomplete after the final report, for a caller that adds files and completes it (the runbook) */
  holdOpen?: boolean
}

/** 'status' lines may be overwritten (a spinner); 'step' lines are kept. */
export type ProgressReporter = (line: string, kind: 'status' | 'step') => void

/** The group a guarded operation or a capture is about, as the operator named it. */
export interface SubjectSelection {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  group: string
  resourceGroup?: string
  /** the member acted on (or --from): narrows same-named groups when it names a member of exactly one */
  member?: string
}

export interface ProbeSummary {
  ran: boolean
  /** why not, when not run */
  reason: string | null
  settings: {auth: string; samples: number; timeoutMs: number} | null
  members: MemberProbeResult[]
}

/** ARM's view of the members at one moment: before.json and after.json. */
export interface MemberStates {
  readAt: string
  members: Member[]
  /** members ARM could not read: placeholders with `readError` */
  unreadable: Member[]
  errors: ScopeError[]
}

/** Everything decided before anything is sent: the input of consent, dry run, evidence and execution. */
export interface PreparedOperation {
  action: GuardedAction
  startedAt: string
  group: GeoGroup
  before: MemberStates
  plan: OperationPlan
  guards: GuardReport
  probe: ProbeSummary
  /**
   * The guards and plan again on a later read of the group (`read`: the members read then, a force-link's joining
   * database among them), with the same probes and options: the read right before sending is judged by this.
   */
  decide: (group: GeoGroup, read: Member[]) => {guards: GuardReport; plan: OperationPlan}
}

export interface Execution {
  operation: OperationOutcome
  /** the members read again once the operation ended; null when a signal stopped it or ARM stopped answering */
  after: MemberStates | null
  /** only after a Succeeded operation */
  verification: Verification | null
}

export interface ExecuteOptions {
  /** aborted with a StopSignal as its reason (BaseCommand): stop following the operation, outcome unknown */
  abortSignal?: AbortSignal
  /** how long to follow the operation before its outcome is unknown (--deadline) */
  deadlineMs?: number
  onProgress?: ProgressReporter
}

export type GuardedOutcome = Exclude<EvidenceOutcome, 'in-progress'>

export interface GuardedResult {
  action: GuardedAction
  outcome: GuardedOutcome
  startedAt: string
  finishedAt: string
  group: {nickname: string; key: string}
  plan: OperationPlan
  guards: GuardResult[]
  /** set when refused; `interrupted` when a signal (Ctrl-C, SIGHUP, SIGTERM) came before anything was sent */
  refusal: (Refusal & {interrupted: boolean}) | null
  /** the signal that stopped the run, before sending (refused, interrupted) or while following (unknown); else null */
  stoppedBy: StopSignal | null
  probe: {ran: boolean; reason: string | null; members: ProbeFact[]}
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

/** What the runbook read and probed already: its plan is built from these instead of waiting for them again. */
export interface KnownReads {
  startedAt: string
  inventory: Inventory
  /** the probes of every member of the group, with the settings the plan would probe with */
  probe?: ProbeSummary
}

export interface GuardedRunOptions extends ExecuteOptions {
  evidence: EvidenceSettings
  /** asked only when the plan passed its guards, is not a dry run and has something to do */
  consent: (prepared: PreparedOperation) => Promise<ConsentAnswer>
  /** --confirm as given: a dry run checks it too, so a rehearsal fails where the real run would */
  confirm?: string
}

export type Executor = (arm: ArmPort, prepared: PreparedOperation, options: ExecuteOptions) => Promise<Execution>

/**
 * The first step of every guarded operation: when it started, and the inventory fresh from ARM, for the operation
 * to pick its group from with the one resolver (subjectGroup, or rejoinTarget for a force-link).
 */
export async function readFresh(
  arm: ArmPort,
  options: SubjectSelection & {onProgress?: ProgressReporter; now?: () => Date; known?: KnownReads},
): Promise<{startedAt: string; inventory: Inventory}> {
  if (options.known) return options.known
  const startedAt = (options.now?.() ?? new Date()).toISOString()
  options.onProgress?.(`reading group ${options.group}`, 'status')
  return {startedAt, inventory: await readInventory(arm, {subscriptions: options.subscriptions})}
}

/** Takes the group's lock for a run that may send (never for a dry run): see GroupLocks. */
export async function holdGroup(options: {dryRun: boolean; locks?: GroupLocks}, group: GeoGroup, what: string): Promise<void> {
  if (!options.dryRun) await options.locks?.hold(group.key, group.nickname, `${what} on group "${group.nickname}"`)
}

/**
 * With --plan: the plan built now on a fresh read must be the saved one (same group, target, issuer and request) on
 * the same basis (membership, states, links, what the probes saw). What moved refuses it, first among the guards.
 */
export function againstSavedPlan(guards: GuardReport, plan: OperationPlan, saved: SavedPlan | undefined): GuardReport {
  if (!saved) return guards
  const drift = planDrift(saved, plan)
  const name = 'plan-still-holds'
  if (drift.length === 0) return withGuard(guards, {name, result: 'pass', detail: 'the group is as the plan found it, and the request is the planned one'}, null)
  return {
    guards: [{name, result: 'refuse', detail: drift.join('; ')}, ...guards.guards],
    refusal: {
      guard: name,
      message: `the group moved since the plan was made: ${drift.join('; ')}; nothing was sent`,
      remediation: `make a new plan and review it: \`${plan.command} --dry-run\``,
    },
  }
}

/** Probes `members` only when a request is needed: an already-done change is "nothing to do" without them. */
export async function probeWhenNeeded(
  arm: ArmPort,
  group: GeoGroup,
  members: Member[],
  needed: boolean,
  options: {probe: ProbeSettings | null; onProgress?: ProgressReporter; known?: KnownReads},
): Promise<{probe: ProbeSummary; facts: ProbeFact[] | null}> {
  const known = options.known?.probe
  if (needed && options.probe && known?.ran) {
    // probed moments ago (the runbook's assessment): not awaited again
    const wanted = new Set(members.map((m) => idKey(m.id)))
    const probe = {...known, members: known.members.filter((r) => wanted.has(idKey(r.id)))}
    return {probe, facts: probeFacts(probe)}
  }
  if (needed && options.probe) options.onProgress?.(`probing ${members.length} members`, 'status')
  const probe = await runProbes(arm, group, members, needed ? options.probe : null, needed ? '--skip-probe' : 'nothing to probe: no request is needed')
  return {probe, facts: probeFacts(probe)}
}

/** The part of a plan's input every guarded operation has. */
export function planBasis(
  options: {member: string; dryRun: boolean; force: boolean; probe: ProbeSettings | null; connection?: string[]},
  group: GeoGroup,
  guards: GuardReport,
  probed: {probe: ProbeSummary; facts: ProbeFact[] | null},
): PlanInput {
  return {group, targetQuery: options.member, guards, probes: probed.facts, skipReason: probed.probe.reason, skipProbe: options.probe === null, dryRun: options.dryRun, force: options.force, connection: options.connection ?? []}
}

export function statesOf(inventory: Inventory, group: GeoGroup, members: Member[] = group.members): MemberStates {
  return {readAt: inventory.generatedAt, members, unreadable: group.unreadable, errors: inventory.errors}
}

/** null settings: probes skipped, for the reason given. `members` of `group`: every one, readable or not, by default. */
export async function runProbes(
  arm: ArmPort,
  group: GeoGroup,
  members: Member[],
  settings: ProbeSettings | null,
  reason: string,
): Promise<ProbeSummary> {
  if (!settings) return {ran: false, reason, settings: null, members: []}
  const {results} = await probeMembersOf(arm, group, settings, members)
  return {ran: true, reason: null, settings: {auth: settings.auth, samples: settings.samples, timeoutMs: settings.timeoutMs}, members: results}
}

export function probeFacts(probe: ProbeSummary): ProbeFact[] | null {
  if (!probe.ran) return null
  return probe.members.map((r) => ({
    id: r.id,
    reachable: r.reachable,
    answered: r.answered,
    latencyMs: r.pingMs?.p50 ?? null,
    endpoint: r.endpoint,
    error: r.error ? `${r.error.kind}: ${r.error.message}` : null,
    errorKind: r.error?.kind ?? null,
    keys: r.keys,
    usedBytes: r.memory?.usedBytes ?? null,
  }))
}

/** Each database and its cluster read again, one pair at a time per member; failures are kept, not thrown. */
export async function readMemberStates(arm: ArmPort, ids: string[], now: () => Date = () => new Date()): Promise<MemberStates> {
  const unique = [...new Map(ids.map((id) => [idKey(id), id])).values()]
  const errors: ScopeError[] = []
  const read = await Promise.all(
    unique.map(async (id) => {
      try {
        const [cluster, db] = await Promise.all([arm.getCluster(clusterIdOf(id)), arm.getDatabase(id)])
        return toMember(cluster, db)
      } catch (error) {
        errors.push(scopeError(id, error))
        return null
      }
    }),
  )
  return {readAt: now().toISOString(), members: read.filter((m): m is Member => m !== null), unreadable: [], errors}
}

/**
 * Right before sending: the views of the issuer, the target and the survivors read again, and the plan decided again
 * on them (same probes, same options). It refuses when anything moved, a link operation is in flight (what fences a
 * run on another machine once its request has reached ARM), a guard no longer holds, or the request would differ.
 * A member ARM could not read is not read again: it has no view to compare, and in a region that does not answer
 * the read would only wait out ARM's timeout once more; the probe already decided whether it is down.
 */
async function recheckBeforeSending(arm: ArmPort, prepared: PreparedOperation): Promise<{guard: GuardResult; refusal: Refusal | null}> {
  const {plan} = prepared
  const anchor = plan.issuedOn && plan.action !== 'force-link' ? plan.issuedOn.id : (plan.survivors[0]?.id ?? '')
  const unread = new Set(prepared.group.unreadable.map((m) => idKey(m.id)))
  const ids = [plan.issuedOn, plan.target, ...plan.survivors].flatMap((m) => (m && !unread.has(idKey(m.id)) ? [m.id] : []))
  const read = await readMemberStates(arm, ids)
  const group = withFreshViews(prepared.group, read.members, read.errors, anchor)
  const name = 'unchanged-before-sending'
  const fresh = group && prepared.decide(group, read.members)
  const changes = fresh ? basisChanges(plan.basis, fresh.plan.basis) : [`${plan.issuedOn?.name ?? 'the issuer'} could not be read again`]
  if (fresh && JSON.stringify(fresh.plan.requests) !== JSON.stringify(plan.requests)) changes.push('the request would be another one')
  const refused = fresh?.guards.refusal
  if (changes.length === 0 && !refused) return {guard: {name, result: 'pass', detail: `read again at ${read.readAt}: nothing moved`}, refusal: null}
  const what = [...changes, ...(refused ? [`guard ${refused.guard} now refuses: ${refused.message}`] : [])].join('; ')
  return {
    guard: {name, result: 'refuse', detail: what},
    refusal: {
      guard: name,
      message: `the group moved between the plan and the send: ${what}; nothing was sent`,
      remediation: `look at it again with \`${plan.command} --dry-run\`${refused?.remediation ? `; ${refused.remediation}` : ''}`,
    },
  }
}

/**
 * Sends the planned request and follows it to ARM's verdict or the deadline, then reads the members again and
 * verifies. Not read again: members ARM could not read before (nothing waits twice for a member known to be
 * failing), and nobody when a signal stopped the run or ARM stopped answering (the run ends without another wait).
 */
export async function executePlan(
  arm: ArmPort,
  prepared: PreparedOperation,
  send: (options: OperationOptions) => Promise<OperationOutcome>,
  verify: (plan: OperationPlan, after: Member[]) => Verification,
  options: ExecuteOptions,
): Promise<Execution> {
  const {plan} = prepared
  if (!plan.issuedOn || plan.requests.length === 0) throw new Error(`the ${plan.action} plan has no request to send`)
  const what = `${plan.action} on ${plan.issuedOn.name}`
  const deadline = options.deadlineMs ? `; following it for up to ${duration(options.deadlineMs)}` : ''
  let last = ''
  // on the board of waits for as long as it runs, so the progress line names it and its deadline
  const endWait = options.deadlineMs ? waits.begin(what, 'in progress in Azure', options.deadlineMs, {behind: true}) : () => {}
  // the port resolves Unknown as soon as the signal aborts or the deadline passes
  const operation = await send({
    abortSignal: options.abortSignal,
    deadlineMs: options.deadlineMs,
    onProgress: (status, url) => {
      // off a terminal only changes are worth a line; a spinner shows every poll
      options.onProgress?.(`${what}: ${status}${status === 'Accepted' && url ? ` (status ${url})${deadline}` : ''}`, status === last ? 'status' : 'step')
      last = status
    },
  }).finally(endWait)
  if (operation.status === 'Unknown' && operation.lostSight?.cause !== 'deadline') return {operation, after: null, verification: null}
  options.onProgress?.('reading the group again', 'status')
  const unread = new Set(prepared.before.unreadable.map((m) => idKey(m.id)))
  const ids = [plan.issuedOn.id, ...(plan.target ? [plan.target.id] : []), ...plan.survivors.map((s) => s.id)].filter((id) => !unread.has(idKey(id)))
  const after = await readMemberStates(arm, ids)
  return {operation, after, verification: operation.status === 'Succeeded' ? verify(plan, after.members) : null}
}

export interface EvidenceSubject {
  action: string
  startedAt: string
  group: GeoGroup
  before: MemberStates
  plan: OperationPlan | null
  guards: GuardReport | null
  probe: ProbeSummary
}

export interface ReportUpdate {
  outcome: EvidenceOutcome
  decision: string
  guards?: GuardResult[]
  error?: {code: string; message: string} | null
  statusUrl?: string | null
  /** why the outcome is unknown */
  lostSight?: string | null
  nextSteps?: string[]
}

/** One decision's bundle. Writes are redacted by the bundle; nothing here holds a secret. */
export class DecisionEvidence {
  private constructor(
    private readonly bundle: EvidenceBundle,
    private readonly subject: EvidenceSubject,
    private readonly settings: EvidenceSettings,
    private readonly operator: EvidenceRecord['operator'],
  ) {}

  /** Creates the folder and writes before.json, plan.json (when there is a plan) and probe.json (when relevant). */
  static async open(arm: ArmPort, subject: EvidenceSubject, settings: EvidenceSettings): Promise<DecisionEvidence> {
    const now = settings.now?.() ?? new Date()
    const [bundle, operator] = await Promise.all([
      createBundle({root: settings.root, nickname: subject.group.nickname, action: subject.action, now, tool: settings.tool}),
      // who ran it is worth recording, but never worth failing the run for
      arm.principal().catch(() => null),
    ])
    const evidence = new DecisionEvidence(bundle, subject, settings, operator)
    const {group, before, plan, guards, probe} = subject
    await bundle.writeJson('before.json', {
      readAt: before.readAt,
      group: {nickname: group.nickname, key: group.key, status: group.status, problems: group.problems, unresolved: group.unresolved},
      members: before.members,
      unreadable: before.unreadable,
      errors: before.errors,
    })
    if (plan) await bundle.writeJson('plan.json', {...plan, guards: guards?.guards ?? [], refusal: guards?.refusal ?? null})
    if (plan || probe.ran) await bundle.writeJson('probe.json', probe)
    return evidence
  }

  get dir(): string {
    return this.bundle.dir
  }

  files(): ManifestEntry[] {
    return this.bundle.files()
  }

  digest(): string {
    return this.bundle.digest()
  }

  async writeAfter(after: MemberStates, verification: Verification | null): Promise<void> {
    await this.bundle.writeJson('after.json', {...after, verification})
  }

  /** report.md for this phase; `in-progress` leaves the bundle open, any other outcome completes it. */
  async report(update: ReportUpdate): Promise<void> {
    const {subject, settings} = this
    const plan = subject.plan
    const record: EvidenceRecord = {
      action: subject.action,
      group: {nickname: subject.group.nickname, key: subject.group.key},
      decision: update.decision,
      reason: settings.reason ?? null,
      operator: this.operator,
      tool: settings.tool,
      startedAt: subject.startedAt,
      finishedAt: update.outcome === 'in-progress' ? null : (settings.now?.() ?? new Date()).toISOString(),
      dryRun: plan?.dryRun ?? false,
      // a flush has no single target: it reaches the issuing member and every member it lists
      targets: (plan?.target ? [plan.target] : plan?.action === 'flush' ? [plan.issuedOn, ...plan.survivors] : [])
        .filter((m): m is NonNullable<typeof m> => m !== null)
        .map((m) => ({id: m.id, location: m.location})),
      issuedOn: plan?.issuedOn ? {id: plan.issuedOn.id, location: plan.issuedOn.location} : null,
      requests: plan?.requests ?? [],
      guards: update.guards ?? subject.guards?.guards ?? [],
      probes: probeLines(subject.probe, [...subject.before.members, ...subject.before.unreadable]),
      outcome: update.outcome,
      error: update.error ?? null,
      statusUrl: update.statusUrl ?? null,
      lostSight: update.lostSight ?? null,
      nextSteps: update.nextSteps ?? [],
    }
    await this.bundle.writeText('report.md', renderReport(record))
    if (update.outcome !== 'in-progress' && !settings.holdOpen) await this.bundle.complete()
  }
}

function probeLines(probe: ProbeSummary, members: Member[]): ProbeLine[] | null {
  if (!probe.ran) return null
  const name = (id: string) => {
    const m = members.find((x) => idKey(x.id) === idKey(id))
    return m ? label(m) : id
  }
  return probe.members.map((p) => ({
    member: name(p.id),
    ok: p.reachable,
    detail: p.reachable
      ? `${p.pingMs?.p50 ?? '?'} ms at ${p.endpoint}`
      : p.readError && !p.endpoint
        ? `not probed: ARM cannot read it (${p.readError.cause}) and its endpoint is unknown`
        : `${p.error?.kind ?? 'error'}: ${p.error?.message ?? 'no answer'}`,
  }))
}

function decisionText(plan: OperationPlan, outcome: GuardedOutcome, refusal: Refusal | null): string {
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
export function checkSteps(plan: Pick<OperationPlan, 'connection' | 'group'>, statusUrl: string | null): string[] {
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

function nextStepsFor(plan: OperationPlan, outcome: GuardedOutcome, refusal: Refusal | null, operation: OperationOutcome | null, dir: string): string[] {
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

function outcomeOf(execution: Execution): GuardedOutcome {
  const {operation, verification} = execution
  if (operation.status === 'Unknown') return 'unknown'
  if (operation.status !== 'Succeeded') return 'failed'
  return verification?.ok ? 'succeeded' : 'failed'
}

/**
 * The whole guarded lifecycle: evidence first; then nothing to do, a refusal or a dry run stop with no request
 * sent; otherwise consent, an in-progress report, the operation, and the final evidence.
 */
export async function runGuarded(arm: ArmPort, prepared: PreparedOperation, execute: Executor, options: GuardedRunOptions): Promise<GuardedResult> {
  const {plan} = prepared
  const evidence = await DecisionEvidence.open(arm, prepared, options.evidence)
  let guards = prepared.guards
  let interrupted = false

  const finish = async (outcome: GuardedOutcome, execution: Execution | null = null): Promise<GuardedResult> => {
    const warnings: string[] = []
    const operation = execution?.operation ?? null
    const error = operation?.error ?? (execution?.verification && !execution.verification.ok ? {code: 'NotVerified', message: `the operation succeeded but the group does not show it: ${execution.verification.detail}`} : null)
    const nextSteps = nextStepsFor(plan, outcome, guards.refusal, operation, evidence.dir)
    let complete = true
    try {
      if (execution?.after) await evidence.writeAfter(execution.after, execution.verification)
      await evidence.report({
        outcome,
        decision: decisionText(plan, outcome, guards.refusal),
        guards: guards.guards,
        error,
        statusUrl: operation?.statusUrl ?? null,
        lostSight: operation?.lostSight?.message ?? null,
        nextSteps,
      })
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
      refusal: guards.refusal ? {...guards.refusal, interrupted} : null,
      stoppedBy: operation?.lostSight?.signal ?? (interrupted ? (stopSignalOf(options.abortSignal) ?? 'SIGINT') : null),
      probe: {ran: prepared.probe.ran, reason: prepared.probe.reason, members: probeFacts(prepared.probe) ?? []},
      operation: operation && {...operation, error},
      verification: execution?.verification ?? null,
      evidence: complete && !options.evidence.holdOpen ? {dir: evidence.dir, complete: true, digest: evidence.digest()} : {dir: evidence.dir, complete: false, digest: null},
      nextSteps,
      warnings,
    }
  }

  if (plan.nothingToDo) return finish('nothing-to-do')
  if (guards.refusal) return finish('refused')
  if (plan.dryRun) {
    // a rehearsal refuses the consent the real run would refuse
    if (options.confirm !== undefined) {
      const consent = consentGuard(plan.group.nickname, options.confirm, '--confirm')
      guards = withGuard(guards, consent.guard, consent.refusal)
      if (guards.refusal) return finish('refused')
    }
    return finish('dry-run')
  }

  // a signal before the request left (while reading, probing, or at the prompt): nothing is sent
  const stopBeforeSending = () => {
    const signal = stopSignalOf(options.abortSignal) ?? 'SIGINT'
    interrupted = true
    guards = withGuard(guards, {name: 'not-interrupted', result: 'refuse', detail: `${signalText(signal)} before the request was sent`}, {
      guard: 'not-interrupted',
      message: 'interrupted before the request was sent; nothing was sent',
      remediation: `run it again when ready: \`${plan.command}\``,
    })
  }

  const answer = await options.consent(prepared)
  interrupted = Boolean(answer.interrupted)
  const consent = consentGuard(plan.group.nickname, answer.given, answer.how)
  guards = withGuard(guards, consent.guard, consent.refusal)
  if (!guards.refusal && options.abortSignal?.aborted) stopBeforeSending()
  if (!guards.refusal) {
    // the group may have moved while the operator read the plan: judge it again on a fresh read, right before sending
    options.onProgress?.('reading the views again before sending', 'status')
    const fresh = await recheckBeforeSending(arm, prepared)
    guards = withGuard(guards, fresh.guard, fresh.refusal)
  }
  if (guards.refusal) return finish('refused')

  await evidence.report({outcome: 'in-progress', decision: decisionText(plan, 'succeeded', null), guards: guards.guards})
  // the last moment nothing has left: from the next line on, the request may reach ARM
  if (options.abortSignal?.aborted) {
    stopBeforeSending()
    return finish('refused')
  }
  const execution = await execute(arm, prepared, {abortSignal: options.abortSignal, deadlineMs: options.deadlineMs, onProgress: options.onProgress})
  return finish(outcomeOf(execution), execution)
}

export interface CaptureOptions extends SubjectSelection {
  /** null: no data-plane probe */
  probe: ProbeSettings | null
  evidence: EvidenceSettings
  onProgress?: ProgressReporter
}

export interface CaptureResult {
  action: 'capture'
  outcome: 'succeeded'
  capturedAt: string
  /** `members`: every member, readable or not; `unread`: how many of them ARM could not read */
  group: {nickname: string; key: string; status: string; problems: string[]; members: number; unread: number}
  probe: {ran: boolean; members: ProbeFact[]}
  /** digest: SHA-256 of manifest.json, to keep with the release record */
  evidence: {dir: string; complete: boolean; digest: string; files: ManifestEntry[]}
}

/** The same bundle as a mutation's, without one: the group's state (and probes) for a release pipeline. */
export async function captureEvidence(arm: ArmPort, options: CaptureOptions): Promise<CaptureResult> {
  const startedAt = (options.evidence.now?.() ?? new Date()).toISOString()
  options.onProgress?.(`reading group ${options.group}`, 'status')
  const inventory = await readInventory(arm, {subscriptions: options.subscriptions})
  // a capture names exactly what it records: an unknown --member is bad input, as it is for probe
  const group = oneGroup(inventory, {group: options.group, resourceGroup: options.resourceGroup, member: options.member})
  const all = allMembers(group)
  if (options.probe) options.onProgress?.(`probing ${all.length} members`, 'status')
  const probe = await runProbes(arm, group, all, options.probe, 'not requested (pass --probe)')
  const subject: EvidenceSubject = {action: 'capture', startedAt, group, before: statesOf(inventory, group), plan: null, guards: null, probe}
  const evidence = await DecisionEvidence.open(arm, subject, options.evidence)
  const unread = group.unreadable.length > 0 ? `, ${group.unreadable.length} of them not read` : ''
  await evidence.report({
    outcome: 'succeeded',
    decision: `captured the state of group "${group.nickname}" (${all.length} members${unread}, ${group.status}); nothing was changed`,
    nextSteps: [`verify the bundle: ${suggestCommand(['evidence', 'verify', evidence.dir])}`],
  })
  return {
    action: 'capture',
    outcome: 'succeeded',
    capturedAt: startedAt,
    group: {nickname: group.nickname, key: group.key, status: group.status, problems: group.problems, members: all.length, unread: group.unreadable.length},
    probe: {ran: probe.ran, members: probeFacts(probe) ?? []},
    evidence: {dir: evidence.dir, complete: true, digest: evidence.digest(), files: evidence.files()},
  }
}
