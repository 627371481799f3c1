// Bringing a member back after an outage drill: its redis-server thawed (SIGCONT) or restarted from its redis.conf
// (same address, port, access key and TLS; its data is gone), then, bounded, what the replicator says of it: linked
// and resynced from a peer, linked to no member, or not reconnected yet.
import {OperationError} from '../../domain/errors.js'
import {idKey} from '../../domain/ids.js'
import type {World} from '../emulator/world.js'
import {memberTarget, PortInUseError, startRedisMember} from '../members/redis-server.js'
import {liveness, signal as sendSignal, waitFor} from '../processes.js'
import type {Replication, RestoredMember} from './api.js'
import {accessKeyOf} from './members.js'
import {readReplicatorView, replicationOf, settledAfterRestore} from './replication.js'
import type {MemberRecord, RunningSandbox} from './state.js'

const RESTORE_SETTLE_MS = 5000

/** The member's recorded redis-server is gone, or its pid now belongs to another program: nothing was signalled. */
export function pidRecycled(member: MemberRecord): OperationError {
  return new OperationError(
    `the redis-server of ${member.cluster} is not running (pid ${member.process?.pid} is gone or belongs to another program)`,
    'geo-redis sandbox status; geo-redis sandbox down && geo-redis sandbox up to start over',
  )
}

export interface RestartInputs {
  redisServer: string
  world: World | null
  caPem: string | undefined
}

/** Thaws a frozen member's redis-server, or starts a stopped one again. */
export async function restartMember(
  sandbox: RunningSandbox,
  member: MemberRecord,
  inputs: RestartInputs,
  progress?: (line: string) => void,
): Promise<RestoredMember['redis']> {
  if (member.outage?.mode === 'freeze' && member.process) {
    progress?.(`thawing redis-server ${member.cluster} (pid ${member.process.pid})`)
    if (!sendSignal(member.process, 'SIGCONT')) throw pidRecycled(member)
    return 'thawed'
  }
  if (member.process && liveness(member.process) === 'running') return 'none (--no-redis)'
  progress?.(`restarting redis-server ${member.cluster} on ${member.host}:${member.port}`)
  try {
    await startRedisMember(member, inputs.redisServer, memberTarget(member, accessKeyOf(inputs.world, member), inputs.caPem), (record) => {
      member.process = record
      sandbox.save()
    })
  } catch (error) {
    member.process = null
    sandbox.save()
    if (error instanceof PortInUseError) {
      throw new OperationError(
        `cannot restart ${member.cluster}: ${member.host}:${member.port} was taken by another program meanwhile`,
        'geo-redis sandbox down && geo-redis sandbox up',
      )
    }
    throw new OperationError(`cannot restart ${member.cluster}: ${(error as Error).message}`, `see ${member.dir}/redis.log`)
  }
  return 'restarted'
}

/**
 * The replicator reconnects on its own and resyncs the member from a linked peer (if it has one): waits for that,
 * bounded, then reports what the replicator says, not what was hoped for. Nothing for the standalone cache or
 * without a replicator.
 */
export async function settleReplication(
  {state, paths}: RunningSandbox,
  member: MemberRecord,
  since: number,
): Promise<Pick<RestoredMember, 'replicating' | 'replication' | 'resync'>> {
  if (!state.replicator || member.role !== 'member') return {replicating: null, replication: null, resync: null}
  await waitFor(() => settledAfterRestore(readReplicatorView(paths), member, since), RESTORE_SETTLE_MS, 100)
  const view = readReplicatorView(paths)
  const replication: Replication = replicationOf(view, member)
  const last = view?.members[idKey(member.id)]?.lastResync
  let resync: RestoredMember['resync'] = null
  if (last && Date.parse(last.at) >= since) {
    const peer = last.from ? (state.members.find((m) => idKey(m.id) === idKey(last.from!))?.cluster ?? last.from) : null
    resync = {from: peer, keys: last.keys, ok: last.ok, ...(last.error ? {error: last.error} : {})}
  }
  return {replicating: replication === 'replicating', replication, resync}
}
