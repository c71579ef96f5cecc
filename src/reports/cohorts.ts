/**
 * cohorts (SPEC §6.6): one row per month of lead creation — how far each month's leads got, and
 * whether the month is old enough for its rates to be final (`mature`).
 */
import type { ClassifiedLead, Column, Report, Row } from '../model.js';
import { isoDate } from '../data/normalize.js';
import { column, compareText, ratio, type AuditData } from './context.js';
import { quantile } from './stats.js';

const NO_DATE = '(no date)';

/** The last day of the month holding `day`, as a day number. */
function monthEnd(day: number): number {
  const d = new Date(day * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / 86_400_000;
}

export function cohorts(data: AuditData): Report[] {
  if (data.leads === null) return [];
  const { rubric } = data;
  const groups = new Map<string, ClassifiedLead[]>();
  const daysToWin: number[] = [];
  for (const c of data.leads) {
    const key = Number.isNaN(c.lead.created) ? NO_DATE : isoDate(c.lead.created).slice(0, 7);
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
    const days = c.wonDate - c.lead.created;
    if (!Number.isNaN(days) && days >= 0) daysToWin.push(days);
  }
  // A cohort is mature once even its youngest leads have had the usual time to win.
  const p75 = daysToWin.length === 0 ? NaN : quantile(daysToWin, 0.75);
  // Stages after the first, but not the last: reaching it is winning, which win_rate shows.
  const later = rubric.stages.slice(1, -1);
  const keys = [...groups.keys()].sort((a, b) => (a === NO_DATE ? 1 : b === NO_DATE ? -1 : compareText(a, b)));
  const rows: Row[] = keys.map((key) => {
    const list = groups.get(key)!;
    const row: Row = { cohort: key, leads: list.length };
    later.forEach((s, k) => {
      const i = k + 1;
      row[`${s.key}_pct`] = ratio(list.filter((c) => c.furthest >= i).length, list.length);
    });
    let won = 0;
    let revenue = 0;
    for (const c of list) {
      if (c.outcome === 'won') won++;
      revenue += c.wonAmount;
    }
    row.won = won;
    row.win_rate = ratio(won, list.length);
    row.won_revenue = data.deals === null ? null : revenue;
    row.mature = key === NO_DATE || Number.isNaN(p75) ? null : data.asOf - monthEnd(list[0]!.lead.created) >= p75;
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
