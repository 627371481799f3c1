// docs/check.md is checked against the code: its rules table is generated from ALL_RULES (name, description, what it
// needs) and the severities each rule's source can emit. UPDATE_DOCS=1 rewrites the table instead of failing.
import {readFileSync, writeFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {ALL_RULES} from '../../src/domain/rules/index.js'
import type {Rule, Severity} from '../../src/domain/rules/types.js'
import {READ_RULE} from '../../src/output/check.js'
import {markdownTable} from '../../src/output/table.js'

const DOC = new URL('../../docs/check.md', import.meta.url)
const START = /<!-- rules:start[^>]*-->\n/
const END = '<!-- rules:end -->'
const ORDER: Severity[] = ['error', 'warning', 'info']
const RUNS: Record<Rule['needs'], string> = {arm: 'always', probe: '`--probe`', canary: '`--canary`'}

/** The severities a rule's findings can carry, read from every `severity:` in its source file. */
function severities(rule: Rule): string {
  const source = readFileSync(new URL(`../../src/domain/rules/${rule.name}.ts`, import.meta.url), 'utf8')
  const found = new Set(
    [...source.matchAll(/severity:([^,\n]+)/g)].flatMap(([, expr]) => [...expr.matchAll(/'(error|warning|info)'/g)].map((m) => m[1])),
  )
  if (found.size === 0) throw new Error(`no severity literal in src/domain/rules/${rule.name}.ts: document it by hand and adapt this test`)
  return ORDER.filter((s) => found.has(s)).join(', ')
}

function rulesTable(): string {
  const rows = ALL_RULES.map((r) => [`\`${r.name}\``, severities(r), RUNS[r.needs], r.description])
  return markdownTable(['rule', 'severity', 'runs', 'checks'], rows)
}

describe('docs/check.md', () => {
  it('lists every rule with its severity, when it runs and what it checks, as the code has them', () => {
    const doc = readFileSync(DOC, 'utf8')
    const start = START.exec(doc)
    const end = doc.indexOf(END)
    expect(start && end > start.index, 'docs/check.md lost its rules:start / rules:end markers').toBeTruthy()
    const from = start!.index + start![0].length
    const expected = `${rulesTable()}\n`
    if (process.env.UPDATE_DOCS) writeFileSync(DOC, doc.slice(0, from) + expected + doc.slice(end))
    else expect(doc.slice(from, end), 'docs/check.md is out of date: UPDATE_DOCS=1 npx vitest run test/unit/check-docs.test.ts').toBe(expected)
  })

  it('explains the JUnit case for scopes that could not be read, and every exit code', () => {
    const doc = readFileSync(DOC, 'utf8')
    expect(doc).toContain(`\`${READ_RULE}\``)
    for (const code of [0, 1, 2]) expect(doc).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'))
  })
})
