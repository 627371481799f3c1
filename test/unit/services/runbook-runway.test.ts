// The memory runway in the runbook's recommendation, through the runbook use case over in-memory ports: samples of
// the survivors' used memory taken during the run, and the time until --crit at that rate.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {FakeArm} from '../../../src/sandbox/testing/fake-arm.js'
import {FakeDataPlane} from '../../../src/sandbox/testing/fake-data-plane.js'
import {MemoryLocks, ScriptedPrompter} from '../../../src/sandbox/testing/scripted.js'
import {runIncident, type IncidentOptions} from '../../../src/services/runbook/incident.js'
import {RecordingDisplay} from '../../helpers/recording-display.js'

const root = mkdtempSync(join(tmpdir(), 'geo-redis-runway-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
const MB = 1024 * 1024

/** North Europe down; West US 2 and East US at 10 MB of 100 MB, growing `perMinute` bytes each minute of the fake clock. */
/** `runway` null: the runbook is given no sampling, as in a test or a caller that does not ask for it. */
function outage(perMinute: number, runway?: Partial<NonNullable<IncidentOptions['runway']>> | null) {
  const arm = FakeArm.group('geo', [
    {cluster: 'geo-wus2', location: 'westus2'},
    {cluster: 'geo-eus', location: 'eastus'},
    {cluster: 'geo-neu', location: 'northeurope'},
  ])
  arm.regionDown('geo-neu')
  const dataPlane = new FakeDataPlane().set(arm.idOf('geo-neu'), {state: 'down'})
  const survivors = ['geo-wus2', 'geo-eus'].map((c) => arm.idOf(c))
  let clock = 0
  const used = () => 10 * MB + (perMinute * clock) / 60_000
  for (const id of survivors) dataPlane.set(id, {usedBytes: used(), maxBytes: 100 * MB})
  const sampling = {
    samples: 4,
    everyMs: 1000,
    now: () => clock,
    // the clock moves as the runbook waits between samples, and the survivors' memory with it
    sleep: async (ms: number) => {
      clock += ms
      for (const id of survivors) dataPlane.set(id, {usedBytes: used()})
    },
    ...runway,
  }
  const options: IncidentOptions = {
    subscriptions: [],
    group: 'geo',
    dryRun: false,
    probe: {auth: 'keys', samples: 1, timeoutMs: 100},
    thresholds: {warnPct: 70, critPct: 85},
    connection: ['--profile', 'sandbox'],
    evidence: {root, tool: {name: 'geo-redis', version: 'test'}},
    deadlineMs: 60_000,
    ...(runway === null ? {} : {runway: sampling}),
  }
  return runIncident({arm, dataPlane, locks: new MemoryLocks(), prompter: new ScriptedPrompter([{confirm: false}]), display: new RecordingDisplay()}, options)
}

describe('the runway in the recommendation', () => {
  it('names when each survivor reaches --crit at the rate sampled during the run', async () => {
    // 75 MB to go at 3 MB a minute: 25 minutes
    const result = await outage(3 * MB)
    expect(result.recommendation?.reasons).toContain('at this rate westus2 reaches 85% in 25 min')
    expect(result.recommendation?.reasons).toContain('at this rate eastus reaches 85% in 25 min')
  })

  it('says memory is not growing when it is flat', async () => {
    const result = await outage(0)
    expect(result.recommendation?.reasons).toContain('eastus: memory is not growing (85% not in sight at this rate)')
  })

  it('says the rate is not known yet with too few samples', async () => {
    const result = await outage(3 * MB, {samples: 2})
    expect(result.recommendation?.reasons).toContain('eastus: memory growth rate not known yet (2 samples so far)')
    const alone = await outage(3 * MB, null)
    expect(alone.recommendation?.reasons).toContain('eastus: memory growth rate not known yet (1 sample so far)')
  })
})
