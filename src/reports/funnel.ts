/**
 * funnel (docs/reports.md): one row per stage — reached, advanced, lost, stalled, open, conversion with
 * its Wilson interval, and days to the next stage. With deals, the `pipeline` table does the same
 * per deal stage. Invariant for every stage but the last: reached = advanced + lost + stalled + open.
 */
import type { Column, Report, Row } from '../model.js';
import { isoDate } from '../data/normalize.js';
import { stageTally, type AuditFacts, type DealFacts, type LeadFacts, type LeadGroup, type StageTally } from '../engine/facts.js';
import { column, compareText, ratio, type ReportSpec } from './context.js';
import { wilson } from './stats.js';
import { hasHorizon, horizon, horizonNote, type Horizon, type NoHorizon } from './horizon.js';

const STAGE_COLUMNS: Column[] = [
  column('side', 'Side', 'text', { priority: 4 }),
  column('reached', 'Reached', 'count', { priority: 1 }),
  column('advanced', 'Advanced', 'count', { priority: 1 }),
  column('conversion', 'Conversion', 'percent', { priority: 1 }),
  column('conversion_low', 'Conv. low', 'percent', { priority: 5 }),
  column('conversion_high', 'Conv. high', 'percent', { priority: 5 }),
  column('horizon_conversion', 'Conv. at H', 'percent', { priority: 2 }),
  column('horizon_conversion_low', 'Conv. at H low', 'percent', { priority: 6 }),
  column('horizon_conversion_high', 'Conv. at H high', 'percent', { priority: 6 }),
  column('lost', 'Lost', 'count', { priority: 2 }),
  column('stalled', 'Stalled', 'count', { priority: 1 }),
  column('open', 'Open', 'count', { priority: 2 }),
  column('stalled_pct', 'Stalled %', 'percent', { priority: 2 }),
  column('median_days', 'Median days', 'days', { priority: 3 }),
  column('p75_days', 'P75 days', 'days', { priority: 3 }),
  column('stall_after_days', 'Stall after', 'days', { priority: 4 }),
];

/** Conversion at the horizon of a lead funnel's stage (docs/reports.md, "funnel"); null without one. */
function atHorizon(data: AuditFacts, h: Horizon | NoHorizon, stage: StageTally, next: StageTally | undefined): Row {
  if (!hasHorizon(h) || next === undefined) return { horizon_conversion: null, horizon_conversion_low: null, horizon_conversion_high: null };
  // Among the leads at least H days old that reached the stage, those that entered the next within H days.
  const counted = stage.horizon.at(data.bands, h.rung).all.leads;
  const advanced = next.horizon.at(data.bands, h.rung).won.leads;
  const interval = wilson(advanced, counted);
  return { horizon_conversion: ratio(advanced, counted), horizon_conversion_low: interval?.low ?? null, horizon_conversion_high: interval?.high ?? null };
}

function stageRow(counts: Readonly<StageTally>, last: boolean, stallAfterDays: number | undefined): Row {
  const interval = last ? null : wilson(counts.advanced, counts.reached);
  const days = counts.days.size === 0 ? undefined : counts.days.quantiles([0.5, 0.75]);
  return {
    reached: counts.reached,
    advanced: last ? null : counts.advanced,
    conversion: last ? null : ratio(counts.advanced, counts.reached),
    conversion_low: interval?.low ?? null,
    conversion_high: interval?.high ?? null,
    lost: last ? null : counts.lost,
    stalled: last ? null : counts.stalled,
    open: last ? null : counts.open,
    stalled_pct: last ? null : ratio(counts.stalled, counts.reached),
    median_days: days?.[0] ?? null,
    p75_days: days?.[1] ?? null,
    stall_after_days: stallAfterDays ?? null,
  };
}

function build(facts: AuditFacts): Report[] {
  const reports: Report[] = [];
  if (facts.leads !== null) reports.push(leadFunnel(facts, facts.leads));
  if (facts.deals !== null && facts.rubric.deals.stages.length > 0) reports.push(pipeline(facts, facts.deals));
  return reports;
}

