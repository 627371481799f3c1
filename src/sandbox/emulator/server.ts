// A loopback HTTPS server that answers like Azure Resource Manager for Microsoft.Cache/redisEnterprise at
// api-versions 2022-01-01 and 2025-07-01, with paging, long-running operations, outages and injected faults.
//
// Fault injection (latency, throttleRate, errorRate, scripted faults) applies to every ARM request, including
// GET /subscriptions and operation polls, because real ARM throttles and fails those too. The /_emulator/ admin
// API is exempt and is not logged.
import {randomUUID} from 'node:crypto'
import {appendFileSync} from 'node:fs'
import type {IncomingMessage, ServerResponse} from 'node:http'
import https from 'node:https'
import type {Socket} from 'node:net'
import {idKey, normaliseLocation} from '../../domain/ids.js'
import {createCa, createLeaf} from '../certs.js'
import {
  API_2025,
  clusterView,
  databaseView,
  nameOf,
  skusForScaling,
  SUPPORTED_API_VERSIONS,
  type LinkedDatabase,
  type World,
  type WorldCluster,
  type WorldDatabase,
  WorldIndex,
  type WorldSubscription,
} from './world.js'

export interface RequestLogEntry {
  time: string
  method: string
  path: string
  query: Record<string, string>
  apiVersion: string | null
  /** 0 = held without an answer by a 'timeout' outage; if released it is logged again with its answer */
  status: number
  /** the request body (parsed when JSON); never a response, so keys are not logged */
  body?: unknown
}

export type OutageMode = 'error' | 'timeout'

export interface OperationFailure {
  code: string
  message: string
}

export interface EmulatorOptions {
  world: World
  /** the bearer token to accept */
  token: string
  host?: string
  port?: number
  /** when absent a CA and a leaf for localhost/127.0.0.1 are made; `ca` defaults to `cert` (self-signed) */
  tls?: {cert: string; key: string; ca?: string}
  latencyMs?: number
  /** fraction of requests answered 429 with Retry-After */
  throttleRate?: number
  throttleRetryAfterSeconds?: number
  /** fraction of requests answered 500 or 503 */
  errorRate?: number
  pageSize?: number
  /** polls that answer InProgress before the terminal status */
  lroPolls?: number
  /**
   * Retry-After on 202s and running polls. @azure/core-lro ignores 0 and then uses the client's own
   * interval (updateIntervalInMs), which is how tests poll fast.
   */
  retryAfterSeconds?: number
  /** append every logged request as a JSON line */
  requestLogPath?: string
  /** a force-link succeeded: the joining database's data must be discarded */
  onForceLink?: (databaseId: string) => void | Promise<void>
  /** a flush succeeded on these databases (the target first, then the linked ids given) */
  onFlush?: (databaseIds: string[]) => void | Promise<void>
  /** the world was changed by an operation or a consumed scripted fault */
  onWorldChange?: (world: World) => void
}

export interface RunningEmulator {
  url: string
  caPem: string
  token: string
  /** live and mutable */
  world: World
  requests: RequestLogEntry[]
  /** target: a region ("West US 2" or "westus2"), a cluster id or a cluster name */
  setOutage(target: string, mode: OutageMode): void
  clearOutage(target: string): void
  /** the next long-running operation started ends Failed with this error and changes nothing */
  failNextOperation(error: OperationFailure): void
  stop(): Promise<void>
}

// RSA key generation costs ~0.5 s; emulators started by one process share a CA and leaf per host
const generatedTls = new Map<string, {cert: string; key: string; ca: string}>()

function tlsFor(host: string): {cert: string; key: string; ca: string} {
  let tls = generatedTls.get(host)
  if (!tls) {
    const ca = createCa('geo-redis emulator CA')
    tls = {...createLeaf(ca, {hosts: [...new Set(['localhost', '127.0.0.1', host])]}), ca: ca.cert}
    generatedTls.set(host, tls)
  }
  return tls
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1'
  const tls = options.tls ?? tlsFor(host)
  const emulator = new Emulator(options, tls.ca ?? tls.cert)
  await emulator.listen(tls, host, options.port ?? 0)
  return emulator
}

