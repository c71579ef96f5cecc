/**
 * The second half of `npm run build` (after tsc): bundles the compiled CLI into dist/bundle, which
 * bin/leadaudit.js imports. One file of our code and its dependencies loads in a fraction of the
 * time that ~50 modules and node_modules take to resolve (start-up matters to cron; docs/performance.md).
 *
 * Every entry keeps its place relative to dist/src, so code that names a sibling entry by URL
 * (`new Worker(new URL('./read-worker.js', import.meta.url))`) finds it in the bundle as it does in
 * dist/src. Chunks (the parts a command loads only when it needs them) sit beside the entries.
 *
 *   node dist/scripts/bundle.js
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const from = join(root, 'dist', 'src');
const to = join(root, 'dist', 'bundle');

/** Entry modules under dist/src: the CLI, and the worker a module starts by URL when there is one. */
const ENTRIES = ['cli.js', 'read-worker.js'];

/**
 * Dependencies written as CommonJS (commander) call `require` for Node's own modules,
 * which an ES module lacks; this gives them one.
 */
const REQUIRE = "import { createRequire as __leadauditRequire } from 'node:module'; const require = __leadauditRequire(import.meta.url);";

const entryPoints = ENTRIES.map((file) => join(from, file)).filter((path) => existsSync(path));
rmSync(to, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: to,
  outbase: from,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  banner: { js: REQUIRE },
  logLevel: 'warning',
});
