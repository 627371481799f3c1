import {describe, expect, it} from 'vitest'
import {unresolvedMember} from '../../../src/domain/rules/unresolved-member.js'
import {SUBSCRIPTION, buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('unresolved-member', () => {
  it('finds nothing when every linked database was read', () => {
    expect(unresolvedMember.evaluate(context(buildGroup()))).toEqual([])
  })

  it('warns about each linked database that could not be read', () => {
    const [finding] = unresolvedMember.evaluate(context(buildGroup({unresolved: [idOf('cache9', 'rg-far')]})))
    expect(finding).toMatchObject({rule: 'unresolved-member', severity: 'warning', members: [idOf('cache9', 'rg-far')]})
    expect(finding.message).toMatch(/^cache9\/default is linked but could not be read/)
    expect(finding.remediation).toContain(`geo-redis inventory --subscription ${SUBSCRIPTION}`)
    expect(finding.remediation).toMatch(/force-unlink cache9\/default from a surviving member/)
  })
})
