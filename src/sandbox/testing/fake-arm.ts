// An in-memory ARM for fast service tests: clusters and databases as the adapter would map them, the operations
// applied the way ARM applies them (the emulator's rules, without HTTP), and what a test needs to steer: a region
// that does not answer, an operation that fails or is lost sight of. Every mutating call is recorded. No SDK, no
// network: the real SDK against the emulator stays the e2e tests' job.
import {clusterIdOf, databaseId, idKey, parseDatabaseId} from '../../domain/ids.js'
import type {ClusterView, DatabaseView, PlannedRequest} from '../../domain/model.js'
import type {AccessKeys, ArmOperations, OperationOptions, OperationOutcome, Principal, SkuOption} from '../../services/ports.js'

const FAKE_SUBSCRIPTION = '00000000-0000-0000-0000-00000000fa4e'
const ARM = 'https://arm.fake'

interface FakeMember {
  cluster: string
  /** normalised location, e.g. westus2 */
  location: string
  resourceGroup?: string
  sku?: string
  /** default Encrypted (TLS) */
  clientProtocol?: string
  accessKeysAuthentication?: string
}

/** A mutating request the fake received. */
interface SentOperation {
  operation: 'forceUnlink' | 'forceLink' | 'flush'
  on: string
  ids: string[]
  nickname?: string
}

/** An ARM error as the adapter throws it: ARM's code, its message and the HTTP status (null: no answer). */
class FakeArmError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number | null,
  ) {
    super(message)
  }
}

const NOT_ANSWERING = () => new FakeArmError('ServiceUnavailable', 'The service is temporarily unavailable.', 503)

export class FakeArm implements ArmOperations {
  readonly clusters: ClusterView[] = []
  readonly databases: DatabaseView[] = []
  readonly sent: SentOperation[] = []
  /** every read, as "<method> <id>", to show what was (not) asked */
  readonly reads: string[] = []
  /** cluster ids whose region does not answer: every read of them, and of their databases, fails with a 503 */
  readonly down = new Set<string>()
  /** how the next operations end; default: Succeeded, applied as ARM applies it */
  nextOutcome: (op: SentOperation) => OperationOutcome['status'] | OperationOutcome = () => 'Succeeded'

  /** A group of members that all list each other as Linked, in one subscription. */
  static group(nickname: string, members: FakeMember[]): FakeArm {
    const arm = new FakeArm()
    const ids = members.map((m) => arm.addMember(m, nickname).id)
    for (const db of arm.databases) db.links = ids.map((id) => ({id, state: 'Linked'}))
    return arm
  }

  /** A cluster with one database named default; linked to nobody yet. */
  addMember(m: FakeMember, nickname: string | null): DatabaseView {
    const resourceGroup = m.resourceGroup ?? 'rg-geo'
    const id = databaseId({subscriptionId: FAKE_SUBSCRIPTION, resourceGroup, cluster: m.cluster, database: 'default'})
    const clusterId = clusterIdOf(id)
    this.clusters.push({
      id: clusterId,
      name: m.cluster,
      subscriptionId: FAKE_SUBSCRIPTION,
      resourceGroup,
      location: m.location,
      sku: {name: m.sku ?? 'Balanced_B10', capacity: null},
      hostName: `${m.cluster}.${m.location}.redis.fake`,
      provisioningState: 'Succeeded',
      resourceState: 'Running',
      redisVersion: '7.4',
      minimumTlsVersion: '1.2',
      highAvailability: 'Enabled',
    })
    const db: DatabaseView = {
      id,
      clusterId,
      name: 'default',
      clientProtocol: m.clientProtocol ?? 'Encrypted',
      port: 10000,
      clusteringPolicy: 'EnterpriseCluster',
      evictionPolicy: 'NoEviction',
      persistence: {aofEnabled: false, rdbEnabled: false},
      modules: [],
      groupNickname: nickname,
      links: [],
      accessKeysAuthentication: m.accessKeysAuthentication ?? 'Enabled',
      provisioningState: 'Succeeded',
      resourceState: 'Running',
      redisVersion: '7.4',
    }
    this.databases.push(db)
    return db
  }

  /** The database id of a cluster's default database. */
  idOf(cluster: string): string {
    const db = this.databases.find((d) => d.clusterId.toLowerCase().endsWith(`/redisenterprise/${cluster.toLowerCase()}`))
    if (!db) throw new Error(`no fake cluster ${cluster}`)
    return db.id
  }

  /** The database's own view, to change in a test. */
  database(id: string): DatabaseView {
    const db = this.databases.find((d) => idKey(d.id) === idKey(id))
    if (!db) throw new Error(`no fake database ${id}`)
    return db
  }

  /** Its region stops answering: the cluster list still shows the cluster, every read of it fails. */
  regionDown(cluster: string): void {
    this.down.add(idKey(clusterIdOf(this.idOf(cluster))))
  }

  private answering(clusterId: string): void {
    if (this.down.has(idKey(clusterId))) throw NOT_ANSWERING()
  }

  async listSubscriptions(): Promise<string[]> {
    this.reads.push('listSubscriptions')
    return [FAKE_SUBSCRIPTION]
  }

