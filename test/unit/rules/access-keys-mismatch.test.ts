import {describe, expect, it} from 'vitest'
import {accessKeysMismatch} from '../../../src/domain/rules/access-keys-mismatch.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('access-keys-mismatch', () => {
  it('finds nothing when the setting matches or is unknown', () => {
    expect(accessKeysMismatch.evaluate(context(buildGroup({members: [{accessKeysAuthentication: null}, {}, {}]})))).toEqual([])
  })

  it('warns when it differs, with the unlink-change-relink procedure', () => {
    const [finding] = accessKeysMismatch.evaluate(context(buildGroup({members: [{}, {}, {accessKeysAuthentication: 'Enabled'}]})))
    expect(finding).toMatchObject({severity: 'warning', members: [idOf('cache3')]})
    expect(finding.message).toMatch(/^members differ in access-key authentication: Disabled on .*; Enabled on cache3\/default \(northeurope\)$/)
    expect(finding.remediation).toMatch(/force-unlink cache3\/default .*set accessKeysAuthentication to Disabled, then force-link back to group "orders"/)
  })
})
