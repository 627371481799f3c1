import {describe, expect, it} from 'vitest'
import {modulesNotAllowed} from '../../../src/domain/rules/modules-not-allowed.js'
import {buildGroup, context, idOf} from '../../helpers/group-builder.js'

const mods = (...names: string[]) => ({modules: names.map((name) => ({name, args: '', version: null}))})

describe('modules-not-allowed', () => {
  it('accepts RediSearch and RedisJSON in any case', () => {
    expect(modulesNotAllowed.evaluate(context(buildGroup({members: [mods('RediSearch', 'RedisJSON'), mods('redisearch', 'REDISJSON'), {}]})))).toEqual([])
  })

  it('errors on other modules, grouped by what is loaded', () => {
    const findings = modulesNotAllowed.evaluate(context(buildGroup({members: [mods('RedisBloom', 'RedisJSON'), mods('RedisBloom'), mods('RedisTimeSeries')]})))
    expect(findings.map((f) => f.members)).toEqual([[idOf('cache1'), idOf('cache2')], [idOf('cache3')]])
    expect(findings[0].message).toBe('cache1/default (westus2), cache2/default (eastus) load RedisBloom; geo-replication supports only RediSearch and RedisJSON')
    expect(findings[1].remediation).toMatch(/^modules are create-only: .*recreate it without RedisTimeSeries/)
  })
})
