// probe --group-file through the built CLI against real redis-servers on loopback, no ARM anywhere: an active-active
// group (TLS with a private CA and a password from an environment variable; plaintext with an ACL user and a password
// file) and an active-passive pair (a real replica: the canary measures primary → replica only). Bad files are exit 2
// naming the file (and the line) before any connection; the passwords never print.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createCa, createLeaf} from '../../src/sandbox/certs.js'
import {startRedisServer, type RedisServer} from '../helpers/redis-server.js'
import {runCli, type CliResult} from '../helpers/run-cli.js'
import {expectSchema} from '../helpers/schema.js'

const STEP_MS = 20_000
const TLS_PASSWORD = 'tls-member-password-0123456789'
const ACL_PASSWORD = 'acl-member-password-9876543210'
const PAIR_PASSWORD = 'pair-password-abcdefghijklmnop'

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-group-file-'))
const servers: RedisServer[] = []
let file: string

const env = {
  GEO_REDIS_HOME: dir,
  GEO_REDIS_PROFILE: undefined,
  GEO_REDIS_ARM_ENDPOINT: undefined,
  GEO_REDIS_ACCESS_TOKEN: undefined,
  AZURE_SUBSCRIPTION_ID: undefined,
  TLS_MEMBER_PASSWORD: TLS_PASSWORD,
  PAIR_PASSWORD,
  CI: '1',
  // every debug switch on: the passwords still never print
  DEBUG: '*',
  NODE_DEBUG: 'http,net,tls',
}
const cli = (args: string[], extra: Record<string, string | undefined> = {}): Promise<CliResult> => runCli(args, {env: {...env, ...extra}, timeoutMs: STEP_MS})

