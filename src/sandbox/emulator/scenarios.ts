// World builders: the inventory test estate, the local sandbox group, and a large synthetic fleet for benchmarks.
import {randomBytes} from 'node:crypto'
import {databaseId, normaliseLocation} from '../../domain/ids.js'
import type {DatabaseProperties, World, WorldCluster, WorldDatabase} from './world.js'

const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47'
const REDIS_VERSION = '7.4'

interface ClusterSpec {
  subscriptionId: string
  resourceGroup: string
  name: string
  location: string
  sku?: string
  hostName?: string
}

function cluster(spec: ClusterSpec): WorldCluster {
  return {
    id: `/subscriptions/${spec.subscriptionId}/resourceGroups/${spec.resourceGroup}/providers/Microsoft.Cache/redisEnterprise/${spec.name}`,
    location: spec.location,
    sku: {name: spec.sku ?? 'Balanced_B5'},
    hostName: spec.hostName ?? `${spec.name}.${normaliseLocation(spec.location)}.redis.azure.net`,
    provisioningState: 'Succeeded',
    resourceState: 'Running',
    redisVersion: REDIS_VERSION,
    minimumTlsVersion: '1.2',
    highAvailability: 'Enabled',
  }
}

function randomKey(): string {
  return randomBytes(32).toString('base64')
}

function database(
  clusterId: string,
  overrides: Partial<DatabaseProperties> = {},
  keys?: WorldDatabase['keys'],
): WorldDatabase {
  return {
    id: `${clusterId}/databases/default`,
    properties: {
      clientProtocol: 'Encrypted',
      port: 10000,
      clusteringPolicy: 'EnterpriseCluster',
      evictionPolicy: 'NoEviction',
      persistence: {aofEnabled: false, rdbEnabled: false},
      modules: [],
      accessKeysAuthentication: 'Enabled',
      deferUpgrade: 'NotDeferred',
      redisVersion: REDIS_VERSION,
      provisioningState: 'Succeeded',
      resourceState: 'Running',
      ...overrides,
    },
    keys: keys ?? {primaryKey: randomKey(), secondaryKey: randomKey()},
  }
}

/** Every member lists every member (itself included, as ARM does) as Linked. */
function link(members: WorldDatabase[], nickname: string): void {
  for (const m of members) {
    m.properties.geoReplication = {groupNickname: nickname, linkedDatabases: members.map((o) => ({id: o.id, state: 'Linked'}))}
  }
}

/** Rewrite how `viewer` lists `target`: different id casing or a different link state. */
function setLink(viewer: WorldDatabase, targetId: string, change: {id?: string; state?: string}): void {
  const entry = viewer.properties.geoReplication?.linkedDatabases.find((l) => l.id === targetId)
  if (!entry) throw new Error(`${viewer.id} does not list ${targetId}`)
  Object.assign(entry, change)
}

/** Uppercase the subscription, resource group and cluster segments, lowercase the provider: same resource for ARM. */
function recase(id: string): string {
  const s = id.split('/')
  return ['', 'subscriptions', s[2].toUpperCase(), 'resourcegroups', s[4].toUpperCase(), 'providers', 'microsoft.cache',
    'REDISENTERPRISE', s[8].toUpperCase(), 'databases', s[10]].join('/')
}

const dbId = (subscriptionId: string, resourceGroup: string, cluster: string) =>
  databaseId({subscriptionId, resourceGroup, cluster, database: 'default'})

const PROD = '3f2b6c1e-8d4a-4e7b-9c2d-5a6b7c8d9e01'
const SHARED = '7c9d0e1f-2a3b-4c5d-8e6f-9a0b1c2d3e02'
const LOCKED = 'b4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f03'

