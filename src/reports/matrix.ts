/**
 * matrix: marketing quality (grade) × sales outcome, and under it the three verdict lines that say
 * which side a gap belongs to (src/reports/verdicts.ts, by the rules of docs/verdicts.md).
 */
import type { Column, Report, Row } from '../model.js';
import { leadTally, type AuditFacts, type LeadGroup, type LeadTally } from '../engine/facts.js';
import { column, compareText, ratio, type ReportSpec } from './context.js';
import { verdicts } from './verdicts.js';
import { horizonDays, horizonNote, leadRates } from './horizon.js';

function build(data: AuditFacts): Report[] {
  if (data.leads === null) return [];
  const { rubric } = data;
  const rows: Row[] = [];
  // With --by, one grade × outcome block per group, then the whole.
  const group = data.group.explicit ? data.group : undefined;
  const total = data.leads.all.tally;
  const row = (grade: string, t: LeadTally): Row => {
    const at = leadRates(data, t);
    return {
      grade,
      leads: t.leads,
      handed_off: t.handedOff,
      handoff_pct: ratio(t.handedOff, t.leads),
      won: t.won,
      lost: t.lost,
      stalled_marketing: t.stalledMarketing,
      stalled_sales: t.stalledSales,
      open: t.open,
      won_so_far: ratio(t.won, t.leads),
      win_rate: ratio(at.won.leads, at.all.leads),
      win_rate_handed_off: ratio(at.won.handedOff, at.all.handedOff),
    };
  };
  const block = (g: LeadGroup): [string, LeadTally][] => [...rubric.grades.map((grade, i): [string, LeadTally] => [grade.name, g.grades[i] ?? leadTally()]), ['total', g.tally]];
  if (group) {
    const blocks = [...data.leads.byGroup].sort(([a, x], [b, y]) => y.tally.leads - x.tally.leads || compareText(a, b));
    for (const [name, g] of blocks) for (const [grade, t] of block(g)) rows.push({ [group.key]: name, ...row(grade, t) });
  }
  for (const [grade, t] of block(data.leads.all)) rows.push(group ? { [group.key]: '(all)', ...row(grade, t) } : row(grade, t));
  const totalAt = leadRates(data, total);
  const overall = ratio(totalAt.won.leads, totalAt.all.leads) ?? undefined;
  const days = horizonDays(data);
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
    column('won_so_far', 'Won so far', 'percent', { priority: 4 }),
    column('win_rate', days === null ? 'Win rate' : `Win ≤${days}d`, 'percent', { priority: 1, baseline: overall }),
    column('win_rate_handed_off', days === null ? 'Win rate (handed off)' : `Win ≤${days}d (handed off)`, 'percent', { priority: 2 }),
  ];
  const grades = rubric.grades.map((g) => (Number.isFinite(g.min) ? `${g.name} ≥ ${g.min}` : `${g.name} below`)).join(', ');
  return [
    {
      name: 'matrix',
      title: 'Lead quality × sales outcome',
      columns,
      rows,
      notes: [
        `Grades by score: ${grades}; qualified = ${rubric.qualifiedGrade} or better. Stalled (mkt/sales): open leads idle past their stage's threshold, by the side of that stage.`,
        horizonNote(data),
        ...verdicts(data).map((v) => v.text),
      ],
    },
  ];
}

/**
 * `leadaudit matrix --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
const help = {
  description: 'Grade × outcome, with the verdict lines: is it a marketing gap (poor leads handed off), a sales gap (good leads left to stall), and does the rubric rank leads the way they close?',
  examples: ['leadaudit matrix contacts.csv deals.csv', 'leadaudit matrix contacts.csv deals.csv --rubric leadaudit.yml --format json'],
};

export const matrix = { build, help } satisfies ReportSpec;
