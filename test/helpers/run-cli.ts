// Runs the built CLI (bin/run.js) as a subprocess, as a user or a pipeline would, with a bounded time.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  env?: Record<string, string | undefined>
  timeoutMs?: number
  input?: string
  cwd?: string
}

/** The environment a test CLI needs to reach a test emulator: its URL, token and CA. */
export function emulatorEnv(emulator: {url: string; token: string; caPath: string}): Record<string, string> {
  return {
    GEO_REDIS_ARM_ENDPOINT: emulator.url,
    GEO_REDIS_ACCESS_TOKEN: emulator.token,
    NODE_EXTRA_CA_CERTS: emulator.caPath,
    GEO_REDIS_POLL_INTERVAL_MS: '100',
    GEO_REDIS_ARM_TIMEOUT_MS: '5000',
    CI: '1',
  }
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...options.env}
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
    const child = spawn(process.execPath, [BIN, ...args], {env: env as NodeJS.ProcessEnv, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`geo-redis ${args.join(' ')} did not end within ${options.timeoutMs ?? 30_000} ms\n${stderr}`))
    }, options.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code, signal, stdout, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}
