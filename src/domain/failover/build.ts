// Builds the failover model from the group's members as read: weights and their reasons, authentication by
// reference, the health check and the policy. Pure: the service hands in what ARM showed.
import {envPrefixes} from '../env-names.js'
import {UsageError} from '../errors.js'
import type {ReadError} from '../read.js'
import type {FailoverModel, FailoverMember, HealthCheck, MemberAuth, SecretRef} from './model.js'
import {REDIS_ENTRA_AUDIENCE} from './model.js'
import type {FailoverOptions} from './options.js'
import {regionDistanceKm} from './regions.js'

/** A member as the service read it, in member order. */
export interface FailoverMemberInput {
  id: string
  location: string
  cluster: string
  database: string
  /** what ARM read; for a member it could not read, its cluster list's host with Azure's fixed port and TLS, or null */
  endpoint: {host: string; port: number; tls: boolean} | null
  /** null when ARM could not read it */
  clusteringPolicy: string | null
  accessKeysDisabled: boolean
  readError?: ReadError
  primaryKey?: string | null
}

type Ranked = {input: FailoverMemberInput; name: string; why: string; distanceKm?: number}

const ORDINAL = (n: number) => `${n}${n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th'}`

/** Members in order of preference, each with why; a stable sort keeps member order among equals. */
function rank(members: FailoverMemberInput[], names: string[], options: FailoverOptions): Ranked[] {
  const all = members.map((input, i) => ({input, name: names[i]}))
  if (options.prefer) {
    const prefer = options.prefer
    const position = (m: FailoverMemberInput) => (prefer.includes(m.location) ? prefer.indexOf(m.location) : prefer.length)
    return [...all]
      .sort((a, b) => position(a.input) - position(b.input))
      .map((r) => ({...r, why: prefer.includes(r.input.location) ? `${ORDINAL(position(r.input) + 1)} in --prefer` : 'not in --prefer: after those named'}))
  }
  if (options.near) {
    const near = options.near
    const withDistance = all.map((r) => ({...r, distanceKm: regionDistanceKm(near, r.input.location) ?? undefined}))
    const far = (d: number | undefined) => d ?? Number.POSITIVE_INFINITY
    return withDistance
      .sort((a, b) => far(a.distanceKm) - far(b.distanceKm))
      .map((r) => ({...r, why: r.distanceKm === undefined ? `distance from ${near} unknown (region not in the table): last` : `${r.distanceKm} km from ${near}`}))
  }
  return all.map((r) => ({...r, why: 'no preference given (--prefer or --near): equal weights'}))
}

/** Rank 1 of n weighs 1, the last 1/n, two decimals; without a preference every member weighs 1. */
const weightOf = (rankIndex: number, count: number, equal: boolean) => (equal ? 1 : Math.round(((count - rankIndex) / count) * 100) / 100)

const secretName = (group: string, name: string, what: string) => `${group}-${name}-${what}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

function refOf(kind: 'env' | 'secret-store', group: string, envName: string, what: string): SecretRef {
  return kind === 'env' ? {kind, name: `GEO_REDIS_${envName}_${what.toUpperCase()}`} : {kind, name: secretName(group, envName, what)}
}

function authOf(input: FailoverMemberInput, name: string, group: string, options: FailoverOptions): MemberAuth {
  if (options.auth === 'entra') return {kind: 'entra', audience: REDIS_ENTRA_AUDIENCE, why: '--client-auth entra'}
  if (input.accessKeysDisabled) return {kind: 'entra', audience: REDIS_ENTRA_AUDIENCE, why: 'access keys disabled'}
  return {kind: 'access-key', ref: refOf(options.auth, group, name, 'key')}
}

function healthCheckOf(group: string, options: FailoverOptions): HealthCheck {
  if (!options.healthUrl) return {kind: 'ping'}
  // Basic auth of geo-redis serve: by reference like the keys (env vars unless a secret store was chosen)
  const kind = options.auth === 'secret-store' ? 'secret-store' : 'env'
  return {
    kind: 'lag-aware',
    ...options.healthUrl,
    lagToleranceMs: options.lagToleranceMs,
    basicAuth: {user: refOf(kind, group, 'SERVE', 'user'), password: refOf(kind, group, 'SERVE', 'password')},
  }
}

function memberOf(r: Ranked, index: number, count: number, group: string, options: FailoverOptions): FailoverMember {
  const {input} = r
  const e = input.endpoint
  return {
    name: r.name,
    id: input.id,
    location: input.location,
    cluster: input.cluster,
    database: input.database,
    host: e?.host ?? null,
    port: e?.port ?? null,
    tls: e?.tls ?? null,
    clusterAware: input.clusteringPolicy === null ? null : input.clusteringPolicy.toLowerCase() === 'osscluster',
    weight: weightOf(index, count, !options.prefer && !options.near),
    rank: index + 1,
    why: r.why,
    ...(r.distanceKm === undefined ? {} : {distanceKm: r.distanceKm}),
    auth: authOf(input, r.name, group, options),
    ...(input.readError ? {notRead: {...input.readError, endpoint: e ? 'assumed' : 'unknown'}} : {}),
    ...(options.includeKeys ? {primaryKey: input.primaryKey ?? null} : {}),
  }
}

/** --prefer names only regions where the group has a member, readable or not. */
function checkPreferred(members: FailoverMemberInput[], prefer: string[] | null): void {
  const missing = (prefer ?? []).filter((r) => !members.some((m) => m.location === r))
  if (missing.length === 0) return
  const regions = [...new Set(members.map((m) => m.location).filter(Boolean))].join(', ')
  throw new UsageError(`--prefer names ${missing.join(', ')}, where the group has no member`, `name the group's regions: ${regions}`)
}

/** The model of one group. `members` in member order; names are the env format's, over every member read or not. */
export function buildFailoverModel(group: string, members: FailoverMemberInput[], options: FailoverOptions): FailoverModel {
  checkPreferred(members, options.prefer)
  const names = envPrefixes(members)
  const kept = members.map((m, i) => ({m, name: names[i]})).filter(({m}) => !(options.onlyReadable && m.readError))
  const ranked = rank(kept.map((k) => k.m), kept.map((k) => k.name), options)
  return {
    group,
    weighting: options.prefer ? {by: 'prefer', regions: options.prefer} : options.near ? {by: 'near', regions: [options.near]} : {by: 'none', regions: []},
    healthCheck: healthCheckOf(group, options),
    policy: options.policy,
    members: ranked.map((r, i) => memberOf(r, i, ranked.length, group, options)),
    leftOut: options.onlyReadable
      ? members.filter((m) => m.readError).map((m) => ({id: m.id, cluster: m.cluster, location: m.location, cause: m.readError!.cause}))
      : [],
  }
}
