import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../cli/base.js'
import {readingArm} from '../cli/composition.js'
import {formatFlag, warnUnread} from '../cli/flags.js'
import {armFlags, resolveArmSettings} from '../cli/settings.js'
import {filterInventory, readInventory} from '../services/inventory.js'
import {readExitCode} from '../domain/outcome.js'
import {renderInventory, type InventoryFormat} from '../output/inventory.js'

export default class Inventory extends BaseCommand {
  static override summary = 'every geo-replication group you can see, reconciled from each member\'s view'
  static override description = `Reads all subscriptions (or --subscription), every Redis Enterprise cluster and database, and assembles groups from the databases' linkedDatabases. Exit 0 complete, 1 partial (a subscription or cluster could not be read), 2 bad input.`

  static override examples = [
    '<%= config.bin %> inventory',
    '<%= config.bin %> inventory --profile sandbox',
    '<%= config.bin %> inventory --subscription 00000000-0000-0000-0000-000000000000 --format csv > members.csv',
    '<%= config.bin %> inventory --group geo --json',
  ]

  static override flags = {
    ...armFlags,
    format: formatFlag(['table', 'json', 'csv', 'markdown']),
    group: Flags.string({char: 'g', description: 'only groups with this nickname'}),
    'resource-group': Flags.string({description: 'only groups and databases with a member in this resource group'}),
    location: Flags.string({description: 'only groups and databases with a member in this location ("West US 2" or westus2)'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Inventory)
    const settings = resolveArmSettings(flags)
    const arm = await readingArm(settings)
    const full = await this.withProgress('reading subscriptions', (report) =>
      readInventory(arm, {subscriptions: settings.subscriptions, onProgress: (done, total) => report(`reading databases ${done}/${total}`)}),
    )
    warnUnread(this, full.errors)
    const inventory = filterInventory(full, {group: flags.group, resourceGroup: flags['resource-group'], location: flags.location})
    return {
      data: inventory,
      exitCode: readExitCode(inventory.errors),
      human: () => renderInventory(inventory, flags.format as InventoryFormat),
      wrap: flags.format === 'table',
    }
  }
}
