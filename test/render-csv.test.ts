/**
 * The two number styles of `--format csv` / `tsv` (src/render/csv.ts): plain (`0.305`, `,`
 * between fields, flags `true`/`false`) and `--decimal-comma` (`0,305`, `;` between CSV fields,
 * flags `1`/`0`). Both: no thousands separators, rates as fractions, dates ISO, formula
 * neutralization only on text from the input. test/spreadsheet.test.ts checks what LibreOffice
 * makes of them.
 */
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditResult, Column, ColumnKind, Report, Row } from '../src/model.js';
import { field, spreadsheetCell } from '../src/render/csv.js';
import { formatCell, rawValue } from '../src/render/format.js';
import { joined, renderers } from '../src/render/index.js';
import type { RenderOptions } from '../src/render/types.js';
import { neutralizeFormula } from '../src/render/safe.js';

const csvRender = await renderers.csv();
const tsvRender = await renderers.tsv();
const base: RenderOptions = { color: false, width: 80, wide: false, tool: { name: 'leadaudit', version: '9.9.9' } };
const comma: RenderOptions = { ...base, decimalComma: true };
const csv = (r: AuditResult, o: RenderOptions) => joined(csvRender(r, o));
const tsv = (r: AuditResult, o: RenderOptions) => joined(tsvRender(r, o));

function result(reports: Report[]): AuditResult {
  return { asOf: '2024-06-30', inputs: { leads: null, deals: null }, reports, verdict: [], alerts: [] };
}

function report(columns: Column[], rows: Row[]): Report {
  return { name: 'r', title: 'R', columns, rows, notes: [] };
}

/** One column of each kind, as the reports declare them. */
const columns: Column[] = [
  { key: 'channel', label: 'Channel', kind: 'text', fromInput: true },
  { key: 'leads', label: 'Leads', kind: 'count' },
  { key: 'handoff_pct', label: 'Handoff', kind: 'percent' },
  { key: 'won_revenue', label: 'Won revenue', kind: 'money' },
  { key: 'median_days', label: 'Median days', kind: 'days' },
  { key: 'lift', label: 'Lift', kind: 'number' },
  { key: 'low_n', label: 'Low n', kind: 'flag' },
  { key: 'created', label: 'Created', kind: 'text' },
  { key: 'signif', label: 'Sig', kind: 'text' },
];
const row: Row = {
  channel: 'Paid; Search, EU',
  leads: 1234567,
  handoff_pct: 0.305,
  won_revenue: 2001004.256,
  median_days: 32.25,
  lift: -0.5,
  low_n: true,
  created: '2025-01-15',
  signif: '-',
};

