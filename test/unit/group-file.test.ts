// Group files: the rules (domain/group-file.ts) on every problem, the examples of docs/group-file.md against both the
// JSON Schema and the rules, the file adapter (YAML/JSON, references, secrets registered) on real files, and
// groupFileTargets, the one entry point serve and watch use.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'yaml'
import {afterAll, describe, expect, it} from 'vitest'
import {groupFiles} from '../../src/cli/composition.js'
import {UsageError} from '../../src/domain/errors.js'
import {fileGeoGroup, parseGroupFile} from '../../src/domain/group-file.js'
import {groupFileTargets} from '../../src/services/group-file.js'
import {secrets} from '../../src/shared/redact.js'
import {schemaValidator} from '../helpers/schema.js'

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-group-file-unit-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function refusal(data: unknown): UsageError {
  try {
    parseGroupFile(data, 'groups.yaml')
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return error as UsageError
  }
  throw new Error('accepted')
}

const member = (extra: Record<string, unknown> = {}) => ({name: 'a', host: 'h.example', port: 6379, tls: true, ...extra})

describe('group file rules', () => {
  it('lists every problem with its path, and never the value of an inline secret', () => {
    const error = refusal({
      groups: [
        {nickname: 'g', members: [member({password: 'hunter2-inline'}), member({port: 0, pasword: 'x'})]},
        {nickname: 'G', kind: 'multi', members: []},
      ],
    })
    expect(error.message).toContain('groups.yaml')
    expect(error.message).toMatch(/groups\[0\]\.members\[0\]\.password: an inline secret is refused: reference it as \{env: VARIABLE_NAME\} or \{file: path\/to\/file\}/)
    expect(error.message).toMatch(/groups\[0\]\.members\[1\]\.pasword: unknown field/)
    expect(error.message).toMatch(/groups\[0\]\.members\[1\]\.port: must be a whole number/)
    expect(error.message).toMatch(/groups\[0\]\.members: member name "a" is used twice/)
    expect(error.message).toMatch(/groups\[1\]\.kind: must be active-active or active-passive/)
    expect(error.message).toMatch(/groups: nickname "G" is used twice/)
    expect(error.message).not.toContain('hunter2-inline')
    expect(error.exitCode).toBe(2)
  })

  it('asks an active-passive group for exactly one primary, and roles only there; ca only with TLS', () => {
    expect(refusal({groups: [{nickname: 'p', kind: 'active-passive', members: [member({role: 'replica'})]}]}).message).toMatch(/exactly one member with role: primary/)
    expect(refusal({groups: [{nickname: 'a', members: [member({role: 'primary'})]}]}).message).toMatch(/role: is only for active-passive/)
    expect(refusal({groups: [{nickname: 'a', members: [member({tls: false, ca: 'ca.pem'})]}]}).message).toMatch(/ca: is only for tls: true/)
    expect(refusal({groups: [{nickname: 'a', members: [member({password: {env: 'A', file: 'b'}})]}]}).message).toMatch(/exactly one of env/)
    expect(refusal('groups: []').message).toMatch(/\(top\): must be a mapping/)
  })

  it('models a file group as the domain does an ARM one: members in file order, linked to each other', () => {
    const spec = parseGroupFile({groups: [{nickname: 'pay', members: [member({region: 'East US'}), member({name: 'b'})]}]}, 'f')
    const group = fileGeoGroup(spec.groups[0])
    expect(group.members.map((m) => [m.id, m.location, m.clientProtocol])).toEqual([
      ['group-file:pay/a', 'eastus', 'Encrypted'],
      ['group-file:pay/b', '', 'Encrypted'],
    ])
    expect(group.members[0].links).toEqual([{id: 'group-file:pay/b', state: 'Linked'}])
  })
})

describe('docs/group-file.md examples', () => {
  const doc = readFileSync(new URL('../../docs/group-file.md', import.meta.url), 'utf8')
  const blocks = [...doc.matchAll(/```(yaml|json)\n([\s\S]*?)```/g)].map((m) => m[2])
  it('are valid for the schema and for geo-redis alike', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4)
    const validate = schemaValidator('group-file')
    for (const block of blocks) {
      const data = parse(block) as unknown
      expect(validate(data), `${block}\n${JSON.stringify(validate.errors)}`).toBe(true)
      expect(parseGroupFile(data, 'example').groups.length).toBeGreaterThan(0)
    }
  })

  it('the schema refuses an inline password too', () => {
    expect(schemaValidator('group-file')({groups: [{nickname: 'g', members: [member({password: 'inline-secret'})]}]})).toBe(false)
  })
})

// through the composition's GroupFiles, as serve and probe get it
describe('groupFileTargets on files', async () => {
  const files = await groupFiles()
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  }

  it('resolves references (env and a file relative to the group file), registers them, and keeps file order', async () => {
    write('pw', 'file-password-123456\n')
    process.env.GEO_REDIS_TEST_GROUP_PW = 'env-password-654321'
    const path = write(
      'g.yaml',
      'groups:\n  - nickname: one\n    members:\n      - {name: a, host: h1, port: 1, tls: false, password: {file: pw}}\n      - {name: b, host: h2, port: 2, tls: false, username: ops, password: {env: GEO_REDIS_TEST_GROUP_PW}}\n  - nickname: two\n    kind: active-passive\n    members:\n      - {name: p, role: primary, host: h3, port: 3, tls: false}\n      - {name: r, role: replica, host: h4, port: 4, tls: false}\n',
    )
    const all = await groupFileTargets(files, path)
    expect(all.map((g) => [g.group.nickname, g.kind, g.primary])).toEqual([
      ['one', 'active-active', null],
      ['two', 'active-passive', 'group-file:two/p'],
    ])
    expect(all[0].targets.map((t) => t.target)).toEqual([
      {id: 'group-file:one/a', host: 'h1', port: 1, tls: false, auth: {password: 'file-password-123456'}},
      {id: 'group-file:one/b', host: 'h2', port: 2, tls: false, auth: {username: 'ops', password: 'env-password-654321'}},
    ])
    expect(secrets.replaceIn('x file-password-123456 env-password-654321')).toBe('x [redacted] [redacted]')
    const [two] = await groupFileTargets(files, path, {groups: ['TWO']})
    expect(two.targets.map((t) => t.member.cluster)).toEqual(['p', 'r'])
    delete process.env.GEO_REDIS_TEST_GROUP_PW
  })

  it('is exit 2 naming the file for syntax (with the line), a missing variable, a missing file, an unknown nickname', async () => {
    const syntax = write('bad.yaml', 'groups:\n  - nickname: g\n    members:\n      - {name: a, host: h, port: 1, tls: false\n')
    await expect(groupFileTargets(files, syntax)).rejects.toThrow(/bad\.yaml, line \d+/)
    const env = write('env.yaml', 'groups:\n  - nickname: g\n    members:\n      - {name: a, host: h, port: 1, tls: false, password: {env: GEO_REDIS_TEST_UNSET}}\n')
    await expect(groupFileTargets(files, env)).rejects.toThrow(/env\.yaml: groups\.g\.members\.a\.password names the environment variable GEO_REDIS_TEST_UNSET/)
    await expect(groupFileTargets(files, join(dir, 'absent.yaml'))).rejects.toThrow(/absent\.yaml/)
    await expect(groupFileTargets(files, env, {groups: ['nope']})).rejects.toThrow(/no geo-replication group named "nope"/)
  })
})
