// What the sandbox commands hand the sandbox's use cases and get back: options, and the typed results they render
// (output/sandbox.ts) and print as JSON (docs/schemas/sandbox-*.schema.json).
import {normaliseLocation} from '../../domain/ids.js'
import type {ArmOutageMode} from '../emulator/outages.js'
import type {Liveness, StopResult} from '../processes.js'
import type {MemberRecord, OutageMode} from './state.js'

/** What every sandbox use case takes: the geo-redis home it works in, and where progress lines go. */
export interface SandboxContext {
  /** $GEO_REDIS_HOME: the sandbox lives in its sandbox/ folder */
  home: string
  onProgress?: (line: string) => void
  signal?: AbortSignal
}

/** The command's hold on the profile file, which the sandbox never opens itself. */
export interface ProfileKeeper {
  /** removes the profile `name` when it names this CA (a user's own profile stays); true when it did */
  forgetProfile: (name: string, caPath: string) => boolean
}

export interface UpOptions extends SandboxContext, ProfileKeeper {
  members: number
  nickname: string
  plaintext: boolean
  lagMs: number
  redis: boolean
  armLatencyMs?: number
  armThrottleRate?: number
  armErrorRate?: number
  /** an ARM-only synthetic fleet instead of the group */
  fleet?: {clusters: number; subscriptions: number}
  /** emulator port; 0 or absent: any free port */
  port?: number
}

export interface MemberSummary {
  name: string
  id: string
  role: 'member' | 'standalone'
  region: string
  location: string
  /** the loopback address its redis-server listens on */
  host: string
  /** its cluster's hostName as ARM reports it, which the sandbox profile maps to `host` */
  hostName: string
  port: number
  tls: boolean
  /** null with --no-redis or while stopped by an outage drill */
  pid: number | null
  outage: OutageMode | null
}

export interface UpResult {
  stateDir: string
  profile: string
  caPath: string
  kind: 'group' | 'fleet'
  emulator: {url: string; pid: number}
  group: {nickname: string; members: number; lagMs: number; replicatorPid: number | null} | null
  members: MemberSummary[]
  fleet: {clusters: number; subscriptions: number} | null
  /** what up found and cleaned first (a stale sandbox), or notes on how it runs */
  notes: string[]
  next: string[]
  elapsedMs: number
}

/** The connection settings `sandbox up` hands back for the command to save as the "sandbox" profile. */
export interface SandboxProfile {
  armEndpoint: string
  accessToken: string
  caPath: string
  /** each member's host name → its loopback address, so geo-redis dials the names without /etc/hosts */
  hosts?: Record<string, string>
}

interface ProcessStatus {
  name: string
  pid: number | null
  process: Liveness | 'not started' | 'stopped by outage drill'
}

/**
 * How the replicator sees a group member: replicating (connected, and linked to at least one member), not linked
 * (connected, but force-unlinked: its writes stay local), isolated (an isolate drill: nothing copied to or from it),
 * not connected, or unknown (no recent word from it).
 */
export type Replication = 'replicating' | 'not linked' | 'isolated' | 'not connected' | 'unknown'

/** A sandbox member in `sandbox status`: its process, a PING, and its replication. */
export interface SandboxMemberStatus extends MemberSummary {
  process: ProcessStatus['process']
  ping: 'ok' | 'failed' | 'skipped'
  pingMs: number | null
  error?: string
  /** replication === 'replicating'; null for the standalone cache or without a replicator */
  replicating: boolean | null
  replication: Replication | null
  /** the delay of copies to and from it: its own (`sandbox lag`) or the group's; null for the standalone cache or without a replicator */
  lagMs: number | null
  /** true when `sandbox lag` gave it a delay of its own */
  lagOverridden: boolean
}

export interface StatusResult {
  running: boolean
  stateDir: string
  startedAt: string | null
  kind: 'group' | 'fleet' | null
  emulator: {url: string | null; pid: number | null; process: ProcessStatus['process']; health: 'ok' | 'failed'; error?: string} | null
  replicator: {pid: number; process: Liveness; lagMs: number; stats: Record<string, number> | null} | null
  members: SandboxMemberStatus[]
  problems: string[]
}

export interface DownResult {
  nothingToDo: boolean
  stateDir: string
  stopped: {name: string; pid: number; result: StopResult}[]
  profileRemoved: boolean
  /** processes that were still alive after SIGKILL */
  survivors: {name: string; pid: number}[]
  /** how the processes were found when the state could not say (corrupt or missing), or besides it */
  notes: string[]
}

export interface OutageResult {
  member: MemberSummary
  mode: OutageMode
  /** how the emulator answers ARM requests for the member's cluster meanwhile (normal: isolate changes nothing in ARM) */
  arm: ArmOutageMode | 'normal'
  redis: 'stopped' | 'frozen' | 'answering' | 'none (--no-redis)'
  /** isolate: the replicator said it copies nothing to or from the member (within 5 s); null for stop and freeze */
  replicationCut: boolean | null
  alreadyInOutage: boolean
  next: string[]
}

export interface LagResult {
  member: MemberSummary
  /** the delay of every copy to and from the member now */
  lagMs: number
  /** the group's delay, which 0 restores */
  groupLagMs: number
  /** the delay it had before */
  previousMs: number
  /** the replicator said it follows the new delay (within 5 s) */
  applied: boolean
}

export interface RestoredMember {
  member: MemberSummary
  from: OutageMode
  redis: 'restarted' | 'thawed' | 'kept running' | 'none (--no-redis)'
  replicating: boolean | null
  replication: Replication | null
  /** the resync that followed the restore: the peer (cluster name) and keys copied, or why none happened */
  resync: {from: string | null; keys: number; ok: boolean; error?: string} | null
}

export interface RestoreResult {
  nothingToDo: boolean
  restored: RestoredMember[]
}

export function memberSummary(m: MemberRecord): MemberSummary {
  return {
    name: m.cluster,
    id: m.id,
    role: m.role,
    region: m.location,
    location: normaliseLocation(m.location),
    host: m.host,
    hostName: m.hostName ?? m.host,
    port: m.port,
    tls: m.tls,
    pid: m.process?.pid ?? null,
    outage: m.outage?.mode ?? null,
  }
}
