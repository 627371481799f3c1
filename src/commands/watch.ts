import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {screenFrames} from '../cli/progress.js'
import {parseDeadline} from '../cli/flags.js'
import {watchFlags, watchSettingsOf, watchSourceOf} from '../cli/serve-flags.js'
import {watchExitCode} from '../domain/outcome.js'
import {renderWatchLines, renderWatchTable} from '../output/watch.js'
import {runWatch} from '../services/serve/run.js'

export default class Watch extends BaseCommand {
  static override summary = 'live view of every member: up, lag, used memory, growth, time to threshold'
  static override description = `Watches the groups as serve does (a PING, heartbeats written and read, used memory sampled every --interval-ms) and shows a table redrawn in place every --refresh-ms on a terminal; one plain line per member and refresh when piped; --json: one status document per line (docs/schemas/serve-status.schema.json).

Runs until Ctrl-C (exit 130), or for --count refreshes or --duration (exit 0).`

  static override examples = [
    '<%= config.bin %> watch --profile sandbox',
    '<%= config.bin %> watch --group geo --threshold 80 --duration 10m',
    '<%= config.bin %> watch --group geo --json --count 5',
    '<%= config.bin %> watch --group-file groups.yaml',
  ]

  static override flags = {
    ...watchFlags,
    'refresh-ms': Flags.integer({description: 'how often the view is redrawn', default: 1000, min: 100, max: 60_000}),
    count: Flags.integer({description: 'stop after this many refreshes', min: 1}),
    duration: Flags.custom<number>({description: 'stop after this long: 90s, 15m, 1h…', helpValue: '<duration>', parse: async (input) => parseDeadline(input)})(),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Watch)
    const {source, heartbeats} = await watchSourceOf(flags)
    const tty = Boolean(process.stdout.isTTY) && !this.jsonEnabled()
    const screen = screenFrames()
    // the terminal leaves the alternate screen whatever ends the watch, an error included
    const result = await runWatch({
      source,
      heartbeats,
      settings: watchSettingsOf(flags),
      signal: this.abortSignal,
      // state changes would break the table redrawn in place; the table shows them
      log: (line) => void (tty || process.stderr.write(`${line}\n`)),
      count: flags.count ?? null,
      durationMs: flags.duration ?? null,
      refreshMs: flags['refresh-ms'],
      onFrame: (doc) => {
        if (this.jsonEnabled()) return void process.stdout.write(`${JSON.stringify(doc)}\n`)
        if (!tty) return void process.stdout.write(`${renderWatchLines(doc)}\n`)
        screen.draw(renderWatchTable(doc))
      },
    }).finally(() => screen.end())
    return {data: result, exitCode: watchExitCode(result.stoppedBy), streamed: true}
  }
}
