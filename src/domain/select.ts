// Picking a group and a member from what an operator types. Ambiguity is an error that says how to resolve it.
import {idKey, normaliseLocation} from './ids.js'
import type {GeoGroup, Inventory, Member} from './model.js'
import {UsageError} from './errors.js'
import {label} from './group.js'

export interface GroupQuery {
  nickname: string
  resourceGroup?: string
  /** id, cluster name or location of any member */
  member?: string
}

export function matchesMember(m: Member, query: string): boolean {
  const q = query.trim()
  return idKey(m.id) === idKey(q) || m.cluster.toLowerCase() === q.toLowerCase() || m.location === normaliseLocation(q)
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

/** Every group with the nickname, narrowed by resource group or member; may be several. */
export function findGroups(inventory: Pick<Inventory, 'groups'>, query: GroupQuery): GeoGroup[] {
  return inventory.groups.filter(
    (g) =>
      g.nickname.toLowerCase() === query.nickname.toLowerCase() &&
      (!query.resourceGroup || g.members.some((m) => m.resourceGroup.toLowerCase() === query.resourceGroup!.toLowerCase())) &&
      (!query.member || g.members.some((m) => matchesMember(m, query.member!))),
  )
}

/** Exactly one group, or a UsageError naming the choices. */
export function selectGroup(inventory: Pick<Inventory, 'groups'> & Partial<Pick<Inventory, 'errors'>>, query: GroupQuery): GeoGroup {
  const found = findGroups(inventory, query)
  if (found.length === 1) return found[0]
  if (found.length === 0) {
    const known = [...new Set(inventory.groups.map((g) => g.nickname))].sort()
    const unread = inventory.errors?.length ?? 0
    // a forbidden subscription or failed cluster may be hiding the group: say so rather than only "not found"
    const partial = unread > 0 ? ` (${unread} subscription(s) or cluster(s) could not be read and may hold it: see \`geo-redis inventory\`)` : ''
    throw new UsageError(
      `no geo-replication group named "${query.nickname}"${query.resourceGroup ? ` in resource group ${query.resourceGroup}` : ''}${query.member ? ` with member ${query.member}` : ''}`,
      (known.length > 0 ? `known groups: ${known.join(', ')}` : 'no groups are visible: check --subscription and your access with `geo-redis inventory`') + partial,
    )
  }

  const choices = found.map((g) => `  ${g.members.map((m) => `${m.resourceGroup}/${m.cluster}`).join(', ')}`).join('\n')
  throw new UsageError(
    `${found.length} groups are named "${query.nickname}":\n${choices}`,
    'pick one with --resource-group <name> or --member <cluster|location|id>',
  )
}

/** One member of a group by id, cluster name or location. */
export function selectMember(group: GeoGroup, query: string, flag = '--member'): Member {
  const found = group.members.filter((m) => matchesMember(m, query))
  if (found.length === 1) return found[0]
  const choices = group.members.map((m) => `${m.cluster} (${m.location})`).join(', ')
  if (found.length === 0) {
    throw new UsageError(`"${query}" is not a member of group "${group.nickname}"`, `pass ${flag} with one of: ${choices}`)
  }

  throw new UsageError(
    `"${query}" matches ${found.length} members of "${group.nickname}": ${found.map((m) => label(m)).join(', ')}`,
    `pass ${flag} with the member's cluster name or full database id`,
  )
}
