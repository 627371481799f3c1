// The redis-py snippets against the real library: redis 8.1.0 (the newest on the package mirror) in a throwaway
// virtualenv builds every golden snippet's MultiDbConfig, DatabaseConfig and LagAwareHealthCheck with exactly the
// keyword arguments it names (a wrong name is a TypeError). The snippet's last line, which would connect, is
// replaced by a print of what was built. pybreaker and redis-entraid are stand-ins (test/stubs/python): not on the
// mirror. Skipped, saying so, when redis 8.1.0 cannot be installed here.
import {execFile} from 'node:child_process'
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

const run = promisify(execFile)
const GOLDEN = fileURLToPath(new URL('../fixtures/failover/', import.meta.url))
const STUBS = fileURLToPath(new URL('../stubs/python/', import.meta.url))
const VERSION = '8.1.0'
const dir = mkdtempSync(join(tmpdir(), 'geo-redis-redis-py-'))
const python = join(dir, 'venv', 'bin', 'python')
let installError: string | null = null

beforeAll(async () => {
  try {
    await run('python3', ['-m', 'venv', join(dir, 'venv')], {timeout: 60_000})
    await run(python, ['-m', 'pip', 'install', '--quiet', '--no-deps', `redis==${VERSION}`], {timeout: 120_000})
  } catch (error) {
    installError = (error as Error).message.split('\n').slice(0, 3).join(' ')
  }
}, 200_000)

afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe(`redis-py snippets build with redis ${VERSION}`, () => {
  for (const file of readdirSync(GOLDEN).filter((f) => f.endsWith('.py'))) {
    it(file, {timeout: 60_000}, async (context) => {
      if (installError) context.skip(`redis ${VERSION} could not be installed here: ${installError}`)
      const snippet = readFileSync(join(GOLDEN, file), 'utf8')
      expect(snippet).toMatch(/^client = MultiDBClient\(config\)$/m)
      const script = join(dir, file)
      writeFileSync(
        script,
        snippet
          .replace('raise NotImplementedError(name)', 'return "from-the-store"')
          .replace(/^client = MultiDBClient\(config\)$/m, 'print(len(config.databases_config), config.client_class.__name__, [type(h).__name__ for h in config.health_checks or []])'),
      )
      const env = {...process.env, PYTHONPATH: STUBS, GEO_REDIS_EASTUS_KEY: 'k', GEO_REDIS_WESTUS2_KEY: 'k', GEO_REDIS_NORTHEUROPE_KEY: 'k'}
      const {stdout} = await run(python, [script], {timeout: 30_000, env})
      const [count, clientClass] = stdout.trim().split(' ')
      expect(Number(count)).toBeGreaterThanOrEqual(2)
      expect(clientClass).toBe(file.startsWith('oss-cluster') ? 'RedisCluster' : 'Redis')
      if (snippet.includes('LagAwareHealthCheck(')) expect(stdout).toContain("['LagAwareHealthCheck']")
    })
  }
})
