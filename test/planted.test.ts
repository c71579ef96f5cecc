/**
 * Accountability on exports with planted effects (scripts/generate-planted.ts): the reports must
 * name exactly what was planted — the channel that closes three times as often, the predictive
 * and the inverse signal, the owner whose grade-A leads stall in SQL, the channel that floods
 * handoff with grade-D leads — on a sales-gap export (every owner and grade stalling alike, far
 * above the tolerance) call the sales gap by its tolerance rule alone, and on a control export
 * with none, name nothing.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePlanted, writeRubric, type Planted, type Scenario } from '../scripts/generate-planted.js';
import { load } from '../src/load.js';
import { buildReports } from '../src/reports/index.js';
import { verdicts } from '../src/reports/verdicts.js';
import { parseDate } from '../src/data/normalize.js';

const root = resolve(import.meta.dirname, '..');

/** What the reports name: every channel, signal or owner they single out, and the verdicts. */
async function named(dir: string, rubric: string) {
  const loaded = await load({
    leads: join(dir, 'leads.csv'),
    deals: join(dir, 'deals.csv'),
    rubric,
    asOf: parseDate('2025-06-30'),
    minN: 30,
    strict: false,
    keepRejects: false,
    cwd: dir,
  });
  const reports = Object.fromEntries(buildReports(loaded.facts, ['summary', 'sources', 'signals', 'owners', 'matrix']).map((r) => [r.name, r]));
  const summary = reports.summary!.rows[0]!;
  const lines = verdicts(loaded.facts);
  return {
    loaded,
    reports,
    best: summary.best_channel,
    worst: summary.worst_channel,
    predictive: reports.signals!.rows.filter((r) => r.verdict === 'predictive').map((r) => r.signal),
    inverse: reports.signals!.rows.filter((r) => r.verdict === 'inverse').map((r) => r.signal),
    stallingOwners: reports.owners!.rows.filter((r) => r.stall_signif === '+').map((r) => r.owner),
    marketing: lines.find((v) => v.topic === 'marketing gap')!,
    sales: lines.find((v) => v.topic === 'sales gap')!,
    rubricCheck: lines.find((v) => v.topic === 'rubric check')!,
  };
}

const bundled = (scenario: Scenario) => {
  const dir = join(root, 'fixtures', 'planted', scenario);
  return { dir, planted: JSON.parse(readFileSync(join(dir, 'planted.json'), 'utf8')) as Planted, rubric: join(root, 'fixtures', 'planted', 'rubric.yml') };
};

