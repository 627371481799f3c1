// A group file (--group-file): geo-replication groups described without Azure (Redis Cloud, Redis Enterprise
// Software, an active-passive pair), as the parsed YAML or JSON gives them. Checked whole before anything is
// dialled: every problem is listed with where it is (groups[0].members[1].port), never with a value, so a secret
// pasted in the wrong place is not echoed. Credentials are references only ({env: NAME} or {file: path}); an inline
// password is refused. The groups become the domain's GeoGroup and Member, so the probe and the resolver take them as
// they take ARM's. docs/group-file.md, docs/schemas/group-file.schema.json. Pure.
import {UsageError} from './errors.js'
import {normaliseLocation} from './ids.js'
import type {GeoGroup, Member} from './model.js'

/** A credential by reference: an environment variable, or a file (relative to the group file) holding it. */
export type SecretRef = {env: string} | {file: string}

export type GroupKind = 'active-active' | 'active-passive'

export interface FileMemberSpec {
  name: string
  /** e.g. "eastus" or "us-east-1"; null when not given */
  region: string | null
  host: string
  port: number
  tls: boolean
  /** a PEM file of the CA that signed the member's certificate (relative to the group file) */
  ca: string | null
  username: string | null
  password: SecretRef | null
  /** active-passive only: the one primary and its replicas */
  role: 'primary' | 'replica' | null
}

export interface FileGroupSpec {
  nickname: string
  kind: GroupKind
  members: FileMemberSpec[]
}

interface GroupFileSpec {
  groups: FileGroupSpec[]
}

export const GROUP_FILE_DOC = 'see docs/group-file.md (schema: docs/schemas/group-file.schema.json)'
const MAX_GROUPS = 100
const MAX_MEMBERS = 64
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/
const HOST = /^[A-Za-z0-9._:[\]-]{1,253}$/

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Collects problems by path; the group file is judged whole, then refused once with all of them. */
class Problems {
  readonly list: string[] = []
  add(path: string, problem: string): void {
    this.list.push(`${path}: ${problem}`)
  }
}

function known(o: Obj, path: string, keys: readonly string[], problems: Problems): void {
  for (const key of Object.keys(o)) if (!keys.includes(key)) problems.add(`${path}.${key}`, `unknown field (known: ${keys.join(', ')})`)
}

function text(o: Obj, key: string, path: string, problems: Problems, pattern?: RegExp): string | null {
  const value = o[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string' || value.trim() === '') problems.add(`${path}.${key}`, 'must be a non-empty string')
  else if (pattern && !pattern.test(value)) problems.add(`${path}.${key}`, `must match ${pattern.source}`)
  else return value
  return null
}

function secretRef(value: unknown, path: string, problems: Problems): SecretRef | null {
  if (value === undefined || value === null) return null
  if (!isObject(value)) {
    // never the value: it is most likely the secret itself
    problems.add(path, 'an inline secret is refused: reference it as {env: VARIABLE_NAME} or {file: path/to/file}')
    return null
  }
  known(value, path, ['env', 'file'], problems)
  if ((value.env === undefined) === (value.file === undefined)) {
    problems.add(path, 'give exactly one of env (an environment variable name) or file (a path)')
    return null
  }
  if (value.env !== undefined) {
    const env = text(value, 'env', path, problems, ENV_NAME)
    return env ? {env} : null
  }
  const file = text(value, 'file', path, problems)
  return file ? {file} : null
}

function memberSpec(value: unknown, path: string, kind: GroupKind, problems: Problems): FileMemberSpec | null {
  if (!isObject(value)) {
    problems.add(path, 'must be a mapping (name, host, port, tls …)')
    return null
  }
  known(value, path, ['name', 'region', 'host', 'port', 'tls', 'ca', 'username', 'password', 'role'], problems)
  const name = text(value, 'name', path, problems, NAME)
  const host = text(value, 'host', path, problems, HOST)
  if (value.name === undefined) problems.add(`${path}.name`, 'is required')
  if (value.host === undefined) problems.add(`${path}.host`, 'is required')
  const port = value.port
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65_535) problems.add(`${path}.port`, 'must be a whole number from 1 to 65535')
  if (typeof value.tls !== 'boolean') problems.add(`${path}.tls`, 'must be true or false')
  const ca = text(value, 'ca', path, problems)
  if (ca && value.tls === false) problems.add(`${path}.ca`, 'is only for tls: true')
  const role = value.role
  if (kind === 'active-passive' && role !== 'primary' && role !== 'replica') problems.add(`${path}.role`, 'must be primary or replica in an active-passive group')
  if (kind === 'active-active' && role !== undefined) problems.add(`${path}.role`, 'is only for active-passive groups')
  const spec = {
    name: name ?? '',
    region: text(value, 'region', path, problems),
    host: host ?? '',
    port: port as number,
    tls: value.tls === true,
    ca,
    username: text(value, 'username', path, problems),
    password: secretRef(value.password, `${path}.password`, problems),
    role: kind === 'active-passive' ? (role as 'primary' | 'replica') : null,
  }
  return name && host ? spec : null
}

