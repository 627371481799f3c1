// A member whose region is down cannot be read by ARM: its read error, not a probe, decides the target guard.
import {describe, expect, it} from 'vitest'
import {evaluateForceUnlink} from '../../src/domain/guards.js'
import type {Member} from '../../src/domain/model.js'
import type {ReadCause} from '../../src/domain/read.js'
import {buildGroup} from '../helpers/group-builder.js'

function unlinkUnreadable(cause: ReadCause, code: string, force = false) {
  const group = buildGroup()
  const [a, b, c] = group.members
  const target: Member = {...c, links: [], provisioningState: 'Unknown', resourceState: 'Unknown', readError: {cause, code, message: `read failed: ${code}`}}
  const up = (m: Member) => ({id: m.id, reachable: true, latencyMs: 1, endpoint: `${m.hostName}:10000`, error: null})
  return evaluateForceUnlink({group, targetQuery: c.cluster, target, issuer: a, linkedPeers: [a, b], probes: [up(a), up(b)], force})
}

const targetGuard = (r: ReturnType<typeof evaluateForceUnlink>) => r.guards.find((g) => g.name === 'target-does-not-answer')!

describe('force-unlink of a member ARM cannot read', () => {
  it.each([
    ['region-not-answering', 'ServiceUnavailable'],
    ['region-not-answering', 'Timeout'],
    ['not-found', 'ResourceNotFound'],
  ] as const)('passes when the cause is %s (%s)', (cause, code) => {
    const r = unlinkUnreadable(cause, code)
    expect(r.refusal).toBeNull()
    expect(targetGuard(r).detail).toMatch(new RegExp(`ARM cannot read .*${cause} \\(${code}\\)`))
  })

  it('refuses when the read was forbidden: that says nothing about whether it is down', () => {
    const r = unlinkUnreadable('forbidden', 'AuthorizationFailed')
    expect(r.refusal?.guard).toBe('target-does-not-answer')
    expect(r.refusal?.remediation).toMatch(/^get read access \(Reader\) to its subscription .*--force/)
    expect(unlinkUnreadable('forbidden', 'AuthorizationFailed', true).refusal).toBeNull()
  })

  it.each(['not-listed', 'unknown'] as const)('refuses when the cause is %s: nothing says it is down', (cause) => {
    const r = unlinkUnreadable(cause, 'SubscriptionNotFound')
    expect(r.refusal?.guard).toBe('target-does-not-answer')
    expect(r.refusal?.remediation).toMatch(/--force if you know it is down/)
  })
})