class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** the request was held and its client or the emulator went away: send nothing */
const ABANDONED = Symbol('abandoned')

interface Reply {
  status: number
  /** undefined = empty body (ARM's 202s and action 200s carry none) */
  body?: unknown
  headers?: Record<string, string>
}

interface Call {
  method: string
  /** path as sent, for logs and nextLinks */
  path: string
  segments: string[]
  lower: string[]
  query: Record<string, string>
  apiVersion: string | null
  rawBody: string
  res: ServerResponse
}

interface Outage {
  /** the target in one canonical form: regions "West US 2"/"westus2", ids and names in any case agree */
  key: string
  mode: OutageMode
  waiters: Set<() => void>
}

interface Operation {
  name: string
  subscriptionId: string
  location: string
  startTime: string
  endTime?: string
  status: 'InProgress' | 'Succeeded' | 'Failed'
  pollsLeft: number
  failure: OperationFailure | null
  error?: OperationFailure
  apply: () => void | Promise<void>
  /** undoes what the operation showed while in flight (Linking, Unlinking), when it fails */
  revert: () => void
  settling?: Promise<void>
}

const READ_LIMIT = 12_000
const WRITE_LIMIT = 1_200
const CALLER_OBJECT_ID = '0b5e8a3d-7c1f-4e2a-9d6b-3f4c5a6b7c8d'

class Emulator implements RunningEmulator {
  url = ''
  readonly token: string
  readonly world: World
  readonly requests: RequestLogEntry[] = []
  private readonly index: WorldIndex
  private readonly outages = new Map<string, Outage>()
  private readonly operations = new Map<string, Operation>()
  private readonly sockets = new Set<Socket>()
  private readonly rateWindows = new Map<string, {start: number; count: number}>()
  private nextFailure: OperationFailure | null = null
  private server?: https.Server
  private stopped = false
  private closed?: Promise<void>

  constructor(
    private readonly options: EmulatorOptions,
    readonly caPem: string,
  ) {
    this.token = options.token
    this.world = options.world
    this.index = new WorldIndex(options.world)
  }

  async listen(tls: {cert: string; key: string}, host: string, port: number): Promise<void> {
    const server = https.createServer({cert: tls.cert, key: tls.key}, (req, res) => {
      this.handle(req, res).catch(() => res.destroy())
    })
    // raw TCP sockets, so stop() can also cut connections still in the TLS handshake or held by an outage
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    const address = server.address()
    const actualPort = typeof address === 'object' && address ? address.port : port
    this.url = `https://${host.includes(':') ? `[${host}]` : host}:${actualPort}`
  }

  setOutage(target: string, mode: OutageMode): void {
    const key = normaliseLocation(target)
    const existing = this.outages.get(key)
    this.outages.set(key, {key, mode, waiters: existing?.waiters ?? new Set()})
    // held requests re-evaluate: a switch from 'timeout' to 'error' answers them with 503
    if (existing) release(existing)
  }

  clearOutage(target: string): void {
    const outage = this.outages.get(normaliseLocation(target))
    if (!outage) return
    this.outages.delete(outage.key)
    release(outage)
  }

  failNextOperation(error: OperationFailure): void {
    this.nextFailure = {code: error.code, message: error.message}
  }

