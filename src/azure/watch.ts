// Every ARM request attempt, in sight and bounded. A pipeline policy that runs once per attempt (inside the SDK's
// retry loop) and:
// - puts the attempt on the run's board of waits, named by region ("waiting for westus2: ARM not answering");
// - says a timeout in plain words ("ARM did not answer within 30 s"), never the SDK's abort text;
// - remembers a scope (a cluster, a subscription's list, a region's operation status) that did not answer within
//   the timeout, and fails the next request to it at once: one run waits for a region at most once;
// - caps Retry-After: a 429 (or 503) asking for more than RETRY_AFTER_CAP_MS fails that request with "throttled by
//   ARM" instead of sleeping, in the SDK's retry policy or the read budget. A shorter pause is kept, and shown;
// - sends an operation's request (force-unlink, force-link, flush) once: after a lost connection or a 5xx ARM may
//   have started it, and a second one would start it twice or fail and hide the first. Only a connection never made
//   and a 429 (ARM: "not processed") are retried.
import type {PipelinePolicy, PipelineResponse} from '@azure/core-rest-pipeline'
import {normaliseLocation} from '../domain/ids.js'
import {duration, type WaitBoard} from '../shared/waits.js'
import {ArmError, toArmError} from './errors.js'

/** The longest pause asked by ARM that geo-redis honours; a longer one fails the request. */
export const RETRY_AFTER_CAP_MS = 60_000

const CLUSTER_SCOPE = /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.cache\/redisenterprise\/([^/]+))/i
const LOCATION_SCOPE = /^\/subscriptions\/[^/]+\/providers\/microsoft\.cache\/locations\/([^/]+)/i
const SUBSCRIPTION_SCOPE = /^\/subscriptions\/([^/]+)/i
const OPERATION_REQUEST = /\/databases\/[^/]+\/(forceunlink|forcelinktoreplicationgroup|flush)$/i
// the request never reached ARM: sending it again cannot start anything twice
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

/**
 * How long ARM asks to wait before the next request, in ms, from a 429 or 503: `retry-after-ms`,
 * `x-ms-retry-after-ms`, then `Retry-After` (seconds or an HTTP date), as the SDK's throttling retry reads them.
 */
export function retryAfterMs(response: Pick<PipelineResponse, 'status' | 'headers'>): number | null {
  if (response.status !== 429 && response.status !== 503) return null
  for (const [name, unit] of [['retry-after-ms', 1], ['x-ms-retry-after-ms', 1], ['retry-after', 1000]] as const) {
    const text = response.headers.get(name)?.trim()
    if (!text) continue
    if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * unit
    const date = Date.parse(text)
    if (name === 'retry-after' && Number.isFinite(date)) return Math.max(0, date - Date.now())
  }
  return null
}

export class ArmWatch {
  /** scope key → why it is not asked again */
  private readonly silent = new Map<string, ArmError>()
  /** cluster id (lower case) → its short location, from every cluster read */
  private readonly locations = new Map<string, string>()

  constructor(
    private readonly board: WaitBoard,
    private readonly timeoutMs: number,
  ) {}

  /** Lets waits for this cluster be named by its region. */
  knowCluster(id: string, location: string | null): void {
    if (location) this.locations.set(id.toLowerCase(), normaliseLocation(location))
  }

  policy(): PipelinePolicy {
    return {
      name: 'geoRedisArmWatch',
      sendRequest: async (request, next) => {
        const path = new URL(request.url).pathname
        const scope = this.scopeOf(path)
        const known = this.silent.get(scope.key)
        if (known) throw new ArmError(known.code, `${known.message} earlier in this run; not asked again`, null)
        const once = request.method === 'POST' && OPERATION_REQUEST.test(path)
        const end = this.board.begin(scope.label, 'ARM not answering', request.timeout || this.timeoutMs)
        let response: PipelineResponse
        try {
          response = await next(request)
        } catch (error) {
          const e = error as Error & {code?: string}
          // the request's own abort (Ctrl-C, a deadline) is not ARM's silence
          if (e?.name === 'AbortError' && !request.abortSignal?.aborted) {
            const silence = new ArmError('Timeout', `ARM did not answer for ${scope.label} within ${duration(request.timeout || this.timeoutMs)}`, null)
            this.silent.set(scope.key, silence)
            throw silence
          }
          // not a RestError: the SDK's retry policy does not send it again
          if (once && e?.name !== 'AbortError' && !NEVER_CONNECTED.has(e?.code ?? '')) throw toArmError(error)
          throw error
        } finally {
          end()
        }

        const pause = retryAfterMs(response)
        if (pause !== null && pause > RETRY_AFTER_CAP_MS) throw answered(response, throttledText(response.status, pause))
        if (once && response.status >= 500) throw answered(response, '')
        if (pause) setTimeout(this.board.begin(scope.label, response.status === 429 ? 'throttled by ARM' : 'ARM busy, asked to retry', pause), pause).unref()
        return response
      },
    }
  }

  private scopeOf(path: string): {key: string; label: string} {
    const cluster = CLUSTER_SCOPE.exec(path)
    if (cluster) {
      const key = cluster[1].toLowerCase()
      return {key, label: this.locations.get(key) ?? decoded(cluster[2])}
    }
    const location = LOCATION_SCOPE.exec(path)
    if (location) return {key: `location:${location[1].toLowerCase()}`, label: normaliseLocation(decoded(location[1]))}
    const subscription = SUBSCRIPTION_SCOPE.exec(path)
    if (subscription) return {key: `subscription:${subscription[1].toLowerCase()}`, label: `subscription ${subscription[1]}`}
    return {key: 'tenant', label: 'ARM'}
  }
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** ARM's answer as an error the SDK does not retry: ARM's own code and message, after `prefix` when there is one. */
function answered(response: PipelineResponse, prefix: string): ArmError {
  let code = `Http${response.status}`
  let message = ''
  try {
    const body = JSON.parse(response.bodyAsText ?? '') as {error?: {code?: string; message?: string}}
    code = body.error?.code ?? code
    message = body.error?.message ?? ''
  } catch {
    // no JSON body: the status says enough
  }
  if (!prefix) return new ArmError(code, message || `ARM answered ${response.status}`, response.status)
  return new ArmError(code, `${prefix}${message ? ` (${message})` : ''}`, response.status)
}

/** A pause past the cap, in plain words. */
function throttledText(status: number, pauseMs: number): string {
  const what = status === 429 ? 'throttled by ARM' : 'ARM is unavailable'
  return `${what}: it asked to wait ${duration(pauseMs)}, longer than the ${duration(RETRY_AFTER_CAP_MS)} geo-redis waits`
}