describe('number style per mode', () => {
  it('plain: `.` decimals, `,` between fields, flags true/false, nothing grouped', () => {
    expect(csv(result([report(columns, [row, { ...row, low_n: false }])]), base)).toBe(
      'channel,leads,handoff_pct,won_revenue,median_days,lift,low_n,created,signif\n' +
        '"Paid; Search, EU",1234567,0.305,2001004.26,32.3,-0.5,true,2025-01-15,-\n' +
        '"Paid; Search, EU",1234567,0.305,2001004.26,32.3,-0.5,false,2025-01-15,-\n',
    );
  });

  it('--decimal-comma: `,` decimals, `;` between fields, flags 1/0, nothing grouped', () => {
    expect(csv(result([report(columns, [row, { ...row, low_n: false }])]), comma)).toBe(
      'channel;leads;handoff_pct;won_revenue;median_days;lift;low_n;created;signif\n' +
        '"Paid; Search, EU";1234567;0,305;2001004,26;32,3;-0,5;1;2025-01-15;-\n' +
        '"Paid; Search, EU";1234567;0,305;2001004,26;32,3;-0,5;0;2025-01-15;-\n',
    );
  });

  it('rounds by kind the same in both modes, only the decimal mark differs', () => {
    const cases: [number, ColumnKind, string, string][] = [
      [0.30549, 'percent', '0.3055', '0,3055'],
      [1, 'percent', '1', '1'],
      [0, 'percent', '0', '0'],
      [44.5, 'money', '44.5', '44,5'],
      [-12.345, 'money', '-12.35', '-12,35'],
      [1234567.891, 'money', '1234567.89', '1234567,89'],
      [12.25, 'days', '12.3', '12,3'],
      [3.77594, 'number', '3.7759', '3,7759'],
      [-0.00001, 'number', '0', '0'],
      [20.5, 'count', '20.5', '20,5'],
      [1.5e-7, 'count', '1.5e-7', '1,5e-7'],
    ];
    for (const [value, kind, plain, decimal] of cases) {
      expect(spreadsheetCell(value, kind, false), `${value} ${kind}`).toBe(plain);
      expect(spreadsheetCell(value, kind, true), `${value} ${kind}`).toBe(decimal);
    }
  });

  it('writes null, NaN and ±Infinity as an empty cell in both modes', () => {
    for (const value of [null, undefined, Number.NaN, Infinity, -Infinity]) {
      for (const kind of ['count', 'percent', 'money', 'days', 'number'] as const) {
        expect(spreadsheetCell(value, kind, false)).toBe('');
        expect(spreadsheetCell(value, kind, true)).toBe('');
      }
    }
    expect(spreadsheetCell(null, 'flag', true)).toBe('');
    expect(spreadsheetCell(Number.NaN, 'flag', true)).toBe('');
  });

  it('plain mode is byte for byte the raw style every other machine format uses', () => {
    const kinds = fc.constantFrom<ColumnKind>('count', 'percent', 'money', 'days', 'number', 'text', 'flag');
    const value = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.string(), fc.constant(null));
    fc.assert(
      fc.property(value, kinds, (v, kind) => {
        expect(spreadsheetCell(v, kind, false)).toBe(formatCell(v, kind, 'raw'));
      }),
      { numRuns: 2000 },
    );
  });

  it('--decimal-comma numbers read back as the raw value, with one `,` and never a `.` or grouping', () => {
    const kinds = fc.constantFrom<ColumnKind>('count', 'percent', 'money', 'days', 'number');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), kinds, (v, kind) => {
        const text = spreadsheetCell(v, kind, true);
        expect(text).not.toContain('.');
        expect(text.split(',').length).toBeLessThanOrEqual(2);
        expect(Number(text.replace(',', '.'))).toBe(rawValue(v, kind));
      }),
      { numRuns: 2000 },
    );
  });

  it('percent columns stay fractions (format the column as % in the spreadsheet)', () => {
    const out = csv(result([report([{ key: 'win_rate', label: 'Win rate', kind: 'percent' }], [{ win_rate: 0.1033 }, { win_rate: 1 }])]), comma);
    expect(out).toBe('win_rate\n0,1033\n1\n');
    expect(out).not.toMatch(/%|10,33/);
  });

  it('booleans anywhere become 1/0, and a flag column holding text keeps the text', () => {
    const cols: Column[] = [
      { key: 'mature', label: 'Mature', kind: 'flag' },
      { key: 'note', label: 'Note', kind: 'text' },
    ];
    const rows: Row[] = [{ mature: true, note: false }, { mature: false, note: true }, { mature: null, note: null }, { mature: 'n/a', note: 'x' }];
    expect(csv(result([report(cols, rows)]), comma)).toBe('mature;note\n1;0\n0;1\n;\nn/a;x\n');
    expect(csv(result([report(cols, rows)]), base)).toBe('mature,note\ntrue,false\nfalse,true\n,\nn/a,x\n');
  });

  it('dates stay ISO YYYY-MM-DD in both modes (a date in every locale), and month labels stay as they are', () => {
    const cols: Column[] = [
      { key: 'cohort', label: 'Cohort', kind: 'text' },
      { key: 'entered', label: 'Entered', kind: 'text' },
    ];
    const rows: Row[] = [{ cohort: '2025-01', entered: '2025-01-31' }, { cohort: '(no date)', entered: null }];
    expect(csv(result([report(cols, rows)]), comma)).toBe('cohort;entered\n2025-01;2025-01-31\n(no date);\n');
    expect(csv(result([report(cols, rows)]), base)).toBe('cohort,entered\n2025-01,2025-01-31\n(no date),\n');
  });

  it('formats a diff cell by its row kind (kindFrom) in --decimal-comma too', () => {
    const cols: Column[] = [
      { key: 'kind', label: 'Kind', kind: 'text' },
      { key: 'old', label: 'Old', kind: 'number', kindFrom: 'kind' },
    ];
    const rows: Row[] = [{ kind: 'percent', old: 0.123456 }, { kind: 'money', old: 1234.5678 }, { kind: 'text', old: 'gap' }];
    expect(csv(result([report(cols, rows)]), comma)).toBe('kind;old\npercent;0,1235\nmoney;1234,57\ntext;gap\n');
  });
});

