/**
 * `--format html` (SPEC §7.1): one self-contained page. Inline CSS only, no script, no external
 * font, image or link, and a Content-Security-Policy that forbids loading anything, so opening
 * the file makes no network request. It reads on a laptop, printed (`@media print`) and on a
 * phone (wide tables scroll sideways inside their own box).
 *
 * Per report a `<section>`: its title, a table (numbers right-aligned; rates above or below the
 * column's `baseline` marked as in the terminal table), its notes; a `record` report (the summary)
 * as a label/value table. Two inline SVG charts: the `funnel` as bars with the stalled share of
 * each stage as its own labelled segment, and `sources` as each group's win rate with its 95%
 * interval against the overall rate. Fired alerts come first, in a box. `preview` cuts long
 * reports as in the terminal table.
 *
 * Every string that reaches the page (values, labels, titles, notes, chart text) goes through
 * `escapeHtml`; numbers in SVG attributes go through `svgNumber`, so none is ever NaN.
 */

import type { AuditResult, Cell, Column, Report, Row } from '../model.js';
import { alertText, cellKind, formatCell, isNumericKind, previewOf } from './format.js';
import type { RenderOptions } from './index.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made inert in HTML, as element content or a quoted attribute: `& < > " '` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A coordinate or length for an SVG attribute: one decimal, and 0 for anything not finite. */
function svgNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

function human(value: Cell | undefined, kind: Column['kind']): string {
  return formatCell(value, kind, 'human');
}

function finite(value: Cell | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Shortens text for a chart label (the full text stays in the group's `<title>` and the table). */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--rule:#d0d7de;--zebra:#f6f8fa;--bar:#1f5f99;--stall:#b54708;--good:#116329;--bad:#a4101e;--alert-bg:#fff4e5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:84rem;padding:1.5rem 1rem 3rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}
h1 .asof{color:var(--muted);font-weight:normal}
h2{font-size:1.2rem;margin:2.25rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--rule)}
a{color:#0b57a4}
nav ul{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}
table{border-collapse:collapse;font-size:.875rem;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .6rem;text-align:left;vertical-align:top;white-space:nowrap;border-bottom:1px solid var(--rule)}
thead th{vertical-align:bottom;white-space:normal;min-width:3.5rem;border-bottom:2px solid var(--ink)}
tbody th{font-weight:normal}
.record tbody th{font-weight:600}
tbody tr:nth-child(even){background:var(--zebra)}
.num{text-align:right}
.record tbody th.sub{font-weight:normal;padding-left:1.75rem;color:var(--muted)}
td.above{color:var(--good)}
td.below{color:var(--bad)}
.notes{color:var(--muted);font-size:.875rem;margin:.5rem 0;max-width:48rem}
ul.notes{padding-left:1.25rem}
.alerts{border:2px solid var(--stall);background:var(--alert-bg);padding:.75rem 1rem;margin:1rem 0;border-radius:4px}
.alerts h2{margin:0 0 .25rem;padding:0;border:0;font-size:1.1rem}
.alerts ul{margin:0;padding-left:1.25rem}
figure.chart{margin:.75rem 0 .5rem}
figure.chart svg{display:block;width:100%;max-width:30rem;height:auto}
figcaption.group{font-weight:600;margin-bottom:.25rem}
.caption{font-size:.8rem;color:var(--muted);margin:.25rem 0 1rem}
svg text{font-size:13px;fill:var(--ink)}
svg text.small{font-size:11px;fill:var(--muted)}
svg text.end{text-anchor:end}
svg text.middle{text-anchor:middle}
.reached{fill:var(--bar)}
.stalled{fill:var(--stall)}
.grid{stroke:var(--rule);stroke-width:1}
.ci{stroke:var(--ink);stroke-width:2}
.dot{fill:var(--bar);stroke:var(--bar);stroke-width:1.5}
.dot.hollow{fill:#fff}
.ref{stroke:var(--stall);stroke-width:1.5;stroke-dasharray:4 3}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem}
@media (max-width:40rem){body{padding:1rem .75rem 2rem;font-size:14px}h1{font-size:1.25rem}h2{font-size:1.1rem}}
@page{size:A4 landscape;margin:12mm}
@media print{
body{max-width:none;padding:0;font-size:10pt}
nav{display:none}
a{color:inherit;text-decoration:none}
.scroll{overflow:visible}
table{font-size:8pt}
th,td{padding:.15rem .35rem;white-space:normal}
tbody tr:nth-child(even),.alerts{background:none}
tr,figure.chart,.alerts{break-inside:avoid;page-break-inside:avoid}
figure.chart svg{max-width:26rem}
h2{break-after:avoid;page-break-after:avoid}
}`;

