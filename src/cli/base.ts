// The one BaseCommand: JSON envelope, error → exit code, interactivity, interrupt, progress.
// Commands implement execute(): parse flags, call one service, return data + exit code + a human renderer.
import {Command, Errors, type Interfaces} from '@oclif/core'
import {ExitCode, GeoRedisError, STOP_SIGNALS, UsageError} from '../domain/errors.js'
import {closest} from '../domain/suggest.js'
import {jsonPieces} from '../output/json.js'
import {terminalWidth, withoutColour, wrapText} from '../output/table.js'
import {writeWithSecrets} from '../shared/output-guard.js'
import {redactText} from '../shared/redact.js'
import {untilAborted} from '../services/abort.js'
import type {EvidenceSettings} from '../services/guarded/decision-evidence.js'
import type {Progress, ProgressReporter} from '../services/ports.js'
import {reporterOf, startProgress} from './progress.js'

// oclif's own constraint on parsed flags and args (not exported by its public interfaces)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Values = {[name: string]: any}

export interface CommandOutcome<T = unknown> {
  data: T
  /** 0 ok, 1 partial / findings / failed operation */
  exitCode?: number
  /** text for stdout when not in JSON mode */
  human?: () => Promise<string | undefined> | string | undefined
  /** the result holds secrets the operator asked for (endpoints export --include-keys): stdout gets them unmasked */
  withSecrets?: boolean
  /** the output was written while the command ran (watch's frames): nothing more on stdout at the end */
  streamed?: boolean
  /** false when `human` is a format another program reads (csv, env, yaml, markdown, junit): never wrapped to the terminal */
  wrap?: boolean
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  private abortController: AbortController | undefined

  protected abstract execute(): Promise<CommandOutcome>

  /** Every parser error (a flag without its value, an unknown flag, an extra word, a value out of range) is usage: exit 2. */
  protected override async parse<F extends Values, B extends Values, A extends Values>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    let parsed: Interfaces.ParserOutput<F, B, A>
    try {
      parsed = await super.parse(options, argv)
    } catch (error) {
      throw error instanceof GeoRedisError ? error : this.usageErrorOf(error as Error, Object.keys(options?.flags ?? {}))
    }
    // an empty value (`--profile ''`, often an unset shell variable) would silently mean "not given"
    for (const [name, value] of Object.entries(parsed.flags)) {
      if (value === '' || (Array.isArray(value) && value.includes(''))) {
        throw new UsageError(`--${name} is empty`, `pass a value, or leave --${name} out; ${this.helpHint()}`)
      }
    }
    for (const [name, value] of Object.entries(parsed.args)) {
      if (value === '') throw new UsageError(`the ${name} argument is empty`, this.helpHint())
    }
    return parsed
  }

  private helpHint(): string {
    return `see \`${[this.config.bin, ...(this.id ?? '').split(':').filter(Boolean)].join(' ')} --help\``
  }

  private usageErrorOf(error: Error & {flags?: string[]}, flagNames: string[]): UsageError {
    // oclif appends a generic help line (and may dim parts of the message): ours names the command
    const message = withoutColour(error.message)
      .replace(/\n*See more help with --help\s*$/, '')
      .replace(/^Parsing (--\S+)\s*\n\s*/, '$1: ')
      .trim()
    const help = this.helpHint()
    const unknown = (error.flags ?? []).map((f) => f.replace(/^-+/, '').replace(/=.*$/, ''))
    const near = unknown.flatMap((f) => closest(f, flagNames, 1)).map((f) => `--${f}`)
    return new UsageError(message, near.length > 0 ? `did you mean ${near.join(', ')}? ${help}` : help)
  }

  async run(): Promise<unknown> {
    const outcome = await this.execute()
    // every other write is masked by the output guard, installed before anything else runs
    const write = outcome.withSecrets ? writeWithSecrets : (text: string) => void process.stdout.write(text)
    if (outcome.streamed) {
      // already written, frame by frame
    } else if (this.jsonEnabled()) writeInPieces(write, jsonPieces(outcome.data))
    else {
      const text = await outcome.human?.()
      const width = outcome.wrap === false ? null : terminalWidth()
      const shown = text && width ? wrapText(text, width) : text
      if (shown) writeInPieces(write, [shown.endsWith('\n') ? shown.slice(0, -1) : shown])
    }

    if (outcome.exitCode) this.exit(outcome.exitCode)
    // returned for programmatic callers; oclif prints nothing more because JSON was already written
    return this.jsonEnabled() ? undefined : outcome.data
  }

  /** Plain JSON: oclif's colourizing pass costs seconds at fleet size and adds nothing to a machine contract. */
  override logJson(json: unknown): void {
    writeInPieces((text) => void process.stdout.write(text), jsonPieces(json))
  }

  /** Interactive only on a terminal, and never in CI. */
  protected get interactive(): boolean {
    return Boolean(process.stdin.isTTY && process.stdout.isTTY && !process.env.CI)
  }

  /**
   * Aborted, with the signal's name as its reason, on Ctrl-C (SIGINT), SIGHUP (the terminal went away) and SIGTERM
   * (a CI cancel): long operations pass it down, stop waiting and seal their evidence instead of dying mid-write.
   * Only a command that asks for it takes the signals over; a second one of the same kind ends the process at once.
   */
  protected get abortSignal(): AbortSignal {
    if (!this.abortController) {
      const controller = new AbortController()
      this.abortController = controller
      for (const signal of STOP_SIGNALS) {
        process.once(signal, () => {
          // a hung-up terminal fails every later write (EIO): the evidence must still be sealed
          if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
          controller.abort(signal)
        })
      }
    }

    return this.abortController.signal
  }

  /**
   * Ends a phase that reads but sends nothing as soon as Ctrl-C arrives, with `interrupted()`'s error, instead of
   * waiting out reads that may take minutes during an outage. What was still in flight is abandoned, not awaited.
   */
  protected untilAborted<T>(work: Promise<T>, interrupted: () => Error): Promise<T> {
    return untilAborted(work, this.abortSignal, interrupted)
  }

  /** Progress on stderr: a spinner on a terminal, plain lines off one and with --json. */
  protected progress(text: string): Progress {
    return startProgress(text, {quiet: this.jsonEnabled() && !process.stderr.isTTY})
  }

  /** The one way a command shows a use case's progress: started with `text`, fed by the use case, stopped however it ends. */
  protected async withProgress<T>(text: string, work: (report: ProgressReporter) => Promise<T>): Promise<T> {
    const progress = this.progress(text)
    try {
      return await work(reporterOf(progress))
    } finally {
      progress.stop()
    }
  }

  /** Where a run's evidence goes (--evidence-dir or --out), who wrote it, and why (--reason). */
  protected evidenceSettings(root: string, reason: string | undefined): EvidenceSettings {
    return {root, tool: {name: this.config.name, version: this.config.version}, reason: reason ?? null}
  }

  /** Warnings go to stderr in every mode: stdout is the result. */
  override warn(input: string | Error): string | Error {
    process.stderr.write(`${toTerminal(`(!) ${redactText(typeof input === 'string' ? input : input.message)}`)}\n`)
    return input
  }

  protected override async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error
    return this.exit(reportError(error, this.jsonEnabled()))
  }
}

