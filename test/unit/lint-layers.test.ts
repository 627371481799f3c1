// The layer check of `npm run lint` fails the build on a forbidden import: dependency-cruiser runs with the project's
// own .dependency-cruiser.cjs over two small trees that mirror src/ (test/fixtures/layers/): one keeps the rules, one
// breaks them (the domain importing the CLI layer, a use case importing an adapter, a renderer importing the Azure SDK).
import {execFile} from 'node:child_process'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = join(ROOT, 'test', 'fixtures', 'layers')
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')
const TIMEOUT_MS = 60_000

interface Cruise {
  exitCode: number
  /** "<rule>: <from> -> <to>", one per violation, as the lint run prints them */
  violations: string[]
  output: string
}

/** depcruise exactly as `npm run lint` runs it (the project's config, `src` of the tree): its exit code and report. */
function cruise(tree: string): Promise<Cruise> {
  const args = [DEPCRUISE, 'src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--no-cache', '--no-progress']
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, {cwd: join(FIXTURES, tree), timeout: TIMEOUT_MS, env: {...process.env, NO_COLOR: '1', FORCE_COLOR: '0'}}, (error, stdout, stderr) => {
      // a number is depcruise's exit code (its count of errors); anything else means it did not run to the end
      if (error && typeof error.code !== 'number') return reject(new Error(`depcruise did not finish: ${error.message} ${stderr}`))
      const violations = [...stdout.matchAll(/^\s*error ([\w-]+): (\S+) → (\S+)$/gm)].map(([, rule, from, to]) => `${rule}: ${from} -> ${to}`)
      resolve({exitCode: error ? Number(error.code) : 0, violations: violations.sort(), output: stdout + stderr})
    })
  })
}

describe('layer rules (dependency-cruiser with the project config)', {timeout: TIMEOUT_MS + 5_000}, () => {
  it('passes a tree that keeps the layers: commands -> cli, services -> domain', async () => {
    const result = await cruise('clean')
    expect(result.violations).toEqual([])
    expect(result.exitCode, result.output).toBe(0)
    expect(result.output).toMatch(/no dependency violations found \(4 modules, 4 dependencies cruised\)/)
  })

  it('fails on the domain importing the CLI layer, a use case importing an adapter and the Azure SDK outside azure/', async () => {
    const result = await cruise('forbidden')
    // the lint run fails: depcruise exits with its count of errors
    expect(result.exitCode).toBe(result.violations.length)
    // each rule fires where it should, and only there (the SDK's path is the installed package's entry)
    expect(result.violations.map((v) => v.replace(/\S*node_modules\/@azure\/core-auth\/\S+/, 'node_modules/@azure/core-auth/…'))).toEqual([
      'adapters-built-by-composition-only: src/services/probe.ts -> src/redis/connect.ts',
      'domain-is-pure: src/domain/group.ts -> src/cli/flags.ts',
      'only-azure-imports-azure-sdk: src/output/token.ts -> node_modules/@azure/core-auth/…',
      'services-through-ports: src/services/probe.ts -> src/redis/connect.ts',
    ])
  })
})
