import {describe, expect, it} from 'vitest'
import {unresolvedMember} from '../../../src/domain/rules/unresolved-member.js'
import {SUBSCRIPTION, buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('unresolved-member', () => {
  it('finds nothing when every linked database was read', () => {
    expect(unresolvedMember.evaluate(context(buildGroup()))).toEqual([])
  })

  it('warns about a linked database it may not read: no access says nothing about its health', () => {
    const [finding] = unresolvedMember.evaluate(context(buildGroup({unresolved: [idOf('cache9', 'rg-far')], cause: 'forbidden'})))
    expect(finding).toMatchObject({rule: 'unresolved-member', severity: 'warning', members: [idOf('cache9', 'rg-far')]})
    expect(finding.message).toMatch(/^cache9\/default is linked but could not be read: forbidden, no read access \(AuthorizationFailed: /)
    expect(finding.remediation).toContain(`Reader role on subscription ${SUBSCRIPTION}`)
  })

  it('fails the group on a member whose region does not answer, pointing at the runbook and force-unlink', () => {
    const [finding] = unresolvedMember.evaluate(context(buildGroup({unresolved: [idOf('cache9')], cause: 'region-not-answering'})))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache9')]})
    expect(finding.message).toMatch(/could not be read: region-not-answering, its region does not answer \(ServiceUnavailable: /)
    expect(finding.remediation).toMatch(/^its region does not answer: follow the incident runbook \(`geo-redis runbook incident --group orders`\)/)
    expect(finding.remediation).toContain(`geo-redis force-unlink --group orders --member ${idOf('cache9')}`)
    expect(finding.remediation).not.toMatch(/Reader/)
  })

  it('fails the group on a deleted member still linked, pointing at its force-unlink', () => {
    const [finding] = unresolvedMember.evaluate(context(buildGroup({unresolved: [idOf('cache9')], cause: 'not-found'})))
    expect(finding.severity).toBe('error')
    expect(finding.remediation).toMatch(/^cache9 is deleted but group "orders" still links it: force-unlink the deleted member/)
  })

  it.each(['not-listed', 'unknown'] as const)('warns on %s: nothing says the member is down', (cause) => {
    expect(unresolvedMember.evaluate(context(buildGroup({unresolved: [idOf('cache9')], cause})))[0].severity).toBe('warning')
  })
})