function groupSpec(value: unknown, path: string, problems: Problems): FileGroupSpec | null {
  if (!isObject(value)) {
    problems.add(path, 'must be a mapping (nickname, kind, members)')
    return null
  }
  known(value, path, ['nickname', 'kind', 'members'], problems)
  const nickname = text(value, 'nickname', path, problems, NAME)
  if (value.nickname === undefined) problems.add(`${path}.nickname`, 'is required')
  const kind = value.kind ?? 'active-active'
  if (kind !== 'active-active' && kind !== 'active-passive') problems.add(`${path}.kind`, 'must be active-active or active-passive')
  const groupKind: GroupKind = kind === 'active-passive' ? 'active-passive' : 'active-active'
  const list = value.members
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_MEMBERS) {
    problems.add(`${path}.members`, `must list 1 to ${MAX_MEMBERS} members`)
    return null
  }
  const members = list.map((m, i) => memberSpec(m, `${path}.members[${i}]`, groupKind, problems))
  unique(members.map((m) => m?.name), `${path}.members`, 'member name', problems)
  if (groupKind === 'active-passive' && members.filter((m) => m?.role === 'primary').length !== 1) {
    problems.add(`${path}.members`, 'an active-passive group has exactly one member with role: primary')
  }
  return nickname && members.every(Boolean) ? {nickname, kind: groupKind, members: members as FileMemberSpec[]} : null
}

function unique(names: (string | undefined)[], path: string, what: string, problems: Problems): void {
  const seen = new Set<string>()
  for (const name of names) {
    if (!name) continue
    if (seen.has(name.toLowerCase())) problems.add(path, `${what} "${name}" is used twice`)
    seen.add(name.toLowerCase())
  }
}

/** The group file's content (parsed YAML or JSON) as groups; a UsageError naming `source` and every problem. */
export function parseGroupFile(data: unknown, source: string): GroupFileSpec {
  const problems = new Problems()
  let groups: (FileGroupSpec | null)[] = []
  if (!isObject(data)) problems.add('(top)', 'must be a mapping with a groups list')
  else {
    known(data, '(top)', ['version', 'groups'], problems)
    if (data.version !== undefined && data.version !== 1) problems.add('version', 'must be 1')
    if (!Array.isArray(data.groups) || data.groups.length === 0 || data.groups.length > MAX_GROUPS) problems.add('groups', `must list 1 to ${MAX_GROUPS} groups`)
    else {
      groups = data.groups.map((g, i) => groupSpec(g, `groups[${i}]`, problems))
      unique(data.groups.map((g: unknown) => (isObject(g) && typeof g.nickname === 'string' ? g.nickname : undefined)), 'groups', 'nickname', problems)
    }
  }
  if (problems.list.length > 0) {
    const shown = problems.list.slice(0, 10).map((p) => `  ${p}`)
    if (problems.list.length > 10) shown.push(`  … and ${problems.list.length - 10} more`)
    throw new UsageError(`the group file ${source} is not valid:\n${shown.join('\n')}`, GROUP_FILE_DOC, 'BadGroupFile')
  }
  return {groups: groups as FileGroupSpec[]}
}

/** A file member's id: stable across runs (serve derives its uid from it), never an ARM id. */
export function fileMemberId(nickname: string, name: string): string {
  return `group-file:${nickname}/${name}`
}

/** A file member in the domain's shape: what ARM would tell is unknown, and said so (empty, or "unknown"). */
function fileMember(group: FileGroupSpec, m: FileMemberSpec): Member {
  return {
    id: fileMemberId(group.nickname, m.name),
    subscriptionId: '',
    resourceGroup: '',
    cluster: m.name,
    database: group.nickname,
    location: m.region ? normaliseLocation(m.region) : '',
    sku: {name: 'unknown', capacity: null},
    hostName: m.host,
    port: m.port,
    clientProtocol: m.tls ? 'Encrypted' : 'Plaintext',
    clusteringPolicy: 'unknown',
    evictionPolicy: 'unknown',
    modules: [],
    persistence: {aofEnabled: false, rdbEnabled: false},
    provisioningState: 'Succeeded',
    resourceState: 'Running',
    clusterProvisioningState: 'Succeeded',
    clusterResourceState: 'Running',
    redisVersion: null,
    minimumTlsVersion: null,
    highAvailability: null,
    accessKeysAuthentication: null,
    groupNickname: group.nickname,
    links: group.members.filter((o) => o !== m).map((o) => ({id: fileMemberId(group.nickname, o.name), state: 'Linked'})),
  }
}

/** A file group as the domain's GeoGroup, its members in file order (the resolver and the probe take it as ARM's). */
export function fileGeoGroup(group: FileGroupSpec): GeoGroup {
  const members = group.members.map((m) => fileMember(group, m))
  return {key: `group-file:${group.nickname}`.toLowerCase(), nickname: group.nickname, status: 'healthy', members, unresolved: [], unreadable: [], problems: []}
}
