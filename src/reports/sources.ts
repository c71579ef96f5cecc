/**
 * sources (docs/reports.md): which channels actually close. One row per channel (or --by group), by
 * won revenue then leads. In a deals-only run each deal is the unit and rows are deal groups.
 */
import type { Column, Report, Row } from '../model.js';
import type { AuditFacts, DealFacts, LeadFacts, LeadTally } from '../engine/facts.js';
import { byDescending, column, compareText, ratio, type ReportSpec } from './context.js';
import { handoffStage, opportunityStage } from '../rubric/resolve.js';
import { differences } from './compare.js';
import { wilson } from './stats.js';
import { hasHorizon, horizon, horizonNote, winCounts, youngNote } from './horizon.js';

export const UNATTRIBUTED = '(unattributed)';

/** --spend: spend, cost per lead and per win, and return on ad spend (won revenue / spend). */
function spendColumns(data: AuditFacts, name: string, t: LeadTally): Row {
  if (data.spend === null) return {};
  const spend = data.spend.get(name);
  if (spend === undefined) return { spend: null, cost_per_lead: null, cost_per_win: null, roas: null };
  return {
    spend,
    cost_per_lead: ratio(spend, t.leads),
    cost_per_win: ratio(spend, t.won),
    roas: data.deals === null ? null : ratio(t.wonRevenue, spend),
  };
}

/** Groups in report order: won revenue, then leads (or deals), descending; ties by name. */
function ranked<T extends { wonRevenue: number }>(groups: Iterable<[string, T]>, size: (t: T) => number): { name: string; t: T }[] {
  return byDescending(
    [...groups].map(([name, t]) => ({ name, t })).sort((a, b) => compareText(a.name, b.name)),
    (g) => g.t.wonRevenue,
    (g) => size(g.t),
  );
}

function build(facts: AuditFacts): Report[] {
  if (facts.leads !== null) return [leadSources(facts, facts.leads)];
  if (facts.deals !== null) return [dealSources(facts, facts.deals)];
  return [];
}

