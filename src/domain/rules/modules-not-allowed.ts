// Geo-replication supports only the RediSearch and RedisJSON modules.
import type {Member} from '../model.js'
import {agree, ids, is, names, partition, recreate} from './helpers.js'
import type {Rule} from './types.js'

const ALLOWED = ['RediSearch', 'RedisJSON']

/** The modules a member may not load, or null when there are none. */
function disallowed(m: Member): string | null {
  const extra = m.modules.map((mod) => mod.name).filter((n) => !ALLOWED.some((a) => is(n, a)))
  return extra.length > 0 ? extra.join(', ') : null
}

export const modulesNotAllowed: Rule = {
  name: 'modules-not-allowed',
  description: `members load no module other than ${ALLOWED.join(' and ')}`,
  needs: 'arm',
  evaluate(ctx) {
    return partition(ctx.group.members, disallowed).map(({value, members}) => ({
      rule: 'modules-not-allowed',
      severity: 'error',
      members: ids(members),
      message: `${names(members)} ${agree(members, 'loads', 'load')} ${value}; geo-replication supports only ${ALLOWED.join(' and ')}`,
      remediation: `modules are create-only: ${recreate(members, `without ${value}`, ctx)}`,
    }))
  },
}
