import {Args, Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome} from '../../cli/profiles.js'
import {renderOutage} from '../../output/sandbox.js'
import {sandboxOutage} from '../../sandbox/control/drills.js'
import type {OutageMode} from '../../sandbox/control/state.js'

export default class SandboxOutage extends BaseCommand {
  static override summary = 'take one sandbox member down, as in a regional outage'
  static override description = `stop: kills the member's redis-server (port, access key and TLS kept for restore) and the ARM emulator answers 503 ServiceUnavailable for its cluster. freeze: SIGSTOP, so connections hang, and ARM requests for its cluster hang too (timeout). isolate: replication to and from the member is cut (writes on it stay there, writes elsewhere do not reach it) while its redis-server and ARM keep answering; waits up to 5 s for the replicator to confirm. The survivors' ARM links stay Linked: ARM reflects configuration, not data-plane health. Undo with \`sandbox restore\`. Exit 2 for an unknown member (the message lists them), or isolate on the standalone cache or without a replicator.`

  static override examples = [
    '<%= config.bin %> sandbox outage "North Europe"',
    '<%= config.bin %> sandbox outage sandbox-eastus --mode freeze',
    '<%= config.bin %> sandbox outage westus2 --mode isolate',
  ]

  static override args = {
    member: Args.string({description: 'cluster name, region ("North Europe" or northeurope) or database id', required: true}),
  }

  static override flags = {
    mode: Flags.string({description: 'stop the redis-server, freeze it (SIGSTOP), or isolate it (replication cut, Redis and ARM answering)', options: ['stop', 'freeze', 'isolate'], default: 'stop'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {args, flags} = await this.parse(SandboxOutage)
    const progress = this.progress('starting the outage drill')
    const context = {home: geoRedisHome(), onProgress: (line: string) => progress.update(line)}
    const result = await sandboxOutage(args.member, flags.mode as OutageMode, context).finally(() => progress.stop())
    return {data: result, human: () => renderOutage(result)}
  }
}
