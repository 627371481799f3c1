// What every failover snippet says in its comments (order, weights, auth references, members ARM could not read)
// and the policy as numbers: a flag's value, else the library's documented default. Pure functions of the model.
import type {FailoverMember, FailoverModel, FailoverPolicy, SecretRef} from '../../domain/failover/model.js'

/** A library's own defaults, in ms and percent, for the settings our flags name. */
export interface LibraryDefaults {
  failureWindowMs: number
  failureRatePct: number
  failbackIntervalMs: number
  gracePeriodMs: number
  lagToleranceMs: number
}

type Setting = keyof FailoverPolicy | 'lagToleranceMs'

const FLAG: Record<Setting, string> = {
  failureWindowMs: '--failure-window-ms',
  failureRatePct: '--failure-rate',
  failbackIntervalMs: '--failback-interval-ms',
  gracePeriodMs: '--grace-period-ms',
  lagToleranceMs: '--lag-tolerance-ms',
}

/** The policy flags the operator set, by name. */
export function policyFlagsGiven(model: FailoverModel): string[] {
  return (Object.keys(model.policy) as (keyof FailoverPolicy)[]).filter((k) => model.policy[k] !== null).map((k) => FLAG[k])
}

/** The value a snippet writes for a setting, and where it came from (for its comment). */
export function setting(model: FailoverModel, defaults: LibraryDefaults, name: Setting): {value: number; from: string} {
  const chosen = name === 'lagToleranceMs' ? (model.healthCheck.kind === 'lag-aware' ? model.healthCheck.lagToleranceMs : null) : model.policy[name]
  return chosen === null ? {value: defaults[name], from: 'library default'} : {value: chosen, from: FLAG[name]}
}

const readable = (m: FailoverMember) => !m.notRead

function refText(ref: SecretRef): string {
  return ref.kind === 'env' ? `environment variable ${ref.name}` : `secret ${ref.name} in your secret store`
}

/** How the member authenticates, for its comment. */
function authText(m: FailoverMember): string {
  if (m.auth.kind === 'entra') return `Microsoft Entra token for ${m.auth.audience} (${m.auth.why})`
  return 'primaryKey' in m ? 'access key written below (--include-keys): keep this file secret' : `access key from ${refText(m.auth.ref)}`
}

/** One line per member: rank, where, weight and why, then what ARM could not say. */
function memberComment(m: FailoverMember, library: string, clusterSupported: boolean): string[] {
  const lines = [
    `${m.rank}. ${m.location || 'location unknown'}: ${m.cluster}/${m.database}, weight ${m.weight} (${m.why})`,
    `   ${m.host ? `${m.host}:${m.port}, TLS ${m.tls ? 'on' : 'off'}` : 'endpoint unknown'}; ${authText(m)}`,
  ]
  if (m.notRead) {
    lines.push(`   ARM could not read it (${m.notRead.cause}: ${m.notRead.code}); ${m.notRead.endpoint === 'assumed' ? "port 10000 and TLS are Azure's defaults, not read" : 'no endpoint known, so it is left as this comment'}`)
    lines.push('   kept so the client fails over to it once it answers; pass --only-readable to leave it out')
  }
  if (m.clusterAware) lines.push(clusterSupported ? '   OSSCluster: the cluster-aware client' : `   OSSCluster: ${library}'s multi-database client takes no cluster client; see docs/client-failover.md`)
  return lines
}

/** The header every snippet starts with: what it is, how the order and weights work, and the caveats. */
export function headerComment(model: FailoverModel, format: string, library: string, clusterSupported: boolean, lagAware = true): string[] {
  const how =
    model.weighting.by === 'prefer'
      ? `weights follow --prefer ${model.weighting.regions.join(',')}`
      : model.weighting.by === 'near'
        ? `weights follow the distance from ${model.weighting.regions[0]} (nearest weighs most)`
        : 'no --prefer or --near: every member weighs the same, so the library picks among equals'
  const lines = [
    `geo-redis endpoints export --format ${format}: group ${model.group}, ${model.members.length} member(s), ${model.members.filter(readable).length} read by ARM`,
    `${library} sends every command to the healthy member with the highest weight; when that member fails it moves`,
    'to the next, and fails back once a heavier member is healthy again.',
    `Order and weights: ${how}${model.weighting.by === 'none' ? '' : '; rank r of n weighs (n - r + 1) / n'}.`,
    ...model.members.flatMap((m) => memberComment(m, library, clusterSupported)),
    ...model.leftOut.map((m) => `left out (--only-readable): ${m.cluster} in ${m.location || 'location unknown'}, ARM could not read it (${m.cause})`),
    'During a failover several members may take writes at once; Active-Active conflict resolution (the CRDT) decides.',
    'Health check: ' +
      (model.healthCheck.kind === 'ping'
        ? 'PING to each member.'
        : lagAware
          ? `lag-aware, geo-redis serve at ${model.healthCheck.url}:${model.healthCheck.restPort}.`
          : `--health-url asked for a lag-aware check, which ${library} does not have: it checks members itself.`),
  ]
  return lines
}

/** Lines as comments with a marker ("#", "//"). */
export function commented(lines: string[], marker: string, indent = ''): string[] {
  return lines.map((line) => `${indent}${marker} ${line}`.trimEnd())
}

/** A string literal valid in Python, Java, Go and C# alike (JSON escapes, double quotes). */
export const quoted = (text: string) => JSON.stringify(text)

/**
 * Where the snippet reads references from: env variables, a secret store, or both (a member's key unless the key
 * itself is written with --include-keys, and the lag-aware check's Basic auth), so each language imports only what it
 * uses.
 */
export function referenceKinds(model: FailoverModel, withHealthCheck = true): Set<SecretRef['kind']> {
  const kinds = new Set<SecretRef['kind']>()
  for (const m of configured(model)) if (m.auth.kind === 'access-key' && !('primaryKey' in m)) kinds.add(m.auth.ref.kind)
  if (withHealthCheck && model.healthCheck.kind === 'lag-aware') kinds.add(model.healthCheck.basicAuth.user.kind)
  return kinds
}

/** The members a snippet configures: those with an endpoint. */
export const configured = (model: FailoverModel) => model.members.filter((m) => m.host !== null && m.port !== null)
