import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {connectArm} from '../cli/connect.js'
import {armFlags} from '../cli/settings.js'
import {assertThresholds, capacityExitCode} from '../domain/capacity.js'
import {renderCapacity} from '../output/capacity.js'
import {runCapacity} from '../services/capacity.js'
import {dataPlaneFlags, dataPlaneTarget, groupFlags, groupScope, warnUnread} from '../cli/flags.js'

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
    warn: Flags.integer({description: 'warn at this % of the limit used', default: 70}),
    crit: Flags.integer({description: 'crit at this % of the limit used', default: 85}),
    ...dataPlaneFlags,
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Capacity)
    const thresholds = {warnPct: flags.warn, critPct: flags.crit}
    assertThresholds(thresholds)
    const {settings, scope} = groupScope(flags)
    const target = dataPlaneTarget(flags, settings)
    const arm = await connectArm(settings)
    const progress = this.progress('reading the group')
    const {report, group, errors} = await runCapacity(arm, {
      ...scope,
      ...target,
      timeoutMs: flags['timeout-ms'],
      thresholds,
      onProgress: (text) => progress.update(text),
    }).finally(() => progress.stop())
    // the table and its findings show every member with why it was not read; JSON leaves the log without them
    warnUnread(this, errors, group.unreadable, 'its capacity is unknown', !this.jsonEnabled())
    return {data: report, exitCode: capacityExitCode(report), human: () => renderCapacity(report)}
  }
}
