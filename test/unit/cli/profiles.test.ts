// profiles.json: checked against docs/schemas/profiles.schema.json on read and write (the code's check and the
// schema agree on every sample), looked up as own properties only, and a broken file is a usage error naming the
// file and the field.
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'
import {hasProfile, profilesProblem, readProfile, readProfiles, writeProfile} from '../../../src/cli/profiles.js'
import {resolveArmSettings} from '../../../src/cli/settings.js'
import {UsageError} from '../../../src/domain/errors.js'
import {schemaValidator} from '../../helpers/schema.js'

const home = mkdtempSync(join(tmpdir(), 'geo-redis-profiles-'))
const file = join(home, 'profiles.json')
const saved = process.env.GEO_REDIS_HOME
process.env.GEO_REDIS_HOME = home
afterAll(() => {
  process.env.GEO_REDIS_HOME = saved
  rmSync(home, {recursive: true, force: true})
})
beforeEach(() => rmSync(file, {force: true}))

const good = {profiles: {prod: {armEndpoint: 'https://management.azure.com', cloud: 'AzureCloud', subscriptions: ['00000000-0000-0000-0000-000000000000'], caPath: '/etc/ca.pem'}, 'sand.box_1-x': {accessToken: 't'}}}
const SAMPLES: [string, unknown, RegExp | null][] = [
  ['a valid file', good, null],
  ['an empty object', {}, null],
  ['no profiles', {profiles: {}}, null],
  ['an array', [], /top level must be an object/],
  ['a string', 'x', /top level must be an object/],
  ['null', null, /top level must be an object/],
  ['an unknown top-level field', {profiles: {}, extra: 1}, /unknown field "extra"/],
  ['profiles as a list', {profiles: []}, /"profiles" must be an object/],
  ['a profile that is a string', {profiles: {a: 'x'}}, /profiles\["a"\] must be an object/],
  ['subscriptions as a string', {profiles: {a: {subscriptions: '0000'}}}, /profiles\["a"\]\.subscriptions must be a list/],
  ['a number for the endpoint', {profiles: {a: {armEndpoint: 42}}}, /profiles\["a"\]\.armEndpoint must be a non-empty string/],
  ['an empty CA path', {profiles: {a: {caPath: ''}}}, /caPath must be a non-empty string/],
  ['an unknown cloud', {profiles: {a: {cloud: 'Mars'}}}, /cloud must be one of/],
  ['a misspelt field', {profiles: {a: {armEndPoint: 'https://x'}}}, /armEndPoint is not a known field/],
  ['a name with a space', {profiles: {'a b': {}}}, /the name must be/],
  ['a hosts map', {profiles: {a: {hosts: {'sandbox-eastus.eastus.redis.sandbox.geo-redis.test': '127.4.5.1', 'V6.Example.test': '::1'}}}}, null],
  ['a hosts list', {profiles: {a: {hosts: ['127.0.0.1']}}}, /hosts must be an object of host name → IP address/],
  ['a host name with a space', {profiles: {a: {hosts: {'a b.test': '127.0.0.1'}}}}, /hosts: "a b\.test" is not a host name/],
  ['a host name ending in a hyphen', {profiles: {a: {hosts: {'a-.test': '127.0.0.1'}}}}, /is not a host name/],
  ['an IP address as a host name', {profiles: {a: {hosts: {'127.0.0.1': '127.0.0.2'}}}}, /"127\.0\.0\.1" is not a host name/],
  ['a name as a host address', {profiles: {a: {hosts: {'a.test': 'localhost'}}}}, /hosts\["a\.test"\] must be an IPv4 or IPv6 address/],
  ['an IPv4 address out of range', {profiles: {a: {hosts: {'a.test': '127.0.0.256'}}}}, /must be an IPv4 or IPv6 address/],
  ['a number as a host address', {profiles: {a: {hosts: {'a.test': 1}}}}, /must be an IPv4 or IPv6 address/],
  ['an own __proto__ field in a profile', JSON.parse('{"profiles": {"a": {"__proto__": {"x": 1}}}}'), /__proto__ is not a known field/],
]

