// Canary writes: a write on one member must show up on each other member, in time.
import {idKey} from '../ids.js'
import {everyone, nameOf} from './helpers.js'
import type {Finding, Rule} from './types.js'

export const replicationLag: Rule = {
  name: 'replication-lag',
  description: 'canary writes replicate between members within the lag threshold',
  needs: 'canary',
  scope({group, replication = []}) {
    const covered = new Set(replication.flatMap((p) => [idKey(p.from), idKey(p.to)]))
    const all = everyone(group)
    return {
      members: all.filter((id) => covered.has(idKey(id))),
      skipped: all.filter((id) => !covered.has(idKey(id))).map((member) => ({member, reason: 'no canary result'})),
    }
  },
  evaluate({group, replication = [], thresholds}) {
    return replication.flatMap((p): Finding[] => {
      const route = `${nameOf(group, p.from)} to ${nameOf(group, p.to)}`
      if (!p.replicated) {
        return [
          {
            rule: 'replication-lag',
            severity: 'error',
            members: [p.from, p.to],
            message: `a canary write did not replicate from ${route}${p.reason ? ` (${p.reason})` : ''}`,
            remediation:
              `check link-state and member-state for ${nameOf(group, p.to)} and its Geo Replication Healthy metric ` +
              '(the docs suggest alerting when it is 0 for 60 minutes); very large keys (near 2 GB) cause geo-replication health issues',
          },
        ]
      }

      if (p.lagMs === null || p.lagMs <= thresholds.replicationLagMs) return []
      return [
        {
          rule: 'replication-lag',
          severity: 'warning',
          members: [p.from, p.to],
          message: `a canary write took ${p.lagMs} ms to replicate from ${route} (threshold ${thresholds.replicationLagMs} ms)`,
          remediation:
            'sync is eventually consistent with no SLA on time; if the lag persists, check write load, key sizes (keep keys under 500 MB) ' +
            'and the Geo Replication Healthy metric',
        },
      ]
    })
  },
}
