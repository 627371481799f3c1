// The hostile-input suite, part one (issue 12): secrets, credentials' audiences, TLS, bounded input, terminal control
// in values, sign-in failure and anchored evidence. Every case runs the real binary against the emulator, real
// password-protected redis-servers and, for Microsoft Entra, a recording TLS listener. The suite prints how many cases
// it tried and how many were handled.
//
// The leak cases run every command with AZURE_LOG_LEVEL=verbose, DEBUG=* and NODE_DEBUG=http,https,tls,net, and look
// for every planted secret (access keys, the ARM token, a TLS private key, a password in a URL) in stdout, stderr and
// every file the run wrote.
import {execFileSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {once} from 'node:events'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync} from 'node:fs'
import {createServer, type Server, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createSecureContext, TLSSocket} from 'node:tls'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {createCa, createLeaf} from '../../src/sandbox/certs.js'
import type {World} from '../../src/sandbox/emulator/world.js'
import {startRedisServer, stopAll, type RedisServer} from '../helpers/redis-server.js'
import {runCli, startCliSandbox, type CliResult, type CliSandbox} from '../helpers/run-cli.js'

const CLI_MS = 60_000
const TEST_MS = 90_000
const NICK = 'sandbox-geo'
const DEBUG_ENV = {AZURE_LOG_LEVEL: 'verbose', DEBUG: '*', NODE_DEBUG: 'http,https,tls,net'}
const URL_PASSWORD = 'Url-Pa55word-9f8e7d6c'
const REASON = `INC-1234, see https://ops:${URL_PASSWORD}@tickets.example/INC-1234`

const tally = {tried: 0, handled: 0}

/** One hostile case: counted as tried when it starts and as handled only when every assertion held. */
function hostile(name: string, body: () => Promise<void>, timeout = TEST_MS): void {
  it(
    name,
    async () => {
      tally.tried++
      await body()
      tally.handled++
    },
    timeout,
  )
}

afterAll(async () => {
  await stopAll()
  console.log(`hostile-secrets: ${tally.tried} cases tried, ${tally.handled} handled`)
})

const work = mkdtempSync(join(tmpdir(), 'geo-redis-hostile-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

/** Every file under `dir`, as text. */
function filesUnder(dir: string): {path: string; text: string}[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => {
      const path = join(e.parentPath, e.name)
      return {path, text: readFileSync(path, 'utf8')}
    })
}

/** Fails naming where any 16-character piece of any secret appears: a partial key is a leak too. */
function expectNoSecret(places: {name: string; text: string}[], secrets: string[]): void {
  for (const secret of secrets) {
    const pieces = new Set<string>()
    for (let i = 0; i + 16 <= secret.length; i += 8) pieces.add(secret.slice(i, i + 16))
    pieces.add(secret.slice(-16))
    for (const place of places) {
      for (const piece of pieces) expect(place.text.includes(piece), `a piece of a secret (${piece}) in ${place.name}`).toBe(false)
    }
  }
}

// the body lines of a PEM private key: 64 base64 characters each
const keyLines = (pem: string): string[] => pem.split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l))

// ------------------------------------------------------------------------------------------------ every command

