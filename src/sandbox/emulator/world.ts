// The emulator's state: plain JSON (a world file can be written, edited and reloaded), an index by lowercase
// id so no request scans the fleet, and the ARM views of clusters and databases per api-version.
import {idKey} from '../../domain/ids.js'
import {ARM_SKUS, SCALING_FAMILIES} from './skus.js'

export const API_2022 = '2022-01-01'
export const API_2025 = '2025-07-01'
export const SUPPORTED_API_VERSIONS = [API_2022, API_2025]

export interface WorldSubscription {
  /** bare GUID */
  id: string
  displayName: string
  /** listed by GET /subscriptions, but every resource call answers 403 AuthorizationFailed */
  forbidden?: boolean
}

export interface WorldCluster {
  id: string
  /** display name, e.g. "West US 2" */
  location: string
  sku: {name: string; capacity?: number}
  zones?: string[]
  tags?: Record<string, string>
  /** 2025-07-01 only; defaults to v2 for Azure Managed Redis SKUs, v1 for Enterprise */
  kind?: string
  hostName: string
  provisioningState: string
  resourceState: string
  redisVersion: string
  minimumTlsVersion: string
  highAvailability: string
  publicNetworkAccess?: string | null
  redundancyMode?: string
  encryption?: Record<string, unknown>
  identity?: Record<string, unknown>
}

export interface LinkedDatabase {
  /** kept exactly as the member reports it: casing may differ from the real id */
  id: string
  state: string
}

/** 2025-07-01 shape; the 2022-01-01 view drops accessKeysAuthentication, deferUpgrade and redisVersion. */
export interface DatabaseProperties {
  clientProtocol: string
  port: number
  clusteringPolicy: string
  evictionPolicy: string
  persistence: {aofEnabled: boolean; rdbEnabled: boolean; aofFrequency?: string; rdbFrequency?: string}
  modules: {name: string; args?: string; version?: string}[]
  geoReplication?: {groupNickname: string; linkedDatabases: LinkedDatabase[]}
  accessKeysAuthentication: string
  deferUpgrade?: string
  redisVersion: string
  provisioningState: string
  resourceState: string
}

export interface WorldDatabase {
  id: string
  properties: DatabaseProperties
  keys: {primaryKey: string; secondaryKey: string}
}

/** A canned answer for the next `remaining` requests to one path (e.g. a 429 on the first list call). */
interface ScriptedFault {
  /** request path without query, compared case-insensitively */
  path: string
  /** any method when absent */
  method?: string
  status: number
  code: string
  message: string
  retryAfterSeconds?: number
  remaining: number
}

export interface World {
  tenantId: string
  subscriptions: WorldSubscription[]
  clusters: WorldCluster[]
  databases: WorldDatabase[]
  faults?: ScriptedFault[]
}

export function nameOf(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1)
}

/** "/subscriptions/{s}/..." → "{s}" in lowercase */
function subscriptionKeyOf(id: string): string {
  return idKey(id).split('/')[2] ?? ''
}

/** "/subscriptions/{s}/resourceGroups/{rg}/..." → "{s}/{rg}" in lowercase */
function resourceGroupKeyOf(id: string): string {
  const parts = idKey(id).split('/')
  return `${parts[2]}/${parts[4]}`
}

function clusterKeyOfDatabase(databaseId: string): string {
  const key = idKey(databaseId)
  return key.slice(0, key.lastIndexOf('/databases/'))
}

/**
 * Lookups by lowercase id. The world stays live and mutable: objects are held by reference, and the index
 * rebuilds itself when an array is replaced or changes length (call `rebuild()` after replacing an element).
 */
export class WorldIndex {
  private signature = ''
  private subscriptionsById = new Map<string, WorldSubscription>()
  private clustersById = new Map<string, WorldCluster>()
  private clustersBySubscription = new Map<string, WorldCluster[]>()
  private clustersByResourceGroup = new Map<string, WorldCluster[]>()
  private databasesById = new Map<string, WorldDatabase>()
  private databasesByCluster = new Map<string, WorldDatabase[]>()
  private arrays: unknown[] = []

  constructor(readonly world: World) {}

  subscription(id: string): WorldSubscription | undefined {
    this.fresh()
    return this.subscriptionsById.get(id.toLowerCase())
  }

  cluster(id: string): WorldCluster | undefined {
    this.fresh()
    return this.clustersById.get(idKey(id))
  }

  database(id: string): WorldDatabase | undefined {
    this.fresh()
    return this.databasesById.get(idKey(id))
  }

  clustersOf(subscriptionId: string): WorldCluster[] {
    this.fresh()
    return this.clustersBySubscription.get(subscriptionId.toLowerCase()) ?? []
  }

  clustersIn(subscriptionId: string, resourceGroup: string): WorldCluster[] {
    this.fresh()
    return this.clustersByResourceGroup.get(`${subscriptionId}/${resourceGroup}`.toLowerCase()) ?? []
  }