// ---------------------------------------------------------------- tables

function cell(tag: 'td' | 'th', text: string, classes: readonly string[], attributes = ''): string {
  const cls = classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  return `<${tag}${cls}${attributes}>${escapeHtml(text)}</${tag}>`;
}

/**
 * One value, formatted for people; numbers right-aligned. A rate in a column with a `baseline` is
 * marked above or below it: a class for colour and a title that says it in words.
 */
function valueCell(row: Row, column: Column, tag: 'td' | 'th' = 'td', scope = ''): string {
  const value = row[column.key];
  const classes = isNumericKind(column.kind) ? ['num'] : [];
  let title = '';
  const number = finite(value);
  if (column.kind === 'percent' && column.baseline !== undefined && Number.isFinite(column.baseline) && number !== null) {
    const overall = human(column.baseline, 'percent');
    if (number > column.baseline) {
      classes.push('above');
      title = ` title="${escapeHtml(`above the overall ${overall}`)}"`;
    } else if (number < column.baseline) {
      classes.push('below');
      title = ` title="${escapeHtml(`below the overall ${overall}`)}"`;
    }
  }
  return cell(tag, human(value, cellKind(column, row)), classes, `${scope}${title}`);
}

function gridTable(report: Report): string {
  const { columns, rows } = report;
  const head = columns.map((c) => cell('th', c.label, isNumericKind(c.kind) ? ['num'] : [], ' scope="col"'));
  const body = rows.map(
    (row) => `<tr>${columns.map((c, i) => (i === 0 ? valueCell(row, c, 'th', ' scope="row"') : valueCell(row, c))).join('')}</tr>`,
  );
  return `<div class="scroll"><table>\n<thead><tr>${head.join('')}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}

/** Label/value pairs; an indented label (the summary's "  used") is shown as a sub-line of the one above. */
function recordTable(report: Report): string {
  const { columns, rows } = report;
  const heads = rows.length === 1 ? ['Value'] : rows.map((_, i) => `#${i + 1}`);
  const head = `<thead><tr>${cell('th', 'Measure', [], ' scope="col"')}${heads.map((h) => cell('th', h, ['num'], ' scope="col"')).join('')}</tr></thead>`;
  const body = columns.map((c) => {
    const label = c.label.trim();
    const th = cell('th', label, c.label.startsWith(' ') ? ['sub'] : [], ' scope="row"');
    return `<tr>${th}${rows.map((row) => valueCell(row, c)).join('')}</tr>`;
  });
  return `<div class="scroll"><table class="record">\n${head}\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}

function notesHtml(notes: readonly string[]): string {
  if (notes.length === 0) return '';
  if (notes.length === 1) return `<p class="notes">${escapeHtml(notes[0] ?? '')}</p>`;
  return `<ul class="notes">\n${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}\n</ul>`;
}

// ---------------------------------------------------------------- charts

const CHART_WIDTH = 400;

function svgOpen(height: number, label: string): string {
  return (
    `<svg role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${CHART_WIDTH} ${svgNumber(height)}"` +
    ` width="${CHART_WIDTH}" height="${svgNumber(height)}">` +
    `<title>${escapeHtml(label)}</title>`
  );
}

