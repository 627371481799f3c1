// `geo-redis endpoints export`: where each member listens, for application routing config. Access keys are read
// only when asked for; without includeKeys no listKeys request is ever sent.
import {OperationError} from '../domain/errors.js'
import {allMembers, memberEndpoint} from '../domain/group.js'
import type {GeoGroup, Member, ScopeError} from '../domain/model.js'
import type {ReadError} from '../domain/read.js'
import type {GroupSelection} from '../domain/resolve.js'
import {readGroup} from './inventory.js'
import type {ProbingArm} from './ports.js'

interface EndpointEntry {
  location: string
  host: string
  /** null for a member ARM could not read: its database port is not known */
  port: number | null
  /** null for a member ARM could not read: its client protocol is not known */
  tls: boolean | null
  id: string
  cluster: string
  database: string
  resourceGroup: string
  subscriptionId: string
  /** set for a member ARM could not read: why; its host is what ARM's cluster list still shows ('' when not even that) */
  readError?: ReadError
  /** only with includeKeys; null for a member whose access keys are disabled (it takes Microsoft Entra tokens) or that ARM could not read */
  primaryKey?: string | null
}

export interface EndpointsExport {
  group: string
  /** every member, readable or not, by location, then id: the same group always exports the same text */
  members: EndpointEntry[]
  /** linked members ARM could not read: rows of members with readError, and their endpoint incomplete */
  unresolved: string[]
}

interface EndpointsRunOptions {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  selection: GroupSelection
  includeKeys: boolean
}

async function primaryKeyOf(arm: ProbingArm, member: Member): Promise<string | null> {
  if (member.accessKeysAuthentication === 'Disabled' || member.readError) return null
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

export async function exportEndpoints(arm: ProbingArm, group: GeoGroup, options: {includeKeys: boolean}): Promise<EndpointsExport> {
  const members = allMembers(group)
  const keys = options.includeKeys ? await Promise.all(members.map((m) => primaryKeyOf(arm, m))) : null
  return {
    group: group.nickname,
    members: members.map((m, i) => {
      // what ARM read, never a guess: an unread member keeps the host its cluster list shows, and no port or protocol
      const endpoint = m.readError ? {host: m.hostName, port: null, tls: null} : memberEndpoint(m)!
      return {
        location: m.location,
        ...endpoint,
        id: m.id,
        cluster: m.cluster,
        database: m.database,
        resourceGroup: m.resourceGroup,
        subscriptionId: m.subscriptionId,
        ...(m.readError ? {readError: m.readError} : {}),
        ...(keys ? {primaryKey: keys[i]} : {}),
      }
    }),
    unresolved: group.unresolved,
  }
}

/** `geo-redis endpoints export`: the one selected group; `errors` are the scopes ARM could not read. */
export async function runEndpointsExport(arm: ProbingArm, options: EndpointsRunOptions): Promise<{export: EndpointsExport; group: GeoGroup; errors: ScopeError[]}> {
  const {inventory, group} = await readGroup(arm, {subscriptions: options.subscriptions}, options.selection)
  return {export: await exportEndpoints(arm, group, options), group, errors: inventory.errors}
}
