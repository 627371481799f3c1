// ARM JSON (2025-07-01 shapes, also accepting 2022-01-01's subset) to the domain's views.
import {clusterIdOf, normaliseLocation, parseClusterId} from '../domain/ids.js'
import type {ClusterView, DatabaseView} from '../domain/model.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)

export function toClusterView(raw: Json): ClusterView {
  const ref = parseClusterId(raw.id)
  const p: Json = raw.properties ?? {}
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

export function toDatabaseView(raw: Json): DatabaseView {
  const p: Json = raw.properties ?? {}
  const geo: Json | undefined = p.geoReplication
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
    modules: (p.modules ?? []).map((m: Json) => ({name: m.name, args: m.args ?? '', version: str(m.version)})),
    groupNickname: str(geo?.groupNickname),
    links: (geo?.linkedDatabases ?? []).map((l: Json) => ({id: l.id, state: l.state ?? 'Unknown'})),
    accessKeysAuthentication: str(p.accessKeysAuthentication),
    provisioningState: p.provisioningState ?? 'Unknown',
    resourceState: p.resourceState ?? 'Unknown',
    redisVersion: str(p.redisVersion),
  }
}
