// Child processes for benchmarks: every one is tracked and killed (by its own pid) when the bench ends, fails or
// is interrupted; every run is bounded in time.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const children = new Set()
const dirs = new Set()

/** A temp dir that is removed on exit, even an interrupted one; remove() earlier when done. */
export function tempDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), `geo-redis-bench-${prefix}-`))
  dirs.add(path)
  return {
    path,
    remove() {
      dirs.delete(path)
      rmSync(path, {recursive: true, force: true})
    },
  }
}

function removeDirs() {
  for (const path of dirs) rmSync(path, {recursive: true, force: true})
  dirs.clear()
}

/** Kills every child still running, synchronously: safe in 'exit' handlers. */
export function killAll(signal = 'SIGKILL') {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(signal)
      } catch {
        // already gone
      }
    }
  }
}

let installed = false
/** Once per process: kill children on exit, and turn Ctrl-C / SIGTERM into a clean exit that also kills them. */
export function installCleanup(onSignal = () => {}) {
  if (installed) return
  installed = true
  process.on('exit', () => {
    killAll()
    removeDirs()
  })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping every process it started\n`)
      try {
        onSignal()
      } finally {
        killAll()
        removeDirs()
        process.exit(130)
      }
    })
  }
}

/** Spawns a tracked child; it leaves the set when it exits. */
export function track(command, args, options = {}) {
  const child = spawn(command, args, options)
  children.add(child)
  child.once('exit', () => children.delete(child))
  child.once('error', () => children.delete(child))
  return child
}

/**
 * Runs a command to completion with a time limit; resolves with {code, signal, stdout, stderr, ms, spawnedAt}, where
 * ms is the wall time from spawn to exit measured in this (otherwise idle) process and spawnedAt the spawn's time
 * (ms since the epoch, sub-millisecond: comparable with a child's performance.timeOrigin + performance.now()).
 * Rejects on timeout (after killing).
 */
export function run(command, args, {env, cwd, timeoutMs = 60_000, keepStdout = true} = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = track(command, args, {env, cwd, stdio: ['ignore', 'pipe', 'pipe']})
    const out = []
    let stderr = ''
    child.stdout.on('data', (d) => keepStdout && out.push(d))
    child.stderr.on('data', (d) => {
      if (stderr.length < 64_000) stderr += d
    })
    let exitedMs = 0
    child.once('exit', () => (exitedMs = performance.now() - started))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${[command, ...args].join(' ')} did not end within ${timeoutMs} ms\n${stderr.slice(-2000)}`))
    }, timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr, ms: exitedMs || performance.now() - started, spawnedAt: performance.timeOrigin + started})
    })
  })
}

/** Sends SIGTERM, then SIGKILL after graceMs; resolves once the child has exited. */
export async function stop(child, graceMs = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}
