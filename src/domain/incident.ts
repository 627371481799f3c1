// The incident runbook's pure half: its one step list (the command follows it, docs/runbook.md is checked against
// it), and the rules that turn what was read (ARM, probes, memory) into a diagnosis and a recommendation.
// Why the memory of the survivors decides (how-to-active-geo-replication): while a member is unreachable, every
// cache of the group keeps metadata for writes it has not received, which cannot be discarded until they sync;
// the survivors may run out of memory. Force-unlink stops that, but the unlinked member's unsynced writes are
// lost to the group and it rejoins only by being deleted and recreated, or force-linked (its data discarded).
import {memoryUse, type CapacityLevel, type CapacityThresholds, type MemoryUse} from './capacity.js'
import {allMembers, memberArmState} from './group.js'
import {idKey} from './ids.js'
import type {GeoGroup, Member} from './model.js'
import {suggestCommand} from './suggest.js'
import {dialled, failureText, latencyOf, probeOf, type MemberProbe} from './probe.js'
import {causeMeansDown, type ReadCause} from './read.js'
import {skuMemoryGB} from './sku.js'

export interface RunbookStep {
  id: string
  title: string
  /** one sentence: what the step shows or asks */
  description: string
}

/** The runbook, in order. Rendered as "Step n of N · title" on the terminal, in runbook.md and in docs/runbook.md. */
export const RUNBOOK_STEPS = [
  {id: 'group', title: 'Pick the group', description: 'The group hit by the incident: --group, the only group visible, or the one you pick from a list.'},
  {id: 'status', title: 'Live status of every member', description: 'Each member read now: its state in ARM, a data-plane probe from here, and how full its memory is.'},
  {
    id: 'diagnosis',
    title: 'Diagnosis',
    description: 'Which member is failing and how (ARM cannot read it, it is not Succeeded/Running, or it does not answer the probe), since when if known, and how full the survivors are against --warn and --crit.',
  },
  {id: 'recommendation', title: 'Recommendation', description: 'Redirect clients only, or force-unlink now, with the reason.'},
  {id: 'endpoints', title: 'Endpoints to route clients to', description: 'The surviving members only, as `geo-redis endpoints export --format env` prints them.'},
  {id: 'decision', title: 'Decide: force-unlink or stop', description: 'You choose whether to go on to force-unlink the failed member; no ends the runbook here with a summary and next steps.'},
  {id: 'plan', title: 'Force-unlink plan and guards', description: 'The plan that force-unlink itself builds, every guard with pass or refuse; a refusal ends the runbook with nothing sent.'},
  {id: 'confirm', title: 'Typed confirmation', description: 'You type the group nickname, exactly as force-unlink asks; anything else cancels.'},
  {
    id: 'execute',
    title: 'Execute and verify',
    description: 'The force-unlink is sent on a survivor and followed to the end, then the survivors are read again to verify it; a dry run sends nothing.',
  },
  {id: 'evidence', title: 'Evidence', description: "One evidence bundle: force-unlink's own, with runbook.md (every question, answer and result) added before it is sealed."},
  {id: 'rejoin', title: 'Rejoin later', description: 'What to run once the failed region has recovered: force-link (its data is discarded), or delete and recreate it.'},
] as const satisfies readonly RunbookStep[]

export type StepId = (typeof RUNBOOK_STEPS)[number]['id']

export function stepNumber(id: StepId): number {
  return RUNBOOK_STEPS.findIndex((s) => s.id === id) + 1
}

/** failing: down or unreadable; survivor: readable, Succeeded/Running and answering; unknown: cannot be judged from here. */
type Verdict = 'failing' | 'survivor' | 'unknown'