  databasesOf(clusterId: string): WorldDatabase[] {
    this.fresh()
    return this.databasesByCluster.get(idKey(clusterId)) ?? []
  }

  rebuild(): void {
    const {subscriptions, clusters, databases} = this.world
    this.subscriptionsById = new Map(subscriptions.map((s) => [s.id.toLowerCase(), s]))
    this.clustersById = new Map()
    this.clustersBySubscription = new Map()
    this.clustersByResourceGroup = new Map()
    for (const c of clusters) {
      this.clustersById.set(idKey(c.id), c)
      push(this.clustersBySubscription, subscriptionKeyOf(c.id), c)
      push(this.clustersByResourceGroup, resourceGroupKeyOf(c.id), c)
    }
    this.databasesById = new Map()
    this.databasesByCluster = new Map()
    for (const d of databases) {
      this.databasesById.set(idKey(d.id), d)
      push(this.databasesByCluster, clusterKeyOfDatabase(d.id), d)
    }
    this.arrays = [subscriptions, clusters, databases]
    this.signature = this.currentSignature()
  }

  private currentSignature(): string {
    const {subscriptions, clusters, databases} = this.world
    return `${subscriptions.length}/${clusters.length}/${databases.length}`
  }

  private fresh(): void {
    const {subscriptions, clusters, databases} = this.world
    const same =
      this.arrays[0] === subscriptions && this.arrays[1] === clusters && this.arrays[2] === databases
    if (!same || this.signature !== this.currentSignature()) this.rebuild()
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** Azure Managed Redis (kind v2), as opposed to the Enterprise tiers (v1): a family ARM sizes. */
function isManagedRedisSku(sku: string): boolean {
  return Object.hasOwn(ARM_SKUS, sku.split('_')[0])
}

/** ARM's Cluster resource as the given api-version returns it. */
export function clusterView(c: WorldCluster, apiVersion: string): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    hostName: c.hostName,
    provisioningState: c.provisioningState,
    resourceState: c.resourceState,
    redisVersion: c.redisVersion,
    minimumTlsVersion: c.minimumTlsVersion,
  }
  const view: Record<string, unknown> = {
    id: c.id,
    name: nameOf(c.id),
    type: 'Microsoft.Cache/redisEnterprise',
    location: c.location,
    tags: c.tags ?? {},
    sku: c.sku,
    ...(c.zones ? {zones: c.zones} : {}),
    properties,
  }
  if (apiVersion === API_2025) {
    view.kind = c.kind ?? (isManagedRedisSku(c.sku.name) ? 'v2' : 'v1')
    view.identity = c.identity ?? {type: 'None'}
    properties.highAvailability = c.highAvailability
    properties.redundancyMode = c.redundancyMode ?? (c.highAvailability === 'Enabled' ? (c.zones ? 'ZR' : 'LR') : 'None')
    properties.publicNetworkAccess = c.publicNetworkAccess === undefined ? 'Enabled' : c.publicNetworkAccess
    properties.encryption = c.encryption ?? {}
  }
  return view
}

/** ARM's Database resource as the given api-version returns it; name is "<cluster>/<database>". */
export function databaseView(d: WorldDatabase, apiVersion: string): Record<string, unknown> {
  const p = d.properties
  const properties: Record<string, unknown> = {
    provisioningState: p.provisioningState,
    resourceState: p.resourceState,
    clientProtocol: p.clientProtocol,
    clusteringPolicy: p.clusteringPolicy,
    evictionPolicy: p.evictionPolicy,
    persistence: p.persistence,
    port: p.port,
    modules: p.modules,
    ...(p.geoReplication ? {geoReplication: p.geoReplication} : {}),
  }
  if (apiVersion === API_2025) {
    properties.deferUpgrade = p.deferUpgrade ?? 'NotDeferred'
    properties.accessKeysAuthentication = p.accessKeysAuthentication
    properties.redisVersion = p.redisVersion
  }
  const segments = d.id.split('/')
  return {
    id: d.id,
    name: `${segments.at(-3)}/${segments.at(-1)}`,
    type: 'Microsoft.Cache/redisEnterprise/databases',
    properties,
  }
}

/**
 * What listSkusForScaling answers, as ARM does: a cluster on an in-memory tier (Balanced, MemoryOptimized,
 * ComputeOptimized) is offered every in-memory SKU, smaller ones included (37 in all); a Flash cluster every Flash
 * SKU; an Enterprise cluster none. From ARM's catalogue (skus.ts).
 */
export function skusForScaling(skuName: string): {name: string; sizeInGB: number}[] {
  const prefix = skuName.trim().split('_')[0].toLowerCase()
  const family = Object.keys(SCALING_FAMILIES).find((f) => f.toLowerCase() === prefix)
  const families = family ? SCALING_FAMILIES[family] : []
  return families.flatMap((f) => ARM_SKUS[f].map(([name, sizeInGB]) => ({name, sizeInGB})))
}
