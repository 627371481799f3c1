// What services need from the outside world. The azure/ and redis/ adapters implement these;
// services take them as arguments, so they can be driven by the emulator or real Azure alike.
import type {StopSignal} from '../domain/errors.js'
import type {ClusterView, DatabaseView, PlannedRequest} from '../domain/model.js'

export interface AccessKeys {
  primaryKey: string
  secondaryKey: string
}

export interface SkuOption {
  name: string
  sizeInGB: number
}

/**
 * Why geo-redis no longer knows how an operation it sent ends: `signal` (SIGINT, SIGHUP or SIGTERM while following
 * it), `deadline` (still running when --deadline ran out), `no-answer` (ARM stopped answering about it: the
 * connection lost, a timeout, a 5xx, or no verdict on the request itself).
 */
export interface LostSight {
  cause: 'signal' | 'deadline' | 'no-answer'
  /** the signal, when `cause` is `signal` */
  signal: StopSignal | null
  /** in plain words, e.g. "ARM did not answer within 30 s" */
  message: string
}

/** How a long-running ARM operation ended, as far as geo-redis could see. */
export interface OperationOutcome {
  /**
   * Succeeded, Failed, Canceled: ARM's verdict. Unknown: the request was sent (or may have been) and geo-redis lost
   * sight of it before ARM gave a verdict; it may have succeeded, failed, or still be running in Azure.
   */
  status: 'Succeeded' | 'Failed' | 'Canceled' | 'Unknown'
  /** the Azure-AsyncOperation (or Location) URL, to check later */
  statusUrl: string | null
  /** ARM's code and message when it said Failed or Canceled (or refused the request) */
  error: {code: string; message: string} | null
  /** why the outcome is Unknown; null otherwise */
  lostSight: LostSight | null
}

export interface OperationOptions {
  /** aborted with a StopSignal as its reason: stop following the operation, outcome Unknown */
  abortSignal?: AbortSignal
  /** stop following the operation after this long (from sending it), outcome Unknown */
  deadlineMs?: number
  /** called with each poll's status (e.g. InProgress) and the status URL once known */
  onProgress?: (status: string, statusUrl: string | null) => void
}

/**
 * One mutation of a group at a time on this machine (a lock per group key under $GEO_REDIS_HOME). `hold` throws a
 * UsageError naming the run that holds it; what is held is released by whoever made the port, once the run ends.
 */
export interface GroupLocks {
  hold(groupKey: string, nickname: string, what: string): Promise<void>
}

export interface ArmPort {
  /** subscription ids the identity can list (GET /subscriptions) */
  listSubscriptions(): Promise<string[]>
  /** every cluster in the subscription, all pages; onPage sees each page as it arrives */
  listClusters(subscriptionId: string, onPage?: (clusters: ClusterView[]) => void): Promise<ClusterView[]>
  /** every database of the cluster, all pages */
  listDatabases(clusterId: string): Promise<DatabaseView[]>
  getCluster(clusterId: string): Promise<ClusterView>
  getDatabase(databaseId: string): Promise<DatabaseView>
  /** secrets: hold in memory only, never log or persist */
  listKeys(databaseId: string): Promise<AccessKeys>
  listSkusForScaling(clusterId: string): Promise<SkuOption[]>

  planForceUnlink(onDatabaseId: string, unlinkIds: string[]): PlannedRequest
  planForceLink(databaseId: string, groupNickname: string, linkedIds: string[]): PlannedRequest
  planFlush(databaseId: string, linkedIds: string[]): PlannedRequest
  forceUnlink(onDatabaseId: string, unlinkIds: string[], options?: OperationOptions): Promise<OperationOutcome>
  forceLink(databaseId: string, groupNickname: string, linkedIds: string[], options?: OperationOptions): Promise<OperationOutcome>
  flush(databaseId: string, linkedIds: string[], options?: OperationOptions): Promise<OperationOutcome>

  /** who is calling, from the ARM token's claims when readable (upn, oid); never the token itself */
  principal(): Promise<{upn: string | null; oid: string | null; appid: string | null}>
  /**
   * an Entra token for Redis data-plane AUTH (scope https://redis.azure.com/.default), never the ARM token; null when
   * there is no source of one (only a ready ARM token was given, and no GEO_REDIS_REDIS_TOKEN)
   */
  redisToken(): Promise<{token: string; objectId: string | null} | null>
}
