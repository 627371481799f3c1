// Start-up: the help and version printed without loading the CLI are oclif's own, byte for byte; the bundle holds
// every command; its code cache is a shortcut that a stale, broken or missing cache only makes slower.
import {execFile} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {isAscii} from 'node:buffer'
import {tmpdir} from 'node:os'
import {join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin/run.js')
const dirs: string[] = []
afterAll(() => dirs.forEach((dir) => rmSync(dir, {recursive: true, force: true})))

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `geo-redis-${prefix}-`))
  dirs.push(dir)
  return dir
}

// no theme, width or cache switch of the test runner's
const env = (extra: Record<string, string> = {}) => {
  const clean: Record<string, string | undefined> = {...process.env, GEO_REDIS_CONFIG_DIR: tempDir('config'), ...extra}
  delete clean.OCLIF_COLUMNS
  delete clean.GEO_REDIS_NO_HELP_CACHE
  return clean as NodeJS.ProcessEnv
}

const cli = (args: string[], options: {bin?: string; env?: NodeJS.ProcessEnv} = {}) =>
  run(process.execPath, [options.bin ?? BIN, ...args], {env: options.env ?? env(), timeout: 20_000})

/** What oclif itself prints: the same command with the built help switched off. */
const oclif = (args: string[]) => cli(args, {env: env({GEO_REDIS_NO_HELP_CACHE: '1'})})

/** Every command and topic, from the manifest and package.json: what the help must cover. */
function subjects(): string[][] {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}
  const topics = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {oclif: {topics: object}}).oclif.topics)
  return [...topics, ...Object.keys(manifest.commands)].map((id) => id.split(':'))
}

/** A copy of the built CLI (bin, package.json, the manifest, dist as `keep` says), with the repository's node_modules. */
function copyOfBuild(keep: (file: string) => boolean): string {
  const dir = tempDir('build')
  for (const part of ['bin', 'package.json', 'oclif.manifest.json']) cpSync(join(ROOT, part), join(dir, part), {recursive: true})
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {recursive: true, filter: (source) => keep(relative(join(ROOT, 'dist'), source))})
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return dir
}

