// The database actions that change a group, as ARM validates and applies them: forceUnlink (2022-01-01 and later),
// forceLinkToReplicationGroup and flush (2025-07-01). Each checks its request at once (a 4xx starts nothing), shows
// its in-flight states as ARM does, and changes the world only when the long-running operation completes.
import {idKey} from '../../domain/ids.js'
import {badRequest, expectModernApi, invalidContent} from './errors.js'
import type {Call, Reply} from './http.js'
import type {LongRunningOperations} from './long-running.js'
import type {LinkedDatabase, WorldCluster, WorldDatabase, WorldIndex, WorldSubscription} from './world.js'

/** Data-plane side effects of the operations (the sandbox flushes its redis-servers). */
export interface OperationHooks {
  /** a force-link succeeded: the joining database's data must be discarded */
  onForceLink?: (databaseId: string) => void | Promise<void>
  /** a flush succeeded on these databases (the target first, then the linked ids given) */
  onFlush?: (databaseIds: string[]) => void | Promise<void>
}

/** What an operation acts on: the database it was called on, in its cluster and subscription. */
export interface Target {
  call: Call
  sub: WorldSubscription
  cluster: WorldCluster
  db: WorldDatabase
}

export interface OperationContext {
  index: WorldIndex
  lro: LongRunningOperations
  hooks: OperationHooks
}

export function forceUnlink(ctx: OperationContext, {call, sub, cluster, db}: Target): Reply {
  const body = parseBody(call) as {ids?: unknown} | undefined
  const ids = body?.ids
  if (!isIdList(ids)) throw invalidContent('The request content must be {"ids": ["<database resource id>", ...]} with at least one id.')
  expectLinked(db, ids)
  const drop = new Set(ids.map(idKey))
  // the database it is sent on and every other member it lists, but not the unlinked ones
  const survivors = [db.id, ...(db.properties.geoReplication?.linkedDatabases ?? []).map((l) => l.id)]
    .filter((id) => !drop.has(idKey(id)))
    .flatMap((id) => ctx.index.database(id)?.properties.geoReplication ?? [])
  // while in flight, the survivors show the unlinked ids as Unlinking, as ARM does
  const revert = showInFlight(survivors.flatMap((geo) => geo.linkedDatabases.filter((l) => drop.has(idKey(l.id)))), 'Unlinking')
  // The target and every other member it lists forget the unlinked ids. The unlinked databases' own views are left
  // as they were: they are the unreachable side, and ARM keeps reporting their stale view until they are deleted
  // and recreated.
  const apply = () => {
    for (const geo of survivors) geo.linkedDatabases = geo.linkedDatabases.filter((l) => !drop.has(idKey(l.id)))
  }
  return ctx.lro.start(call, sub, cluster, false, {apply, revert})
}

export function forceLink(ctx: OperationContext, {call, sub, cluster, db}: Target): Reply {
  expectModernApi(call, 'forceLinkToReplicationGroup')
  const {nickname, listed} = forceLinkBody(call)
  const members = rejoined(ctx, db, nickname, listed)
  // while in flight, the members it rejoins show it as Linking, as ARM does
  const joins = (l: LinkedDatabase) => idKey(l.id) === idKey(db.id)
  const views = members.slice(1).flatMap((m) => m.properties.geoReplication ?? [])
  const restore = showInFlight(views.flatMap((geo) => geo.linkedDatabases.filter(joins)), 'Linking')
  const added = views
    .filter((geo) => !geo.linkedDatabases.some(joins))
    .map((geo) => {
      const link = {id: db.id, state: 'Linking'}
      geo.linkedDatabases.push(link)
      return {geo, link}
    })
  const revert = () => {
    restore()
    for (const {geo, link} of added) geo.linkedDatabases = geo.linkedDatabases.filter((l) => l !== link)
  }
  const apply = async () => {
    await ctx.hooks.onForceLink?.(db.id)
    for (const m of members) {
      m.properties.geoReplication = {groupNickname: nickname, linkedDatabases: members.map((o) => ({id: o.id, state: 'Linked'}))}
    }
  }
  return ctx.lro.start(call, sub, cluster, true, {apply, revert})
}

