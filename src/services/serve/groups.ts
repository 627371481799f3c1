// The groups serve and watch watch, read from ARM as every command reads them (the one resolver, domain/resolve.ts):
// each --group nickname picks its groups (with --resource-group and --member narrowing as usual), none picks every
// group visible. Every member is watched, readable or not; one without an endpoint or credentials is shown as down.
import {allMembers} from '../../domain/group.js'
import {idKey} from '../../domain/ids.js'
import type {GeoGroup, ScopeError} from '../../domain/model.js'
import {matchGroups, type GroupSelection} from '../../domain/resolve.js'
import {assignUids} from '../../domain/serve/uid.js'
import {nominalSizeGB} from '../../domain/sku.js'
import {readGroups} from '../inventory.js'
import {groupFileTargets} from '../group-file.js'
import type {GroupFiles, ProbingArm} from '../ports.js'
import {buildTargets, type MemberTarget, type TargetOptions} from '../targets.js'
import type {WatchedGroup, WatchedMember} from './model.js'

export interface ArmSelection {
  subscriptions: string[]
  /** --group, repeatable; empty: every group the rest of the selection matches */
  nicknames: string[]
  selection: Omit<GroupSelection, 'group'>
}

/** Groups named by any nickname, each once, in the inventory's order. */
async function selectedGroups(arm: ProbingArm, options: ArmSelection): Promise<{groups: GeoGroup[]; errors: ScopeError[]}> {
  const picks = options.nicknames.length > 0 ? options.nicknames : [undefined]
  const {inventory, groups} = await readGroups(arm, {subscriptions: options.subscriptions}, {...options.selection, group: picks[0]})
  const more = picks.slice(1).flatMap((group) => matchGroups(inventory, {...options.selection, group}))
  const seen = new Set<string>()
  const unique = [...groups, ...more].filter((g) => !seen.has(g.key) && seen.add(g.key))
  return {groups: unique, errors: inventory.errors}
}

/** A member as watched: what the target builder gave (no target: shown as down, with why). */
function watchedMember({member, target, authError}: MemberTarget, uid: number): WatchedMember {
  return {
    uid,
    id: member.id,
    name: `${member.cluster}/${member.database}`,
    // short, for the columns of watch and the log: a group has one member per location
    label: member.location || member.cluster,
    location: member.location,
    host: member.hostName,
    port: member.port,
    skuMemoryGB: nominalSizeGB(member.sku),
    target: authError ? null : target,
    ...(authError ? {why: authError.message} : !target ? {why: 'no endpoint known: ARM cannot read it'} : {}),
  }
}

/** The groups to watch from ARM, with their members' targets (keys from listKeys, held in memory only). */
export async function armWatchedGroups(arm: ProbingArm, options: ArmSelection, targets: TargetOptions): Promise<{groups: WatchedGroup[]; errors: ScopeError[]}> {
  const {groups, errors} = await selectedGroups(arm, options)
  const uids = assignUids(groups.flatMap((g) => allMembers(g).map((m) => m.id)))
  const watched = await Promise.all(
    groups.map(async (group): Promise<WatchedGroup> => {
      const dialled = await buildTargets(arm, group, allMembers(group), targets)
      return {nickname: group.nickname, key: group.key, primary: null, members: dialled.map((t) => watchedMember(t, uids.get(idKey(t.member.id))!))}
    }),
  )
  return {groups: watched, errors}
}

export interface FileSelection {
  path: string
  /** --group, repeatable; empty: every group of the file */
  nicknames: string[]
  /** --ca, trusted besides each member's own */
  caPem?: string
}

/** The groups to watch from a group file (docs/group-file.md): credentials by reference, resolved and registered. */
export async function fileWatchedGroups(files: GroupFiles, selection: FileSelection): Promise<WatchedGroup[]> {
  const groups = await groupFileTargets(files, selection.path, {groups: selection.nicknames, ...(selection.caPem ? {caPem: selection.caPem} : {})})
  const uids = assignUids(groups.flatMap((g) => g.targets.map((t) => t.member.id)))
  return groups.map(({group, primary, targets}) => ({
    nickname: group.nickname,
    key: group.key,
    primary: primary === null ? null : uids.get(idKey(primary))!,
    members: targets.map((t) => watchedMember(t, uids.get(idKey(t.member.id))!)),
  }))
}