function write(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

function json<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`)
  }
}

function expectNoSecrets(r: CliResult): void {
  for (const secret of [TLS_PASSWORD, ACL_PASSWORD, PAIR_PASSWORD]) {
    expect(r.stdout).not.toContain(secret)
    expect(r.stderr).not.toContain(secret)
  }
}

beforeAll(async () => {
  const ca = createCa('group-file test CA')
  const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1']})
  const [tls, acl, primary] = await Promise.all([
    startRedisServer({password: TLS_PASSWORD, tls: {cert: leaf.cert, key: leaf.key, ca: ca.cert}}),
    startRedisServer({aclUsers: [{name: 'operator', password: ACL_PASSWORD}]}),
    startRedisServer({password: PAIR_PASSWORD}),
  ])
  servers.push(tls, acl, primary)
  const replica = await startRedisServer({password: PAIR_PASSWORD, extraArgs: ['--replicaof', primary.host, String(primary.port), '--masterauth', PAIR_PASSWORD]})
  servers.push(replica)
  write('ca.pem', ca.cert)
  write('acl-password', `${ACL_PASSWORD}\n`)
  file = write(
    'groups.yaml',
    `# two groups, credentials by reference only
groups:
  - nickname: payments
    kind: active-active
    members:
      - name: us-east
        region: East US
        host: ${tls.host}
        port: ${tls.port}
        tls: true
        ca: ca.pem
        password: {env: TLS_MEMBER_PASSWORD}
      - name: eu-west
        region: westeurope
        host: ${acl.host}
        port: ${acl.port}
        tls: false
        username: operator
        password: {file: acl-password}
  - nickname: sessions
    kind: active-passive
    members:
      - {name: dc1, role: primary, host: ${primary.host}, port: ${primary.port}, tls: false, password: {env: PAIR_PASSWORD}}
      - {name: dc2, role: replica, host: ${replica.host}, port: ${replica.port}, tls: false, password: {env: PAIR_PASSWORD}}
`,
  )
}, 30_000)

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
  rmSync(dir, {recursive: true, force: true})
}, 30_000)

describe('probe --group-file', () => {
  it('probes an active-active group over TLS with a private CA and over plaintext with an ACL user', async () => {
    const r = await cli(['probe', '--group-file', file, '--group', 'payments', '--samples', '3', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const probe = json<{group: string; answered: number; members: {id: string; location: string; reachable: boolean}[]}>(r)
    expectSchema('probe', probe)
    expect(probe.group).toBe('payments')
    expect(probe.members.map((m) => [m.id, m.location, m.reachable])).toEqual([
      ['group-file:payments/us-east', 'eastus', true],
      ['group-file:payments/eu-west', 'westeurope', true],
    ])
    expectNoSecrets(r)
  }, STEP_MS)

  it('measures an active-passive pair from the primary to the replica only', async () => {
    const r = await cli(['probe', '--group-file', file, '--group', 'sessions', '--canary', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const probe = json<{canary: {pairs: {from: string; to: string; replicated: boolean; lagMs: number | null}[]}}>(r)
    expectSchema('probe', probe)
    expect(probe.canary.pairs).toHaveLength(1)
    expect(probe.canary.pairs[0]).toMatchObject({from: 'group-file:sessions/dc1', to: 'group-file:sessions/dc2', replicated: true})
    expect(probe.canary.pairs[0].lagMs).toBeGreaterThanOrEqual(0)
    expectNoSecrets(r)
  }, STEP_MS)

  it('reads the same group from a JSON file, and shows a table on a terminal-less run', async () => {
    const sessions = {groups: [{nickname: 'sessions', kind: 'active-passive', members: [
      {name: 'dc1', role: 'primary', host: servers[2].host, port: servers[2].port, tls: false, password: {env: 'PAIR_PASSWORD'}},
      {name: 'dc2', role: 'replica', host: servers[3].host, port: servers[3].port, tls: false, password: {env: 'PAIR_PASSWORD'}},
    ]}]}
    const r = await cli(['probe', '--group-file', write('groups.json', JSON.stringify(sessions, null, 2))])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/sessions\s+2\/2 member\(s\) answered/)
    expectNoSecrets(r)
  }, STEP_MS)

  it('refuses bad files with exit 2, naming the file (and the line), before any connection', async () => {
    const cases: [string, string[], RegExp][] = [
      ['syntax.yaml', [], /syntax\.yaml, line \d+: /],
      ['inline.yaml', [], /inline secret is refused.*\{env: VARIABLE_NAME\}/s],
      ['missing-env.yaml', [], /NOT_SET_ANYWHERE/],
      ['unknown-field.yaml', [], /groups\[0\]\.members\[0\]\.pasword: unknown field/],
      ['two-primaries.yaml', [], /exactly one member with role: primary/],
    ]
    const member = (extra: string) => `groups:\n  - nickname: g\n    members:\n      - {name: a, host: 127.0.0.1, port: 1, tls: false${extra}}\n`
    write('syntax.yaml', 'groups:\n  - nickname: g\n    members: [ {name: a\n')
    write('inline.yaml', member(', password: hunter2-inline-secret'))
    write('missing-env.yaml', member(', password: {env: NOT_SET_ANYWHERE}'))
    write('unknown-field.yaml', member(', pasword: {env: X}'))
    write('two-primaries.yaml', 'groups:\n  - nickname: g\n    kind: active-passive\n    members:\n      - {name: a, role: primary, host: h, port: 1, tls: false}\n      - {name: b, role: primary, host: h, port: 2, tls: false}\n')
    for (const [name, args, message] of cases) {
      const r = await cli(['probe', '--group-file', join(dir, name), ...args, '--json'])
      expect(r.code, `${name}: ${r.stdout}`).toBe(2)
      const error = json<{error: {message: string; suggestion?: string}}>(r).error
      expect(`${error.message} ${error.suggestion ?? ''}`, name).toMatch(message)
      expect(error.message).toContain(name)
      expect(r.stdout + r.stderr).not.toContain('hunter2-inline-secret')
    }
  }, 6 * STEP_MS)

  it('refuses an unknown nickname, several groups without --group, a missing file, and ARM flags beside it', async () => {
    const unknown = await cli(['probe', '--group-file', file, '--group', 'nope', '--json'])
    expect(unknown.code).toBe(2)
    expect(json<{error: {suggestion: string}}>(unknown).error.suggestion).toMatch(/payments.*sessions/)
    const several = await cli(['probe', '--group-file', file, '--json'])
    expect(several.code).toBe(2)
    expect(json<{error: {suggestion: string}}>(several).error.suggestion).toMatch(/--group/)
    const missing = await cli(['probe', '--group-file', join(dir, 'absent.yaml'), '--json'])
    expect(missing.code).toBe(2)
    const both = await cli(['probe', '--group-file', file, '--profile', 'sandbox', '--json'])
    expect(both.code).toBe(2)
  }, 4 * STEP_MS)
})
