// The exit code of a guarded operation's result: what automation branches on. The contract has four codes; an unknown
// outcome is 1 (its `outcome` says unknown), and any stop signal is 130.
import {describe, expect, it} from 'vitest'
import {exitCodeOf, renderGuardedResult} from '../../../src/output/plan.js'
import type {GuardedResult} from '../../../src/services/evidence.js'

const result = (over: Partial<GuardedResult>): GuardedResult =>
  ({
    action: 'force-unlink',
    outcome: 'succeeded',
    plan: {action: 'force-unlink', target: {name: 'geo-neu/default'}, targetQuery: 'northeurope', group: {nickname: 'geo', key: 'k'}, nothingToDo: null},
    guards: [],
    refusal: null,
    stoppedBy: null,
    operation: null,
    verification: null,
    evidence: {dir: '/tmp/e', complete: true, digest: 'd'},
    nextSteps: [],
    warnings: [],
    ...over,
  }) as GuardedResult

const unknown = (cause: 'signal' | 'deadline' | 'no-answer', signal: 'SIGINT' | 'SIGHUP' | 'SIGTERM' | null = null) =>
  result({
    outcome: 'unknown',
    stoppedBy: signal,
    operation: {status: 'Unknown', statusUrl: 'https://arm/op/1', error: null, lostSight: {cause, signal, message: `why: ${cause}`}},
    nextSteps: ["check the operation: az rest --method get --url 'https://arm/op/1'", 'read the group: geo-redis group show geo'],
  })

describe('exit codes of a guarded operation', () => {
  it("the contract's codes: 0 ok, 1 ARM said failed or unknown, 2 refused, 130 a signal before or after sending", () => {
    expect(exitCodeOf(result({}))).toBe(0)
    expect(exitCodeOf(result({outcome: 'dry-run'}))).toBe(0)
    expect(exitCodeOf(result({outcome: 'failed'}))).toBe(1)
    expect(exitCodeOf(result({outcome: 'refused', refusal: {guard: 'x', message: 'm', remediation: 'r', interrupted: false}}))).toBe(2)
    expect(exitCodeOf(unknown('deadline'))).toBe(1)
    expect(exitCodeOf(unknown('no-answer'))).toBe(1)
    expect(exitCodeOf(unknown('signal', 'SIGINT'))).toBe(130)
    expect(exitCodeOf(unknown('signal', 'SIGHUP'))).toBe(130)
    expect(exitCodeOf(unknown('signal', 'SIGTERM'))).toBe(130)
    expect(exitCodeOf(result({outcome: 'refused', stoppedBy: 'SIGTERM', refusal: {guard: 'not-interrupted', message: 'm', remediation: 'r', interrupted: true}}))).toBe(130)
  })

  it('an unknown outcome says why and what to check on stderr, marked as a warning, not a failure', () => {
    const text = renderGuardedResult(unknown('deadline'))
    expect(text.stdout).toContain('(!) force-unlink geo-neu/default, group "geo": outcome unknown')
    expect(text.stdout).toContain('  why unknown: why: deadline')
    expect(text.stderr?.split('\n')).toEqual([
      'Outcome unknown: why: deadline. The request was sent; it may have succeeded, failed, or still be running in Azure.',
      "Try: check the operation: az rest --method get --url 'https://arm/op/1'",
      'Try: read the group: geo-redis group show geo',
    ])
  })
})
