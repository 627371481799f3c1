import {describe, expect, it} from 'vitest'
import {redisVersionMismatch} from '../../../src/domain/rules/redis-version-mismatch.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('redis-version-mismatch', () => {
  it('finds nothing on one version', () => {
    expect(redisVersionMismatch.evaluate(context(buildGroup()))).toEqual([])
  })

  it('warns and points at the older members, comparing versions numerically', () => {
    const group = buildGroup({members: [{redisVersion: '7.10'}, {redisVersion: '7.4'}, {redisVersion: '7.4'}]})
    const [finding] = redisVersionMismatch.evaluate(context(group))
    expect(finding).toMatchObject({severity: 'warning', members: [idOf('cache2'), idOf('cache3')]})
    expect(finding.remediation).toMatch(/^upgrade cache2\/default \(eastus\), cache3\/default \(northeurope\) to 7\.10 /)
  })
})
