/**
 * Layers of computed columns (src/engine/sql/values.ts) as a chain of CTEs: each step selects
 * every column of the one before and adds its own, so a column is computed once and read by name.
 */
import type { Dialect } from './dialects.js';
import type { Layer } from './values.js';

/** CTE definitions `name_1 AS (...)`, … over `from`; the last one's name is returned with them. */
export function stack(d: Dialect, name: string, from: string, layers: readonly Layer[]): { ctes: string[]; last: string } {
  const ctes: string[] = [];
  let previous = from;
  layers.forEach((layer, k) => {
    if (layer.length === 0) return;
    const step = `${name}_${k + 1}`;
    ctes.push(`${step} AS ${d.materialized}(SELECT *, ${layer.map(([column, e]) => `${d.expr(e)} AS ${d.ident(column)}`).join(', ')} FROM ${previous})`);
    previous = step;
  });
  return { ctes, last: previous };
}
