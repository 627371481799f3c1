import {Args, Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {saveProfile} from '../../cli/settings.js'
import {CLOUD_NAMES} from '../../domain/clouds.js'

export default class ProfileSet extends BaseCommand {
  static override summary = 'save named connection settings (endpoint, subscriptions, cloud)'
  static override description = 'Use them with --profile <name> or GEO_REDIS_PROFILE=<name>. Tokens are never taken as flags: use `az login` or GEO_REDIS_ACCESS_TOKEN.'
  static override examples = [
    '<%= config.bin %> profile set prod --subscription 00000000-0000-0000-0000-000000000000 --subscription 11111111-1111-1111-1111-111111111111',
    '<%= config.bin %> profile set gov --cloud AzureUSGovernment',
  ]

  static override args = {name: Args.string({description: 'profile name', required: true})}
  static override flags = {
    'arm-endpoint': Flags.string({description: 'Azure Resource Manager URL'}),
    cloud: Flags.string({description: 'sovereign cloud', options: CLOUD_NAMES}),
    subscription: Flags.string({description: 'subscription id (repeatable)', multiple: true}),
    'ca-path': Flags.string({description: 'PEM file of a private CA to trust for ARM and Redis TLS'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parse(ProfileSet)
    const profile = saveProfile(args.name, {armEndpoint: flags['arm-endpoint'], cloud: flags.cloud, subscriptions: flags.subscription, caPath: flags['ca-path']})
    const {accessToken: _omit, ...shown} = profile
    return {data: {name: args.name, profile: shown}, human: () => `saved profile ${args.name}`}
  }
}
