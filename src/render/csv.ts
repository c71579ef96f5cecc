/**
 * `--format csv` and `--format tsv`: a header row of column keys, then one record per row, values
 * in raw style, RFC 4180 quoting, `\n` line ends. Several reports (`audit`) are written one after
 * another, separated by one empty line, each a plain table.
 *
 * Two number styles, both without thousands separators (a spreadsheet reads a grouping mark as
 * part of the number in one locale and as text or a decimal mark in another):
 * - plain: `0.305`, flags `true`/`false`, fields separated by `,` — what a spreadsheet in a
 *   point-decimal locale (en-US, en-GB…) reads as numbers, and as booleans (Excel; LibreOffice
 *   when its import detects special numbers). The same as `--format json`'s values.
 * - `--decimal-comma`: `0,305`, flags `1`/`0`, CSV fields separated by `;` (TSV keeps TAB) — for
 *   comma-decimal locales (de, fr, es, it, nl, pt…). Flags are numbers there because the words a
 *   spreadsheet reads as booleans are the locale's own (LibreOffice under de-DE reads `WAHR` as a
 *   boolean, and only when detecting special numbers, and `TRUE` as text), while `1`/`0` are
 *   numbers in every locale and import setting, and work in `IF` and `SUM`.
 * Dates are written ISO `YYYY-MM-DD` in both: LibreOffice and Excel read that as a date in every
 * locale. test/spreadsheet.test.ts opens both styles in LibreOffice under de-DE and en-US.
 *
 * Text from the input data that a spreadsheet would run as a formula gets a leading `'`;
 * values the tool computed (numbers such as `-0,5`, the `signif` mark `-`) are never altered.
 *
 * Quoting is done here, not by csv-stringify: for the same bytes (a property test holds the two
 * equal), the stall rows of a million-lead audit take a quarter of the time (docs/performance.md). Rows
 * are turned into text a batch at a time, as they are written.
 */

import type { AuditResult, Cell, ColumnKind, Report } from '../model.js';
import { cellKind, rawValue } from './format.js';
import type { RenderOptions } from './types.js';
import { neutralizeFormula } from './safe.js';

/** Rows turned into text at a time: a piece well under a megabyte even for the widest rows (docs/performance.md). */
const BATCH = 4096;

export type Delimiter = ',' | ';' | '\t';

const NEEDS_QUOTES: Record<Delimiter, RegExp> = { ',': /[",\r\n]/, ';': /[";\r\n]/, '\t': /["\t\r\n]/ };

/** One field as RFC 4180 writes it: in quotes, inner quotes doubled, when it holds a quote, the delimiter or a line end. */
export function field(text: string, delimiter: Delimiter): string {
  return NEEDS_QUOTES[delimiter].test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One cell as text in raw style (src/render/format.ts: rates as fractions to 4 decimals, money to
 * 2…); with `decimalComma`, numbers take `,` as the decimal mark and booleans become `1`/`0`.
 * Numbers are never grouped: `2001004`, not `2,001,004` or `2.001.004`.
 */
export function spreadsheetCell(value: Cell | undefined, kind: ColumnKind, decimalComma: boolean): string {
  const raw = rawValue(value, kind);
  if (raw === null) return '';
  if (!decimalComma) return String(raw);
  // String(n) has at most one `.` (`1.5e-7` included), and no grouping.
  if (typeof raw === 'number') return String(raw).replace('.', ',');
  if (typeof raw === 'boolean') return raw ? '1' : '0';
  return raw;
}

function* records(report: Report, delimiter: Delimiter, decimalComma: boolean): Generator<string> {
  // Keys are the tool's own snake_case names, except a `--by` column, which the user named.
  yield `${report.columns.map((c) => field(neutralizeFormula(c.key), delimiter)).join(delimiter)}\n`;
  for (let start = 0; start < report.rows.length; start += BATCH) {
    let text = '';
    for (const row of report.rows.slice(start, start + BATCH)) {
      const cells = report.columns.map((c) => {
        const value = row[c.key];
        const cell = spreadsheetCell(value, cellKind(c, row), decimalComma);
        return field(c.fromInput === true && typeof value === 'string' ? neutralizeFormula(cell) : cell, delimiter);
      });
      text += `${cells.join(delimiter)}\n`;
    }
    yield text;
  }
}

function* delimited(result: AuditResult, delimiter: Delimiter, decimalComma: boolean): Generator<string> {
  let first = true;
  for (const report of result.reports) {
    if (report.columns.length === 0) continue;
    if (!first) yield '\n';
    first = false;
    yield* records(report, delimiter, decimalComma);
  }
}

export function csv(result: AuditResult, options: RenderOptions): Generator<string> {
  const decimalComma = options.decimalComma === true;
  // With a comma as the decimal mark, `,` cannot also separate fields: comma-decimal locales use `;`.
  return delimited(result, decimalComma ? ';' : ',', decimalComma);
}

export function tsv(result: AuditResult, options: RenderOptions): Generator<string> {
  return delimited(result, '\t', options.decimalComma === true);
}
