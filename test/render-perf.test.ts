import { test } from 'vitest';
import type { Column } from '../src/model.js';
import { renderers } from '../src/render/index.js';
test('perf', () => {
  const columns: Column[] = Array.from({ length: 12 }, (_, i) => ({ key: `c${i}`, label: `Col ${i}`, kind: i % 2 ? 'count' : 'text', fromInput: true, priority: i }));
  const rows = Array.from({ length: 100000 }, (_, r) => Object.fromEntries(columns.map((c, i) => [c.key, i % 2 ? r * i : `name ${r} ${i}`])));
  const res = { asOf: 'x', inputs: { leads: null, deals: null }, verdict: [], alerts: [], reports: [{ name: 'r', title: 't', columns, rows, notes: [] }] };
  for (const f of ['table', 'csv', 'json'] as const) {
    const t = Date.now();
    const out = renderers[f](res, { color: false, width: 80, wide: f !== 'table', tool: { name: 'a', version: 'b' } });
    console.log(f, Date.now() - t, 'ms', out.length);
  }
});
