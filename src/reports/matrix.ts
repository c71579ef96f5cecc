/**
 * matrix: marketing quality (grade) × sales outcome, and under it the three verdict lines that say
 * which side a gap belongs to (src/reports/verdicts.ts, by the rules of docs/verdicts.md).
 */
import type { ClassifiedLead, Column, Report, Row } from '../model.js';
import { column, handoffStage, ratio, type AuditData } from './context.js';
import { verdicts } from './verdicts.js';

function isSales(data: AuditData, lead: ClassifiedLead): boolean {
  return data.rubric.stages[lead.furthest]!.side === 'sales';
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

/**
 * `leadaudit matrix --help`: the description (also the line in `leadaudit --help`) and the
 * examples printed after the options. src/cli.ts builds the command from it.
 */
export const help = {
  description: 'Grade × outcome, with the verdict lines: is it a marketing gap (poor leads handed off), a sales gap (good leads left to stall), and does the rubric rank leads the way they close?',
  examples: ['leadaudit matrix contacts.csv deals.csv', 'leadaudit matrix contacts.csv deals.csv --rubric leadaudit.yml --format json'],
};
