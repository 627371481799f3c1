// From group members to Redis endpoints with credentials: access keys from listKeys (memory only; the adapter
// registers them as secrets, so no output or evidence can carry them) or a Microsoft Entra token.
import {OperationError, UsageError} from '../domain/errors.js'
import {memberEndpoint} from '../domain/group.js'
import type {GeoGroup, Member} from '../domain/model.js'
import {stringClaim} from '../domain/token.js'
import type {RedisAuth, RedisCredentials, RedisTarget} from './ports.js'

export type AuthMode = 'auto' | 'keys' | 'entra'
export const AUTH_MODES: AuthMode[] = ['auto', 'keys', 'entra']

export interface TargetOptions {
  auth: AuthMode
  /** extra CA (PEM) to trust: --ca, or the profile's (the sandbox CA) */
  caPem?: string
}

/**
 * A member's endpoint; `target` null when it is not dialled (ARM cannot read it and its endpoint is unknown);
 * `authError` set when its credentials could not be obtained (then it is not dialled either).
 */
export interface MemberTarget {
  member: Member
  target: RedisTarget | null
  authError: {kind: 'auth'; message: string} | null
  /** dialled without credentials: ARM cannot read it, so no access key can be listed */
  anonymous: boolean
}

/**
 * Why Microsoft Entra AUTH to Redis cannot happen with only a ready ARM token, and what to set instead: an error for
 * a member (--auth auto), or the text of the usage error --auth entra gets before anything is sent.
 */
export const NO_REDIS_TOKEN = {
  message:
    'no Microsoft Entra token for Redis: the ready token given (GEO_REDIS_ACCESS_TOKEN or the profile\'s) is an ARM token and is sent to ARM only; ' +
    'set GEO_REDIS_REDIS_TOKEN to a token for https://redis.azure.com, or sign in with `az login` instead',
  suggestion: 'export GEO_REDIS_REDIS_TOKEN=$(az account get-access-token --resource https://redis.azure.com --query accessToken -o tsv), or use --auth keys',
}

/**
 * Microsoft Entra AUTH for Azure Managed Redis: user = the principal's object id (given, else the token's own oid
 * claim, read without verifying: Redis verifies the token), password = the token. TLS only: the target decides.
 */
export function entraAuth(credential: {token: string; objectId: string | null}): RedisAuth {
  const username = credential.objectId ?? stringClaim(credential.token, 'oid')
  if (!username) {
    throw new OperationError(
      'the Microsoft Entra token carries no object id (oid claim) to use as the Redis user name',
      'use a user, service principal or managed identity token, or authenticate with access keys instead',
      'EntraNoObjectId',
    )
  }
  return {username, password: credential.token}
}

function usesEntra(member: Member, mode: AuthMode): boolean {
  return mode === 'entra' || (mode === 'auto' && member.accessKeysAuthentication === 'Disabled')
}

/**
 * Targets for `members` of `group` (the group decides whether an unread member's endpoint is its own). A member ARM
 * cannot read gets no listKeys (its region's ARM is what does not answer): it is dialled with an Entra token under
 * --auth entra, else without credentials, which still tells a server that answers from one that does not.
 */
export async function buildTargets(arm: RedisCredentials, group: Pick<GeoGroup, 'members' | 'unreadable'>, members: Member[], options: TargetOptions): Promise<MemberTarget[]> {
  let entra: Promise<RedisAuth> | undefined
  const entraCredential = () => {
    entra ??= arm.redisToken().then((credential) => {
      if (!credential) throw new OperationError(NO_REDIS_TOKEN.message, NO_REDIS_TOKEN.suggestion, 'EntraTokenUnavailable')
      return entraAuth(credential)
    })
    return entra
  }

  return Promise.all(
    members.map(async (member): Promise<MemberTarget> => {
      const endpoint = memberEndpoint(member, group)
      if (!endpoint) return {member, target: null, authError: null, anonymous: false}
      const target: RedisTarget = {id: member.id, ...endpoint, ...(options.caPem ? {ca: options.caPem} : {}), auth: null}
      const unread = member.readError !== undefined
      try {
        if (usesEntra(member, options.auth)) {
          if (!endpoint.tls) {
            throw new UsageError(`${member.cluster} speaks plaintext; Microsoft Entra authentication needs TLS`, 'use --auth keys for this member')
          }

          target.auth = await entraCredential()
        } else if (!unread) {
          target.auth = {password: (await arm.listKeys(member.id)).primaryKey}
        }

        return {member, target, authError: null, anonymous: target.auth === null}
      } catch (error) {
        if (error instanceof UsageError) throw error
        return {member, target, authError: {kind: 'auth', message: `cannot get credentials: ${(error as Error).message}`}, anonymous: false}
      }
    }),
  )
}
