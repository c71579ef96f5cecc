/**
 * `--format csv` and `--format tsv` (SPEC §7.1, §7.2): a header row of column keys, then one
 * record per row, values in raw style, RFC 4180 quoting, `\n` line ends. Several reports (`audit`)
 * are written one after another, separated by one empty line, each a plain table.
 *
 * Text from the input data that a spreadsheet would run as a formula gets a leading `'`;
 * values the tool computed (numbers, the `signif` mark `-`) are never altered.
 */

import { stringify } from 'csv-stringify/sync';
import type { AuditResult, Report } from '../model.js';
import { cellKind, formatCell } from './format.js';
import type { RenderOptions } from './index.js';
import { neutralizeFormula } from './safe.js';

function records(report: Report): string[][] {
  // Keys are the tool's own snake_case names, except a `--by` column, which the user named.
  const header = report.columns.map((c) => neutralizeFormula(c.key));
  const body = report.rows.map((row) =>
    report.columns.map((c) => {
      const value = row[c.key];
      const text = formatCell(value, cellKind(c, row), 'raw');
      return c.fromInput === true && typeof value === 'string' ? neutralizeFormula(text) : text;
    }),
  );
  return [header, ...body];
}

function delimited(result: AuditResult, delimiter: ',' | '\t'): string {
  return result.reports
    .filter((r) => r.columns.length > 0)
    .map((r) => stringify(records(r), { delimiter }))
    .join('\n');
}

export function csv(result: AuditResult, _options: RenderOptions): string {
  return delimited(result, ',');
}

export function tsv(result: AuditResult, _options: RenderOptions): string {
  return delimited(result, '\t');
}
