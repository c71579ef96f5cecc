/**
 * `init` → `check` → `audit` on each realistic export shape (fixtures/exports, made by
 * scripts/generate-exports.ts), unedited, as a new user would run them: every step exits 0, the
 * written rubric is the reviewed file under test/golden/init/, and the audit's join matches what
 * the generator recorded for the join mode the rubric states.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { outputErrors } from './helpers/output-schema.js';

const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'bin', 'leadaudit.js');
const exportsDir = join(root, 'fixtures', 'exports');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Expected {
  asOf: string;
  leads?: { name: string };
  deals?: { name: string };
  join: null | { matchedDeals: number; attributedWonRevenue: number; first: { wonLeads: number }; all: { wonLeads: number } };
}

const shapes = readdirSync(exportsDir).filter((d) => !d.startsWith('.')).sort();

describe.each(shapes)('%s', (shape) => {
  const expected = JSON.parse(readFileSync(join(exportsDir, shape, 'expected.json'), 'utf8')) as Expected;
  const dir = mkdtempSync(join(tmpdir(), `leadaudit-init-${shape}-`));
  for (const f of readdirSync(join(exportsDir, shape))) copyFileSync(join(exportsDir, shape, f), join(dir, f));
  const files = expected.leads ? [expected.leads.name, ...(expected.deals ? [expected.deals.name] : [])] : ['--deals', expected.deals!.name];

  it('init writes the reviewed rubric, and check and audit run on it unedited', async () => {
    const init = run(['init', ...files], dir);
    expect(init.stderr).toMatch(/wrote leadaudit\.yml/);
    expect(init.code).toBe(0);
    const text = readFileSync(join(dir, 'leadaudit.yml'), 'utf8').replace(/ on \d{4}-\d{2}-\d{2},/, ' on DATE,');
    await expect(text).toMatchFileSnapshot(join('golden', 'init', `${shape}.yml`));
    const check = run(['check', ...files, '--as-of', expected.asOf, '--quiet'], dir);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const audit = run(['audit', ...files, '--as-of', expected.asOf, '--format', 'json', '--quiet'], dir);
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
    // Machines can rely on it: the document has the shape `schema --output` prints (docs/json.md).
    expect(outputErrors(JSON.parse(audit.stdout))).toEqual([]);
    if (!expected.join || !expected.leads) return;
    // The join the rubric states gives the generator's numbers: deals attributed, the revenue of
    // the won ones (split or not, it sums to the same), and — where only a won deal makes a lead
    // won — the won leads of that mode.
    const doc = JSON.parse(audit.stdout) as { inputs: { deals: { attributed: number } }; reports: Record<string, { rows: Record<string, unknown>[] }> };
    const rubric = parse(text) as { join?: { shared?: 'first' | 'all' }; stages: { reachedWhen?: Record<string, unknown> }[] };
    const mode = rubric.join?.shared ?? 'first';
    expect(doc.inputs.deals.attributed).toBe(expected.join.matchedDeals);
    const revenue = doc.reports.sources!.rows.filter((r) => r.channel !== '(unattributed)').reduce((sum, r) => sum + Number(r.won_revenue ?? 0), 0);
    // Report rows carry money to the cent, so their sum may be a few cents off the exact total.
    expect(Math.abs(revenue - expected.join.attributedWonRevenue)).toBeLessThan(0.05);
    const won = rubric.stages.at(-1)!.reachedWhen ?? {};
    if (Object.keys(won).length === 1 && won.deal === 'won') expect(doc.reports.summary!.rows[0]!.won).toBe(expected.join[mode].wonLeads);
  });
});
