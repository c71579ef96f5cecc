/**
 * `--format html`: one self-contained page a sales or marketing lead reads in a minute. Inline CSS
 * only, no script, no external font, image or link, and a Content-Security-Policy that forbids
 * loading anything, so opening the file makes no network request.
 *
 * Top to bottom:
 * - fired alerts, in a box;
 * - the headline (src/render/headline.ts): the verdict lines, one each, coloured by finding, and
 *   KPI tiles (leads, win rate with its interval, won revenue with its currency, biggest leak,
 *   best and worst channel);
 * - per report a `<section>`: its title, its inline SVG charts (src/render/charts.ts: funnel and
 *   pipeline bars, sources' win rates with intervals and revenue, cohorts over time, owners), its
 *   table, its notes. The summary's figures are the headline, so it has no section of its own;
 * - "Inputs": each file's row accounting (read, used, rejected, …);
 * - a footer: input files, rubric, preset, as-of date and tool version.
 *
 * Tables show their key columns (priority up to KEY_PRIORITY, the same ranking the terminal table
 * drops columns by); the others are in the table too, hidden until the reader ticks "all columns" —
 * a checkbox and CSS, no script. Colour in tables and charts marks significance only, as a report's
 * `Sig` column says (src/render/significance.ts), never a mere difference from the average. Stages are shown
 * by their rubric labels (the funnel's `Customer`, not its key `won`) in tables and charts alike.
 *
 * Every string that reaches the page (values, labels, titles, notes, chart text) goes through
 * `escapeHtml`; charts escape their own text.
 */

import { reasonText, type AuditResult, type Cell, type Column, type FileAccounting, type Report, type Row } from '../model.js';
import { barChart, columnChart, intervalChart } from './charts.js';
import { alertText, cellKind, formatCell, isNumericKind, previewOf } from './format.js';
import { headline, moneyText, stageLabels } from './headline.js';
import type { RenderOptions } from './types.js';
import { escapeHtml } from './safe.js';
import { markTone, significanceOf, type Significance } from './significance.js';

export { escapeHtml };

/** Columns ranked up to this priority are shown; the rest wait behind the "all columns" toggle. */
export const KEY_PRIORITY = 3;

const SIG_WORDS = 'p < 0.05 against the rest, Holm-adjusted, as in the Sig column';

function human(value: Cell | undefined, kind: Column['kind']): string {
  return formatCell(value, kind, 'human');
}