  async listClusters(subscriptionId: string, onPage?: (clusters: ClusterView[]) => void): Promise<ClusterView[]> {
    this.reads.push(`listClusters ${subscriptionId}`)
    const page = this.clusters.filter((c) => c.subscriptionId === subscriptionId).map((c) => structuredClone(c))
    onPage?.(page)
    return page
  }

  async listDatabases(clusterId: string): Promise<DatabaseView[]> {
    this.reads.push(`listDatabases ${clusterId}`)
    this.answering(clusterId)
    return this.databases.filter((d) => idKey(d.clusterId) === idKey(clusterId)).map((d) => structuredClone(d))
  }

  async getCluster(clusterId: string): Promise<ClusterView> {
    this.reads.push(`getCluster ${clusterId}`)
    this.answering(clusterId)
    const cluster = this.clusters.find((c) => idKey(c.id) === idKey(clusterId))
    if (!cluster) throw new FakeArmError('ResourceNotFound', `The Resource '${clusterId}' was not found.`, 404)
    return structuredClone(cluster)
  }

  async getDatabase(databaseId: string): Promise<DatabaseView> {
    this.reads.push(`getDatabase ${databaseId}`)
    this.answering(clusterIdOf(databaseId))
    const db = this.databases.find((d) => idKey(d.id) === idKey(databaseId))
    if (!db) throw new FakeArmError('ResourceNotFound', `The Resource '${databaseId}' was not found.`, 404)
    return structuredClone(db)
  }

  async listSkusForScaling(clusterId: string): Promise<SkuOption[]> {
    this.answering(clusterId)
    return [
      {name: 'Balanced_B10', sizeInGB: 12},
      {name: 'Balanced_B20', sizeInGB: 24},
    ]
  }

  async principal(): Promise<Principal> {
    return {upn: 'operator@fake', oid: null, appid: null}
  }

  async listKeys(databaseId: string): Promise<AccessKeys> {
    this.answering(clusterIdOf(databaseId))
    return {primaryKey: `key-${parseDatabaseId(databaseId)?.cluster ?? 'x'}`, secondaryKey: 'secondary'}
  }

  async redisToken(): Promise<null> {
    return null
  }

  private plan(path: string, apiVersion: string, body: unknown): PlannedRequest {
    return {method: 'POST', url: `${ARM}${path}?api-version=${apiVersion}`, apiVersion, body}
  }

  planForceUnlink(onDatabaseId: string, unlinkIds: string[]): PlannedRequest {
    return this.plan(`${onDatabaseId}/forceUnlink`, '2022-01-01', {ids: unlinkIds})
  }

  planForceLink(databaseId: string, groupNickname: string, linkedIds: string[]): PlannedRequest {
    return this.plan(`${databaseId}/forceLinkToReplicationGroup`, '2025-07-01', {geoReplication: {groupNickname, linkedDatabases: linkedIds.map((id) => ({id}))}})
  }

  planFlush(databaseId: string, linkedIds: string[]): PlannedRequest {
    return this.plan(`${databaseId}/flush`, '2025-07-01', {ids: linkedIds})
  }

  forceUnlink(onDatabaseId: string, unlinkIds: string[], options?: OperationOptions): Promise<OperationOutcome> {
    return this.operate({operation: 'forceUnlink', on: onDatabaseId, ids: unlinkIds}, options, () => {
      // the database it is sent on and every member it lists forget the unlinked ids; theirs stay stale, as in Azure
      const drop = new Set(unlinkIds.map(idKey))
      const on = this.database(onDatabaseId)
      for (const id of [on.id, ...on.links.map((l) => l.id)].filter((x) => !drop.has(idKey(x)))) {
        const db = this.databases.find((d) => idKey(d.id) === idKey(id))
        if (db) db.links = db.links.filter((l) => !drop.has(idKey(l.id)))
      }
    })
  }

  forceLink(databaseId: string, groupNickname: string, linkedIds: string[], options?: OperationOptions): Promise<OperationOutcome> {
    return this.operate({operation: 'forceLink', on: databaseId, ids: linkedIds, nickname: groupNickname}, options, () => {
      for (const id of linkedIds) {
        const db = this.database(id)
        db.groupNickname = groupNickname
        db.links = linkedIds.map((l) => ({id: l, state: 'Linked'}))
      }
    })
  }

  flush(databaseId: string, linkedIds: string[], options?: OperationOptions): Promise<OperationOutcome> {
    return this.operate({operation: 'flush', on: databaseId, ids: linkedIds}, options, () => {})
  }

  private async operate(op: SentOperation, options: OperationOptions | undefined, apply: () => void): Promise<OperationOutcome> {
    this.sent.push(op)
    this.answering(clusterIdOf(op.on))
    const statusUrl = `${ARM}/operations/${this.sent.length}`
    options?.onProgress?.('Accepted', statusUrl)
    const next = this.nextOutcome(op)
    const outcome: OperationOutcome = typeof next === 'string' ? {status: next, statusUrl, error: null, lostSight: null} : next
    if (outcome.status === 'Succeeded') apply()
    options?.onProgress?.(outcome.status, statusUrl)
    return outcome
  }
}
