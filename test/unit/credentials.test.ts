// The first token request is bounded and says what to do; tokens are cached per scope. A plain object stands in
// for a credential here (DefaultAzureCredential would probe the managed-identity endpoint off this machine).
import type {AccessToken, TokenCredential} from '@azure/core-auth'
import {describe, expect, it} from 'vitest'
import {boundedCredential, createCredentials} from '../../src/azure/credentials.js'
import {tokenClaims} from '../../src/domain/token.js'
import {armScopeFor, REDIS_SCOPE} from '../../src/azure/clouds.js'
import {CLOUDS} from '../../src/domain/clouds.js'
import {UsageError} from '../../src/domain/errors.js'
import {resolveArmSettings} from '../../src/cli/settings.js'

function counting(answer: () => Promise<AccessToken | null>): TokenCredential & {calls: number} {
  const credential = {
    calls: 0,
    getToken() {
      credential.calls++
      return answer()
    },
  }
  return credential
}

describe('credentials', () => {
  it('fails a first token request that never answers within the bound, with the ways to sign in', async () => {
    const started = Date.now()
    const error = await boundedCredential(counting(() => new Promise(() => {})), 200).getToken('scope').catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1500)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).suggestion).toMatch(/az login.*AZURE_CLIENT_ID.*GEO_REDIS_ACCESS_TOKEN/s)
  })

  it('turns a credential error into the same advice', async () => {
    const error = await boundedCredential(counting(() => Promise.reject(new Error('no az on PATH\nstack…'))), 1000).getToken('scope').catch((e: unknown) => e)
    expect((error as UsageError).message).toBe('cannot get an Azure token: no az on PATH')
  })

  it('asks once per scope while the token is fresh', async () => {
    const inner = counting(async () => ({token: 't', expiresOnTimestamp: Date.now() + 3_600_000}))
    const credential = boundedCredential(inner, 1000)
    await Promise.all([credential.getToken('a'), credential.getToken('a'), credential.getToken('b')])
    await credential.getToken('a')
    expect(inner.calls).toBe(2)
  })

  it('reads claims from a JWT without trusting it, and nothing from other strings', () => {
    const jwt = ['{"alg":"none"}', '{"upn":"op@example.test","oid":"o-1"}', ''].map((p) => Buffer.from(p).toString('base64url')).join('.')
    expect(tokenClaims(jwt)).toMatchObject({upn: 'op@example.test', oid: 'o-1'})
    expect(tokenClaims('opaque-token')).toBeNull()
  })
})

describe('each credential for its own audience', () => {
  const base = {cloud: 'AzureCloud' as const, armEndpoint: 'https://arm.example', firstTokenTimeoutMs: 1000}

  it('a ready ARM token answers for ARM only, and gives no Redis credential', async () => {
    const {arm, redis} = await createCredentials({...base, accessToken: 'arm-token-123456'})
    expect(await arm.getToken(armScopeFor('AzureCloud', 'https://arm.example'))).toMatchObject({token: 'arm-token-123456'})
    await expect(arm.getToken(REDIS_SCOPE)).rejects.toThrow(/is not sent to https:\/\/redis\.azure\.com/)
    expect(redis).toBeNull()
  })

  it('GEO_REDIS_REDIS_TOKEN answers for Redis only', async () => {
    const {arm, redis} = await createCredentials({...base, accessToken: 'arm-token-123456', redisToken: 'redis-token-654321'})
    expect(await redis!.getToken(REDIS_SCOPE)).toMatchObject({token: 'redis-token-654321'})
    await expect(redis!.getToken(armScopeFor('AzureCloud', 'https://arm.example'))).rejects.toThrow(/is not sent to/)
    await expect(arm.getToken(REDIS_SCOPE)).rejects.toThrow(/is not sent to/)
  })

  it('the ARM scope is the cloud audience, or the private endpoint\'s own', () => {
    expect(armScopeFor('AzureCloud', 'https://management.azure.com/')).toBe('https://management.azure.com/.default')
    expect(armScopeFor('AzureCloud', 'https://127.0.0.1:8443')).toBe('https://127.0.0.1:8443/.default')
  })
})

describe('cloud and endpoint settings', () => {
  it.each(Object.entries(CLOUDS))('%s selects its ARM endpoint', (cloud, expected) => {
    expect(resolveArmSettings({concurrency: 16, cloud}, {}).armEndpoint).toBe(expected.armEndpoint)
  })

  it('refuses a user name or password in the ARM endpoint without echoing it', () => {
    const error = (() => {
      try {
        resolveArmSettings({concurrency: 16, 'arm-endpoint': 'https://ops:s3cret-pw@arm.example'}, {})
      } catch (e) {
        return e as UsageError
      }
    })()
    expect(error).toBeInstanceOf(UsageError)
    expect(`${error!.message} ${error!.suggestion}`).not.toContain('s3cret-pw')
    expect(() => resolveArmSettings({concurrency: 16}, {GEO_REDIS_ARM_ENDPOINT: 'https://ops@arm.example'})).toThrow(/must not carry a user name or password/)
  })

  it('takes the flag over the environment, and the environment over the default', () => {
    expect(resolveArmSettings({concurrency: 16}, {GEO_REDIS_ARM_ENDPOINT: 'https://arm.example/'}).armEndpoint).toBe('https://arm.example')
    expect(resolveArmSettings({concurrency: 16, 'arm-endpoint': 'https://flag.example'}, {GEO_REDIS_ARM_ENDPOINT: 'https://arm.example'}).armEndpoint).toBe('https://flag.example')
    expect(resolveArmSettings({concurrency: 16}, {AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-0000000000AA'}).subscriptions).toEqual(['00000000-0000-0000-0000-0000000000aa'])
  })
})
