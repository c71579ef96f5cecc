import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import type { AuditResult, Column, ColumnKind, FileAccounting, Report, Row, Verdict } from '../src/model.js';
import { alertText, cellKind, formatCell, rawValue } from '../src/render/format.js';
import { joined, renderers as load } from '../src/render/index.js';
import type { Renderer, RenderOptions } from '../src/render/types.js';
import { field } from '../src/render/csv.js';
import { neutralizeFormula, terminalSafe, terminalText } from '../src/render/safe.js';

const BEL = '\u0007';

/** The renderers, loaded through the registry the CLI uses (each is loaded on demand). */
const text = (render: Renderer) => (result: AuditResult, options: RenderOptions) => joined(render(result, options));
const renderers = { table: text(await load.table()), csv: text(await load.csv()), tsv: text(await load.tsv()), json: text(await load.json()) };

const ESC = '\u001b';
/** A verdict line as src/reports/verdicts.ts makes them (keys in the order JSON writes them). */
const VERDICT: Verdict = {
  topic: 'sales gap',
  finding: 'gap',
  rules: ['above_tolerance'],
  names: [],
  numbers: { handoffs: 120, stalled: 96, stalled_rate: 0.8, stalled_low: 0.7196, stalled_high: 0.8614, tolerance: 0.1, tolerance_p: 1e-40, owner_p: null },
  text: 'Sales gap: 96 qualified leads stalled in sales stages, 80.0% of 120 qualified handoffs.',
};
const plain: RenderOptions = { color: false, width: 80, wide: false, tool: { name: 'leadaudit', version: '9.9.9' } };

function result(reports: Report[], extra: Partial<AuditResult> = {}): AuditResult {
  return { asOf: '2024-06-30', inputs: { leads: null, deals: null }, reports, verdict: [], alerts: [], ...extra };
}

function report(name: string, columns: Column[], rows: Row[], more: Partial<Report> = {}): Report {
  return { name, title: `${name} title`, columns, rows, notes: [], ...more };
}

const sources = report(
  'sources',
  [
    { key: 'channel', label: 'Channel', kind: 'text', fromInput: true },
    { key: 'leads', label: 'Leads', kind: 'count' },
    { key: 'win_rate', label: 'Win rate', kind: 'percent', baseline: 0.1 },
    { key: 'won_revenue', label: 'Won revenue', kind: 'money' },
    { key: 'signif', label: 'Signif', kind: 'text' },
    { key: 'low_n', label: 'Low n', kind: 'flag' },
  ],
  [
    { channel: 'Paid search', leads: 1234, win_rate: 0.2, won_revenue: 1234567.891, signif: '+', low_n: false },
    { channel: '=HYPERLINK("x")', leads: 12, win_rate: 0.05, won_revenue: 44.5, signif: '-', low_n: true },
    { channel: '-2+3', leads: 0, win_rate: null, won_revenue: -12.345, signif: '', low_n: true },
  ],
  { notes: ['min-n: 30'] },
);

