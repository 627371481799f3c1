// The guarded lifecycle over in-memory ports: prepare (force-unlink, force-link, flush), consent, the read again
// before sending, send, follow, verify, and the evidence sealed with the outcome. No HTTP, no Redis: milliseconds.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {guardedExitCode} from '../../../src/domain/outcome.js'
import {FakeArm} from '../../../src/sandbox/testing/fake-arm.js'
import {FakeDataPlane} from '../../../src/sandbox/testing/fake-data-plane.js'
import {MemoryLocks} from '../../../src/sandbox/testing/scripted.js'
import type {Executor} from '../../../src/services/guarded/execute.js'
import {executeFlush, prepareFlush} from '../../../src/services/guarded/flush.js'
import {executeForceLink, prepareForceLink} from '../../../src/services/guarded/force-link.js'
import {executeForceUnlink, prepareForceUnlink} from '../../../src/services/guarded/force-unlink.js'
import {runGuarded, type ConsentAnswer} from '../../../src/services/guarded/lifecycle.js'
import type {GuardedOptions, PreparedOperation} from '../../../src/services/guarded/prepare.js'
import type {GuardedPorts} from '../../../src/services/ports.js'
import {verifyEvidence} from '../../../src/services/verify.js'

const root = mkdtempSync(join(tmpdir(), 'geo-redis-guarded-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

const NICK = 'geo'
const PROBE = {auth: 'keys' as const, samples: 1, timeoutMs: 100}

/** Three members; northeurope's region does not answer and its Redis is down, unless `up`. */
function world(options: {up?: boolean} = {}) {
  const arm = FakeArm.group(NICK, [
    {cluster: 'geo-wus2', location: 'westus2'},
    {cluster: 'geo-eus', location: 'eastus'},
    {cluster: 'geo-neu', location: 'northeurope'},
  ])
  const dataPlane = new FakeDataPlane()
  if (!options.up) {
    arm.regionDown('geo-neu')
    dataPlane.set(arm.idOf('geo-neu'), {state: 'down'})
  }
  const locks = new MemoryLocks()
  const ports: GuardedPorts = {arm, dataPlane, locks}
  return {arm, dataPlane, locks, ports, neu: arm.idOf('geo-neu')}
}

const options = (over: Partial<GuardedOptions> = {}): GuardedOptions => ({subscriptions: [], group: NICK, member: 'northeurope', force: false, dryRun: false, probe: PROBE, ...over})

const typed = (given: string | null, extra: Partial<ConsentAnswer> = {}) => async (): Promise<ConsentAnswer> => ({given, how: 'the answer typed at the prompt', ...extra})

function run(ports: GuardedPorts, prepared: PreparedOperation, execute: Executor, consent = typed(NICK), extra: {abortSignal?: AbortSignal; confirm?: string} = {}) {
  return runGuarded(ports.arm, prepared, execute, {evidence: {root, tool: {name: 'geo-redis', version: 'test'}}, consent, deadlineMs: 60_000, ...extra})
}

describe('force-unlink', () => {
  it('plans the unlink of the member whose region and Redis are down, sent on a survivor, and sends nothing yet', async () => {
    const {arm, ports, neu, dataPlane} = world()
    const prepared = await prepareForceUnlink(ports, options())
    expect(prepared.guards.refusal).toBeNull()
    expect(prepared.plan.ids).toEqual([neu])
    expect(['geo-wus2', 'geo-eus']).toContain(prepared.plan.issuedOn?.name.split('/')[0])
    expect(prepared.plan.requests).toEqual([arm.planForceUnlink(prepared.plan.issuedOn!.id, [neu])])
    // the unread target is dialled at the host its cluster list shows, both ways, without credentials
    expect(dataPlane.dials.filter((d) => d.id === neu).map((d) => [d.tls, d.withAuth])).toEqual([[true, false], [false, false]])
    expect(arm.sent).toEqual([])
  })

  it('consent, the read again, one request, verification and sealed evidence: exit 0', async () => {
    const {arm, ports, neu, locks} = world()
    const prepared = await prepareForceUnlink(ports, options())
    const result = await run(ports, prepared, executeForceUnlink)
    expect(result).toMatchObject({outcome: 'succeeded', refusal: null, stoppedBy: null, verification: {ok: true}})
    expect(result.guards.map((g) => [g.name, g.result])).toContainEqual(['unchanged-before-sending', 'pass'])
    expect(arm.sent).toEqual([{operation: 'forceUnlink', on: prepared.plan.issuedOn!.id, ids: [neu]}])
    expect(locks.held).toEqual([`force-unlink geo-neu on group "${NICK}"`])
    expect(guardedExitCode(result)).toBe(0)
    expect(await verifyEvidence(result.evidence.dir, {expect: result.evidence.digest!})).toMatchObject({intact: true, complete: true, digestMatches: true})
    // the region that does not answer is not waited for again after the operation
    expect(arm.reads.filter((r) => r.includes('geo-neu')).length).toBe(1)
  })

  it('refuses a target whose Redis answers, sending nothing: exit 2', async () => {
    const {arm, ports} = world({up: true})
    const prepared = await prepareForceUnlink(ports, options())
    const result = await run(ports, prepared, executeForceUnlink)
    expect(result).toMatchObject({outcome: 'refused', refusal: {guard: 'target-does-not-answer', interrupted: false}})
    expect(arm.sent).toEqual([])
    expect(guardedExitCode(result)).toBe(2)
  })

  it('a dry run takes no lock, asks nothing and sends nothing; a wrong --confirm is refused where the real run would be', async () => {
    const {arm, ports, locks} = world()
    let asked = 0
    const prepared = await prepareForceUnlink(ports, options({dryRun: true}))
    const dry = await run(ports, prepared, executeForceUnlink, async () => ({given: NICK, how: String(++asked)}))
    expect(dry.outcome).toBe('dry-run')
    const wrong = await run(ports, prepared, executeForceUnlink, typed(NICK), {confirm: 'ge0'})
    expect(wrong).toMatchObject({outcome: 'refused', refusal: {guard: 'operator-consent'}})
    expect([asked, arm.sent.length, locks.held.length]).toEqual([0, 0, 0])
  })

  it('a wrong nickname, and Ctrl-C at the prompt, send nothing: exit 2 and 130', async () => {
    const {arm, ports} = world()
    const prepared = await prepareForceUnlink(ports, options())
    const wrong = await run(ports, prepared, executeForceUnlink, typed('ge0'))
    expect(wrong).toMatchObject({outcome: 'refused', refusal: {guard: 'operator-consent'}})
    expect(guardedExitCode(wrong)).toBe(2)
    const ctrlC = await run(ports, prepared, executeForceUnlink, typed(null, {how: 'Ctrl-C at the prompt', interrupted: true}))
    expect(ctrlC).toMatchObject({outcome: 'refused', stoppedBy: 'SIGINT', refusal: {interrupted: true}})
    expect(guardedExitCode(ctrlC)).toBe(130)
    expect(arm.sent).toEqual([])
  })

  it('a signal after consent, before the request leaves: nothing sent, stopped by that signal', async () => {
    const {arm, ports} = world()
    const prepared = await prepareForceUnlink(ports, options())
    const controller = new AbortController()
    const consent = async () => {
      controller.abort('SIGTERM')
      return {given: NICK, how: 'the answer typed at the prompt'}
    }
    const result = await run(ports, prepared, executeForceUnlink, consent, {abortSignal: controller.signal})
    expect(result).toMatchObject({outcome: 'refused', stoppedBy: 'SIGTERM', refusal: {guard: 'not-interrupted', interrupted: true}})
    expect(arm.sent).toEqual([])
  })

  it('a group that moved while the operator read the plan is refused before sending, naming what moved', async () => {
    const {arm, ports} = world()
    const prepared = await prepareForceUnlink(ports, options())
    const consent = async () => {
      // another run unlinked it meanwhile
      for (const db of arm.databases) db.links = db.links.filter((l) => !l.id.includes('geo-neu'))
      return {given: NICK, how: 'the answer typed at the prompt'}
    }
    const result = await run(ports, prepared, executeForceUnlink, consent)
    expect(result).toMatchObject({outcome: 'refused', refusal: {guard: 'unchanged-before-sending'}})
    expect(result.refusal!.message).toMatch(/^the group moved between the plan and the send: .*geo-neu/)
    expect(arm.sent).toEqual([])
  })

  it('an operation geo-redis lost sight of is unknown: exit 1, the status URL to check, never "send it again"', async () => {
    const {arm, ports} = world()
    arm.nextOutcome = () => ({status: 'Unknown', statusUrl: 'https://arm.fake/operations/9', error: null, lostSight: {cause: 'deadline', signal: null, message: 'still running after 1 s'}})
    const result = await run(ports, await prepareForceUnlink(ports, options()), executeForceUnlink)
    expect(result).toMatchObject({outcome: 'unknown', operation: {status: 'Unknown', lostSight: {cause: 'deadline'}}, verification: null})
    expect(result.nextSteps[0]).toBe('check the operation: az rest --method get --url https://arm.fake/operations/9')
    expect(guardedExitCode(result)).toBe(1)
    expect(arm.sent).toHaveLength(1)
  })

  it('ARM says Failed: exit 1 with its error, and nothing changed', async () => {
    const {arm, ports, neu} = world()
    arm.nextOutcome = () => ({status: 'Failed', statusUrl: null, error: {code: 'Conflict', message: 'busy'}, lostSight: null})
    const result = await run(ports, await prepareForceUnlink(ports, options()), executeForceUnlink)
    expect(result).toMatchObject({outcome: 'failed', operation: {error: {code: 'Conflict'}}})
    expect(arm.databases.every((d) => d.links.some((l) => l.id === neu))).toBe(true)
  })

  it('once unlinked, the same command is nothing to do: no probe, no request', async () => {
    const {arm, ports, dataPlane} = world()
    await run(ports, await prepareForceUnlink(ports, options()), executeForceUnlink)
    const dials = dataPlane.dials.length
    const again = await run(ports, await prepareForceUnlink(ports, options()), executeForceUnlink)
    expect(again.outcome).toBe('nothing-to-do')
    expect([dataPlane.dials.length, arm.sent.length]).toEqual([dials, 1])
  })
})

describe('force-link and flush', () => {
  it('force-link rejoins the unlinked member, sent on it, with every member in linkedDatabases', async () => {
    const {arm, ports, neu, dataPlane} = world()
    await run(ports, await prepareForceUnlink(ports, options()), executeForceUnlink)
    // the region is back
    arm.down.clear()
    dataPlane.set(neu, {state: 'up'})
    const prepared = await prepareForceLink(ports, options())
    const result = await run(ports, prepared, executeForceLink)
    expect(result).toMatchObject({outcome: 'succeeded', verification: {ok: true}})
    expect(arm.sent.at(-1)).toEqual({operation: 'forceLink', on: neu, ids: prepared.plan.ids, nickname: NICK})
    expect(prepared.plan.ids).toHaveLength(3)
  })

  it('flush is sent once on the healthiest member, with the others as ids, and refused when a member would keep its data', async () => {
    const up = world({up: true})
    const prepared = await prepareFlush(up.ports, {...options(), from: undefined})
    expect(prepared.guards.refusal).toBeNull()
    const result = await run(up.ports, prepared, executeFlush)
    expect(result.outcome).toBe('succeeded')
    expect(up.arm.sent).toEqual([{operation: 'flush', on: prepared.plan.issuedOn!.id, ids: prepared.plan.ids}])
    expect(prepared.plan.ids).toHaveLength(2)

    const down = world()
    const refused = await prepareFlush(down.ports, options())
    expect(refused.guards.refusal).not.toBeNull()
    expect(down.arm.sent).toEqual([])
  })
})
