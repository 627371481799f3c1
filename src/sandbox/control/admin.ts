// The emulator's admin API (emulator/admin.ts) as the sandbox commands call it: over its HTTPS, trusting only the
// sandbox CA, with the sandbox token (registered as a secret: it never reaches output).
import {readFileSync} from 'node:fs'
import https from 'node:https'
import {GeoRedisError, OperationError} from '../../domain/errors.js'
import {secrets} from '../../shared/redact.js'
import type {SandboxPaths, SandboxState} from './state.js'

const ADMIN_TIMEOUT_MS = 3000

export interface AdminReply {
  status: number
  body: unknown
}

/** A drill the emulator refused is a failed command (exit 1). */
export function expectOk(reply: AdminReply): void {
  if (reply.status !== 200) {
    throw new OperationError(`the ARM emulator refused the drill: HTTP ${reply.status} ${JSON.stringify(reply.body)}`, 'geo-redis sandbox status')
  }
}

export function adminRequest(
  state: SandboxState,
  paths: Pick<SandboxPaths, 'ca'>,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = ADMIN_TIMEOUT_MS,
): Promise<AdminReply> {
  if (!state.emulator.url) return Promise.reject(new OperationError('the ARM emulator has no URL yet', 'geo-redis sandbox status'))
  const url = state.emulator.url
  const payload = body === undefined ? undefined : JSON.stringify(body)
  secrets.add(state.token)
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, url),
      {
        method,
        ca: readFileSync(paths.ca),
        // whatever NODE_TLS_REJECT_UNAUTHORIZED says: the request carries the sandbox token
        rejectUnauthorized: true,
        headers: {
          authorization: `Bearer ${state.token}`,
          ...(payload ? {'content-type': 'application/json', 'content-length': Buffer.byteLength(payload)} : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({status: res.statusCode ?? 0, body: parsed(Buffer.concat(chunks).toString('utf8'))}))
      },
    )
    req.on('timeout', () => req.destroy(new Error(`the ARM emulator did not answer within ${timeoutMs} ms`)))
    req.on('error', (error) =>
      reject(error instanceof GeoRedisError ? error : new OperationError(`cannot reach the ARM emulator at ${url}: ${error.message}`, 'geo-redis sandbox status')),
    )
    req.end(payload)
  })
}

/** JSON when it is, else the text. */
function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return text
  }
}
