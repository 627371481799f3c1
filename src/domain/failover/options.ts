// The choices behind a failover snippet, checked before any request: a bad combination is a usage error (exit 2).
import {UsageError} from '../errors.js'
import type {ClientAuth, FailoverPolicy} from './model.js'
import {knownRegion} from './regions.js'

export interface FailoverOptions {
  /** regions in order of preference (short names), or null */
  prefer: string[] | null
  /** weights by distance from this region, or null */
  near: string | null
  auth: ClientAuth
  /** lag-aware health check against this REST endpoint; null: PING */
  healthUrl: {url: string; restPort: number} | null
  lagToleranceMs: number | null
  policy: FailoverPolicy
  onlyReadable: boolean
  includeKeys: boolean
}

/** What the operator typed, before checking. */
export interface FailoverFlagValues {
  prefer?: string
  near?: string
  auth?: string
  healthUrl?: string
  lagToleranceMs?: number
  policy: FailoverPolicy
  onlyReadable: boolean
  includeKeys: boolean
}

function preferred(text: string): string[] {
  const regions = text.split(',').map((r) => r.trim())
  if (regions.some((r) => r === '')) throw new UsageError(`--prefer "${text}" has an empty region`, 'pass regions separated by commas: --prefer westeurope,northeurope')
  const known = regions.map((r) => knownRegion(r, '--prefer'))
  const twice = known.find((r, i) => known.indexOf(r) !== i)
  if (twice) throw new UsageError(`--prefer names ${twice} twice`, 'name each region once, most preferred first')
  return known
}

/** `https://serve.example:8443` → its scheme and host, and the port (the scheme's own when absent). */
function healthEndpoint(text: string): {url: string; restPort: number} {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`--health-url "${text}" is not a URL`, 'pass the REST endpoint of `geo-redis serve`, such as https://serve.example.com:8443')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--health-url must be http or https, not ${url.protocol}`, 'pass https://<host>:<port>')
  if (url.username || url.password) throw new UsageError('--health-url must not carry a user or password', 'the snippet reads Basic auth from references: leave them out of the URL')
  if (url.pathname !== '/' || url.search) throw new UsageError('--health-url takes only a scheme, host and port', 'the libraries add the REST paths themselves: pass https://<host>:<port>')
  return {url: `${url.protocol}//${url.hostname}`, restPort: Number(url.port || (url.protocol === 'https:' ? 443 : 80))}
}

function checkPolicy(policy: FailoverPolicy): void {
  const rate = policy.failureRatePct
  if (rate !== null && !(rate >= 1 && rate <= 100)) throw new UsageError(`--failure-rate ${rate} is out of range`, 'pass a percentage from 1 to 100')
  for (const [flag, value] of [
    ['--failure-window-ms', policy.failureWindowMs],
    ['--failback-interval-ms', policy.failbackIntervalMs],
    ['--grace-period-ms', policy.gracePeriodMs],
  ] as const) {
    if (value !== null && !(Number.isInteger(value) && value >= 1)) throw new UsageError(`${flag} ${value} is out of range`, `pass whole milliseconds, 1 or more`)
  }
}

/** The flags as options, or a UsageError for a bad value or combination: nothing has been sent yet. */
export function failoverOptions(flags: FailoverFlagValues): FailoverOptions {
  if (flags.prefer !== undefined && flags.near !== undefined) {
    throw new UsageError('--prefer and --near both set the weights', 'pass one: --prefer <region,…> for an order you choose, or --near <region> for the order by distance')
  }
  if (flags.lagToleranceMs !== undefined && flags.healthUrl === undefined) {
    throw new UsageError('--lag-tolerance-ms needs --health-url', 'the lag-aware check asks `geo-redis serve`: pass --health-url https://<host>:<port> too, or drop --lag-tolerance-ms for PING')
  }
  if (flags.lagToleranceMs !== undefined && !(flags.lagToleranceMs >= 1)) throw new UsageError(`--lag-tolerance-ms ${flags.lagToleranceMs} is out of range`, 'pass whole milliseconds, 1 or more')
  checkPolicy(flags.policy)
  const auth = (flags.auth ?? 'env') as ClientAuth
  if (auth === 'entra' && flags.includeKeys) throw new UsageError('--include-keys and --client-auth entra disagree', 'Entra needs no keys: drop --include-keys')
  return {
    prefer: flags.prefer === undefined ? null : preferred(flags.prefer),
    near: flags.near === undefined ? null : knownRegion(flags.near, '--near'),
    auth,
    healthUrl: flags.healthUrl === undefined ? null : healthEndpoint(flags.healthUrl),
    lagToleranceMs: flags.lagToleranceMs ?? null,
    policy: flags.policy,
    onlyReadable: flags.onlyReadable,
    includeKeys: flags.includeKeys,
  }
}
