/**
 * Date and number columns read cell by cell, each deciding from all its values how it is written
 * (docs/rubric.md, "dateOrder", "Reading numbers"), and re-reading the ambiguous cells once it knows.
 */

import { dayNumbers, Numbers, type Days } from './columns.js';
import { numberFields } from '../rubric/conditions.js';
import { type Rubric } from '../rubric/resolve.js';

import { decideNumberFormat, NumberEvidence, numberFormatOf, numberFormatWarning, parseDate, readAmount, type DecimalMark, type NumberFormat, SlashEvidence, slashEvidence, swapDayMonth, type DateOrder, type SlashOrder } from './normalize.js';
import { Accounting } from './accounting.js';

import { type ColumnPlan } from './map.js';

// ---------------------------------------------------------------- dates per column

/**
 * True for a date written day-month or month-day with dashes (`5-3-2024`). It needs a dash at
 * index 1 or 2, which an ISO date (most cells) has not: the pattern is skipped for those.
 */
function twoWayDashed(text: string): boolean {
  return (text.charCodeAt(1) === 45 || text.charCodeAt(2) === 45) && /^\d{1,2}-\d{1,2}-\d/.test(text);
}

/**
 * One date column: reads cells, learns its slash order from the values that prove it (docs/rubric.md, "dateOrder")
 * and, at the end, re-reads the ambiguous ones if the column turned out to be the other way round.
 */
export class DateColumn {
  private dayFirst = 0;
  private monthFirst = 0;
  /** Rows (of the rows read since the last take) whose value reads either way: 3/5/2024. */
  private ambiguous: number[] = [];
  /** Ambiguous values in the whole column. */
  private ambiguousCount = 0;
  /** The days read, one per row (NaN = missing), since the last take. */
  days = dayNumbers();
  invalid = 0;
  firstInvalid: { line: number; text: string } | undefined;

  constructor(
    readonly name: string,
    private readonly configured: DateOrder | undefined,
  ) {}

  /** Reads the next row's cell into the column. */
  push(text: string, line: number): void {
    this.days.push(this.read(text, this.days.length, line));
  }

  private get assumed(): SlashOrder {
    return this.configured === 'dmy' ? 'dmy' : 'mdy';
  }

  read(text: string, record: number, line: number): number {
    if (text === '' || text.trim() === '') return NaN;
    const day = parseDate(text, this.configured === 'ymd' ? 'ymd' : this.assumed);
    if (Number.isNaN(day)) {
      this.invalid++;
      this.firstInvalid ??= { line, text };
      return NaN;
    }
    if (this.configured !== 'ymd' && text.length <= 24 && (text.includes('/') || twoWayDashed(text))) {
      const evidence = slashEvidence(text);
      if (evidence === SlashEvidence.DayFirst) this.dayFirst++;
      else if (evidence === SlashEvidence.MonthFirst) this.monthFirst++;
      else if (evidence === SlashEvidence.Ambiguous) {
        this.ambiguous.push(record);
        this.ambiguousCount++;
      }
    }
    return day;
  }

  /**
   * The rows read so far (a chunk of the file), and which of them read either way. The chunk's
   * ambiguous values are final once the column has proved the order it assumes: then it can only
   * end that way or mixed, and both read them as assumed; otherwise they wait for `settle`.
   */
  take(): { days: Days; ambiguous: readonly number[]; final: boolean } {
    const proved = this.assumed === 'mdy' ? this.monthFirst > 0 : this.dayFirst > 0;
    const taken = { days: this.days.done(), ambiguous: this.ambiguous, final: this.ambiguous.length === 0 || proved };
    this.days = dayNumbers();
    this.ambiguous = [];
    return taken;
  }

  /** Decides the order from every value read: whether the ambiguous values swap day and month, and a warning if any. */
  settle(file: string): { swap: boolean; warning: string | undefined; order: string } {
    return settleOrder(file, this.name, { dayFirst: this.dayFirst, monthFirst: this.monthFirst, ambiguous: this.ambiguousCount }, this.configured);
  }
}

/**
 * A date column's slash order from what its values proved (docs/rubric.md, "dateOrder"): whether
 * its ambiguous values swap from the order assumed, the order for `check`, and a warning if the
 * column could not decide. The JS reader and the SQL engines (src/engine/sql/) both decide here.
 */
export function settleOrder(
  file: string,
  name: string,
  proof: { readonly dayFirst: number; readonly monthFirst: number; readonly ambiguous: number },
  configured: DateOrder | undefined,
): { swap: boolean; warning: string | undefined; order: string } {
  const assumed: SlashOrder = configured === 'dmy' ? 'dmy' : 'mdy';
  const { dayFirst, monthFirst, ambiguous } = proof;
  const proven = dayFirst > 0 && monthFirst === 0 ? 'dmy' : monthFirst > 0 && dayFirst === 0 ? 'mdy' : undefined;
  if (dayFirst > 0 && monthFirst > 0) {
    return {
      swap: false,
      order: 'mixed',
      warning: `${file}: column "${name}" has dates in both M/D and D/M order (${monthFirst} prove M/D, ${dayFirst} prove D/M); ambiguous ones read as ${assumed === 'mdy' ? 'M/D' : 'D/M'}`,
    };
  }
  if (proven !== undefined) return { swap: proven !== assumed, warning: undefined, order: proven };
  if (ambiguous > 0 && configured === undefined) {
    return {
      swap: false,
      order: 'mdy (assumed)',
      warning: `${file}: column "${name}": ${ambiguous} dates like 3/5/2024 could be M/D or D/M; read as M/D (set --date-order or dateOrder in the rubric)`,
    };
  }
  return { swap: false, warning: undefined, order: ambiguous > 0 ? assumed : 'iso' };
}

