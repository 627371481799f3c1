import {describe, expect, it} from 'vitest'
import {linkState} from '../../../src/domain/rules/link-state.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const linksSeeing = (state: string) => [
  {id: idOf('cache1'), state: 'Linked'},
  {id: idOf('cache2'), state: 'Linked'},
  {id: idOf('cache3'), state},
]

describe('link-state', () => {
  it('finds nothing when every link is Linked', () => {
    expect(linkState.evaluate(context(buildGroup()))).toEqual([])
  })

  it('reports one error per linked database and state, naming every member that sees it', () => {
    const group = buildGroup({members: [{links: linksSeeing('LinkFailed')}, {links: linksSeeing('LinkFailed')}, {}]})
    const findings = linkState.evaluate(context(group))
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({rule: 'link-state', severity: 'error', members: [idOf('cache1'), idOf('cache2'), idOf('cache3')]})
    expect(findings[0].message).toBe('cache1/default (westus2), cache2/default (eastus) see cache3/default (northeurope) as LinkFailed')
    expect(findings[0].remediation).toMatch(/force-unlink cache3\/default .*force-link/)
  })

  it('gives state-specific advice and still reports transitional states', () => {
    const group = buildGroup({members: [{links: linksSeeing('Unlinking')}, {links: linksSeeing('UnlinkFailed')}, {}]})
    const [unlinking, unlinkFailed] = linkState.evaluate(context(group))
    expect(unlinking.severity).toBe('error')
    expect(unlinking.remediation).toMatch(/still running/)
    expect(unlinkFailed.remediation).toMatch(/retry the force-unlink/)
  })

  it('covers unresolved ids too', () => {
    const group = buildGroup({unresolved: [idOf('cache9')]})
    expect(linkState.scope!(context(group)).members).toContain(idOf('cache9'))
  })
})
