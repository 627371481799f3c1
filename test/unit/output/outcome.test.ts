// A guarded operation's result as text: an unknown outcome is a warning that says why and what to check.
import {describe, expect, it} from 'vitest'
import {renderGuardedResult} from '../../../src/output/plan.js'
import type {GuardedResult} from '../../../src/services/guarded/lifecycle.js'

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

describe('the result of a guarded operation', () => {
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
