import {Flags} from '@oclif/core'
import type {CommandOutcome} from '../cli/base.js'
import {GuardedCommand, guardedFlags} from '../cli/guarded.js'
import {deadlineFlag} from '../cli/flags.js'
import {executeForceLink, prepareForceLink} from '../services/guarded/force-link.js'

export default class ForceLink extends GuardedCommand {
  static override summary = 'rejoin a previously unlinked database to its group; ALL ITS DATA IS DISCARDED'
  static override description = `Sends forceLinkToReplicationGroup (api-version 2025-07-01) on the joining database, with the group's nickname and linkedDatabases = the joining database plus the members it rejoins. Azure recreates the database: all of its data is discarded and it is unavailable for several minutes. Takes back only a database that belonged to the group (its own view names the group, or a member lists it); anything else needs --adopt naming it again, and a probe that shows how many keys it would delete. Same consent, dry run, --plan, lock and evidence as force-unlink.

Exit 0 done, dry run or nothing to do · 1 the operation failed, or its outcome is unknown (the deadline passed or ARM stopped answering: check before acting) · 2 bad input or refused · 130 stopped by Ctrl-C, SIGHUP or SIGTERM.`

  static override examples = [
    '<%= config.bin %> force-link --group geo --member westus2 --dry-run',
    '<%= config.bin %> force-link --group geo --member /subscriptions/…/redisEnterprise/geo-wus2/databases/default --yes --confirm geo',
  ]

  static override flags = {
    ...guardedFlags,
    member: Flags.string({description: 'the database to rejoin: cluster name, location or database id', required: true}),
    // Azure recreates the database and syncs it from the group: longer than an unlink
    deadline: deadlineFlag('30m'),
    adopt: Flags.string({
      description: 'force-link a database that never belonged to the group (its own view names no such group and no member lists it): name it again, by cluster name or id; ALL ITS KEYS ARE DELETED',
    }),
  }

  protected async execute(): Promise<CommandOutcome> {
    const {flags} = await this.parse(ForceLink)
    return this.runGuardedCommand(flags, 'force-link', (ports, options) => prepareForceLink(ports, {...options, adopt: flags.adopt}), executeForceLink)
  }
}