export function flush(ctx: OperationContext, {call, sub, cluster, db}: Target): Reply {
  expectModernApi(call, 'flush')
  const body = parseBody(call) as {ids?: unknown} | undefined
  const ids: unknown = body?.ids ?? []
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string' && id !== '')) {
    throw invalidContent('The request content must be empty or {"ids": ["<linked database resource id>", ...]}.')
  }
  expectLinked(db, ids)
  const apply = async () => {
    await ctx.hooks.onFlush?.([db.id, ...ids])
  }
  return ctx.lro.start(call, sub, cluster, true, {apply, revert: () => {}})
}

function forceLinkBody(call: Call): {nickname: string; listed: {id: string}[]} {
  const body = parseBody(call) as {geoReplication?: {groupNickname?: unknown; linkedDatabases?: unknown}} | undefined
  const nickname = body?.geoReplication?.groupNickname
  const listed = body?.geoReplication?.linkedDatabases
  if (typeof nickname !== 'string' || nickname === '' || !Array.isArray(listed) || !isIdList(listed.map((l) => (l as {id?: unknown})?.id))) {
    throw invalidContent('The request content must be {"geoReplication": {"groupNickname": "<name>", "linkedDatabases": [{"id": "<database resource id>"}, ...]}}.')
  }
  return {nickname, listed: listed as {id: string}[]}
}

/** The database and the members it joins, checked as ARM does; the database first. */
function rejoined(ctx: OperationContext, db: WorldDatabase, nickname: string, listed: {id: string}[]): WorldDatabase[] {
  const members = [db]
  for (const {id} of listed) {
    const member = ctx.index.database(id)
    if (!member) throw badRequest(`Linked database '${id}' was not found.`)
    const group = member.properties.geoReplication?.groupNickname
    if (member !== db && group && group !== nickname) {
      throw badRequest(`groupNickname '${nickname}' does not match the replication group '${group}' of '${member.id}'.`)
    }
    if (!members.includes(member)) members.push(member)
  }
  if (members.length < 2) throw badRequest('linkedDatabases must name at least one other database of the replication group.')
  // the list must cover the (splintered) group the others still form, so a typo cannot split it further
  const listedKeys = new Set(members.map((m) => idKey(m.id)))
  for (const m of members.slice(1)) {
    const missing = m.properties.geoReplication?.linkedDatabases.find((l) => !listedKeys.has(idKey(l.id)))
    if (missing) throw badRequest(`linkedDatabases must list every database linked to '${m.id}'; '${missing.id}' is missing.`)
  }
  return members
}

function expectLinked(db: WorldDatabase, ids: string[]): void {
  const linked = new Set((db.properties.geoReplication?.linkedDatabases ?? []).map((l) => idKey(l.id)))
  for (const id of ids) {
    if (idKey(id) === idKey(db.id)) throw badRequest(`'${id}' is the database the operation was called on; list only other databases.`)
    if (!linked.has(idKey(id))) throw badRequest(`Database '${id}' is not linked to '${db.id}'.`)
  }
}

/** Shows `links` in a transitional state while an operation runs; returns what puts their states back. */
function showInFlight(links: {state: string}[], state: 'Linking' | 'Unlinking'): () => void {
  const before = links.map((l) => l.state)
  for (const l of links) l.state = state
  return () => links.forEach((l, i) => (l.state = before[i]))
}

function parseBody(call: Call): unknown {
  if (!call.rawBody.trim()) return undefined
  try {
    return JSON.parse(call.rawBody)
  } catch {
    throw invalidContent('The request content was invalid and could not be deserialized.')
  }
}

function isIdList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((id) => typeof id === 'string' && id !== '')
}
