/**
 * The people formats that leave the terminal: `md` (GitHub Markdown) and `html` (one self-contained
 * page with inline SVG charts). Results are built inline; whole outputs of the hand-built audit are
 * pinned under test/golden/render/ (update with `npx vitest run test/render-md-html.test.ts -u`,
 * then read the git diff).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditResult, Column, FileAccounting, FiredAlert, Report, Row } from '../src/model.js';
import { escapeHtml } from '../src/render/html.js';
import { joined, renderers as load } from '../src/render/index.js';
import type { Renderer, RenderOptions } from '../src/render/types.js';
import { markdownLine, markdownText } from '../src/render/markdown.js';
import { textBar } from '../src/render/charts.js';
import { afterLabel } from '../src/render/headline.js';

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
      { key: 'win_rate_high', label: '  95% interval high', kind: 'percent' },
      { key: 'won_revenue', label: 'Won revenue', kind: 'money' },
      { key: 'biggest_leak', label: 'Biggest leak', kind: 'text' },
      { key: 'biggest_leak_leads', label: '  leads lost or stalled there', kind: 'count' },
      { key: 'best_channel', label: 'Best channel', kind: 'text' },
      { key: 'best_channel_win_rate', label: '  its win rate', kind: 'percent' },
      { key: 'worst_channel', label: 'Worst channel', kind: 'text' },
      { key: 'worst_channel_win_rate', label: '  its win rate', kind: 'percent' },
      { key: 'verdict_sales', label: 'Sales gap', kind: 'text' },
      { key: 'leads_read', label: 'Lead rows read', kind: 'count' },
      { key: 'leads_used', label: '  used', kind: 'count' },
    ],
    [
      {
        leads: 1200,
        win_rate: 0.1234,
        win_rate_low: 0.101,
        win_rate_high: 0.145,
        won_revenue: 1234567.891,
        biggest_leak: 'won',
        biggest_leak_leads: 140,
        best_channel: 'Paid | search',
        best_channel_win_rate: 0.2,
        worst_channel: null,
        worst_channel_win_rate: null,
        verdict_sales: 'no gap',
        leads_read: 1210,
        leads_used: 1200,
      },
    ],
    { title: 'Summary', layout: 'record', notes: [VERDICT, 'Won revenue includes deals that match no lead (2 unattributed deals).'] },
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
      { key: 'won_revenue', label: 'Won revenue', kind: 'money', priority: 2 },
      { key: 'close_rate', label: 'Close rate', kind: 'percent', priority: 5 },
      { key: 'signif', label: 'Sig', kind: 'text', priority: 2 },
      { key: 'low_n', label: 'n<30', kind: 'flag' },
    ],
    channels.map(([channel, win_rate, win_rate_low, win_rate_high], i) => ({
      channel,
      leads: 100 - i,
      win_rate,
      win_rate_low,
      win_rate_high,
      won_revenue: [50000, 12500, 0, 25000][i % 4]!,
      close_rate: 0.3,
      signif: ['+', '-', '', ''][i % 4]!,
      low_n: i === 2,
    })),
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

const MARKETING = 'Marketing gap: 62% of handed-off leads are below grade B.';
const RUBRIC = 'Rubric check: not enough data (4 wins).';
/** The same sentences after their labels, which say the topic (and here the finding) already. */
const MARKETING_SHOWN = '62% of handed-off leads are below grade B.';
const RUBRIC_SHOWN = 'Not enough data (4 wins).';

const LEADS_FILE: FileAccounting = {
  file: 'exports/<leads>.csv',
  encoding: 'utf-8',
  delimiter: ';',
  read: 1210,
  used: 1200,
  rejected: 10,
  skipped: 0,
  duplicates: 3,
  reasons: { duplicate_id: 3, too_few_cells: 7 },
};

function audit(extra: Partial<AuditResult> = {}): AuditResult {
  return result([summary(), funnel(), sources(), stalls(5, SCRIPT)], {
    verdict: [
      { topic: 'marketing gap', finding: 'gap', rules: ['below_bar'], names: [], numbers: {}, text: MARKETING },
      { topic: 'sales gap', finding: 'no gap', rules: [], names: [], numbers: { handoffs: 40, stalled: 3 }, text: VERDICT },
      { topic: 'rubric check', finding: 'not enough data', rules: [], names: [], numbers: {}, text: RUBRIC },
    ],
    inputs: { leads: LEADS_FILE, deals: null },
    run: { rubric: 'leadaudit.yml', preset: 'hubspot', currencies: ['EUR'] },
    ...extra,
  });
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

/** The lines of the `nth` Markdown table under a `## title` heading (`null`: the first under the title line). */
function mdTable(md: string, title: string | null, nth = 0): string[] {
  const lines = md.split('\n');
  const start = title === null ? 0 : lines.indexOf(`## ${title}`);
  expect(start).toBeGreaterThanOrEqual(0);
  const tables: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (line.startsWith('|')) {
      if (current === null) tables.push((current = []));
      current.push(line);
    } else current = null;
  }
  return tables[nth] ?? [];
}

