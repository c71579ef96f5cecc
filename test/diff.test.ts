/**
 * diff (docs/json.md, "diff"): what moved between two runs, verdicts, summary, funnel, pipeline and
 * sources first; stalled leads and deals only when they newly stalled or are no longer stalled,
 * never because they aged; an odd but well-formed run gives fewer changes, not an exception.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import type { ColumnKind, Row } from '../src/model.js';
import { diffRuns, runDocumentProblem, type RunDocument } from '../src/reports/diff.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Columns = { key: string; label: string; kind: ColumnKind }[];
const STALL_COLUMNS: Columns = [
  { key: 'kind', label: 'Kind', kind: 'text' },
  { key: 'lead_id', label: 'Lead', kind: 'text' },
  { key: 'deal_id', label: 'Deal', kind: 'text' },
  { key: 'name', label: 'Name', kind: 'text' },
  { key: 'stage', label: 'Stage', kind: 'text' },
  { key: 'days_in_stage', label: 'Days in stage', kind: 'days' },
  { key: 'days_over', label: 'Days over', kind: 'days' },
  { key: 'owner', label: 'Owner', kind: 'text' },
  { key: 'open_amount', label: 'Open amount', kind: 'money' },
];
const stall = (lead: string, stage: string, days: number): Row => ({ kind: 'lead', lead_id: lead, deal_id: null, name: `Name ${lead}`, stage, days_in_stage: days, days_over: days - 14, owner: 'Ann', open_amount: null });
const doc = (asOf: string, reports: RunDocument['reports'], verdict?: RunDocument['verdict']): RunDocument => ({ asOf, reports, ...(verdict ? { verdict } : {}) });

describe('diff: stall rows', () => {
  it('lists a lead newly stalled and one no longer stalled, not the ones that only aged a week', () => {
    const older = doc('2025-06-23', { stalls: { columns: STALL_COLUMNS, rows: [stall('L1', 'mql', 20), stall('L2', 'sql', 30), stall('L3', 'mql', 100)] } });
    const newer = doc('2025-06-30', { stalls: { columns: STALL_COLUMNS, rows: [stall('L1', 'mql', 27), stall('L3', 'mql', 107), stall('L4', 'lead', 15)] } });
    const rows = diffRuns(older, newer)[0]!.rows;
    // L1 and L3 only aged (days in stage and over grew by 7): no row.
    expect(rows).toEqual([
      { report: 'stalls', row: 'lead / L2 / sql', metric: '(no longer stalled)', kind: 'count', old: 1, new: 0, change: -1, relative: -1 },
      { report: 'stalls', row: 'lead / L4 / lead', metric: '(newly stalled)', kind: 'count', old: 0, new: 1, change: 1, relative: null },
    ]);
  });

  it('a lead that moved on and stalled again is no longer stalled at the old stage and newly stalled at the new', () => {
    const older = doc('2025-06-23', { stalls: { columns: STALL_COLUMNS, rows: [stall('L1', 'mql', 20)] } });
    const newer = doc('2025-06-30', { stalls: { columns: STALL_COLUMNS, rows: [stall('L1', 'sql', 16)] } });
    expect(diffRuns(older, newer)[0]!.rows.map((r) => [r.row, r.metric])).toEqual([
      ['lead / L1 / mql', '(no longer stalled)'],
      ['lead / L1 / sql', '(newly stalled)'],
    ]);
  });

  it('on the HubSpot sample a week later with one stalled lead touched: exactly the leads that entered or left the stall list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-diff-stalls-'));
    const src = join(root, 'fixtures', 'samples', 'hubspot');
    const contacts = readFileSync(join(src, 'contacts.csv'), 'utf8');
    writeFileSync(join(dir, 'contacts.csv'), contacts);
    writeFileSync(join(dir, 'deals.csv'), readFileSync(join(src, 'deals.csv')));
    const audit = (asOf: string) => run(['audit', 'contacts.csv', 'deals.csv', '--as-of', asOf, '--format', 'json', '--quiet'], dir).stdout;
    writeFileSync(join(dir, 'old.json'), audit('2025-06-23'));
    const stalled = (file: string) =>
      (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { reports: { stalls: { rows: Row[] } } }).reports.stalls.rows;
    // A lead stalled in the older run gets an activity the day before the newer as-of: it recovers.
    const touched = stalled('old.json').find((r) => r.kind === 'lead')!.lead_id as string;
    const records = parse(contacts, { bom: true }) as string[][];
    const header = records[0]!;
    const id = header.indexOf('Record ID');
    const activity = header.indexOf('Last Activity Date');
    const row = records.find((r) => r[id] === touched)!;
    row[activity] = '2025-06-29';
    writeFileSync(join(dir, 'contacts.csv'), stringify(records));
    writeFileSync(join(dir, 'new.json'), audit('2025-06-30'));

    const key = (r: Row) => [r.kind, r.lead_id, r.deal_id, r.stage].filter((v) => v !== null && v !== '').join(' / ');
    const before = new Set(stalled('old.json').map(key));
    const after = new Set(stalled('new.json').map(key));
    const aged = [...after].filter((k) => before.has(k));
    const entered = [...after].filter((k) => !before.has(k)).sort();
    const left = [...before].filter((k) => !after.has(k)).sort();
    // The week aged many stalled leads; some newly stalled; the touched one left.
    expect(aged.length).toBeGreaterThan(100);
    expect(entered.length).toBeGreaterThan(0);
    expect(left.some((k) => k.startsWith(`lead / ${touched} /`))).toBe(true);

    const r = run(['diff', 'old.json', 'new.json', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const rows = (JSON.parse(r.stdout) as { reports: { diff: { rows: Row[] } } }).reports.diff.rows.filter((c) => c.report === 'stalls');
    expect(rows.filter((c) => c.metric === '(newly stalled)').map((c) => c.row).sort()).toEqual(entered);
    expect(rows.filter((c) => c.metric === '(no longer stalled)').map((c) => c.row).sort()).toEqual(left);
    expect(rows).toHaveLength(entered.length + left.length);
  });
});

describe('diff: order', () => {
  const count = (key: string) => ({ columns: [{ key: 'name', label: 'Name', kind: 'text' as const }, { key, label: key, kind: 'count' as const }] });
  const reports = (n: number, names: string[]): RunDocument['reports'] =>
    Object.fromEntries(names.map((name) => [name, { ...count('leads'), rows: [{ name: 'x', leads: name === 'owners' ? n * 10 : n }] }]));
  const names = ['matrix', 'owners', 'sources', 'cohorts', 'pipeline', 'funnel', 'summary'];

  it('verdicts, then summary, funnel, pipeline and sources, then the rest in the newer run\'s order', () => {
    const older = doc('2025-06-23', reports(10, names), [{ topic: 'sales gap', finding: 'no gap', names: [] }]);
    const newer = doc('2025-06-30', reports(20, [...names].reverse()), [{ topic: 'sales gap', finding: 'gap', names: ['Omar'] }]);
    const order = diffRuns(older, newer)[0]!.rows.map((r) => r.report);
    expect(order).toEqual(['verdict', 'summary', 'funnel', 'pipeline', 'sources', 'cohorts', 'owners', 'matrix']);
  });

  it('within a report, biggest relative change first, ties by row name', () => {
    const columns = count('leads').columns;
    const older = doc('a', { sources: { columns, rows: [{ name: 'b', leads: 10 }, { name: 'a', leads: 10 }, { name: 'c', leads: 100 }] } });
    const newer = doc('b', { sources: { columns, rows: [{ name: 'b', leads: 20 }, { name: 'a', leads: 20 }, { name: 'c', leads: 300 }] } });
    expect(diffRuns(older, newer)[0]!.rows.map((r) => r.row)).toEqual(['c', 'a', 'b']);
  });
});

describe('diff: odd but well-formed runs give no exception', () => {
  const good = doc('2025-06-30', { summary: { columns: [{ key: 'leads', label: 'Leads', kind: 'count' }], rows: [{ leads: 5 }] } });
  const odd = JSON.parse(
    '{"asOf":"2025-06-23","reports":{"summary":{"columns":"none","rows":[1,null,{"leads":"x"}]},"__proto__":{"rows":[]},"constructor":null,"toString":{"columns":[{"key":"n","kind":"wat"}],"rows":[{"n":1}]}},"verdict":[null,3,{"topic":1}]}',
  ) as RunDocument;

  it.each([
    ['odd → good', odd, good],
    ['good → odd', good, odd],
    ['odd → odd', odd, odd],
    ['no reports object', { asOf: 'x', reports: null } as unknown as RunDocument, good],
    ['verdict not a list', { ...good, verdict: 'gap' } as unknown as RunDocument, good],
  ])('%s', (_, older, newer) => {
    expect(() => diffRuns(older, newer)).not.toThrow();
  });

  it('a report a run has under an inherited name is not taken for one it lacks', () => {
    const plain = doc('a', {});
    expect(diffRuns(plain, plain)[0]!.rows).toEqual([]);
    const withConstructor = JSON.parse('{"asOf":"b","reports":{"constructor":{"columns":[],"rows":[]}}}') as RunDocument;
    expect(diffRuns(plain, withConstructor)[0]!.rows).toMatchObject([{ report: 'constructor', metric: '(new report)' }]);
  });
});

describe('diff: runDocumentProblem, for the reader of a run to refuse what a diff cannot read', () => {
  const good = { schemaVersion: 1, asOf: '2025-06-30', reports: { summary: { columns: [{ key: 'leads', label: 'Leads', kind: 'count' }], rows: [{ leads: 5 }] } }, verdict: [] };

  it('passes a run, and a run of an older build (reasons in words, no run key, verdicts as sentences)', () => {
    expect(runDocumentProblem(good)).toBeUndefined();
    expect(runDocumentProblem({ ...good, inputs: { leads: { reasons: { 'duplicate id': 2 } } }, verdict: ['No sales gap shown: …'] })).toBeUndefined();
  });

  it.each([
    [null, 'not a JSON object'],
    [[], 'not a JSON object'],
    [{ ...good, schemaVersion: 2 }, 'expected schemaVersion 1'],
    [{ ...good, asOf: undefined }, 'asOf is not a date'],
    [{ ...good, reports: [] }, 'reports is not an object'],
    [{ ...good, reports: { summary: null } }, 'reports.summary is not a report'],
    [{ ...good, reports: { x: { columns: [], rows: 5 } } }, 'reports.x.rows is not a list of rows'],
    [{ ...good, reports: { x: { columns: [], rows: [1] } } }, 'reports.x.rows is not a list of rows'],
    [{ ...good, reports: { x: { columns: [{ key: 1 }], rows: [] } } }, 'reports.x.columns is not a list of columns'],
    [{ ...good, verdict: {} }, 'verdict is not a list'],
  ])('%j: %s', (doc, problem) => {
    expect(runDocumentProblem(doc)).toContain(problem);
  });
});

describe('diff: ages', () => {
  const columns: Columns = [
    { key: 'lead_id', label: 'Lead', kind: 'text' },
    { key: 'days_in_stage', label: 'Days in stage', kind: 'days' },
    { key: 'won_amount', label: 'Won amount', kind: 'money' },
  ];

  it('a lead\'s days in stage that grew by the days between the runs only aged; a reset or a jump is listed', () => {
    const older = doc('2025-06-23', { score: { columns, rows: [{ lead_id: 'L1', days_in_stage: 10, won_amount: 0 }, { lead_id: 'L2', days_in_stage: 40.5, won_amount: 0 }, { lead_id: 'L3', days_in_stage: 3, won_amount: 0 }] } });
    const newer = doc('2025-06-30', { score: { columns, rows: [{ lead_id: 'L1', days_in_stage: 17, won_amount: 0 }, { lead_id: 'L2', days_in_stage: 2, won_amount: 500 }, { lead_id: 'L3', days_in_stage: 30, won_amount: 0 }] } });
    expect(diffRuns(older, newer)[0]!.rows.map((r) => [r.row, r.metric])).toEqual([
      ['L2', 'won_amount'],
      ['L3', 'days_in_stage'],
      ['L2', 'days_in_stage'],
    ]);
  });

  it('without as-of dates to measure by, every change of days is listed', () => {
    const older = doc('then', { score: { columns, rows: [{ lead_id: 'L1', days_in_stage: 10, won_amount: 0 }] } });
    const newer = doc('now', { score: { columns, rows: [{ lead_id: 'L1', days_in_stage: 17, won_amount: 0 }] } });
    expect(diffRuns(older, newer)[0]!.rows.map((r) => r.metric)).toEqual(['days_in_stage']);
  });
});
