// The drills the replicator follows at run time, read from the sandbox state (state.json, which `sandbox outage
// --mode isolate`, `sandbox restore` and `sandbox lag` rewrite under the sandbox lock): which members are isolated
// (nothing copied to or from them) and which have a replication delay of their own. The state file is the one
// channel: the replicator re-reads it when it changes, as it does the emulator's world.
import {idKey} from '../../domain/ids.js'
import type {SandboxState} from '../control/state.js'

export interface ReplicationDrills {
  /** idKeys of isolated members */
  isolated: Set<string>
  /** idKey → delay (ms) of every copy to and from that member */
  lagMs: Map<string, number>
}

export function drillsOf(state: Pick<SandboxState, 'members'>): ReplicationDrills {
  const isolated = new Set<string>()
  const lagMs = new Map<string, number>()
  for (const m of state.members) {
    if (m.outage?.mode === 'isolate') isolated.add(idKey(m.id))
    if (typeof m.lagMs === 'number' && m.lagMs > 0) lagMs.set(idKey(m.id), m.lagMs)
  }
  return {isolated, lagMs}
}

/** ARM's mutual peers without the isolated members: an isolated member has no peer and is nobody's peer. */
export function withoutIsolated(peers: Map<string, Set<string>>, isolated: Set<string>): Map<string, Set<string>> {
  const effective = new Map<string, Set<string>>()
  for (const [id, set] of peers) {
    effective.set(id, isolated.has(id) ? new Set() : new Set([...set].filter((p) => !isolated.has(p))))
  }
  return effective
}

/** The delay of a copy between two members: the member's own delay (the longer when both have one), else the group's. */
export function lagBetween(overrides: Map<string, number>, fallbackMs: number, from: string, to: string): number {
  const a = overrides.get(from)
  const b = overrides.get(to)
  if (a === undefined) return b ?? fallbackMs
  return b === undefined ? a : Math.max(a, b)
}
