/**
 * The sentence of each verdict, worded from what the rules found (src/reports/verdicts.ts): its
 * finding, rules, names and numbers, and the few details the numbers do not hold. docs/verdicts.md
 * shows the sentences; the words may change, the numbers and findings are the contract.
 */
import type { AuditFacts } from '../engine/facts.js';
import { moneyText, pct, pText } from './compare.js';
import { plural } from './context.js';
import { wilson } from './stats.js';
import type { VerdictData } from './verdicts.js';

/** What a sentence reads of the run beyond the verdict itself. */
type Context = Pick<AuditFacts, 'rubric' | 'minN'>;

function interval(x: number, n: number): string {
  const w = wilson(x, n);
  return w === null ? '' : `95% CI ${pct(w.low)}–${pct(w.high)}`;
}

function points(x: number): string {
  return (x * 100).toFixed(1);
}

/** `qualified win 2.1 points more` or `… less`: the sign in the word, not before the number. */
function morePoints(who: string, x: number): string {
  return `${who} ${points(Math.abs(x))} points ${x < 0 ? 'less' : 'more'}`;
}

/** ` within 150 days` when the run reads rates at a horizon. */
function within(v: VerdictData): string {
  const h = v.numbers.horizon_days;
  return h === null || h === undefined ? '' : ` within ${h} days`;
}

/** ` Revenue at risk: 123,000 (95% CI 40,000 to 210,000).`, when the run can price the gap. */
function atRisk(v: VerdictData, label: string): string {
  const r = v.numbers.revenue_at_risk;
  if (r === null || r === undefined) return '';
  return ` ${label}: ${moneyText(r)} (95% CI ${moneyText(num(v, 'revenue_at_risk_low'))} to ${moneyText(num(v, 'revenue_at_risk_high'))}).`;
}

/** A number the rules set for this branch (null only where the rule could not compute it). */
function num(v: VerdictData, key: string): number {
  return v.numbers[key] as number;
}

export function verdictText(v: VerdictData, run: Context): string {
  const label = v.topic === 'marketing gap' ? 'Marketing gap' : v.topic === 'sales gap' ? 'Sales gap' : 'Rubric check';
  const won = v.detail.unreachable;
  if (v.finding === 'not judged' && won !== undefined) {
    return `${label}: not judged: ${won.cause} — stage "${won.key}" cannot be reached with these inputs (${won.why}), so wins cannot be seen and won leads look open.`;
  }
  if (v.topic === 'marketing gap') return marketingText(v, run);
  if (v.topic === 'sales gap') return salesText(v, run);
  return rubricText(v, run);
}

