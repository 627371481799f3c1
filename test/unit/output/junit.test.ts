import {describe, expect, it} from 'vitest'
import {evaluateRules} from '../../../src/domain/rules/index.js'
import type {Finding} from '../../../src/domain/rules/types.js'
import {type JunitGroup, renderJunit, renderJunitNotStarted} from '../../../src/output/junit.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'
import {all, parseXml, type Element} from '../../helpers/xml.js'

const [A, B, C] = [idOf('cache1'), idOf('cache2'), idOf('cache3')]
const TOOL = {name: 'geo-redis', version: '0.1.0'}
const TIMESTAMP = '2025-01-02T03:04:05.000Z'
const finding = (rule: string, severity: Finding['severity'], members: string[], message = `${rule} broke`): Finding => ({
  rule,
  severity,
  members,
  message,
  remediation: `fix ${rule}`,
})

function render(groups: JunitGroup[]): Element {
  return parseXml(renderJunit({groups, tool: TOOL, timestamp: TIMESTAMP}))
}

describe('parseXml (the checker itself)', () => {
  it.each(['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&</a>', '<a>x < y</a>', '<a/><b/>', '<a>'])('rejects %s', (xml) => {
    expect(() => parseXml(xml)).toThrow()
  })
})

describe('renderJunit', () => {
  const group: JunitGroup = {
    nickname: 'orders',
    key: A.toLowerCase(),
    evaluated: [
      {rule: 'sku-mismatch', members: [A, B, C]},
      {rule: 'memory-headroom', members: [A, B], skipped: [{member: C, reason: 'memory limit unknown'}]},
    ],
    findings: [
      finding('sku-mismatch', 'error', [B, C]),
      finding('sku-mismatch', 'error', [C], 'second error on cache3'),
      finding('memory-headroom', 'warning', [A]),
    ],
  }

  it('writes one suite per group and one case per rule and member, with correct counts', () => {
    const root = render([group])
    expect(root.name).toBe('testsuites')
    expect(root.attrs).toMatchObject({name: 'geo-redis', tests: '6', failures: '2', errors: '0', skipped: '1', timestamp: TIMESTAMP})
    const [suite] = all(root, 'testsuite')
    expect(suite.attrs).toMatchObject({name: 'orders', tests: '6', failures: '2', errors: '0', skipped: '1'})
    const cases = all(suite, 'testcase')
    expect(cases.map((c) => c.attrs.name)).toEqual([
      'sku-mismatch · cache1/default',
      'sku-mismatch · cache2/default',
      'sku-mismatch · cache3/default',
      'memory-headroom · cache1/default',
      'memory-headroom · cache2/default',
      'memory-headroom · cache3/default',
    ])
    expect(cases.map((c) => c.attrs.classname)).toEqual(['sku-mismatch', 'sku-mismatch', 'sku-mismatch', 'memory-headroom', 'memory-headroom', 'memory-headroom'])
    expect(all(root, 'failure')).toHaveLength(2)
    expect(all(root, 'skipped')).toHaveLength(1)
    expect(all(suite, 'property').map((p) => [p.attrs.name, p.attrs.value])).toEqual([
      ['group.nickname', 'orders'],
      ['group.key', A.toLowerCase()],
      ['tool', 'geo-redis 0.1.0'],
    ])
  })

  it('puts every error on a member into its one failure, and warnings into system-out', () => {
    const cases = all(render([group]), 'testcase')
    const [failure] = cases[2].children
    expect(failure).toMatchObject({name: 'failure', attrs: {type: 'sku-mismatch', message: 'sku-mismatch broke; second error on cache3'}})
    expect(failure.text).toBe('sku-mismatch broke\nremediation: fix sku-mismatch\n\nsecond error on cache3\nremediation: fix sku-mismatch')
    expect(cases[3].children).toEqual([
      {name: 'system-out', attrs: {}, children: [], text: 'warning: memory-headroom broke\nremediation: fix memory-headroom'},
    ])
    expect(cases[5].children).toEqual([{name: 'skipped', attrs: {message: 'memory limit unknown'}, children: [], text: ''}])
  })

  it('escapes attributes and text, keeping line breaks and replacing characters XML cannot hold', () => {
    const nasty = `a<b & "c" 'd' ]]> e\nline2\ttab\u0001end`
    const root = render([
      {
        nickname: `<&"'>`,
        key: 'k',
        evaluated: [{rule: 'link-state', members: [A]}],
        findings: [{...finding('link-state', 'error', [A], nasty), remediation: nasty}],
      },
    ])
    expect(all(root, 'testsuite')[0].attrs.name).toBe(`<&"'>`)
    const [failure] = all(root, 'failure')
    const cleaned = nasty.replace('\u0001', '\uFFFD')
    expect(failure.attrs.message).toBe(cleaned)
    expect(failure.text).toBe(`${cleaned}\nremediation: ${cleaned}`)
  })

  it('disambiguates suites that share a nickname, and names suites without one', () => {
    const bare = (nickname: string, key: string): JunitGroup => ({nickname, key, evaluated: [], findings: []})
    const root = render([bare('orders', 'k1'), bare('Orders', 'k2'), bare('', 'k3'), bare('carts', 'k4')])
    expect(all(root, 'testsuite').map((s) => s.attrs.name)).toEqual(['orders [k1]', 'Orders [k2]', '(no nickname) [k3]', 'carts'])
    expect(root.attrs.tests).toBe('0')
  })

  it('adds cases for members a finding names but the rule did not list, and for findings without members', () => {
    const lost = idOf('cache9')
    const root = render([
      {
        nickname: 'orders',
        key: 'k',
        evaluated: [{rule: 'link-state', members: [A]}],
        findings: [finding('link-state', 'error', [A, lost]), finding('member-count', 'error', [])],
      },
    ])
    expect(all(root, 'testcase').map((c) => c.attrs.name)).toEqual(['link-state · cache1/default', 'link-state · cache9/default', 'member-count · group'])
    expect(root.attrs.failures).toBe('3')
  })

  it('uses full ids when two members share a short name', () => {
    const twin = idOf('cache1', 'rg-other')
    const cases = all(render([{nickname: 'orders', key: 'k', evaluated: [{rule: 'r', members: [A, twin]}], findings: []}]), 'testcase')
    expect(cases.map((c) => c.attrs.name)).toEqual([`r · ${A}`, `r · ${twin}`])
  })

  it('renders what evaluateRules produces', () => {
    const g = buildGroup({members: [{}, {}, {evictionPolicy: 'AllKeysLRU'}]})
    const {findings, evaluated} = evaluateRules(context(g, {health: {1: null}}), {include: ['arm', 'probe']})
    const root = render([{nickname: g.nickname, key: g.key, evaluated, findings}])
    // 16 ARM rules x 3 members + 2 probe rules x 3 members
    expect(root.attrs).toMatchObject({tests: '57', failures: '1', skipped: '2'})
    expect(all(root, 'failure')[0].attrs.type).toBe('eviction-policy')
  })
})

describe('renderJunitNotStarted', () => {
  it('is one failing testcase that says why the run could not start and what to do', () => {
    const root = parseXml(
      renderJunitNotStarted({code: 'CredentialUnavailable', message: 'cannot get an Azure token: <none> & "more"', suggestion: 'sign in with `az login`', tool: TOOL, timestamp: TIMESTAMP}),
    )
    expect(root.attrs).toMatchObject({name: 'geo-redis', tests: '1', failures: '1', errors: '0', skipped: '0', timestamp: TIMESTAMP})
    const [testcase] = all(root, 'testcase')
    expect(testcase.attrs).toEqual({classname: 'run', name: 'run · could not start'})
    const [failure] = all(root, 'failure')
    expect(failure.attrs).toEqual({message: 'could not start: cannot get an Azure token: <none> & "more"', type: 'CredentialUnavailable'})
    expect(failure.text).toBe('cannot get an Azure token: <none> & "more"\nTry: sign in with `az login`')
  })
})
