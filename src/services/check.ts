// `geo-redis check`: the rules over every selected group, with the data-plane probe and canary when asked.
// Takes ports and options, returns the report; never prints, never reads flags. A read that was partial is
// reported in errors[] and fails the check, so a pipeline cannot pass on what it could not see.
import {UsageError} from '../domain/errors.js'
import {allMembers} from '../domain/group.js'
import {parseDatabaseId, sameId} from '../domain/ids.js'
import type {GeoGroup, ScopeError} from '../domain/model.js'
import {checkExitCode} from '../domain/outcome.js'
import type {CanaryPair, MemberProbe} from '../domain/probe.js'
import {NO_GROUPS} from '../domain/read.js'
import type {GroupSelection} from '../domain/resolve.js'
import {evaluateRules, worstSeverity, type Evaluated} from '../domain/rules/index.js'
import type {Finding, RuleNeeds, Severity, Thresholds} from '../domain/rules/types.js'
import {readGroups} from './inventory.js'
import type {ProbingPorts, ProgressReporter} from './ports.js'
import {probeGroup} from './probe.js'
import type {TargetOptions} from './targets.js'

/** fail: an error finding; warn: a warning; pass: nothing worse than info */
type CheckStatus = 'pass' | 'warn' | 'fail'

export interface CheckedGroup {
  nickname: string
  key: string
  status: CheckStatus
  /** every member id, readable or not, in member order */
  members: string[]
  /** the members ARM could not read (each also has an `unresolved-member` finding, an error when its region does not answer) */
  unread: string[]
  findings: Finding[]
  evaluated: Evaluated[]
}

export interface CheckResult {
  generatedAt: string
  groups: CheckedGroup[]
  /** what could not be read or probed: any entry makes the check fail */
  errors: ScopeError[]
  summary: Record<Severity, number>
  /** 1 on any error finding or read error (domain/outcome.ts) */
  exitCode: number
}

export interface CheckOptions {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  /** no nickname: every visible group, narrowed by resourceGroup and member when given */
  selection: GroupSelection
  /** connect to every member: adds the probe rules (unreachable, memory-headroom) */
  probe: boolean
  /** canary writes, implies probe: adds replication-lag */
  canary: boolean
  thresholds: Thresholds
  /** credentials and CA for the probe */
  target: TargetOptions
  /** budget per member probe, and per canary write and pair */
  timeoutMs: number
  onProgress?: ProgressReporter
  now?: () => Date
  /** the ARM selection flags, repeated in every command a remediation suggests */
  connection?: string[]
}

/** What the rules see of one group besides its ARM view. */
interface GroupInputs {
  probes?: MemberProbe[]
  replication?: CanaryPair[]
  thresholds: Thresholds
  include: RuleNeeds[]
  connection?: string[]
}


export async function runCheck(ports: ProbingPorts, options: CheckOptions): Promise<CheckResult> {
  const probe = options.probe || options.canary
  const include: RuleNeeds[] = ['arm', ...(probe ? (['probe'] as const) : []), ...(options.canary ? (['canary'] as const) : [])]
  options.onProgress?.('reading subscriptions')
  const {inventory, groups} = await readGroups(
    ports.arm,
    {subscriptions: options.subscriptions, onProgress: (done, total) => options.onProgress?.(`reading databases ${done}/${total}`)},
    options.selection,
  )
  const errors = inventory.errors.filter((e) => mayConcern(e, groups))
  if (groups.length === 0) {
    errors.push({
      scope: options.subscriptions.length > 0 ? options.subscriptions.join(',') : 'inventory',
      code: NO_GROUPS,
      message: `no geo-replication group is visible in ${inventory.subscriptions.length} subscription(s)`,
    })
  }

  const checked = await Promise.all(
    groups.map(async (group) => {
      if (!probe) return checkGroup(group, {thresholds: options.thresholds, include, connection: options.connection})
      options.onProgress?.(`probing ${group.nickname || group.key}`)
      try {
        const probed = await probeGroup(ports, group, {...options.target, samples: 1, timeoutMs: options.timeoutMs, canary: options.canary})
        return checkGroup(group, {
          probes: probed.members,
          replication: probed.canary?.pairs,
          thresholds: options.thresholds,
          include,
          connection: options.connection,
        })
      } catch (error) {
        // bad input (e.g. Entra over plaintext) stays a usage error; anything else costs this group its probe only
        if (error instanceof UsageError) throw error
        errors.push({scope: group.key, code: 'ProbeFailed', message: (error as Error).message ?? String(error)})
        return checkGroup(group, {thresholds: options.thresholds, include: ['arm'], connection: options.connection})
      }
    }),
  )
  return summarise((options.now?.() ?? new Date()).toISOString(), checked, errors)
}

/** Pure: the rules over one group. */
export function checkGroup(group: GeoGroup, inputs: GroupInputs): CheckedGroup {
  const {findings, evaluated} = evaluateRules(
    {group, probes: inputs.probes, replication: inputs.replication, thresholds: inputs.thresholds, connection: inputs.connection},
    {include: inputs.include},
  )
  const worst = worstSeverity(findings)
  return {
    nickname: group.nickname,
    key: group.key,
    status: worst === 'error' ? 'fail' : worst === 'warning' ? 'warn' : 'pass',
    members: allMembers(group).map((m) => m.id),
    unread: group.unreadable.map((m) => m.id),
    findings,
    evaluated,
  }
}

/** Pure: the report, its counts and its exit code (1 on any error finding or any read error). */
export function summarise(generatedAt: string, groups: CheckedGroup[], errors: ScopeError[]): CheckResult {
  const summary: Record<Severity, number> = {error: 0, warning: 0, info: 0}
  for (const f of groups.flatMap((g) => g.findings)) summary[f.severity]++
  return {generatedAt, groups, errors, summary, exitCode: checkExitCode({summary, errors})}
}

/** An unreadable database concerns only the groups that link it; an unreadable subscription or cluster could hide any member. */
function mayConcern(error: ScopeError, groups: GeoGroup[]): boolean {
  if (!parseDatabaseId(error.scope)) return true
  return groups.some((g) => g.unresolved.some((id) => sameId(id, error.scope)) || g.members.some((m) => m.links.some((l) => sameId(l.id, error.scope))))
}
