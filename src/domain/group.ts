// Reconciles every member's own view into groups. A group is the connected set of databases that list
// each other; nicknames only label groups, they never join them.
import {clusterIdOf, idKey, parseDatabaseId} from './ids.js'
import type {ClusterView, DatabaseView, GeoGroup, GroupStatus, Inventory, Member, ScopeError} from './model.js'

export function toMember(cluster: ClusterView, db: DatabaseView): Member {
  const ref = parseDatabaseId(db.id)
  return {
    id: db.id,
    subscriptionId: ref?.subscriptionId ?? cluster.subscriptionId,
    resourceGroup: ref?.resourceGroup ?? cluster.resourceGroup,
    cluster: ref?.cluster ?? cluster.name,
    database: ref?.database ?? db.name,
    location: cluster.location,
    sku: cluster.sku,
    hostName: cluster.hostName,
    port: db.port,
    clientProtocol: db.clientProtocol,
    clusteringPolicy: db.clusteringPolicy,
    evictionPolicy: db.evictionPolicy,
    modules: db.modules,
    persistence: db.persistence,
    provisioningState: db.provisioningState,
    resourceState: db.resourceState,
    redisVersion: db.redisVersion ?? cluster.redisVersion,
    minimumTlsVersion: cluster.minimumTlsVersion,
    highAvailability: cluster.highAvailability,
    accessKeysAuthentication: db.accessKeysAuthentication,
    groupNickname: db.groupNickname,
    links: db.links,
  }
}

/** A database is geo-replicated when it names at least one other database in its own view. */
export function isGeoReplicated(member: Member): boolean {
  return member.links.some((l) => idKey(l.id) !== idKey(member.id))
}

export interface InventoryInput {
  generatedAt: string
  subscriptions: string[]
  clusters: ClusterView[]
  databases: DatabaseView[]
  errors: ScopeError[]
}

export function assembleInventory(input: InventoryInput): Inventory {
  const clusters = new Map(input.clusters.map((c) => [idKey(c.id), c]))
  const members: Member[] = []
  for (const db of input.databases) {
    const cluster = clusters.get(idKey(db.clusterId || clusterIdOf(db.id)))
    if (cluster) members.push(toMember(cluster, db))
  }

  const grouped = members.filter((m) => isGeoReplicated(m))
  const standalone = members.filter((m) => !isGeoReplicated(m)).sort(byId)
  return {
    generatedAt: input.generatedAt,
    subscriptions: input.subscriptions,
    groups: assembleGroups(grouped, {clusters, errors: input.errors}),
    standalone,
    errors: input.errors,
  }
}

/** What is known about databases that could not be read: their clusters (from the list) and the read errors. */
export interface ReadContext {
  clusters: Map<string, ClusterView>
  errors: ScopeError[]
}

/** Union of every edge any readable member reports; unreadable ids join as unresolved nodes. */
export function assembleGroups(members: Member[], context: ReadContext = {clusters: new Map(), errors: []}): GeoGroup[] {
  const parent = new Map<string, string>()
  const find = (k: string): string => {
    let root = k
    while (parent.get(root) !== root) root = parent.get(root)!
    parent.set(k, root)
    return root
  }
  const add = (k: string) => {
    if (!parent.has(k)) parent.set(k, k)
  }
  const union = (a: string, b: string) => {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb)
  }

  const readable = new Map(members.map((m) => [idKey(m.id), m]))
  const displayId = new Map<string, string>()
  for (const m of members) {
    const self = idKey(m.id)
    add(self)
    displayId.set(self, m.id)
    for (const l of m.links) {
      const other = idKey(l.id)
      add(other)
      if (!displayId.has(other)) displayId.set(other, l.id)
      union(self, other)
    }
  }

  const components = new Map<string, string[]>()
  for (const k of parent.keys()) {
    const root = find(k)
    components.set(root, [...(components.get(root) ?? []), k])
  }

  const groups: GeoGroup[] = []
  for (const keys of components.values()) {
    const groupMembers = keys.filter((k) => readable.has(k)).map((k) => readable.get(k)!)
    if (groupMembers.length === 0) continue
    const unresolved = keys
      .filter((k) => !readable.has(k))
      .map((k) => displayId.get(k)!)
      .sort((a, b) => idKey(a).localeCompare(idKey(b)))
    groupMembers.sort(byId)
    groups.push({...describeGroup(groupMembers, unresolved), unreadable: unresolved.map((id) => placeholderMember(id, context))})
  }

  return groups.sort((a, b) => a.nickname.localeCompare(b.nickname) || a.key.localeCompare(b.key))
}

