import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // real redis-server and emulator processes: keep parallelism within the 2-core budget
    maxWorkers: 2,
    fileParallelism: true,
    // the JSON report lets .ci/run print a plain "N passed, N failed" line
    reporters: ['default', ['json', {outputFile: '.vitest-results.json'}]],
  },
})
