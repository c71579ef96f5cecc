/**
 * `--format table`: each report as a title, a table and its notes. Numbers are right-aligned;
 * with `color`, the value a row's significance mark speaks of is green when significantly better
 * than the rest and red when worse (src/render/significance.ts), as in the HTML report.
 * Everything fits `width` display cells (README "Terminal width"): a table too wide hides its least
 * important columns first (highest `priority` number; priority 1 only when nothing else fits; never
 * the first column) and says which, then wraps text inside its columns; titles and notes are
 * wrapped. With `wide`, no column is hidden or narrowed. Every printed string is stripped of control characters and escape
 * sequences, so data cannot drive the terminal.
 *
 * Input accounting is not printed here (the summary report carries it), nor `result.verdict`
 * (the summary report prints its verdict lines).
 */

import { Chalk, type ChalkInstance } from 'chalk';
import type { AuditResult, Column, Report, Row } from '../model.js';
import { cellKind, formatCell, isNumericKind, previewOf } from './format.js';
import type { RenderOptions } from './types.js';
import { terminalSafe } from './safe.js';
import { markTone, significanceOf, type Significance } from './significance.js';
import { displayWidth, widestWord, wrapLines, wrapParagraph } from './wrap.js';

type Align = 'left' | 'right';

/** Paints a cell's text (or a line of it) in its colour. */
type Painter = (text: string) => string;

/*
 * The frame is drawn here, in cli-table3's compact style (which leadaudit drew with before): one
 * space of padding either side of a cell, a rule under the header, none between rows. Drawing it
 * here lets one measure of width (string-width, as wrap-ansi uses) decide both the layout and the
 * padding (cli-table3 measures with an older string-width that counts some emoji and marks
 * differently, so its lines could overrun), lets a cell wrap inside its column, and takes time
 * linear in the rows (cli-table3 is quadratic on long tables).
 */
const PADDING = 2;

function rule(left: string, middle: string, right: string, widths: readonly number[]): string {
  return `${left}${widths.map((w) => '─'.repeat(w + PADDING)).join(middle)}${right}`;
}

/** One cell as cli-table3 pads it: a space either side, filled to the column's width. */
function pad(text: string, width: number, align: Align, paint: Painter | undefined): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  const shown = text !== '' && paint !== undefined ? paint(text) : text;
  return align === 'right' ? ` ${fill}${shown} ` : ` ${shown}${fill} `;
}

/** One table row as lines: each cell wrapped to its column, padded, the row as tall as its tallest cell. */
function drawRow(texts: readonly string[], aligns: readonly Align[], widths: readonly number[], paints?: readonly (Painter | undefined)[]): string[] {
  // Most rows fit on one line: drawn without wrapping (tables can have 100,000 rows).
  if (texts.every((text, k) => displayWidth(text) <= (widths[k] ?? 0))) {
    return [`│${texts.map((text, k) => pad(text, widths[k] ?? 0, aligns[k] ?? 'left', paints?.[k])).join('│')}│`];
  }
  const wrapped = texts.map((text, k) => wrapLines(text, widths[k] ?? 0));
  const height = Math.max(1, ...wrapped.map((lines) => lines.length));
  const out: string[] = [];
  for (let line = 0; line < height; line++) {
    out.push(`│${wrapped.map((lines, k) => pad(lines[line] ?? '', widths[k] ?? 0, aligns[k] ?? 'left', paints?.[k])).join('│')}│`);
  }
  return out;
}

/** A table row: its cells' text, alignment and colours (per column, or per cell in a record). */
interface DrawRow {
  readonly texts: readonly string[];
  readonly aligns: readonly Align[];
  readonly paints?: readonly (Painter | undefined)[];
}

/** The whole frame: top rule, the header and the rule under it (when there is a header), the rows, the bottom rule. */
function drawTable(head: DrawRow | null, rows: readonly DrawRow[], widths: readonly number[]): string {
  const lines = [rule('┌', '┬', '┐', widths)];
  if (head !== null) {
    lines.push(...drawRow(head.texts, head.aligns, widths));
    if (rows.length > 0) lines.push(rule('├', '┼', '┤', widths));
  }
  for (const row of rows) lines.push(...drawRow(row.texts, row.aligns, widths, row.paints));
  lines.push(rule('└', '┴', '┘', widths));
  return lines.join('\n');
}

