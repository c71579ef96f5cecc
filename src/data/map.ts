/**
 * Mapping (SPEC §4.2, §4.4, §4.6): rubric columns → header positions, then each CSV row → one
 * compact Lead or Deal with its values parsed once. Also the row accounting of each file.
 */
import { InputError, UsageError, closest } from '../errors.js';
import type { CsvHeader, CsvSink } from '../io/csv/index.js';
import { reasonText, type FileAccounting, type RowReason } from '../model.js';
import { CodedText, dayNumbers, DealTable, IdIndex, LeadTable, Numbers, own, PackedText, type DealColumns, type Days, type LeadColumns, type PackedPart, type TextCodes } from './table.js';
import { compileCondition, conditionFields, numberFields, type Getter, type Predicate } from '../rubric/conditions.js';
import { headerKey, type ColumnChoice, type Rubric } from '../rubric/resolve.js';
import { DEAL_FIELDS, LEAD_FIELDS, type DealField, type LeadField } from '../rubric/fields.js';
import {
  decideNumberFormat,
  isoDate,
  missingValueRule,
  NumberEvidence,
  numberFormatOf,
  numberFormatWarning,
  parseDate,
  readAmount,
  type DecimalMark,
  type NumberFormat,
  SlashEvidence,
  slashEvidence,
  swapDayMonth,
  type DateOrder,
  type SlashOrder,
} from './normalize.js';

export interface MapOptions {
  /** --date-order: wins over the rubric's. */
  readonly dateOrder?: DateOrder;
  readonly asOf: number;
  /** Keep every cell of each lead (score --with-columns). */
  readonly keepCells?: boolean;
  /** Keep rejected rows for --rejects. */
  readonly keepRejects?: boolean;
  /**
   * The sink reads the second part of a file for another thread (src/split.ts): it also keeps what
   * each row's values proved, so that rows found to be duplicates there can be taken out.
   */
  readonly part?: boolean;
}

export interface RejectedRow {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly cells: readonly string[];
}

/** What mapping found in one file's header: the column of each field, and what is missing. */
export interface ColumnPlan {
  readonly file: string;
  readonly header: CsvHeader;
  /** Canonical field → header index. */
  readonly fields: Partial<Record<string, number>>;
  /** Preset columns not in the file (unmapped, no error): field → the headers tried. */
  readonly unmapped: readonly { field: string; tried: readonly string[] }[];
  /** Header index of every column a condition or the join reads. */
  readonly slots: readonly number[];
  readonly slotOf: ReadonlyMap<string, number>;
  /** Header index of each stage's date column (leads) or entered-date column (deals); -1 = none. */
  readonly stageColumns: readonly number[];
}

/** Finds a header by the rubric's names: case-, space- and dash-insensitive, first present wins. */
export function findHeader(header: CsvHeader, candidates: readonly string[]): number {
  const keys = header.names.map(headerKey);
  const lower = header.names.map((n) => n.toLowerCase());
  for (const candidate of candidates) {
    // As written first: `Lead Source` is not `Lead_Source` when a file has both.
    const exact = lower.indexOf(candidate.trim().toLowerCase());
    if (exact >= 0) return exact;
    const i = keys.indexOf(headerKey(candidate));
    if (i >= 0) return i;
  }
  return -1;
}

function missingColumn(file: string, header: CsvHeader, choice: ColumnChoice, origin: string): UsageError {
  const wanted = choice.candidates.map((c) => `"${c}"`).join(' or ');
  const near = closest(choice.candidates[0]!, header.names, 3);
  const hint = near.length > 0 ? `; closest: ${near.map((n) => `"${n}"`).join(', ')}` : '';
  return new UsageError(`${file}: no column ${wanted} (${origin}: ${choice.path})${hint}`);
}

/**
 * Plans one file: the rubric's columns for this side resolved against the header. A column the
 * user's rubric names that is not in the file is exit 2 naming the closest headers; a preset's is
 * left unmapped and listed by `check`.
 */
export function planColumns(
  side: 'leads' | 'deals',
  file: string,
  header: CsvHeader,
  rubric: Rubric,
  extra: readonly { name: string; path: string }[] = [],
): ColumnPlan {
  const fields: Partial<Record<string, number>> = {};
  const unmapped: { field: string; tried: readonly string[] }[] = [];
  const columns = side === 'leads' ? rubric.leads.columns : rubric.deals.columns;
  const names: readonly string[] = side === 'leads' ? LEAD_FIELDS : DEAL_FIELDS;
  const resolve = (field: string, choice: ColumnChoice | undefined): number => {
    if (choice === undefined) return -1;
    const i = findHeader(header, choice.candidates);
    if (i < 0) {
      if (choice.user) throw missingColumn(file, header, choice, rubric.origin);
      unmapped.push({ field, tried: choice.candidates });
    }
    return i;
  };
  for (const field of names) {
    const i = resolve(field, (columns as Record<string, ColumnChoice | undefined>)[field]);
    if (i >= 0) fields[field] = i;
  }
  const stageColumns =
    side === 'leads'
      ? rubric.stages.map((s) => resolve(`stages.${s.key}.date`, s.date))
      : rubric.deals.stages.map((s) => resolve(`deals.stages.${s.label}.enteredDate`, s.enteredDate));

  // Columns read as raw text: every condition field that is a header, and the join field.
  const slotOf = new Map<string, number>();
  const slots: number[] = [];
  const wants: { name: string; user: boolean; path: string }[] = [];
  for (const site of rubric.conditions) {
    if (site.on !== (side === 'leads' ? 'lead' : 'deal')) continue;
    for (const name of conditionFields(site.when)) wants.push({ name, user: site.user, path: `${site.path}.${name}` });
  }
  wants.push({ name: side === 'leads' ? rubric.join.lead : rubric.join.deal, user: rubric.join.user, path: `join.${side === 'leads' ? 'lead' : 'deal'}` });
  for (const e of extra) wants.push({ ...e, user: true });
  for (const want of wants) {
    if (slotOf.has(want.name)) continue;
    if (isCanonical(side, want.name)) {
      // First and last name are kept as text only when a condition reads them.
      const i = fields[want.name];
      if ((want.name === 'firstName' || want.name === 'lastName') && i !== undefined) {
        slotOf.set(want.name, slots.length);
        slots.push(i);
      }
      continue;
    }
    const i = findHeader(header, [want.name]);
    if (i < 0) {
      if (want.user) {
        const near = closest(want.name, [...header.names, ...names], 3);
        const where = want.path.startsWith('--') ? want.path : `${rubric.origin}: ${want.path}`;
        throw new UsageError(
          `${where}: no field or column "${want.name}" in ${file}${near.length > 0 ? `; closest: ${near.map((n) => `"${n}"`).join(', ')}` : ''}`,
        );
      }
      continue;
    }
    slotOf.set(want.name, slots.length);
    slots.push(i);
  }
  return { file, header, fields, unmapped, slots, slotOf, stageColumns };
}

