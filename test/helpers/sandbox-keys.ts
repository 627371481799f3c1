// A sandbox member's access key, asked of the sandbox's emulator with its token and CA as any ARM client would: for
// tests that talk to the members' redis-servers themselves.
import {readFileSync} from 'node:fs'
import https from 'node:https'
import {join} from 'node:path'

/** POST listKeys on the emulator of the sandbox in `home`; the primary key. */
export function sandboxAccessKey(home: string, sandbox: {emulator: {url: string}; token: string}, id: string): Promise<string> {
  const ca = readFileSync(join(home, 'sandbox', 'ca.pem'))
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(`${id}/listKeys?api-version=2025-07-01`, sandbox.emulator.url),
      {method: 'POST', ca, headers: {authorization: `Bearer ${sandbox.token}`}, timeout: 5000},
      (res) => {
        let body = ''
        res.on('data', (c) => (body += c))
        res.on('end', () => (res.statusCode === 200 ? resolve((JSON.parse(body) as {primaryKey: string}).primaryKey) : reject(new Error(`listKeys ${res.statusCode}: ${body}`))))
      },
    )
    req.on('error', reject)
    req.end()
  })
}