/*
 * Fitting a width. Each column has its natural width (its widest cell or label) and three floors it
 * may be narrowed to, tried in turn: first no word broken (a number column keeps its numbers and its
 * label's longest word; a text column keeps TEXT_FLOOR cells, its label's longest word and its
 * cells' longest word up to WORD_CAP, so names like `best_channel_win_rate` stay whole); then long
 * words in text cells broken; last any word broken but no number (text columns down to two cells,
 * the widest a character is).
 * The widest columns give up width first. A text column counts at most TEXT_CAP cells when
 * deciding which columns to hide, so one long name wraps instead of hiding the other columns.
 */
const TEXT_FLOOR = 12;
const TEXT_CAP = 32;
const WORD_CAP = 24;
const NARROWEST = 2;

interface ColumnFit {
  /** The widest cell or label, in cells. */
  readonly natural: number;
  /** The width it asks for when deciding what to hide. */
  readonly want: number;
  /**
   * The narrowest it may be drawn: without breaking a word (of its cells, up to WORD_CAP), without
   * breaking a word of its label, without breaking a number.
   */
  readonly floors: readonly [number, number, number];
  /** Narrowing it to its floors wraps only its label (a number column). */
  readonly labelOnly: boolean;
}

function columnFit(label: string, cells: readonly string[], numeric: boolean): ColumnFit {
  let widestCell = 0;
  let widestCellWord = 0;
  for (const text of cells) {
    const width = displayWidth(text);
    widestCell = Math.max(widestCell, width);
    // A cell's words matter only when it may wrap, and only up to WORD_CAP.
    if (!numeric && width > TEXT_FLOOR && widestCellWord < WORD_CAP) widestCellWord = Math.max(widestCellWord, widestWord(text));
  }
  const natural = Math.max(widestCell, displayWidth(label));
  const word = widestWord(label);
  const least = Math.min(natural, NARROWEST);
  const wholeNumbers = Math.max(word, widestCell, least);
  if (numeric) return { natural, want: natural, floors: [wholeNumbers, wholeNumbers, Math.max(widestCell, least)], labelOnly: true };
  return {
    labelOnly: false,
    natural,
    want: Math.min(natural, Math.max(word, TEXT_CAP)),
    floors: [Math.min(natural, Math.max(word, TEXT_FLOOR, Math.min(widestCellWord, WORD_CAP))), Math.min(natural, Math.max(word, TEXT_FLOOR)), least],
  };
}

/** The room for cell text in a table of `count` columns drawn in `limit` cells (borders and padding taken). */
function room(limit: number, count: number): number {
  return limit - (count + 1) - PADDING * count;
}

const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

/**
 * Widths no smaller than `floors` whose sum is at most `space`, taking width from the widest
 * columns first; undefined when the floors alone overflow.
 */
function waterFill(natural: readonly number[], floors: readonly number[], space: number): number[] | undefined {
  if (sum(natural) <= space) return [...natural];
  if (sum(floors) > space) return undefined;
  const capped = (cap: number) => natural.map((n, i) => Math.max(floors[i] ?? 0, Math.min(n, cap)));
  // The largest cap that fits (cap 0 leaves every column at its floor, which fits).
  let low = 0;
  let high = Math.max(...natural);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (sum(capped(mid)) <= space) low = mid;
    else high = mid - 1;
  }
  const widths = capped(low);
  // Cells left over go one each to the columns held at the cap, leftmost first.
  let spare = space - sum(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if ((natural[i] ?? 0) > low && (widths[i] ?? 0) === low) {
      widths[i] = low + 1;
      spare--;
    }
  }
  return widths;
}

/**
 * Widths within `floors` that fit `space`, or undefined. Columns where narrowing wraps only the
 * label (`labelOnly`: number columns) give up width first, since that costs one line in all; the
 * others (whose every long cell would wrap) only when that is not enough, and then the label-only
 * columns get back what is left.
 */
