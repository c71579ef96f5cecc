/**
 * Leads and deals as columns (src/data/columns.ts): one typed array per number field and one array
 * of (shared) strings per text field, instead of an object per row. Code that wants a row gets a
 * small view object whose getters read the columns; views are made on demand and not kept.
 */
import type { Deal, Lead, Outcome } from '../model.js';
import type { DecimalMark } from './normalize.js';
import { CodedText, dayNumbers, IdIndex, Numbers, own, PackedText, splitKeys, type Days } from './columns.js';
import { DEAL_FIELD_KINDS, LEAD_FIELD_KINDS, type DealField, type DealFieldOf, type FieldKind, type LeadField, type LeadFieldOf } from '../rubric/fields.js';

export interface RowList<T> extends Iterable<T> {
  readonly length: number;
}

/**
 * A read-only list of rows backed by columns: `length`, `at`, iteration and the few array methods
 * reports use. Rows are views made as they are asked for.
 */
export class Rows<T> implements Iterable<T> {
  constructor(
    readonly length: number,
    private readonly row: (i: number) => T,
  ) {}

  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.row(i) : undefined;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.length; i++) yield this.row(i);
  }

  map<U>(f: (row: T, i: number) => U): U[] {
    const out = new Array<U>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = f(this.row(i), i);
    return out;
  }

  filter(f: (row: T, i: number) => boolean): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.length; i++) {
      const r = this.row(i);
      if (f(r, i)) out.push(r);
    }
    return out;
  }

  find(f: (row: T) => boolean): T | undefined {
    for (let i = 0; i < this.length; i++) {
      const r = this.row(i);
      if (f(r)) return r;
    }
    return undefined;
  }

  some(f: (row: T) => boolean): boolean {
    return this.find(f) !== undefined;
  }

  reduce<U>(f: (acc: U, row: T) => U, initial: U): U {
    let acc = initial;
    for (let i = 0; i < this.length; i++) acc = f(acc, this.row(i));
    return acc;
  }
}

// ---------------------------------------------------------------- leads and deals as columns

/** How each kind of canonical field is stored (src/rubric/fields.ts): text packed or coded, dates as days. */
type Stored<F extends string, Kinds extends Record<F, FieldKind>> = {
  readonly [K in F]: Kinds[K] extends 'coded' ? CodedText : Kinds[K] extends 'date' ? Days : Kinds[K] extends 'amount' ? Float64Array : PackedText;
};

type LeadStored = Stored<Exclude<LeadField, LeadFieldOf<'part'>>, typeof LEAD_FIELD_KINDS>;
type DealStored = Stored<Exclude<DealField, DealFieldOf<'keys'>>, typeof DEAL_FIELD_KINDS>;

/** Every used lead of a file, one column per canonical field (docs/rubric.md, "Columns"). */
export interface LeadColumns extends LeadStored {
  readonly length: number;
  readonly line: Float64Array;
  /** Per rubric stage, its date column. */
  readonly stageDates: readonly Days[];
  /** Per condition slot, the raw text of that column. */
  readonly values: readonly CodedText[];
  /** Field → the decimal mark of its column, for the fields conditions compare as numbers (data/value-columns.ts). */
  readonly decimals: Readonly<Record<string, DecimalMark>>;
  /** Per row, every cell (only with `score --with-columns`). */
  readonly cells: readonly (readonly string[])[] | undefined;
}

/** Every used deal of a file, one column per canonical field. */
export interface DealColumns extends DealStored {
  readonly length: number;
  readonly line: Float64Array;
  /** Per deal, its join keys joined by `;` (a key never holds one: see joinKeys). */
  readonly keys: PackedText;
  /** 0 open, 1 won, 2 lost. */
  readonly outcome: Uint8Array;
  readonly stageIndex: Int32Array;
  readonly stageEntered: readonly Days[];
  readonly values: readonly CodedText[];
  /** Field → the decimal mark of its column, for the fields conditions compare as numbers (data/value-columns.ts). */
  readonly decimals: Readonly<Record<string, DecimalMark>>;
}

