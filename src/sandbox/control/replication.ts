// Replication as the replicator reports it: its status file (replicator-status.json), rewritten on every change and
// every second, read by `sandbox status` and `sandbox restore`. Never more than the replicator said.
import {readFileSync} from 'node:fs'
import {idKey} from '../../domain/ids.js'
import type {MemberView, ReplicatorView} from '../replicator/replicator.js'
import type {Replication} from './api.js'
import type {MemberRecord, SandboxPaths} from './state.js'

/** A view older than this means the replicator no longer writes it (it writes every second). */
const VIEW_STALE_MS = 5000

/** The replicator's status file; null when missing or torn. */
export function readReplicatorView(paths: Pick<SandboxPaths, 'replicatorStatus'>): ReplicatorView | null {
  try {
    return JSON.parse(readFileSync(paths.replicatorStatus, 'utf8')) as ReplicatorView
  } catch {
    return null
  }
}

export function replicationOf(view: ReplicatorView | null, member: Pick<MemberRecord, 'id'>): Replication {
  const seen = view && Date.now() - Date.parse(view.at) <= VIEW_STALE_MS ? view.members[idKey(member.id)] : undefined
  if (!seen) return 'unknown'
  if (!seen.connected) return 'not connected'
  if (seen.isolated) return 'isolated'
  return seen.peers.length > 0 ? 'replicating' : 'not linked'
}

/** Connected again after `since` and, when it has a linked peer, resynced (or failed to) since then. */
export function settledAfterRestore(view: ReplicatorView | null, member: Pick<MemberRecord, 'id'>, since: number): boolean {
  const seen = view && Date.parse(view.at) >= since ? view.members[idKey(member.id)] : undefined
  // a view written just after the restore may come from a state read before it: still isolated is not settled
  if (!seen?.connected || seen.isolated === true) return false
  return seen.peers.length === 0 || (seen.lastResync !== null && Date.parse(seen.lastResync.at) >= since)
}

/** The replicator's view of the member, written after `since`, satisfies `follows` (a drill it has taken in). */
export function replicatorShows(view: ReplicatorView | null, member: Pick<MemberRecord, 'id'>, since: number, follows: (seen: MemberView) => boolean): boolean {
  const seen = view && Date.parse(view.at) >= since ? view.members[idKey(member.id)] : undefined
  return seen !== undefined && follows(seen)
}
