// Renderers for `inventory` and `group show`: table, CSV, Markdown. JSON is the data itself.
import {idKey} from '../domain/ids.js'
import type {GeoGroup, Inventory, Member} from '../domain/model.js'
import {allMembers, memberArmState, shortName} from '../domain/group.js'
import {isShared, sharedNicknames} from '../domain/resolve.js'
import {csv, json, markdownTable, table, type Row} from './table.js'
import {status, theme} from './theme.js'

export type InventoryFormat = 'table' | 'json' | 'csv' | 'markdown'

const MEMBER_HEAD = ['member', 'location', 'sku', 'endpoint', 'tls', 'state', 'links']

const skuText = (m: Member) => (m.sku.capacity === null ? m.sku.name : `${m.sku.name} x${m.sku.capacity}`)
const tlsText = (m: Member) => (m.clientProtocol === 'Encrypted' ? 'tls' : 'plain')

function linksText(m: Member, group?: GeoGroup): string {
  if (m.readError) return ''
  const others = m.links.filter((l) => idKey(l.id) !== idKey(m.id))
  const linked = others.filter((l) => l.state === 'Linked').length
  const expected = group ? allMembers(group).length - 1 : others.length
  const odd = others.filter((l) => l.state !== 'Linked').map((l) => `${shortName(l.id)} ${l.state}`)
  return [`${linked}/${expected} Linked`, ...odd].join('; ')
}

/** A member's row; one ARM could not read shows what the cluster list still knows and why it was not read. */
function memberRow(m: Member, group?: GeoGroup): Row {
  if (m.readError) {
    return [`${m.cluster}/${m.database}`, m.location || '?', skuText(m), m.hostName || '?', '', `not read: ${m.readError.cause} (${m.readError.code})`, '']
  }

  return [`${m.cluster}/${m.database}`, m.location, skuText(m), `${m.hostName}:${m.port}`, tlsText(m), memberArmState(m).text, linksText(m, group)]
}

const CSV_HEAD = [
  'group', 'status', 'id', 'subscriptionId', 'resourceGroup', 'cluster', 'database', 'location', 'sku', 'capacity',
  'hostName', 'port', 'clientProtocol', 'clusteringPolicy', 'evictionPolicy', 'modules', 'persistence',
  'provisioningState', 'resourceState', 'redisVersion', 'clusterProvisioningState', 'clusterResourceState', 'notRead',
]

function csvRow(m: Member, group: string, groupStatus: string): Row {
  const persistence = [m.persistence.aofEnabled ? 'aof' : '', m.persistence.rdbEnabled ? 'rdb' : ''].filter(Boolean).join('+') || 'none'
  return [
    group, groupStatus, m.id, m.subscriptionId, m.resourceGroup, m.cluster, m.database, m.location, m.sku.name, m.sku.capacity,
    m.hostName, m.port, m.clientProtocol, m.clusteringPolicy, m.evictionPolicy, m.modules.map((x) => x.name).join(' '),
    persistence, m.provisioningState, m.resourceState, m.redisVersion, m.clusterProvisioningState, m.clusterResourceState,
    m.readError?.cause ?? '',
  ]
}

function groupTitle(g: GeoGroup, sameNickname: boolean): string {
  const where = sameNickname ? theme.dim(` (${g.members[0].resourceGroup}, ${g.members[0].subscriptionId})`) : ''
  const all = allMembers(g).length
  return `${theme.heading(g.nickname || '(no nickname)')}${where}  ${status(g.status)}  ` +
    (g.unreadable.length > 0 ? `${g.members.length}/${all} member(s) read` : `${all} member(s)`)
}

