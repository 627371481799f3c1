// What a guarded operation's plan is: who sends what to whom, what it costs, what it was decided on and how to check
// it worked. Each operation builds its own in domain/guarded/<operation>.ts. Pure: the exact HTTP request comes from
// ArmOperations (planForceUnlink/planForceLink/planFlush) and is passed in.
import {armHealthy, type GuardReport} from './guards.js'
import {dialled, latencyOf, probeOf, type MemberProbe} from './probe.js'
import {allMembers, compareText, memberArmState, shortName} from './group.js'
import {idKey} from './ids.js'
import type {GeoGroup, Member, PlannedRequest} from './model.js'
import {commandLine} from './suggest.js'

export type GuardedAction = 'force-unlink' | 'force-link' | 'flush'

interface PlanMember {
  id: string
  /** "cluster/database" */
  name: string
  location: string
}

export interface OperationPlan {
  action: GuardedAction
  group: {nickname: string; key: string}
  /** what the operator typed for --member */
  targetQuery: string
  /** the member unlinked, or the database rejoining; null when it was not found, and for a flush (every member) */
  target: PlanMember | null
  /**
   * whether the target is a member of the group: always for a force-unlink target; false for a force-link target
   * that is not (yet) one (standalone, alone in a group of its own, or in another group); null without a target
   */
  targetInGroup: boolean | null
  /** the database the request is sent to */
  issuedOn: PlanMember | null
  /** ids in the request body: the ids to unlink, linkedDatabases, or the other databases to flush */
  ids: string[]
  /** exactly what will be sent; empty when there is nothing to send */
  requests: PlannedRequest[]
  /** the members that must list each other (and, for force-link, the target) once it is done; for a flush, every
   * readable member besides the issuing one, which must still be running */
  survivors: PlanMember[]
  /** why no request is needed, when the group is already in the requested state */
  nothingToDo: string | null
  /** most important first: read before the plan */
  warnings: string[]
  /** what will happen, in order */
  steps: string[]
  probe: {ran: boolean; reason: string | null}
  dryRun: boolean
  /** the command that builds this plan again (without consent: the operator types it, or adds --yes --confirm) */
  command: string
  /** the ARM selection flags of this run, repeated in every command suggested */
  connection: string[]
  /** what to do once it succeeded */
  nextSteps: string[]
  /** what the plan was decided on: `--plan` and the read right before sending refuse when it moved */
  basis: PlanBasis
}

/** One member as the plan's guards saw it. */
interface BasisMember {
  id: string
  /** "Succeeded/Running", both states when either is not, or "unread: <cause>" */
  state: string
  /** its own view, sorted: "<lower-cased id> <state>" */
  links: string[]
  /** answers: a server answered the probe; silent: dialled, nothing answered; not probed */
  probe: 'answers' | 'silent' | 'not probed'
}

export interface PlanBasis {
  /** every member known, readable or not (and a force-link's joining database), in member order */
  members: BasisMember[]
}

/** "force-unlink cache2/default (eastus) from group "geo"": what a plan does, in one line. */
export function planTitle(plan: OperationPlan): string {
  const group = `group "${plan.group.nickname}"`
  if (plan.action === 'flush') return `flush every member of ${group}`
  const target = plan.target ? `${plan.target.name} (${plan.target.location || 'location unknown'})` : `"${plan.targetQuery}"`
  return `${plan.action} ${target} ${plan.action === 'force-unlink' ? 'from' : 'into'} ${group}`
}

export function planMember(m: Member): PlanMember {
  return {id: m.id, name: `${m.cluster}/${m.database}`, location: m.location}
}

/** Round trips this close are the same distance: a bucket boundary is the only place noise can flip a choice. */
const LATENCY_BUCKETS_MS = [20, 100]

/** 0: the same or a nearby region (under 20 ms), 1: the same continent (under 100 ms), 2: farther, 3: unknown. */
export function latencyBucket(ms: number | null | undefined): number {
  if (ms === null || ms === undefined) return LATENCY_BUCKETS_MS.length + 1
  const i = LATENCY_BUCKETS_MS.findIndex((limit) => ms < limit)
  return i === -1 ? LATENCY_BUCKETS_MS.length : i
}

/**
 * The healthiest candidate, the same on every run of an unchanged group: Succeeded/Running in ARM, then answering
 * the probe, then the widest `reach` (how many members a request sent on it affects, when that can differ), then
 * the nearest latency bucket (wide, so a jitter of a millisecond never flips it), then the id. --from overrides it.
 */
export function chooseIssuer(candidates: Member[], probes: MemberProbe[] | null, reach: (m: Member) => number = () => 0): Member | null {
  const rank = (m: Member): number[] => {
    const p = probeOf(probes, m)
    return [armHealthy(m) ? 0 : 1, probes && !p?.reachable ? 1 : 0, -reach(m), latencyBucket(latencyOf(p))]
  }
  const sorted = [...candidates].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)]
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i]
    return compareText(idKey(a.id), idKey(b.id))
  })
  return sorted[0] ?? null
}

export interface PlanInput {
  group: GeoGroup
  targetQuery: string
  guards: GuardReport
  /** null when the probes were skipped */
  probes: MemberProbe[] | null
  skipReason: string | null
  /** the operator passed --skip-probe */
  skipProbe: boolean
  dryRun: boolean
  force: boolean
  /** how the operator reached ARM (--profile, --subscription, …), repeated in every command we suggest */
  connection: string[]
  /** --adopt, repeated in the command that builds the plan again */
  adopt?: string | null
}

