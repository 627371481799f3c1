// What a plan is decided on, and what refuses it when that moved: the basis, the drift between a saved plan and the
// plan built again, the group assembled again from fresh views, the member a force-unlink names once nobody lists
// it, what belonging to a group means for force-link, and a link operation in flight.
import {describe, expect, it} from 'vitest'
import {belonging, evaluateForceLink} from '../../src/domain/guarded/force-link.js'
import {evaluateForceUnlink} from '../../src/domain/guarded/force-unlink.js'
import {linksInFlight} from '../../src/domain/guards.js'
import {withFreshViews} from '../../src/domain/group.js'
import type {GeoGroup, Inventory, Member} from '../../src/domain/model.js'
import {basisChanges, basisOf, planDrift, type OperationPlan, type SavedPlan} from '../../src/domain/plans.js'
import {formerMember} from '../../src/domain/resolve.js'
import {serverAnswered} from '../../src/redis/classify.js'
import {buildGroup, idOf, member, probeFact} from '../helpers/group-builder.js'

const linked = (members: Member[], state = 'Linked') => members.map((m) => ({id: m.id, state}))

describe('the basis of a plan', () => {
  it('records each member\'s state, its own view and what the probe saw, and names what moved', () => {
    const group = buildGroup()
    const [a, b, c] = group.members
    const before = basisOf(group.members, [probeFact(a), probeFact(b), probeFact(c, 'down')])
    expect(before.members[2]).toEqual({id: c.id, state: 'Succeeded/Running', links: linked([a, b, c]).map((l) => `${l.id.toLowerCase()} Linked`).sort(), probe: 'silent'})
    expect(basisChanges(before, before)).toEqual([])

    const moved = basisOf([{...a, links: linked([a, b])}, {...b, clusterResourceState: 'Scaling'}, c], [probeFact(a), probeFact(b), probeFact(c, 'noauth')])
    expect(basisChanges(before, moved)).toEqual([
      'cache1/default listed cache1/default Linked, cache2/default Linked, cache3/default Linked, now lists cache1/default Linked, cache2/default Linked',
      'cache2/default was Succeeded/Running, is now cluster Succeeded/Scaling, database Succeeded/Running',
      'cache3/default\'s probe was "silent", is now "answers"',
    ])
    expect(basisChanges(before, basisOf([a, b], null))).toContain('cache3/default is no longer in the group')
  })

  it('drift: another target, issuer or request, or a basis that moved; none for the very same plan', () => {
    const group = buildGroup()
    const basis = basisOf(group.members, null)
    const plan = {
      action: 'force-unlink',
      group: {nickname: 'orders', key: 'k'},
      target: {id: idOf('cache3'), name: 'cache3/default', location: 'northeurope'},
      issuedOn: {id: idOf('cache1'), name: 'cache1/default', location: 'westus2'},
      requests: [{method: 'POST', url: 'https://arm/x/forceUnlink', apiVersion: '2022-01-01', body: {ids: [idOf('cache3')]}}],
      basis,
    } as SavedPlan
    const same = {...plan} as OperationPlan
    expect(planDrift(plan, same)).toEqual([])
    expect(planDrift(plan, {...same, issuedOn: {id: idOf('cache2'), name: 'cache2/default', location: 'eastus'}})).toEqual([
      'the plan sends on cache1/default, this run would send on cache2/default',
    ])
    expect(planDrift(plan, {...same, requests: [{...plan.requests[0], body: {ids: [idOf('cache2')]}}]})[0]).toMatch(/^the plan sends POST .* this run would send POST /)
    expect(planDrift(plan, {...same, target: null})).toEqual(['the plan is for cache3/default, this run names nobody'])
  })
})

describe('the group again from fresh views', () => {
  it('replaces the views read again, keeps the others, and drops a member no view lists any more', () => {
    const group = buildGroup()
    const [a, b] = group.members
    const fresh = withFreshViews(group, [{...a, links: linked([a, b])}, {...b, links: linked([a, b])}], [], a.id)!
    // cache3 still lists the others: it stays in the group (member order: by location), which now disagrees
    expect(fresh.members.map((m) => m.cluster)).toEqual(['cache2', 'cache3', 'cache1'])
    expect(fresh.status).toBe('degraded')
    // cache2 had dropped cache1 already; now cache1 drops cache2: they are no longer one group
    const alone = withFreshViews({...group, members: [a, {...b, links: linked([b])}], unreadable: [], unresolved: []}, [{...a, links: linked([a])}], [], a.id)!
    expect(alone.members.map((m) => m.cluster)).toEqual(['cache1'])
  })

  it('a member that fails to read now becomes a placeholder with the fresh cause, while a view lists it', () => {
    const group = buildGroup()
    const [a, , c] = group.members
    const fresh = withFreshViews(group, [a], [{scope: c.id, code: 'ServiceUnavailable', message: '503', cause: 'region-not-answering'}], a.id)!
    expect(fresh.unreadable.map((p) => [p.cluster, p.location, p.readError?.cause])).toEqual([['cache3', 'northeurope', 'region-not-answering']])
  })
})

