// All members must have the same SKU and capacity; geo-replicated members scale up only, together.
import type {Sku} from '../model.js'
import {skuMemoryGB} from '../sku.js'
import {clusterUpdate, driftRule, highest, names} from './helpers.js'

const show = (sku: Sku) => (sku.capacity === null ? sku.name : `${sku.name} (capacity ${sku.capacity})`)

const SCALING =
  'geo-replicated members scale only to the SKU another member already moved to, never down, and use only their original memory until all match'

export const skuMismatch = driftRule<Sku>('every member has the same SKU and capacity', {
  rule: 'sku-mismatch',
  severity: 'error',
  setting: 'SKU',
  pick: (m) => m.sku,
  show,
  keyOf: (sku) => `${sku.name.toLowerCase()} ${sku.capacity ?? ''}`,
  // geo-replicated caches cannot scale down, so the largest size is the one to match
  choose: highest((sku) => skuMemoryGB(sku.name, sku.capacity)),
  remedy: (odd, to) =>
    to
      ? `scale ${names(odd)} up to ${show(to)}: ${clusterUpdate(odd, `--sku ${to.name}${to.capacity === null ? '' : ` --capacity ${to.capacity}`}`)}; ${SCALING}`
      : `pick one SKU for the group and scale the smaller members up to it; ${SCALING}`,
})
