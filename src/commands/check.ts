import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {probingPorts} from '../cli/composition.js'
import {dataPlaneFlags, dataPlaneTarget, formatFlag, groupFlags, thresholdFlags, thresholdsOf, warnUnread} from '../cli/flags.js'
import {checkFormatOf, writeCheckReport, writeNotStarted} from '../cli/check-report.js'
import {armFlags, connectionArgs, MAX_WAIT_MS, resolveArmSettings} from '../cli/settings.js'
import {checkExitCode} from '../domain/outcome.js'
import {CHECK_FORMATS, renderCheck} from '../output/check.js'
import {runCheck, type CheckResult} from '../services/check.js'

export default class Check extends BaseCommand {
  static override summary = 'check groups against the configuration and health rules, for pipelines'
  static override description = `Evaluates every rule (docs/check.md) over the group given with --group, or over every visible group.

--probe also connects to each member (unreachable, memory-headroom); --canary also writes a canary key on each member and looks for it on the others (replication-lag).

Exit 0 no error finding, 1 an error finding or a scope that could not be read, 2 bad input.`

  static override examples = [
    '<%= config.bin %> check --profile sandbox',
    '<%= config.bin %> check --group geo --probe --warn 70 --crit 85',
    '<%= config.bin %> check --format junit --out geo-redis-check.xml',
    '<%= config.bin %> check --group geo --canary --max-lag-ms 500 --json',
  ]

  static override flags = {
    ...armFlags,
    ...groupFlags,
    format: formatFlag(CHECK_FORMATS, 'output format (--json is --format json)'),
    out: Flags.string({description: 'write the report to this file (atomically) instead of stdout; a one-line summary goes to stderr'}),
    probe: Flags.boolean({description: 'also connect to every member: adds unreachable and memory-headroom', helpGroup: 'PROBE'}),
    canary: Flags.boolean({description: 'also write a canary key on every member and read it on the others (implies --probe)', helpGroup: 'PROBE'}),
    ...thresholdFlags({warn: 'memory-headroom warning at this % of maxmemory', crit: 'memory-headroom error at this % of maxmemory'}, 'PROBE'),
    'max-lag-ms': Flags.integer({description: `replication-lag warning above this canary lag (0 to ${MAX_WAIT_MS})`, default: 1000, min: 0, max: MAX_WAIT_MS, helpGroup: 'PROBE'}),
    ...dataPlaneFlags,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Check)
    const format = checkFormatOf(flags)
    const {warnPct, critPct} = thresholdsOf(flags)
    const settings = resolveArmSettings(flags)
    const target = dataPlaneTarget(flags, settings)
    const tool = {name: this.config.bin, version: this.config.version}
    let result: CheckResult
    try {
      const ports = await probingPorts(settings)
      result = await this.withProgress('checking', (onProgress) =>
        runCheck(ports, {
          subscriptions: settings.subscriptions,
          selection: {group: flags.group, resourceGroup: flags['resource-group'], member: flags.member},
          probe: flags.probe,
          canary: flags.canary,
          thresholds: {memoryWarnPct: warnPct, memoryCritPct: critPct, replicationLagMs: flags['max-lag-ms']},
          target,
          timeoutMs: flags['timeout-ms'],
          onProgress,
          connection: connectionArgs(flags),
        }),
      )
    } catch (error) {
      // a pipeline's dashboard reads the file: it says why the run could not start rather than go missing
      if (flags.out && format === 'junit') await writeNotStarted(flags.out, error as Error, tool).catch((e: Error) => this.warn(`could not write ${flags.out}: ${e.message}`))
      throw error
    }
    // the terminal report lists them already; a file or JSON on stdout leaves the log without them
    if (flags.out || format !== 'table') warnUnread(this, result.errors)
    if (flags.out !== undefined) await writeCheckReport(flags.out, result, format, tool)
    return {data: result, exitCode: checkExitCode(result), human: flags.out ? undefined : () => renderCheck(result, format, tool), wrap: format === 'table'}
  }
}