describe('formatCell', () => {
  const cases: [number | string | boolean | null, ColumnKind, string, string][] = [
    // value, kind, human, raw
    [1234, 'count', '1,234', '1234'],
    [0, 'count', '0', '0'],
    [1234567, 'count', '1,234,567', '1234567'],
    [0.123, 'percent', '12.3%', '0.123'],
    [0.12345678, 'percent', '12.3%', '0.1235'],
    [0.5, 'percent', '50.0%', '0.5'],
    [0, 'percent', '0%', '0'],
    [1, 'percent', '100%', '1'],
    [0.00001, 'percent', '0.0%', '0'],
    [-0.00001, 'percent', '0.0%', '0'],
    [-0.25, 'percent', '-25.0%', '-0.25'],
    [1234567.891, 'money', '1,234,568', '1234567.89'],
    [44.5, 'money', '44.50', '44.5'],
    [999.999, 'money', '1,000', '1000'],
    [-1234.5, 'money', '-1,235', '-1234.5'],
    [-44.5, 'money', '-44.50', '-44.5'],
    [-0.001, 'money', '0', '0'],
    [250, 'money', '250', '250'],
    [12, 'days', '12', '12'],
    [12.5, 'days', '12.5', '12.5'],
    [12.04, 'days', '12', '12'],
    [12.25, 'days', '12.3', '12.3'],
    [-0.01, 'days', '0', '0'],
    [1.5, 'number', '1.5', '1.5'],
    [1.23456, 'number', '1.23', '1.2346'],
    [2, 'number', '2', '2'],
    [-0.00001, 'number', '0', '0'],
    [true, 'flag', 'yes', 'true'],
    [false, 'flag', '', 'false'],
    ['Paid search', 'text', 'Paid search', 'Paid search'],
    ['', 'text', '', ''],
    ['total', 'count', 'total', 'total'],
  ];
  it.each(cases)('%j as %s → human %j, raw %j', (value, kind, human, raw) => {
    expect(formatCell(value, kind, 'human')).toBe(human);
    expect(formatCell(value, kind, 'raw')).toBe(raw);
  });

  it.each(['count', 'percent', 'money', 'days', 'number', 'text', 'flag'] as const)(
    'null and NaN as %s: — for people, empty in CSV, null in JSON',
    (kind) => {
      for (const missing of [null, Number.NaN]) {
        expect(formatCell(missing, kind, 'human')).toBe('—');
        expect(formatCell(missing, kind, 'raw')).toBe('');
        expect(rawValue(missing, kind)).toBeNull();
      }
    },
  );

  it('gives JSON values their type: numbers rounded, flags boolean', () => {
    expect(rawValue(0.123456, 'percent')).toBe(0.1235);
    expect(rawValue(12.345, 'money')).toBe(12.35);
    expect(rawValue(3, 'count')).toBe(3);
    expect(rawValue(true, 'flag')).toBe(true);
    expect(rawValue(0, 'flag')).toBe(false);
    expect(rawValue(Number.POSITIVE_INFINITY, 'number')).toBeNull();
    expect(formatCell(Number.POSITIVE_INFINITY, 'number', 'human')).toBe('∞');
  });

  it('never prints -0', () => {
    const kinds: ColumnKind[] = ['count', 'percent', 'money', 'days', 'number'];
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -1, max: 1 }), fc.constantFrom(...kinds), (x, kind) => {
        const human = formatCell(x, kind, 'human');
        const raw = formatCell(x, kind, 'raw');
        expect(human).not.toMatch(/^-0(\.0*)?%?$/);
        expect(raw).not.toMatch(/^-0(\.0*)?$/);
        expect(Object.is(rawValue(x, kind), -0)).toBe(false);
      }),
    );
  });
});

describe('csv and tsv', () => {
  it('writes a header of keys and raw values that read back as the rows', () => {
    const out = renderers.csv(result([sources]), plain);
    expect(out.endsWith('\n')).toBe(true);
    expect(out).not.toContain('\r');
    expect(parse(out)).toEqual([
      ['channel', 'leads', 'win_rate', 'won_revenue', 'signif', 'low_n'],
      ['Paid search', '1234', '0.2', '1234567.89', '+', 'false'],
      [`'=HYPERLINK("x")`, '12', '0.05', '44.5', '-', 'true'],
      [`'-2+3`, '0', '', '-12.35', '', 'true'],
    ]);
  });

  it('neutralizes formulas only in text from the input, never in computed values', () => {
    const columns: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'delta', label: 'Delta', kind: 'number', fromInput: true },
      { key: 'mark', label: 'Mark', kind: 'text' },
    ];
    const starts = ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1', 'plain', ''];
    const rows = starts.map((name) => ({ name, delta: -5, mark: '-' }));
    const read: string[][] = parse(renderers.csv(result([report('r', columns, rows)]), plain));
    expect(read.slice(1).map((r) => r[0])).toEqual([
      "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "'＝1", 'plain', '',
    ]);
    expect(read.slice(1).every((r) => r[1] === '-5' && r[2] === '-')).toBe(true);
  });

  it('neutralizes a header key too (a `--by` column is named by the user)', () => {
    const r = report('r', [{ key: '=cmd', label: '=cmd', kind: 'text', fromInput: true }], [{ '=cmd': 'x' }]);
    expect(renderers.csv(result([r]), plain)).toBe("'=cmd\nx\n");
  });

  it('keeps any input text in its cell, neutralized, in csv and tsv', () => {
    const columns: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'n', label: 'N', kind: 'count' },
    ];
    const text = fc.string({ unit: fc.constantFrom('a', ',', '\t', '"', '\n', '\r', '=', '-', ' ', 'é', "'") });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (names) => {
        const rows = names.map((name, n) => ({ name, n }));
        const expected = [['name', 'n'], ...names.map((name, n) => [neutralizeFormula(name), String(n)])];
        const input = result([report('r', columns, rows)]);
        expect(parse(renderers.csv(input, plain))).toEqual(expected);
        expect(parse(renderers.tsv(input, plain), { delimiter: '\t' })).toEqual(expected);
      }),
    );
  });

  it('quotes a field exactly as csv-stringify would', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ',', '\t', '"', '\n', '\r', ' ', 'é', '😀', '\ud800') });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (cells) => {
        for (const delimiter of [',', '\t'] as const) {
          expect(`${cells.map((c) => field(c, delimiter)).join(delimiter)}\n`).toBe(stringify([cells], { delimiter }));
        }
      }),
    );
  });

  it('writes rows a batch at a time, the same bytes as csv-stringify at every batch edge', async () => {
    const render = await load.csv();
    const columns: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'n', label: 'N', kind: 'count' },
    ];
    const names = fc.sample(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '=', '-') }), { numRuns: 9000, seed: 7 });
    for (const n of [4095, 4096, 4097, 9000]) {
      const rows = names.slice(0, n).map((name, i) => ({ name, n: i }));
      const pieces = [...render(result([report('r', columns, rows), sources]), plain)];
      const expected = stringify([['name', 'n'], ...rows.map((r) => [neutralizeFormula(r.name), String(r.n)])]);
      const whole = pieces.join('');
      expect(whole.slice(0, expected.length), `${n} rows`).toBe(expected);
      expect(whole.slice(expected.length), `${n} rows`).toBe(`\n${renderers.csv(result([sources]), plain)}`);
      if (n > 8192) expect(Math.max(...pieces.map((p) => p.length)), `${n} rows`).toBeLessThan(whole.length / 2);
    }
  });

  it('separates the reports of an audit by one empty line, each a plain table', () => {
    const one = report('a', [{ key: 'x', label: 'X', kind: 'count' }], [{ x: 1 }, { x: 2 }]);
    const two = report('b', [{ key: 'y', label: 'Y', kind: 'text' }], [{ y: 'q' }]);
    expect(renderers.csv(result([one]), plain)).toBe('x\n1\n2\n');
    expect(renderers.csv(result([one, two]), plain)).toBe('x\n1\n2\n\ny\nq\n');
  });

  it('uses TAB in tsv and quotes a TAB or newline inside a value', () => {
    const columns: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'rate', label: 'Rate', kind: 'percent' },
    ];
    const out = renderers.tsv(result([report('r', columns, [{ name: 'a\tb\nc', rate: 0.123456 }])]), plain);
    expect(out).toBe('name\trate\n"a\tb\nc"\t0.1235\n');
  });
});

