// What serve and watch watch: the groups and members, with the targets to dial. What they report is in
// domain/serve/status.ts.
import type {RedisTarget} from '../ports.js'

/** One member to watch, from ARM or a group file. */
export interface WatchedMember {
  /** stable across restarts, from the id (domain/serve/uid.ts) */
  uid: number
  /** the ARM database id, or the group file's member id */
  id: string
  /** "<cluster>/<database>", as /v1/bdbs names it */
  name: string
  /** how an operator names it: its location (or cluster) */
  label: string
  location: string
  host: string
  port: number
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