function finite(value: Cell | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

const STYLE = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--rule:#d0d7de;--zebra:#f6f8fa;--bar:#3b6e9e;--part:#c4661f;--good:#116329;--good-bg:#dafbe1;--bad:#a4101e;--bad-bg:#ffebe9;--soft:#afb8c1;--alert-bg:#fff4e5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0 auto;max-width:80rem;padding:1.5rem 1rem 2rem;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}
h1 .asof{color:var(--muted);font-weight:normal}
h2{font-size:1.2rem;margin:2.25rem 0 .5rem;padding-bottom:.25rem;border-bottom:1px solid var(--rule)}
a{color:#0b57a4}
nav ul{list-style:none;padding:0;margin:.5rem 0 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem}
.verdicts{list-style:none;padding:0;margin:1rem 0}
.verdict{margin:.35rem 0;padding:.4rem .75rem;border-left:5px solid var(--soft);background:var(--zebra);max-width:64rem}
.verdict .topic{font-weight:700}
.verdict.tone-good{border-color:var(--good);background:var(--good-bg)}
.verdict.tone-bad{border-color:var(--bad);background:var(--bad-bg)}
.verdict.tone-good .finding{color:var(--good)}
.verdict.tone-bad .finding{color:var(--bad)}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.75rem;margin:1rem 0;padding:0}
.kpi{border:1px solid var(--rule);border-radius:6px;padding:.6rem .8rem;margin:0;min-width:0}
.kpi dt{font-size:.8rem;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.kpi dd{margin:0}
.kpi .value{display:block;font-size:1.45rem;font-weight:700;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
.kpi .sub{display:block;font-size:.8rem;color:var(--muted)}
.kpi.tone-good{border-color:var(--good)}
.kpi.tone-good .value{color:var(--good)}
.kpi.tone-bad{border-color:var(--bad)}
.kpi.tone-bad .value{color:var(--bad)}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0}
table{border-collapse:collapse;font-size:.875rem;font-variant-numeric:tabular-nums}
th,td{padding:.3rem .55rem;text-align:left;vertical-align:top;white-space:nowrap;border-bottom:1px solid var(--rule)}
td.wrap,th.wrap{white-space:normal;min-width:8rem;max-width:16rem}
thead th{vertical-align:bottom;white-space:normal;min-width:3rem;border-bottom:2px solid var(--ink)}
tbody th{font-weight:normal}
tbody tr:nth-child(even){background:var(--zebra)}
.num{text-align:right}
td.tone-good{color:var(--good);font-weight:600}
td.tone-bad{color:var(--bad);font-weight:600}
input.toggle{margin:.25rem .35rem 0 0;vertical-align:middle}
label.toggle{font-size:.85rem;color:var(--muted);cursor:pointer}
input.toggle:not(:checked)~.scroll .extra{display:none}
.notes{color:var(--muted);font-size:.875rem;margin:.5rem 0;max-width:56rem}
ul.notes{padding-left:1.25rem}
.alerts{border:2px solid var(--part);background:var(--alert-bg);padding:.75rem 1rem;margin:1rem 0;border-radius:4px}
.alerts h2{margin:0 0 .25rem;padding:0;border:0;font-size:1.1rem}
.alerts ul{margin:0;padding-left:1.25rem}
figure.chart{margin:.75rem 0 .5rem}
figure.chart svg{display:block;width:100%;max-width:40rem;height:auto}
figcaption{font-weight:600;margin-bottom:.25rem;font-size:.9rem}
.caption{font-size:.8rem;color:var(--muted);margin:.25rem 0 1rem;max-width:40rem}
svg text{font-size:13px;fill:var(--ink)}
svg text.small{font-size:11px;fill:var(--muted)}
svg text.end{text-anchor:end}
svg text.middle{text-anchor:middle}
svg .value,svg .swatch{fill:var(--bar)}
svg .part{fill:var(--part)}
svg .tone-good .value,svg .swatch.tone-good{fill:var(--good)}
svg .tone-bad .value,svg .swatch.tone-bad{fill:var(--bad)}
svg .tone-muted .value,svg .swatch.tone-muted{fill:var(--soft)}
.grid{stroke:var(--rule);stroke-width:1}
.ci{stroke:var(--muted);stroke-width:2}
.dot{fill:var(--bar);stroke:var(--bar);stroke-width:1.5}
.tone-good .dot{fill:var(--good);stroke:var(--good)}
.tone-bad .dot{fill:var(--bad);stroke:var(--bad)}
.tone-good .ci{stroke:var(--good)}
.tone-bad .ci{stroke:var(--bad)}
.dot.hollow{fill:#fff}
.ref{stroke:var(--part);stroke-width:1.5;stroke-dasharray:4 3}
.inputs table{margin-top:.25rem}
footer{margin-top:2rem;padding-top:.5rem;border-top:1px solid var(--rule);color:var(--muted);font-size:.8rem}
footer p{margin:.15rem 0}
@media (max-width:40rem){body{padding:1rem .75rem 2rem;font-size:14px}h1{font-size:1.25rem}h2{font-size:1.1rem}.kpis{grid-template-columns:1fr 1fr}.kpi .value{font-size:1.15rem}}
@page{size:A4 landscape;margin:12mm}
@media print{
html,body{height:auto}
body{max-width:none;padding:0;font-size:10pt}
nav,input.toggle,label.toggle{display:none}
a{color:inherit;text-decoration:none}
.scroll{overflow:visible}
table{font-size:8pt}
thead{display:table-header-group}
th,td{padding:.15rem .35rem;white-space:normal}
tbody tr:nth-child(even),.alerts,.verdict{background:none}
tr,figure.chart,.alerts,.verdict,.kpi,.headline{break-inside:avoid;page-break-inside:avoid}
figure.chart svg{max-width:30rem}
h2{break-after:avoid;page-break-after:avoid;margin-top:1.25rem}
.end{break-inside:avoid;page-break-inside:avoid}
footer{break-before:avoid;page-break-before:avoid;margin-top:.75rem}
}`;

// ---------------------------------------------------------------- tables

function cell(tag: 'td' | 'th', text: string, classes: readonly string[], attributes = ''): string {
  const cls = classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  return `<${tag}${cls}${attributes}>${escapeHtml(text)}</${tag}>`;
}

function isKey(column: Column, index: number): boolean {
  return index === 0 || column.priority === undefined || column.priority <= KEY_PRIORITY;
}

/**
 * One value, formatted for people; numbers right-aligned. The column a significance mark speaks of
 * (and the mark itself) is coloured good or bad when the row's mark is `+` or `-`, with a title that
 * says it in words; a rate with a `baseline` says in its title how it stands against the overall.
 */
function valueCell(row: Row, column: Column, sig: Significance | undefined, extra: boolean, tag: 'td' | 'th' = 'td', scope = ''): string {
  const value = row[column.key];
  const classes = isNumericKind(column.kind) ? ['num'] : [];
  if (extra) classes.push('extra');
  const titles: string[] = [];
  const number = finite(value);
  if (column.kind === 'percent' && column.baseline !== undefined && Number.isFinite(column.baseline) && number !== null && number !== column.baseline) {
    titles.push(`${number > column.baseline ? 'above' : 'below'} the overall ${human(column.baseline, 'percent')}`);
  }
  if (sig && (column.key === sig.column || column.key === sig.mark)) {
    const tone = markTone(row[sig.mark], sig.higherIs);
    if (tone !== 'neutral') {
      classes.push(`tone-${tone}`);
      titles.push(`significantly ${row[sig.mark] === '+' ? 'higher' : 'lower'}: ${SIG_WORDS}`);
    }
  }
  const title = titles.length > 0 ? ` title="${escapeHtml(titles.join('; '))}"` : '';
  return cell(tag, human(value, cellKind(column, row)), classes, `${scope}${title}`);
}

function gridTable(report: Report, id: string): string {
  const { columns, rows } = report;
  const key = columns.map((c, i) => isKey(c, i));
  const extras = key.filter((k) => !k).length;
  const head = columns.map((c, i) => cell('th', c.label, [...(isNumericKind(c.kind) ? ['num'] : []), ...(key[i] ? [] : ['extra'])], ' scope="col"'));
  const sig = significanceOf(report);
  const body = rows.map(
    (row) => `<tr>${columns.map((c, i) => (i === 0 ? valueCell(row, c, sig, false, 'th', ' scope="row"') : valueCell(row, c, sig, !key[i]))).join('')}</tr>`,
  );
  const table = `<div class="scroll"><table>\n<thead><tr>${head.join('')}</tr></thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
  if (extras === 0) return table;
  const toggle = `<input type="checkbox" class="toggle" id="${id}-all"><label class="toggle" for="${id}-all">Show all ${columns.length} columns (${extras} more)</label>`;
  return `<div class="table">\n${toggle}\n${table}\n</div>`;
}

/** Label/value pairs (a `record` report other than the summary); an indented label is a sub-line of the one above. */
function recordTable(report: Report): string {
  const { columns, rows } = report;
  const heads = rows.length === 1 ? ['Value'] : rows.map((_, i) => `#${i + 1}`);
  const head = `<thead><tr>${cell('th', 'Measure', [], ' scope="col"')}${heads.map((h) => cell('th', h, ['num'], ' scope="col"')).join('')}</tr></thead>`;
  const body = columns.map((c) => {
    const th = cell('th', c.label.trim(), [], ' scope="row"');
    return `<tr>${th}${rows.map((row) => valueCell(row, c, undefined, false)).join('')}</tr>`;
  });
  return `<div class="scroll"><table class="record">\n${head}\n<tbody>\n${body.join('\n')}\n</tbody>\n</table></div>`;
}

function notesHtml(notes: readonly string[]): string {
  if (notes.length === 0) return '';
  if (notes.length === 1) return `<p class="notes">${escapeHtml(notes[0] ?? '')}</p>`;
  return `<ul class="notes">\n${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('\n')}\n</ul>`;
}

// ---------------------------------------------------------------- labels

/**
 * A report with stages named by their rubric labels: the funnel's Stage column shows the label and
 * its Label column becomes the key (`Key`, an extra column); a lead row of stalls shows its stage's label.
 */
function labelled(report: Report, labels: ReadonlyMap<string, string>): Report {
  if (report.name === 'funnel' && report.columns.some((c) => c.key === 'label') && report.columns.some((c) => c.key === 'stage')) {
    return {
      ...report,
      columns: report.columns.map((c) => (c.key === 'label' ? { ...c, label: 'Key', priority: Math.max(c.priority ?? 0, KEY_PRIORITY + 1) } : c)),
      rows: report.rows.map((row) => ({ ...row, stage: typeof row.label === 'string' && row.label !== '' ? row.label : (row.stage ?? null), label: row.stage ?? null })),
    };
  }
  if (report.name === 'stalls' && labels.size > 0) {
    return { ...report, rows: report.rows.map((row) => (row.kind === 'lead' && typeof row.stage === 'string' && labels.has(row.stage) ? { ...row, stage: labels.get(row.stage)! } : row)) };
  }
  return report;
}

// ---------------------------------------------------------------- charts

/** A chart in a figure, with its caption. */
function figure(svg: string, heading: string, caption = ''): string {
  const words = caption === '' ? '' : `\n<p class="caption">${escapeHtml(caption)}</p>`;
  const head = heading === '' ? '' : `<figcaption>${escapeHtml(heading)}</figcaption>\n`;
  return `<figure class="chart">\n${head}${svg}\n</figure>${words}`;
}

/** Rows split by the report's first column when it is a `--by` group (not `ownKey` itself), in order. */
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
 * The funnel or the deal pipeline: per stage a bar as long as the leads (deals) that reached it, on
 * one scale across `--by` groups, the stalled part drawn as its own segment at the bar's end.
 */
function stagesChart(report: Report, what: 'leads' | 'deals'): string {
  const has = (key: string): boolean => report.columns.some((c) => c.key === key);
  if (!has('stage') || !has('reached')) return '';
  const groups = groupsOf(report, 'stage').filter((g) => g.rows.length > 0);
  const max = Math.max(0, ...report.rows.map((row) => finite(row.reached) ?? 0));
  const legend = [
    { cls: 'swatch', text: `${what} that reached the stage` },
    { cls: 'part', text: 'stalled there (open past its threshold)' },
  ];
  const title = report.name === 'pipeline' ? 'Deal pipeline' : 'Funnel';
  return groups
    .map((group) => {
      const bars = group.rows.map((row) => {
        const reached = finite(row.reached) ?? 0;
        const stalled = finite(row.stalled);
        const share = finite(row.stalled_pct);
        const name = human(row.stage, 'text');
        const text = `${human(reached, 'count')}${stalled !== null && stalled > 0 ? ` · ${human(stalled, 'count')} stalled${share === null ? '' : ` (${human(share, 'percent')})`}` : ''}`;
        return { name, value: reached, text, part: stalled ?? undefined, title: `${name}: ${human(reached, 'count')} ${what} reached${stalled === null ? '' : `, ${human(stalled, 'count')} stalled`}` };
      });
      const where = group.name === null ? '' : ` — ${group.name}`;
      const svg = barChart({ label: `${title}${where}: ${what} reaching each stage, and those stalled there`, bars, max, legend });
      // One chart needs no heading under its section's; a --by group's chart is headed by the group.
      return figure(svg, group.name ?? '');
    })
    .join('\n');
}

/** Sources: win rate per group with its 95% interval (coloured by Sig), then won revenue per group. */
function sourcesCharts(report: Report, result: AuditResult): string {
  const first = report.columns[0];
  const rate = report.columns.find((c) => c.key === 'win_rate');
  if (first === undefined || rate === undefined) return '';
  const sig = significanceOf(report);
  const lowN = report.columns.find((c) => c.key === 'low_n');
  const named = report.rows.map((row) => ({ row, name: human(row[first.key], first.kind) }));
  const points = named.flatMap(({ row, name }) => {
    const value = finite(row.win_rate);
    if (value === null) return [];
    const low = finite(row.win_rate_low);
    const high = finite(row.win_rate_high);
    const tone = sig ? markTone(row[sig.mark], sig.higherIs) : 'neutral';
    const interval = low !== null && high !== null ? `, 95% interval ${human(low, 'percent')}–${human(high, 'percent')}` : '';
    const words = `${name}: win rate ${human(value, 'percent')}${interval}${tone === 'neutral' ? '' : `, significantly ${tone === 'good' ? 'higher' : 'lower'} than the rest`}${row.low_n === true && lowN ? ` (${lowN.label})` : ''}`;
    return [{ name, value, low, high, text: human(value, 'percent'), tone, hollow: row.low_n === true, title: words }];
  });
  const parts: string[] = [];
  if (points.length > 0) {
    const baseline = rate.baseline !== undefined && Number.isFinite(rate.baseline) ? rate.baseline : null;
    const svg = intervalChart({
      label: `Win rate by ${first.label}, with 95% intervals${baseline === null ? '' : `, against the overall ${human(baseline, 'percent')}`}`,
      points,
      reference: baseline === null ? undefined : { value: baseline, text: `overall ${human(baseline, 'percent')}` },
      tick: (v) => `${Math.round(v * 1000) / 10}%`,
    });
    const hollow = lowN && points.some((p) => p.hollow) ? ` Hollow dot: ${lowN.label}.` : '';
    parts.push(
      figure(
        svg,
        `Win rate by ${first.label}`,
        `Dot: win rate; whiskers: its 95% interval; dashed line: the overall win rate. Green or red: significantly higher or lower (${SIG_WORDS}); other groups are blue. Groups without a rate are left out.${hollow}`,
      ),
    );
  }
  if (report.columns.some((c) => c.key === 'won_revenue')) {
    const bars = named.flatMap(({ row, name }) => {
      const value = finite(row.won_revenue);
      return value === null ? [] : [{ name, value, text: moneyText(value, result) }];
    });
    if (bars.some((b) => b.value > 0)) {
      parts.push(figure(barChart({ label: `Won revenue by ${first.label}`, bars }), `Won revenue by ${first.label}`));
    }
  }
  return parts.join('\n');
}

/** Cohorts: the win rate of each month's leads, months still closing drawn lighter. */
function cohortsChart(report: Report): string {
  const first = report.columns[0];
  if (first === undefined || !report.columns.some((c) => c.key === 'win_rate')) return '';
  const points = report.rows.flatMap((row) => {
    const value = finite(row.win_rate);
    if (value === null) return [];
    const name = human(row[first.key], first.kind);
    const young = row.mature === false;
    const text = human(value, 'percent');
    return [{ name, value, text, tone: young ? ('muted' as const) : ('neutral' as const), title: `${name}: win rate ${text} of ${human(row.leads, 'count')} leads${young ? ' (still closing)' : ''}` }];
  });
  if (points.length === 0) return '';
  const legend = report.rows.some((r) => r.mature === false)
    ? [
        { cls: 'swatch', text: 'mature' },
        { cls: 'swatch tone-muted', text: 'still closing (rates will rise)' },
      ]
    : undefined;
  const svg = columnChart({ label: `Win rate by ${first.label}`, points, tick: (v) => `${Math.round(v * 1000) / 10}%`, legend });
  return figure(svg, `Win rate by ${first.label}`);
}

/** Owners: the measure the Sig column tests, per owner, coloured by its mark. */
function ownersChart(report: Report): string {
  const first = report.columns[0];
  const sig = significanceOf(report);
  const measure = report.columns.find((c) => c.key === sig?.column);
  if (first === undefined || sig === undefined || measure === undefined) return '';
  const bars = report.rows.flatMap((row) => {
    const value = finite(row[measure.key]);
    if (value === null) return [];
    const name = human(row[first.key], first.kind);
    const tone = markTone(row[sig.mark], sig.higherIs);
    const text = human(value, measure.kind);
    return [{ name, value, text, tone, title: `${name}: ${measure.label} ${text}${tone === 'neutral' ? '' : `, significantly ${row[sig.mark] === '+' ? 'more' : 'less'} than the other owners`}` }];
  });
  if (bars.length === 0) return '';
  const heading = `${measure.label} by ${first.label}`;
  return figure(barChart({ label: heading, bars }), heading, `Green or red: significantly higher or lower (${SIG_WORDS}); other owners are blue.`);
}

function chartsOf(report: Report, result: AuditResult): string {
  switch (report.name) {
    case 'funnel':
      return stagesChart(report, 'leads');
    case 'pipeline':
      return stagesChart(report, 'deals');
    case 'sources':
      return sourcesCharts(report, result);
    case 'cohorts':
      return cohortsChart(report);
    case 'owners':
      return ownersChart(report);
    default:
      return '';
  }
}

// ---------------------------------------------------------------- page

function sectionHtml(full: Report, id: string, result: AuditResult, labels: ReadonlyMap<string, string>): string {
  // The verdict lines are the headline; a report that repeats them in its notes (matrix) does not here.
  const said = new Set(result.verdict.map((v) => v.text));
  const named = labelled(full, labels);
  const shown = previewOf(named);
  const report = { ...shown, notes: shown.notes.filter((n) => !said.has(n)) };
  const parts = [`<section id="${id}" aria-labelledby="${id}-h">`, `<h2 id="${id}-h">${escapeHtml(report.title)}</h2>`];
  // Charts see every row (a preview cuts only the table).
  parts.push(chartsOf(named, result));
  if (report.columns.length > 0) parts.push(report.layout === 'record' ? recordTable(report) : gridTable(report, id));
  parts.push(notesHtml(report.notes), '</section>');
  return parts.filter((p) => p !== '').join('\n');
}

/** Section ids from report names: letters, digits and dashes only, unique. */
function sectionIds(reports: readonly Report[]): string[] {
  const seen = new Set<string>(['headline', 'inputs']);
  return reports.map((r) => {
    const base = `report-${r.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
    seen.add(id);
    return id;
  });
}

function headlineHtml(result: AuditResult): string {
  const { verdicts, tiles, notes } = headline(result);
  if (verdicts.length === 0 && tiles.length === 0) return '';
  const parts = ['<section class="headline" id="headline" aria-label="Headline">'];
  if (verdicts.length > 0) {
    parts.push('<ul class="verdicts">');
    for (const v of verdicts) {
      parts.push(
        `<li class="verdict tone-${v.tone}" data-finding="${escapeHtml(v.finding)}"><span class="topic">${escapeHtml(v.topic)}:</span> <span class="finding">${escapeHtml(v.finding)}</span> — <span class="text">${escapeHtml(v.text)}</span></li>`,
      );
    }
    parts.push('</ul>');
  }
  if (tiles.length > 0) {
    parts.push('<dl class="kpis">');
    for (const t of tiles) {
      const sub = t.sub === '' ? '' : `<span class="sub">${escapeHtml(t.sub)}</span>`;
      parts.push(`<div class="kpi tone-${t.tone}" data-key="${escapeHtml(t.key)}"><dt>${escapeHtml(t.label)}</dt><dd><span class="value">${escapeHtml(t.value)}</span>${sub}</dd></div>`);
    }
    parts.push('</dl>');
  }
  parts.push(notesHtml(notes), '</section>');
  return parts.filter((p) => p !== '').join('\n');
}

/** Each input file's row accounting, below the reports. */
function inputsHtml(result: AuditResult): string {
  const files: [string, FileAccounting][] = [];
  if (result.inputs.leads) files.push(['Leads', result.inputs.leads]);
  if (result.inputs.deals) files.push(['Deals', result.inputs.deals]);
  if (files.length === 0) return '';
  const counts = (a: FileAccounting): (number | null | undefined)[] => [a.read, a.used, a.rejected, a.skipped, a.duplicates, a.attributed, a.unattributed];
  const heads = ['File', 'Path', 'Rows read', 'Used', 'Rejected', 'Skipped', 'Duplicates', 'Attributed', 'Unattributed', 'Why not used'];
  const rows = files.map(([what, a]) => {
    const reasons = Object.entries(a.reasons)
      .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
      .map(([r, n]) => `${human(n, 'count')} ${reasonText(r)}`)
      .join(', ');
    return (
      `<tr>${cell('th', what, [], ' scope="row"')}${cell('td', `${a.file} (${a.encoding}, delimiter ${a.delimiter === '\t' ? 'tab' : `"${a.delimiter}"`})`, ['wrap'])}` +
      `${counts(a)
        .map((n) => cell('td', human(n ?? null, 'count'), ['num']))
        .join('')}${cell('td', reasons === '' ? '—' : reasons, ['wrap'])}</tr>`
    );
  });
  return [
    '<section class="inputs" id="inputs" aria-labelledby="inputs-h">',
    '<h2 id="inputs-h">Inputs</h2>',
    `<div class="scroll"><table>\n<thead><tr>${heads.map((h, i) => cell('th', h, i >= 2 && i <= 8 ? ['num'] : [], ' scope="col"')).join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`,
    '</section>',
  ].join('\n');
}

function footerHtml(result: AuditResult, options: RenderOptions): string {
  const files = [result.inputs.leads?.file, result.inputs.deals?.file].filter((f): f is string => f !== undefined);
  // A result made from saved runs (`diff`) has no input files or rubric of its own: those lines are left out.
  const lines = [
    ...(files.length > 0 ? [`Inputs: ${[...files, ...(result.run?.spend ? [`${result.run.spend} (spend)`] : [])].join(', ')}`] : []),
    ...(result.run ? [`Rubric: ${result.run.rubric ?? 'none (the preset alone)'} · preset: ${result.run.preset}`] : []),
    `As of ${result.asOf} · made by ${options.tool.name} ${options.tool.version}`,
  ];
  return `<footer>\n${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n')}\n</footer>`;
}

export function html(result: AuditResult, options: RenderOptions): string {
  const labels = stageLabels(result);
  const top = headlineHtml(result);
  // The summary's figures are the headline's tiles and its row counts are "Inputs": no section of its own.
  const shown = result.reports.filter((r) => !(r.name === 'summary' && top !== ''));
  const ids = sectionIds(shown);
  const inputs = inputsHtml(result);
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
  const links = shown.map((r, i) => `<li><a href="#${ids[i] ?? ''}">${escapeHtml(r.title)}</a></li>`);
  if (inputs !== '') links.push('<li><a href="#inputs">Inputs</a></li>');
  if (links.length > 1) parts.push(`<nav aria-label="Reports"><ul>${links.join('')}</ul></nav>`);
  parts.push('</header>');
  if (result.alerts.length > 0) {
    parts.push(
      '<section class="alerts" aria-labelledby="alerts-h">',
      `<h2 id="alerts-h">${result.alerts.length === 1 ? 'Alert fired' : `${result.alerts.length} alerts fired`}</h2>`,
      `<ul>${result.alerts.map((a) => `<li>${escapeHtml(alertText(a))}</li>`).join('')}</ul>`,
      '</section>',
    );
  }
  if (top !== '') parts.push(top);
  parts.push('<main>');
  shown.forEach((report, i) => parts.push(sectionHtml(report, ids[i] ?? `report-${i}`, result, labels)));
  parts.push('</main>');
  // Inputs and the footer in one block that is not split when printed: the footer never gets a page of its own.
  parts.push('<div class="end">');
  if (inputs !== '') parts.push(inputs);
  parts.push(footerHtml(result, options), '</div>', '</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
