// The part of a guarded operation that talks to ARM after consent: the views read again right before sending, the
// request sent once and followed to ARM's verdict or the deadline, and the group read again to verify it.
import type {GuardReport, GuardResult, Refusal} from '../../domain/guards.js'
import {clusterIdOf, idKey} from '../../domain/ids.js'
import {toMember, withFreshViews} from '../../domain/group.js'
import type {Member, ScopeError} from '../../domain/model.js'
import {basisChanges, type OperationPlan, type Verification} from '../../domain/plans.js'
import {duration, waits} from '../../shared/waits.js'
import {scopeError} from '../inventory.js'
import type {ArmOperations, ArmReader, OperationOptions, OperationOutcome, ProgressReporter} from '../ports.js'
import type {MemberStates, PreparedOperation} from './prepare.js'

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

/** Sends exactly the prepared request, follows it, reads the group again and verifies: one per operation. */
export type Executor = (arm: ArmOperations, prepared: PreparedOperation, options: ExecuteOptions) => Promise<Execution>

/** Each database and its cluster read again, one pair at a time per member; failures are kept, not thrown. */
async function readMemberStates(arm: ArmReader, ids: string[], now: () => Date = () => new Date()): Promise<MemberStates> {
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
export async function recheckBeforeSending(arm: ArmReader, prepared: PreparedOperation): Promise<{guard: GuardResult; refusal: Refusal | null}> {
  const {plan} = prepared
  const anchor = plan.issuedOn && plan.action !== 'force-link' ? plan.issuedOn.id : (plan.survivors[0]?.id ?? '')
  const unread = new Set(prepared.group.unreadable.map((m) => idKey(m.id)))
  const ids = [plan.issuedOn, plan.target, ...plan.survivors].flatMap((m) => (m && !unread.has(idKey(m.id)) ? [m.id] : []))
  const read = await readMemberStates(arm, ids)
  const group = withFreshViews(prepared.group, read.members, read.errors, anchor)
  const fresh = group && prepared.decide(group, read.members)
  const changes = fresh ? basisChanges(plan.basis, fresh.plan.basis) : [`${plan.issuedOn?.name ?? 'the issuer'} could not be read again`]
  if (fresh && JSON.stringify(fresh.plan.requests) !== JSON.stringify(plan.requests)) changes.push('the request would be another one')
  return unchangedGuard(plan, read.readAt, changes, fresh?.guards ?? null)
}

function unchangedGuard(plan: OperationPlan, readAt: string, changes: string[], fresh: GuardReport | null): {guard: GuardResult; refusal: Refusal | null} {
  const name = 'unchanged-before-sending'
  const refused = fresh?.refusal
  if (changes.length === 0 && !refused) return {guard: {name, result: 'pass', detail: `read again at ${readAt}: nothing moved`}, refusal: null}
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
  arm: ArmReader,
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
