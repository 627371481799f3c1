// Credentials: a ready bearer token (GEO_REDIS_ACCESS_TOKEN or a profile's), or DefaultAzureCredential with a
// bounded first token request. Tokens are cached per scope so every client shares one sign-in.
import {createRequire} from 'node:module'
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth'
import {UsageError} from '../domain/errors.js'
import {secrets} from '../evidence/redact.js'
import {CLOUDS, type CloudName} from './clouds.js'

export interface CredentialSettings {
  cloud: CloudName
  /** a ready ARM bearer token; skips DefaultAzureCredential */
  accessToken?: string
  firstTokenTimeoutMs: number
}

class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {
    secrets.add(token)
  }

  async getToken(): Promise<AccessToken> {
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

export async function createCredential(settings: CredentialSettings): Promise<TokenCredential> {
  if (settings.accessToken) return new StaticTokenCredential(settings.accessToken)
  // through require: @azure/identity's CommonJS build shares the core libraries the (CommonJS) SDK loads
  const {DefaultAzureCredential} = createRequire(import.meta.url)('@azure/identity') as typeof import('@azure/identity')
  return boundedCredential(new DefaultAzureCredential({authorityHost: CLOUDS[settings.cloud].authorityHost}), settings.firstTokenTimeoutMs)
}

/** Any credential with its first token request bounded and its tokens cached per scope. */
export function boundedCredential(inner: TokenCredential, firstTokenTimeoutMs: number): TokenCredential {
  return new BoundedCachingCredential(inner, firstTokenTimeoutMs)
}
