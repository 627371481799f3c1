// Standalone emulator process for e2e tests and the sandbox:
//   node dist/sandbox/emulator/main.js (package import #sandbox/emulator) --world <file.json> --token-file <f> (or --token <t>) [--port <p>] [--cert <f> --key <f> | --ca-out <f>]
//     [--latency-ms <n>] [--throttle-rate <0..1>] [--error-rate <0..1>] [--page-size <n>] [--lro-polls <n>]
//     [--retry-after-seconds <n>] [--request-log <file>] [--ready-file <file>] [--hooks <module.js>]
// World mutations are written back to the world file, so a restarted emulator sees the same state.
// --hooks names an ES module exporting optional onForceLink(databaseId) / onFlush(databaseIds), e.g. to FLUSHALL
// the sandbox's redis-servers.
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {resolve} from 'node:path'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {writeFileAtomicSync} from '../../shared/atomic.js'
import {startEmulator, type EmulatorOptions} from './server.js'
import type {World} from './world.js'

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a non-negative number, got '${value}'`)
  return n
}

const OPTIONS = {
  world: {type: 'string'},
  token: {type: 'string'},
  // preferred: a token on the command line is visible to every local user through ps
  'token-file': {type: 'string'},
  host: {type: 'string', default: '127.0.0.1'},
  port: {type: 'string', default: '0'},
  cert: {type: 'string'},
  key: {type: 'string'},
  'ca-out': {type: 'string'},
  'latency-ms': {type: 'string'},
  'throttle-rate': {type: 'string'},
  'error-rate': {type: 'string'},
  'page-size': {type: 'string'},
  'lro-polls': {type: 'string'},
  'retry-after-seconds': {type: 'string'},
  'request-log': {type: 'string'},
  'ready-file': {type: 'string'},
  hooks: {type: 'string'},
} as const

type Values = ReturnType<typeof parseArgs<{options: typeof OPTIONS}>>['values']

/** The emulator's options from the command line: the world file, the token, TLS, faults and the hooks module. */
async function emulatorOptions(values: Values): Promise<EmulatorOptions> {
  const token = values['token-file'] ? readFileSync(values['token-file'], 'utf8').trim() : values.token
  if (!values.world || !token) throw new Error('--world <file.json> and --token-file <file> (or --token <token>) are required')
  if (Boolean(values.cert) !== Boolean(values.key)) throw new Error('--cert and --key go together')
  if (!values.cert && !values['ca-out']) throw new Error('without --cert/--key, pass --ca-out <file> to receive the generated CA')
  const worldPath = resolve(values.world)
  const world = JSON.parse(readFileSync(worldPath, 'utf8')) as World
  const hooks = values.hooks
    ? ((await import(pathToFileURL(resolve(values.hooks)).href)) as Pick<EmulatorOptions, 'onForceLink' | 'onFlush'>)
    : {}
  return {
    world,
    token,
    host: values.host,
    port: number(values.port, 'port'),
    tls: values.cert && values.key ? {cert: readFileSync(values.cert, 'utf8'), key: readFileSync(values.key, 'utf8')} : undefined,
    latencyMs: number(values['latency-ms'], 'latency-ms'),
    throttleRate: number(values['throttle-rate'], 'throttle-rate'),
    errorRate: number(values['error-rate'], 'error-rate'),
    pageSize: number(values['page-size'], 'page-size'),
    lroPolls: number(values['lro-polls'], 'lro-polls'),
    retryAfterSeconds: number(values['retry-after-seconds'], 'retry-after-seconds'),
    requestLogPath: values['request-log'] ? resolve(values['request-log']) : undefined,
    onForceLink: hooks.onForceLink,
    onFlush: hooks.onFlush,
    onWorldChange: (changed) => writeFileAtomicSync(worldPath, JSON.stringify(changed, null, 2)),
  }
}

async function main(): Promise<void> {
  const {values} = parseArgs({options: OPTIONS})
  // a ready file left by an earlier run must not look like this one
  if (values['ready-file']) rmSync(values['ready-file'], {force: true})
  const emulator = await startEmulator(await emulatorOptions(values))
  if (values['ca-out']) writeFileSync(values['ca-out'], emulator.caPem)
  // the ready file appears only once the server listens, and whole (rename), so pollers never read half of it
  if (values['ready-file']) writeFileAtomicSync(values['ready-file'], JSON.stringify({url: emulator.url, pid: process.pid}))

  const shutdown = () => {
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

main().catch((error: unknown) => {
  process.stderr.write(`emulator: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(2)
})
