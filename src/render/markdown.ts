/**
 * `--format md`: GitHub-flavoured Markdown. A `# leadaudit report — as of …` heading,
 * then per report a `## Title`, a pipe table (numbers right-aligned) and its notes as a list; a
 * `record` report (the summary) as a two-column label/value table; the fired alerts last, under
 * `## Alerts`. Values are formatted for people by formatCell, and long reports are cut to their
 * `preview` rows, as in the terminal table.
 *
 * Every string, from the data or not, goes through `markdownText`: it cannot end a cell (`|`),
 * open HTML (`<`, `>`, `&` become entities), start emphasis, code or a link, or leave its line.
 * Notes are list items, so their first character cannot start a block either (`# - * + > =`, …).
 *
 * Under the title comes the headline (src/render/headline.ts): the verdict lines, one list item
 * each with the finding in bold, and the key figures as a table — the same words as the HTML's
 * tiles. Verdict texts are then left out of the reports' notes, so each is printed once. The
 * funnel and sources get a text bar chart (block characters in a table, `textBar`) above their
 * table. No HTML entity stands in for layout: a record's indented label is written out with the
 * label it belongs to (`Win rate: 95% interval low`).
 */

import type { AuditResult, Cell, Column, Report, Row } from '../model.js';
import { textBar } from './charts.js';
import { alertText, cellKind, formatCell, isNumericKind, previewOf } from './format.js';
import { headline, isAccounting, type Headline } from './headline.js';
import type { RenderOptions } from './types.js';
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
 * A record label: an indented one (the summary indents "  used" under "Lead rows read") is written
 * with the label above it, `Lead rows read: used`, since Markdown drops leading spaces.
 */
function recordLabels(columns: readonly Column[]): string[] {
  let parent = '';
  return columns.map((c) => {
    const label = c.label.trim();
    if (c.label.startsWith(' ') && parent !== '') return markdownText(`${parent}: ${label}`);
    parent = label;
    return markdownText(label);
  });
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
    ...recordLabels(columns).map((label, i) => tableLine([label, ...rows.map((row) => cellText(row, columns[i]!))])),
  ];
}

function human(value: Cell | undefined, kind: Column['kind']): string {
  return formatCell(value, kind, 'human');
}

function finite(value: Cell | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The funnel as text bars: leads reaching each stage (by its rubric label; with `--by`, after its group), to one scale. */
function funnelBars(report: Report): string[] {
  const first = report.columns[0];
  if (first === undefined || !report.columns.some((c) => c.key === 'stage') || !report.columns.some((c) => c.key === 'reached')) return [];
  const group = first.key === 'stage' ? undefined : first;
  const max = Math.max(0, ...report.rows.map((r) => finite(r.reached) ?? 0));
  if (max <= 0) return [];
  const rows = report.rows.map((row) => {
    const label = typeof row.label === 'string' && row.label !== '' ? row.label : human(row.stage, 'text');
    const name = group === undefined ? label : `${human(row[group.key], group.kind)} · ${label}`;
    const stalled = finite(row.stalled);
    return tableLine([markdownText(name), human(row.reached, 'count'), stalled === null ? '' : human(stalled, 'count'), textBar(finite(row.reached) ?? 0, max)]);
  });
  return [tableLine(['Stage', 'Reached', 'Stalled', 'Reached, to scale']), tableLine(['---', '---:', '---:', '---']), ...rows, ''];
}

/** Sources as text bars: each group's win rate to one scale, with its interval and Sig mark. */
function sourcesBars(report: Report): string[] {
  const first = report.columns[0];
  if (first === undefined || !report.columns.some((c) => c.key === 'win_rate')) return [];
  const rated = report.rows.filter((r) => finite(r.win_rate) !== null);
  const max = Math.max(0, ...rated.map((r) => finite(r.win_rate) ?? 0));
  if (rated.length === 0 || max <= 0) return [];
  const rows = rated.map((row) => {
    const low = finite(row.win_rate_low);
    const high = finite(row.win_rate_high);
    const interval = low !== null && high !== null ? `${human(low, 'percent')}–${human(high, 'percent')}` : '';
    const sig = typeof row.signif === 'string' ? row.signif : '';
    return tableLine([markdownText(human(row[first.key], first.kind)), human(row.win_rate, 'percent'), interval, markdownText(sig), textBar(finite(row.win_rate) ?? 0, max)]);
  });
  return [tableLine([markdownText(first.label), 'Win rate', '95% interval', 'Sig', 'Win rate, to scale']), tableLine(['---', '---:', '---:', '---', '---']), ...rows, ''];
}

function renderReport(full: Report, said: ReadonlySet<string>): string[] {
  const preview = previewOf(full);
  const report = { ...preview, notes: preview.notes.filter((n) => !said.has(n)) };
  const lines = [`## ${headingText(report.title)}`, ''];
  if (report.name === 'funnel') lines.push(...funnelBars(full));
  if (report.name === 'sources') lines.push(...sourcesBars(full));
  if (report.columns.length > 0) lines.push(...(report.layout === 'record' ? recordTable(report) : gridTable(report)), '');
  if (report.notes.length > 0) lines.push(...report.notes.map((note) => `- ${markdownLine(note)}`), '');
  return lines;
}

/** The verdicts as list items and the key figures as a table, under the title. */
function headlineLines({ verdicts, tiles, notes }: Headline): string[] {
  const lines: string[] = [];
  if (verdicts.length > 0) {
    lines.push(...verdicts.map((v) => `- **${markdownText(`${v.topic}: ${v.finding}`)}** — ${markdownText(v.text)}`), '');
  }
  if (tiles.length > 0) {
    lines.push(tableLine(['Key figure', 'Value', 'Detail']), tableLine(['---', '---:', '---']));
    lines.push(...tiles.map((t) => tableLine([markdownText(t.label), `**${markdownText(t.value)}**`, markdownText(t.sub)])), '');
  }
  if (notes.length > 0) lines.push(...notes.map((n) => `- ${markdownLine(n)}`), '');
  return lines;
}

export function markdown(result: AuditResult, _options: RenderOptions): string {
  const lines = [`# leadaudit report — as of ${markdownText(result.asOf)}`, ''];
  const top = headline(result);
  lines.push(...headlineLines(top));
  // The headline prints each verdict line and the summary's figures and notes; what is left of the
  // summary is its row accounting, printed as "Inputs".
  const said = new Set([...result.verdict.map((v) => v.text), ...top.notes]);
  for (const report of result.reports) {
    if (report.name === 'summary' && top.tiles.length > 0) {
      const inputs: Report = { ...report, title: 'Inputs', columns: report.columns.filter((c) => isAccounting(c.key)) };
      if (inputs.columns.length > 0 || inputs.notes.some((n) => !said.has(n))) lines.push(...renderReport(inputs, said));
    } else lines.push(...renderReport(report, said));
  }
  if (result.alerts.length > 0) {
    lines.push('## Alerts', '', ...result.alerts.map((a) => `- ${markdownLine(alertText(a))}`), '');
  }
  while (lines.at(-1) === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
