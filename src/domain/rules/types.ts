// The contract between `geo-redis check` and its rules: pure functions from what was read to findings.
import type {GeoGroup} from '../model.js'
import type {CanaryPair, MemberProbe} from '../probe.js'

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  rule: string
  severity: Severity
  /** member ids (as ARM returned them) the finding is about */
  members: string[]
  message: string
  remediation: string
}

export interface Thresholds {
  memoryWarnPct: number
  memoryCritPct: number
  replicationLagMs: number
}

export interface CheckContext {
  group: GeoGroup
  /** what the probe saw of every member, members ARM could not read included; absent when the probe did not run */
  probes?: MemberProbe[]
  /** absent when the canary did not run */
  replication?: CanaryPair[]
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
