// Flags shared by several commands.
import {Flags} from '@oclif/core'

export const groupFlags = {
  group: Flags.string({char: 'g', description: 'group nickname'}),
  'resource-group': Flags.string({description: 'pick the group with a member in this resource group (nicknames are not unique)'}),
  member: Flags.string({description: 'pick the group with this member (cluster name, location or database id)'}),
}

export const formatFlag = (options: string[], description = 'output format; table on a terminal') =>
  Flags.string({description, options, default: 'table'})
