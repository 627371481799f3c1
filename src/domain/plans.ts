// Force-unlink, force-link and flush plans: who sends what to whom, what it costs, and how to check it worked.
// Pure: the exact HTTP request comes from ArmOperations (planForceUnlink/planForceLink/planFlush) and is passed in.
import {adoptionCost, armHealthy, belonging, flushReach, lists, type GuardReport} from './guards.js'
import {dialled, failureText, latencyOf, probeOf, type MemberProbe} from './probe.js'
import {allMembers, compareText, label, memberArmState, shortName} from './group.js'
import {idKey} from './ids.js'
import type {GeoGroup, Member, PlannedRequest} from './model.js'
import {commandLine, suggestCommand} from './suggest.js'

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

function planMember(m: Member): PlanMember {
  return {id: m.id, name: `${m.cluster}/${m.database}`, location: m.location}
}

/** Members other than the target that still list it: the side a force-unlink changes. */
export function linkedPeersOf(group: GeoGroup, target: Member): Member[] {
  return group.members.filter((m) => idKey(m.id) !== idKey(target.id) && lists(m, target.id))
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

function basePlan(
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
function command(action: GuardedAction, input: PlanInput, parts: (string | false | undefined)[]): string {
  return commandLine([action, '--group', input.group.nickname, ...parts.filter((p): p is string => Boolean(p))], input.connection)
}

export interface ForceUnlinkPlanInput extends PlanInput {
  /** a member of the group, or the database it was when no readable member lists it any more */
  target: Member | null
  /** false: the target is no longer in the group (already unlinked) */
  targetInGroup: boolean
  issuer: Member | null
  linkedPeers: Member[]
  /** the issuer was named with --from */
  fromFlag: boolean
}

/** "sandbox-westus2/default lists sandbox-eastus/default": each view, for evidence that nobody lists a member. */
function views(members: Member[], except: string): string {
  const listed = (m: Member) => m.links.filter((l) => idKey(l.id) !== idKey(m.id) && idKey(l.id) !== idKey(except)).map((l) => shortName(l.id))
  return members.map((m) => `${label(m)} lists ${listed(m).join(', ') || 'nobody else'}`).join('; ')
}

export function forceUnlinkPlan(input: ForceUnlinkPlanInput): OperationPlan {
  const {target, issuer, group} = input
  const base = basePlan('force-unlink', input, target, target ? input.targetInGroup : null)
  // the id as the issuer lists it: that is the spelling its own linkedDatabases carries
  const unlinkId = target && issuer ? (issuer.links.find((l) => idKey(l.id) === idKey(target.id))?.id ?? target.id) : null
  const others = target ? group.members.filter((m) => idKey(m.id) !== idKey(target.id)) : []
  // nobody lists it: the survivors' own views are the evidence, whether ARM can read the target or not
  const nothingToDo =
    target && input.linkedPeers.length === 0 ? `no readable member lists ${label(target)} any more: it is already unlinked (${views(others, target.id)})` : null
  const survivors = nothingToDo ? others : input.linkedPeers
  const warnings = target && !nothingToDo
    ? [`${label(target)} stops replicating with "${group.nickname}": writes it accepted that have not synced stay on it, and it must be deleted and recreated, or force-linked (discarding its data), to rejoin`, ...base.warnings]
    : []
  return {
    ...base,
    warnings,
    issuedOn: issuer && !nothingToDo ? planMember(issuer) : null,
    ids: unlinkId && !nothingToDo ? [unlinkId] : [],
    survivors: survivors.map(planMember),
    nothingToDo,
    steps:
      target && issuer && !nothingToDo
        ? [
            `send POST forceUnlink on ${label(issuer)} with ids [${target.cluster}/${target.database}]`,
            'wait for the long-running operation to finish (Azure-AsyncOperation)',
            `read the group again and check that ${survivors.map((m) => m.cluster).join(', ')} no longer list ${target.cluster}`,
          ]
        : [],
    command: command('force-unlink', input, [
      '--member',
      target?.id ?? input.targetQuery,
      input.fromFlag && issuer ? '--from' : false,
      input.fromFlag && issuer ? issuer.cluster : false,
      input.force && '--force',
      input.skipProbe && '--skip-probe',
    ]),
    nextSteps: target
      ? [
          `when ${target.location || 'its region'} has recovered, rejoin ${target.cluster} with: \`${command('force-link', input, ['--member', target.id])}\` (this discards its data), or delete and recreate it as a member`,
          `check the group: ${suggestCommand(['group', 'show', group.nickname], input.connection)}`,
        ]
      : [],
  }
}

export interface ForceLinkPlanInput extends PlanInput {
  joining: Member | null
  /** the joining database is a member of the group (false: not, or not yet, one) */
  inGroup: boolean
  survivors: Member[]
}

/** Every survivor lists the joining database as Linked: it is already back in the group. */
export function alreadyLinked(joining: Member, survivors: Member[]): boolean {
  return survivors.length > 0 && survivors.every((s) => s.links.some((l) => idKey(l.id) === idKey(joining.id) && l.state === 'Linked'))
}

/** linkedDatabases as the spec example gives it: the joining database first, then the members it rejoins. */
function forceLinkIds(joining: Member, survivors: Member[]): string[] {
  return [joining.id, ...survivors.map((m) => m.id)]
}

export function forceLinkPlan(input: ForceLinkPlanInput): OperationPlan {
  const {joining, survivors, group} = input
  const base = basePlan('force-link', input, joining, joining ? input.inGroup : null)
  const nothingToDo = joining && alreadyLinked(joining, survivors) ? `every other member already lists ${label(joining)} as Linked` : null
  const answering = joining && probeOf(input.probes, joining)?.reachable
  const stranger = joining && !belonging(group, joining)
  const warnings = joining && !nothingToDo
    ? [
        ...(stranger ? [`ADOPTING ${label(joining)}, WHICH NEVER BELONGED TO "${group.nickname}": ${adoptionCost(probeOf(input.probes, joining))}`] : []),
        `ALL DATA IN ${label(joining)} IS DISCARDED: Azure recreates the database to rejoin "${group.nickname}", and it is unavailable for several minutes`,
        ...(answering ? [`${joining.cluster} answers clients now: writes it accepted since it was unlinked are lost`] : []),
        ...(group.unresolved.length > 0 ? [`${group.unresolved.length} linked database(s) could not be read and are not in linkedDatabases: ${group.unresolved.join(', ')}`] : []),
        ...base.warnings,
      ]
    : []
  return {
    ...base,
    warnings,
    issuedOn: joining && !nothingToDo ? planMember(joining) : null,
    ids: joining && !nothingToDo ? forceLinkIds(joining, survivors) : [],
    survivors: survivors.map(planMember),
    nothingToDo,
    steps:
      joining && !nothingToDo
        ? [
            `send POST forceLinkToReplicationGroup (api-version 2025-07-01) on ${label(joining)} with groupNickname "${group.nickname}" and linkedDatabases [${[joining, ...survivors].map((m) => m.cluster).join(', ')}]`,
            `Azure recreates ${joining.cluster}: its data is discarded and it rejoins the group`,
            'wait for the long-running operation to finish (Azure-AsyncOperation)',
            `read the group again and check that ${joining.cluster} and ${survivors.map((m) => m.cluster).join(', ')} list each other`,
          ]
        : [],
    command: command('force-link', input, [
      '--member',
      joining?.id ?? input.targetQuery,
      ...(input.adopt ? ['--adopt', input.adopt] : []),
      input.force && '--force',
      input.skipProbe && '--skip-probe',
    ]),
    nextSteps: joining ? [`check the group: ${suggestCommand(['group', 'show', group.nickname], input.connection)}`] : [],
  }
}

export interface FlushPlanInput extends PlanInput {
  /** the member the request is sent on; null when the group has no member to send it on */
  issuer: Member | null
  /** the issuer was named with --from */
  fromFlag: boolean
}

/** What a flush is about, in the renderers' "<action> <target>" phrases: every member, not one. */
const FLUSH_SUBJECT = 'every member'

export function flushPlan(input: FlushPlanInput): OperationPlan {
  const {issuer, group} = input
  const base = basePlan('flush', {...input, targetQuery: FLUSH_SUBJECT}, null, null)
  const reach = issuer ? flushReach(group, issuer) : {ids: [], unreached: []}
  const others = issuer ? group.members.filter((m) => idKey(m.id) !== idKey(issuer.id)) : group.members
  const nameOf = (id: string) => {
    const m = group.members.find((x) => idKey(x.id) === idKey(id))
    return m ? label(m) : `${shortName(id)} (unreadable)`
  }
  const emptied = issuer ? [label(issuer), ...reach.ids.map(nameOf)] : []
  const silent = input.probes ? others.filter((m) => !probeOf(input.probes, m)?.reachable) : []
  return {
    ...base,
    warnings: issuer
      ? [
          `ALL DATA IN EVERY MEMBER OF ${group.nickname} IS DELETED: ${emptied.join(', ')}`,
          'there is no undo: Azure keeps no copy; export the data first (az redisenterprise database export) if it may be needed',
          ...(reach.unreached.length > 0 ? [`NOT flushed, they keep their data: ${reach.unreached.join(', ')}`] : []),
          ...silent.map((m) => `${label(m)} does not answer the probe from here (${failureText(probeOf(input.probes, m)) ?? 'not probed'}): it may be down`),
          ...base.warnings,
        ]
      : [],
    issuedOn: issuer ? planMember(issuer) : null,
    ids: reach.ids,
    survivors: others.map(planMember),
    // a flush always has something to do: ARM shows no key counts, so "already empty" cannot be told from here
    nothingToDo: null,
    steps: issuer
      ? [
          `send POST flush (api-version 2025-07-01) on ${label(issuer)} with ids [${reach.ids.map(shortName).join(', ')}]`,
          `Azure deletes every key in ${emptied.join(', ')}`,
          'wait for the long-running operation to finish (final state via Location)',
          `read the members again and check that ${group.members.map((m) => m.cluster).join(', ')} are still Succeeded/Running (key counts are not checked)`,
        ]
      : [],
    command: command('flush', input, [
      input.fromFlag && issuer ? '--from' : false,
      input.fromFlag && issuer ? issuer.cluster : false,
      input.force && '--force',
      input.skipProbe && '--skip-probe',
    ]),
    nextSteps: [
      `check the group: ${suggestCommand(['group', 'show', group.nickname], input.connection)}`,
      `check every member answers: ${suggestCommand(['probe', '--group', group.nickname], input.connection)}`,
    ],
  }
}

export interface Verification {
  ok: boolean
  detail: string
}

function find(after: Member[], id: string): Member | undefined {
  return after.find((m) => idKey(m.id) === idKey(id))
}

/** After a force-unlink: every survivor is readable and no longer lists the target. */
export function verifyForceUnlink(plan: OperationPlan, after: Member[]): Verification {
  const target = plan.target!
  const problems = plan.survivors.flatMap((s) => {
    const m = find(after, s.id)
    if (!m) return [`${s.name} could not be read`]
    return lists(m, target.id) ? [`${s.name} still lists ${target.name}`] : []
  })
  return problems.length === 0
    ? {ok: true, detail: `${plan.survivors.map((s) => s.name).join(', ')} no longer list ${target.name}`}
    : {ok: false, detail: problems.join('; ')}
}

/** After a force-link: the joining database and every survivor list each other. */
export function verifyForceLink(plan: OperationPlan, after: Member[]): Verification {
  const target = plan.target!
  const joining = find(after, target.id)
  if (!joining) return {ok: false, detail: `${target.name} could not be read`}
  const states = new Set<string>()
  const problems = plan.survivors.flatMap((s) => {
    const m = find(after, s.id)
    if (!m) return [`${s.name} could not be read`]
    const out: string[] = []
    for (const [viewer, seen] of [[m, joining], [joining, m]] as const) {
      const link = viewer.links.find((l) => idKey(l.id) === idKey(seen.id))
      if (!link || link.state === 'LinkFailed') out.push(`${viewer.cluster} ${link ? 'sees LinkFailed for' : 'does not list'} ${seen.cluster}`)
      else states.add(link.state)
    }
    return out
  })
  if (problems.length > 0) return {ok: false, detail: problems.join('; ')}
  const pending = [...states].filter((s) => s !== 'Linked')
  return {ok: true, detail: `${target.name} and ${plan.survivors.map((s) => s.name).join(', ')} list each other${pending.length > 0 ? ` (still ${pending.join(', ')})` : ''}`}
}

/**
 * After a flush: ARM shows no change for a flush, so this checks only that every member is still readable and
 * Succeeded/Running. Whether the keys are gone is a data-plane question this does not ask.
 */
export function verifyFlush(plan: OperationPlan, after: Member[]): Verification {
  const members = [plan.issuedOn!, ...plan.survivors]
  const problems = members.flatMap((s) => {
    const m = find(after, s.id)
    if (!m) return [`${s.name} could not be read`]
    return armHealthy(m) ? [] : [`${s.name} is ${memberArmState(m).text}`]
  })
  return problems.length === 0
    ? {ok: true, detail: `${members.map((s) => s.name).join(', ')} still Succeeded/Running; key counts were not checked (no data-plane verification)`}
    : {ok: false, detail: problems.join('; ')}
}