function isCanonical(side: 'leads' | 'deals', name: string): boolean {
  return side === 'leads' ? name === 'channel' || (LEAD_FIELDS as readonly string[]).includes(name) : (DEAL_FIELDS as readonly string[]).includes(name);
}

// ---------------------------------------------------------------- dates per column

interface DatePart {
  readonly days: Days;
  readonly dayFirst: number;
  readonly monthFirst: number;
  readonly ambiguous: readonly number[];
  readonly invalid: number;
  readonly firstInvalid: { line: number; text: string } | undefined;
  /** Per row, what its value proved (Proof), when the column is read for a part. */
  readonly proofs?: Uint8Array;
  /** The first few unreadable values, by row, when the column is read for a part. */
  readonly invalids?: readonly { row: number; line: number; text: string }[];
}

const enum Proof {
  None = 0,
  DayFirst = 1,
  MonthFirst = 2,
  Ambiguous = 3,
  Invalid = 4,
}

/** Unreadable values of a part remembered with their text, for the first-invalid message. */
const PART_INVALIDS = 64;

/**
 * True for a date written day-month or month-day with dashes (`5-3-2024`). It needs a dash at
 * index 1 or 2, which an ISO date (most cells) has not: the pattern is skipped for those (~50 ms
 * a thread on the 1M export).
 */
function twoWayDashed(text: string): boolean {
  return (text.charCodeAt(1) === 45 || text.charCodeAt(2) === 45) && /^\d{1,2}-\d{1,2}-\d/.test(text);
}

/**
 * One date column: reads cells, learns its slash order from the values that prove it (SPEC §4.4)
 * and, at the end, re-reads the ambiguous ones if the column turned out to be the other way round.
 */
class DateColumn {
  private dayFirst = 0;
  private monthFirst = 0;
  private readonly ambiguous: number[] = [];
  /** The days read, one per row (NaN = missing). */
  readonly days = dayNumbers();
  invalid = 0;
  firstInvalid: { line: number; text: string } | undefined;
  private readonly proofs: number[] | undefined;
  private readonly invalids: { row: number; line: number; text: string }[] = [];

  constructor(
    readonly name: string,
    private readonly configured: DateOrder | undefined,
    part = false,
  ) {
    this.proofs = part ? [] : undefined;
  }

  /** Reads the next row's cell into the column. */
  push(text: string, line: number): void {
    this.days.push(this.read(text, this.days.length, line));
  }

  private get assumed(): SlashOrder {
    return this.configured === 'dmy' ? 'dmy' : 'mdy';
  }

  read(text: string, record: number, line: number): number {
    const proofs = this.proofs;
    if (text === '' || text.trim() === '') {
      proofs?.push(Proof.None);
      return NaN;
    }
    const day = parseDate(text, this.configured === 'ymd' ? 'ymd' : this.assumed);
    if (Number.isNaN(day)) {
      this.invalid++;
      this.firstInvalid ??= { line, text };
      if (proofs) {
        proofs.push(Proof.Invalid);
        if (this.invalids.length < PART_INVALIDS) this.invalids.push({ row: record, line, text });
      }
      return NaN;
    }
    let proof = Proof.None;
    if (this.configured !== 'ymd' && text.length <= 24 && (text.includes('/') || twoWayDashed(text))) {
      const evidence = slashEvidence(text);
      if (evidence === SlashEvidence.DayFirst) {
        this.dayFirst++;
        proof = Proof.DayFirst;
      } else if (evidence === SlashEvidence.MonthFirst) {
        this.monthFirst++;
        proof = Proof.MonthFirst;
      } else if (evidence === SlashEvidence.Ambiguous) {
        this.ambiguous.push(record);
        proof = Proof.Ambiguous;
      }
    }
    proofs?.push(proof);
    return day;
  }

  /** What this column read, to be appended to the same column read from the start of the file. */
  part(): DatePart {
    const { dayFirst, monthFirst, ambiguous, invalid, firstInvalid } = this;
    return { days: this.days.done(), dayFirst, monthFirst, ambiguous, invalid, firstInvalid, proofs: Uint8Array.from(this.proofs ?? []), invalids: this.invalids };
  }

