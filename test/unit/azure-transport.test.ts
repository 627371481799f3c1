// The HTTPS transport under the Azure pipelines: a profile's private CA is trusted (with Node's roots), taken when
// the first connection opens; nothing else is, whatever NODE_TLS_REJECT_UNAUTHORIZED says.
import {once} from 'node:events'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {createRequire} from 'node:module'
import type * as CoreRestPipeline from '@azure/core-rest-pipeline'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {verifiedHttpClient} from '../../src/azure/transport.js'
import {createCa, createLeaf, type Pem} from '../../src/sandbox/certs.js'

const {createPipelineRequest} = createRequire(import.meta.url)('@azure/core-rest-pipeline') as typeof CoreRestPipeline

describe('verifiedHttpClient', () => {
  let ca: Pem
  let other: Pem
  let server: https.Server
  let url: string

  beforeAll(async () => {
    ca = createCa('transport test CA')
    other = createCa('another CA')
    const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1']})
    server = https.createServer({cert: leaf.cert, key: leaf.key}, (_request, response) => response.end('{"ok":true}'))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    url = `https://localhost:${(server.address() as AddressInfo).port}/`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const send = (caPem?: string) =>
    verifiedHttpClient({caPem, maxSockets: 2})
      .sendRequest(createPipelineRequest({url, timeout: 10_000}))
      .then((r) => `${r.status} ${r.bodyAsText}`, (error: NodeJS.ErrnoException) => error.code ?? error.message)

  it("reaches a server the profile's CA signed, over one connection after another", async () => {
    expect(await send(ca.cert)).toBe('200 {"ok":true}')
    const client = verifiedHttpClient({caPem: ca.cert, maxSockets: 1})
    for (let i = 0; i < 3; i++) expect((await client.sendRequest(createPipelineRequest({url, timeout: 10_000}))).status).toBe(200)
  })

  it('refuses it with another CA, or none, even when NODE_TLS_REJECT_UNAUTHORIZED=0', async () => {
    const saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED
    try {
      for (const value of [undefined, '0']) {
        if (value === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
        else process.env.NODE_TLS_REJECT_UNAUTHORIZED = value
        expect(await send(other.cert)).toMatch(/CERT|SIGNED|VERIFY|ISSUER/)
        expect(await send()).toMatch(/CERT|SIGNED|VERIFY|ISSUER/)
      }
    } finally {
      if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved
    }
  })
})
