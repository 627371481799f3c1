// ARM's paths for Microsoft.Cache/redisEnterprise, each to its answer: subscriptions, cluster lists (per
// subscription and per resource group, paged), a cluster and its actions, databases and their actions, and the
// status URLs of long-running operations. A request for a cluster in an outage waits at the gate first.
import {badRequest, ErrorReply, expectApiVersion, expectMethod, expectModernApi, forbidden, noRoute, notFound} from './errors.js'
import type {Call, Reply} from './http.js'
import type {LongRunningOperations} from './long-running.js'
import {flush, forceLink, forceUnlink, type OperationHooks, type Target} from './operations.js'
import {clusterView, databaseView, nameOf, skusForScaling, type World, type WorldCluster, type WorldIndex, type WorldSubscription} from './world.js'

export interface RouterContext {
  world: World
  index: WorldIndex
  lro: LongRunningOperations
  hooks: OperationHooks
  /** items per page of a list */
  pageSize: number
  /** the emulator's URL, for nextLinks */
  url: () => string
  /** waits out (or answers) an outage of the location or cluster */
  gate: (call: Call, location: string, clusterId?: string) => Promise<void>
}

export async function route(ctx: RouterContext, call: Call): Promise<Reply> {
  const s = call.lower
  if (s[0] !== 'subscriptions') throw noRoute(call)
  if (s.length === 1) {
    expectMethod(call, 'GET')
    return page(ctx, call, ctx.world.subscriptions, (sub) => subscriptionView(ctx.world, sub))
  }
  const sub = ctx.index.subscription(call.segments[1])
  if (!sub) throw new ErrorReply(404, 'SubscriptionNotFound', `The subscription '${call.segments[1]}' could not be found.`)
  if (s.length === 2) {
    expectMethod(call, 'GET')
    return {status: 200, body: subscriptionView(ctx.world, sub)}
  }
  if (sub.forbidden) throw forbidden(call, sub)
  if (s[2] === 'providers' && s[3] === 'microsoft.cache') return providerRoute(ctx, call, sub)
  if (s[2] === 'resourcegroups' && s[4] === 'providers' && s[5] === 'microsoft.cache' && s[6] === 'redisenterprise') {
    return resourceGroupRoute(ctx, call, sub)
  }
  throw noRoute(call)
}

/** /subscriptions/{s}/providers/Microsoft.Cache/…: every cluster of the subscription, or an operation's status. */
async function providerRoute(ctx: RouterContext, call: Call, sub: WorldSubscription): Promise<Reply> {
  const s = call.lower
  expectApiVersion(call)
  if (s.length === 5 && s[4] === 'redisenterprise') {
    expectMethod(call, 'GET')
    return page(ctx, call, ctx.index.clustersOf(sub.id), (c) => clusterView(c, call.apiVersion!))
  }
  if (s.length === 8 && s[4] === 'locations' && (s[6] === 'operationsstatus' || s[6] === 'operationresults')) {
    expectMethod(call, 'GET')
    const op = ctx.lro.find(sub, s[5], s[7])
    await ctx.gate(call, s[5])
    return ctx.lro.poll(call, op, s[6] === 'operationresults')
  }
  throw noRoute(call)
}

/** /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Cache/redisEnterprise[/{cluster}/…] */
async function resourceGroupRoute(ctx: RouterContext, call: Call, sub: WorldSubscription): Promise<Reply> {
  expectApiVersion(call)
  const rg = call.segments[3]
  if (call.lower.length === 7) {
    expectMethod(call, 'GET')
    const clusters = ctx.index.clustersIn(sub.id, rg)
    if (clusters.length === 0) throw new ErrorReply(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`)
    return page(ctx, call, clusters, (c) => clusterView(c, call.apiVersion!))
  }
  const clusterId = `/subscriptions/${sub.id}/resourceGroups/${rg}/providers/Microsoft.Cache/redisEnterprise/${call.segments[7]}`
  const cluster = ctx.index.cluster(clusterId)
  if (!cluster) throw notFound(`Microsoft.Cache/redisEnterprise/${call.segments[7]}`, rg)
  await ctx.gate(call, cluster.location, cluster.id)
  return clusterRoute(ctx, call, sub, cluster)
}

function clusterRoute(ctx: RouterContext, call: Call, sub: WorldSubscription, cluster: WorldCluster): Reply {
  const s = call.lower
  const version = call.apiVersion!
  if (s.length === 8) {
    expectMethod(call, 'GET')
    return {status: 200, body: clusterView(cluster, version)}
  }
  if (s.length === 9 && s[8] === 'listskusforscaling') {
    expectMethod(call, 'POST')
    expectModernApi(call, 'listSkusForScaling')
    return {status: 200, body: {skus: skusForScaling(cluster.sku.name)}}
  }
  if (s[8] !== 'databases' || s.length > 11) throw noRoute(call)
  if (s.length === 9) {
    expectMethod(call, 'GET')
    return page(ctx, call, ctx.index.databasesOf(cluster.id), (d) => databaseView(d, version))
  }
  const db = ctx.index.database(`${cluster.id}/databases/${call.segments[9]}`)
  if (!db) throw notFound(`Microsoft.Cache/redisEnterprise/${nameOf(cluster.id)}/databases/${call.segments[9]}`, call.segments[3])
  if (s.length === 10) {
    expectMethod(call, 'GET')
    return {status: 200, body: databaseView(db, version)}
  }
  expectMethod(call, 'POST')
  return databaseAction(ctx, {call, sub, cluster, db}, s[10])
}

function databaseAction(ctx: RouterContext, target: Target, action: string): Reply {
  switch (action) {
    case 'listkeys':
      return {status: 200, body: {primaryKey: target.db.keys.primaryKey, secondaryKey: target.db.keys.secondaryKey}}
    case 'forceunlink':
      return forceUnlink(ctx, target)
    case 'forcelinktoreplicationgroup':
      return forceLink(ctx, target)
    case 'flush':
      return flush(ctx, target)
    default:
      throw noRoute(target.call)
  }
}

/** One page of a list, with an absolute nextLink (a $skipToken) while more follow, as ARM pages. */
function page<T>(ctx: RouterContext, call: Call, items: T[], view: (item: T) => unknown): Reply {
  const token = call.query.$skipToken ?? '0'
  const skip = Number(token)
  if (!Number.isInteger(skip) || skip < 0) throw badRequest(`The $skipToken '${token}' is not valid.`)
  const end = skip + ctx.pageSize
  const nextLink = end < items.length ? `${ctx.url()}${call.path}?api-version=${call.apiVersion}&$skipToken=${end}` : null
  return {status: 200, body: {value: items.slice(skip, end).map(view), nextLink}}
}

function subscriptionView(world: World, sub: WorldSubscription): Record<string, unknown> {
  return {
    id: `/subscriptions/${sub.id}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: sub.id,
    tenantId: world.tenantId,
    displayName: sub.displayName,
    state: 'Enabled',
    subscriptionPolicies: {locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off'},
  }
}
