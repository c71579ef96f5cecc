/**
 * The three verdict lines — marketing gap, sales gap, rubric check — exactly as docs/verdicts.md
 * states them. That page is the contract: a change of rule here is a change of that page, and the
 * keys of `numbers` below are the ones it lists (test/verdicts.test.ts holds the two together).
 *
 * Verdicts are computed once per run (`verdicts(facts)` remembers its answer for those facts): the
 * summary, the matrix and the JSON `verdict` show the same objects.
 */
import type { Verdict, VerdictFinding, VerdictTopic } from '../model.js';
import { NO_OWNER, type AuditFacts, type LeadFacts } from '../engine/facts.js';
import { differences, pct, pText, SIGNIFICANCE } from './compare.js';
import { compareText, handoffStage, plural, ratio, unreachableWon } from './context.js';
import { compareRates, diffInterval, scoreTestAbove, trendTest, wilson } from './stats.js';

/** Rubric check: too few wins to judge grades by (docs/verdicts.md). */
export const MIN_WINS = 5;

/** The keys of each topic's `numbers`, in the order JSON writes them (docs/verdicts.md lists each). */
export const NUMBER_KEYS = {
  'marketing gap': [
    'handoffs',
    'below_grade',
    'below_grade_rate',
    'below_grade_low',
    'below_grade_high',
    'won_below_grade',
    'win_rate_below_grade',
    'qualified_handoffs',
    'won_qualified',
    'win_rate_qualified',
    'win_rate_difference',
    'win_rate_difference_low',
    'win_rate_difference_high',
    'win_rate_p',
    'channel_handoffs',
    'channel_below_grade',
    'channel_below_grade_rate',
    'other_channels_below_grade_rate',
    'channel_p',
    'channel_won_below_grade',
    'channel_win_rate_below_grade',
    'channel_vs_qualified_p',
    'min_n',
  ],
  'sales gap': [
    'handoffs',
    'stalled',
    'stalled_rate',
    'stalled_low',
    'stalled_high',
    'tolerance',
    'tolerance_p',
    'owner_handoffs',
    'owner_stalled',
    'owner_stalled_rate',
    'other_owners_stalled_rate',
    'owner_p',
    'unqualified_handoffs',
    'unqualified_stalled',
    'unqualified_stalled_rate',
    'qualified_vs_unqualified_p',
    'qualified',
    'stalled_marketing',
    'stalled_marketing_rate',
    'stalled_marketing_low',
    'stalled_marketing_high',
    'min_n',
  ],
  'rubric check': [
    'leads',
    'won',
    'min_wins',
    'trend_z',
    'trend_p',
    'qualified',
    'won_qualified',
    'win_rate_qualified',
    'unqualified',
    'won_unqualified',
    'win_rate_unqualified',
    'win_rate_difference_low',
    'win_rate_difference_high',
    'min_n',
  ],
} as const satisfies Record<VerdictTopic, readonly string[]>;

/** The rule names a verdict's `rules` may hold, per topic (docs/verdicts.md). */
export const RULES = {
  'marketing gap': ['below_grade_win_less', 'channel_floods'],
  'sales gap': ['above_tolerance', 'owner', 'qualified_vs_unqualified'],
  'rubric check': ['trend'],
} as const satisfies Record<VerdictTopic, readonly string[]>;

type Numbers<T extends VerdictTopic> = Partial<Record<(typeof NUMBER_KEYS)[T][number], number | null>>;

function verdict<T extends VerdictTopic>(
  topic: T,
  finding: VerdictFinding,
  text: string,
  numbers: Numbers<T>,
  extra: { rules?: (typeof RULES)[T][number][]; names?: string[] } = {},
): Verdict {
  // Every key of the topic, in its order: the shape does not depend on which branch answered.
  const all: Record<string, number | null> = {};
  for (const key of NUMBER_KEYS[topic]) all[key] = (numbers as Record<string, number | null | undefined>)[key] ?? null;
  return { topic, finding, rules: extra.rules ?? [], names: extra.names ?? [], numbers: all, text };
}

function interval(x: number, n: number): string {
  const w = wilson(x, n);
  return w === null ? '' : `95% CI ${pct(w.low)}–${pct(w.high)}`;
}

function points(x: number): string {
  return (x * 100).toFixed(1);
}

const computed = new WeakMap<AuditFacts, readonly Verdict[]>();

