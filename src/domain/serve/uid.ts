// The uid a Redis Software client knows a database by (GET /v1/bdbs): derived from the ARM database id (or the group
// file's member id) alone, so it is the same on every restart and on every serve instance. Pure.
import {idKey} from '../ids.js'

/** FNV-1a (32 bit) of the lower-cased id, kept to a positive 31-bit integer: clients parse uid as an int. */
export function bdbUid(id: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(idKey(id))) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }

  return hash & 0x7fffffff || 1
}

/**
 * uids for every id watched, in the order given. Two ids that hash alike (one chance in a billion per pair) are told
 * apart by moving the later one, in the lower-cased ids' order, to the next free uid: stable as long as the set of
 * ids served is.
 */
export function assignUids(ids: readonly string[]): Map<string, number> {
  const taken = new Set<number>()
  const uids = new Map<string, number>()
  for (const id of [...new Set(ids.map(idKey))].sort()) {
    let uid = bdbUid(id)
    while (taken.has(uid)) uid = (uid % 0x7fffffff) + 1
    taken.add(uid)
    uids.set(id, uid)
  }

  return uids
}
