// Ctrl-C while a guarded command is still reading ARM ends it at once with 130, and nothing is sent.
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {emulatorEnv, runCli} from '../helpers/run-cli.js'

let arm: TestEmulator

beforeAll(async () => {
  // every ARM answer takes 4 s: the read phase is still running when Ctrl-C arrives
  arm = await startTestEmulator(sandboxWorld({members: 3}), {latencyMs: 4000})
})

afterAll(async () => {
  await arm?.stop()
})

describe('Ctrl-C during the read phase', () => {
  it('force-unlink ends with 130 within a second, having sent nothing', async () => {
    const started = Date.now()
    const result = await runCli(
      ['force-unlink', '--group', 'sandbox-geo', '--member', 'westus2', '--skip-probe', '--force', '--yes', '--confirm', 'sandbox-geo'],
      {env: emulatorEnv(arm), interrupt: {afterMs: 2000}, timeoutMs: 15_000},
    )
    expect(result.code, result.stderr).toBe(130)
    expect(Date.now() - started).toBeLessThan(3500)
    expect(result.stderr).toContain('nothing was sent')
    expect(arm.requests.filter((r) => r.method === 'POST')).toEqual([])
  })
})
