/**
 * Leads and deals as columns (src/data/columns.ts): one typed array per number field and one array
 * of (shared) strings per text field, instead of an object per row. Code that wants a row gets a
 * small view object whose getters read the columns; views are made on demand and not kept.
 */
import type { Deal, Lead, Outcome } from '../model.js';
import type { DecimalMark } from './normalize.js';
import { splitKeys, type CodedText, type Days, type PackedText } from './columns.js';

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

/** Every used lead of a file, one column per field (docs/rubric.md, "Columns"). */
export interface LeadColumns {
  readonly length: number;
  readonly line: Float64Array;
  readonly id: PackedText;
  readonly email: PackedText;
  readonly name: PackedText;
  readonly company: CodedText;
  readonly source: CodedText;
  readonly sourceDetail: CodedText;
  readonly status: CodedText;
  readonly owner: CodedText;
  readonly created: Days;
  readonly lastActivity: Days;
  readonly firstTouch: Days;
  /** Per rubric stage, its date column. */
  readonly stageDates: readonly Days[];
  /** Per condition slot, the raw text of that column. */
  readonly values: readonly CodedText[];
  /** Field → the decimal mark of its column, for the fields conditions compare as numbers (data/map.ts). */
  readonly decimals: Readonly<Record<string, DecimalMark>>;
  /** Per row, every cell (only with `score --with-columns`). */
  readonly cells: readonly (readonly string[])[] | undefined;
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

class LeadRow implements Lead {
  constructor(
    private readonly c: LeadColumns,
    readonly index: number,
  ) {}
  get line(): number {
    return this.c.line[this.index]!;
  }
  get id(): string {
    return this.c.id.get(this.index);
  }
  get email(): string {
    return this.c.email.get(this.index);
  }
  get name(): string {
    return this.c.name.get(this.index);
  }
  get company(): string {
    return this.c.company.get(this.index);
  }
  get source(): string {
    return this.c.source.get(this.index);
  }
  get sourceDetail(): string {
    return this.c.sourceDetail.get(this.index);
  }
  get status(): string {
    return this.c.status.get(this.index);
  }
  get owner(): string {
    return this.c.owner.get(this.index);
  }
  get created(): number {
    return this.c.created[this.index]!;
  }
  get lastActivity(): number {
    return this.c.lastActivity[this.index]!;
  }
  get firstTouch(): number {
    return this.c.firstTouch[this.index]!;
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

/** Every used deal of a file, one column per field. */
export interface DealColumns {
  readonly length: number;
  readonly line: Float64Array;
  readonly id: PackedText;
  /** Per deal, its join keys joined by `;` (a key never holds one: see joinKeys). */
  readonly keys: PackedText;
  readonly stage: CodedText;
  readonly status: CodedText;
  readonly amount: Float64Array;
  readonly currency: CodedText;
  readonly created: Days;
  readonly closed: Days;
  readonly owner: CodedText;
  readonly lastActivity: Days;
  /** 0 open, 1 won, 2 lost. */
  readonly outcome: Uint8Array;
  readonly stageIndex: Int32Array;
  readonly stageEntered: readonly Days[];
  readonly values: readonly CodedText[];
  /** Field → the decimal mark of its column, for the fields conditions compare as numbers (data/map.ts). */
  readonly decimals: Readonly<Record<string, DecimalMark>>;
}

export const OUTCOMES: readonly Outcome[] = ['open', 'won', 'lost'];

export class DealTable {
  constructor(readonly c: DealColumns) {}

  get length(): number {
    return this.c.length;
  }

  at(i: number): Deal {
    return new DealRow(this.c, i);
  }
}

class DealRow implements Deal {
  constructor(
    private readonly c: DealColumns,
    readonly index: number,
  ) {}
  get line(): number {
    return this.c.line[this.index]!;
  }
  get id(): string {
    return this.c.id.get(this.index);
  }
  get keys(): readonly string[] {
    return splitKeys(this.c.keys.get(this.index));
  }
  get stage(): string {
    return this.c.stage.get(this.index);
  }
  get status(): string {
    return this.c.status.get(this.index);
  }
  get amount(): number {
    return this.c.amount[this.index]!;
  }
  get currency(): string {
    return this.c.currency.get(this.index);
  }
  get created(): number {
    return this.c.created[this.index]!;
  }
  get closed(): number {
    return this.c.closed[this.index]!;
  }
  get owner(): string {
    return this.c.owner.get(this.index);
  }
  get lastActivity(): number {
    return this.c.lastActivity[this.index]!;
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
