import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {probingPorts} from '../cli/composition.js'
import {dataPlaneFlags, dataPlaneTarget, groupFlags, groupScope, thresholdFlags, thresholdsOf, warnUnread} from '../cli/flags.js'
import {armFlags} from '../cli/settings.js'
import {capacityExitCode} from '../domain/outcome.js'
import {renderCapacity} from '../output/capacity.js'
import {runCapacity} from '../services/capacity.js'

export default class Capacity extends BaseCommand {
  static override summary = 'memory headroom of every member and the SKUs the group can scale to together'
  static override description = `Reads INFO memory from every member (one round trip each) and measures used memory against maxmemory, or against the SKU's nominal size when maxmemory is not set (the output says which; the size is listSkusForScaling's figure for the member's own SKU when it answered, else the built-in table). Every member of the group is a row: one ARM cannot read is listed with why, its capacity unknown.

Levels by used %: crit at --crit, warn at --warn, else ok; unknown when the member did not answer or no limit is known.

Scale options come from listSkusForScaling (api-version 2025-07-01), one call per cluster, and are narrowed to what every member can reach and never below the largest member; a cluster whose API does not answer (older clusters answer 400) is noted, never fatal. Findings explain unequal sizes and the geo-replication scale lock.

Exit 0 ok, 1 a member is crit, did not answer or could not be read, 2 bad input (--warn must be below --crit, both 1..99).`

  static override examples = [
    '<%= config.bin %> capacity --profile sandbox',
    '<%= config.bin %> capacity --group geo --warn 60 --crit 80',
    '<%= config.bin %> capacity --group geo --member westus2 --json',
  ]

  static override flags = {
    ...armFlags,
    ...groupFlags,
    ...thresholdFlags({warn: 'warn at this % of the limit used', crit: 'crit at this % of the limit used'}),
    ...dataPlaneFlags,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Capacity)
    const thresholds = thresholdsOf(flags)
    const {settings, scope} = groupScope(flags)
    const target = dataPlaneTarget(flags, settings)
    const ports = await probingPorts(settings)
    const {report, group, errors} = await this.withProgress('reading the group', (onProgress) =>
      runCapacity(ports, {...scope, ...target, timeoutMs: flags['timeout-ms'], thresholds, onProgress}),
    )
    // the table and its findings show every member with why it was not read; JSON leaves the log without them
    warnUnread(this, errors, group.unreadable, 'its capacity is unknown', !this.jsonEnabled())
    return {data: report, exitCode: capacityExitCode(report), human: () => renderCapacity(report)}
  }
}
