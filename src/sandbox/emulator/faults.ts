// Injected faults: a world's scripted faults (a canned answer for the next requests to one path) and random ones at
// the configured rates (429 with Retry-After, 500/503). They apply to every ARM request, GET /subscriptions and
// operation polls included, because real ARM throttles and fails those too.
import {randomUUID} from 'node:crypto'
import {idKey} from '../../domain/ids.js'
import {ErrorReply} from './errors.js'
import type {Call} from './http.js'
import type {World} from './world.js'

export interface FaultRates {
  /** share of requests answered 429 with Retry-After */
  throttleRate?: number
  throttleRetryAfterSeconds?: number
  /** share of requests answered 500 or 503 */
  errorRate?: number
}

/** Throws the scripted fault for this request, if one is left, and counts it down (the world changed). */
export function scriptedFault(world: World, call: Call, onWorldChange?: (world: World) => void): void {
  const path = idKey(call.path)
  const fault = world.faults?.find((f) => f.remaining > 0 && idKey(f.path) === path && (!f.method || f.method.toUpperCase() === call.method))
  if (!fault) return
  fault.remaining -= 1
  onWorldChange?.(world)
  const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : {'Retry-After': String(fault.retryAfterSeconds)}
  throw new ErrorReply(fault.status, fault.code, fault.message, headers)
}

/** Throws a 429, 503 or 500 as often as the rates say. */
export function randomFault(rates: FaultRates, call: Call): void {
  const {throttleRate = 0, errorRate = 0, throttleRetryAfterSeconds = 1} = rates
  if (throttleRate > 0 && Math.random() < throttleRate) {
    const scope = call.segments.length > 1 ? `subscription '${call.segments[1]}'` : 'tenant'
    throw new ErrorReply(
      429,
      call.segments.length > 1 ? 'SubscriptionRequestsThrottled' : 'TenantRequestsThrottled',
      `Number of requests for ${scope} exceeded the limit. Please try again after '${throttleRetryAfterSeconds}' seconds.`,
      {'Retry-After': String(throttleRetryAfterSeconds)},
    )
  }
  if (errorRate > 0 && Math.random() < errorRate) {
    if (Math.random() < 0.5) throw new ErrorReply(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry.')
    throw new ErrorReply(500, 'InternalServerError', `Encountered internal server error. Tracking id '${randomUUID()}'.`)
  }
}
