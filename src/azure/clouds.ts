// Token scopes and API versions of ARM and Azure Managed Redis, for the Azure adapter; the clouds themselves are in
// domain/clouds.ts.
import {CLOUDS, type CloudName} from '../domain/clouds.js'

/** The token scope for ARM at `armEndpoint`: the cloud's own audience, or the endpoint's for a private one. */
export function armScopeFor(cloud: CloudName, armEndpoint: string): string {
  const endpoint = armEndpoint.replace(/\/+$/, '')
  return endpoint === CLOUDS[cloud].armEndpoint ? CLOUDS[cloud].armScope : `${endpoint}/.default`
}

/** Scope for Microsoft Entra authentication to Azure Managed Redis data plane. */
export const REDIS_SCOPE = 'https://redis.azure.com/.default'

export const API_VERSION_SDK = '2022-01-01'
/** Reads, force-link, flush and list-SKUs-for-scaling use the newest stable version in the examples. */
export const API_VERSION_NEW = '2025-07-01'
export const API_VERSION_SUBSCRIPTIONS = '2022-12-01'