/** Facts the inventory tests assert. Ids are the real (canonical) ids; `*Variant` is how a peer spells them. */
export const INVENTORY = {
  tenantId: TENANT_ID,
  /** run the emulator with this page size so PROD's cluster list spans several pages */
  pageSize: 2,
  subscriptions: {prod: PROD, shared: SHARED, locked: LOCKED},
  /** listed by GET /subscriptions */
  listedSubscriptions: [PROD, SHARED, LOCKED],
  /** 8 clusters in PROD → 4 pages at page size 2 */
  prodClusterCount: 8,
  geo: {
    nickname: 'geo',
    members: [dbId(PROD, 'rg-geo', 'geo-wus2'), dbId(PROD, 'rg-geo', 'geo-eus'), dbId(SHARED, 'rg-geo', 'geo-neu')],
    regions: ['West US 2', 'East US', 'North Europe'],
    /** geo-wus2 and geo-eus list geo-neu spelled like this */
    neuVariant: recase(dbId(SHARED, 'rg-geo', 'geo-neu')),
    /** geo-neu lists geo-wus2 spelled like this */
    wus2Variant: recase(dbId(PROD, 'rg-geo', 'geo-wus2')),
  },
  /** a second, unrelated group that is also nicknamed "geo" */
  geoDr: {
    nickname: 'geo',
    members: [dbId(PROD, 'rg-geo-dr', 'geo-dr-wus3'), dbId(PROD, 'rg-geo-dr', 'geo-dr-cus')],
  },
  payments: {
    nickname: 'payments',
    members: [dbId(PROD, 'rg-payments', 'pay-eus2'), dbId(PROD, 'rg-payments', 'pay-weu'), dbId(SHARED, 'rg-payments', 'pay-sea')],
    /** pay-eus2 sees pay-weu as LinkFailed; every other view is Linked */
    linkFailed: {viewer: dbId(PROD, 'rg-payments', 'pay-eus2'), target: dbId(PROD, 'rg-payments', 'pay-weu')},
  },
  orders: {
    nickname: 'orders',
    members: [dbId(SHARED, 'rg-orders', 'orders-uks'), dbId(PROD, 'rg-orders', 'orders-frc')],
    /** linked by both members but in the forbidden subscription: 403 to every read */
    unresolved: dbId(LOCKED, 'rg-orders', 'orders-jpe'),
  },
  standalone: dbId(PROD, 'rg-cache', 'cache-standalone'),
  /** a standalone cache in the forbidden subscription: never visible */
  lockedStandalone: dbId(LOCKED, 'rg-locked', 'locked-cache'),
  /** the first GET to this path answers 429 with Retry-After: 1, then normally */
  throttledPath: `/subscriptions/${SHARED}/providers/Microsoft.Cache/redisEnterprise`,
} as const