// the commands run in any order; the report.md check reads the bundles they all wrote, so it comes after them
describe('every command with every debug switch leaks no planted secret', {shuffle: false}, () => {
  let sandbox: CliSandbox
  let tlsServer: RedisServer
  const ca = createCa('hostile-secrets CA')
  const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1']})
  const out = join(work, 'out')
  // the CA file an operator might have built carelessly: the CA's private key pasted below its certificate
  const caWithKey = join(work, 'ca-with-key.pem')
  const tlsPassword = randomBytes(32).toString('base64')
  let secrets: string[]

  beforeAll(async () => {
    mkdirSync(out, {recursive: true})
    writeFileSync(caWithKey, `${ca.cert}\n${ca.key}\n`)
    tlsServer = await startRedisServer({password: tlsPassword, tls: {cert: leaf.cert, key: leaf.key, ca: ca.cert}})
    // westus2 speaks TLS with a certificate from the private CA; northeurope is down (for the real force-unlink)
    sandbox = await startCliSandbox({
      down: [2],
      world: (world: World) => {
        const db = world.databases[0]
        // the server's certificate names localhost
        world.clusters[0].hostName = 'localhost'
        db.properties.port = tlsServer.port
        db.properties.clientProtocol = 'Encrypted'
        db.keys = {primaryKey: tlsPassword, secondaryKey: randomBytes(32).toString('base64')}
      },
    })
    secrets = [
      tlsPassword,
      ...sandbox.keys.flatMap((k) => [k.primaryKey, k.secondaryKey]),
      sandbox.emulator.token,
      ...keyLines(ca.key),
      ...keyLines(leaf.key),
      URL_PASSWORD,
    ]
  }, 60_000)

  afterAll(async () => {
    await Promise.all([sandbox?.stop(), tlsServer?.stop()])
  })

  /** Runs the command with every debug switch; stdout is not searched when it holds the keys the operator asked for. */
  async function leakFree(args: string[], expectCode: number | number[], options: {stdoutHoldsKeys?: boolean} = {}): Promise<CliResult> {
    const before = new Set(filesUnder(out).map((f) => f.path))
    const r = await runCli(args, {env: {...sandbox.env, ...DEBUG_ENV}, timeoutMs: CLI_MS})
    expect([expectCode].flat(), `${args.join(' ')}: exit ${r.code}\n${r.stderr.slice(-2000)}`).toContain(r.code)
    const written = filesUnder(out).filter((f) => !before.has(f.path))
    // the debug switches did print: this is not a quiet run that leaks nothing because it says nothing
    expect(r.stderr.length).toBeGreaterThan(1000)
    expectNoSecret(
      [
        {name: 'stderr', text: r.stderr},
        ...(options.stdoutHoldsKeys ? [] : [{name: 'stdout', text: r.stdout}]),
        ...written.map((f) => ({name: f.path, text: f.text})),
      ],
      secrets,
    )
    return r
  }

  const ca_ = () => ['--ca', caWithKey]

  describe('each command', {shuffle: true}, () => {
    hostile('inventory', async () => {
      await leakFree(['inventory', '--json'], 0)
    })

    hostile('group show', async () => {
      await leakFree(['group', 'show', NICK], [0, 1])
    })

    hostile('probe --canary (TLS with a private CA, passwords, a member down)', async () => {
      const r = await leakFree(['probe', '--group', NICK, '--canary', ...ca_(), '--json'], 1)
      const members = JSON.parse(r.stdout).members as {reachable: boolean}[]
      expect(members.filter((m) => m.reachable)).toHaveLength(2)
      // the key pasted into the CA file was dropped, and said so
      expect(r.stderr).toContain('also holds a private key: only its certificates are used')
    })

    hostile('capacity', async () => {
      await leakFree(['capacity', '--group', NICK, ...ca_()], [0, 1])
    })

    hostile('endpoints export (no keys)', async () => {
      await leakFree(['endpoints', 'export', '--group', NICK, '--format', 'env'], [0, 1])
    })

    hostile('endpoints export --include-keys: the keys asked for reach stdout unmasked, and nothing else leaks', async () => {
      const r = await leakFree(['endpoints', 'export', '--group', NICK, '--format', 'json', '--include-keys'], [0, 1], {stdoutHoldsKeys: true})
      expect(r.stdout).toContain(tlsPassword)
      expect(r.stdout).toContain(sandbox.keys[1].primaryKey)
      expect(r.stdout).not.toContain(sandbox.emulator.token)
    })

    hostile('endpoints export --format redis-py (client failover, no keys): references only', async () => {
      const r = await leakFree(['endpoints', 'export', '--group', NICK, '--format', 'redis-py', '--client-auth', 'secret-store'], [0, 1])
      expect(r.stdout).toMatch(/read_secret\("sandbox-geo-[a-z0-9]+-key"\)/)
    })

    hostile('endpoints export --format jedis --include-keys: the keys asked for reach stdout unmasked, and nothing else leaks', async () => {
      const r = await leakFree(['endpoints', 'export', '--group', NICK, '--format', 'jedis', '--include-keys'], [0, 1], {stdoutHoldsKeys: true})
      expect(r.stdout).toContain(JSON.stringify(sandbox.keys[1].primaryKey))
      expect(r.stdout).not.toContain(sandbox.emulator.token)
    })

    hostile('check --probe', async () => {
      await leakFree(['check', '--group', NICK, '--probe', ...ca_()], [0, 1])
    })

    hostile('check --canary --format junit --out', async () => {
      const file = join(out, 'check.xml')
      await leakFree(['check', '--group', NICK, '--canary', ...ca_(), '--format', 'junit', '--out', file], [0, 1])
      expect(readFileSync(file, 'utf8')).toMatch(/^<\?xml/)
    })

    hostile('force-unlink --dry-run', async () => {
      await leakFree(['force-unlink', '--group', NICK, '--member', 'northeurope', '--dry-run', ...ca_(), '--evidence-dir', out, '--reason', REASON], 0)
    })

    hostile('flush --dry-run', async () => {
      await leakFree(['flush', '--group', NICK, '--dry-run', ...ca_(), '--evidence-dir', out, '--reason', REASON], [0, 2])
    })

    hostile('force-unlink for real, then force-link --dry-run', async () => {
      const r = await leakFree(['force-unlink', '--group', NICK, '--member', 'northeurope', '--yes', '--confirm', NICK, ...ca_(), '--evidence-dir', out, '--reason', REASON, '--json'], 0)
      expect(JSON.parse(r.stdout).outcome).toBe('succeeded')
      await leakFree(['force-link', '--group', NICK, '--member', 'northeurope', '--dry-run', '--skip-probe', '--evidence-dir', out, '--reason', REASON], [0, 2])
    })

    hostile('evidence capture --probe, then evidence verify', async () => {
      const r = await leakFree(['evidence', 'capture', '--group', NICK, '--probe', ...ca_(), '--out', out, '--reason', REASON, '--json'], 0)
      const {dir} = JSON.parse(r.stdout).evidence
      await leakFree(['evidence', 'verify', dir], 0)
    })
  })

  hostile('no report.md in any bundle carries the password of the URL in --reason', async () => {
    const reports = filesUnder(out).filter((f) => f.path.endsWith('report.md'))
    expect(reports.length).toBeGreaterThanOrEqual(4)
    for (const report of reports) expect(report.text).toContain('https://ops:[redacted]@tickets.example/INC-1234')
  })
})

