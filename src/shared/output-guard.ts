// Every character this process writes to stdout and stderr passes here first: registered secrets and credential
// shapes are masked (redactText), and terminal control sequences that are not the CLI's own are removed
// (terminalSafe). bin/run.js installs it before anything else is imported, so what libraries print under
// AZURE_LOG_LEVEL, DEBUG=* or NODE_DEBUG (all written through process.stdout/stderr.write, console included) is
// covered too, and so is a crash report.
//
// A secret split across two writes: text is passed on up to its last line break, and a partial line waits
// HOLD_MS for the rest. When it is passed on unfinished (a spinner frame, a prompt), an end that may be the start of
// a secret (a registered one, a JWT, a Bearer token, a URL's userinfo) still waits, up to MAX_HOLD_MS.
import {StringDecoder} from 'node:string_decoder'
import {inspect} from 'node:util'
import {redactText, REDACTED, secrets} from './redact.js'
import {terminalSafe} from './text.js'

const HOLD_MS = 20
const MAX_HOLD_MS = 400
// a held end this long that starts a registered secret is masked rather than printed, should the rest never come
const MASK_HELD_FROM = 8
const SHAPE_AT_END = /(?:\bBearer\s*|eyJ[A-Za-z0-9_.-]*|\b[a-z][a-z0-9+.-]*:\/\/\S*)$/i

/** Environment variables that hold a secret or may hold one (a URL with a password). */
const SECRET_ENV = ['GEO_REDIS_ACCESS_TOKEN', 'GEO_REDIS_REDIS_TOKEN', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_PASSWORD']
const URL_ENV = ['GEO_REDIS_ARM_ENDPOINT', 'HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'ALL_PROXY', 'all_proxy']

type Write = (chunk: string | Uint8Array, encoding?: BufferEncoding, callback?: (error?: Error | null) => void) => boolean

let promptDepth = 0

class GuardedStream {
  private pending = ''
  private heldSince: number | null = null
  private waiting: ((error?: Error | null) => void)[] = []
  private timer: NodeJS.Timeout | undefined
  private readonly decoder = new StringDecoder('utf8')

  constructor(private readonly write: Write) {}

  accept(chunk: string | Uint8Array, encoding: BufferEncoding | undefined, callback: ((error?: Error | null) => void) | undefined): boolean {
    const text =
      typeof chunk === 'string'
        ? encoding && encoding !== 'utf8' && encoding !== 'utf-8' && Buffer.isEncoding(encoding)
          ? Buffer.from(chunk, encoding).toString('utf8')
          : chunk
        : this.decoder.write(Buffer.from(chunk))
    this.pending += text
    if (callback) this.waiting.push(callback)
    // a prompt echoes each key as it is typed: nothing waits
    const lineEnd = promptDepth > 0 ? this.pending.length : this.pending.lastIndexOf('\n') + 1
    if (lineEnd === 0) {
      this.schedule()
      return true
    }

    const ready = this.pending.slice(0, lineEnd)
    this.pending = this.pending.slice(lineEnd)
    this.heldSince = null
    const written = this.emit(ready)
    if (this.pending) this.schedule()
    return written
  }

  /** Passes on what is pending, holding back an end that may begin a secret unless `final`. */
  flush(final: boolean): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (!this.pending) {
      this.emit('')
      return
    }

    const now = Date.now()
    this.heldSince ??= now
    const release = final || now - this.heldSince >= MAX_HOLD_MS
    const hold = release ? 0 : Math.max(secrets.partialAtEnd(this.pending), SHAPE_AT_END.exec(this.pending)?.[0].length ?? 0)
    let text = this.pending.slice(0, this.pending.length - hold)
    this.pending = this.pending.slice(text.length)
    if (release && secrets.partialAtEnd(text) >= MASK_HELD_FROM) text = `${text.slice(0, text.length - secrets.partialAtEnd(text))}${REDACTED}`
    if (this.pending) this.schedule()
    else this.heldSince = null
    this.emit(text)
  }

  private schedule(): void {
    if (this.timer) return
    this.timer = setTimeout(() => this.flush(false), HOLD_MS)
    this.timer.unref()
  }

  private emit(text: string): boolean {
    const callbacks = this.waiting
    this.waiting = []
    const done = callbacks.length > 0 ? (error?: Error | null) => callbacks.forEach((cb) => cb(error)) : undefined
    if (!text) {
      if (done) process.nextTick(done)
      return true
    }

    return this.write(terminalSafe(redactText(text), {prompt: promptDepth > 0}), 'utf8', done)
  }
}

let installed: {stdout: Write; guarded: {stdout: GuardedStream; stderr: GuardedStream}} | null = null

/** Guards process.stdout and process.stderr for the rest of the process. Idempotent. */
export function installOutputGuard(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): void {
  if (installed) return
  for (const name of SECRET_ENV) secrets.add(env[name])
  // a password typed into a URL anywhere on the command line (--arm-endpoint is refused, but must not be echoed)
  for (const value of [...URL_ENV.map((name) => env[name]), ...argv]) registerUrlPassword(value)

  const stdout = process.stdout.write.bind(process.stdout) as Write
  const guard = (stream: NodeJS.WriteStream): GuardedStream => {
    const guarded = new GuardedStream(stream.write.bind(stream))
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) =>
      typeof encoding === 'function' ? guarded.accept(chunk, undefined, encoding) : guarded.accept(chunk, encoding, callback))
    return guarded
  }

  installed = {stdout, guarded: {stdout: guard(process.stdout), stderr: guard(process.stderr)}}
  // pipes and files are written synchronously on POSIX, so what is pending still gets out on exit
  process.on('exit', flushAll)
  // Node prints an uncaught error itself, past process.stderr: print it here instead, through the guard
  process.setUncaughtExceptionCaptureCallback((error) => {
    process.stderr.write(`${inspect(error)}\n`)
    process.exit(1)
  })
}

/** Registers the password of a URL's userinfo (https://user:password@host) as a secret. */
export function registerUrlPassword(value: string | undefined): void {
  if (!value?.includes('@')) return
  try {
    const url = new URL(value.replace(/^--[\w-]+=/, ''))
    secrets.add(url.password)
    secrets.add(decodeURIComponent(url.password))
  } catch {
    // not a URL: nothing to register
  }
}

/**
 * Writes `text` to stdout with no secret masked: only for output the operator asked to hold secrets
 * (`endpoints export --include-keys`). Control sequences are still removed.
 */
export function writeWithSecrets(text: string): void {
  if (!installed) {
    process.stdout.write(text)
    return
  }

  installed.guarded.stdout.flush(true)
  installed.stdout(terminalSafe(text), 'utf8')
}

function flushAll(): void {
  installed?.guarded.stdout.flush(true)
  installed?.guarded.stderr.flush(true)
}

/** Runs an interactive prompt, which moves the cursor within its own lines; its text must be made plain by the caller. */
export async function duringPrompt<T>(work: () => Promise<T>): Promise<T> {
  flushAll()
  promptDepth++
  try {
    return await work()
  } finally {
    flushAll()
    promptDepth--
  }
}
