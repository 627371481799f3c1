// The failover model: weights from --prefer or distance, auth by reference, members ARM cannot read, and every bad
// flag combination refused before any request.
import {describe, expect, it} from 'vitest'
import {buildFailoverModel, type FailoverMemberInput} from '../../../src/domain/failover/build.js'
import {failoverOptions, type FailoverFlagValues} from '../../../src/domain/failover/options.js'
import {KNOWN_REGIONS, knownRegion, regionDistanceKm} from '../../../src/domain/failover/regions.js'
import {UsageError} from '../../../src/domain/errors.js'

const NO_POLICY = {failureWindowMs: null, failureRatePct: null, failbackIntervalMs: null, gracePeriodMs: null}
const flags = (more: Partial<FailoverFlagValues> = {}): FailoverFlagValues => ({policy: NO_POLICY, onlyReadable: false, includeKeys: false, ...more})

function member(location: string, more: Partial<FailoverMemberInput> = {}): FailoverMemberInput {
  return {
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/geo-${location}/databases/default`,
    location,
    cluster: `geo-${location}`,
    database: 'default',
    endpoint: {host: `geo-${location}.${location}.redis.azure.net`, port: 10000, tls: true},
    clusteringPolicy: 'EnterpriseCluster',
    accessKeysDisabled: false,
    ...more,
  }
}

// member order: by location
const GROUP = [member('eastus'), member('northeurope'), member('westus2')]
const UNREAD = {cause: 'region-not-answering' as const, code: 'ServiceUnavailable', message: 'down'}

function usage(fn: () => unknown): UsageError {
  try {
    fn()
  } catch (error) {
    if (error instanceof UsageError) return error
    throw error
  }
  throw new Error('no usage error')
}

describe('regions', () => {
  it('knows Azure regions by any spelling, measures great-circle distance, and suggests for a typo', () => {
    expect(knownRegion('West Europe', '--near')).toBe('westeurope')
    expect(KNOWN_REGIONS.length).toBeGreaterThan(40)
    expect(regionDistanceKm('westeurope', 'northeurope')).toBeGreaterThan(700)
    expect(regionDistanceKm('westeurope', 'northeurope')).toBeLessThan(800)
    expect(regionDistanceKm('eastus', 'eastus')).toBe(0)
    expect(regionDistanceKm('eastus', 'mars')).toBeNull()
    const error = usage(() => knownRegion('westeurop', '--near'))
    expect(error.exitCode).toBe(2)
    expect(error.suggestion).toMatch(/did you mean westeurope/)
  })
})

describe('failover options', () => {
  it('refuses bad values and combinations with exit 2', () => {
    const cases: [Partial<FailoverFlagValues>, RegExp][] = [
      [{prefer: 'eastus', near: 'eastus'}, /--prefer and --near both/],
      [{lagToleranceMs: 100}, /needs --health-url/],
      [{healthUrl: 'not a url'}, /is not a URL/],
      [{healthUrl: 'https://u:p@serve:8443'}, /must not carry a user or password/],
      [{healthUrl: 'https://serve:8443/v1/bdbs'}, /only a scheme, host and port/],
      [{prefer: 'eastus,,westus2'}, /empty region/],
      [{prefer: 'eastus,East US'}, /names eastus twice/],
      [{prefer: 'atlantis'}, /not an Azure region/],
      [{policy: {...NO_POLICY, failureRatePct: 101}}, /--failure-rate 101/],
      [{policy: {...NO_POLICY, gracePeriodMs: 0}}, /--grace-period-ms 0/],
      [{auth: 'entra', includeKeys: true}, /disagree/],
    ]
    for (const [more, message] of cases) expect(usage(() => failoverOptions(flags(more))).message).toMatch(message)
  })

  it('splits the health URL into host and REST port, the scheme\'s own port when absent', () => {
    expect(failoverOptions(flags({healthUrl: 'https://serve.example.com:8443'})).healthUrl).toEqual({url: 'https://serve.example.com', restPort: 8443})
    expect(failoverOptions(flags({healthUrl: 'https://serve.example.com'})).healthUrl).toEqual({url: 'https://serve.example.com', restPort: 443})
  })
})

describe('buildFailoverModel', () => {
  it('--prefer: named regions first in that order, the rest after; weights by rank', () => {
    const model = buildFailoverModel('geo', GROUP, failoverOptions(flags({prefer: 'westus2,eastus'})))
    expect(model.members.map((m) => [m.location, m.weight, m.rank, m.why])).toEqual([
      ['westus2', 1, 1, '1st in --prefer'],
      ['eastus', 0.67, 2, '2nd in --prefer'],
      ['northeurope', 0.33, 3, 'not in --prefer: after those named'],
    ])
    expect(model.weighting).toEqual({by: 'prefer', regions: ['westus2', 'eastus']})
  })

  it('--prefer naming a region without a member is a usage error naming the group\'s regions', () => {
    expect(usage(() => buildFailoverModel('geo', GROUP, failoverOptions(flags({prefer: 'japaneast'})))).suggestion).toMatch(/eastus, northeurope, westus2/)
  })

  it('--near: nearest first with its distance; without a preference every member weighs 1', () => {
    const near = buildFailoverModel('geo', GROUP, failoverOptions(flags({near: 'uksouth'})))
    expect(near.members.map((m) => m.location)).toEqual(['northeurope', 'eastus', 'westus2'])
    expect(near.members[0].distanceKm).toBeLessThan(600)
    expect(near.members[0].why).toMatch(/km from uksouth/)
    const equal = buildFailoverModel('geo', GROUP, failoverOptions(flags()))
    expect(equal.members.map((m) => m.weight)).toEqual([1, 1, 1])
    expect(equal.weighting.by).toBe('none')
  })

  it('auth by reference: env names as the env format, secret-store names, Entra where keys are disabled', () => {
    const group = [member('eastus'), member('northeurope', {accessKeysDisabled: true})]
    const env = buildFailoverModel('geo', group, failoverOptions(flags()))
    expect(env.members.map((m) => m.auth)).toEqual([
      {kind: 'access-key', ref: {kind: 'env', name: 'GEO_REDIS_EASTUS_KEY'}},
      {kind: 'entra', audience: 'https://redis.azure.com', why: 'access keys disabled'},
    ])
    const store = buildFailoverModel('Geo Prod', group, failoverOptions(flags({auth: 'secret-store', healthUrl: 'https://serve:8443'})))
    expect(store.members[0].auth).toEqual({kind: 'access-key', ref: {kind: 'secret-store', name: 'geo-prod-eastus-key'}})
    expect(store.healthCheck).toMatchObject({kind: 'lag-aware', restPort: 8443, lagToleranceMs: null, basicAuth: {user: {kind: 'secret-store', name: 'geo-prod-serve-user'}}})
    const entra = buildFailoverModel('geo', group, failoverOptions(flags({auth: 'entra'})))
    expect(entra.members.every((m) => m.auth.kind === 'entra')).toBe(true)
  })

  it('OSSCluster members are cluster-aware; an unread member is kept with why, or left out with --only-readable', () => {
    const group = [member('eastus', {clusteringPolicy: 'OSSCluster'}), member('northeurope', {clusteringPolicy: null, readError: UNREAD}), member('westus2', {endpoint: null, clusteringPolicy: null, readError: UNREAD})]
    const kept = buildFailoverModel('geo', group, failoverOptions(flags()))
    expect(kept.members.map((m) => [m.clusterAware, m.notRead?.endpoint ?? null])).toEqual([
      [true, null],
      [null, 'assumed'],
      [null, 'unknown'],
    ])
    const readable = buildFailoverModel('geo', group, failoverOptions(flags({onlyReadable: true})))
    expect(readable.members.map((m) => m.location)).toEqual(['eastus'])
    expect(readable.leftOut.map((m) => [m.location, m.cause])).toEqual([
      ['northeurope', 'region-not-answering'],
      ['westus2', 'region-not-answering'],
    ])
  })

  it('keys only with --include-keys; two members in one location get distinct names', () => {
    const twins = [member('eastus', {cluster: 'a', primaryKey: 'k1'}), member('eastus', {cluster: 'b', primaryKey: null})]
    const model = buildFailoverModel('geo', twins, failoverOptions(flags({includeKeys: true})))
    expect(model.members.map((m) => [m.name, m.primaryKey])).toEqual([
      ['EASTUS_A', 'k1'],
      ['EASTUS_B', null],
    ])
    expect(buildFailoverModel('geo', twins, failoverOptions(flags())).members.every((m) => !('primaryKey' in m))).toBe(true)
  })
})