// ------------------------------------------------------------------------------------------------ audiences

/** A TLS "Redis" on loopback that records every connection and every byte, and answers +OK to AUTH. */
async function recordingListener(ca: {cert: string; key: string}): Promise<{port: number; connections: number; received: () => string; close: () => Promise<void>}> {
  const leaf = createLeaf(ca, {hosts: ['localhost', '127.0.0.1']})
  const context = createSecureContext({cert: leaf.cert, key: leaf.key})
  const chunks: Buffer[] = []
  const sockets = new Set<Socket>()
  const state = {connections: 0}
  const server: Server = createServer((raw) => {
    state.connections++
    sockets.add(raw)
    raw.on('close', () => sockets.delete(raw))
    raw.on('data', (d: Buffer) => chunks.push(d))
    const socket = new TLSSocket(raw, {isServer: true, secureContext: context})
    socket.on('error', () => {})
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      socket.write(/auth/i.test(d.toString()) ? '+OK\r\n' : '-ERR recorded\r\n')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as {port: number}).port
  return {
    port,
    get connections() {
      return state.connections
    },
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

const jwt = (claims: Record<string, unknown>) =>
  [{alg: 'none', typ: 'JWT'}, claims, ''].map((p) => (typeof p === 'string' ? p : Buffer.from(JSON.stringify(p)).toString('base64url'))).join('.')

describe('each credential only for its audience', () => {
  let sandbox: CliSandbox
  let listener: Awaited<ReturnType<typeof recordingListener>>
  const ca = createCa('audience CA')
  const caPath = join(work, 'audience-ca.pem')
  const redisToken = jwt({aud: 'https://redis.azure.com', oid: '11111111-2222-3333-4444-555555555555', nonce: randomBytes(16).toString('hex')})

  beforeAll(async () => {
    writeFileSync(caPath, ca.cert)
    listener = await recordingListener(ca)
    // westus2 has access keys disabled and answers on the recording listener; eastus is an ordinary member
    sandbox = await startCliSandbox({
      members: 2,
      world: (world: World) => {
        const db = world.databases[0]
        // the server's certificate names localhost
        world.clusters[0].hostName = 'localhost'
        db.properties.port = listener.port
        db.properties.clientProtocol = 'Encrypted'
        db.properties.accessKeysAuthentication = 'Disabled'
      },
    })
  }, 60_000)

  afterAll(async () => {
    await Promise.all([sandbox?.stop(), listener?.close()])
  })

  const probe = (auth: string, env: Record<string, string | undefined> = {}) =>
    runCli(['probe', '--group', NICK, '--auth', auth, '--ca', caPath, '--json'], {env: {...sandbox.env, ...env}, timeoutMs: CLI_MS})

  // each case counts the listener's connections from its own start: the cases share the listener, in any order
  hostile('--auth entra with only GEO_REDIS_ACCESS_TOKEN: exit 2 before any request, nothing reaches Redis', async () => {
    const connections = listener.connections
    const requests = sandbox.emulator.requests.length
    const r = await probe('entra')
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error).toMatchObject({code: 'EntraTokenUnavailable', exitCode: 2})
    expect(JSON.parse(r.stdout).error.message).toMatch(/GEO_REDIS_REDIS_TOKEN/)
    expect(sandbox.emulator.requests.length).toBe(requests)
    expect(listener.connections).toBe(connections)
  })

  hostile('--auth entra with only a profile token: exit 2, nothing reaches Redis', async () => {
    const connections = listener.connections
    const home = join(work, 'profile-home')
    mkdirSync(home, {recursive: true})
    writeFileSync(join(home, 'profiles.json'), JSON.stringify({profiles: {ops: {armEndpoint: sandbox.emulator.url, accessToken: sandbox.emulator.token}}}))
    const r = await runCli(['probe', '--group', NICK, '--profile', 'ops', '--auth', 'entra', '--json'], {
      env: {...sandbox.env, GEO_REDIS_HOME: home, GEO_REDIS_ARM_ENDPOINT: undefined, GEO_REDIS_ACCESS_TOKEN: undefined},
      timeoutMs: CLI_MS,
    })
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error.code).toBe('EntraTokenUnavailable')
    expect(listener.connections).toBe(connections)
  })

  hostile('--auth auto never falls back to the ARM token: the keys-disabled member fails with an auth cause saying what to set', async () => {
    const connections = listener.connections
    const r = await probe('auto')
    expect(r.code).toBe(1)
    const members = JSON.parse(r.stdout).members as {id: string; reachable: boolean; error: {kind: string; message: string} | null}[]
    const disabled = members.find((m) => m.id === sandbox.ids[0])!
    expect(disabled.error?.kind).toBe('auth')
    expect(disabled.error?.message).toMatch(/GEO_REDIS_REDIS_TOKEN/)
    expect(members.find((m) => m.id === sandbox.ids[1])!.reachable).toBe(true)
    expect(listener.connections).toBe(connections)
    expect(r.stdout + r.stderr).not.toContain(sandbox.emulator.token)
  })

  hostile('with GEO_REDIS_REDIS_TOKEN, Redis gets that token and its oid, never the ARM token', async () => {
    const connections = listener.connections
    const r = await probe('auto', {GEO_REDIS_REDIS_TOKEN: redisToken})
    expect([0, 1]).toContain(r.code)
    expect(listener.connections).toBeGreaterThan(connections)
    const seen = listener.received()
    expect(seen).toContain(redisToken)
    expect(seen).toContain('11111111-2222-3333-4444-555555555555')
    expect(seen).not.toContain(sandbox.emulator.token)
    expect(r.stdout + r.stderr).not.toContain(redisToken.split('.')[1])
  })
})

// ------------------------------------------------------------------------------------------------ TLS

describe('TLS verification cannot be switched off by the environment', () => {
  let sandbox: CliSandbox
  let untrusted: RedisServer
  const other = createCa('a CA nobody trusts')
  const password = randomBytes(24).toString('base64')

  beforeAll(async () => {
    untrusted = await startRedisServer({password, tls: {...createLeaf(other, {hosts: ['localhost', '127.0.0.1']}), ca: other.cert}})
    sandbox = await startCliSandbox({
      members: 2,
      world: (world: World) => {
        const db = world.databases[0]
        // the server's certificate names localhost
        world.clusters[0].hostName = 'localhost'
        db.properties.port = untrusted.port
        db.properties.clientProtocol = 'Encrypted'
        db.keys = {primaryKey: password, secondaryKey: `${password}-2`}
      },
    })
  }, 60_000)

  afterAll(async () => {
    await Promise.all([sandbox?.stop(), untrusted?.stop()])
  })

  hostile('ARM with an untrusted certificate and NODE_TLS_REJECT_UNAUTHORIZED=0: refused, with a warning and how to trust a private CA', async () => {
    const r = await runCli(['inventory', '--json'], {env: {...sandbox.env, NODE_EXTRA_CA_CERTS: undefined, NODE_TLS_REJECT_UNAUTHORIZED: '0'}, timeoutMs: CLI_MS})
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('NODE_TLS_REJECT_UNAUTHORIZED=0 is ignored')
    const {error} = JSON.parse(r.stdout)
    expect(error.code).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/)
    expect(error.suggestion).toMatch(/NODE_EXTRA_CA_CERTS.*--ca-path/)
  })

  hostile('Redis with an untrusted certificate and NODE_TLS_REJECT_UNAUTHORIZED=0: refused, saying to pass --ca', async () => {
    const r = await runCli(['probe', '--group', NICK, '--json'], {env: {...sandbox.env, NODE_TLS_REJECT_UNAUTHORIZED: '0'}, timeoutMs: CLI_MS})
    expect(r.code).toBe(1)
    const member = (JSON.parse(r.stdout).members as {id: string; error: {kind: string; message: string} | null}[]).find((m) => m.id === sandbox.ids[0])!
    expect(member.error?.kind).toBe('tls')
    expect(member.error?.message).toMatch(/--ca <ca\.pem>/)
    expect(r.stdout + r.stderr).not.toContain(password)
  })
})