  stop(): Promise<void> {
    if (this.closed) return this.closed
    this.stopped = true
    for (const outage of this.outages.values()) release(outage)
    const server = this.server
    this.closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    for (const socket of this.sockets) socket.destroy()
    return this.closed
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://emulator.invalid')
    const rawBody = await readBody(req)
    const authorised = isBearer(req.headers.authorization, this.token)
    if (url.pathname.toLowerCase().startsWith('/_emulator/')) {
      this.send(res, authorised ? this.admin(req.method ?? 'GET', url.pathname, rawBody) : errorReply(unauthenticatedError(req)))
      return
    }

    const segments = url.pathname.split('/').filter(Boolean).map(safeDecode)
    const query = Object.fromEntries(url.searchParams)
    const call: Call = {
      method: req.method ?? 'GET',
      path: url.pathname,
      segments,
      lower: segments.map((s) => s.toLowerCase()),
      query,
      apiVersion: query['api-version'] ?? null,
      rawBody,
      res,
    }

    let reply: Reply
    try {
      if (this.options.latencyMs) await delay(this.options.latencyMs)
      if (this.stopped) return
      if (!authorised) throw unauthenticatedError(req)
      reply = await this.arm(call)
    } catch (error) {
      if (error === ABANDONED) return
      reply = error instanceof ArmError ? errorReply(error) : errorReply(new ArmError(500, 'InternalServerError', String(error)))
    }
    if (this.stopped || res.destroyed) return
    this.log(call, reply.status)
    this.send(res, {...reply, headers: {...this.rateHeaders(call), ...reply.headers}})
  }

  private async arm(call: Call): Promise<Reply> {
    if (!call.apiVersion) {
      throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.")
    }
    this.scriptedFault(call)
    this.randomFault(call)
    return this.route(call)
  }

  private scriptedFault(call: Call): void {
    const path = idKey(call.path)
    const fault = this.world.faults?.find(
      (f) => f.remaining > 0 && idKey(f.path) === path && (!f.method || f.method.toUpperCase() === call.method),
    )
    if (!fault) return
    fault.remaining -= 1
    this.options.onWorldChange?.(this.world)
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : {'Retry-After': String(fault.retryAfterSeconds)}
    throw new ArmError(fault.status, fault.code, fault.message, headers)
  }

  private randomFault(call: Call): void {
    const {throttleRate = 0, errorRate = 0, throttleRetryAfterSeconds = 1} = this.options
    if (throttleRate > 0 && Math.random() < throttleRate) {
      const scope = call.segments.length > 1 ? `subscription '${call.segments[1]}'` : 'tenant'
      throw new ArmError(
        429,
        call.segments.length > 1 ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled',
        `Number of requests for ${scope} exceeded the limit. Please try again after '${throttleRetryAfterSeconds}' seconds.`,
        {'Retry-After': String(throttleRetryAfterSeconds)},
      )
    }
    if (errorRate > 0 && Math.random() < errorRate) {
      if (Math.random() < 0.5) throw new ArmError(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry.')
      throw new ArmError(500, 'InternalServerError', `Encountered internal server error. Tracking id '${randomUUID()}'.`)
    }
  }

  private async route(call: Call): Promise<Reply> {
    const s = call.lower
    if (s[0] !== 'subscriptions') throw noRoute(call)
    if (s.length === 1) {
      expectMethod(call, 'GET')
      return this.page(call, this.world.subscriptions, (sub) => this.subscriptionView(sub))
    }

    const sub = this.index.subscription(call.segments[1])
    if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${call.segments[1]}' could not be found.`)
    if (s.length === 2) {
      expectMethod(call, 'GET')
      return {status: 200, body: this.subscriptionView(sub)}
    }
    if (sub.forbidden) throw forbidden(call, sub)

    if (s[2] === 'providers' && s[3] === 'microsoft.cache') {
      expectApiVersion(call)
      if (s.length === 5 && s[4] === 'redisenterprise') {
        expectMethod(call, 'GET')
        return this.page(call, this.index.clustersOf(sub.id), (c) => clusterView(c, call.apiVersion!))
      }
      if (s.length === 8 && s[4] === 'locations' && (s[6] === 'operationsstatus' || s[6] === 'operationresults')) {
        expectMethod(call, 'GET')
        return this.poll(call, sub, s[5], s[7], s[6] === 'operationresults')
      }
    }

    if (s[2] === 'resourcegroups' && s[4] === 'providers' && s[5] === 'microsoft.cache' && s[6] === 'redisenterprise') {
      expectApiVersion(call)
      const rg = call.segments[3]
      if (s.length === 7) {
        expectMethod(call, 'GET')
        const clusters = this.index.clustersIn(sub.id, rg)
        if (clusters.length === 0) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)
        return this.page(call, clusters, (c) => clusterView(c, call.apiVersion!))
      }
      const clusterId = `/subscriptions/${sub.id}/resourceGroups/${rg}/providers/Microsoft.Cache/redisEnterprise/${call.segments[7]}`
      const cluster = this.index.cluster(clusterId)
      if (!cluster) throw notFound(`Microsoft.Cache/redisEnterprise/${call.segments[7]}`, rg)
      await this.gate(call, cluster.location, cluster.id)
      return this.clusterRoute(call, sub, cluster)
    }
    throw noRoute(call)
  }

