// Memory used against the member's limit: maxmemory when set, else its SKU's nominal size, as `geo-redis capacity`
// measures it (one shared function, memoryUse). Geo-replication metadata grows while any member is down, so headroom
// is what buys time during an outage.
import {memoryUse} from '../capacity.js'
import type {Member} from '../model.js'
import {skuMemoryGB} from '../sku.js'
import {allMembers, label} from '../group.js'
import {eachMember, healthOf, probeScope} from './helpers.js'
import type {MemberProbe} from '../probe.js'
import type {CheckContext, Rule} from './types.js'

/** The member's memory use against its limit, or why it cannot be measured. */
function usage(ctx: CheckContext, h: MemberProbe, m: Member) {
  if (!h.reachable) return {skip: 'unreachable'}
  const use = memoryUse(
    {usedBytes: h.memory?.usedBytes ?? null, maxmemoryBytes: h.memory?.maxBytes ?? null, skuMemoryGB: skuMemoryGB(m.sku.name, m.sku.capacity)},
    {warnPct: ctx.thresholds.memoryWarnPct, critPct: ctx.thresholds.memoryCritPct},
  )
  return use.usedPct === null ? {skip: 'memory limit unknown'} : use
}

const gb = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GB`

export const memoryHeadroom: Rule = {
  name: 'memory-headroom',
  description: "every member has memory headroom below the warning and critical thresholds (against maxmemory, else the SKU's size)",
  needs: 'probe',
  scope: (ctx) =>
    probeScope(ctx, (h, m) => {
      const use = usage(ctx, h, m)
      return 'skip' in use ? use.skip : null
    }),
  evaluate(ctx) {
    const {memoryWarnPct, memoryCritPct} = ctx.thresholds
    return eachMember(
      ctx,
      'memory-headroom',
      (m) => {
        const h = healthOf(ctx, m)
        const use = h ? usage(ctx, h, m) : null
        if (!use || 'skip' in use || use.level === 'ok' || use.level === 'unknown') return null
        const crit = use.level === 'crit'
        const limit = use.limitSource === 'sku' ? `, the ${m.sku.name} size: maxmemory is not set` : ''
        return {
          severity: crit ? 'error' : 'warning',
          message: `${label(m)} uses ${use.usedPct!.toFixed(0)}% of its memory (${gb(use.usedBytes!)} of ${gb(use.maxBytes!)}${limit}; ${crit ? 'critical' : 'warning'} at ${crit ? memoryCritPct : memoryWarnPct}%)`,
          remediation:
            'first make sure every member is reachable (force-unlink a member that is down: metadata for it builds up in all caches); ' +
            'otherwise reduce data or scale the whole group up to a larger SKU together (geo-replicated caches cannot scale down)',
        }
      },
      allMembers(ctx.group),
    )
  },
}
