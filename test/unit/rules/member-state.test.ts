import {describe, expect, it} from 'vitest'
import {memberState} from '../../../src/domain/rules/member-state.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const evaluate = (state: {provisioningState?: string; resourceState?: string; clusterProvisioningState?: string; clusterResourceState?: string}) =>
  memberState.evaluate(context(buildGroup({members: [{}, state]})))

describe('member-state', () => {
  it('finds nothing when every member is Succeeded and Running', () => {
    expect(memberState.evaluate(context(buildGroup()))).toEqual([])
  })

  it('warns while a create, update or scale is in progress', () => {
    const [finding] = evaluate({provisioningState: 'Updating', resourceState: 'Scaling'})
    expect(finding).toMatchObject({severity: 'warning', members: [idOf('cache2')]})
    expect(finding.message).toBe('cache2/default (eastus) is cluster Succeeded/Running, database Updating/Scaling')
  })

  it("judges the cluster's state too: a cluster mid-scale under a Succeeded/Running database is a warning", () => {
    const [finding] = evaluate({clusterProvisioningState: 'Updating', clusterResourceState: 'Scaling'})
    expect(finding).toMatchObject({severity: 'warning', members: [idOf('cache2')]})
    expect(finding.message).toBe('cache2/default (eastus) is cluster Updating/Scaling, database Succeeded/Running')
  })

  it('the worse of cluster and database decides: a failed cluster is an error', () => {
    expect(evaluate({clusterProvisioningState: 'Failed', clusterResourceState: 'ScalingFailed', provisioningState: 'Updating'})[0].severity).toBe('error')
  })

  it('errors on failed states', () => {
    const [finding] = evaluate({provisioningState: 'Failed', resourceState: 'ScalingFailed'})
    expect(finding.severity).toBe('error')
    expect(finding.remediation).toContain('az redisenterprise database show --cluster-name cache2 --resource-group rg-geo')
  })

  it('errors when a transitional state comes with a failed one', () => {
    expect(evaluate({provisioningState: 'Updating', resourceState: 'UpdateFailed'})[0].severity).toBe('error')
  })

  it('explains a deletion', () => {
    const [finding] = evaluate({provisioningState: 'Deleting', resourceState: 'Deleting'})
    expect(finding.severity).toBe('error')
    expect(finding.remediation).toMatch(/being deleted/)
  })
})
