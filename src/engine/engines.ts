/**
 * The engines a run can compute its facts on (docs/engines.md): `js`, leadaudit's own reader and
 * fold (exact row accounting on any export), and `duckdb`, the rubric compiled to SQL and run on
 * embedded DuckDB. Each loads only when a run asks for it.
 */
import type { LoadedFacts, LoadOptions } from '../load.js';
import { loadFacts } from './stream.js';

export const ENGINES = {
  js: async () => loadFacts,
  duckdb: async () => (await import('./sql/load.js')).loadDuckDb,
} satisfies Record<string, () => Promise<(options: LoadOptions) => Promise<LoadedFacts>>>;

export type EngineName = keyof typeof ENGINES;
export const ENGINE_NAMES = Object.keys(ENGINES) as EngineName[];
