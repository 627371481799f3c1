import {randomBytes, randomUUID} from 'node:crypto'
import {afterAll, describe, expect, it} from 'vitest'
import {OperationError} from '../../src/domain/errors.js'
import {stringClaim} from '../../src/domain/token.js'
import {probeMember} from '../../src/redis/probe.js'
import {entraAuth} from '../../src/services/targets.js'
import {createCa, createLeaf} from '../../src/sandbox/certs.js'
import {openClientsAfter, startRedisServer, stopAll} from '../helpers/redis-server.js'

/** Shaped like an Entra access token for https://redis.azure.com (about 1.5 kB); the signature is noise. */
function tokenFor(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  const payload = {aud: 'https://redis.azure.com', iss: 'https://sts.windows.net/tenant/', exp: 2_000_000_000, ...claims}
  return [part({alg: 'RS256', typ: 'JWT', kid: 'test'}), part(payload), randomBytes(256).toString('base64url')].join('.')
}

afterAll(stopAll)

describe('the oid claim of a token', () => {
  it('reads the oid claim without verifying', () => {
    const oid = randomUUID()
    expect(stringClaim(tokenFor({oid}), 'oid')).toBe(oid)
  })

  it('is null for anything that is not a JWT with an oid', () => {
    expect(stringClaim('primary-access-key', 'oid')).toBeNull()
    expect(stringClaim('a.b.c', 'oid')).toBeNull()
    expect(stringClaim(`x.${Buffer.from('[1]').toString('base64url')}.y`, 'oid')).toBeNull()
    expect(stringClaim(tokenFor({sub: 'no oid here'}), 'oid')).toBeNull()
    expect(stringClaim(tokenFor({oid: 42}), 'oid')).toBeNull()
  })
})

describe('entraAuth', () => {
  it('user = object id, password = token; the id falls back to the oid claim', () => {
    const oid = randomUUID()
    const token = tokenFor({oid})
    expect(entraAuth({token, objectId: 'from-the-port'})).toEqual({username: 'from-the-port', password: token})
    expect(entraAuth({token, objectId: null})).toEqual({username: oid, password: token})
  })

  it('refuses a token with no object id, with a way out', () => {
    expect(() => entraAuth({token: 'opaque', objectId: null})).toThrow(OperationError)
  })

  it('authenticates as an ACL user over TLS against a real redis-server', async () => {
    const oid = randomUUID()
    const token = tokenFor({oid})
    const ca = createCa('entra test CA')
    const server = await startRedisServer({
      password: 'access-key',
      tls: {...createLeaf(ca, {hosts: ['127.0.0.1']}), ca: ca.cert},
      aclUsers: [{name: oid, password: token}],
    })
    try {
      const member = {id: 'entra', host: server.host, port: server.port, tls: true, ca: ca.cert}
      const ok = await probeMember({...member, auth: entraAuth({token, objectId: null})}, {samples: 3})
      expect(ok).toMatchObject({reachable: true, error: null})

      // same principal, a token the server does not accept
      const otherToken = await probeMember({...member, auth: entraAuth({token: tokenFor({oid}), objectId: null})})
      expect(otherToken).toMatchObject({reachable: false, error: {kind: 'auth', message: expect.stringMatching(/WRONGPASS/)}})
      expect(await openClientsAfter(server)).toBe(0)
    } finally {
      await server.stop()
    }
  })
})
