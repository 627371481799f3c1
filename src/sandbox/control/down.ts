// `sandbox down`: stops everything the sandbox started, whether its state records it or only the host shows it, and
// removes the state folder. The "sandbox" profile is the command's: it is handed `forgetProfile`.
import {existsSync, rmSync} from 'node:fs'
import {liveness, stopProcess} from '../processes.js'
import {acquireLock, LOCK_WAIT_MS} from './lock.js'
import type {DownResult, ProfileKeeper, SandboxContext} from './api.js'
import {strays} from './strays.js'
import {readState, recordedProcesses, SANDBOX_PROFILE, sandboxPaths, type ProcessRecord, type SandboxPaths, type SandboxState} from './state.js'

export async function sandboxDown(options: SandboxContext & ProfileKeeper): Promise<DownResult> {
  const paths = sandboxPaths(options.home)
  const lock = await acquireLock(paths, 'sandbox down', LOCK_WAIT_MS)
  try {
    const {state, unreadable} = readStateIfAny(paths)
    const records = state ? recordedProcesses(state) : []
    // what the host shows besides: everything, when the state is corrupt or missing
    const found = strays(paths, records.map((r) => r.process.pid))
    const notes: string[] = []
    if (unreadable) notes.push(`${unreadable}; its processes were found by command line and pid file`)
    else if (!state && found.length > 0) notes.push(`the sandbox state is missing; its processes were found by command line and pid file`)
    else if (found.length > 0) notes.push(`${found.length} process(es) of the sandbox were not in its state: stopped them too`)
    if (!state && !existsSync(paths.dir) && found.length === 0) {
      const profileRemoved = options.forgetProfile(SANDBOX_PROFILE, paths.ca)
      return {nothingToDo: !profileRemoved, stateDir: paths.dir, stopped: [], profileRemoved, survivors: [], notes}
    }
    options.onProgress?.('stopping the sandbox')
    const stopped = state ? await teardown(state, paths) : []
    stopped.push(...(await Promise.all(found.map(async (s) => ({name: s.name, pid: s.process.pid, result: await stopProcess(s.process)})))))
    rmSync(paths.dir, {recursive: true, force: true})
    const profileRemoved = options.forgetProfile(SANDBOX_PROFILE, paths.ca)
    const survivors = [...records, ...found].filter((r) => liveness(r.process) === 'running').map((r) => ({name: r.name, pid: r.process.pid}))
    return {nothingToDo: false, stateDir: paths.dir, stopped, profileRemoved, survivors, notes}
  } finally {
    lock.release()
  }
}

/** Stops everything the state records (replicator first, so it does not chase the others) and removes the state. */
export async function teardown(state: SandboxState, paths: Pick<SandboxPaths, 'dir'>): Promise<DownResult['stopped']> {
  const stopped: DownResult['stopped'] = []
  const stop = async (name: string, record: ProcessRecord) => stopped.push({name, pid: record.pid, result: await stopProcess(record)})
  if (state.replicator) await stop('replicator', state.replicator)
  await Promise.all(
    recordedProcesses(state)
      .filter((p) => p.name !== 'replicator')
      .map((p) => stop(p.name, p.process)),
  )
  rmSync(paths.dir, {recursive: true, force: true})
  return stopped
}

/** The state, or null when there is none or it cannot be read (then `unreadable` says why). */
export function readStateIfAny(paths: Pick<SandboxPaths, 'dir' | 'state'>): {state: SandboxState | null; unreadable: string | null} {
  try {
    return {state: readState(paths), unreadable: null}
  } catch (error) {
    return {state: null, unreadable: (error as Error).message}
  }
}
