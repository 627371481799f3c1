// serve's HTTP listener against hostile requests: a request target no URL parser takes is a 400, and serve keeps
// answering (it used to throw inside the request handler, which ended the process).
import {connect} from 'node:net'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {HttpServeListener} from '../../src/http/server.js'
import type {ServeState} from '../../src/services/ports.js'

const state: ServeState = {
  bdbs: () => [],
  availability: () => ({status: 404, body: {error_code: 'db_not_found', description: 'none'}}),
  status: () => {
    throw new Error('not asked in these tests')
  },
}

let served: {url: string; close(): Promise<void>}

beforeAll(async () => {
  served = await new HttpServeListener({host: '127.0.0.1', port: 0, tls: null, basicAuth: null}).listen(state)
})
afterAll(() => served.close())

/** One raw HTTP/1.1 request, as a hostile client writes it; the status code of the answer. */
function raw(target: string): Promise<number> {
  const {port} = new URL(served.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`))
    let answer = ''
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')))
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)))
    socket.on('error', reject)
  })
}

describe('serve listener: hostile request targets', () => {
  it('answers 400 to a target that is not a URL, and keeps serving', async () => {
    expect(await raw('http://[bad')).toBe(400)
    expect(await raw('/healthz')).toBe(200)
    expect(await raw('/v1/bdbs')).toBe(200)
    expect(await raw('/v1/bdbs/abc/availability')).toBe(404)
    expect(await raw('/v1/bdbs/99999999999999999999/availability')).toBe(404)
  }, 15_000)
})

describe('serve listener: an address it cannot take', () => {
  it('is a usage error naming the address and what to do, not a raw errno', async () => {
    const {port} = new URL(served.url)
    const second = new HttpServeListener({host: '127.0.0.1', port: Number(port), tls: null, basicAuth: null}).listen(state)
    await expect(second).rejects.toMatchObject({code: 'ListenFailed', exitCode: 2, message: expect.stringContaining(`cannot listen on 127.0.0.1:${port}: it is already in use`)})
  }, 15_000)
})
