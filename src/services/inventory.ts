// Reads every group the identity can see. Partial failure is never total: a subscription or cluster that
// fails goes into errors[] and the rest is still assembled. Each resource is read once.
import {assembleInventory} from '../domain/group.js'
import {clusterIdOf, idKey, normaliseLocation, parseDatabaseId} from '../domain/ids.js'
import type {ClusterView, DatabaseView, GeoGroup, Inventory, Member, ScopeError} from '../domain/model.js'
import type {ArmPort} from './ports.js'

export interface InventoryOptions {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  onProgress?: (done: number, total: number) => void
  now?: () => Date
}

/** A failed read as the inventory reports it: ARM's code and message when it sent one. */
export function scopeError(scope: string, error: unknown): ScopeError {
  const e = error as {code?: string; message?: string}
  return {scope, code: e.code ?? 'Error', message: e.message ?? String(error)}
}

export async function readInventory(arm: ArmPort, options: InventoryOptions): Promise<Inventory> {
  const subscriptions = options.subscriptions.length > 0 ? options.subscriptions : await arm.listSubscriptions()
  const clusters: ClusterView[] = []
  const databases: DatabaseView[] = []
  const errors: ScopeError[] = []
  const failedSubscriptions = new Set<string>()
  const databaseReads: Promise<void>[] = []
  let total = 0
  let done = 0

  const readDatabases = (cluster: ClusterView) => {
    total++
    databaseReads.push(
      arm
        .listDatabases(cluster.id)
        .then((dbs) => void databases.push(...dbs))
        .catch((error) => void errors.push(scopeError(cluster.id, error)))
        .finally(() => options.onProgress?.(++done, total)),
    )
  }

  // database lists start as soon as each page of clusters arrives, so paging and reads overlap
  await Promise.all(
    subscriptions.map((subscriptionId) =>
      arm
        .listClusters(subscriptionId, (page) => {
          clusters.push(...page)
          page.forEach(readDatabases)
        })
        .catch((error) => {
          failedSubscriptions.add(subscriptionId.toLowerCase())
          errors.push(scopeError(subscriptionId, error))
        }),
    ),
  )
  await Promise.all(databaseReads)

  // linked databases in subscriptions we did not list (another team's, or not passed with --subscription)
  await readLinkedElsewhere(arm, {clusters, databases, errors, listed: new Set(subscriptions.map((s) => s.toLowerCase())), failedSubscriptions})

  return assembleInventory({
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    subscriptions,
    clusters,
    databases,
    errors: errors.sort((a, b) => a.scope.localeCompare(b.scope)),
  })
}

async function readLinkedElsewhere(
  arm: ArmPort,
  state: {clusters: ClusterView[]; databases: DatabaseView[]; errors: ScopeError[]; listed: Set<string>; failedSubscriptions: Set<string>},
): Promise<void> {
  const known = new Set(state.databases.map((d) => idKey(d.id)))
  const wanted = new Map<string, string>()
  for (const db of state.databases) {
    for (const link of db.links) {
      const ref = parseDatabaseId(link.id)
      const key = idKey(link.id)
      // a subscription we listed either has it (known) or it is gone: no second read either way
      if (!ref || known.has(key) || state.listed.has(ref.subscriptionId.toLowerCase())) continue
      wanted.set(key, link.id)
    }
  }

  const clusterReads = new Map<string, Promise<ClusterView>>()
  await Promise.all(
    [...wanted.values()].map(async (id) => {
      const clusterId = clusterIdOf(id)
      try {
        const clusterKey = idKey(clusterId)
        if (!clusterReads.has(clusterKey)) {
          const read = arm.getCluster(clusterId)
          clusterReads.set(clusterKey, read)
          read.then((c) => state.clusters.push(c)).catch(() => {})
        }

        const [, db] = await Promise.all([clusterReads.get(clusterKey)!, arm.getDatabase(id)])
        state.databases.push(db)
      } catch (error) {
        state.errors.push(scopeError(id, error))
      }
    }),
  )
}

export interface InventoryFilter {
  group?: string
  resourceGroup?: string
  location?: string
}

/** Filters the output only: groups keep all their members so their status stays true. */
export function filterInventory(inventory: Inventory, filter: InventoryFilter): Inventory {
  const memberMatches = (m: Member) =>
    (!filter.resourceGroup || m.resourceGroup.toLowerCase() === filter.resourceGroup.toLowerCase()) &&
    (!filter.location || m.location === normaliseLocation(filter.location))
  const groupMatches = (g: GeoGroup) =>
    (!filter.group || g.nickname.toLowerCase() === filter.group.toLowerCase()) && g.members.some(memberMatches)
  const groups = inventory.groups.filter(groupMatches)
  // a database that failed to read matters only to the groups that link it; subscription and cluster
  // failures could hide anything, so they always stay
  const shown = new Set(groups.flatMap((g) => [...g.members.map((m) => idKey(m.id)), ...g.unresolved.map(idKey)]))
  const filtered = Boolean(filter.group || filter.resourceGroup || filter.location)
  return {
    ...inventory,
    groups,
    standalone: filter.group ? [] : inventory.standalone.filter(memberMatches),
    errors: inventory.errors.filter((e) => !filtered || !parseDatabaseId(e.scope) || shown.has(idKey(e.scope))),
  }
}
