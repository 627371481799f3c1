// The emulator's --hooks module in the sandbox: ARM operations that discard data do it on the sandbox's
// redis-servers. force-link discards the joining member's data (as Azure does: it resyncs from the group), flush
// empties the target and the linked databases named. The emulator runs the hook before it changes the world, and a
// hook that throws fails the operation (e.g. the joining member's redis-server is down).
// The state directory comes from GEO_REDIS_SANDBOX_DIR, set by `geo-redis sandbox up`.
import {readFileSync} from 'node:fs'
import {idKey} from '../../domain/ids.js'
import {openConnection, type Connection} from '../../redis/connect.js'
import {readState, readWorld, statePathsIn} from '../control/state.js'
import {memberTarget} from './redis-server.js'

const TIMEOUT_MS = 3000

export async function onForceLink(databaseId: string): Promise<void> {
  await flushAll([databaseId])
}

export async function onFlush(databaseIds: string[]): Promise<void> {
  await flushAll(databaseIds)
}

async function flushAll(ids: string[]): Promise<void> {
  const dir = process.env.GEO_REDIS_SANDBOX_DIR
  if (!dir) return
  const paths = statePathsIn(dir)
  const state = readState(paths)
  if (!state?.redis) return
  const world = readWorld(paths.world)
  if (!world) throw new Error(`cannot read ${paths.world}`)
  const ca = state.plaintext ? undefined : readFileSync(paths.ca, 'utf8')
  await Promise.all(
    ids.map(async (id) => {
      const member = state.members.find((m) => idKey(m.id) === idKey(id))
      const password = world.databases.find((d) => idKey(d.id) === idKey(id))?.keys.primaryKey
      if (!member || password === undefined) return
      let client: Connection['client'] | undefined
      try {
        ;({client} = await openConnection(memberTarget(member, password, ca), {timeoutMs: TIMEOUT_MS}))
        await client.flushall()
      } catch (error) {
        throw new Error(`cannot discard the data of ${member.cluster} (${member.host}:${member.port}): ${(error as Error).message}`, {cause: error})
      } finally {
        client?.disconnect()
      }
    }),
  )
}
