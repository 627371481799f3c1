// Eviction policy must match across members, and be NoEviction with RediSearch or on Enterprise Flash.
// Unlike modules or clustering policy it can be changed in place.
import {label} from '../group.js'
import type {Member} from '../model.js'
import {skuFamily} from '../sku.js'
import {databaseUpdate, drift, ids, is, names, partition, preferring} from './helpers.js'
import type {Finding, Rule} from './types.js'

const NO_EVICTION = 'NoEviction'

/** Why a member may only use NoEviction, if it must. */
function noEvictionReason(m: Member): string | null {
  if (m.modules.some((mod) => is(mod.name, 'RediSearch'))) return 'RediSearch'
  return skuFamily(m.sku.name) === 'EnterpriseFlash' ? 'Enterprise Flash' : null
}

export const evictionPolicy: Rule = {
  name: 'eviction-policy',
  description: 'eviction policy is the same on every member, and NoEviction with RediSearch or Enterprise Flash',
  needs: 'arm',
  evaluate(ctx) {
    const evicting = ctx.group.members.filter((m) => !is(m.evictionPolicy, NO_EVICTION))
    const required = partition(evicting, noEvictionReason).map(({value, members}): Finding => ({
      rule: 'eviction-policy',
      severity: 'error',
      members: ids(members),
      message: `geo-replicated ${value} requires ${NO_EVICTION}, but ${members.map((m) => `${label(m)} uses ${m.evictionPolicy}`).join(', ')}`,
      remediation: `set the eviction policy to ${NO_EVICTION}: ${databaseUpdate(members, `--eviction-policy ${NO_EVICTION}`)}`,
    }))
    const mustNotEvict = ctx.group.members.some((m) => noEvictionReason(m) !== null)
    const flagged = new Set(required.flatMap((f) => f.members))
    // a drift whose odd members are all flagged above would only repeat the same fix
    const differs = drift(ctx, {
      rule: 'eviction-policy',
      severity: 'error',
      setting: 'eviction policy',
      pick: (m) => m.evictionPolicy,
      choose: mustNotEvict ? preferring(NO_EVICTION) : undefined,
      remedy: (odd, to) =>
        to
          ? `set the eviction policy to ${to} on ${names(odd)}: ${databaseUpdate(odd, `--eviction-policy ${to}`)}`
          : 'pick one eviction policy for the group and set it on the members that differ (`az redisenterprise database update --eviction-policy <policy>`)',
    }).filter((f) => f.members.some((id) => !flagged.has(id)))
    return [...required, ...differs]
  },
}
