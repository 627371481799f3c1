// Flush empties every member it reaches; the guards keep it from running on a group it would only half reach.
import {describe, expect, it} from 'vitest'
import {evaluateFlush, flushReach} from '../../src/domain/guarded/flush.js'
import type {MemberProbe} from '../../src/domain/probe.js'
import type {GeoGroup, Member} from '../../src/domain/model.js'
import {buildGroup, probeFact} from '../helpers/group-builder.js'

const probe = (m: Member, reachable = true): MemberProbe => probeFact(m, reachable ? 'up' : 'down')

function flushOn(group: GeoGroup, overrides: Partial<Parameters<typeof evaluateFlush>[0]> = {}) {
  return evaluateFlush({group, issuer: group.members[0], probes: group.members.map((m) => probe(m)), force: false, ...overrides})
}

const results = (r: ReturnType<typeof evaluateFlush>) => r.guards.map((g) => `${g.name}:${g.result}`)

describe('flush guards', () => {
  it('pass on a healthy group from a running member that answers', () => {
    const r = flushOn(buildGroup())
    expect(r.refusal).toBeNull()
    expect(results(r)).toEqual(['group-fully-linked:pass', 'no-link-operation-in-flight:pass', 'issuer-healthy-in-arm:pass', 'issuer-answers-probe:pass', 'members-healthy-in-arm:pass'])
  })

  it('refuse a group that is not fully linked, naming who would keep their data, unless forced', () => {
    const base = buildGroup()
    const [a, , c] = base.members
    const issuer = {...a, links: a.links.map((l) => (l.id === c.id ? {...l, state: 'LinkFailed'} : l))}
    const group: GeoGroup = {...base, members: [issuer, ...base.members.slice(1)], status: 'degraded', problems: ['cache1 sees cache3 as LinkFailed']}
    const refused = flushOn(group, {issuer})
    expect(refused.refusal?.guard).toBe('group-fully-linked')
    expect(refused.refusal?.message).toMatch(/cache3.* would keep their data/)
    expect(flushOn(group, {issuer, force: true}).refusal).toBeNull()
    expect(flushReach(group, issuer)).toEqual({ids: [base.members[1].id], unreached: [expect.stringMatching(/cache3/)]})
  })

  it('refuse an issuing member that does not answer the probe, even forced', () => {
    const group = buildGroup()
    const r = flushOn(group, {probes: group.members.map((m, i) => probe(m, i !== 0)), force: true})
    expect(r.refusal?.guard).toBe('issuer-answers-probe')
  })

  it('refuse an issuing member that is not running in ARM', () => {
    const group = buildGroup({members: [{provisioningState: 'Failed'}]})
    expect(flushOn(group).refusal?.guard).toBe('issuer-healthy-in-arm')
  })

  it('refuse when another member is not running, unless forced', () => {
    const group = buildGroup({members: [{}, {resourceState: 'Updating'}]})
    expect(flushOn(group).refusal?.guard).toBe('members-healthy-in-arm')
    expect(flushOn(group, {force: true}).refusal).toBeNull()
  })
})