export function basePlan(
  action: GuardedAction,
  input: PlanInput,
  target: Member | null,
  targetInGroup: boolean | null = target ? true : null,
): Omit<OperationPlan, 'issuedOn' | 'ids' | 'survivors' | 'nothingToDo' | 'steps' | 'nextSteps' | 'command'> {
  const outside = target && !targetInGroup ? [target] : []
  const forced = input.guards.guards.filter((g) => g.forced).map((g) => `FORCED (${g.name}): ${g.detail?.replace(/^forced: /, '') ?? ''}`)
  const skipped = input.probes ? [] : [`data-plane probes skipped: ${input.skipReason ?? 'not run'}; reachability of members was not checked`]
  return {
    action,
    group: {nickname: input.group.nickname, key: input.group.key},
    targetQuery: input.targetQuery,
    target: target ? planMember(target) : null,
    targetInGroup,
    // the exact request comes from ArmOperations; the service fills it in
    requests: [],
    warnings: [...forced, ...skipped],
    probe: {ran: input.probes !== null, reason: input.probes ? null : input.skipReason},
    dryRun: input.dryRun,
    connection: input.connection,
    basis: basisOf([...allMembers(input.group), ...outside], input.probes),
  }
}

/** What a plan is decided on, member by member. */
export function basisOf(members: Member[], probes: MemberProbe[] | null): PlanBasis {
  const probe = (m: Member): BasisMember['probe'] => {
    const p = probeOf(probes, m)
    return !p || !dialled(p) ? 'not probed' : p.answered ? 'answers' : 'silent'
  }
  return {
    members: members.map((m) => ({
      id: m.id,
      state: m.readError ? `unread: ${m.readError.cause}` : memberArmState(m).text,
      links: m.links.map((l) => `${idKey(l.id)} ${l.state}`).sort(compareText),
      probe: probe(m),
    })),
  }
}

/** Basis links as an operator reads them: "sandbox-eastus/default Linked, …". */
function listing(links: string[]): string {
  return links.length > 0 ? links.map((l) => `${shortName(l.slice(0, l.lastIndexOf(' ')))}${l.slice(l.lastIndexOf(' '))}`).join(', ') : 'nobody'
}

/** What moved between the basis a plan was decided on and a later read, in the operator's words; empty when nothing did. */
export function basisChanges(planned: PlanBasis, now: PlanBasis): string[] {
  const byId = (b: PlanBasis) => new Map(b.members.map((m) => [idKey(m.id), m]))
  const [before, after] = [byId(planned), byId(now)]
  const changes: string[] = []
  for (const [key, was] of before) {
    const is = after.get(key)
    const name = shortName(was.id)
    if (!is) {
      changes.push(`${name} is no longer in the group`)
      continue
    }
    if (is.state !== was.state) changes.push(`${name} was ${was.state}, is now ${is.state}`)
    if (is.links.join('|') !== was.links.join('|')) changes.push(`${name} listed ${listing(was.links)}, now lists ${listing(is.links)}`)
    if (is.probe !== was.probe) changes.push(`${name}'s probe was "${was.probe}", is now "${is.probe}"`)
  }
  for (const [key, is] of after) if (!before.has(key)) changes.push(`${shortName(is.id)} is now in the group`)
  return changes
}

/** What a plan file keeps that a later run is held to. */
export type SavedPlan = Pick<OperationPlan, 'action' | 'group' | 'target' | 'issuedOn' | 'requests' | 'basis'>

const name = (m: PlanMember | null) => (m ? m.name : 'nobody')
const requestText = (plan: Pick<OperationPlan, 'requests'>) => plan.requests.map((r) => `${r.method} ${r.url} ${JSON.stringify(r.body)}`).join('; ') || 'none'

/**
 * What differs between a plan made earlier (a dry run's plan.json) and the plan built now on a fresh read: another
 * group, target, issuer or request, or a basis that moved. Empty: the very same plan, on the same basis.
 */
export function planDrift(saved: SavedPlan, now: OperationPlan): string[] {
  const drift: string[] = []
  if (saved.group.key !== now.group.key) drift.push(`the plan is for the group whose key is ${saved.group.key}, this run found ${now.group.key}`)
  if (idKey(saved.target?.id ?? '') !== idKey(now.target?.id ?? '')) drift.push(`the plan is for ${name(saved.target)}, this run names ${name(now.target)}`)
  if (idKey(saved.issuedOn?.id ?? '') !== idKey(now.issuedOn?.id ?? '')) drift.push(`the plan sends on ${name(saved.issuedOn)}, this run would send on ${name(now.issuedOn)}`)
  else if (requestText(saved) !== requestText(now)) drift.push(`the plan sends ${requestText(saved)}, this run would send ${requestText(now)}`)
  return [...drift, ...basisChanges(saved.basis, now.basis)]
}

/** A guarded command on this plan's group; never consent (see commandLine). */
export function command(action: GuardedAction, input: PlanInput, parts: (string | false | undefined)[]): string {
  return commandLine([action, '--group', input.group.nickname, ...parts.filter((p): p is string => Boolean(p))], input.connection)
}

export interface Verification {
  ok: boolean
  detail: string
}

export function find(after: Member[], id: string): Member | undefined {
  return after.find((m) => idKey(m.id) === idKey(id))
}
