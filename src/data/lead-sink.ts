/** Each used row of a leads file → one compact lead in a LeadTable, with its values parsed once. */
import type { CsvSink } from '../io/csv/index.js';
import { LeadTable } from './table.js';
import { CodedText, IdIndex, Numbers, own, PackedText, type Days } from './columns.js';
import { type Rubric } from '../rubric/resolve.js';
import { leadFieldsOf, type LeadField } from '../rubric/fields.js';
import { missingValueRule } from './normalize.js';
import { Accounting, sinkFor } from './accounting.js';
import { conditionMarks, DateColumn, settleDates } from './value-columns.js';
import { clashes, withoutLeadRows, LEAD_TEXT, type LeadPart } from '../parallel/parts.js';
import { type ColumnPlan, type MapOptions } from './map.js';

export interface LeadsRead {
  readonly leads: LeadTable;
  readonly accounting: Accounting;
  /** Slash-order decision per date column, for `check`. */
  readonly dateOrders: Record<string, string>;
  /** Number format decided per column a condition compares as a number, for `check`. */
  readonly numberFormats: Record<string, string>;
  /** Id → row, when every id is one plain key (no `;`, `,` or `@`): the join's index for `lead: id`. */
  readonly byId: IdIndex | undefined;
}

export function leadSink(plan: ColumnPlan, rubric: Rubric, options: MapOptions): CsvSink & { finish(): LeadsRead; part(): LeadPart } {
  const accounting = new Accounting(plan.file, options.keepRejects ?? false);
  const f = plan.fields;
  const col = (field: LeadField): number => f[field] ?? -1;
  const idIx = col('id');
  const ix = { email: col('email'), name: col('name'), first: col('firstName'), last: col('lastName') };
  const order = options.dateOrder ?? rubric.leads.dateOrder;
  // The date fields in declaration order (src/rubric/fields.ts), then the stages' date columns.
  const dateFields = leadFieldsOf('date');
  const dateIx = [...dateFields.map(col), ...plan.stageColumns];
  const dates = dateIx.map((i) => (i >= 0 ? new DateColumn(plan.header.names[i]!, order, options.part) : undefined));
  const line = new Numbers();
  // The id column, and id → row: also the join's index when every id is a single plain key (see joinDeals).
  const ids = new IdIndex();
  const email = new PackedText();
  const name = new PackedText();
  const shared = Object.fromEntries(LEAD_TEXT.map((field) => [field, new CodedText()])) as Record<(typeof LEAD_TEXT)[number], CodedText>;
  const sharedIx = LEAD_TEXT.map(col);
  const values = plan.slots.map(() => new CodedText());
  const cells: string[][] | undefined = options.keepCells ? [] : undefined;
  let plainIds = true;
  /** Rows without an id (kept, named by their line). */
  const noId: number[] = [];

  const value = missingValueRule(rubric.missingValues);

  const sink = sinkFor(accounting, plan.header, (row, at) => {
    // Every cell read below passes `value`: the one place a missing token becomes ''.
    const cell = (i: number): string => (i < 0 ? '' : value(row[i]!.trim()));
    const key = cell(idIx);
    if (key !== '' && ids.get(key) !== undefined) {
      accounting.duplicates++;
      accounting.reject(row, at, 'duplicate_id');
      return;
    }
    if (idIx >= 0 && key === '') noId.push(ids.length);
    if (plainIds && /[;,@]/.test(key)) plainIds = false;
    if (key === '') ids.push(`#${at}`, false);
    else ids.push(key);
    line.push(at);
    email.push(cell(ix.email));
    let full = cell(ix.name);
    if (full === '' && (ix.first >= 0 || ix.last >= 0)) full = `${cell(ix.first)} ${cell(ix.last)}`.trim();
    name.push(full);
    for (let t = 0; t < LEAD_TEXT.length; t++) shared[LEAD_TEXT[t]!].push(cell(sharedIx[t]!));
    for (let d = 0; d < dates.length; d++) dates[d]?.push(value(row[dateIx[d]!]!), at);
    for (let v = 0; v < values.length; v++) values[v]!.push(value(row[plan.slots[v]!]!));
    // score --with-columns shows the cells as the file has them.
    cells?.push(row.map(own));
    accounting.used++;
  });

  const end = (): LeadsRead => {
    const length = ids.length;
    const { days, orders } = settleDates(plan.file, accounting, length, dates);
    if (noId.length > 0) accounting.warnings.push(`${plan.file}: ${noId.length} rows have no id; they are kept and named by their line (#<line>)`);
    const coded = (field: string): CodedText | undefined => {
      if ((LEAD_TEXT as readonly string[]).includes(field)) return shared[field as (typeof LEAD_TEXT)[number]];
      const slot = plan.slotOf.get(field);
      return slot === undefined ? undefined : values[slot];
    };
    const numbers = conditionMarks('lead', plan, rubric, accounting, coded);
    const leads = new LeadTable({
      length,
      line: line.done(),
      id: ids.ids,
      email,
      name,
      ...shared,
      ...(Object.fromEntries(dateFields.map((field, d) => [field, days[d]!])) as Record<(typeof dateFields)[number], Days>),
      stageDates: days.slice(dateFields.length),
      values,
      decimals: numbers.marks,
      cells,
    });
    return { leads, accounting, dateOrders: orders, numberFormats: numbers.labels, byId: idIx >= 0 && plainIds && noId.length === 0 ? ids : undefined };
  };

  const part = (): LeadPart => ({
    line: line.done(),
    id: ids.ids.part(),
    noId,
    email: email.part(),
    name: name.part(),
    text: LEAD_TEXT.map((k) => shared[k].part()),
    values: values.map((v) => v.part()),
    dates: dates.map((d) => d?.part()),
    cells,
    plainIds,
    accounting: accounting.part(),
  });

  // Rows read from the rest of the file elsewhere (readPart), taken as if they had come through `row`.
  const append = (taken: unknown): boolean => {
    const taken0 = taken as LeadPart;
    const duplicates = idIx >= 0 ? clashes(taken0.id, taken0.noId, ids) : [];
    // --rejects writes a duplicate's cells, which only the other thread saw: read the part here.
    if (duplicates.length > 0 && options.keepRejects) return false;
    const p = duplicates.length === 0 ? taken0 : withoutLeadRows(taken0, duplicates);
    if (p === undefined) return false;
    const offset = ids.length;
    ids.pushPart(p.id, idIx < 0 ? 'all' : p.noId);
    email.pushFrom(p.email);
    name.pushFrom(p.name);
    for (const r of p.noId) noId.push(offset + r);
    plainIds &&= p.plainIds;
    line.pushAll(p.line);
    LEAD_TEXT.forEach((k, i) => shared[k].pushPart(p.text[i]!));
    p.values.forEach((coded, v) => values[v]!.pushPart(coded));
    p.dates.forEach((d, k) => d && dates[k]!.append(d));
    if (cells && p.cells) for (const row of p.cells) cells.push(row);
    accounting.append(p.accounting, duplicates.map((r) => taken0.line[r]!));
    return true;
  };
  return { ...sink, finish: end, part, append };
}
