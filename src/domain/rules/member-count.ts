// A geo-replication group holds at most five members; unresolved ones count, they are still linked. A group of one
// (the first member before the others join, or the survivor after its peers were force-unlinked) replicates with
// nobody: worth knowing, not a failure.
import {everyone, everyoneScope, geoRedis, nameOf, unlinkCommands} from './helpers.js'
import type {Rule} from './types.js'

const MAX_MEMBERS = 5

export const memberCount: Rule = {
  name: 'member-count',
  description: `a group has at most ${MAX_MEMBERS} members (a group of one is noted)`,
  needs: 'arm',
  scope: everyoneScope,
  evaluate(ctx) {
    const {group} = ctx
    const all = everyone(group)
    if (all.length === 1) {
      return [
        {
          rule: 'member-count',
          severity: 'info',
          members: all,
          message: `the group has one member, ${nameOf(group, all[0])}: it replicates with nobody`,
          remediation:
            `if its peers were force-unlinked, rejoin each with ${geoRedis(ctx, 'force-link', '--group', group.nickname || '<nickname>', '--member', '<database>')} ` +
            '(its data is discarded) or recreate it as a member; if the group is being created, add the other members',
        },
      ]
    }

    if (all.length <= MAX_MEMBERS) return []
    return [
      {
        rule: 'member-count',
        severity: 'error',
        members: all,
        message: `the group has ${all.length} members (${all.map((id) => nameOf(group, id)).join(', ')}); at most ${MAX_MEMBERS} are supported`,
        remediation:
          'fix views-disagree findings first (split views can merge groups); then force-unlink the extra members from a member that stays ' +
          `(${unlinkCommands(ctx, all.slice(5).map((id) => ({id})))}) and delete them`,
      },
    ]
  },
}
