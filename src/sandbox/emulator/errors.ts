// The errors the emulator answers with, in ARM's shape ({"error": {"code", "message"}}) and ARM's words. Named
// ErrorReply, not ArmError: geo-redis's own ArmError (src/azure/errors.ts) is what a client makes of such an answer.
import type {IncomingMessage} from 'node:http'
import type {Call, Reply} from './http.js'
import {API_2025, SUPPORTED_API_VERSIONS, type WorldSubscription} from './world.js'

/** An error answer, thrown by whatever handles a request and sent as it is. */
export class ErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
    this.name = 'ErrorReply'
  }
}

const CALLER_OBJECT_ID = '0b5e8a3d-7c1f-4e2a-9d6b-3f4c5a6b7c8d'

export function toReply(error: ErrorReply): Reply {
  return {status: error.status, body: {error: {code: error.code, message: error.message}}, headers: error.headers}
}

export function unauthenticated(req: IncomingMessage): ErrorReply {
  const message = req.headers.authorization
    ? 'Authentication failed. The access token is not valid.'
    : "Authentication failed. The 'Authorization' header is missing."
  return new ErrorReply(401, 'AuthenticationFailed', message, {
    'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"',
  })
}

export function badRequest(message: string): ErrorReply {
  return new ErrorReply(400, 'BadRequest', message)
}

export function invalidContent(message: string): ErrorReply {
  return new ErrorReply(400, 'InvalidRequestContent', message)
}

export function notFound(resource: string, resourceGroup?: string): ErrorReply {
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : ''
  return new ErrorReply(404, 'ResourceNotFound', `The Resource '${resource}'${where} was not found.`)
}

export function noRoute(call: Call): ErrorReply {
  return new ErrorReply(404, 'NotFound', `The emulator has no route for ${call.method} ${call.path}.`)
}

export function forbidden(call: Call, sub: WorldSubscription): ErrorReply {
  const type = call.lower.includes('databases') ? 'redisEnterprise/databases' : 'redisEnterprise'
  const action = `Microsoft.Cache/${type}/${call.method === 'GET' ? 'read' : 'action'}`
  return new ErrorReply(
    403,
    'AuthorizationFailed',
    `The client '${CALLER_OBJECT_ID}' with object id '${CALLER_OBJECT_ID}' does not have authorization to perform action ` +
      `'${action}' over scope '/subscriptions/${sub.id}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  )
}

export function expectApiVersionParameter(call: Call): void {
  if (!call.apiVersion) {
    throw new ErrorReply(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.')
  }
}

export function expectMethod(call: Call, method: string): void {
  if (call.method !== method) {
    throw new ErrorReply(405, 'MethodNotAllowed', `The emulator supports only ${method} on ${call.path}.`, {Allow: method})
  }
}

export function expectApiVersion(call: Call): void {
  if (!SUPPORTED_API_VERSIONS.includes(call.apiVersion!)) {
    throw new ErrorReply(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for API version '${call.apiVersion}' and type 'redisEnterprise'. ` +
        `The supported api-versions are '${SUPPORTED_API_VERSIONS.join(', ')}'.`,
    )
  }
}

export function expectModernApi(call: Call, operation: string): void {
  if (call.apiVersion !== API_2025) {
    throw new ErrorReply(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${call.apiVersion}' is invalid for operation '${operation}'. The supported api-versions are '${API_2025}'.`,
    )
  }
}
