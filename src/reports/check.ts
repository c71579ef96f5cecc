/**
 * check (docs/reports.md): the rubric in use, the column mapping found in each file, and the data
 * quality of each file — row accounting with reasons, unreadable values, implied stages, dates.
 */
import type { ColumnPlan } from '../data/map.js';
import type { LeadsRead } from '../data/lead-sink.js';
import type { DealsRead } from '../data/deal-sink.js';
import type { Implausible } from '../data/plausible.js';
import type { Recognition } from '../rubric/init/read.js';
import type { CsvInfo } from '../io/csv/index.js';
import { reasonText, type FileAccounting, type Report, type Row } from '../model.js';
import { DEAL_FIELDS, LEAD_FIELDS } from '../rubric/fields.js';
import type { Rubric } from '../rubric/resolve.js';
import { column } from './context.js';
import type { AuditData } from '../engine/classified.js';

export interface CheckInput {
  readonly data: AuditData;
  readonly rubric: Rubric;
  readonly leads: { readonly plan: ColumnPlan; readonly read: LeadsRead; readonly info: CsvInfo } | null;
  readonly deals: { readonly plan: ColumnPlan; readonly read: DealsRead; readonly info: CsvInfo } | null;
  readonly warnings: readonly string[];
  /** Values that read but cannot be right: far-future dates, deals closed before created, … */
  readonly implausible?: readonly Implausible[];
  /** Each field's candidates by header and kind of values, when the files could be read again. */
  readonly recognized?: Recognition;
}

function mappingRows(side: 'leads' | 'deals', plan: ColumnPlan, rubric: Rubric, recognized?: Recognition): Row[] {
  const rows: Row[] = [];
  const fields: readonly string[] = side === 'leads' ? LEAD_FIELDS : DEAL_FIELDS;
  const choices = (side === 'leads' ? rubric.leads.columns : rubric.deals.columns) as Record<string, { candidates: readonly string[]; user: boolean } | undefined>;
  const found = recognized?.[side];
  const kinds = recognized?.kinds[side];
  for (const field of fields) {
    const i = plan.fields[field];
    const choice = choices[field];
    if (i === undefined && choice === undefined && found?.[field]?.column === undefined) continue;
    const name = i === undefined ? undefined : plan.header.names[i]!;
    const kind = name === undefined ? undefined : kinds?.get(name);
    const source = choice === undefined ? '' : choice.user ? `named in ${rubric.origin}` : `the ${rubric.preset} preset's name`;
    const others = (found?.[field]?.runnersUp ?? []).filter((c) => c.column !== name);
    const also = found?.[field]?.column !== undefined && found[field]!.column !== name ? [{ column: found[field]!.column!, why: found[field]!.why }, ...others] : others;
    rows.push({
      file: side,
      field,
      column: name ?? null,
      status: i !== undefined ? 'found' : choice === undefined ? 'not mapped' : 'not in file',
      why: name !== undefined ? `${source}${kind ? `; ${kind} values` : ''}` : choice === undefined ? 'the rubric maps no column' : null,
      runners_up: also.length > 0 ? also.map((c) => `${c.column} (${c.why})`).join('; ') : null,
      tried: i === undefined && choice !== undefined ? choice.candidates.join(' | ') : null,
    });
  }
  const stageChoices = side === 'leads' ? rubric.stages.map((s) => ({ name: `stage ${s.key} date`, choice: s.date })) : rubric.deals.stages.map((s) => ({ name: `stage ${s.label} entered`, choice: s.enteredDate }));
  stageChoices.forEach(({ name, choice }, k) => {
    if (!choice) return;
    const i = plan.stageColumns[k]!;
    rows.push({
      file: side,
      field: name,
      column: i < 0 ? null : plan.header.names[i]!,
      status: i >= 0 ? 'found' : 'not in file',
      why: i >= 0 ? (choice.user ? `named in ${rubric.origin}` : `the ${rubric.preset} preset's name`) : null,
      runners_up: null,
      tried: i < 0 ? choice.candidates.join(' | ') : null,
    });
  });
  for (const [name, slot] of plan.slotOf) {
    rows.push({ file: side, field: `condition: ${name}`, column: plan.header.names[plan.slots[slot]!]!, status: 'found', why: 'named in a condition', runners_up: null, tried: null });
  }
  return rows;
}

