// serve's HTTP(S) side: the Redis Software REST subset the clients' lag-aware health checks call, /metrics, /healthz
// and the status document, every answer from the watcher's state of the moment. HTTPS with the given certificate and
// key; plain HTTP only on a loopback address (the command refuses anything else before listening). Basic auth, when
// configured, on everything but /healthz, compared in constant time.
import {createHash, timingSafeEqual} from 'node:crypto'
import {createServer as createHttp, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttps} from 'node:https'
import {UsageError} from '../domain/errors.js'
import type {ListenOptions, ServeListener, ServeState} from '../services/ports.js'
import {metricsRegistry} from './metrics.js'

const AVAILABILITY = /^\/v1\/(?:local\/)?bdbs\/([^/]+)\/(?:endpoint\/)?availability$/
/** as long as the watcher keeps heartbeats to tell lags apart */
const MAX_TOLERANCE_MS = 600_000

const digest = (text: string) => createHash('sha256').update(text).digest()

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) : String(body)
  res.writeHead(status, {'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text)})
  res.end(text)
}

/** Basic credentials match, in constant time (both sides hashed to one length first). */
function authorised(req: IncomingMessage, expected: Buffer | null): boolean {
  if (!expected) return true
  const header = req.headers.authorization ?? ''
  const given = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : ''
  return timingSafeEqual(digest(given), expected)
}

/** The lag check a query asks for; a string when a parameter is malformed. */
function checkOf(query: URLSearchParams): {lag: boolean; toleranceMs?: number} | string {
  const lag = query.get('extend_check') === 'lag'
  const raw = query.get('availability_lag_tolerance_ms')
  if (raw === null) return {lag}
  const toleranceMs = Number(raw)
  if (!/^\d+$/.test(raw) || toleranceMs > MAX_TOLERANCE_MS) return `availability_lag_tolerance_ms must be a whole number of ms from 0 to ${MAX_TOLERANCE_MS}`
  return {lag, toleranceMs}
}

function route(state: ServeState, url: URL, res: ServerResponse, metrics: () => Promise<string>, metricsType: string): void | Promise<void> {
  if (url.pathname === '/healthz') return send(res, 200, {status: 'ok'})
  if (url.pathname === '/v1/bdbs') return send(res, 200, state.bdbs())
  if (url.pathname === '/v1/status') return send(res, 200, state.status())
  if (url.pathname === '/metrics') return metrics().then((text) => send(res, 200, text, metricsType))
  const match = AVAILABILITY.exec(url.pathname)
  if (!match) return send(res, 404, {error_code: 'not_found', description: `no such endpoint: ${url.pathname}`})
  const check = checkOf(url.searchParams)
  if (typeof check === 'string') return send(res, 400, {error_code: 'invalid_parameter', description: check})
  // not a uid serve could hand out: the same 404 as an unknown one, naming what was asked
  if (!/^\d{1,10}$/.test(match[1])) return send(res, 404, {error_code: 'db_not_found', description: `no database with uid ${match[1]} is watched by this serve`})
  const answer = state.availability(Number(match[1]), check)
  send(res, answer.status, answer.body)
}

export class HttpServeListener implements ServeListener {
  constructor(private readonly options: ListenOptions) {}

  async listen(state: ServeState): Promise<{url: string; close(): Promise<void>}> {
    const {registry, update} = await metricsRegistry()
    const metrics = async () => {
      update(state.status())
      return registry.metrics()
    }
    const expected = this.options.basicAuth === null ? null : digest(this.options.basicAuth)
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      // a request line no URL parser takes (`GET http://[x`) is the client's error, never a crash of serve
      const url = URL.canParse(req.url ?? '/', 'http://serve') ? new URL(req.url ?? '/', 'http://serve') : null
      if (!url) return send(res, 400, {error_code: 'bad_request', description: 'the request target is not a URL'})
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, {error_code: 'method_not_allowed', description: 'only GET'})
      if (url.pathname !== '/healthz' && !authorised(req, expected)) {
        res.setHeader('www-authenticate', 'Basic realm="geo-redis serve"')
        return send(res, 401, {error_code: 'unauthorized', description: 'Basic authentication required'})
      }
      void Promise.resolve(route(state, url, res, metrics, registry.contentType)).catch((error: Error) => send(res, 500, {error_code: 'internal', description: error.message}))
    }
    const {tls, host, port} = this.options
    const server: Server = tls ? createHttps({cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2'}, handler) : createHttp(handler)
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(listenError(error, host, port)))
      server.listen(port, host, () => resolve())
    })
    const address = server.address()
    const bound = typeof address === 'object' && address ? address.port : port
    const shown = host.includes(':') ? `[${host}]` : host
    return {
      url: `${tls ? 'https' : 'http'}://${shown}:${bound}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve())
          server.closeAllConnections()
        }),
    }
  }
}

/** A --listen address this host cannot take is the operator's to change: said in words, exit 2. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  const why: Record<string, string> = {
    EADDRINUSE: 'it is already in use (another serve, or another program)',
    EADDRNOTAVAIL: 'it is not an address of this host',
    EACCES: 'it needs privileges this process does not have (a port below 1024)',
  }
  const words = error.code ? why[error.code] : undefined
  return words ? new UsageError(`cannot listen on ${where}: ${words}`, 'pass another --listen host:port', 'ListenFailed') : error
}
