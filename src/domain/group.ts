// Reconciles every member's own view into groups. Membership comes from evidence, never from who answers: a
// database is a member when its own view has geoReplication (a nickname or any linked id, even only itself) or a
// readable member lists it; a group is the connected set of everything any readable view names. Nicknames only
// label groups, they never join them.
import {clusterIdOf, idKey, parseDatabaseId} from './ids.js'
import type {ClusterView, DatabaseView, GeoGroup, GroupStatus, Inventory, Member, ScopeError} from './model.js'
import {CAUSE_TEXT, type ReadError} from './read.js'

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
    clusterProvisioningState: cluster.provisioningState,
    clusterResourceState: cluster.resourceState,
    redisVersion: db.redisVersion ?? cluster.redisVersion,
    minimumTlsVersion: cluster.minimumTlsVersion,
    highAvailability: cluster.highAvailability,
    accessKeysAuthentication: db.accessKeysAuthentication,
    groupNickname: db.groupNickname,
    links: db.links,
  }
}

/** The database's own view has geoReplication: a nickname or any linked id, even only itself. */
function hasGeoReplication(m: Pick<Member, 'groupNickname' | 'links'>): boolean {
  return m.groupNickname !== null || m.links.length > 0
}

/** Plain code-unit order: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The one member order of every output: by location, then id; a member whose location is unknown comes last. */
function memberOrder(a: Pick<Member, 'id' | 'location'>, b: Pick<Member, 'id' | 'location'>): number {
  if (a.location !== b.location) {
    if (!a.location) return 1
    if (!b.location) return -1
    return compareText(a.location, b.location)
  }

  return compareText(idKey(a.id), idKey(b.id))
}

/**
 * Every member the group knows, readable or not (placeholders carry `readError`), in member order. Assembly keeps
 * `members` and `unreadable` in member order already, so only the two need interleaving.
 */
export function allMembers(group: Pick<GeoGroup, 'members' | 'unreadable'>): Member[] {
  return group.unreadable.length === 0 ? [...group.members] : [...group.members, ...group.unreadable].sort(memberOrder)
}

type ArmStateLevel = 'ok' | 'in-progress' | 'failed'

export interface MemberArmState {
  /** cluster and database both Succeeded/Running */
  healthy: boolean
  /** the worse of the two: a create, update or scale in progress, or anything else that is not ok */
  level: ArmStateLevel
  /** "Succeeded/Running", or both when either is not: "cluster Updating/Scaling, database Succeeded/Running" */
  text: string
  /** the cluster or the database is being deleted */
  deleting: boolean
}

const IN_PROGRESS = ['creating', 'updating', 'scaling']
const isOk = (provisioning: string, resource: string) => provisioning.toLowerCase() === 'succeeded' && resource.toLowerCase() === 'running'

/** A member's state in ARM is its cluster's and its database's: the worse of the two decides. */
export function memberArmState(m: Pick<Member, 'provisioningState' | 'resourceState' | 'clusterProvisioningState' | 'clusterResourceState'>): MemberArmState {
  const pairs = [
    [m.clusterProvisioningState, m.clusterResourceState],
    [m.provisioningState, m.resourceState],
  ] as const
  const healthy = pairs.every(([p, r]) => isOk(p, r))
  const off = pairs.flatMap(([p, r]) => [p.toLowerCase() === 'succeeded' ? null : p, r.toLowerCase() === 'running' ? null : r]).filter((s): s is string => s !== null)
  const level: ArmStateLevel = healthy ? 'ok' : off.every((s) => IN_PROGRESS.includes(s.toLowerCase())) ? 'in-progress' : 'failed'
  return {
    healthy,
    level,
    text: healthy
      ? 'Succeeded/Running'
      : `cluster ${m.clusterProvisioningState}/${m.clusterResourceState}, database ${m.provisioningState}/${m.resourceState}`,
    deleting: off.some((s) => s.toLowerCase() === 'deleting'),
  }
}

/** Azure's fixed port for a Managed Redis database (every database listens on it; OSSCluster adds 85xx). */
const AZURE_DATABASE_PORT = 10000

/** A Managed Redis cluster has one database, and Azure names it "default". */
export const AZURE_DATABASE_NAME = 'default'

export interface Endpoint {
  host: string
  port: number
  tls: boolean
}

/**
 * Where a member listens. A readable member: its cluster's host, its database's port and protocol. A member ARM
 * cannot read: the host its cluster still shows in ARM's cluster list, Azure's fixed database port and TLS (Azure's
 * default), but only when that host is its own: null when the host is unknown, or when another member shows the same
 * host (every Azure cluster has a host name of its own, so that is a misread, and dialling it could reach the other
 * member and take its answer for this one's).
 */
export function memberEndpoint(m: Member, group?: Pick<GeoGroup, 'members' | 'unreadable'>): Endpoint | null {
  if (!m.readError) return {host: m.hostName, port: m.port, tls: m.clientProtocol !== 'Plaintext'}
  const host = m.hostName.toLowerCase()
  const shared = group ? allMembers(group).some((o) => idKey(o.id) !== idKey(m.id) && o.hostName.toLowerCase() === host) : false
  return host && !shared ? {host: m.hostName, port: AZURE_DATABASE_PORT, tls: true} : null
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

  // a database a readable member lists is a member even when its own view has no geoReplication (yet)
  const listed = new Set(members.flatMap((m) => m.links.map((l) => idKey(l.id))))
  const isMember = (m: Member) => hasGeoReplication(m) || listed.has(idKey(m.id))
  return {
    generatedAt: input.generatedAt,
    subscriptions: input.subscriptions,
    groups: assembleGroups(members.filter(isMember), {clusters, errors: input.errors}),
    standalone: members.filter((m) => !isMember(m)).sort(memberOrder),
    errors: input.errors,
  }
}