function text(x: number, y: number, content: string, cls = ''): string {
  return `<text x="${svgNumber(x)}" y="${svgNumber(y)}"${cls ? ` class="${cls}"` : ''}>${escapeHtml(content)}</text>`;
}

function rect(x: number, y: number, width: number, height: number, cls: string): string {
  return `<rect class="${cls}" x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(Math.max(0, width))}" height="${svgNumber(height)}"/>`;
}

function line(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line class="${cls}" x1="${svgNumber(x1)}" y1="${svgNumber(y1)}" x2="${svgNumber(x2)}" y2="${svgNumber(y2)}"/>`;
}

/** A chart in a figure, headed by its group's name (with `--by`) when it has one. */
function figure(svg: string, heading?: string): string {
  const caption = heading === undefined ? '' : `<figcaption class="group">${escapeHtml(heading)}</figcaption>\n`;
  return `<figure class="chart">\n${caption}${svg}\n</figure>`;
}

/** Rows split by the report's first column when it is a `--by` group (not the stage itself), in order. */
function groupsOf(report: Report, ownKey: string): { name: string | null; rows: Row[] }[] {
  const first = report.columns[0];
  if (first === undefined || first.key === ownKey) return [{ name: null, rows: [...report.rows] }];
  const groups = new Map<string, Row[]>();
  for (const row of report.rows) {
    const name = human(row[first.key], first.kind);
    const list = groups.get(name);
    if (list) list.push(row);
    else groups.set(name, [row]);
  }
  return [...groups].map(([name, rows]) => ({ name, rows }));
}

/**
 * The funnel: per stage a bar as long as the leads that reached it (to one scale across `--by`
 * groups, so groups compare), the part of it that stalled drawn as its own segment at the bar's
 * end, and a label with both numbers. With `--by`, one chart per group, headed by its name.
 */
function funnelChart(report: Report): string {
  const has = (key: string): boolean => report.columns.some((c) => c.key === key);
  if (!has('stage') || !has('reached')) return '';
  const groups = groupsOf(report, 'stage').filter((group) => group.rows.length > 0).map((group) => ({
    name: group.name,
    bars: group.rows.map((row) => {
      const reached = finite(row.reached) ?? 0;
      const stalled = finite(row.stalled);
      const share = finite(row.stalled_pct) ?? (stalled !== null && reached > 0 ? stalled / reached : null);
      const name = typeof row.label === 'string' && row.label !== '' ? row.label : human(row.stage, 'text');
      return { name, reached, stalled, share };
    }),
  }));
  const max = Math.max(0, ...groups.flatMap((group) => group.bars.map((b) => b.reached)));
  const top = 26;
  const rowHeight = 44;
  const figures = groups.map((group) => {
    const { bars } = group;
    const height = top + bars.length * rowHeight + 4;
    const where = group.name === null ? '' : ` (${group.name})`;
    const label = `Funnel${where}: leads reaching each stage, and the share of them stalled there`;
    const parts = [svgOpen(height, label)];
    parts.push(
      `<desc>${escapeHtml(bars.map((b) => `${b.name}: ${human(b.reached, 'count')} reached${b.stalled === null ? '' : `, ${human(b.stalled, 'count')} stalled`}`).join('; '))}</desc>`,
    );
    parts.push(rect(0, 4, 12, 12, 'reached'), text(18, 14, 'reached', 'small'), rect(90, 4, 12, 12, 'stalled'), text(108, 14, 'stalled (open past the stage’s threshold)', 'small'));
    bars.forEach((b, i) => {
      const y = top + i * rowHeight;
      const width = max > 0 ? (b.reached / max) * CHART_WIDTH : 0;
      const shown = b.reached > 0 ? Math.max(width, 2) : 0;
      const stalledWidth = b.share !== null && b.share > 0 ? Math.max(shown * Math.min(b.share, 1), 2) : 0;
      const words = [clip(b.name, 40), `${human(b.reached, 'count')} reached`];
      if (b.stalled !== null) words.push(`${human(b.stalled, 'count')} stalled${b.share === null ? '' : ` (${human(b.share, 'percent')})`}`);
      parts.push(
        `<g class="bar"><title>${escapeHtml(words.join(' · '))}</title>`,
        text(0, y + 14, words.join(' · ')),
        rect(0, y + 20, shown, 16, 'reached'),
        stalledWidth > 0 ? rect(shown - stalledWidth, y + 20, stalledWidth, 16, 'stalled') : '',
        '</g>',
      );
    });
    parts.push('</svg>');
    const svg = parts.join('\n');
    return group.name === null ? figure(svg) : figure(svg, group.name);
  });
  if (figures.length === 0) return '';
  const scale = groups.length > 1 ? 'to one scale across groups' : 'to scale with the first';
  return `${figures.join('\n')}\n<p class="caption">Bars: leads that reached each stage, ${scale}; the part that stalled is drawn separately at the end of each bar.</p>`;
}

/** A round step for a rate axis from 0 to `max`, with at most six ticks. */
function axisStep(max: number): number {
  for (const step of [0.01, 0.02, 0.05, 0.1, 0.2, 0.25]) if (Math.ceil(max / step) <= 6) return step;
  return 0.25;
}

/** An axis tick as a short percentage: `0%`, `2.5%`, `10%`. */
function tickText(rate: number): string {
  return `${Math.round(rate * 1000) / 10}%`;
}

/**
 * Sources: per group with a win rate, a dot at the rate and a line across its 95% interval,
 * against a dashed line at the overall rate (the win_rate column's baseline). A group with too
 * few leads (`low_n`) gets a hollow dot.
 */
function sourcesChart(report: Report): string {
  const first = report.columns[0];
  const rate = report.columns.find((c) => c.key === 'win_rate');
  if (first === undefined || rate === undefined) return '';
  const lowN = report.columns.find((c) => c.key === 'low_n');
  const points = report.rows.flatMap((row) => {
    const value = finite(row.win_rate);
    if (value === null) return [];
    return [{ name: human(row[first.key], first.kind), value, low: finite(row.win_rate_low), high: finite(row.win_rate_high), few: row.low_n === true }];
  });
  if (points.length === 0) return '';
  const baseline = rate.baseline !== undefined && Number.isFinite(rate.baseline) ? rate.baseline : null;
  const max = Math.min(1, Math.max(0.01, baseline ?? 0, ...points.map((p) => Math.max(p.value, p.high ?? 0))));
  const step = axisStep(max);
  const ticks = Math.max(1, Math.ceil(max / step - 1e-9));
  const axisMax = ticks * step;
  const left = 124;
  const right = 340;
  const x = (v: number): number => left + (Math.min(Math.max(v, 0), axisMax) / axisMax) * (right - left);
  const top = 24;
  const rowHeight = 22;
  const bottom = top + points.length * rowHeight;
  const height = bottom + (baseline === null ? 8 : 22);
  const label = `Win rate by ${first.label}, with 95% intervals${baseline === null ? '' : `, against the overall ${human(baseline, 'percent')}`}`;
  const parts = [svgOpen(height, label)];
  parts.push(`<desc>${escapeHtml(points.map((p) => `${p.name}: ${human(p.value, 'percent')}`).join('; '))}</desc>`);
  for (let t = 0; t <= ticks; t++) {
    const at = x(t * step);
    parts.push(line(at, top - 6, at, bottom, 'grid'), text(at, top - 10, tickText(t * step), 'small middle'));
  }
  points.forEach((p, i) => {
    const y = top + i * rowHeight + rowHeight / 2;
    const words = `${p.name}: win rate ${human(p.value, 'percent')}${p.low !== null && p.high !== null ? `, 95% interval ${human(p.low, 'percent')}–${human(p.high, 'percent')}` : ''}${p.few && lowN ? ` (${lowN.label})` : ''}`;
    parts.push(
      `<g class="interval"><title>${escapeHtml(words)}</title>`,
      text(left - 8, y + 4, clip(p.name, 18), 'end'),
      p.low !== null && p.high !== null ? line(x(p.low), y, x(p.high), y, 'ci') : '',
      `<circle class="dot${p.few ? ' hollow' : ''}" cx="${svgNumber(x(p.value))}" cy="${svgNumber(y)}" r="4"/>`,
      text(right + 8, y + 4, human(p.value, 'percent'), 'small'),
      '</g>',
    );
  });
  if (baseline !== null) {
    const at = x(baseline);
    parts.push(line(at, top - 4, at, bottom + 4, 'ref'), text(at, bottom + 17, `overall ${human(baseline, 'percent')}`, 'small middle'));
  }
  parts.push('</svg>');
  const hollow = lowN && points.some((p) => p.few) ? ` Hollow dot: ${lowN.label}.` : '';
  const caption = `Dot: win rate; line: its 95% interval; dashed line: the overall win rate. Groups without a rate are left out.${hollow}`;
  return `${figure(parts.join('\n'))}\n<p class="caption">${escapeHtml(caption)}</p>`;
}

// ---------------------------------------------------------------- page

function sectionHtml(full: Report, id: string): string {
  const report = previewOf(full);
  const parts = [`<section id="${id}" aria-labelledby="${id}-h">`, `<h2 id="${id}-h">${escapeHtml(report.title)}</h2>`];
  if (report.name === 'funnel') parts.push(funnelChart(report));
  if (report.name === 'sources') parts.push(sourcesChart(report));
  if (report.columns.length > 0) parts.push(report.layout === 'record' ? recordTable(report) : gridTable(report));
  parts.push(notesHtml(report.notes), '</section>');
  return parts.filter((p) => p !== '').join('\n');
}

/** Section ids from report names: letters, digits and dashes only, unique. */
function sectionIds(reports: readonly Report[]): string[] {
  const seen = new Set<string>();
  return reports.map((r) => {
    const base = `report-${r.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
    seen.add(id);
    return id;
  });
}

