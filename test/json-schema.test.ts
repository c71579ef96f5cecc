/**
 * Machines can rely on the JSON (docs/json.md): the document of every bundled sample, of each
 * command and of the runs that change its shape (--by, --spend, leads only, deals only, alerts,
 * diff) validates against the schema `leadaudit schema --output` prints, checked by ajv; and a
 * document a key off fails, so the validation cannot pass vacuously. The fixture exports are
 * validated where test/init-exports.test.ts runs their audit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROW_REASONS } from '../src/model.js';
import { outputErrors, printedOutputSchema } from './helpers/output-schema.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');

function run(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A run's JSON document, which must have exited 0 (3 where alerts fire). */
function json(args: string[], code = 0): Record<string, unknown> {
  const r = run([...args, '--format', 'json', '--quiet']);
  expect(r.stderr.replace(/^leadaudit: alert: .*\n/gm, '')).toBe('');
  expect(r.code).toBe(code);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const SAMPLES = readdirSync(join(root, 'fixtures', 'samples')).sort();

function sample(name: string): { leads: string; deals: string; asOf: string } {
  const dir = join('fixtures', 'samples', name);
  const expected = JSON.parse(readFileSync(join(root, dir, 'expected.json'), 'utf8')) as { leadsFile: string; dealsFile: string; asOf: string };
  return { leads: join(dir, expected.leadsFile), deals: join(dir, expected.dealsFile), asOf: expected.asOf };
}

describe('schema --output', () => {
  it('prints a draft 2020-12 JSON Schema of the document; schema and schema --rubric print the rubric\'s', () => {
    const schema = printedOutputSchema() as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['schemaVersion', 'tool', 'asOf', 'run', 'inputs', 'reports', 'verdict', 'alerts']);
    const rubric = run(['schema']);
    expect(rubric.code).toBe(0);
    expect(run(['schema', '--rubric']).stdout).toBe(rubric.stdout);
    expect(JSON.parse(rubric.stdout).properties).toHaveProperty('stages');
    const both = run(['schema', '--rubric', '--output']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--rubric or --output, not both/);
  });

  it('is the reviewed file test/golden/output-schema.json (a change of the document shows in the diff)', async () => {
    const r = run(['schema', '--output']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'output-schema.json'));
  });

  it('names every reason key as a stable identifier', () => {
    const text = run(['schema', '--output']).stdout;
    for (const key of Object.keys(ROW_REASONS)) {
      expect(key).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(text).toContain(`"${key}"`);
    }
  });
});

describe.each(SAMPLES)('the %s sample', (name) => {
  const { leads, deals, asOf } = sample(name);
  const at = ['--as-of', asOf];

  it.each([
    ['audit', [leads, deals]],
    ['audit, leads only', [leads]],
    ['audit, deals only', ['--deals', deals]],
    ['check', [leads, deals]],
    ['score --with-columns', [leads, deals, '--with-columns']],
    ['stalls', [leads, deals]],
    ['cohorts --since', [leads, deals, '--since', '2025-01-01']],
  ] as const)('%s validates', (what, args) => {
    const command = what.split(/[ ,]/)[0]!;
    expect(outputErrors(json([command, ...args, ...at]))).toEqual([]);
  });

  it('funnel, sources and matrix --by owner validate (a column named by the run)', () => {
    for (const command of ['funnel', 'sources', 'matrix']) expect(outputErrors(json([command, leads, deals, ...at, '--by', 'owner'])), command).toEqual([]);
  });
});

