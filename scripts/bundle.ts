/**
 * The second half of `npm run build` (after tsc): bundles the compiled CLI into dist/bundle, which
 * bin/leadaudit.js imports. One file of our code and its dependencies loads in a fraction of the
 * time that ~50 modules and node_modules take to resolve (start-up matters to cron).
 *
 * Every entry and chunk (the parts a command loads only when it needs them) sits at the top of
 * dist/bundle. Code that names an entry by URL (`new Worker(new URL('./read-worker.js',
 * import.meta.url))` in src/parallel/threads.ts) finds it beside itself both in dist/src, where the
 * two files share a folder, and in the bundle, where the code naming it was bundled into cli.js or
 * a chunk beside the entry: so the worker entry keeps its file name and leaves its folder.
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

/** Entry modules under dist/src by their name in dist/bundle: the CLI, and the worker a module starts by URL. */
const ENTRIES: Record<string, string> = { cli: 'cli.js', 'read-worker': 'parallel/read-worker.js' };

/**
 * Dependencies written as CommonJS (commander) call `require` for Node's own modules,
 * which an ES module lacks; this gives them one.
 */
const REQUIRE = "import { createRequire as __leadauditRequire } from 'node:module'; const require = __leadauditRequire(import.meta.url);";

const entryPoints = Object.entries(ENTRIES)
  .map(([out, file]) => ({ in: join(from, file), out }))
  .filter((entry) => existsSync(entry.in));
rmSync(to, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: to,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  // Native bindings and their loaders stay in node_modules: the SQL engines load them on demand.
  external: ['@duckdb/node-api', '@duckdb/node-bindings', 'pg'],
  banner: { js: REQUIRE },
  logLevel: 'warning',
});
