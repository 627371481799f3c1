// One ARM request as the emulator handles it, and the plumbing around it: reading the body, sending a reply with
// ARM's request-id headers.
import {randomUUID} from 'node:crypto'
import type {IncomingMessage, ServerResponse} from 'node:http'

/** One request, parsed once. */
export interface Call {
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

export interface Reply {
  status: number
  /** undefined = empty body (ARM's 202s and action 200s carry none) */
  body?: unknown
  headers?: Record<string, string>
}

/** the request was held and its client or the emulator went away: send nothing */
export const ABANDONED = new Error('abandoned: the held request has nobody left to answer')

export function parseCall(req: IncomingMessage, url: URL, rawBody: string, res: ServerResponse): Call {
  const segments = url.pathname.split('/').filter(Boolean).map(safeDecode)
  const query = Object.fromEntries(url.searchParams)
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    segments,
    lower: segments.map((s) => s.toLowerCase()),
    query,
    apiVersion: query['api-version'] ?? null,
    rawBody,
    res,
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export function send(res: ServerResponse, reply: Reply): void {
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

export function isBearer(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '')
  return match?.[1] === token
}

/** The text parsed as JSON, or the text itself when it is not JSON; undefined when empty. */
export function tryJson(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
