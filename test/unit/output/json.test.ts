import {describe, expect, it} from 'vitest'
import {jsonPieces} from '../../../src/output/json.js'

const text = (value: unknown) => [...jsonPieces(value)].join('')

describe('jsonPieces', () => {
  const cases: [string, unknown][] = [
    ['an inventory-shaped result', {generatedAt: '2026-01-01T00:00:00.000Z', subscriptions: ['a', 'b'], groups: [{key: 'k', members: [{id: '/x', links: []}], nested: {deep: [1, {two: 2}]}}], standalone: [], errors: []}],
    ['empty containers at every level', {a: [], b: {}, c: [[], {}], d: [{}]}],
    ['members without JSON', {u: undefined, f: () => 1, s: Symbol('x'), list: [undefined, () => 1, Symbol('y'), null], n: null}],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['strings that need escapes', {'line\nfeed': 'a\nb\t"q"\\ \u2028 \u0000', '': 'empty key', '10': 'integer-like key', '2': 'first'}],
    ['toJSON at the top and inside', {when: new Date(0), custom: {toJSON: () => ({replaced: true})}, list: [new Date(1)]}],
    ['an object with a toJSON', {toJSON: () => [1, 2]}],
    ['a Map and a class instance', {map: new Map([['a', 1]]), instance: new (class Thing {
      x = 1
    })()}],
    ['an object without a prototype', Object.assign(Object.create(null), {a: 1, b: [2]})],
    ['scalars', 'text'],
    ['a number', 42],
    ['null', null],
    ['an empty array', []],
    ['an empty object', {}],
    ['undefined', undefined],
    ['numbers that JSON writes as null', {nan: Number.NaN, inf: [Number.POSITIVE_INFINITY], neg: -0}],
  ]

  it.each(cases)('%s: exactly JSON.stringify(value, null, 2)', (_, value) => {
    expect(text(value)).toBe(String(JSON.stringify(value, null, 2)))
  })

  it('opens the outer object and its arrays, one member a piece', () => {
    const groups = Array.from({length: 1000}, (_, i) => ({key: `g${i}`, members: [{id: `/m${i}`}]}))
    const pieces = [...jsonPieces({groups, errors: []})]
    expect(pieces.length).toBeGreaterThan(1000)
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(200)
  })
})
