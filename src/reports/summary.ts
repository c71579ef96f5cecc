/**
 * summary (docs/reports.md): row accounting, the headline rates, the biggest leak, and the best and worst
 * channels — only those with enough leads whose difference from the rest is significant.
 */
import { reasonText, type Column, type FileAccounting, type Report, type Row } from '../model.js';
import type { AuditFacts } from '../engine/facts.js';
import { column, compareText, ratio, unreachableWon, type ReportSpec } from './context.js';
import { handoffStage } from '../rubric/resolve.js';
import { verdicts } from './verdicts.js';
import { horizonDays, horizonNote, winCounts } from './horizon.js';
import { wilson } from './stats.js';
import { differences } from './compare.js';

function accountingRows(prefix: string, file: FileAccounting | null): { columns: Column[]; row: Row } {
  if (file === null) return { columns: [], row: {} };
  const columns = [
    column(`${prefix}_read`, `${prefix === 'leads' ? 'Lead' : 'Deal'} rows read`, 'count'),
    column(`${prefix}_used`, '  used', 'count'),
    column(`${prefix}_rejected`, '  rejected', 'count'),
    column(`${prefix}_skipped`, '  skipped', 'count'),
  ];
  const row: Row = {
    [`${prefix}_read`]: file.read,
    [`${prefix}_used`]: file.used,
    [`${prefix}_rejected`]: file.rejected,
    [`${prefix}_skipped`]: file.skipped,
  };
  if (file.attributed !== undefined && file.attributed !== null) {
    columns.push(column(`${prefix}_attributed`, '  attributed', 'count'), column(`${prefix}_unattributed`, '  unattributed', 'count'));
    row[`${prefix}_attributed`] = file.attributed;
    row[`${prefix}_unattributed`] = file.unattributed ?? null;
  }
  return { columns, row };
}

function reasonsNote(name: string, file: FileAccounting | null): string | undefined {
  if (file === null) return undefined;
  const reasons = Object.entries(file.reasons).map(([r, n]): [string, number] => [reasonText(r), n ?? 0]);
  reasons.sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
  if (reasons.length === 0) return undefined;
  return `${name} (${file.file}): ${reasons.map(([r, n]) => `${n} ${r}`).join(', ')}.`;
}

