/**
 * "Does this group differ from the rest?" — the one place reports decide significance. Each group's
 * rate is compared with all other rows together (two-proportion z-test, Fisher's exact test when a
 * cell is small), and the p-values of a report's groups are adjusted together with Holm's method,
 * so that a report of ten channels does not find one "significant" by chance: p < 0.05 after Holm
 * across a report's groups (docs/reports.md, "Holm").
 */
import { compareRates, holm } from './stats.js';

export const SIGNIFICANCE = 0.05;

export interface GroupCount {
  /** Successes (wins, stalls, …) in the group. */
  readonly x: number;
  /** Trials (leads, handoffs, …) in the group. */
  readonly n: number;
}

export interface Difference {
  /** `+` higher than the rest, `-` lower, '' not significant. */
  readonly mark: '+' | '-' | '';
  /** Holm-adjusted p-value (1 when not tested). */
  readonly p: number;
  /** Whether the group was tested (it counts in the adjustment). */
  readonly tested: boolean;
}

/**
 * Compares every group with the rest. Groups below `minN` trials, and groups that are all there
 * is, are not tested (mark '', p 1) and do not count in the adjustment.
 */
export function differences(groups: readonly GroupCount[], minN = 1): Difference[] {
  const totalX = groups.reduce((s, g) => s + g.x, 0);
  const totalN = groups.reduce((s, g) => s + g.n, 0);
  const tested: number[] = [];
  const raw: { p: number; direction: number }[] = [];
  groups.forEach((g, i) => {
    if (g.n < minN || g.n === 0 || g.n === totalN) return;
    const { p, direction } = compareRates(g.x, g.n, totalX - g.x, totalN - g.n);
    tested.push(i);
    raw.push({ p, direction });
  });
  const adjusted = holm(raw.map((r) => r.p));
  const out: Difference[] = groups.map(() => ({ mark: '', p: 1, tested: false }));
  tested.forEach((i, k) => {
    const p = adjusted[k]!;
    const direction = raw[k]!.direction;
    out[i] = { mark: p < SIGNIFICANCE && direction !== 0 ? (direction > 0 ? '+' : '-') : '', p, tested: true };
  });
  return out;
}

/** `p < 0.001` or `p = 0.012`, for verdict sentences. */
export function pText(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** `12.3%` for sentences (reports keep fractions; sentences are for people). */
export function pct(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '—';
  const v = x * 100;
  return `${v === 0 || v === 100 ? v.toFixed(0) : v.toFixed(1)}%`;
}

/** `12,345` for sentences: an amount of money, whole. */
export function moneyText(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}