/** What is known about databases that could not be read: their clusters (from the list) and the read errors. */
export interface ReadContext {
  clusters: Map<string, ClusterView>
  errors: ScopeError[]
}

/** Union of every edge any readable member reports; ids nobody could read join as unresolved nodes. */
function assembleGroups(members: Member[], context: ReadContext = {clusters: new Map(), errors: []}): GeoGroup[] {
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
    const [ra, rb] = [find(a), find(b)]
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
    const unreadable = keys.filter((k) => !readable.has(k)).map((k) => placeholderMember(displayId.get(k)!, context))
    groups.push(describeGroup(groupMembers.sort(memberOrder), unreadable.sort(memberOrder)))
  }

  return groups.sort((a, b) => compareText(a.nickname.toLowerCase(), b.nickname.toLowerCase()) || compareText(a.key, b.key))
}

function describeGroup(members: Member[], unreadable: Member[]): GeoGroup {
  const everyone = [...members, ...unreadable].map((m) => idKey(m.id))
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
    const missing = everyone.filter((k) => !seen.has(k))
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

  for (const p of unreadable) problems.push(`${shortName(p.id)} is linked but could not be read: ${p.readError!.cause}, ${CAUSE_TEXT[p.readError!.cause]} (${p.readError!.code})`)

  const status: GroupStatus = degraded ? 'degraded' : unreadable.length > 0 ? 'incomplete' : 'healthy'
  return {
    // every known member counts, readable or not, so an outage does not change the group's identity
    key: everyone.reduce((lowest, k) => (k < lowest ? k : lowest)),
    nickname: nicknames[0] ?? '',
    status,
    members,
    unresolved: unreadable.map((p) => p.id),
    unreadable,
    problems,
  }
}

/** What ARM's cluster list showed of a member's cluster, as its placeholder (or its readable view) carries it. */
function clusterOf(m: Member): ClusterView {
  return {
    id: clusterIdOf(m.id),
    name: m.cluster,
    subscriptionId: m.subscriptionId,
    resourceGroup: m.resourceGroup,
    location: m.location,
    sku: m.sku,
    hostName: m.hostName,
    provisioningState: m.clusterProvisioningState,
    resourceState: m.clusterResourceState,
    redisVersion: m.redisVersion,
    minimumTlsVersion: m.minimumTlsVersion,
    highAvailability: m.highAvailability,
  }
}

/**
 * The group as it is once some of its members were read again: `fresh` replaces their earlier views, a member whose
 * read failed now (`errors`) becomes a placeholder if a view still lists it, and the group is assembled again, so a
 * member no view lists any more falls out of it. The group that holds `anchor` (a member that is read again), or
 * null when that is not read.
 */
export function withFreshViews(group: GeoGroup, fresh: Member[], errors: ScopeError[], anchor: string): GeoGroup | null {
  const again = new Set([...fresh.map((m) => idKey(m.id)), ...errors.map((e) => idKey(e.scope))])
  const members = [...group.members.filter((m) => !again.has(idKey(m.id))), ...fresh]
  const known = allMembers(group)
  const context: ReadContext = {
    clusters: new Map(known.map((m) => [idKey(clusterIdOf(m.id)), clusterOf(m)])),
    // the fresh failures first: the most recent answer says why it is unread
    errors: [...errors, ...group.unreadable.map((p) => ({scope: p.id, code: p.readError!.code, message: p.readError!.message, cause: p.readError!.cause}))],
  }
  return assembleGroups(members, context).find((g) => g.members.some((m) => idKey(m.id) === idKey(anchor))) ?? null
}

/**
 * The read error about a database: its own, else its cluster's (a database list that failed), else its
 * subscription's (a cluster list that failed). The most specific scope wins.
 */
function readErrorOf(id: string, errors: ScopeError[]): ScopeError | undefined {
  const ref = parseDatabaseId(id)
  for (const scope of [id, clusterIdOf(id), ref?.subscriptionId ?? '']) {
    const found = scope ? errors.find((e) => idKey(e.scope) === idKey(scope)) : undefined
    if (found) return found
  }

  return undefined
}

/**
 * A member ARM could not read, described from what is still known: the linked id, its cluster as the cluster
 * list shows it (ARM's subscription-wide list outlives a regional outage), and why the read failed.
 */
export function placeholderMember(id: string, context: ReadContext): Member {
  const ref = parseDatabaseId(id)
  const cluster = context.clusters.get(idKey(clusterIdOf(id)))
  const error = readErrorOf(id, context.errors)
  const readError: ReadError = error
    ? {cause: error.cause ?? 'unknown', code: error.code, message: error.message}
    : {cause: 'unknown', code: 'NotRead', message: ref ? 'no read of it was recorded' : 'not a database id: it cannot be read'}
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
    clusterProvisioningState: cluster?.provisioningState ?? 'Unknown',
    clusterResourceState: cluster?.resourceState ?? 'Unknown',
    redisVersion: cluster?.redisVersion ?? null,
    minimumTlsVersion: cluster?.minimumTlsVersion ?? null,
    highAvailability: cluster?.highAvailability ?? null,
    accessKeysAuthentication: null,
    groupNickname: null,
    links: [],
    readError,
  }
}

/** "cache2/default (eastus)"; without the location when it is unknown (a member no ARM list shows). */
export function label(m: Pick<Member, 'cluster' | 'database' | 'location'>): string {
  return `${m.cluster}/${m.database}${m.location ? ` (${m.location})` : ''}`
}

/** "cache2/default" from a database id; the id itself when it is not one. */
export function shortName(id: string): string {
  const ref = parseDatabaseId(id)
  return ref ? `${ref.cluster}/${ref.database}` : id
}
