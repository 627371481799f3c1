// The failover renderers on the variants the golden files do not hold: Entra for every member, keys written with
// --include-keys, and no member left to configure. Each variant still compiles (python3 -m py_compile; javac against
// test/stubs/java), and a key appears only when asked for.
import {execFile} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'
import {buildFailoverModel, type FailoverMemberInput} from '../../../src/domain/failover/build.js'
import {failoverOptions, type FailoverFlagValues} from '../../../src/domain/failover/options.js'
import {FAILOVER_FORMATS, renderFailover} from '../../../src/output/failover/index.js'

const run = promisify(execFile)
const STUBS = fileURLToPath(new URL('../../stubs/java/', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'geo-redis-failover-render-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const KEY = 'k3y-Value/with+chars='
const NO_POLICY = {failureWindowMs: null, failureRatePct: null, failbackIntervalMs: null, gracePeriodMs: null}

function member(location: string, more: Partial<FailoverMemberInput> = {}): FailoverMemberInput {
  return {
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/geo-${location}/databases/default`,
    location,
    cluster: `geo-${location}`,
    database: 'default',
    endpoint: {host: `geo-${location}.${location}.redis.azure.net`, port: 10000, tls: location !== 'westus2'},
    clusteringPolicy: 'EnterpriseCluster',
    accessKeysDisabled: false,
    primaryKey: KEY,
    ...more,
  }
}

const UNREAD = {cause: 'region-not-answering' as const, code: 'ServiceUnavailable', message: 'down'}
const model = (members: FailoverMemberInput[], more: Partial<FailoverFlagValues>) =>
  buildFailoverModel('geo', members, failoverOptions({policy: NO_POLICY, onlyReadable: false, includeKeys: false, ...more}))

const VARIANTS = {
  entra: model([member('eastus'), member('westus2')], {auth: 'entra', healthUrl: 'http://serve:8080', near: 'westus'}),
  keys: model([member('eastus'), member('westus2', {accessKeysDisabled: true, primaryKey: null})], {includeKeys: true, prefer: 'westus2'}),
  empty: model([member('eastus', {readError: UNREAD})], {onlyReadable: true, auth: 'secret-store'}),
}

async function compiles(format: string, text: string, label: string): Promise<void> {
  const src = join(dir, label)
  mkdirSync(src, {recursive: true})
  if (format === 'redis-py') {
    writeFileSync(join(src, 'snippet.py'), text)
    await run('python3', ['-m', 'py_compile', join(src, 'snippet.py')], {timeout: 30_000})
  }
  if (format === 'jedis' || format === 'lettuce') {
    writeFileSync(join(src, 'GeoRedisFailover.java'), text)
    await run('javac', ['-d', join(src, 'out'), '-sourcepath', STUBS, join(src, 'GeoRedisFailover.java')], {timeout: 60_000})
  }
}

describe('failover renderers', () => {
  for (const [name, variant] of Object.entries(VARIANTS)) {
    it(`${name}: every format renders, compiles where it can, and names a key only with --include-keys`, {timeout: 120_000}, async () => {
      for (const format of FAILOVER_FORMATS) {
        const text = renderFailover(variant, format)
        if (name === 'keys') expect(text, format).toContain(JSON.stringify(KEY))
        else expect(text, format).not.toContain(KEY)
        await compiles(format, text, `${name}-${format}`)
      }
    })
  }

  it('says why each member ranks where it does, and what it could not read', () => {
    const text = renderFailover(model([member('eastus'), member('northeurope', {readError: UNREAD, clusteringPolicy: null})], {near: 'westeurope'}), 'redis-py')
    expect(text).toMatch(/^# 1\. northeurope: geo-northeurope\/default, weight 1 \(\d+ km from westeurope\)$/m)
    expect(text).toMatch(/ARM could not read it \(region-not-answering: ServiceUnavailable\); port 10000 and TLS are Azure's defaults, not read/)
    expect(text).toMatch(/Active-Active conflict resolution \(the CRDT\) decides/)
  })

  it('a window a library takes in whole seconds says when it was rounded', () => {
    const text = renderFailover(model([member('eastus')], {policy: {...NO_POLICY, failureWindowMs: 1500}}), 'jedis')
    expect(text).toContain('.slidingWindowSize(2) // seconds, --failure-window-ms (1500 ms rounded)')
    expect(renderFailover(model([member('eastus')], {policy: {...NO_POLICY, failureWindowMs: 1500}}), 'redis-py')).toContain('failures_detection_window=1.5,')
  })
})
