import {once} from 'node:events'
import type {AddressInfo} from 'node:net'
import tls from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createCa, createLeaf, type Pem} from '../../src/sandbox/certs.js'
import {trustContext} from '../../src/shared/trust.js'

describe('trustContext', () => {
  let ca: Pem
  let other: Pem
  let server: tls.Server

  beforeAll(async () => {
    ca = createCa('trust test CA')
    other = createCa('another CA')
    const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1']})
    server = tls.createServer({cert: leaf.cert, key: leaf.key}, (socket) => socket.end())
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  /** The handshake's verdict: 'verified', or the verification error's code. */
  function handshake(secureContext: tls.SecureContext): Promise<string> {
    return new Promise((resolve) => {
      const socket = tls.connect({port: (server.address() as AddressInfo).port, host: '127.0.0.1', servername: 'localhost', secureContext, rejectUnauthorized: true}, () => {
        resolve('verified')
        socket.destroy()
      })
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
      socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')))
    })
  }

  it('is built once per CA, and shared', () => {
    expect(trustContext(ca.cert)).toBe(trustContext(ca.cert))
    expect(trustContext(other.cert)).not.toBe(trustContext(ca.cert))
  })

  it('verifies a server whose certificate the CA signed, and no other', async () => {
    expect(await handshake(trustContext(ca.cert))).toBe('verified')
    expect(await handshake(trustContext(other.cert))).not.toBe('verified')
    // Node's roots alone do not know the private CA: the CA is what the context adds
    expect(await handshake(tls.createSecureContext())).not.toBe('verified')
  })

  it('trusts what Node built from its roots plus the CA, the slow way', async () => {
    const slow = tls.createSecureContext({ca: [...tls.rootCertificates, ca.cert]})
    expect(await handshake(slow)).toBe(await handshake(trustContext(ca.cert)))
  })
})
