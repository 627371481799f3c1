// `geo-redis endpoints export --format <library>`: the client failover model of the selected group, built from the
// same read as every endpoints export (and its keys only with --include-keys, through the same listKeys path, where
// the ARM adapter registers them as secrets).
import {buildFailoverModel, type FailoverMemberInput} from '../domain/failover/build.js'
import type {FailoverModel} from '../domain/failover/model.js'
import type {FailoverOptions} from '../domain/failover/options.js'
import {allMembers, memberEndpoint} from '../domain/group.js'
import type {GeoGroup, ScopeError} from '../domain/model.js'
import type {GroupSelection} from '../domain/resolve.js'
import {exportEndpoints} from './endpoints.js'
import {readGroup} from './inventory.js'
import type {ProbingArm} from './ports.js'

interface FailoverRunOptions {
  subscriptions: string[]
  selection: GroupSelection
  failover: FailoverOptions
}

/** The group's members as the model takes them: each as read, an unread one with the endpoint its cluster list shows. */
async function failoverInputs(arm: ProbingArm, group: GeoGroup, includeKeys: boolean): Promise<FailoverMemberInput[]> {
  const exported = await exportEndpoints(arm, group, {includeKeys})
  return allMembers(group).map((m, i) => ({
    id: m.id,
    location: m.location,
    cluster: m.cluster,
    database: m.database,
    endpoint: memberEndpoint(m, group),
    clusteringPolicy: m.readError ? null : m.clusteringPolicy,
    accessKeysDisabled: !m.readError && m.accessKeysAuthentication === 'Disabled',
    ...(m.readError ? {readError: m.readError} : {}),
    ...('primaryKey' in exported.members[i] ? {primaryKey: exported.members[i].primaryKey} : {}),
  }))
}

/** The model of the one selected group; `errors` are the scopes ARM could not read. */
export async function runFailoverExport(arm: ProbingArm, options: FailoverRunOptions): Promise<{model: FailoverModel; group: GeoGroup; errors: ScopeError[]}> {
  const {inventory, group} = await readGroup(arm, {subscriptions: options.subscriptions}, options.selection)
  const inputs = await failoverInputs(arm, group, options.failover.includeKeys)
  return {model: buildFailoverModel(group.nickname, inputs, options.failover), group, errors: inventory.errors}
}
