/**
 * The public datasets of ../shared/data, with the rubrics in examples/. Their licences do not let
 * the project bundle them, so these tests run only where the data is present (a developer's
 * checkout next to shared/); the expected numbers were counted with Python's csv module.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { load, type LoadOptions } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { verdicts as buildVerdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';

const root = resolve(import.meta.dirname, '..');
const data = resolve(root, '..', 'shared', 'data');
const present = existsSync(join(data, 'maven-crm', 'sales_pipeline.csv'));

async function audit(options: Partial<LoadOptions>) {
  const loaded = await load({ asOf: parseDate('2018-01-01'), minN: 30, strict: false, keepRejects: false, cwd: root, ...options });
  const reports = buildReports(loaded.facts, ['summary', 'funnel', 'sources']);
  return { loaded, report: (name: string) => reports.find((r) => r.name === name)! };
}

describe.skipIf(!present)('public datasets (../shared/data)', () => {
  it('maven-crm: deals only — pipeline table, win rate and revenue by sales_agent and product', async () => {
    const deals = join(data, 'maven-crm', 'sales_pipeline.csv');
    const rubric = join(root, 'examples', 'maven-crm.yml');
    const byAgent = await audit({ deals, rubric, by: 'sales_agent' });
    expect(byAgent.loaded.data.inputs.deals).toMatchObject({ read: 8800, used: 8800, rejected: 0, skipped: 0 });
    const summary = byAgent.report('summary').rows[0]!;
    expect(summary).toMatchObject({ deals: 8800, won: 4238, lost: 2473, won_revenue: 10005534 });
    expect(byAgent.report('pipeline').rows.map((r) => [r.stage, r.reached])).toEqual([
      ['Prospecting', 8800],
      ['Engaging', 8300],
      ['won', 4238],
    ]);
    expect(byAgent.report('sources').rows).toHaveLength(30);
    const byProduct = await audit({ deals, rubric, by: 'product' });
    const won = Object.fromEntries(byProduct.report('sources').rows.map((r) => [r.product, r.won]));
    expect(won).toEqual({ 'GTX Basic': 915, 'MG Special': 793, GTXPro: 729, 'MG Advanced': 654, 'GTX Plus Basic': 653, 'GTX Plus Pro': 479, 'GTK 500': 15 });
  });

  it('x-education: leads only — funnel and sources with the outcome from Converted', async () => {
    const { loaded, report } = await audit({ leads: join(data, 'x-education', 'Leads.csv'), rubric: join(root, 'examples', 'x-education.yml') });
    expect(loaded.data.inputs.leads).toMatchObject({ read: 9240, used: 9240, rejected: 0, skipped: 0 });
    expect(report('summary').rows[0]).toMatchObject({ leads: 9240, won: 3561 });
    const google = report('sources').rows.find((r) => r.channel === 'Google')!;
    expect(google.leads).toBe(2868 + 5); // "Google" and "google" grouped by the rubric's channel rule
    expect(loaded.warnings.filter((w) => /could not be read/.test(w))).toEqual([]);
  });

  it('paid-media: semicolons and M/D/YYYY read with zero rejects; sources by UTM_Medium', async () => {
    const { loaded, report } = await audit({
      leads: join(data, 'paid-media', 'Leads.csv'),
      rubric: join(root, 'examples', 'paid-media.yml'),
      by: 'UTM_Medium',
      asOf: parseDate('2023-03-01'),
    });
    expect(loaded.data.inputs.leads).toMatchObject({ read: 2262, used: 2262, rejected: 0, skipped: 0, delimiter: ';' });
    // No bookings join these leads: the won stage (reached by a won deal) is named, not judged (docs/verdicts.md).
    expect(loaded.warnings).toEqual([
      'stage "won" cannot be reached with these inputs: it is reached only by a won deal, and there is no deals file; its rates are 0 by construction and are not judged (not judged: no deals file)',
    ]);
    expect(buildVerdicts(loaded.facts).map((v) => v.finding)).toEqual(['not judged', 'not judged', 'not judged']);
    expect(report('sources').rows.map((r) => [r.UTM_Medium, r.leads])).toEqual([
      ['paid-content-syndication', 1260],
      ['paid-search', 635],
      ['paid-social', 361],
      ['paid-display-ads', 5],
      ['paid-remarketing', 1],
    ]);
  });
});
