/**
 * matrix (SPEC §6.3): marketing quality (grade) × sales outcome, and the three verdict lines that
 * say which side a gap belongs to — each with its numbers and interval, or "not enough data".
 */
import type { RowList } from '../data/table.js';
import type { ClassifiedLead, Column, Report, Row } from '../model.js';
import { differences, pct, pText, SIGNIFICANCE } from './compare.js';
import { column, handoffStage, plural, ratio, type AuditData } from './context.js';
import { compareRates, diffInterval, trendTest, wilson } from './stats.js';

/** A verdict line (SPEC §6.3): the sentence for people, the finding and numbers for machines. */
export interface Verdict {
  readonly topic: 'marketing gap' | 'sales gap' | 'rubric check';
  /** `gap`, `no gap`, `works`, `inverted`, `no evidence`, `not enough data`, `not applicable`. */
  readonly finding: string;
  readonly text: string;
  /** The group the line names (the channel sending the poor leads, the owner letting them stall). */
  readonly names: string | null;
}

/** Too few wins to judge grades by. */
const MIN_WINS = 5;

function interval(x: number, n: number): string {
  const w = wilson(x, n);
  return w === null ? '' : `95% CI ${pct(w.low)}–${pct(w.high)}`;
}

function points(x: number): string {
  return (x * 100).toFixed(1);
}

function isSales(data: AuditData, lead: ClassifiedLead): boolean {
  return data.rubric.stages[lead.furthest]!.side === 'sales';
}

export function verdicts(data: AuditData): Verdict[] {
  if (data.leads === null) return [];
  return [marketingGap(data, data.leads), salesGap(data, data.leads), rubricCheck(data, data.leads)];
}

function marketingGap(data: AuditData, leads: RowList<ClassifiedLead>): Verdict {
  const topic = 'marketing gap' as const;
  const handoff = handoffStage(data.rubric);
  const bar = data.rubric.qualifiedGrade;
  if (handoff < 0) return { topic, finding: 'not applicable', text: 'Marketing gap: the rubric has no sales stage, so nothing is handed off.', names: null };
  if (data.rubric.signals.length === 0) return { topic, finding: 'not applicable', text: 'Marketing gap: the rubric has no score signals, so no handoff can be judged by grade.', names: null };
  let handed = 0;
  let below = 0;
  let wonBelow = 0;
  let wonQualified = 0;
  const byChannel = new Map<string, { x: number; n: number; won: number }>();
  for (const c of leads) {
    if (c.furthest < handoff) continue;
    handed++;
    const t = byChannel.get(c.channel) ?? { x: 0, n: 0, won: 0 };
    t.n++;
    if (!c.qualified) {
      below++;
      t.x++;
      if (c.outcome === 'won') {
        wonBelow++;
        t.won++;
      }
    } else if (c.outcome === 'won') wonQualified++;
    byChannel.set(c.channel, t);
  }
  const qualified = handed - below;
  if (handed < data.minN) {
    return { topic, finding: 'not enough data', text: `Marketing gap: not enough data — ${plural(handed, 'handed-off lead')} (the bar is ${data.minN}).`, names: null };
  }
  const share = `${pct(below / handed)} of handed-off leads (${below} of ${handed}; ${interval(below, handed)}) are below grade ${bar}`;
  if (below === 0) return { topic, finding: 'no gap', text: `No marketing gap: ${share}.`, names: null };
  if (qualified === 0) return { topic, finding: 'not enough data', text: `Marketing gap: not enough data — ${share}, so there is no qualified handoff to compare their win rate with.`, names: null };

  const rateBelow = wonBelow / below;
  const rateQualified = wonQualified / qualified;
  const diff = diffInterval(wonQualified, qualified, wonBelow, below)!;
  const overall = compareRates(wonQualified, qualified, wonBelow, below);
  const overallGap = overall.p < SIGNIFICANCE && overall.direction > 0;
  const rates = `they win ${pct(rateBelow)} vs ${pct(rateQualified)} for qualified handoffs (qualified win ${points(rateQualified - rateBelow)} points more, 95% CI ${points(diff.low)} to ${points(diff.high)}; ${pText(overall.p)})`;
  // A channel that floods handoff: significantly more of its handoffs below the bar than the rest's.
  const channels = [...byChannel];
  const marks = differences(channels.map(([, t]) => t), data.minN);
  const flooding = channels
    .map(([name, t], i) => ({ name, ...t, mark: marks[i]!.mark, p: marks[i]!.p }))
    .filter((c) => c.mark === '+')
    .sort((a, b) => b.x - a.x || a.p - b.p)[0];
  let channelGap = false;
  let from = '';
  if (flooding) {
    const test = compareRates(wonQualified, qualified, flooding.won, flooding.x);
    channelGap = test.p < SIGNIFICANCE && test.direction > 0;
    const rest = { x: below - flooding.x, n: handed - flooding.n };
    from =
      `${flooding.name} sends the most: ${flooding.x} of its ${flooding.n} handoffs are below grade ${bar} (${pct(flooding.x / flooding.n)} vs ${pct(ratio(rest.x, rest.n))} from other channels; ${pText(flooding.p)}), ` +
      `and they win ${pct(flooding.won / flooding.x)} vs ${pct(rateQualified)} for qualified handoffs (${channelGap ? '' : 'not clearly less; '}${pText(test.p)})`;
  }
  if (overallGap) {
    return { topic, finding: 'gap', text: `Marketing gap${channelGap ? ` (${flooding!.name})` : ''}: ${share}, and ${rates}.${from ? ` ${from}.` : ''}`, names: channelGap ? flooding!.name : null };
  }
  if (channelGap) {
    return {
      topic,
      finding: 'gap',
      text: `Marketing gap (${flooding!.name}): ${from}. Overall, ${share}, and ${rates.replace(/^they win/, 'they win about as often:')}.`,
      names: flooding!.name,
    };
  }
  return { topic, finding: 'no gap', text: `No marketing gap shown: ${share}; ${rates}.${from ? ` ${from}.` : ''}`, names: null };
}

