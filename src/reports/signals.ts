/**
 * signals (docs/reports.md): does each rubric signal predict closing? Win rate with and without it
 * at the run's horizon, the lift, the interval of the difference, a verdict, and the points one
 * logistic model of all the signals together would suggest.
 */
import type { Column, Report, Row } from '../model.js';
import { pct, SIGNIFICANCE } from './compare.js';
import type { AuditFacts, LeadFacts } from '../engine/facts.js';
import { column, ratio, type ReportSpec } from './context.js';
import { compareRates, diffInterval, holm, holmLevels, normalQuantile } from './stats.js';
import { fitLogistic, RIDGE, type SignalClass } from './logistic.js';
import { hasHorizon, horizon, horizonNote, winCounts } from './horizon.js';
// Fewer wins than this in all, and no signal is judged: the rubric check's bar (docs/verdicts.md).
import { MIN_WINS } from './verdicts.js';

/**
 * The leads of each signal class as the run's win rates count them: at the horizon when it has
 * one (counted there, won within it), else every lead and every win so far.
 */
function classes(data: AuditFacts, leads: LeadFacts): SignalClass[] {
  const h = horizon(data);
  // In the order of their keys: the fit's sums then add in the same order whatever order the
  // leads were folded in (chunks, engines), so its digits do not depend on it.
  return [...leads.signalClasses].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, cells]) => {
    const at = hasHorizon(h) ? cells.at(data.bands, h.rung) : cells.total(data.bands);
    return { signals: [...key].map((c) => c === '1'), n: at.all.leads, won: at.won.leads };
  });
}

