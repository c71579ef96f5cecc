/**
 * The three verdict lines — marketing gap, sales gap, rubric check — exactly as docs/verdicts.md
 * states them. That page is the contract: a change of rule here is a change of that page, and the
 * keys of `numbers` below are the ones it lists (test/verdicts.test.ts holds the two together).
 *
 * The rules find each verdict as data — finding, rules, names, numbers — from the run's facts;
 * src/reports/verdict-text.ts words it. Verdicts are computed once per run (`verdicts(facts)`
 * remembers its answer for those facts): the summary, the matrix and the JSON `verdict` show the
 * same objects.
 */
import type { Verdict, VerdictFinding, VerdictTopic } from '../model.js';
import { NO_OWNER, type AuditFacts, type LeadFacts } from '../engine/facts.js';
import type { UnreachableStage } from '../data/caveats.js';
import { differences, SIGNIFICANCE } from './compare.js';
import { compareText, ratio, unreachableWon } from './context.js';
import { handoffStage } from '../rubric/resolve.js';
import { verdictText } from './verdict-text.js';
import { compareRates, diffInterval, scoreTestAbove, trendTest, wilson } from './stats.js';
import { horizonDays, leadRates } from './horizon.js';

/** Too few wins to judge grades (the rubric check, docs/verdicts.md) or signals (docs/reports.md, signals) by. */
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
    'horizon_days',
    'horizon_below_grade',
    'horizon_qualified_handoffs',
    'median_won_amount',
    'revenue_at_risk',
    'revenue_at_risk_low',
    'revenue_at_risk_high',
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
    'horizon_days',
    'horizon_handoffs',
    'handoff_win_rate',
    'handoff_win_rate_low',
    'handoff_win_rate_high',
    'median_won_amount',
    'revenue_at_risk',
    'revenue_at_risk_low',
    'revenue_at_risk_high',
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
    'horizon_days',
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

/** What a sentence needs beyond the numbers (src/reports/verdict-text.ts words each verdict from these). */
export interface VerdictDetail {
  /** Why the topic does not apply. */
  readonly reason?: 'no sales stage' | 'no signals';
  /** The won stage these inputs cannot reach (a topic not judged). */
  readonly unreachable?: UnreachableStage;
  /** The channel that sends the most below-grade handoffs (named in the sentence even when no gap). */
  readonly channel?: string;
  /** How many owners had enough handoffs to be compared (the sales gap). */
  readonly ownersTested?: number;
  /** Per rubric grade, in order: its leads and wins (the rubric check). */
  readonly grades?: readonly { readonly name: string; readonly leads: number; readonly won: number }[];
}

/** A verdict as the rules find it: everything but its sentence. */
export type VerdictData = Omit<Verdict, 'text'> & { readonly detail: VerdictDetail };

function verdict<T extends VerdictTopic>(
  topic: T,
  finding: VerdictFinding,
  numbers: Numbers<T>,
  extra: { rules?: (typeof RULES)[T][number][]; names?: string[]; detail?: VerdictDetail } = {},
): VerdictData {
  // Every key of the topic, in its order: the shape does not depend on which branch answered.
  const all: Record<string, number | null> = {};
  for (const key of NUMBER_KEYS[topic]) all[key] = (numbers as Record<string, number | null | undefined>)[key] ?? null;
  return { topic, finding, rules: extra.rules ?? [], names: extra.names ?? [], numbers: all, detail: extra.detail ?? {} };
}

const computed = new WeakMap<AuditFacts, readonly Verdict[]>();

/** The run's verdict lines (none without leads), computed once per run's facts, each with its sentence. */
export function verdicts(data: AuditFacts): readonly Verdict[] {
  let lines = computed.get(data);
  if (lines === undefined) {
    const found = data.leads === null ? [] : [marketingGap(data, data.leads), salesGap(data, data.leads), rubricCheck(data, data.leads)];
    lines = found.map(({ detail, ...v }) => ({ ...v, text: verdictText({ ...v, detail }, data) }));
    computed.set(data, lines);
  }
  return lines;
}

