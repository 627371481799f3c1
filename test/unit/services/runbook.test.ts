// The incident runbook's step machine over in-memory ports and a scripted operator: every branch (stop at the
// decision, Ctrl-C, no answer in time, a rehearsal, the real force-unlink, a step that fails) with its outcome, exit
// code, answers, what was shown and what was sent. The tmux tests drive the same machine through a real terminal.
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {InterruptedError} from '../../../src/domain/errors.js'
import {idKey} from '../../../src/domain/ids.js'
import {runbookExitCode} from '../../../src/domain/outcome.js'
import {FakeArm} from '../../../src/sandbox/testing/fake-arm.js'
import {FakeDataPlane} from '../../../src/sandbox/testing/fake-data-plane.js'
import {MemoryLocks, ScriptedPrompter, type Scripted} from '../../../src/sandbox/testing/scripted.js'
import {runIncident, type IncidentOptions} from '../../../src/services/runbook/incident.js'
import {verifyEvidence} from '../../../src/services/verify.js'
import {RecordingDisplay, STEP_IDS} from '../../helpers/recording-display.js'

const root = mkdtempSync(join(tmpdir(), 'geo-redis-runbook-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

const NICK = 'geo'
const MB = 1024 * 1024
const DECISION = 'recommended: redirect clients only. Go on to force-unlink geo-neu/default?'

/** North Europe's region and Redis are down; the survivors use `usedPct` of their memory. */
function incident(script: Scripted[], over: Partial<IncidentOptions> = {}, world: {usedPct?: number; groups?: number; healthy?: boolean} = {}) {
  const arm = FakeArm.group(NICK, [
    {cluster: 'geo-wus2', location: 'westus2'},
    {cluster: 'geo-eus', location: 'eastus'},
    {cluster: 'geo-neu', location: 'northeurope'},
  ])
  if (world.groups === 2) {
    const other = arm.addMember({cluster: 'geo2-wus2', location: 'westus2', resourceGroup: 'rg-other'}, NICK)
    const peer = arm.addMember({cluster: 'geo2-eus', location: 'eastus', resourceGroup: 'rg-other'}, NICK)
    for (const db of [other, peer]) db.links = [other, peer].map((d) => ({id: d.id, state: 'Linked'}))
  }
  const dataPlane = new FakeDataPlane()
  if (!world.healthy) {
    arm.regionDown('geo-neu')
    dataPlane.set(arm.idOf('geo-neu'), {state: 'down'})
  }
  for (const c of ['geo-wus2', 'geo-eus']) dataPlane.set(arm.idOf(c), {usedBytes: (world.usedPct ?? 10) * MB, maxBytes: 100 * MB})
  const prompter = new ScriptedPrompter(script)
  const display = new RecordingDisplay()
  const locks = new MemoryLocks()
  const options: IncidentOptions = {
    subscriptions: [],
    group: NICK,
    dryRun: false,
    probe: {auth: 'keys', samples: 1, timeoutMs: 100},
    thresholds: {warnPct: 70, critPct: 85},
    connection: ['--profile', 'sandbox'],
    evidence: {root, tool: {name: 'geo-redis', version: 'test'}},
    deadlineMs: 60_000,
    ...over,
  }
  const go = async () => {
    const result = await runIncident({arm, dataPlane, locks, prompter, display}, options)
    return {result, exitCode: runbookExitCode(result)}
  }
  return {arm, prompter, display, locks, go, neu: arm.idOf('geo-neu')}
}

const file = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8')

describe('the runbook stops before force-unlink', () => {
  it('no at the decision: redirect clients only, exit 0, the answer logged, nothing sent', async () => {
    const run = incident([{confirm: false}])
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'refused', endedBy: 'choice', forceUnlink: null, recommendation: {kind: 'redirect'}})
    expect(result.answers).toEqual([{step: 'decision', question: DECISION, answer: 'no'}])
    expect(exitCode).toBe(0)
    expect(run.display.steps()).toEqual(['group', 'status', 'diagnosis', 'recommendation', 'endpoints', 'evidence'])
    expect(run.arm.sent).toEqual([])
    expect(await verifyEvidence(result.evidence.dir, {expect: result.evidence.digest})).toMatchObject({intact: true, complete: true})
    expect(file(result.evidence.dir, 'runbook.md')).toContain('plan: not reached (you chose to redirect clients only)')
    expect(file(result.evidence.dir, 'report.md')).toContain('- **refuse**: operator-decision')
  })

  it('no answer within the prompt timeout is a "no": exit 0, logged as unanswered, nothing sent', async () => {
    const run = incident([{unanswered: 'timeout'}])
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'refused', endedBy: 'timeout', forceUnlink: null})
    expect(result.answers).toEqual([{step: 'decision', question: DECISION, answer: 'no answer within 5 minutes'}])
    expect(result.decision).toBe(`no answer within 5 minutes to "${DECISION}": nothing was sent`)
    expect(exitCode).toBe(0)
    expect(run.arm.sent).toEqual([])
    expect(file(result.evidence.dir, 'runbook.md')).toContain('plan: not reached (no answer in time)')
    expect(file(result.evidence.dir, 'report.md')).toContain('- **refuse**: operator-decision: no answer within 5 minutes')
  })

  it('Ctrl-C at the decision: exit 130, logged, nothing sent', async () => {
    const run = incident([{unanswered: 'interrupted'}])
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'refused', endedBy: 'interrupted'})
    expect(result.answers[0].answer).toBe('Ctrl-C: interrupted')
    expect(exitCode).toBe(130)
    expect(run.arm.sent).toEqual([])
  })

  it('a stop signal while probing: interrupted before any question', async () => {
    const controller = new AbortController()
    controller.abort('SIGINT')
    const run = incident([], {abortSignal: controller.signal})
    // nothing about a group was read before the signal: there is no evidence to write
    await expect(run.go()).rejects.toThrow(InterruptedError)
    expect(run.prompter.asked).toEqual([])
  })

  it('two groups of one nickname: the operator picks; silence there is "no group was picked"', async () => {
    const picked = incident([{select: 'geo (incomplete)'}, {confirm: false}], {}, {groups: 2})
    const {result} = await picked.go()
    expect(picked.prompter.asked[0]).toMatchObject({kind: 'select', question: '2 groups are named "geo": which one?'})
    expect(result.group.key).toBe(idKey(picked.neu.replace('geo-neu', 'geo-eus')))
    const silent = incident([{unanswered: 'timeout'}], {}, {groups: 2})
    await expect(silent.go()).rejects.toMatchObject({message: 'no group was picked', exitCode: 2})
  })

  it('nothing failing: nothing to decide, no question, exit 0', async () => {
    const run = incident([], {}, {healthy: true})
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'nothing-to-do', endedBy: 'choice', recommendation: {kind: 'nothing-failing'}})
    expect(run.display.events('note')).toEqual([{kind: 'note', text: 'nothing to decide: no action: no member is failing', mark: 'ok'}])
    expect([run.prompter.asked, exitCode]).toEqual([[], 0])
  })
})

