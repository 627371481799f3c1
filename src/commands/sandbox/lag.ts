import {Args} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome} from '../../cli/profiles.js'
import {renderLag} from '../../output/sandbox.js'
import {MAX_MEMBER_LAG_MS, sandboxLag} from '../../sandbox/control/replication-drills.js'

export default class SandboxLag extends BaseCommand {
  static override summary = "set one sandbox member's replication delay at run time"
  static override description = `Every copy the replicator makes to and from the member waits <ms> (between two members that both have a delay of their own, the longer one); 0 gives it the group's delay again (\`sandbox up --lag-ms\`). Takes effect at once on copies made from then on, without a restart; \`sandbox status\` shows it. Waits up to 5 s for the replicator to confirm.

Exit 0 · 2 a delay outside 0..${MAX_MEMBER_LAG_MS}, an unknown member, the standalone cache, or no sandbox replicator (nothing changed).`

  static override examples = ['<%= config.bin %> sandbox lag eastus 2000', '<%= config.bin %> sandbox lag eastus 0']

  static override args = {
    member: Args.string({description: 'cluster name, region or database id of a group member', required: true}),
    ms: Args.integer({description: `delay in milliseconds, 0..${MAX_MEMBER_LAG_MS} (0: the group's delay)`, required: true, min: 0, max: MAX_MEMBER_LAG_MS}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args} = await this.parse(SandboxLag)
    const result = await this.withProgress('changing the replication delay', (report) => sandboxLag(args.member, args.ms, {home: geoRedisHome(), onProgress: report}))
    return {data: result, human: () => renderLag(result)}
  }
}
