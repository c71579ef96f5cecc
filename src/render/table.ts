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
import type { AuditResult, Cell, Column, Report, Row } from '../model.js';
import { cellKind, formatCell, isNumericKind, previewOf } from './format.js';
import type { RenderOptions } from './index.js';
import { terminalSafe } from './safe.js';

type Align = 'left' | 'right';

const STYLE = { head: [], border: [], compact: true };

/*
 * cli-table3 is slow on long tables (`stalls`, `score` can have 100,000 rows): it lays a table out
 * in time quadratic in its rows, and spends ~30 µs on every cell. So it draws long tables in chunks
 * of CHUNK_ROWS rows with fixed column widths, stitched together, and rows of plain text (whose
 * screen width is their length: ASCII, Latin letters, `—`, `…`, quotes) are drawn here exactly as
 * cli-table3 draws them; anything else (wide or combining characters, emoji) is measured and drawn
 * by cli-table3 itself. The tests check the result equals cli-table3 drawing the whole table at once.
 */
const CHUNK_ROWS = 25;
const PLAIN = /^[\x20-\x7e\u00a0-\u024f\u2010-\u2027\u20ac\u221e]*$/;
const PADDING = 2;

/** One body row: the visible text of each cell, and the same text with its colour codes. */
interface GridRow {
  readonly texts: readonly string[];
  readonly painted: readonly string[];
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK_ROWS) out.push(items.slice(i, i + CHUNK_ROWS));
  return out;
}

/** The width cli-table3 gives a one-column table of these texts (widest cell plus padding). */
function measuredWidth(texts: readonly string[]): number {
  let width = 0;
  for (const part of chunks(texts)) {
    const grid = new Table({ style: STYLE });
    grid.push(...part.map((text) => [text]));
    grid.toString();
    width = Math.max(width, grid.options.colWidths[0] ?? 0);
  }
  return width;
}

/** Each column's width as cli-table3 would compute it for the whole table, padding included. */
function columnWidths(head: readonly string[], texts: readonly (readonly string[])[]): number[] {
  return head.map((label, i) => {
    let width = 0;
    const unusual: string[] = [];
    for (const text of [label, ...texts.map((line) => line[i] ?? '')]) {
      if (PLAIN.test(text)) width = Math.max(width, text.length + PADDING);
      else unusual.push(text);
    }
    return unusual.length > 0 ? Math.max(width, measuredWidth(unusual)) : width;
  });
}

/** A body line of plain cells, as cli-table3 draws it (`│ text │`, padded to the width). */
function plainLine(row: GridRow, colAligns: readonly Align[], colWidths: readonly number[]): string {
  const cells = row.painted.map((painted, i) => {
    const fill = ' '.repeat(Math.max(0, (colWidths[i] ?? 0) - PADDING - (row.texts[i] ?? '').length));
    return colAligns[i] === 'right' ? ` ${fill}${painted} ` : ` ${painted}${fill} `;
  });
  return `│${cells.join('│')}│`;
}

/**
 * The table: cli-table3 draws the frame, the header and the first chunk; later chunks of plain
 * rows are drawn here, others by cli-table3 without their header and borders.
 */
function drawTable(head: string[], colAligns: Align[], colWidths: number[], rows: readonly GridRow[]): string {
  const cliChunk = (part: readonly GridRow[]): string[] => {
    const grid = new Table({ head, colAligns, colWidths, style: STYLE });
    grid.push(...part.map((row) => [...row.painted]));
    return grid.toString().split('\n');
  };
  const [first = [], ...rest] = chunks(rows);
  const framed = cliChunk(first);
  const bottom = framed.pop() ?? '';
  const lines = framed;
  for (const part of rest) {
    if (part.every((row) => row.texts.every((text) => PLAIN.test(text)))) {
      for (const row of part) lines.push(plainLine(row, colAligns, colWidths));
    } else {
      const drawn = cliChunk(part);
      // Drop the top border and header, through the `├─┼─┤` line under it, and the bottom border.
      lines.push(...drawn.slice(drawn.findIndex((line) => line.startsWith('├')) + 1, -1));
    }
  }
  lines.push(bottom);
  return lines.join('\n');
}

