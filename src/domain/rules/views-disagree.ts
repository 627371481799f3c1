// Members must agree about who is in the group; a one-sided link is what a force-unlink leaves behind.
import {idKey} from '../ids.js'
import {everyone, everyoneScope, groupName, ids, names, nameOf} from './helpers.js'
import type {Rule} from './types.js'

export const viewsDisagree: Rule = {
  name: 'views-disagree',
  description: "members' views agree about who is in the group",
  needs: 'arm',
  scope: everyoneScope,
  evaluate({group}) {
    const views = group.members.map((m) => ({m, seen: new Set([idKey(m.id), ...m.links.map((l) => idKey(l.id))])}))
    return everyone(group).flatMap((id) => {
      const missing = views.filter((v) => !v.seen.has(idKey(id))).map((v) => v.m)
      if (missing.length === 0) return []
      const listing = views.filter((v) => v.seen.has(idKey(id))).map((v) => v.m)
      const target = nameOf(group, id)
      return [
        {
          rule: 'views-disagree',
          severity: 'error',
          members: [id, ...ids(missing)],
          message: `${target} is in the view of ${names(listing)} but not of ${names(missing)}`,
          remediation:
            `the group is split, usually after a force-unlink: if ${target} was force-unlinked, delete it, recreate it ` +
            `with the group's configuration and force-link it to ${groupName(group)} (its data is discarded); ` +
            'if a create, force-link or unlink is still running, re-run check when it finishes',
        },
      ]
    })
  },
}