export function inventoryScenario(): World {
  const at = (sub: string, rg: string, name: string, location: string, sku?: string) =>
    cluster({subscriptionId: sub, resourceGroup: rg, name, location, sku})
  const clusters = [
    at(PROD, 'rg-geo', 'geo-wus2', 'West US 2'),
    at(PROD, 'rg-geo', 'geo-eus', 'East US'),
    at(SHARED, 'rg-geo', 'geo-neu', 'North Europe'),
    at(PROD, 'rg-geo-dr', 'geo-dr-wus3', 'West US 3', 'MemoryOptimized_M10'),
    at(PROD, 'rg-geo-dr', 'geo-dr-cus', 'Central US', 'MemoryOptimized_M10'),
    at(PROD, 'rg-payments', 'pay-eus2', 'East US 2', 'MemoryOptimized_M20'),
    at(PROD, 'rg-payments', 'pay-weu', 'West Europe', 'MemoryOptimized_M20'),
    at(SHARED, 'rg-payments', 'pay-sea', 'Southeast Asia', 'MemoryOptimized_M20'),
    at(SHARED, 'rg-orders', 'orders-uks', 'UK South', 'Balanced_B10'),
    at(PROD, 'rg-orders', 'orders-frc', 'France Central', 'Balanced_B10'),
    at(PROD, 'rg-cache', 'cache-standalone', 'West US 2', 'Balanced_B1'),
    at(LOCKED, 'rg-orders', 'orders-jpe', 'Japan East', 'Balanced_B10'),
    at(LOCKED, 'rg-locked', 'locked-cache', 'East US'),
  ]
  const db = new Map(clusters.map((c) => [`${c.id}/databases/default`, database(c.id)]))
  const pick = (ids: readonly string[]) => ids.map((id) => db.get(id)!)

  const geo = pick(INVENTORY.geo.members)
  link(geo, 'geo')
  setLink(geo[0], INVENTORY.geo.members[2], {id: INVENTORY.geo.neuVariant})
  setLink(geo[1], INVENTORY.geo.members[2], {id: INVENTORY.geo.neuVariant})
  setLink(geo[2], INVENTORY.geo.members[0], {id: INVENTORY.geo.wus2Variant})

  link(pick(INVENTORY.geoDr.members), 'geo')

  link(pick(INVENTORY.payments.members), 'payments')
  setLink(db.get(INVENTORY.payments.linkFailed.viewer)!, INVENTORY.payments.linkFailed.target, {state: 'LinkFailed'})

  link(pick([...INVENTORY.orders.members, INVENTORY.orders.unresolved]), 'orders')

  return {
    tenantId: TENANT_ID,
    subscriptions: [
      {id: PROD, displayName: 'geo-prod'},
      {id: SHARED, displayName: 'geo-shared'},
      {id: LOCKED, displayName: 'geo-locked', forbidden: true},
    ],
    clusters,
    databases: [...db.values()],
    faults: [
      {
        method: 'GET',
        path: INVENTORY.throttledPath,
        status: 429,
        code: 'SubscriptionRequestsThrottled',
        message: `Number of read requests for subscription '${SHARED}' exceeded. Please try again after '1' seconds.`,
        retryAfterSeconds: 1,
        remaining: 1,
      },
    ],
  }
}

export const SANDBOX = {
  tenantId: TENANT_ID,
  subscriptions: ['5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c11', '9e8d7c6b-5a4f-4e3d-9c2b-1a0f9e8d7c22'],
  resourceGroup: 'rg-sandbox',
  regions: ['West US 2', 'East US', 'North Europe', 'West Europe', 'Southeast Asia'],
  standaloneCluster: 'sandbox-standalone',
  /** the members' host names end in it, as Azure's in redis.azure.net: under .test (RFC 2606), which never resolves publicly */
  domain: 'redis.sandbox.geo-redis.test',
} as const

export interface SandboxWorldOptions {
  /** 2 to 5, one per region */
  members?: number
  nickname?: string
  regions?: string[]
  /**
   * where each member's redis-server listens, then the standalone cache's: its cluster's hostName and its database's
   * port. Default: an address of its own that nothing binds, 127.0.0.11, 127.0.0.12, …, at Azure's port 10000
   */
  endpoints?: {host: string; port: number}[]
  /**
   * each cluster's hostName a name of its own, <cluster>.<region>.redis.sandbox.geo-redis.test (Azure's shape),
   * which the sandbox profile maps to its endpoint's address; default: the endpoint's address itself
   */
  hostNames?: boolean
  plaintext?: boolean
  /** access keys per member, then the standalone cache's; random when absent */
  keys?: WorldDatabase['keys'][]
  sku?: string
}

/**
 * A group of `members` databases named sandbox-<region>, alternating over two subscriptions, each cluster on a
 * loopback address of its own (its hostName, or behind it with `hostNames`) at port 10000, as in Azure, plus one
 * standalone cache.
 */