describe('profiles.json schema', () => {
  it.each(SAMPLES)('%s: the code and docs/schemas/profiles.schema.json agree', (_name, data, problem) => {
    const found = profilesProblem(data)
    if (problem) expect(found).toMatch(problem)
    else expect(found).toBeNull()
    expect(schemaValidator('profiles')(data)).toBe(problem === null)
  })

  it.each(SAMPLES.filter(([, , problem]) => problem))('reading %s is a usage error naming the file and the field', (_name, data, problem) => {
    writeFileSync(file, JSON.stringify(data))
    const error = catchError(() => readProfiles())
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toContain(file)
    expect(error.message).toMatch(problem!)
    expect((error as UsageError).suggestion).toMatch(/fix it or delete the file/)
  })

  it.each([
    ['not JSON', '{"profiles": {', /is not valid JSON/],
    ['a folder', null, /is a folder, not a regular file/],
    ['a FIFO', 'fifo', /is a named pipe \(FIFO\), not a regular file/],
    ['larger than a profiles file can be', 'x'.repeat(1024 * 1024 + 1), /more than the .* such a file can be/],
  ])('a file that is %s is a usage error, never a hang or an internal error', (_name, content, problem) => {
    if (content === null) mkdirSync(file)
    else if (content === 'fifo') execFileSync('mkfifo', [file])
    else writeFileSync(file, content)
    try {
      const error = catchError(() => readProfiles())
      expect(error).toBeInstanceOf(UsageError)
      expect(error.message).toMatch(problem)
    } finally {
      rmSync(file, {recursive: true, force: true})
    }
  })
})

describe('profile lookups', () => {
  it('finds only own profiles: __proto__, constructor, toString and hasOwnProperty name nothing', () => {
    writeFileSync(file, JSON.stringify(good))
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(hasProfile(name)).toBe(false)
      expect(catchError(() => readProfile(name)).message).toBe(`no profile named "${name}"`)
    }
    expect(readProfile('prod').cloud).toBe('AzureCloud')
  })

  it('refuses an empty name and names that could never have been saved', () => {
    expect(catchError(() => readProfile('')).message).toBe('--profile is empty')
    expect(catchError(() => readProfile('a/b')).message).toMatch(/is not allowed/)
  })

  it('writes nothing that the next read would refuse, and a profile named __proto__ stays an ordinary entry', () => {
    expect(catchError(() => writeProfile('a', {cloud: 'Mars'})).message).toMatch(/cannot be saved: .*cloud must be one of/)
    writeProfile('__proto__', {armEndpoint: 'https://x.example'})
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
    expect(readProfile('__proto__')).toEqual({armEndpoint: 'https://x.example'})
    expect(Object.keys(readProfiles())).toEqual(['__proto__'])
  })
})

describe('a profile\'s hosts map', () => {
  it('reaches the settings with lower-case names; a profile without one leaves every name to DNS', () => {
    writeProfile('sandbox', {hosts: {'Sandbox-EastUS.eastus.redis.sandbox.geo-redis.test': '127.4.5.1', 'v6.redis.sandbox.geo-redis.test': '::1'}})
    writeProfile('prod', {cloud: 'AzureCloud'})
    expect(resolveArmSettings({profile: 'sandbox', concurrency: 1}, {}).hosts).toEqual(
      new Map([
        ['sandbox-eastus.eastus.redis.sandbox.geo-redis.test', '127.4.5.1'],
        ['v6.redis.sandbox.geo-redis.test', '::1'],
      ]),
    )
    expect(resolveArmSettings({profile: 'prod', concurrency: 1}, {})).not.toHaveProperty('hosts')
  })
})

function catchError(fn: () => unknown): Error {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}