function jsonText(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`
}

/** Output is written in batches of about this much: Node converts a string whole to write it (up to 3 bytes a character). */
const BATCH = 1 << 20

/**
 * Pieces of text and a line feed, in batches: one write of a 14 MB result (inventory --json at 10,000 clusters) held
 * ~40 MB more at once, and each batch the output guard masks is a copy of that batch only.
 */
function writeInPieces(write: (text: string) => void, pieces: Iterable<string>): void {
  let batch = ''
  for (const piece of pieces) {
    batch += piece
    if (batch.length < BATCH) continue
    write(batch)
    batch = ''
  }

  write(`${batch}\n`)
}

/** Prints an error the one way the CLI does (JSON on stdout with --json, else "Error:" and "Try:" on stderr); returns its exit code. */
export function reportError(error: Error, json: boolean): number {
  const exitCode = errorExitCode(error)
  const message = redactText(error.message)
  const suggestion = error instanceof GeoRedisError ? error.suggestion : undefined
  if (json) {
    process.stdout.write(jsonText({error: {code: codeOf(error), message, ...(suggestion ? {suggestion} : {}), exitCode}}))
  } else {
    process.stderr.write(`${toTerminal(`Error: ${message}`)}\n`)
    if (suggestion) process.stderr.write(`${toTerminal(`Try: ${suggestion}`)}\n`)
  }

  return exitCode
}

/** A line for stderr, wrapped to the terminal when stderr is one. */
function toTerminal(line: string): string {
  const width = terminalWidth(process.stderr)
  return width ? wrapText(line, width) : line
}

/** An error's exit code: the contract's (domain/errors.ts ExitCode), whatever threw it. */
function errorExitCode(error: Error & {exitCode?: number; oclif?: {exit?: number}}): number {
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