function build(data: AuditFacts): Report[] {
  if (data.leads === null) return [];
  const { rubric, leads, minN } = data;
  const count = rubric.signals.length;
  const rows = classes(data, leads);
  const counted = winCounts(data, leads.all.tally, leads.all.tally.leads);
  const [total, wonTotal] = [counted.n, counted.x];
  const tests = rubric.signals.map((_, i) => {
    const of = rows.filter((c) => c.signals[i]);
    const t = { with: of.reduce((s, c) => s + c.n, 0), wonWith: of.reduce((s, c) => s + c.won, 0) };
    const without = total - t.with;
    const wonWithout = wonTotal - t.wonWith;
    const enough = t.with >= minN && without >= minN && wonTotal >= MIN_WINS;
    return { ...t, without, wonWithout, enough, ...(enough ? compareRates(t.wonWith, t.with, wonWithout, without) : { p: 1, direction: 0 }) };
  });
  // One family, the signals tested: a rubric of many signals should not find one "predictive" by
  // chance. Each one's interval is at the level Holm holds its test to, so an interval that
  // excludes 0 goes with a test Holm rejects.
  const tested = tests.map((t, i) => (t.enough ? i : -1)).filter((i) => i >= 0);
  const adjusted = holm(tested.map((i) => tests[i]!.p));
  const levels = holmLevels(tested.map((i) => tests[i]!.p), SIGNIFICANCE);
  const p = tests.map(() => 1);
  const z = tests.map(() => normalQuantile(1 - SIGNIFICANCE / 2));
  tested.forEach((i, k) => {
    p[i] = adjusted[k]!;
    z[i] = normalQuantile(1 - levels[k]! / 2);
  });

  const verdicts = tests.map((t, i) => {
    if (!t.enough) return 'too few';
    if (p[i]! >= SIGNIFICANCE || t.direction === 0) return 'no evidence';
    // Predictive when the data agrees with the sign of its points: a minus signal should lose.
    const points = rubric.signals[i]!.points;
    return Math.sign(t.direction) === Math.sign(points || 1) ? 'predictive' : 'inverse';
  });
  // One model of all the signals at once: a signal's coefficient is its log odds ratio given the others.
  const fit = count > 0 && total > 0 && wonTotal >= MIN_WINS ? fitLogistic(rows, count) : null;
  const modelled = fit !== null && fit.converged;
  const maxPoints = Math.max(0, ...rubric.signals.map((s) => Math.abs(s.points)));
  const judged = (i: number) => verdicts[i] === 'predictive' || verdicts[i] === 'inverse';
  const maxCoefficient = modelled ? Math.max(0, ...fit.coefficients.filter((_, i) => judged(i)).map(Math.abs)) : 0;

  const out: Row[] = rubric.signals.map((s, i) => {
    const t = tests[i]!;
    const diff = diffInterval(t.wonWith, t.with, t.wonWithout, t.without, z[i]);
    const rateWith = ratio(t.wonWith, t.with);
    const rateWithout = ratio(t.wonWithout, t.without);
    const verdict = verdicts[i]!;
    let suggested: number | null = null;
    if (verdict === 'no evidence') suggested = 0;
    else if (judged(i) && maxCoefficient > 0) suggested = Math.round((fit!.coefficients[i]! / maxCoefficient) * maxPoints);
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
      log_odds: modelled ? fit.coefficients[i]! : null,
      suggested_points: suggested,
    };
  });
  const h = horizon(data);
  const columns: Column[] = [
    column('signal', 'Signal', 'text', { fromInput: true, priority: 1 }),
    column('points', 'Points', 'number', { priority: 1 }),
    column('leads_with', hasHorizon(h) ? `Leads with (≥${h.days}d)` : 'Leads with', 'count', { priority: 2 }),
    column('win_rate_with', 'Win with', 'percent', { priority: 1 }),
    column('win_rate_without', 'Win without', 'percent', { priority: 1 }),
    column('lift', 'Lift', 'number', { priority: 2 }),
    column('diff_low', 'Diff low', 'percent', { priority: 3 }),
    column('diff_high', 'Diff high', 'percent', { priority: 3 }),
    column('p_value', 'p (Holm)', 'number', { priority: 4 }),
    column('verdict', 'Verdict', 'text', { priority: 1 }),
    column('log_odds', 'Model log OR', 'number', { priority: 4 }),
    column('suggested_points', 'Suggested', 'number', { priority: 2 }),
  ];
  const family = tested.length;
  const notes = [
    horizonNote(data),
    `Lift = win rate with the signal / without it; Diff = the difference of the two rates, with its Newcombe interval${
      family === 0 ? ' (95%: no signal was tested)' : `, adjusted as the p-values are (Holm over the ${family} signal${family === 1 ? '' : 's'} tested: the j-th smallest p is held to 0.05/(${family + 1} − j) until one fails, whose level then holds for the rest; each interval is at its test's level); 95% for a signal not tested`
    }. Overall win rate ${pct(ratio(wonTotal, total))}.`,
    `Verdict: predictive when the difference agrees with the sign of the signal's points at p < 0.05 (Holm-adjusted over the signals tested), inverse when it goes the other way, no evidence otherwise, too few with under ${minN} leads on either side or under ${MIN_WINS} wins in all (not tested).`,
    count === 0
      ? 'Suggested points: none — the rubric has no signals to fit.'
      : modelled
        ? `Suggested points: from one logistic regression of winning on all the signals at once (ridge ${RIDGE}), so signals that fire together share their credit; each signal's log odds ratio given the others (Model log OR), scaled so the strongest predictive or inverse signal gets the rubric's largest points (${maxPoints}); 0 for no evidence.`
        : 'Suggested points: none — the logistic model of the signals could not be fitted (too few wins, or every lead won).',
  ];
  if (count === 0) notes.unshift('The rubric has no score signals.');
  return [{ name: 'signals', title: 'Do the rubric signals predict closing?', columns, rows: out, notes }];
}

/**
 * `leadaudit signals --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'Per rubric signal: win rate with and without it, lift, the interval of the difference, a verdict (predictive, no evidence, inverse, too few) and the points one logistic model of all the signals suggests.',
  examples: ['leadaudit signals contacts.csv deals.csv', 'leadaudit signals contacts.csv deals.csv --rubric leadaudit.yml --format csv > signals.csv'],
};

export const signals = { build, help } satisfies ReportSpec;