/** The run's verdict lines (none without leads), computed once per run's facts. */
export function verdicts(data: AuditFacts): readonly Verdict[] {
  let lines = computed.get(data);
  if (lines === undefined) {
    lines = data.leads === null ? [] : [marketingGap(data, data.leads), salesGap(data, data.leads), rubricCheck(data, data.leads)];
    computed.set(data, lines);
  }
  return lines;
}

/** The line for a topic that the inputs cannot judge (docs/verdicts.md, "not judged"). */
function notJudged(data: AuditFacts, topic: VerdictTopic, label: string): Verdict | undefined {
  const won = unreachableWon(data);
  if (won === undefined) return undefined;
  const numbers = topic === 'sales gap' ? { tolerance: data.rubric.verdicts.salesStallTolerance, min_n: data.minN } : topic === 'rubric check' ? { min_wins: MIN_WINS, min_n: data.minN } : { min_n: data.minN };
  return verdict(topic, 'not judged', `${label}: not judged: ${won.cause} — stage "${won.key}" cannot be reached with these inputs (${won.why}), so wins cannot be seen and won leads look open.`, numbers);
}

// ---------------------------------------------------------------- marketing gap (docs/verdicts.md)

function marketingGap(data: AuditFacts, leads: LeadFacts): Verdict {
  const topic = 'marketing gap' as const;
  const handoff = handoffStage(data.rubric);
  const bar = data.rubric.qualifiedGrade;
  const minN = data.minN;
  if (handoff < 0) return verdict(topic, 'not applicable', 'Marketing gap: the rubric has no sales stage, so nothing is handed off.', { min_n: minN });
  if (data.rubric.signals.length === 0) return verdict(topic, 'not applicable', 'Marketing gap: the rubric has no score signals, so no handoff can be judged by grade.', { min_n: minN });
  const unjudged = notJudged(data, topic, 'Marketing gap');
  if (unjudged) return unjudged;
  const all = leads.all.tally;
  const handed = all.handedOff;
  const below = all.handedOffBelow;
  const wonBelow = all.wonHandedOffBelow;
  const wonQualified = all.wonHandedOff - all.wonHandedOffBelow;
  const qualified = handed - below;
  const share = wilson(below, handed);
  const base: Numbers<typeof topic> = {
    handoffs: handed,
    below_grade: below,
    below_grade_rate: ratio(below, handed),
    below_grade_low: share?.low ?? null,
    below_grade_high: share?.high ?? null,
    won_below_grade: wonBelow,
    win_rate_below_grade: ratio(wonBelow, below),
    qualified_handoffs: qualified,
    won_qualified: wonQualified,
    win_rate_qualified: ratio(wonQualified, qualified),
    min_n: minN,
  };
  if (handed < minN) {
    return verdict(topic, 'not enough data', `Marketing gap: not enough data — ${plural(handed, 'handed-off lead')} (the bar is ${minN}).`, base);
  }
  const shareText = `${pct(below / handed)} of handed-off leads (${below} of ${handed}; ${interval(below, handed)}) are below grade ${bar}`;
  if (below === 0) return verdict(topic, 'no gap', `No marketing gap: ${shareText}.`, base);
  if (qualified === 0) return verdict(topic, 'not enough data', `Marketing gap: not enough data — ${shareText}, so there is no qualified handoff to compare their win rate with.`, base);

  // Rule 1, below_grade_win_less: handed-off leads below the bar win less than qualified handoffs.
  const rateBelow = wonBelow / below;
  const rateQualified = wonQualified / qualified;
  const diff = diffInterval(wonQualified, qualified, wonBelow, below)!;
  const overall = compareRates(wonQualified, qualified, wonBelow, below);
  const overallGap = overall.p < SIGNIFICANCE && overall.direction > 0;
  const numbers: Numbers<typeof topic> = {
    ...base,
    win_rate_difference: rateQualified - rateBelow,
    win_rate_difference_low: diff.low,
    win_rate_difference_high: diff.high,
    win_rate_p: overall.p,
  };
  const rates = `they win ${pct(rateBelow)} vs ${pct(rateQualified)} for qualified handoffs (qualified win ${points(rateQualified - rateBelow)} points more, 95% CI ${points(diff.low)} to ${points(diff.high)}; ${pText(overall.p)})`;
  // Rule 2, channel_floods: the channel with significantly more of its handoffs below the bar than
  // the rest's (Holm over the channels with --min-n handoffs), whose below-bar handoffs win less.
  const channels = [...leads.byChannel].map(([name, t]) => ({ name, x: t.handedOffBelow, n: t.handedOff, won: t.wonHandedOffBelow }));
  const marks = differences(channels, minN);
  const flooding = channels
    .map((c, i) => ({ ...c, mark: marks[i]!.mark, p: marks[i]!.p }))
    .filter((c) => c.mark === '+')
    .sort((a, b) => b.x - a.x || a.p - b.p || compareText(a.name, b.name))[0];
  let channelGap = false;
  let from = '';
  if (flooding) {
    const test = compareRates(wonQualified, qualified, flooding.won, flooding.x);
    channelGap = test.p < SIGNIFICANCE && test.direction > 0;
    const rest = { x: below - flooding.x, n: handed - flooding.n };
    Object.assign(numbers, {
      channel_handoffs: flooding.n,
      channel_below_grade: flooding.x,
      channel_below_grade_rate: flooding.x / flooding.n,
      other_channels_below_grade_rate: ratio(rest.x, rest.n),
      channel_p: flooding.p,
      channel_won_below_grade: flooding.won,
      channel_win_rate_below_grade: flooding.won / flooding.x,
      channel_vs_qualified_p: test.p,
    } satisfies Numbers<typeof topic>);
    from =
      `${flooding.name} sends the most: ${flooding.x} of its ${flooding.n} handoffs are below grade ${bar} (${pct(flooding.x / flooding.n)} vs ${pct(ratio(rest.x, rest.n))} from other channels; ${pText(flooding.p)}), ` +
      `and they win ${pct(flooding.won / flooding.x)} vs ${pct(rateQualified)} for qualified handoffs (${channelGap ? '' : 'not clearly less; '}${pText(test.p)})`;
  }
  const rules = [...(overallGap ? (['below_grade_win_less'] as const) : []), ...(channelGap ? (['channel_floods'] as const) : [])];
  const names = channelGap ? [flooding!.name] : [];
  if (overallGap) {
    return verdict(topic, 'gap', `Marketing gap${channelGap ? ` (${flooding!.name})` : ''}: ${shareText}, and ${rates}.${from ? ` ${from}.` : ''}`, numbers, { rules, names });
  }
  if (channelGap) {
    return verdict(topic, 'gap', `Marketing gap (${flooding!.name}): ${from}. Overall, ${shareText}, and ${rates.replace(/^they win/, 'they win about as often:')}.`, numbers, { rules, names });
  }
  return verdict(topic, 'no gap', `No marketing gap shown: ${shareText}; ${rates}.${from ? ` ${from}.` : ''}`, numbers);
}