export function sandboxWorld(options: SandboxWorldOptions = {}): World {
  const {members = 3, nickname = 'sandbox-geo', regions = SANDBOX.regions, endpoints = [], plaintext = false, keys = []} = options
  if (members < 1 || members > regions.length) throw new Error(`members must be between 1 and ${regions.length}`)
  const endpoint = (i: number) => endpoints[i] ?? {host: `127.0.0.${11 + i}`, port: 10000}
  const props = (i: number): Partial<DatabaseProperties> => ({
    port: endpoint(i).port,
    clientProtocol: plaintext ? 'Plaintext' : 'Encrypted',
  })
  const at = (i: number, subscription: number, name: string, location: string) =>
    cluster({
      subscriptionId: SANDBOX.subscriptions[subscription % 2],
      resourceGroup: SANDBOX.resourceGroup,
      name,
      location,
      sku: options.sku ?? 'Balanced_B5',
      hostName: options.hostNames ? `${name}.${normaliseLocation(location)}.${SANDBOX.domain}` : endpoint(i).host,
    })

  const clusters = regions.slice(0, members).map((r, i) => at(i, i, `sandbox-${normaliseLocation(r)}`, r))
  const group = clusters.map((c, i) => database(c.id, props(i), keys[i]))
  link(group, nickname)
  // in the first region and its subscription, on an endpoint of its own
  const standalone = at(members, 0, SANDBOX.standaloneCluster, regions[0])
  return {
    tenantId: TENANT_ID,
    subscriptions: SANDBOX.subscriptions.map((id, i) => ({id, displayName: `sandbox-${i + 1}`})),
    clusters: [...clusters, standalone],
    databases: [...group, database(standalone.id, props(members), keys[members])],
  }
}

export interface SyntheticFleetOptions {
  clusters: number
  subscriptions?: number
  /** share of databases in groups of three */
  groupedFraction?: number
  seed?: number
}

const FLEET_REGIONS = [
  'East US', 'West US 2', 'North Europe', 'West Europe', 'Southeast Asia', 'Japan East', 'Australia East',
  'UK South', 'Central US', 'France Central', 'Canada Central',
]

/** mulberry32: tiny, fast and deterministic */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * An ARM-only fleet for benchmarks: one database per cluster, clusters spread round-robin over subscriptions
 * and regions, and `groupedFraction` of them linked in threes (consecutive clusters, so different regions).
 */
export function syntheticFleet(options: SyntheticFleetOptions): World {
  const {clusters: count, subscriptions: subCount = 1, groupedFraction = 0.3, seed = 1} = options
  const random = prng(seed)
  const hex = (n: number) => {
    let s = ''
    for (let i = 0; i < n; i++) s += ((random() * 16) | 0).toString(16)
    return s
  }
  const subscriptionIds = Array.from({length: subCount}, () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`)

  const clusters: WorldCluster[] = []
  const databases: WorldDatabase[] = []
  for (let i = 0; i < count; i++) {
    const sub = subscriptionIds[i % subCount]
    const c = cluster({
      subscriptionId: sub,
      resourceGroup: `rg-fleet-${i % 25}`,
      name: `fleet-${String(i).padStart(5, '0')}`,
      location: FLEET_REGIONS[i % FLEET_REGIONS.length],
      sku: i % 2 === 0 ? 'Balanced_B10' : 'MemoryOptimized_M20',
    })
    clusters.push(c)
    databases.push(database(c.id, {}, {primaryKey: hex(44), secondaryKey: hex(44)}))
  }

  // evenly spaced triples; their start indexes are at least three apart because groupedFraction ≤ 1
  const triples = Math.floor((count * Math.min(groupedFraction, 1)) / 3)
  for (let t = 0; t < triples; t++) {
    const base = Math.floor((t * count) / triples)
    const members = databases.slice(base, base + 3)
    const sku = clusters[base].sku
    for (let k = 1; k < 3; k++) clusters[base + k].sku = {...sku}
    link(members, `fleet-g${t}`)
  }

  return {
    tenantId: TENANT_ID,
    subscriptions: subscriptionIds.map((id, i) => ({id, displayName: `fleet-${i + 1}`})),
    clusters,
    databases,
  }
}
