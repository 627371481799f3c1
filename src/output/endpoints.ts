// `geo-redis endpoints export` formats, for application routing config: JSON, CSV, an env file and YAML.
// YAML is written by hand (no dependency): every string double-quoted, which YAML reads exactly as JSON does.
import type {EndpointsExport} from '../services/endpoints.js'
import {envPrefixes} from '../domain/env-names.js'
import {csv, json} from './table.js'

export type EndpointsFormat = 'json' | 'csv' | 'env' | 'yaml'
export const ENDPOINTS_FORMATS: EndpointsFormat[] = ['json', 'csv', 'env', 'yaml']

const COLUMNS = ['location', 'host', 'port', 'tls', 'id', 'cluster', 'database', 'resourceGroup', 'subscriptionId'] as const

export function renderEndpoints(data: EndpointsExport, format: EndpointsFormat): string {
  switch (format) {
    case 'json':
      return json(data)
    case 'csv':
      return endpointsCsv(data)
    case 'env':
      return endpointsEnv(data)
    case 'yaml':
      return `${yaml(data, 0)}\n`
  }
}

const hasKeys = (data: EndpointsExport) => data.members.some((m) => 'primaryKey' in m)
const hasUnread = (data: EndpointsExport) => data.members.some((m) => m.readError)

/** A cell: booleans as words, unknown (null) as empty. */
const cell = (value: string | number | boolean | null | undefined) => (typeof value === 'boolean' ? String(value) : (value ?? ''))

/** Columns as always, then primaryKey with --include-keys, then notRead (the cause) when a member could not be read. */
function endpointsCsv(data: EndpointsExport): string {
  const head = [...COLUMNS, ...(hasKeys(data) ? (['primaryKey'] as const) : []), ...(hasUnread(data) ? (['notRead'] as const) : [])]
  return csv(
    head,
    data.members.map((m) => head.map((c) => (c === 'notRead' ? (m.readError?.cause ?? '') : cell(m[c])))),
  )
}

// unquoted when a shell, dotenv and `docker --env-file` all read the value the same; else single-quoted for
// shells and dotenv
const PLAIN_VALUE = /^[A-Za-z0-9_./:+=@,-]*$/
const envValue = (value: string) => (PLAIN_VALUE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)

function endpointsEnv(data: EndpointsExport): string {
  const prefixes = envPrefixes(data.members)
  const lines = [
    `# geo-redis endpoints export: group ${data.group}, ${data.members.length} member(s), by location`,
    `GEO_REDIS_GROUP=${envValue(data.group)}`,
    `GEO_REDIS_MEMBERS=${prefixes.join(',')}`,
  ]
  data.members.forEach((m, i) => {
    const name = (field: string) => `GEO_REDIS_${prefixes[i]}_${field}`
    lines.push(`${name('HOST')}=${envValue(m.host)}`, `${name('PORT')}=${m.port ?? ''}`, `${name('TLS')}=${m.tls ?? ''}`, `${name('ID')}=${envValue(m.id)}`)
    if ('primaryKey' in m) lines.push(`${name('KEY')}=${envValue(m.primaryKey ?? '')}`)
    // ARM could not read it: why, so a consumer can leave it out of rotation
    if (m.readError) lines.push(`${name('NOT_READ')}=${m.readError.cause}`)
  })
  return `${lines.join('\n')}\n`
}

const scalar = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value))
const isNested = (value: unknown) => typeof value === 'object' && value !== null && (!Array.isArray(value) || value.length > 0)

/** Block YAML for plain data: objects, arrays and scalars (null → null). */
function yaml(value: unknown, indent: number): string {
  const pad = ' '.repeat(indent)
  if (Array.isArray(value)) {
    return value
      .map((item) => (isNested(item) ? `${pad}- ${yaml(item, indent + 2).trimStart()}` : `${pad}- ${Array.isArray(item) ? '[]' : scalar(item)}`))
      .join('\n')
  }

  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => (isNested(v) ? `${pad}${k}:\n${yaml(v, indent + 2)}` : `${pad}${k}: ${Array.isArray(v) ? '[]' : scalar(v)}`))
    .join('\n')
}