/** The verdict of a topic that the inputs cannot judge (docs/verdicts.md, "not judged"). */
function notJudged(data: AuditFacts, topic: VerdictTopic): VerdictData | undefined {
  const won = unreachableWon(data);
  if (won === undefined) return undefined;
  const numbers = topic === 'sales gap' ? { tolerance: data.rubric.verdicts.salesStallTolerance, min_n: data.minN } : topic === 'rubric check' ? { min_wins: MIN_WINS, min_n: data.minN } : { min_n: data.minN };
  return verdict(topic, 'not judged', numbers, { detail: { unreachable: won } });
}

// ---------------------------------------------------------------- marketing gap (docs/verdicts.md)

function marketingGap(data: AuditFacts, leads: LeadFacts): VerdictData {
  const topic = 'marketing gap' as const;
  const minN = data.minN;
  if (handoffStage(data.rubric) < 0) return verdict(topic, 'not applicable', { min_n: minN }, { detail: { reason: 'no sales stage' } });
  if (data.rubric.signals.length === 0) return verdict(topic, 'not applicable', { min_n: minN }, { detail: { reason: 'no signals' } });
  const unjudged = notJudged(data, topic);
  if (unjudged) return unjudged;
  const all = leads.all.tally;
  const handed = all.handedOff;
  const below = all.handedOffBelow;
  const share = wilson(below, handed);
  // Win rates at the horizon (docs/reports.md, "Rates at a horizon"): counted there, won within it.
  const at = leadRates(data, all);
  const belowAt = at.all.handedOffBelow;
  const wonBelow = at.won.handedOffBelow;
  const qualified = at.all.handedOff - belowAt;
  const wonQualified = at.won.handedOff - wonBelow;
  const median = medianWon(data);
  const base: Numbers<typeof topic> = {
    handoffs: handed,
    below_grade: below,
    below_grade_rate: ratio(below, handed),
    below_grade_low: share?.low ?? null,
    below_grade_high: share?.high ?? null,
    won_below_grade: wonBelow,
    win_rate_below_grade: ratio(wonBelow, belowAt),
    qualified_handoffs: handed - below,
    won_qualified: wonQualified,
    win_rate_qualified: ratio(wonQualified, qualified),
    horizon_days: horizonDays(data),
    horizon_below_grade: belowAt,
    horizon_qualified_handoffs: qualified,
    median_won_amount: median,
    min_n: minN,
  };
  if (handed < minN) return verdict(topic, 'not enough data', base);
  if (below === 0) return verdict(topic, 'no gap', base);
  // Win rates need --min-n handoffs old enough for the horizon, on both sides some.
  if (qualified === 0 || belowAt === 0 || qualified + belowAt < minN) return verdict(topic, 'not enough data', base);

  // Rule 1, below_grade_win_less: handed-off leads below the bar win less than qualified handoffs.
  const rateBelow = wonBelow / belowAt;
  const rateQualified = wonQualified / qualified;
  const diff = diffInterval(wonQualified, qualified, wonBelow, belowAt)!;
  const overall = compareRates(wonQualified, qualified, wonBelow, belowAt);
  const overallGap = overall.p < SIGNIFICANCE && overall.direction > 0;
  const numbers: Numbers<typeof topic> = {
    ...base,
    win_rate_difference: rateQualified - rateBelow,
    win_rate_difference_low: diff.low,
    win_rate_difference_high: diff.high,
    win_rate_p: overall.p,
    ...priced(below, rateQualified - rateBelow, diff, median),
  };
  // Rule 2, channel_floods: the channel with significantly more of its handoffs below the bar than
  // the rest's (Holm over the channels with --min-n handoffs), whose below-bar handoffs win less.
  const channels = [...leads.byChannel].map(([name, t]) => ({ name, x: t.handedOffBelow, n: t.handedOff, t }));
  const marks = differences(channels, minN);
  const flooding = channels
    .map((c, i) => ({ ...c, mark: marks[i]!.mark, p: marks[i]!.p }))
    .filter((c) => c.mark === '+')
    .sort((a, b) => b.x - a.x || a.p - b.p || compareText(a.name, b.name))[0];
  let channelGap = false;
  if (flooding) {
    const its = leadRates(data, flooding.t);
    const belowThere = its.all.handedOffBelow;
    const wonThere = its.won.handedOffBelow;
    const test = belowThere > 0 ? compareRates(wonQualified, qualified, wonThere, belowThere) : undefined;
    channelGap = test !== undefined && test.p < SIGNIFICANCE && test.direction > 0;
    const rest = { x: below - flooding.x, n: handed - flooding.n };
    Object.assign(numbers, {
      channel_handoffs: flooding.n,
      channel_below_grade: flooding.x,
      channel_below_grade_rate: flooding.x / flooding.n,
      other_channels_below_grade_rate: ratio(rest.x, rest.n),
      channel_p: flooding.p,
      channel_won_below_grade: wonThere,
      channel_win_rate_below_grade: ratio(wonThere, belowThere),
      channel_vs_qualified_p: test?.p ?? null,
    } satisfies Numbers<typeof topic>);
  }
  const rules = [...(overallGap ? (['below_grade_win_less'] as const) : []), ...(channelGap ? (['channel_floods'] as const) : [])];
  // A gap found by the flooding channel alone is priced on that channel's below-grade handoffs.
  if (channelGap && !overallGap) {
    const its = leadRates(data, flooding!.t);
    const [n, won] = [its.all.handedOffBelow, its.won.handedOffBelow];
    Object.assign(numbers, priced(flooding!.x, rateQualified - won / n, diffInterval(wonQualified, qualified, won, n)!, median));
  }
  const detail = { channel: flooding?.name };
  if (rules.length > 0) return verdict(topic, 'gap', numbers, { rules, names: channelGap ? [flooding!.name] : [], detail });
  return verdict(topic, 'no gap', numbers, { detail });
}