// ------------------------------------------------------------------------------------------------ bounded input

describe('files are read only when regular and bounded', () => {
  let sandbox: CliSandbox
  const fifo = join(work, 'a-fifo')
  const big = join(work, 'big.pem')
  const started = () => performance.now()

  beforeAll(async () => {
    sandbox = await startCliSandbox({members: 2})
    execFileSync('mkfifo', [fifo])
    writeFileSync(big, `-----BEGIN CERTIFICATE-----\n${'A'.repeat(5 * 1024 * 1024)}\n-----END CERTIFICATE-----\n`)
  }, 60_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  it.each([
    ['/dev/zero', /--ca \/dev\/zero is a character device, not a regular file/],
    [fifo, /is a named pipe \(FIFO\), not a regular file/],
    [work, /is a folder, not a regular file/],
    [big, /is 5 MB, more than the 4 MB such a file can be/],
  ])('--ca %s: exit 2 at once, before any request', async (path, message) => {
    tally.tried++
    const requests = sandbox.emulator.requests.length
    const t = started()
    const r = await runCli(['probe', '--group', NICK, '--ca', path], {env: sandbox.env, timeoutMs: 15_000})
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(performance.now() - t).toBeLessThan(10_000)
    expect(sandbox.emulator.requests.length).toBe(requests)
    tally.handled++
  })

  hostile("a profile whose CA is /dev/zero, and a profiles.json that is a FIFO: exit 2, no hang", async () => {
    const home = join(work, 'bad-profile-home')
    mkdirSync(home, {recursive: true})
    writeFileSync(join(home, 'profiles.json'), JSON.stringify({profiles: {zero: {armEndpoint: sandbox.emulator.url, caPath: '/dev/zero'}}}))
    const zero = await runCli(['inventory', '--profile', 'zero'], {env: {...sandbox.env, GEO_REDIS_HOME: home}, timeoutMs: 15_000})
    expect(zero.code).toBe(2)
    expect(zero.stderr).toContain('/dev/zero')
    expect(zero.stderr).toContain('character device')

    const fifoHome = join(work, 'fifo-home')
    mkdirSync(fifoHome, {recursive: true})
    execFileSync('mkfifo', [join(fifoHome, 'profiles.json')])
    const piped = await runCli(['inventory', '--profile', 'any'], {env: {...sandbox.env, GEO_REDIS_HOME: fifoHome}, timeoutMs: 15_000})
    expect(piped.code).toBe(2)
    expect(piped.stderr).toMatch(/profiles\.json is a named pipe/)
  })

  describe('evidence verify reads only regular files inside the bundle, bounded in size and time', () => {
    let bundle: string
    const fresh = async (): Promise<string> => {
      const r = await runCli(['evidence', 'capture', '--group', NICK, '--out', join(work, 'bundles'), '--json'], {env: sandbox.env, timeoutMs: CLI_MS})
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout).evidence.dir as string
    }
    const verify = (dir: string, ...extra: string[]) => runCli(['evidence', 'verify', dir, '--json', ...extra], {env: sandbox.env, timeoutMs: 30_000})
    const statuses = (r: CliResult) => Object.fromEntries((JSON.parse(r.stdout).files as {name: string; status: string}[]).map((f) => [f.name, f.status]))

    beforeAll(async () => {
      bundle = await fresh()
    }, 60_000)

    hostile('a FIFO where report.md was, and another beside it: modified and unexpected, no hang', async () => {
      const dir = await fresh()
      rmSync(join(dir, 'report.md'))
      execFileSync('mkfifo', [join(dir, 'report.md'), join(dir, 'extra-pipe')])
      const r = await verify(dir)
      expect(r.code).toBe(1)
      expect(statuses(r)).toMatchObject({'report.md': 'modified', 'extra-pipe': 'unexpected'})
    })

    hostile('a listed file replaced by a symlink out of the bundle, even to identical bytes: modified', async () => {
      const dir = await fresh()
      const outside = join(work, 'outside-before.json')
      writeFileSync(outside, readFileSync(join(dir, 'before.json')))
      rmSync(join(dir, 'before.json'))
      symlinkSync(outside, join(dir, 'before.json'))
      const r = await verify(dir)
      expect(r.code).toBe(1)
      expect(statuses(r)['before.json']).toBe('modified')
    })

    hostile('a listed file replaced by a symlink to /dev/zero: modified, read never', async () => {
      const dir = await fresh()
      rmSync(join(dir, 'report.md'))
      symlinkSync('/dev/zero', join(dir, 'report.md'))
      const r = await verify(dir)
      expect(r.code).toBe(1)
      expect(statuses(r)['report.md']).toBe('modified')
    })

    hostile('manifest.json as a symlink, or a 600 MB file: a clear invalid-manifest error, exit 1, in seconds', async () => {
      const linked = await fresh()
      const moved = join(work, 'moved-manifest.json')
      writeFileSync(moved, readFileSync(join(linked, 'manifest.json')))
      rmSync(join(linked, 'manifest.json'))
      symlinkSync(moved, join(linked, 'manifest.json'))
      const l = await verify(linked)
      expect(l.code).toBe(1)
      expect(JSON.parse(l.stdout).error).toMatchObject({code: 'EvidenceManifestInvalid'})
      expect(JSON.parse(l.stdout).error.message).toMatch(/it is a symbolic link, not a regular file/)

      const huge = await fresh()
      // sparse: 600 MB long, no disk used
      truncateSync(join(huge, 'manifest.json'), 600 * 1024 * 1024)
      const t = started()
      const h = await verify(huge)
      expect(h.code).toBe(1)
      expect(JSON.parse(h.stdout).error.message).toMatch(/600 MB.*1 MB/)
      expect(performance.now() - t).toBeLessThan(10_000)
    })

    hostile('a manifest listing a file of a terabyte: invalid, nothing read', async () => {
      const dir = await fresh()
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
      manifest.files[0].bytes = 1024 ** 4
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest))
      const r = await verify(dir)
      expect(r.code).toBe(1)
      expect(JSON.parse(r.stdout).error.message).toContain('1048576 MB')
    })

    hostile('the digest anchors the bundle: a consistent rewrite of report.md and the manifest passes alone and fails --expect', async () => {
      const first = await verify(bundle)
      expect(first.code).toBe(0)
      const {digest} = JSON.parse(first.stdout)
      expect(digest).toBe(createHash('sha256').update(readFileSync(join(bundle, 'manifest.json'))).digest('hex'))
      expect(JSON.parse((await verify(bundle, '--expect', digest.toUpperCase())).stdout)).toMatchObject({digestMatches: true})

      // the forger rewrites the report and, consistently, its hash and size in the manifest
      const forged = Buffer.from('# geo-redis evidence: nothing happened here\n')
      writeFileSync(join(bundle, 'report.md'), forged)
      const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8'))
      const entry = manifest.files.find((f: {name: string}) => f.name === 'report.md')
      Object.assign(entry, {sha256: createHash('sha256').update(forged).digest('hex'), bytes: forged.length})
      writeFileSync(join(bundle, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`)

      // a manifest alone proves only that the files match it
      expect((await verify(bundle)).code).toBe(0)
      const anchored = await verify(bundle, '--expect', digest)
      expect(anchored.code).toBe(1)
      expect(JSON.parse(anchored.stdout)).toMatchObject({intact: true, digestMatches: false, expectedDigest: digest})
      const human = await runCli(['evidence', 'verify', bundle, '--expect', digest], {env: sandbox.env, timeoutMs: 30_000})
      expect(human.stdout).toContain('not the bundle recorded')

      const bad = await verify(bundle, '--expect', 'abc')
      expect(bad.code).toBe(2)
      expect(JSON.parse(bad.stdout).error.code).toBe('EvidenceDigestInvalid')
    })
  })
})

// ------------------------------------------------------------------------------------------------ values on a terminal

describe('values cannot act on the terminal or the report', () => {
  let sandbox: CliSandbox
  const escape = '\x1b]0;pwned\x07\x1b[2J\x1b[1A\x9b2J'
  const nickname = `geo${escape}evil`

  beforeAll(async () => {
    sandbox = await startCliSandbox({
      members: 2,
      down: [1],
      world: (world: World) => {
        for (const db of world.databases.slice(0, 2)) db.properties.geoReplication!.groupNickname = nickname
      },
    })
  }, 60_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  const controls = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/

  hostile('a nickname from ARM with escape sequences: shown plain in tables, errors and progress', async () => {
    const shown = await runCli(['inventory'], {env: {...sandbox.env, NO_COLOR: '1'}, timeoutMs: CLI_MS})
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toContain('geoevil')
    expect(controls.test(shown.stdout + shown.stderr)).toBe(false)
  })

  hostile('--reason with escape sequences: report.md and the terminal get plain text', async () => {
    const dir = join(work, 'escape-evidence')
    const r = await runCli(
      ['force-unlink', '--group', nickname, '--member', 'eastus', '--dry-run', '--skip-probe', '--force', '--evidence-dir', dir, '--reason', `outage${escape}now`],
      {env: sandbox.env, timeoutMs: CLI_MS},
    )
    expect(r.code, r.stderr).toBe(0)
    expect(controls.test(r.stdout + r.stderr)).toBe(false)
    const report = filesUnder(dir).find((f) => f.path.endsWith('report.md'))!.text
    expect(report).toContain('- Reason: outagenow')
    expect(controls.test(report)).toBe(false)
  })
})

// ------------------------------------------------------------------------------------------------ sign-in and URLs

describe('a failed sign-in says what to do', () => {
  let sandbox: CliSandbox
  let closedPort: number
  const emptyPath = join(work, 'empty-path')

  beforeAll(async () => {
    mkdirSync(emptyPath, {recursive: true})
    sandbox = await startCliSandbox({members: 2})
    // a port nothing listens on, on loopback: the managed-identity endpoint of this "machine"
    const probe = createServer().listen(0, '127.0.0.1')
    await once(probe, 'listening')
    closedPort = (probe.address() as {port: number}).port
    await new Promise((resolve) => probe.close(resolve))
  }, 60_000)

  afterAll(async () => {
    await sandbox?.stop()
  })

  // no ready token: DefaultAzureCredential tries the environment, a managed identity on loopback, az (not on PATH)
  const noSignIn = () => ({
    ...sandbox.env,
    GEO_REDIS_ACCESS_TOKEN: undefined,
    AZURE_CLIENT_ID: undefined,
    AZURE_TENANT_ID: undefined,
    AZURE_CLIENT_SECRET: undefined,
    IDENTITY_ENDPOINT: `http://127.0.0.1:${closedPort}/msi/token`,
    IDENTITY_HEADER: 'x',
    GEO_REDIS_TOKEN_TIMEOUT_MS: '4000',
    PATH: emptyPath,
  })

  hostile('exit 2 with its Try line, in text and in --json, before any ARM request', async () => {
    const requests = sandbox.emulator.requests.length
    const text = await runCli(['inventory'], {env: noSignIn(), timeoutMs: CLI_MS})
    expect(text.code).toBe(2)
    expect(text.stderr).toMatch(/^Error: cannot get an Azure token/m)
    expect(text.stderr).toMatch(/^Try: sign in with `az login`.*AZURE_CLIENT_SECRET.*GEO_REDIS_ACCESS_TOKEN.*sandbox up/m)
    const json = await runCli(['inventory', '--json'], {env: noSignIn(), timeoutMs: CLI_MS})
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout).error).toMatchObject({code: 'CredentialUnavailable', exitCode: 2, suggestion: expect.stringMatching(/az login/)})
    expect(sandbox.emulator.requests.length).toBe(requests)
  })

  hostile('check --format junit --out still writes its file: one failing testcase saying why the run could not start', async () => {
    const file = join(work, 'signin-check.xml')
    const r = await runCli(['check', '--format', 'junit', '--out', file], {env: noSignIn(), timeoutMs: CLI_MS})
    expect(r.code).toBe(2)
    const xml = readFileSync(file, 'utf8')
    expect(xml).toMatch(/<testsuites name="geo-redis" tests="1" failures="1" errors="0" skipped="0"/)
    expect(xml).toMatch(/<testcase classname="run" name="run · could not start">\s*<failure message="could not start: cannot get an Azure token[^"]*" type="CredentialUnavailable">[^<]*Try: sign in with `az login`/)
  })

  hostile('a password inside --arm-endpoint or GEO_REDIS_ARM_ENDPOINT: exit 2, never echoed', async () => {
    const url = `https://ops:${URL_PASSWORD}@127.0.0.1:1`
    for (const r of [
      await runCli(['inventory', '--arm-endpoint', url], {env: sandbox.env, timeoutMs: CLI_MS}),
      await runCli(['inventory', '--arm-endpoint', `${url}/x y`, '--json'], {env: sandbox.env, timeoutMs: CLI_MS}),
      await runCli(['inventory'], {env: {...sandbox.env, GEO_REDIS_ARM_ENDPOINT: url}, timeoutMs: CLI_MS}),
    ]) {
      expect(r.code).toBe(2)
      expect(r.stdout + r.stderr).toMatch(/must not carry a user name or password/)
      expect(r.stdout + r.stderr).not.toContain(URL_PASSWORD)
    }
  })
})

