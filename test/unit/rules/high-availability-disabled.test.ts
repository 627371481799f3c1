import {describe, expect, it} from 'vitest'
import {highAvailabilityDisabled} from '../../../src/domain/rules/high-availability-disabled.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('high-availability-disabled', () => {
  it('finds nothing when enabled, or unknown on an older api-version', () => {
    expect(highAvailabilityDisabled.evaluate(context(buildGroup({members: [{}, {highAvailability: null}, {}]})))).toEqual([])
  })

  it('errors when disabled', () => {
    const [finding] = highAvailabilityDisabled.evaluate(context(buildGroup({members: [{}, {highAvailability: 'Disabled'}, {}]})))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache2')]})
    expect(finding.message).toBe('cache2/default (eastus) has high availability disabled; geo-replication requires it')
    expect(finding.remediation).toMatch(/cluster cache2 .*highAvailability: Enabled/)
  })
})