  private clusterRoute(call: Call, sub: WorldSubscription, cluster: WorldCluster): Reply {
    const s = call.lower
    const version = call.apiVersion!
    if (s.length === 8) {
      expectMethod(call, 'GET')
      return {status: 200, body: clusterView(cluster, version)}
    }
    if (s.length === 9 && s[8] === 'listskusforscaling') {
      expectMethod(call, 'POST')
      expectModernApi(call, 'listSkusForScaling')
      return {status: 200, body: {skus: skusForScaling(cluster.sku.name)}}
    }
    if (s[8] !== 'databases' || s.length > 11) throw noRoute(call)
    if (s.length === 9) {
      expectMethod(call, 'GET')
      return this.page(call, this.index.databasesOf(cluster.id), (d) => databaseView(d, version))
    }
    const db = this.index.database(`${cluster.id}/databases/${call.segments[9]}`)
    if (!db) throw notFound(`Microsoft.Cache/redisEnterprise/${nameOf(cluster.id)}/databases/${call.segments[9]}`, call.segments[3])
    if (s.length === 10) {
      expectMethod(call, 'GET')
      return {status: 200, body: databaseView(db, version)}
    }
    expectMethod(call, 'POST')
    switch (s[10]) {
      case 'listkeys':
        return {status: 200, body: {primaryKey: db.keys.primaryKey, secondaryKey: db.keys.secondaryKey}}
      case 'forceunlink':
        return this.forceUnlink(call, sub, cluster, db)
      case 'forcelinktoreplicationgroup':
        return this.forceLink(call, sub, cluster, db)
      case 'flush':
        return this.flush(call, sub, cluster, db)
      default:
        throw noRoute(call)
    }
  }

  private forceUnlink(call: Call, sub: WorldSubscription, cluster: WorldCluster, db: WorldDatabase): Reply {
    const body = parseBody(call) as {ids?: unknown} | undefined
    const ids = body?.ids
    if (!isIdList(ids)) throw invalidContent('The request content must be {"ids": ["<database resource id>", ...]} with at least one id.')
    this.expectLinked(db, ids)
    const drop = new Set(ids.map(idKey))
    // the database it is sent on and every other member it lists, but not the unlinked ones
    const survivors = [db.id, ...(db.properties.geoReplication?.linkedDatabases ?? []).map((l) => l.id)]
      .filter((id) => !drop.has(idKey(id)))
      .flatMap((id) => this.index.database(id)?.properties.geoReplication ?? [])
    // while in flight, the survivors show the unlinked ids as Unlinking, as ARM does
    const revert = showInFlight(survivors.flatMap((geo) => geo.linkedDatabases.filter((l) => drop.has(idKey(l.id)))), 'Unlinking')
    return this.startOperation(call, sub, cluster, false, () => {
      // The target and every other member it lists forget the unlinked ids. The unlinked databases' own views
      // are left as they were: they are the unreachable side, and ARM keeps reporting their stale view until
      // they are deleted and recreated.
      for (const geo of survivors) geo.linkedDatabases = geo.linkedDatabases.filter((l) => !drop.has(idKey(l.id)))
    }, revert)
  }

