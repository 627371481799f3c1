// ARM's JSON as the adapter reads it (2025-07-01 shapes, also 2022-01-01's subset). Every field may be missing, and
// the mappers read each one with a default; the types name what ARM sends, so no `any` travels further.
import type {LinkState} from '../domain/model.js'

export interface ArmCluster {
  id: string
  name?: string
  location?: string
  sku?: {name?: string; capacity?: unknown}
  properties?: {
    hostName?: string
    provisioningState?: string
    resourceState?: string
    redisVersion?: unknown
    minimumTlsVersion?: unknown
    highAvailability?: unknown
  }
}

export interface ArmDatabase {
  id: string
  name?: string
  properties?: {
    clientProtocol?: string
    port?: unknown
    clusteringPolicy?: string
    evictionPolicy?: string
    persistence?: {aofEnabled?: unknown; rdbEnabled?: unknown; aofFrequency?: string; rdbFrequency?: string}
    modules?: {name: string; args?: string; version?: unknown}[]
    geoReplication?: {groupNickname?: unknown; linkedDatabases?: {id: string; state?: LinkState}[]}
    accessKeysAuthentication?: unknown
    provisioningState?: string
    resourceState?: string
    redisVersion?: unknown
  }
}

/** A list page: its items and the link to the next page, if any. */
export interface ArmPage<T> {
  value?: T[]
  nextLink?: string
}

/** A long-running operation's status document, or an error answer. */
export interface ArmStatus {
  status?: string
  error?: ArmErrorBody & {error?: ArmErrorBody}
}

interface ArmErrorBody {
  code?: string
  message?: string
}
