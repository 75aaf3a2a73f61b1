import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // PGlite starts in 2–4 s and real-server suites create databases: generous, not unbounded.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // oclif writes straight to stdout; intercepting it hides CLI output from the tests.
    disableConsoleIntercept: true,
    // Two cores: two workers, each with at most one PGlite (~0.5 GB) at a time.
    maxWorkers: 2,
  },
})