function marketingText(v: VerdictData, run: Context): string {
  if (v.detail.reason === 'no sales stage') return 'Marketing gap: the rubric has no sales stage, so nothing is handed off.';
  if (v.detail.reason === 'no signals') return 'Marketing gap: the rubric has no score signals, so no handoff can be judged by grade.';
  const handed = num(v, 'handoffs');
  const below = num(v, 'below_grade');
  const bar = run.rubric.qualifiedGrade;
  if (handed < run.minN) return `Marketing gap: not enough data — ${plural(handed, 'handed-off lead')} (the bar is ${run.minN}).`;
  const shareText = `${pct(below / handed)} of handed-off leads (${below} of ${handed}; ${interval(below, handed)}) are below grade ${bar}`;
  if (below === 0) return `No marketing gap: ${shareText}.`;
  if (num(v, 'qualified_handoffs') === 0) return `Marketing gap: not enough data — ${shareText}, so there is no qualified handoff to compare their win rate with.`;
  if (v.finding === 'not enough data') {
    const counted = num(v, 'horizon_qualified_handoffs') + num(v, 'horizon_below_grade');
    return `Marketing gap: not enough data yet — ${shareText}, but only ${plural(counted, 'handoff')} ${counted === 1 ? 'is' : 'are'} ${num(v, 'horizon_days')} days old, on ${num(v, 'horizon_qualified_handoffs')} qualified and ${num(v, 'horizon_below_grade')} below grade (the bar is ${run.minN}).`;
  }

  const rateQualified = num(v, 'win_rate_qualified');
  const rates = `they win ${pct(num(v, 'win_rate_below_grade'))} vs ${pct(rateQualified)} for qualified handoffs${within(v)} (${morePoints('qualified win', num(v, 'win_rate_difference'))}, 95% CI ${points(num(v, 'win_rate_difference_low'))} to ${points(num(v, 'win_rate_difference_high'))}; ${pText(num(v, 'win_rate_p'))})`;
  const channel = v.detail.channel;
  const channelGap = v.rules.includes('channel_floods');
  const from =
    channel === undefined
      ? ''
      : `${channel} sends the most: ${num(v, 'channel_below_grade')} of its ${num(v, 'channel_handoffs')} handoffs are below grade ${bar} (${pct(num(v, 'channel_below_grade_rate'))} vs ${pct(v.numbers.other_channels_below_grade_rate!)} from other channels; ${pText(num(v, 'channel_p'))}), ` +
        (v.numbers.channel_vs_qualified_p === null
          ? 'and too few of them are old enough to compare their win rate'
          : `and they win ${pct(num(v, 'channel_win_rate_below_grade'))} vs ${pct(rateQualified)} for qualified handoffs (${channelGap ? '' : 'not clearly less; '}${pText(num(v, 'channel_vs_qualified_p'))})`);
  const overall = v.rules.includes('below_grade_win_less');
  const price = atRisk(v, overall ? 'Revenue at risk' : `Revenue at risk in ${channel!}'s below-grade handoffs`);
  if (overall) return `Marketing gap${channelGap ? ` (${channel!})` : ''}: ${shareText}, and ${rates}.${from ? ` ${from}.` : ''}${price}`;
  if (channelGap) return `Marketing gap (${channel!}): ${from}. Overall, ${shareText}, and ${rates.replace(/^they win/, 'they win about as often:')}.${price}`;
  return `No marketing gap shown: ${shareText}; ${rates}.${from ? ` ${from}.` : ''}`;
}

function salesText(v: VerdictData, run: Context): string {
  if (v.detail.reason === 'no sales stage') return 'Sales gap: the rubric has no sales stage.';
  const graded = run.rubric.signals.length > 0;
  const judged = graded ? 'qualified handoffs' : 'handoffs';
  const leadNoun = graded ? 'qualified lead' : 'lead';
  const handed = num(v, 'handoffs');
  const stalledSales = num(v, 'stalled');
  const qualified = num(v, 'qualified');
  const stalledBefore = num(v, 'stalled_marketing');
  const before = `Before handoff, ${plural(stalledBefore, leadNoun)} stalled in marketing stages (${pct(v.numbers.stalled_marketing_rate!)} of ${qualified}${qualified > 0 ? `; ${interval(stalledBefore, qualified)}` : ''}).`;
  const ungraded = graded ? '' : ' (the rubric has no score signals, so every handoff is judged)';
  if (handed < run.minN) return `Sales gap: not enough data — ${plural(handed, leadNoun)} handed off (the bar is ${run.minN})${ungraded}. ${before}`;

  const tol = pct(num(v, 'tolerance'));
  const stalled =
    `${plural(stalledSales, leadNoun)} stalled in sales stages, ${pct(stalledSales / handed)} of ${handed} ${judged} (${interval(stalledSales, handed)})${ungraded}` +
    (v.rules.includes('above_tolerance') ? `: above the ${tol} tolerance with 95% confidence` : `: not shown above the ${tol} tolerance`);
  const versusPoor = v.numbers.qualified_vs_unqualified_p;
  const poor =
    versusPoor !== null && versusPoor !== undefined
      ? `; below grade ${run.rubric.qualifiedGrade}, ${pct(num(v, 'unqualified_stalled_rate'))} of ${num(v, 'unqualified_handoffs')} handoffs stalled (${pText(versusPoor)})`
      : '';
  const owner = v.rules.includes('owner') ? v.names[0] : undefined;
  const who =
    owner === undefined
      ? ''
      : ` ${num(v, 'owner_stalled')} of them are ${owner}'s: ${pct(num(v, 'owner_stalled_rate'))} of that owner's ${judged} vs ${pct(v.numbers.other_owners_stalled_rate!)} for other owners (${pText(num(v, 'owner_p'))}).`;
  const rate = v.numbers.handoff_win_rate;
  const worth =
    v.numbers.revenue_at_risk === null || rate === null || rate === undefined
      ? ''
      : ` At the ${judged}' win rate${within(v)} (${pct(rate)}) and a median won deal of ${moneyText(num(v, 'median_won_amount'))}, the stalled ones are worth ${moneyText(num(v, 'revenue_at_risk'))} (95% CI ${moneyText(num(v, 'revenue_at_risk_low'))} to ${moneyText(num(v, 'revenue_at_risk_high'))}).`;
  if (v.finding === 'gap') {
    const why = v.rules.includes('qualified_vs_unqualified') ? ' Qualified handoffs stall more often than unqualified ones.' : '';
    return `Sales gap${owner === undefined ? '' : ` (${owner})`}: ${stalled}${poor}.${who}${why}${worth} ${before}`;
  }
  const owners = v.detail.ownersTested === 0 ? `no owner had ${run.minN} ${judged} to compare` : 'no owner differs from the rest';
  return `No sales gap shown: ${stalled}${poor}; ${owners}.${worth} ${before}`;
}