export async function renderInventory(inv: Inventory, format: InventoryFormat): Promise<string> {
  if (format === 'json') return json(inv)
  if (format === 'csv') {
    return csv(CSV_HEAD, [
      ...inv.groups.flatMap((g) => allMembers(g).map((m) => csvRow(m, g.nickname, g.status))),
      ...inv.standalone.map((m) => csvRow(m, '', 'standalone')),
    ])
  }

  const shared = sharedNicknames(inv.groups)
  const md = format === 'markdown'
  const out: string[] = []
  out.push(md ? '# geo-redis inventory' : theme.dim(`${inv.groups.length} group(s), ${inv.standalone.length} standalone, ${inv.subscriptions.length} subscription(s), ${inv.generatedAt}`))
  if (md) out.push('', `Generated ${inv.generatedAt} over ${inv.subscriptions.length} subscription(s).`)

  for (const g of inv.groups) {
    const sameName = isShared(shared, g.nickname)
    const rows = allMembers(g).map((m) => memberRow(m, g))
    out.push('')
    if (md) {
      out.push(`## ${g.nickname} — ${g.status}${sameName ? ` (${g.members[0].resourceGroup})` : ''}`, '', markdownTable(MEMBER_HEAD, rows))
    } else {
      out.push(groupTitle(g, sameName), await table(MEMBER_HEAD, rows))
    }

    for (const p of g.problems) out.push(`${md ? '- ' : '  '}${md ? p : theme.warn(`(!) ${p}`)}`)
  }

  if (inv.standalone.length > 0) {
    const rows = inv.standalone.map((m) => memberRow(m).slice(0, 6))
    out.push('', md ? '## Standalone databases' : theme.heading('standalone databases'))
    out.push(md ? markdownTable(MEMBER_HEAD.slice(0, 6), rows) : await table(MEMBER_HEAD.slice(0, 6), rows))
  }

  if (inv.errors.length > 0) {
    out.push('', md ? '## Errors' : theme.heading('errors'))
    const rows = inv.errors.map((e) => [e.scope, e.cause ?? '', e.code, e.message])
    const head = ['scope', 'cause', 'code', 'message']
    out.push(md ? markdownTable(head, rows) : await table(head, rows))
  }

  return out.join('\n')
}

/** The pairwise matrix: rows are whose view (readable members), columns every member seen, in member order. */
export function linkMatrix(g: GeoGroup): {columns: string[]; rows: {view: string; cells: string[]}[]} {
  const columns = allMembers(g).map((m) => m.id)
  return {
    columns: columns.map(shortName),
    rows: g.members.map((m) => ({
      view: shortName(m.id),
      cells: columns.map((c) => {
        if (idKey(c) === idKey(m.id)) return 'self'
        return m.links.find((l) => idKey(l.id) === idKey(c))?.state ?? 'absent'
      }),
    })),
  }
}

export async function renderGroups(groups: GeoGroup[], format: InventoryFormat): Promise<string> {
  if (format === 'json') return json(groups)
  const md = format === 'markdown'
  const out: string[] = []
  if (groups.length > 1) {
    out.push(theme.warn(`(!) ${groups.length} groups share the nickname "${groups[0].nickname}"; pick one with --resource-group or --member`))
  }

  for (const g of groups) {
    const matrix = linkMatrix(g)
    const matrixRows = matrix.rows.map((r) => [r.view, ...r.cells.map((c) => (md || c === 'self' ? c : status(c)))])
    const memberRows = allMembers(g).map((m) => memberRow(m, g))
    out.push('', md ? `## ${g.nickname} — ${g.status}` : groupTitle(g, groups.length > 1), theme.dim(`key ${g.key}`))
    out.push(md ? markdownTable(MEMBER_HEAD, memberRows) : await table(MEMBER_HEAD, memberRows))
    out.push('', md ? '### Link matrix (row: whose view; column: member seen)' : theme.bold('link matrix (row: whose view, column: member seen)'))
    out.push(md ? markdownTable(['view', ...matrix.columns], matrixRows) : await table(['view \\ seen', ...matrix.columns], matrixRows))
    for (const p of g.problems) out.push(md ? `- ${p}` : theme.warn(`  (!) ${p}`))
  }

  return out.join('\n')
}
