// The one BaseCommand: JSON envelope, error → exit code, interactivity, interrupt, progress.
// Commands implement execute(): parse flags, call one service, return data + exit code + a human renderer.
import {Command, Errors} from '@oclif/core'
import {ExitCode, GeoRedisError} from '../domain/errors.js'
import {writeWithSecrets} from '../shared/output-guard.js'
import {redactText} from '../shared/redact.js'
import {startProgress, type Progress} from './progress.js'

export interface CommandOutcome<T = unknown> {
  data: T
  /** 0 ok, 1 partial / findings / failed operation */
  exitCode?: number
  /** text for stdout when not in JSON mode */
  human?: () => Promise<string | undefined> | string | undefined
  /** the result holds secrets the operator asked for (endpoints export --include-keys): stdout gets them unmasked */
  withSecrets?: boolean
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  private abortController: AbortController | undefined

  protected abstract execute(): Promise<CommandOutcome>

  async run(): Promise<unknown> {
    const outcome = await this.execute()
    // every other write is masked by the output guard installed in bin/run.js
    const write = outcome.withSecrets ? writeWithSecrets : (text: string) => process.stdout.write(text)
    if (this.jsonEnabled()) write(jsonText(outcome.data))
    else {
      const text = await outcome.human?.()
      if (text) write(text.endsWith('\n') ? text : `${text}\n`)
    }

    if (outcome.exitCode) this.exit(outcome.exitCode)
    // returned for programmatic callers; oclif prints nothing more because JSON was already written
    return this.jsonEnabled() ? undefined : outcome.data
  }

  /** Plain JSON: oclif's colourizing pass costs seconds at fleet size and adds nothing to a machine contract. */
  override logJson(json: unknown): void {
    process.stdout.write(jsonText(json))
  }

  /** Interactive only on a terminal, and never in CI. */
  protected get interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
  }

  /** Aborted on Ctrl-C; long operations pass it down and report `interrupted` instead of dying mid-write. */
  protected get abortSignal(): AbortSignal {
    if (!this.abortController) {
      const controller = new AbortController()
      this.abortController = controller
      process.once('SIGINT', () => controller.abort())
    }

    return this.abortController.signal
  }

  /**
   * Ends a phase that reads but sends nothing as soon as Ctrl-C arrives, with `interrupted()`'s error, instead of
   * waiting out reads that may take minutes during an outage. What was still in flight is abandoned, not awaited.
   */
  protected untilAborted<T>(work: Promise<T>, interrupted: () => Error): Promise<T> {
    const signal = this.abortSignal
    return new Promise<T>((resolve, reject) => {
      const stop = () => reject(interrupted())
      if (signal.aborted) return stop()
      signal.addEventListener('abort', stop, {once: true})
      work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
    })
  }

  protected progress(text: string): Progress {
    return startProgress(text, {quiet: this.jsonEnabled() && !process.stderr.isTTY})
  }

  /** Warnings go to stderr in every mode: stdout is the result. */
  override warn(input: string | Error): string | Error {
    process.stderr.write(`(!) ${redactText(typeof input === 'string' ? input : input.message)}\n`)
    return input
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    const exitCode = exitCodeOf(error)
    const message = redactText(error.message)
    const suggestion = error instanceof GeoRedisError ? error.suggestion : undefined
    if (this.jsonEnabled()) {
      this.logJson({error: {code: codeOf(error), message, ...(suggestion ? {suggestion} : {}), exitCode}})
    } else {
      process.stderr.write(`Error: ${message}\n`)
      if (suggestion) process.stderr.write(`Try: ${suggestion}\n`)
    }

    return this.exit(exitCode)
  }
}

function jsonText(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`
}

function exitCodeOf(error: Error & {exitCode?: number; oclif?: {exit?: number}}): number {
  if (error instanceof GeoRedisError) return error.exitCode
  if (error.name === 'AbortError') return ExitCode.interrupted
  // every oclif parser error (unknown flag, bad option value, missing argument) carries `parse`: usage, exit 2
  if ('parse' in error) return ExitCode.usage
  if (error instanceof Errors.CLIError && error.oclif?.exit !== undefined) return error.oclif.exit
  return ExitCode.partial
}

function codeOf(error: Error): string {
  if (error instanceof GeoRedisError) return error.code
  if ('parse' in error) return 'UsageError'
  return error.constructor?.name && error.constructor.name !== 'Error' ? error.constructor.name : 'Error'
}
