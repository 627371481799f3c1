// The one client failover model: what every `endpoints export --format <library>` snippet and `failover-json` are
// rendered from. Per member where it listens, whether it needs the cluster-aware client, its weight and why, and how
// the application authenticates (by reference: an environment variable, a secret-store name, or Entra); plus the
// health check and the circuit breaker, retry and failback settings (null: the library's own default). Pure.
import type {ReadCause} from '../read.js'

/** Where the application finds each member's access key, or Entra instead of keys. */
export type ClientAuth = 'env' | 'secret-store' | 'entra'
export const CLIENT_AUTHS: ClientAuth[] = ['env', 'secret-store', 'entra']

/** The audience of a Microsoft Entra token for Azure Redis (never ARM's). */
export const REDIS_ENTRA_AUDIENCE = 'https://redis.azure.com'

/** Circuit breaker, retry and failback settings that mean the same for every library; null: the library's default. */
export interface FailoverPolicy {
  /** how far back failures are counted before the circuit opens */
  failureWindowMs: number | null
  /** share of failed commands in that window that opens the circuit, 1 to 100 */
  failureRatePct: number | null
  /** how often the client checks whether a preferred member is healthy again and fails back */
  failbackIntervalMs: number | null
  /** how long a member whose circuit opened stays out before it may be picked again */
  gracePeriodMs: number | null
}

/** A name the application resolves at run time: never the value. */
export interface SecretRef {
  kind: 'env' | 'secret-store'
  name: string
}

export type MemberAuth =
  | {kind: 'access-key'; ref: SecretRef}
  | {kind: 'entra'; audience: typeof REDIS_ENTRA_AUDIENCE; why: 'access keys disabled' | '--client-auth entra'}

export type HealthCheck =
  | {kind: 'ping'}
  | {
      kind: 'lag-aware'
      /** the REST endpoint's scheme and host (geo-redis serve), without the port */
      url: string
      restPort: number
      /** null: the library's default */
      lagToleranceMs: number | null
      basicAuth: {user: SecretRef; password: SecretRef}
    }

export interface FailoverMember {
  /** the member's variable prefix, as `--format env` names it (EASTUS, WESTUS2_SANDBOX_WESTUS2_1, …) */
  name: string
  id: string
  location: string
  cluster: string
  database: string
  /** null when not even ARM's cluster list shows it: the member is written as a comment only */
  host: string | null
  port: number | null
  tls: boolean | null
  /** OSSCluster: the library's cluster-aware client; null when ARM could not say */
  clusterAware: boolean | null
  /** higher is preferred; the libraries pick the healthy member with the highest weight */
  weight: number
  /** 1 is the most preferred */
  rank: number
  /** why this rank, in words a comment can carry */
  why: string
  /** with --near: the distance from that region */
  distanceKm?: number
  auth: MemberAuth
  /** set when ARM could not read the member: why, and that its port and TLS are Azure's defaults, not read */
  notRead?: {cause: ReadCause; code: string; message: string; endpoint: 'assumed' | 'unknown'}
  /** only with --include-keys: the access key itself (null when disabled or unreadable) */
  primaryKey?: string | null
}

export interface FailoverModel {
  group: string
  weighting: {by: 'prefer' | 'near' | 'none'; regions: string[]}
  healthCheck: HealthCheck
  policy: FailoverPolicy
  /** by weight, highest first (then member order): the order a snippet lists them in */
  members: FailoverMember[]
  /** members ARM could not read that --only-readable left out */
  leftOut: {id: string; cluster: string; location: string; cause: ReadCause}[]
}
