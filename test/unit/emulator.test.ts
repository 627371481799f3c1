// The ARM emulator driven by the real SDK (@azure/arm-redisenterprisecache, api-version 2022-01-01) and by raw
// HTTPS for the 2025-07-01 operations the SDK lacks.
import {type ChildProcess, spawn} from 'node:child_process'
import {once} from 'node:events'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {RedisEnterpriseManagementClient} from '@azure/arm-redisenterprisecache'
import {afterEach, describe, expect, it} from 'vitest'
import {idKey} from '../../src/domain/ids.js'
import {INVENTORY, inventoryScenario, SANDBOX, sandboxWorld, syntheticFleet} from '../../src/sandbox/emulator/scenarios.js'
import type {EmulatorOptions} from '../../src/sandbox/emulator/server.js'
import {API_2022, API_2025, type World} from '../../src/sandbox/emulator/world.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'

const {prod, shared, locked} = INVENTORY.subscriptions

let running: TestEmulator[] = []
afterEach(async () => {
  await Promise.all(running.map((e) => e.stop()))
  running = []
})

async function emulate(world: World = inventoryScenario(), options: Partial<EmulatorOptions> = {}): Promise<TestEmulator> {
  const emu = await startTestEmulator(world, {pageSize: INVENTORY.pageSize, retryAfterSeconds: 0, ...options})
  running.push(emu)
  return emu
}

function sdk(emu: TestEmulator, subscriptionId: string): RedisEnterpriseManagementClient {
  const agent = new https.Agent({ca: readFileSync(emu.caPath, 'utf8'), keepAlive: true})
  return new RedisEnterpriseManagementClient(
    {getToken: async () => ({token: emu.token, expiresOnTimestamp: Date.now() + 3600e3})},
    subscriptionId,
    {
      endpoint: emu.url,
      additionalPolicies: [
        {position: 'perCall', policy: {name: 'emulator-ca', sendRequest: (request, next) => ((request.agent = agent), next(request))}},
      ],
    },
  )
}

/** What the tests read of an ARM answer's body (a resource, a page, an error, an operation's status). */
interface ArmBody {
  id: string
  name: string
  status: string
  startTime: string
  endTime?: string
  error: {code: string; message: string}
  value: Record<string, unknown>[]
  nextLink: string | null
  properties: Record<string, unknown> & {geoReplication: {linkedDatabases: {id: string; state: string}[]}}
  requests: {status: number}[]
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  json: ArmBody
}

function raw(
  emu: TestEmulator,
  method: string,
  path: string,
  options: {apiVersion?: string | null; body?: unknown; token?: string | null; timeoutMs?: number} = {},
): Promise<RawResponse> {
  const url = new URL(path.startsWith('https:') ? path : emu.url + path)
  const apiVersion = options.apiVersion === undefined ? API_2025 : options.apiVersion
  if (apiVersion && !url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion)
  const token = options.token === undefined ? emu.token : options.token
  const body = options.body === undefined ? undefined : JSON.stringify(options.body)
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: readFileSync(emu.caPath, 'utf8'),
        headers: {...(token ? {Authorization: `Bearer ${token}`} : {}), ...(body ? {'Content-Type': 'application/json'} : {})},
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        let text = ''
        res.on('data', (chunk) => (text += chunk))
        res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : undefined}))
      },
    )
    req.on('timeout', () => req.destroy(new Error('client timeout')))
    req.on('error', reject)
    req.end(body)
  })
}

const clusterPath = (databaseId: string) => databaseId.replace(/\/databases\/[^/]+$/, '')

async function pollUntilDone(emu: TestEmulator, statusUrl: string): Promise<ArmBody> {
  for (let i = 0; i < 20; i++) {
    const res = await raw(emu, 'GET', statusUrl, {apiVersion: null})
    if (res.json.status !== 'InProgress') return res.json
  }
  throw new Error('operation never finished')
}

function linkedIds(world: World, databaseId: string): string[] {
  const db = world.databases.find((d) => idKey(d.id) === idKey(databaseId))!
  return (db.properties.geoReplication?.linkedDatabases ?? []).map((l) => idKey(l.id)).sort()
}

