// The one way to pick groups and members from what an operator types, used by every command: --group is a
// nickname (case-insensitive; nicknames are not unique), --resource-group keeps groups with a member in that resource
// group, --member keeps groups with that member (cluster name, location or database id, case-insensitive), readable
// or not. Unknown is a UsageError listing the candidates; ambiguous is a UsageError saying how to pick.
import {UsageError} from './errors.js'
import {allMembers, AZURE_DATABASE_NAME, compareText, label, placeholderMember} from './group.js'
import {idKey, normaliseLocation, parseDatabaseId} from './ids.js'
import type {GeoGroup, Inventory, Member} from './model.js'

export interface GroupSelection {
  /** nickname */
  group?: string
  resourceGroup?: string
  /** cluster name, location or database id of any member, readable or not */
  member?: string
}

type Groups = Pick<Inventory, 'groups'> & Partial<Pick<Inventory, 'errors' | 'standalone'>>

const PICK = 'pick one with --group <nickname>, --resource-group <name> or --member <cluster|location|id>'

/**
 * The one member matcher: database id, cluster name or location, case-insensitive. `byLocation` false for databases
 * outside a group, where a location could match any cache.
 */
export function matchesMember(m: Pick<Member, 'id' | 'cluster' | 'location'>, query: string, byLocation = true): boolean {
  const q = query.trim()
  return (
    idKey(m.id) === idKey(q) ||
    m.cluster.toLowerCase() === q.toLowerCase() ||
    (byLocation && m.location !== '' && m.location === normaliseLocation(q))
  )
}

/** The group carries this nickname. */
function isNamed(group: Pick<GeoGroup, 'nickname'>, nickname: string): boolean {
  return group.nickname.toLowerCase() === nickname.trim().toLowerCase()
}

/** A member of the group, readable or not, lives in this resource group. */
function inResourceGroup(group: GeoGroup, resourceGroup: string): boolean {
  return allMembers(group).some((m) => m.resourceGroup.toLowerCase() === resourceGroup.trim().toLowerCase())
}

/** The group matches every criterion the selection gives. */
export function groupMatches(group: GeoGroup, selection: GroupSelection): boolean {
  const {group: nickname, resourceGroup, member} = selection
  return (
    (!nickname || isNamed(group, nickname)) &&
    (!resourceGroup || inResourceGroup(group, resourceGroup)) &&
    (!member || allMembers(group).some((m) => matchesMember(m, member)))
  )
}

const selects = (s: GroupSelection) => Boolean(s.group || s.resourceGroup || s.member)

/**
 * Every group the selection names; every group when it names nothing (possibly none, for the caller to judge).
 * A selection that matches no group is a UsageError listing the candidates.
 */
export function matchGroups(inventory: Groups, selection: GroupSelection): GeoGroup[] {
  const found = inventory.groups.filter((g) => groupMatches(g, selection))
  if (found.length === 0 && selects(selection)) throw unknown(inventory, selection)
  return found
}

/** Exactly one group: the one the selection names, or the only one visible; else a UsageError. */
export function oneGroup(inventory: Groups, selection: GroupSelection): GeoGroup {
  const found = matchGroups(inventory, selection)
  if (found.length === 1) return found[0]
  if (found.length === 0) {
    throw new UsageError('no geo-replication group is visible', `check --subscription and your access with \`geo-redis inventory\`${partialRead(inventory)}`)
  }

  const choices = found.map((g) => `  ${g.nickname || '(no nickname)'}: ${allMembers(g).map((m) => `${m.resourceGroup}/${m.cluster}`).join(', ')}`).join('\n')
  const what = selection.group ? `${found.length} groups are named "${selection.group}"` : selects(selection) ? `${found.length} groups have ${describe(selection)}` : `${found.length} groups are visible`
  throw new UsageError(`${what}:\n${choices}`, PICK)
}

/**
 * The group a guarded operation acts on: --group and --resource-group, narrowed by the member it names when that
 * leaves exactly one. The member itself is judged by the operation's guards, so naming a stranger is a refusal
 * with evidence rather than a usage error.
 */
export function subjectGroup(inventory: Groups, selection: GroupSelection & {group: string}): GeoGroup {
  if (selection.member) {
    const narrowed = inventory.groups.filter((g) => groupMatches(g, selection))
    if (narrowed.length === 1) return narrowed[0]
  }

  return oneGroup(inventory, {group: selection.group, resourceGroup: selection.resourceGroup})
}

/** One member among `members` by id, cluster name or location; null when none matches, UsageError when several do. */
export function findMember(members: Member[], query: string, flag = '--member'): Member | null {
  const found = members.filter((m) => matchesMember(m, query))
  if (found.length > 1) {
    throw new UsageError(
      `"${query}" matches ${found.length} members: ${found.map((m) => label(m)).join(', ')}`,
      `pass ${flag} with the member's cluster name or full database id`,
    )
  }

  return found[0] ?? null
}

/** One member of the group, readable or not, or a UsageError naming the choices. */
export function memberOf(group: GeoGroup, query: string, flag = '--member', members: Member[] = allMembers(group)): Member {
  const found = findMember(members, query, flag)
  if (found) return found
  const choices = members.map((m) => `${m.cluster} (${m.location || 'location unknown'})`).join(', ')
  // a member left out of `members` (e.g. --from takes only readable ones) is named for what it is
  const unread = members.length < allMembers(group).length ? findMember(group.unreadable, query, flag) : null
  if (unread) {
    throw new UsageError(`${label(unread)} could not be read (${unread.readError!.cause}): ${flag} must name a member ARM can read`, `pass ${flag} with one of: ${choices}`)
  }

  throw new UsageError(`"${query}" is not a member of group "${group.nickname}"`, `pass ${flag} with one of: ${choices}`)
}

