// Capacity of a geo-replication group: how full each member is, and how far the group can grow. Pure.
// Scaling rules (how-to-scale, how-to-active-geo-replication): every member must end up on the same SKU,
// geo-replicated caches cannot scale down, and a member scaled ahead of the others keeps its usable memory
// capped at the original size until they match; meanwhile they can only scale to its SKU.
import {UsageError} from './errors.js'
import {idKey} from './ids.js'
import {CAUSE_TEXT, type ReadError} from './read.js'

export type CapacityLevel = 'ok' | 'warn' | 'crit' | 'unknown'

/** Where the limit behind headroom came from: INFO maxmemory, else the SKU's nominal size. */
type LimitSource = 'maxmemory' | 'sku'

export interface CapacityThresholds {
  /** used % of the limit at which a member is `warn` */
  warnPct: number
  /** used % at which it is `crit` */
  critPct: number
}

export interface ScaleOption {
  name: string
  sizeInGB: number
}

/** What is known of one member's memory. */
export interface MemoryReading {
  /** used_memory from INFO; null when the member did not answer */
  usedBytes: number | null
  /** maxmemory from INFO; null when not set (0) or not read */
  maxmemoryBytes: number | null
  /** the SKU's nominal size; null when unknown (Enterprise E and F SKUs) */
  skuMemoryGB: number | null
}

export interface MemoryUse {
  usedBytes: number | null
  /** the limit headroom is measured against */
  maxBytes: number | null
  limitSource: LimitSource | null
  usedPct: number | null
  headroomPct: number | null
  level: CapacityLevel
}

/** SKU sizes are in GiB, as Redis reports bytes in binary units. */
export const BYTES_PER_GB = 1024 ** 3

