/**
 * cohorts (docs/reports.md): one row per month of lead creation — how far each month's leads got, and
 * whether the month is old enough for its rates to be final (`mature`).
 */
import type { Column, Report, Row } from '../model.js';
import { isoDate } from '../data/normalize.js';
import { NO_DATE, type AuditFacts } from '../engine/facts.js';
import { column, compareText, ratio, type ReportSpec } from './context.js';
import { horizonDays, horizonNote } from './horizon.js';

/** The last day of the month holding `day`, as a day number. */
function monthEnd(day: number): number {
  const d = new Date(day * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0) / 86_400_000;
}

function build(data: AuditFacts): Report[] {
  if (data.leads === null) return [];
  const { rubric } = data;
  // Stages after the first, but not the last: reaching it is winning, which win_rate shows.
  const later = rubric.stages.slice(1, -1);
  const groups = data.leads.byCohort;
  // A cohort is mature once even its youngest leads are past the run's horizon.
  const h = horizonDays(data);
  const keys = [...groups.keys()].sort((a, b) => (a === NO_DATE ? 1 : b === NO_DATE ? -1 : compareText(a, b)));
  const rows: Row[] = keys.map((key) => {
    const cohort = groups.get(key)!;
    const row: Row = { cohort: key, leads: cohort.leads };
    later.forEach((s, k) => {
      row[`${s.key}_pct`] = ratio(cohort.reached[k]!, cohort.leads);
    });
    row.won = cohort.won;
    row.win_rate = ratio(cohort.won, cohort.leads);
    row.won_revenue = data.deals === null ? null : cohort.wonRevenue;
    row.mature = key === NO_DATE || h === null ? null : data.asOf - monthEnd(cohort.created) >= h;
    return row;
  });
  const columns: Column[] = [
    column('cohort', 'Cohort', 'text', { priority: 1 }),
    column('leads', 'Leads', 'count', { priority: 1 }),
    ...later.map((s, k) => column(`${s.key}_pct`, s.label, 'percent', { priority: k === later.length - 1 ? 2 : 3 })),
    column('won', 'Won', 'count', { priority: 1 }),
    column('win_rate', 'Won so far', 'percent', { priority: 1 }),
    column('won_revenue', 'Won revenue', 'money', { priority: 2 }),
    column('mature', 'Mature', 'flag', { priority: 1 }),
  ];
  const notes = [
    horizonNote(data),
    h === null
      ? 'Mature: unknown — the run has no horizon to measure a month\'s age against.'
      : `Mature: the month ended at least ${h} days (the horizon) before ${isoDate(data.asOf)}; younger cohorts are still closing, so their rates (won so far) will rise.`,
    'Stage columns: the share of the month\'s leads that reached each stage.',
  ];
  return [{ name: 'cohorts', title: 'Cohorts by month created', columns, rows, notes }];
}

/**
 * `leadaudit cohorts --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'One row per month of lead creation: how far its leads got, its win rate and revenue, and whether it is mature (old enough for its rates to be final).',
  examples: ['leadaudit cohorts contacts.csv deals.csv', 'leadaudit cohorts contacts.csv deals.csv --since 2025-01-01 --format csv'],
};

export const cohorts = { build, help } satisfies ReportSpec;
