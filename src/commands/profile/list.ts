import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {readProfiles} from '../../cli/profiles.js'
import {suggestCommand} from '../../domain/suggest.js'
import {table} from '../../output/table.js'

export default class ProfileList extends BaseCommand {
  static override summary = 'list saved profiles (tokens are never shown)'
  static override examples = ['<%= config.bin %> profile list']

  protected async execute(): Promise<CommandOutcome> {
    await this.parse(ProfileList)
    const profiles = Object.entries(readProfiles()).map(([name, p]) => ({
      name,
      armEndpoint: p.armEndpoint ?? null,
      cloud: p.cloud ?? null,
      subscriptions: p.subscriptions ?? [],
      caPath: p.caPath ?? null,
      hasToken: Boolean(p.accessToken),
    }))
    return {
      data: {profiles},
      human: () =>
        profiles.length === 0
          ? `no profiles saved; ${suggestCommand(['sandbox', 'up'])} saves "sandbox", ${suggestCommand(['profile', 'set'])} saves your own`
          : table(['name', 'arm endpoint', 'cloud', 'subscriptions', 'ca'], profiles.map((p) => [p.name, p.armEndpoint, p.cloud, p.subscriptions.join(' '), p.caPath])),
    }
  }
}
