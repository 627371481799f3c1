// Clustering policy must match across members and RediSearch needs EnterpriseCluster. It is create-only,
// except that NoCluster may still be changed (api-version 2025-07-01).
import {agree, drift, groupName, ids, is, names, recreate} from './helpers.js'
import type {Finding, Rule} from './types.js'

export const clusteringPolicy: Rule = {
  name: 'clustering-policy',
  description: 'clustering policy is the same on every member, and not OSSCluster with RediSearch',
  needs: 'arm',
  evaluate(ctx) {
    const {group} = ctx
    const findings: Finding[] = []
    const ossSearch = group.members.filter(
      (m) => is(m.clusteringPolicy, 'OSSCluster') && m.modules.some((mod) => is(mod.name, 'RediSearch')),
    )
    if (ossSearch.length > 0) {
      findings.push({
        rule: 'clustering-policy',
        severity: 'error',
        members: ids(ossSearch),
        message: `${names(ossSearch)} ${agree(ossSearch, 'uses', 'use')} RediSearch with the OSSCluster policy, which RediSearch does not support`,
        remediation:
          `clusteringPolicy is create-only: ${recreate(ossSearch, 'with clusteringPolicy EnterpriseCluster', ctx)}; ` +
          `every member of ${groupName(group)} must end up with the same policy`,
      })
    }

    findings.push(
      ...drift(ctx, {
        rule: 'clustering-policy',
        severity: 'error',
        setting: 'clustering policy',
        pick: (m) => m.clusteringPolicy,
        remedy: (odd, to) => {
          const how = to ? `with clusteringPolicy ${to}` : 'with the clustering policy you pick for the group'
          const open = odd.filter((m) => is(m.clusteringPolicy, 'NoCluster'))
          const fixed = odd.filter((m) => !open.includes(m))
          return [
            open.length > 0 &&
              `NoCluster can still be changed: set ${names(open)} to ${to ?? 'the policy you pick'} (database PATCH clusteringPolicy, api-version 2025-07-01)`,
            fixed.length > 0 && `clusteringPolicy is otherwise create-only: ${recreate(fixed, how, ctx)}`,
          ]
            .filter(Boolean)
            .join('; ')
        },
      }),
    )
    return findings
  },
}
