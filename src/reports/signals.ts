/**
 * signals (docs/reports.md): does each rubric signal predict closing? Win rate with and without it, the
 * lift, the 95% interval of the difference, a verdict, and the points the data would suggest.
 */
import type { Column, Report, Row } from '../model.js';
import { pct, SIGNIFICANCE } from './compare.js';
import type { AuditFacts } from '../engine/facts.js';
import { column, ratio, type ReportSpec } from './context.js';
import { compareRates, diffInterval, holm, logOddsRatio } from './stats.js';

/** Fewer wins than this in all, and no signal is judged. */
const MIN_WINS = 5;

function build(data: AuditFacts): Report[] {
  if (data.leads === null) return [];
  const { rubric, leads, minN } = data;
  const total = leads.all.tally.leads;
  const wonTotal = leads.all.tally.won;
  const counts = rubric.signals.map((_, i) => ({ with: leads.signalLeads[i]!, wonWith: leads.signalWon[i]! }));
  const tests = counts.map((t) => {
    const without = total - t.with;
    const wonWithout = wonTotal - t.wonWith;
    const enough = t.with >= minN && without >= minN && wonTotal >= MIN_WINS;
    return { ...t, without, wonWithout, enough, ...(enough ? compareRates(t.wonWith, t.with, wonWithout, without) : { p: 1, direction: 0 }) };
  });
  // One family: a rubric of many signals should not find one "predictive" by chance.
  const tested = tests.map((t, i) => (t.enough ? i : -1)).filter((i) => i >= 0);
  const adjusted = holm(tested.map((i) => tests[i]!.p));
  const p = tests.map(() => 1);
  tested.forEach((i, k) => (p[i] = adjusted[k]!));

  const lors = tests.map((t) => logOddsRatio(t.wonWith, t.with - t.wonWith, t.wonWithout, t.without - t.wonWithout).lor);
  const maxPoints = Math.max(0, ...rubric.signals.map((s) => Math.abs(s.points)));
  const verdicts = tests.map((t, i) => {
    if (!t.enough) return 'too few';
    if (p[i]! >= SIGNIFICANCE || t.direction === 0) return 'no evidence';
    // Predictive when the data agrees with the sign of its points: a minus signal should lose.
    const points = rubric.signals[i]!.points;
    return Math.sign(t.direction) === Math.sign(points || 1) ? 'predictive' : 'inverse';
  });
  const maxLor = Math.max(0, ...lors.filter((_, i) => verdicts[i] === 'predictive' || verdicts[i] === 'inverse').map(Math.abs));

  const rows: Row[] = rubric.signals.map((s, i) => {
    const t = tests[i]!;
    const diff = diffInterval(t.wonWith, t.with, t.wonWithout, t.without);
    const rateWith = ratio(t.wonWith, t.with);
    const rateWithout = ratio(t.wonWithout, t.without);
    const verdict = verdicts[i]!;
    let suggested: number | null = null;
    if (verdict === 'no evidence') suggested = 0;
    else if (verdict !== 'too few' && maxLor > 0) suggested = Math.round((lors[i]! / maxLor) * maxPoints);
    return {
      signal: s.name,
      points: s.points,
      leads_with: t.with,
      win_rate_with: rateWith,
      win_rate_without: rateWithout,
      lift: rateWith !== null && rateWithout ? rateWith / rateWithout : null,
      diff_low: diff?.low ?? null,
      diff_high: diff?.high ?? null,
      p_value: t.enough ? p[i]! : null,
      verdict,
      suggested_points: suggested,
    };
  });
  const columns: Column[] = [
    column('signal', 'Signal', 'text', { fromInput: true, priority: 1 }),
    column('points', 'Points', 'number', { priority: 1 }),
    column('leads_with', 'Leads with', 'count', { priority: 2 }),
    column('win_rate_with', 'Win with', 'percent', { priority: 1 }),
    column('win_rate_without', 'Win without', 'percent', { priority: 1 }),
    column('lift', 'Lift', 'number', { priority: 2 }),
    column('diff_low', 'Diff low', 'percent', { priority: 3 }),
    column('diff_high', 'Diff high', 'percent', { priority: 3 }),
    column('p_value', 'p (Holm)', 'number', { priority: 4 }),
    column('verdict', 'Verdict', 'text', { priority: 1 }),
    column('suggested_points', 'Suggested', 'number', { priority: 2 }),
  ];
  const notes = [
    `Lift = win rate with the signal / without it; Diff = the difference of the two rates, 95% interval (Newcombe). Overall win rate ${pct(ratio(wonTotal, total))}.`,
    `Verdict: predictive when the difference agrees with the sign of the signal's points at p < 0.05 (Holm-adjusted over the signals), inverse when it goes the other way, no evidence otherwise, too few with under ${minN} leads on either side or under ${MIN_WINS} wins in all.`,
    `Suggested points: the log odds ratio of winning with the signal, scaled so the strongest signal gets the rubric's largest points (${maxPoints}); 0 for no evidence.`,
  ];
  if (rubric.signals.length === 0) notes.unshift('The rubric has no score signals.');
  return [{ name: 'signals', title: 'Do the rubric signals predict closing?', columns, rows, notes }];
}

/**
 * `leadaudit signals --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'Per rubric signal: win rate with and without it, lift, the 95% interval of the difference, a verdict (predictive, no evidence, inverse, too few) and the points the data suggests.',
  examples: ['leadaudit signals contacts.csv deals.csv', 'leadaudit signals contacts.csv deals.csv --rubric leadaudit.yml --format csv > signals.csv'],
};

export const signals = { build, help } satisfies ReportSpec;
