// What services need from the outside world. The azure/ and redis/ adapters implement these, cli/composition.ts
// wires them, and services take them as arguments: the emulator, real Azure or an in-memory fake (sandbox/testing)
// alike. A reading command is handed an ArmReader, which has nothing that can mutate; only guarded commands get
// ArmOperations. Services never import an adapter.
import type {StopSignal} from '../domain/errors.js'
import type {RunbookEnd} from '../domain/outcome.js'
import type {ClusterView, DatabaseView, PlannedRequest} from '../domain/model.js'
import type {SecretRef} from '../domain/group-file.js'
import type {CanaryPair, Dialled} from '../domain/probe.js'

export interface AccessKeys {
  primaryKey: string
  secondaryKey: string
}

export interface SkuOption {
  name: string
  sizeInGB: number
}

/** Who is calling, from the ARM token's claims when readable; never the token itself. */
export interface Principal {
  upn: string | null
  oid: string | null
  appid: string | null
}

/** ARM, read-only: every request is a GET, or a POST that only reads (listSkusForScaling). */
export interface ArmReader {
  /** subscription ids the identity can list (GET /subscriptions) */
  listSubscriptions(): Promise<string[]>
  /** every cluster in the subscription, all pages; onPage sees each page as it arrives */
  listClusters(subscriptionId: string, onPage?: (clusters: ClusterView[]) => void): Promise<ClusterView[]>
  /** every database of the cluster, all pages */
  listDatabases(clusterId: string): Promise<DatabaseView[]>
  getCluster(clusterId: string): Promise<ClusterView>
  getDatabase(databaseId: string): Promise<DatabaseView>
  listSkusForScaling(clusterId: string): Promise<SkuOption[]>
  principal(): Promise<Principal>
}

/** The credentials a probe presents to a member's Redis. Secrets: hold in memory only, never log or persist. */
export interface RedisCredentials {
  listKeys(databaseId: string): Promise<AccessKeys>
  /**
   * an Entra token for Redis data-plane AUTH (scope https://redis.azure.com/.default), never the ARM token; null when
   * there is no source of one (only a ready ARM token was given, and no GEO_REDIS_REDIS_TOKEN)
   */
  redisToken(): Promise<{token: string; objectId: string | null} | null>
}

/** The ARM side of a command that probes members: it reads, and lists the keys its probes present. */
export type ProbingArm = ArmReader & RedisCredentials

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

/** ARM for the guarded operations: everything a reader has, and the requests that change a group. */
export interface ArmOperations extends ProbingArm {
  planForceUnlink(onDatabaseId: string, unlinkIds: string[]): PlannedRequest
  planForceLink(databaseId: string, groupNickname: string, linkedIds: string[]): PlannedRequest
  planFlush(databaseId: string, linkedIds: string[]): PlannedRequest
  forceUnlink(onDatabaseId: string, unlinkIds: string[], options?: OperationOptions): Promise<OperationOutcome>
  forceLink(databaseId: string, groupNickname: string, linkedIds: string[], options?: OperationOptions): Promise<OperationOutcome>
  flush(databaseId: string, linkedIds: string[], options?: OperationOptions): Promise<OperationOutcome>
}

/**
 * One mutation of a group at a time on this machine (a lock per group key under $GEO_REDIS_HOME). `hold` throws a
 * UsageError naming the run that holds it; what is held is released by whoever made the port, once the run ends.
 */
export interface GroupLocks {
  hold(groupKey: string, nickname: string, what: string): Promise<void>
}

export interface RedisAuth {
  /** ACL user; for Microsoft Entra the principal's object id. Omitted: the default user (access keys). */
  username?: string
  /** access key, password or Entra token: hold in memory only, never log */
  password: string
}

/** One Redis endpoint to dial. */
export interface RedisTarget {
  /** caller's name for the member, e.g. its ARM database id */
  id: string
  host: string
  port: number
  tls: boolean
  /** name to send as SNI and to verify the certificate against; defaults to host */
  servername?: string
  /** PEM certificate(s) to trust in addition to Node's default roots */
  ca?: string | Buffer
  auth: RedisAuth | null
}

export interface DialOptions {
  /** PING round trips to measure */
  samples?: number
  /**
   * Budget for the connection (TCP, TLS and AUTH together), and again for each command after it: a reply slower
   * than this is a timeout. The PING phase also stops sampling once it has run this long (after at least one PING).
   */
  timeoutMs?: number
  /** told of each step that waits for the member (the board of waits); returns the function that ends the wait */
  onWait?: (target: RedisTarget, step: 'connection' | 'PING' | 'INFO', boundMs: number) => () => void
}

/** The members' Redis, as seen from where the CLI runs. */
export interface DataPlane {
  /** one probe per target, in parallel, each within its own budget, in the order given; never throws */
  probe(targets: RedisTarget[], options: DialOptions): Promise<Dialled[]>
  /**
   * a canary key written on each target and looked for on every other; pairs among the targets only. `writers`: the
   * ids of the targets that write (default: every one; an active-passive group's primary only)
   */
  canary(targets: RedisTarget[], options: {timeoutMs: number; writers?: string[]}): Promise<CanaryPair[]>
}

/**
 * A group file and what it references, read from where the CLI runs. Every failure is a UsageError naming the group
 * file (and the line, for a syntax error) or the reference, so a bad file is exit 2 before any connection.
 */
export interface GroupFiles {
  /** the file's content, YAML or JSON, parsed (not yet checked) */
  read(path: string): Promise<unknown>
  /** the secret a reference names (relative files from the group file's folder), registered as a secret so it never prints */
  secret(ref: SecretRef, groupFile: string, where: string): Promise<string>
  /** the certificates of a CA file the group file names (relative to its folder) */
  caPem(path: string, groupFile: string, where: string): Promise<string>
}

/** What a command that probes the members of a group file is handed: no ARM at all. */
export interface FileProbingPorts {
  files: GroupFiles
  dataPlane: DataPlane
}

/** What a command that reads ARM and probes members is handed. */
export interface ProbingPorts {
  arm: ProbingArm
  dataPlane: DataPlane
}

/** What a guarded operation is handed. */
export interface GuardedPorts {
  arm: ArmOperations
  dataPlane: DataPlane
  /** one mutation of a group at a time on this machine: taken once the group is known, unless a dry run */
  locks?: GroupLocks
}

/** How a question ended when it got no answer: Ctrl-C, or silence for the prompter's `timeoutMs`. */
export type Unanswered = Extract<RunbookEnd, 'interrupted' | 'timeout'>

export type Answer<T> = {value: T} | {unanswered: Unanswered}

export interface Choice<T> {
  value: T
  /** how the choice is shown and logged */
  name: string
}

/** Questions to the operator. Every question ends: an answer, Ctrl-C, or no answer within `timeoutMs` (a "no"). */
export interface Prompter {
  readonly timeoutMs: number
  select<T>(question: string, choices: Choice<T>[]): Promise<Answer<T>>
  /** yes or no; the default is no */
  confirm(question: string): Promise<Answer<boolean>>
  /** free text, trimmed */
  input(question: string): Promise<Answer<string>>
}

/** Progress of a use case: 'status' lines (the default) may be overwritten, a spinner's; 'step' lines are kept. */
export type ProgressReporter = (line: string, kind?: 'status' | 'step') => void

/** What a phase that waits shows meanwhile: a spinner line, and lines worth keeping. */
export interface Progress {
  update(text: string): void
  /** a line that must be kept (a step done, a warning), on a terminal or not */
  note(line: string): void
  stop(): void
}
