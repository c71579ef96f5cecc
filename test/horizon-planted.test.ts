/**
 * Rates at a horizon, suggested points and revenue at risk against planted truths
 * (scripts/generate-horizon.ts, fixtures/planted/horizon/): a channel too young to have won is not
 * marked worse at the horizon, a channel planted worse is; two signals that fire together share
 * the points one of them gets alone; and the sales gap's revenue at risk brackets the planted one.
 * Each check reads the bundled fixture through a user's entry points: load, buildReports, verdicts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateHorizon, parseCli, BUNDLED, RUBRIC_ONE_TWIN_YAML, RUBRIC_YAML, type HorizonPlanted } from '../scripts/generate-horizon.js';
import { load } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { differences } from '../src/reports/compare.js';
import { parseDate } from '../src/data/normalize.js';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, 'fixtures', 'planted', 'horizon');
const planted = JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8')) as HorizonPlanted;
const FILES = ['leads.csv', 'deals.csv', 'planted.json', 'rubric.yml', 'rubric-one-twin.yml'];

async function run(rubric: 'rubric.yml' | 'rubric-one-twin.yml') {
  const loaded = await load({
    leads: join(dir, 'leads.csv'),
    deals: join(dir, 'deals.csv'),
    rubric: join(dir, rubric),
    asOf: parseDate(planted.asOf),
    minN: 30,
    strict: false,
    keepRejects: false,
    cwd: dir,
  });
  const reports = Object.fromEntries(buildReports(loaded.facts, ['sources', 'signals']).map((r) => [r.name, r]));
  return { loaded, reports, verdicts: verdicts(loaded.facts) };
}

const byName = <T extends Record<string, unknown>>(rows: readonly T[], key: string) => new Map(rows.map((r) => [r[key] as string, r]));

describe('sources at the horizon', () => {
  it('does not mark Young, too young to have won, and marks Weak, planted worse', async () => {
    const { reports } = await run('rubric.yml');
    const rows = byName(reports.sources!.rows, 'channel');
    const { youngChannel: young, weakChannel: weak, steadyChannels: steady } = planted.planted;
    expect(rows.get(young)!.horizon_leads).toBe(0);
    expect(rows.get(young)!.signif).toBe('');
    expect(rows.get(weak)!.signif).toBe('-');
    // A steady channel may be marked +: the rest it is compared with includes Weak. Never -.
    for (const c of steady) expect({ c, mark: rows.get(c)!.signif }).not.toEqual({ c, mark: '-' });
  });

  it('would find Young worse by won so far (won / leads), where its leads have not had time', async () => {
    const { reports } = await run('rubric.yml');
    const rows = reports.sources!.rows;
    const at = byName(rows, 'channel');
    const { youngChannel: young, steadyChannels: steady } = planted.planted;
    const steadyLowest = Math.min(...steady.map((c) => at.get(c)!.won_so_far as number));
    expect(at.get(young)!.won_so_far as number).toBeLessThan(0.5 * steadyLowest);
    // The same test as the Sig column, on won so far instead of the rate at the horizon.
    const plain = differences(
      rows.map((r) => ({ x: r.won as number, n: r.leads as number })),
      30,
    );
    expect(plain[rows.findIndex((r) => r.channel === young)]!.mark).toBe('-');
  });
});

describe('signals: suggested points from one model of all the signals', () => {
  it('splits the twins\' points between them: together about what one gets alone', async () => {
    const both = byName((await run('rubric.yml')).reports.signals!.rows, 'signal');
    const one = byName((await run('rubric-one-twin.yml')).reports.signals!.rows, 'signal');
    const [a, b] = planted.planted.twinSignals;
    const points = (m: typeof both, s: string) => m.get(s)!.suggested_points as number;
    // Rounding each suggestion to a whole point moves the sum by up to 1.5; the rest is the fit.
    expect(Math.abs(points(both, a) + points(both, b) - points(one, a))).toBeLessThanOrEqual(2);
    for (const m of [both, one]) {
      const ref = points(m, planted.planted.referenceSignal);
      expect(ref).toBe(30);
      for (const [s, row] of m) if (s !== planted.planted.referenceSignal) expect(row.suggested_points as number).toBeLessThan(ref);
    }
  });
});

describe('the sales gap\'s revenue at risk', () => {
  it('brackets the planted value: stalled qualified handoffs × the handoffs\' win chance × the median won amount', async () => {
    const { verdicts: lines } = await run('rubric.yml');
    const n = lines.find((v) => v.topic === 'sales gap')!.numbers;
    expect(n.stalled).toBe(planted.counts.sales.stalledQualifiedSales);
    expect(n.median_won_amount).toBe(planted.planted.medianWonAmount);
    expect(planted.expectedRevenueAtRisk).toBeCloseTo(planted.counts.sales.stalledQualifiedSales * planted.planted.handoffWin * planted.planted.medianWonAmount, 2);
    expect(planted.expectedRevenueAtRisk).toBeGreaterThanOrEqual(n.revenue_at_risk_low!);
    expect(planted.expectedRevenueAtRisk).toBeLessThanOrEqual(n.revenue_at_risk_high!);
  });
});

describe('determinism and the bundled fixture', () => {
  it('regenerates the bundled files byte for byte from the same seed', () => {
    const out = mkdtempSync(join(tmpdir(), 'leadaudit-horizon-'));
    generateHorizon({ ...BUNDLED, out });
    for (const f of FILES) expect(readFileSync(join(out, f)).equals(readFileSync(join(dir, f))), f).toBe(true);
    expect(readFileSync(join(dir, 'rubric.yml'), 'utf8')).toBe(RUBRIC_YAML);
    expect(readFileSync(join(dir, 'rubric-one-twin.yml'), 'utf8')).toBe(RUBRIC_ONE_TWIN_YAML);
    expect(parseCli([])[0]!.out).toBe(dir);
  });
});