export function html(result: AuditResult, options: RenderOptions): string {
  const ids = sectionIds(result.reports);
  const parts = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${escapeHtml(`leadaudit report — as of ${result.asOf}`)}</title>`,
    `<style>${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<header>',
    `<h1>leadaudit report <span class="asof">as of ${escapeHtml(result.asOf)}</span></h1>`,
  ];
  if (result.reports.length > 1) {
    const links = result.reports.map((r, i) => `<li><a href="#${ids[i] ?? ''}">${escapeHtml(r.title)}</a></li>`);
    parts.push(`<nav aria-label="Reports"><ul>${links.join('')}</ul></nav>`);
  }
  parts.push('</header>');
  if (result.alerts.length > 0) {
    parts.push(
      '<section class="alerts" aria-labelledby="alerts-h">',
      `<h2 id="alerts-h">${result.alerts.length === 1 ? 'Alert fired' : `${result.alerts.length} alerts fired`}</h2>`,
      `<ul>${result.alerts.map((a) => `<li>${escapeHtml(alertText(a))}</li>`).join('')}</ul>`,
      '</section>',
    );
  }
  parts.push('<main>');
  result.reports.forEach((report, i) => parts.push(sectionHtml(report, ids[i] ?? `report-${i}`)));
  parts.push(
    '</main>',
    `<footer>${escapeHtml(`${options.tool.name} ${options.tool.version} · as of ${result.asOf}`)}</footer>`,
    '</body>',
    '</html>',
  );
  return `${parts.join('\n')}\n`;
}
