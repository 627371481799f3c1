// Fitting output to a terminal: wide tables show names instead of full ARM ids and wrap their widest cells; prose
// wraps at spaces. Piped output (no width) is never changed.
import {describe, expect, it} from 'vitest'
import {shortenIds, table, visibleLength, wrapText} from '../../../src/output/table.js'

const CLUSTER = '/subscriptions/5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c11/resourceGroups/rg-sandbox/providers/Microsoft.Cache/redisEnterprise/sandbox-northeurope'
const DATABASE = `${CLUSTER}/databases/default`
const MESSAGE = 'The service is temporarily unavailable (HTTP 503 from ARM after 4 attempts over 11 s); the survivors still list the member as Linked, which reflects configuration, not data-plane health.'

const widest = (text: string) => Math.max(...text.split('\n').map(visibleLength))

describe('shortenIds', () => {
  it.each([
    [DATABASE, 'sandbox-northeurope/default'],
    [CLUSTER, 'sandbox-northeurope'],
    [`could not read ${CLUSTER}: timeout`, 'could not read sandbox-northeurope: timeout'],
    ['/subscriptions/5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c11', '/subscriptions/5a4d3c2b-1e0f-4a9b-8c7d-6e5f4a3b2c11'],
    ['no id here', 'no id here'],
  ])('%s → %s', (text, expected) => expect(shortenIds(text)).toBe(expected))
})

describe('table on a terminal', () => {
  const head = ['scope', 'code', 'message']
  const rows = [
    [CLUSTER, 'ServiceUnavailable', MESSAGE],
    [DATABASE, 'Timeout', 'no answer within 30 s'],
  ]

  it('piped (no width): full ids, one line per row, as before', async () => {
    const text = await table(head, rows, {width: null})
    expect(text).toContain(CLUSTER)
    expect(text.split('\n')).toHaveLength(3)
    expect(widest(text)).toBeGreaterThan(262)
  })

  it.each([80, 100])('at %i columns: every line fits, names instead of ids, nothing lost', async (width) => {
    const text = await table(head, rows, {width})
    expect(widest(text)).toBeLessThanOrEqual(width)
    expect(text).not.toContain('/subscriptions/')
    expect(text).toContain('sandbox-northeurope')
    // every word of the message is still there, wrapped
    const flat = text.replace(/\s+/g, ' ')
    for (const word of MESSAGE.split(' ')) expect(flat).toContain(word)
  })

  it('narrower than its longest words: it still fits, cutting what must be cut', async () => {
    const text = await table(head, rows, {width: 50})
    expect(widest(text)).toBeLessThanOrEqual(50)
    expect(text).not.toContain('/subscriptions/')
  })

  it('a table that fits is left alone, ids included', async () => {
    const text = await table(['id'], [['/subscriptions/x/resourceGroups/r/providers/M.C/t/n']], {width: 120})
    expect(text).toContain('/subscriptions/x/resourceGroups/r/providers/M.C/t/n')
  })
})

describe('wrapText', () => {
  it('wraps prose at spaces within the width, keeping the indent', () => {
    const text = wrapText(`      fix: ${MESSAGE}`, 50)
    const lines = text.split('\n')
    expect(lines.length).toBeGreaterThan(3)
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(50)
      expect(line.startsWith('      ')).toBe(true)
    }
    expect(lines.map((l) => l.trim()).join(' ')).toBe(`fix: ${MESSAGE}`)
  })

  it('leaves short lines, and keeps a word wider than the terminal whole', () => {
    expect(wrapText('short\n  also short', 40)).toBe('short\n  also short')
    expect(wrapText(`see ${DATABASE} now`, 40).split('\n')).toEqual(['see', DATABASE, 'now'])
  })

  it('does not count colour codes', () => {
    const red = (s: string) => `\u001B[31m${s}\u001B[39m`
    expect(wrapText(`${red('(✗)')} ${'a'.repeat(10)}`, 15)).toBe(`${red('(✗)')} ${'a'.repeat(10)}`)
  })
})
