// ARM JSON (2025-07-01 shapes, also accepting 2022-01-01's subset) to the domain's views.
import {clusterIdOf, normaliseLocation, parseClusterId} from '../domain/ids.js'
import type {ClusterView, DatabaseView} from '../domain/model.js'
import type {ArmCluster, ArmDatabase} from './json.js'

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)

export function toClusterView(raw: ArmCluster): ClusterView {
  const ref = parseClusterId(raw.id)
  const p = raw.properties ?? {}
  return {
    id: raw.id,
    name: raw.name ?? ref?.cluster ?? '',
    subscriptionId: ref?.subscriptionId ?? '',
    resourceGroup: ref?.resourceGroup ?? '',
    location: normaliseLocation(raw.location),
    sku: {name: raw.sku?.name ?? 'unknown', capacity: typeof raw.sku?.capacity === 'number' ? raw.sku.capacity : null},
    hostName: p.hostName ?? '',
    provisioningState: p.provisioningState ?? 'Unknown',
    resourceState: p.resourceState ?? 'Unknown',
    redisVersion: str(p.redisVersion),
    minimumTlsVersion: str(p.minimumTlsVersion),
    highAvailability: str(p.highAvailability),
  }
}

export function toDatabaseView(raw: ArmDatabase): DatabaseView {
  const p = raw.properties ?? {}
  const geo = p.geoReplication
  return {
    id: raw.id,
    clusterId: clusterIdOf(raw.id),
    name: String(raw.name ?? '').split('/').pop() ?? '',
    clientProtocol: p.clientProtocol ?? 'Encrypted',
    port: typeof p.port === 'number' ? p.port : 10000,
    clusteringPolicy: p.clusteringPolicy ?? 'OSSCluster',
    evictionPolicy: p.evictionPolicy ?? 'VolatileLRU',
    persistence: {
      aofEnabled: Boolean(p.persistence?.aofEnabled),
      rdbEnabled: Boolean(p.persistence?.rdbEnabled),
      ...(p.persistence?.aofFrequency ? {aofFrequency: p.persistence.aofFrequency} : {}),
      ...(p.persistence?.rdbFrequency ? {rdbFrequency: p.persistence.rdbFrequency} : {}),
    },
    modules: (p.modules ?? []).map((m) => ({name: m.name, args: m.args ?? '', version: str(m.version)})),
    groupNickname: str(geo?.groupNickname),
    links: (geo?.linkedDatabases ?? []).map((l) => ({id: l.id, state: l.state ?? 'Unknown'})),
    accessKeysAuthentication: str(p.accessKeysAuthentication),
    provisioningState: p.provisioningState ?? 'Unknown',
    resourceState: p.resourceState ?? 'Unknown',
    redisVersion: str(p.redisVersion),
  }
}
