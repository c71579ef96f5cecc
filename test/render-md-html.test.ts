/**
 * The people formats that leave the terminal: `md` (GitHub Markdown) and `html` (one self-contained
 * page with inline SVG charts). Results are built inline; whole outputs of the hand-built audit are
 * pinned under test/golden/render/ (update with `npx vitest run test/render-md-html.test.ts -u`,
 * then read the git diff).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditResult, Column, FiredAlert, Report, Row } from '../src/model.js';
import { escapeHtml } from '../src/render/html.js';
import { joined, renderers as load, type Renderer, type RenderOptions } from '../src/render/index.js';
import { markdownLine, markdownText } from '../src/render/markdown.js';

/** The renderers, loaded through the registry the CLI uses (each is loaded on demand). */
const text = (render: Renderer) => (result: AuditResult, options: RenderOptions) => joined(render(result, options));
const renderers = { md: text(await load.md()), html: text(await load.html()) };

const options: RenderOptions = { color: false, width: 80, wide: false, tool: { name: 'leadaudit', version: '9.9.9' } };

const SCRIPT = '<script>alert(1)</script>';
const FORMULA = '=HYPERLINK("http://x","y")';

function result(reports: Report[], extra: Partial<AuditResult> = {}): AuditResult {
  return { asOf: '2024-06-30', inputs: { leads: null, deals: null }, reports, verdict: [], alerts: [], ...extra };
}

function report(name: string, columns: Column[], rows: Row[], more: Partial<Report> = {}): Report {
  return { name, title: `${name} title`, columns, rows, notes: [], ...more };
}

const VERDICT = 'No sales gap shown: 3 qualified leads stalled in sales stages.';

function summary(): Report {
  return report(
    'summary',
    [
      { key: 'leads', label: 'Leads', kind: 'count' },
      { key: 'win_rate', label: 'Win rate', kind: 'percent' },
      { key: 'win_rate_low', label: '  95% interval low', kind: 'percent' },
      { key: 'won_revenue', label: 'Won revenue', kind: 'money' },
      { key: 'best_channel', label: 'Best channel', kind: 'text' },
    ],
    [{ leads: 1200, win_rate: 0.1234, win_rate_low: 0.101, won_revenue: 1234567.891, best_channel: 'Paid | search' }],
    { title: 'Summary', layout: 'record', notes: [VERDICT] },
  );
}

function funnel(rows: Row[] = FUNNEL_ROWS): Report {
  return report(
    'funnel',
    [
      { key: 'stage', label: 'Stage', kind: 'text' },
      { key: 'label', label: 'Label', kind: 'text' },
      { key: 'reached', label: 'Reached', kind: 'count' },
      { key: 'stalled', label: 'Stalled', kind: 'count' },
      { key: 'stalled_pct', label: 'Stalled %', kind: 'percent' },
      { key: 'conversion', label: 'Conversion', kind: 'percent' },
    ],
    rows,
    { title: 'Funnel', notes: ['# not a heading', '- not a list', '1. not a list either'] },
  );
}

const FUNNEL_ROWS: Row[] = [
  { stage: 'lead', label: 'Lead', reached: 600, stalled: 100, stalled_pct: 100 / 600, conversion: 0.55 },
  { stage: 'mql', label: 'MQL', reached: 330, stalled: 47, stalled_pct: 47 / 330, conversion: 0.55 },
  { stage: 'sql', label: 'SQL', reached: 180, stalled: 0, stalled_pct: 0, conversion: 0.34 },
  { stage: 'won', label: 'Customer', reached: 62, stalled: null, stalled_pct: null, conversion: null },
];

function sources(channels: [string, number | null, number | null, number | null][] = SOURCE_ROWS, baseline = 0.1): Report {
  return report(
    'sources',
    [
      { key: 'channel', label: 'Channel', kind: 'text', fromInput: true },
      { key: 'leads', label: 'Leads', kind: 'count' },
      { key: 'win_rate', label: 'Win rate', kind: 'percent', baseline },
      { key: 'win_rate_low', label: 'Win low', kind: 'percent' },
      { key: 'win_rate_high', label: 'Win high', kind: 'percent' },
      { key: 'low_n', label: 'n<30', kind: 'flag' },
    ],
    channels.map(([channel, win_rate, win_rate_low, win_rate_high], i) => ({ channel, leads: 100 - i, win_rate, win_rate_low, win_rate_high, low_n: i === 2 })),
    { title: 'Sources by Channel', notes: ['n<30: fewer than 30 leads & read with care.'] },
  );
}

