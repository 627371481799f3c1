// `sandbox status`: every process the sandbox started (alive, and still the program it started), the emulator's
// health, a PING to each redis-server with its access key, and each group member's replication as the replicator
// reports it. Reads only: no lock, nothing changed.
import {existsSync, readFileSync} from 'node:fs'
import type {World} from '../emulator/world.js'
import {memberTarget, pingMember} from '../members/redis-server.js'
import {liveness} from '../processes.js'
import type {ReplicatorView} from '../replicator/replicator.js'
import {adminRequest} from './admin.js'
import {memberSummary, type SandboxContext, type SandboxMemberStatus, type StatusResult} from './api.js'
import {accessKeyOf} from './members.js'
import {readReplicatorView, replicationOf} from './replication.js'
import {readState, readWorld, recordedProcesses, sandboxPaths, type MemberRecord, type SandboxPaths, type SandboxState} from './state.js'

const HEALTH_TIMEOUT_MS = 2000
const PING_TIMEOUT_MS = 1500

/** What a member's check needs besides the member: the world (access keys), the CA, what the replicator says. */
interface Seen {
  state: SandboxState
  world: World | null
  caPem: string | undefined
  view: ReplicatorView | null
  replicatorRunning: boolean
  problems: string[]
}

export async function sandboxStatus(context: Pick<SandboxContext, 'home'>): Promise<StatusResult> {
  const paths = sandboxPaths(context.home)
  const state = readState(paths)
  if (!state) {
    return {running: false, stateDir: paths.dir, startedAt: null, kind: null, emulator: null, replicator: null, members: [], problems: []}
  }
  const problems: string[] = []
  const emulator = await emulatorStatus(state, paths, problems)
  const {replicator, view} = replicatorStatus(state, paths, problems)
  const caPem = state.plaintext || !existsSync(paths.ca) ? undefined : readFileSync(paths.ca, 'utf8')
  const seen: Seen = {state, world: readWorld(paths.world), caPem, view, replicatorRunning: replicator?.process === 'running', problems}
  const members = await Promise.all(state.members.map((m) => memberStatus(m, seen)))
  const anyRunning = recordedProcesses(state).some((p) => liveness(p.process) === 'running')
  if (!state.ready) problems.unshift('start-up did not finish (a `sandbox up` is running or failed)')
  if (!anyRunning) {
    problems.unshift('nothing the sandbox started is running (stale state, e.g. after a reboot): `geo-redis sandbox up` cleans it up and starts again')
  }
  return {running: anyRunning, stateDir: paths.dir, startedAt: state.startedAt, kind: state.kind, emulator, replicator, members, problems}
}

async function emulatorStatus(state: SandboxState, paths: SandboxPaths, problems: string[]): Promise<NonNullable<StatusResult['emulator']>> {
  const alive = state.emulator.process ? liveness(state.emulator.process) : 'not started'
  let health: 'ok' | 'failed' = 'failed'
  let error: string | undefined
  if (alive === 'running' && state.emulator.url) {
    try {
      const reply = await adminRequest(state, paths, 'GET', '/_emulator/health', undefined, HEALTH_TIMEOUT_MS)
      health = reply.status === 200 ? 'ok' : 'failed'
      if (reply.status !== 200) error = `HTTP ${reply.status}`
    } catch (e) {
      error = (e as Error).message
    }
  } else {
    error = `process ${alive}`
  }
  if (health !== 'ok') problems.push(`ARM emulator: ${error ?? 'unhealthy'}`)
  return {url: state.emulator.url, pid: state.emulator.process?.pid ?? null, process: alive, health, ...(error ? {error} : {})}
}

function replicatorStatus(state: SandboxState, paths: SandboxPaths, problems: string[]): {replicator: StatusResult['replicator']; view: ReplicatorView | null} {
  if (!state.replicator) return {replicator: null, view: null}
  const alive = liveness(state.replicator)
  const view = alive === 'running' ? readReplicatorView(paths) : null
  if (alive !== 'running') problems.push(`replicator (pid ${state.replicator.pid}): ${alive}`)
  return {replicator: {pid: state.replicator.pid, process: alive, lagMs: state.lagMs, stats: view ? {...view.stats} : null}, view}
}

async function memberStatus(m: MemberRecord, seen: Seen): Promise<SandboxMemberStatus> {
  const {state, problems} = seen
  const summary = memberSummary(m)
  const replication = m.role === 'member' && state.replicator ? replicationOf(seen.view, m) : null
  const lagMs = m.role === 'member' && state.replicator ? (m.lagMs ?? state.lagMs) : null
  const replicated = {replicating: replication === null ? null : replication === 'replicating', replication, lagMs, lagOverridden: m.lagMs !== undefined}
  // a drill, counted as something down like the other outage drills
  if (m.outage?.mode === 'isolate') problems.push(`${m.cluster}: isolated by an outage drill (nothing replicated to or from it)`)
  if (!state.redis) return {...summary, process: 'not started', ping: 'skipped', pingMs: null, ...replicated}
  if (!m.process) {
    const down = m.outage && m.outage.mode !== 'isolate' ? 'stopped by outage drill' : 'not started'
    problems.push(`${m.cluster}: redis-server ${down}`)
    return {...summary, process: down, ping: 'skipped', pingMs: null, ...replicated}
  }
  const alive = liveness(m.process)
  if (alive !== 'running') {
    problems.push(`${m.cluster} (pid ${m.process.pid}): redis-server ${alive}`)
    return {...summary, process: alive, ping: 'skipped', pingMs: null, ...replicated}
  }
  // force-unlinked ("not linked") is a state a drill makes, not a fault
  if (replication === 'not connected' || (replication === 'unknown' && seen.replicatorRunning)) {
    problems.push(`${m.cluster}: ${replication === 'unknown' ? 'the replicator reports nothing about it' : 'the replicator is not connected to it'}`)
  }
  const ping = await pingMember(memberTarget(m, accessKeyOf(seen.world, m), seen.caPem), PING_TIMEOUT_MS)
  if (!ping.ok) problems.push(`${m.cluster}: PING failed: ${ping.error}${m.outage ? ` (outage drill: ${m.outage.mode})` : ''}`)
  return {...summary, process: alive, ping: ping.ok ? 'ok' : 'failed', pingMs: ping.ms, ...(ping.error ? {error: ping.error} : {}), ...replicated}
}
