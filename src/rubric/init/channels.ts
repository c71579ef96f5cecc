/** The channels of the rubric, from the values of the leads' source column. */
import { CHANNEL_NAMES } from '../vocabulary.js';
import { canon, type Plan } from './evidence.js';

/** Channels from the source column's values: one rule per value, spellings of one name together. */
export function channels(plan: Plan): { rules: { name: string; values: string[]; leads: number }[]; rest: (readonly [string, number])[]; column?: string } {
  const source = plan.leadProfile(plan.leads?.source.column);
  if (!source) return { rules: [], rest: [] };
  const groups = new Map<string, { name: string; values: string[]; leads: number }>();
  for (const [value, n] of source.values) {
    const key = canon(value);
    const g = groups.get(key);
    if (g) {
      g.values.push(value);
      g.leads += n;
    } else {
      groups.set(key, { name: (/^[A-Z_]+$/.test(value) ? CHANNEL_NAMES[key] : undefined) ?? value, values: [value], leads: n });
    }
  }
  const all = [...groups.values()].sort((a, b) => b.leads - a.leads);
  const MAX = 40;
  const rest = all.slice(MAX).flatMap((g) => g.values.map((v) => [v, 0] as const));
  return { rules: all.slice(0, MAX), rest, column: source.name };
}