export const OUTCOMES: readonly Outcome[] = ['open', 'won', 'lost'];

/** A row view: `c` the columns, `index` the row. */
interface View<C> {
  readonly c: C;
  readonly index: number;
}

/**
 * Gives a view class one getter per canonical field, reading its column the way its kind is
 * stored: text by `get`, numbers by position. The getters are made once, from the declarations.
 */
function defineFieldGetters(view: { prototype: object }, kinds: Readonly<Record<string, FieldKind>>, skip: readonly FieldKind[]): void {
  for (const [field, kind] of Object.entries(kinds)) {
    if (skip.includes(kind)) continue;
    const get =
      kind === 'date' || kind === 'amount'
        ? function (this: View<Record<string, ArrayLike<number>>>) {
            return this.c[field]![this.index]!;
          }
        : function (this: View<Record<string, { get(i: number): string }>>) {
            return this.c[field]!.get(this.index);
          };
    Object.defineProperty(view.prototype, field, { get, enumerable: false, configurable: true });
  }
}

export class LeadTable {
  constructor(readonly c: LeadColumns) {}

  get length(): number {
    return this.c.length;
  }

  at(i: number): Lead {
    return new LeadRow(this.c, i);
  }

  rows(): Rows<Lead> {
    return new Rows(this.c.length, (i) => this.at(i));
  }
}

/** The rows `rows` of a lead table, in that order, as a table of their own (cells are not kept). */
export function pickLeads(table: LeadTable, rows: readonly number[]): LeadTable {
  const c = table.c;
  const days = (column: Days): Days => Float32Array.from(rows, (i) => column[i]!);
  // A cell cut out of a packed block would keep the whole block alive: each is copied (own).
  const text = <T extends CodedText | PackedText>(column: T, into: T): T => {
    for (const i of rows) into.push(own(column.get(i)));
    return into;
  };
  const fields: Record<string, Days | CodedText | PackedText> = {};
  const columns = c as unknown as Record<string, Days | CodedText | PackedText>;
  for (const [field, kind] of Object.entries(LEAD_FIELD_KINDS)) {
    if (kind === 'part') continue;
    const column = columns[field]!;
    if (kind === 'date') fields[field] = days(column as Days);
    else if (kind === 'coded') fields[field] = text(column as CodedText, new CodedText());
    else fields[field] = text(column as PackedText, new PackedText());
  }
  return new LeadTable({
    ...(fields as unknown as LeadStored),
    length: rows.length,
    line: Float64Array.from(rows, (i) => c.line[i]!),
    stageDates: c.stageDates.map(days),
    values: c.values.map((column) => text(column, new CodedText())),
    decimals: c.decimals,
    cells: undefined,
  });
}

/**
 * Tables of consecutive rows of one file (its chunks, in order) joined into one, as a read of all
 * the rows at once makes it: the same cells, and text coded in the order its rows meet it. The ids
 * go into `ids` (the join's index when the file's ids allow one: src/data/lead-sink.ts).
 */
export class JoinedLeads {
  /** Rows joined so far. */
  length = 0;
  private readonly line = new Numbers();
  private readonly fields = new Map<string, Numbers<Days> | CodedText | PackedText>();
  private readonly stageDates: Numbers<Days>[] = [];
  private readonly values: CodedText[] = [];

  constructor(readonly ids: IdIndex) {}

