/**
 * Whole outputs of the built binary on the bundled samples, compared with reviewed files under
 * test/golden/ (update with `npx vitest run test/golden.test.ts -u`, then read the git diff).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SAMPLES = {
  hubspot: ['contacts.csv', 'deals.csv'],
  salesforce: ['leads.csv', 'opportunities.csv'],
  pipedrive: ['persons.csv', 'deals.csv'],
} as const;

const EXTENSION: Record<string, string> = { table: 'txt', csv: 'csv', tsv: 'tsv', json: 'json' };

/** Which formats each command is pinned in (score is one row per lead: CSV is the one people use). */
const CASES: [command: string, formats: string[]][] = [
  ['audit', ['table', 'csv', 'tsv', 'json']],
  ['funnel', ['table', 'json']],
  ['sources', ['table', 'csv', 'tsv', 'json']],
  ['score', ['csv']],
  ['check', ['table', 'json']],
  ['matrix', ['table', 'csv', 'json']],
  ['signals', ['table', 'csv']],
  ['stalls', ['table', 'csv']],
  ['cohorts', ['table', 'csv']],
  ['owners', ['table', 'csv']],
];

describe.each(Object.entries(SAMPLES))('%s sample', (sample, [leads, deals]) => {
  const files = [`fixtures/samples/${sample}/${leads}`, `fixtures/samples/${sample}/${deals}`];
  for (const [command, formats] of CASES) {
    it.each(formats)(`${command} --format %s`, async (format) => {
      const r = run([command, ...files, '--as-of', '2025-06-30', '--format', format, '--quiet']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      await expect(r.stdout).toMatchFileSnapshot(join('golden', sample, `${command}.${EXTENSION[format]}`));
    });
  }
});

describe('tiny edge fixtures', () => {
  const files = ['fixtures/edge/leads.csv', 'fixtures/edge/deals.csv'];
  it.each(['table', 'csv', 'tsv', 'json'])('score --format %s', async (format) => {
    const r = run(['score', ...files, '--as-of', '2025-06-30', '--format', format, '--quiet', '--with-columns']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'edge', `score.${EXTENSION[format]}`));
  });

  it('a deals-only audit', async () => {
    const r = run(['audit', '--deals', 'fixtures/edge/deals.csv', '--as-of', '2025-06-30', '--quiet', '--wide']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'edge', 'audit-deals-only.txt'));
  });

  it('a leads-only audit', async () => {
    const r = run(['audit', 'fixtures/edge/leads.csv', '--as-of', '2025-06-30', '--quiet', '--wide']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'edge', 'audit-leads-only.txt'));
  });
});

describe('explain', () => {
  it.each(['table', 'json'])('one HubSpot lead --format %s', async (format) => {
    const r = run(['explain', '51058653', 'fixtures/samples/hubspot/contacts.csv', 'fixtures/samples/hubspot/deals.csv', '--as-of', '2025-06-30', '--format', format, '--quiet']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'hubspot', `explain.${EXTENSION[format]}`));
  });
});

describe('demo and schema', () => {
  it('demo prints the audit of the bundled sample', async () => {
    const r = run(['demo', '--quiet']);
    expect(r.code).toBe(0);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'demo.txt'));
  });

  it('schema prints the rubric JSON Schema', async () => {
    const r = run(['schema']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).$schema).toMatch(/json-schema\.org/);
    await expect(r.stdout).toMatchFileSnapshot(join('golden', 'schema.json'));
  });
});
