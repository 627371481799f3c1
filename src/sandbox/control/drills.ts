// Outage drills on a running group sandbox: `outage` takes one member down as in a regional outage (its redis-server
// stopped or frozen, ARM answering 503 or nothing for its cluster), `restore` brings it back and reports replication
// as the replicator sees it. Every drill runs under the sandbox lock on a ready group sandbox (`drill`), changes the
// state and the emulator together, and names the member as `resolveMember` does: new drills take the same path.
import {readFileSync} from 'node:fs'
import {UsageError} from '../../domain/errors.js'
import {idKey, normaliseLocation} from '../../domain/ids.js'
import type {ArmOutageMode} from '../emulator/outages.js'
import {REDIS_INSTALL_HINT} from '../members/redis-server.js'
import {signal as sendSignal, stopProcess, which} from '../processes.js'
import {adminRequest, expectOk} from './admin.js'
import {memberSummary, type OutageResult, type RestoredMember, type RestoreResult, type SandboxContext} from './api.js'
import {acquireLock, LOCK_WAIT_MS} from './lock.js'
import {pidRecycled, restartMember, settleReplication} from './restart.js'
import {readState, readWorld, SANDBOX_PROFILE, sandboxPaths, writeState, type MemberRecord, type OutageMode, type RunningSandbox} from './state.js'

/** Runs `body` under the sandbox lock on a ready group sandbox (exit 2 when none runs, or only a fleet). */
async function drill<T>(context: SandboxContext, what: string, body: (d: RunningSandbox) => Promise<T>): Promise<T> {
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

/** How ARM answers for the member's cluster during each kind of outage. */
const ARM_OUTAGE: Record<OutageMode, ArmOutageMode> = {stop: 'error', freeze: 'timeout'}

export function sandboxOutage(target: string, mode: OutageMode, context: SandboxContext): Promise<OutageResult> {
  return drill(context, 'sandbox outage', async ({state, paths, save}) => {
    const member = resolveMember(state.members, target)
    const arm = ARM_OUTAGE[mode]
    const redis = !state.redis ? 'none (--no-redis)' : mode === 'stop' ? 'stopped' : 'frozen'
    const next = [`geo-redis inventory --profile ${SANDBOX_PROFILE}`, `geo-redis sandbox restore ${member.cluster}`]
    if (member.outage) {
      if (member.outage.mode === mode) return {member: memberSummary(member), mode, arm, redis, alreadyInOutage: true, next}
      throw new UsageError(`${member.cluster} is already in a "${member.outage.mode}" outage`, `restore it first: geo-redis sandbox restore ${member.cluster}`)
    }
    if (state.redis && member.process) await takeDown(member, mode, context.onProgress)
    member.outage = {mode, since: new Date().toISOString()}
    save()
    await adminRequest(state, paths, 'POST', '/_emulator/outage', {target: member.cluster, mode: arm}).then(expectOk)
    return {member: memberSummary(member), mode, arm, redis, alreadyInOutage: false, next}
  })
}

/** Stops (SIGTERM, port and key kept for restore) or freezes (SIGSTOP) the member's redis-server. */
async function takeDown(member: MemberRecord, mode: OutageMode, progress?: (line: string) => void): Promise<void> {
  const record = member.process!
  if (mode === 'stop') {
    progress?.(`stopping redis-server ${member.cluster} (pid ${record.pid})`)
    if ((await stopProcess(record, {graceMs: 3000})) === 'foreign') throw pidRecycled(member)
    member.process = null
  } else {
    progress?.(`freezing redis-server ${member.cluster} (pid ${record.pid})`)
    if (!sendSignal(record, 'SIGSTOP')) throw pidRecycled(member)
  }
}

export function sandboxRestore(target: string | undefined, context: SandboxContext): Promise<RestoreResult> {
  return drill(context, 'sandbox restore', async (d) => {
    const chosen = target ? [resolveMember(d.state.members, target)] : d.state.members
    const toRestore = chosen.filter((m) => m.outage)
    if (toRestore.length === 0) return {nothingToDo: true, restored: []}
    const redisServer = d.state.redis ? which('redis-server') : null
    if (d.state.redis && !redisServer) throw new UsageError('redis-server is no longer on PATH', REDIS_INSTALL_HINT, 'RedisServerMissing')
    const world = readWorld(d.paths.world)
    const caPem = d.state.plaintext ? undefined : readFileSync(d.paths.ca, 'utf8')
    const restored: RestoredMember[] = []
    for (const member of toRestore) {
      // before the restart: the replicator may reconnect and resync it before the emulator is told
      const since = Date.now()
      const from = member.outage!.mode
      const redis = d.state.redis ? await restartMember(d, member, {redisServer: redisServer!, world, caPem}, context.onProgress) : 'none (--no-redis)'
      await adminRequest(d.state, d.paths, 'POST', '/_emulator/restore', {target: member.cluster}).then(expectOk)
      delete member.outage
      d.save()
      restored.push({member: memberSummary(member), from, redis, ...(await settleReplication(d, member, since))})
    }
    return {nothingToDo: false, restored}
  })
}