describe('the member a force-unlink names once nobody lists it', () => {
  const inventoryOf = (groups: GeoGroup[], standalone: Member[], errors: Inventory['errors']): Inventory => ({generatedAt: '', subscriptions: [], groups, standalone, errors})

  it('is a readable database by id or cluster name, or one ARM could not read, by location too when its cluster was listed', () => {
    const group = buildGroup({members: [{}, {}]})
    const gone = member(3)
    const standalone = member(4)
    const cluster = gone.id.slice(0, gone.id.indexOf('/databases/'))
    const inv = inventoryOf([group], [standalone], [{scope: cluster, code: 'ServiceUnavailable', message: '503', cause: 'region-not-answering', location: 'northeurope'}])
    expect(formerMember(inv, group, 'northeurope')).toMatchObject({id: gone.id, cluster: 'cache3', location: 'northeurope', readError: {cause: 'region-not-answering'}})
    expect(formerMember(inv, group, 'CACHE3')?.id).toBe(gone.id)
    expect(formerMember(inv, group, 'cache4')?.id).toBe(standalone.id)
    // a location never matches a readable cache outside the group: it could be any cache
    expect(formerMember(inv, group, 'japaneast')).toBeNull()
    expect(formerMember(inv, group, 'cache9')).toBeNull()
  })

  it('is nothing to do, the target guard passing on "already unlinked"', () => {
    const group = buildGroup({members: [{}, {}]})
    const r = evaluateForceUnlink({group, targetQuery: 'cache3', target: member(3), targetInGroup: false, issuer: null, linkedPeers: [], probes: null, force: false})
    expect(r).toEqual({guards: [{name: 'target-in-group', result: 'pass', detail: 'no readable member of "orders" lists cache3/default (northeurope): already unlinked'}], refusal: null})
  })
})

describe('force-link takes back only what belonged', () => {
  const situation = (group: GeoGroup, joining: Member, extra: Partial<Parameters<typeof evaluateForceLink>[0]> = {}) => ({
    group,
    memberQuery: joining.cluster,
    joining,
    survivors: group.members.filter((m) => m !== joining),
    adopt: null,
    probes: [...group.members, joining].map((m) => probeFact(m, 'up', {keys: 12})),
    force: false,
    ...extra,
  })
  const guard = (r: ReturnType<typeof evaluateForceLink>) => r.guards.find((g) => g.name === 'joining-belongs-to-group')!

  it('belongs: its own view names the group, or a member lists it', () => {
    const group = buildGroup()
    const [a, b] = group.members
    expect(belonging(group, {...member(9), groupNickname: 'ORDERS'})).toBe('its own view names group "ORDERS"')
    expect(belonging({...group, members: [{...a, links: [...a.links, {id: idOf('cache9'), state: 'Linked'}]}, b]}, {...member(9), groupNickname: null})).toBe('cache1 lists it')
    expect(belonging(group, {...member(9), groupNickname: null})).toBeNull()
  })

  it('a stranger is refused without --adopt, saying what it holds; --adopt naming it passes once a probe showed its keys', () => {
    const group = buildGroup()
    const stranger = {...member(9, {location: 'westus2'}), groupNickname: null}
    const refused = evaluateForceLink(situation(group, stranger))
    expect(refused.refusal).toMatchObject({guard: 'joining-belongs-to-group'})
    expect(refused.refusal!.message).toContain('(12 keys, 1.0 MB used: 12 keys will be deleted)')
    expect(guard(evaluateForceLink(situation(group, stranger, {adopt: 'cache8'})))).toMatchObject({result: 'refuse', detail: '--adopt names "cache8", not cache9'})
    expect(evaluateForceLink(situation(group, stranger, {adopt: 'CACHE9'})).refusal).toBeNull()
    // no probe, no count: refused unless --force
    const blind = situation(group, stranger, {adopt: 'cache9', probes: null})
    expect(evaluateForceLink(blind).refusal?.message).toContain('its key count is unknown')
    expect(guard(evaluateForceLink({...blind, force: true}))).toMatchObject({result: 'pass', forced: true})
  })
})

describe('a link operation in flight', () => {
  it('is any view showing Linking or Unlinking, and refuses a force-unlink unless --force', () => {
    const base = buildGroup()
    const [a, b, c] = base.members
    const group = {...base, members: [{...a, links: [...linked([a, b]), {id: c.id, state: 'Unlinking'}]}, b, c]}
    expect(linksInFlight(group.members)).toEqual(['cache1 sees cache3/default as Unlinking'])
    const s = {group, targetQuery: 'cache2', target: b, targetInGroup: true, issuer: c, linkedPeers: [a, c], probes: [probeFact(a), probeFact(b, 'down'), probeFact(c)], force: false}
    expect(evaluateForceUnlink(s).refusal?.guard).toBe('no-link-operation-in-flight')
    expect(evaluateForceUnlink({...s, force: true}).refusal).toBeNull()
  })
})

describe('a server answered', () => {
  const error = (message: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), extra)
  it.each([
    [true, error('NOAUTH Authentication required.', {name: 'ReplyError'})],
    [true, error('WRONGPASS invalid username-password pair', {name: 'ReplyError'})],
    [true, error("Hostname/IP does not match certificate's altnames", {code: 'ERR_TLS_CERT_ALTNAME_INVALID'})],
    [true, error('self-signed certificate in certificate chain', {code: 'SELF_SIGNED_CERT_IN_CHAIN'})],
    [true, error('SSL routines:ssl3_get_record:wrong version number', {code: 'ERR_SSL_WRONG_VERSION_NUMBER'})],
    [false, error('connect ECONNREFUSED 127.0.0.1:10000', {code: 'ECONNREFUSED'})],
    [false, error('TLS handshake with 127.0.0.1:10000 timed out', {code: 'ETIMEDOUT'})],
    [false, error('getaddrinfo ENOTFOUND x.redis.azure.net', {code: 'ENOTFOUND'})],
    [false, error('Client network socket disconnected before secure TLS connection was established', {code: 'ECONNRESET'})],
  ])('%s: %s', (answered, err) => {
    expect(serverAnswered(err)).toBe(answered)
  })
})