describe('separators and quoting', () => {
  it('--decimal-comma CSV quotes a cell holding `;`, a quote or a line end, and leaves `,` bare', () => {
    expect(field('a;b', ';')).toBe('"a;b"');
    expect(field('say "hi"', ';')).toBe('"say ""hi"""');
    expect(field('a\nb', ';')).toBe('"a\nb"');
    expect(field('a\rb', ';')).toBe('"a\rb"');
    expect(field('Acme, Inc.', ';')).toBe('Acme, Inc.');
    expect(field('a\tb', ';')).toBe('a\tb');
    // The plain style quotes the comma instead.
    expect(field('Acme, Inc.', ',')).toBe('"Acme, Inc."');
    expect(field('a;b', ',')).toBe('a;b');
  });

  it('--decimal-comma CSV reads back cell for cell with `;` as the delimiter', () => {
    const cols: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'rate', label: 'Rate', kind: 'percent' },
    ];
    const text = fc.string({ unit: fc.constantFrom('a', ';', ',', '\t', '"', '\n', '\r', '=', '-', ' ', 'é', "'") });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.double({ min: -2, max: 2, noNaN: true })), { minLength: 1, maxLength: 5 }), (cells) => {
        const rows = cells.map(([name, rate]) => ({ name, rate }));
        const expected = [['name', 'rate'], ...cells.map(([name, rate]) => [neutralizeFormula(name), spreadsheetCell(rate, 'percent', true)])];
        const input = result([report(cols, rows)]);
        expect(parse(csv(input, comma), { delimiter: ';' })).toEqual(expected);
        expect(parse(tsv(input, comma), { delimiter: '\t' })).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('TSV with --decimal-comma keeps TAB between fields and takes the comma decimals', () => {
    const cols: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'rate', label: 'Rate', kind: 'percent' },
      { key: 'ok', label: 'OK', kind: 'flag' },
    ];
    expect(tsv(result([report(cols, [{ name: 'a;b', rate: 0.305, ok: true }])]), comma)).toBe('name\trate\tok\na;b\t0,305\t1\n');
    expect(tsv(result([report(cols, [{ name: 'a;b', rate: 0.305, ok: true }])]), base)).toBe('name\trate\tok\na;b\t0.305\ttrue\n');
  });

  it('separates the reports of an audit by one empty line in --decimal-comma too', () => {
    const one = report([{ key: 'x', label: 'X', kind: 'money' }], [{ x: 1.5 }]);
    const two = report([{ key: 'y', label: 'Y', kind: 'text' }, { key: 'z', label: 'Z', kind: 'count' }], [{ y: 'q', z: 2 }]);
    expect(csv(result([one, two]), comma)).toBe('x\n1,5\n\ny;z\nq;2\n');
  });
});

describe('formula neutralization in --decimal-comma', () => {
  it('prefixes input text that starts a formula, never a computed negative number', () => {
    const cols: Column[] = [
      { key: 'name', label: 'Name', kind: 'text', fromInput: true },
      { key: 'delta', label: 'Delta', kind: 'number', fromInput: true },
      { key: 'mark', label: 'Mark', kind: 'text' },
    ];
    const rows: Row[] = ['=1+1', '-0,5', '+1', '@SUM(A1)', '\tx', '＝1', 'plain'].map((name) => ({ name, delta: -0.5, mark: '-' }));
    const read: string[][] = parse(csv(result([report(cols, rows)]), comma), { delimiter: ';' });
    expect(read.slice(1).map((r) => r[0])).toEqual(["'=1+1", "'-0,5", "'+1", "'@SUM(A1)", "'\tx", "'＝1", 'plain']);
    expect(read.slice(1).every((r) => r[1] === '-0,5' && r[2] === '-')).toBe(true);
  });

  it('neutralizes a header key (a `--by` column is named by the user)', () => {
    const r = report([{ key: '=cmd;x', label: '=cmd', kind: 'text', fromInput: true }], [{ '=cmd;x': 'x' }]);
    expect(csv(result([r]), comma)).toBe(`"'=cmd;x"\nx\n`);
  });
});
