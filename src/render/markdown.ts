/**
 * `--format md` (SPEC §7.1): GitHub-flavoured Markdown. A `# leadaudit report — as of …` heading,
 * then per report a `## Title`, a pipe table (numbers right-aligned) and its notes as a list; a
 * `record` report (the summary) as a two-column label/value table; the fired alerts last, under
 * `## Alerts`. Values are formatted for people by formatCell, and long reports are cut to their
 * `preview` rows, as in the terminal table.
 *
 * Every string, from the data or not, goes through `markdownText`: it cannot end a cell (`|`),
 * open HTML (`<`, `>`, `&` become entities), start emphasis, code or a link, or leave its line.
 * Notes are list items, so their first character cannot start a block either (`# - * + > =`, …).
 *
 * `result.verdict` is not printed on its own: the summary's notes carry the verdict lines.
 */

import type { AuditResult, Column, Report, Row } from '../model.js';
import { alertText, cellKind, formatCell, isNumericKind, previewOf } from './format.js';
import type { RenderOptions } from './index.js';
import { terminalSafe } from './safe.js';

/** Characters that mean something inside a line of GitHub Markdown, and their escaped forms. */
const INLINE: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\\': '\\\\',
  '|': '\\|',
  '`': '\\`',
  '*': '\\*',
  _: '\\_',
  '~': '\\~',
  '[': '\\[',
  ']': '\\]',
};
const INLINE_CHARS = /[&<>\\|`*_~[\]]/g;

/**
 * A line start that would still open a block once `markdownText` has escaped the inline
 * characters (which covers `*`, `_`, fences and `>`): a heading, a list, a setext underline.
 */
const BLOCK_START = /^[#+\-=]/;
/** An ordered-list marker (`1.` or `1)`): the punctuation is escaped, not the number. */
const ORDERED_START = /^(\d{1,9})([.)])/;

/**
 * Text fit for one line of Markdown, shown as itself: control characters removed, line breaks
 * turned into spaces, and every character that Markdown or HTML would act on escaped.
 * `a|b <i>` → `a\|b &lt;i&gt;`.
 */
export function markdownText(text: string): string {
  return terminalSafe(text).replace(INLINE_CHARS, (c) => INLINE[c] ?? c);
}

/** `markdownText` for text that starts a line (a note, a list item): it cannot open a block either. */
export function markdownLine(text: string): string {
  const escaped = markdownText(text).trimStart();
  const ordered = ORDERED_START.exec(escaped);
  if (ordered) return `${ordered[1]}\\${escaped.slice(ordered[1]!.length)}`;
  return BLOCK_START.test(escaped) ? `\\${escaped}` : escaped;
}

/** A heading's text: a line that cannot open a block, and keeps a final ` #` (ATX would drop it as a closing sequence). */
function headingText(text: string): string {
  return markdownLine(text).replace(/(\s)(#+)$/, (_, space: string, hashes: string) => `${space}${'\\#'.repeat(hashes.length)}`);
}

function cellText(row: Row, column: Column): string {
  return markdownText(formatCell(row[column.key], cellKind(column, row), 'human'));
}

function tableLine(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function alignment(numeric: boolean): string {
  return numeric ? '---:' : '---';
}

/**
 * A record label keeps its indent (the summary indents "  used" under "Lead rows read"):
 * Markdown drops leading spaces, so they become non-breaking ones.
 */
function recordLabel(label: string): string {
  const text = markdownText(label);
  const trimmed = text.trimStart();
  return `${'&nbsp;'.repeat(text.length - trimmed.length)}${trimmed}`;
}

function gridTable(report: Report): string[] {
  const { columns, rows } = report;
  return [
    tableLine(columns.map((c) => markdownText(c.label))),
    tableLine(columns.map((c) => alignment(isNumericKind(c.kind)))),
    ...rows.map((row) => tableLine(columns.map((c) => cellText(row, c)))),
  ];
}

function recordTable(report: Report): string[] {
  const { columns, rows } = report;
  const heads = rows.length === 1 ? ['Value'] : rows.map((_, i) => `#${i + 1}`);
  return [
    tableLine(['Measure', ...heads]),
    tableLine([alignment(false), ...heads.map(() => alignment(true))]),
    ...columns.map((c) => tableLine([recordLabel(c.label), ...rows.map((row) => cellText(row, c))])),
  ];
}

function renderReport(full: Report): string[] {
  const report = previewOf(full);
  const lines = [`## ${headingText(report.title)}`, ''];
  if (report.columns.length > 0) lines.push(...(report.layout === 'record' ? recordTable(report) : gridTable(report)), '');
  if (report.notes.length > 0) lines.push(...report.notes.map((note) => `- ${markdownLine(note)}`), '');
  return lines;
}

export function markdown(result: AuditResult, _options: RenderOptions): string {
  const lines = [`# leadaudit report — as of ${markdownText(result.asOf)}`, ''];
  for (const report of result.reports) lines.push(...renderReport(report));
  if (result.alerts.length > 0) {
    lines.push('## Alerts', '', ...result.alerts.map((a) => `- ${markdownLine(alertText(a))}`), '');
  }
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