/**
 * Revenue at risk (docs/verdicts.md): `leads` × a difference of win rates × the median won deal,
 * with the ends of the difference's interval; null without a median. The ends are ordered, so a
 * negative median (refunds) keeps low <= high.
 */
function priced(leads: number, difference: number, interval: { low: number; high: number }, median: number | null): Numbers<'marketing gap'> {
  if (median === null) return { revenue_at_risk: null, revenue_at_risk_low: null, revenue_at_risk_high: null };
  const [a, b] = [leads * interval.low * median, leads * interval.high * median];
  return { revenue_at_risk: leads * difference * median, revenue_at_risk_low: Math.min(a, b), revenue_at_risk_high: Math.max(a, b) };
}

/** The median amount of a won deal (null without deals or amounts): what one more win is worth. */
function medianWon(data: AuditFacts): number | null {
  const amounts = data.deals?.wonAmounts;
  return amounts === undefined || amounts.size === 0 ? null : amounts.median();
}

// ---------------------------------------------------------------- sales gap (docs/verdicts.md)

function salesGap(data: AuditFacts, leads: LeadFacts): VerdictData {
  const topic = 'sales gap' as const;
  const minN = data.minN;
  const tolerance = data.rubric.verdicts.salesStallTolerance;
  if (handoffStage(data.rubric) < 0) return verdict(topic, 'not applicable', { tolerance, min_n: minN }, { detail: { reason: 'no sales stage' } });
  const unjudged = notJudged(data, topic);
  if (unjudged) return unjudged;
  // With no score signals no lead can be told from another by grade: every handoff is judged as
  // qualified (rules above_tolerance and owner), and qualified_vs_unqualified has nothing to compare.
  const graded = data.rubric.signals.length > 0;
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
  // The handoffs' win rate at the horizon, and what the stalled ones are worth at it: priced only
  // with --min-n handoffs old enough for the horizon (the gap itself is judged on every handoff).
  const at = leadRates(data, all);
  const handedAt = graded ? at.all.handedOff - at.all.handedOffBelow : at.all.handedOff;
  const wonAt = graded ? at.won.handedOff - at.won.handedOffBelow : at.won.handedOff;
  const rate = wilson(wonAt, handedAt);
  const median = medianWon(data);
  Object.assign(numbers, {
    horizon_days: horizonDays(data),
    horizon_handoffs: handedAt,
    handoff_win_rate: ratio(wonAt, handedAt),
    handoff_win_rate_low: rate?.low ?? null,
    handoff_win_rate_high: rate?.high ?? null,
    median_won_amount: median,
  } satisfies Numbers<typeof topic>);
  if (handed < minN) return verdict(topic, 'not enough data', numbers);
  if (handedAt >= minN) Object.assign(numbers, priced(stalledSales, wonAt / handedAt, rate!, median));
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
  if (worst) {
    const rest = { x: stalledSales - worst.x, n: handed - worst.n };
    Object.assign(numbers, {
      owner_handoffs: worst.n,
      owner_stalled: worst.x,
      owner_stalled_rate: worst.x / worst.n,
      other_owners_stalled_rate: ratio(rest.x, rest.n),
      owner_p: worst.p,
    } satisfies Numbers<typeof topic>);
  }
  const rules = [
    ...(aboveTolerance ? (['above_tolerance'] as const) : []),
    ...(worst ? (['owner'] as const) : []),
    ...(neglected ? (['qualified_vs_unqualified'] as const) : []),
  ];
  const detail = { ownersTested: marks.filter((m) => m.tested).length };
  if (rules.length > 0) return verdict(topic, 'gap', numbers, { rules, names: worst ? [worst.name] : [], detail });
  return verdict(topic, 'no gap', numbers, { detail });
}

