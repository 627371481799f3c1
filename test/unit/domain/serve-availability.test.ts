// The availability policy serve answers with: who answers, who replicates within the tolerance, and ties.
import {describe, expect, it} from 'vitest'
import {availability, lagMs, largestLinkedSet, type LagContext, type Observed} from '../../../src/domain/serve/availability.js'
import {assignUids, bdbUid} from '../../../src/domain/serve/uid.js'

const NOW = 100_000
const STEP = 100

/**
 * Members a, b, c… all up, read at NOW; `lag[from][to]` in ms, a multiple of STEP (missing: never seen). Heartbeats
 * are written every STEP ms; B holding A's heartbeat of NOW − lag − STEP leaves the next one, NOW − lag, unseen.
 */
function group(ids: string[], lag: Record<string, Record<string, number>>, down: string[] = []): Observed[] {
  return ids.map((id) => ({
    id,
    up: !down.includes(id),
    writer: true,
    readAt: NOW,
    seen: new Map(ids.filter((w) => w !== id && lag[w]?.[id] !== undefined).map((w) => [w, NOW - lag[w][id] - STEP])),
  }))
}

const all = (ids: string[], ms: number) => Object.fromEntries(ids.map((a) => [a, Object.fromEntries(ids.map((b) => [b, ms]))]))
/** every member's heartbeats written every STEP ms for the last `since` ms, up to NOW */
const context = (ids: string[], since = 60_000): LagContext => ({
  writes: new Map(ids.map((id) => [id, Array.from({length: since / STEP + 1}, (_, i) => NOW - since + i * STEP)])),
})
const OFF: LagContext = {writes: new Map()}

describe('lag', () => {
  it('is the age, at the last read, of the oldest heartbeat written before it and not seen; never seen: the first', () => {
    const [a, b] = group(['a', 'b'], {a: {b: 300}})
    expect(lagMs('a', b, context(['a', 'b']))).toBe(300)
    expect(lagMs('b', a, context(['a', 'b']))).toBe(60_000)
    expect(lagMs('b', a, OFF)).toBeNull()
  })

  it('is 0 when the newest heartbeat written before the read was there', () => {
    const [, b] = group(['a', 'b'], {a: {b: 0}})
    expect(lagMs('a', b, context(['a', 'b']))).toBe(0)
    expect(lagMs('a', {...b, readAt: null}, context(['a', 'b']))).toBeNull()
  })
})

describe('availability', () => {
  const ids = ['a', 'b', 'c']

  it('every member answering and replicating within the tolerance is available', () => {
    const members = group(ids, all(ids, 400))
    for (const id of ids) expect(availability(members, id, 1000, context(ids))).toEqual({available: true})
  })

  it('an isolated member is bdb_unavailable, the other two stay available', () => {
    const lag = all(ids, 400)
    for (const other of ['b', 'c']) {
      lag.a[other] = 9000
      lag[other].a = 9000
    }

    const members = group(ids, lag)
    expect(availability(members, 'a', 1000, context(ids))).toMatchObject({available: false, code: 'bdb_unavailable'})
    expect(availability(members, 'b', 1000, context(ids))).toEqual({available: true})
    expect(availability(members, 'c', 1000, context(ids))).toEqual({available: true})
    // without the lag check, answering is enough
    expect(availability(members, 'a', null, context(ids))).toEqual({available: true})
  })

  it('one direction lagging is enough to leave the set', () => {
    const lag = all(ids, 100)
    lag.c.a = 2500
    lag.c.b = 2500
    const members = group(ids, lag)
    expect(availability(members, 'c', 500, context(ids))).toMatchObject({code: 'bdb_unavailable'})
    expect(availability(members, 'c', 5000, context(ids))).toEqual({available: true})
  })

  it('a member that does not answer is bdb_endpoint_unavailable, with or without the lag check', () => {
    const members = group(ids, all(ids, 100), ['b'])
    expect(availability(members, 'b', null, context(ids))).toMatchObject({code: 'bdb_endpoint_unavailable'})
    expect(availability(members, 'b', 1000, context(ids))).toMatchObject({code: 'bdb_endpoint_unavailable'})
    expect(availability(members, 'a', 1000, context(ids))).toEqual({available: true})
  })

  it('fewer than half of the members answering: no_quorum with the lag check', () => {
    const members = group(ids, all(ids, 100), ['b', 'c'])
    expect(availability(members, 'a', 1000, context(ids))).toMatchObject({code: 'no_quorum'})
    expect(availability(members, 'a', null, context(ids))).toEqual({available: true})
  })

  it('a 2-member group whose link breaks keeps its first member available, the other not', () => {
    const pair = ['eastus', 'westus']
    const members = group(pair, {})
    expect(availability(members, 'eastus', 1000, context(pair))).toEqual({available: true})
    expect(availability(members, 'westus', 1000, context(pair))).toMatchObject({code: 'bdb_unavailable'})
    // one of two down: the survivor is half the group, which is enough
    expect(availability(group(pair, {}, ['eastus']), 'westus', 1000, context(pair))).toEqual({available: true})
  })

  it('active-passive: only the primary writes, so a replica is judged by primary→replica lag alone', () => {
    const pair = ['primary', 'replica']
    const members = group(pair, {primary: {replica: 200}}).map((m) => ({...m, writer: m.id === 'primary'}))
    const writes = new Map([...context(pair).writes].filter(([id]) => id === 'primary'))
    expect(availability(members, 'replica', 1000, {writes})).toEqual({available: true})
    expect(availability(members, 'replica', 100, {writes})).toMatchObject({code: 'bdb_unavailable'})
    expect(availability(members, 'primary', 100, {writes})).toEqual({available: true})
  })

  it('heartbeats off: the lag check cannot be made and answering decides', () => {
    const members = group(ids, {})
    expect(availability(members, 'c', 100, OFF)).toEqual({available: true})
  })

  it('ties between equally large sets go to the one whose first member comes first', () => {
    const four = ['a', 'b', 'c', 'd']
    const lag = {a: {b: 10}, b: {a: 10}, c: {d: 10}, d: {c: 10}}
    const set = largestLinkedSet(group(four, lag), 100, context(four))
    expect(set.map((m) => m.id)).toEqual(['a', 'b'])
  })
})

describe('uid', () => {
  it('is a positive 31-bit integer from the lower-cased id, the same every time', () => {
    const id = '/subscriptions/S/resourceGroups/rg/providers/Microsoft.Cache/redisEnterprise/c1/databases/default'
    expect(bdbUid(id)).toBe(bdbUid(id.toLowerCase()))
    expect(bdbUid(id)).toBeGreaterThan(0)
    expect(bdbUid(id)).toBeLessThan(2 ** 31)
    expect(bdbUid(id)).not.toBe(bdbUid(id.replace('c1', 'c2')))
    const uids = assignUids([id, id.replace('c1', 'c2')])
    expect(new Set(uids.values()).size).toBe(2)
  })
})
