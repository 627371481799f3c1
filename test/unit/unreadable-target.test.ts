// A member whose region is down cannot be read by ARM: the data plane decides whether it is down, dialled at the host
// its cluster list still shows and Azure's fixed port. Any answer means alive; no way to probe it means no decision.
import {describe, expect, it} from 'vitest'
import {evaluateForceUnlink} from '../../src/domain/guarded/force-unlink.js'
import type {Member} from '../../src/domain/model.js'
import type {ReadCause} from '../../src/domain/read.js'
import {buildGroup, probeFact} from '../helpers/group-builder.js'

type Seen = Parameters<typeof probeFact>[1] | 'skipped'

function unlinkUnreadable(cause: ReadCause, code: string, seen: Seen, force = false) {
  const group = buildGroup()
  const [a, b, c] = group.members
  const target: Member = {...c, links: [], provisioningState: 'Unknown', resourceState: 'Unknown', readError: {cause, code, message: `read failed: ${code}`}}
  const probes = seen === 'skipped' ? null : [probeFact(a), probeFact(b), probeFact(target, seen)]
  return evaluateForceUnlink({group, targetQuery: c.cluster, target, targetInGroup: true, issuer: a, linkedPeers: [a, b], probes, force})
}

const targetGuard = (r: ReturnType<typeof evaluateForceUnlink>) => r.guards.find((g) => g.name === 'target-does-not-answer')!

describe('force-unlink of a member ARM cannot read', () => {
  it.each([
    ['region-not-answering', 'ServiceUnavailable'],
    ['region-not-answering', 'Timeout'],
    ['not-found', 'ResourceNotFound'],
    ['forbidden', 'AuthorizationFailed'],
  ] as const)('passes when its Redis does not answer either, whatever ARM says (%s, %s)', (cause, code) => {
    const r = unlinkUnreadable(cause, code, 'down')
    expect(r.refusal).toBeNull()
    expect(targetGuard(r).detail).toMatch(new RegExp(`^ARM cannot read cache3 \\(${cause}, ${code}\\); cache3 does not answer at cache3\\..*:10000: refused`))
  })

  it.each(['up', 'noauth'] as const)('refuses a control-plane outage: ARM does not answer, but its Redis does (%s)', (seen) => {
    const r = unlinkUnreadable('region-not-answering', 'ServiceUnavailable', seen)
    expect(r.refusal?.guard).toBe('target-does-not-answer')
    expect(r.refusal?.message).toMatch(/^control-plane outage: ARM does not answer for cache3\/default \(northeurope\), but its Redis does, at cache3\..*:10000/)
    expect(r.refusal?.remediation).toContain('--force')
    expect(unlinkUnreadable('region-not-answering', 'ServiceUnavailable', seen, true).refusal).toBeNull()
  })

  it.each([
    ['skipped', /--skip-probe/],
    ['unknown', /its endpoint is unknown/],
    ['dns', /does not resolve from here/],
  ] as const)('refuses a target it could not probe (%s) unless --force', (seen, why) => {
    const r = unlinkUnreadable('region-not-answering', 'ServiceUnavailable', seen)
    expect(r.refusal?.guard).toBe('target-does-not-answer')
    expect(r.refusal?.message).toMatch(why)
    expect(r.refusal?.message).toMatch(/cannot tell whether cache3\/default \(northeurope\) is down/)
    const forced = unlinkUnreadable('region-not-answering', 'ServiceUnavailable', seen, true)
    expect(forced.refusal).toBeNull()
    expect(targetGuard(forced)).toMatchObject({result: 'pass', forced: true})
  })
})