describe('ARM emulator with the real SDK', () => {
  it('pages the cluster list with absolute nextLinks and a null nextLink on the last page', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const names: string[] = []
    for await (const c of sdk(emu, prod).redisEnterprise.list()) names.push(c.name!)
    expect(names).toHaveLength(INVENTORY.prodClusterCount)
    expect(names).toContain('cache-standalone')

    const pages = emu.requests.filter((r) => r.path.endsWith('/redisEnterprise'))
    expect(pages).toHaveLength(Math.ceil(INVENTORY.prodClusterCount / INVENTORY.pageSize))
    expect(pages.map((r) => r.query.$skipToken)).toEqual([undefined, '2', '4', '6'])
    expect(pages.every((r) => r.apiVersion === API_2022 && r.status === 200)).toBe(true)

    const last = await raw(emu, 'GET', `/subscriptions/${prod}/providers/Microsoft.Cache/redisEnterprise?$skipToken=6`)
    expect(last.json.nextLink).toBeNull()
    const first = await raw(emu, 'GET', `/subscriptions/${prod}/providers/Microsoft.Cache/redisEnterprise`)
    expect(first.json.nextLink).toBe(`${emu.url}/subscriptions/${prod}/providers/Microsoft.Cache/redisEnterprise?api-version=${API_2025}&$skipToken=2`)
    expect(first.headers['x-ms-request-id']).toBeTruthy()
    expect(first.headers['x-ms-ratelimit-remaining-subscription-reads']).toMatch(/^\d+$/)

    const byGroup: string[] = []
    for await (const c of sdk(emu, prod).redisEnterprise.listByResourceGroup('rg-geo')) byGroup.push(c.name!)
    expect(byGroup).toEqual(['geo-wus2', 'geo-eus'])
  })

  it('lists the forbidden subscription but answers its resource calls with 403 AuthorizationFailed', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const listed: Record<string, unknown>[] = []
    for (let next: string | null = '/subscriptions'; next; ) {
      const page = await raw(emu, 'GET', next, {apiVersion: '2022-12-01'})
      expect(page.headers['x-ms-ratelimit-remaining-tenant-reads']).toMatch(/^\d+$/)
      listed.push(...page.json.value)
      next = page.json.nextLink
    }
    expect(listed.map((s) => s.subscriptionId).sort()).toEqual([...INVENTORY.listedSubscriptions].sort())
    expect(listed[0]).toMatchObject({id: `/subscriptions/${prod}`, state: 'Enabled', tenantId: INVENTORY.tenantId})

    const list = async () => {
      for await (const c of sdk(emu, locked).redisEnterprise.list()) void c
    }
    await expect(list()).rejects.toMatchObject({statusCode: 403, code: 'AuthorizationFailed'})

    const unreadable = await raw(emu, 'GET', INVENTORY.orders.unresolved)
    expect(unreadable.status).toBe(403)
    expect(unreadable.json.error.code).toBe('AuthorizationFailed')
    const unknown = await raw(emu, 'GET', '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Cache/redisEnterprise')
    expect(unknown.json.error.code).toBe('SubscriptionNotFound')
  })

  it('answers the scripted 429 with Retry-After: 1 once, and the SDK retries after it', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const started = Date.now()
    const names: string[] = []
    for await (const c of sdk(emu, shared).redisEnterprise.list()) names.push(c.name!)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect(names).toEqual(['geo-neu', 'pay-sea', 'orders-uks'])
    const first = emu.requests.filter((r) => r.path === INVENTORY.throttledPath && !r.query.$skipToken)
    expect(first.map((r) => r.status)).toEqual([429, 200])
    expect(emu.emulator.world.faults?.[0].remaining).toBe(0)
  })

  it('omits the fields 2022-01-01 does not have and returns them at 2025-07-01', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const [geoWus2] = INVENTORY.geo.members
    const old = await raw(emu, 'GET', clusterPath(geoWus2), {apiVersion: API_2022})
    const now = await raw(emu, 'GET', clusterPath(geoWus2), {apiVersion: API_2025})
    for (const key of ['kind', 'identity']) {
      expect(old.json).not.toHaveProperty(key)
      expect(now.json).toHaveProperty(key)
    }
    for (const key of ['highAvailability', 'encryption', 'publicNetworkAccess', 'redundancyMode']) {
      expect(old.json.properties).not.toHaveProperty(key)
      expect(now.json.properties).toHaveProperty(key)
    }
    expect(now.json).toMatchObject({name: 'geo-wus2', type: 'Microsoft.Cache/redisEnterprise', location: 'West US 2', kind: 'v2'})
    expect(now.json.properties).toMatchObject({highAvailability: 'Enabled', minimumTlsVersion: '1.2', provisioningState: 'Succeeded'})

    const oldDb = await raw(emu, 'GET', geoWus2, {apiVersion: API_2022})
    const nowDb = await raw(emu, 'GET', geoWus2, {apiVersion: API_2025})
    for (const key of ['accessKeysAuthentication', 'deferUpgrade', 'redisVersion']) {
      expect(oldDb.json.properties).not.toHaveProperty(key)
      expect(nowDb.json.properties).toHaveProperty(key)
    }
    expect(nowDb.json).toMatchObject({name: 'geo-wus2/default', type: 'Microsoft.Cache/redisEnterprise/databases'})
    expect(nowDb.json.properties.geoReplication.linkedDatabases).toContainEqual({id: INVENTORY.geo.neuVariant, state: 'Linked'})

    const viaSdk = await sdk(emu, prod).databases.get('rg-geo', 'geo-wus2', 'default')
    expect(viaSdk.geoReplication?.groupNickname).toBe('geo')
    const keys = await sdk(emu, prod).databases.listKeys('rg-geo', 'geo-wus2', 'default')
    expect(keys.primaryKey).toBe(emu.emulator.world.databases.find((d) => d.id === geoWus2)!.keys.primaryKey)

    const unsupported = await raw(emu, 'GET', geoWus2, {apiVersion: '2020-01-01'})
    expect(unsupported.status).toBe(400)
    expect(unsupported.json.error.code).toBe('NoRegisteredProviderFound')
  })

  it('matches resource paths case-insensitively and answers unknown resources with 404', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const res = await raw(emu, 'GET', INVENTORY.geo.neuVariant)
    expect(res.status).toBe(200)
    expect(res.json.id).toBe(INVENTORY.geo.members[2])
    const missing = await raw(emu, 'GET', `/subscriptions/${prod}/resourceGroups/rg-geo/providers/Microsoft.Cache/redisEnterprise/nope`)
    expect(missing.status).toBe(404)
    expect(missing.json.error.code).toBe('ResourceNotFound')
    const noVersion = await raw(emu, 'GET', clusterPath(INVENTORY.standalone), {apiVersion: null})
    expect(noVersion.json.error.code).toBe('MissingApiVersionParameter')
  })

  it('rejects missing or wrong tokens with 401 AuthenticationFailed, and logs them', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const none = await raw(emu, 'GET', '/subscriptions', {token: null})
    const wrong = await raw(emu, 'GET', '/subscriptions', {token: 'not-it'})
    expect([none.status, wrong.status]).toEqual([401, 401])
    expect(none.json.error.code).toBe('AuthenticationFailed')
    expect(emu.requests.map((r) => r.status)).toEqual([401, 401])
  })
})

