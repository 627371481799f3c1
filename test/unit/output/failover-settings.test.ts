// Every failover snippet, as the golden files hold them (test/e2e/failover-export.test.ts keeps those equal to the
// real binary's output), uses only setting names docs/client-failover-settings.json lists for its library, and
// every setting the mapping names appears in some snippet of that library.
import {readdirSync, readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

interface LibraryEntry {
  mapping: Record<string, string>
  names: string[]
  language: string[]
}

const DOC = JSON.parse(readFileSync(new URL('../../../docs/client-failover-settings.json', import.meta.url), 'utf8')) as {libraries: Record<string, LibraryEntry>}
const GOLDEN = new URL('../../fixtures/failover/', import.meta.url)

/** Per library: which golden files are its snippets, its comment marker and how a setting name is written. */
const LIBRARIES: Record<string, {suffix: string; comment: string; patterns: RegExp[]}> = {
  'redis-py': {suffix: '.py', comment: '#', patterns: [/\b([a-z_]+)=(?!=)/g, /"([a-z_]+)":/g, /\b([A-Z]\w+)\(/g]},
  jedis: {suffix: '.jedis.java', comment: '//', patterns: [/\.([a-zA-Z]+)\(/g, /new ([A-Z]\w+)\(/g, /\b([A-Z]\w+)\./g]},
  lettuce: {suffix: '.lettuce.java', comment: '//', patterns: [/\.([a-zA-Z]+)\(/g, /new ([A-Z]\w+)\(/g, /\b([A-Z]\w+)\./g]},
  'go-redis': {suffix: '.go', comment: '//', patterns: [/^\s*([A-Z]\w+):/gm, /redis\.(\w+)/g, /entraid\.(\w+)/g]},
  stackexchange: {suffix: '.cs', comment: '//', patterns: [/\b([A-Z]\w+) = /g, /new ([A-Z]\w+)/g, /\.([A-Z]\w+)\(/g]},
}

/** Code without comments and without the contents of string literals (hosts and names are not settings). */
function code(text: string, comment: string, python: boolean): string {
  const lines = text.split('\n').filter((line) => !line.trim().startsWith(comment)).map((line) => line.replace(/\s+(#|\/\/) .*$/, ''))
  const joined = lines.join('\n')
  return python ? joined.replace(/"""[\s\S]*?"""/g, '') : joined.replace(/"(?:[^"\\]|\\.)*"(?!:)/g, '""')
}

function namesIn(text: string, patterns: RegExp[]): Set<string> {
  return new Set(patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1])))
}

describe('failover snippets against docs/client-failover-settings.json', () => {
  const files = readdirSync(GOLDEN)
  for (const [library, rule] of Object.entries(LIBRARIES)) {
    it(`${library}: only listed names, and every mapped setting used`, () => {
      const entry = DOC.libraries[library]
      const snippets = files.filter((f) => f.endsWith(rule.suffix) && !(rule.suffix === '.py' && f.endsWith('.json')))
      expect(snippets.length).toBeGreaterThanOrEqual(3)
      const used = new Set<string>()
      for (const file of snippets) {
        const text = code(readFileSync(new URL(file, GOLDEN), 'utf8'), rule.comment, library === 'redis-py')
        for (const name of namesIn(text, rule.patterns)) {
          used.add(name)
          expect([...entry.names, ...entry.language], `${file}: ${name}`).toContain(name)
        }
      }
      for (const [field, setting] of Object.entries(entry.mapping)) expect(used, `${field} → ${setting}`).toContain(setting)
    })
  }
})
