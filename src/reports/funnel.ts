/**
 * funnel (SPEC §6.1): one row per stage — reached, advanced, lost, stalled, open, conversion with
 * its Wilson interval, and days to the next stage. With deals, the `pipeline` table does the same
 * per deal stage. Invariant for every stage but the last: reached = advanced + lost + stalled + open.
 */
import type { RowList } from '../data/table.js';
import type { ClassifiedLead, Column, Deal, Report, Row } from '../model.js';
import { isoDate } from '../data/normalize.js';
import { column, compareText, ratio, type AuditData } from './context.js';
import { quantiles, wilson } from './stats.js';

const STAGE_COLUMNS: Column[] = [
  column('side', 'Side', 'text', { priority: 4 }),
  column('reached', 'Reached', 'count', { priority: 1 }),
  column('advanced', 'Advanced', 'count', { priority: 1 }),
  column('conversion', 'Conversion', 'percent', { priority: 1 }),
  column('conversion_low', 'Conv. low', 'percent', { priority: 5 }),
  column('conversion_high', 'Conv. high', 'percent', { priority: 5 }),
  column('lost', 'Lost', 'count', { priority: 2 }),
  column('stalled', 'Stalled', 'count', { priority: 1 }),
  column('open', 'Open', 'count', { priority: 2 }),
  column('stalled_pct', 'Stalled %', 'percent', { priority: 2 }),
  column('median_days', 'Median days', 'days', { priority: 3 }),
  column('p75_days', 'P75 days', 'days', { priority: 3 }),
  column('stall_after_days', 'Stall after', 'days', { priority: 4 }),
];

interface StageCounts {
  reached: number;
  advanced: number;
  lost: number;
  stalled: number;
  open: number;
  /** Days from entering this stage to entering the next, for those that advanced with both dates known. */
  days: number[];
}

/** The stage counts of each list of leads, made once: funnel, summary and stalls all ask for every lead's. */
const counted = new WeakMap<RowList<ClassifiedLead>, readonly Readonly<StageCounts>[]>();

function emptyCounts(n: number): StageCounts[] {
  return Array.from({ length: n }, () => ({ reached: 0, advanced: 0, lost: 0, stalled: 0, open: 0, days: [] }));
}

