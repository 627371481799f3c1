import {execFile} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'

const run = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'geo-redis-trace-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

async function traced(args: string[]): Promise<{stdout: string; modules: string[]}> {
  const file = join(dir, `${args.join('_')}.txt`)
  const {stdout} = await run(process.execPath, ['--import', './test/helpers/import-trace.mjs', 'bin/run.js', ...args], {
    env: {...process.env, IMPORT_TRACE_FILE: file},
    timeout: 15_000,
  })
  return {stdout, modules: readFileSync(file, 'utf8').split('\n').filter(Boolean)}
}

describe('start-up', () => {
  it.each([['--help'], ['-h'], ['help'], ['--version']])('%s loads no Azure SDK, Redis client, prompt or table module', async (flag) => {
    const {stdout, modules} = await traced([flag])
    expect(stdout).toMatch(/geo-redis/)
    expect(modules.length).toBeGreaterThan(0)
    const heavy = modules.filter((m) => /node_modules\/(@azure\/|ioredis|@inquirer\/|cli-table3|node-forge)/.test(m))
    expect(heavy).toEqual([])
  })
})

describe('--version fast path', () => {
  it('prints exactly what oclif would (config.userAgent)', async () => {
    const {Config} = await import('@oclif/core')
    const config = await Config.load(new URL('../..', import.meta.url).pathname)
    const {stdout} = await run(process.execPath, ['bin/run.js', '--version'], {timeout: 15_000})
    expect(stdout).toBe(`${config.userAgent}\n`)
  })
})

describe('root --help cache', () => {
  it('is exactly what oclif renders for a non-terminal', async () => {
    const cached = await run(process.execPath, ['bin/run.js', '--help'], {timeout: 15_000})
    const rendered = await run(process.execPath, ['bin/run.js', '--help'], {timeout: 15_000, env: {...process.env, GEO_REDIS_NO_HELP_CACHE: '1'}})
    expect(cached.stdout).toBe(rendered.stdout)
    expect(cached.stdout).toMatch(/USAGE\n {2}\$ geo-redis \[COMMAND\]/)
    // -h and help are the same root help, from the same cache
    for (const arg of ['-h', 'help']) expect((await run(process.execPath, ['bin/run.js', arg], {timeout: 15_000})).stdout).toBe(rendered.stdout)
  })
})
