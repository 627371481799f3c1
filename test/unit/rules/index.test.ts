import {describe, expect, it} from 'vitest'
import {ALL_RULES, evaluateRules, worstSeverity} from '../../../src/domain/rules/index.js'
import type {Finding} from '../../../src/domain/rules/types.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('ALL_RULES', () => {
  it('lists every rule once, ARM rules before probe and canary rules', () => {
    const names = ALL_RULES.map((r) => r.name)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toHaveLength(20)
    const order = ['arm', 'probe', 'canary']
    const needs = ALL_RULES.map((r) => order.indexOf(r.needs))
    expect(needs).toEqual([...needs].sort((a, b) => a - b))
  })
})

describe('evaluateRules', () => {
  it('finds nothing on a healthy group, with every rule run against every member', () => {
    const {findings, evaluated} = evaluateRules(context(buildGroup(), {health: true, replication: true}), {include: ['arm', 'probe', 'canary']})
    expect(findings).toEqual([])
    expect(evaluated.map((e) => e.rule)).toEqual(ALL_RULES.map((r) => r.name))
    for (const e of evaluated) expect(e).toMatchObject({members: [idOf('cache1'), idOf('cache2'), idOf('cache3')], skipped: []})
  })

  it('runs only the included rules whose input is present', () => {
    const ctx = context(buildGroup({members: [{}, {}, {evictionPolicy: 'AllKeysLRU'}]}), {health: true})
    const {findings, evaluated} = evaluateRules(ctx, {include: ['arm', 'probe', 'canary']})
    expect(evaluated.map((e) => e.rule)).toEqual(ALL_RULES.filter((r) => r.needs !== 'canary').map((r) => r.name))
    expect(findings.map((f) => f.rule)).toEqual(['eviction-policy'])
    expect(evaluateRules(ctx, {include: ['probe']}).evaluated.map((e) => e.rule)).toEqual(['unreachable', 'memory-headroom'])
  })

  it('lists unresolved ids under the rules that can judge them', () => {
    const lost = idOf('cache9')
    const {evaluated, findings} = evaluateRules(context(buildGroup({unresolved: [lost]})), {include: ['arm']})
    const covering = evaluated.filter((e) => e.members.includes(lost)).map((e) => e.rule)
    expect(covering).toEqual(['link-state', 'views-disagree', 'unresolved-member', 'member-count', 'members-share-region'])
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['unresolved-member', 'warning']])
  })
})

describe('worstSeverity', () => {
  const at = (severity: Finding['severity']): Finding => ({rule: 'r', severity, members: [], message: '', remediation: ''})

  it('ranks error over warning over info', () => {
    expect(worstSeverity([])).toBeNull()
    expect(worstSeverity([at('info')])).toBe('info')
    expect(worstSeverity([at('info'), at('warning'), at('info')])).toBe('warning')
    expect(worstSeverity([at('warning'), at('error'), at('info')])).toBe('error')
  })
})
