/**
 * `--format table` (SPEC §7.1): each report as a title, a cli-table3 table and its notes; the fired
 * alerts last. Numbers are right-aligned; rates of a column with a `baseline` are green above it
 * and red below (only with `color`). A table wider than `width` loses its least important columns
 * first (highest `priority` number; never priority 1 nor the first column) and says which, unless
 * `wide`. Every printed string is stripped of control characters and escape sequences, so data
 * cannot drive the terminal.
 *
 * Input accounting is not printed here (the summary report carries it), nor `result.verdict`
 * (the summary report prints its verdict lines).
 */

import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { AuditResult, Cell, Column, FiredAlert, Report } from '../model.js';
import { formatCell, isNumericKind, roundTo } from './format.js';
import type { RenderOptions } from './index.js';
import { terminalSafe } from './safe.js';

type Align = 'left' | 'right';

/** cli-table3 with its own colours off: colour comes only from our chalk instance. */
function newTable(head: string[], colAligns: Align[]): Table.Table {
  return new Table({ head, colAligns, style: { head: [], border: [], compact: true } });
}

/** Screen width of text: wide (East Asian, emoji) characters count 2, combining marks 0. An estimate; see `fitted`. */
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
const ZERO_WIDTH = /\p{M}|[\u200b-\u200f\ufeff]/u;

function displayWidth(text: string): number {
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const ch of text) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
}

/** The human text of a cell, safe for a terminal. */
function cellText(value: Cell | undefined, column: Column): string {
  return terminalSafe(formatCell(value, column.kind, 'human'));
}

function paintCell(text: string, value: Cell | undefined, column: Column, paint: ChalkInstance): string {
  if (column.kind !== 'percent' || column.baseline === undefined) return text;
  if (typeof value !== 'number' || !Number.isFinite(value)) return text;
  if (value > column.baseline) return paint.green(text);
  if (value < column.baseline) return paint.red(text);
  return text;
}

/**
 * Indexes of the columns to hide, in the order they are dropped: highest priority number first,
 * the rightmost first among equals. The first column and priority-1 (or unset) columns are never
 * dropped.
 */
function dropOrder(columns: readonly Column[]): number[] {
  const droppable: number[] = [];
  columns.forEach((c, i) => {
    if (i > 0 && (c.priority ?? 1) > 1) droppable.push(i);
  });
  const priority = (i: number): number => columns[i]?.priority ?? 1;
  return droppable.sort((a, b) => priority(b) - priority(a) || b - a);
}

/** Renders the visible columns of a `table`-layout report; returns the table text. */
function renderGrid(report: Report, texts: string[][], visible: number[], paint: ChalkInstance): string {
  const picked = visible.map((i) => ({ i, column: report.columns[i] as Column }));
  const grid = newTable(
    picked.map(({ column }) => terminalSafe(column.label)),
    picked.map(({ column }): Align => (isNumericKind(column.kind) ? 'right' : 'left')),
  );
  report.rows.forEach((row, r) => {
    const line = texts[r] as string[];
    grid.push(picked.map(({ i, column }) => paintCell(line[i] as string, row[column.key], column, paint)));
  });
  return grid.toString();
}

/**
 * The table, dropping columns until it fits: first by an estimate of every column's width, then
 * checking the width cli-table3 actually drew (its top border line).
 */
function fitted(report: Report, options: RenderOptions, paint: ChalkInstance): { text: string; hidden: number[] } {
  const { columns, rows } = report;
  const texts = rows.map((row) => columns.map((c) => cellText(row[c.key], c)));
  const hidden: number[] = [];
  const order = options.wide ? [] : dropOrder(columns);
  const visible = (): number[] => columns.map((_, i) => i).filter((i) => !hidden.includes(i));

  // Each column takes its widest cell plus one space of padding each side, plus one border.
  const widths = columns.map((c, i) =>
    texts.reduce((w, line) => Math.max(w, displayWidth(line[i] as string)), displayWidth(terminalSafe(c.label))) + 3,
  );
  let estimate = 1 + widths.reduce((a, b) => a + b, 0);
  while (estimate > options.width && order.length > 0) {
    const drop = order.shift() as number;
    hidden.push(drop);
    estimate -= widths[drop] as number;
  }
  for (;;) {
    const text = renderGrid(report, texts, visible(), paint);
    const drawn = (text.split('\n')[0] ?? '').length;
    if (drawn <= options.width || order.length === 0) return { text, hidden: hidden.sort((a, b) => a - b) };
    hidden.push(order.shift() as number);
  }
}

/** A `record`-layout report: one label/value line per column (one value column per row). */
function renderRecord(report: Report, paint: ChalkInstance): string {
  const grid = new Table({ style: { head: [], border: [], compact: true } });
  for (const column of report.columns) {
    const align: Align = isNumericKind(column.kind) ? 'right' : 'left';
    grid.push([
      terminalSafe(column.label),
      ...report.rows.map((row) => ({
        content: paintCell(cellText(row[column.key], column), row[column.key], column, paint),
        hAlign: align,
      })),
    ]);
  }
  return grid.toString();
}

function renderReport(report: Report, options: RenderOptions, paint: ChalkInstance): string[] {
  const lines = [paint.bold(terminalSafe(report.title))];
  const notes = report.notes.map(terminalSafe);
  if (report.columns.length > 0) {
    if (report.layout === 'record') {
      lines.push(renderRecord(report, paint));
    } else {
      const { text, hidden } = fitted(report, options, paint);
      lines.push(text);
      if (hidden.length > 0) {
        const labels = hidden.map((i) => terminalSafe(report.columns[i]?.label ?? ''));
        notes.push(`hidden: ${labels.join(', ')} (use --wide to show all columns)`);
      }
    }
  }
  return [...lines, ...notes];
}

/**
 * The fired value, rounded to 4 decimals unless that would make it look equal to the threshold
 * (`0.019999` against `<0.02`), then with as many more as it takes.
 */
function alertValue(alert: FiredAlert): string {
  if (!Number.isFinite(alert.value)) return formatCell(alert.value, 'number', 'human');
  for (let decimals = 4; decimals <= 12; decimals++) {
    const rounded = roundTo(alert.value, decimals);
    if (rounded !== alert.threshold || alert.value === alert.threshold) return String(rounded);
  }
  return String(alert.value);
}

function alertLine(alert: FiredAlert, paint: ChalkInstance): string {
  const where = alert.row === null ? '' : `, row ${terminalSafe(alert.row)}`;
  return paint.red(`alert: ${terminalSafe(alert.rule)} (value ${alertValue(alert)}${where})`);
}

export function table(result: AuditResult, options: RenderOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  for (const report of result.reports) lines.push(...renderReport(report, options, paint), '');
  for (const alert of result.alerts) lines.push(alertLine(alert, paint));
  while (lines.at(-1) === '') lines.pop();
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