function salesGap(data: AuditData, leads: RowList<ClassifiedLead>): Verdict {
  const topic = 'sales gap' as const;
  const handoff = handoffStage(data.rubric);
  if (handoff < 0) return { topic, finding: 'not applicable', text: 'Sales gap: the rubric has no sales stage.', names: null };
  if (data.rubric.signals.length === 0) return { topic, finding: 'not applicable', text: 'Sales gap: the rubric has no score signals, so no lead is qualified to judge sales by.', names: null };
  let qualified = 0;
  let handed = 0;
  let stalledSales = 0;
  let stalledBefore = 0;
  let poorHanded = 0;
  let poorStalled = 0;
  const byOwner = new Map<string, { x: number; n: number }>();
  for (const c of leads) {
    const stalledInSales = c.stalled && isSales(data, c);
    if (!c.qualified) {
      if (c.furthest >= handoff) {
        poorHanded++;
        if (stalledInSales) poorStalled++;
      }
      continue;
    }
    qualified++;
    if (c.stalled && !isSales(data, c)) stalledBefore++;
    if (c.furthest < handoff) continue;
    handed++;
    const owner = c.lead.owner || '(none)';
    const t = byOwner.get(owner) ?? { x: 0, n: 0 };
    t.n++;
    if (stalledInSales) {
      stalledSales++;
      t.x++;
    }
    byOwner.set(owner, t);
  }
  const before = `Before handoff, ${plural(stalledBefore, 'qualified lead')} stalled in marketing stages (${pct(ratio(stalledBefore, qualified))} of ${qualified}${qualified > 0 ? `; ${interval(stalledBefore, qualified)}` : ''}).`;
  if (handed < data.minN) {
    return {
      topic,
      finding: 'not enough data',
      text: `Sales gap: not enough data — ${plural(handed, 'qualified lead')} handed off (the bar is ${data.minN}). ${before}`,
      names: null,
    };
  }
  // Evidence of a gap is a difference: an owner whose qualified handoffs stall more than the
  // others', or good leads stalling more often than poor ones (sales working the wrong ones).
  const owners = [...byOwner];
  const marks = differences(owners.map(([, t]) => t), data.minN);
  const worst = owners
    .map(([name, t], i) => ({ name, ...t, mark: marks[i]!.mark, p: marks[i]!.p }))
    .filter((o) => o.mark === '+' && o.name !== '(none)')
    .sort((a, b) => b.x - a.x || a.p - b.p)[0];
  const versusPoor = poorHanded > 0 ? compareRates(stalledSales, handed, poorStalled, poorHanded) : { p: 1, direction: 0 };
  const neglected = versusPoor.p < SIGNIFICANCE && versusPoor.direction > 0;
  const stalled = `${plural(stalledSales, 'qualified lead')} stalled in sales stages, ${pct(stalledSales / handed)} of ${handed} qualified handoffs (${interval(stalledSales, handed)})`;
  const poor = poorHanded > 0 ? `; below grade ${data.rubric.qualifiedGrade}, ${pct(poorStalled / poorHanded)} of ${poorHanded} handoffs stalled (${pText(versusPoor.p)})` : '';
  let who = '';
  if (worst) {
    const rest = { x: stalledSales - worst.x, n: handed - worst.n };
    who = ` ${worst.x} of them are ${worst.name}'s: ${pct(worst.x / worst.n)} of that owner's qualified handoffs vs ${pct(ratio(rest.x, rest.n))} for other owners (${pText(worst.p)}).`;
  }
  if (worst || neglected) {
    const why = neglected ? ' Qualified handoffs stall more often than unqualified ones.' : '';
    return { topic, finding: 'gap', text: `Sales gap${worst ? ` (${worst.name})` : ''}: ${stalled}${poor}.${who}${why} ${before}`, names: worst?.name ?? null };
  }
  return { topic, finding: 'no gap', text: `No sales gap shown: ${stalled}${poor}; no owner differs from the rest. ${before}`, names: null };
}

