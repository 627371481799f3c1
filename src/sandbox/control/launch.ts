// The sandbox's node programs as `sandbox up` runs them: the certificate maker, run to its end; the ARM emulator
// (then its health checked) and the replicator (ready once every member is connected), started detached and
// recorded in the state as soon as each exists.
import {execFile} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {InterruptedError, OperationError, UsageError} from '../../domain/errors.js'
import {spawnDetached, waitFor} from '../processes.js'
import {adminRequest} from './admin.js'
import {nodeScript} from './scripts.js'
import type {SandboxPaths, SandboxState} from './state.js'
import type {UpOptions} from './api.js'

const CERTS_WITHIN_MS = 30_000
const EMULATOR_READY_MS = 15_000
const REPLICATOR_READY_MS = 10_000

/** Stops `sandbox up` between steps when it was interrupted (Ctrl-C): what started is then stopped again. */
export function checkInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw interrupted()
}

function interrupted(): InterruptedError {
  return new InterruptedError('interrupted: sandbox up stopped what it had started', 'run `geo-redis sandbox up` again')
}

/** The sandbox CA (its PEM returned) and the leaf every server presents, for these hosts. */
export async function makeCertificates(paths: SandboxPaths, hosts: string[], signal: AbortSignal | undefined): Promise<string> {
  const script = nodeScript('#sandbox/certs')
  const args = [...script.args, '--ca-out', paths.ca, '--cert-out', paths.serverCert, '--key-out', paths.serverKey, ...hosts.flatMap((h) => ['--host', h])]
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, args, {timeout: CERTS_WITHIN_MS, signal}, (error, _stdout, stderr) => {
      if (!error) resolve()
      else reject(signal?.aborted ? interrupted() : new OperationError(`cannot make the sandbox certificates: ${stderr.trim() || error.message}`, 'run `geo-redis sandbox up` again'))
    })
  })
  return readFileSync(paths.ca, 'utf8')
}

export async function startEmulatorProcess(state: SandboxState, paths: SandboxPaths, options: UpOptions, save: () => void): Promise<void> {
  writeFileSync(paths.token, state.token, {mode: 0o600})
  const script = nodeScript('#sandbox/emulator')
  const spawned = spawnDetached(process.execPath, [...script.args, ...emulatorArgs(state, paths, options)], {
    logFile: paths.emulatorLog,
    cwd: paths.dir,
    env: {...process.env, GEO_REDIS_SANDBOX_DIR: paths.dir},
  })
  state.emulator.process = {pid: spawned.pid, match: [script.path, paths.world], log: paths.emulatorLog}
  save()
  const ready = await waitFor(() => spawned.hasExited() || existsSync(paths.emulatorReady) || Boolean(options.signal?.aborted), EMULATOR_READY_MS)
  checkInterrupted(options.signal)
  if (!ready || spawned.hasExited()) {
    const log = tail(paths.emulatorLog)
    if (/EADDRINUSE/.test(log) && options.port) {
      throw new UsageError(`port ${options.port} is already in use`, 'choose another --port, or omit it to take any free port')
    }
    throw new OperationError(
      `the ARM emulator ${spawned.hasExited() ? 'exited' : `was not ready within ${EMULATOR_READY_MS / 1000} s`}:\n${log}`,
      `see ${paths.emulatorLog}`,
    )
  }
  const {url} = JSON.parse(readFileSync(paths.emulatorReady, 'utf8')) as {url: string}
  state.emulator.url = url
  state.emulator.port = Number(new URL(url).port)
  save()
  const health = await adminRequest(state, paths, 'GET', '/_emulator/health')
  if (health.status !== 200) throw new OperationError(`the ARM emulator answers its health check with HTTP ${health.status}`, `see ${paths.emulatorLog}`)
}

function emulatorArgs(state: SandboxState, paths: SandboxPaths, options: UpOptions): string[] {
  const args = [
    '--world', paths.world,
    '--token-file', paths.token,
    '--host', '127.0.0.1',
    '--port', String(options.port ?? 0),
    '--cert', paths.serverCert,
    '--key', paths.serverKey,
    '--ready-file', paths.emulatorReady,
    '--request-log', paths.requestLog,
  ]
  if (state.redis && state.kind === 'group') args.push('--hooks', nodeScript('#sandbox/hooks').path)
  if (options.armLatencyMs !== undefined) args.push('--latency-ms', String(options.armLatencyMs))
  if (options.armThrottleRate !== undefined) args.push('--throttle-rate', String(options.armThrottleRate))
  if (options.armErrorRate !== undefined) args.push('--error-rate', String(options.armErrorRate))
  return args
}

export async function startReplicatorProcess(state: SandboxState, paths: SandboxPaths, signal: AbortSignal | undefined, save: () => void): Promise<number> {
  const script = nodeScript('#sandbox/replicator')
  const spawned = spawnDetached(process.execPath, [...script.args, '--state-dir', paths.dir], {logFile: paths.replicatorLog, cwd: paths.dir})
  state.replicator = {pid: spawned.pid, match: [script.path, paths.dir], log: paths.replicatorLog}
  save()
  const ready = await waitFor(() => spawned.hasExited() || existsSync(paths.replicatorReady) || Boolean(signal?.aborted), REPLICATOR_READY_MS)
  checkInterrupted(signal)
  if (!ready || spawned.hasExited()) {
    throw new OperationError(
      `the replicator ${spawned.hasExited() ? 'exited' : `did not connect to every member within ${REPLICATOR_READY_MS / 1000} s`}:\n${tail(paths.replicatorLog)}`,
      `see ${paths.replicatorLog}`,
    )
  }
  return spawned.pid
}

function tail(file: string, lines = 12): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