  push(table: LeadTable): void {
    const c = table.c;
    const columns = c as unknown as Record<string, Days | CodedText | PackedText>;
    for (const [field, kind] of Object.entries(LEAD_FIELD_KINDS)) {
      if (kind === 'part') continue;
      const column = columns[field]!;
      if (kind === 'id') for (let i = 0; i < c.length; i++) this.ids.push((column as PackedText).get(i));
      else if (kind === 'date') this.joined(field, dayNumbers).pushAll(column as Days);
      else if (kind === 'coded') this.joined(field, () => new CodedText()).pushPart((column as CodedText).part());
      else for (let i = 0, into = this.joined(field, () => new PackedText()); i < c.length; i++) into.push((column as PackedText).get(i));
    }
    c.stageDates.forEach((days, k) => (this.stageDates[k] ??= dayNumbers()).pushAll(days));
    c.values.forEach((coded, v) => (this.values[v] ??= new CodedText()).pushPart(coded.part()));
    this.line.pushAll(c.line);
    this.length += c.length;
  }

  /** The joined table; `stages` and `slots`: how many stage dates and condition values a lead has (the chunks may be none). */
  done(stages: number, slots: number, decimals: Readonly<Record<string, DecimalMark>>): LeadTable {
    // In the order a read's sink lays the columns out (the text, then the dates), so that the two
    // tables are alike down to their JSON.
    const fields: Record<string, Days | CodedText | PackedText> = {};
    for (const kinds of [['id', 'packed'], ['coded'], ['date']])
      for (const [field, kind] of Object.entries(LEAD_FIELD_KINDS)) {
        if (!kinds.includes(kind)) continue;
        const column = kind === 'id' ? this.ids.ids : this.fields.get(field);
        fields[field] = column instanceof Numbers ? column.done() : (column ?? (kind === 'date' ? new Float32Array(0) : kind === 'coded' ? new CodedText() : new PackedText()));
      }
    return new LeadTable({
      length: this.length,
      line: this.line.done(),
      ...(fields as unknown as LeadStored),
      stageDates: Array.from({ length: stages }, (_, k) => this.stageDates[k]?.done() ?? new Float32Array(0)),
      values: Array.from({ length: slots }, (_, v) => this.values[v] ?? new CodedText()),
      decimals,
      cells: undefined,
    });
  }

  private joined<T extends Numbers<Days> | CodedText | PackedText>(field: string, make: () => T): T {
    let column = this.fields.get(field) as T | undefined;
    if (column === undefined) this.fields.set(field, (column = make()));
    return column;
  }
}

// The canonical fields' getters are defined from LEAD_FIELD_KINDS below.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
interface LeadRow extends Lead {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class LeadRow {
  constructor(
    readonly c: LeadColumns,
    readonly index: number,
  ) {}
  get line(): number {
    return this.c.line[this.index]!;
  }
  get stageDates(): readonly number[] {
    return this.c.stageDates.map((col) => col[this.index]!);
  }
  get values(): readonly string[] {
    return this.c.values.map((col) => col.get(this.index));
  }
  get cells(): readonly string[] | undefined {
    return this.c.cells?.[this.index];
  }
}
defineFieldGetters(LeadRow, LEAD_FIELD_KINDS, ['part']);

export class DealTable {
  constructor(readonly c: DealColumns) {}

  get length(): number {
    return this.c.length;
  }

  at(i: number): Deal {
    return new DealRow(this.c, i);
  }
}

// The canonical fields' getters are defined from DEAL_FIELD_KINDS below.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
interface DealRow extends Deal {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class DealRow {
  constructor(
    readonly c: DealColumns,
    readonly index: number,
  ) {}
  get line(): number {
    return this.c.line[this.index]!;
  }
  get keys(): readonly string[] {
    return splitKeys(this.c.keys.get(this.index));
  }
  get outcome(): Outcome {
    return OUTCOMES[this.c.outcome[this.index]!]!;
  }
  get stageIndex(): number {
    return this.c.stageIndex[this.index]!;
  }
  get stageEntered(): readonly number[] {
    return this.c.stageEntered.map((col) => col[this.index]!);
  }
  enteredStage(k: number): number {
    const col = this.c.stageEntered[k];
    return col === undefined ? NaN : col[this.index]!;
  }
  get values(): readonly string[] {
    return this.c.values.map((col) => col.get(this.index));
  }
}
defineFieldGetters(DealRow, DEAL_FIELD_KINDS, ['keys']);
