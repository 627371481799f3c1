// `geo-redis capacity`: each member's memory use (one INFO round, no PING series) against maxmemory or its SKU,
// and the SKUs the whole group can scale to. Takes ports and options, returns data; never prints.
import {groupCapacity, memoryUse, type CapacityThresholds, type MemoryUse, type ScaleOption} from '../domain/capacity.js'
import {clusterIdOf, idKey} from '../domain/ids.js'
import type {GeoGroup, ScopeError} from '../domain/model.js'
import {allMembers} from '../domain/group.js'
import type {ReadError} from '../domain/read.js'
import type {GroupSelection} from '../domain/resolve.js'
import {nominalSizeGB} from '../domain/sku.js'
import type {Failure} from '../domain/probe.js'
import {readGroup} from './inventory.js'
import type {ArmReader, ProbingPorts, ProgressReporter} from './ports.js'
import {probeMembersOf} from './probe.js'
import type {TargetOptions} from './targets.js'

interface CapacitySettings extends TargetOptions {
  /** budget for each member's connection, and for its INFO reply */
  timeoutMs: number
  thresholds: CapacityThresholds
}

interface MemberCapacity extends MemoryUse {
  id: string
  location: string
  cluster: string
  sku: string
  /** nominal size: listSkusForScaling's figure for its own SKU when it answered, else the built-in table */
  skuMemoryGB: number | null
  reachable: boolean
  error: Failure | null
  /** set when ARM could not read the member: why; its memory use and scale options are then unknown */
  readError?: ReadError
  /** what listSkusForScaling offers this member's cluster; null when it did not answer or was not asked */
  scaleOptions: ScaleOption[] | null
  scaleError: string | null
}

export interface CapacityReport {
  group: string
  thresholds: CapacityThresholds
  /** every member of the group, readable or not, in member order */
  members: MemberCapacity[]
  /** open to every member, never smaller than the largest member */
  scaleOptions: ScaleOption[]
  findings: string[]
  /** linked members ARM could not read (rows of `members` too, with `readError`): not measured */
  unresolved: string[]
}

interface CapacityRunOptions extends CapacitySettings {
  /** empty: every subscription the identity can list */
  subscriptions: string[]
  selection: GroupSelection
  onProgress?: ProgressReporter
}

type ClusterOptions = {options: ScaleOption[]; error: null} | {options: null; error: string}

function describe(error: unknown): string {
  const code = (error as {code?: unknown}).code
  const message = error instanceof Error ? error.message : String(error)
  return typeof code === 'string' && code !== '' ? `${code}: ${message}` : message
}

/** One listSkusForScaling per distinct cluster, in parallel; an API that does not answer is a note, not a failure. */
async function scaleOptionsByCluster(arm: ArmReader, clusterIds: string[]): Promise<Map<string, ClusterOptions>> {
  const unique = [...new Map(clusterIds.map((id) => [idKey(id), id]))]
  const answers = await Promise.all(
    unique.map(async ([key, id]): Promise<[string, ClusterOptions]> => {
      try {
        return [key, {options: await arm.listSkusForScaling(id), error: null}]
      } catch (error) {
        return [key, {options: null, error: describe(error)}]
      }
    }),
  )
  return new Map(answers)
}

async function groupCapacityReport(ports: ProbingPorts, group: GeoGroup, settings: CapacitySettings): Promise<CapacityReport> {
  const members = allMembers(group)
  // a member ARM cannot read is not asked for scale options: its region's ARM is what does not answer
  const [{results}, scale] = await Promise.all([
    probeMembersOf(ports, group, {auth: settings.auth, caPem: settings.caPem, samples: 1, timeoutMs: settings.timeoutMs}, members),
    scaleOptionsByCluster(ports.arm, group.members.map((m) => clusterIdOf(m.id))),
  ])
  const rows = members.map((m, i): MemberCapacity => {
    const probe = results[i]
    const options: ClusterOptions = m.readError
      ? {options: null, error: `not asked: ARM cannot read it (${m.readError.cause})`}
      : scale.get(idKey(clusterIdOf(m.id)))!
    const nominal = nominalSizeGB(m.sku, options.options)
    return {
      id: m.id,
      location: m.location,
      cluster: m.cluster,
      sku: m.sku.name,
      skuMemoryGB: nominal,
      reachable: probe.reachable,
      error: probe.error,
      ...(m.readError ? {readError: m.readError} : {}),
      ...memoryUse(
        {usedBytes: probe.memory?.usedBytes ?? null, maxmemoryBytes: probe.memory?.maxBytes ?? null, skuMemoryGB: nominal},
        settings.thresholds,
      ),
      scaleOptions: options.options,
      scaleError: options.error,
    }
  })
  const {scaleOptions, findings} = groupCapacity(
    rows.map((m) => ({
      name: m.cluster,
      clusterId: clusterIdOf(m.id),
      sku: m.sku,
      skuMemoryGB: m.skuMemoryGB,
      scaleOptions: m.scaleOptions,
      scaleError: m.scaleError,
      reachable: m.reachable,
      error: m.error ? `${m.error.kind}: ${m.error.message}` : null,
      readError: m.readError ?? null,
    })),
  )
  return {group: group.nickname, thresholds: settings.thresholds, members: rows, scaleOptions, findings, unresolved: group.unresolved}
}

/** `geo-redis capacity`: the one selected group; `errors` are the scopes ARM could not read. */
export async function runCapacity(ports: ProbingPorts, options: CapacityRunOptions): Promise<{report: CapacityReport; group: GeoGroup; errors: ScopeError[]}> {
  options.onProgress?.('reading the group')
  const {inventory, group} = await readGroup(ports.arm, {subscriptions: options.subscriptions}, options.selection)
  options.onProgress?.(`reading memory and scale options of ${allMembers(group).length} members`)
  return {report: await groupCapacityReport(ports, group, options), group, errors: inventory.errors}
}