function shrink(natural: readonly number[], floors: readonly number[], labelOnly: readonly boolean[], space: number): number[] | undefined {
  const split = <T,>(values: readonly T[], cheap: boolean): T[] => values.filter((_, i) => labelOnly[i] === cheap);
  const merge = (cheap: readonly number[], rest: readonly number[]): number[] => {
    let c = 0;
    let r = 0;
    return labelOnly.map((isCheap) => (isCheap ? cheap[c++] : rest[r++]) ?? 0);
  };
  const first = waterFill(split(natural, true), split(floors, true), space - sum(split(natural, false)));
  if (first !== undefined) return merge(first, split(natural, false));
  const rest = waterFill(split(natural, false), split(floors, false), space - sum(split(floors, true)));
  if (rest === undefined) return undefined;
  const cheap = waterFill(split(natural, true), split(floors, true), space - sum(rest));
  return cheap === undefined ? undefined : merge(cheap, rest);
}

/**
 * Which columns to show and how wide, to fit `limit` cells: columns hidden in `order` while the
 * shown ones' wanted widths overflow; then the shown ones narrowed to their first floor, else their
 * second (long words in cells broken, but no word of a label, no number), hiding more in
 * `lastResort` order while even that overflows (a hidden column is named in a note; a mangled
 * number would mislead). What cannot fit that way is narrowed to the last floor, then to a character.
 */
function fitColumns(
  fits: readonly ColumnFit[],
  limit: number,
  order: readonly number[],
  lastResort: readonly number[],
): { shown: number[]; widths: number[] } {
  const hidden = new Set<number>();
  const shown = (): number[] => fits.flatMap((_, i) => (hidden.has(i) ? [] : [i]));
  const pick = <T,>(key: (fit: ColumnFit) => T): T[] => shown().map((i) => key(fits[i]!));
  const space = (): number => room(limit, shown().length);
  for (const i of order) {
    if (sum(pick((f) => f.want)) <= space()) break;
    hidden.add(i);
  }
  // The first floor, relaxed to the second one column at a time, the column with the longest words first.
  const relaxing = (): number[] | undefined => {
    const floors = pick((f) => f.floors[0]);
    const second = pick((f) => f.floors[1]);
    const order = floors.map((_, k) => k).sort((a, b) => floors[b]! - floors[a]! || b - a);
    for (const k of [-1, ...order]) {
      if (k >= 0) floors[k] = second[k]!;
      const widths = shrink(pick((f) => f.natural), floors, pick((f) => f.labelOnly), space());
      if (widths !== undefined) return widths;
    }
    return undefined;
  };
  for (;;) {
    const widths = relaxing();
    if (widths !== undefined) return { shown: shown(), widths };
    const next = lastResort.find((i) => !hidden.has(i));
    if (next === undefined) break;
    hidden.add(next);
  }
  const least = pick((f) => Math.min(f.natural, NARROWEST));
  const labelOnly = pick((f) => f.labelOnly);
  const widths = shrink(pick((f) => f.natural), pick((f) => f.floors[2]), labelOnly, space()) ?? shrink(pick((f) => f.natural), least, labelOnly, space()) ?? least;
  return { shown: shown(), widths };
}

/** The human text of a cell, safe for a terminal. */
function cellText(row: Row, column: Column): string {
  return terminalSafe(formatCell(row[column.key], cellKind(column, row), 'human'));
}

/** The colour of the value a row's significance mark speaks of: green if significantly better, red if worse. */
function painter(row: Row, sig: Significance, paint: ChalkInstance): Painter | undefined {
  const value = row[sig.column];
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const tone = markTone(row[sig.mark], sig.higherIs);
  if (tone === 'good') return (text) => paint.green(text);
  if (tone === 'bad') return (text) => paint.red(text);
  return undefined;
}

/**
 * Indexes of the columns that may be hidden, in the order they are dropped: highest priority
 * number first, the rightmost first among equals. The first column and priority-1 (or unset)
 * columns are not dropped here; with `all`, they are too (after the others), for a table that
 * does not fit even with every column narrowed.
 */
function dropOrder(columns: readonly Column[], all = false): number[] {
  const droppable: number[] = [];
  columns.forEach((c, i) => {
    if (i > 0 && (all || (c.priority ?? 1) > 1)) droppable.push(i);
  });
  const priority = (i: number): number => columns[i]?.priority ?? 1;
  return droppable.sort((a, b) => priority(b) - priority(a) || b - a);
}

/** The width a table must fit: `options.width`, or none when that is not a positive number (unknown) or with `wide`. */
function limitOf(options: RenderOptions): number {
  return !options.wide && options.width > 0 ? options.width : Number.POSITIVE_INFINITY;
}

