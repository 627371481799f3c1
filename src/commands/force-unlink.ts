import {Flags} from '@oclif/core'
import type {CommandOutcome} from '../cli/base.js'
import {GuardedCommand, guardedFlags} from '../cli/confirm.js'
import {executeForceUnlink, prepareForceUnlink} from '../services/force-unlink.js'

export default class ForceUnlink extends GuardedCommand {
  static override summary = 'drop a member that is down from its group; the request is sent on a survivor'
  static override description = `Reads the group fresh from ARM, probes every member, checks the guards, shows the plan and asks for the group nickname (off a terminal: --yes --confirm <nickname>). Refuses, sending nothing, when the target still answers (unless --force), when it would leave nothing linked (unless --force), or when the issuing member is not healthy. Writes an evidence bundle before sending and completes it after. See docs/force-unlink.md.

Exit 0 done, dry run or nothing to do · 1 the operation failed · 2 bad input or refused · 130 interrupted.`

  static override examples = [
    '<%= config.bin %> force-unlink --group geo --member westus2 --dry-run',
    '<%= config.bin %> force-unlink --group geo --member geo-wus2',
    '<%= config.bin %> force-unlink --group geo --member westus2 --from eastus --yes --confirm geo --json',
  ]

  static override flags = {
    ...guardedFlags,
    member: Flags.string({description: 'the member to unlink: cluster name, location or database id', required: true}),
    from: Flags.string({description: 'the surviving member to send the request on (default: the healthiest survivor)'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(ForceUnlink)
    return this.runGuardedCommand(flags, 'force-unlink', (arm, options) => prepareForceUnlink(arm, {...options, from: flags.from}), executeForceUnlink)
  }
}
