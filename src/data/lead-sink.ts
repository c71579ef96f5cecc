/**
 * Each used row of a leads file → one compact lead in a LeadTable, with its values parsed once:
 * the whole file as one table, or (leadChunks) as tables of a few thousand rows handed on as they fill.
 */
import type { CsvSink } from '../io/csv/index.js';
import { JoinedLeads, LeadTable } from './table.js';
import { CodedText, IdIndex, Numbers, own, PackedText, type Days } from './columns.js';
import { type Rubric } from '../rubric/resolve.js';
import { leadFieldsOf, type LeadField } from '../rubric/fields.js';
import { missingValueRule, NumberEvidence, numberEvidence, type DecimalMark } from './normalize.js';
import { Accounting, sinkFor } from './accounting.js';
import { comparedNumbers, conditionMarks, DateColumn, decideDates, swapDays } from './value-columns.js';
import { type ColumnPlan, type MapOptions } from './map.js';

/** The repeated-text (coded) columns of a lead (in this order in a chunk that crosses threads). */
export const LEAD_TEXT = leadFieldsOf('coded');

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

/** Rows per chunk: big enough that a chunk's fixed costs vanish, small enough that it is a few MB. */
export const CHUNK_ROWS = 32_768;

/** Some rows of a leads file, in file order (leadChunks). */
export interface LeadChunk {
  readonly table: LeadTable;
  /**
   * False while a cell of the chunk reads one way or the other depending on values further down the
   * file (a date like 3/5/2024 in a column not yet proven, a number like 1,234 that a condition
   * compares): such a chunk is final only after settleChunk, once the file is read.
   */
  readonly final: boolean;
  /** The file's last chunk (handed on settled): no lead comes after it. */
  readonly last: boolean;
  /** Per date column (the date fields, then the stages' dates), the rows whose value reads either way. */
  readonly ambiguous: readonly (readonly number[] | undefined)[];
}

/** How a leads file read in chunks decided its cells: per date column whether ambiguous values swap, and compared numbers' decimal marks. */
export interface Decided {
  readonly swap: readonly boolean[];
  readonly marks: Readonly<Record<string, DecimalMark>>;
}

/** Makes a chunk that was not final read as the whole file decided (settleChunk once per chunk). */
export function settleChunk(chunk: LeadChunk, decided: Decided): void {
  const c = chunk.table.c;
  const days = [...leadFieldsOf('date').map((field) => c[field]), ...c.stageDates];
  chunk.ambiguous.forEach((rows, k) => rows && decided.swap[k] && swapDays(days[k]!, rows));
  Object.assign(c.decimals, decided.marks);
}

/** What a leads file read in chunks leaves besides its chunks; `indexed`: whether its ids make the join's index (LeadsRead.byId). */
export type LeadChunksRead = Omit<LeadsRead, 'leads' | 'byId'> & { readonly decided: Decided; readonly indexed: boolean };

/**
 * The chunks of a leads file (in file order) joined back into the read of the whole file (`score`,
 * `explain` and `check` on a file read on another core): the ambiguous dates of chunks that were
 * not final are read again once the file decided them, as settleChunk would have.
 */
export class WholeLeads {
  private readonly joined = new JoinedLeads(new IdIndex());
  /** Per date column (as LeadChunk.ambiguous), the joined rows of chunks not final whose value reads either way. */
  private readonly ambiguous: number[][] = [];

  constructor(private readonly plan: ColumnPlan) {}

  take(chunk: LeadChunk): void {
    const base = this.joined.length;
    if (!chunk.final) chunk.ambiguous.forEach((rows, k) => rows?.forEach((r) => (this.ambiguous[k] ??= []).push(base + r)));
    this.joined.push(chunk.table);
  }