function rubricText(v: VerdictData, run: Context): string {
  if (v.detail.reason === 'no signals') return 'Rubric check: the rubric has no score signals.';
  const grades = v.detail.grades ?? [];
  const byGrade = grades
    .map((g) => (g.leads > 0 ? `${g.name} ${pct(g.won / g.leads)}` : ''))
    .filter(Boolean)
    .join(', ');
  const total = num(v, 'leads');
  const wonTotal = num(v, 'won');
  if (v.finding === 'not enough data') {
    return `Rubric check: not enough data — ${wonTotal} won of ${total} leads (the bar is ${run.minN} leads and ${num(v, 'min_wins')} wins)${byGrade ? `; win rate by grade: ${byGrade}` : ''}.`;
  }
  const p = num(v, 'trend_p');
  const at = within(v) === '' ? '' : ` (won${within(v)}, among leads old enough)`;
  // A trend can hold while two neighbouring grades are out of order; say so.
  const rates = grades.filter((g) => g.leads > 0).map((g) => ({ name: g.name, rate: g.won / g.leads }));
  const outOfOrder = rates.slice(1).flatMap((g, i) => (g.rate > rates[i]!.rate ? [`${rates[i]!.name} ${pct(rates[i]!.rate)} < ${g.name} ${pct(g.rate)}`] : []));
  const order = v.finding === 'works' && outOfOrder.length > 0 ? `, though not in order: ${outOfOrder.join(', ')}` : '';
  const trend =
    v.finding === 'works'
      ? `win rate${at} falls with grade (${byGrade}; trend ${pText(p)})${order}`
      : v.finding === 'inverted'
        ? `win rate${at} RISES as grades worsen (${byGrade}; trend ${pText(p)}): the rubric points the wrong way`
        : `win rate${at} does not clearly fall with grade (${byGrade}; trend ${pText(p)})`;
  let lift = '';
  const low = v.numbers.win_rate_difference_low;
  if (low !== null && low !== undefined) {
    const rq = num(v, 'win_rate_qualified');
    const ru = num(v, 'win_rate_unqualified');
    const times = ru > 0 ? `qualified leads win ${(rq / ru).toFixed(1)}× as often as unqualified ones` : 'qualified leads win and unqualified ones never do';
    lift = `; ${times} (${pct(rq)} vs ${pct(ru)}; difference 95% CI ${points(low)} to ${points(num(v, 'win_rate_difference_high'))} points)`;
  }
  return `Rubric check: ${trend}${lift}.`;
}
