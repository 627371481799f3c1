// Probing a group's members from where the CLI runs: one probe per member, in parallel, each bounded.
import type {GeoGroup, Member, ScopeError} from '../domain/model.js'
import {runCanary, type CanaryPair} from '../redis/canary.js'
import {endpointOf as redisEndpoint, probeMembers, type MemberProbe} from '../redis/probe.js'
import {loadGroup, type GroupSelection} from './groups.js'
import type {ArmPort} from './ports.js'
import {buildTargets, type MemberTarget, type TargetOptions} from './targets.js'

export interface ProbeSettings extends TargetOptions {
  samples: number
  timeoutMs: number
}

export interface MemberProbeResult extends MemberProbe {
  location: string
}

export interface GroupProbe {
  group: string
  members: MemberProbeResult[]
  /** N×(N−1) ordered pairs when the canary ran */
  canary: {pairs: CanaryPair[]} | null
  /** linked members nobody could read: not probed */
  unresolved: string[]
}

export interface ProbeRunOptions extends ProbeSettings {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  selection: GroupSelection
  canary: boolean
  onProgress?: (text: string) => void
}

function unreachable(t: MemberTarget): MemberProbe {
  return {
    id: t.member.id,
    endpoint: redisEndpoint(t.target),
    reachable: false,
    error: t.authError,
    connectMs: null,
    tlsMs: null,
    pingMs: null,
    server: null,
    memory: null,
  }
}

export async function probeMembersOf(arm: ArmPort, members: Member[], settings: ProbeSettings): Promise<{results: MemberProbeResult[]; targets: MemberTarget[]}> {
  const targets = await buildTargets(arm, members, settings)
  const dialable = targets.filter((t) => !t.authError)
  const probes = await probeMembers(
    dialable.map((t) => t.target),
    {samples: settings.samples, timeoutMs: settings.timeoutMs},
  )
  const byId = new Map(probes.map((p) => [p.id, p]))
  const results = targets.map((t) => ({...(byId.get(t.member.id) ?? unreachable(t)), location: t.member.location}))
  return {results, targets}
}

export async function probeGroup(arm: ArmPort, group: GeoGroup, settings: ProbeSettings & {canary: boolean}): Promise<GroupProbe> {
  const {results, targets} = await probeMembersOf(arm, group.members, settings)
  const reachable = new Set(results.filter((r) => r.reachable).map((r) => r.id))
  let canary: GroupProbe['canary'] = null
  if (settings.canary) {
    const ran = await runCanary(
      targets.filter((t) => reachable.has(t.member.id)).map((t) => t.target),
      {timeoutMs: settings.timeoutMs},
    )
    // members that could not be reached take part as "not replicated", so the matrix stays N×N
    const pairs: CanaryPair[] = []
    for (const from of targets) {
      for (const to of targets) {
        if (from === to) continue
        const measured = ran.pairs.find((p) => p.from === from.member.id && p.to === to.member.id)
        const silent = reachable.has(from.member.id) ? to : from
        const reason = `${silent.member.cluster}/${silent.member.database} did not answer the probe`
        pairs.push(measured ?? {from: from.member.id, to: to.member.id, replicated: false, lagMs: null, reason})
      }
    }

    canary = {pairs}
  }

  return {group: group.nickname, members: results, canary, unresolved: group.unresolved}
}

/** `geo-redis probe`: the one selected group, probed; `errors` are the scopes ARM could not read. */
export async function runProbe(arm: ArmPort, options: ProbeRunOptions): Promise<{probe: GroupProbe; errors: ScopeError[]}> {
  options.onProgress?.('reading the group')
  const {inventory, group} = await loadGroup(arm, {subscriptions: options.subscriptions}, options.selection)
  options.onProgress?.(`probing ${group.members.length} members${options.canary ? ', then the canary' : ''}`)
  return {probe: await probeGroup(arm, group, options), errors: inventory.errors}
}

/** 0 when every member answered, else 1 (an unresolved member did not). The canary measures and does not decide. */
export function probeExitCode(probe: Pick<GroupProbe, 'members' | 'unresolved'>): 0 | 1 {
  return probe.unresolved.length === 0 && probe.members.every((m) => m.reachable) ? 0 : 1
}