/** Reads the ambiguous days of a column again the other way round (3/5 → 5/3). */
export function swapDays(days: Days, rows: readonly number[]): void {
  for (const i of rows) days[i] = swapDayMonth(days[i]!);
}

/**
 * Decides each date column's slash order from every value read (warnings and unreadable values go
 * to the accounting): per column, whether its ambiguous values swap, and the order, for `check`.
 */
export function decideDates(file: string, accounting: Accounting, columns: readonly (DateColumn | undefined)[]): { swap: boolean[]; orders: Record<string, string> } {
  const orders: Record<string, string> = {};
  const swap = columns.map((column) => {
    if (column === undefined) return false;
    const decided = column.settle(file);
    orders[column.name] = decided.order;
    if (decided.warning) accounting.warnings.push(decided.warning);
    accounting.noteInvalid(column.name, column.invalid, column.firstInvalid);
    return decided.swap;
  });
  return { swap, orders };
}

/**
 * Settles every date column of a file read whole: decides each column's order (decideDates) and
 * re-reads its ambiguous values if it turned out the other way round. Returns each column's days
 * (NaN-filled for an unmapped one) and the order decided per column.
 */
export function settleDates(file: string, accounting: Accounting, length: number, columns: readonly (DateColumn | undefined)[]): { days: Days[]; orders: Record<string, string> } {
  const { swap, orders } = decideDates(file, accounting, columns);
  const days = columns.map((column, k) => {
    if (column === undefined) return new Float32Array(length).fill(NaN);
    const { days: read, ambiguous } = column.take();
    if (swap[k]) swapDays(read, ambiguous);
    return read;
  });
  return { days, orders };
}

// ---------------------------------------------------------------- numbers per column

/**
 * One number column (a deal's amount): reads cells as they come, counts what each proves about the
 * column's decimal mark (normalize.ts NumberEvidence) and, at the end, re-reads the ambiguous ones
 * (`1.234`, read as 1234) as decimals if the column proved that mark, as DateColumn does for dates.
 */
export class NumberColumn {
  readonly values = new Numbers();
  private point = 0;
  private comma = 0;
  private readonly ambiguousDot: number[] = [];
  private readonly ambiguousComma: number[] = [];
  invalid = 0;
  firstInvalid: { line: number; text: string } | undefined;

  constructor(readonly name: string) {}

  /** Reads the next row's cell (trimmed; '' = missing) into the column. */
  push(text: string, line: number): void {
    const row = this.values.length;
    if (text === '') {
      this.values.push(NaN);
      return;
    }
    const { value, evidence } = readAmount(text);
    if (Number.isNaN(value)) {
      this.invalid++;
      this.firstInvalid ??= { line, text };
      this.values.push(NaN);
      return;
    }
    if (evidence === NumberEvidence.Point) this.point++;
    else if (evidence === NumberEvidence.Comma) this.comma++;
    else if (evidence === NumberEvidence.AmbiguousDot) this.ambiguousDot.push(row);
    else if (evidence === NumberEvidence.AmbiguousComma) this.ambiguousComma.push(row);
    this.values.push(value);
  }

  /**
   * Decides the decimal mark from every value read and re-reads the ambiguous values of that mark
   * as decimals: `1.234` read as 1234 is 1.234 in a decimal-point column. Dividing by 1000 gives
   * the same double as reading `1.234` (both are the nearest double to the same fraction).
   */
  settle(file: string, accounting: Accounting): string {
    const format = decideNumberFormat({ point: this.point, comma: this.comma, ambiguousDot: this.ambiguousDot.length, ambiguousComma: this.ambiguousComma.length });
    const rows = format.mark === '.' ? this.ambiguousDot : format.mark === ',' ? this.ambiguousComma : [];
    for (const row of rows) this.values.set(row, this.values.get(row) / 1000);
    const warning = numberFormatWarning(file, this.name, format);
    if (warning) accounting.warnings.push(warning);
    accounting.noteInvalid(this.name, this.invalid, this.firstInvalid);
    return format.label;
  }
}

/**
 * The decimal mark of each column a condition of this side compares as a number (rubric
 * `probability: { lt: 0.5 }`), decided from all of the column's values once the file is read
 * (conditions run after that: deals' won/lost at the end of the read, leads' in classify). A
 * column that cannot be decided is warned about. `values` gives the distinct values of a field's
 * coded column, if it has one; fields held otherwise (dates, ids) keep the reading of a value alone.
 */
export function conditionMarks(
  side: 'lead' | 'deal',
  plan: ColumnPlan,
  rubric: Rubric,
  accounting: Accounting,
  values: (field: string) => Iterable<string> | undefined,
): { marks: Record<string, DecimalMark>; labels: Record<string, string> } {
  const marks: Record<string, DecimalMark> = {};
  const labels: Record<string, string> = {};
  const formats = new Map<string, NumberFormat>();
  for (const field of comparedNumbers(side, rubric)) {
    const column = values(field);
    if (column === undefined) continue;
    const at = plan.fields[field] ?? plan.slots[plan.slotOf.get(field) ?? -1];
    const name = at === undefined ? field : plan.header.names[at]!;
    let format = formats.get(name);
    if (format === undefined) {
      format = numberFormatOf(column);
      formats.set(name, format);
      labels[name] = format.label;
      const warning = numberFormatWarning(plan.file, name, format);
      if (warning) accounting.warnings.push(warning);
    }
    if (format.mark !== undefined) marks[field] = format.mark;
  }
  return { marks, labels };
}

/** The fields a condition of this side compares as numbers (rubric `probability: { lt: 0.5 }`). */
export function comparedNumbers(side: 'lead' | 'deal', rubric: Rubric): Set<string> {
  return new Set(rubric.conditions.filter((site) => site.on === side).flatMap((site) => numberFields(site.when)));
}