/** Thresholds are percentages of used memory, 1 to 99, warn strictly below crit. */
export function assertThresholds(t: CapacityThresholds): void {
  for (const [flag, value] of [['--warn', t.warnPct], ['--crit', t.critPct]] as const) {
    if (!Number.isInteger(value) || value < 1 || value > 99) {
      throw new UsageError(`${flag} ${value} is out of range`, `pass a whole percentage from 1 to 99, e.g. --warn 70 --crit 85`)
    }
  }

  if (t.warnPct >= t.critPct) {
    throw new UsageError(`--warn (${t.warnPct}) must be below --crit (${t.critPct})`, 'pass e.g. --warn 70 --crit 85')
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10

export function levelOf(usedPct: number | null, t: CapacityThresholds): CapacityLevel {
  if (usedPct === null) return 'unknown'
  if (usedPct >= t.critPct) return 'crit'
  return usedPct >= t.warnPct ? 'warn' : 'ok'
}

/**
 * Used and headroom percentages against maxmemory when set, else against the SKU's nominal size. Without a
 * reading there is no telling whether maxmemory is set, so no limit is claimed either.
 */
export function memoryUse(reading: MemoryReading, t: CapacityThresholds): MemoryUse {
  if (reading.usedBytes === null) return {usedBytes: null, maxBytes: null, limitSource: null, usedPct: null, headroomPct: null, level: 'unknown'}
  const fromSku = reading.skuMemoryGB === null ? null : reading.skuMemoryGB * BYTES_PER_GB
  const maxBytes = reading.maxmemoryBytes ?? fromSku
  const limitSource: LimitSource | null = reading.maxmemoryBytes !== null ? 'maxmemory' : fromSku !== null ? 'sku' : null
  // levels from the exact share; the rounded one is for reading, and headroom its complement so both add to 100
  const exact = maxBytes ? (reading.usedBytes / maxBytes) * 100 : null
  const usedPct = exact === null ? null : round1(exact)
  return {
    usedBytes: reading.usedBytes,
    maxBytes,
    limitSource,
    usedPct,
    headroomPct: usedPct === null ? null : round1(100 - usedPct),
    level: levelOf(exact, t),
  }
}

/** One member as the group-level rules see it. */
export interface SizedMember {
  /** how an operator names it, e.g. its cluster */
  name: string
  /** cluster resource id: members of one cluster share their scale options */
  clusterId: string
  sku: string
  skuMemoryGB: number | null
  /** listSkusForScaling's answer for its cluster; null when the API did not answer */
  scaleOptions: ScaleOption[] | null
  /** why the API did not answer */
  scaleError: string | null
  reachable: boolean
  error: string | null
  /** ARM could not read it: only its SKU (from the cluster list) is known */
  readError?: ReadError | null
}

export interface GroupCapacity {
  /** SKUs every member can reach that the group may move to together */
  scaleOptions: ScaleOption[]
  findings: string[]
}

const gbText = (gb: number | null) => (gb === null ? 'size unknown' : `${gb} GB`)

function names(members: SizedMember[]): string {
  return members.map((m) => m.name).join(', ')
}

/** Members by SKU (case-insensitive, as ARM's SkuName is), largest nominal size first. */
function bySku(members: SizedMember[]): SizedMember[][] {
  const groups = new Map<string, SizedMember[]>()
  for (const m of members) groups.set(m.sku.toLowerCase(), [...(groups.get(m.sku.toLowerCase()) ?? []), m])
  return [...groups.values()].sort((a, b) => (b[0].skuMemoryGB ?? -1) - (a[0].skuMemoryGB ?? -1))
}

/** Options offered to every member that answered; names compare case-insensitively. */
function intersect(answered: SizedMember[]): {common: ScaleOption[]; partial: string[]} {
  const lists = answered.map((m) => new Map((m.scaleOptions ?? []).map((o) => [o.name.toLowerCase(), o])))
  const all = new Map<string, ScaleOption>()
  // the first member's spelling wins
  for (const list of lists) for (const [key, option] of list) if (!all.has(key)) all.set(key, option)
  const common = [...all].filter(([key]) => lists.every((l) => l.has(key))).map(([, o]) => o)
  const partial = [...all].filter(([key]) => !lists.every((l) => l.has(key))).map(([, o]) => o.name)
  return {common, partial}
}

/**
 * The scale options of the group and what an operator must know before scaling: unequal sizes, the scale
 * lock, options left out because not every member can reach them, and what could not be read.
 */
export function groupCapacity(members: SizedMember[]): GroupCapacity {
  const skus = bySku(members)
  const locked = skus.length > 1
  // with an unknown size (Enterprise SKUs) there is no telling which SKU the others must catch up with
  const target = locked && members.some((m) => m.skuMemoryGB === null) ? undefined : skus[0]?.[0].sku.toLowerCase()
  const options = scaleOptionsOf(members, locked, target)
  return {scaleOptions: options.scaleOptions, findings: [...sizeFindings(members, skus, target), ...unknownFindings(members), ...options.findings]}
}

/** Unequal sizes and the scale lock they bring, or, for equal members, how a group is scaled. */
function sizeFindings(members: SizedMember[], skus: SizedMember[][], target: string | undefined): string[] {
  if (skus.length > 1) {
    const sizes = new Set(members.map((m) => m.skuMemoryGB))
    const to = target ? `${skus[0][0].sku}` : 'one SKU'
    return [
      `members are not the same ${sizes.size > 1 ? 'size' : 'SKU'}: ` +
        skus.map((g) => `${names(g)} on ${g[0].sku} (${gbText(g[0].skuMemoryGB)})`).join('; ') +
        '; a smaller member cannot absorb the traffic redirected to it when a larger one fails, and geo-replication expects the same SKU everywhere',
      `scale lock: a member scaled ahead keeps its usable memory capped at its original size until every member is on ${to}, ` +
        `the others can only scale to ${to}, and all other scaling is locked until they match`,
    ]
  }
  return members.length > 1
    ? [
        'scaling a geo-replicated group: every member must end up on the same SKU, scaling down is not supported, and a member ' +
          'scaled first keeps its usable memory capped at the current size until the others match; scale them one after another to the same SKU',
      ]
    : []
}

/** What is unknown of each member: unread in ARM, silent to the probe, or a SKU without a documented size. */
function unknownFindings(members: SizedMember[]): string[] {
  return members.flatMap((m) => {
    if (m.readError) {
      return [`${m.name} could not be read: ${m.readError.cause}, ${CAUSE_TEXT[m.readError.cause]} (${m.readError.code}): its memory use and scale options are unknown`]
    }
    return [
      ...(m.reachable ? [] : [`${m.name} did not answer the probe (${m.error ?? 'no answer'}): its memory use is unknown`]),
      ...(m.skuMemoryGB === null ? [`${m.name}: ${m.sku} has no documented memory size; headroom needs maxmemory from INFO`] : []),
    ]
  })
}

/** The SKUs open to every member (only the target while locked, never smaller), and why some are left out. */
function scaleOptionsOf(members: SizedMember[], locked: boolean, target: string | undefined): {scaleOptions: ScaleOption[]; findings: string[]} {
  const findings: string[] = []
  // an unread member still counts for sizes (the cluster list shows its SKU), but was not asked for scale options
  const byCluster = [...new Map(members.filter((m) => !m.readError).map((m) => [idKey(m.clusterId), m])).values()]
  const answered = byCluster.filter((m) => m.scaleOptions !== null)
  for (const m of byCluster.filter((c) => c.scaleOptions === null)) {
    findings.push(
      `${m.name}: listSkusForScaling did not answer (${m.scaleError ?? 'no answer'}); ` +
        (answered.length > 0 ? 'the scale options shown leave it out and may not be open to it' : 'no scale options are known'),
    )
  }

  // while locked, only the members still to catch up choose; the target is the only SKU open to them
  const choosing = locked ? answered.filter((m) => m.sku.toLowerCase() !== target) : answered
  const {common, partial} = intersect(choosing)
  if (!locked && partial.length > 0) findings.push(`left out of the scale options because not every member can reach them: ${partial.join(', ')}`)

  const floor = Math.max(0, ...members.map((m) => m.skuMemoryGB ?? 0))
  const scaleOptions = common
    .filter((o) => (locked ? o.name.toLowerCase() === target : o.name.toLowerCase() !== target))
    // geo-replicated caches cannot scale down
    .filter((o) => o.sizeInGB >= floor)
    .sort((a, b) => a.sizeInGB - b.sizeInGB || a.name.localeCompare(b.name))
  if (choosing.length > 0 && scaleOptions.length === 0) findings.push('no SKU is open to every member of the group')
  return {scaleOptions, findings}
}