describe('a verdict after its label', () => {
  it('drops the topic and finding its sentence starts with, which the label says; other sentences stay whole', () => {
    expect(afterLabel('Marketing gap: not judged: no deals file — stage "won" cannot be reached', 'marketing gap', 'not judged')).toBe('No deals file — stage "won" cannot be reached');
    expect(afterLabel('Rubric check: win rate falls with grade (A 37.5%)', 'rubric check', 'works')).toBe('Win rate falls with grade (A 37.5%)');
    expect(afterLabel('No sales gap shown: 14 qualified leads stalled', 'sales gap', 'no gap')).toBe('No sales gap shown: 14 qualified leads stalled');
    expect(afterLabel('rubric check is fine', 'rubric check', 'works')).toBe('rubric check is fine');
  });
});

describe('md', () => {
  const md = renderers.md(audit(), options);

  it('is pinned as a whole', async () => {
    await expect(md).toMatchFileSnapshot('golden/render/audit.md');
  });

  it('opens with the verdicts, one line each, the finding in bold, each printed once', () => {
    expect(
      md.startsWith(
        `# leadaudit report — as of 2024-06-30\n\n- **Marketing gap: gap** — ${markdownText(MARKETING_SHOWN)}\n- **Sales gap: no gap** — ${VERDICT}\n- **Rubric check: not enough data** — ${RUBRIC_SHOWN}\n\n`,
      ),
    ).toBe(true);
    for (const text of [MARKETING_SHOWN, VERDICT, RUBRIC_SHOWN]) expect(md.split(markdownText(text))).toHaveLength(2);
    for (const text of [MARKETING, RUBRIC]) expect(md).not.toContain(markdownText(text));
    expect(md.endsWith('\n')).toBe(true);
    expect(md).not.toMatch(/\n\n\n/);
  });

  it('gives the key figures as a table under the verdicts: interval, currency, stage label, significant channels', () => {
    expect(mdTable(md, null).map(cells)).toEqual([
      ['Key figure', 'Value', 'Detail'],
      ['---', '---:', '---'],
      ['Leads', '**1,200**', ''],
      ['Win rate', '**12.3%**', '95% CI 10.1%–14.5%'],
      ['Won revenue', '**1,234,568 EUR**', 'in EUR'],
      ['Biggest leak', '**Customer**', '140 leads lost or stalled there'],
      ['Best channel', '**Paid \\| search**', 'win rate 20.0%, significantly above the rest'],
      ['Worst channel', '**—**', 'none significantly different'],
    ]);
    // The summary's other notes follow the figures; its row counts are "Inputs".
    expect(md).toContain('- Won revenue includes deals that match no lead (2 unattributed deals).\n\n## Inputs\n');
  });

  it('says "mixed" for won deals in several currencies, and no currency when the deals name none', () => {
    const mixed = renderers.md(audit({ run: { rubric: null, preset: 'generic', currencies: ['EUR', 'USD'] } }), options);
    expect(cells(mdTable(mixed, null)[4]!)).toEqual(['Won revenue', '**1,234,568 (mixed)**', 'mixed currencies (EUR, USD), added without conversion']);
    const none = renderers.md(audit({ run: { rubric: null, preset: 'generic', currencies: [] } }), options);
    expect(cells(mdTable(none, null)[4]!)).toEqual(['Won revenue', '**1,234,568**', '']);
  });

  it('prints the summary row counts as Inputs, indented labels written with their parent and no HTML entity for spacing', () => {
    expect(mdTable(md, 'Inputs')).toEqual(['| Measure | Value |', '| --- | ---: |', '| Lead rows read | 1,210 |', '| Lead rows read: used | 1,200 |']);
    expect(md).not.toContain('&nbsp;');
    expect(md).not.toContain('## Summary');
    // Without a headline (no summary figures), a record report is printed whole.
    const bare = renderers.md(result([{ ...summary(), rows: [{ leads_read: 5, leads_used: 4 }], columns: summary().columns.filter((c) => c.key.startsWith('leads_')) }]), options);
    expect(mdTable(bare, 'Summary')).toEqual(['| Measure | Value |', '| --- | ---: |', '| Lead rows read | 5 |', '| Lead rows read: used | 4 |']);
  });

  it('draws the funnel as text bars by stage label, to scale, above its table', () => {
    const bars = mdTable(md, 'Funnel', 0).map(cells);
    expect(bars.slice(0, 2)).toEqual([
      ['Stage', 'Reached', 'Stalled', 'Reached, to scale'],
      ['---', '---:', '---:', '---'],
    ]);
    expect(bars.slice(2).map((r) => r[0])).toEqual(['Lead', 'MQL', 'SQL', 'Customer']);
    expect(bars[2]![3]).toBe('█'.repeat(20));
    expect(bars[3]![3]).toBe(textBar(330, 600));
    expect(bars[5]![3]).toBe(textBar(62, 600));
    const table = mdTable(md, 'Funnel', 1);
    expect(table).toHaveLength(2 + FUNNEL_ROWS.length);
    expect(cells(table[0]!)).toEqual(['Stage', 'Label', 'Reached', 'Stalled', 'Stalled %', 'Conversion']);
    expect(cells(table[1]!)).toEqual(['---', '---', '---:', '---:', '---:', '---:']);
    expect(cells(table[2]!)).toEqual(['lead', 'Lead', '600', '100', '16.7%', '55.0%']);
  });

  it('draws a --by funnel as text bars per group and stage, to one scale', () => {
    const base = funnel();
    const grouped: Report = {
      ...base,
      columns: [{ key: 'region', label: 'Region', kind: 'text', fromInput: true }, ...base.columns],
      rows: ['EMEA', 'APAC'].flatMap((region, g) => FUNNEL_ROWS.map((r) => ({ region, ...r, reached: (r.reached as number) / (g + 1) }))),
    };
    const bars = mdTable(renderers.md(result([grouped]), options), 'Funnel', 0).map(cells);
    expect(bars.slice(2).map((r) => r[0])).toEqual(['EMEA · Lead', 'EMEA · MQL', 'EMEA · SQL', 'EMEA · Customer', 'APAC · Lead', 'APAC · MQL', 'APAC · SQL', 'APAC · Customer']);
    expect(bars[2]![3]).toBe('█'.repeat(20));
    expect(bars[6]![3]).toBe('█'.repeat(10));
  });

  it('draws sources as win-rate text bars with the interval and the Sig mark, rows without a rate left out', () => {
    const bars = mdTable(md, 'Sources by Channel', 0).map(cells);
    expect(bars[0]).toEqual(['Channel', 'Win rate', '95% interval', 'Sig', 'Win rate, to scale']);
    expect(bars.slice(2)).toEqual([
      ['Paid search', '20.0%', '15.0%–26.0%', '+', '█'.repeat(20)],
      ['&lt;script&gt;alert(1)&lt;/script&gt;', '5.0%', '2.0%–11.0%', '-', '█'.repeat(5)],
      ['=HYPERLINK("http://x","y")', '0%', '0%–40.0%', '', ''],
    ]);
  });

  it('escapes pipes, HTML and line breaks in cells, so every row keeps its cells and the text stays text', () => {
    const table = mdTable(md, 'Sources by Channel', 1);
    for (const line of table) expect(cells(line)).toHaveLength(9);
    expect(cells(table[3]!)[0]).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(cells(table[4]!)[0]).toBe('=HYPERLINK("http://x","y")');
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

  it('cuts a previewed report to its first rows and says how many more', () => {
    const table = mdTable(md, 'Stalled leads and deals');
    expect(table).toHaveLength(2 + 3);
    expect(md).toContain('- … and 2 more (\\`leadaudit stalls\\` lists them all).');
    const short = renderers.md(result([stalls(3)]), options);
    expect(mdTable(short, 'Stalled leads and deals')).toHaveLength(5);
    expect(short).not.toContain('more');
  });

  it('prints the fired alerts last', () => {
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
        for (const line of mdTable(out, 'Sources by Channel', 0)) expect(cells(line)).toHaveLength(5);
        for (const line of mdTable(out, 'Sources by Channel', 1)) expect(cells(line)).toHaveLength(9);
      }),
      { seed: 13 },
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

/** The `<section id="…">` of a page, whole. */
function sectionOf(page: string, id: string): string {
  return new RegExp(`<section[^>]* id="${id}"[\\s\\S]*?</section>`).exec(page)?.[0] ?? '';
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
    expect(page).not.toMatch(/\s(src|srcset|action|xlink:href|style|on[a-z]+)=/i);
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

  describe('headline', () => {
    const top = sectionOf(page, 'headline');

    it('comes first, before the reports, with the three verdicts one line each, coloured by finding', () => {
      expect(page.indexOf('id="headline"')).toBeLessThan(page.indexOf('<main>'));
      const lines = top.match(/<li class="verdict [^"]*"[^>]*>[\s\S]*?<\/li>/g) ?? [];
      expect(lines).toHaveLength(3);
      expect(lines[0]).toBe(
        `<li class="verdict tone-bad" data-finding="gap"><span class="topic">Marketing gap:</span> <span class="finding">gap</span> — <span class="text">${MARKETING_SHOWN}</span></li>`,
      );
      expect(lines[1]).toContain('<li class="verdict tone-good" data-finding="no gap">');
      expect(lines[2]).toContain('<li class="verdict tone-neutral" data-finding="not enough data">');
      // Each verdict is printed once: not again under the summary or any other report.
      for (const text of [MARKETING_SHOWN, VERDICT, RUBRIC_SHOWN]) expect(page.split(text)).toHaveLength(2);
    });

    it('holds the KPI tiles: leads, win rate with its interval, revenue with currency, leak by label, significant channels', () => {
      const tiles = [...top.matchAll(/<div class="kpi tone-([a-z]+)" data-key="([a-z_]+)"><dt>([^<]*)<\/dt><dd><span class="value">([^<]*)<\/span>(?:<span class="sub">([^<]*)<\/span>)?/g)].map((m) => m.slice(1));
      expect(tiles).toEqual([
        ['neutral', 'leads', 'Leads', '1,200', undefined],
        ['neutral', 'win_rate', 'Win rate', '12.3%', '95% CI 10.1%–14.5%'],
        ['neutral', 'won_revenue', 'Won revenue', '1,234,568 EUR', 'in EUR'],
        ['neutral', 'biggest_leak', 'Biggest leak', 'Customer', '140 leads lost or stalled there'],
        ['good', 'best_channel', 'Best channel', 'Paid | search', 'win rate 20.0%, significantly above the rest'],
        ['neutral', 'worst_channel', 'Worst channel', '—', 'none significantly different'],
      ]);
      // Row counts are not headline figures.
      expect(top).not.toMatch(/rows read|1,210/);
      expect(top).toContain('<p class="notes">Won revenue includes deals that match no lead (2 unattributed deals).</p>');
    });

    it('says "not judged" in the win-rate tile when the verdicts are not judged (the inputs cannot show a win), not 0%', () => {
      const unseen = audit({
        verdict: (['marketing gap', 'sales gap', 'rubric check'] as const).map((topic) => ({ topic, finding: 'not judged' as const, rules: [], names: [], numbers: {}, text: `${topic}: not judged: no deals file` })),
      });
      const html = renderers.html(unseen, options);
      expect(html).toContain('<div class="kpi tone-neutral" data-key="win_rate"><dt>Win rate</dt><dd><span class="value">not judged</span><span class="sub">these inputs cannot show a win</span>');
      expect(html).not.toContain('12.3%</span>');
      expect(renderers.md(unseen, options)).toMatch(/\| Win rate \| \*\*not judged\*\* \| these inputs cannot show a win \|/);
    });

    it('leaves the summary without a section of its own, and prints one only when there is no headline', () => {
      expect(page).not.toContain('id="report-summary"');
      const bare = renderers.html(result([{ ...summary(), rows: [{ leads_read: 5, leads_used: 4 }], columns: summary().columns.filter((c) => c.key.startsWith('leads_')) }]), options);
      expect(bare).toContain('<table class="record">');
      expect(bare).toContain('<tr><th scope="row">used</th><td class="num">4</td></tr>');
    });
  });

  it('gives each report a section with a heading, a table with column headers and right-aligned numbers, and its notes', () => {
    expect(count(page, /<section id="report-/)).toBe(3);
    expect(page).toContain('<section id="report-funnel" aria-labelledby="report-funnel-h">\n<h2 id="report-funnel-h">Funnel</h2>');
    expect(page).toContain('<th scope="col">Stage</th><th scope="col" class="extra">Key</th><th class="num" scope="col">Reached</th>'.replace(' scope="col" class="extra"', ' class="extra" scope="col"'));
    expect(page).toContain('<ul class="notes">\n<li># not a heading</li>');
    expect(page).toContain('n&lt;30: fewer than 30 leads &amp; read with care.');
  });

  it('names stages by their rubric labels in table and chart alike (the key kept as an extra column)', () => {
    const funnelSection = sectionOf(page, 'report-funnel');
    expect(funnelSection).toContain('<tr><th scope="row">Customer</th><td class="extra">won</td><td class="num">62</td>');
    expect(funnelSection).toContain('<tr><th scope="row">Lead</th><td class="extra">lead</td><td class="num">600</td><td class="num">100</td><td class="num">16.7%</td><td class="num">55.0%</td></tr>');
    expect(funnelSection).toMatch(/<g class="bar tone-neutral"><title>Customer: 62 leads reached<\/title>\n<text[^>]*>Customer<\/text>/);
    expect(funnelSection).not.toMatch(/<th scope="row">won<|<text[^>]*>won</);
  });

  it('names the stage of a stalled lead by its rubric label, and leaves deal stages as the deals file has them', () => {
    const stalled = report(
      'stalls',
      [
        { key: 'kind', label: 'Kind', kind: 'text' },
        { key: 'stage', label: 'Stage', kind: 'text', fromInput: true },
      ],
      [
        { kind: 'lead', stage: 'mql' },
        { kind: 'deal', stage: 'mql' },
        { kind: 'lead', stage: 'unknown' },
      ],
      { title: 'Stalls' },
    );
    const out = sectionOf(renderers.html(result([funnel(), stalled]), options), 'report-stalls');
    expect(out.match(/<tr><th scope="row">[a-z]+<\/th><td>[^<]*<\/td><\/tr>/g)).toEqual([
      '<tr><th scope="row">lead</th><td>MQL</td></tr>',
      '<tr><th scope="row">deal</th><td>mql</td></tr>',
      '<tr><th scope="row">lead</th><td>unknown</td></tr>',
    ]);
  });

  it('shows key columns and hides the rest behind a checkbox that needs no script', () => {
    const sourcesSection = sectionOf(page, 'report-sources');
    expect(sourcesSection).toContain('<input type="checkbox" class="toggle" id="report-sources-all"><label class="toggle" for="report-sources-all">Show all 9 columns (1 more)</label>');
    expect(sourcesSection).toContain('<th class="num extra" scope="col">Close rate</th>');
    expect(count(sourcesSection, /<td class="num extra">30.0%<\/td>/)).toBe(4);
    expect(sourcesSection).toContain('<th scope="col">Sig</th>');
    expect(styleOf(page)).toContain('input.toggle:not(:checked)~.scroll .extra{display:none}');
    // A table with only key columns has no toggle.
    expect(sectionOf(page, 'report-stalls')).not.toContain('toggle');
  });

  it('colours the win rate and the Sig mark by significance, not by the distance from the average', () => {
    const rows = sectionOf(page, 'report-sources').match(/<tr><th scope="row">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/<td class="num tone-good" title="above the overall 10.0%; significantly higher: [^"]*">20.0%<\/td>/);
    expect(rows[0]).toMatch(/<td class="tone-good" title="significantly higher: [^"]*">\+<\/td>/);
    expect(rows[1]).toMatch(/<td class="num tone-bad" title="below the overall 10.0%; significantly lower: [^"]*">5.0%<\/td>/);
    // 0% is below the overall, but not significantly: no colour, the words in its title only.
    expect(rows[2]).toContain('<td class="num" title="below the overall 10.0%">0%</td>');
    expect(page).not.toMatch(/class="[^"]*\b(above|below)\b/);
  });

  it('colours owners by their stall mark, where more stalls are bad', () => {
    const owners = report(
      'owners',
      [
        { key: 'owner', label: 'Owner', kind: 'text', fromInput: true },
        { key: 'stalled_qualified_sales', label: 'Qualified stalled (sales)', kind: 'count' },
        { key: 'stall_signif', label: 'Sig', kind: 'text' },
      ],
      [
        { owner: 'Ann', stalled_qualified_sales: 12, stall_signif: '+' },
        { owner: 'Bob', stalled_qualified_sales: 1, stall_signif: '-' },
        { owner: 'Cy', stalled_qualified_sales: 4, stall_signif: '' },
      ],
      { title: 'Owners' },
    );
    const out = sectionOf(renderers.html(result([owners]), options), 'report-owners');
    expect(out).toMatch(/<td class="num tone-bad" title="significantly higher[^"]*">12<\/td>/);
    expect(out).toMatch(/<td class="num tone-good" title="significantly lower[^"]*">1<\/td>/);
    expect(out).toContain('<td class="num">4</td>');
    const bars = out.match(/<g class="bar [^"]*">/g);
    expect(bars).toEqual(['<g class="bar tone-bad">', '<g class="bar tone-good">', '<g class="bar tone-neutral">']);
    const widths = [...out.matchAll(/<rect class="value" x="[^"]+" y="[^"]+" width="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(widths[1]! / widths[0]!).toBeCloseTo(1 / 12, 2);
    expect(widths[2]! / widths[0]!).toBeCloseTo(4 / 12, 2);
  });

  it('puts the row accounting in an Inputs section after the reports, and a footer naming files, rubric, preset, as-of and version', () => {
    const inputs = sectionOf(page, 'inputs');
    expect(page.indexOf('id="inputs"')).toBeGreaterThan(page.indexOf('</main>'));
    expect(inputs).toContain('<td class="wrap">exports/&lt;leads&gt;.csv (utf-8, delimiter &quot;;&quot;)</td><td class="num">1,210</td><td class="num">1,200</td><td class="num">10</td><td class="num">0</td><td class="num">3</td>');
    expect(inputs).toContain('<td class="wrap">7 too few cells, 3 duplicate id</td>');
    const footer = /<footer>[\s\S]*<\/footer>/.exec(page)?.[0] ?? '';
    expect(textOf(footer).replace(/\s+/g, ' ').trim()).toBe(
      'Inputs: exports/&lt;leads&gt;.csv Rubric: leadaudit.yml · preset: hubspot As of 2024-06-30 · made by leadaudit 9.9.9',
    );
    const presetOnly = renderers.html(audit({ run: { rubric: null, preset: 'generic' } }), options);
    expect(presetOnly).toContain('<p>Rubric: none (the preset alone) · preset: generic</p>');
    const fromRuns = /<footer>[\s\S]*<\/footer>/.exec(renderers.html(result([stalls(1)]), options))?.[0];
    expect(fromRuns).toBe('<footer>\n<p>As of 2024-06-30 · made by leadaudit 9.9.9</p>\n</footer>');
  });

  it('keeps printed tables whole: header repeated on each page, rows unsplit, no page for the footer alone', () => {
    const print = /@media print\{([\s\S]*)\}\s*$/.exec(styleOf(page))?.[1] ?? '';
    expect(print).toContain('thead{display:table-header-group}');
    expect(print).toMatch(/tr,[^{]*\{break-inside:avoid/);
    expect(print).toMatch(/footer\{break-before:avoid/);
    expect(print).toContain('nav,input.toggle,label.toggle{display:none}');
  });

  it('cuts a previewed report to its first rows and says how many more', () => {
    const section = sectionOf(page, 'report-stalls');
    expect(count(section, /<tr>/)).toBe(1 + 3);
    expect(section).toContain('… and 2 more (`leadaudit stalls` lists them all).');
  });

  it('lists fired alerts at the top in a box, and none when none fired', () => {
    expect(page).not.toContain('class="alerts"');
    const alerted = renderers.html(audit({ alerts: [ALERT, { ...ALERT, row: null }] }), options);
    const box = /<section class="alerts"[\s\S]*?<\/section>/.exec(alerted)?.[0] ?? '';
    expect(alerted.indexOf(box)).toBeLessThan(alerted.indexOf('id="headline"'));
    expect(box).toContain('<h2 id="alerts-h">2 alerts fired</h2>');
    expect(box).toContain('<li>sources.win_rate&lt;0.1 fired for =HYPERLINK(&quot;http://x&quot;,&quot;y&quot;) (value 0.05)</li>');
  });

  describe('charts', () => {
    const svgs = page.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    const widthsOf = (svg: string, cls = 'value') => [...svg.matchAll(new RegExp(`<rect class="${cls}" x="[^"]+" y="[^"]+" width="([^"]+)"`, 'g'))].map((m) => Number(m[1]));

    it('draws the funnel, the sources win rates and the sources revenue, labelled for screen readers and scalable', () => {
      expect(svgs).toHaveLength(3);
      for (const svg of svgs) {
        expect(svg).toMatch(/^<svg class="chart [a-z]+" role="img" aria-label="[^"]+" viewBox="0 0 \d+ \d+(\.\d)?" width="\d+" height="\d+(\.\d)?"><title>[^<]+<\/title>/);
      }
      expect(page).not.toMatch(/NaN|Infinity|undefined/);
    });

    it('gives the funnel one bar per stage, as long as its reach, with the stalled part as a segment', () => {
      const funnelSvg = svgs[0]!;
      const bars = funnelSvg.match(/<g class="bar [^"]*">[\s\S]*?<\/g>/g) ?? [];
      expect(bars).toHaveLength(FUNNEL_ROWS.length);
      const widths = widthsOf(funnelSvg).slice(0);
      expect(widths).toHaveLength(4);
      expect(widths[1]! / widths[0]!).toBeCloseTo(330 / 600, 2);
      expect(widths[3]! / widths[0]!).toBeCloseTo(62 / 600, 2);
      expect(widthsOf(bars[0]!, 'part')[0]! / widths[0]!).toBeCloseTo(100 / 600, 2);
      expect(bars[0]).toContain('>600 · 100 stalled (16.7%)</text>');
      expect(bars[2]).not.toContain('class="part"'); // nothing stalled: no segment
    });

    it('gives sources a dot and whiskers per channel with a rate, coloured by Sig, and a line at the overall rate', () => {
      const sourcesSvg = svgs[1]!;
      const groups = sourcesSvg.match(/<g class="interval [^"]*">[\s\S]*?<\/g>/g) ?? [];
      expect(groups).toHaveLength(3); // (unattributed) has no rate
      expect(groups[0]).toContain('<g class="interval tone-good"><title>Paid search: win rate 20.0%, 95% interval 15.0%–26.0%, significantly higher than the rest</title>');
      expect(groups[1]).toContain('<g class="interval tone-bad">');
      expect(groups[1]).toContain('>&lt;script&gt;alert(1)&lt;/script&gt;</text>');
      expect(groups[2]).toContain('<g class="interval tone-neutral">');
      expect(groups[2]).toContain('class="dot hollow"');
      expect(sourcesSvg).toContain('class="ref"');
      expect(sourcesSvg).toContain('>overall 10.0%</text>');
    });

    it('draws sources revenue as bars per channel, proportional, with the currency', () => {
      const revenue = svgs[2]!;
      expect(revenue).toContain('aria-label="Won revenue by Channel"');
      const widths = widthsOf(revenue);
      expect(widths).toHaveLength(4);
      expect(widths[1]! / widths[0]!).toBeCloseTo(12500 / 50000, 2);
      expect(widths[2]).toBe(0);
      expect(widths[3]! / widths[0]!).toBeCloseTo(25000 / 50000, 2);
      expect(revenue).toContain('>50,000 EUR</text>');
    });

    it('draws cohorts over time as columns, months still closing drawn lighter', () => {
      const cohorts = report(
        'cohorts',
        [
          { key: 'cohort', label: 'Cohort', kind: 'text' },
          { key: 'leads', label: 'Leads', kind: 'count' },
          { key: 'win_rate', label: 'Win rate', kind: 'percent' },
          { key: 'mature', label: 'Mature', kind: 'flag' },
        ],
        [
          { cohort: '2024-01', leads: 20, win_rate: 0.2, mature: true },
          { cohort: '2024-02', leads: 10, win_rate: 0.1, mature: true },
          { cohort: '<b>x</b>', leads: 5, win_rate: 0.05, mature: false },
        ],
        { title: 'Cohorts' },
      );
      const out = renderers.html(result([cohorts]), options);
      const columns = out.match(/<g class="column [^"]*">/g);
      expect(columns).toEqual(['<g class="column tone-neutral">', '<g class="column tone-neutral">', '<g class="column tone-muted">']);
      const heights = [...out.matchAll(/<rect class="value" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
      expect(heights[1]! / heights[0]!).toBeCloseTo(0.5, 2);
      expect(heights[2]! / heights[0]!).toBeCloseTo(0.25, 2);
      expect(out).toContain('&lt;b&gt;x&lt;/b&gt;: win rate 5.0% of 5 leads (still closing)');
      expect(out).not.toContain('<b>');
    });

    it('stays finite with nothing reached and every rate zero', () => {
      const zero = renderers.html(
        result([funnel(FUNNEL_ROWS.map((r) => ({ ...r, reached: 0, stalled: 0, stalled_pct: null }))), sources([['a', 0, 0, 0]], 0)]),
        options,
      );
      expect(zero).not.toMatch(/NaN|Infinity|undefined/);
      expect(count(sectionOf(zero, 'report-funnel'), /<g class="bar /)).toBe(4);
      expect(count(zero, /<g class="interval /)).toBe(1);
    });

    it('draws one funnel chart per group with --by, to one scale, and no sources chart when no group has a rate', () => {
      const byColumn: Column = { key: 'region', label: 'Region', kind: 'text', fromInput: true };
      const base = funnel();
      const grouped: Report = {
        ...base,
        columns: [byColumn, ...base.columns],
        rows: ['EMEA', 'APAC'].flatMap((region, g) => FUNNEL_ROWS.map((r) => ({ region, ...r, reached: (r.reached as number) / (g + 1) }))),
      };
      const out = renderers.html(result([grouped, sources([['(unattributed)', null, null, null]])]), options);
      // Two funnels and the revenue of the one group; no win-rate chart, as no group has a rate.
      expect(count(out, /<svg /)).toBe(3);
      expect(out).not.toContain('chart intervals');
      expect(out).toContain('aria-label="Funnel — APAC: leads reaching each stage');
      expect(count(sectionOf(out, "report-funnel"), /<g class="bar /)).toBe(8);
      expect(out).toContain('<figcaption>APAC</figcaption>');
      const firstBars = [...out.matchAll(/<rect class="value" x="[^"]+" y="[^"]+" width="([^"]+)"/g)].map((m) => Number(m[1]));
      expect(firstBars[4]! / firstBars[0]!).toBeCloseTo(0.5, 2); // APAC's Lead bar is half EMEA's: one scale
      expect(renderers.html(result([funnel([])]), options)).not.toContain('<svg');
    });
  });

  it('lets no character of any input string break out of its text', () => {
    const where = (text: string): AuditResult =>
      audit({
        reports: [
          { ...summary(), title: text, notes: [text], rows: [{ ...summary().rows[0]!, best_channel: text }] },
          { ...sources([[text, 0.1, 0.05, 0.2], [`${text}${text}`, 0.2, 0.1, 0.3]]), columns: sources().columns.map((c, i) => (i === 0 ? { ...c, label: text } : c)) },
          stalls(2, text),
          { ...funnel(FUNNEL_ROWS.map((r, i) => (i === 0 ? { ...r, label: text } : r))) },
        ],
        alerts: [{ ...ALERT, row: text, rule: text }],
        inputs: { leads: { ...LEADS_FILE, file: text, reasons: { [text]: 1 } }, deals: null },
        run: { rubric: text, preset: 'generic', currencies: [text] },
      });
    const structure = (out: string): number[] => ['<', '>', '"', "'"].map((c) => out.split(c).length);
    const base = structure(renderers.html(where('x'), options));
    fc.assert(
      fc.property(anyText, (text) => {
        const out = renderers.html(where(text), options);
        expect(structure(out)).toEqual(base);
        expect(out).toContain(`<td>${escapeHtml(text)}</td>`);
      }),
      { seed: 13 },
    );
  });
});

describe('won revenue currency, from the deals file (the CLI)', () => {
  const root = resolve(import.meta.dirname, '..');
  /** `audit --deals` on a deals file made of `rows`, as Markdown: its key figure for won revenue. */
  function revenueLine(header: string, rows: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-currency-'));
    try {
      writeFileSync(join(dir, 'deals.csv'), `${[header, ...rows].join('\n')}\n`);
      const r = spawnSync(process.execPath, [join(root, 'bin', 'leadaudit.js'), 'audit', '--deals', 'deals.csv', '--as-of', '2024-06-30', '--format', 'md', '--quiet'], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout.split('\n').find((line) => line.startsWith('| Won revenue |')) ?? '';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const HEADER = 'id,stage,amount,currency,created,close_date';

  it('names the one currency of the won deals (case folded), ignoring deals not won', () => {
    expect(revenueLine(HEADER, ['D1,won,100,eur,2024-01-01,2024-02-01', 'D2,won,200,EUR,2024-01-01,2024-02-01', 'D3,lost,50,USD,2024-01-01,2024-02-01'])).toBe(
      '| Won revenue | **300 EUR** | in EUR |',
    );
  });

  it('says "mixed" when won deals are in several currencies', () => {
    expect(revenueLine(HEADER, ['D1,won,100,EUR,2024-01-01,2024-02-01', 'D2,won,250,USD,2024-01-01,2024-02-01'])).toBe(
      '| Won revenue | **350 (mixed)** | mixed currencies (EUR, USD), added without conversion |',
    );
  });

  it('prints no currency when the deals have none', () => {
    expect(revenueLine('id,stage,amount,created,close_date', ['D1,won,100,2024-01-01,2024-02-01'])).toBe('| Won revenue | **100** |  |');
  });
});
