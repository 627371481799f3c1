// Hostile and mistaken input through the real binary, against the ARM emulator: every case must end with exit 2, an
// "Error:" line and a "Try:" line that says what to do, no stack trace and no internal message, and no request at
// all (the emulator's request log is unchanged). Output paths, usage errors, profiles, numeric flags and waits.
// The suite prints how many cases it tried and how many were handled.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {sandboxWorld} from '../../src/sandbox/emulator/scenarios.js'
import {startTestEmulator, type TestEmulator} from '../helpers/emulator.js'
import {readOnlyFolder} from '../helpers/read-only.js'
import {emulatorEnv, runCli, type CliResult} from '../helpers/run-cli.js'

const CLI_MS = 15_000

const dir = mkdtempSync(join(tmpdir(), 'geo-redis-hostile-'))
/** each case has its own GEO_REDIS_HOME, so cases run side by side */
const homes: string[] = []
const file = join(dir, 'a-file')
const fifo = join(dir, 'a-fifo')
const notPem = join(dir, 'not-a-cert.txt')
const locked = readOnlyFolder(join(dir, 'locked'))
let emulator: TestEmulator
const tally = {tried: 0, handled: 0}

beforeAll(async () => {
  writeFileSync(file, 'x')
  writeFileSync(notPem, 'hello')
  execFileSync('mkfifo', [fifo])
  emulator = await startTestEmulator(sandboxWorld({members: 3, plaintext: true}))
})

afterAll(async () => {
  // nothing here should have started a sandbox; if a case did, it is stopped before its home goes
  for (const home of homes.filter((h) => readdirSync(h).includes('sandbox'))) {
    await runCli(['sandbox', 'down'], {env: {GEO_REDIS_HOME: home}, timeoutMs: 30_000}).catch(() => undefined)
  }
  await emulator?.stop()
  locked?.release()
  rmSync(dir, {recursive: true, force: true})
  console.log(`hostile input: ${tally.tried} cases tried, ${tally.handled} handled (exit 2, an error and what to do, no internals, no request sent)`)
})

interface Case {
  args: string[]
  /** the error message must match */
  error: RegExp
  env?: Record<string, string | undefined>
  /** profiles.json content to write first */
  profiles?: string
}

function newHome(): string {
  const home = mkdtempSync(join(dir, 'home-'))
  homes.push(home)
  return home
}

function env(home: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {...emulatorEnv(emulator), GEO_REDIS_HOME: home, GEO_REDIS_PROFILE: undefined, AZURE_SUBSCRIPTION_ID: undefined, ...extra}
}

const goodProfiles = () => JSON.stringify({profiles: {emu: {armEndpoint: emulator.url, accessToken: emulator.token, caPath: emulator.caPath}}})

/** Runs one case and checks everything a handled bad input must be; counts it. */
async function hostile(c: Case): Promise<CliResult & {home: string}> {
  tally.tried += 1
  const home = newHome()
  if (c.profiles !== undefined) writeFileSync(join(home, 'profiles.json'), c.profiles)
  // no case may send a request: one sent by any case running beside this one fails it too, which is still a failure
  const before = emulator.requests.length
  const r = await runCli(c.args, {env: env(home, c.env), timeoutMs: CLI_MS})
  const said = `${r.stdout}\n${r.stderr}`
  expect(r.code, said).toBe(2)
  expect(r.stderr).toMatch(/^Error: /m)
  expect(r.stderr.match(/^Error: (.*)$/m)?.[1]).toMatch(c.error)
  expect(r.stderr, 'a line that says what to do').toMatch(/^Try: \S.+/m)
  expect(said, 'no stack trace').not.toMatch(/^\s+at .+(:\d+:\d+\)?|\(native\))$/m)
  expect(said, 'no internal message').not.toMatch(/TypeError|ReferenceError|SyntaxError|RangeError|Cannot read propert|is not a function|\bundefined\b|\[object Object\]|node:internal|ERR_[A-Z_]+|\bE(NOENT|ACCES|ISDIR|NOTDIR|PERM|ROFS|EXIST)\b/)
  expect(emulator.requests.length, `requests sent by geo-redis ${c.args.join(' ')}`).toBe(before)
  tally.handled += 1
  return {...r, home}
}