describe('long-running operations', () => {
  it('force-unlinks through beginForceUnlinkAndWait: survivors drop the id, the unlinked view stays stale', {timeout: 15_000}, async () => {
    const emu = await emulate(inventoryScenario(), {lroPolls: 2})
    const [wus2, eus, neu] = INVENTORY.geo.members
    const before = linkedIds(emu.emulator.world, neu)
    await sdk(emu, prod).databases.beginForceUnlinkAndWait('rg-geo', 'geo-wus2', 'default', {ids: [INVENTORY.geo.neuVariant]}, {updateIntervalInMs: 10})

    for (const survivor of [wus2, eus]) {
      const view = await sdk(emu, prod).databases.get('rg-geo', survivor === wus2 ? 'geo-wus2' : 'geo-eus', 'default')
      expect(view.geoReplication!.linkedDatabases!.map((l) => idKey(l.id!)).sort()).toEqual([idKey(eus), idKey(wus2)].sort())
    }
    expect(linkedIds(emu.emulator.world, neu)).toEqual(before)

    const post = emu.requests.find((r) => r.method === 'POST')!
    expect(post).toMatchObject({status: 202, apiVersion: API_2022, body: {ids: [INVENTORY.geo.neuVariant]}})
    const polls = emu.requests.filter((r) => r.path.includes('/operationsStatus/'))
    expect(polls).toHaveLength(3)
  })

  it('answers 202 with Azure-AsyncOperation in the ARM status URL shape', {timeout: 15_000}, async () => {
    const emu = await emulate(inventoryScenario(), {retryAfterSeconds: 1})
    const [wus2, , neu] = INVENTORY.geo.members
    const res = await raw(emu, 'POST', `${wus2}/forceUnlink`, {apiVersion: API_2022, body: {ids: [neu]}})
    expect(res.status).toBe(202)
    expect(res.headers['retry-after']).toBe('1')
    expect(res.headers['azure-asyncoperation']).toMatch(
      new RegExp(`^${emu.url}/subscriptions/${prod}/providers/Microsoft\\.Cache/locations/westus2/operationsStatus/[0-9a-f-]{36}\\?api-version=${API_2022}$`),
    )
    const status = await raw(emu, 'GET', res.headers['azure-asyncoperation'] as string, {apiVersion: null})
    expect(status.json).toMatchObject({status: 'InProgress', name: expect.any(String), startTime: expect.any(String)})
    expect(status.json.id).toMatch(/^\/subscriptions\/.+\/operationsStatus\//)
    expect((await pollUntilDone(emu, res.headers['azure-asyncoperation'] as string)).endTime).toEqual(expect.any(String))
  })

  it('surfaces a Failed operation with its error and changes nothing', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const [wus2, , neu] = INVENTORY.geo.members
    const before = linkedIds(emu.emulator.world, wus2)
    emu.emulator.failNextOperation({code: 'GeoReplicationUnlinkFailed', message: 'The unlink could not be completed.'})
    const unlink = sdk(emu, prod).databases.beginForceUnlinkAndWait('rg-geo', 'geo-wus2', 'default', {ids: [neu]}, {updateIntervalInMs: 10})
    // the SDK says no more than its message carries; the status document is ARM's structured answer
    await expect(unlink).rejects.toThrow(/GeoReplicationUnlinkFailed/)
    expect(linkedIds(emu.emulator.world, wus2)).toEqual(before)
    emu.emulator.failNextOperation({code: 'GeoReplicationUnlinkFailed', message: 'The unlink could not be completed.'})
    const started = await raw(emu, 'POST', `${wus2}/forceUnlink`, {apiVersion: API_2022, body: {ids: [neu]}})
    const done = await pollUntilDone(emu, started.headers['azure-asyncoperation'] as string)
    expect(done).toMatchObject({status: 'Failed', error: {code: 'GeoReplicationUnlinkFailed', message: 'The unlink could not be completed.'}, endTime: expect.any(String)})
    expect(linkedIds(emu.emulator.world, wus2)).toEqual(before)
  })

  it('validates forceUnlink ids: not linked, the database itself, malformed', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const [wus2] = INVENTORY.geo.members
    const notLinked = await raw(emu, 'POST', `${wus2}/forceUnlink`, {body: {ids: [INVENTORY.standalone]}})
    const self = await raw(emu, 'POST', `${wus2}/forceUnlink`, {body: {ids: [wus2.toUpperCase()]}})
    const malformed = await raw(emu, 'POST', `${wus2}/forceUnlink`, {body: {id: wus2}})
    expect([notLinked.status, self.status, malformed.status]).toEqual([400, 400, 400])
    expect([notLinked.json.error.code, self.json.error.code]).toEqual(['BadRequest', 'BadRequest'])
    expect(notLinked.json.error.message).toContain(INVENTORY.standalone)
    expect(malformed.json.error.code).toBe('InvalidRequestContent')
  })

  it('force-links only at 2025-07-01, then every listed member lists every other as Linked', {timeout: 15_000}, async () => {
    const flushed: string[] = []
    const emu = await emulate(sandboxWorld(), {onForceLink: (id) => void flushed.push(id)})
    const members = emu.emulator.world.databases.filter((d) => d.properties.geoReplication).map((d) => d.id)
    const [a, b, c] = members
    // c was force-unlinked: the survivors no longer list it, its own view is stale
    for (const id of [a, b]) {
      const geo = emu.emulator.world.databases.find((d) => d.id === id)!.properties.geoReplication!
      geo.linkedDatabases = geo.linkedDatabases.filter((l) => l.id !== c)
    }
    const body = {geoReplication: {groupNickname: 'sandbox-geo', linkedDatabases: members.map((id) => ({id}))}}

    const old = await raw(emu, 'POST', `${c}/forceLinkToReplicationGroup`, {apiVersion: API_2022, body})
    expect(old.status).toBe(400)
    expect(old.json.error.code).toBe('InvalidApiVersionParameter')

    const wrongName = await raw(emu, 'POST', `${c}/forceLinkToReplicationGroup`, {body: {geoReplication: {...body.geoReplication, groupNickname: 'other'}}})
    expect(wrongName.status).toBe(400)
    const partial = await raw(emu, 'POST', `${c}/forceLinkToReplicationGroup`, {
      body: {geoReplication: {groupNickname: 'sandbox-geo', linkedDatabases: [{id: a}, {id: c}]}},
    })
    expect(partial.json.error).toMatchObject({code: 'BadRequest', message: expect.stringContaining(b)})

    const res = await raw(emu, 'POST', `${c}/forceLinkToReplicationGroup`, {body})
    expect(res.status).toBe(202)
    expect(res.headers.location).toContain('/operationResults/')
    expect((await pollUntilDone(emu, res.headers['azure-asyncoperation'] as string)).status).toBe('Succeeded')
    expect(flushed).toEqual([c])
    for (const id of members) expect(linkedIds(emu.emulator.world, id)).toEqual(members.map(idKey).sort())
  })

  it('flushes at 2025-07-01 with a Location that answers 202 while running and 200 when done', {timeout: 15_000}, async () => {
    const flushed: string[][] = []
    const emu = await emulate(sandboxWorld(), {onFlush: (ids) => void flushed.push(ids), lroPolls: 1})
    const [a, b] = emu.emulator.world.databases.map((d) => d.id)
    expect((await raw(emu, 'POST', `${a}/flush`, {apiVersion: API_2022})).json.error.code).toBe('InvalidApiVersionParameter')
    const res = await raw(emu, 'POST', `${a}/flush`, {body: {ids: [b]}})
    expect(res.status).toBe(202)
    const location = res.headers.location as string
    expect((await raw(emu, 'GET', location, {apiVersion: null})).status).toBe(202)
    const done = await raw(emu, 'GET', location, {apiVersion: null})
    expect(done.status).toBe(200)
    expect(flushed).toEqual([[a, b]])
  })
})

