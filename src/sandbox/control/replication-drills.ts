// Drills on replication itself, carried out by the replicator: `sandbox outage --mode isolate` (nothing copied to or
// from the member; its redis-server and ARM keep answering), its end in `sandbox restore`, and `sandbox lag` (the
// delay of every copy to and from one member). They change only the state file, which the replicator re-reads when
// it changes (src/sandbox/replicator/drills.ts), and wait, bounded, until the replicator's status says it followed.
import {UsageError} from '../../domain/errors.js'
import {liveness, waitFor} from '../processes.js'
import type {MemberView} from '../replicator/replicator.js'
import {memberSummary, type LagResult, type OutageResult, type RestoredMember, type SandboxContext} from './api.js'
import {drill, resolveMember} from './drill.js'
import {readReplicatorView, replicatorShows} from './replication.js'
import {settleReplication} from './restart.js'
import {SANDBOX_PROFILE, type MemberRecord, type RunningSandbox} from './state.js'

/** How long a drill waits for the replicator to take it in (it polls the state every 200 ms). */
const FOLLOW_WITHIN_MS = 5000
/** `sandbox lag` accepts 0 (the group's delay again) to this */
export const MAX_MEMBER_LAG_MS = 60_000

/** A member the replicator copies to and from, with a replicator running: what isolate and lag need. */
function replicatedMember(d: RunningSandbox, target: string, what: string): MemberRecord {
  const member = resolveMember(d.state.members, target)
  if (member.role !== 'member') {
    throw new UsageError(`${member.cluster} is the standalone cache: nothing replicates to or from it`, `${what} a group member: ${groupNames(d)}`)
  }
  if (!d.state.replicator) {
    throw new UsageError(`${what} needs the replicator, which a sandbox started with --no-redis does not run`, 'geo-redis sandbox down && geo-redis sandbox up')
  }
  if (liveness(d.state.replicator) !== 'running') {
    throw new UsageError(`the sandbox's replicator (pid ${d.state.replicator.pid}) is not running`, 'geo-redis sandbox status; geo-redis sandbox down && geo-redis sandbox up to start over')
  }
  return member
}

const groupNames = (d: RunningSandbox) =>
  d.state.members
    .filter((m) => m.role === 'member')
    .map((m) => m.cluster)
    .join(', ')

function followed(d: RunningSandbox, member: MemberRecord, since: number, follows: (seen: MemberView) => boolean): Promise<boolean> {
  return waitFor(() => replicatorShows(readReplicatorView(d.paths), member, since, follows), FOLLOW_WITHIN_MS, 50)
}

/** Cuts replication to and from the member (its outage mode "isolate"); the caller checked it is in no outage. */
export async function isolateMember(d: RunningSandbox, target: string): Promise<OutageResult> {
  const member = replicatedMember(d, target, 'isolate')
  const since = Date.now()
  member.outage = {mode: 'isolate', since: new Date(since).toISOString()}
  d.save()
  const cut = await followed(d, member, since, (seen) => seen.isolated === true && seen.peers.length === 0)
  const next = [`geo-redis probe --profile ${SANDBOX_PROFILE} --canary`, `geo-redis sandbox restore ${member.cluster}`]
  return {member: memberSummary(member), mode: 'isolate', arm: 'normal', redis: 'answering', replicationCut: cut, alreadyInOutage: false, next}
}

/** Ends an isolation: the replicator links the member again and resyncs it from a peer (its own writes meanwhile are lost). */
export async function endIsolation(d: RunningSandbox, member: MemberRecord): Promise<RestoredMember> {
  const since = Date.now()
  delete member.outage
  d.save()
  return {member: memberSummary(member), from: 'isolate', redis: 'kept running', ...(await settleReplication(d, member, since))}
}

/** Reads and checks a delay before anything changes: 0 (the group's delay again) to 60000 ms, whole milliseconds. */
function memberLagMs(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_MEMBER_LAG_MS) {
    throw new UsageError(`a member's replication delay is 0 to ${MAX_MEMBER_LAG_MS} ms, not ${value}`, 'e.g. `geo-redis sandbox lag eastus 2000`; 0 restores the group\'s delay', 'BadLag')
  }
  return value
}

/** `sandbox lag <member> <ms>`: every copy to and from the member waits `ms` (0: the group's delay again). */
export function sandboxLag(target: string, ms: number, context: SandboxContext): Promise<LagResult> {
  const lagMs = memberLagMs(ms)
  return drill(context, 'sandbox lag', async (d) => {
    const member = replicatedMember(d, target, 'lag')
    const previousMs = member.lagMs ?? d.state.lagMs
    const since = Date.now()
    if (lagMs === 0) delete member.lagMs
    else member.lagMs = lagMs
    d.save()
    const wanted = lagMs === 0 ? null : lagMs
    const applied = await followed(d, member, since, (seen) => (seen.lagMs ?? null) === wanted)
    return {member: memberSummary(member), lagMs: lagMs === 0 ? d.state.lagMs : lagMs, groupLagMs: d.state.lagMs, previousMs, applied}
  })
}