const GUARDED = ['force-unlink', '--group', 'sandbox-geo', '--member', 'northeurope', '--dry-run']

// the cases run in any order; "afterwards" reads the homes they all used, so it comes after them
describe('hostile input', {shuffle: false}, () => {
  describe('each case', {shuffle: true}, () => {
    describe.concurrent('hostile input: output folders and files are checked before any request', () => {
      it.each<[string, Case]>([
        ['--evidence-dir under /proc (used to hang)', {args: [...GUARDED, '--evidence-dir', '/proc/x'], error: /under \/proc/}],
        ['--evidence-dir under /sys', {args: ['flush', '--group', 'sandbox-geo', '--dry-run', '--evidence-dir', '/sys/x'], error: /under \/sys/}],
        ['--evidence-dir a device', {args: ['force-link', '--group', 'sandbox-geo', '--member', 'eastus', '--dry-run', '--evidence-dir', '/dev/null'], error: /is a device/}],
        ['--evidence-dir a file', {args: [...GUARDED, '--evidence-dir', file], error: /is a file, not a folder/}],
        ['--evidence-dir under a file', {args: [...GUARDED, '--evidence-dir', join(file, 'sub')], error: /cannot be created/}],
        ['--evidence-dir a FIFO', {args: [...GUARDED, '--evidence-dir', fifo], error: /is a FIFO/}],
        ['--evidence-dir empty', {args: [...GUARDED, '--evidence-dir', ''], error: /--evidence-dir is empty/}],
        ['--evidence-dir with consent given', {args: ['force-unlink', '--group', 'sandbox-geo', '--member', 'northeurope', '--yes', '--confirm', 'sandbox-geo', '--evidence-dir', '/proc/1/x'], error: /under \/proc/}],
        ['capture --out under /proc', {args: ['evidence', 'capture', '--group', 'sandbox-geo', '--out', '/proc/x'], error: /under \/proc/}],
        ['capture --out /dev/zero', {args: ['evidence', 'capture', '--group', 'sandbox-geo', '--out', '/dev/zero'], error: /is a device/}],
        ['capture --out a file', {args: ['evidence', 'capture', '--group', 'sandbox-geo', '--out', file], error: /is a file, not a folder/}],
        ['check --out a device', {args: ['check', '--out', '/dev/null'], error: /is a device, not a regular file/}],
        ['check --out in a missing folder', {args: ['check', '--out', join(dir, 'missing', 'r.xml')], error: /in a folder that does not exist/}],
        ['check --out under /proc', {args: ['check', '--out', '/proc/x.xml'], error: /under \/proc/}],
        ['check --out a FIFO', {args: ['check', '--format', 'junit', '--out', fifo], error: /is a FIFO/}],
        ['check --out ending in a slash', {args: ['check', '--out', `${dir}/r/`], error: /ends with a slash/}],
        ['check --out under a file', {args: ['check', '--out', join(file, 'r.xml')], error: /which is a file, not a folder/}],
      ])('%s', async (_name, c) => {
        await hostile(c)
      })

      it('check --out /tmp: a folder where a file is wanted, and no temp file in /', async () => {
        const temps = () => readdirSync('/').filter((f) => f.startsWith('.'))
        const before = temps()
        const r = await hostile({args: ['check', '--format', 'junit', '--out', tmpdir()], error: /is a folder, and a file is wanted/})
        expect(r.stderr).toMatch(/Try: pass a file path, e\.g\. --out .*geo-redis-check\.xml/)
        expect(temps()).toEqual(before)
      })

      it.skipIf(!locked)('folders this user cannot write to', async () => {
        await hostile({args: [...GUARDED, '--evidence-dir', locked!.path], error: /cannot be written/})
        await hostile({args: ['evidence', 'capture', '--group', 'sandbox-geo', '--out', join(locked!.path, 'new')], error: /cannot be written/})
        await hostile({args: ['check', '--out', join(locked!.path, 'r.xml')], error: /cannot be written/})
      }, 3 * CLI_MS)
    })

    describe.concurrent('hostile input: usage errors', () => {
      it.each<[string, Case]>([
        ['a flag without its value', {args: ['inventory', '--profile'], error: /--profile expects a value/}],
        ['a numeric flag without its value', {args: ['probe', '--timeout-ms'], error: /--timeout-ms expects a value/}],
        ['an unknown command', {args: ['inventorx'], error: /unknown command "inventorx"/}],
        ['an unknown command in a topic', {args: ['sandbox', 'stauts'], error: /has no command "stauts"/}],
        ['an extra word after a command', {args: ['sandbox', 'up', 'extra'], error: /unexpected argument "extra"/}],
        ['an extra argument', {args: ['group', 'show', 'sandbox-geo', 'again'], error: /Unexpected argument: again/}],
        ['an extra argument to evidence verify', {args: ['evidence', 'verify', dir, 'again'], error: /Unexpected argument: again/}],
        ['a missing argument', {args: ['group', 'show'], error: /Missing 1 required arg/}],
        ['an unknown flag', {args: ['probe', '--tiemout-ms', '5'], error: /Nonexistent flag: --tiemout-ms/}],
        ['a flag before the command', {args: ['--profile', 'emu', 'inventory'], error: /--profile comes before any command/}],
        ['help for an unknown command', {args: ['help', 'nope'], error: /unknown command "nope"/}],
        ['a value outside the options', {args: ['inventory', '--format', 'xml'], error: /one of: table, json, csv, markdown/}],
        ['an empty value', {args: ['inventory', '--group', ''], error: /--group is empty/}],
        ['an empty subscription', {args: ['inventory', '--subscription', ''], error: /--subscription is empty/}],
      ])('%s', async (_name, c) => {
        await hostile(c)
      })

      it('did you mean: the closest command and flag', async () => {
        expect((await hostile({args: ['inventorx'], error: /unknown command/})).stderr).toMatch(/^Try: did you mean `geo-redis inventory`\?/m)
        expect((await hostile({args: ['sandbox', 'stauts'], error: /no command/})).stderr).toMatch(/^Try: did you mean `geo-redis sandbox status`\?/m)
        expect((await hostile({args: ['probe', '--tiemout-ms', '5'], error: /Nonexistent flag/})).stderr).toMatch(/^Try: did you mean --timeout-ms\?/m)
      }, 3 * CLI_MS)

      it('with --json the usage error is JSON on stdout, exit 2', async () => {
        const r = await runCli(['inventorx', '--json'], {env: env(newHome()), timeoutMs: CLI_MS})
        expect(r.code).toBe(2)
        expect(JSON.parse(r.stdout)).toEqual({error: expect.objectContaining({code: 'UnknownCommand', exitCode: 2, suggestion: expect.stringMatching(/inventory/)})})
      })
    })

    describe.concurrent('hostile input: profiles', () => {
      it.each<[string, Case]>([
        ['--profile empty', {args: ['inventory', '--profile', ''], error: /--profile is empty/, profiles: ''}],
        ['an unknown profile', {args: ['inventory', '--profile', 'nope'], error: /no profile named "nope"/}],
        ['--profile __proto__', {args: ['inventory', '--profile', '__proto__'], error: /no profile named "__proto__"/}],
        ['--profile constructor', {args: ['inventory', '--profile', 'constructor'], error: /no profile named "constructor"/}],
        ['--profile toString', {args: ['inventory', '--profile', 'toString'], error: /no profile named "toString"/}],
        ['GEO_REDIS_PROFILE unknown', {args: ['inventory'], env: {GEO_REDIS_PROFILE: 'nope'}, error: /no profile named "nope"/}],
        ['profiles.json not JSON', {args: ['inventory', '--profile', 'emu'], profiles: '{"profiles": {', error: /profiles\.json is not valid JSON/}],
        ['profiles.json a list', {args: ['inventory', '--profile', 'emu'], profiles: '[]', error: /profiles\.json is not a valid profiles file: the top level/}],
        ['a profile field of the wrong type', {args: ['inventory', '--profile', 'emu'], profiles: '{"profiles": {"emu": {"subscriptions": "x"}}}', error: /profiles\["emu"\]\.subscriptions must be a list/}],
        ['a profile field nobody knows', {args: ['probe', '--profile', 'emu'], profiles: '{"profiles": {"emu": {"armEndPoint": "https://x"}}}', error: /armEndPoint is not a known field/}],
        ['a profile with an unknown cloud', {args: ['capacity', '--profile', 'emu'], profiles: '{"profiles": {"emu": {"cloud": "Mars"}}}', error: /cloud must be one of/}],
        ['a profile host mapped to a name', {args: ['probe', '--profile', 'emu'], profiles: '{"profiles": {"emu": {"hosts": {"m1.eastus.redis.sandbox.geo-redis.test": "localhost"}}}}', error: /hosts\["m1\.eastus\.redis\.sandbox\.geo-redis\.test"\] must be an IPv4 or IPv6 address/}],
        ['a profile hosts map keyed by an address', {args: ['serve', '--profile', 'emu'], profiles: '{"profiles": {"emu": {"hosts": {"127.0.0.1": "127.0.0.2"}}}}', error: /hosts: "127\.0\.0\.1" is not a host name/}],
        ['a profile whose CA file is gone', {args: ['inventory', '--profile', 'emu'], profiles: '{"profiles": {"emu": {"armEndpoint": "https://127.0.0.1:9", "caPath": "/nonexistent/ca.pem"}}}', error: /CA file of profile "emu" .* does not exist/}],
        ['profile set --ca-path missing', {args: ['profile', 'set', 'p', '--ca-path', '/nonexistent/ca.pem'], error: /--ca-path .* does not exist/}],
        ['profile set --ca-path not a certificate', {args: ['profile', 'set', 'p', '--ca-path', notPem], error: /holds no PEM certificate/}],
        ['profile set --ca-path /dev/zero', {args: ['profile', 'set', 'p', '--ca-path', '/dev/zero'], error: /is a character device/}],
        ['profile set a bad name', {args: ['profile', 'set', 'a/b'], error: /profile name "a\/b" is not allowed/}],
        ['profile set an empty endpoint', {args: ['profile', 'set', 'p', '--arm-endpoint', ''], error: /--arm-endpoint is empty/}],
        ['profile delete a bad name', {args: ['profile', 'delete', '../x'], error: /is not allowed/}],
        ['profile list of a broken file', {args: ['profile', 'list'], profiles: '{"profiles": {"a": 1}}', error: /profiles\["a"\] must be an object/}],
      ])('%s', async (_name, c) => {
        const r = await hostile({profiles: c.profiles ?? goodProfiles(), ...c})
        // a broken file is named
        if (/profiles|must be|not a known field/.test(c.error.source)) expect(r.stderr).toContain(join(r.home, 'profiles.json'))
      })

      it('a broken profiles.json is never rewritten by a refused profile set', async () => {
        const broken = '{"profiles": {"emu": {"subscriptions": "x"}}}'
        const r = await hostile({args: ['profile', 'set', 'other', '--cloud', 'AzureCloud'], profiles: broken, error: /subscriptions must be a list/})
        expect(readFileSync(join(r.home, 'profiles.json'), 'utf8')).toBe(broken)
      })
    })

    describe.concurrent('hostile input: numbers and waits have a minimum and a maximum', () => {
      it.each<[string, Case]>([
        ['--timeout-ms beyond a Node timer', {args: ['probe', '--timeout-ms', '99999999999'], error: /less than or equal to 600000/}],
        ['--timeout-ms 0', {args: ['probe', '--timeout-ms', '0'], error: /greater than or equal to 1/}],
        ['--timeout-ms negative', {args: ['capacity', '--timeout-ms=-5'], error: /greater than or equal to 1/}],
        ['--timeout-ms in hex', {args: ['probe', '--timeout-ms', '0x10'], error: /Expected an integer/}],
        ['--max-lag-ms too large', {args: ['check', '--max-lag-ms', '99999999999'], error: /less than or equal to 600000/}],
        ['--samples too many', {args: ['probe', '--samples', '100000'], error: /less than or equal to 1000/}],
        ['--concurrency 0', {args: ['inventory', '--concurrency', '0'], error: /greater than or equal to 1/}],
        ['--concurrency too high', {args: ['inventory', '--concurrency', '1000'], error: /less than or equal to 64/}],
        ['--warn 0', {args: ['capacity', '--warn', '0'], error: /--warn 0 is out of range/}],
        ['--crit 100', {args: ['capacity', '--crit', '100'], error: /--crit 100 is out of range/}],
        // one threshold flag set: check holds --warn and --crit to the same range as capacity and the runbook
        ['check --crit 100', {args: ['check', '--probe', '--crit', '100'], error: /--crit 100 is out of range/}],
        ['check --warn 0', {args: ['check', '--warn', '0'], error: /--warn 0 is out of range/}],
        ['sandbox lag beyond a minute', {args: ['sandbox', 'lag', 'eastus', '60001'], error: /less than or equal to 60000/}],
        ['sandbox lag in hex', {args: ['sandbox', 'lag', 'eastus', '0x10'], error: /Expected an integer/}],
        ['sandbox load --rate 0', {args: ['sandbox', 'load', '--rate', '0', '--value-bytes', '1', '--duration', '1'], error: /greater than or equal to 1/}],
        ['sandbox load --value-bytes beyond 1 MiB', {args: ['sandbox', 'load', '--rate', '1', '--value-bytes', '1048577', '--duration', '1'], error: /less than or equal to 1048576/}],
        ['sandbox load over 1 GiB in total', {args: ['sandbox', 'load', '--rate', '10000', '--value-bytes', '1048576', '--duration', '3600'], error: /the most is 1024 MiB/}],
        ['probe --group-file a named pipe', {args: ['probe', '--group-file', fifo], error: /named pipe/}],
        ['probe --group-file a device', {args: ['probe', '--group-file', '/dev/zero'], error: /device/}],
        ['probe --group-file not a group file', {args: ['probe', '--group-file', notPem], error: /not-a-cert\.txt is not valid/}],
        ['--arm-throttle-rate 0x1', {args: ['sandbox', 'up', '--arm-throttle-rate', '0x1'], error: /share from 0 to 1/}],
        ['--arm-throttle-rate empty', {args: ['sandbox', 'up', '--arm-throttle-rate', ''], error: /share from 0 to 1/}],
        ['--arm-error-rate 1.5', {args: ['sandbox', 'up', '--arm-error-rate', '1.5'], error: /share from 0 to 1/}],
        ['--arm-error-rate 1e-1', {args: ['sandbox', 'up', '--no-redis', '--arm-error-rate', '1e-1'], error: /share from 0 to 1/}],
        ['--arm-latency-ms too long', {args: ['sandbox', 'up', '--arm-latency-ms', '99999999999'], error: /--arm-latency-ms must be between 0 and 60000/}],
        ['--lag-ms too long', {args: ['sandbox', 'up', '--lag-ms', '99999999999'], error: /--lag-ms must be between 0 and 60000/}],
        ['--members 9', {args: ['sandbox', 'up', '--members', '9'], error: /--members must be between 2 and 5/}],
        ['--port beyond TCP', {args: ['sandbox', 'up', '--no-redis', '--port', '70000'], error: /--port must be a TCP port/}],
        ['GEO_REDIS_ARM_TIMEOUT_MS beyond a Node timer', {args: ['inventory'], env: {GEO_REDIS_ARM_TIMEOUT_MS: '99999999999'}, error: /GEO_REDIS_ARM_TIMEOUT_MS="99999999999" is not a wait/}],
        ['GEO_REDIS_POLL_INTERVAL_MS not a number', {args: ['inventory'], env: {GEO_REDIS_POLL_INTERVAL_MS: 'soon'}, error: /GEO_REDIS_POLL_INTERVAL_MS="soon" is not a wait/}],
        ['GEO_REDIS_TOKEN_TIMEOUT_MS 0', {args: ['probe'], env: {GEO_REDIS_TOKEN_TIMEOUT_MS: '0'}, error: /GEO_REDIS_TOKEN_TIMEOUT_MS="0" is not a wait/}],
      ])('%s', async (_name, c) => {
        await hostile(c)
      })

    })
  })

  describe('hostile input: afterwards', () => {
    it('no case started a sandbox', () => {
      expect(homes.length).toBeGreaterThan(0)
      expect(homes.filter((h) => readdirSync(h).includes('sandbox'))).toEqual([])
    })

    it('a valid read is recorded by the emulator (so "no request" above means none)', async () => {
      const before = emulator.requests.length
      const r = await runCli(['inventory', '--json'], {env: env(newHome()), timeoutMs: CLI_MS})
      expect(r.code, r.stderr).toBe(0)
      expect(emulator.requests.length).toBeGreaterThan(before)
    })
  })
})
