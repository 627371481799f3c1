// Human renderings of the sandbox commands' results.
import type {
  DownResult,
  LagResult,
  MemberSummary,
  OutageResult,
  Replication,
  RestoredMember,
  RestoreResult,
  SandboxMemberStatus,
  StatusResult,
  UpResult,
} from '../sandbox/control/api.js'
import type {LoadResult} from '../sandbox/control/load.js'
import {formatBytes} from './probe.js'
import {table} from './table.js'
import {status as colour, theme} from './theme.js'

const tlsLabel = (m: Pick<MemberSummary, 'tls'>) => (m.tls ? 'TLS' : 'plaintext')

const REPLICATION_TEXT: Record<Exclude<Replication, 'replicating'>, string> = {
  'not linked': 'linked to no member (force-unlinked): its writes stay local',
  isolated: 'isolated (outage drill): nothing replicated to or from it',
  'not connected': 'the replicator is not connected to it',
  unknown: 'replication unknown: the replicator reports nothing',
}

export async function renderUp(result: UpResult): Promise<string> {
  const lines: string[] = []
  for (const note of result.notes) lines.push(`(!) ${note}`)
  lines.push(`${theme.ok('(✓)')} sandbox up in ${(result.elapsedMs / 1000).toFixed(1)} s; state in ${result.stateDir}`)
  lines.push('')
  lines.push(`ARM emulator  ${result.emulator.url}  pid ${result.emulator.pid}  (profile "${result.profile}", CA ${result.caPath})`)
  if (result.fleet) {
    lines.push(`synthetic fleet: ${result.fleet.clusters} clusters in ${result.fleet.subscriptions} subscriptions (ARM only)`)
  }
  if (result.group) {
    const replicator = result.group.replicatorPid ? `replicator pid ${result.group.replicatorPid}, lag ~${result.group.lagMs} ms` : 'no replicator (--no-redis)'
    lines.push(`group "${result.group.nickname}": ${result.group.members} members, ${replicator}`)
    lines.push('')
    lines.push(
      await table(
        ['DATABASE', 'ROLE', 'REGION', 'ENDPOINT', 'TLS', 'PID'],
        result.members.map((m) => [m.name, m.role === 'standalone' ? 'standalone' : 'member', m.region, endpointOf(m), tlsLabel(m), m.pid ?? '-']),
      ),
    )
  }
  lines.push('')
  lines.push('Try next:')
  for (const command of result.next) lines.push(`  ${command}`)
  return lines.join('\n')
}

/** Its host name and port as ARM reports them, and the address behind the name (the profile's map). */
function endpointOf(m: MemberSummary): string {
  return m.hostName === m.host ? `${m.host}:${m.port}` : `${m.hostName}:${m.port} (${m.host})`
}

export async function renderStatus(result: StatusResult): Promise<string> {
  if (!result.running && !result.emulator) return `the sandbox is not running (nothing in ${result.stateDir}); start it with: geo-redis sandbox up`
  const lines: string[] = []
  lines.push(`sandbox started ${result.startedAt}; state in ${result.stateDir}`)
  const rows: (string | number | null)[][] = []
  if (result.emulator) {
    const e = result.emulator
    rows.push(['arm-emulator', e.pid, colour(e.process), e.url ?? '-', e.health === 'ok' ? colour('ok') : colour(`failed${e.error ? `: ${e.error}` : ''}`)])
  }
  if (result.replicator) {
    const r = result.replicator
    const stats = r.stats ? `lag ~${r.lagMs} ms, ${r.stats.replicated ?? 0} writes replicated, ${r.stats.applied ?? 0} copies applied` : `lag ~${r.lagMs} ms`
    rows.push(['replicator', r.pid, colour(r.process), '-', stats])
  }
  for (const m of result.members) {
    const health =
      m.ping === 'ok'
        ? `${colour('ok')} PING ${m.pingMs} ms${m.replication && m.replication !== 'replicating' ? `, ${REPLICATION_TEXT[m.replication]}` : ''}${ownLag(m)}`
        : m.ping === 'failed'
          ? colour(`PING failed: ${m.error ?? ''}`)
          : theme.dim('-')
    const processText = m.outage ? `${m.process} (outage: ${m.outage})` : m.process
    rows.push([`${m.name} (${m.region})`, m.pid, colour(processText === 'running' ? 'running' : processText), `${endpointOf(m)} ${tlsLabel(m)}`, health])
  }
  lines.push(await table(['PROCESS', 'PID', 'STATE', 'ENDPOINT', 'HEALTH'], rows))
  if (result.problems.length > 0) {
    lines.push('')
    for (const p of result.problems) lines.push(`(!) ${p}`)
  } else {
    lines.push('')
    lines.push(`${theme.ok('(✓)')} everything is up`)
  }
  return lines.join('\n')
}

/** A member's own replication delay (`sandbox lag`), shown whatever its PING. */
const ownLag = (m: SandboxMemberStatus) => (m.lagOverridden ? `, replication delay ${m.lagMs} ms (sandbox lag)` : '')

