// A loopback HTTPS server that answers like Azure Resource Manager for Microsoft.Cache/redisEnterprise at
// api-versions 2022-01-01 and 2025-07-01, with paging, long-running operations, outages and injected faults.
// This module listens and hands each request on: the admin API (admin.ts), or the faults (faults.ts), then the
// router (router.ts) to the operations (operations.ts, long-running.ts), with outages (outages.ts) at its gate.
import type {IncomingMessage, ServerResponse} from 'node:http'
import https from 'node:https'
import type {Socket} from 'node:net'
import {createCa, createLeaf} from '../certs.js'
import {adminReply, type Administered} from './admin.js'
import {ErrorReply, expectApiVersionParameter, toReply, unauthenticated} from './errors.js'
import {randomFault, scriptedFault, type FaultRates} from './faults.js'
import {ABANDONED, isBearer, parseCall, readBody, send, type Call, type Reply} from './http.js'
import {LongRunningOperations, type LongRunningOptions, type OperationFailure} from './long-running.js'
import type {OperationHooks} from './operations.js'
import {Outages, type ArmOutageMode} from './outages.js'
import {RateLimits, RequestLog, type RequestLogEntry} from './requests.js'
import {route, type RouterContext} from './router.js'
import {WorldIndex, type World} from './world.js'

export type {RequestLogEntry} from './requests.js'

export interface EmulatorOptions extends FaultRates, OperationHooks, Omit<LongRunningOptions, 'onApplied'> {
  world: World
  /** the bearer token to accept */
  token: string
  host?: string
  port?: number
  /** when absent a CA and a leaf for localhost/127.0.0.1 are made; `ca` defaults to `cert` (self-signed) */
  tls?: {cert: string; key: string; ca?: string}
  latencyMs?: number
  pageSize?: number
  /** append every logged request as a JSON line */
  requestLogPath?: string
  /** the world was changed by an operation or a consumed scripted fault */
  onWorldChange?: (world: World) => void
}

export interface RunningEmulator extends Administered {
  caPem: string
  token: string
  /** target: a region ("West US 2" or "westus2"), a cluster id or a cluster name */
  setOutage(target: string, mode: ArmOutageMode): void
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

class Emulator implements RunningEmulator {
  url = ''
  readonly token: string
  readonly world: World
  private readonly log: RequestLog
  private readonly rateLimits = new RateLimits()
  private readonly outages = new Outages()
  private readonly lro: LongRunningOperations
  private readonly router: RouterContext
  private readonly sockets = new Set<Socket>()
  private server?: https.Server
  private stopped = false
  private closed?: Promise<void>

  constructor(
    private readonly options: EmulatorOptions,
    readonly caPem: string,
  ) {
    this.token = options.token
    this.world = options.world
    this.log = new RequestLog(options.requestLogPath)
    const changed = () => options.onWorldChange?.(this.world)
    this.lro = new LongRunningOperations({...options, onApplied: changed}, () => this.url)
    this.router = {
      world: options.world,
      index: new WorldIndex(options.world),
      lro: this.lro,
      hooks: {onForceLink: options.onForceLink, onFlush: options.onFlush},
      pageSize: options.pageSize ?? 100,
      url: () => this.url,
      gate: (call, location, clusterId) => this.outages.gate(call, location, clusterId, () => this.log.add(call, 0)),
    }
  }

  get requests(): RequestLogEntry[] {
    return this.log.entries
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

  setOutage(target: string, mode: ArmOutageMode): void {
    this.outages.set(target, mode)
  }

  clearOutage(target: string): void {
    this.outages.clear(target)
  }

  failNextOperation(error: OperationFailure): void {
    this.lro.failNext(error)
  }

  stop(): Promise<void> {
    if (this.closed) return this.closed
    this.stopped = true
    this.outages.stop()
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
      send(res, authorised ? adminReply(this, req.method ?? 'GET', url.pathname, rawBody) : toReply(unauthenticated(req)))
      return
    }
    const call = parseCall(req, url, rawBody, res)
    let reply: Reply
    try {
      if (this.options.latencyMs) await delay(this.options.latencyMs)
      if (this.stopped) return
      if (!authorised) throw unauthenticated(req)
      reply = await this.arm(call)
    } catch (error) {
      if (error === ABANDONED) return
      reply = toReply(error instanceof ErrorReply ? error : new ErrorReply(500, 'InternalServerError', String(error)))
    }
    if (this.stopped || res.destroyed) return
    this.log.add(call, reply.status)
    send(res, {...reply, headers: {...this.rateLimits.headers(call), ...reply.headers}})
  }

  private arm(call: Call): Promise<Reply> {
    expectApiVersionParameter(call)
    scriptedFault(this.world, call, this.options.onWorldChange)
    randomFault(this.options, call)
    return route(this.router, call)
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