  finish(read: LeadChunksRead): LeadsRead {
    const leads = this.joined.done(this.plan.stageColumns.length, this.plan.slots.length, read.decided.marks);
    const c = leads.c;
    const days = [...leadFieldsOf('date').map((field) => c[field]), ...c.stageDates];
    this.ambiguous.forEach((rows, k) => read.decided.swap[k] && swapDays(days[k]!, rows));
    const { accounting, dateOrders, numberFormats } = read;
    return { leads, accounting, dateOrders, numberFormats, byId: read.indexed ? this.joined.ids : undefined };
  }
}

/**
 * Reads a leads file in chunks of about `rows` rows, each handed to `take` as it fills (the last
 * one by finish()). Ids are checked for duplicates across the whole file, and date orders and
 * decimal marks are decided from every value, as a read of the whole file does.
 */
export function leadChunks(plan: ColumnPlan, rubric: Rubric, options: MapOptions, rows: number, take: (chunk: LeadChunk) => void): CsvSink & { finish(): LeadChunksRead } {
  return mapLeads(plan, rubric, options, { rows, take });
}

/** Reads a whole leads file into one table. */
export function leadSink(plan: ColumnPlan, rubric: Rubric, options: MapOptions): CsvSink & { finish(): LeadsRead } {
  return mapLeads(plan, rubric, options, undefined);
}

