// The first token request is bounded and says what to do; tokens are cached per scope. A plain object stands in
// for a credential here (DefaultAzureCredential would probe the managed-identity endpoint off this machine).
import type {AccessToken, TokenCredential} from '@azure/core-auth'
import {describe, expect, it} from 'vitest'
import {boundedCredential} from '../../src/azure/credentials.js'
import {tokenClaims} from '../../src/domain/token.js'
import {CLOUDS} from '../../src/azure/clouds.js'
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

describe('cloud and endpoint settings', () => {
  it.each(Object.entries(CLOUDS))('%s selects its ARM endpoint', (cloud, expected) => {
    expect(resolveArmSettings({concurrency: 16, cloud}, {}).armEndpoint).toBe(expected.armEndpoint)
  })

  it('takes the flag over the environment, and the environment over the default', () => {
    expect(resolveArmSettings({concurrency: 16}, {GEO_REDIS_ARM_ENDPOINT: 'https://arm.example/'}).armEndpoint).toBe('https://arm.example')
    expect(resolveArmSettings({concurrency: 16, 'arm-endpoint': 'https://flag.example'}, {GEO_REDIS_ARM_ENDPOINT: 'https://arm.example'}).armEndpoint).toBe('https://flag.example')
    expect(resolveArmSettings({concurrency: 16}, {AZURE_SUBSCRIPTION_ID: '00000000-0000-0000-0000-0000000000AA'}).subscriptions).toEqual(['00000000-0000-0000-0000-0000000000aa'])
  })
})