describe('json', () => {
  const leads: FileAccounting = {
    file: 'leads.csv', encoding: 'utf-8', delimiter: ',', read: 10, used: 8, rejected: 1, skipped: 1, duplicates: 0,
    reasons: { too_many_cells: 1, duplicate_id: 1 },
  };
  const deals: FileAccounting = { ...leads, file: 'deals.csv', reasons: {}, attributed: 5, unattributed: null };
  const input = result([sources], {
    run: { rubric: 'leadaudit.yml', preset: 'hubspot', spend: null },
    inputs: { leads, deals },
    verdict: [VERDICT],
    alerts: [{ rule: 'sources.win_rate<0.1', report: 'sources', row: '=HYPERLINK("x")', metric: 'win_rate', value: 0.05, op: '<', threshold: 0.1 }],
  });
  const out = renderers.json(input, plain);
  const doc = JSON.parse(out);

  it('is pretty-printed with a final newline and keys in the SPEC order', () => {
    expect(out.startsWith('{\n  "schemaVersion": 1,\n')).toBe(true);
    expect(out.endsWith('}\n')).toBe(true);
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'asOf', 'run', 'inputs', 'reports', 'verdict', 'alerts']);
    expect(doc.tool).toEqual({ name: 'leadaudit', version: '9.9.9' });
    expect(doc.asOf).toBe('2024-06-30');
    expect(doc.run).toEqual({ rubric: 'leadaudit.yml', preset: 'hubspot', spend: null });
    expect(JSON.parse(renderers.json(result([]), plain)).run).toBeNull();
    expect(doc.verdict).toEqual([VERDICT]);
    expect(Object.keys(doc.verdict[0])).toEqual(['topic', 'finding', 'rules', 'names', 'numbers', 'text']);
  });

  it('carries the row accounting, reasons sorted', () => {
    expect(doc.inputs.leads).toEqual({ ...leads, reasons: { duplicate_id: 1, too_many_cells: 1 } });
    expect(Object.keys(doc.inputs.leads.reasons)).toEqual(['duplicate_id', 'too_many_cells']);
    expect(doc.inputs.deals.attributed).toBe(5);
    expect(doc.inputs.deals.unattributed).toBeNull();
    expect('attributed' in doc.inputs.leads).toBe(false);
    expect(renderers.json(result([]), plain)).toContain('"inputs": {\n    "leads": null,\n    "deals": null\n  }');
  });

  it('holds each report by name with columns, raw rows and notes', () => {
    expect(Object.keys(doc.reports)).toEqual(['sources']);
    const r = doc.reports.sources;
    expect(Object.keys(r)).toEqual(['title', 'columns', 'rows', 'notes']);
    expect(r.columns[2]).toEqual({ key: 'win_rate', label: 'Win rate', kind: 'percent' });
    expect(r.rows[0]).toEqual({ channel: 'Paid search', leads: 1234, win_rate: 0.2, won_revenue: 1234567.89, signif: '+', low_n: false });
    // JSON is not a spreadsheet: input text is kept as it is.
    expect(r.rows[1].channel).toBe('=HYPERLINK("x")');
    expect(r.rows[2]).toEqual({ channel: '-2+3', leads: 0, win_rate: null, won_revenue: -12.35, signif: '', low_n: true });
    expect(r.notes).toEqual(['min-n: 30']);
    expect(doc.alerts).toEqual([input.alerts[0]]);
  });

  it('writes NaN as null and only the columns it declares', () => {
    const r = report('r', [{ key: 'd', label: 'D', kind: 'days' }], [{ d: Number.NaN, extra: 1 }]);
    expect(JSON.parse(renderers.json(result([r]), plain)).reports.r.rows).toEqual([{ d: null }]);
  });

  it('refuses two reports with the same name', () => {
    expect(() => renderers.json(result([sources, sources]), plain)).toThrow(/sources/);
  });

  /** The document as docs/json.md describes it, made whole: what the pieces must add up to. */
  function document(input: AuditResult): string {
    const reports: Record<string, unknown> = {};
    for (const r of input.reports) {
      reports[r.name] = {
        title: r.title,
        columns: r.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind })),
        rows: r.rows.map((row) => Object.fromEntries(r.columns.map((c) => [c.key, rawValue(row[c.key], cellKind(c, row))]))),
        notes: r.notes,
      };
    }
    const accounting = (a: FileAccounting | null) =>
      a === null ? null : { ...a, reasons: Object.fromEntries(Object.entries(a.reasons).sort(([x], [y]) => (x < y ? -1 : 1))) };
    const doc = {
      schemaVersion: 1,
      tool: plain.tool,
      asOf: input.asOf,
      run: input.run ?? null,
      inputs: { leads: accounting(input.inputs.leads), deals: accounting(input.inputs.deals) },
      reports,
      verdict: input.verdict,
      alerts: input.alerts,
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  }

  const cell = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\t', '\u0000', 'é', '😀', '\ud800', ' ') }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const columns: Column[] = [
    { key: 'name', label: 'Name "n"', kind: 'text', fromInput: true },
    { key: 'rate', label: 'Rate', kind: 'percent' },
    { key: 'flag', label: 'Flag', kind: 'flag' },
    { key: 'days', label: 'Days', kind: 'days' },
    // Formatted by the kind its row names, as `diff` does.
    { key: 'value', label: 'Value', kind: 'number', kindFrom: 'unit' },
  ];
  const unit = fc.constantFrom('percent', 'money', 'days', 'count', 'flag', 'text', 'bogus');
  const rowsOf = (n: number, seed: number): Row[] => {
    const cells = fc.sample(fc.tuple(cell, fc.double(), fc.boolean(), fc.integer(), unit, fc.double()), { numRuns: n, seed });
    return cells.map(([name, rate, flag, days, unit, value]) => ({ name, rate, flag, days, unit, value }));
  };

  it('adds up to the whole document, whatever the reports hold', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 6 }), fc.integer()), { maxLength: 4 }), fc.boolean(), (shapes, withInputs) => {
        const reports = shapes.map(([n, seed], i) => report(`r${i}`, columns, rowsOf(n, seed), { notes: i % 2 === 0 ? [] : ['a "note"\n'] }));
        // With inputs, a verdict and an alert (the run above), or with none.
        const run = withInputs ? { ...input, reports } : result(reports);
        expect(renderers.json(run, plain)).toBe(document(run));
      }),
    );
  });

  it('makes rows a batch at a time, the pieces adding up at every batch edge', async () => {
    const render = await load.json();
    for (const n of [2047, 2048, 2049, 4096, 5000]) {
      const run = result([report('big', columns, rowsOf(n, n)), report('empty', columns, []), sources]);
      const pieces = [...render(run, plain)];
      const whole = pieces.join('');
      expect(whole, `${n} rows`).toBe(document(run));
      // Past two batches of rows, no piece holds half of them.
      if (n > 4096) expect(Math.max(...pieces.map((p) => p.length)), `${n} rows`).toBeLessThan(whole.length / 2);
    }
  });
});