// ---------------------------------------------------------------- sales gap (docs/verdicts.md)

function salesGap(data: AuditFacts, leads: LeadFacts): Verdict {
  const topic = 'sales gap' as const;
  const handoff = handoffStage(data.rubric);
  const minN = data.minN;
  const tolerance = data.rubric.verdicts.salesStallTolerance;
  if (handoff < 0) return verdict(topic, 'not applicable', 'Sales gap: the rubric has no sales stage.', { tolerance, min_n: minN });
  const unjudged = notJudged(data, topic, 'Sales gap');
  if (unjudged) return unjudged;
  // With no score signals no lead can be told from another by grade: every handoff is judged as
  // qualified (rules above_tolerance and owner), and qualified_vs_unqualified has nothing to compare.
  const graded = data.rubric.signals.length > 0;
  const judged = graded ? 'qualified handoffs' : 'handoffs';
  const all = leads.all.tally;
  const qualified = graded ? all.qualified : all.leads;
  const handed = graded ? all.qualifiedHandedOff : all.handedOff;
  const stalledSales = graded ? all.stalledQualifiedSales : all.stalledSales;
  const stalledBefore = graded ? all.stalledQualifiedMarketing : all.stalledMarketing;
  // Below the qualified grade: handed off, and stalled in a sales stage (so handed off).
  const poorHanded = all.handedOffBelow;
  const poorStalled = all.stalledSales - all.stalledQualifiedSales;
  const stalledShare = wilson(stalledSales, handed);
  const beforeShare = wilson(stalledBefore, qualified);
  const numbers: Numbers<typeof topic> = {
    handoffs: handed,
    stalled: stalledSales,
    stalled_rate: ratio(stalledSales, handed),
    stalled_low: stalledShare?.low ?? null,
    stalled_high: stalledShare?.high ?? null,
    tolerance,
    unqualified_handoffs: graded ? poorHanded : null,
    unqualified_stalled: graded ? poorStalled : null,
    unqualified_stalled_rate: graded ? ratio(poorStalled, poorHanded) : null,
    qualified,
    stalled_marketing: stalledBefore,
    stalled_marketing_rate: ratio(stalledBefore, qualified),
    stalled_marketing_low: beforeShare?.low ?? null,
    stalled_marketing_high: beforeShare?.high ?? null,
    min_n: minN,
  };
  const leadNoun = graded ? 'qualified lead' : 'lead';
  const before = `Before handoff, ${plural(stalledBefore, leadNoun)} stalled in marketing stages (${pct(ratio(stalledBefore, qualified))} of ${qualified}${qualified > 0 ? `; ${interval(stalledBefore, qualified)}` : ''}).`;
  const ungraded = graded ? '' : ' (the rubric has no score signals, so every handoff is judged)';
  if (handed < minN) {
    return verdict(topic, 'not enough data', `Sales gap: not enough data — ${plural(handed, leadNoun)} handed off (the bar is ${minN})${ungraded}. ${before}`, numbers);
  }
  // Rule above_tolerance: the 95% Wilson interval of the stalled share lies wholly above the
  // tolerance (equivalently, the one-sided score test of share <= tolerance has p < 0.025).
  const aboveTolerance = stalledShare!.low > tolerance;
  numbers.tolerance_p = scoreTestAbove(stalledSales, handed, tolerance).p;
  // Rule owner: an owner whose handoffs stall more than the other owners' together (Holm over the
  // owners with --min-n handoffs); handoffs with no owner are never named.
  const owners = [...leads.byOwner].map(([name, t]) => (graded ? { name, x: t.stalledQualifiedSales, n: t.qualifiedHandedOff } : { name, x: t.stalledSales, n: t.handedOff }));
  const marks = differences(owners, minN);
  const worst = owners
    .map((o, i) => ({ ...o, mark: marks[i]!.mark, p: marks[i]!.p }))
    .filter((o) => o.mark === '+' && o.name !== NO_OWNER)
    .sort((a, b) => b.x - a.x || a.p - b.p || compareText(a.name, b.name))[0];
  // Rule qualified_vs_unqualified: qualified handoffs stall more often than unqualified ones.
  const versusPoor = graded && poorHanded > 0 ? compareRates(stalledSales, handed, poorStalled, poorHanded) : undefined;
  const neglected = versusPoor !== undefined && versusPoor.p < SIGNIFICANCE && versusPoor.direction > 0;
  if (versusPoor) numbers.qualified_vs_unqualified_p = versusPoor.p;

  const tol = pct(tolerance);
  const stalled =
    `${plural(stalledSales, leadNoun)} stalled in sales stages, ${pct(stalledSales / handed)} of ${handed} ${judged} (${interval(stalledSales, handed)})${ungraded}` +
    (aboveTolerance ? `: above the ${tol} tolerance with 95% confidence` : `: not shown above the ${tol} tolerance`);
  const poor = versusPoor ? `; below grade ${data.rubric.qualifiedGrade}, ${pct(poorStalled / poorHanded)} of ${poorHanded} handoffs stalled (${pText(versusPoor.p)})` : '';
  let who = '';
  if (worst) {
    const rest = { x: stalledSales - worst.x, n: handed - worst.n };
    Object.assign(numbers, {
      owner_handoffs: worst.n,
      owner_stalled: worst.x,
      owner_stalled_rate: worst.x / worst.n,
      other_owners_stalled_rate: ratio(rest.x, rest.n),
      owner_p: worst.p,
    } satisfies Numbers<typeof topic>);
    who = ` ${worst.x} of them are ${worst.name}'s: ${pct(worst.x / worst.n)} of that owner's ${judged} vs ${pct(ratio(rest.x, rest.n))} for other owners (${pText(worst.p)}).`;
  }
  const rules = [
    ...(aboveTolerance ? (['above_tolerance'] as const) : []),
    ...(worst ? (['owner'] as const) : []),
    ...(neglected ? (['qualified_vs_unqualified'] as const) : []),
  ];
  if (rules.length > 0) {
    const why = neglected ? ' Qualified handoffs stall more often than unqualified ones.' : '';
    return verdict(topic, 'gap', `Sales gap${worst ? ` (${worst.name})` : ''}: ${stalled}${poor}.${who}${why} ${before}`, numbers, { rules, names: worst ? [worst.name] : [] });
  }
  return verdict(topic, 'no gap', `No sales gap shown: ${stalled}${poor}; no owner differs from the rest. ${before}`, numbers);
}

