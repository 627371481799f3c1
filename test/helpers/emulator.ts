// Starts the ARM emulator in-process for a test, with its CA PEM in a temp file (for NODE_EXTRA_CA_CERTS or
// --ca flags of subprocesses) and a fresh random token.
import {randomUUID} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type EmulatorOptions, type RequestLogEntry, type RunningEmulator, startEmulator} from '../../src/sandbox/emulator/server.js'
import type {World} from '../../src/sandbox/emulator/world.js'

export interface TestEmulator {
  url: string
  caPath: string
  token: string
  requests: RequestLogEntry[]
  emulator: RunningEmulator
  stop(): Promise<void>
}

export async function startTestEmulator(
  world: World,
  options: Partial<Omit<EmulatorOptions, 'world'>> = {},
): Promise<TestEmulator> {
  const token = options.token ?? `test-${randomUUID()}`
  const emulator = await startEmulator({...options, world, token})
  const dir = mkdtempSync(join(tmpdir(), 'geo-redis-emulator-'))
  const caPath = join(dir, 'ca.pem')
  writeFileSync(caPath, emulator.caPem)
  return {
    url: emulator.url,
    caPath,
    token,
    requests: emulator.requests,
    emulator,
    async stop() {
      await emulator.stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}