describe('the planted export', () => {
  const { dir, planted, rubric } = bundled('planted');

  it('names exactly the planted effects, with the verdicts', async () => {
    const n = await named(dir, rubric);
    expect(n.best).toBe(planted.planted.bestChannel);
    expect(n.predictive).toEqual([planted.planted.predictiveSignal]);
    expect(n.inverse).toEqual([planted.planted.inverseSignal]);
    expect(n.stallingOwners).toEqual([planted.planted.stallingOwner]);
    expect([n.sales.finding, n.sales.names]).toEqual(['gap', [planted.planted.stallingOwner]]);
    expect(n.sales.rules).toContain('owner');
    expect([n.marketing.finding, n.marketing.names]).toEqual(['gap', [planted.planted.floodingChannel]]);
    expect(n.rubricCheck.finding).toBe('works');
    // The gap the flooding channel alone found is priced on its below-grade handoffs.
    const m = n.marketing.numbers;
    expect(n.marketing.rules).toEqual(['channel_floods']);
    expect(m.revenue_at_risk!).toBeCloseTo(m.channel_below_grade! * (m.win_rate_qualified! - m.channel_win_rate_below_grade!) * m.median_won_amount!, 6);
    expect(m.revenue_at_risk_low!).toBeGreaterThan(0);
    expect(m.revenue_at_risk_low!).toBeLessThan(m.revenue_at_risk!);
    expect(m.revenue_at_risk_high!).toBeGreaterThan(m.revenue_at_risk!);
    expect(n.sales.text).toMatch(/Omar's: \d+\.\d% of that owner's qualified handoffs vs \d+\.\d% for other owners \(p < 0\.001\)/);
  });

  it('counts what the generator recorded: channels, signals, owners, grades', async () => {
    const { loaded, reports } = await named(dir, rubric);
    const c = planted.counts;
    const leads = loaded.data.leads!;
    const handoff = loaded.rubric.stages.findIndex((s) => s.side === 'sales');
    for (const [channel, want] of Object.entries(c.channels)) {
      const mine = leads.filter((l) => l.channel === channel);
      const handed = mine.filter((l) => l.furthest >= handoff);
      expect({ channel, leads: mine.length, won: mine.filter((l) => l.outcome === 'won').length, handedOff: handed.length, handedOffUnqualified: handed.filter((l) => !l.qualified).length }).toEqual({ channel, ...want });
    }
    // Every lead with each signal, and its wins so far (the signals report counts those at the horizon).
    loaded.rubric.signals.forEach((signal, i) => {
      const want = c.signals[signal.name]!;
      const mine = leads.filter((l) => l.hasSignal(i));
      expect({ signal: signal.name, with: mine.length, wonWith: mine.filter((l) => l.outcome === 'won').length }).toEqual({ signal: signal.name, with: want.with, wonWith: want.wonWith });
    });
    const owners = new Map(reports.owners!.rows.map((r) => [r.owner, r]));
    for (const [owner, want] of Object.entries(c.owners)) {
      const row = owners.get(owner)!;
      expect({ owner, leads: row.leads, qualified: row.qualified, handedOff: row.handed_off, won: row.won, stalled: row.stalled_qualified_sales }).toEqual({
        owner,
        leads: want.leads,
        qualified: want.qualified,
        handedOff: want.handedOff,
        won: want.won,
        stalled: want.qualifiedStalledSales,
      });
    }
    const matrix = new Map(reports.matrix!.rows.map((r) => [r.grade, r]));
    for (const [grade, want] of Object.entries(c.grades)) {
      expect({ grade, leads: matrix.get(grade)!.leads, won: matrix.get(grade)!.won, handedOff: matrix.get(grade)!.handed_off }).toEqual({ grade, ...want });
    }
  });
});

describe('the control export', () => {
  const { dir, planted, rubric } = bundled('control');

  it('names nothing: no best or worst channel, no predictive signal, no stalling owner, no channel flooding handoff', async () => {
    expect(Object.values(planted.planted).every((v) => v === null)).toBe(true);
    const n = await named(dir, rubric);
    expect([n.best, n.worst, n.predictive, n.inverse, n.stallingOwners]).toEqual([null, null, [], [], []]);
    expect([n.marketing.finding, n.marketing.names, n.sales.finding, n.sales.names]).toEqual(['no gap', [], 'no gap', []]);
    expect(n.sales.rules).toEqual([]);
    // The stalled share is below the 10% tolerance's reach: the interval's low end is not above it.
    expect(n.sales.numbers.stalled_low!).toBeLessThanOrEqual(0.1);
    expect(n.rubricCheck.finding).toBe('no evidence');
  });
});