function qualityRows(side: 'leads' | 'deals', accounting: FileAccounting, read: LeadsRead | DealsRead, info: CsvInfo): Row[] {
  const rows: Row[] = [
    { file: side, check: 'encoding', count: null, detail: `${info.encoding}, delimiter ${accounting.delimiter}${info.exact ? ' (read by csv-parse after a malformed record)' : ''}${info.worker ? '; read on two threads' : ''}` },
    { file: side, check: 'rows read', count: accounting.read, detail: null },
    { file: side, check: 'rows used', count: accounting.used, detail: null },
    { file: side, check: 'rows rejected', count: accounting.rejected, detail: null },
    { file: side, check: 'rows skipped', count: accounting.skipped, detail: null },
  ];
  for (const [reason, n] of Object.entries(accounting.reasons).sort((a, b) => b[1] - a[1])) rows.push({ file: side, check: `  ${reasonText(reason)}`, count: n, detail: null });
  if (accounting.duplicates > 0) rows.push({ file: side, check: 'duplicate ids', count: accounting.duplicates, detail: 'the first row of each id is kept' });
  for (const [name, { count, line, text }] of read.accounting.invalid) {
    rows.push({ file: side, check: `unreadable values in "${name}"`, count, detail: `first at line ${line}: ${JSON.stringify(text)}; treated as missing` });
  }
  if (info.nul) {
    rows.push({ file: side, check: 'NUL characters removed', count: info.nul.count, detail: `from ${info.nul.cells} cells; first at line ${info.nul.line}, column "${info.nul.column}"` });
  }
  for (const [name, order] of Object.entries(read.dateOrders)) rows.push({ file: side, check: `date order of "${name}"`, count: null, detail: order });
  for (const [name, format] of Object.entries(read.numberFormats)) rows.push({ file: side, check: `number format of "${name}"`, count: null, detail: format });
  if (accounting.attributed !== undefined && accounting.attributed !== null) {
    rows.push({ file: side, check: 'deals attributed to a lead', count: accounting.attributed, detail: null });
    rows.push({ file: side, check: 'deals matching no lead', count: accounting.unattributed ?? null, detail: 'shown as (unattributed) in sources' });
  }
  return rows;
}

export function check(input: CheckInput): Report[] {
  const { data, rubric } = input;
  const mapping: Row[] = [];
  if (input.leads) mapping.push(...mappingRows('leads', input.leads.plan, rubric, input.recognized));
  if (input.deals) mapping.push(...mappingRows('deals', input.deals.plan, rubric, input.recognized));
  const quality: Row[] = [];
  const implausible = (side: 'leads' | 'deals'): Row[] =>
    (input.implausible ?? [])
      .filter((x) => x.side === side)
      .map((x) => ({ file: side, check: x.check, count: x.count, detail: `first at line ${x.line}: ${x.example}; kept as written` }));
  if (input.leads && data.inputs.leads) quality.push(...qualityRows('leads', data.inputs.leads, input.leads.read, input.leads.info), ...implausible('leads'));
  if (input.deals && data.inputs.deals) quality.push(...qualityRows('deals', data.inputs.deals, input.deals.read, input.deals.info), ...implausible('deals'));
  if (data.join !== null) {
    const { sharedDeals, sharedLeads, shared } = data.join;
    quality.push({
      file: 'deals',
      check: 'deals matching several leads',
      count: sharedDeals,
      detail:
        sharedDeals === 0
          ? null
          : `${sharedLeads} leads involved; join.shared: ${shared === 'first' ? 'first credits only the first' : 'all splits each evenly'}`,
    });
  }
  data.skips.forEach((n, i) => {
    if (n > 0) quality.push({ file: 'leads', check: `stage "${rubric.stages[i]!.key}" implied`, count: n, detail: 'reached a later stage with no record of this one' });
  });
  const text = (key: string, label: string, priority?: number) => column(key, label, 'text', { fromInput: true, ...(priority === undefined ? {} : { priority }) });
  return [
    {
      name: 'rubric',
      title: 'Rubric',
      columns: [column('item', 'Item', 'text'), text('value', 'Value')],
      rows: [
        { item: 'rubric', value: rubric.origin.startsWith('preset ') ? `${rubric.origin} (no rubric file)` : rubric.origin },
        { item: 'preset', value: rubric.preset },
        { item: 'valid', value: 'yes' },
        { item: 'stages', value: rubric.stages.map((s) => `${s.key} (${s.side})`).join(' → ') },
        { item: 'join', value: `lead ${rubric.join.lead} = deal ${rubric.join.deal}; shared: ${rubric.join.shared}` },
        { item: 'missing values', value: rubric.missingValues.length === 0 ? '(none: every cell as written)' : rubric.missingValues.join(' ') },
        { item: 'grades', value: rubric.grades.map((g) => (Number.isFinite(g.min) ? `${g.name} ≥ ${g.min}` : `${g.name} below`)).join(', ') },
      ],
      notes: [],
      layout: 'table',
    },
    {
      name: 'mapping',
      title: 'Column mapping',
      columns: [
        column('file', 'File', 'text'),
        column('field', 'Field', 'text'),
        text('column', 'Column'),
        column('status', 'Status', 'text'),
        // On a narrow terminal the mapping itself stays; the evidence goes first (--wide shows it).
        text('why', 'Why', 3),
        text('runners_up', 'Runners-up', 2),
        text('tried', 'Looked for', 2),
      ],
      rows: mapping,
      notes: [
        'A column the rubric file names must exist (exit 2); a preset column that is not in the file is simply not used.',
        'Why: where the name came from and the kind of values the column holds. Runners-up: other columns whose header names the field, with their kind of values.',
      ],
    },
    {
      name: 'quality',
      title: 'Data quality',
      columns: [column('file', 'File', 'text'), column('check', 'Check', 'text'), column('count', 'Count', 'count'), text('detail', 'Detail')],
      rows: quality,
      notes: input.warnings.map((w) => `warning: ${w}`),
    },
  ];
}
