// Results → exit codes, the one mapping every command uses: what automation branches on. Four codes: 0 ok, 1 partial,
// findings, failed or unknown, 2 usage or refused, 130 a stop signal.
import {describe, expect, it} from 'vitest'
import {
  capacityExitCode,
  checkExitCode,
  guardedExitCode,
  probeExitCode,
  readExitCode,
  runbookExitCode,
  verifyExitCode,
  type GuardedEnding,
} from '../../../src/domain/outcome.js'

const guarded = (over: Partial<GuardedEnding>): GuardedEnding => ({outcome: 'succeeded', stoppedBy: null, refusal: null, ...over})

describe('a guarded operation', () => {
  it('0 done, dry run or nothing to do; 1 failed or unknown; 2 refused', () => {
    expect(guardedExitCode(guarded({}))).toBe(0)
    expect(guardedExitCode(guarded({outcome: 'dry-run'}))).toBe(0)
    expect(guardedExitCode(guarded({outcome: 'nothing-to-do'}))).toBe(0)
    expect(guardedExitCode(guarded({outcome: 'failed'}))).toBe(1)
    // the deadline, or ARM stopped answering: not known to have succeeded, and safe to retry
    expect(guardedExitCode(guarded({outcome: 'unknown'}))).toBe(1)
    expect(guardedExitCode(guarded({outcome: 'refused', refusal: {interrupted: false}}))).toBe(2)
  })

  it('130 for a stop signal, before sending or while following the operation', () => {
    for (const signal of ['SIGINT', 'SIGHUP', 'SIGTERM'] as const) {
      expect(guardedExitCode(guarded({outcome: 'unknown', stoppedBy: signal}))).toBe(130)
      expect(guardedExitCode(guarded({outcome: 'refused', stoppedBy: signal, refusal: {interrupted: true}}))).toBe(130)
    }
  })
})

describe('the incident runbook', () => {
  const unlink = (outcome: GuardedEnding['outcome']) => ({endedBy: 'unlink' as const, forceUnlink: guarded({outcome})})
  it("takes its force-unlink's code once it got that far", () => {
    expect(runbookExitCode(unlink('succeeded'))).toBe(0)
    expect(runbookExitCode(unlink('unknown'))).toBe(1)
    expect(runbookExitCode(unlink('failed'))).toBe(1)
    expect(runbookExitCode(unlink('refused'))).toBe(2)
  })

  it('a choice or an unanswered question is 0, a cancelled rehearsal 2, Ctrl-C 130, a failed step 1', () => {
    expect(runbookExitCode({endedBy: 'choice', forceUnlink: null})).toBe(0)
    expect(runbookExitCode({endedBy: 'timeout', forceUnlink: null})).toBe(0)
    expect(runbookExitCode({endedBy: 'cancelled', forceUnlink: null})).toBe(2)
    expect(runbookExitCode({endedBy: 'interrupted', forceUnlink: null})).toBe(130)
    expect(runbookExitCode({endedBy: 'error', forceUnlink: null})).toBe(1)
  })
})

describe('reading commands', () => {
  it('inventory, group show and endpoints export: 1 when anything could not be read', () => {
    expect(readExitCode([])).toBe(0)
    expect(readExitCode([{scope: 'sub'}])).toBe(1)
  })

  it('probe: 1 when a member did not answer or could not be read', () => {
    expect(probeExitCode({members: [{reachable: true}, {reachable: true}]})).toBe(0)
    expect(probeExitCode({members: [{reachable: true}, {reachable: false}]})).toBe(1)
    expect(probeExitCode({members: [{reachable: true, readError: {cause: 'forbidden'}}]})).toBe(1)
  })

  it('capacity: 1 for crit, unreachable or unresolved members; warn and unknown alone pass', () => {
    const ok = {reachable: true, level: 'ok'}
    expect(capacityExitCode({members: [ok, {reachable: true, level: 'warn'}, {reachable: true, level: 'unknown'}], unresolved: []})).toBe(0)
    expect(capacityExitCode({members: [ok, {reachable: true, level: 'crit'}], unresolved: []})).toBe(1)
    expect(capacityExitCode({members: [ok, {reachable: false, level: 'unknown'}], unresolved: []})).toBe(1)
    expect(capacityExitCode({members: [ok], unresolved: ['/subscriptions/x']})).toBe(1)
  })

  it('check: 1 on an error finding or a read error, whatever else passed', () => {
    expect(checkExitCode({summary: {error: 0}, errors: []})).toBe(0)
    expect(checkExitCode({summary: {error: 1}, errors: []})).toBe(1)
    expect(checkExitCode({summary: {error: 0}, errors: [{scope: 'sub'}]})).toBe(1)
  })

  it('evidence verify: 0 only intact, complete and the digest expected (when one was)', () => {
    expect(verifyExitCode({intact: true, complete: true, digestMatches: null})).toBe(0)
    expect(verifyExitCode({intact: true, complete: true, digestMatches: true})).toBe(0)
    expect(verifyExitCode({intact: true, complete: true, digestMatches: false})).toBe(1)
    expect(verifyExitCode({intact: true, complete: false, digestMatches: null})).toBe(1)
    expect(verifyExitCode({intact: false, complete: true, digestMatches: null})).toBe(1)
  })
})
