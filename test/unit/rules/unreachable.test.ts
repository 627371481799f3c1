import {describe, expect, it} from 'vitest'
import {unreachable} from '../../../src/domain/rules/unreachable.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('unreachable', () => {
  it('finds nothing when every member answers', () => {
    expect(unreachable.evaluate(context(buildGroup(), {health: true}))).toEqual([])
  })

  it('errors on an unreachable member, with the probe error', () => {
    const ctx = context(buildGroup(), {health: {2: {reachable: false, errorKind: 'timeout', errorMessage: 'connect ETIMEDOUT'}}})
    const [finding] = unreachable.evaluate(ctx)
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache3')]})
    expect(finding.message).toBe('cache3/default (northeurope) is unreachable at cache3.northeurope.redis.azure.net:10000 (timeout: connect ETIMEDOUT)')
    expect(finding.remediation).toMatch(/^nothing answered in time: .*; if its region is down, force-unlink cache3 from a surviving member/)
  })

  it('does not suggest an outage when the member rejected the key or the handshake', () => {
    const ctx = context(buildGroup(), {health: {0: {reachable: false, errorKind: 'auth', errorMessage: 'WRONGPASS'}}})
    const [finding] = unreachable.evaluate(ctx)
    expect(finding.remediation).toMatch(/^authentication failed/)
    expect(finding.remediation).not.toMatch(/region is down/)
  })

  it('skips members that were not probed', () => {
    const ctx = context(buildGroup(), {health: {1: null}})
    expect(unreachable.evaluate(ctx)).toEqual([])
    expect(unreachable.scope!(ctx)).toEqual({members: [idOf('cache1'), idOf('cache3')], skipped: [{member: idOf('cache2'), reason: 'not probed'}]})
  })
})
