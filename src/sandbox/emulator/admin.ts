// The emulator's admin API under /_emulator/ (bearer token required, never logged, exempt from faults): health,
// the request log, outages on and off, and a failure for the next operation. The sandbox's drills use it.
import {ErrorReply, invalidContent, toReply} from './errors.js'
import {tryJson, type Reply} from './http.js'
import type {OperationFailure} from './long-running.js'
import type {ArmOutageMode} from './outages.js'
import type {RequestLogEntry} from './requests.js'
import type {World} from './world.js'

/** What the admin API reads and drives. */
export interface Administered {
  url: string
  world: World
  requests: RequestLogEntry[]
  setOutage(target: string, mode: ArmOutageMode): void
  clearOutage(target: string): void
  failNextOperation(error: OperationFailure): void
}

const OK: Reply = {status: 200, body: {ok: true}}

export function adminReply(emulator: Administered, method: string, path: string, rawBody: string): Reply {
  const body = (tryJson(rawBody) ?? {}) as {target?: unknown; mode?: unknown; code?: unknown; message?: unknown}
  const route = `${method} ${path.toLowerCase().replace(/\/+$/, '')}`
  const target = typeof body.target === 'string' && body.target !== '' ? body.target : undefined
  switch (route) {
    case 'GET /_emulator/health':
      return {status: 200, body: {status: 'ok', url: emulator.url, clusters: emulator.world.clusters.length, databases: emulator.world.databases.length}}
    case 'GET /_emulator/requests':
      return {status: 200, body: {requests: emulator.requests}}
    case 'POST /_emulator/outage':
      if (!target || (body.mode !== 'error' && body.mode !== 'timeout')) {
        return toReply(invalidContent('Expected {"target": "<region, cluster id or name>", "mode": "error" | "timeout"}.'))
      }
      emulator.setOutage(target, body.mode)
      return OK
    case 'POST /_emulator/restore':
      if (!target) return toReply(invalidContent('Expected {"target": "<region, cluster id or name>"}.'))
      emulator.clearOutage(target)
      return OK
    case 'POST /_emulator/fail-next-operation':
      if (typeof body.code !== 'string' || typeof body.message !== 'string') {
        return toReply(invalidContent('Expected {"code": "<error code>", "message": "<message>"}.'))
      }
      emulator.failNextOperation({code: body.code, message: body.message})
      return OK
    default:
      return toReply(new ErrorReply(404, 'NotFound', `No emulator admin route ${route}.`))
  }
}