describe('the runbook goes on to force-unlink', () => {
  it('a rehearsal (--dry-run): every step, the typed confirmation included, nothing sent, no lock', async () => {
    const run = incident([{confirm: true}, {input: NICK}], {dryRun: true})
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'dry-run', endedBy: 'unlink', forceUnlink: {outcome: 'dry-run'}})
    expect(exitCode).toBe(0)
    expect(run.arm.sent).toEqual([])
    expect(run.locks.held).toEqual([])
    expect(run.display.steps()).toEqual(STEP_IDS.filter((s) => s !== 'decision'))
    expect(result.nextSteps[0]).toContain(`\`geo-redis runbook incident --group ${NICK} --plan ${result.evidence.dir} --profile sandbox\``)
    expect(file(result.evidence.dir, 'runbook.md')).not.toContain('not reached')
  })

  it('a rehearsal with the wrong nickname ends where a real run would: cancelled, exit 2', async () => {
    const run = incident([{confirm: true}, {input: 'ge0'}], {dryRun: true})
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'refused', endedBy: 'cancelled'})
    expect(exitCode).toBe(2)
    expect(run.arm.sent).toEqual([])
  })

  it('the real run: yes, the nickname, exactly one forceUnlink on a survivor, verified; one bundle holds it all', async () => {
    const run = incident([{confirm: true}, {input: NICK}], {evidence: {root, tool: {name: 'geo-redis', version: 'test'}, reason: 'INC-1'}})
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'succeeded', endedBy: 'unlink', forceUnlink: {outcome: 'succeeded', verification: {ok: true}}})
    expect(exitCode).toBe(0)
    expect(run.arm.sent).toEqual([{operation: 'forceUnlink', on: result.forceUnlink!.plan.issuedOn!.id, ids: [run.neu]}])
    expect(run.locks.held).toEqual([`force-unlink geo-neu on group "${NICK}"`])
    expect(result.answers.map((a) => a.answer)).toEqual(['yes', NICK])
    expect(result.evidence.dir).toBe(result.forceUnlink!.evidence.dir)
    expect(await verifyEvidence(result.evidence.dir, {expect: result.evidence.digest})).toMatchObject({intact: true, complete: true, digestMatches: true})
    expect(run.display.shown).toContainEqual({kind: 'plan-above-consent', action: 'force-unlink'})
    expect(result.nextSteps[1]).toContain(`geo-redis force-link --group ${NICK} --member ${run.neu} --profile sandbox`)
  })

  it('no answer at the confirmation: refused by force-unlink\'s consent guard, exit 2, nothing sent', async () => {
    const run = incident([{confirm: true}, {unanswered: 'timeout'}])
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'refused', endedBy: 'unlink', forceUnlink: {refusal: {guard: 'operator-consent'}}})
    expect(result.answers.at(-1)?.answer).toBe('none (no answer within 5 minutes)')
    expect(exitCode).toBe(2)
    expect(run.arm.sent).toEqual([])
  })

  it('an operation geo-redis lost sight of: outcome unknown, exit 1, what to check', async () => {
    const run = incident([{confirm: true}, {input: NICK}])
    run.arm.nextOutcome = () => ({status: 'Unknown', statusUrl: 'https://arm.fake/operations/1', error: null, lostSight: {cause: 'no-answer', signal: null, message: 'ARM stopped answering'}})
    const {result, exitCode} = await run.go()
    expect(result).toMatchObject({outcome: 'unknown', endedBy: 'unlink'})
    expect(exitCode).toBe(1)
    expect(result.nextSteps[0]).toContain('az rest --method get --url https://arm.fake/operations/1')
  })

  it('a survivor at --crit recommends force-unlink now (critical)', async () => {
    const run = incident([{confirm: false}], {}, {usedPct: 90})
    const {result} = await run.go()
    expect(result.recommendation).toMatchObject({kind: 'force-unlink', title: 'force-unlink now (critical)'})
    expect(run.prompter.asked[0].question).toBe('recommended: force-unlink now (critical). Go on to force-unlink geo-neu/default?')
  })

  it('a step that fails keeps the log in evidence, then fails the run with its error', async () => {
    const own = mkdtempSync(join(root, 'failed-'))
    const run = incident([{confirm: true}], {evidence: {root: own, tool: {name: 'geo-redis', version: 'test'}}})
    // another run holds the group: building the plan fails
    run.locks.busy.add(run.arm.databases.map((d) => idKey(d.id)).sort()[0])
    await expect(run.go()).rejects.toMatchObject({code: 'GroupBusy'})
    const [bundle] = readdirSync(own)
    expect(bundle).toMatch(/-geo-runbook-incident$/)
    const log = file(join(own, bundle), 'runbook.md')
    expect(log).toContain('runbook geo: refused: stopped on an error: another geo-redis run is changing group "geo": nothing was sent')
    expect(log).toContain('plan: not reached (the runbook stopped on an error')
    expect(run.arm.sent).toEqual([])
  })
})
