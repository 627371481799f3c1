// Terminal view of `geo-redis probe`: one row per member, the failures with their messages, and the canary
// matrix. JSON is the data itself (docs/schemas/probe.schema.json).
import {shortName} from '../domain/group.js'
import {describeReadError} from '../domain/read.js'
import type {MemberProbe} from '../domain/probe.js'
import type {GroupProbe} from '../services/probe.js'
import {table} from './table.js'
import {status, theme} from './theme.js'

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/** Binary units, as Redis counts memory: 1536 → "1.5 KB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '?'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }

  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`
}

/** Milliseconds with precision that matches their size: 0.42, 12.3, 812. */
function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return ''
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)
}

const HEAD = ['member', 'location', 'endpoint', 'status', 'connect ms', 'tls ms', 'ping p50/p99 ms', 'memory used/max']

/** The status cell: reachable, the failure kind, or why a member ARM could not read was not dialled. */
function statusText(m: MemberProbe): string {
  if (m.reachable) return status('reachable')
  if (m.readError && !m.endpoint) return theme.bad(`not read: ${m.readError.cause}`)
  return theme.bad(m.error?.kind ?? 'unreachable')
}

export async function renderProbe(probe: GroupProbe): Promise<string> {
  const out = [`${theme.heading(probe.group)}  ${probe.answered}/${probe.members.length} member(s) answered`]
  const rows = probe.members.map((m) => [
    shortName(m.id),
    m.location || '?',
    m.endpoint || 'unknown',
    statusText(m),
    formatMs(m.connectMs),
    formatMs(m.tlsMs),
    m.pingMs ? `${formatMs(m.pingMs.p50)} / ${formatMs(m.pingMs.p99)}` : '',
    m.memory ? `${formatBytes(m.memory.usedBytes)} / ${m.memory.maxBytes === null ? 'no limit' : formatBytes(m.memory.maxBytes)}` : '',
  ])
  out.push(await table(HEAD, rows))
  for (const m of probe.members) {
    if (m.readError) out.push(theme.bad(`(✗) ${shortName(m.id)}: ARM cannot read it: ${describeReadError(m.readError)}${m.endpoint ? '' : '; its endpoint is unknown, so it was not probed'}`))
    if (m.error) out.push(theme.bad(`(✗) ${shortName(m.id)}: ${m.error.kind}: ${m.error.message}`))
  }

  if (probe.canary) {
    const ids = probe.members.map((m) => m.id)
    const cellOf = (from: string, to: string): string => {
      if (from === to) return theme.dim('—')
      const pair = probe.canary!.pairs.find((p) => p.from === from && p.to === to)
      return pair?.replicated ? formatMs(pair.lagMs) : theme.bad('✗')
    }
    out.push('', theme.bold('canary: replication lag in ms (row: written on, column: read on; ✗ not seen)'))
    out.push(await table(['from \\ to', ...ids.map(shortName)], ids.map((from) => [shortName(from), ...ids.map((to) => cellOf(from, to))])))
    for (const p of probe.canary.pairs.filter((pair) => !pair.replicated)) {
      out.push(theme.dim(`  ${shortName(p.from)} → ${shortName(p.to)}: ${p.reason ?? 'not replicated'}`))
    }
  }

  return out.join('\n')
}
