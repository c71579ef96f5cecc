/**
 * `--format csv` and `--format tsv` (SPEC §7.1, §7.2): a header row of column keys, then one
 * record per row, values in raw style, RFC 4180 quoting, `\n` line ends. Several reports (`audit`)
 * are written one after another, separated by one empty line, each a plain table.
 *
 * Text from the input data that a spreadsheet would run as a formula gets a leading `'`;
 * values the tool computed (numbers, the `signif` mark `-`) are never altered.
 *
 * Quoting is done here, not by csv-stringify: for the same bytes (a property test holds the two
 * equal), the 356,519 stall rows of a million-lead audit take ~1 s instead of ~4 (issue 6). Rows
 * are turned into text a batch at a time, as they are written.
 */

import type { AuditResult, Report } from '../model.js';
import { cellKind, formatCell } from './format.js';
import type { RenderOptions } from './index.js';
import { neutralizeFormula } from './safe.js';

/** Rows turned into text at a time: ~0.5 MB of text for the stall list's rows. */
const BATCH = 4096;

const NEEDS_QUOTES = { ',': /[",\r\n]/, '\t': /["\t\r\n]/ };

/** One field as RFC 4180 writes it: in quotes, inner quotes doubled, when it holds a quote, the delimiter or a line end. */
export function field(text: string, delimiter: ',' | '\t'): string {
  return NEEDS_QUOTES[delimiter].test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function* records(report: Report, delimiter: ',' | '\t'): Generator<string> {
  // Keys are the tool's own snake_case names, except a `--by` column, which the user named.
  yield `${report.columns.map((c) => field(neutralizeFormula(c.key), delimiter)).join(delimiter)}\n`;
  for (let start = 0; start < report.rows.length; start += BATCH) {
    let text = '';
    for (const row of report.rows.slice(start, start + BATCH)) {
      const cells = report.columns.map((c) => {
        const value = row[c.key];
        const cell = formatCell(value, cellKind(c, row), 'raw');
        return field(c.fromInput === true && typeof value === 'string' ? neutralizeFormula(cell) : cell, delimiter);
      });
      text += `${cells.join(delimiter)}\n`;
    }
    yield text;
  }
}

function* delimited(result: AuditResult, delimiter: ',' | '\t'): Generator<string> {
  let first = true;
  for (const report of result.reports) {
    if (report.columns.length === 0) continue;
    if (!first) yield '\n';
    first = false;
    yield* records(report, delimiter);
  }
}

export function csv(result: AuditResult, _options: RenderOptions): Generator<string> {
  return delimited(result, ',');
}

export function tsv(result: AuditResult, _options: RenderOptions): Generator<string> {
  return delimited(result, '\t');
}
