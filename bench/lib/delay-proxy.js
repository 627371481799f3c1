// A TCP proxy that delays every chunk by --delay-ms in each direction: a network round trip of 2 × delay between
// a client and a local server, without touching the machine's network configuration. Run as its own process:
//   node bench/lib/delay-proxy.js --delay-ms 1 --to 6380,6381   → prints {"ports": {"6380": 41234, ...}} once listening
// Order is kept: timers of the same duration fire in the order they were set.
import {createConnection, createServer} from 'node:net'
import {parseArgs} from 'node:util'

const {values} = parseArgs({options: {'delay-ms': {type: 'string', default: '1'}, to: {type: 'string'}, host: {type: 'string', default: '127.0.0.1'}}})
const delayMs = Number(values['delay-ms'])
const targets = (values.to ?? '').split(',').filter(Boolean).map(Number)
if (!Number.isFinite(delayMs) || delayMs < 0 || targets.length === 0 || targets.some((p) => !Number.isInteger(p))) {
  process.stderr.write('usage: delay-proxy.js --delay-ms <n> --to <port,port,...>\n')
  process.exit(2)
}

function pipeDelayed(from, to) {
  from.on('data', (chunk) => setTimeout(() => to.writable && to.write(chunk), delayMs))
  from.on('end', () => setTimeout(() => to.end(), delayMs))
  from.on('error', () => to.destroy())
  from.on('close', () => setTimeout(() => to.destroy(), delayMs))
}

const ports = {}
await Promise.all(
  targets.map(
    (target) =>
      new Promise((resolve, reject) => {
        const server = createServer((client) => {
          client.setNoDelay(true)
          const upstream = createConnection({host: values.host, port: target})
          upstream.setNoDelay(true)
          // the connection itself takes a round trip: hold the client's bytes until upstream is connected + delay
          pipeDelayed(client, upstream)
          pipeDelayed(upstream, client)
        })
        server.once('error', reject)
        server.listen(0, values.host, () => {
          ports[target] = server.address().port
          resolve()
        })
      }),
  ),
)
process.stdout.write(`${JSON.stringify({ports})}\n`)
process.once('SIGTERM', () => process.exit(0))
process.once('SIGINT', () => process.exit(0))
