// Geo-replication requires high availability; with it disabled "the data set is not replicated".
// Null means the api-version did not report it: unknown, not a finding.
import {label} from '../group.js'
import {eachMember, is} from './helpers.js'
import type {Rule} from './types.js'

export const highAvailabilityDisabled: Rule = {
  name: 'high-availability-disabled',
  description: 'high availability is enabled on every member',
  needs: 'arm',
  evaluate(ctx) {
    return eachMember(ctx, 'high-availability-disabled', (m) =>
      is(m.highAvailability, 'Disabled')
        ? {
            severity: 'error',
            message: `${label(m)} has high availability disabled; geo-replication requires it`,
            remediation: `enable high availability on cluster ${m.cluster} (resource group ${m.resourceGroup}): cluster PATCH properties.highAvailability: Enabled`,
          }
        : null,
    )
  },
}