describe('table', () => {
  const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');

  it('prints the title, the table with right-aligned numbers and the notes (alerts go to stderr, not here)', () => {
    const out = renderers.table(
      result([sources], {
        alerts: [{ rule: 'summary.win_rate<0.05', report: 'summary', row: null, metric: 'win_rate', value: 0.031234, op: '<', threshold: 0.05 }],
      }),
      plain,
    );
    const l = lines(out);
    expect(l[0]).toBe('sources title');
    expect(l[1]).toMatch(/^┌─/);
    expect(l[2]).toBe('│ Channel         │ Leads │ Win rate │ Won revenue │ Signif │ Low n │');
    expect(l[4]).toBe('│ Paid search     │ 1,234 │    20.0% │   1,234,568 │ +      │       │');
    expect(l[5]).toBe('│ =HYPERLINK("x") │    12 │     5.0% │       44.50 │ -      │ yes   │');
    expect(l[6]).toBe('│ -2+3            │     0 │        — │      -12.35 │        │ yes   │');
    expect(l[8]).toBe('min-n: 30');
    expect(l).toHaveLength(9);
    expect(out).not.toContain('alert');
  });

  it('describes a fired alert for stderr with enough decimals to show it crossed the line', () => {
    expect(alertText({ rule: 'summary.win_rate<0.05', report: 'summary', row: null, metric: 'win_rate', value: 0.031234, op: '<', threshold: 0.05 })).toBe(
      'summary.win_rate<0.05 fired (value 0.0312)',
    );
    // 4 decimals would print 0.02, which does not look below 0.02.
    expect(alertText({ rule: 'sources.win_rate<0.02', report: 'sources', row: 'Paid\u001b[31m', metric: 'win_rate', value: 0.019999, op: '<', threshold: 0.02 })).toBe(
      'sources.win_rate<0.02 fired for Paid (value 0.019999)',
    );
  });

  it('prints no ANSI codes without colour, and colours rates against the baseline with it', () => {
    expect(renderers.table(result([sources]), plain)).not.toContain(ESC);
    const out = renderers.table(result([sources]), { ...plain, color: true });
    expect(out).toContain(`${ESC}[1msources title${ESC}[22m`);
    expect(out).toContain(`${ESC}[32m20.0%${ESC}[39m`);
    expect(out).toContain(`${ESC}[31m5.0%${ESC}[39m`);
    // Only rates are coloured.
    expect(out).not.toMatch(new RegExp(`${ESC}\\[3\\dm1,234`));
  });

  it('strips escape sequences and control characters from data', () => {
    const columns: Column[] = [{ key: 'name', label: 'Name', kind: 'text', fromInput: true }];
    const rows = [{ name: `${ESC}[31mRED` }, { name: `a\tb\nc\u0007d${ESC}]8;;http://x${ESC}\\e` }];
    for (const color of [false, true]) {
      const out = renderers.table(result([report('r', columns, rows, { notes: [`${ESC}[2Jnote`] })]), { ...plain, color });
      expect(out).not.toContain(`${ESC}[31m`);
      expect(out).not.toContain(`${ESC}[2J`);
      expect(out).toContain('│ RED ');
      expect(out).toContain('│ a b cde ');
    }
    expect(terminalSafe(`${ESC}[31mRED${ESC}[0m`)).toBe('RED');
    expect(terminalSafe('\u009b31mX\u202eY')).toBe('31mXY');
    expect(terminalSafe('plain é 検索')).toBe('plain é 検索');
  });

  it('an escape string left open loses only its ESC ]: the text after it is data and stays, in a cell and in a whole output', () => {
    expect(terminalSafe(`Ann${ESC}]unterminated`)).toBe('Annunterminated');
    expect(terminalSafe(`a${ESC}]0;title${BEL}b`)).toBe('ab');
    const csv = `name,owner\nAnn${ESC}]open,Ben\nCat,Dan\n${ESC}]8;;http://x${ESC}\\link,Eve\n`;
    expect(terminalText(csv)).toBe('name,owner\nAnnopen,Ben\nCat,Dan\nlink,Eve\n');
    expect(terminalText(`x${ESC}]0;${'y'.repeat(50)}\nz\n`)).toBe(`x0;${'y'.repeat(50)}\nz\n`);
  });

  describe('fitting the width', () => {
    const wide = report(
      'wide',
      [
        { key: 'stage', label: 'Stage', kind: 'text', priority: 9 },
        { key: 'reached', label: 'Reached', kind: 'count', priority: 1 },
        { key: 'p75_days', label: 'P75 days', kind: 'days', priority: 3 },
        { key: 'conversion', label: 'Conversion', kind: 'percent' },
        { key: 'stalled_pct', label: 'Stalled', kind: 'percent', priority: 2 },
        { key: 'median_days', label: 'Median days', kind: 'days', priority: 3 },
      ],
      [{ stage: 'Marketing qualified', reached: 120000, p75_days: 30, conversion: 0.5, stalled_pct: 0.1, median_days: 12.5 }],
      { notes: ['a note'] },
    );
    const maxWidth = (text: string): number => Math.max(...lines(text).map((l) => l.length));

    it('keeps everything when it fits or with --wide', () => {
      const all = renderers.table(result([wide]), { ...plain, width: 200 });
      expect(all).toContain('Median days');
      expect(all).not.toContain('hidden:');
      const narrow = renderers.table(result([wide]), { ...plain, width: 40, wide: true });
      expect(narrow).toBe(all);
      for (const width of [Number.POSITIVE_INFINITY, Number.NaN, 0]) {
        expect(renderers.table(result([wide]), { ...plain, width })).toBe(all);
      }
    });

    it('drops the highest priority numbers first, the rightmost among equals, never the first or priority 1', () => {
      // Full width is 81; without Median days 67; without P75 days too 56; without Stalled 46.
      expect(maxWidth(renderers.table(result([wide]), { ...plain, width: 200 }))).toBe(81);
      expect(maxWidth(renderers.table(result([wide]), { ...plain, width: 81 }))).toBe(81);
      const at80 = lines(renderers.table(result([wide]), { ...plain, width: 80 }));
      expect(at80[2]).toBe('│ Stage               │ Reached │ P75 days │ Conversion │ Stalled │');
      expect(at80.slice(-2)).toEqual(['a note', 'hidden: Median days (use --wide to show all columns)']);

      expect(maxWidth(renderers.table(result([wide]), { ...plain, width: 67 }))).toBe(67);
      const at66 = lines(renderers.table(result([wide]), { ...plain, width: 66 }));
      expect(at66[2]).toBe('│ Stage               │ Reached │ Conversion │ Stalled │');
      expect(at66.at(-1)).toBe('hidden: P75 days, Median days (use --wide to show all columns)');

      const at55 = renderers.table(result([wide]), { ...plain, width: 55 });
      expect(lines(at55)[2]).toBe('│ Stage               │ Reached │ Conversion │');
      expect(at55).toContain('hidden: P75 days, Stalled, Median days (use');
    });

    it('then wraps text inside its column, and hides a priority-1 column only when even that overflows', () => {
      // At 40 the three columns fit with "Marketing qualified" on two lines.
      const at40 = lines(renderers.table(result([wide]), { ...plain, width: 40 }));
      expect(at40.slice(1, 7)).toEqual([
        '┌───────────────┬─────────┬────────────┐',
        '│ Stage         │ Reached │ Conversion │',
        '├───────────────┼─────────┼────────────┤',
        '│ Marketing     │ 120,000 │      50.0% │',
        '│ qualified     │         │            │',
        '└───────────────┴─────────┴────────────┘',
      ]);
      // At 30 they would not without breaking "Conversion": it is hidden (the rightmost of
      // priority 1), and said so; the first column never is.
      const at30 = renderers.table(result([wide]), { ...plain, width: 30 });
      expect(lines(at30)[2]).toBe('│ Stage            │ Reached │');
      expect(at30).toMatch(/hidden: P75 days, Conversion,\s+Stalled, Median days/);
      const at14 = lines(renderers.table(result([wide]), { ...plain, width: 14 }));
      expect(at14[2]).toBe('│ Stage      │');
      expect(at14[4]).toBe('│ Marketing  │');
    });

    it('fits any width from 40 to 200: every line, for any columns and any text (CJK, emoji, long words)', () => {
      const kinds: ColumnKind[] = ['text', 'count', 'percent', 'money', 'days', 'flag', 'number'];
      const word = fc.oneof(
        fc.string({ unit: fc.constantFrom('a', 'Z', '-', '.', '@', 'é'), minLength: 1, maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('検', '索', '広', '告', 'キ', 'ャ', '한', '국'), minLength: 1, maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('😀', '👨‍👩‍👧', '☺️', '🇩🇪', 'e\u0301', '\u200b'), minLength: 1, maxLength: 4 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
        // A word longer than any column: an email, an id, a URL.
        fc.string({ unit: fc.constantFrom('x', 'y', '.', '_'), minLength: 40, maxLength: 120 }),
      );
      const text = fc.array(word, { maxLength: 8 }).map((words) => words.join(' '));
      const column = fc.record({
        kind: fc.constantFrom(...kinds),
        priority: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
        label: text,
      });
      const cell = (kind: ColumnKind) =>
        kind === 'text' ? text : kind === 'flag' ? fc.boolean() : fc.option(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { freq: 8 });
      const reportOf = fc.array(column, { minLength: 1, maxLength: 12 }).chain((specs) => {
        const columns: Column[] = specs.map((c, i) => ({ key: `c${i}`, label: c.label, kind: c.kind, ...(c.priority === undefined ? {} : { priority: c.priority }) }));
        const row = fc.tuple(...columns.map((c) => cell(c.kind))).map((values) => Object.fromEntries(columns.map((c, i) => [c.key, values[i] ?? null])));
        return fc.record({
          columns: fc.constant(columns),
          rows: fc.array(row, { maxLength: 6 }),
          notes: fc.array(text, { maxLength: 3 }),
          title: text,
          record: fc.boolean(),
        });
      });
      fc.assert(
        fc.property(reportOf, fc.integer({ min: 40, max: 200 }), fc.boolean(), (r, width, color) => {
          const one = report('r', r.columns, r.rows, { notes: r.notes, title: r.title, ...(r.record ? { layout: 'record' as const } : {}) });
          const out = renderers.table(result([one]), { ...plain, width, color });
          for (const line of lines(out)) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
        }),
        { numRuns: 200, seed: 13 },
      );
      // Narrower still, a table (which can hide columns; a record cannot) fits too.
      fc.assert(
        fc.property(reportOf, fc.integer({ min: 12, max: 39 }), (r, width) => {
          const out = renderers.table(result([report('r', r.columns, r.rows, { notes: r.notes, title: r.title })]), { ...plain, width });
          for (const line of lines(out)) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
        }),
        { numRuns: 100, seed: 13 },
      );
    });

    it('wraps notes to the width, losing no word, continuation lines indented', () => {
      const note =
        'No sales gap shown: 14 qualified leads stalled in sales stages, 14.6% of 96 qualified handoffs (95% CI 8.9%–23.0%): not shown above the 10.0% tolerance; below grade B, 23.0% of 87 handoffs stalled (p = 0.144); no owner differs from the rest.';
      const out = lines(renderers.table(result([report('r', [], [], { notes: [note, '- a bullet that is long enough to need a second line here'] })]), { ...plain, width: 50 }));
      expect(out[0]).toBe('r title');
      const notes = out.slice(1);
      for (const line of notes) expect(stringWidth(line), line).toBeLessThanOrEqual(50);
      expect(notes.slice(-2)).toEqual(['- a bullet that is long enough to need a second', '  line here']);
      const first = notes.slice(0, -2);
      expect(first.length).toBeGreaterThan(4);
      expect(first.slice(1).every((line) => line.startsWith('  '))).toBe(true);
      expect(first.join(' ').replace(/\s+/g, ' ')).toBe(note);
    });

    it('with --wide keeps every column and cell whole, however wide', () => {
      const long = report('r', [
        { key: 'name', label: 'Name', kind: 'text' },
        { key: 'leads', label: 'Leads', kind: 'count', priority: 5 },
      ], [{ name: 'x'.repeat(150), leads: 1 }], { notes: ['a note'] });
      const out = lines(renderers.table(result([long]), { ...plain, width: 40, wide: true }));
      expect(out[4]).toBe(`│ ${'x'.repeat(150)} │     1 │`);
      expect(out.join('\n')).not.toContain('hidden:');
    });

    it('counts wide characters as two columns', () => {
      const cjk = report('cjk', [
        { key: 'channel', label: 'Channel', kind: 'text', fromInput: true },
        { key: 'leads', label: 'Leads', kind: 'count', priority: 2 },
      ], [{ channel: '有料検索広告キャンペーン', leads: 5 }]);
      // The channel column alone is 1 + 2 + 24 + 1 = 28 wide; with Leads 36.
      expect(renderers.table(result([cjk]), { ...plain, width: 36 })).not.toContain('hidden:');
      expect(renderers.table(result([cjk]), { ...plain, width: 35 })).toContain('hidden: Leads');
    });
  });

  it('draws the frame as cli-table3 did (compact style), for text both measure alike', () => {
    // The renderer draws tables itself (one measure of width for layout and padding; wrapping);
    // where cli-table3's older string-width agrees (not for newer wide characters), the lines must
    // be the ones it drew before. Colour: the win rate of a row marked + is green, - red.
    const columns: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'leads', label: 'Leads', kind: 'count' },
      { key: 'win_rate', label: 'Rate', kind: 'percent', baseline: 0.5 },
      { key: 'signif', label: 'Sig', kind: 'text' },
    ];
    const name = fc.oneof(
      { arbitrary: fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '-', '|', '.', 'é', '—', '’'), maxLength: 10 }), weight: 40 },
      { arbitrary: fc.string({ unit: fc.constantFrom('検', '索', '😀', 'ü', 'Ω', '한'), maxLength: 6 }), weight: 1 },
    );
    const row = fc.record({
      name,
      leads: fc.nat(),
      win_rate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 20 }),
      signif: fc.constantFrom('+', '-', ''),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 120, size: 'max' }), fc.boolean(), (rows, color) => {
        const out = renderers.table(result([report('r', columns, rows)]), { ...plain, color, width: 10_000 });
        const paint = new Chalk({ level: color ? 1 : 0 });
        const whole = new Table({ head: ['Name', 'Leads', 'Rate', 'Sig'], colAligns: ['left', 'right', 'right', 'left'], style: { head: [], border: [], compact: true } });
        for (const r of rows) {
          const rate = formatCell(r.win_rate, 'percent', 'human');
          const painted = r.win_rate === null || r.signif === '' ? rate : r.signif === '+' ? paint.green(rate) : paint.red(rate);
          whole.push([terminalSafe(r.name), formatCell(r.leads, 'count', 'human'), painted, r.signif]);
        }
        const title = color ? `${ESC}[1mr title${ESC}[22m` : 'r title';
        expect(out).toBe(`${title}\n${whole.toString()}\n`);
      }),
      { numRuns: 60, seed: 13 },
    );
  });

  it('colours by significance, not by the average: a rate above its baseline with no mark stays plain; an owner whose stalls are significantly higher is red', () => {
    const sources = report('sources', [
      { key: 'channel', label: 'Channel', kind: 'text' },
      { key: 'win_rate', label: 'Win rate', kind: 'percent', baseline: 0.1 },
      { key: 'signif', label: 'Sig', kind: 'text' },
    ], [{ channel: 'Web', win_rate: 0.3, signif: '' }, { channel: 'Ads', win_rate: 0.01, signif: '-' }]);
    const out = renderers.table(result([sources]), { ...plain, color: true });
    expect(out).toContain(`│ Web     │    30.0% │`);
    expect(out).toContain(`${ESC}[31m1.0%${ESC}[39m`);
    const owners = report('owners', [
      { key: 'owner', label: 'Owner', kind: 'text' },
      { key: 'stalled_qualified_sales', label: 'Stalled', kind: 'count' },
      { key: 'stall_signif', label: 'Sig', kind: 'text' },
    ], [{ owner: 'Ann', stalled_qualified_sales: 12, stall_signif: '+' }, { owner: 'Ben', stalled_qualified_sales: 1, stall_signif: '-' }]);
    const painted = renderers.table(result([owners]), { ...plain, color: true });
    expect(painted).toContain(`${ESC}[31m12${ESC}[39m`);
    expect(painted).toContain(`${ESC}[32m1${ESC}[39m`);
  });

  it('prints a record report as label/value pairs', () => {
    const summary = report(
      'summary',
      [
        { key: 'leads', label: 'Leads', kind: 'count' },
        { key: 'win_rate', label: 'Win rate', kind: 'percent', baseline: 0.1 },
        { key: 'biggest_leak', label: 'Biggest leak', kind: 'text' },
      ],
      [{ leads: 4200, win_rate: 0.085, biggest_leak: 'SQL' }],
      { layout: 'record', notes: ['leads.csv: 4,300 read, 4,200 used'] },
    );
    expect(lines(renderers.table(result([summary]), plain))).toEqual([
      'summary title',
      '┌──────────────┬───────┐',
      '│ Leads        │ 4,200 │',
      '│ Win rate     │  8.5% │',
      '│ Biggest leak │ SQL   │',
      '└──────────────┴───────┘',
      'leads.csv: 4,300 read, 4,200 used',
    ]);
    // A summary has no significance mark: nothing in it is coloured (a rate below its baseline is not news).
    expect(renderers.table(result([summary]), { ...plain, color: true })).not.toContain(`${ESC}[31m`);
  });

  it('wraps a record report\'s long values to the width, numbers whole', () => {
    const summary = report(
      'summary',
      [
        { key: 'leads', label: 'Leads', kind: 'count' },
        { key: 'best_channel', label: 'Best channel', kind: 'text', fromInput: true },
      ],
      [{ leads: 1234567, best_channel: 'Partner referrals (EMEA enterprise programme, 2025 cohort)' }],
      { layout: 'record' },
    );
    expect(lines(renderers.table(result([summary]), { ...plain, width: 40 }))).toEqual([
      'summary title',
      '┌──────────────┬───────────────────────┐',
      '│ Leads        │             1,234,567 │',
      '│ Best channel │ Partner referrals     │',
      '│              │ (EMEA enterprise      │',
      '│              │ programme, 2025       │',
      '│              │ cohort)               │',
      '└──────────────┴───────────────────────┘',
    ]);
  });

  it('separates reports by one blank line and prints a report without columns as title and notes', () => {
    const skipped = report('owners', [], [], { notes: ['skipped: needs an owner column'] });
    const one = report('a', [{ key: 'x', label: 'X', kind: 'count' }], [{ x: 1 }]);
    expect(lines(renderers.table(result([skipped, one]), plain))).toEqual([
      'owners title',
      'skipped: needs an owner column',
      '',
      'a title',
      '┌───┐',
      '│ X │',
      '├───┤',
      '│ 1 │',
      '└───┘',
    ]);
    expect(renderers.table(result([]), plain)).toBe('');
    expect(renderers.csv(result([skipped]), plain)).toBe('');
  });
});