describe('the sandbox under debug switches', () => {
  let home: string
  afterAll(async () => {
    if (home) await runCli(['sandbox', 'down'], {env: {GEO_REDIS_HOME: home}, timeoutMs: 60_000})
  })

  hostile('sandbox up, status, outage, restore and down leak neither keys nor the sandbox token', async () => {
    home = join(work, 'sandbox-home')
    const env = {GEO_REDIS_HOME: home, ...DEBUG_ENV}
    const runs = [
      await runCli(['sandbox', 'up', '--members', '2'], {env, timeoutMs: 60_000}),
      await runCli(['sandbox', 'status'], {env, timeoutMs: 30_000}),
      await runCli(['sandbox', 'outage', 'East US'], {env, timeoutMs: 30_000}),
      await runCli(['sandbox', 'restore'], {env, timeoutMs: 30_000}),
      await runCli(['probe', '--profile', 'sandbox'], {env, timeoutMs: 30_000}),
    ]
    const world = JSON.parse(readFileSync(join(home, 'sandbox', 'world.json'), 'utf8')) as World
    const token = readFileSync(join(home, 'sandbox', 'token'), 'utf8').trim()
    expect(runs[0].code, runs[0].stderr.slice(-2000)).toBe(0)
    const down = await runCli(['sandbox', 'down'], {env, timeoutMs: 60_000})
    expect(down.code).toBe(0)
    home = ''
    expect(statSync(join(work, 'sandbox-home')).isDirectory()).toBe(true)
    expectNoSecret(
      [...runs, down].flatMap((r, i) => [
        {name: `run ${i} stdout`, text: r.stdout},
        {name: `run ${i} stderr`, text: r.stderr},
      ]),
      [...world.databases.flatMap((d) => [d.keys.primaryKey, d.keys.secondaryKey]), token],
    )
  }, 180_000)
})