export function renderLag(result: LagResult): string {
  const m = result.member
  const own = result.lagMs === result.groupLagMs && result.previousMs !== result.lagMs ? ` (the group's delay)` : ''
  const lines = [`${theme.ok('(✓)')} ${m.name} (${m.region}): every copy to and from it now waits ${result.lagMs} ms${own}, was ${result.previousMs} ms`]
  if (!result.applied) lines.push(`${theme.warn('(!)')} the replicator has not confirmed it within 5 s: see \`geo-redis sandbox status\``)
  return lines.join('\n')
}

export function renderDown(result: DownResult): string {
  if (result.nothingToDo) return `nothing to do: no sandbox is running (${result.stateDir} does not exist)`
  const lines = result.notes.map((note) => `(!) ${note}`)
  for (const s of result.stopped) {
    const how = {stopped: 'stopped', killed: 'killed (did not stop on SIGTERM)', gone: 'was not running', foreign: 'pid now belongs to another program: left alone'}[s.result]
    lines.push(`  ${s.name} (pid ${s.pid}): ${how}`)
  }
  for (const s of result.survivors) lines.push(`(✗) ${s.name} (pid ${s.pid}) is still running`)
  lines.push(`${result.survivors.length > 0 ? '(!)' : theme.ok('(✓)')} sandbox down; removed ${result.stateDir}${result.profileRemoved ? ' and the profile "sandbox"' : ''}`)
  return lines.join('\n')
}

export function renderOutage(result: OutageResult): string {
  const m = result.member
  if (result.alreadyInOutage) return `${m.name} (${m.region}) is already in a "${result.mode}" outage; nothing changed`
  const redis = {
    stopped: 'its redis-server is stopped (same port, key and TLS kept for restore)',
    frozen: 'its redis-server is frozen (SIGSTOP): connections hang',
    answering: `its redis-server keeps answering; ${result.replicationCut ? 'the replicator copies nothing to or from it' : 'the replicator has not confirmed the cut yet (see `geo-redis sandbox status`)'}`,
    'none (--no-redis)': 'no redis-server runs (--no-redis)',
  }[result.redis]
  const arm = {error: 'ARM answers 503 ServiceUnavailable for its cluster', timeout: 'ARM requests for its cluster hang (timeout)', normal: 'ARM answers as usual'}[result.arm]
  return [
    `${theme.warn('(!)')} outage drill: ${m.name} (${m.region}) is ${result.mode === 'isolate' ? 'isolated' : `down (${result.mode})`}`,
    `  ${redis}`,
    `  ${arm}`,
    ...(m.role === 'member' ? [`  ARM still shows the survivors' links as Linked: it reflects configuration, not data-plane health`] : []),
    '',
    'Try next:',
    ...result.next.map((c) => `  ${c}`),
  ].join('\n')
}

/** What the replicator reported after the restore, never more. */
function restoredReplication(r: RestoredMember): string {
  if (r.replication === null) return ''
  if (r.replication !== 'replicating') {
    const nothing = r.replication === 'not linked' ? '; nothing was resynced: `geo-redis force-link` rejoins it' : ''
    return `; ${REPLICATION_TEXT[r.replication]}${nothing}`
  }
  if (!r.resync) return '; replicating again'
  if (!r.resync.ok) return `; replicating again, but its resync failed: ${r.resync.error ?? 'unknown error'}`
  return `; replicating again (resynced ${r.resync.keys} key${r.resync.keys === 1 ? '' : 's'} from ${r.resync.from})`
}

export function renderRestore(result: RestoreResult): string {
  if (result.nothingToDo) return 'nothing to restore: no member is in an outage drill'
  return result.restored
    .map((r) => {
      const how = r.from === 'isolate' ? 'its redis-server kept running, replication to and from it resumes' : `redis-server ${r.redis}, ARM answers again`
      return `${theme.ok('(✓)')} ${r.member.name} (${r.member.region}) restored from "${r.from}": ${how}${restoredReplication(r)}`
    })
    .join('\n')
}

export async function renderLoad(result: LoadResult): Promise<string> {
  const lines = result.skipped.map((s) => `${theme.warn('(!)')} ${s.name} did not answer, no writes sent to it: ${s.error}`)
  const rows = result.members.map((m) => [`${m.name} (${m.region})`, m.sent, m.failed, formatBytes(m.bytes), m.error ?? ''])
  lines.push(await table(['MEMBER', 'SENT', 'FAILED', 'WRITTEN', 'FIRST ERROR'], rows))
  const how = result.stoppedBy ? `${theme.warn('(!)')} stopped by ${result.stoppedBy} after` : result.failed > 0 ? `${theme.warn('(!)')} load ran` : `${theme.ok('(✓)')} load ran`
  lines.push(
    `${how} ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.sent} writes sent (${result.rate}/s of ${result.valueBytes} bytes), ${result.failed} failed, ${formatBytes(result.bytes)} written; keys ${result.prefix}*`,
  )
  return lines.join('\n')
}
