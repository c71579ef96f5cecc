/**
 * cohorts (SPEC §6.6): one row per month of lead creation — how far each month's leads got, and
 * whether the month is old enough for its rates to be final (`mature`).
 */
import type { Column, Report, Row } from '../model.js';
import { isoDate } from '../data/normalize.js';
import { column, compareText, ratio, type AuditData } from './context.js';
import { quantile } from './stats.js';

const NO_DATE = '(no date)';

/** The last day of the month holding `day`, as a day number. */
function monthEnd(day: number): number {
  const d = new Date(day * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / 86_400_000;
}

/** One month's leads, counted as they are read (a list of a million lead views was most of the report's time). */
interface Cohort {
  leads: number;
  /** Per stage after the first and before the last: leads that reached it. */
  readonly reached: number[];
  won: number;
  revenue: number;
  /** The created day of a lead of the month. */
  readonly created: number;
}

export function cohorts(data: AuditData): Report[] {
  if (data.leads === null) return [];
  const { rubric } = data;
  // Stages after the first, but not the last: reaching it is winning, which win_rate shows.
  const later = rubric.stages.slice(1, -1);
  const groups = new Map<string, Cohort>();
  const daysToWin: number[] = [];
  for (const c of data.leads) {
    const created = c.lead.created;
    const key = Number.isNaN(created) ? NO_DATE : isoDate(created).slice(0, 7);
    let cohort = groups.get(key);
    if (cohort === undefined) groups.set(key, (cohort = { leads: 0, reached: later.map(() => 0), won: 0, revenue: 0, created }));
    cohort.leads++;
    const furthest = c.furthest;
    for (let k = 0; k < later.length; k++) if (furthest >= k + 1) cohort.reached[k]!++;
    if (c.outcome === 'won') cohort.won++;
    cohort.revenue += c.wonAmount;
    const days = c.wonDate - created;
    if (!Number.isNaN(days) && days >= 0) daysToWin.push(days);
  }
  // A cohort is mature once even its youngest leads have had the usual time to win.
  const p75 = daysToWin.length === 0 ? NaN : quantile(daysToWin, 0.75);
  const keys = [...groups.keys()].sort((a, b) => (a === NO_DATE ? 1 : b === NO_DATE ? -1 : compareText(a, b)));
  const rows: Row[] = keys.map((key) => {
    const cohort = groups.get(key)!;
    const row: Row = { cohort: key, leads: cohort.leads };
    later.forEach((s, k) => {
      row[`${s.key}_pct`] = ratio(cohort.reached[k]!, cohort.leads);
    });
    row.won = cohort.won;
    row.win_rate = ratio(cohort.won, cohort.leads);
    row.won_revenue = data.deals === null ? null : cohort.revenue;
    row.mature = key === NO_DATE || Number.isNaN(p75) ? null : data.asOf - monthEnd(cohort.created) >= p75;
    return row;
  });
  const columns: Column[] = [
    column('cohort', 'Cohort', 'text', { priority: 1 }),
    column('leads', 'Leads', 'count', { priority: 1 }),
    ...later.map((s, k) => column(`${s.key}_pct`, s.label, 'percent', { priority: k === later.length - 1 ? 2 : 3 })),
    column('won', 'Won', 'count', { priority: 1 }),
    column('win_rate', 'Win rate', 'percent', { priority: 1 }),
    column('won_revenue', 'Won revenue', 'money', { priority: 2 }),
    column('mature', 'Mature', 'flag', { priority: 1 }),
  ];
  const notes = [
    Number.isNaN(p75)
      ? 'Mature: unknown — no won lead with both a created date and a won date to measure the time to win.'
      : `Mature: the month ended at least ${Math.round(p75)} days before ${isoDate(data.asOf)} (the 75th percentile of days from created to won); younger cohorts are still closing, so their rates will rise. (Measured on the wins seen so far, it errs towards calling a cohort mature early.)`,
    'Stage columns: the share of the month\'s leads that reached each stage.',
  ];
  return [{ name: 'cohorts', title: 'Cohorts by month created', columns, rows, notes }];
}

/**
 * `leadaudit cohorts --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
export const help = {
  description: 'One row per month of lead creation: how far its leads got, its win rate and revenue, and whether it is mature (old enough for its rates to be final).',
  examples: ['leadaudit cohorts contacts.csv deals.csv', 'leadaudit cohorts contacts.csv deals.csv --since 2025-01-01 --format csv'],
};
