// The sandbox replicator process, started by `geo-redis sandbox up`:
//   node dist/sandbox/replicator/main.js --state-dir <dir>   (package import #sandbox/replicator)
// Reads the members, ports and TLS from <dir>/state.json (and the drills in it: isolated members, delays per member,
// re-read when it changes), access keys and links from <dir>/world.json (which the emulator rewrites on every change:
// re-read when it changes), writes <dir>/replicator-ready.json once every member
// is connected and <dir>/replicator-status.json every second. SIGTERM or SIGINT: clean exit.
import {existsSync, readFileSync, statSync} from 'node:fs'
import {parseArgs} from 'node:util'
import {idKey} from '../../domain/ids.js'
import {writeFileAtomicSync} from '../../shared/atomic.js'
import {readState, readWorld, statePathsIn, type SandboxPaths} from '../control/state.js'
import {memberTarget} from '../members/redis-server.js'
import {openReplicationLink} from './link.js'
import {drillsOf, withoutIsolated, type ReplicationDrills} from './drills.js'
import {groupMembers, mutualPeers, Replicator, type MemberView, type ReplicatorView} from './replicator.js'

/** the state folder's files: the replicator is given only the folder */
type StatePaths = Omit<SandboxPaths, 'lock'>

const CONNECT_TIMEOUT_MS = 2000
const WORLD_POLL_MS = 200

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`)
}

/** The replicator of the sandbox in `paths`, connecting to every group member with its access key. */
interface Following {
  /** the drills in the state file, as last read */
  drills: ReplicationDrills
  /** ARM's mutual links, as last read from the world */
  peers: Map<string, Set<string>>
}

function replicatorOf(paths: StatePaths): {replicator: Replicator; members: string[]; following: Following} {
  const state = readState(paths)
  if (!state) throw new Error(`no sandbox state in ${paths.dir}`)
  const world = readWorld(paths.world)
  if (!world) throw new Error(`cannot read ${paths.world}`)
  const ca = state.plaintext ? undefined : readFileSync(paths.ca, 'utf8')
  const records = new Map(state.members.map((m) => [idKey(m.id), m]))
  const keys = new Map(world.databases.map((d) => [idKey(d.id), d.keys.primaryKey]))
  const members = groupMembers(world).filter((id) => records.has(id))
  const replicator = new Replicator({
    members,
    lagMs: state.lagMs,
    log,
    label: (id) => records.get(id)?.cluster ?? id,
    connect: (id, onKeyEvent) => {
      const record = records.get(id)!
      return openReplicationLink(memberTarget({...record, id}, keys.get(id) ?? '', ca), {timeoutMs: CONNECT_TIMEOUT_MS, onKeyEvent})
    },
  })
  const following: Following = {drills: drillsOf(state), peers: mutualPeers(world)}
  replicator.setLagOverrides(following.drills.lagMs)
  replicator.setTopology(withoutIsolated(following.peers, following.drills.isolated), true)
  log(`replicating ${members.length} members with ${state.lagMs} ms lag`)
  return {replicator, members, following}
}

/**
 * Follows the world file, which changes when ARM operations (force-unlink, force-link) complete, and the state file,
 * which changes with the drills (isolate, restore, lag); `onGone` once the state is. Either change sets the topology
 * again: ARM's mutual links without the isolated members.
 */
function watchFiles(paths: StatePaths, replicator: Replicator, following: Following, onGone: () => void): NodeJS.Timeout {
  let seenWorld = signature(paths.world)
  let seenState = signature(paths.state)
  return setInterval(() => {
    // the state directory was removed without `sandbox down`: nothing left to serve
    if (!existsSync(paths.state)) {
      log('the sandbox state is gone: exiting')
      onGone()
      return
    }
    const [world, state] = [signature(paths.world), signature(paths.state)]
    if (world === seenWorld && state === seenState) return
    // a file that cannot be read now (torn, or being replaced) keeps what was last read; the next tick tries again
    const changedWorld = world === seenWorld ? null : readWorld(paths.world)
    if (changedWorld) [seenWorld, following.peers] = [world, mutualPeers(changedWorld)]
    const changedDrills = state === seenState ? null : readDrills(paths)
    if (changedDrills) [seenState, following.drills] = [state, changedDrills]
    if (!changedWorld && !changedDrills) return
    replicator.setLagOverrides(following.drills.lagMs)
    replicator.setTopology(withoutIsolated(following.peers, following.drills.isolated))
  }, WORLD_POLL_MS)
}

/** The drills in the state file; null while it cannot be read (the next change will do). */
function readDrills(paths: StatePaths): ReplicationDrills | null {
  try {
    const state = readState(paths)
    return state ? drillsOf(state) : null
  } catch {
    return null
  }
}

/**
 * Writes the status as soon as a link, a peer or a resync changes (so `sandbox status` right after `up` or `restore`
 * sees what is), and every second for the counters; the ready file once every member is connected, after the status
 * so that a reader of the ready file finds the status too.
 */
function reportStatus(paths: StatePaths, replicator: Replicator, members: string[], following: Following): NodeJS.Timeout {
  let announced = false
  let ticks = 0
  let written = ''
  const report = () => {
    const view: ReplicatorView['members'] = Object.fromEntries(
      members.map((id) => {
        const resync = replicator.lastResync(id)
        const seen: MemberView = {
          connected: replicator.connected(id),
          peers: [...replicator.peersOf(id)],
          lastResync: resync ? {...resync, at: new Date(resync.at).toISOString()} : null,
          isolated: following.drills.isolated.has(id),
          lagMs: replicator.lagOverrideOf(id) ?? null,
        }
        return [id, seen]
      }),
    )
    const snapshot = JSON.stringify(view)
    if (snapshot !== written || ticks++ % 10 === 0) {
      const status: ReplicatorView = {pid: process.pid, at: new Date().toISOString(), members: view, stats: replicator.stats}
      writeFileAtomicSync(paths.replicatorStatus, JSON.stringify(status))
      written = snapshot
    }
    if (replicator.ready && !announced) {
      announced = true
      writeFileAtomicSync(paths.replicatorReady, JSON.stringify({pid: process.pid, members}))
      log('every member connected')
    }
  }
  return setInterval(() => {
    try {
      report()
    } catch (error) {
      // the state directory is going away (sandbox down): the watcher ends this process
      log(`cannot write status: ${(error as Error).message}`)
    }
  }, 100)
}

function main(): void {
  const {values} = parseArgs({options: {'state-dir': {type: 'string'}}})
  if (!values['state-dir']) throw new Error('--state-dir <dir> is required')
  const paths = statePathsIn(values['state-dir'])
  const {replicator, members, following} = replicatorOf(paths)
  replicator.start()
  const shutdown = () => {
    clearInterval(watcher)
    clearInterval(reporter)
    replicator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  const watcher = watchFiles(paths, replicator, following, shutdown)
  const reporter = reportStatus(paths, replicator, members, following)
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

function signature(path: string): string {
  if (!existsSync(path)) return ''
  try {
    const s = statSync(path)
    return `${s.ino}/${s.mtimeMs}/${s.size}`
  } catch {
    return ''
  }
}

try {
  main()
} catch (error) {
  log(`replicator: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(2)
}
