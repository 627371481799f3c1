import {Flags} from '@oclif/core'
import type {CommandOutcome} from '../cli/base.js'
import {GuardedCommand, guardedFlags} from '../cli/guarded.js'
import {deadlineFlag} from '../cli/flags.js'
import {executeFlush, prepareFlush} from '../services/guarded/flush.js'

export default class Flush extends GuardedCommand {
  static override summary = 'delete ALL KEYS in EVERY member of a geo-replication group; there is no undo'
  static override description = `Sends flush (api-version 2025-07-01) once, on one member (--from, or the healthiest: Succeeded/Running, answering the probe, lowest latency), with ids = every other member's database id: Azure deletes every key in all of them (FLUSHALL/FLUSHDB are blocked on geo-replicated caches). Refuses, sending nothing, when the group is not fully linked (a member the flush cannot reach would keep its data; --force flushes the rest), or when the issuing member is not Succeeded/Running or does not answer the probe. Same consent, dry run and evidence as force-unlink; a dry run probes too, so it shows the plan the real run would send. See docs/force-unlink.md.

Exit 0 done or dry run · 1 the operation failed, or its outcome is unknown (the deadline passed or ARM stopped answering: check before acting) · 2 bad input or refused · 130 stopped by Ctrl-C, SIGHUP or SIGTERM.`

  static override examples = [
    '<%= config.bin %> flush --group geo --dry-run',
    '<%= config.bin %> flush --group geo',
    '<%= config.bin %> flush --group geo --from eastus --yes --confirm geo --json',
  ]

  static override flags = {
    ...guardedFlags,
    from: Flags.string({description: 'the member to send the request on: cluster name, location or database id (default: the healthiest)'}),
    deadline: deadlineFlag('15m'),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(Flush)
    // no --member: the group is the subject, and --from narrows same-named groups instead
    return this.runGuardedCommand({...flags, member: flags.from ?? ''}, 'flush', prepareFlush, executeFlush)
  }
}
