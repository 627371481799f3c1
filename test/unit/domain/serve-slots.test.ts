// Cluster slots for per-shard heartbeats: Redis's own hashing, and a tag for every slot.
import {describe, expect, it} from 'vitest'
import {keySlot, tagForSlot} from '../../../src/domain/serve/slots.js'

describe('key slots', () => {
  it('hash as Redis Cluster does, hash tags included', () => {
    // values from CLUSTER KEYSLOT
    expect(keySlot('foo')).toBe(12_182)
    expect(keySlot('bar')).toBe(5061)
    expect(keySlot('{foo}.anything')).toBe(12_182)
    expect(keySlot('{}foo')).toBe(keySlot('{}foo'))
  })

  it('every slot has a short tag that lands in it', () => {
    for (const slot of [0, 1, 5460, 5461, 10_922, 10_923, 16_383]) expect(keySlot(`geo-redis:hb:{${tagForSlot(slot)}}:x`)).toBe(slot)
  })
})
