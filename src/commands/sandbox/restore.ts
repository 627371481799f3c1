import {Args} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome} from '../../cli/profiles.js'
import {renderRestore} from '../../output/sandbox.js'
import {sandboxRestore} from '../../sandbox/control/drills.js'

export default class SandboxRestore extends BaseCommand {
  static override summary = 'end an outage drill: restart or thaw the member, ARM answers again'
  static override description = `Restarts a stopped member's redis-server on the same port with the same access key and TLS (its data is gone), or SIGCONTs a frozen one, and clears the emulator's outage. Without a member, restores every member in an outage drill.

Then reports replication as the replicator sees it within 5 s: replicating again and resynced from a linked peer, or linked to no member (after a force-unlink nothing is resynced; force-link rejoins it), or not reconnected yet.

Nothing in an outage: "nothing to restore", exit 0.`

  static override examples = ['<%= config.bin %> sandbox restore "North Europe"', '<%= config.bin %> sandbox restore']

  static override args = {
    member: Args.string({description: 'cluster name, region or database id; default: every member in an outage drill'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args} = await this.parse(SandboxRestore)
    const progress = this.progress('restoring')
    const context = {home: geoRedisHome(), onProgress: (line: string) => progress.update(line)}
    const result = await sandboxRestore(args.member, context).finally(() => progress.stop())
    return {data: result, human: () => renderRestore(result)}
  }
}
