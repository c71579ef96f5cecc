/** Row accounting of one file as it is read: `read = used + rejected + skipped` (docs/json.md, "inputs"). */
import { InputError } from '../errors.js';
import type { CsvHeader, CsvSink } from '../io/csv/index.js';
import { reasonText, type FileAccounting, type RowReason } from '../model.js';

import { type RejectedRow } from './map.js';

/** What append() adds: counts made elsewhere (an SQL engine's). */
export type AccountingCounts = Pick<Accounting, 'used' | 'rejected' | 'skipped' | 'duplicates' | 'reasons' | 'firstLines' | 'rejects' | 'warnings' | 'firstReject'>;

/** The counts, the rejected rows kept for --rejects, and the warnings of one file. */
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

  /** Adds counts made elsewhere (an SQL engine's), its reasons listed in the order of their first line. */
  append(counts: AccountingCounts): void {
    this.used += counts.used;
    this.rejected += counts.rejected;
    this.skipped += counts.skipped;
    this.duplicates += counts.duplicates;
    for (const [reason, n] of reasonEntries(counts.reasons)) this.reasons[reason] = (this.reasons[reason] ?? 0) + n;
    for (const [reason, line] of reasonEntries(counts.firstLines)) this.firstLines[reason] = Math.min(this.firstLines[reason] ?? line, line);
    for (const row of counts.rejects) this.rejects.push(row);
    this.warnings.push(...counts.warnings);
    if (counts.firstReject && (this.firstReject === undefined || counts.firstReject.line < this.firstReject.line)) this.firstReject = counts.firstReject;
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
export function sinkFor(accounting: Accounting, header: CsvHeader, use: (cells: string[], line: number) => void): CsvSink {
  return {
    row: use,
    other(cells, line, reason, rejected, detail) {
      if (rejected) accounting.reject(cells, line, reason, detail ?? `${cells.length} cells, header has ${header.names.length}`);
      else accounting.skip(reason, line);
    },
  };
}

/** Unparseable values: warnings normally, exit 1 under --strict (docs/rubric.md, "Values that cannot be read"). */
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
