import {Args} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {checkProfileName, hasProfile, writeProfile} from '../../cli/profiles.js'

export default class ProfileDelete extends BaseCommand {
  static override summary = 'delete a saved profile'
  static override examples = ['<%= config.bin %> profile delete prod']
  static override args = {name: Args.string({description: 'profile name', required: true})}

  protected async execute(): Promise<CommandOutcome> {
    const {args} = await this.parse(ProfileDelete)
    checkProfileName(args.name, 'the profile name')
    const existed = hasProfile(args.name)
    if (existed) writeProfile(args.name, null)
    return {data: {name: args.name, deleted: existed}, human: () => (existed ? `deleted profile ${args.name}` : `no profile named ${args.name}: nothing to do`)}
  }
}