  private forceLink(call: Call, sub: WorldSubscription, cluster: WorldCluster, db: WorldDatabase): Reply {
    expectModernApi(call, 'forceLinkToReplicationGroup')
    const body = parseBody(call) as {geoReplication?: {groupNickname?: unknown; linkedDatabases?: unknown}} | undefined
    const nickname = body?.geoReplication?.groupNickname
    const listed = body?.geoReplication?.linkedDatabases
    if (typeof nickname !== 'string' || nickname === '' || !Array.isArray(listed) || !isIdList(listed.map((l) => (l as {id?: unknown})?.id))) {
      throw invalidContent('The request content must be {"geoReplication": {"groupNickname": "<name>", "linkedDatabases": [{"id": "<database resource id>"}, ...]}}.')
    }
    const members = [db]
    for (const {id} of listed as {id: string}[]) {
      const member = this.index.database(id)
      if (!member) throw badRequest(`Linked database '${id}' was not found.`)
      const group = member.properties.geoReplication?.groupNickname
      if (member !== db && group && group !== nickname) {
        throw badRequest(`groupNickname '${nickname}' does not match the replication group '${group}' of '${member.id}'.`)
      }
      if (!members.includes(member)) members.push(member)
    }
    if (members.length < 2) throw badRequest('linkedDatabases must name at least one other database of the replication group.')
    // the list must cover the (splintered) group the others still form, so a typo cannot split it further
    const listedKeys = new Set(members.map((m) => idKey(m.id)))
    for (const m of members.slice(1)) {
      const missing = m.properties.geoReplication?.linkedDatabases.find((l) => !listedKeys.has(idKey(l.id)))
      if (missing) throw badRequest(`linkedDatabases must list every database linked to '${m.id}'; '${missing.id}' is missing.`)
    }
    // while in flight, the members it rejoins show it as Linking, as ARM does
    const joins = (l: LinkedDatabase) => idKey(l.id) === idKey(db.id)
    const views = members.slice(1).flatMap((m) => m.properties.geoReplication ?? [])
    const restore = showInFlight(views.flatMap((geo) => geo.linkedDatabases.filter(joins)), 'Linking')
    const added = views.filter((geo) => !geo.linkedDatabases.some(joins)).map((geo) => {
      const link = {id: db.id, state: 'Linking'}
      geo.linkedDatabases.push(link)
      return {geo, link}
    })
    const revert = () => {
      restore()
      for (const {geo, link} of added) geo.linkedDatabases = geo.linkedDatabases.filter((l) => l !== link)
    }
    return this.startOperation(call, sub, cluster, true, async () => {
      await this.options.onForceLink?.(db.id)
      for (const m of members) {
        m.properties.geoReplication = {groupNickname: nickname, linkedDatabases: members.map((o) => ({id: o.id, state: 'Linked'}))}
      }
    }, revert)
  }

