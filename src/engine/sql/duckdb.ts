/**
 * Embedded DuckDB (`@duckdb/node-api`, loaded only by a run that asks for it): a connection, and a
 * CSV export as a table DuckDB reads in file order, with the rows leadaudit's reader would not use
 * (blank, footer, summary, too long) flagged and counted as that reader counts them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { readCsv, type CsvHeader, type CsvOptions } from '../../io/csv/index.js';
import { MAX_FIELD_CHARS } from '../../io/csv/limits.js';
import type { ColumnPlan } from '../../data/map.js';
import type { RowReason } from '../../model.js';
import { csvLayout, recordLines, type CsvLayout } from './csv-gate.js';
import { dialect } from './dialects.js';
import { portablePattern } from './regex.js';
import { and, bool, call, cases, col, eq, iff, matches, not, num, bin, or, raw, text, type Expr } from './tree.js';
import type { SqlSource } from './compile.js';
import type { Row } from './facts.js';
import { FOOTER, NUMBER, SAMPLE_ROWS, TOTALS } from '../../io/csv/shapes.js';

export interface SqlConnection {
  run(sql: string): Promise<void>;
  all(sql: string): Promise<Row[]>;
  close(): void;
}

export async function openDuckDb(path = ':memory:'): Promise<SqlConnection> {
  let api: typeof import('@duckdb/node-api');
  try {
    api = await import('@duckdb/node-api');
  } catch (error) {
    throw new UsageError(`--engine duckdb needs the @duckdb/node-api package, which could not be loaded (${(error as Error).message.split('\n')[0]}); run with --engine js`);
  }
  const instance = await api.DuckDBInstance.create(path);
  const connection = await instance.connect();
  return {
    run: async (sql) => {
      await connection.run(sql);
    },
    all: async (sql) => rowsOf(api, await connection.runAndReadAll(sql)),
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * A result's rows as objects. The driver's getRowObjectsJS converts each value through a general
 * converter (~1.1 s for the 195k rows of the lead classes on the 1M export); text, booleans and
 * numbers are already JavaScript values in getColumns (the same values, ~0.5 s with the rows built
 * here). Any other type takes the driver's conversion.
 */
function rowsOf(api: typeof import('@duckdb/node-api'), result: import('@duckdb/node-api').DuckDBResultReader): Row[] {
  const id = api.DuckDBTypeId;
  const plain = new Set<number>([id.VARCHAR, id.BOOLEAN, id.TINYINT, id.SMALLINT, id.INTEGER, id.BIGINT, id.HUGEINT, id.UTINYINT, id.USMALLINT, id.UINTEGER, id.UBIGINT, id.UHUGEINT, id.FLOAT, id.DOUBLE]);
  if (!result.columnTypes().every((t) => plain.has(t.typeId))) return result.getRowObjectsJS() as Row[];
  const names = result.columnNames();
  const columns = result.getColumns();
  const rows = new Array<Row>(result.currentRowCount);
  for (let r = 0; r < rows.length; r++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = columns[c]![r];
    rows[r] = row;
  }
  return rows;
}

/** How one file's rows that are not data were counted: per reason, how many and the first line. */
export interface SkippedRows {
  /** Data records after the header, as the JS reader counts them (blank lines and footers included). */
  readonly read: number;
  readonly reasons: readonly { readonly reason: RowReason; readonly count: number; readonly line: number; readonly rejected: boolean }[];
}

/**
 * Reads a CSV export into DuckDB as `la_src_<side>`: all columns as text, in file order, with the
 * rows the JS reader skips or rejects flagged. Refuses (UsageError) what DuckDB cannot read alike.
 */
