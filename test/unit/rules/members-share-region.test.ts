import {describe, expect, it} from 'vitest'
import {membersShareRegion} from '../../../src/domain/rules/members-share-region.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('members-share-region', () => {
  it('passes a group with one member per region', () => {
    expect(membersShareRegion.evaluate(context(buildGroup()))).toEqual([])
  })

  it('warns once per region two members share, naming both', () => {
    const group = buildGroup({members: [{}, {location: 'westus2'}, {}]})
    const findings = membersShareRegion.evaluate(context(group))
    expect(findings).toEqual([expect.objectContaining({rule: 'members-share-region', severity: 'warning', members: [idOf('cache1'), idOf('cache2')]})])
    expect(findings[0].message).toMatch(/^cache1\/default \(westus2\), cache2\/default \(westus2\) are all in westus2: /)
  })

  it('counts a member ARM cannot read by where its cluster list shows it, and not one whose location is unknown', () => {
    const group = buildGroup({unresolved: [idOf('cache9')], cause: 'region-not-answering'})
    group.unreadable[0].location = 'eastus'
    expect(membersShareRegion.evaluate(context(group)).flatMap((f) => f.members)).toEqual([idOf('cache2'), idOf('cache9')])
    group.unreadable[0].location = ''
    expect(membersShareRegion.evaluate(context(group))).toEqual([])
  })
})