/** The human text of a cell, safe for a terminal. */
function cellText(row: Row, column: Column): string {
  return terminalSafe(formatCell(row[column.key], cellKind(column, row), 'human'));
}

function paintCell(text: string, value: Cell | undefined, column: Column, paint: ChalkInstance): string {
  if (column.kind !== 'percent' || column.baseline === undefined) return text;
  if (typeof value !== 'number' || !Number.isFinite(value)) return text;
  if (value > column.baseline) return paint.green(text);
  if (value < column.baseline) return paint.red(text);
  return text;
}

/**
 * Indexes of the columns that may be hidden, in the order they are dropped: highest priority
 * number first, the rightmost first among equals. The first column and priority-1 (or unset)
 * columns are never dropped.
 */
function dropOrder(columns: readonly Column[]): number[] {
  const droppable: number[] = [];
  columns.forEach((c, i) => {
    if (i > 0 && (c.priority ?? 1) > 1) droppable.push(i);
  });
  const priority = (i: number): number => columns[i]?.priority ?? 1;
  return droppable.sort((a, b) => priority(b) - priority(a) || b - a);
}

/** A `table`-layout report, dropping columns until it fits `options.width` (unless `wide`). */
function renderGrid(report: Report, options: RenderOptions, paint: ChalkInstance): { text: string; hidden: number[] } {
  const { columns, rows } = report;
  const head = columns.map((c) => terminalSafe(c.label));
  const texts = rows.map((row) => columns.map((c) => cellText(row, c)));
  const widths = columnWidths(head, texts);

  // A table is its columns' widths plus one border before each column and one at the end.
  const hidden = new Set<number>();
  const drawnWidth = (): number => 1 + widths.reduce((sum, w, i) => (hidden.has(i) ? sum : sum + w + 1), 0);
  // A width that is not a positive number (unknown terminal) sets no limit.
  const limit = options.width > 0 ? options.width : Number.POSITIVE_INFINITY;
  for (const i of options.wide ? [] : dropOrder(columns)) {
    if (drawnWidth() <= limit) break;
    hidden.add(i);
  }

  const visible = columns.flatMap((column, i) => (hidden.has(i) ? [] : [{ column, i }]));
  const body = rows.map((row, r): GridRow => {
    const line = visible.map(({ i }) => texts[r]?.[i] ?? '');
    return { texts: line, painted: visible.map(({ column }, k) => paintCell(line[k] ?? '', row[column.key], column, paint)) };
  });
  const text = drawTable(
    visible.map(({ i }) => head[i] ?? ''),
    visible.map(({ column }): Align => (isNumericKind(column.kind) ? 'right' : 'left')),
    visible.map(({ i }) => widths[i] ?? 0),
    body,
  );
  return { text, hidden: [...hidden].sort((a, b) => a - b) };
}

/** A `record`-layout report: one label/value line per column (one value column per row). */
function renderRecord(report: Report, paint: ChalkInstance): string {
  const grid = new Table({ style: STYLE });
  for (const column of report.columns) {
    const align: Align = isNumericKind(column.kind) ? 'right' : 'left';
    grid.push([
      terminalSafe(column.label),
      ...report.rows.map((row) => ({
        content: paintCell(cellText(row, column), row[column.key], column, paint),
        hAlign: align,
      })),
    ]);
  }
  return grid.toString();
}

function renderReport(full: Report, options: RenderOptions, paint: ChalkInstance): string[] {
  const report = previewOf(full);
  const lines = [paint.bold(terminalSafe(report.title))];
  const notes = report.notes.map(terminalSafe);
  if (report.columns.length > 0) {
    if (report.layout === 'record') {
      lines.push(renderRecord(report, paint));
    } else {
      const { text, hidden } = renderGrid(report, options, paint);
      lines.push(text);
      if (hidden.length > 0) {
        const labels = hidden.map((i) => terminalSafe(report.columns[i]?.label ?? ''));
        notes.push(`hidden: ${labels.join(', ')} (use --wide to show all columns)`);
      }
    }
  }
  return [...lines, ...notes];
}

export function table(result: AuditResult, options: RenderOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  for (const report of result.reports) lines.push(...renderReport(report, options, paint), '');
  while (lines.at(-1) === '') lines.pop();
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