describe('cluster actions, request log and faults', () => {
  it("lists SKUs for scaling at 2025-07-01 only, as ARM does: every in-memory SKU for a Balanced cluster", {timeout: 15_000}, async () => {
    const emu = await emulate()
    const cluster = clusterPath(INVENTORY.geo.members[0])
    const res = await raw(emu, 'POST', `${cluster}/listSkusForScaling`)
    expect(res.status).toBe(200)
    const arm = JSON.parse(readFileSync(new URL('../fixtures/list-skus-for-scaling-balanced.json', import.meta.url), 'utf8'))
    expect(res.json).toEqual(arm)
    expect(res.headers['x-ms-ratelimit-remaining-subscription-writes']).toMatch(/^\d+$/)
    expect((await raw(emu, 'POST', `${cluster}/listSkusForScaling`, {apiVersion: API_2022})).status).toBe(400)
  })

  it('logs every request before answering, to memory and to the JSONL file', {timeout: 15_000}, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-log-'))
    try {
      const logPath = join(dir, 'requests.jsonl')
      const emu = await emulate(inventoryScenario(), {requestLogPath: logPath})
      await raw(emu, 'GET', INVENTORY.standalone, {apiVersion: API_2022})
      await raw(emu, 'POST', `${INVENTORY.standalone}/forceUnlink`, {body: {ids: ['x']}})
      await raw(emu, 'GET', '/_emulator/health', {apiVersion: null})
      expect(emu.requests).toEqual([
        {time: expect.any(String), method: 'GET', path: INVENTORY.standalone, query: {'api-version': API_2022}, apiVersion: API_2022, status: 200},
        expect.objectContaining({method: 'POST', status: 400, body: {ids: ['x']}, apiVersion: API_2025}),
      ])
      const lines = readFileSync(logPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      expect(lines).toEqual(JSON.parse(JSON.stringify(emu.requests)))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('answers 503 in an error outage while subscription-wide lists still show the cluster', {timeout: 15_000}, async () => {
    const emu = await emulate({...inventoryScenario(), faults: []})
    emu.emulator.setOutage('North Europe', 'error')
    const neu = INVENTORY.geo.members[2]
    const down = await raw(emu, 'GET', neu)
    expect(down.status).toBe(503)
    expect(down.json.error.code).toBe('ServiceUnavailable')
    expect((await raw(emu, 'GET', `${clusterPath(neu)}/databases`)).status).toBe(503)
    const list = await raw(emu, 'GET', `/subscriptions/${shared}/providers/Microsoft.Cache/redisEnterprise`)
    expect(list.json.value.map((c) => c.name)).toContain('geo-neu')

    emu.emulator.clearOutage('northeurope')
    expect((await raw(emu, 'GET', neu)).status).toBe(200)
    emu.emulator.setOutage('GEO-EUS', 'error')
    expect((await raw(emu, 'GET', INVENTORY.geo.members[1])).status).toBe(503)
    expect((await raw(emu, 'GET', INVENTORY.geo.members[0])).status).toBe(200)
  })

  it('holds requests in a timeout outage until it is cleared', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const wus2 = INVENTORY.geo.members[0]
    emu.emulator.setOutage(clusterPath(wus2).toUpperCase(), 'timeout')
    const held = raw(emu, 'GET', wus2)
    await expect.poll(() => emu.requests.some((r) => r.status === 0), {timeout: 2000}).toBe(true)
    emu.emulator.clearOutage(clusterPath(wus2))
    expect((await held).status).toBe(200)
    expect(emu.requests.map((r) => r.status)).toEqual([0, 200])
  })

  it('answers held requests with 503 when a timeout outage turns into an error outage', {timeout: 15_000}, async () => {
    const emu = await emulate()
    emu.emulator.setOutage('West US 2', 'timeout')
    const held = raw(emu, 'GET', INVENTORY.geo.members[0])
    await expect.poll(() => emu.requests.length, {timeout: 2000}).toBe(1)
    emu.emulator.setOutage('westus2', 'error')
    const answer = await held
    expect([answer.status, answer.json.error.code]).toEqual([503, 'ServiceUnavailable'])
    expect(emu.requests.map((r) => r.status)).toEqual([0, 503])
  })

  it('stop() closes held connections promptly', {timeout: 15_000}, async () => {
    const emu = await emulate()
    emu.emulator.setOutage('West US 2', 'timeout')
    const held = raw(emu, 'GET', INVENTORY.geo.members[0], {timeoutMs: 10_000})
    await expect.poll(() => emu.requests.length, {timeout: 2000}).toBe(1)
    const started = Date.now()
    await emu.stop()
    expect(Date.now() - started).toBeLessThan(1000)
    await expect(held).rejects.toMatchObject({code: 'ECONNRESET'})
  })

  it('injects throttling and errors at the configured rates', {timeout: 15_000}, async () => {
    const emu = await emulate(inventoryScenario(), {throttleRate: 1, throttleRetryAfterSeconds: 3})
    const throttled = await raw(emu, 'GET', INVENTORY.standalone)
    expect(throttled.status).toBe(429)
    expect(throttled.headers['retry-after']).toBe('3')
    expect(throttled.json.error.code).toBe('SubscriptionRequestsThrottled')

    const failing = await emulate(inventoryScenario(), {errorRate: 1})
    const statuses = new Set<number>()
    for (let i = 0; i < 12; i++) statuses.add((await raw(failing, 'GET', INVENTORY.standalone)).status)
    expect([...statuses].every((s) => s === 500 || s === 503)).toBe(true)
  })

  it('serves the admin API with the token, unlogged', {timeout: 15_000}, async () => {
    const emu = await emulate()
    expect((await raw(emu, 'GET', '/_emulator/health', {apiVersion: null, token: null})).status).toBe(401)
    expect((await raw(emu, 'POST', '/_emulator/outage', {apiVersion: null, body: {target: 'East US', mode: 'error'}})).status).toBe(200)
    expect((await raw(emu, 'GET', INVENTORY.geo.members[1])).status).toBe(503)
    expect((await raw(emu, 'POST', '/_emulator/restore', {apiVersion: null, body: {target: 'East US'}})).status).toBe(200)
    expect((await raw(emu, 'POST', '/_emulator/outage', {apiVersion: null, body: {target: 'x', mode: 'bad'}})).status).toBe(400)
    const log = await raw(emu, 'GET', '/_emulator/requests', {apiVersion: null})
    expect(log.json.requests.map((r) => r.status)).toEqual([503])

    const fail = {code: 'ConflictingOperation', message: 'Another operation is in progress.'}
    expect((await raw(emu, 'POST', '/_emulator/fail-next-operation', {apiVersion: null, body: fail})).status).toBe(200)
    const [wus2, , neu] = INVENTORY.geo.members
    const started = await raw(emu, 'POST', `${wus2}/forceUnlink`, {apiVersion: API_2022, body: {ids: [neu]}})
    expect(await pollUntilDone(emu, started.headers['azure-asyncoperation'] as string)).toMatchObject({status: 'Failed', error: fail})
    const unknown = await raw(emu, 'POST', '/_emulator/nothing', {apiVersion: null})
    expect([unknown.status, unknown.json.error.code]).toEqual([404, 'NotFound'])
  })

  it('refuses what ARM refuses: a wrong method (with Allow), a bad $skipToken, an unknown action', {timeout: 15_000}, async () => {
    const emu = await emulate()
    const [wus2] = INVENTORY.geo.members
    const method = await raw(emu, 'DELETE', wus2)
    expect([method.status, method.json.error.code, method.headers.allow]).toEqual([405, 'MethodNotAllowed', 'GET'])
    const page = await raw(emu, 'GET', `/subscriptions/${prod}/providers/Microsoft.Cache/redisEnterprise?$skipToken=-1`)
    expect([page.status, page.json.error.code]).toEqual([400, 'BadRequest'])
    const action = await raw(emu, 'POST', `${wus2}/export`)
    expect([action.status, action.json.error.code]).toEqual([404, 'NotFound'])
  })
})

describe('scenarios', () => {
  it('builds the inventory estate with the facts it exports', () => {
    const world = inventoryScenario()
    const ids = new Set(world.databases.map((d) => d.id))
    for (const id of [...INVENTORY.geo.members, ...INVENTORY.geoDr.members, ...INVENTORY.payments.members, ...INVENTORY.orders.members, INVENTORY.standalone]) {
      expect(ids.has(id)).toBe(true)
    }
    expect(world.clusters.filter((c) => c.id.includes(prod))).toHaveLength(INVENTORY.prodClusterCount)
    expect(new Set(world.clusters.filter((c) => INVENTORY.geo.members.some((m) => m.startsWith(c.id))).map((c) => c.location)).size).toBe(3)
    const payments = world.databases.find((d) => d.id === INVENTORY.payments.linkFailed.viewer)!
    expect(payments.properties.geoReplication!.linkedDatabases).toContainEqual({id: INVENTORY.payments.linkFailed.target, state: 'LinkFailed'})
  })

  it('builds a sandbox group with the given endpoints, keys and protocol; each member on an address of its own by default', () => {
    const keys = [1, 2, 3, 4].map((i) => ({primaryKey: `p${i}`, secondaryKey: `s${i}`}))
    const endpoints = [1, 2, 3, 4].map((i) => ({host: `127.9.9.${i}`, port: 10000}))
    const world = sandboxWorld({members: 3, endpoints, plaintext: true, keys})
    expect(world.subscriptions.map((s) => s.id)).toEqual(SANDBOX.subscriptions)
    expect(world.clusters.map((c) => c.hostName)).toEqual(['127.9.9.1', '127.9.9.2', '127.9.9.3', '127.9.9.4'])
    expect(sandboxWorld().clusters.map((c) => c.hostName)).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'])
    // sandbox up: names of their own in Azure's shape, under .test, never resolvable publicly
    expect(sandboxWorld({members: 3, endpoints, hostNames: true}).clusters.map((c) => c.hostName)).toEqual([
      'sandbox-westus2.westus2.redis.sandbox.geo-redis.test',
      'sandbox-eastus.eastus.redis.sandbox.geo-redis.test',
      'sandbox-northeurope.northeurope.redis.sandbox.geo-redis.test',
      'sandbox-standalone.westus2.redis.sandbox.geo-redis.test',
    ])
    expect(world.clusters.map((c) => c.location)).toEqual(['West US 2', 'East US', 'North Europe', 'West US 2'])
    expect(world.databases.map((d) => d.properties.port)).toEqual([10000, 10000, 10000, 10000])
    expect(world.databases.map((d) => d.keys)).toEqual(keys)
    expect(world.databases.every((d) => d.properties.clientProtocol === 'Plaintext')).toBe(true)
    expect(world.databases.filter((d) => d.properties.geoReplication?.groupNickname === 'sandbox-geo')).toHaveLength(3)
    expect(world.databases[3].properties.geoReplication).toBeUndefined()
  })

  it('builds a 10,000-cluster fleet fast, 30% linked in threes across regions', () => {
    const started = Date.now()
    const world = syntheticFleet({clusters: 10_000, subscriptions: 4, seed: 42})
    expect(Date.now() - started).toBeLessThan(1000)
    expect(world.clusters).toHaveLength(10_000)
    expect(world.subscriptions).toHaveLength(4)
    const grouped = world.databases.filter((d) => d.properties.geoReplication)
    expect(grouped).toHaveLength(3000)
    const locations = new Map(world.clusters.map((c) => [c.id, c.location]))
    for (const d of grouped.slice(0, 30)) {
      const links = d.properties.geoReplication!.linkedDatabases
      expect(links).toHaveLength(3)
      expect(new Set(links.map((l) => locations.get(clusterPath(l.id)))).size).toBe(3)
    }
    expect(syntheticFleet({clusters: 10, subscriptions: 2, seed: 42}).subscriptions).toEqual(
      syntheticFleet({clusters: 10, subscriptions: 2, seed: 42}).subscriptions,
    )
  })
})

describe('standalone entry (main.ts)', () => {
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  it('starts from a world file, writes the ready file, persists mutations and exits on SIGTERM', {timeout: 30_000}, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-main-'))
    try {
      const worldPath = join(dir, 'world.json')
      const readyPath = join(dir, 'ready.json')
      const caPath = join(dir, 'ca.pem')
      writeFileSync(worldPath, JSON.stringify(inventoryScenario()))
      child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/sandbox/emulator/main.ts', '--world', worldPath, '--token', 'main-token', '--ca-out', caPath,
          '--ready-file', readyPath, '--retry-after-seconds', '0', '--lro-polls', '0'],
        {stdio: ['ignore', 'ignore', 'pipe']},
      )
      await expect.poll(() => existsSync(readyPath), {timeout: 20_000, interval: 100}).toBe(true)
      const ready = JSON.parse(readFileSync(readyPath, 'utf8'))
      expect(ready.pid).toBe(child.pid)
      const emu = {url: ready.url, caPath, token: 'main-token'} as TestEmulator

      expect((await raw(emu, 'GET', '/_emulator/health', {apiVersion: null})).json.status).toBe('ok')
      const [wus2, , neu] = INVENTORY.geo.members
      const res = await raw(emu, 'POST', `${wus2}/forceUnlink`, {body: {ids: [neu]}})
      expect((await pollUntilDone(emu, res.headers['azure-asyncoperation'] as string)).status).toBe('Succeeded')
      const persisted = JSON.parse(readFileSync(worldPath, 'utf8')) as World
      expect(linkedIds(persisted, wus2)).not.toContain(idKey(neu))

      child.kill('SIGTERM')
      const [code] = await once(child, 'exit')
      expect(code).toBe(0)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
