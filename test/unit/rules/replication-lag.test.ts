import {describe, expect, it} from 'vitest'
import {replicationLag} from '../../../src/domain/rules/replication-lag.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('replication-lag', () => {
  it('finds nothing when every canary replicated in time', () => {
    expect(replicationLag.evaluate(context(buildGroup(), {replication: true}))).toEqual([])
  })

  it('errors when a canary did not replicate and warns when it was slow', () => {
    const [a, b, c] = [idOf('cache1'), idOf('cache2'), idOf('cache3')]
    const ctx = context(buildGroup(), {
      replication: [
        {from: a, to: b, replicated: false, lagMs: null, reason: 'not seen within 5000 ms'},
        {from: a, to: c, replicated: true, lagMs: 2500, reason: null},
        {from: b, to: c, replicated: true, lagMs: 1000, reason: null},
      ],
    })
    const findings = replicationLag.evaluate(ctx)
    expect(findings.map((f) => [f.severity, f.members])).toEqual([
      ['error', [a, b]],
      ['warning', [a, c]],
    ])
    expect(findings[0].message).toBe('a canary write did not replicate from cache1/default (westus2) to cache2/default (eastus) (not seen within 5000 ms)')
    expect(findings[1].message).toMatch(/took 2500 ms .* \(threshold 1000 ms\)$/)
  })

  it('skips members no canary covered', () => {
    const [a, b, c] = [idOf('cache1'), idOf('cache2'), idOf('cache3')]
    const ctx = context(buildGroup(), {replication: [{from: a, to: b, replicated: true, lagMs: 10, reason: null}]})
    expect(replicationLag.scope!(ctx)).toEqual({members: [a, b], skipped: [{member: c, reason: 'no canary result'}]})
  })
})
