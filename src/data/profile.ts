/**
 * What a column holds, sniffed from its values: the kind of value (date, amount, boolean, id,
 * email, category, text), how many cells are filled, and its most common values with their
 * counts. `init` maps fields and writes stages, outcomes and channels from these; recognition
 * never puts a column in a field its values cannot serve (a TRUE/FALSE column is no date).
 * Pure: the caller feeds the rows.
 */
import { MISSING_VALUES, missingValueRule, parseAmount, parseBoolean, parseDate, slashEvidence, SlashEvidence } from './normalize.js';

export type ColumnKind = 'empty' | 'date' | 'boolean' | 'number' | 'id' | 'email' | 'category' | 'text';

const missing = missingValueRule(MISSING_VALUES);

/** Empty, or one of the tokens that mean "no value" (`\N`, `NULL`, `N/A`, …: data/normalize.ts). */
export function isEmptyCell(text: string): boolean {
  return missing(text).trim() === '';
}

/** Values per column checked for their kind (a million-row export is profiled in seconds). */
const KIND_SAMPLE = 50_000;
/** Distinct values kept per column; past this the column is not a category. */
const DISTINCT_CAP = 5000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** One token, no spaces (or a list of them, as in `123;456`): what ids look like, with digits in most. */
const TOKEN = /^[\w.:{}-]+(?:\s*[;,]\s*[\w.:{}-]+)*$/;

export interface ColumnProfile {
  readonly name: string;
  readonly index: number;
  /** Non-empty cells. */
  readonly filled: number;
  readonly rows: number;
  readonly kind: ColumnKind;
  /** Most values are one token with digits (ids, keys), or emails: what a join key looks like. */
  readonly keyLike: boolean;
  /** Values by count, most common first (at most DISTINCT_CAP distinct values were counted). */
  readonly values: readonly (readonly [string, number])[];
  /** More distinct values than were counted. */
  readonly overflow: boolean;
  /** Slash dates that prove day-first / month-first. */
  readonly dayFirst: number;
  readonly monthFirst: number;
}

class ColumnStats {
  filled = 0;
  /** Values whose kind was checked. */
  sampled = 0;
  dates = 0;
  numbers = 0;
  booleans = 0;
  emails = 0;
  tokens = 0;
  withDigits = 0;
  smallIntegers = 0;
  /** Values seen before (among the distinct values kept). */
  repeats = 0;
  dayFirst = 0;
  monthFirst = 0;
  counts = new Map<string, number>();
  overflow = false;

  add(raw: string): void {
    if (isEmptyCell(raw)) return;
    const text = raw.trim();
    this.filled++;
    const seen = this.counts.get(text);
    if (seen !== undefined) {
      this.counts.set(text, seen + 1);
      this.repeats++;
    }
    else if (this.counts.size < DISTINCT_CAP) this.counts.set(text, 1);
    else this.overflow = true;
    // The kind of values is judged on a column's first values; past them only the counts go on.
    if (this.sampled === KIND_SAMPLE) return;
    this.sampled++;
    if (!Number.isNaN(parseDate(text)) && !/^\d{1,7}$/.test(text)) {
      this.dates++;
      const evidence = slashEvidence(text);
      if (evidence === SlashEvidence.DayFirst) this.dayFirst++;
      else if (evidence === SlashEvidence.MonthFirst) this.monthFirst++;
    }
    if (!Number.isNaN(parseAmount(text))) this.numbers++;
    if (parseBoolean(text) !== undefined) this.booleans++;
    if (EMAIL.test(text)) this.emails++;
    if (TOKEN.test(text)) {
      this.tokens++;
      if (/\d/.test(text)) this.withDigits++;
      if (/^\d{1,6}$/.test(text)) this.smallIntegers++;
    }
  }

  keyLike(): boolean {
    const n = this.sampled;
    if (n === 0) return false;
    if (this.emails >= n * 0.95) return true;
    // Small whole numbers that repeat are counts, scores or owner numbers, not keys; unique ones are row ids.
    const counts = this.smallIntegers >= n * 0.95 && this.repeats > this.filled * 0.02;
    return this.tokens >= n * 0.95 && this.withDigits >= n / 2 && !counts;
  }

  kind(): ColumnKind {
    const n = this.sampled;
    if (n === 0) return 'empty';
    const most = (count: number) => count >= n * 0.95;
    const distinct = this.counts.size;
    // TRUE, true and True are one value: a flag has two meanings, whatever its spellings.
    if (most(this.booleans) && distinct <= 6) return 'boolean';
    if (most(this.dates)) return 'date';
    if (most(this.emails)) return 'email';
    const unique = !this.overflow && distinct >= this.filled * 0.98;
    if (most(this.tokens) && this.withDigits >= n / 2 && (unique || this.overflow) && !(most(this.numbers) && this.hasFraction())) return 'id';
    if (most(this.numbers)) return 'number';
    if (!this.overflow && (distinct <= 60 || distinct <= this.filled * 0.05)) return 'category';
    return 'text';
  }

  private hasFraction(): boolean {
    for (const value of this.counts.keys()) if (/[.,]\d{1,2}$/.test(value)) return true;
    return false;
  }
}

/** Profiles the columns of one file, a row at a time. */
export class Profiler {
  private readonly stats: ColumnStats[];
  private rows = 0;

  constructor(readonly names: readonly string[]) {
    this.stats = names.map(() => new ColumnStats());
  }

  row(cells: readonly string[]): void {
    this.rows++;
    const n = Math.min(cells.length, this.stats.length);
    for (let i = 0; i < n; i++) this.stats[i]!.add(cells[i]!);
  }

  finish(): ColumnProfile[] {
    return this.stats.map((s, index) => ({
      name: this.names[index]!,
      index,
      filled: s.filled,
      rows: this.rows,
      kind: s.kind(),
      keyLike: s.keyLike(),
      values: [...s.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      overflow: s.overflow,
      dayFirst: s.dayFirst,
      monthFirst: s.monthFirst,
    }));
  }
}

/** Profiles rows given whole (tests, small inputs). */
export function profileRows(names: readonly string[], rows: Iterable<readonly string[]>): ColumnProfile[] {
  const p = new Profiler(names);
  for (const r of rows) p.row(r);
  return p.finish();
}
