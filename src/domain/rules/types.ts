// The contract between `geo-redis check` and its rules: pure functions from what was read to findings.
import type {GeoGroup} from '../model.js'

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  rule: string
  severity: Severity
  /** member ids (as ARM returned them) the finding is about */
  members: string[]
  message: string
  remediation: string
}

/** What the data-plane probe saw for one member. */
export interface MemberHealth {
  id: string
  reachable: boolean
  errorKind: string | null
  errorMessage: string | null
  usedBytes: number | null
  /** INFO maxmemory; null when not set (0) or not read */
  maxmemoryBytes: number | null
}

/** One canary write on `from`, looked for on `to`. */
export interface ReplicationPair {
  from: string
  to: string
  replicated: boolean
  lagMs: number | null
  /** why not replicated, when the canary knows */
  reason?: string | null
}

export interface Thresholds {
  memoryWarnPct: number
  memoryCritPct: number
  replicationLagMs: number
}

export interface CheckContext {
  group: GeoGroup
  /** keyed by idKey(member id), members ARM could not read included when they were dialled; absent when the probe did not run */
  health?: Map<string, MemberHealth>
  /** absent when the canary did not run */
  replication?: ReplicationPair[]
  thresholds: Thresholds
  /** how this run reached ARM (--profile, --subscription, …), repeated in every command a remediation suggests */
  connection?: string[]
}

export type RuleNeeds = 'arm' | 'probe' | 'canary'

export interface Skip {
  member: string
  reason: string
}

/** Which members a rule checked, and which it could not (JUnit reports those as skipped). */
export interface Scope {
  members: string[]
  skipped: Skip[]
}

export interface Rule {
  name: string
  description: string
  needs: RuleNeeds
  evaluate(ctx: CheckContext): Finding[]
  /** default: every readable member (the ARM rules judge only what ARM read) */
  scope?(ctx: CheckContext): Scope
}
