// The use cases behind `geo-redis serve` and `geo-redis watch`: the groups read once (ARM or a group file), a watcher
// started, then answers over HTTP (serve) or frames for the terminal (watch) until a stop signal, or for watch a
// bounded count or duration. Everything started here is stopped here: no timer, socket or listener outlives the run.
import {randomBytes} from 'node:crypto'
import {stopSignalOf, type StopSignal} from '../../domain/errors.js'
import type {ScopeError} from '../../domain/model.js'
import type {GroupFiles, Heartbeats, ProbingArm, ServeListener} from '../ports.js'
import type {TargetOptions} from '../targets.js'
import {changeTracker, ServeAnswers, statusDocument} from './answers.js'
import {armWatchedGroups, fileWatchedGroups, type ArmSelection, type FileSelection} from './groups.js'
import type {StatusDocument, WatchSettings} from '../../domain/serve/status.js'
import type {WatchedGroup} from './model.js'
import {Watcher} from './watcher.js'

/** Where the groups come from: ARM (the usual selection flags) or a group file. */
export type GroupSource = {arm: ProbingArm; selection: ArmSelection; targets: TargetOptions} | {files: GroupFiles; selection: FileSelection}

interface WatchRunOptions {
  source: GroupSource
  heartbeats: Heartbeats
  settings: WatchSettings
  signal: AbortSignal
  /** one line per state change, and serve's own events */
  log: (line: string) => void
}

async function groupsOf(source: GroupSource): Promise<{groups: WatchedGroup[]; errors: ScopeError[]}> {
  if ('files' in source) return {groups: await fileWatchedGroups(source.files, source.selection), errors: []}
  return armWatchedGroups(source.arm, source.selection, source.targets)
}

/** Resolves when `signal` aborts (at once if it has), with the stop signal's name. */
function stopped(signal: AbortSignal): Promise<StopSignal | null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(stopSignalOf(signal))
    else signal.addEventListener('abort', () => resolve(stopSignalOf(signal)), {once: true})
  })
}

async function startWatcher(options: WatchRunOptions): Promise<{watcher: Watcher; errors: ScopeError[]}> {
  const {groups, errors} = await groupsOf(options.source)
  // a fresh instance id each start: heartbeats of an earlier run are never taken for this one's (restart-safe)
  const instance = randomBytes(4).toString('hex')
  const tracker: {track?: ReturnType<typeof changeTracker>} = {}
  const watcher = new Watcher(groups, options.heartbeats, options.settings, instance, undefined, (group) => {
    for (const line of tracker.track?.(group) ?? []) options.log(line)
  })
  tracker.track = changeTracker(watcher)
  await watcher.start()
  return {watcher, errors}
}

interface ServeResult {
  url: string
  instance: string
  groups: number
  members: number
  stoppedBy: StopSignal | null
}

/** `geo-redis serve`: watches, listens, and answers until a stop signal; then stops everything it started. */
export async function runServe(listener: ServeListener, options: WatchRunOptions): Promise<ServeResult> {
  const {watcher, errors} = await startWatcher(options)
  for (const e of errors) options.log(`could not read ${e.scope}: ${e.code}: ${e.message}`)
  try {
    const server = await listener.listen(new ServeAnswers(watcher))
    const members = watcher.members().length
    options.log(`serving ${members} members of ${watcher.groups.length} groups on ${server.url} (instance ${watcher.instance})`)
    const stoppedBy = await stopped(options.signal)
    options.log(`stopping on ${stoppedBy ?? 'request'}`)
    await server.close()
    return {url: server.url, instance: watcher.instance, groups: watcher.groups.length, members, stoppedBy}
  } finally {
    watcher.stop()
  }
}

interface WatchLimits {
  /** frames to show, then stop; null: until stopped */
  count: number | null
  /** stop after this long; null: until stopped */
  durationMs: number | null
  /** one frame every this long */
  refreshMs: number
}

/** `geo-redis watch`: a status document every refresh, to `onFrame`, until a limit or a stop signal. */
export async function runWatch(options: WatchRunOptions & WatchLimits & {onFrame: (doc: StatusDocument) => void}): Promise<{frames: number; stoppedBy: StopSignal | null}> {
  const {watcher} = await startWatcher(options)
  let frames = 0
  const end = new AbortController()
  const timers: NodeJS.Timeout[] = []
  try {
    const frame = () => {
      options.onFrame(statusDocument(watcher))
      if (++frames === options.count) end.abort()
    }
    frame()
    if (frames !== options.count) timers.push(setInterval(frame, options.refreshMs))
    if (options.durationMs !== null) timers.push(setTimeout(() => end.abort(), options.durationMs))
    const stoppedBy = await stopped(AbortSignal.any([options.signal, end.signal]))
    return {frames, stoppedBy}
  } finally {
    for (const t of timers) clearTimeout(t)
    watcher.stop()
  }
}
