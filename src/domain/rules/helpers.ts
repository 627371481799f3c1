// Building blocks the rules share: grouping members by a setting, naming them, scopes and remediation text.
import {allMembers, label, shortName} from '../group.js'
import {suggestCommand} from '../suggest.js'
import {idKey} from '../ids.js'
import type {GeoGroup, Member} from '../model.js'
import {dialled, probeOf, type MemberProbe} from '../probe.js'
import type {CheckContext, Finding, Rule, Scope, Severity} from './types.js'

/** Items grouped by key, groups and items in first-seen order. */
export function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    groups.set(k, [...(groups.get(k) ?? []), item])
  }

  return [...groups.values()]
}

export interface Partition<T> {
  value: T
  members: Member[]
}

const caseless = (v: unknown): string => String(v).toLowerCase()

/** Members grouped by a setting. Null means unknown (an older api-version omits it) and is left out. */
export function partition<T>(members: Member[], pick: (m: Member) => T | null, keyOf: (v: T) => string = caseless): Partition<T>[] {
  const known = members.flatMap((m) => {
    const value = pick(m)
    return value === null ? [] : [{m, value}]
  })
  return groupBy(known, (k) => keyOf(k.value)).map((g) => ({value: g[0].value, members: g.map((k) => k.m)}))
}

/** The partitions when members disagree about a setting, else none. */
function differing<T>(members: Member[], pick: (m: Member) => T | null, keyOf?: (v: T) => string): Partition<T>[] {
  const parts = partition(members, pick, keyOf)
  return parts.length > 1 ? parts : []
}

export type Chooser<T> = (parts: Partition<T>[]) => Partition<T> | undefined

/** The partition holding more members than any other, if one does. */
function majority<T>(parts: Partition<T>[]): Partition<T> | undefined {
  return uniqueMax(parts, (p) => p.members.length)
}

/** The partition with the highest score, when every score is known and the top is unique; else the majority. */
export function highest<T>(score: (v: T) => number | null): Chooser<T> {
  return (parts) =>
    parts.every((p) => score(p.value) !== null) ? (uniqueMax(parts, (p) => score(p.value)!) ?? majority(parts)) : majority(parts)
}

/** The partition with this value (case-insensitive) if any member has it; else the majority. */
export function preferring(value: string): Chooser<string> {
  return (parts) => parts.find((p) => caseless(p.value) === value.toLowerCase()) ?? majority(parts)
}

function uniqueMax<T>(items: T[], score: (item: T) => number): T | undefined {
  const top = Math.max(...items.map(score))
  const best = items.filter((i) => score(i) === top)
  return best.length === 1 ? best[0] : undefined
}

/** Dotted version as a number that orders correctly for up to three parts below 1000, e.g. 7.4.2. */
export function versionScore(version: string | null): number | null {
  if (!version) return null
  const parts = version.trim().split('.').map(Number)
  if (parts.some((p) => !Number.isInteger(p) || p < 0)) return null
  const [major = 0, minor = 0, patch = 0] = parts
  return major * 1e6 + minor * 1e3 + patch
}

export function is(value: string | null, expected: string): boolean {
  return value !== null && value.toLowerCase() === expected.toLowerCase()
}

export function ids(members: Member[]): string[] {
  return members.map((m) => m.id)
}

export function names(members: Member[]): string {
  return members.map((m) => label(m)).join(', ')
}

/** A readable member's label; an unresolved id's short name. */
export function nameOf(group: GeoGroup, id: string): string {
  const m = group.members.find((x) => idKey(x.id) === idKey(id))
  return m ? label(m) : shortName(id)
}

/** Readable members and unresolved ids alike. */
export function everyone(group: GeoGroup): string[] {
  return [...ids(group.members), ...group.unresolved]
}

export function everyoneScope(ctx: CheckContext): Scope {
  return {members: everyone(ctx.group), skipped: []}
}

/** What the probe saw of the member when it was dialled; undefined when it was not (the probe rules skip it). */
export function healthOf(ctx: CheckContext, m: Member): MemberProbe | undefined {
  const probe = probeOf(ctx.probes, m)
  return probe && dialled(probe) ? probe : undefined
}

/**
 * Members with a probe result are checked, readable or not; the rest are skipped, as are those `skipReason` names.
 * A member ARM could not read is probed only when its endpoint is known.
 */
