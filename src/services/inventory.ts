// Reads every group the identity can see. Partial failure is never total: a subscription or cluster that
// fails goes into errors[] with its cause and the rest is still assembled. Each resource is read once.
import {allMembers, assembleInventory, compareText} from '../domain/group.js'
import {clusterIdOf, idKey, normaliseLocation, parseDatabaseId} from '../domain/ids.js'
import type {ClusterView, DatabaseView, GeoGroup, Inventory, Member, ScopeError} from '../domain/model.js'
import {causeOf} from '../domain/read.js'
import {groupMatches, matchGroups, oneGroup, type GroupSelection} from '../domain/resolve.js'
import type {ArmReader} from './ports.js'

interface InventoryOptions {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  onProgress?: (done: number, total: number) => void
  now?: () => Date
}

/**
 * A failed read as the inventory reports it: ARM's code and message when it sent one, and its cause. `outsideRun`:
 * the scope's subscription is not one this run listed.
 */
export function scopeError(scope: string, error: unknown, outsideRun = false): ScopeError {
  const e = error as {code?: string; message?: string; status?: number | null; statusCode?: number}
  const code = e.code ?? 'Error'
  return {scope, code, message: e.message ?? String(error), cause: causeOf(e.status ?? e.statusCode ?? null, code, outsideRun)}
}

/**
 * Database lists started at once, at most: the most --concurrency allows, so every ARM slot stays busy, while the
 * other clusters wait as ids (10,000 lists started together held ~30 MB of suspended calls until their turn).
 */
export const DATABASE_LISTS_STARTED = 64

export async function readInventory(arm: ArmReader, options: InventoryOptions): Promise<Inventory> {
  const subscriptions = options.subscriptions.length > 0 ? options.subscriptions : await arm.listSubscriptions()
  const clusters: ClusterView[] = []
  const databases: DatabaseView[] = []
  const errors: ScopeError[] = []
  const failed = new Set<string>()
  let done = 0
  const lists = new TaskQueue(DATABASE_LISTS_STARTED)

  const readDatabases = (cluster: ClusterView) =>
    lists.add(() =>
      arm
        .listDatabases(cluster.id)
        .then((dbs) => void databases.push(...dbs))
        .catch((error) => {
          failed.add(idKey(cluster.id))
          errors.push({...scopeError(cluster.id, error), location: cluster.location})
        })
        .finally(() => options.onProgress?.(++done, lists.added)),
    )

  // database lists start as soon as each page of clusters arrives, so paging and reads overlap
  await Promise.all(
    subscriptions.map((subscriptionId) =>
      arm
        .listClusters(subscriptionId, (page) => {
          clusters.push(...page)
          page.forEach(readDatabases)
        })
        .catch((error) => {
          failed.add(subscriptionId.toLowerCase())
          errors.push(scopeError(subscriptionId, error))
        }),
    ),
  )
  await lists.idle()

  await readLinkedDirectly(arm, {clusters, databases, errors, listed: new Set(subscriptions.map((s) => s.toLowerCase())), failed})

  return assembleInventory({
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    subscriptions,
    clusters,
    databases,
    errors: errors.sort((a, b) => compareText(a.scope, b.scope)),
  })
}

/** Runs added tasks in order, at most `limit` at a time; a waiting task costs only its closure. */
class TaskQueue {
  private readonly waiting: ((() => Promise<void>) | undefined)[] = []
  private next = 0
  private running = 0
  private settled: (() => void) | undefined

  constructor(private readonly limit: number) {}

  /** tasks added so far, started or not */
  get added(): number {
    return this.waiting.length
  }

  add(task: () => Promise<void>): void {
    this.waiting.push(task)
    this.start()
  }

  /** Settles once every task added so far has (tasks only resolve: each handles its own failure). */
  idle(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => (this.settled = resolve))
  }

  private start(): void {
    while (this.running < this.limit && this.next < this.waiting.length) {
      const task = this.waiting[this.next]!
      // a started task is dropped from the queue, so what it holds can go once it is done
      this.waiting[this.next++] = undefined
      this.running++
      void task().finally(() => {
        this.running--
        this.start()
        if (this.running === 0) this.settled?.()
      })
    }
  }
}

/**
 * Linked databases no list showed, each read directly once: in a subscription outside this run (another team's, or
 * not passed with --subscription), or absent from a subscription that was listed (deleted, or a list that lagged),
 * where the direct GET's 404 is what confirms "deleted". Ids whose subscription or cluster failed to list are not
 * read again: that failure already says why they are unread.
 */
