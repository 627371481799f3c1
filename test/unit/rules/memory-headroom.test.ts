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

  it("measures a member without maxmemory against its SKU's size, as capacity does", () => {
    // Balanced_B10 is 12 GB: 11 GB used is over the 90% critical threshold
    const ctx = context(buildGroup(), {health: {0: {maxmemoryBytes: null, usedBytes: 11 * GB}}})
    const [finding] = memoryHeadroom.evaluate(ctx)
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache1')]})
    expect(finding.message).toBe('cache1/default (westus2) uses 92% of its memory (11.0 GB of 12.0 GB, the Balanced_B10 size: maxmemory is not set; critical at 90%)')
  })

  it('skips members whose limit is unknown (no maxmemory, a SKU of no known size) or that are unreachable', () => {
    const ctx = context(buildGroup({members: [{sku: {name: 'Enterprise_E10', capacity: 2}}]}), {
      health: {0: {maxmemoryBytes: null}, 1: {reachable: false, usedBytes: null}},
    })
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
