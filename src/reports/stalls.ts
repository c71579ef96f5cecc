/**
 * stalls (docs/reports.md): the follow-up list — one row per stalled lead and per stalled open
 * deal, sales side first, then the most days over the stage's threshold.
 */
import type { Column, Report, Row } from '../model.js';
import type { AuditFacts } from '../engine/facts.js';
import { column, compareText, plural, type ReportSpec } from './context.js';

function build(data: AuditFacts): Report[] {
  if (!data.rows) throw new Error('stalls: the facts were folded without their rows');
  const rows: Row[] = [];
  const { rubric } = data;
  for (const c of data.leads?.stalled ?? []) {
    const stage = rubric.stages[c.stage]!;
    const threshold = stage.stallAfterDays!;
    rows.push({
      kind: 'lead',
      lead_id: c.id,
      deal_id: null,
      name: c.name,
      email: c.email,
      channel: c.channel,
      grade: c.grade,
      stage: stage.key,
      side: stage.side,
      days_in_stage: c.daysInStage,
      stall_after_days: threshold,
      days_over: c.daysInStage - threshold,
      owner: c.owner,
      open_amount: c.openAmount,
    });
  }
  for (const d of data.deals?.stalled ?? []) {
    const stage = rubric.deals.stages[d.stage]!;
    const lead = data.leads?.dealLeads.get(d.index);
    rows.push({
      kind: 'deal',
      lead_id: lead?.id ?? null,
      deal_id: d.id,
      name: lead?.name ?? null,
      email: lead?.email ?? null,
      channel: lead?.channel ?? null,
      grade: lead?.grade ?? null,
      stage: stage.label,
      side: 'sales',
      days_in_stage: d.daysInStage,
      stall_after_days: stage.stallAfterDays!,
      days_over: d.daysInStage - stage.stallAfterDays!,
      owner: d.owner || lead?.owner || '',
      open_amount: Number.isNaN(d.amount) ? null : d.amount,
    });
  }
  rows.sort(
    (a, b) =>
      (a.side === 'sales' ? 0 : 1) - (b.side === 'sales' ? 0 : 1) ||
      (b.days_over as number) - (a.days_over as number) ||
      compareText(String(a.lead_id ?? a.deal_id), String(b.lead_id ?? b.deal_id)) ||
      compareText(String(a.deal_id ?? ''), String(b.deal_id ?? '')),
  );
  const text = (key: string, label: string, priority: number) => column(key, label, 'text', { fromInput: true, priority });
  const columns: Column[] = [
    column('kind', 'Kind', 'text', { priority: 5 }),
    text('lead_id', 'Lead', 1),
    text('deal_id', 'Deal', 4),
    text('name', 'Name', 2),
    text('email', 'Email', 6),
    text('channel', 'Channel', 4),
    column('grade', 'Grade', 'text', { priority: 3 }),
    text('stage', 'Stage', 1),
    column('side', 'Side', 'text', { priority: 5 }),
    column('days_in_stage', 'Days in stage', 'days', { priority: 2 }),
    column('stall_after_days', 'Stall after', 'days', { priority: 4 }),
    column('days_over', 'Days over', 'days', { priority: 1 }),
    text('owner', 'Owner', 1),
    column('open_amount', 'Open amount', 'money', { priority: 3 }),
  ];
  const notes = [...stallLines(data), 'Open amount: a stalled deal\'s own amount; on a lead row, its open deals that are not listed themselves (so the column adds up).'];
  return [{ name: 'stalls', title: 'Stalled leads and deals', columns, rows, notes }];
}

/**
 * The configured thresholds next to the data's own line: the 75th percentile of days to advance
 * among leads that did advance from the stage.
 */
function stallLines(data: AuditFacts): string[] {
  const notes: string[] = [];
  if (data.leads !== null) {
    const counts = data.leads.all.stages;
    data.rubric.stages.forEach((s, i) => {
      if (s.stallAfterDays === undefined) return;
      const days = counts[i]!.days;
      const own = days.size === 0 ? 'no lead has advanced from it with dates to measure' : `the data's own line is ${Math.round(days.quantile(0.75))} days (75th percentile of days to advance, ${plural(days.size, 'lead')})`;
      notes.push(`${s.key}: stalled after ${s.stallAfterDays} days (rubric); ${own}.`);
    });
  }
  if (data.deals !== null && data.rubric.deals.stages.some((s) => s.stallAfterDays !== undefined)) {
    notes.push('Deals stall the same way, from the later of their stage\'s entered date and their last activity (else their created date).');
  }
  return notes;
}

/**
 * `leadaudit stalls --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'The follow-up list: every stalled lead and stalled open deal, sales side first, most days over the threshold first, with owner and open amount.',
  examples: ['leadaudit stalls contacts.csv deals.csv --format csv > follow-up.csv', 'leadaudit stalls contacts.csv deals.csv --as-of 2025-06-30 | head -20'],
};

export const stalls = { build, help } satisfies ReportSpec;
