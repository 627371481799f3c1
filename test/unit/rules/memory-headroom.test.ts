import {describe, expect, it} from 'vitest'
import {memoryHeadroom} from '../../../src/domain/rules/memory-headroom.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const GB = 1024 ** 3

describe('memory-headroom', () => {
  it('finds nothing below the warning threshold', () => {
    expect(memoryHeadroom.evaluate(context(buildGroup(), {health: {0: {usedBytes: 7.9 * GB}}}))).toEqual([])
  })

  it('warns at the warning threshold and errors at the critical one', () => {
    const ctx = context(buildGroup(), {health: {0: {usedBytes: 8 * GB}, 1: {usedBytes: 9.5 * GB}}})
    const findings = memoryHeadroom.evaluate(ctx)
    expect(findings.map((f) => [f.severity, f.members])).toEqual([
      ['warning', [idOf('cache1')]],
      ['error', [idOf('cache2')]],
    ])
    expect(findings[1].message).toBe('cache2/default (eastus) uses 95% of its memory (9.5 GB of 10.0 GB; critical at 90%)')
    expect(findings[1].remediation).toMatch(/force-unlink a member that is down/)
  })

  it('skips members whose limit is unknown or that are unreachable', () => {
    const ctx = context(buildGroup(), {health: {0: {maxBytes: null}, 1: {reachable: false, usedBytes: null}}})
    expect(memoryHeadroom.evaluate(ctx)).toEqual([])
    expect(memoryHeadroom.scope!(ctx)).toEqual({
      members: [idOf('cache3')],
      skipped: [
        {member: idOf('cache1'), reason: 'memory limit unknown'},
        {member: idOf('cache2'), reason: 'unreachable'},
      ],
    })
  })
})