function rubricCheck(data: AuditData, leads: RowList<ClassifiedLead>): Verdict {
  const topic = 'rubric check' as const;
  const grades = data.rubric.grades;
  if (data.rubric.signals.length === 0) return { topic, finding: 'not applicable', text: 'Rubric check: the rubric has no score signals.', names: null };
  const won = grades.map(() => 0);
  const count = grades.map(() => 0);
  const rank = new Map(grades.map((g, i) => [g.name, i]));
  let wonQualified = 0;
  let qualified = 0;
  let wonTotal = 0;
  for (const c of leads) {
    const i = rank.get(c.grade)!;
    count[i]!++;
    const w = c.outcome === 'won' ? 1 : 0;
    won[i]! += w;
    wonTotal += w;
    if (c.qualified) {
      qualified++;
      wonQualified += w;
    }
  }
  const unqualified = leads.length - qualified;
  const wonUnqualified = wonTotal - wonQualified;
  const byGrade = grades
    .map((g, i) => (count[i]! > 0 ? `${g.name} ${pct(won[i]! / count[i]!)}` : ''))
    .filter(Boolean)
    .join(', ');
  if (leads.length < data.minN || wonTotal < MIN_WINS) {
    return {
      topic,
      finding: 'not enough data',
      text: `Rubric check: not enough data — ${wonTotal} won of ${leads.length} leads (the bar is ${data.minN} leads and ${MIN_WINS} wins)${byGrade ? `; win rate by grade: ${byGrade}` : ''}.`,
      names: null,
    };
  }
  // Scores rise with grade quality: a positive trend means win rate falls as grades worsen.
  const { z, p } = trendTest(won, count, grades.map((_, i) => grades.length - i));
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
    const times = ru > 0 ? `qualified leads win ${(rq / ru).toFixed(1)}× as often as unqualified ones` : 'qualified leads win and unqualified ones never do';
    lift = `; ${times} (${pct(rq)} vs ${pct(ru)}; difference 95% CI ${points(diff.low)} to ${points(diff.high)} points)`;
  }
  return { topic, finding, text: `Rubric check: ${trend}${lift}.`, names: null };
}

type Tally = { leads: number; handed: number; won: number; lost: number; stalledMarketing: number; stalledSales: number; open: number; wonHanded: number };

