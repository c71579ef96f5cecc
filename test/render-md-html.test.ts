/**
 * The people formats that leave the terminal: `md` (GitHub Markdown) and `html` (one self-contained
 * page with inline SVG charts). Results are built inline; whole outputs of the hand-built audit are
 * pinned under test/golden/render/ (update with `npx vitest run test/render-md-html.test.ts -u`,
 * then read the git diff).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditResult, Column, FileAccounting, FiredAlert, Report, Row } from '../src/model.js';
import { escapeHtml } from '../src/render/html.js';
import { joined, renderers as load, type Renderer, type RenderOptions } from '../src/render/index.js';
import { markdownLine, markdownText } from '../src/render/markdown.js';
import { textBar } from '../src/render/charts.js';

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

const LEADS_FILE: FileAccounting = {
  file: 'exports/<leads>.csv',
  encoding: 'utf-8',
  delimiter: ';',
  read: 1210,
  used: 1200,
  rejected: 10,
  skipped: 0,
  duplicates: 3,
  reasons: { 'duplicate id': 3, 'no id': 7 },
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

describe('md', () => {
  const md = renderers.md(audit(), options);

  it('is pinned as a whole', async () => {
    await expect(md).toMatchFileSnapshot('golden/render/audit.md');
  });

  it('opens with the verdicts, one line each, the finding in bold, each printed once', () => {
    expect(
      md.startsWith(
        `# leadaudit report — as of 2024-06-30\n\n- **Marketing gap: gap** — ${markdownText(MARKETING)}\n- **Sales gap: no gap** — ${VERDICT}\n- **Rubric check: not enough data** — ${RUBRIC}\n\n`,
      ),
    ).toBe(true);
    for (const text of [MARKETING, VERDICT, RUBRIC]) expect(md.split(markdownText(text))).toHaveLength(2);
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
