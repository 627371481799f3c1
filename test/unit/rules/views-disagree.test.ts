import {describe, expect, it} from 'vitest'
import {viewsDisagree} from '../../../src/domain/rules/views-disagree.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const linked = (...clusters: string[]) => clusters.map((c) => ({id: idOf(c), state: 'Linked'}))

describe('views-disagree', () => {
  it('finds nothing when every member lists everyone', () => {
    expect(viewsDisagree.evaluate(context(buildGroup()))).toEqual([])
  })

  it('names the member others dropped after a force-unlink', () => {
    const group = buildGroup({
      members: [{links: linked('cache1', 'cache2')}, {links: linked('cache1', 'cache2')}, {links: linked('cache1', 'cache2', 'cache3')}],
    })
    const findings = viewsDisagree.evaluate(context(group))
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({severity: 'error', members: [idOf('cache3'), idOf('cache1'), idOf('cache2')]})
    expect(findings[0].message).toBe(
      'cache3/default (northeurope) is in the view of cache3/default (northeurope) but not of cache1/default (westus2), cache2/default (eastus)',
    )
    expect(findings[0].remediation).toMatch(/if cache3\/default \(northeurope\) was force-unlinked, delete it/)
  })

  it('reports an unresolved id only some members list', () => {
    const lost = idOf('cache9')
    const group = buildGroup({
      unresolved: [lost],
      members: [{links: [...linked('cache1', 'cache2', 'cache3'), {id: lost, state: 'Linked'}]}, {links: linked('cache1', 'cache2', 'cache3')}, {links: linked('cache1', 'cache2', 'cache3')}],
    })
    const [finding] = viewsDisagree.evaluate(context(group))
    expect(finding.members).toEqual([lost, idOf('cache2'), idOf('cache3')])
    expect(finding.message).toMatch(/^cache9\/default is in the view of cache1\/default/)
  })
})
