// Resolving the group a command acts on, always fresh from ARM.
import {UsageError} from '../domain/errors.js'
import type {GeoGroup, Inventory} from '../domain/model.js'
import {findGroups, matchesMember, selectGroup, type GroupQuery} from '../domain/select.js'
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

  // without a nickname, --member and --resource-group still narrow the choice
  const candidates = inventory.groups.filter(
    (g) =>
      (!selection.member || g.members.some((m) => matchesMember(m, selection.member!))) &&
      (!selection.resourceGroup || g.members.some((m) => m.resourceGroup.toLowerCase() === selection.resourceGroup!.toLowerCase())),
  )
  if (candidates.length === 1) return candidates[0]
  const names = [...new Set(candidates.map((g) => g.nickname))].sort()
  const narrowed = selection.member || selection.resourceGroup ? ' matching --member/--resource-group' : ''
  throw new UsageError(
    candidates.length === 0 ? `no geo-replication group is visible${narrowed}` : `${candidates.length} groups are visible${narrowed}; which one?`,
    candidates.length === 0 ? 'check --subscription and your access with `geo-redis inventory`' : `pass --group with one of: ${names.join(', ')}`,
  )
}
