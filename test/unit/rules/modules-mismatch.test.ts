import {describe, expect, it} from 'vitest'
import {modulesMismatch} from '../../../src/domain/rules/modules-mismatch.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const mod = (name: string) => ({name, args: '', version: null})

describe('modules-mismatch', () => {
  it('finds nothing when module sets match, whatever the order and case', () => {
    const group = buildGroup({members: [{modules: [mod('RediSearch'), mod('RedisJSON')]}, {modules: [mod('redisjson'), mod('RediSearch')]}, {modules: [mod('RedisJSON'), mod('RediSearch')]}]})
    expect(modulesMismatch.evaluate(context(group))).toEqual([])
  })

  it('errors when module sets differ, with create-only advice', () => {
    const [finding] = modulesMismatch.evaluate(context(buildGroup({members: [{modules: [mod('RedisJSON')]}, {modules: [mod('RedisJSON')]}, {}]})))
    expect(finding).toMatchObject({severity: 'error', members: [idOf('cache3')]})
    expect(finding.message).toBe('members differ in modules: RedisJSON on cache1/default (westus2), cache2/default (eastus); no modules on cache3/default (northeurope)')
    expect(finding.remediation).toMatch(/^modules are create-only: .*recreate it with RedisJSON/)
  })
})