  private flush(call: Call, sub: WorldSubscription, cluster: WorldCluster, db: WorldDatabase): Reply {
    expectModernApi(call, 'flush')
    const body = parseBody(call) as {ids?: unknown} | undefined
    const ids = body?.ids ?? []
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && id !== '')) {
      throw invalidContent('The request content must be empty or {"ids": ["<linked database resource id>", ...]}.')
    }
    this.expectLinked(db, ids)
    return this.startOperation(call, sub, cluster, true, async () => {
      await this.options.onFlush?.([db.id, ...ids])
    }, () => {})
  }

  private expectLinked(db: WorldDatabase, ids: string[]): void {
    const linked = new Set((db.properties.geoReplication?.linkedDatabases ?? []).map((l) => idKey(l.id)))
    for (const id of ids) {
      if (idKey(id) === idKey(db.id)) throw badRequest(`'${id}' is the database the operation was called on; list only other databases.`)
      if (!linked.has(idKey(id))) throw badRequest(`Database '${id}' is not linked to '${db.id}'.`)
    }
  }

  private startOperation(
    call: Call,
    sub: WorldSubscription,
    cluster: WorldCluster,
    withLocation: boolean,
    apply: () => void | Promise<void>,
    revert: () => void,
  ): Reply {
    const op: Operation = {
      name: randomUUID(),
      subscriptionId: sub.id,
      location: normaliseLocation(cluster.location),
      startTime: new Date().toISOString(),
      status: 'InProgress',
      pollsLeft: this.options.lroPolls ?? 1,
      failure: this.nextFailure,
      apply,
      revert,
    }
    this.nextFailure = null
    this.operations.set(op.name, op)
    const base = `${this.url}/subscriptions/${sub.id}/providers/Microsoft.Cache/locations/${op.location}`
    const version = `?api-version=${call.apiVersion}`
    return {
      status: 202,
      headers: {
        'Azure-AsyncOperation': `${base}/operationsStatus/${op.name}${version}`,
        ...(withLocation ? {Location: `${base}/operationResults/${op.name}${version}`} : {}),
        'Retry-After': String(this.retryAfter()),
      },
    }
  }

  /** Azure-AsyncOperation (status document) and Location (202 until done, then 200) polls share one counter. */
  private async poll(call: Call, sub: WorldSubscription, location: string, name: string, viaLocation: boolean): Promise<Reply> {
    const op = this.operations.get(name)
    if (!op || op.subscriptionId !== sub.id || op.location !== location) {
      throw notFound(`Microsoft.Cache/locations/${location}/operationsStatus/${name}`)
    }
    await this.gate(call, location)
    await this.advance(op)
    const running = op.status === 'InProgress'
    const retry: Record<string, string> = running ? {'Retry-After': String(this.retryAfter())} : {}
    if (viaLocation) {
      if (running) return {status: 202, headers: {Location: `${this.url}${call.path}?api-version=${call.apiVersion}`, ...retry}}
      // a failed operation answers its error with 400 so clients stop at once instead of retrying a 5xx
      if (op.error) throw new ArmError(400, op.error.code, op.error.message)
      return {status: 200}
    }
    return {
      status: 200,
      headers: retry,
      body: {
        id: `/subscriptions/${op.subscriptionId}/providers/Microsoft.Cache/locations/${op.location}/operationsStatus/${op.name}`,
        name: op.name,
        startTime: op.startTime,
        ...(op.endTime ? {endTime: op.endTime} : {}),
        status: op.status,
        ...(op.error ? {error: op.error} : {}),
      },
    }
  }

  private async advance(op: Operation): Promise<void> {
    if (op.status !== 'InProgress') return
    if (op.pollsLeft > 0) {
      op.pollsLeft -= 1
      return
    }
    op.settling ??= this.settle(op)
    await op.settling
  }

  /** The state change happens when the operation completes, as in ARM; a failed one changes nothing. */
  private async settle(op: Operation): Promise<void> {
    if (op.failure) {
      op.error = op.failure
      op.revert()
    } else {
      try {
        await op.apply()
        this.options.onWorldChange?.(this.world)
      } catch (error) {
        op.error = {code: 'InternalServerError', message: error instanceof Error ? error.message : String(error)}
        op.revert()
      }
    }
    op.status = op.error ? 'Failed' : 'Succeeded'
    op.endTime = new Date().toISOString()
  }

  private retryAfter(): number {
    return this.options.retryAfterSeconds ?? 1
  }

  /** An outage in the cluster's region (or on the cluster) answers 503, or holds the request until cleared. */
  private async gate(call: Call, location: string, clusterId?: string): Promise<void> {
    for (let outage = this.outageFor(location, clusterId); outage; outage = this.outageFor(location, clusterId)) {
      if (outage.mode === 'error') {
        throw new ArmError(503, 'ServiceUnavailable', `The resource provider in region '${location}' is unavailable. Please retry later.`)
      }
      this.log(call, 0)
      const waiters = outage.waiters
      await new Promise<void>((resolve) => {
        const done = () => {
          waiters.delete(done)
          resolve()
        }
        waiters.add(done)
        call.res.once('close', done)
      })
      if (this.stopped || call.res.destroyed) throw ABANDONED
    }
  }

  private outageFor(location: string, clusterId?: string): Outage | undefined {
    if (this.outages.size === 0) return undefined
    const keys = [location, ...(clusterId ? [clusterId, nameOf(clusterId)] : [])]
    for (const key of keys) {
      const outage = this.outages.get(normaliseLocation(key))
      if (outage) return outage
    }
    return undefined
  }

  private page<T>(call: Call, items: T[], view: (item: T) => unknown): Reply {
    const token = call.query.$skipToken ?? '0'
    const skip = Number(token)
    if (!Number.isInteger(skip) || skip < 0) throw badRequest(`The $skipToken '${token}' is not valid.`)
    const size = this.options.pageSize ?? 100
    const end = skip + size
    const nextLink = end < items.length ? `${this.url}${call.path}?api-version=${call.apiVersion}&$skipToken=${end}` : null
    return {status: 200, body: {value: items.slice(skip, end).map(view), nextLink}}
  }

  private subscriptionView(sub: WorldSubscription): Record<string, unknown> {
    return {
      id: `/subscriptions/${sub.id}`,
      authorizationSource: 'RoleBased',
      managedByTenants: [],
      subscriptionId: sub.id,
      tenantId: this.world.tenantId,
      displayName: sub.displayName,
      state: 'Enabled',
      subscriptionPolicies: {locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off'},
    }
  }

  /** ARM's per-hour remaining-request headers: reads on GET, writes on POST; tenant scope for /subscriptions. */
  private rateHeaders(call: Call): Record<string, string> {
    const read = call.method === 'GET'
    const scope = call.segments.length > 1 ? 'subscription' : 'tenant'
    const key = `${scope}/${call.lower[1] ?? ''}/${read ? 'r' : 'w'}`
    const now = Date.now()
    let window = this.rateWindows.get(key)
    if (!window || now - window.start >= 3_600_000) {
      window = {start: now, count: 0}
      this.rateWindows.set(key, window)
    }
    window.count += 1
    const remaining = Math.max(0, (read ? READ_LIMIT : WRITE_LIMIT) - window.count)
    return {[`x-ms-ratelimit-remaining-${scope}-${read ? 'reads' : 'writes'}`]: String(remaining)}
  }

  private log(call: Call, status: number): void {
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: call.method,
      path: call.path,
      query: call.query,
      apiVersion: call.apiVersion,
      status,
      ...(call.rawBody ? {body: tryJson(call.rawBody)} : {}),
    }
    this.requests.push(entry)
    if (this.options.requestLogPath) appendFileSync(this.options.requestLogPath, JSON.stringify(entry) + '\n')
  }

  private send(res: ServerResponse, reply: Reply): void {
    const requestId = randomUUID()
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body)
    res.writeHead(reply.status, {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': requestId,
      ...(body ? {'Content-Type': 'application/json; charset=utf-8'} : {}),
      'Content-Length': String(Buffer.byteLength(body)),
      ...reply.headers,
    })
    res.end(body)
  }

  private admin(method: string, path: string, rawBody: string): Reply {
    const body = (tryJson(rawBody) ?? {}) as {target?: unknown; mode?: unknown; code?: unknown; message?: unknown}
    const route = `${method} ${path.toLowerCase().replace(/\/+$/, '')}`
    const target = typeof body.target === 'string' && body.target !== '' ? body.target : undefined
    switch (route) {
      case 'GET /_emulator/health':
        return {status: 200, body: {status: 'ok', url: this.url, clusters: this.world.clusters.length, databases: this.world.databases.length}}
      case 'GET /_emulator/requests':
        return {status: 200, body: {requests: this.requests}}
      case 'POST /_emulator/outage':
        if (!target || (body.mode !== 'error' && body.mode !== 'timeout')) {
          return errorReply(invalidContent('Expected {"target": "<region, cluster id or name>", "mode": "error" | "timeout"}.'))
        }
        this.setOutage(target, body.mode)
        return {status: 200, body: {ok: true}}
      case 'POST /_emulator/restore':
        if (!target) return errorReply(invalidContent('Expected {"target": "<region, cluster id or name>"}.'))
        this.clearOutage(target)
        return {status: 200, body: {ok: true}}
      case 'POST /_emulator/fail-next-operation':
        if (typeof body.code !== 'string' || typeof body.message !== 'string') {
          return errorReply(invalidContent('Expected {"code": "<error code>", "message": "<message>"}.'))
        }
        this.failNextOperation({code: body.code, message: body.message})
        return {status: 200, body: {ok: true}}
      default:
        return errorReply(new ArmError(404, 'NotFound', `No emulator admin route ${route}.`))
    }
  }
}

