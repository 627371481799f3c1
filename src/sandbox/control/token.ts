// The sandbox's ARM bearer token: an unsigned JWT (alg none) the emulator accepts, whose claims name the sandbox
// operator, so evidence and the runbook show who acted as they would for a real identity.
import {randomBytes, randomUUID} from 'node:crypto'
import {SANDBOX} from '../emulator/scenarios.js'

const SANDBOX_OPERATOR = {
  upn: 'sandbox-operator@geo-redis.local',
  name: 'Sandbox Operator',
  /** an application id of our own: the sandbox is no registered Entra application */
  appid: '6e1c3a52-0b7d-4f4e-9a1d-5c2b8e7f9a10',
} as const

export function sandboxToken(now = Date.now()): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const iat = Math.floor(now / 1000)
  return [
    part({alg: 'none', typ: 'JWT'}),
    part({
      aud: 'https://management.azure.com/',
      iss: `https://sts.windows.net/${SANDBOX.tenantId}/`,
      iat,
      nbf: iat,
      exp: iat + 30 * 86_400,
      tid: SANDBOX.tenantId,
      oid: randomUUID(),
      appid: SANDBOX_OPERATOR.appid,
      upn: SANDBOX_OPERATOR.upn,
      name: SANDBOX_OPERATOR.name,
      jti: randomBytes(16).toString('hex'),
    }),
    '',
  ].join('.')
}