describe('the sales-gap export: every owner and grade stalls alike, far above the tolerance', () => {
  const { dir, planted, rubric } = bundled('sales-gap');

  it('calls a sales gap by rule above_tolerance alone, naming no owner', async () => {
    expect(planted.planted.teamSqlStall).toBeGreaterThan(0.1);
    const n = await named(dir, rubric);
    expect([n.sales.finding, n.sales.rules, n.sales.names]).toEqual(['gap', ['above_tolerance'], []]);
    expect(n.stallingOwners).toEqual([]);
    expect(n.sales.numbers.stalled_low!).toBeGreaterThan(0.1);
    expect(n.sales.numbers.tolerance).toBe(0.1);
    expect(n.sales.numbers.tolerance_p!).toBeLessThan(0.025);
    expect(n.sales.text).toMatch(/^Sales gap: \d+ qualified leads stalled in sales stages, \d+\.\d% of \d+ qualified handoffs \(95% CI [\d.]+%–[\d.]+%\): above the 10\.0% tolerance with 95% confidence/);
    // Nothing else was planted: no marketing gap. (The rubric check is left out: at the 120-day
    // horizon this export's grades show a weak trend, p = 0.02, that wins so far (p = 0.08) did not,
    // and across seeds the scenario leans the same way: see the generator, not the verdict.)
    expect(n.marketing.finding).toBe('no gap');
  });

  it('counts the stalled qualified handoffs the generator recorded', async () => {
    const n = await named(dir, rubric);
    const owners = Object.values(planted.counts.owners);
    expect(n.sales.numbers.stalled).toBe(owners.reduce((s, o) => s + o.qualifiedStalledSales, 0));
    expect(n.sales.numbers.handoffs).toBe(owners.reduce((s, o) => s + o.qualifiedHandedOff, 0));
  });

  it('finds the gap by the tolerance on other seeds too', async () => {
    const base = mkdtempSync(join(tmpdir(), 'leadaudit-sales-gap-'));
    writeRubric(base);
    for (const seed of [2, 3]) {
      const out = join(base, `sales-gap-${seed}`);
      generatePlanted({ scenario: 'sales-gap', leads: 4000, seed, asOf: '2025-06-30', out });
      const n = await named(out, join(base, 'rubric.yml'));
      expect({ seed, finding: n.sales.finding, aboveTolerance: n.sales.rules.includes('above_tolerance') }).toEqual({ seed, finding: 'gap', aboveTolerance: true });
    }
  });

  it('calls no gap when the rubric tolerates that much stalling', async () => {
    const base = mkdtempSync(join(tmpdir(), 'leadaudit-sales-gap-'));
    const tolerant = join(base, 'rubric.yml');
    writeFileSync(tolerant, `${readFileSync(rubric, 'utf8')}verdicts: { salesStallTolerance: 0.5 }\n`);
    const n = await named(dir, tolerant);
    expect([n.sales.finding, n.sales.rules, n.sales.numbers.tolerance]).toEqual(['no gap', [], 0.5]);
    expect(n.sales.text).toMatch(/not shown above the 50\.0% tolerance/);
  });
});

describe('over seeds nobody picked', () => {
  // Seeds 1–6 of each scenario: every planted export must show every effect; the controls may
  // show a false alarm only at the rate the tests allow (5% per family: 1 in 6 at the most).
  const base = mkdtempSync(join(tmpdir(), 'leadaudit-planted-'));
  writeRubric(base);
  const rubric = join(base, 'rubric.yml');
  const seeds = [1, 2, 3, 4, 5, 6];

  it('finds every planted effect on every seed', async () => {
    for (const seed of seeds) {
      const out = join(base, `planted-${seed}`);
      const planted = generatePlanted({ scenario: 'planted', leads: 4000, seed, asOf: '2025-06-30', out });
      const n = await named(out, rubric);
      expect({ seed, best: n.best, predictive: n.predictive, inverse: n.inverse, owners: n.stallingOwners, flooding: n.marketing.names[0] ?? null, findings: [n.marketing.finding, n.sales.finding, n.rubricCheck.finding] }).toEqual({
        findings: ['gap', 'gap', 'works'],
        seed,
        best: planted.planted.bestChannel,
        predictive: [planted.planted.predictiveSignal],
        inverse: [planted.planted.inverseSignal],
        owners: [planted.planted.stallingOwner],
        flooding: planted.planted.floodingChannel,
      });
    }
  });

  it('names something on at most one control seed', async () => {
    const alarms: number[] = [];
    for (const seed of seeds) {
      const out = join(base, `control-${seed}`);
      generatePlanted({ scenario: 'control', leads: 4000, seed, asOf: '2025-06-30', out });
      const n = await named(out, rubric);
      const anything =
        n.best !== null ||
        n.worst !== null ||
        n.predictive.length + n.inverse.length + n.stallingOwners.length > 0 ||
        n.marketing.finding !== 'no gap' ||
        n.sales.finding !== 'no gap' ||
        n.rubricCheck.finding !== 'no evidence';
      if (anything) alarms.push(seed);
    }
    expect(alarms.length).toBeLessThanOrEqual(1);
  });
});
