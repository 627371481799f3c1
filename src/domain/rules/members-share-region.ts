// Active geo-replication is for surviving a region: two members in one region go down together with it. Members ARM
// cannot read count too, where ARM's cluster list still shows their location.
import {allMembers} from '../group.js'
import {everyoneScope, groupBy, ids, names} from './helpers.js'
import type {Rule} from './types.js'

export const membersShareRegion: Rule = {
  name: 'members-share-region',
  description: 'every member is in a region of its own',
  needs: 'arm',
  scope: everyoneScope,
  evaluate({group}) {
    const located = allMembers(group).filter((m) => m.location !== '')
    return groupBy(located, (m) => m.location)
      .filter((same) => same.length > 1)
      .map((same) => ({
        rule: 'members-share-region',
        severity: 'warning',
        members: ids(same),
        message: `${names(same)} are all in ${same[0].location}: an outage of that region takes them down together, and the group survives it only as well as its other regions do`,
        remediation:
          `if one of them joined by mistake, force-unlink it from a member that stays and re-create it as a standalone cache; to spread the group, ` +
          `recreate one of them in another region as a member of "${group.nickname}"`,
      }))
  },
}