// ---------------------------------------------------------------- rubric check (docs/verdicts.md)

function rubricCheck(data: AuditFacts, leads: LeadFacts): VerdictData {
  const topic = 'rubric check' as const;
  const rubricGrades = data.rubric.grades;
  const minN = data.minN;
  if (data.rubric.signals.length === 0) return verdict(topic, 'not applicable', { min_wins: MIN_WINS, min_n: minN }, { detail: { reason: 'no signals' } });
  const unjudged = notJudged(data, topic);
  if (unjudged) return unjudged;
  const all = leads.all;
  // Win rates at the horizon (docs/reports.md, "Rates at a horizon"): counted there, won within it.
  const byGrade = all.grades.map((t) => leadRates(data, t));
  const won = byGrade.map((r) => r.won.leads);
  const count = byGrade.map((r) => r.all.leads);
  const detail = { grades: rubricGrades.map((g, i) => ({ name: g.name, leads: count[i]!, won: won[i]! })) };
  const at = leadRates(data, all.tally);
  const { leads: total, qualified } = at.all;
  const { leads: wonTotal, qualified: wonQualified } = at.won;
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
    horizon_days: horizonDays(data),
    min_n: minN,
  };
  if (total < minN || wonTotal < MIN_WINS) return verdict(topic, 'not enough data', numbers, { detail });
  // Scores rise with grade quality: a positive trend means win rate falls as grades worsen.
  const { z, p } = trendTest(won, count, rubricGrades.map((_, i) => rubricGrades.length - i));
  numbers.trend_z = z;
  numbers.trend_p = p;
  const finding = p < SIGNIFICANCE ? (z > 0 ? 'works' : 'inverted') : 'no evidence';
  if (qualified > 0 && unqualified > 0) {
    const diff = diffInterval(wonQualified, qualified, wonUnqualified, unqualified)!;
    numbers.win_rate_difference_low = diff.low;
    numbers.win_rate_difference_high = diff.high;
  }
  return verdict(topic, finding, numbers, { rules: finding === 'no evidence' ? [] : ['trend'], detail });
}