function build(data: AuditFacts): Report[] {
  const leadsAcc = accountingRows('leads', data.inputs.leads);
  const dealsAcc = accountingRows('deals', data.inputs.deals);
  const columns: Column[] = [];
  const row: Row = {};
  const notes: string[] = [];
  const { rubric } = data;

  if (data.leads !== null) {
    const all = data.leads.all;
    const { qualified, handedOff, won, lost, stalled } = all.tally;
    const n = all.tally.leads;
    const handoff = handoffStage(rubric);
    // Win rates at the run's horizon (docs/reports.md, "Rates at a horizon"), as in sources.
    const rate = winCounts(data, all.tally, n);
    const interval = wilson(rate.x, rate.n);
    // The biggest leak: the stage that loses the most leads to lost + stalled.
    const counts = all.stages;
    let leak = -1;
    counts.slice(0, -1).forEach((c, i) => {
      if (c.lost + c.stalled > 0 && (leak < 0 || c.lost + c.stalled > counts[leak]!.lost + counts[leak]!.stalled)) leak = i;
    });
    // Best and worst channel: significant among the channels tested (--min-n at the horizon), as in sources.
    const channels = [...data.leads.byChannel].map(([name, t]) => ({ name, ...winCounts(data, t, t.leads) }));
    const marks = differences(channels, data.minN);
    const candidates = channels
      .map((c, i) => ({ name: c.name, rate: c.x / c.n, mark: marks[i]!.mark }))
      .filter((c) => c.mark !== '')
      .sort((a, b) => b.rate - a.rate || compareText(a.name, b.name));
    const best = candidates.find((c) => c.mark === '+');
    const worst = [...candidates].reverse().find((c) => c.mark === '-');
    columns.push(
      column('leads', 'Leads', 'count'),
      column('qualified_pct', 'Qualified', 'percent'),
      column('handoff_pct', 'Handed off to sales', 'percent'),
      column('won', 'Won', 'count'),
      column('won_so_far', 'Won so far', 'percent'),
      column('win_rate', horizonDays(data) === null ? 'Win rate' : `Win rate (${horizonDays(data)} days)`, 'percent'),
      column('win_rate_low', '  95% interval low', 'percent'),
      column('win_rate_high', '  95% interval high', 'percent'),
      column('won_revenue', 'Won revenue', 'money'),
      column('lost', 'Lost', 'count'),
      column('stalled', 'Stalled', 'count'),
      column('biggest_leak', 'Biggest leak', 'text'),
      column('biggest_leak_leads', '  leads lost or stalled there', 'count'),
      column('best_channel', 'Best channel', 'text', { fromInput: true }),
      column('best_channel_win_rate', '  its win rate', 'percent'),
      column('worst_channel', 'Worst channel', 'text', { fromInput: true }),
      column('worst_channel_win_rate', '  its win rate', 'percent'),
    );
    Object.assign(row, {
      leads: n,
      qualified_pct: rubric.signals.length > 0 ? ratio(qualified, n) : null,
      handoff_pct: handoff >= 0 ? ratio(handedOff, n) : null,
      won,
      won_so_far: ratio(won, n),
      win_rate: ratio(rate.x, rate.n),
      win_rate_low: interval?.low ?? null,
      win_rate_high: interval?.high ?? null,
      won_revenue: data.deals === null ? null : all.tally.wonRevenue + data.deals.unattributed.wonRevenue,
      lost,
      stalled,
      biggest_leak: leak >= 0 ? rubric.stages[leak]!.key : null,
      biggest_leak_leads: leak >= 0 ? counts[leak]!.lost + counts[leak]!.stalled : null,
      best_channel: best?.name ?? null,
      best_channel_win_rate: best?.rate ?? null,
      worst_channel: worst?.name ?? null,
      worst_channel_win_rate: worst?.rate ?? null,
    });
    const lines = verdicts(data);
    for (const v of lines) {
      const topic = v.topic.split(' ')[0]!;
      const key = `verdict_${topic}`;
      columns.push(column(key, v.topic === 'rubric check' ? 'Rubric check' : `${v.topic[0]!.toUpperCase()}${v.topic.slice(1)}`, 'text'));
      row[key] = v.names.length > 0 ? `${v.finding} (${v.names.join(', ')})` : v.finding;
      // The gap in money (docs/verdicts.md, "Revenue at risk"), where the run can price it.
      if (v.topic === 'rubric check' || v.numbers.revenue_at_risk === null) continue;
      columns.push(column(`${topic}_at_risk`, '  revenue at risk', 'money'), column(`${topic}_at_risk_low`, '    95% interval low', 'money'), column(`${topic}_at_risk_high`, '    95% interval high', 'money'));
      Object.assign(row, { [`${topic}_at_risk`]: v.numbers.revenue_at_risk, [`${topic}_at_risk_low`]: v.numbers.revenue_at_risk_low, [`${topic}_at_risk_high`]: v.numbers.revenue_at_risk_high });
    }
    notes.push(horizonNote(data), ...lines.map((v) => v.text));
    if (rubric.signals.length === 0) notes.push('Qualified: the rubric has no score signals, so no lead is graded.');
    const unseen = unreachableWon(data);
    if (unseen) notes.push(`Best and worst channel: not judged: ${unseen.cause} (no lead can reach stage "${unseen.key}").`);
    else if (!best && !worst) {
      notes.push(`Best and worst channel: none differs significantly from the rest among channels with at least ${data.minN} leads${horizonDays(data) === null ? '' : ` ${horizonDays(data)} days old`}.`);
    }
    const unattributed = data.deals?.unattributed.deals ?? 0;
    if (unattributed > 0) notes.push(`Won revenue includes deals that match no lead (${unattributed} unattributed deals).`);
  } else if (data.deals !== null) {
    const { deals, won, lost, stalled, wonRevenue: revenue, pricedDeals: priced } = data.deals.all;
    const rate = winCounts(data, data.deals.all, deals);
    const interval = wilson(rate.x, rate.n);
    columns.push(
      column('deals', 'Deals', 'count'),
      column('won', 'Won', 'count'),
      column('lost', 'Lost', 'count'),
      column('open', 'Open', 'count'),
      column('stalled', 'Stalled', 'count'),
      column('won_so_far', 'Won so far (won / deals)', 'percent'),
      column('win_rate', horizonDays(data) === null ? 'Win rate' : `Win rate (${horizonDays(data)} days)`, 'percent'),
      column('win_rate_low', '  95% interval low', 'percent'),
      column('win_rate_high', '  95% interval high', 'percent'),
      column('close_rate', 'Close rate (won / closed)', 'percent'),
      column('won_revenue', 'Won revenue', 'money'),
      column('avg_deal', 'Average won deal', 'money'),
    );
    Object.assign(row, {
      deals,
      won,
      lost,
      open: deals - won - lost,
      stalled,
      won_so_far: ratio(won, deals),
      win_rate: ratio(rate.x, rate.n),
      win_rate_low: interval?.low ?? null,
      win_rate_high: interval?.high ?? null,
      close_rate: ratio(won, won + lost),
      won_revenue: revenue,
      avg_deal: ratio(revenue, priced),
    });
    notes.push('No leads file: deals are the unit; the lead reports (matrix, signals, cohorts) need a leads export and are left out.', horizonNote(data, 'deals'));
    if (priced < won) notes.push(`${won - priced} won deal${won - priced === 1 ? ' has' : 's have'} no amount: counted as won, left out of revenue and the average.`);
  }
  if (data.caveats.staleAsOf !== undefined) notes.push(`Stalls: ${data.caveats.staleAsOf}.`);
  columns.push(...leadsAcc.columns, ...dealsAcc.columns);
  Object.assign(row, leadsAcc.row, dealsAcc.row);
  for (const note of [reasonsNote('Lead rows not used', data.inputs.leads), reasonsNote('Deal rows not used', data.inputs.deals)]) {
    if (note) notes.push(note);
  }
  return [{ name: 'summary', title: 'Summary', columns, rows: [row], notes, layout: 'record' }];
}

/**
 * The currency codes of the won deals (upper case, sorted): what the won revenue is in. Empty when
 * the deals have no currency column or no won deal names one. Several mean amounts were added
 * without conversion (src/data/deal-sink.ts warns of it when reading).
 */
export function wonCurrencies(data: AuditFacts): string[] {
  return [...(data.deals?.currencies ?? [])].sort();
}

export const summary = { build } satisfies ReportSpec;
