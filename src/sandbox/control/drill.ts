// What every drill shares: it runs under the sandbox lock on a ready group sandbox, and names its member as
// `resolveMember` does (cluster name, database or cluster id, or region). New drills take the same path.
import {UsageError} from '../../domain/errors.js'
import {idKey, normaliseLocation} from '../../domain/ids.js'
import type {SandboxContext} from './api.js'
import {acquireLock, LOCK_WAIT_MS} from './lock.js'
import {readState, sandboxPaths, writeState, type MemberRecord, type RunningSandbox} from './state.js'

/** Runs `body` under the sandbox lock on a ready group sandbox (exit 2 when none runs, or only a fleet). */
export async function drill<T>(context: SandboxContext, what: string, body: (d: RunningSandbox) => Promise<T>): Promise<T> {
  const paths = sandboxPaths(context.home)
  const lock = await acquireLock(paths, what, LOCK_WAIT_MS)
  try {
    const state = readState(paths)
    if (!state || !state.ready) throw new UsageError('the sandbox is not running', 'start it with `geo-redis sandbox up`', 'SandboxNotRunning')
    if (state.kind === 'fleet') {
      throw new UsageError('outage drills need the group sandbox, not a synthetic fleet', 'geo-redis sandbox down && geo-redis sandbox up')
    }
    return await body({state, paths, save: () => writeState(state, paths)})
  } finally {
    lock.release()
  }
}

/** A member by cluster name, database or cluster id, or region ("North Europe" or northeurope). */
export function resolveMember(members: MemberRecord[], target: string): MemberRecord {
  const wanted = target.trim()
  const key = idKey(wanted)
  const byName = members.filter((m) => m.cluster.toLowerCase() === key || idKey(m.id) === key || idKey(m.id).startsWith(`${key}/databases/`))
  if (byName.length === 1) return byName[0]
  const region = normaliseLocation(wanted)
  const inRegion = members.filter((m) => normaliseLocation(m.location) === region)
  // a region names the group member there (the standalone cache shares the first region)
  const groupInRegion = inRegion.filter((m) => m.role === 'member')
  if (groupInRegion.length === 1) return groupInRegion[0]
  if (inRegion.length === 1) return inRegion[0]
  const list = members.map((m) => `${m.cluster} (${m.location}${m.role === 'standalone' ? ', standalone cache' : ''})`).join(', ')
  throw new UsageError(`no sandbox member "${target}"`, `name one by cluster, region or database id: ${list}`, 'UnknownMember')
}