/**
 * A `table`-layout report fitted to the width: columns hidden by priority, then text wrapped
 * inside its column (see fitColumns). Returns the hidden columns' indexes, for the note.
 */
function renderGrid(report: Report, options: RenderOptions, paint: ChalkInstance): { text: string; hidden: number[] } {
  const { columns, rows } = report;
  const head = columns.map((c) => terminalSafe(c.label));
  const texts = rows.map((row) => columns.map((c) => cellText(row, c)));
  const aligns = columns.map((c): Align => (isNumericKind(c.kind) ? 'right' : 'left'));
  const fits = columns.map((c, i) => columnFit(head[i] ?? '', texts.map((line) => line[i] ?? ''), isNumericKind(c.kind)));
  const limit = limitOf(options);
  const { shown, widths } = Number.isFinite(limit)
    ? fitColumns(fits, limit, dropOrder(columns), dropOrder(columns, true))
    : { shown: columns.map((_, i) => i), widths: fits.map((f) => f.natural) };

  const shownAligns = shown.map((i) => aligns[i] ?? 'left');
  // Only the column a significance mark speaks of is painted, and only with colour.
  const sig = options.color ? significanceOf(report) : undefined;
  const body = rows.map((row, r): DrawRow => {
    const line = texts[r] ?? [];
    return {
      texts: shown.map((i) => line[i] ?? ''),
      aligns: shownAligns,
      ...(sig === undefined ? {} : { paints: shown.map((i) => (columns[i]?.key === sig.column ? painter(row, sig, paint) : undefined)) }),
    };
  });
  const hidden = columns.flatMap((_, i) => (shown.includes(i) ? [] : [i]));
  return { text: drawTable({ texts: shown.map((i) => head[i] ?? ''), aligns: shownAligns }, body, widths), hidden };
}

/**
 * A `record`-layout report: one label/value line per column (one value column per row), values
 * wrapped to fit the width (a record hides nothing).
 */
function renderRecord(report: Report, options: RenderOptions): string {
  const labels = report.columns.map((c) => terminalSafe(c.label));
  const values = report.rows.map((row) => report.columns.map((c) => cellText(row, c)));
  const numeric = report.columns.map((c) => isNumericKind(c.kind));
  // The label column is text; a value column keeps its numbers whole, like a number column.
  const fits = [
    columnFit('', labels, false),
    ...values.map((texts) => {
      const fit = columnFit('', texts, false);
      const numbers = columnFit('', texts.filter((_, k) => numeric[k]), true);
      return { ...fit, floors: [0, 1, 2].map((k) => Math.max(fit.floors[k]!, numbers.floors[k]!)) as [number, number, number] };
    }),
  ];
  const limit = limitOf(options);
  const widths = Number.isFinite(limit) ? fitColumns(fits, limit, [], []).widths : fits.map((f) => f.natural);
  const rows = report.columns.map((_, k): DrawRow => {
    const align: Align = numeric[k] ? 'right' : 'left';
    return {
      texts: [labels[k] ?? '', ...values.map((texts) => texts[k] ?? '')],
      aligns: ['left', ...values.map(() => align)],
    };
  });
  return drawTable(null, rows, widths);
}

function renderReport(full: Report, options: RenderOptions, paint: ChalkInstance): string[] {
  const report = previewOf(full);
  // Prose (the title, notes, verdict lines) is wrapped to the width even with --wide: only columns are kept whole.
  const width = options.width > 0 ? options.width : Number.POSITIVE_INFINITY;
  const prose = (text: string): string[] => wrapParagraph(text, width);
  const lines = prose(terminalSafe(report.title)).map((line) => paint.bold(line));
  const notes = report.notes.map(terminalSafe);
  if (report.columns.length > 0) {
    if (report.layout === 'record') {
      lines.push(renderRecord(report, options));
    } else {
      const { text, hidden } = renderGrid(report, options, paint);
      lines.push(text);
      if (hidden.length > 0) {
        const labels = hidden.map((i) => terminalSafe(report.columns[i]?.label ?? ''));
        notes.push(`hidden: ${labels.join(', ')} (use --wide to show all columns)`);
      }
    }
  }
  return [...lines, ...notes.flatMap(prose)];
}

export function table(result: AuditResult, options: RenderOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  for (const report of result.reports) lines.push(...renderReport(report, options, paint), '');
  while (lines.at(-1) === '') lines.pop();
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
