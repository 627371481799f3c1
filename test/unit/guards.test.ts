import {describe, expect, it} from 'vitest'
import {evaluateForceLink} from '../../src/domain/guarded/force-link.js'
import {evaluateForceUnlink} from '../../src/domain/guarded/force-unlink.js'
import {consentGuard, withGuard} from '../../src/domain/guards.js'
import type {GeoGroup, Member} from '../../src/domain/model.js'
import {buildGroup, probeFact} from '../helpers/group-builder.js'

const up = (m: Member) => probeFact(m, 'up')
const down = (m: Member) => probeFact(m, 'down')

/** cache3 is the target; cache1 the issuer; cache3 does not answer unless told otherwise */
function unlinkSituation(group: GeoGroup, overrides: Partial<Parameters<typeof evaluateForceUnlink>[0]> = {}) {
  const [a, b, c] = group.members
  return {
    group,
    targetQuery: 'cache3',
    target: c,
    targetInGroup: true,
    issuer: a,
    linkedPeers: [a, b],
    probes: group.members.map((m) => (m === c ? down(m) : up(m))),
    force: false,
    ...overrides,
  }
}

const names = (r: {guards: {name: string; result: string}[]}) => r.guards.map((g) => `${g.name}:${g.result}`)

describe('force-unlink guards', () => {
  it('pass for a down target, a healthy issuer and a group left linked', () => {
    const r = evaluateForceUnlink(unlinkSituation(buildGroup()))
    expect(r.refusal).toBeNull()
    expect(names(r)).toEqual([
      'target-in-group:pass',
      'issuer-is-not-target:pass',
      'issuer-still-linked:pass',
      'no-link-operation-in-flight:pass',
      'issuer-healthy-in-arm:pass',
      'issuer-answers-probe:pass',
      'target-does-not-answer:pass',
      'group-left-linked:pass',
    ])
  })

  it('refuse a target that is not in the group, with the members to choose from', () => {
    const r = evaluateForceUnlink(unlinkSituation(buildGroup(), {target: null, targetQuery: 'nowhere'}))
    expect(r.refusal).toMatchObject({guard: 'target-in-group', message: '"nowhere" is not a member of group "orders"'})
    expect(r.refusal!.remediation).toContain('cache1 (westus2)')
    expect(r.guards).toHaveLength(1)
  })

  it('refuse a target that answers the probe, saying what a split costs; --force lets it pass, marked forced', () => {
    const group = buildGroup()
    const probes = group.members.map((m) => up(m))
    const refused = evaluateForceUnlink(unlinkSituation(group, {probes}))
    expect(refused.refusal?.guard).toBe('target-does-not-answer')
    expect(refused.refusal?.message).toMatch(/not down.*diverge.*deleted and recreated, or force-linked, which discards its data/)
    expect(refused.refusal?.remediation).toContain('--force')

    const forced = evaluateForceUnlink(unlinkSituation(group, {probes, force: true}))
    expect(forced.refusal).toBeNull()
    expect(forced.guards.find((g) => g.name === 'target-does-not-answer')?.detail).toMatch(/^forced:/)
  })

  it('with --skip-probe cannot tell whether the target is down: refuse unless --force', () => {
    const group = buildGroup()
    const r = evaluateForceUnlink(unlinkSituation(group, {probes: null}))
    expect(r.refusal?.guard).toBe('target-does-not-answer')
    expect(r.refusal?.message).toContain('--skip-probe')
    expect(r.guards.find((g) => g.name === 'issuer-answers-probe')).toMatchObject({result: 'pass', detail: 'not probed (--skip-probe)'})
    expect(evaluateForceUnlink(unlinkSituation(group, {probes: null, force: true})).refusal).toBeNull()
  })

  it('refuse sending from the target itself', () => {
    const group = buildGroup()
    const r = evaluateForceUnlink(unlinkSituation(group, {issuer: group.members[2]}))
    expect(r.refusal?.guard).toBe('issuer-is-not-target')
    expect(r.refusal?.remediation).toContain('--from')
  })

  it('refuse an issuer that no longer lists the target', () => {
    const group = buildGroup({members: [{links: [{id: 'x', state: 'Linked'}]}]})
    const r = evaluateForceUnlink(unlinkSituation(group))
    expect(r.refusal?.guard).toBe('issuer-still-linked')
  })

  it('refuse leaving nothing linked (a group of two) unless --force', () => {
    const base = buildGroup()
    const [a, , c] = base.members
    const links = [a, c].map((m) => ({id: m.id, state: 'Linked'}))
    const group = {...base, members: [{...a, links}, {...c, links}]}
    const situation = {target: group.members[1], issuer: group.members[0], linkedPeers: [group.members[0]], probes: [up(a), down(c)]}
    const r = evaluateForceUnlink(unlinkSituation(group, situation))
    expect(r.refusal).toMatchObject({guard: 'group-left-linked'})
    expect(r.refusal?.message).toContain('would be dissolved')
    expect(evaluateForceUnlink(unlinkSituation(group, {...situation, force: true})).refusal).toBeNull()
  })

  it('refuse an issuer that is not Succeeded/Running in ARM, even with --force', () => {
    const group = buildGroup({members: [{resourceState: 'Updating'}]})
    const r = evaluateForceUnlink(unlinkSituation(group, {force: true}))
    expect(r.refusal?.guard).toBe('issuer-healthy-in-arm')
    expect(r.refusal?.message).toContain('Succeeded/Updating')
  })

  it('refuse an issuer that does not answer the probe', () => {
    const group = buildGroup()
    const [a, b, c] = group.members
    const r = evaluateForceUnlink(unlinkSituation(group, {probes: [down(a), up(b), down(c)]}))
    expect(r.refusal?.guard).toBe('issuer-answers-probe')
  })

  it('list every guard that could be evaluated, with the first refusal deciding', () => {
    const group = buildGroup({members: [{provisioningState: 'Failed'}]})
    const r = evaluateForceUnlink(unlinkSituation(group, {probes: group.members.map((m) => up(m))}))
    expect(r.refusal?.guard).toBe('issuer-healthy-in-arm')
    expect(names(r)).toContain('target-does-not-answer:refuse')
  })
})

