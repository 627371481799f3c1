// What the emulator keeps of each ARM request: the request log (in memory and as JSON lines) and ARM's per-hour
// remaining-request counters, answered as x-ms-ratelimit-remaining-* headers.
import {appendFileSync} from 'node:fs'
import {tryJson, type Call} from './http.js'

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

export class RequestLog {
  readonly entries: RequestLogEntry[] = []

  /** @param path append every entry to this file as a JSON line */
  constructor(private readonly path?: string) {}

  add(call: Call, status: number): void {
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: call.method,
      path: call.path,
      query: call.query,
      apiVersion: call.apiVersion,
      status,
      ...(call.rawBody ? {body: tryJson(call.rawBody)} : {}),
    }
    this.entries.push(entry)
    if (this.path) appendFileSync(this.path, JSON.stringify(entry) + '\n')
  }
}

const READ_LIMIT = 12_000
const WRITE_LIMIT = 1_200
const HOUR_MS = 3_600_000

/** ARM's per-hour remaining-request headers: reads on GET, writes on POST; tenant scope for /subscriptions. */
export class RateLimits {
  private readonly windows = new Map<string, {start: number; count: number}>()

  headers(call: Call): Record<string, string> {
    const read = call.method === 'GET'
    const scope = call.segments.length > 1 ? 'subscription' : 'tenant'
    const key = `${scope}/${call.lower[1] ?? ''}/${read ? 'r' : 'w'}`
    const now = Date.now()
    let window = this.windows.get(key)
    if (!window || now - window.start >= HOUR_MS) {
      window = {start: now, count: 0}
      this.windows.set(key, window)
    }
    window.count += 1
    const remaining = Math.max(0, (read ? READ_LIMIT : WRITE_LIMIT) - window.count)
    return {[`x-ms-ratelimit-remaining-${scope}-${read ? 'reads' : 'writes'}`]: String(remaining)}
  }
}
