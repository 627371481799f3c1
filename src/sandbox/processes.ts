// Background processes for the sandbox: spawn detached (outliving the command), tell whether a recorded pid is
// still the process we started (its command line, so a recycled pid of someone else's process is never
// signalled), stop with SIGTERM then SIGKILL, and tell whether a loopback address and port are free.
import {execFileSync, spawn} from 'node:child_process'
import {accessSync, closeSync, constants, openSync, readdirSync, readFileSync, readlinkSync, statSync} from 'node:fs'
import {createServer} from 'node:net'
import {delimiter, join} from 'node:path'
import {isAlive} from '../shared/lock-file.js'

export interface Recorded {
  pid: number
  /** fragments that must all appear in the process's command line */
  match: string[]
}

export {isAlive}

export type Liveness = 'running' | 'gone' | 'foreign'

/** The command line of a live process, arguments joined by spaces; null when gone or unreadable. */
export function commandLine(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null
  if (process.platform === 'linux') {
    try {
      const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      return raw.replace(/\0+$/, '').split('\0').join(' ').trim() || null
    } catch {
      return null
    }
  }
  try {
    return execFileSync('ps', ['-p', String(pid), '-o', 'args='], {encoding: 'utf8', timeout: 2000}).trim() || null
  } catch {
    return null
  }
}

/** running: alive and its command line has every fragment; foreign: the pid now belongs to another program. */
export function liveness(record: Recorded): Liveness {
  if (!isAlive(record.pid)) return 'gone'
  const line = commandLine(record.pid)
  // a zombie or a process between exec and readable cmdline: treat an empty line as not ours
  if (!line) return 'foreign'
  return record.match.every((fragment) => line.includes(fragment)) ? 'running' : 'foreign'
}

export function signal(record: Recorded, name: NodeJS.Signals): boolean {
  if (liveness(record) !== 'running') return false
  try {
    process.kill(record.pid, name)
    return true
  } catch {
    return false
  }
}

export type StopResult = 'stopped' | 'killed' | 'gone' | 'foreign'

/**
 * SIGCONT (a frozen process cannot act on SIGTERM) then SIGTERM; SIGKILL after `graceMs`. Only when the pid is
 * still ours; 'foreign' means the pid was recycled and nothing was sent.
 */
export async function stopProcess(record: Recorded, options: {graceMs?: number; killWaitMs?: number} = {}): Promise<StopResult> {
  const state = liveness(record)
  if (state !== 'running') return state
  try {
    process.kill(record.pid, 'SIGCONT')
    process.kill(record.pid, 'SIGTERM')
  } catch {
    return 'gone'
  }
  if (await waitFor(() => !isAlive(record.pid), options.graceMs ?? 5000)) return 'stopped'
  try {
    process.kill(record.pid, 'SIGKILL')
  } catch {
    return 'stopped'
  }
  await waitFor(() => !isAlive(record.pid), options.killWaitMs ?? 3000)
  return 'killed'
}

/** Polls until `done()` or `timeoutMs`; true when done. */
export async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await done()) return true
    if (Date.now() >= end) return false
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

export interface Spawned {
  pid: number
  /** settles when the process exits while this command still runs (for early failures) */
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>
  hasExited(): boolean
}

/**
 * Starts `command` in its own session (so Ctrl-C in the terminal does not reach it), stdio to `logFile`, and lets
 * this process exit without waiting for it.
 */
export function spawnDetached(command: string, args: string[], options: {logFile: string; env?: NodeJS.ProcessEnv; cwd?: string}): Spawned {
  const out = openSync(options.logFile, 'a', 0o600)
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
      cwd: options.cwd,
    })
    let exitedFlag = false
    const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => {
      child.once('exit', (code, sig) => {
        exitedFlag = true
        resolve({code, signal: sig})
      })
      child.once('error', () => {
        exitedFlag = true
        resolve({code: null, signal: null})
      })
    })
    child.unref()
    if (child.pid === undefined) throw new Error(`cannot start ${command}`)
    return {pid: child.pid, exited, hasExited: () => exitedFlag}
  } finally {
    closeSync(out)
  }
}

/** Whether nothing listens on `host`:`port` (we can bind it). */
export async function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = createServer()
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, host, () => resolve())
    })
    return true
  } catch {
    return false
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

/** The absolute path of an executable on PATH, or null. */
export function which(name: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue
    const candidate = join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // not here
    }
  }
  return null
}

export interface HostProcess {
  pid: number
  /** arguments joined by spaces */
  commandLine: string
  /** working directory; null when unknown (another user's process, or no /proc) */
  cwd: string | null
}

/** Every process this user can see, with its command line (Linux: /proc; elsewhere `ps`, without working directories). */
export function hostProcesses(): HostProcess[] {
  if (process.platform === 'linux') {
    let entries: string[]
    try {
      entries = readdirSync('/proc')
    } catch {
      return []
    }
    const found: HostProcess[] = []
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue
      const pid = Number(entry)
      const line = commandLine(pid)
      if (!line) continue
      let cwd: string | null = null
      try {
        // a removed folder reads as "<path> (deleted)"
        cwd = readlinkSync(`/proc/${pid}/cwd`).replace(/ \(deleted\)$/, '')
      } catch {
        // another user's process: its command line is all we know
      }
      found.push({pid, commandLine: line, cwd})
    }
    return found
  }
  try {
    return execFileSync('ps', ['-axo', 'pid=,args='], {encoding: 'utf8', timeout: 5000})
      .split('\n')
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({pid: Number(m[1]), commandLine: m[2].trim(), cwd: null}))
  } catch {
    return []
  }
}