describe('force-link guards', () => {
  const situation = (group: GeoGroup, overrides = {}) => ({
    group,
    memberQuery: 'cache3',
    joining: group.members[2],
    survivors: group.members.slice(0, 2),
    adopt: null,
    probes: group.members.map((m) => up(m)),
    force: false,
    ...overrides,
  })

  it('pass for a healthy joining database and agreeing survivors', () => {
    const r = evaluateForceLink(situation(buildGroup()))
    expect(r.refusal).toBeNull()
    expect(names(r)).toEqual([
      'member-in-group:pass',
      'joining-belongs-to-group:pass',
      'no-link-operation-in-flight:pass',
      'survivor-available:pass',
      'joining-healthy-in-arm:pass',
      'survivors-healthy-in-arm:pass',
      'survivors-agree:pass',
    ])
  })

  it('refuse a database that is not in the group', () => {
    expect(evaluateForceLink(situation(buildGroup(), {joining: null, survivors: []})).refusal?.guard).toBe('member-in-group')
  })

  it('refuse when there is nobody to link to', () => {
    expect(evaluateForceLink(situation(buildGroup(), {survivors: []})).refusal?.guard).toBe('survivor-available')
  })

  it('refuse a joining database ARM does not show running', () => {
    const group = buildGroup({members: [{}, {}, {provisioningState: 'Failed'}]})
    expect(evaluateForceLink(situation(group)).refusal?.guard).toBe('joining-healthy-in-arm')
  })

  it('refuse survivors that are not running unless --force', () => {
    const group = buildGroup({members: [{resourceState: 'Scaling'}]})
    expect(evaluateForceLink(situation(group)).refusal?.guard).toBe('survivors-healthy-in-arm')
    expect(evaluateForceLink(situation(group, {force: true})).refusal).toBeNull()
  })

  it('refuse survivors that disagree about who is linked', () => {
    const base = buildGroup()
    const group = buildGroup({members: [{links: [{id: base.members[0].id, state: 'Linked'}]}]})
    const r = evaluateForceLink(situation(group))
    expect(r.refusal?.guard).toBe('survivors-agree')
    expect(r.refusal?.message).toContain('cache1 does not list cache2')
  })
})

describe('consent', () => {
  it('passes only on the exact nickname', () => {
    expect(consentGuard('orders', 'orders', '--yes --confirm').guard).toEqual({name: 'operator-consent', result: 'pass', detail: 'confirmed by --yes --confirm'})
    expect(consentGuard('orders', 'Orders', '--yes --confirm').refusal?.message).toContain('"Orders" does not match the nickname "orders"')
    expect(consentGuard('orders', null, 'Ctrl-C at the prompt').refusal?.remediation).toBe('run it again when ready, and type orders exactly')
    // the way it was given is the way to give it again
    expect(consentGuard('orders', 'ordres', 'the answer typed at the prompt').refusal?.remediation).toBe('run it again when ready, and type orders exactly (you typed "ordres")')
    expect(consentGuard('orders', 'ordres', '--confirm').refusal?.remediation).toBe('confirm with the exact group nickname: --confirm orders')
  })

  it('adding a refusing guard to a refused report keeps the first refusal', () => {
    const first = {guards: [], refusal: {guard: 'a', message: 'a', remediation: ''}}
    const c = consentGuard('orders', 'x', 'typed')
    expect(withGuard(first, c.guard, c.refusal).refusal?.guard).toBe('a')
    expect(withGuard({guards: [], refusal: null}, c.guard, c.refusal).refusal?.guard).toBe('operator-consent')
  })
})
