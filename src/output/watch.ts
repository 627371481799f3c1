// `geo-redis watch`: a table of every watched member (up, lag to each peer, used memory, growth per minute, time to
// the threshold) redrawn in place on a terminal, one plain line per member and frame when piped. JSON lines are the
// status documents themselves (docs/schemas/serve-status.schema.json).
import {formatMinutes} from '../domain/runway.js'
import type {MemberStatus, StatusDocument} from '../domain/serve/status.js'
import {formatBytes, formatMs} from './probe.js'
import {table} from './table.js'
import {theme} from './theme.js'

function lagText(m: MemberStatus): string {
  const peers = Object.entries(m.lagMs)
  return peers.length === 0 ? '' : peers.map(([peer, ms]) => `${peer} ${ms === null ? '?' : `${ms} ms`}`).join(', ')
}

function growthText(m: MemberStatus): string {
  const rate = m.memory.growthBytesPerMin
  if (rate === null) return 'not known yet'
  return `${rate < 0 ? '-' : '+'}${formatBytes(Math.abs(Math.round(rate)))}/min`
}

function runwayText(m: MemberStatus): string {
  const minutes = m.memory.minutesToThreshold
  if (minutes === null) return m.memory.limitBytes === null ? 'no limit known' : '—'
  return minutes === 0 ? theme.bad('reached') : formatMinutes(minutes)
}

function upText(m: MemberStatus): string {
  if (!m.up) return theme.bad('down')
  return m.availability.available ? theme.ok('up') : theme.warn(m.availability.code ?? 'up')
}

const memoryText = (m: MemberStatus) => `${formatBytes(m.memory.usedBytes)}${m.memory.limitBytes ? ` / ${formatBytes(m.memory.limitBytes)}` : ''}`

export async function renderWatchTable(doc: StatusDocument): Promise<string> {
  const rows = doc.groups.flatMap((g) => g.members.map((m) => [g.nickname, m.label, upText(m), formatMs(m.pingMs), lagText(m), memoryText(m), growthText(m), runwayText(m)]))
  const head = ['group', 'member', 'state', 'ping ms', 'lag to each peer', 'used memory', 'growth', `to ${doc.settings.thresholdPct}%`]
  return `${await table(head, rows)}\n${theme.dim(`${doc.generatedAt}, every ${doc.settings.intervalMs} ms, lag tolerance ${doc.settings.lagToleranceMs} ms`)}`
}

/** One plain line per member: for logs and pipes. */
export function renderWatchLines(doc: StatusDocument): string {
  return doc.groups
    .flatMap((g) =>
      g.members.map((m) =>
        [doc.generatedAt, g.nickname, m.label, m.up ? (m.availability.available ? 'up' : (m.availability.code ?? 'up')) : 'down', `ping=${formatMs(m.pingMs) || '?'}ms`, `lag=[${lagText(m)}]`, `used=${memoryText(m)}`, `growth=${growthText(m)}`, `runway=${runwayText(m)}`].join(' '),
      ),
    )
    .join('\n')
}
