// One bounded, verified connection to a Redis endpoint. We open the TCP socket and run the TLS handshake ourselves,
// so each can be timed on its own, then hand the connected socket to ioredis, which only speaks RESP over it.
// There is deliberately no way to skip certificate or host-name verification.
import {once} from 'node:events'
import {connect as tcpConnect, isIP, type LookupFunction, type Socket} from 'node:net'
import {connect as tlsConnect} from 'node:tls'
import type {Redis} from 'ioredis'
import type {RedisTarget} from '../services/ports.js'
import {secrets} from '../shared/redact.js'
import {trustContext} from '../shared/trust.js'

export interface Connection {
  /** the caller owns it: `client.disconnect()` in `finally` */
  client: Redis
  /** TCP handshake only: from the resolved address (DNS excluded) to connected */
  connectMs: number
  /** TLS handshake only, after TCP; null without TLS */
  tlsMs: number | null
}

// the sandbox dials its members with this helper too, and names their targets by this type
export type {RedisTarget}

const COMMAND_TIMEOUT_MARGIN_MS = 100

export interface ConnectOptions {
  timeoutMs: number
  /**
   * host name (lower case) → the address to dial instead of asking DNS, like curl --resolve (a profile's `hosts`:
   * the sandbox's names under .test); TLS still sends and verifies the name
   */
  hosts?: ReadonlyMap<string, string>
  /** the caller races every command against a Deadline and drops the connection when one runs out */
  raced?: boolean
}

/** A socket lookup that answers `address` for the one name it is used for, as dns.lookup would (one or all). */
function fixedLookup(address: string): LookupFunction {
  const family = isIP(address)
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{address, family}])
    else callback(null, address, family)
  }
}

export class TimeoutError extends Error {
  readonly code = 'ETIMEDOUT'
  constructor(what: string, budgetMs: number) {
    super(`${what} timed out (budget ${Math.round(budgetMs)} ms)`)
    this.name = 'TimeoutError'
  }
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading), rounded to 0.01 ms. */
export function elapsedMs(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100
}

/**
 * One time budget shared by consecutive steps, each getting what is left. A step that outlives it is abandoned,
 * not cancelled: callers release its socket (disconnect), which also settles the abandoned work.
 */
export class Deadline {
  private readonly end: number

  constructor(readonly budgetMs: number) {
    this.end = performance.now() + budgetMs
  }

  remaining(): number {
    return Math.max(0, this.end - performance.now())
  }

  race<T>(work: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(what, this.budgetMs)), this.remaining())
      // settling after the timer fired is a no-op, but the rejection is still handled
      work.then(
        (value) => {
          clearTimeout(timer)
          resolve(value)
        },
        (error: unknown) => {
          clearTimeout(timer)
          reject(error)
        },
      )
    })
  }
}

// Errors surface through the awaited events and commands; a permanent listener keeps a second, late 'error'
// (e.g. from a socket already given up on) from crashing the process as an unhandled event.
function ignore(): void {}

async function openSocket(target: RedisTarget, deadline: Deadline, hosts: ConnectOptions['hosts']): Promise<Omit<Connection, 'client'> & {socket: Socket}> {
  let started = process.hrtime.bigint()
  const address = hosts?.get(target.host.toLowerCase())
  const tcp = tcpConnect({host: target.host, port: target.port, ...(address === undefined ? {} : {lookup: fixedLookup(address)})})
  tcp.on('error', ignore)
  // DNS is not part of the TCP handshake: restart the clock once the name is resolved
  tcp.once('lookup', () => {
    started = process.hrtime.bigint()
  })
  let socket: Socket = tcp
  try {
    await deadline.race(once(tcp, 'connect'), `TCP connect to ${target.host}:${target.port}`)
    const connectMs = elapsedMs(started)
    if (!target.tls) return {socket, connectMs, tlsMs: null}

    const handshake = process.hrtime.bigint()
    socket = tlsConnect({
      socket: tcp,
      // host name verification uses servername, else host (an IP then needs an IP SAN)
      host: target.host,
      // SNI must be a name, never an IP literal (RFC 6066)
      servername: target.servername ?? (isIP(target.host) ? undefined : target.host),
      // with a private CA, the process's one context for it (Node's roots plus the CA, TLS 1.2 or later)
      ...(target.ca === undefined ? {minVersion: 'TLSv1.2' as const} : {secureContext: trustContext(target.ca.toString())}),
      rejectUnauthorized: true,
    })
    socket.on('error', ignore)
    await deadline.race(once(socket, 'secureConnect'), `TLS handshake with ${target.host}:${target.port}`)
    return {socket, connectMs, tlsMs: elapsedMs(handshake)}
  } catch (error) {
    socket.destroy()
    tcp.destroy()
    throw error
  }
}

/**
 * Connects, verifies TLS and authenticates within `timeoutMs` in total, even against a frozen server.
 * Without auth no command is sent: the caller's first command is the first proof that Redis answers.
 */
export async function openConnection(target: RedisTarget, options: ConnectOptions): Promise<Connection> {
  const deadline = new Deadline(options.timeoutMs)
  // every password and token sent to Redis passes here: registered before any debug output can show it
  secrets.add(target.auth?.password)
  const {Redis, AbstractConnector} = await import('ioredis')
  const {socket, connectMs, tlsMs} = await openSocket(target, deadline, options.hosts)

  // hands ioredis the socket we opened, so it never dials on its own
  class OpenedSocket extends AbstractConnector {
    constructor() {
      // the base class's graceful-close delay goes unused: disconnect() below closes at once
      super(0)
    }

    connect(): Promise<Socket> {
      return Promise.resolve(socket)
    }

    // nothing to flush on a probe connection, and a frozen server would never acknowledge a graceful close
    override disconnect(): void {
      socket.destroy()
    }
  }

  const client = new Redis({
    Connector: OpenedSocket,
    // the conventions' options: inert while ioredis is handed a connected socket, but they keep it from
    // queueing, retrying or re-dialling should that ever change
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // a backstop for commands not raced against a Deadline; a little later, so that a Deadline's error,
    // which names the step and endpoint, is the one reported. A timer per command: none when every one is raced
    ...(options.raced ? {} : {commandTimeout: options.timeoutMs + COMMAND_TIMEOUT_MARGIN_MS}),
    // AUTH is sent explicitly below so its error is its own; the ready check (INFO) would go before it
    enableReadyCheck: false,
    // CLIENT SETINFO would go before AUTH too, and cost a round trip
    disableClientInfo: true,
  })
  client.on('error', ignore)
  try {
    await deadline.race(client.connect(), `connect to ${target.host}:${target.port}`)
    const {auth} = target
    if (auth) {
      const reply = auth.username === undefined ? client.auth(auth.password) : client.auth(auth.username, auth.password)
      await deadline.race(reply, `AUTH on ${target.host}:${target.port}`)
    }
    return {client, connectMs, tlsMs}
  } catch (error) {
    client.disconnect()
    throw error
  }
}
