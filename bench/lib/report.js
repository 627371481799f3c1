// bench/RESULTS.md: each benchmark owns the text between its markers and rewrites only that, so running one
// benchmark keeps the others' latest figures and the hand-written findings.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {REPO} from './context.js'

export const RESULTS = join(REPO, 'bench', 'RESULTS.md')

const begin = (name) => `<!-- bench:${name}:begin -->`
const end = (name) => `<!-- bench:${name}:end -->`

export function updateSection(name, body, path = RESULTS) {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n'
  const block = `${begin(name)}\n${body.trim()}\n${end(name)}`
  const from = text.indexOf(begin(name))
  const to = text.indexOf(end(name))
  const next = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end(name).length) : `${text.trimEnd()}\n\n${block}\n`
  writeFileSync(path, next)
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

export const verdict = (met) => (met === null || met === undefined ? 'n/a' : met ? 'met' : '**missed**')