function leadSources(data: AuditFacts, leads: LeadFacts): Report {
  const { rubric, group } = data;
  const handoff = handoffStage(rubric);
  const opportunity = opportunityStage(rubric);
  const total = leads.all.tally;
  const unattributed = data.deals?.unattributed ?? { deals: 0, won: 0, wonRevenue: 0, wonRevenueLow: 0, pricedDeals: 0 };
  const revenue = total.wonRevenue + unattributed.wonRevenue;
  const overallCounts = winCounts(data, total, total.leads);
  const overall = ratio(overallCounts.x, overallCounts.n);
  // Without score signals every lead scores 0: "qualified" would mean nothing.
  const scored = rubric.signals.length > 0;

  const order = ranked([...leads.byGroup].map(([name, g]): [string, LeadTally] => [name, g.tally]), (t) => t.leads);
  const rates = order.map(({ t }) => winCounts(data, t, t.leads));
  const marks = differences(rates, data.minN);
  const h = horizon(data);
  const young = hasHorizon(h) ? order.filter((_, i) => rates[i]!.n < data.minN).map((g) => g.name) : [];
  const rows: Row[] = order.map(({ name, t }, i) => {
    const { x, n } = rates[i]!;
    const interval = wilson(x, n);
    // Revenue needs deals: a leads-only run has none to add up (null, not 0).
    const money = (x: number | null) => (data.deals === null ? null : x);
    return {
      [group.key]: name,
      leads: t.leads,
      qualified_pct: scored ? ratio(t.qualified, t.leads) : null,
      handoff_pct: handoff >= 0 ? ratio(t.handedOff, t.leads) : null,
      opportunity_pct: opportunity >= 0 ? ratio(t.opportunity, t.leads) : null,
      won: t.won,
      won_so_far: ratio(t.won, t.leads),
      horizon_leads: hasHorizon(h) ? n : null,
      win_rate: ratio(x, n),
      win_rate_low: interval?.low ?? null,
      win_rate_high: interval?.high ?? null,
      close_rate: ratio(t.won, t.won + t.lost),
      won_revenue: money(t.wonRevenue),
      revenue_per_lead: money(ratio(t.wonRevenue, t.leads)),
      avg_deal: money(ratio(t.wonRevenue, t.pricedDeals)),
      median_days_to_win: t.daysToWin.size === 0 ? null : t.daysToWin.median(),
      lead_share: ratio(t.leads, total.leads),
      revenue_share: money(ratio(t.wonRevenue, revenue)),
      signif: marks[i]!.mark,
      low_n: n < data.minN,
      ...spendColumns(data, name, t),
    };
  });
  if (data.deals !== null && unattributed.deals > 0) {
    rows.push({
      [group.key]: UNATTRIBUTED,
      leads: 0,
      qualified_pct: null,
      handoff_pct: null,
      opportunity_pct: null,
      won: unattributed.won,
      won_so_far: null,
      horizon_leads: null,
      win_rate: null,
      win_rate_low: null,
      win_rate_high: null,
      close_rate: null,
      won_revenue: unattributed.wonRevenue,
      revenue_per_lead: null,
      avg_deal: ratio(unattributed.wonRevenue, unattributed.pricedDeals),
      median_days_to_win: null,
      lead_share: null,
      revenue_share: ratio(unattributed.wonRevenue, revenue),
      signif: '',
      low_n: false,
      ...(data.spend === null ? {} : { spend: null, cost_per_lead: null, cost_per_win: null, roas: null }),
    });
  }
  const columns: Column[] = [
    column(group.key, group.label, 'text', { fromInput: true, priority: 1 }),
    column('leads', 'Leads', 'count', { priority: 1 }),
    column('qualified_pct', 'Qualified', 'percent', { priority: 3, baseline: ratio(total.qualified, total.leads) ?? undefined }),
    column('handoff_pct', 'Handoff', 'percent', { priority: 3, baseline: ratio(total.handedOff, total.leads) ?? undefined }),
    column('opportunity_pct', 'Opportunity', 'percent', { priority: 5 }),
    column('won', 'Won', 'count', { priority: 1 }),
    column('won_so_far', 'Won so far', 'percent', { priority: 4 }),
    column('horizon_leads', hasHorizon(h) ? `Leads ≥${h.days}d` : 'Leads at H', 'count', { priority: 4 }),
    column('win_rate', hasHorizon(h) ? `Win ≤${h.days}d` : 'Win rate', 'percent', { priority: 1, baseline: overall ?? undefined }),
    column('win_rate_low', 'Win low', 'percent', { priority: 4 }),
    column('win_rate_high', 'Win high', 'percent', { priority: 4 }),
    column('close_rate', 'Close rate', 'percent', { priority: 5 }),
    column('won_revenue', 'Won revenue', 'money', { priority: 2 }),
    column('revenue_per_lead', 'Rev/lead', 'money', { priority: 5 }),
    column('avg_deal', 'Avg deal', 'money', { priority: 6 }),
    column('median_days_to_win', 'Days to win', 'days', { priority: 6 }),
    column('lead_share', 'Lead share', 'percent', { priority: 7 }),
    column('revenue_share', 'Rev share', 'percent', { priority: 7 }),
    column('signif', 'Sig', 'text', { priority: 2 }),
    column('low_n', `n<${data.minN}`, 'flag', { priority: 3 }),
    ...(data.spend === null
      ? []
      : [
          column('spend', 'Spend', 'money', { priority: 2 }),
          column('cost_per_lead', 'Cost/lead', 'money', { priority: 3 }),
          column('cost_per_win', 'Cost/win', 'money', { priority: 2 }),
          column('roas', 'ROAS', 'number', { priority: 2 }),
        ]),
  ];
  const unit = hasHorizon(h) ? `leads ${h.days} days old` : 'leads';
  const notes = [
    horizonNote(data),
    `Win rate with its 95% Wilson interval; won so far = won / leads; close rate = won / (won + lost). Sig: + or - when a ${group.label.toLowerCase()}'s win rate differs from all other leads' at p < 0.05 (z-test, or Fisher's exact test when an expected count is under 5), Holm-adjusted over the rows tested: those with at least ${data.minN} ${unit} (--min-n).`,
    `n<${data.minN}: fewer than ${data.minN} ${unit}; read its rates with care.`,
  ];
  const yet = youngNote(young, data.minN, unit);
  if (yet !== undefined) notes.push(yet);
  // Whole deals: shares of split deals (join.shared: all) add up to whole ones, up to rounding.
  const unpriced = Math.round(total.wonDeals - total.pricedDeals + unattributed.won - unattributed.pricedDeals);
  if (unpriced > 0) notes.push(`${unpriced} won deal${unpriced === 1 ? ' has' : 's have'} no amount: counted as won, left out of revenue and the average deal.`);
  if (data.deals !== null && unattributed.deals > 0) {
    notes.push(`${UNATTRIBUTED}: ${unattributed.deals} deal${unattributed.deals === 1 ? '' : 's'} matching no lead; its "won" counts won deals.`);
  }
  return { name: 'sources', title: `Sources by ${group.label}`, columns, rows, notes };
}

// ---------------------------------------------------------------- deals-only

