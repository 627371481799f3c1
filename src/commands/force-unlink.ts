import {Flags} from '@oclif/core'
import type {CommandOutcome} from '../cli/base.js'
import {GuardedCommand, guardedFlags} from '../cli/guarded.js'
import {deadlineFlag} from '../cli/flags.js'
import {executeForceUnlink, prepareForceUnlink} from '../services/guarded/force-unlink.js'

export default class ForceUnlink extends GuardedCommand {
  static override summary = 'drop a member that is down from its group; the request is sent on a survivor'
  static override description = `Reads the group fresh from ARM, probes every member, checks the guards, shows the plan and asks for the group nickname (off a terminal: --yes --confirm <nickname>, checked in dry runs too). Refuses, sending nothing, when the target's Redis still answers, even while ARM cannot read it (unless --force), when it could not be probed (unless --force), when it would leave nothing linked (unless --force), when another run holds the group or a link operation is in flight, or when the issuing member is not healthy. Reads the views again right before sending and refuses what moved. A dry run's plan runs exactly with --plan. Writes an evidence bundle before sending and completes it after; a target nobody lists any more is "nothing to do". See docs/force-unlink.md.

Exit 0 done, dry run or nothing to do · 1 the operation failed, or its outcome is unknown (the deadline passed or ARM stopped answering: check before acting) · 2 bad input or refused · 130 stopped by Ctrl-C, SIGHUP or SIGTERM.`

  static override examples = [
    '<%= config.bin %> force-unlink --group geo --member westus2 --dry-run',
    '<%= config.bin %> force-unlink --group geo --member geo-wus2',
    '<%= config.bin %> force-unlink --group geo --member westus2 --plan ./geo-redis-evidence/20260101T120000Z-geo-force-unlink --yes --confirm geo --json',
  ]

  static override flags = {
    ...guardedFlags,
    member: Flags.string({description: 'the member to unlink: cluster name, location or database id', required: true}),
    from: Flags.string({description: 'the surviving member to send the request on (default: the healthiest survivor)'}),
    deadline: deadlineFlag('15m'),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(ForceUnlink)
    return this.runGuardedCommand(flags, 'force-unlink', prepareForceUnlink, executeForceUnlink)
  }
}