function describeGroup(members: Member[], unresolved: string[]): GeoGroup {
  const everyone = new Set([...members.map((m) => idKey(m.id)), ...unresolved.map(idKey)])
  // name members as they call themselves, not in another view's casing
  const byKey = new Map(members.map((m) => [idKey(m.id), m]))
  const nameOf = (key: string) => {
    const m = byKey.get(idKey(key))
    return m ? `${m.cluster}/${m.database}` : shortName(key)
  }

  const problems: string[] = []
  let degraded = false

  for (const m of members) {
    for (const l of m.links) {
      if (l.state !== 'Linked') {
        degraded = true
        problems.push(`${label(m)} sees ${nameOf(l.id)} as ${l.state}`)
      }
    }
  }

  for (const m of members) {
    const seen = new Set([idKey(m.id), ...m.links.map((l) => idKey(l.id))])
    const missing = [...everyone].filter((k) => !seen.has(k))
    if (missing.length > 0) {
      degraded = true
      problems.push(`views disagree: ${label(m)} does not list ${missing.map(nameOf).join(', ')}`)
    }
  }

  const nicknames = [...new Set(members.map((m) => m.groupNickname).filter((n): n is string => Boolean(n)))]
  if (nicknames.length > 1) {
    degraded = true
    problems.push(`members disagree about the group nickname: ${nicknames.join(', ')}`)
  }

  for (const id of unresolved) problems.push(`${shortName(id)} is linked but could not be read`)

  const status: GroupStatus = degraded ? 'degraded' : unresolved.length > 0 ? 'incomplete' : 'healthy'
  return {
    key: idKey(members[0].id),
    nickname: nicknames[0] ?? '',
    status,
    members,
    unresolved,
    problems,
  }
}

/**
 * A member ARM could not read, described from what is still known: the linked id, its cluster as the cluster
 * list shows it (ARM's global view outlives a regional outage), and the error of the read that failed.
 */
export function placeholderMember(id: string, context: ReadContext): Member {
  const ref = parseDatabaseId(id)
  const cluster = context.clusters.get(idKey(clusterIdOf(id)))
  const scopes = [id, clusterIdOf(id), ref?.subscriptionId ?? ''].map(idKey)
  const error = context.errors.find((e) => scopes.includes(idKey(e.scope)))
  return {
    id,
    subscriptionId: ref?.subscriptionId ?? '',
    resourceGroup: ref?.resourceGroup ?? '',
    cluster: cluster?.name ?? ref?.cluster ?? id,
    database: ref?.database ?? '',
    location: cluster?.location ?? '',
    sku: cluster?.sku ?? {name: 'unknown', capacity: null},
    hostName: cluster?.hostName ?? '',
    port: 0,
    clientProtocol: 'Unknown',
    clusteringPolicy: 'Unknown',
    evictionPolicy: 'Unknown',
    modules: [],
    persistence: {aofEnabled: false, rdbEnabled: false},
    provisioningState: 'Unknown',
    resourceState: 'Unknown',
    redisVersion: cluster?.redisVersion ?? null,
    minimumTlsVersion: cluster?.minimumTlsVersion ?? null,
    highAvailability: cluster?.highAvailability ?? null,
    accessKeysAuthentication: null,
    groupNickname: null,
    links: [],
    readError: error ? {code: error.code, message: error.message} : {code: 'NotRead', message: 'not read: its subscription was not listed'},
  }
}

export function label(m: Pick<Member, 'cluster' | 'database' | 'location'>): string {
  return `${m.cluster}/${m.database} (${m.location})`
}

/** "cache2/default" from a database id; the id itself when it is not one. */
export function shortName(id: string): string {
  const ref = parseDatabaseId(id)
  return ref ? `${ref.cluster}/${ref.database}` : id
}

function byId(a: Member, b: Member): number {
  return idKey(a.id).localeCompare(idKey(b.id))
}