export async function csvSource(
  db: SqlConnection,
  side: 'leads' | 'deals',
  file: string,
  options: CsvOptions,
  header: CsvHeader,
  plan: ColumnPlan,
): Promise<{ source: SqlSource; skipped: SkippedRows; layout: CsvLayout; lines: Lines }> {
  const layout = await csvLayout(file, options, header);
  const d = dialect('duckdb');
  const width = header.cells;
  const names = Array.from({ length: width }, (_, i) => `c${i}`);
  const columns = `{${names.map((n) => `${d.string(n)}: 'VARCHAR'`).join(', ')}}`;
  const cell = (i: number): Expr => call('coalesce', col(names[i]!), text(''));
  const empty = (i: number): Expr => eq(call('trim', cell(i)), text(''));
  // Most rows have a first cell: the other cells are looked at only when it is empty (or a footer's).
  const blank = iff(not(empty(0)), bool(false), and(...names.slice(1).map((_, i) => empty(i + 1))));
  const rest = names.slice(1).map((_, i) => empty(i + 1));
  const footer = rest.length === 0 ? matches(call('trim', cell(0)), portablePattern(FOOTER.source, 'footer')) : iff(not(rest[0]!), bool(false), and(...rest, matches(call('trim', cell(0)), portablePattern(FOOTER.source, 'footer'))));
  // A cell has at least as many bytes as characters: the characters are counted (length reads
  // the whole cell) only in a row with a cell of more bytes than the limit (strlen is stored).
  const bytes = raw(`greatest(${names.map((_, i) => `strlen(${d.expr(cell(i))})`).join(', ')})`);
  const tooLong = iff(bin('>', bytes, num(MAX_FIELD_CHARS)), or(...names.map((_, i) => bin('>', call('length', cell(i)), num(MAX_FIELD_CHARS)))), bool(false));
  // A row that might be a summary row (shapes.ts summaryShape: every cell empty, a number or a
  // totals word; matched without case, so a few more rows may be: the JS reader judges them).
  // A data row is told apart at its first cell of text, most at the first or second.
  const text_ = (i: number): Expr => and(not(empty(i)), not(matches(cell(i), portablePattern(NUMBER.source, 'number'))), not(matches(cell(i), portablePattern(TOTALS.source, 'totals'))));
  const maybe = cases(names.map((_, i) => [text_(i), bool(false)] as const), not(blank));
  const table = `la_src_${side}`;
  const read = `read_csv(${d.string(file)}, header = ${layout.headerRow}, delim = ${d.string(layout.delimiter)}, quote = '"', escape = '"', auto_detect = false, strict_mode = true, null_padding = false, columns = ${columns})`;
  // Only the columns the run reads are kept; the flags read every one as it passes.
  const used = [...new Set([...Object.values(plan.fields), ...plan.slots, ...plan.stageColumns])].filter((i): i is number => i !== undefined && i >= 0);
  try {
    await db.run(`CREATE TEMP TABLE ${table} AS SELECT ${used.map((i) => names[i]!).join(', ')}${used.length > 0 ? ',' : ''} ${d.expr(tooLong)} AS la_long, ${d.expr(blank)} AS la_blank, ${d.expr(footer)} AS la_footer, ${d.expr(maybe)} AS la_maybe FROM ${read}`);
  } catch (error) {
    const message = (error as Error).message;
    const where = /CSV Error on Line: (\d+)/.exec(message);
    if (/invalid unicode/i.test(message)) throw new UsageError(`--engine duckdb cannot read ${file} exactly: it is not UTF-8 (leadaudit reads it as Windows-1252; DuckDB reads UTF-8 only); run with --engine js`);
    const first = message.split('\n').find((l) => /Expected Number of Columns|unterminated|quote/i.test(l)) ?? message.split('\n')[0];
    throw new UsageError(`--engine duckdb cannot read ${file} exactly${where ? ` (line ${where[1]})` : ''}: ${first?.trim()}; leadaudit's own reader rejects such rows and goes on: run with --engine js`);
  }
  const counts = (await db.all(`SELECT COUNT(*) AS n, SUM(CASE WHEN la_long THEN 1 ELSE 0 END) AS long, MIN(CASE WHEN la_long THEN rowid END) AS first_long, SUM(CASE WHEN la_blank AND NOT la_long THEN 1 ELSE 0 END) AS blank, MIN(CASE WHEN la_blank AND NOT la_long THEN rowid END) AS first_blank, SUM(CASE WHEN la_footer AND NOT la_long THEN 1 ELSE 0 END) AS footer, MIN(CASE WHEN la_footer AND NOT la_long THEN rowid END) AS first_footer FROM ${table}`))[0]!;
  const n = Number(counts.n);
  // Summary rows can only end a file: after its last row that is surely data.
  const trailing = (await db.all(`SELECT COUNT(*) AS n FROM ${table} WHERE la_maybe AND rowid > (SELECT COALESCE(MAX(rowid), -1) FROM ${table} WHERE NOT (la_blank OR la_footer OR la_maybe))`))[0]!;
  const summary = Number(trailing.n) === 0 ? [] : await summaryRows(db, read, file, names, options, header, layout, n);
  const lines = new Lines(file, layout.headerRow);
  lines.find([counts.first_long, counts.first_blank, counts.first_footer, summary[0]]);
  const lineOf = (rowid: unknown) => lines.of(rowid);
  const reasons: { reason: RowReason; count: number; line: number; rejected: boolean }[] = [];
  if (Number(counts.long) > 0) reasons.push({ reason: 'field_too_long', count: Number(counts.long), line: lineOf(counts.first_long), rejected: true });
  const blanks = Number(counts.blank) + layout.emptyLines;
  if (blanks > 0) {
    const line = Math.min(layout.firstEmptyLine ?? Infinity, counts.first_blank === null ? Infinity : lineOf(counts.first_blank));
    reasons.push({ reason: 'blank_line', count: blanks, line, rejected: false });
  }
  if (Number(counts.footer) > 0) reasons.push({ reason: 'report_footer', count: Number(counts.footer), line: lineOf(counts.first_footer), rejected: false });
  if (summary.length > 0) reasons.push({ reason: 'summary_row', count: summary.length, line: lineOf(summary[0]), rejected: false });
  const notSummary = summary.length === 0 ? '' : ` AND rowid NOT IN (${summary.join(', ')})`;
  const source: SqlSource = {
    plan,
    from: `(SELECT rowid AS la_src_row, * FROM ${table} WHERE NOT (la_long OR la_blank OR la_footer)${notSummary}) src`,
    column: (i) => `c${i}`,
    order: 'la_src_row',
  };
  return { source, skipped: { read: n + layout.emptyLines, reasons }, layout, lines };
}

