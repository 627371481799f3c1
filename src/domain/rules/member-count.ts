// A geo-replication group holds at most five members; unresolved ones count, they are still linked.
import {everyone, everyoneScope, nameOf} from './helpers.js'
import type {Rule} from './types.js'

const MAX_MEMBERS = 5

export const memberCount: Rule = {
  name: 'member-count',
  description: `a group has at most ${MAX_MEMBERS} members`,
  needs: 'arm',
  scope: everyoneScope,
  evaluate({group}) {
    const all = everyone(group)
    if (all.length <= MAX_MEMBERS) return []
    return [
      {
        rule: 'member-count',
        severity: 'error',
        members: all,
        message: `the group has ${all.length} members (${all.map((id) => nameOf(group, id)).join(', ')}); at most ${MAX_MEMBERS} are supported`,
        remediation:
          'fix views-disagree findings first (split views can merge groups); then force-unlink the extra members from a member that stays ' +
          '(`geo-redis force-unlink`) and delete them',
      },
    ]
  },
}
