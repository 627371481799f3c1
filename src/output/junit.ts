// JUnit XML for pipeline dashboards: one <testsuite> per group, one <testcase> per rule and member.
// An error finding is a <failure> on every member it names (one <failure> per testcase, holding all of
// that member's errors, since several parsers read only one); warnings and info go to <system-out> and
// leave the test passing; a member a rule could not check is <skipped>. `errors` stays 0: nothing here
// is a crashed test. Pure string building.
import {isShared, sharedNicknames} from '../domain/resolve.js'
import {shortName} from '../domain/group.js'
import {idKey} from '../domain/ids.js'
import type {Finding, Skip} from '../domain/rules/types.js'

export interface JunitGroup {
  nickname: string
  key: string
  evaluated: {rule: string; members: string[]; skipped?: Skip[]}[]
  findings: Finding[]
}

export interface JunitInput {
  groups: JunitGroup[]
  tool: {name: string; version: string}
  /** ISO 8601 */
  timestamp: string
}

interface Case {
  rule: string
  /** member id, or null for a finding that names no member */
  member: string | null
  skipped: string | null
  findings: Finding[]
}

interface Counts {
  tests: number
  failures: number
  errors: number
  skipped: number
}

// XML 1.0 forbids most control characters and lone surrogates even when escaped.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function escapeText(value: string): string {
  return value.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

/** Attribute values also keep their line breaks and tabs, which parsers would otherwise fold into spaces. */
function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('')
}

export function renderJunit(input: JunitInput): string {
  const shared = sharedNicknames(input.groups)
  const suites = input.groups.map((g) => {
    const ambiguous = !g.nickname || isShared(shared, g.nickname)
    return renderSuite(g, `${g.nickname || '(no nickname)'}${ambiguous ? ` [${g.key}]` : ''}`, input)
  })
  const total = suites.reduce<Counts>(
    (sum, s) => ({
      tests: sum.tests + s.counts.tests,
      failures: sum.failures + s.counts.failures,
      errors: sum.errors + s.counts.errors,
      skipped: sum.skipped + s.counts.skipped,
    }),
    {tests: 0, failures: 0, errors: 0, skipped: 0},
  )
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({name: input.tool.name, ...total, timestamp: input.timestamp})}>`,
    ...suites.map((s) => s.xml),
    '</testsuites>',
    '',
  ].join('\n')
}

function renderSuite(group: JunitGroup, name: string, input: JunitInput): {xml: string; counts: Counts} {
  const cases = collectCases(group)
  const caseName = memberNamer(cases)
  const counts: Counts = {tests: cases.length, failures: 0, errors: 0, skipped: 0}
  const body = cases.map((c) => {
    const errors = c.findings.filter((f) => f.severity === 'error')
    const notes = c.findings.filter((f) => f.severity !== 'error')
    const inner: string[] = []
    if (errors.length > 0) {
      counts.failures++
      inner.push(
        `      <failure${attrs({message: errors.map((f) => f.message).join('; '), type: c.rule})}>${escapeText(errors.map(describe).join('\n\n'))}</failure>`,
      )
    } else if (c.skipped !== null) {
      counts.skipped++
      inner.push(`      <skipped${attrs({message: c.skipped})}/>`)
    }

    if (notes.length > 0) {
      inner.push(`      <system-out>${escapeText(notes.map((f) => `${f.severity}: ${describe(f)}`).join('\n\n'))}</system-out>`)
    }

    const open = `    <testcase${attrs({classname: c.rule, name: `${c.rule} · ${caseName(c.member)}`})}`
    return inner.length === 0 ? `${open}/>` : [`${open}>`, ...inner, '    </testcase>'].join('\n')
  })
  const properties = [
    '    <properties>',
    `      <property${attrs({name: 'group.nickname', value: group.nickname})}/>`,
    `      <property${attrs({name: 'group.key', value: group.key})}/>`,
    `      <property${attrs({name: 'tool', value: `${input.tool.name} ${input.tool.version}`})}/>`,
    '    </properties>',
  ]
  const xml = [`  <testsuite${attrs({name, ...counts, timestamp: input.timestamp})}>`, ...properties, ...body, '  </testsuite>'].join('\n')
  return {xml, counts}
}

function describe(f: Finding): string {
  return `${f.message}\nremediation: ${f.remediation}`
}

/** Evaluated members and skips first, then any member a finding names that the rule did not list. */
function collectCases(group: JunitGroup): Case[] {
  const cases = new Map<string, Case>()
  const caseFor = (rule: string, member: string | null): Case => {
    const k = `${rule}\n${member === null ? '' : idKey(member)}`
    let c = cases.get(k)
    if (!c) {
      c = {rule, member, skipped: null, findings: []}
      cases.set(k, c)
    }

    return c
  }

  for (const e of group.evaluated) {
    for (const m of e.members) caseFor(e.rule, m)
    for (const s of e.skipped ?? []) caseFor(e.rule, s.member).skipped = s.reason
  }

  for (const f of group.findings) {
    for (const m of f.members.length > 0 ? f.members : [null]) caseFor(f.rule, m).findings.push(f)
  }

  // keep each rule's cases together, rules in the order they first appear
  const order = [...new Set([...cases.values()].map((c) => c.rule))]
  return [...cases.values()].sort((a, b) => order.indexOf(a.rule) - order.indexOf(b.rule))
}

/** Short names ("cache1/default"), or the full id where two members of the suite share one. */
function memberNamer(cases: Case[]): (member: string | null) => string {
  const idsByShort = new Map<string, Set<string>>()
  for (const c of cases) {
    if (c.member === null) continue
    const short = shortName(c.member)
    idsByShort.set(short, (idsByShort.get(short) ?? new Set()).add(idKey(c.member)))
  }

  return (member) => {
    if (member === null) return 'group'
    const short = shortName(member)
    return idsByShort.get(short)!.size > 1 ? member : short
  }
}

/**
 * The report of a run that could not start (sign-in failed, ARM unreachable): one failing testcase that says why and
 * what to do, so a pipeline's dashboard shows the cause instead of a missing file.
 */
export function renderJunitNotStarted(input: {code: string; message: string; suggestion?: string; tool: {name: string; version: string}; timestamp: string}): string {
  const counts = {tests: 1, failures: 1, errors: 0, skipped: 0}
  const text = `${input.message}${input.suggestion ? `\nTry: ${input.suggestion}` : ''}`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({name: input.tool.name, ...counts, timestamp: input.timestamp})}>`,
    `  <testsuite${attrs({name: `${input.tool.name} check`, ...counts, timestamp: input.timestamp})}>`,
    '    <properties>',
    `      <property${attrs({name: 'tool', value: `${input.tool.name} ${input.tool.version}`})}/>`,
    '    </properties>',
    `    <testcase${attrs({classname: 'run', name: 'run · could not start'})}>`,
    `      <failure${attrs({message: `could not start: ${input.message}`, type: input.code})}>${escapeText(text)}</failure>`,
    '    </testcase>',
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
