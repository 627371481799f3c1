// Terminal view of `geo-redis capacity`: memory per member against its limit, the group's scale options and
// findings. JSON is the data itself (docs/schemas/capacity.schema.json).
import type {CapacityReport} from '../services/capacity.js'
import {formatBytes} from './probe.js'
import {table} from './table.js'
import {status, theme} from './theme.js'

const HEAD = ['member', 'location', 'sku', 'nominal', 'used', 'limit', 'used %', 'headroom %', 'level']

const pct = (value: number | null) => (value === null ? '' : value.toFixed(1))

export async function renderCapacity(report: CapacityReport): Promise<string> {
  const {warnPct, critPct} = report.thresholds
  const rows = report.members.map((m) => [
    m.cluster,
    m.location || '?',
    m.sku,
    m.skuMemoryGB === null ? 'unknown' : `${m.skuMemoryGB} GB`,
    m.reachable ? formatBytes(m.usedBytes) : theme.bad(m.readError ? `not read: ${m.readError.cause}` : (m.error?.kind ?? 'unreachable')),
    m.maxBytes === null ? '' : `${formatBytes(m.maxBytes)} (${m.limitSource})`,
    pct(m.usedPct),
    pct(m.headroomPct),
    m.level === 'unknown' ? theme.dim('unknown') : status(m.level),
  ])
  const options = report.scaleOptions.map((o) => `${o.name} (${o.sizeInGB} GB)`).join(', ')
  return [
    `${theme.heading(report.group)}  ${theme.dim(`warn at ${warnPct}% used, crit at ${critPct}%; limit = maxmemory when set, else the SKU's size`)}`,
    await table(HEAD, rows),
    '',
    `${theme.bold('scale options open to every member:')} ${options || 'none'}`,
    ...report.findings.map((f) => theme.warn(`(!) ${f}`)),
  ].join('\n')
}
