import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    setupFiles: ['test/helpers/seed.ts'],
    // Table output fits COLUMNS when set (README "Terminal width"): the tests, and the CLI they
    // spawn, run at the default width whatever the shell exports.
    env: { COLUMNS: '' },
  },
});
