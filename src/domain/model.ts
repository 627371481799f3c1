// The group model in the operator's language. Plain data, no SDK types: the azure/ mappers produce these.
import type {ReadCause, ReadError} from './read.js'

export type LinkState = 'Linked' | 'Linking' | 'Unlinking' | 'LinkFailed' | 'UnlinkFailed' | (string & {})

export type GroupStatus = 'healthy' | 'degraded' | 'incomplete'

export interface Link {
  id: string
  state: LinkState
}

export interface Sku {
  name: string
  capacity: number | null
}

interface Persistence {
  aofEnabled: boolean
  rdbEnabled: boolean
  aofFrequency?: string
  rdbFrequency?: string
}

interface RedisModule {
  name: string
  args: string
  version: string | null
}

/** ARM's view of a cluster, as read. */
export interface ClusterView {
  id: string
  name: string
  subscriptionId: string
  resourceGroup: string
  /** normalised short name, e.g. "westus2" */
  location: string
  sku: Sku
  hostName: string
  provisioningState: string
  resourceState: string
  redisVersion: string | null
  minimumTlsVersion: string | null
  highAvailability: string | null
}

/** ARM's view of a database, as read. `links` is this database's own view of its group. */
export interface DatabaseView {
  id: string
  clusterId: string
  name: string
  clientProtocol: string
  port: number
  clusteringPolicy: string
  evictionPolicy: string
  persistence: Persistence
  modules: RedisModule[]
  groupNickname: string | null
  links: Link[]
  accessKeysAuthentication: string | null
  provisioningState: string
  resourceState: string
  redisVersion: string | null
}

/** One database with its cluster: a member of a group, or a standalone database. */
export interface Member {
  id: string
  subscriptionId: string
  resourceGroup: string
  cluster: string
  database: string
  location: string
  sku: Sku
  hostName: string
  port: number
  clientProtocol: string
  clusteringPolicy: string
  evictionPolicy: string
  modules: RedisModule[]
  persistence: Persistence
  /** the database's own states */
  provisioningState: string
  resourceState: string
  /** the cluster's states: a cluster being scaled is Updating/Scaling while its database stays Succeeded/Running */
  clusterProvisioningState: string
  clusterResourceState: string
  /** database redisVersion when ARM reports it, else the cluster's */
  redisVersion: string | null
  minimumTlsVersion: string | null
  highAvailability: string | null
  accessKeysAuthentication: string | null
  groupNickname: string | null
  /** this member's own view of who is linked, ids as ARM returned them */
  links: Link[]
  /** set on placeholders for members ARM could not read: why, in the one vocabulary of causes */
  readError?: ReadError
}

export interface GeoGroup {
  /**
   * stable identity: the lowest idKey among every known member, readable or not, so an outage does not change it;
   * nicknames are not unique
   */
  key: string
  nickname: string
  status: GroupStatus
  /**
   * the members ARM could read, in member order (location, then id). A database is a member when its own view has
   * geoReplication (a nickname or any linked id, even only itself) or a readable member lists it.
   */
  members: Member[]
  /** linked ids that could not be read (no access, other tenant, deleted, outage) */
  unresolved: string[]
  /**
   * a placeholder member per unresolved id, in member order: what ARM's cluster list still shows (location, host,
   * SKU, cluster states) and `readError`, so an operator can still name a member whose region is down
   */
  unreadable: Member[]
  problems: string[]
}

export interface ScopeError {
  /** what failed: a subscription id, cluster id or database id */
  scope: string
  code: string
  message: string
  /** set on every failed ARM read: why, in the one vocabulary of causes */
  cause?: ReadCause
  /** a cluster whose databases could not be listed: where ARM's cluster list shows it */
  location?: string
}

export interface Inventory {
  generatedAt: string
  subscriptions: string[]
  groups: GeoGroup[]
  standalone: Member[]
  errors: ScopeError[]
}

/** An HTTP request exactly as it will be sent, for plans and evidence. */
export interface PlannedRequest {
  method: 'POST'
  url: string
  apiVersion: string
  body: unknown
}
