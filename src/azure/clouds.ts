// Sovereign clouds: ARM endpoint, token audience and Entra authority. No @azure import here, so flags can
// validate --cloud without loading the SDK.

export const CLOUDS = {
  AzureCloud: {
    armEndpoint: 'https://management.azure.com',
    armScope: 'https://management.azure.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn',
    armScope: 'https://management.chinacloudapi.cn/.default',
    authorityHost: 'https://login.chinacloudapi.cn',
  },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net',
    armScope: 'https://management.usgovcloudapi.net/.default',
    authorityHost: 'https://login.microsoftonline.us',
  },
} as const

export type CloudName = keyof typeof CLOUDS

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[]

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
