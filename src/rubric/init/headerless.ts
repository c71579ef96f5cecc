/** Files without a header row: their columns named by what their values hold. */
import type { ColumnProfile } from '../../data/profile.js';
import { DISQUALIFIED, LOST_VALUE, NEW, SOURCE_VALUE, STATUS_STAGES, WON_VALUE } from '../vocabulary.js';

/**
 * Names for the columns of a file without a header row, from their values: the field a column
 * holds where its values leave no doubt (an id, an email, dates, a stage with won and lost
 * values, statuses, sources, an amount), `column_N` for the rest. The names are the generic
 * preset's, so the rubric maps them like any header.
 */
export function nameHeaderless(side: 'leads' | 'deals', profiles: readonly ColumnProfile[]): string[] {
  const names = profiles.map((p) => `column_${p.index + 1}`);
  const taken = new Set<number>();
  const give = (name: string, p: ColumnProfile | undefined) => {
    if (!p || taken.has(p.index)) return;
    taken.add(p.index);
    names[p.index] = name;
  };
  const share = (p: ColumnProfile, pattern: RegExp) => p.values.reduce((n, [v, c]) => n + (pattern.test(v) ? c : 0), 0) / Math.max(1, p.filled);
  const best = (candidates: ColumnProfile[], score: (p: ColumnProfile) => number, floor: number) =>
    candidates.map((p) => ({ p, s: score(p) })).filter((x) => x.s >= floor).sort((a, b) => b.s - a.s || a.p.index - b.p.index)[0]?.p;
  const free = () => profiles.filter((p) => !taken.has(p.index));
  give('id', free().find((p) => p.kind === 'id'));
  give('email', free().find((p) => p.kind === 'email'));
  const dates = free().filter((p) => p.kind === 'date');
  const median = (p: ColumnProfile) => {
    const days = p.values.map(([v]) => v).sort();
    return days[days.length >> 1] ?? '';
  };
  if (side === 'leads') {
    give('created', dates[0]);
    const categories = () => free().filter((p) => p.kind === 'category');
    give('status', best(categories(), (p) => share(p, DISQUALIFIED) + STATUS_STAGES.reduce((n, st) => n + share(p, st.pattern), 0) + share(p, NEW), 0.3));
    give('source', best(categories(), (p) => share(p, SOURCE_VALUE), 0.3));
  } else {
    // Created comes before closed, as a rule: the earlier column is the created date.
    const [created, closed] = [...dates.slice(0, 2)].sort((a, b) => (median(a) < median(b) ? -1 : 1));
    give('created', created);
    give('close_date', closed);
    give('stage', best(free().filter((p) => p.kind === 'category'), (p) => share(p, WON_VALUE) + share(p, LOST_VALUE), 0.1));
    // The amount: numbers with the widest range (a probability stays within 0–100).
    const numbers = free().filter((p) => p.kind === 'number' && p.values.length > 2);
    give('amount', best(numbers, (p) => Math.max(...p.values.map(([v]) => Math.abs(parseFloat(v.replace(/[^\d.-]/g, ''))) || 0)), 101));
  }
  return names;
}
