// Tables (cli-table3, loaded only when a table is drawn), CSV and Markdown from the same rows; and fitting text to a
// terminal: tables too wide for it show names instead of full ARM ids and wrap their widest cells, prose wraps at
// spaces. Piped output is never changed, so logs, diffs and scripts see full values (and --json always does).
import {theme, useColour} from './theme.js'

export type Row = (string | number | null | undefined)[]

const cell = (v: Row[number]) => (v === null || v === undefined ? '' : String(v))

const ANSI = /\u001B\[[0-9;]*m/g
const HAS_ANSI = /\u001B\[[0-9;]*m/

export function withoutColour(text: string): string {
  return text.replace(ANSI, '')
}

/** Width on screen: colour codes take none. */
export function visibleLength(text: string): number {
  return withoutColour(text).length
}

/** The width of the terminal `stream` writes to; null when it is piped or redirected. */
export function terminalWidth(stream: NodeJS.WriteStream = process.stdout): number | null {
  return stream.isTTY ? stream.columns || 80 : null
}

/** the narrowest a fitted column gets (its content), so a 7-column table still fits 60 columns */
const MIN_COLUMN = 4

export async function table(head: string[], rows: Row[], options: {width?: number | null} = {}): Promise<string> {
  const width = options.width === undefined ? terminalWidth() : options.width
  const cells = rows.map((r) => r.map(cell))
  const natural = await draw(head, cells)
  if (width === null || widest(natural) <= width) return natural
  // too wide for the terminal: names instead of full ids first, then narrower columns that wrap
  const named = cells.map((r) => r.map(shortenIds))
  const shortened = await draw(head, named)
  if (widest(shortened) <= width) return shortened
  const longest = (i: number, measure: (text: string) => number[]) => Math.max(0, ...[head[i], ...named.map((r) => r[i] ?? '')].flatMap(measure))
  const wordsOf = (text: string) => text.split(/\s+/)
  const columns = head.map((_h, i) => longest(i, (t) => [visibleLength(t)]))
  // a column keeps its longest word whole where the terminal allows it, so prose wraps between words; below that,
  // plain words break, but never a coloured one (its colour codes cannot be cut)
  const words = head.map((_h, i) => longest(i, (t) => wordsOf(t).map(visibleLength)))
  const unbreakable = head.map((_h, i) => longest(i, (t) => wordsOf(t).filter((w) => HAS_ANSI.test(w)).map(visibleLength)))
  const fitted = () => {
    const wrap = (r: string[]) => r.map((c, i) => wrapCell(c, columns[i]))
    return draw(wrap(head), named.map(wrap), columns)
  }
  let drawn = await fitted()
  for (let attempt = 0; attempt < 3 && widest(drawn) > width; attempt++) {
    const excess = widest(drawn) - width
    const byWords = narrow(columns, excess, words)
    if (byWords + narrow(columns, excess - byWords, unbreakable) === 0) break
    drawn = await fitted()
  }
  return drawn
}

/** Takes up to `excess` off the widest columns, one at a time, none below its floor; returns how much it took. */
function narrow(columns: number[], excess: number, floors: number[]): number {
  let taken = 0
  for (; taken < excess; taken++) {
    const candidates = columns.map((c, i) => (c > Math.max(floors[i], MIN_COLUMN) ? c : -1))
    const i = candidates.indexOf(Math.max(...candidates))
    if (candidates[i] < 0) break
    columns[i] -= 1
  }
  return taken
}

/**
 * A cell wrapped to `width` at spaces; a plain word wider than that is broken after a / - : or . where one is near,
 * else anywhere: an endpoint keeps its port, a name every letter.
 */
function wrapCell(text: string, width: number): string {
  return wrapText(text, width)
    .split('\n')
    .flatMap((line) => (visibleLength(line) > width && !HAS_ANSI.test(line) ? breakWord(line, width) : [line]))
    .join('\n')
}

function breakWord(word: string, width: number): string[] {
  const parts: string[] = []
  let rest = word
  while (rest.length > width) {
    const at = Math.max(...['/', '-', ':', '.', '_'].map((c) => rest.lastIndexOf(c, width - 1)))
    const cut = at >= width / 3 ? at + 1 : width
    parts.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  return [...parts, rest]
}

const PLAIN = {top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  '}

/** `columns`: content widths of pre-wrapped columns; without borders the two-space gap alone separates them. */
async function draw(head: string[], rows: string[][], columns?: number[]): Promise<string> {
  const {default: Table} = await import('cli-table3')
  const padding = columns && !useColour ? 0 : 1
  const t = new Table({
    head: head.map((h) => h.split('\n').map(theme.bold).join('\n')),
    style: {head: [], border: [], compact: true, 'padding-left': padding, 'padding-right': padding},
    // plain ASCII without colour (piped, NO_COLOR), so logs and diffs stay readable
    ...(useColour ? {} : {chars: PLAIN}),
    ...(columns ? {colWidths: columns.map((c) => c + 2 * padding)} : {}),
  })
  for (const r of rows) t.push(r)
  return t.toString()
}

function widest(text: string): number {
  return Math.max(0, ...text.split('\n').map(visibleLength))
}

// /subscriptions/<id>/resourceGroups/<rg>/providers/<namespace>/<type>/<name>[/<child type>/<child name>]
const ARM_ID = /\/subscriptions\/[^/\s]+\/resourceGroups\/[^/\s]+\/providers\/[^/\s]+\/[^/\s]+\/([^/\s,;)]+)(?:\/[^/\s]+\/([^/\s,;)]+))?/gi

/** ARM resource ids in a text as the operator names them: cluster/database, or the resource's name. */
export function shortenIds(text: string): string {
  return text.replace(ARM_ID, (_id, name: string, child: string | undefined) => (child ? `${name}/${child}` : name))
}

/**
 * Wraps every line wider than `width` at spaces; a continuation keeps the line's indent. A word wider than the
 * terminal (a URL, a path) stays whole. Colour codes do not count.
 */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => {
      if (visibleLength(line) <= width) return [line]
      const indent = /^ */.exec(line)![0]
      const out: string[] = []
      let current = indent
      for (const word of line.slice(indent.length).split(/ +/)) {
        if (current.trim() !== '' && visibleLength(current) + 1 + visibleLength(word) > width) {
          out.push(current)
          current = indent + word
        } else {
          current = current.trim() === '' ? indent + word : `${current} ${word}`
        }
      }
      out.push(current)
      return out
    })
    .join('\n')
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