/** The database a force-link rejoins, and the group it rejoins; `inGroup` false when it is not (yet) a member. */
export interface RejoinTarget {
  group: GeoGroup
  joining: Member | null
  inGroup: boolean
}

/**
 * The group a force-link rejoins and the database that joins it. The database is looked for among the members of
 * the groups so named (readable or not) and, outside them, among every other readable database by id or cluster
 * name only (a location could match any cache). A group of one that holds only the joining database is not a group
 * it can rejoin. Not found: the group as for any guarded operation, and `joining` null for the guards to refuse.
 */
export function rejoinTarget(inventory: Groups, selection: GroupSelection & {group: string; member: string}): RejoinTarget {
  const named = matchGroups(inventory, {group: selection.group, resourceGroup: selection.resourceGroup})
  const query = selection.member
  const own = named.filter((g) => allMembers(g).some((m) => matchesMember(m, query)))
  if (own.length === 1) {
    const joining = findMember(allMembers(own[0]), query)!
    const alone = allMembers(own[0]).length === 1
    if (!alone) return {group: own[0], joining, inGroup: true}
    // its own group of one: it rejoins another group of that name
    const others = named.filter((g) => g !== own[0])
    if (others.length === 0) {
      throw new UsageError(
        `${label(joining)} is the only member of group "${own[0].nickname}": there is no other member to rejoin`,
        `check the group with \`geo-redis group show ${own[0].nickname}\`; the members it was unlinked from may carry another nickname`,
      )
    }

    return {group: oneGroup({...inventory, groups: others}, {group: selection.group}), joining, inGroup: false}
  }

  const group = subjectGroup(inventory, selection)
  const member = findMember(allMembers(group), query)
  if (member) return {group, joining: member, inGroup: true}
  const outside = [...inventory.groups.filter((g) => !named.includes(g)).flatMap((g) => g.members), ...(inventory.standalone ?? [])].filter((m) =>
    matchesMember(m, query, false),
  )
  if (outside.length > 1) {
    throw new UsageError(`"${query}" matches ${outside.length} databases outside group "${group.nickname}"`, 'pass --member with the full database id')
  }

  return {group, joining: outside[0] ?? null, inGroup: false}
}

/**
 * The database a force-unlink names when no member of the group lists it any more (it was unlinked): a readable
 * database outside the group by id or cluster name; or one ARM could not read, by id or cluster name, or, for a
 * cluster whose databases could not be listed (its region down), by location too, as its placeholder. Null when
 * nothing known matches (a typo stays "not a member").
 */
export function formerMember(inventory: Groups, group: GeoGroup, query: string): Member | null {
  const readable = [...inventory.groups.filter((g) => g !== group).flatMap((g) => g.members), ...(inventory.standalone ?? [])].filter((m) => matchesMember(m, query, false))
  const unread = (inventory.errors ?? []).flatMap((e) => {
    // a database read that failed, or a cluster whose database list failed (its one database is "default")
    const id = parseDatabaseId(e.scope) ? e.scope : `${e.scope}/databases/${AZURE_DATABASE_NAME}`
    if (!parseDatabaseId(id) || !e.cause) return []
    const m = {...placeholderMember(id, {clusters: new Map(), errors: inventory.errors ?? []}), location: e.location ? normaliseLocation(e.location) : ''}
    return matchesMember(m, query, e.location !== undefined) ? [m] : []
  })
  const found = [...readable, ...unread]
  return found.length === 1 ? found[0] : null
}

/** Nicknames (lower-cased) that more than one group carries: those groups need another name to be told apart. */
export function sharedNicknames(groups: {nickname: string}[]): Set<string> {
  const seen = new Set<string>()
  const shared = new Set<string>()
  for (const {nickname} of groups) {
    const key = nickname.toLowerCase()
    if (seen.has(key)) shared.add(key)
    seen.add(key)
  }

  return shared
}

export const isShared = (shared: Set<string>, nickname: string) => shared.has(nickname.toLowerCase())

function describe(selection: GroupSelection): string {
  return [
    selection.resourceGroup && `a member in resource group ${selection.resourceGroup}`,
    selection.member && `a member matching ${selection.member}`,
  ]
    .filter(Boolean)
    .join(' and ')
}

/** A forbidden subscription or a failed cluster may be hiding the group: say so rather than only "not found". */
function partialRead(inventory: Groups): string {
  const unread = inventory.errors?.length ?? 0
  return unread > 0 ? ` (${unread} subscription(s) or cluster(s) could not be read and may hold it: see \`geo-redis inventory\`)` : ''
}

function unknown(inventory: Groups, selection: GroupSelection): UsageError {
  const where = describe(selection)
  const message = selection.group
    ? `no geo-replication group named "${selection.group}"${where ? ` with ${where}` : ''}`
    : `no geo-replication group has ${where}`
  const named = selection.group ? inventory.groups.filter((g) => isNamed(g, selection.group!)) : []
  const known = [...new Set(inventory.groups.map((g) => g.nickname || '(no nickname)'))].sort(compareText)
  const candidates =
    named.length > 0
      ? `"${selection.group}" has members ${named.flatMap((g) => allMembers(g).map((m) => `${m.cluster} (${m.location || 'location unknown'}, ${m.resourceGroup})`)).join(', ')}`
      : known.length > 0
        ? `known groups: ${known.join(', ')}`
        : 'no groups are visible: check --subscription and your access with `geo-redis inventory`'
  return new UsageError(message, candidates + partialRead(inventory))
}