/** Shows `links` in a transitional state while an operation runs; returns what puts their states back. */
function showInFlight(links: {state: string}[], state: 'Linking' | 'Unlinking'): () => void {
  const before = links.map((l) => l.state)
  for (const l of links) l.state = state
  return () => links.forEach((l, i) => (l.state = before[i]))
}

function release(outage: Outage): void {
  for (const resolve of [...outage.waiters]) resolve()
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function tryJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function parseBody(call: Call): unknown {
  if (!call.rawBody.trim()) return undefined
  try {
    return JSON.parse(call.rawBody)
  } catch {
    throw invalidContent('The request content was invalid and could not be deserialized.')
  }
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((id) => typeof id === 'string' && id !== '')
}

function isBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '')
  return match?.[1] === token
}

function errorReply(error: ArmError): Reply {
  return {status: error.status, body: {error: {code: error.code, message: error.message}}, headers: error.headers}
}

function unauthenticatedError(req: IncomingMessage): ArmError {
  const message = req.headers.authorization
    ? 'Authentication failed. The access token is not valid.'
    : "Authentication failed. The 'Authorization' header is missing."
  return new ArmError(401, 'AuthenticationFailed', message, {
    'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
  })
}

function badRequest(message: string): ArmError {
  return new ArmError(400, 'BadRequest', message)
}