export interface IncidentMember {
  id: string
  /** "cluster/database" */
  name: string
  cluster: string
  resourceGroup: string | null
  /** null when no ARM list shows it */
  location: string | null
  /** `state`: cluster and database (memberArmState); `cause`: why ARM could not read it */
  arm: {readable: boolean; state: string | null; error: string | null; cause: ReadCause | null}
  /** null: not probed (ARM could not read it and its endpoint is unknown) */
  probe: {answered: boolean; latencyMs: number | null; failure: string | null} | null
  /** null: not measured */
  memory: MemoryUse | null
  /** how the other members' own views list it, e.g. ["Linked"] */
  seenAs: string[]
  verdict: Verdict
  /** why that verdict, in the operator's words */
  reasons: string[]
}

export interface IncidentInput {
  group: GeoGroup
  /** what the probe saw of the members; one not dialled (unread, endpoint unknown) counts as not probed */
  probes: MemberProbe[]
  thresholds: CapacityThresholds
}

// answering with the wrong credentials or certificate is a setup problem from here, not an outage
const SETUP_FAILURE = new Set(['auth', 'tls'])

function seenAs(group: GeoGroup, id: string): string[] {
  return group.members.filter((m) => idKey(m.id) !== idKey(id)).flatMap((m) => m.links.filter((l) => idKey(l.id) === idKey(id)).map((l) => l.state))
}

function failure(probe: MemberProbe): string {
  return failureText(probe) ?? 'other: no answer'
}

function probeStatus(probe: MemberProbe | undefined): IncidentMember['probe'] {
  return probe ? {answered: probe.reachable, latencyMs: latencyOf(probe), failure: probe.reachable ? null : failure(probe)} : null
}

/** A member ARM could not read is judged by why: a region that does not answer, or a deleted database, is failing. */
function unreadableStatus(group: GeoGroup, m: Member, probe: MemberProbe | undefined): IncidentMember {
  const error = m.readError!
  const judged = causeMeansDown(error.cause)
  const text = `${error.code}: ${error.message}`
  const reasons = [judged ? `ARM cannot read it: ${text}` : `ARM does not show it to you (${error.cause}, ${text}): its health cannot be judged from here`]
  if (probe) reasons.push(probe.reachable ? 'its endpoint answers the probe' : `its endpoint does not answer the probe (${probeStatus(probe)!.failure})`)
  return {
    id: m.id,
    name: `${m.cluster}/${m.database}`,
    cluster: m.cluster,
    resourceGroup: m.resourceGroup || null,
    // ARM's cluster list outlives a regional outage, so the placeholder may still know where it is
    location: m.location || null,
    arm: {readable: false, state: null, error: text, cause: error.cause},
    probe: probeStatus(probe),
    memory: null,
    seenAs: seenAs(group, m.id),
    verdict: judged ? 'failing' : 'unknown',
    reasons,
  }
}

function readableStatus(group: GeoGroup, m: Member, probe: MemberProbe | undefined, t: CapacityThresholds): IncidentMember {
  const state = memberArmState(m)
  const reasons: string[] = []
  let verdict: Verdict = 'survivor'
  if (!state.healthy) {
    verdict = 'failing'
    reasons.push(`ARM shows it not Succeeded/Running: ${state.text}`)
  }
  if (probe && !probe.reachable) {
    const kind = probe.error?.kind ?? 'other'
    if (SETUP_FAILURE.has(kind)) {
      if (verdict === 'survivor') verdict = 'unknown'
      reasons.push(`the probe failed on ${kind} (${failure(probe)}): a credentials or certificate problem from here, not proof that it is down`)
    } else {
      verdict = 'failing'
      reasons.push(`it does not answer the data-plane probe (${failure(probe)})`)
    }
  }
  if (!probe) reasons.push('not probed')
  const memory = probe?.reachable
    ? memoryUse({usedBytes: probe.memory?.usedBytes ?? null, maxmemoryBytes: probe.memory?.maxBytes ?? null, skuMemoryGB: skuMemoryGB(m.sku.name, m.sku.capacity)}, t)
    : null
  return {
    id: m.id,
    name: `${m.cluster}/${m.database}`,
    cluster: m.cluster,
    resourceGroup: m.resourceGroup,
    location: m.location,
    arm: {readable: true, state: state.text, error: null, cause: null},
    probe: probeStatus(probe),
    memory,
    seenAs: seenAs(group, m.id),
    verdict,
    reasons,
  }
}

