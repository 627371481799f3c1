import {Args, Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {readingArm} from '../../cli/composition.js'
import {formatFlag, warnUnread} from '../../cli/flags.js'
import {armFlags, resolveArmSettings} from '../../cli/settings.js'
import {readGroups} from '../../services/inventory.js'
import {readExitCode} from '../../domain/outcome.js'
import {renderGroups, linkMatrix, type InventoryFormat} from '../../output/inventory.js'

export default class GroupShow extends BaseCommand {
  static override summary = 'one group in detail, with the pairwise link matrix'
  static override description = `Rows of the matrix are whose view, columns the member seen. When two groups share the nickname both are shown; pick one with --resource-group or --member.`

  static override examples = [
    '<%= config.bin %> group show sandbox-geo --profile sandbox',
    '<%= config.bin %> group show geo --resource-group rg-payments',
    '<%= config.bin %> group show geo --member westus2 --json',
  ]

  static override args = {
    nickname: Args.string({description: 'group nickname', required: true}),
  }

  static override flags = {
    ...armFlags,
    format: formatFlag(['table', 'json', 'markdown']),
    'resource-group': Flags.string({description: 'the group with a member in this resource group'}),
    member: Flags.string({description: 'the group with this member (cluster name, location or database id)'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parse(GroupShow)
    const settings = resolveArmSettings(flags)
    const arm = await readingArm(settings)
    const selection = {group: args.nickname, resourceGroup: flags['resource-group'], member: flags.member}
    const {inventory, groups} = await this.withProgress(`reading group ${args.nickname}`, () => readGroups(arm, {subscriptions: settings.subscriptions}, selection))
    warnUnread(this, inventory.errors, groups.flatMap((g) => g.unreadable), '', !this.jsonEnabled())
    const data = {
      generatedAt: inventory.generatedAt,
      groups: groups.map((g) => ({...g, matrix: linkMatrix(g)})),
      errors: inventory.errors,
      ...(groups.length > 1 ? {ambiguous: true, hint: 'pick one with --resource-group <name> or --member <cluster|location|id>'} : {}),
    }
    return {
      data,
      exitCode: readExitCode(inventory.errors),
      human: () => renderGroups(groups, flags.format as InventoryFormat),
      wrap: flags.format === 'table',
    }
  }
}
