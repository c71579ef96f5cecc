/**
 * score (docs/reports.md): one row per lead — id, channel, score, grade, qualified, furthest stage,
 * outcome, stalled, days in stage, won amount; with `--with-columns`, the lead's own columns too.
 */
import { setKey, type Column, type Report, type Row } from '../model.js';
import { column } from './context.js';
import { personal } from '../data/personal.js';
import type { AuditData } from '../engine/classified.js';

/** `withColumns`: the lead file's headers with their positions, when --with-columns asks for them. */
const OWN_KEYS = new Set(['lead_id', 'channel', 'score', 'grade', 'qualified', 'furthest_stage', 'outcome', 'stalled', 'days_in_stage', 'won_amount']);

/** A lead column named like one of the report's own keys gets a `column:` prefix. */
function keyOf(name: string): string {
  return OWN_KEYS.has(name) ? `column:${name}` : name;
}

export function score(data: AuditData, withColumns: readonly { name: string; index: number; personal?: boolean }[] = []): Report[] {
  if (data.leads === null) return [];
  const stages = data.rubric.stages;
  const columns: Column[] = [
    column('lead_id', 'Lead', 'text', { fromInput: true, priority: 1 }),
    column('channel', 'Channel', 'text', { fromInput: true, priority: 2 }),
    column('score', 'Score', 'number', { priority: 1 }),
    column('grade', 'Grade', 'text', { priority: 1 }),
    column('qualified', 'Qualified', 'flag', { priority: 2 }),
    column('furthest_stage', 'Furthest stage', 'text', { priority: 1 }),
    column('outcome', 'Outcome', 'text', { priority: 1 }),
    column('stalled', 'Stalled', 'flag', { priority: 2 }),
    column('days_in_stage', 'Days in stage', 'days', { priority: 3 }),
    column('won_amount', 'Won amount', 'money', { priority: 3 }),
    ...withColumns.map(({ name }) => column(keyOf(name), name, 'text', { fromInput: true, priority: 9 })),
  ];
  const rows: Row[] = data.leads.map((c) => {
    const row: Row = {
      lead_id: c.lead.id,
      channel: c.channel,
      score: c.score,
      grade: c.grade,
      qualified: c.qualified,
      furthest_stage: stages[c.furthest]!.key,
      outcome: c.outcome,
      stalled: c.stalled,
      days_in_stage: c.outcome === 'open' && !Number.isNaN(c.daysInStage) ? c.daysInStage : null,
      won_amount: c.outcome === 'won' ? c.wonAmount : null,
    };
    for (const { name, index, personal: hashed } of withColumns) {
      const value = c.lead.cells?.[index] ?? null;
      setKey(row, keyOf(name), value !== null && hashed ? personal(data, value) : value);
    }
    return row;
  });
  return [
    {
      name: 'score',
      title: 'Leads scored',
      columns,
      rows,
      notes: [`Grades: ${data.rubric.grades.map((g) => (Number.isFinite(g.min) ? `${g.name} ≥ ${g.min}` : `${g.name} below`)).join(', ')}; qualified = ${data.rubric.qualifiedGrade} or better.`],
    },
  ];
}
