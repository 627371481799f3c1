// Resolving the group a command acts on, always fresh from ARM.
import {UsageError} from '../domain/errors.js'
import type {GeoGroup, Inventory} from '../domain/model.js'
import {findGroups, selectGroup, type GroupQuery} from '../domain/select.js'
import {readInventory, type InventoryOptions} from './inventory.js'
import type {ArmPort} from './ports.js'

export interface GroupSelection {
  /** nickname; optional when exactly one group is visible */
  group?: string
  resourceGroup?: string
  member?: string
}

export interface ResolvedGroup {
  inventory: Inventory
  group: GeoGroup
}

/** Every group matching the selection (all groups when no nickname is given). */
export async function loadGroups(arm: ArmPort, options: InventoryOptions, selection: GroupSelection): Promise<{inventory: Inventory; groups: GeoGroup[]}> {
  const inventory = await readInventory(arm, options)
  if (!selection.group) return {inventory, groups: inventory.groups}
  const groups = findGroups(inventory, {nickname: selection.group, resourceGroup: selection.resourceGroup, member: selection.member})
  if (groups.length === 0) selectGroup(inventory, {nickname: selection.group, resourceGroup: selection.resourceGroup, member: selection.member})
  return {inventory, groups}
}

/** Exactly one group: by nickname (disambiguated by resource group or member), or the only one visible. */
export async function loadGroup(arm: ArmPort, options: InventoryOptions, selection: GroupSelection): Promise<ResolvedGroup> {
  const inventory = await readInventory(arm, options)
  return {inventory, group: pickGroup(inventory, selection)}
}

export function pickGroup(inventory: Inventory, selection: GroupSelection): GeoGroup {
  if (selection.group) {
    const query: GroupQuery = {nickname: selection.group, resourceGroup: selection.resourceGroup, member: selection.member}
    return selectGroup(inventory, query)
  }

  if (inventory.groups.length === 1) return inventory.groups[0]
  const names = [...new Set(inventory.groups.map((g) => g.nickname))].sort()
  throw new UsageError(
    inventory.groups.length === 0 ? 'no geo-replication group is visible' : `${inventory.groups.length} groups are visible; which one?`,
    inventory.groups.length === 0 ? 'check --subscription and your access with `geo-redis inventory`' : `pass --group with one of: ${names.join(', ')}`,
  )
}