// ---------------------------------------------------------------- rubric check (docs/verdicts.md)

function rubricCheck(data: AuditFacts, leads: LeadFacts): Verdict {
  const topic = 'rubric check' as const;
  const grades = data.rubric.grades;
  const minN = data.minN;
  if (data.rubric.signals.length === 0) return verdict(topic, 'not applicable', 'Rubric check: the rubric has no score signals.', { min_wins: MIN_WINS, min_n: minN });
  const unjudged = notJudged(data, topic, 'Rubric check');
  if (unjudged) return unjudged;
  const all = leads.all;
  const won = all.grades.map((t) => t.won);
  const count = all.grades.map((t) => t.leads);
  const { leads: total, won: wonTotal, qualified, wonQualified } = all.tally;
  const unqualified = total - qualified;
  const wonUnqualified = wonTotal - wonQualified;
  const numbers: Numbers<typeof topic> = {
    leads: total,
    won: wonTotal,
    min_wins: MIN_WINS,
    qualified,
    won_qualified: wonQualified,
    win_rate_qualified: ratio(wonQualified, qualified),
    unqualified,
    won_unqualified: wonUnqualified,
    win_rate_unqualified: ratio(wonUnqualified, unqualified),
    min_n: minN,
  };
  const byGrade = grades
    .map((g, i) => (count[i]! > 0 ? `${g.name} ${pct(won[i]! / count[i]!)}` : ''))
    .filter(Boolean)
    .join(', ');
  if (total < minN || wonTotal < MIN_WINS) {
    return verdict(
      topic,
      'not enough data',
      `Rubric check: not enough data — ${wonTotal} won of ${total} leads (the bar is ${minN} leads and ${MIN_WINS} wins)${byGrade ? `; win rate by grade: ${byGrade}` : ''}.`,
      numbers,
    );
  }
  // Scores rise with grade quality: a positive trend means win rate falls as grades worsen.
  const { z, p } = trendTest(won, count, grades.map((_, i) => grades.length - i));
  numbers.trend_z = z;
  numbers.trend_p = p;
  const finding = p < SIGNIFICANCE ? (z > 0 ? 'works' : 'inverted') : 'no evidence';
  // A trend can hold while two neighbouring grades are out of order; say so.
  const rates = grades.map((g, i) => ({ name: g.name, rate: count[i]! > 0 ? won[i]! / count[i]! : NaN })).filter((g) => !Number.isNaN(g.rate));
  const outOfOrder = rates.slice(1).flatMap((g, i) => (g.rate > rates[i]!.rate ? [`${rates[i]!.name} ${pct(rates[i]!.rate)} < ${g.name} ${pct(g.rate)}`] : []));
  const order = finding === 'works' && outOfOrder.length > 0 ? `, though not in order: ${outOfOrder.join(', ')}` : '';
  const trend =
    finding === 'works'
      ? `win rate falls with grade (${byGrade}; trend ${pText(p)})${order}`
      : finding === 'inverted'
        ? `win rate RISES as grades worsen (${byGrade}; trend ${pText(p)}): the rubric points the wrong way`
        : `win rate does not clearly fall with grade (${byGrade}; trend ${pText(p)})`;
  let lift = '';
  if (qualified > 0 && unqualified > 0) {
    const rq = wonQualified / qualified;
    const ru = wonUnqualified / unqualified;
    const diff = diffInterval(wonQualified, qualified, wonUnqualified, unqualified)!;
    numbers.win_rate_difference_low = diff.low;
    numbers.win_rate_difference_high = diff.high;
    const times = ru > 0 ? `qualified leads win ${(rq / ru).toFixed(1)}× as often as unqualified ones` : 'qualified leads win and unqualified ones never do';
    lift = `; ${times} (${pct(rq)} vs ${pct(ru)}; difference 95% CI ${points(diff.low)} to ${points(diff.high)} points)`;
  }
  return verdict(topic, finding, `Rubric check: ${trend}${lift}.`, numbers, { rules: finding === 'no evidence' ? [] : ['trend'] });
}
