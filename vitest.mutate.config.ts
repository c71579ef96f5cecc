import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The tests `npm run mutate` (stryker.config.json) runs against each mutant: the in-process unit
 * and property tests of values (normalize), conditions, classification, the join (whole and streamed) and the facts fold. A test that
 * spawns bin/leadaudit.js runs the built dist/, never the mutated source, and Stryker cannot see
 * coverage through a child process: such tests kill nothing here, so they stay out (docs/testing.md).
 * `include` replaces the base list (mergeConfig would append to it).
 */
export default defineConfig({
  test: {
    ...base.test,
    include: [
      'test/facts.test.ts',
      'test/values.test.ts',
      'test/normalize.test.ts',
      'test/conditions-rules.test.ts',
      'test/conditions.test.ts',
      'test/classify-rules.test.ts',
      'test/join-rules.test.ts',
      'test/join.test.ts',
      'test/rubric.test.ts',
      'test/load.test.ts',
      'test/reasons.test.ts',
      'test/invariants.test.ts',
      'test/stream-rules.test.ts',
      'test/revenue.test.ts',
      'test/horizon.test.ts',
    ],
    // join.test.ts's CLI block spawns the binary. Stryker drops this pattern for its first (dry)
    // run, which is why `npm run mutate` builds dist/ first; mutants then run only covering tests.
    testNamePattern: /^(?!the CLI says it)/,
  },
});