describe('runs that change the shape', () => {
  const { leads, deals, asOf } = sample('hubspot');
  const at = ['--as-of', asOf];

  it('demo, explain, spend and fired alerts validate', () => {
    expect(outputErrors(json(['demo']))).toEqual([]);
    expect(outputErrors(json(['explain', '51058653', leads, deals, ...at]))).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-json-schema-'));
    const spend = join(dir, 'spend.csv');
    writeFileSync(spend, 'channel,spend\nPaid Search,1000\nOrganic Search,10\n');
    const withSpend = json(['sources', leads, deals, ...at, '--spend', spend]) as { reports: { sources: { rows: Record<string, unknown>[] } } };
    expect(withSpend.reports.sources.rows[0]).toHaveProperty('roas');
    expect(outputErrors(withSpend)).toEqual([]);
    const alerted = json(['audit', leads, deals, ...at, '--fail-on', 'sources.win_rate<0.9'], 3) as { alerts: unknown[] };
    expect(alerted.alerts.length).toBeGreaterThan(0);
    expect(outputErrors(alerted)).toEqual([]);
  });

  it('diff --format json validates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-json-schema-'));
    const older = join(dir, 'old.json');
    const newer = join(dir, 'new.json');
    writeFileSync(older, run(['audit', leads, deals, '--as-of', '2025-06-01', '--format', 'json', '--quiet']).stdout);
    writeFileSync(newer, run(['audit', leads, deals, ...at, '--format', 'json', '--quiet']).stdout);
    const doc = json(['diff', older, newer]) as { run: unknown; reports: { diff: { rows: unknown[] } } };
    expect(doc.run).toBeNull();
    expect(doc.reports.diff.rows.length).toBeGreaterThan(0);
    expect(outputErrors(doc)).toEqual([]);
  });

  it('every JSON golden file validates', () => {
    // Run documents: not the schemas, nor the logistic fits' saved cases (test/logistic.test.ts).
    const files = readdirSync(join(root, 'test', 'golden'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') && !f.endsWith('schema.json') && !f.startsWith('logistic'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(outputErrors(JSON.parse(readFileSync(join(root, 'test', 'golden', f), 'utf8'))), f).toEqual([]);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a document to break at any depth
type Doc = Record<string, any>;

describe('a document a key off fails', () => {
  const { leads, deals, asOf } = sample('hubspot');
  const good = json(['audit', leads, deals, '--as-of', asOf]);
  const broken = (change: (doc: Doc) => void): Doc => {
    const doc = structuredClone(good) as Doc;
    change(doc);
    return doc;
  };

  it('the untouched document passes', () => {
    expect(outputErrors(good)).toEqual([]);
  });

  it.each([
    ['a count as text', (d: Doc): void => void (d.reports.summary.rows[0].won = '12'), /\/reports\/summary\/rows\/0\/won/],
    ['a rate as text', (d: Doc): void => void (d.reports.sources.rows[0].win_rate = '0.2'), /\/reports\/sources\/rows\/0/],
    ['a flag as a number', (d: Doc): void => void (d.reports.sources.rows[0].low_n = 1), /\/reports\/sources\/rows\/0/],
    ['a row key no report has', (d: Doc): void => void (d.reports.funnel.rows[0].conversoin = 0.5), /\/reports\/funnel\/rows\/0/],
    ['a report no command makes', (d: Doc): void => void (d.reports.funnnel = d.reports.funnel), /\/reports/],
    ['a reason in words', (d: Doc): void => void (d.inputs.leads.reasons = { 'duplicate id': 2 }), /\/inputs\/leads/],
    ['a verdict without one of its numbers', (d: Doc): void => void delete d.verdict[1].numbers.tolerance, /\/verdict\/1/],
    ['a finding no rule gives', (d: Doc): void => void (d.verdict[0].finding = 'maybe'), /\/verdict\/0/],
    ['a finding of another topic', (d: Doc): void => void (d.verdict[0].finding = 'works'), /\/verdict\/0/],
    ['a rule of another topic', (d: Doc): void => void (d.verdict[2].rules = ['owner']), /\/verdict\/2/],
    ['schemaVersion 2', (d: Doc): void => void (d.schemaVersion = 2), /\/schemaVersion/],
    ['an as-of date as a number', (d: Doc): void => void (d.asOf = 20250630), /\/asOf/],
    ['a preset no one ships', (d: Doc): void => void (d.run = { rubric: null, preset: 'odoo' }), /\/run/],
    ['no alerts key', (d: Doc): void => void delete d.alerts, /alerts/],
  ] as [string, (d: Doc) => void, RegExp][])('%s', (_, change, where) => {
    const errors = outputErrors(broken(change));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(where);
  });
});