/** Every member of the group, readable or not, in member order, with its verdict. */
export function memberStatuses(input: IncidentInput): IncidentMember[] {
  // a member that was not dialled (unread, endpoint unknown) has no probe reading
  const seen = input.probes.filter(dialled)
  return allMembers(input.group).map((m) =>
    m.readError ? unreadableStatus(input.group, m, probeOf(seen, m)) : readableStatus(input.group, m, probeOf(seen, m), input.thresholds),
  )
}

const LEVEL_ORDER: CapacityLevel[] = ['unknown', 'ok', 'warn', 'crit']

export interface Diagnosis {
  failing: IncidentMember[]
  survivors: IncidentMember[]
  unknown: IncidentMember[]
  /** when the failure began, when known; ARM reports no time of failure, so usually null */
  since: string | null
  /** the fullest survivor; null when no survivor's memory was measured */
  fullest: {name: string; usedPct: number; level: CapacityLevel} | null
  /** the worst level among the survivors; unknown when none was measured */
  level: CapacityLevel
}

export function diagnose(statuses: IncidentMember[], since: string | null = null): Diagnosis {
  const survivors = statuses.filter((s) => s.verdict === 'survivor')
  const measured = survivors.filter((s) => s.memory?.usedPct !== null && s.memory?.usedPct !== undefined)
  const top = [...measured].sort((a, b) => b.memory!.usedPct! - a.memory!.usedPct!)[0]
  const level = survivors.map((s) => s.memory?.level ?? 'unknown').reduce<CapacityLevel>((worst, l) => (LEVEL_ORDER.indexOf(l) > LEVEL_ORDER.indexOf(worst) ? l : worst), 'unknown')
  return {
    failing: statuses.filter((s) => s.verdict === 'failing'),
    survivors,
    unknown: statuses.filter((s) => s.verdict === 'unknown'),
    since,
    fullest: top ? {name: top.name, usedPct: top.memory!.usedPct!, level: top.memory!.level} : null,
    level,
  }
}

type RecommendationKind = 'nothing-failing' | 'redirect' | 'force-unlink' | 'no-survivor'

export interface Recommendation {
  kind: RecommendationKind
  /** one line, e.g. "force-unlink now" */
  title: string
  reasons: string[]
  /** the members a force-unlink would act on: the failing ones, when a force-unlink is possible at all */
  candidates: IncidentMember[]
}

const IRREVERSIBLE = (name: string) =>
  `force-unlink is irreversible for ${name}'s data: writes it took that have not synced stay on it, and it rejoins only by being deleted and recreated, or force-linked (its data discarded)`

/** The group a recommendation is about and how this run reached ARM, for the commands it suggests. */
export interface Subject {
  nickname: string
  connection: string[]
}