export function probeScope(ctx: CheckContext, skipReason: (h: MemberProbe, m: Member) => string | null = () => null): Scope {
  const scope: Scope = {members: [], skipped: []}
  for (const m of allMembers(ctx.group)) {
    const h = healthOf(ctx, m)
    const reason = h ? skipReason(h, m) : m.readError ? `not probed: ARM cannot read it (${m.readError.cause}) and its endpoint is unknown` : 'not probed'
    if (reason) scope.skipped.push({member: m.id, reason})
    else scope.members.push(m.id)
  }

  return scope
}

export type Verdict = Pick<Finding, 'severity' | 'message' | 'remediation'>

/** One finding per member that `check` flags; `members` defaults to the readable ones. */
export function eachMember(ctx: CheckContext, rule: string, check: (m: Member) => Verdict | null, members: Member[] = ctx.group.members): Finding[] {
  return members.flatMap((m) => {
    const verdict = check(m)
    return verdict ? [{rule, members: [m.id], ...verdict}] : []
  })
}

export function groupName(group: GeoGroup): string {
  return group.nickname ? `group "${group.nickname}"` : 'the group'
}

/** The az command for a database update, one per member. */
export function databaseUpdate(members: Member[], args: string): string {
  return members
    .map(
      (m) =>
        `\`az redisenterprise database update --cluster-name ${m.cluster} --database-name ${m.database} --resource-group ${m.resourceGroup} ${args}\``,
    )
    .join('; ')
}

/** The az command for a cluster update, one per member. */
export function clusterUpdate(members: Member[], args: string): string {
  return members
    .map((m) => `\`az redisenterprise update --cluster-name ${m.cluster} --resource-group ${m.resourceGroup} ${args}\``)
    .join('; ')
}

/** "it" or "them", "is" or "are": the word that agrees with how many members there are. */
export function agree(members: unknown[], one: string, many: string): string {
  return members.length === 1 ? one : many
}

/** A geo-redis command a remediation suggests, with this check's connection flags (see suggestCommand). */
export function geoRedis(ctx: Pick<CheckContext, 'connection'>, ...words: string[]): string {
  return suggestCommand(words, ctx.connection ?? [])
}

/** The force-unlink of each member, to send from a member that stays. */
export function unlinkCommands(ctx: Pick<CheckContext, 'group' | 'connection'>, members: Pick<Member, 'id'>[]): string {
  return members.map((m) => geoRedis(ctx, 'force-unlink', '--group', ctx.group.nickname || '<nickname>', '--member', m.id)).join('; ')
}

/** Replacing members whose create-only settings (modules, clusteringPolicy, port, geoReplication) are wrong. */
export function recreate(members: Member[], how: string, ctx: Pick<CheckContext, 'group' | 'connection'>): string {
  const it = agree(members, 'it', 'them')
  return (
    `force-unlink ${names(members)} from a member that stays (${unlinkCommands(ctx, members)}), delete ${it}, then recreate ${it} ${how}, ` +
    `joining ${groupName(ctx.group)} at create (geoReplication) or with \`az redisenterprise database force-link-to-replication-group\`; ` +
    `${agree(members, 'its', 'their')} data is discarded`
  )
}

export interface Drift<T> {
  rule: string
  severity: Severity
  /** what differs, e.g. "eviction policy" */
  setting: string
  pick: (m: Member) => T | null
  show?: (v: T) => string
  keyOf?: (v: T) => string
  /** the value odd members should move to; default: the majority's */
  choose?: Chooser<T>
  /** what to do about the odd members; `to` is undefined when no value stands out */
  remedy: (odd: Member[], to: T | undefined, ctx: CheckContext) => string
}

/** One finding when members disagree about a setting, about the members that differ from the chosen value. */
export function drift<T>(ctx: CheckContext, spec: Drift<T>): Finding[] {
  const parts = differing(ctx.group.members, spec.pick, spec.keyOf)
  if (parts.length === 0) return []
  const show = spec.show ?? String
  const to = (spec.choose ?? majority)(parts)
  const odd = parts.filter((p) => p !== to).flatMap((p) => p.members)
  return [
    {
      rule: spec.rule,
      severity: spec.severity,
      members: ids(odd),
      message: `members differ in ${spec.setting}: ${parts.map((p) => `${show(p.value)} on ${names(p.members)}`).join('; ')}`,
      remediation: spec.remedy(odd, to?.value, ctx),
    },
  ]
}

/** A rule that is nothing but one drift check. */
export function driftRule<T>(description: string, spec: Drift<T>): Rule {
  return {name: spec.rule, description, needs: 'arm', evaluate: (ctx) => drift(ctx, spec)}
}
