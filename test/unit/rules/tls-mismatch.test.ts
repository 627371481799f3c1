import {describe, expect, it} from 'vitest'
import {tlsMismatch} from '../../../src/domain/rules/tls-mismatch.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

describe('tls-mismatch', () => {
  it('finds nothing when TLS settings match', () => {
    expect(tlsMismatch.evaluate(context(buildGroup()))).toEqual([])
  })

  it('aligns the client protocol on Encrypted, even against the majority', () => {
    const plain = {clientProtocol: 'Plaintext'}
    const [finding] = tlsMismatch.evaluate(context(buildGroup({members: [plain, plain, {}]})))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache1'), idOf('cache2')]})
    expect(finding.message).toMatch(/^members differ in client protocol: Plaintext on/)
    expect(finding.remediation).toContain('--client-protocol Encrypted')
  })

  it('aligns the minimum TLS version on the newest', () => {
    const old = {minimumTlsVersion: '1.0'}
    const [finding] = tlsMismatch.evaluate(context(buildGroup({members: [old, old, {}]})))
    expect(finding.members).toEqual([idOf('cache1'), idOf('cache2')])
    expect(finding.remediation).toContain('az redisenterprise update --cluster-name cache1 --resource-group rg-geo --minimum-tls-version 1.2')
  })

  it('ignores a version the api did not report', () => {
    expect(tlsMismatch.evaluate(context(buildGroup({members: [{minimumTlsVersion: null}, {}, {}]})))).toEqual([])
  })
})
