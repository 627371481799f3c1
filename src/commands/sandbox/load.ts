import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome} from '../../cli/profiles.js'
import {loadExitCode} from '../../domain/outcome.js'
import {renderLoad} from '../../output/sandbox.js'
import {LOAD_LIMITS, LOAD_PREFIX, sandboxLoad} from '../../sandbox/control/load.js'

const {rate, valueBytes, duration} = LOAD_LIMITS

export default class SandboxLoad extends BaseCommand {
  static override summary = "write new keys at a steady rate, so the members' used memory grows"
  static override description = `A bounded write load of new keys (prefix ${LOAD_PREFIX}<run>:, no time to live) on every group member that answers, in turn, or on the one --member names; the replicator copies them to the linked members as any write. Run it during an outage drill to watch the survivors' used memory grow. Progress on stderr; a summary at the end: writes sent, failed and bytes written, per member. Ctrl-C stops it cleanly with the summary so far.

A member that does not answer when the load starts (e.g. in a stop or freeze drill) is skipped and named. Exit 0 every write sent answered OK · 1 a write failed, or no member answered · 2 a flag out of bounds or no sandbox (nothing sent) · 130 stopped by Ctrl-C, SIGHUP or SIGTERM.`

  static override examples = [
    '<%= config.bin %> sandbox load --rate 200 --value-bytes 1024 --duration 60',
    '<%= config.bin %> sandbox load --rate 50 --value-bytes 65536 --duration 300 --member eastus --json',
  ]

  static override flags = {
    rate: Flags.integer({description: `writes per second, all members together (${rate.min}..${rate.max})`, required: true, min: rate.min, max: rate.max}),
    'value-bytes': Flags.integer({description: `bytes in each value (${valueBytes.min}..${valueBytes.max})`, required: true, min: valueBytes.min, max: valueBytes.max}),
    duration: Flags.integer({description: `seconds to run (${duration.min}..${duration.max})`, required: true, min: duration.min, max: duration.max}),
    member: Flags.string({description: 'write only to this member (cluster name, region or database id)'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(SandboxLoad)
    const options = {home: geoRedisHome(), signal: this.abortSignal, ratePerSecond: flags.rate, valueBytes: flags['value-bytes'], durationSeconds: flags.duration, member: flags.member}
    const result = await this.withProgress('starting the write load', (report) => sandboxLoad({...options, onProgress: report}))
    return {data: result, exitCode: loadExitCode(result), human: () => renderLoad(result)}
  }
}
