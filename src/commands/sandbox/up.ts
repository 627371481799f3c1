import {Flags} from '@oclif/core'
import {BaseCommand, type CommandOutcome} from '../../cli/base.js'
import {geoRedisHome, readProfiles, removeProfileNaming, writeProfile} from '../../cli/profiles.js'
import {renderUp} from '../../output/sandbox.js'
import {sandboxUp} from '../../sandbox/control/up.js'

/** A share from 0 to 1 written as a plain decimal: Number() would take "0x1" as 1 and "" as 0. */
const rate = Flags.custom<number>({
  parse: async (input) => {
    if (!/^(0|1|0?\.\d+|[01]\.\d*)$/.test(input) || Number(input) > 1) throw new Error(`Expected a share from 0 to 1 (e.g. 0.05) but received: ${input}`)
    return Number(input)
  },
})

export default class SandboxUp extends BaseCommand {
  static override summary = 'start a local group in the background: ARM emulator, redis-servers, replicator'
  static override description = `Starts, detached from this command, an HTTPS ARM emulator holding two simulated subscriptions, a group of --members databases in different regions and one standalone cache; one redis-server per database (access key, TLS from a generated CA unless --plaintext); and a replicator that copies writes between members after --lag-ms (a simulation for drills, not CRDT semantics). Saves the profile "sandbox" (endpoint, token, CA, and each member's host name → its loopback address). State and logs live in $GEO_REDIS_HOME/sandbox. Exit 0 started, 2 bad input (or a sandbox already runs, or redis-server is missing), 1 start-up failed (everything started is stopped again).`

  static override examples = [
    '<%= config.bin %> sandbox up',
    '<%= config.bin %> sandbox up --members 5 --lag-ms 500',
    '<%= config.bin %> sandbox up --no-redis --arm-latency-ms 80 --arm-throttle-rate 0.05',
    '<%= config.bin %> sandbox up --clusters 2000 --subscriptions 20',
  ]

  static override flags = {
    members: Flags.integer({description: 'databases in the group, one per region (2-5)', default: 3}),
    nickname: Flags.string({description: 'group nickname', default: 'sandbox-geo'}),
    plaintext: Flags.boolean({description: 'redis-servers without TLS (clientProtocol Plaintext)', default: false}),
    'lag-ms': Flags.integer({description: 'replication delay between members', default: 200}),
    redis: Flags.boolean({description: 'start redis-servers and the replicator (--no-redis: ARM emulator only)', default: true, allowNo: true}),
    'arm-latency-ms': Flags.integer({description: 'delay every ARM answer by this much', helpGroup: 'ARM FAULTS'}),
    'arm-throttle-rate': rate({description: 'share of ARM requests answered 429 (0-1)', helpGroup: 'ARM FAULTS'}),
    'arm-error-rate': rate({description: 'share of ARM requests answered 500/503 (0-1)', helpGroup: 'ARM FAULTS'}),
    clusters: Flags.integer({description: 'a synthetic ARM-only fleet of this many clusters instead of the group (implies --no-redis)', helpGroup: 'FLEET'}),
    subscriptions: Flags.integer({description: 'subscriptions of the synthetic fleet (default 1)', dependsOn: ['clusters'], helpGroup: 'FLEET'}),
    port: Flags.integer({description: 'port of the ARM emulator (default: any free port)'}),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(SandboxUp)
    // a broken profiles file is exit 2 now, not after everything started
    readProfiles()
    const progress = this.progress('starting the sandbox')
    const {result, profile} = await sandboxUp({
      home: geoRedisHome(),
      forgetProfile: removeProfileNaming,
      members: flags.members,
      nickname: flags.nickname,
      plaintext: flags.plaintext,
      lagMs: flags['lag-ms'],
      redis: flags.redis && flags.clusters === undefined,
      armLatencyMs: flags['arm-latency-ms'],
      armThrottleRate: flags['arm-throttle-rate'],
      armErrorRate: flags['arm-error-rate'],
      fleet: flags.clusters === undefined ? undefined : {clusters: flags.clusters, subscriptions: flags.subscriptions ?? 1},
      port: flags.port,
      signal: this.abortSignal,
      onProgress: (line) => (/^\(.\)/.test(line) ? progress.note(line) : progress.update(line)),
    }).finally(() => progress.stop())
    writeProfile(result.profile, profile)
    return {data: result, human: () => renderUp(result)}
  }
}
