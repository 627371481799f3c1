// Credentials, one per audience: ARM's, and Redis's (Microsoft Entra tokens for https://redis.azure.com). A ready
// token (GEO_REDIS_ACCESS_TOKEN or a profile's for ARM, GEO_REDIS_REDIS_TOKEN for Redis) answers for its own audience
// only; otherwise DefaultAzureCredential answers both, with a bounded first token request. Tokens are cached per
// scope so every client shares one sign-in.
import {createRequire} from 'node:module'
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import {UsageError} from '../domain/errors.js'
import {secrets} from '../shared/redact.js'
import {CLOUDS, type CloudName} from '../domain/clouds.js'
import {armScopeFor, REDIS_SCOPE} from './clouds.js'
import {verifiedHttpClient} from './transport.js'

export interface CredentialSettings {
  cloud: CloudName
  armEndpoint: string
  /** a ready ARM bearer token; skips DefaultAzureCredential */
  accessToken?: string
  /** a ready Microsoft Entra token for Redis (GEO_REDIS_REDIS_TOKEN) */
  redisToken?: string
  firstTokenTimeoutMs: number
}

export interface Credentials {
  /** tokens for ARM, sent to ARM only */
  arm: TokenCredential
  /** tokens for Redis; null when only a ready ARM token was given, which must never reach Redis */
  redis: TokenCredential | null
}

/** A ready token, handed out for the one scope it was issued for and refused for any other. */
class StaticTokenCredential implements TokenCredential {
  constructor(
    private readonly token: string,
    private readonly scope: string,
  ) {
    secrets.add(token)
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const asked = ([] as string[]).concat(scopes)
    if (asked.length !== 1 || asked[0] !== this.scope) {
      throw new Error(`a ready token for ${this.scope} is not sent to ${asked.join(' ')}`)
    }

    return {token: this.token, expiresOnTimestamp: Date.now() + 3_600_000}
  }
}

/**
 * Caches tokens per scope, bounds every request (the first of each scope may spawn `az` or call IMDS) and registers
 * each token as a secret, so no output or evidence can carry it.
 */
class BoundedCachingCredential implements TokenCredential {
  private readonly cache = new Map<string, Promise<AccessToken | null>>()

  constructor(
    private readonly inner: TokenCredential,
    private readonly timeoutMs: number,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const key = ([] as string[]).concat(scopes).join(' ')
    const cached = this.cache.get(key)
    if (cached) {
      return cached.then((t) => (t && t.expiresOnTimestamp - Date.now() > 120_000 ? t : this.fetch(key, scopes, options)))
    }

    return this.fetch(key, scopes, options)
  }

  private fetch(key: string, scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const settled = this.bounded(scopes, options).then((t) => {
      if (t) secrets.add(t.token)
      return t
    })
    this.cache.set(key, settled)
    settled.catch(() => this.cache.delete(key))
    return settled
  }

  private bounded(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(signInError(`no Azure credential answered within ${Math.round(this.timeoutMs / 1000)} s`)),
        this.timeoutMs,
      )
      timer.unref()
    })
    const token = this.inner.getToken(scopes, options).catch((error: unknown) => {
      throw signInError((error as Error).message?.split('\n')[0] ?? String(error))
    })
    return Promise.race([token, timeout]).finally(() => clearTimeout(timer))
  }
}

function signInError(reason: string): UsageError {
  return new UsageError(
    `cannot get an Azure token: ${reason}`,
    'sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal, ' +
      'or set GEO_REDIS_ACCESS_TOKEN to a ready ARM bearer token; for a local try, `geo-redis sandbox up` and --profile sandbox',
    'CredentialUnavailable',
  )
}

export async function createCredentials(settings: CredentialSettings): Promise<Credentials> {
  const readyRedis = settings.redisToken ? new StaticTokenCredential(settings.redisToken, REDIS_SCOPE) : null
  if (settings.accessToken) return {arm: new StaticTokenCredential(settings.accessToken, armScopeFor(settings.cloud, settings.armEndpoint)), redis: readyRedis}
  // through require: @azure/identity's CommonJS build shares the core libraries the (CommonJS) SDK loads
  const {DefaultAzureCredential} = createRequire(import.meta.url)('@azure/identity') as typeof import('@azure/identity')
  // sign-in traffic carries client secrets and assertions: verified TLS too, whatever the environment says
  const chain = new DefaultAzureCredential({authorityHost: CLOUDS[settings.cloud].authorityHost, httpClient: verifiedHttpClient({maxSockets: 4})})
  const bounded = boundedCredential(chain, settings.firstTokenTimeoutMs)
  return {arm: bounded, redis: readyRedis ?? bounded}
}

/** Any credential with its first token request bounded and its tokens cached per scope. */
export function boundedCredential(inner: TokenCredential, firstTokenTimeoutMs: number): TokenCredential {
  return new BoundedCachingCredential(inner, firstTokenTimeoutMs)
}
