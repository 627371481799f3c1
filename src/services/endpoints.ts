// `geo-redis endpoints export`: where each member listens, for application routing config. Access keys are read
// only when asked for; without includeKeys no listKeys request is ever sent.
import {OperationError} from '../domain/errors.js'
import {idKey} from '../domain/ids.js'
import type {GeoGroup, Member, ScopeError} from '../domain/model.js'
import {loadGroup, type GroupSelection} from './groups.js'
import type {ArmPort} from './ports.js'
import {endpointOf} from './targets.js'

export interface EndpointEntry {
  location: string
  host: string
  port: number
  tls: boolean
  id: string
  cluster: string
  database: string
  resourceGroup: string
  subscriptionId: string
  /** only with includeKeys; null for a member whose access keys are disabled (it takes Microsoft Entra tokens) */
  primaryKey?: string | null
}

export interface EndpointsExport {
  group: string
  /** by location, then id: the same group always exports the same text */
  members: EndpointEntry[]
  /** linked members nobody could read: missing from members */
  unresolved: string[]
}

export interface EndpointsRunOptions {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  selection: GroupSelection
  includeKeys: boolean
}

function byLocationThenId(a: Member, b: Member): number {
  return a.location.localeCompare(b.location) || idKey(a.id).localeCompare(idKey(b.id))
}

async function primaryKeyOf(arm: ArmPort, member: Member): Promise<string | null> {
  if (member.accessKeysAuthentication === 'Disabled') return null
  try {
    const keys = await arm.listKeys(member.id)
    return keys.primaryKey
  } catch (error) {
    // a config with a hole in it must not look complete
    throw new OperationError(
      `cannot read the access keys of ${member.cluster}/${member.database}: ${(error as Error).message}`,
      'listKeys needs Microsoft.Cache/redisEnterprise/databases/listKeys/action (e.g. Redis Enterprise Contributor); or export without --include-keys',
      'ListKeysFailed',
    )
  }
}

export async function exportEndpoints(arm: ArmPort, group: GeoGroup, options: {includeKeys: boolean}): Promise<EndpointsExport> {
  const members = [...group.members].sort(byLocationThenId)
  const keys = options.includeKeys ? await Promise.all(members.map((m) => primaryKeyOf(arm, m))) : null
  return {
    group: group.nickname,
    members: members.map((m, i) => ({
      location: m.location,
      ...endpointOf(m),
      id: m.id,
      cluster: m.cluster,
      database: m.database,
      resourceGroup: m.resourceGroup,
      subscriptionId: m.subscriptionId,
      ...(keys ? {primaryKey: keys[i]} : {}),
    })),
    unresolved: group.unresolved,
  }
}

/** `geo-redis endpoints export`: the one selected group; `errors` are the scopes ARM could not read. */
export async function runEndpointsExport(arm: ArmPort, options: EndpointsRunOptions): Promise<{export: EndpointsExport; errors: ScopeError[]}> {
  const {inventory, group} = await loadGroup(arm, {subscriptions: options.subscriptions}, options.selection)
  return {export: await exportEndpoints(arm, group, options), errors: inventory.errors}
}
