// A real pseudo-terminal for tests of interactive commands. Every session gets its own tmux server on a private
// socket (-L), so a test never sees or touches anybody else's tmux; kill() ends that server and nothing else.
// The pane stays after its command exits (remain-on-exit), so the last screen can be read; the exit status goes to
// a file, because tmux 3.3a does not always reap a program that exits 0 (#{pane_dead_status} stays empty).
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const TMUX = '/usr/bin/tmux'
const POLL_MS = 100

export interface TmuxOptions {
  /** argv of the program */
  command: string[]
  /** added to the pane's environment */
  env?: Record<string, string>
  /** removed from it, e.g. CI, which would make the CLI non-interactive */
  unset?: string[]
  cwd?: string
  width?: number
  height?: number
}

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

export class TmuxSession {
  private constructor(
    readonly socket: string,
    readonly name: string,
    private readonly configDir: string,
  ) {}

  static start(options: TmuxOptions): TmuxSession {
    const id = `${process.pid}-${randomBytes(4).toString('hex')}`
    const configDir = mkdtempSync(join(tmpdir(), 'geo-redis-tmux-'))
    const config = join(configDir, 'tmux.conf')
    // no user configuration; plain sh; keep the pane and enough history to read every step
    writeFileSync(config, ['set -g remain-on-exit on', 'set -g history-limit 50000', 'set -g default-shell /bin/sh', 'set -g status off'].join('\n'))
    const session = new TmuxSession(`geo-redis-test-${id}`, `runbook-${id}`, configDir)
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`)
    const unset = (options.unset ?? []).flatMap((k) => ['-u', k])
    const status = join(configDir, 'status')
    const shell = [
      ...(options.cwd ? [`cd ${quote(options.cwd)} &&`] : []),
      'env',
      ...unset,
      ...env,
      ...options.command.map(quote),
      // written whole, then renamed: a reader never sees half a number
      `; echo $? > ${quote(`${status}.tmp`)} && mv ${quote(`${status}.tmp`)} ${quote(status)}`,
    ].join(' ')
    session.tmux(['-f', config, 'new-session', '-d', '-s', session.name, '-x', String(options.width ?? 200), '-y', String(options.height ?? 50), shell])
    return session
  }

  private tmux(args: string[]): string {
    return execFileSync(TMUX, ['-L', this.socket, ...args], {encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe']})
  }

  /** Everything the pane showed, history included, wrapped lines joined, without escape sequences. */
  capture(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-E', '-', '-t', this.name])
  }

  /** Types text literally (no key names), without Enter. */
  type(text: string): void {
    this.tmux(['send-keys', '-t', this.name, '-l', text])
  }

  /** Presses keys by tmux name: Enter, Down, C-c, … */
  press(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.name, ...keys])
  }

  /** Polls the pane until `pattern` shows, or fails with the screen so far after `timeoutMs`. */
  async waitFor(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const screen = this.capture()
      if (typeof pattern === 'string' ? screen.includes(pattern) : pattern.test(screen)) return screen
      if (Date.now() > deadline) throw new Error(`tmux: ${String(pattern)} did not show within ${timeoutMs} ms; the pane shows:\n${screen}`)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }

  /** The program's exit status once it has ended (128 + n when killed by signal n, as sh says), else null. */
  exitStatus(): number | null {
    const file = join(this.configDir, 'status')
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : null
  }

  async waitForExit(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const status = this.exitStatus()
      if (status !== null) return status
      if (Date.now() > deadline) throw new Error(`tmux: the program did not exit within ${timeoutMs} ms; the pane shows:\n${this.capture()}`)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }

  /** Ends this session's own tmux server (and the program, if still running). Safe to call twice. */
  kill(): void {
    try {
      this.tmux(['kill-server'])
    } catch {
      // already gone
    }
    rmSync(this.configDir, {recursive: true, force: true})
  }
}