  append(part: DatePart): void {
    const offset = this.days.length;
    this.days.pushAll(part.days);
    this.dayFirst += part.dayFirst;
    this.monthFirst += part.monthFirst;
    for (const record of part.ambiguous) this.ambiguous.push(record + offset);
    this.invalid += part.invalid;
    this.firstInvalid ??= part.firstInvalid;
  }

  /** Decides the order; returns the records to re-read (swap day and month), and a warning if any. */
  settle(file: string): { swap: readonly number[]; warning: string | undefined; order: string } {
    const proven = this.dayFirst > 0 && this.monthFirst === 0 ? 'dmy' : this.monthFirst > 0 && this.dayFirst === 0 ? 'mdy' : undefined;
    if (this.dayFirst > 0 && this.monthFirst > 0) {
      return {
        swap: [],
        order: 'mixed',
        warning: `${file}: column "${this.name}" has dates in both M/D and D/M order (${this.monthFirst} prove M/D, ${this.dayFirst} prove D/M); ambiguous ones read as ${this.assumed === 'mdy' ? 'M/D' : 'D/M'}`,
      };
    }
    if (proven !== undefined) return { swap: proven !== this.assumed ? this.ambiguous : [], warning: undefined, order: proven };
    if (this.ambiguous.length > 0 && this.configured === undefined) {
      return {
        swap: [],
        order: 'mdy (assumed)',
        warning: `${file}: column "${this.name}": ${this.ambiguous.length} dates like 3/5/2024 could be M/D or D/M; read as M/D (set --date-order or dateOrder in the rubric)`,
      };
    }
    return { swap: [], warning: undefined, order: this.ambiguous.length > 0 ? this.assumed : 'iso' };
  }
}

/**
 * Settles every date column of a file once it is read: decides each column's slash order,
 * re-reads the ambiguous values if it turned out the other way round, and notes warnings and
 * unreadable values. Returns each column's days (NaN-filled for an unmapped one) and the order
 * decided per column, for `check`.
 */
function settleDates(file: string, accounting: Accounting, length: number, columns: readonly (DateColumn | undefined)[]): { days: Days[]; orders: Record<string, string> } {
  const orders: Record<string, string> = {};
  const days = columns.map((column) => {
    if (column === undefined) return new Float32Array(length).fill(NaN);
    const { swap, warning, order } = column.settle(file);
    orders[column.name] = order;
    if (warning) accounting.warnings.push(warning);
    for (const i of swap) column.days.set(i, swapDayMonth(column.days.get(i)));
    accounting.noteInvalid(column.name, column.invalid, column.firstInvalid);
    return column.days.done();
  });
  return { days, orders };
}

// ---------------------------------------------------------------- numbers per column

interface NumberPart {
  readonly values: Float64Array;
  readonly point: number;
  readonly comma: number;
  /** Rows holding `1.234` / `1,234`: read as thousands until the column decides otherwise. */
  readonly ambiguousDot: readonly number[];
  readonly ambiguousComma: readonly number[];
  readonly invalid: number;
  readonly firstInvalid: { line: number; text: string } | undefined;
  /** Per row, its NumberEvidence (INVALID_NUMBER: unreadable), when the column is read for a part. */
  readonly proofs?: Uint8Array;
  readonly invalids?: readonly { row: number; line: number; text: string }[];
}

/** A row's proof in a part: an unreadable number (beside NumberEvidence's codes). */
const INVALID_NUMBER = 9;

/**
 * One number column (a deal's amount): reads cells as they come, counts what each proves about the
 * column's decimal mark (normalize.ts NumberEvidence) and, at the end, re-reads the ambiguous ones
 * (`1.234`, read as 1234) as decimals if the column proved that mark, as DateColumn does for dates.
 */
class NumberColumn {
  readonly values = new Numbers();
  private point = 0;
  private comma = 0;
  private readonly ambiguousDot: number[] = [];
  private readonly ambiguousComma: number[] = [];
  invalid = 0;
  firstInvalid: { line: number; text: string } | undefined;
  private readonly proofs: number[] | undefined;
  private readonly invalids: { row: number; line: number; text: string }[] = [];

  constructor(
    readonly name: string,
    part = false,
  ) {
    this.proofs = part ? [] : undefined;
  }

  /** Reads the next row's cell (trimmed; '' = missing) into the column. */
  push(text: string, line: number): void {
    const row = this.values.length;
    if (text === '') {
      this.proofs?.push(NumberEvidence.None);
      this.values.push(NaN);
      return;
    }
    const { value, evidence } = readAmount(text);
    if (Number.isNaN(value)) {
      this.invalid++;
      this.firstInvalid ??= { line, text };
      if (this.proofs) {
        this.proofs.push(INVALID_NUMBER);
        if (this.invalids.length < PART_INVALIDS) this.invalids.push({ row, line, text });
      }
      this.values.push(NaN);
      return;
    }
    if (evidence === NumberEvidence.Point) this.point++;
    else if (evidence === NumberEvidence.Comma) this.comma++;
    else if (evidence === NumberEvidence.AmbiguousDot) this.ambiguousDot.push(row);
    else if (evidence === NumberEvidence.AmbiguousComma) this.ambiguousComma.push(row);
    this.proofs?.push(evidence);
    this.values.push(value);
  }

