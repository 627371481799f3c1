// Outage drills on a running group sandbox: `outage` takes one member down as in a regional outage (its redis-server
// stopped or frozen, ARM answering 503 or nothing for its cluster) or isolates it (replication-drills.ts), `restore`
// brings it back and reports replication as the replicator sees it. Every drill runs under the sandbox lock on a ready
// group sandbox (drill.ts), changes the state and the emulator together, and names the member as `resolveMember` does.
import {readFileSync} from 'node:fs'
import {UsageError} from '../../domain/errors.js'
import type {ArmOutageMode} from '../emulator/outages.js'
import {REDIS_INSTALL_HINT} from '../members/redis-server.js'
import {signal as sendSignal, stopProcess, which} from '../processes.js'
import {adminRequest, expectOk} from './admin.js'
import {memberSummary, type OutageResult, type RestoredMember, type RestoreResult, type SandboxContext} from './api.js'
import {drill, resolveMember} from './drill.js'
import {endIsolation, isolateMember} from './replication-drills.js'
import {pidRecycled, restartMember, settleReplication} from './restart.js'
import {readWorld, SANDBOX_PROFILE, type MemberRecord, type OutageMode} from './state.js'

/** How ARM answers for the member's cluster during each kind of outage. */
const ARM_OUTAGE: Record<Exclude<OutageMode, 'isolate'>, ArmOutageMode> = {stop: 'error', freeze: 'timeout'}

export function sandboxOutage(target: string, mode: OutageMode, context: SandboxContext): Promise<OutageResult> {
  return drill(context, 'sandbox outage', async ({state, paths, save}) => {
    const member = resolveMember(state.members, target)
    const next = [`geo-redis inventory --profile ${SANDBOX_PROFILE}`, `geo-redis sandbox restore ${member.cluster}`]
    if (member.outage) {
      if (member.outage.mode === mode) return {...outageShape(member, mode, state.redis), alreadyInOutage: true, next}
      throw new UsageError(`${member.cluster} is already in a "${member.outage.mode}" outage`, `restore it first: geo-redis sandbox restore ${member.cluster}`)
    }
    if (mode === 'isolate') return isolateMember({state, paths, save}, target)
    const arm = ARM_OUTAGE[mode]
    const redis = !state.redis ? 'none (--no-redis)' : mode === 'stop' ? 'stopped' : 'frozen'
    if (state.redis && member.process) await takeDown(member, mode, context.onProgress)
    member.outage = {mode, since: new Date().toISOString()}
    save()
    await adminRequest(state, paths, 'POST', '/_emulator/outage', {target: member.cluster, mode: arm}).then(expectOk)
    return {member: memberSummary(member), mode, arm, redis, replicationCut: null, alreadyInOutage: false, next}
  })
}

/** What an outage of `mode` on the member looks like, for a repeated request. */
function outageShape(member: MemberRecord, mode: OutageMode, redis: boolean): Pick<OutageResult, 'member' | 'mode' | 'arm' | 'redis' | 'replicationCut'> {
  if (mode === 'isolate') return {member: memberSummary(member), mode, arm: 'normal', redis: 'answering', replicationCut: true}
  return {member: memberSummary(member), mode, arm: ARM_OUTAGE[mode], redis: !redis ? 'none (--no-redis)' : mode === 'stop' ? 'stopped' : 'frozen', replicationCut: null}
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
      if (member.outage!.mode === 'isolate') {
        restored.push(await endIsolation(d, member))
        continue
      }
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
