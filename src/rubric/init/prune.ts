/**
 * A preset's conditions measured against a file: whether a condition could hold on it, and the
 * part of one the file can answer (a rubric may not name a column the file lacks).
 */
import type { ColumnProfile } from '../../data/profile.js';
import type { Condition } from '../schema.js';

/**
 * Whether a condition could hold on a file: its `eq` and `in` tests name a value some column
 * holds (case and spaces aside); other tests could hold anyway. `any` needs one branch, a map of
 * tests or `all` every one.
 */
export function namesSeenValues(when: Condition, column: (field: string) => ColumnProfile | undefined): boolean {
  return Object.entries(when).every(([key, value]) => {
    if (value === undefined) return true;
    if (key === 'any') return (value as Condition[]).some((c) => namesSeenValues(c, column));
    if (key === 'all') return (value as Condition[]).every((c) => namesSeenValues(c, column));
    if (key === 'not') return true;
    const test = value as { eq?: unknown; in?: unknown[] };
    const wanted = test.eq !== undefined ? [test.eq] : test.in;
    const profile = column(key);
    if (wanted === undefined || profile === undefined || typeof wanted[0] === 'boolean') return true;
    const seen = new Set(profile.values.map(([v]) => v.trim().toLowerCase()));
    return wanted.some((w) => seen.has(String(w).trim().toLowerCase()));
  });
}

/**
 * A preset's condition kept to what a file can answer: a test on a column the file lacks is
 * dropped; `any` keeps the branches left; a map of tests (all must hold) or `all` with a test
 * dropped is dropped whole. Undefined when nothing is left. (A rubric the user owns may not name
 * a missing column: `check` would refuse it.)
 */
export function pruneCondition(when: Condition, has: (field: string) => boolean): Condition | undefined {
  const out: Condition = {};
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'any') {
      const kept = (value as Condition[]).map((c) => pruneCondition(c, has)).filter((c): c is Condition => c !== undefined);
      if (kept.length === 0) return undefined;
      out.any = kept;
    } else if (key === 'all') {
      const kept = (value as Condition[]).map((c) => pruneCondition(c, has));
      if (kept.some((c) => c === undefined)) return undefined;
      out.all = kept as Condition[];
    } else if (key === 'not') {
      const kept = pruneCondition(value as Condition, has);
      if (kept === undefined) return undefined;
      out.not = kept;
    } else {
      if (!has(key)) return undefined;
      out[key] = value;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
