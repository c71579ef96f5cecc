import { describe, expect, it } from 'vitest';
import { differences } from '../src/reports/compare.js';
import { compareRates, holm } from '../src/reports/stats.js';

describe('differences: each group against the rest, Holm-adjusted together', () => {
  it('marks a group that differs, in the right direction, with the adjusted p', () => {
    const groups = [
      { x: 60, n: 200 },
      { x: 10, n: 200 },
      { x: 30, n: 200 },
    ];
    const out = differences(groups);
    const raw = groups.map((g) => compareRates(g.x, g.n, 100 - g.x, 600 - g.n).p);
    expect(out.map((d) => d.p)).toEqual(holm(raw));
    expect(out.map((d) => d.mark)).toEqual(['+', '-', '']);
  });

  it('leaves out groups under min-n and a group that is everything, and does not count them in the adjustment', () => {
    const out = differences([{ x: 9, n: 10 }, { x: 30, n: 300 }, { x: 25, n: 300 }], 30);
    expect(out[0]).toEqual({ mark: '', p: 1, tested: false });
    const raw = [compareRates(30, 300, 34, 310).p, compareRates(25, 300, 39, 310).p];
    expect(out.slice(1).map((d) => d.p)).toEqual(holm(raw));
    expect(out.map((d) => d.tested)).toEqual([false, true, true]);
    expect(differences([{ x: 5, n: 50 }])).toEqual([{ mark: '', p: 1, tested: false }]);
  });

  it('is stricter than one test per row: a borderline row alone is not marked among many', () => {
    const borderline = { x: 18, n: 100 };
    const plain = Array.from({ length: 9 }, () => ({ x: 10, n: 100 }));
    expect(compareRates(18, 100, 90, 900).p).toBeLessThan(0.05);
    expect(differences([borderline, ...plain])[0]!.mark).toBe('');
  });
});
