// Microsoft Entra AUTH for Azure Managed Redis: user = the principal's object id, password = the access token
// (scope https://redis.azure.com/.default). Entra is accepted over TLS only; the target decides that, not this file.
import {OperationError} from '../domain/errors.js'
import {stringClaim} from '../domain/token.js'
import type {RedisAuth} from './connect.js'

/**
 * The `oid` claim of a JWT, read without verifying the signature: Redis verifies the token, we only need
 * the name it is issued to. null when the string is not a JWT or has no oid.
 */
export function jwtObjectId(token: string): string | null {
  return stringClaim(token, 'oid')
}

/** The AUTH pair for a token from `ArmPort.redisToken()`; the object id falls back to the token's own oid claim. */
export function entraAuth(credential: {token: string; objectId: string | null}): RedisAuth {
  const username = credential.objectId ?? jwtObjectId(credential.token)
  if (!username) {
    throw new OperationError(
      'the Microsoft Entra token carries no object id (oid claim) to use as the Redis user name',
      'use a user, service principal or managed identity token, or authenticate with access keys instead',
      'EntraNoObjectId',
    )
  }
  return {username, password: credential.token}
}
