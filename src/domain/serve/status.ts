// What serve and watch report: plain data shared by the watcher's answers, the HTTP adapter, the metrics and the
// terminal view. The status document is a contract (docs/schemas/serve-status.schema.json).
import type {UnavailableCode} from './availability.js'

export interface WatchSettings {
  intervalMs: number
  /** each connection, PING and heartbeat round trip */
  timeoutMs: number
  /** false: PING only, nothing written (--no-heartbeat) */
  heartbeat: boolean
  /** the default of availability_lag_tolerance_ms */
  lagToleranceMs: number
  /** the force-unlink threshold, % of maxmemory (or of the SKU size) */
  thresholdPct: number
  /** memory growth is fitted over the samples of this last stretch */
  runwayWindowMs: number
}

export interface AvailabilityAnswer {
  available: boolean
  code: UnavailableCode | null
  description: string | null
}

/** Who a member is, in serve's status and in what the watcher dials (services/serve/model.ts). */
export interface MemberIdentity {
  /** stable across restarts, from the id (domain/serve/uid.ts) */
  uid: number
  /** the ARM database id, or the group file's member id */
  id: string
  /** "<cluster>/<database>", as /v1/bdbs names it */
  name: string
  /** how an operator names it: its location (or cluster) */
  label: string
  location: string
  host: string
  port: number
}

export interface MemberStatus extends MemberIdentity {
  addr: string[]
  up: boolean
  pingMs: number | null
  error: string | null
  /** with the lag check at the default tolerance */
  availability: AvailabilityAnswer
  /** lag of this member's writes on each peer, by the peer's label; null: not measured */
  lagMs: Record<string, number | null>
  memory: {
    usedBytes: number | null
    limitBytes: number | null
    limitSource: 'maxmemory' | 'sku' | null
    headroomPct: number | null
    growthBytesPerMin: number | null
    thresholdBytes: number | null
    minutesToThreshold: number | null
  }
}

export interface GroupStatusDoc {
  nickname: string
  key: string
  /** healthy: every member available with the lag check; degraded: some; down: none */
  status: 'healthy' | 'degraded' | 'down'
  /** the size of the largest set of members replicating within the default tolerance */
  membersLinked: number
  members: MemberStatus[]
}

export interface StatusDocument {
  generatedAt: string
  instance: string
  settings: WatchSettings
  groups: GroupStatusDoc[]
}