function mapLeads(plan: ColumnPlan, rubric: Rubric, options: MapOptions, chunks: undefined): CsvSink & { finish(): LeadsRead };
function mapLeads(plan: ColumnPlan, rubric: Rubric, options: MapOptions, chunks: { rows: number; take: (chunk: LeadChunk) => void }): CsvSink & { finish(): LeadChunksRead };
function mapLeads(
  plan: ColumnPlan,
  rubric: Rubric,
  options: MapOptions,
  chunks: { rows: number; take: (chunk: LeadChunk) => void } | undefined,
): CsvSink & { finish(): LeadsRead | LeadChunksRead } {
  const accounting = new Accounting(plan.file, options.keepRejects ?? false);
  const f = plan.fields;
  const col = (field: LeadField): number => f[field] ?? -1;
  const idIx = col('id');
  const ix = { email: col('email'), name: col('name'), first: col('firstName'), last: col('lastName') };
  const order = options.dateOrder ?? rubric.leads.dateOrder;
  // The date fields in declaration order (src/rubric/fields.ts), then the stages' date columns.
  const dateFields = leadFieldsOf('date');
  const dateIx = [...dateFields.map(col), ...plan.stageColumns];
  const dates = dateIx.map((i) => (i >= 0 ? new DateColumn(plan.header.names[i]!, order) : undefined));
  // The id column, and id → row: also the join's index when every id is a single plain key (see
  // joinDeals). Read in chunks, it holds the ids of the whole file (for duplicates) and each chunk
  // its own.
  const ids = new IdIndex();
  const sharedIx = LEAD_TEXT.map(col);
  const codedText = () => Object.fromEntries(LEAD_TEXT.map((field) => [field, new CodedText()])) as Record<(typeof LEAD_TEXT)[number], CodedText>;
  // The columns of the rows since the last chunk (of every row when the file is read whole).
  let line = new Numbers();
  let chunkIds = chunks ? new PackedText() : ids.ids;
  let email = new PackedText();
  let name = new PackedText();
  let shared = codedText();
  let values = plan.slots.map(() => new CodedText());
  const cells: string[][] | undefined = options.keepCells ? [] : undefined;
  let plainIds = true;
  /** Rows without an id (kept, named by their line). */
  const noId: number[] = [];
  // Read in chunks: the distinct values of each field a condition compares as a number, for its decimal mark.
  const numberValues = new Map([...comparedNumbers('lead', rubric)].map((field) => [field, new Set<string>()]));

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
    if (chunkIds !== ids.ids) chunkIds.push(key === '' ? `#${at}` : key);
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
    if (chunks && line.length >= chunks.rows) chunks.take(takeChunk());
  });

  /** A field's coded column among some columns (those being read when not given), if it has one. */
  const coded = (field: string, columns: { shared: Record<(typeof LEAD_TEXT)[number], CodedText>; values: CodedText[] } = { shared, values }): CodedText | undefined => {
    if ((LEAD_TEXT as readonly string[]).includes(field)) return columns.shared[field as (typeof LEAD_TEXT)[number]];
    const slot = plan.slotOf.get(field);
    return slot === undefined ? undefined : columns.values[slot];
  };

  /** The columns read since the last chunk as a table of their own, and fresh columns for the next rows. */
  const takeChunk = (last = false): LeadChunk => {
    const chunk = asChunk(
      { line: line.done(), id: chunkIds, email, name, shared, values },
      dates.map((d) => d?.take()),
      last,
    );
    line = new Numbers();
    chunkIds = new PackedText();
    email = new PackedText();
    name = new PackedText();
    shared = codedText();
    values = plan.slots.map(() => new CodedText());
    return chunk;
  };

  /** Columns of some rows as a chunk: final unless one of their cells waits for the rest of the file. */
  const asChunk = (
    columns: { line: Float64Array; id: PackedText; email: PackedText; name: PackedText; shared: Record<(typeof LEAD_TEXT)[number], CodedText>; values: CodedText[] },
    taken: ({ days: Days; ambiguous: readonly number[]; final: boolean } | undefined)[],
    last: boolean,
  ): LeadChunk => {
    const length = columns.line.length;
    // A value like 1,234 reads as thousands or as a decimal depending on the whole column.
    let numbersFinal = true;
    for (const [field, seen] of numberValues) {
      for (const value of coded(field, columns)?.usedValues() ?? []) {
        seen.add(value);
        const evidence = numberEvidence(value);
        if (evidence === NumberEvidence.AmbiguousDot || evidence === NumberEvidence.AmbiguousComma) numbersFinal = false;
      }
    }
    const decimals: Record<string, DecimalMark> = {};
    const table = new LeadTable({
      length,
      line: columns.line,
      id: columns.id,
      email: columns.email,
      name: columns.name,
      ...columns.shared,
      ...(Object.fromEntries(dateFields.map((field, d) => [field, taken[d]?.days ?? nothing(length)])) as Record<(typeof dateFields)[number], Days>),
      stageDates: taken.slice(dateFields.length).map((t) => t?.days ?? nothing(length)),
      values: columns.values,
      decimals,
      cells: undefined,
    });
    return { table, last, final: numbersFinal && taken.every((t) => t === undefined || t.final), ambiguous: taken.map((t) => t?.ambiguous) };
  };

  /** Decides, once every row is read, how the dates and the compared numbers read; warns of rows without an id. */
  const decide = () => {
    const { swap, orders } = decideDates(plan.file, accounting, dates);
    if (noId.length > 0) accounting.warnings.push(`${plan.file}: ${noId.length} rows have no id; they are kept and named by their line (#<line>)`);
    const numbers = conditionMarks('lead', plan, rubric, accounting, (field) => (coded(field) === undefined ? undefined : numberValues.get(field)));
    return { decided: { swap, marks: numbers.marks }, dateOrders: orders, numberFormats: numbers.labels };
  };

  // Every row has one plain id: the ids are the join's index for `lead: id`.
  const indexed = () => idIx >= 0 && plainIds && noId.length === 0;

  const finishChunks = (): LeadChunksRead => {
    const last = takeChunk(true);
    const { decided, dateOrders, numberFormats } = decide();
    settleChunk(last, decided);
    chunks!.take({ ...last, final: true });
    return { accounting, dateOrders, numberFormats, decided, indexed: indexed() };
  };

  // Read whole: the file is one chunk.
  const end = (): LeadsRead => {
    const whole = takeChunk(true);
    const { decided, dateOrders, numberFormats } = decide();
    settleChunk(whole, decided);
    const leads = cells === undefined ? whole.table : new LeadTable({ ...whole.table.c, cells });
    return { leads, accounting, dateOrders, numberFormats, byId: indexed() ? ids : undefined };
  };

  return { ...sink, finish: chunks ? finishChunks : end };
}

function nothing(length: number): Days {
  return new Float32Array(length).fill(NaN);
}
