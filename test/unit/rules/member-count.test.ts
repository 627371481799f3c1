import {describe, expect, it} from 'vitest'
import {memberCount} from '../../../src/domain/rules/member-count.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('member-count', () => {
  it('accepts five members, unresolved ones included', () => {
    expect(memberCount.evaluate(context(buildGroup({members: [{}, {}, {}, {}], unresolved: [idOf('cache9')]})))).toEqual([])
  })

  it('errors on a sixth member, counting unresolved ones', () => {
    const group = buildGroup({members: [{}, {}, {}, {}, {}], unresolved: [idOf('cache9')]})
    const [finding] = memberCount.evaluate(context(group))
    expect(finding).toMatchObject({severity: 'error'})
    expect(finding.members).toHaveLength(6)
    expect(finding.message).toMatch(/^the group has 6 members \(.*cache9\/default\); at most 5 are supported$/)
  })
})
