// Tables (cli-table3, loaded only when a table is drawn), CSV and Markdown from the same rows.
import {theme, useColour} from './theme.js'

export type Row = (string | number | null | undefined)[]

const cell = (v: Row[number]) => (v === null || v === undefined ? '' : String(v))

export async function table(head: string[], rows: Row[]): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const t = new Table({
    head: head.map((h) => theme.bold(h)),
    style: {head: [], border: [], compact: true},
    // plain ASCII when piped, so logs and diffs stay readable
    ...(useColour ? {} : {chars: {top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  '}}),
  })
  for (const r of rows) t.push(r.map(cell))
  return t.toString()
}

export function csv(head: string[], rows: Row[]): string {
  const quote = (v: Row[number]) => {
    const s = cell(v)
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }

  return [head, ...rows].map((r) => r.map(quote).join(',')).join('\n') + '\n'
}

export function markdownTable(head: string[], rows: Row[]): string {
  const esc = (v: Row[number]) => cell(v).replace(/\|/g, '\\|').replace(/\n/g, ' ')
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n')
}

export function json(data: unknown): string {
  return JSON.stringify(data, null, 2)
}
