// serve's use case over an in-memory data side: the watcher's rounds, the answers from its state, one log line per
// change, and nothing left running after stop. Replication is a switch per member: a heartbeat written on a member is
// copied at once to every member whose link is up.
import {afterEach, describe, expect, it, vi} from 'vitest'
import {ServeAnswers, changeTracker, statusDocument} from '../../../src/services/serve/answers.js'
import type {WatchedGroup} from '../../../src/services/serve/model.js'
import {Watcher} from '../../../src/services/serve/watcher.js'
import type {Heartbeats, MemberSession, RedisTarget, RoundRequest, RoundResult} from '../../../src/services/ports.js'
import {expectSchema} from '../../helpers/schema.js'

class FakeHeartbeats implements Heartbeats {
  readonly stores = new Map<string, Map<string, number>>()
  readonly down = new Set<string>()
  readonly cut = new Set<string>()
  rounds = 0

  open(target: RedisTarget): MemberSession {
    const store = new Map<string, number>()
    this.stores.set(target.id, store)
    return {
      tags: () => [],
      close: () => {},
      round: async (request: RoundRequest): Promise<RoundResult> => {
        this.rounds++
        if (this.down.has(target.id)) return {answered: false, pingMs: null, error: 'refused: connect ECONNREFUSED', read: false, seen: new Map(), memory: null}
        if (request.heartbeat) {
          for (const [id, other] of this.stores) {
            if (id === target.id || (!this.cut.has(id) && !this.cut.has(target.id))) other.set(request.heartbeat.writer, request.heartbeat.stamp)
          }
        }
        const seen = new Map(request.peers.filter((p) => store.has(p.writer)).map((p) => [p.writer, store.get(p.writer)!]))
        return {answered: true, pingMs: 0.2, error: null, read: true, seen, memory: request.memory ? {usedBytes: 10 << 20, maxBytes: 100 << 20} : null}
      },
    }
  }

  async addresses(host: string): Promise<string[]> {
    return [host]
  }
}

const member = (name: string, uid: number) => ({
  uid,
  id: `group-file:geo/${name}`,
  name: `${name}/geo`,
  label: name,
  location: name,
  host: `10.0.0.${uid}`,
  port: 10000,
  skuMemoryGB: null,
  target: {id: name, host: `10.0.0.${uid}`, port: 10000, tls: false, auth: null},
})
const group: WatchedGroup = {nickname: 'geo', key: 'group-file:geo', primary: null, members: [member('eastus', 1), member('northeurope', 2), member('westus2', 3)]}
const settings = {intervalMs: 20, timeoutMs: 100, heartbeat: true, lagToleranceMs: 100, thresholdPct: 85, runwayWindowMs: 60_000}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
let watcher: Watcher | undefined

afterEach(() => watcher?.stop())

async function started(fake: FakeHeartbeats, log: string[] = []) {
  const tracker: {track?: ReturnType<typeof changeTracker>} = {}
  watcher = new Watcher([group], fake, settings, 'test', undefined, (g) => log.push(...(tracker.track?.(g) ?? [])))
  tracker.track = changeTracker(watcher)
  await watcher.start()
  await sleep(100)
  return {answers: new ServeAnswers(watcher), watcher, log}
}

describe('serve over in-memory members', () => {
  it('answers from its state: /v1/bdbs, 200 with the lag check, 404 for an unknown uid', async () => {
    const {answers, watcher: w} = await started(new FakeHeartbeats())
    expect(answers.bdbs()).toEqual(group.members.map((m) => ({uid: m.uid, name: m.name, endpoints: [{dns_name: m.host, addr: [m.host], port: 10000}]})))
    for (const m of group.members) expect(answers.availability(m.uid, {lag: true})).toEqual({status: 200, body: {}})
    expect(answers.availability(99, {lag: true})).toMatchObject({status: 404, body: {error_code: 'db_not_found'}})
    const doc = statusDocument(w)
    expectSchema('serve-status', doc)
    expect(doc.groups[0]).toMatchObject({status: 'healthy', membersLinked: 3})
  })

  it('a member cut off is bdb_unavailable, one down is bdb_endpoint_unavailable: one log line each', async () => {
    const fake = new FakeHeartbeats()
    const {answers, log} = await started(fake)
    fake.cut.add('westus2')
    fake.down.add('northeurope')
    await sleep(300)
    expect(answers.availability(3, {lag: true})).toMatchObject({status: 503, body: {error_code: 'bdb_unavailable'}})
    // without the lag check, answering is enough
    expect(answers.availability(3, {lag: false})).toEqual({status: 200, body: {}})
    expect(answers.availability(2, {lag: true})).toMatchObject({status: 503, body: {error_code: 'bdb_endpoint_unavailable'}})
    expect(log.filter((l) => l.includes('westus2'))).toEqual([
      'geo: westus2 (westus2/geo) started → available',
      expect.stringMatching(/^geo: westus2 \(westus2\/geo\) available → bdb_unavailable: not in the largest set/),
    ])
  })

  it('stop leaves nothing running: no round after it', async () => {
    const fake = new FakeHeartbeats()
    const {watcher: w} = await started(fake)
    w.stop()
    const rounds = fake.rounds
    await sleep(100)
    expect(fake.rounds).toBe(rounds)
  })

  it('rounds in batches of at most 25 members spread over the interval, the first at the tick', async () => {
    vi.useFakeTimers()
    try {
      const fake = new FakeHeartbeats()
      const groups: WatchedGroup[] = Array.from({length: 6}, (_, g) => ({
        nickname: `g${g}`,
        key: `group-file:g${g}`,
        primary: null,
        members: Array.from({length: 5}, (_, m) => member(`m${g}-${m}`, 10 + g * 5 + m)),
      }))
      watcher = new Watcher(groups, fake, {...settings, intervalMs: 40}, 'test')
      await watcher.start()
      expect(fake.rounds).toBe(30)
      await vi.advanceTimersByTimeAsync(40)
      expect(fake.rounds).toBe(55)
      await vi.advanceTimersByTimeAsync(19)
      expect(fake.rounds).toBe(55)
      // the other 5, half an interval later
      await vi.advanceTimersByTimeAsync(1)
      expect(fake.rounds).toBe(60)
    } finally {
      watcher?.stop()
      vi.useRealTimers()
    }
  })
})
