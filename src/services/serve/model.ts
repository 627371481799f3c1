// What serve and watch watch: the groups and members, with the targets to dial. What they report is in
// domain/serve/status.ts.
import type {MemberIdentity} from '../../domain/serve/status.js'
import type {RedisTarget} from '../ports.js'

/** One member to watch, from ARM or a group file. */
export interface WatchedMember extends MemberIdentity {
  /** the SKU's nominal size, the limit when maxmemory is 0; null when unknown */
  skuMemoryGB: number | null
  /** null: not dialled (no endpoint, or no credentials: `why`) */
  target: RedisTarget | null
  why?: string
}

export interface WatchedGroup {
  nickname: string
  key: string
  /** in the group's member order: ties of the availability policy go to the first */
  members: WatchedMember[]
  /** active-passive: the primary's uid, the only member heartbeats are written on; null: every member */
  primary: number | null
}
