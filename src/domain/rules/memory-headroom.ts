// Memory used against maxmemory. Geo-replication metadata grows while any member is down, so
// headroom is what buys time during an outage.
import {label} from '../group.js'
import {eachMember, healthOf, probeScope} from './helpers.js'
import type {MemberHealth, Rule} from './types.js'

/** used/max as a percentage, or why it cannot be computed. */
function usage(h: MemberHealth): {pct: number; used: number; max: number} | {skip: string} {
  if (!h.reachable) return {skip: 'unreachable'}
  if (h.usedBytes === null || h.maxBytes === null || h.maxBytes <= 0) return {skip: 'memory limit unknown'}
  return {pct: (h.usedBytes / h.maxBytes) * 100, used: h.usedBytes, max: h.maxBytes}
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`

export const memoryHeadroom: Rule = {
  name: 'memory-headroom',
  description: 'every member has memory headroom below the warning and critical thresholds',
  needs: 'probe',
  scope: (ctx) =>
    probeScope(ctx, (h) => {
      const use = usage(h)
      return 'skip' in use ? use.skip : null
    }),
  evaluate(ctx) {
    const {memoryWarnPct, memoryCritPct} = ctx.thresholds
    return eachMember(ctx, 'memory-headroom', (m) => {
      const h = healthOf(ctx, m)
      const use = h ? usage(h) : null
      if (!use || 'skip' in use || use.pct < memoryWarnPct) return null
      const crit = use.pct >= memoryCritPct
      return {
        severity: crit ? 'error' : 'warning',
        message: `${label(m)} uses ${use.pct.toFixed(0)}% of its memory (${gb(use.used)} of ${gb(use.max)}; ${crit ? 'critical' : 'warning'} at ${crit ? memoryCritPct : memoryWarnPct}%)`,
        remediation:
          'first make sure every member is reachable (force-unlink a member that is down: metadata for it builds up in all caches); ' +
          'otherwise reduce data or scale the whole group up to a larger SKU together (geo-replicated caches cannot scale down)',
      }
    })
  },
}
