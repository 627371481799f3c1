// The group's members in `sandbox up` and `sandbox restore`: each on a loopback address of its own at Azure's port
// 10000, recorded in the state, its redis-server started from its redis.conf and recorded as soon as it exists.
import {join} from 'node:path'
import {OperationError} from '../../domain/errors.js'
import {idKey} from '../../domain/ids.js'
import {nameOf, type World} from '../emulator/world.js'
import {loopbackAddress, MEMBER_PORT} from '../members/addresses.js'
import {memberTarget, PortInUseError, startRedisMember, writeMemberConfig, type TlsFiles} from '../members/redis-server.js'
import {portIsFree} from '../processes.js'
import type {MemberRecord, SandboxPaths, SandboxState} from './state.js'

export interface Endpoint {
  host: string
  port: number
}

const ADDRESS_ATTEMPTS = 20

/** A loopback address of this process's own where nothing listens on port 10000 yet. */
export async function freeMemberEndpoint(): Promise<Endpoint> {
  for (let attempt = 1; attempt <= ADDRESS_ATTEMPTS; attempt++) {
    const host = loopbackAddress()
    if (await portIsFree(MEMBER_PORT, host)) return {host, port: MEMBER_PORT}
  }
  throw new OperationError(
    `no free loopback address for a sandbox member (port ${MEMBER_PORT} taken on ${ADDRESS_ATTEMPTS} addresses)`,
    'see what listens with `ss -ltn`, then run `geo-redis sandbox up` again',
  )
}

/** The world's databases as the state records them: the first `members` are the group, the last the standalone cache. */
export function groupMembers(world: World, paths: Pick<SandboxPaths, 'dir'>, members: number, endpoints: Endpoint[], tls: boolean): MemberRecord[] {
  return world.databases.map((db, i): MemberRecord => {
    const cluster = world.clusters.find((c) => idKey(`${c.id}/databases/default`) === idKey(db.id))!
    const dir = join(paths.dir, `redis-${i + 1}`)
    return {
      id: db.id,
      cluster: nameOf(cluster.id),
      location: cluster.location,
      role: i < members ? 'member' : 'standalone',
      host: endpoints[i].host,
      hostName: cluster.hostName,
      port: endpoints[i].port,
      tls,
      dir,
      config: join(dir, 'redis.conf'),
      process: null,
    }
  })
}

/** Every member's redis-server, with the access key of the same index, started at once. */
export async function startMembers(
  state: SandboxState,
  paths: Pick<SandboxPaths, 'ca' | 'serverCert' | 'serverKey'>,
  keys: {primaryKey: string}[],
  caPem: string,
  redisServer: string,
  save: () => void,
  progress?: (line: string) => void,
): Promise<void> {
  const tls: TlsFiles = {cert: paths.serverCert, key: paths.serverKey, ca: paths.ca}
  await Promise.all(
    state.members.map(async (member, i) => {
      const password = keys[i].primaryKey
      writeMemberConfig(member, password, member.tls ? tls : null)
      try {
        await startRedisMember(member, redisServer, memberTarget(member, password, caPem), (record) => {
          member.process = record
          save()
        })
      } catch (error) {
        member.process = null
        // the address was free a moment ago and no other process allocates it: someone bound it on purpose
        if (error instanceof PortInUseError) throw new OperationError(`cannot start ${member.cluster}: ${error.message}`, 'run `geo-redis sandbox up` again')
        throw error
      }
      progress?.(`(✓) redis-server ${member.cluster} on ${member.host}:${member.port}${member.tls ? ' (TLS)' : ''}, pid ${member.process?.pid}`)
    }),
  )
}

/** A member's access key, from the emulator's world ('' when the world cannot say). */
export function accessKeyOf(world: World | null, member: Pick<MemberRecord, 'id'>): string {
  return world?.databases.find((d) => idKey(d.id) === idKey(member.id))?.keys.primaryKey ?? ''
}
