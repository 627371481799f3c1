// The rules of `geo-redis check`, in report order: ARM view first, then probe, then canary.
import {accessKeysMismatch} from './access-keys-mismatch.js'
import {clusteringPolicy} from './clustering-policy.js'
import {evictionPolicy} from './eviction-policy.js'
import {highAvailabilityDisabled} from './high-availability-disabled.js'
import {linkState} from './link-state.js'
import {memberCount} from './member-count.js'
import {memberState} from './member-state.js'
import {membersShareRegion} from './members-share-region.js'
import {memoryHeadroom} from './memory-headroom.js'
import {modulesMismatch} from './modules-mismatch.js'
import {modulesNotAllowed} from './modules-not-allowed.js'
import {persistenceEnabled} from './persistence-enabled.js'
import {redisVersionMismatch} from './redis-version-mismatch.js'
import {replicationLag} from './replication-lag.js'
import {skuMismatch} from './sku-mismatch.js'
import {skuNotEligible} from './sku-not-eligible.js'
import {tlsMismatch} from './tls-mismatch.js'
import {unreachable} from './unreachable.js'
import {unresolvedMember} from './unresolved-member.js'
import {viewsDisagree} from './views-disagree.js'
import type {CheckContext, Finding, Rule, RuleNeeds, Severity, Skip} from './types.js'

export type {CheckContext, Finding, Rule, RuleNeeds, Severity} from './types.js'

export const ALL_RULES: readonly Rule[] = [
  linkState,
  viewsDisagree,
  unresolvedMember,
  memberState,
  memberCount,
  membersShareRegion,
  skuMismatch,
  skuNotEligible,
  evictionPolicy,
  clusteringPolicy,
  modulesMismatch,
  modulesNotAllowed,
  tlsMismatch,
  persistenceEnabled,
  highAvailabilityDisabled,
  accessKeysMismatch,
  redisVersionMismatch,
  unreachable,
  memoryHeadroom,
  replicationLag,
]

export interface Evaluated {
  rule: string
  /** members the rule checked */
  members: string[]
  /** members it could not check, with why */
  skipped: Skip[]
}

export interface Evaluation {
  findings: Finding[]
  evaluated: Evaluated[]
}

/**
 * Runs the included rules whose input is present: probe rules need `ctx.probes`, canary rules
 * `ctx.replication`; a rule without its input is left out rather than reported as passing.
 */
export function evaluateRules(ctx: CheckContext, options: {include: RuleNeeds[]}): Evaluation {
  const available: Record<RuleNeeds, boolean> = {arm: true, probe: ctx.probes !== undefined, canary: ctx.replication !== undefined}
  const findings: Finding[] = []
  const evaluated: Evaluated[] = []
  for (const rule of ALL_RULES) {
    if (!options.include.includes(rule.needs) || !available[rule.needs]) continue
    const scope = rule.scope?.(ctx) ?? {members: ctx.group.members.map((m) => m.id), skipped: []}
    evaluated.push({rule: rule.name, ...scope})
    findings.push(...rule.evaluate(ctx))
  }

  return {findings, evaluated}
}

const RANK: Record<Severity, number> = {info: 0, warning: 1, error: 2}

/** The most severe finding's severity, or null when there are none. */
export function worstSeverity(findings: Finding[]): Severity | null {
  return findings.reduce<Severity | null>((worst, f) => (worst === null || RANK[f.severity] > RANK[worst] ? f.severity : worst), null)
}
