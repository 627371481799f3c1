// ARM resource ids and locations, normalised once so every comparison elsewhere is plain equality.

export interface DatabaseRef {
  subscriptionId: string
  resourceGroup: string
  cluster: string
  database: string
}

const DATABASE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)\/databases\/([^/]+)$/i
const CLUSTER_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Cache\/redisEnterprise\/([^/]+)$/i
const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** ARM ids compare case-insensitively; this is the one key used for maps and equality. */
export function idKey(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase()
}

export function sameId(a: string, b: string): boolean {
  return idKey(a) === idKey(b)
}

export function parseDatabaseId(id: string): DatabaseRef | undefined {
  const m = DATABASE_ID.exec(id.trim().replace(/\/+$/, ''))
  return m ? {subscriptionId: m[1], resourceGroup: m[2], cluster: m[3], database: m[4]} : undefined
}

export function parseClusterId(id: string): Omit<DatabaseRef, 'database'> | undefined {
  const m = CLUSTER_ID.exec(id.trim().replace(/\/+$/, ''))
  return m ? {subscriptionId: m[1], resourceGroup: m[2], cluster: m[3]} : undefined
}

export function databaseId(ref: DatabaseRef): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.Cache/redisEnterprise/${ref.cluster}/databases/${ref.database}`
}

export function clusterIdOf(databaseIdValue: string): string {
  return databaseIdValue.replace(/\/databases\/[^/]+\/?$/i, '')
}

export function isSubscriptionId(value: string): boolean {
  return SUBSCRIPTION_ID.test(value)
}

/** "West US 2", "westus2" and "WestUS2" are one location. */
export function normaliseLocation(location: string | undefined): string {
  return (location ?? '').replace(/[\s_-]+/g, '').toLowerCase()
}