export function matrix(data: AuditData): Report[] {
  if (data.leads === null) return [];
  const { rubric } = data;
  const handoff = handoffStage(rubric);
  const rows: Row[] = [];
  const tally = (): Tally => ({ leads: 0, handed: 0, won: 0, lost: 0, stalledMarketing: 0, stalledSales: 0, open: 0, wonHanded: 0 });
  // With --by, one grade × outcome block per group, then the whole.
  const group = data.group.explicit ? data.group : undefined;
  const blocks = new Map<string, Map<string, Tally>>();
  const gradeTallies = () => new Map(rubric.grades.map((g) => [g.name, tally()]));
  const byGrade = gradeTallies();
  const total = tally();
  for (const c of data.leads) {
    const targets = [byGrade.get(c.grade)!, total];
    if (group) {
      const name = group.ofLead(c);
      let block = blocks.get(name);
      if (!block) blocks.set(name, (block = new Map([...gradeTallies(), ['total', tally()]])));
      targets.push(block.get(c.grade)!, block.get('total')!);
    }
    for (const t of targets) {
      t.leads++;
      const handed = handoff >= 0 && c.furthest >= handoff;
      if (handed) t.handed++;
      if (c.outcome === 'won') {
        t.won++;
        if (handed) t.wonHanded++;
      } else if (c.outcome === 'lost') t.lost++;
      else if (c.stalled) {
        if (isSales(data, c)) t.stalledSales++;
        else t.stalledMarketing++;
      } else t.open++;
    }
  }
  const row = (grade: string, t: Tally): Row => ({
    grade,
    leads: t.leads,
    handed_off: t.handed,
    handoff_pct: ratio(t.handed, t.leads),
    won: t.won,
    lost: t.lost,
    stalled_marketing: t.stalledMarketing,
    stalled_sales: t.stalledSales,
    open: t.open,
    win_rate: ratio(t.won, t.leads),
    win_rate_handed_off: ratio(t.wonHanded, t.handed),
  });
  if (group) {
    const names = [...blocks.keys()].sort((a, b) => blocks.get(b)!.get('total')!.leads - blocks.get(a)!.get('total')!.leads || (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) for (const [grade, t] of blocks.get(name)!) rows.push({ [group.key]: name, ...row(grade, t) });
  }
  for (const [grade, t] of byGrade) rows.push(group ? { [group.key]: '(all)', ...row(grade, t) } : row(grade, t));
  rows.push(group ? { [group.key]: '(all)', ...row('total', total) } : row('total', total));
  const overall = ratio(total.won, total.leads) ?? undefined;
  const columns: Column[] = [
    ...(group ? [column(group.key, group.label, 'text', { fromInput: true, priority: 1 })] : []),
    column('grade', 'Grade', 'text', { priority: 1 }),
    column('leads', 'Leads', 'count', { priority: 1 }),
    column('handed_off', 'Handed off', 'count', { priority: 2 }),
    column('handoff_pct', 'Handoff', 'percent', { priority: 1 }),
    column('won', 'Won', 'count', { priority: 1 }),
    column('lost', 'Lost', 'count', { priority: 3 }),
    column('stalled_marketing', 'Stalled (mkt)', 'count', { priority: 2 }),
    column('stalled_sales', 'Stalled (sales)', 'count', { priority: 1 }),
    column('open', 'Open', 'count', { priority: 3 }),
    column('win_rate', 'Win rate', 'percent', { priority: 1, baseline: overall }),
    column('win_rate_handed_off', 'Win rate (handed off)', 'percent', { priority: 2 }),
  ];
  const grades = rubric.grades.map((g) => (Number.isFinite(g.min) ? `${g.name} ≥ ${g.min}` : `${g.name} below`)).join(', ');
  return [
    {
      name: 'matrix',
      title: 'Lead quality × sales outcome',
      columns,
      rows,
      notes: [`Grades by score: ${grades}; qualified = ${rubric.qualifiedGrade} or better. Stalled (mkt/sales): open leads idle past their stage's threshold, by the side of that stage.`, ...verdicts(data).map((v) => v.text)],
    },
  ];
}