function stageRow(counts: Readonly<StageCounts>, last: boolean, stallAfterDays: number | undefined): Row {
  const interval = last ? null : wilson(counts.advanced, counts.reached);
  const days = counts.days.length === 0 ? undefined : quantiles(counts.days, [0.5, 0.75]);
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

export function countStages(leads: RowList<ClassifiedLead>, stageCount: number): readonly Readonly<StageCounts>[] {
  const known = counted.get(leads);
  if (known !== undefined && known.length === stageCount) return known;
  const counts = emptyCounts(stageCount);
  for (const lead of leads) {
    for (let i = 0; i <= lead.furthest; i++) {
      const c = counts[i]!;
      c.reached++;
      if (i < lead.furthest) {
        c.advanced++;
        // NaN (no date to measure from) fails the test.
        const d = lead.measuredEntry(i + 1) - lead.measuredEntry(i);
        if (d >= 0) c.days.push(d);
      } else if (i < stageCount - 1) {
        if (lead.outcome === 'lost') c.lost++;
        else if (lead.stalled) c.stalled++;
        else c.open++;
      }
    }
  }
  counted.set(leads, counts);
  return counts;
}

export function funnel(data: AuditData): Report[] {
  const reports: Report[] = [];
  if (data.leads !== null) reports.push(leadFunnel(data, data.leads));
  if (data.deals !== null && data.rubric.deals.stages.length > 0) reports.push(pipeline(data, data.deals));
  return reports;
}

function leadFunnel(data: AuditData, leads: RowList<ClassifiedLead>): Report {
  const { rubric } = data;
  const stages = rubric.stages;
  const group = data.group.explicit ? data.group : undefined;
  const rows: Row[] = [];
  const groups = new Map<string, RowList<ClassifiedLead>>();
  if (group) {
    const lists = new Map<string, ClassifiedLead[]>();
    for (const lead of leads) {
      const g = group.ofLead(lead);
      const list = lists.get(g);
      if (list) list.push(lead);
      else lists.set(g, [lead]);
    }
    for (const [g, list] of lists) groups.set(g, list);
  } else groups.set('', leads);
  const names = [...groups.keys()].sort((a, b) => groups.get(b)!.length - groups.get(a)!.length || compareText(a, b));
  for (const name of names) {
    const counts = countStages(groups.get(name)!, stages.length);
    stages.forEach((stage, i) => {
      rows.push({
        ...(group ? { [group.key]: name } : {}),
        stage: stage.key,
        label: stage.label,
        ...stageRow(counts[i]!, i === stages.length - 1, stage.stallAfterDays),
        side: stage.side,
      });
    });
  }
  const columns: Column[] = [
    ...(group ? [column(group.key, group.label, 'text', { fromInput: true, priority: 1 })] : []),
    column('stage', 'Stage', 'text', { priority: 1 }),
    column('label', 'Label', 'text', { priority: 6 }),
    ...STAGE_COLUMNS,
  ];
  const notes: string[] = [
    `Conversion = advanced / reached, with its 95% Wilson interval. Stalled = open and idle longer than the stage's threshold as of ${isoDate(data.asOf)}.`,
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

/** How far a deal got in the pipeline: its stage, or for a closed deal the last stage with a date. */
function dealFurthest(deal: Deal, stageCount: number): number {
  if (deal.outcome === 'won') return stageCount;
  let furthest = deal.stageIndex;
  for (let k = stageCount - 1; k > furthest; k--) {
    if (!Number.isNaN(deal.enteredStage(k))) {
      furthest = k;
      break;
    }
  }
  // A lost deal with no stage history is counted as lost at the first stage.
  if (furthest < 0 && deal.outcome === 'lost') furthest = 0;
  return furthest;
}

export interface DealState {
  readonly furthest: number;
  readonly stalled: boolean;
  readonly daysInStage: number;
}

/** Where each deal stands in the pipeline and whether it is stalled (SPEC §5.4 for deals). */
export function dealState(deal: Deal, data: AuditData): DealState {
  const stages = data.rubric.deals.stages;
  const furthest = dealFurthest(deal, stages.length);
  if (deal.outcome !== 'open' || furthest < 0 || furthest >= stages.length) return { furthest, stalled: false, daysInStage: NaN };
  const entered = deal.enteredStage(furthest);
  let since = Number.isNaN(entered) ? deal.lastActivity : Number.isNaN(deal.lastActivity) ? entered : Math.max(entered, deal.lastActivity);
  if (Number.isNaN(since)) since = deal.created;
  const daysInStage = Number.isNaN(since) ? NaN : data.asOf - since;
  const threshold = stages[furthest]!.stallAfterDays;
  return { furthest, stalled: threshold !== undefined && daysInStage > threshold, daysInStage };
}

function pipeline(data: AuditData, deals: RowList<Deal>): Report {
  const stages = data.rubric.deals.stages;
  const counts = emptyCounts(stages.length + 1);
  const outside = new Map<string, number>();
  for (const deal of deals) {
    const state = dealState(deal, data);
    if (state.furthest < 0) {
      outside.set(deal.stage || '(empty)', (outside.get(deal.stage || '(empty)') ?? 0) + 1);
      continue;
    }
    for (let k = 0; k <= state.furthest; k++) {
      const c = counts[k]!;
      c.reached++;
      if (k < state.furthest) {
        c.advanced++;
        const from = deal.enteredStage(k);
        const to = k + 1 < stages.length ? deal.enteredStage(k + 1) : deal.closed;
        if (!Number.isNaN(from) && !Number.isNaN(to) && to >= from) c.days.push(to - from);
      } else if (k < stages.length) {
        if (deal.outcome === 'lost') c.lost++;
        else if (state.stalled) c.stalled++;
        else c.open++;
      }
    }
  }
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
    columns: [column('stage', 'Stage', 'text', { fromInput: true, priority: 1 }), ...STAGE_COLUMNS.filter((c) => c.key !== 'side')],
    rows,
    notes,
  };
}

/**
 * `leadaudit funnel --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
export const help = {
  description: 'One row per stage: reached, advanced, conversion (95% Wilson interval), lost, stalled, open, days to the next stage. With deals, also the deal pipeline.',
  examples: ['leadaudit funnel contacts.csv deals.csv', 'leadaudit funnel contacts.csv deals.csv --by owner --format csv > funnel.csv'],
};
