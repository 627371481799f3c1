import {defineConfig} from 'vitest/config'

// Files and the tests in each file run in a shuffled order on every run (CI and local alike), so a test that leans on
// what an earlier one left behind fails here rather than after someone reorders the file. The seed is printed at the
// start of the run ("Running tests with seed …"); VITEST_SEED=<seed> npx vitest run <files> replays that order.
// Unset, the seed is vitest's own (the clock). A describe whose tests are one story in order opts out with
// {shuffle: false} and says why.
function seedFromEnv(): number | undefined {
  const raw = process.env.VITEST_SEED
  if (raw === undefined || raw === '') return undefined
  if (!/^\d+$/.test(raw)) throw new Error(`VITEST_SEED must be a whole number (the seed a run printed), not "${raw}"`)
  return Number(raw)
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // real redis-server and emulator processes: keep parallelism within the 2-core budget
    maxWorkers: 2,
    fileParallelism: true,
    sequence: {shuffle: {files: true, tests: true}, seed: seedFromEnv()},
    // the JSON report lets .ci/run print a plain "N passed, N failed" line
    reporters: ['default', ['json', {outputFile: '.vitest-results.json'}]],
  },
})