function invalidContent(message: string): ArmError {
  return new ArmError(400, 'InvalidRequestContent', message)
}

function notFound(resource: string, resourceGroup?: string): ArmError {
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : ''
  return new ArmError(404, 'ResourceNotFound', `The Resource '${resource}'${where} was not found.`)
}

function noRoute(call: Call): ArmError {
  return new ArmError(404, 'NotFound', `The emulator has no route for ${call.method} ${call.path}.`)
}

function forbidden(call: Call, sub: WorldSubscription): ArmError {
  const type = call.lower.includes('databases') ? 'redisEnterprise/databases' : 'redisEnterprise'
  const action = `Microsoft.Cache/${type}/${call.method === 'GET' ? 'read' : 'action'}`
  return new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${CALLER_OBJECT_ID}' with object id '${CALLER_OBJECT_ID}' does not have authorization to perform action ` +
      `'${action}' over scope '/subscriptions/${sub.id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  )
}

function expectMethod(call: Call, method: string): void {
  if (call.method !== method) {
    throw new ArmError(405, 'MethodNotAllowed', `The emulator supports only ${method} on ${call.path}.`, {Allow: method})
  }
}

function expectApiVersion(call: Call): void {
  if (!SUPPORTED_API_VERSIONS.includes(call.apiVersion!)) {
    throw new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for API version '${call.apiVersion}' and type 'redisEnterprise'. ` +
        `The supported api-versions are '${SUPPORTED_API_VERSIONS.join(', ')}'.`,
    )
  }
}

function expectModernApi(call: Call, operation: string): void {
  if (call.apiVersion !== API_2025) {
    throw new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.apiVersion}' is invalid for operation '${operation}'. The supported api-versions are '${API_2025}'.`,
    )
  }
}