function dealSources(data: AuditFacts, deals: DealFacts): Report {
  // Without --by, deals group by owner; a --by that means nothing for deals was refused in load.
  const key = data.group.ofDeals ? data.group.key : 'owner';
  const label = data.group.ofDeals ? data.group.label : 'Owner';
  const total = deals.all;
  const order = ranked(deals.byGroup, (t) => t.deals);
  const rates = order.map(({ t }) => winCounts(data, t, t.deals));
  const marks = differences(rates, data.minN);
  const h = horizon(data);
  const unit = hasHorizon(h) ? `deals ${h.days} days old` : 'deals';
  const young = hasHorizon(h) ? order.filter((_, i) => rates[i]!.n < data.minN).map((g) => g.name) : [];
  const overall = winCounts(data, total, total.deals);
  const rows: Row[] = order.map(({ name, t }, i) => {
    const { x, n } = rates[i]!;
    const interval = wilson(x, n);
    return {
      [key]: name,
      deals: t.deals,
      won: t.won,
      lost: t.lost,
      open: t.deals - t.won - t.lost,
      won_so_far: ratio(t.won, t.deals),
      horizon_deals: hasHorizon(h) ? n : null,
      win_rate: ratio(x, n),
      win_rate_low: interval?.low ?? null,
      win_rate_high: interval?.high ?? null,
      close_rate: ratio(t.won, t.won + t.lost),
      won_revenue: t.wonRevenue,
      avg_deal: ratio(t.wonRevenue, t.pricedDeals),
      median_days_to_win: t.daysToWin.size === 0 ? null : t.daysToWin.median(),
      deal_share: ratio(t.deals, total.deals),
      revenue_share: ratio(t.wonRevenue, total.wonRevenue),
      signif: marks[i]!.mark,
      low_n: n < data.minN,
    };
  });
  const columns: Column[] = [
    column(key, label, 'text', { fromInput: true, priority: 1 }),
    column('deals', 'Deals', 'count', { priority: 1 }),
    column('won', 'Won', 'count', { priority: 1 }),
    column('lost', 'Lost', 'count', { priority: 3 }),
    column('open', 'Open', 'count', { priority: 3 }),
    column('won_so_far', 'Won so far', 'percent', { priority: 4 }),
    column('horizon_deals', hasHorizon(h) ? `Deals ≥${h.days}d` : 'Deals at H', 'count', { priority: 4 }),
    column('win_rate', hasHorizon(h) ? `Win ≤${h.days}d` : 'Win rate', 'percent', { priority: 1, baseline: ratio(overall.x, overall.n) ?? undefined }),
    column('win_rate_low', 'Win low', 'percent', { priority: 4 }),
    column('win_rate_high', 'Win high', 'percent', { priority: 4 }),
    column('close_rate', 'Close rate', 'percent', { priority: 2, baseline: ratio(total.won, total.won + total.lost) ?? undefined }),
    column('won_revenue', 'Won revenue', 'money', { priority: 2 }),
    column('avg_deal', 'Avg deal', 'money', { priority: 5 }),
    column('median_days_to_win', 'Days to win', 'days', { priority: 5 }),
    column('deal_share', 'Deal share', 'percent', { priority: 6 }),
    column('revenue_share', 'Rev share', 'percent', { priority: 6 }),
    column('signif', 'Sig', 'text', { priority: 2 }),
    column('low_n', `n<${data.minN}`, 'flag', { priority: 3 }),
  ];
  const unpriced = total.won - total.pricedDeals;
  return {
    name: 'sources',
    title: `Deals by ${label}`,
    columns,
    rows,
    notes: [
      'No leads file: each deal is the unit. Won so far = won / deals; close rate = won / (won + lost); days to win from the deal\'s created to its closed date.',
      horizonNote(data, 'deals'),
      `Sig: + or - when a group's win rate differs from all other deals' at p < 0.05, Holm-adjusted over the rows tested: those with at least ${data.minN} ${unit} (--min-n). n<${data.minN}: fewer than ${data.minN} ${unit}.`,
      ...[youngNote(young, data.minN, unit)].filter((note) => note !== undefined),
      ...(unpriced > 0 ? [`${unpriced} won deal${unpriced === 1 ? ' has' : 's have'} no amount: counted as won, left out of revenue and the average deal.`] : []),
    ],
  };
}

/**
 * `leadaudit sources --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'One row per channel (or --by group): leads, qualified %, handoff %, won, win rate with its interval, revenue, and whether it differs significantly from the rest.',
  examples: ['leadaudit sources contacts.csv deals.csv', 'leadaudit sources leads.csv --by "Lead Source" --format csv > sources.csv'],
};

export const sources = { build, help } satisfies ReportSpec;
