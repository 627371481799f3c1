// A linked database nobody could read: missing access, or the very outage the operator is chasing.
import {shortName} from '../group.js'
import {parseDatabaseId} from '../ids.js'
import {everyoneScope} from './helpers.js'
import type {Rule} from './types.js'

export const unresolvedMember: Rule = {
  name: 'unresolved-member',
  description: 'every linked database could be read',
  needs: 'arm',
  scope: everyoneScope,
  evaluate({group}) {
    return group.unresolved.map((id) => {
      const subscription = parseDatabaseId(id)?.subscriptionId
      return {
        rule: 'unresolved-member',
        severity: 'warning',
        members: [id],
        message: `${shortName(id)} is linked but could not be read (no access, another tenant, deleted, or a region outage)`,
        remediation:
          `check access with \`geo-redis inventory${subscription ? ` --subscription ${subscription}` : ''}\`; ` +
          `if its region is down, force-unlink ${shortName(id)} from a surviving member (\`geo-redis force-unlink\`) before ` +
          'replication metadata fills the others\' memory, and delete and recreate it once the region recovers',
      }
    })
  },
}
