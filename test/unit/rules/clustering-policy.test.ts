import {describe, expect, it} from 'vitest'
import {clusteringPolicy} from '../../../src/domain/rules/clustering-policy.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('clustering-policy', () => {
  it('finds nothing when policies match', () => {
    expect(clusteringPolicy.evaluate(context(buildGroup()))).toEqual([])
  })

  it('errors when policies differ and says the setting is create-only', () => {
    const [finding] = clusteringPolicy.evaluate(context(buildGroup({members: [{}, {clusteringPolicy: 'OSSCluster'}, {}]})))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache2')]})
    expect(finding.message).toContain('OSSCluster on cache2/default (eastus)')
    expect(finding.remediation).toMatch(/create-only: force-unlink cache2\/default \(eastus\).*recreate it with clusteringPolicy EnterpriseCluster/)
    expect(finding.remediation).toContain('group "orders"')
  })

  it('says NoCluster can still be changed', () => {
    const [finding] = clusteringPolicy.evaluate(context(buildGroup({members: [{}, {clusteringPolicy: 'NoCluster'}, {}]})))
    expect(finding.remediation).toMatch(/^NoCluster can still be changed: set cache2\/default \(eastus\) to EnterpriseCluster/)
    expect(finding.remediation).not.toMatch(/create-only/)
  })

  it('rejects RediSearch with OSSCluster', () => {
    const oss = {clusteringPolicy: 'OSSCluster', modules: [{name: 'RediSearch', args: '', version: '2.8'}]}
    const findings = clusteringPolicy.evaluate(context(buildGroup({members: [oss, oss, oss]})))
    expect(findings).toHaveLength(1)
    expect(findings[0].members).toHaveLength(3)
    expect(findings[0].message).toMatch(/use RediSearch with the OSSCluster policy/)
  })
})
