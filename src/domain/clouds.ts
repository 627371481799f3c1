// Sovereign clouds: ARM endpoint, token audience and Entra authority. Data the CLI validates --cloud with before
// anything is loaded or sent; the Azure adapter builds its scopes from it. Pure.

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