  part(): NumberPart {
    const { point, comma, ambiguousDot, ambiguousComma, invalid, firstInvalid } = this;
    return { values: this.values.done(), point, comma, ambiguousDot, ambiguousComma, invalid, firstInvalid, proofs: Uint8Array.from(this.proofs ?? []), invalids: this.invalids };
  }

  append(part: NumberPart): void {
    const offset = this.values.length;
    this.values.pushAll(part.values);
    this.point += part.point;
    this.comma += part.comma;
    for (const row of part.ambiguousDot) this.ambiguousDot.push(row + offset);
    for (const row of part.ambiguousComma) this.ambiguousComma.push(row + offset);
    this.invalid += part.invalid;
    this.firstInvalid ??= part.firstInvalid;
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

/** A number column of a part without some rows, its proofs counted again; undefined if it cannot tell. */
function keptNumberPart(p: NumberPart, keep: Uint8Array, index: Int32Array): NumberPart | undefined {
  const proofs = p.proofs;
  if (proofs === undefined) return undefined;
  let point = 0;
  let comma = 0;
  let invalid = 0;
  const ambiguousDot: number[] = [];
  const ambiguousComma: number[] = [];
  for (let r = 0; r < proofs.length; r++) {
    if (keep[r] === 0) continue;
    const proof = proofs[r]!;
    if (proof === NumberEvidence.Point) point++;
    else if (proof === NumberEvidence.Comma) comma++;
    else if (proof === NumberEvidence.AmbiguousDot) ambiguousDot.push(index[r]!);
    else if (proof === NumberEvidence.AmbiguousComma) ambiguousComma.push(index[r]!);
    else if (proof === INVALID_NUMBER) invalid++;
  }
  const first = p.invalids?.find((x) => keep[x.row] === 1);
  if (invalid > 0 && first === undefined) return undefined;
  return { values: keptNumbers(p.values, keep), point, comma, ambiguousDot, ambiguousComma, invalid, firstInvalid: first && { line: first.line, text: first.text } };
}

/**
 * The decimal mark of each column a condition of this side compares as a number (rubric
 * `probability: { lt: 0.5 }`), decided from all of the column's values once the file is read
 * (conditions run after that: deals' won/lost at the end of the read, leads' in classify). A
 * column that cannot be decided is warned about. `columns` gives a field's coded column, if it
 * has one; fields held otherwise (dates, ids) keep the reading of a value alone.
 */
function conditionMarks(
  side: 'lead' | 'deal',
  plan: ColumnPlan,
  rubric: Rubric,
  accounting: Accounting,
  columns: (field: string) => CodedText | undefined,
): { marks: Record<string, DecimalMark>; labels: Record<string, string> } {
  const marks: Record<string, DecimalMark> = {};
  const labels: Record<string, string> = {};
  const formats = new Map<string, NumberFormat>();
  const fields = new Set(rubric.conditions.filter((site) => site.on === side).flatMap((site) => numberFields(site.when)));
  for (const field of fields) {
    const column = columns(field);
    if (column === undefined) continue;
    const at = plan.fields[field] ?? plan.slots[plan.slotOf.get(field) ?? -1];
    const name = at === undefined ? field : plan.header.names[at]!;
    let format = formats.get(name);
    if (format === undefined) {
      format = numberFormatOf(column.usedValues());
      formats.set(name, format);
      labels[name] = format.label;
      const warning = numberFormatWarning(plan.file, name, format);
      if (warning) accounting.warnings.push(warning);
    }
    if (format.mark !== undefined) marks[field] = format.mark;
  }
  return { marks, labels };
}

// ---------------------------------------------------------------- row accounting

type AccountingPart = Pick<Accounting, 'used' | 'rejected' | 'skipped' | 'duplicates' | 'reasons' | 'firstLines' | 'rejects' | 'warnings' | 'firstReject'>;

/** Counts of one file as it is read: SPEC §4.6's `read = used + rejected + skipped`. */
export class Accounting {
  used = 0;
  rejected = 0;
  skipped = 0;
  duplicates = 0;
  /** Rows per reason, by key (ROW_REASONS): the words are looked up where people read them. */
  readonly reasons: Partial<Record<RowReason, number>> = {};
  /** The line each reason was first given for (reasons are listed in that order). */
  readonly firstLines: Partial<Record<RowReason, number>> = {};
  readonly rejects: RejectedRow[] = [];
  readonly warnings: string[] = [];
  /** Values that could not be parsed, per column: [count, first line, first text]. */
  readonly invalid = new Map<string, { count: number; line: number; text: string }>();

  constructor(
    readonly file: string,
    private readonly keepRejects: boolean,
  ) {}

  /** The first rejected row, for messages. */
  firstReject: { line: number; reason: string } | undefined;

  /**
   * Counts a rejected row under `reason`; messages and the --rejects file get its words, and
   * `detail` (`4 cells, header has 5`) there only.
   */
  reject(cells: readonly string[], line: number, reason: RowReason, detail?: string): void {
    this.rejected++;
    const full = detail === undefined ? reasonText(reason) : `${reasonText(reason)} (${detail})`;
    if (this.firstReject === undefined || line < this.firstReject.line) this.firstReject = { line, reason: full };
    this.firstLines[reason] = Math.min(this.firstLines[reason] ?? line, line);
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
    if (this.keepRejects) this.rejects.push({ file: this.file, line, reason: full, cells: [...cells] });
  }

  skip(reason: RowReason, line?: number): void {
    this.skipped++;
    if (line !== undefined) this.firstLines[reason] = Math.min(this.firstLines[reason] ?? line, line);
    this.reasons[reason] = (this.reasons[reason] ?? 0) + 1;
  }

  /** The counts of a part of the file, to be appended to those of the part before it. */
  part(): AccountingPart {
    const { used, rejected, skipped, duplicates, reasons, firstLines, rejects, warnings, firstReject } = this;
    return { used, rejected, skipped, duplicates, reasons, firstLines, rejects, warnings, firstReject };
  }

  /** `duplicateLines`: rows of the part rejected here, their id being in the part before it. */
  append(part: AccountingPart, duplicateLines: readonly number[] = []): void {
    this.used += part.used;
    this.rejected += part.rejected;
    this.skipped += part.skipped;
    this.duplicates += part.duplicates;
    for (const [reason, n] of reasonEntries(part.reasons)) this.reasons[reason] = (this.reasons[reason] ?? 0) + n;
    for (const [reason, line] of reasonEntries(part.firstLines)) this.firstLines[reason] = Math.min(this.firstLines[reason] ?? line, line);
    for (const row of part.rejects) this.rejects.push(row);
    this.warnings.push(...part.warnings);
    if (part.firstReject && (this.firstReject === undefined || part.firstReject.line < this.firstReject.line)) this.firstReject = part.firstReject;
    for (const line of duplicateLines) {
      this.duplicates++;
      this.reject([], line, 'duplicate_id');
    }
    this.orderReasons();
  }

  /** Lists the reasons in the order of their first line, as a read in one piece meets them. */
  private orderReasons(): void {
    const entries = reasonEntries(this.reasons).sort(([a], [b]) => (this.firstLines[a] ?? Infinity) - (this.firstLines[b] ?? Infinity));
    for (const [reason] of entries) delete this.reasons[reason];
    for (const [reason, n] of entries) this.reasons[reason] = n;
  }

  noteInvalid(column: string, count: number, first: { line: number; text: string } | undefined): void {
    if (count === 0 || first === undefined) return;
    this.invalid.set(column, { count, line: first.line, text: first.text });
  }

  summary(read: number, encoding: string, delimiter: string): FileAccounting {
    return {
      file: this.file,
      encoding,
      delimiter,
      read,
      used: this.used,
      rejected: this.rejected,
      skipped: this.skipped,
      duplicates: this.duplicates,
      reasons: { ...this.reasons },
    };
  }
}

/** The entries of a per-reason record, typed by its keys. */
function reasonEntries(record: Partial<Record<RowReason, number>>): [RowReason, number][] {
  return Object.entries(record) as [RowReason, number][];
}

/** The CSV sink for one file: rejected and skipped rows counted, the rest handed to `use`. */
function sinkFor(accounting: Accounting, header: CsvHeader, use: (cells: string[], line: number) => void): CsvSink {
  return {
    row: use,
    other(cells, line, reason, rejected, detail) {
      if (rejected) accounting.reject(cells, line, reason, detail ?? `${cells.length} cells, header has ${header.names.length}`);
      else accounting.skip(reason, line);
    },
  };
}

/**
 * The rows of a part (but those in the ascending `noId`) whose id the file's first part has: rows a
 * read in one piece rejects as duplicates (the first occurrence is kept).
 */
function clashes(part: PackedPart, noId: readonly number[], index: IdIndex): number[] {
  const ids = PackedText.read(part);
  const found: number[] = [];
  for (let r = 0, skip = 0; r < ids.length; r++) {
    if (noId[skip] === r) skip++;
    else if (index.get(ids.get(r)) !== undefined) found.push(r);
  }
  return found;
}

/** Which rows of a part of `length` rows stay when the ascending rows `drop` go, and their new index. */
function keepMask(length: number, drop: readonly number[]): { keep: Uint8Array; index: Int32Array } {
  const keep = new Uint8Array(length).fill(1);
  for (const r of drop) keep[r] = 0;
  const index = new Int32Array(length);
  for (let r = 0, k = 0; r < length; r++) index[r] = keep[r] ? k++ : -1;
  return { keep, index };
}

function keptOf<T>(items: readonly T[], keep: Uint8Array): T[] {
  return items.filter((_, r) => keep[r] === 1);
}

function keptText(text: PackedPart, keep: Uint8Array): PackedPart {
  const kept = new PackedText();
  kept.pushFrom(text, keep);
  return kept.part();
}

function keptNumbers<A extends Float64Array | Days>(values: A, keep: Uint8Array): A {
  return values.filter((_, r) => keep[r] === 1) as A;
}

function keptCodes(coded: TextCodes, keep: Uint8Array): TextCodes {
  return { codes: coded.codes.filter((_, r) => keep[r] === 1), values: coded.values };
}

/** The date columns of a part without some rows; undefined if one cannot tell what they proved. */
function keptDateParts(parts: readonly (DatePart | undefined)[], keep: Uint8Array, index: Int32Array): (DatePart | undefined)[] | undefined {
  const kept = parts.map((d) => d && keptDates(d, keep, index));
  return kept.some((d, k) => d === undefined && parts[k] !== undefined) ? undefined : kept;
}

/** A date column of a part without some rows, its proofs counted again; undefined if it cannot tell. */
function keptDates(d: DatePart, keep: Uint8Array, index: Int32Array): DatePart | undefined {
  const proofs = d.proofs;
  if (proofs === undefined) return undefined;
  let dayFirst = 0;
  let monthFirst = 0;
  let invalid = 0;
  const ambiguous: number[] = [];
  for (let r = 0; r < proofs.length; r++) {
    if (keep[r] === 0) continue;
    const proof = proofs[r] as Proof;
    if (proof === Proof.DayFirst) dayFirst++;
    else if (proof === Proof.MonthFirst) monthFirst++;
    else if (proof === Proof.Ambiguous) ambiguous.push(index[r]!);
    else if (proof === Proof.Invalid) invalid++;
  }
  const first = d.invalids?.find((x) => keep[x.row] === 1);
  if (invalid > 0 && first === undefined) return undefined;
  return { days: keptNumbers(d.days, keep), dayFirst, monthFirst, ambiguous, invalid, firstInvalid: first && { line: first.line, text: first.text } };
}

// ---------------------------------------------------------------- leads

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
  const ix = {
    email: col('email'),
    name: col('name'),
    first: col('firstName'),
    last: col('lastName'),
    company: col('company'),
    source: col('source'),
    detail: col('sourceDetail'),
    status: col('status'),
    owner: col('owner'),
    created: col('created'),
    lastActivity: col('lastActivity'),
    firstTouch: col('firstTouch'),
  };
  const order = options.dateOrder ?? rubric.leads.dateOrder;
  const dateCol = (i: number) => (i >= 0 ? new DateColumn(plan.header.names[i]!, order, options.part) : undefined);
  const dates = [ix.created, ix.lastActivity, ix.firstTouch, ...plan.stageColumns].map(dateCol);
  const dateIx = [ix.created, ix.lastActivity, ix.firstTouch, ...plan.stageColumns];
  const line = new Numbers();
  // The id column, and id → row: also the join's index when every id is a single plain key (see joinDeals).
  const ids = new IdIndex();
  const email = new PackedText();
  const name = new PackedText();
  const shared = { company: new CodedText(), source: new CodedText(), sourceDetail: new CodedText(), status: new CodedText(), owner: new CodedText() };
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
    shared.company.push(cell(ix.company));
    shared.source.push(cell(ix.source));
    shared.sourceDetail.push(cell(ix.detail));
    shared.status.push(cell(ix.status));
    shared.owner.push(cell(ix.owner));
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
      created: days[0]!,
      lastActivity: days[1]!,
      firstTouch: days[2]!,
      stageDates: days.slice(3),
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

/** A lead part without the rows `drop` (ascending); undefined when what they proved cannot be taken back. */
function withoutLeadRows(p: LeadPart, drop: readonly number[]): LeadPart | undefined {
  const { keep, index } = keepMask(p.id.length, drop);
  const dates = keptDateParts(p.dates, keep, index);
  if (dates === undefined) return undefined;
  return {
    line: keptNumbers(p.line, keep),
    id: keptText(p.id, keep),
    noId: p.noId.map((r) => index[r]!),
    email: keptText(p.email, keep),
    name: keptText(p.name, keep),
    text: p.text.map((t) => keptCodes(t, keep)),
    values: p.values.map((t) => keptCodes(t, keep)),
    dates,
    cells: p.cells && keptOf(p.cells, keep),
    plainIds: p.plainIds,
    accounting: { ...p.accounting, used: p.accounting.used - drop.length },
  };
}

/** The repeated-text columns of a lead and of a deal, in the order of a part's `text`. */
const LEAD_TEXT = ['company', 'source', 'sourceDetail', 'status', 'owner'] as const;
const DEAL_TEXT = ['stage', 'status', 'currency', 'owner'] as const;

/** The rows a lead sink read from a part of the file, in a form that crosses threads cheaply. */
export interface LeadPart extends Pick<LeadColumns, 'line'> {
  readonly id: PackedPart;
  readonly email: PackedPart;
  readonly name: PackedPart;
  readonly noId: readonly number[];
  readonly text: readonly TextCodes[];
  readonly values: readonly TextCodes[];
  readonly dates: readonly (DatePart | undefined)[];
  readonly cells: readonly string[][] | undefined;
  readonly plainIds: boolean;
  readonly accounting: AccountingPart;
}

// ---------------------------------------------------------------- deals

export interface DealsRead {
  readonly deals: DealTable;
  readonly accounting: Accounting;
  readonly dateOrders: Record<string, string>;
  /** Number format decided per number column (the amount, and columns conditions compare as numbers), for `check`. */
  readonly numberFormats: Record<string, string>;
  readonly currencies: ReadonlySet<string>;
}

/**
 * Splits a join cell into keys: `;` separated, or `,` separated when every part is an id or an
 * email (holds a digit or an `@`) — a name such as `Acme, Inc.` is one key, not `Acme` and `Inc.`
 * (a company joined to an account name would otherwise match every "Inc."). Keys are trimmed,
 * empties dropped, emails lower-cased.
 */
export function joinKeys(text: string): string[] {
  if (text === '') return [];
  let parts = text.includes(';') ? text.split(';') : [text];
  if (text.includes(',')) {
    parts = parts.flatMap((part) => {
      if (!part.includes(',')) return [part];
      const pieces = part.split(',');
      return pieces.every((p) => p.trim() === '' || /[\d@]/.test(p)) ? pieces : [part];
    });
  }
  const keys: string[] = [];
  for (const part of parts) {
    const key = part.trim();
    if (key !== '') keys.push(key.includes('@') ? key.toLowerCase() : key);
  }
  return keys;
}

/** What deal conditions look at: one row of the deal columns. */
export interface DealSubject {
  c: DealColumns;
  i: number;
}

/** Getter for a deal condition field: a canonical deal field or a header. */
export function dealGetter(plan: ColumnPlan, name: string): Getter<DealSubject> | undefined {
  if ((DEAL_FIELDS as readonly string[]).includes(name)) {
    const field = name as DealField;
    switch (field) {
      case 'created':
      case 'closed':
      case 'lastActivity':
        return (d) => (Number.isNaN(d.c[field][d.i]!) ? '' : isoDate(d.c[field][d.i]!));
      case 'amount':
        return (d) => (Number.isNaN(d.c.amount[d.i]!) ? '' : String(d.c.amount[d.i]));
      case 'lead':
      case 'leadEmail':
        return (d) => d.c.keys.get(d.i);
      default:
        return (d) => d.c[field].get(d.i);
    }
  }
  const slot = plan.slotOf.get(name);
  return slot === undefined ? undefined : (d) => d.c.values[slot]!.get(d.i);
}

function outcomeRule(
  rule: Rubric['deals']['won'],
  plan: ColumnPlan,
  rubric: Rubric,
  options: MapOptions,
  path: string,
  marks: Readonly<Record<string, DecimalMark>>,
): Predicate<DealSubject> | undefined {
  if (rule === undefined) return undefined;
  if (Array.isArray(rule)) {
    const values = new Set(rule.map((v) => String(v).trim().toLowerCase()));
    return (d) => values.has(d.c.stage.get(d.i).toLowerCase());
  }
  const decimal = (n: string) => marks[n];
  return compileCondition(rule, { field: (n) => dealGetter(plan, n), asOf: options.asOf, dateOrder: rubric.deals.dateOrder ?? 'mdy', decimal, path });
}

export function dealSink(plan: ColumnPlan, rubric: Rubric, options: MapOptions): CsvSink & { finish(): DealsRead; part(): DealPart } {
  const accounting = new Accounting(plan.file, options.keepRejects ?? false);
  const col = (field: DealField): number => plan.fields[field] ?? -1;
  const order = options.dateOrder ?? rubric.deals.dateOrder;
  const dateIx = [col('created'), col('closed'), col('lastActivity'), ...plan.stageColumns];
  const dates = dateIx.map((i) => (i >= 0 ? new DateColumn(plan.header.names[i]!, order, options.part) : undefined));
  const joinField = rubric.join.deal;
  const joinIx = joinField === 'lead' || joinField === 'leadEmail' || joinField === 'id' ? col(joinField) : (plan.slots[plan.slotOf.get(joinField) ?? -1] ?? -1);
  const stageIndex = new Map<string, number>();
  rubric.deals.stages.forEach((s, i) => s.values.forEach((v) => stageIndex.set(v.trim().toLowerCase(), i)));
  const ix = { id: col('id'), stage: col('stage'), status: col('status'), amount: col('amount'), currency: col('currency'), owner: col('owner') };
  const amount = new NumberColumn(ix.amount >= 0 ? plan.header.names[ix.amount]! : 'amount', options.part);
  const currencies = new Set<string>();
  const line = new Numbers();
  const ids = new IdIndex();
  const keys = new PackedText();
  const shared = { stage: new CodedText(), status: new CodedText(), currency: new CodedText(), owner: new CodedText() };
  const stages: number[] = [];
  const values = plan.slots.map(() => new CodedText());
  const noId: number[] = [];

  const value = missingValueRule(rubric.missingValues);

  const sink = sinkFor(accounting, plan.header, (row, at) => {
    // Every cell read below passes `value`: the one place a missing token becomes ''.
    const cell = (i: number): string => (i < 0 ? '' : value(row[i]!.trim()));
    const key = cell(ix.id);
    if (key !== '' && ids.get(key) !== undefined) {
      accounting.duplicates++;
      accounting.reject(row, at, 'duplicate_id');
      return;
    }
    if (key === '') noId.push(ids.length);
    const currency = cell(ix.currency);
    if (currency !== '') currencies.add(currency.toUpperCase());
    const stage = cell(ix.stage);
    line.push(at);
    if (key === '') ids.push(`#${at}`, false);
    else ids.push(key);
    keys.push(joinKeys(cell(joinIx)).join(';'));
    shared.stage.push(stage);
    shared.status.push(cell(ix.status));
    shared.currency.push(currency);
    shared.owner.push(cell(ix.owner));
    amount.push(cell(ix.amount), at);
    stages.push(stageIndex.get(stage.toLowerCase()) ?? -1);
    for (let d = 0; d < dates.length; d++) dates[d]?.push(value(row[dateIx[d]!]!), at);
    for (let v = 0; v < values.length; v++) values[v]!.push(value(row[plan.slots[v]!]!));
    accounting.used++;
  });

  const end = (): DealsRead => {
    const length = ids.length;
    const { days, orders } = settleDates(plan.file, accounting, length, dates);
    const numberFormats: Record<string, string> = {};
    if (ix.amount >= 0) numberFormats[amount.name] = amount.settle(plan.file, accounting);
    if (currencies.size > 1) {
      accounting.warnings.push(`${plan.file}: deals are in ${currencies.size} currencies (${[...currencies].sort().join(', ')}); amounts are added as they are, without conversion`);
    }
    const coded = (field: string): CodedText | undefined => {
      if ((DEAL_TEXT as readonly string[]).includes(field)) return shared[field as (typeof DEAL_TEXT)[number]];
      const slot = plan.slotOf.get(field);
      return slot === undefined ? undefined : values[slot];
    };
    const numbers = conditionMarks('deal', plan, rubric, accounting, coded);
    Object.assign(numberFormats, numbers.labels);
    // The amount getter gives the number as JavaScript writes it (`1234.5`): a decimal point.
    const decimals: Record<string, DecimalMark> = { ...numbers.marks, amount: '.' };
    const columns = {
      length,
      line: line.done(),
      id: ids.ids,
      keys,
      ...shared,
      amount: amount.values.done(),
      created: days[0]!,
      closed: days[1]!,
      lastActivity: days[2]!,
      outcome: new Uint8Array(length),
      stageIndex: Int32Array.from(stages),
      stageEntered: days.slice(3),
      values,
      decimals,
    };
    const deals = new DealTable(columns);
    // Won and lost by stage values or conditions, once every column is settled.
    const won = outcomeRule(rubric.deals.won, plan, rubric, options, 'deals.won', decimals);
    const lost = outcomeRule(rubric.deals.lost, plan, rubric, options, 'deals.lost', decimals);
    const subject: DealSubject = { c: columns, i: 0 };
    for (let i = 0; i < length; i++) {
      subject.i = i;
      columns.outcome[i] = won?.(subject) ? 1 : lost?.(subject) ? 2 : 0;
    }
    return { deals, accounting, dateOrders: orders, numberFormats, currencies };
  };

  const part = (): DealPart => ({
    line: line.done(),
    amount: amount.part(),
    id: ids.ids.part(),
    noId,
    keys: keys.part(),
    text: DEAL_TEXT.map((k) => shared[k].part()),
    stages: Int32Array.from(stages),
    values: values.map((v) => v.part()),
    dates: dates.map((d) => d?.part()),
    currencies: [...currencies],
    accounting: accounting.part(),
  });

  // Rows read from the rest of the file elsewhere (readPart), taken as if they had come through `row`.
  const append = (taken: unknown): boolean => {
    const taken0 = taken as DealPart;
    const duplicates = clashes(taken0.id, taken0.noId, ids);
    // --rejects writes a duplicate's cells, which only the other thread saw: read the part here.
    if (duplicates.length > 0 && options.keepRejects) return false;
    const p = duplicates.length === 0 ? taken0 : withoutDealRows(taken0, duplicates);
    if (p === undefined) return false;
    const offset = ids.length;
    ids.pushPart(p.id, p.noId);
    for (const stage of p.stages) stages.push(stage);
    for (const r of p.noId) noId.push(offset + r);
    keys.pushFrom(p.keys);
    line.pushAll(p.line);
    amount.append(p.amount);
    DEAL_TEXT.forEach((k, i) => shared[k].pushPart(p.text[i]!));
    p.values.forEach((coded, v) => values[v]!.pushPart(coded));
    p.dates.forEach((d, k) => d && dates[k]!.append(d));
    for (const c of p.currencies) currencies.add(c);
    accounting.append(p.accounting, duplicates.map((r) => taken0.line[r]!));
    return true;
  };
  return { ...sink, finish: end, part, append };
}

/** A deal part without the rows `drop` (ascending); undefined when what they proved cannot be taken back. */
function withoutDealRows(p: DealPart, drop: readonly number[]): DealPart | undefined {
  const { keep, index } = keepMask(p.id.length, drop);
  const dates = keptDateParts(p.dates, keep, index);
  if (dates === undefined) return undefined;
  const amount = keptNumberPart(p.amount, keep, index);
  if (amount === undefined) return undefined;
  const text = p.text.map((t) => keptCodes(t, keep));
  // The currencies of the rows that stay.
  const currency = text[DEAL_TEXT.indexOf('currency')]!;
  const currencies = new Set<string>();
  for (const code of new Set(currency.codes)) if (currency.values[code] !== '') currencies.add(currency.values[code]!.toUpperCase());
  return {
    line: keptNumbers(p.line, keep),
    amount,
    id: keptText(p.id, keep),
    noId: p.noId.map((r) => index[r]!),
    keys: keptText(p.keys, keep),
    text,
    stages: p.stages.filter((_, r) => keep[r] === 1),
    values: p.values.map((t) => keptCodes(t, keep)),
    dates,
    currencies: [...currencies],
    accounting: { ...p.accounting, used: p.accounting.used - drop.length },
  };
}

/** The rows a deal sink read from a part of the file, in a form that crosses threads cheaply. */
export interface DealPart extends Pick<DealColumns, 'line'> {
  readonly amount: NumberPart;
  readonly id: PackedPart;
  readonly keys: PackedPart;
  readonly noId: readonly number[];
  readonly text: readonly TextCodes[];
  readonly stages: Int32Array;
  readonly values: readonly TextCodes[];
  readonly dates: readonly (DatePart | undefined)[];
  readonly currencies: readonly string[];
  readonly accounting: AccountingPart;
}

/** Unparseable values: warnings normally, exit 1 under --strict (SPEC §4.4). */
export function invalidValueMessages(accounting: Accounting): string[] {
  return [...accounting.invalid].map(
    ([column, { count, line, text }]) =>
      `${accounting.file}: ${count} value${count === 1 ? '' : 's'} in column "${column}" could not be read (first at line ${line}: ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}); treated as missing`,
  );
}

export function failOnInvalid(accounting: Accounting): void {
  const [first] = invalidValueMessages(accounting);
  if (first) throw new InputError(`${first.replace(/; treated as missing$/, '')} (--strict)`);
}