/** Rows read again at each end of a file for the summary-row judgement (records.ts MAX_HELD is 100). */
const HEAD_ROWS = 2 * SAMPLE_ROWS;
const TAIL_ROWS = 101;

/**
 * The rows at the end of the file that the JS reader would skip as summary rows (totals or
 * averages a report export ends with). That judgement depends on the first data rows (which
 * columns hold text) and on the rows at the end only, so the JS reader itself reads those again.
 */
async function summaryRows(db: SqlConnection, read: string, file: string, names: readonly string[], options: CsvOptions, header: CsvHeader, layout: CsvLayout, n: number): Promise<number[]> {
  // Every column of those rows: the file is read again, whole (only a file that may end in summary rows is).
  await db.run(`CREATE TEMP TABLE la_full AS SELECT * FROM ${read}`);
  const rows = await db.all(`SELECT rowid AS la_rowid, ${names.join(', ')} FROM la_full WHERE rowid < ${HEAD_ROWS} OR rowid >= ${Math.max(0, n - TAIL_ROWS)} ORDER BY rowid`);
  await db.run('DROP TABLE la_full');
  const quote = (cell: unknown) => `"${String(cell ?? '').replaceAll('"', '""')}"`;
  const lines = [...(layout.headerRow ? [header.names.concat(Array(Math.max(0, header.cells - header.names.length)).fill('')).map(quote).join(layout.delimiter)] : []), ...rows.map((r) => names.map((c) => quote(r[c])).join(layout.delimiter))];
  const dir = mkdtempSync(join(tmpdir(), 'leadaudit-tail-'));
  const copy = join(dir, 'tail.csv');
  try {
    writeFileSync(copy, `${lines.join('\n')}\n`);
    const order: { rowid: number; summary: boolean }[] = [];
    let k = 0;
    await readCsv(copy, { delimiter: layout.delimiter, names: options.names }, () => ({
      row: () => void order.push({ rowid: Number(rows[k++]!.la_rowid), summary: false }),
      other: (_cells, _line, reason) => void order.push({ rowid: Number(rows[k++]!.la_rowid), summary: reason === 'summary_row' }),
    }));
    const summary = order.filter((r) => r.summary).map((r) => r.rowid);
    if (n > HEAD_ROWS + TAIL_ROWS && summary.includes(n - TAIL_ROWS)) {
      throw new UsageError(`--engine duckdb cannot read ${file} exactly: it ends in over ${TAIL_ROWS - 1} rows that look like summary rows; run with --engine js`);
    }
    return summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines of a file's data records (by DuckDB's row number), found when a message names them. */
export class Lines {
  private readonly known = new Map<number, number>();
  constructor(
    private readonly file: string,
    private readonly headerRow: boolean,
  ) {}

  /** Finds the lines of these records (NULL and undefined ones are passed over), in one read of the file. */
  find(records: readonly unknown[]): void {
    const wanted = records.filter((r) => r !== null && r !== undefined).map(Number).filter((r) => !this.known.has(r));
    for (const [record, line] of recordLines(this.file, this.headerRow, wanted)) this.known.set(record, line);
  }

  /** The line of a record found before. */
  of(record: unknown): number {
    return this.known.get(Number(record)) ?? NaN;
  }
}