export function recommend(d: Diagnosis, t: CapacityThresholds, subject: Subject): Recommendation {
  const cmd = (...words: string[]) => suggestCommand(words, subject.connection)
  const unknownNote = d.unknown.map((s) => `${s.name} cannot be judged from here: ${s.reasons.join('; ')}`)
  if (d.failing.length === 0) {
    return {kind: 'nothing-failing', title: 'no action: no member is failing', reasons: ['every member ARM could read is Succeeded/Running and answers the probe', ...unknownNote], candidates: []}
  }
  const failed = d.failing.map((s) => s.name).join(', ')
  if (d.survivors.length === 0) {
    return {
      kind: 'no-survivor',
      title: 'do not force-unlink: no member is known to be healthy',
      reasons: [
        `no member is readable, Succeeded/Running and answering from here (failing: ${failed})`,
        'force-unlink is sent on a healthy survivor, and unlinking with no working side left loses the group',
        `check the network path from where you run geo-redis (${cmd('probe', '--group', subject.nickname)}), the Azure status page, and escalate to Azure support`,
        ...unknownNote,
      ],
      candidates: [],
    }
  }
  const pressure = d.level === 'warn' || d.level === 'crit'
  if (pressure && d.fullest) {
    const limit = d.level === 'crit' ? `--crit ${t.critPct}%` : `--warn ${t.warnPct}%`
    return {
      kind: 'force-unlink',
      title: `force-unlink now${d.level === 'crit' ? ' (critical)' : ''}`,
      reasons: [
        `${d.fullest.name} is at ${d.fullest.usedPct.toFixed(1)}% of its memory, at or above ${limit}`,
        `while ${failed} ${d.failing.length > 1 ? 'are' : 'is'} down, every cache of the group keeps metadata for writes that have not synced to it and cannot discard it until they do: the survivors may run out of memory`,
        `force-unlink stops that build-up; ${IRREVERSIBLE(failed)}`,
        ...unknownNote,
      ],
      candidates: d.failing,
    }
  }
  const headroom = d.fullest
    ? `the survivors have headroom: the fullest, ${d.fullest.name}, is at ${d.fullest.usedPct.toFixed(1)}% (below --warn ${t.warnPct}%)`
    : "the survivors' memory could not be measured (no maxmemory and no known SKU size, or no INFO reply): watch Used Memory Percentage in Azure Monitor"
  return {
    kind: 'redirect',
    title: 'redirect clients only',
    reasons: [
      headroom,
      `${failed} may recover by itself and catch up with its data intact`,
      IRREVERSIBLE(failed),
      `meanwhile, watch the survivors' memory (this runbook again, or ${cmd('capacity', '--group', subject.nickname, '--warn', String(t.warnPct), '--crit', String(t.critPct))}) and force-unlink once one reaches ${t.warnPct}%`,
      ...unknownNote,
    ],
    candidates: d.failing,
  }
}

/** Once the failed region is back: how to bring the member into the group again. */
export function rejoinSteps(nickname: string, member: Pick<IncidentMember, 'id' | 'cluster' | 'location'>, connection: string[] = []): string[] {
  const where = member.location ?? 'its region'
  const cmd = (...words: string[]) => suggestCommand(words, connection)
  return [
    `wait until ${where} has recovered and ${member.cluster} is Succeeded/Running in ARM: ${cmd('group', 'show', nickname)}`,
    `rejoin it with: ${cmd('force-link', '--group', nickname, '--member', member.id)} (ALL of its data is discarded; it is unavailable for several minutes)`,
    `or delete ${member.cluster} and recreate it as a member of "${nickname}" (az redisenterprise delete, then create it with the group nickname and the survivors as linked databases)`,
    `then check the group again: ${cmd('check', '--group', nickname)}`,
  ]
}

/** After choosing to redirect clients only: what to keep doing while the member is down. */
export function redirectNextSteps(nickname: string, failing: Pick<IncidentMember, 'id' | 'name'>[], t: CapacityThresholds, connection: string[] = []): string[] {
  const names = failing.map((m) => m.name).join(', ')
  const cmd = (...words: string[]) => suggestCommand(words, connection)
  return [
    `route clients to the survivors' endpoints (step ${stepNumber('endpoints')}) and take ${names} out of rotation`,
    `watch the survivors' memory: ${cmd('capacity', '--group', nickname, '--warn', String(t.warnPct), '--crit', String(t.critPct))}`,
    `force-unlink once a survivor reaches ${t.warnPct}%: ${cmd('runbook', 'incident', '--group', nickname)}, or ${failing
      .map((m) => cmd('force-unlink', '--group', nickname, '--member', m.id))
      .join('; ')}`,
    `when ${names} recover${failing.length > 1 ? '' : 's'}, it catches up by itself: check with ${cmd('group', 'show', nickname)}`,
  ]
}
