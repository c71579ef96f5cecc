/**
 * owners (docs/reports.md): one row per owner — what they were given, what they handed on and closed,
 * how fast they touched and won, and how many they let stall.
 */
import type { Column, Report, Row } from '../model.js';
import type { AuditFacts, DealFacts, DealTally } from '../engine/facts.js';
import { differences } from './compare.js';
import { column, compareText, ratio, type ReportSpec } from './context.js';
import { horizonDays, horizonNote, leadRates, winCounts } from './horizon.js';

function build(data: AuditFacts): Report[] {
  if (data.leads === null) return data.deals === null ? [] : [dealOwners(data, data.deals)];
  const groups = data.leads.byOwner;
  const touches = data.leads.touchByOwner;
  const names = [...groups.keys()].sort((a, b) => groups.get(b)!.leads - groups.get(a)!.leads || compareText(a, b));
  // Which owners let significantly more of their qualified handoffs stall in sales stages.
  const marks = differences(names.map((n) => ({ x: groups.get(n)!.stalledQualifiedSales, n: groups.get(n)!.qualifiedHandedOff })), data.minN);
  const rows: Row[] = names.map((name, i) => {
    const t = groups.get(name)!;
    const touch = touches.get(name);
    const at = leadRates(data, t);
    return {
      owner: name,
      leads: t.leads,
      qualified: t.qualified,
      handed_off: t.handedOff,
      won: t.won,
      win_rate_qualified: ratio(at.won.qualified, at.all.qualified),
      median_days_to_first_touch: touch === undefined ? null : touch.median(),
      median_days_to_win: t.daysToWin.size === 0 ? null : t.daysToWin.median(),
      stalled: t.stalled,
      stalled_qualified_sales: t.stalledQualifiedSales,
      stall_signif: marks[i]!.mark,
      low_n: t.leads < data.minN,
    };
  });
  const columns: Column[] = [
    column('owner', 'Owner', 'text', { fromInput: true, priority: 1 }),
    column('leads', 'Leads', 'count', { priority: 1 }),
    column('qualified', 'Qualified', 'count', { priority: 2 }),
    column('handed_off', 'Handed off', 'count', { priority: 2 }),
    column('won', 'Won', 'count', { priority: 1 }),
    column('win_rate_qualified', horizonDays(data) === null ? 'Win rate (qualified)' : `Win ≤${horizonDays(data)}d (qualified)`, 'percent', { priority: 1 }),
    column('median_days_to_first_touch', 'Days to touch', 'days', { priority: 3 }),
    column('median_days_to_win', 'Days to win', 'days', { priority: 3 }),
    column('stalled', 'Stalled', 'count', { priority: 2 }),
    column('stalled_qualified_sales', 'Qualified stalled (sales)', 'count', { priority: 1 }),
    column('stall_signif', 'Sig', 'text', { priority: 1 }),
    column('low_n', `n<${data.minN}`, 'flag', { priority: 4 }),
  ];
  const tested = marks.filter((m) => m.tested).length;
  const notes = [
    horizonNote(data),
    'Win rate (qualified): the qualified leads\' win rate. Qualified stalled (sales): qualified leads left open past a sales stage\'s threshold (every lead, not only those old enough).',
    tested === 0
      ? `Sig: no owner had ${data.minN} qualified handoffs to compare (--min-n).`
      : `Sig: + when an owner's qualified handoffs stall in sales stages more often than other owners' (p < 0.05), - when less; Holm-adjusted over the ${tested} owner${tested === 1 ? '' : 's'} tested, those with at least ${data.minN} qualified handoffs (--min-n).`,
  ];
  if (!data.leads.hasFirstTouch) notes.push('Days to touch: no lead has a first-touch date (map one with leads.columns.firstTouch in the rubric).');
  return [{ name: 'owners', title: 'Owners', columns, rows, notes }];
}

/** Deals-only: owners of deals, with the deal as the unit. */
function dealOwners(data: AuditFacts, deals: DealFacts): Report {
  const groups: ReadonlyMap<string, DealTally> = deals.byOwner;
  const names = [...groups.keys()].sort((a, b) => groups.get(b)!.deals - groups.get(a)!.deals || compareText(a, b));
  const rates = names.map((n) => winCounts(data, groups.get(n)!, groups.get(n)!.deals));
  const marks = differences(rates, data.minN);
  const days = horizonDays(data);
  return {
    name: 'owners',
    title: 'Deal owners',
    columns: [
      column('owner', 'Owner', 'text', { fromInput: true, priority: 1 }),
      column('deals', 'Deals', 'count', { priority: 1 }),
      column('won', 'Won', 'count', { priority: 1 }),
      column('lost', 'Lost', 'count', { priority: 2 }),
      column('won_so_far', 'Won so far', 'percent', { priority: 3 }),
      column('win_rate', days === null ? 'Win rate' : `Win ≤${days}d`, 'percent', { priority: 1 }),
      column('median_days_to_win', 'Days to win', 'days', { priority: 2 }),
      column('stalled', 'Stalled', 'count', { priority: 1 }),
      column('signif', 'Sig', 'text', { priority: 2 }),
    ],
    rows: names.map((name, i) => {
      const t = groups.get(name)!;
      return {
        owner: name,
        deals: t.deals,
        won: t.won,
        lost: t.lost,
        won_so_far: ratio(t.won, t.deals),
        win_rate: ratio(rates[i]!.x, rates[i]!.n),
        median_days_to_win: t.daysToWin.size === 0 ? null : t.daysToWin.median(),
        stalled: t.stalled,
        signif: marks[i]!.mark,
      };
    }),
    notes: [
      'No leads file: each deal is the unit.',
      horizonNote(data, 'deals'),
      `Sig: + or - when an owner's win rate differs from the rest at p < 0.05, Holm-adjusted over the owners tested: those with at least ${data.minN} deals${days === null ? '' : ` ${days} days old`} (--min-n).`,
    ],
  };
}

/**
 * `leadaudit owners --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'One row per owner: leads, qualified, handed off, won, win rate on qualified leads, days to first touch and to win, and stalled leads, flagging owners whose qualified leads stall more than the rest.',
  examples: ['leadaudit owners contacts.csv deals.csv', 'leadaudit owners --deals deals.csv --format json'],
};

export const owners = { build, help } satisfies ReportSpec;