function leadFunnel(data: AuditFacts, leads: LeadFacts): Report {
  const { rubric } = data;
  const stages = rubric.stages;
  const group = data.group.explicit ? data.group : undefined;
  const rows: Row[] = [];
  const groups: [string, LeadGroup][] = group ? [...leads.byGroup] : [['', leads.all]];
  groups.sort(([a, x], [b, y]) => y.tally.leads - x.tally.leads || compareText(a, b));
  const h = horizon(data);
  for (const [name, counts] of groups) {
    stages.forEach((stage, i) => {
      const tally = counts.stages[i] ?? stageTally();
      const last = i === stages.length - 1;
      rows.push({
        ...(group ? { [group.key]: name } : {}),
        stage: stage.key,
        label: stage.label,
        ...stageRow(tally, last, stage.stallAfterDays),
        ...atHorizon(data, h, tally, last ? undefined : (counts.stages[i + 1] ?? stageTally())),
        side: stage.side,
      });
    });
  }
  const columns: Column[] = [
    ...(group ? [column(group.key, group.label, 'text', { fromInput: true, priority: 1 })] : []),
    column('stage', 'Stage', 'text', { priority: 1 }),
    column('label', 'Label', 'text', { priority: 6 }),
    ...STAGE_COLUMNS.map((c) => (hasHorizon(h) && c.key.startsWith('horizon_') ? { ...c, label: c.label.replace('at H', `≤${h.days}d`) } : c)),
  ];
  const notes: string[] = [
    `Conversion = advanced / reached (every lead so far), with its 95% Wilson interval. Stalled = open and idle longer than the stage's threshold as of ${isoDate(data.asOf)}.`,
    hasHorizon(h)
      ? `Conv. ≤${h.days}d: among leads created at least ${h.days} days before the as-of date that reached the stage, the share that entered the next within ${h.days} days of created (a stage with no date to measure counts as within), with its 95% Wilson interval.`
      : horizonNote(data),
    'Median and P75 days: from entering the stage to entering the next, among leads that advanced with both dates known; P75 is the data\'s own stall line.',
  ];
  // Stages these inputs cannot reach (no deals file, a missing date column) are named under every
  // report by buildReports (reports/index.ts), from src/data/caveats.ts.
  data.skips.forEach((n, i) => {
    if (n > 0) notes.push(`${n} lead${n === 1 ? '' : 's'} reached a later stage with no record of "${stages[i]!.key}"; counted as having passed it.`);
  });
  return { name: 'funnel', title: group ? `Funnel by ${group.label}` : 'Funnel', columns, rows, notes };
}

// ---------------------------------------------------------------- deal pipeline

function pipeline(data: AuditFacts, deals: DealFacts): Report {
  const stages = data.rubric.deals.stages;
  const counts = deals.pipeline;
  const outside = deals.outside;
  const rows: Row[] = [...stages.map((s) => s.label), 'won'].map((label, k) => ({
    stage: label,
    ...stageRow(counts[k]!, k === stages.length, stages[k]?.stallAfterDays),
  }));
  const notes = [
    'A won deal passed every stage. A lost deal was lost at its stage, or at the last stage it has an entered date for (else the first).',
  ];
  if (outside.size > 0) {
    const list = [...outside].sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} (${n})`).join(', ');
    notes.push(`Open deals in stages not in the rubric's pipeline are left out: ${list}.`);
  }
  return {
    name: 'pipeline',
    title: 'Deal pipeline',
    columns: [column('stage', 'Stage', 'text', { fromInput: true, priority: 1 }), ...STAGE_COLUMNS.filter((c) => c.key !== 'side' && !c.key.startsWith('horizon_'))],
    rows,
    notes,
  };
}

/**
 * `leadaudit funnel --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'One row per stage: reached, advanced, conversion (95% Wilson interval), lost, stalled, open, days to the next stage. With deals, also the deal pipeline.',
  examples: ['leadaudit funnel contacts.csv deals.csv', 'leadaudit funnel contacts.csv deals.csv --by owner --format csv > funnel.csv'],
};

export const funnel = { build, help } satisfies ReportSpec;