async function readLinkedDirectly(
  arm: ArmReader,
  state: {clusters: ClusterView[]; databases: DatabaseView[]; errors: ScopeError[]; listed: Set<string>; failed: Set<string>},
): Promise<void> {
  const known = new Set(state.databases.map((d) => idKey(d.id)))
  const wanted = new Map<string, string>()
  for (const db of state.databases) {
    for (const link of db.links) {
      const ref = parseDatabaseId(link.id)
      const key = idKey(link.id)
      if (!ref || known.has(key) || state.failed.has(ref.subscriptionId.toLowerCase()) || state.failed.has(idKey(clusterIdOf(link.id)))) continue
      wanted.set(key, link.id)
    }
  }

  const listedClusters = new Set(state.clusters.map((c) => idKey(c.id)))
  const clusterKnown = (clusterId: string) => listedClusters.has(idKey(clusterId))
  const clusterReads = new Map<string, Promise<ClusterView>>()
  const readCluster = (clusterId: string) => {
    const key = idKey(clusterId)
    if (!clusterReads.has(key)) {
      const read = arm.getCluster(clusterId)
      clusterReads.set(key, read)
      read.then((c) => state.clusters.push(c)).catch(() => {})
    }

    return clusterReads.get(key)!
  }

  await Promise.all(
    [...wanted.values()].map(async (id) => {
      const clusterId = clusterIdOf(id)
      const outsideRun = !state.listed.has(parseDatabaseId(id)!.subscriptionId.toLowerCase())
      try {
        // outside the run nothing of it is known, so cluster and database are read together; inside it the
        // database alone decides, and its cluster is read only if the database exists after all
        if (outsideRun && !clusterKnown(clusterId)) {
          const [, db] = await Promise.all([readCluster(clusterId), arm.getDatabase(id)])
          state.databases.push(db)
        } else {
          const db = await arm.getDatabase(id)
          // the list lagged: the database exists after all, so its cluster is read too
          if (!clusterKnown(clusterId)) await readCluster(clusterId)
          state.databases.push(db)
        }
      } catch (error) {
        state.errors.push(scopeError(id, error, outsideRun))
      }
    }),
  )
}

/** The inventory and the groups the selection names (every group when it names none), by the one resolver. */
export async function readGroups(arm: ArmReader, options: InventoryOptions, selection: GroupSelection): Promise<{inventory: Inventory; groups: GeoGroup[]}> {
  const inventory = await readInventory(arm, options)
  return {inventory, groups: matchGroups(inventory, selection)}
}

/** The inventory and exactly one group: the one the selection names, or the only one visible. */
export async function readGroup(arm: ArmReader, options: InventoryOptions, selection: GroupSelection): Promise<{inventory: Inventory; group: GeoGroup}> {
  const inventory = await readInventory(arm, options)
  return {inventory, group: oneGroup(inventory, selection)}
}

interface InventoryFilter {
  group?: string
  resourceGroup?: string
  location?: string
}

/**
 * Filters the output only: groups keep all their members so their status stays true. --group and --resource-group
 * select groups as every command does (a nickname nobody carries is bad input); standalone databases are kept by
 * resource group and location. --location keeps groups with a member there.
 */
export function filterInventory(inventory: Inventory, filter: InventoryFilter): Inventory {
  const location = filter.location ? normaliseLocation(filter.location) : null
  const here = (m: Member) => !location || m.location === location
  const inRg = (m: Member) => !filter.resourceGroup || m.resourceGroup.toLowerCase() === filter.resourceGroup.trim().toLowerCase()
  const selection = {group: filter.group, resourceGroup: filter.resourceGroup}
  // a resource group or location may hold only standalone databases: only a nickname must name a group
  const candidates = filter.group ? matchGroups(inventory, selection) : inventory.groups.filter((g) => groupMatches(g, selection))
  const groups = candidates.filter((g) => allMembers(g).some(here))
  // a database that failed to read matters only to the groups that link it; subscription and cluster
  // failures could hide anything, so they always stay
  const shown = new Set(groups.flatMap((g) => allMembers(g).map((m) => idKey(m.id))))
  const filtered = Boolean(filter.group || filter.resourceGroup || filter.location)
  return {
    ...inventory,
    groups,
    standalone: filter.group ? [] : inventory.standalone.filter((m) => inRg(m) && here(m)),
    errors: inventory.errors.filter((e) => !filtered || !parseDatabaseId(e.scope) || shown.has(idKey(e.scope))),
  }
}
