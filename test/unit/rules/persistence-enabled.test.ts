import {describe, expect, it} from 'vitest'
import {persistenceEnabled} from '../../../src/domain/rules/persistence-enabled.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('persistence-enabled', () => {
  it('finds nothing without persistence', () => {
    expect(persistenceEnabled.evaluate(context(buildGroup()))).toEqual([])
  })

  it('errors per member with AOF or RDB', () => {
    const group = buildGroup({members: [{persistence: {aofEnabled: true, rdbEnabled: false, aofFrequency: '1s'}}, {}, {persistence: {aofEnabled: false, rdbEnabled: true}}]})
    const findings = persistenceEnabled.evaluate(context(group))
    expect(findings.map((f) => [f.severity, f.members])).toEqual([
      ['error', [idOf('cache1')]],
      ['error', [idOf('cache3')]],
    ])
    expect(findings[0].message).toBe('cache1/default (westus2) has AOF (1s) persistence enabled; geo-replication does not support persistence')
    expect(findings[1].message).toMatch(/has RDB persistence enabled/)
    expect(findings[1].remediation).toMatch(/aofEnabled: false, rdbEnabled: false/)
  })
})