const SOURCE_ROWS: [string, number | null, number | null, number | null][] = [
  ['Paid search', 0.2, 0.15, 0.26],
  [SCRIPT, 0.05, 0.02, 0.11],
  [FORMULA, 0, 0, 0.4],
  ['(unattributed)', null, null, null],
];

function stalls(count: number, name = 'Ada Lovelace'): Report {
  return report(
    'stalls',
    [
      { key: 'lead_id', label: 'Lead', kind: 'text', fromInput: true },
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'days_over', label: 'Days over', kind: 'days' },
    ],
    Array.from({ length: count }, (_, i) => ({ lead_id: `L${i + 1}`, name: i === 0 ? name : `Lead ${i + 1}`, days_over: 100 - i })),
    { title: 'Stalled leads and deals', preview: { rows: 3, more: '`leadaudit stalls` lists them all' } },
  );
}

/** Any string, and strings made of the characters that mean something in Markdown or HTML. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('|', '\\', '<', '>', '&', '"', "'", '`', '*', '_', '#', '-', '=', '[', ']', '\n', '\r', '\t', ' ', 'a', '1', '.') }),
  fc.constantFrom(SCRIPT, FORMULA, '"><svg onload=alert(1)>', "'", '&lt;', '</title><script>', 'a\\|b', '\\'),
);

const ALERT: FiredAlert = { rule: 'sources.win_rate<0.1', report: 'sources', row: FORMULA, metric: 'win_rate', value: 0.05, op: '<', threshold: 0.1 };

function audit(extra: Partial<AuditResult> = {}): AuditResult {
  return result([summary(), funnel(), sources(), stalls(5, SCRIPT)], { verdict: [{ topic: 'sales gap', finding: 'no gap', rules: [], names: [], numbers: { handoffs: 40, stalled: 3 }, text: VERDICT }], ...extra });
}

/** The cells of one Markdown table line, split on pipes that are not backslash-escaped. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      cell += c + (line[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  out.push(cell.trim());
  return out.slice(1, -1);
}

/** The Markdown table lines under a `## title` heading. */
function mdTable(md: string, title: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(`## ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const table: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    table.push(line);
  }
  return table;
}

describe('md', () => {
  const md = renderers.md(audit(), options);

  it('is pinned as a whole', async () => {
    await expect(md).toMatchFileSnapshot('golden/render/audit.md');
  });

  it('opens with the as-of heading and gives each report a heading, a pipe table and its notes', () => {
    expect(md.startsWith('# leadaudit report — as of 2024-06-30\n\n## Summary\n')).toBe(true);
    expect(md.endsWith('\n')).toBe(true);
    expect(md).not.toMatch(/\n\n\n/);
    const table = mdTable(md, 'Funnel');
    expect(table).toHaveLength(2 + FUNNEL_ROWS.length);
    expect(cells(table[0]!)).toEqual(['Stage', 'Label', 'Reached', 'Stalled', 'Stalled %', 'Conversion']);
    // Numbers right-aligned, text left.
    expect(cells(table[1]!)).toEqual(['---', '---', '---:', '---:', '---:', '---:']);
    expect(cells(table[2]!)).toEqual(['lead', 'Lead', '600', '100', '16.7%', '55.0%']);
    expect(cells(table[5]!)).toEqual(['won', 'Customer', '62', '—', '—', '—']);
  });

  it('escapes pipes, HTML and line breaks in cells, so every row keeps its cells and the text stays text', () => {
    const table = mdTable(md, 'Sources by Channel');
    for (const line of table) expect(cells(line)).toHaveLength(6);
    expect(cells(table[3]!)[0]).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(cells(table[4]!)[0]).toBe('=HYPERLINK("http://x","y")');
    expect(cells(mdTable(md, 'Summary').at(-1)!)).toEqual(['Best channel', 'Paid \\| search']);
    expect(md).not.toContain('<');
    expect(markdownText('a\nb\r\nc\td')).toBe('a b c d');
    expect(markdownText('*x* _y_ `z` [l](u) ~~s~~ \\ &amp;')).toBe('\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~\\~s\\~\\~ \\\\ &amp;amp;');
  });

  it('keeps a note from starting a heading, list or quote', () => {
    expect(md).toContain('- \\# not a heading\n- \\- not a list\n- 1\\. not a list either\n');
    expect(markdownLine('> quoted')).toBe('&gt; quoted');
    expect(markdownLine('=HYPERLINK("x")')).toBe('\\=HYPERLINK("x")');
    expect(markdownLine('  + plus')).toBe('\\+ plus');
    expect(markdownLine('*bold*')).toBe('\\*bold\\*');
    expect(markdownLine('plain - text')).toBe('plain - text');
  });

  it('prints a record report as a label/value table, indented labels kept', () => {
    expect(mdTable(md, 'Summary')).toEqual([
      '| Measure | Value |',
      '| --- | ---: |',
      '| Leads | 1,200 |',
      '| Win rate | 12.3% |',
      '| &nbsp;&nbsp;95% interval low | 10.1% |',
      '| Won revenue | 1,234,568 |',
      '| Best channel | Paid \\| search |',
    ]);
  });

  it('cuts a previewed report to its first rows and says how many more', () => {
    const table = mdTable(md, 'Stalled leads and deals');
    expect(table).toHaveLength(2 + 3);
    expect(md).toContain('- … and 2 more (\\`leadaudit stalls\\` lists them all).');
    const short = renderers.md(result([stalls(3)]), options);
    expect(mdTable(short, 'Stalled leads and deals')).toHaveLength(5);
    expect(short).not.toContain('more');
  });

  it('prints the verdict once (the summary carries it) and the fired alerts last', () => {
    expect(md.split(VERDICT)).toHaveLength(2);
    expect(md).not.toContain('## Alerts');
    const alerted = renderers.md(audit({ alerts: [ALERT] }), options);
    expect(alerted.endsWith('## Alerts\n\n- sources.win\\_rate&lt;0.1 fired for =HYPERLINK("http://x","y") (value 0.05)\n')).toBe(true);
  });

  it('keeps any string from the data inside its cell, on its line, without HTML', () => {
    const baseline = renderers.md(result([sources([['x', 0.1, 0, 0.2]])]), options);
    fc.assert(
      fc.property(anyText, (text) => {
        const out = renderers.md(result([sources([[text, 0.1, 0, 0.2]])]), options);
        expect(out).not.toContain('<');
        expect(out.split('\n')).toHaveLength(baseline.split('\n').length);
        for (const line of mdTable(out, 'Sources by Channel')) expect(cells(line)).toHaveLength(6);
      }),
    );
  });
});

/** Everything between `<style>` and `</style>`. */
function styleOf(page: string): string {
  return /<style>([\s\S]*?)<\/style>/.exec(page)?.[1] ?? '';
}

/** The text of a page with every tag removed (what a reader sees, entities still escaped). */
function textOf(page: string): string {
  return page.replace(/<[^>]*>/g, ' ');
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))?.length ?? 0;
}

describe('html', () => {
  const page = renderers.html(audit(), options);

  it('is pinned as a whole', async () => {
    await expect(page).toMatchFileSnapshot('golden/render/audit.html');
  });

  it('is one self-contained page: no script, nothing fetched, only inline style', () => {
    expect(page.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')).toBe(true);
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain('<title>leadaudit report — as of 2024-06-30</title>');
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<(link|img|iframe|object|embed|image|use|base|form)\b/i);
    expect(page).not.toMatch(/\s(src|srcset|action|xlink:href)=/i);
    for (const href of page.match(/href="[^"]*"/g) ?? []) expect(href).toMatch(/^href="#[a-z0-9-]+"$/);
    expect(styleOf(page)).not.toMatch(/url\(|@import|@font-face/i);
    expect(styleOf(page)).toContain('@media print');
    expect(styleOf(page)).toContain('overflow-x:auto');
    // The only URLs are data, escaped, in text.
    expect(count(page, /https?:\/\//)).toBe(count(textOf(page), /https?:\/\//));
    expect(count(page, /https?:\/\//)).toBeGreaterThan(0);
  });

  it('shows data as inert text', () => {
    expect(page).toContain('<th scope="row">&lt;script&gt;alert(1)&lt;/script&gt;</th>');
    expect(page).toContain('<th scope="row">=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</th>');
    expect(page).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(escapeHtml(`<a href="x" onclick='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('gives each report a section with a heading, a table with column headers and right-aligned numbers, and its notes', () => {
    expect(count(page, /<section id="report-/)).toBe(4);
    expect(page).toContain('<section id="report-funnel" aria-labelledby="report-funnel-h">\n<h2 id="report-funnel-h">Funnel</h2>');
    expect(page).toContain('<th scope="col">Stage</th><th scope="col">Label</th><th class="num" scope="col">Reached</th>');
    expect(page).toContain('<tr><th scope="row">lead</th><td>Lead</td><td class="num">600</td><td class="num">100</td><td class="num">16.7%</td><td class="num">55.0%</td></tr>');
    expect(page).toContain('<ul class="notes">\n<li># not a heading</li>');
    expect(page).toContain('<p class="notes">n&lt;30: fewer than 30 leads &amp; read with care.</p>');
    expect(count(page, /<div class="scroll"><table/)).toBe(4);
  });

  it('marks rates against the overall in words as well as colour', () => {
    expect(page).toContain('<td class="num above" title="above the overall 10.0%">20.0%</td>');
    expect(page).toContain('<td class="num below" title="below the overall 10.0%">5.0%</td>');
  });

  it('prints a record report as a label/value table, indented labels as sub-lines', () => {
    expect(page).toContain('<table class="record">');
    expect(page).toContain('<tr><th scope="row">Leads</th><td class="num">1,200</td></tr>');
    expect(page).toContain('<tr><th class="sub" scope="row">95% interval low</th><td class="num">10.1%</td></tr>');
    expect(page.split(VERDICT)).toHaveLength(2);
  });

  it('cuts a previewed report to its first rows and says how many more', () => {
    const section = /<section id="report-stalls"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    expect(count(section, /<tr>/)).toBe(1 + 3);
    expect(section).toContain('… and 2 more (`leadaudit stalls` lists them all).');
  });

  it('lists fired alerts at the top in a box, and none when none fired', () => {
    expect(page).not.toContain('class="alerts"');
    const alerted = renderers.html(audit({ alerts: [ALERT, { ...ALERT, row: null }] }), options);
    const box = /<section class="alerts"[\s\S]*?<\/section>/.exec(alerted)?.[0] ?? '';
    expect(alerted.indexOf(box)).toBeLessThan(alerted.indexOf('<main>'));
    expect(box).toContain('<h2 id="alerts-h">2 alerts fired</h2>');
    expect(box).toContain('<li>sources.win_rate&lt;0.1 fired for =HYPERLINK(&quot;http://x&quot;,&quot;y&quot;) (value 0.05)</li>');
  });

  describe('charts', () => {
    const svgs = page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];

    it('draws the funnel and the sources chart, labelled for screen readers and scalable', () => {
      expect(svgs).toHaveLength(2);
      for (const svg of svgs) {
        expect(svg).toMatch(/^<svg role="img" aria-label="[^"]+" viewBox="0 0 \d+ \d+(\.\d)?" width="\d+" height="\d+(\.\d)?"><title>[^<]+<\/title>/);
      }
      expect(page).not.toMatch(/NaN|Infinity|undefined/);
    });

    it('gives the funnel one bar per stage, as long as its reach, with the stalled share as a labelled segment', () => {
      const funnelSvg = svgs[0]!;
      const bars = funnelSvg.match(/<g class="bar">[\s\S]*?<\/g>/g) ?? [];
      expect(bars).toHaveLength(FUNNEL_ROWS.length);
      const width = (bar: string, cls: string) => Number(new RegExp(`<rect class="${cls}" x="[^"]+" y="[^"]+" width="([^"]+)"`).exec(bar)?.[1]);
      expect(width(bars[0]!, 'reached')).toBe(400);
      expect(width(bars[1]!, 'reached')).toBeCloseTo(400 * (330 / 600), 0);
      expect(width(bars[0]!, 'stalled')).toBeCloseTo(400 / 6, 0);
      expect(bars[0]).toContain('Lead · 600 reached · 100 stalled (16.7%)');
      expect(bars[2]).not.toContain('class="stalled"'); // nothing stalled: no segment
      expect(bars[3]).toContain('Customer · 62 reached</text>');
    });

    it('gives sources a dot and an interval per channel with a rate, and a line at the overall rate', () => {
      const sourcesSvg = svgs[1]!;
      const groups = sourcesSvg.match(/<g class="interval">[\s\S]*?<\/g>/g) ?? [];
      expect(groups).toHaveLength(3); // (unattributed) has no rate
      expect(groups[0]).toContain('<title>Paid search: win rate 20.0%, 95% interval 15.0%–26.0%</title>');
      expect(groups[1]).toContain('>&lt;script&gt;alert(1)&lt;…</text>'); // clipped, escaped after clipping
      expect(groups[2]).toContain('class="dot hollow"');
      expect(count(sourcesSvg, /class="ci"/)).toBe(3);
      expect(sourcesSvg).toContain('class="ref"');
      expect(sourcesSvg).toContain('>overall 10.0%</text>');
    });

    it('stays finite with nothing reached and every rate zero', () => {
      const zero = renderers.html(
        result([funnel(FUNNEL_ROWS.map((r) => ({ ...r, reached: 0, stalled: 0, stalled_pct: null }))), sources([['a', 0, 0, 0]], 0)]),
        options,
      );
      expect(zero).not.toMatch(/NaN|Infinity|undefined/);
      expect(count(zero, /<g class="bar">/)).toBe(4);
      expect(count(zero, /<g class="interval">/)).toBe(1);
    });

    it('draws one funnel chart per group with --by, and no sources chart when no group has a rate', () => {
      const byColumn: Column = { key: 'region', label: 'Region', kind: 'text', fromInput: true };
      const base = funnel();
      const grouped: Report = {
        ...base,
        columns: [byColumn, ...base.columns],
        rows: ['EMEA', 'APAC'].flatMap((region) => FUNNEL_ROWS.map((r) => ({ region, ...r }))),
      };
      const out = renderers.html(result([grouped, sources([['(unattributed)', null, null, null]])]), options);
      expect(count(out, /<svg /)).toBe(2);
      expect(out).toContain('aria-label="Funnel (APAC): leads reaching each stage');
      expect(count(out, /<g class="bar">/)).toBe(8);
      expect(out).toContain('<figcaption class="group">APAC</figcaption>');
      expect(out).toContain('to one scale across groups');
      expect(renderers.html(result([funnel([])]), options)).not.toContain('<svg');
    });
  });

  it('lets no character of any input string break out of its text', () => {
    const where = (text: string): AuditResult =>
      result(
        [
          { ...summary(), title: text, notes: [text] },
          { ...sources([[text, 0.1, 0.05, 0.2], [`${text}${text}`, 0.2, 0.1, 0.3]]), columns: sources().columns.map((c, i) => (i === 0 ? { ...c, label: text } : c)) },
          stalls(2, text),
          { ...funnel(FUNNEL_ROWS.map((r, i) => (i === 0 ? { ...r, label: text } : r))) },
        ],
        { alerts: [{ ...ALERT, row: text, rule: text }] },
      );
    const structure = (out: string): number[] => ['<', '>', '"', "'"].map((c) => out.split(c).length);
    const base = structure(renderers.html(where('x'), options));
    fc.assert(
      fc.property(anyText, (text) => {
        const out = renderers.html(where(text), options);
        expect(structure(out)).toEqual(base);
        expect(out).toContain(`<td>${escapeHtml(text)}</td>`);
      }),
    );
  });
});
