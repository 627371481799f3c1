// Some SKUs cannot be geo-replicated at all: Balanced B0/B1, Flash Optimized, Enterprise E1.
import {isGeoReplicationEligible} from '../sku.js'
import {agree, ids, names, partition, recreate} from './helpers.js'
import type {Rule} from './types.js'

export const skuNotEligible: Rule = {
  name: 'sku-not-eligible',
  description: "every member's SKU supports active geo-replication",
  needs: 'arm',
  evaluate(ctx) {
    const ineligible = partition(ctx.group.members, (m) => (isGeoReplicationEligible(m.sku.name).eligible ? null : m.sku.name))
    return ineligible.map(({value, members}) => ({
      rule: 'sku-not-eligible',
      severity: 'error',
      members: ids(members),
      message: `${names(members)} ${agree(members, 'is', 'are')} ${value}: ${isGeoReplicationEligible(value).reason}`,
      remediation: recreate(
        members,
        'on an eligible SKU that matches the rest of the group (Balanced B3 or larger, Memory Optimized or Compute Optimized)',
        ctx,
      ),
    }))
  },
}
