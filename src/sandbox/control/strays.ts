// The sandbox's processes as the host shows them, whatever state.json says (corrupt, missing, or missing some): the
// emulator and the replicator by a command line that runs their script on this sandbox's folder; redis-servers by
// their title marker and a working directory or pid file in the folder. A program merely opened in the folder (a
// shell, an editor) is never one.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, sep} from 'node:path'
import {TITLE_MARKER} from '../members/redis-server.js'
import {commandLine, hostProcesses, isAlive} from '../processes.js'
import {nodeScript, type Program} from './scripts.js'
import type {ProcessRecord, SandboxPaths} from './state.js'

export interface Stray {
  name: string
  process: ProcessRecord
}

/** The programs the sandbox starts with node, recognised by their script on a command line. */
const NODE_PROGRAMS: {name: string; program: Program}[] = [
  {name: 'arm-emulator', program: '#sandbox/emulator'},
  {name: 'replicator', program: '#sandbox/replicator'},
]

/** The sandbox's processes on this host, except `known` pids (those the state records) and this process. */
export function strays(paths: Pick<SandboxPaths, 'dir'>, known: number[]): Stray[] {
  const inFolder = (path: string) => path === paths.dir || path.startsWith(`${paths.dir}${sep}`)
  const namesFolder = (line: string) => `${line} `.includes(`${paths.dir} `) || line.includes(`${paths.dir}${sep}`)
  const scripts = NODE_PROGRAMS.map((n) => ({name: n.name, script: scriptOf(n.program)}))
  const found = new Map<number, Stray>()
  const add = (pid: number, name: string, line: string) => {
    if (pid !== process.pid && !known.includes(pid)) found.set(pid, {name, process: {pid, match: [line], log: ''}})
  }
  for (const p of hostProcesses()) {
    const program = scripts.find((n) => n.script !== null && p.commandLine.includes(n.script))
    if (program && namesFolder(p.commandLine)) add(p.pid, program.name, p.commandLine)
    else if (p.commandLine.includes(TITLE_MARKER) && p.cwd && inFolder(p.cwd)) add(p.pid, redisName(p.commandLine), p.commandLine)
  }
  // where /proc shows no working directory (not Linux, another user): the pid files the redis-servers write
  for (const pidFile of redisPidFiles(paths)) {
    const pid = readPid(pidFile)
    if (pid === null || found.has(pid) || !isAlive(pid)) continue
    const line = commandLine(pid)
    if (line?.includes(TITLE_MARKER)) add(pid, redisName(line), line)
  }
  return [...found.values()]
}

/** The script's path, as it shows in a command line; null when this build cannot find it (nothing can run it). */
function scriptOf(program: Program): string | null {
  try {
    return nodeScript(program).path
  } catch {
    return null
  }
}

function redisName(line: string): string {
  return line.replace(` ${TITLE_MARKER}`, '').replace(/^\S*\/(?=redis-server)/, '').trim()
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function redisPidFiles(paths: Pick<SandboxPaths, 'dir'>): string[] {
  try {
    return readdirSync(paths.dir)
      .map((entry) => join(paths.dir, entry, 'redis.pid'))
      .filter((file) => existsSync(file))
  } catch {
    return []
  }
}