/** In limited parallel: each item costs two processes. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({length: limit}, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
  }))
}

describe('built help', () => {
  it("every command's and topic's --help is exactly what oclif renders for a non-terminal", async () => {
    const all = subjects()
    expect(all.length).toBeGreaterThan(20)
    await eachLimited(all, 4, async (words) => {
      const [built, rendered] = await Promise.all([cli([...words, '--help']), oclif([...words, '--help'])])
      expect(built.stdout, words.join(' ')).toBe(rendered.stdout)
      expect(built.stderr).toBe('')
    })
  })

  it('answers -h, help <command> and the root the same way', async () => {
    const asked = [['-h'], ['help'], ['--help'], [], ['group', 'show', '-h'], ['help', 'sandbox', 'up'], ['help', 'profile'], ['help', '--help']]
    await eachLimited(asked, 4, async (args) => {
      const [built, rendered] = await Promise.all([cli(args), oclif(args)])
      expect(built.stdout, args.join(' ')).toBe(rendered.stdout)
    })
    expect((await cli(['--help'])).stdout).toMatch(/USAGE\n {2}\$ geo-redis \[COMMAND\]/)
  })

  it('prints help and the version without the CLI: a build without the bundle still answers them', async () => {
    const dir = copyOfBuild((file) => !file.startsWith('geo-redis.cjs'))
    const bin = join(dir, 'bin/run.js')
    for (const args of [['--help'], ['inventory', '--help'], ['help', 'group', 'show'], ['--version']]) {
      const {stdout} = await cli(args, {bin})
      expect(stdout, args.join(' ')).toBe((await cli(args)).stdout)
    }
    // anything else needs the bundle
    await expect(cli(['profile', 'list'], {bin})).rejects.toThrow(/geo-redis\.cjs/)
  })

  it('leaves to oclif what it was not rendered for: another width, a theme, words it does not know', async () => {
    const themed = tempDir('themed')
    writeFileSync(join(themed, 'theme.json'), JSON.stringify({flag: 'red'}))
    for (const [args, extra] of [
      [['inventory', '--help'], {OCLIF_COLUMNS: '120'}],
      [['inventory', '--help'], {GEO_REDIS_CONFIG_DIR: themed}],
      [['inventory', '--json', '--help'], {}],
    ] as [string[], Record<string, string>][]) {
      const [built, rendered] = await Promise.all([cli(args, {env: env(extra)}), cli(args, {env: env({...extra, GEO_REDIS_NO_HELP_CACHE: '1'})})])
      expect(built.stdout, `${args.join(' ')} ${JSON.stringify(extra)}`).toBe(rendered.stdout)
    }
    expect((await cli(['inventory', '--help'], {env: env({OCLIF_COLUMNS: '120'})})).stdout).toMatch(/--subscription=<value>\.\.\. {2}subscription id/)
    // words that name nothing are oclif's to answer, whatever it answers
    const [unknown, oclifs] = await Promise.allSettled([cli(['nosuch', '--help']), oclif(['nosuch', '--help'])])
    expect(unknown.status).toBe('rejected')
    expect(oclifs.status).toBe('rejected')
    const [a, b] = [unknown, oclifs].map((r) => (r as PromiseRejectedResult).reason as {code: number; stderr: string})
    expect({code: a.code, stderr: a.stderr}).toEqual({code: b.code, stderr: b.stderr})
  })
})

describe('--version fast path', () => {
  it('prints exactly what oclif would (config.userAgent)', async () => {
    const {Config} = await import('@oclif/core')
    const config = await Config.load(ROOT)
    expect((await cli(['--version'])).stdout).toBe(`${config.userAgent}\n`)
  })
})

describe('the bundle', () => {
  it('holds every command file as its command, and nothing else', async () => {
    const files = readdirSync(join(ROOT, 'src/commands'), {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.ts'))
    const ids = files.map((f) => f.replace(/\.ts$/, '').split(sep).join(':')).sort()
    const {stdout} = await run(process.execPath, ['-e', "process.stdout.write(JSON.stringify(Object.keys(require('./bin/bundle.js').loadBundle().exports.COMMANDS)) + '\\n')"], {cwd: ROOT, env: env()})
    expect(JSON.parse(stdout).sort()).toEqual(ids)
    expect(Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands).sort()).toEqual(ids)
    // the same file required by Node itself, as oclif's own tools do (bin/bundle.js compiles it as a script instead)
    const required = await run(process.execPath, ['-e', "process.stdout.write(JSON.stringify(Object.keys(require('./dist/geo-redis.cjs').COMMANDS)) + '\\n')"], {cwd: ROOT, env: env()})
    expect(JSON.parse(required.stdout).sort()).toEqual(ids)
  })

  it('is ASCII, so reading it as latin1 is exact', () => {
    expect(isAscii(readFileSync(join(ROOT, 'dist/geo-redis.cjs')))).toBe(true)
  })
})

describe('code cache', () => {
  const cached = (dir: string) =>
    run(process.execPath, ['-e', "process.stdout.write(require('./bin/bundle.js').loadBundle().cached + '\\n')"], {cwd: dir, env: env()}).then((r) => r.stdout.trim())
  const cacheOf = (dir: string) => join(dir, 'dist/geo-redis.cjs.cache')
  const home = tempDir('home')
  mkdirSync(home, {recursive: true})
  // a command that runs through the whole bundle: oclif, the parser, a service, the JSON output
  const listing = (bin: string) => cli(['profile', 'list', '--json'], {bin, env: env({GEO_REDIS_HOME: home})})

  it('is taken when it was made from this bundle', async () => {
    expect(await cached(ROOT)).toBe('true')
  })

  it('changes nothing when stale, broken or missing: the bundle is then compiled as usual', async () => {
    const expected = (await listing(BIN)).stdout
    const stale = copyOfBuild(() => true)
    const cache = readFileSync(cacheOf(stale))
    const newline = cache.indexOf(10)
    // made for another build of the bundle (its first line names that build)
    writeFileSync(cacheOf(stale), Buffer.concat([Buffer.from(`//geo-redis:${'0'.repeat(32)}`), cache.subarray(newline)]))
    const broken = copyOfBuild(() => true)
    // this build's id, and bytes that are not V8's
    writeFileSync(cacheOf(broken), Buffer.concat([cache.subarray(0, newline + 1), Buffer.alloc(cache.length - newline - 1, 7)]))
    const missing = copyOfBuild((file) => file !== 'geo-redis.cjs.cache')
    for (const dir of [stale, broken, missing]) {
      expect(await cached(dir), dir).toBe('false')
      expect((await listing(join(dir, 'bin/run.js'))).stdout).toBe(expected)
    }
  })
})

// bin/run.js parses Node's root certificates on another thread while the CLI loads (bin/warm-up.js; when is
// unit-tested in test/unit/warm-up.test.ts, as it depends on the load average). NODE_DEBUG=worker shows the thread.
describe('root certificates warmed on another thread', () => {
  const home = tempDir('warm-home')
  const warmed = async (args: string[], {cores, extra = {}}: {cores?: string; extra?: Record<string, string>} = {}) => {
    const argv = [process.execPath, BIN, ...args]
    const [file, ...rest] = cores ? ['taskset', '-c', cores, ...argv] : argv
    const r = await run(file, rest, {env: {...env({GEO_REDIS_HOME: home, NODE_DEBUG: 'worker'}), ...extra}, timeout: 20_000}).catch((error: {stdout: string; stderr: string}) => error)
    return {made: /create new worker/.test(r.stderr), stdout: r.stdout}
  }

  it('never on one core, and a command answers the same with or without it', async () => {
    const one = await warmed(['profile', 'list', '--json'], {cores: '0'})
    expect(one.made).toBe(false)
    expect((await warmed(['profile', 'list', '--json'])).stdout).toBe(one.stdout)
  })

  it('never for serve nor for any help, printed from the build or by oclif', async () => {
    expect((await warmed(['serve', '--listen', 'not-an-address'])).made).toBe(false)
    expect((await warmed(['inventory', '--help'])).made).toBe(false)
    const byOclif = await warmed(['inventory', '--help'], {extra: {GEO_REDIS_NO_HELP_CACHE: '1'}})
    expect(byOclif.stdout).toContain('USAGE')
    expect(byOclif.made).toBe(false)
  })
})
