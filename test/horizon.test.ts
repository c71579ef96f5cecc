/**
 * Rates at a horizon (docs/reports.md, "Rates at a horizon"), rule by rule: the bands a lead falls
 * in (src/engine/horizon.ts, and the same bands in SQL), the counts a tally's cells give at each
 * rung, how a run's horizon is chosen (src/reports/horizon.ts), and the verdicts' revenue at risk
 * on a small export whose every number is known.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bands, FULL_FOLLOW_UP, HORIZONS, HorizonCells, horizonLadder } from '../src/engine/horizon.js';
import { leadFacts, type AuditFacts } from '../src/engine/facts.js';
import { bandsSql } from '../src/engine/sql/queries.js';
import { dialect } from '../src/engine/sql/dialects.js';
import { horizon, HORIZON_QUANTILE, MIN_HORIZON_WINS, youngNote } from '../src/reports/horizon.js';
import { diffInterval, wilson } from '../src/reports/stats.js';
import { verdicts } from '../src/reports/verdicts.js';
import { buildReports } from '../src/reports/index.js';
import { hasHorizon } from '../src/reports/horizon.js';
import { parseRubricText } from '../src/io/read-rubric.js';
import { validateRubric } from '../src/rubric/validate.js';
import { resolveRubric, type Rubric } from '../src/rubric/resolve.js';
import { load } from '../src/load.js';
import { dayNumber } from '../src/data/normalize.js';

const bands = new Bands(HORIZONS);
const E = HORIZONS.length;

describe('the bands of a lead (Bands)', () => {
  it('age band: how many rungs the age has reached; no date or a future created date is band 0', () => {
    expect(bands.age(NaN)).toBe(0);
    expect(bands.age(-5)).toBe(0);
    expect(bands.age(29)).toBe(0);
    expect(bands.age(30)).toBe(1);
    expect(bands.age(59)).toBe(1);
    expect(bands.age(60)).toBe(2);
    expect(bands.age(729)).toBe(E - 1);
    expect(bands.age(730)).toBe(E);
    expect(bands.age(5000)).toBe(E);
  });

  it('win band: the first rung the days to win are within, past the last, not won, or no days to measure', () => {
    expect(bands.win(true, 0)).toBe(0);
    expect(bands.win(true, 30)).toBe(0);
    expect(bands.win(true, 31)).toBe(1);
    expect(bands.win(true, 730)).toBe(E - 1);
    expect(bands.win(true, 731)).toBe(E);
    expect(bands.win(false, 10)).toBe(bands.notWon);
    expect(bands.win(true, NaN)).toBe(bands.noDays);
    expect(bands.win(true, -1)).toBe(bands.noDays);
    expect(new Set([E, bands.notWon, bands.noDays]).size).toBe(3);
  });

  it('the ladder holds the rubric\'s horizon, ascending, once; full follow-up is a rung', () => {
    expect(horizonLadder({ horizonDays: undefined })).toEqual([...HORIZONS]);
    expect(horizonLadder({ horizonDays: 100 })).toEqual([30, 60, 90, 100, 120, 150, 180, 240, 300, 365, 450, 545, 730]);
    expect(horizonLadder({ horizonDays: 90 })).toEqual([...HORIZONS]);
    expect(HORIZONS).toContain(FULL_FOLLOW_UP);
  });

  it('in SQL (DuckDB) the bands are those of Bands, for every age and days to win around each rung', async () => {
    const ladder = horizonLadder({ horizonDays: 100 });
    const b = new Bands(ladder);
    const d = dialect('duckdb');
    const values = [NaN, -3, 0, ...ladder.flatMap((h) => [h - 1, h, h + 1]), 5000];
    const cases = values.flatMap((age) => values.flatMap((days) => [true, false].map((won) => ({ age, days, won }))));
    const sqlNumber = (x: number) => (Number.isNaN(x) ? 'CAST(NULL AS INTEGER)' : String(x));
    const rowsSql = cases.map((c, i) => `(${i}, ${sqlNumber(c.age)}, ${c.won}, ${sqlNumber(c.days)})`).join(', ');
    const band = bandsSql(b, d, 'age', 'won', 'days');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const rows = (await connection.runAndReadAll(`SELECT i, ${band.age} AS a, ${band.win} AS w FROM (VALUES ${rowsSql}) AS v(i, age, won, days) ORDER BY i`)).getRowObjectsJS();
    connection.closeSync();
    db.closeSync();
    expect(rows.map((r) => [Number(r.a), Number(r.w)])).toEqual(cases.map((c) => [b.age(c.age), b.win(c.won, c.days)]));
  });
});

describe('the counts of a tally at a horizon (HorizonCells)', () => {
  interface One {
    age: number;
    won: boolean;
    days: number;
    qualified: boolean;
    handedOff: boolean;
  }
  const one: fc.Arbitrary<One> = fc.record({
    age: fc.oneof(fc.integer({ min: -10, max: 900 }), fc.constant(NaN)),
    won: fc.boolean(),
    days: fc.oneof(fc.integer({ min: -3, max: 900 }), fc.constant(NaN)),
    qualified: fc.boolean(),
    handedOff: fc.boolean(),
  });
  const subsets = (of: One[]) => ({
    leads: of.length,
    qualified: of.filter((l) => l.qualified).length,
    handedOff: of.filter((l) => l.handedOff).length,
    handedOffBelow: of.filter((l) => l.handedOff && !l.qualified).length,
  });
  const cellsOf = (leads: One[]) => {
    const cells = new HorizonCells();
    for (const l of leads) cells.add(bands.key(bands.age(l.age), bands.win(l.won, l.days)), l);
    return cells;
  };

  it('at rung k: the leads at least H days old, and of them those won within H days (a win with no days to measure counts)', () => {
    fc.assert(
      fc.property(fc.array(one, { maxLength: 60 }), (leads) => {
        const cells = cellsOf(leads);
        HORIZONS.forEach((h, k) => {
          const counted = leads.filter((l) => l.age >= h);
          const won = counted.filter((l) => l.won && !(l.days > h));
          expect(cells.at(bands, k)).toEqual({ all: subsets(counted), won: subsets(won) });
        });
        expect(cells.total(bands)).toEqual({ all: subsets(leads), won: subsets(leads.filter((l) => l.won)) });
      }),
    );
  });

  it('wins by band: the wins with days to measure among leads of at least minAge days, by the first rung they are within', () => {
    fc.assert(
      fc.property(fc.array(one, { maxLength: 60 }), fc.constantFrom(0, FULL_FOLLOW_UP), (leads, minAge) => {
        const want = new Array<number>(E + 1).fill(0);
        for (const l of leads) if (l.won && l.days >= 0 && (minAge === 0 || l.age >= minAge)) want[bands.win(true, l.days)]!++;
        expect(cellsOf(leads).winsByBand(bands, minAge)).toEqual(want);
      }),
    );
  });

  it('adds: the cells of two parts are the cells of the whole', () => {
    fc.assert(
      fc.property(fc.array(one, { maxLength: 40 }), fc.array(one, { maxLength: 40 }), (a, b) => {
        const merged = cellsOf(a);
        merged.addAll(cellsOf(b));
        const whole = cellsOf([...a, ...b]);
        HORIZONS.forEach((_, k) => expect(merged.at(bands, k)).toEqual(whole.at(bands, k)));
      }),
    );
  });
});

// ---------------------------------------------------------------- the run's horizon

function rubricOf(extra = ''): Rubric {
  const yaml = `version: 1\npreset: generic\n${extra}`;
  return resolveRubric(validateRubric(parseRubricText(yaml, 'r.yml'), 'r.yml'), 'r.yml', 'generic');
}

/** Facts holding only the leads' cells: `wins` as [age, days] pairs, and `others` leads not won, of the given ages. */
function factsOf(rubric: Rubric, wins: readonly (readonly [number, number])[], others: readonly number[] = []): AuditFacts {
  const b = new Bands(horizonLadder(rubric));
  const leads = leadFacts(rubric);
  const flags = { qualified: false, handedOff: false };
  for (const [age, days] of wins) leads.all.tally.horizon.add(b.key(b.age(age), b.win(true, days)), flags);
  for (const age of others) leads.all.tally.horizon.add(b.key(b.age(age), b.notWon), flags);
  return { rubric, bands: b, leads, deals: null } as unknown as AuditFacts;
}

describe('the run\'s horizon (src/reports/horizon.ts)', () => {
  it('names at most ten groups too young to test, and counts the rest', () => {
    expect(youngNote([], 30, 'leads')).toBeUndefined();
    expect(youngNote(['Web', 'Ads'], 30, 'leads 90 days old')).toBe('Not enough data yet (fewer than 30 leads 90 days old): Web, Ads.');
    const many = Array.from({ length: 1012 }, (_, i) => `g${i}`);
    expect(youngNote(many, 30, 'leads')).toBe(`Not enough data yet (fewer than 30 leads): ${many.slice(0, 10).join(', ')}, and 1,002 more.`);
  });

  it('is the rubric\'s horizonDays when set, counting the leads that old', () => {
    const facts = factsOf(rubricOf('horizonDays: 100\n'), [[400, 10]], [99, 100, 500]);
    expect(horizon(facts)).toEqual({ days: 100, rung: 3, basis: 'rubric', wins: 0, counted: 3 });
  });

  it('from the data: the first rung within which 75% of the wins of year-old leads came', () => {
    // 20 wins of leads 400 days old: 14 within 30 days, 1 within 60, 5 within 120 → 15 of 20 by 60.
    const wins: [number, number][] = [...Array.from({ length: 14 }, (): [number, number] => [400, 20]), [400, 45], ...Array.from({ length: 5 }, (): [number, number] => [400, 100])];
    expect(HORIZON_QUANTILE * wins.length).toBe(15);
    expect(horizon(factsOf(rubricOf(), wins))).toMatchObject({ days: 60, basis: 'full follow-up', wins: 20 });
    // One fewer within 60 days, and the 75% is reached only at 120.
    const later: [number, number][] = [...wins.slice(0, 14), [400, 100], ...wins.slice(15)];
    expect(horizon(factsOf(rubricOf(), later))).toMatchObject({ days: 120, basis: 'full follow-up' });
  });

  it('measures on every win when fewer than 20 leads a year old won, and has none with fewer than 20 wins in all', () => {
    const young: [number, number][] = Array.from({ length: MIN_HORIZON_WINS }, (): [number, number] => [200, 50]);
    expect(horizon(factsOf(rubricOf(), [...young, [400, 10]]))).toMatchObject({ days: 60, basis: 'all wins', wins: MIN_HORIZON_WINS + 1 });
    expect(horizon(factsOf(rubricOf(), young.slice(1)))).toEqual({ none: 'too few wins' });
    // Wins with no days to measure do not choose a horizon.
    expect(horizon(factsOf(rubricOf(), [...young.slice(1), [400, NaN]]))).toEqual({ none: 'too few wins' });
  });

  it('has none when no lead is as old as the horizon', () => {
    expect(horizon(factsOf(rubricOf('horizonDays: 365\n'), [[100, 5]], [200]))).toEqual({ none: 'none old enough', days: 365 });
    // From the data: 20 wins within 30 days, but no lead is 30 days old yet... the ladder's first rung.
    expect(horizon(factsOf(rubricOf(), Array.from({ length: MIN_HORIZON_WINS }, (): [number, number] => [10, 5])))).toEqual({ none: 'none old enough', days: 30 });
  });
});

// ---------------------------------------------------------------- revenue at risk

describe('revenue at risk (docs/verdicts.md)', () => {
  const AS_OF = dayNumber(2025, 6, 30);
  const rubric = `version: 1
preset: generic
horizonDays: 120
leads:
  columns: { status: status }
deals:
  won: [won]
  lost: [lost]
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { date: sql_date } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
score:
  signals:
    - { name: Decision maker, points: 20, when: { title: { matches: "vp" } } }
  grades: { A: 20, B: 0 }
  qualifiedGrade: A
`;

  /**
   * 40 qualified handoffs (VP) a year old: 10 won within 60 days (amounts 1000, 2000 and 3000 ×
   * 8, so the median is 3000), 12 stalled at SQL, the rest lost. 30 below-grade handoffs: 3 won.
   * And 10 young qualified handoffs (30 days old), one of them won: not counted at the horizon.
   */
  async function run(minN = 30, sign = 1) {
    const dir = mkdtempSync(join(tmpdir(), 'leadaudit-risk-'));
    const leads = ['id,email,source,created,status,owner,title,sql_date'];
    const deals = ['id,lead_id,stage,amount,created,closed'];
    let d = 0;
    const lead = (i: number, title: string, created: string, sql: string, fate: 'won' | 'lost' | 'stalled', amount = 3000) => {
      leads.push(`L${i},p${i}@x.com,web,${created},${fate === 'lost' ? 'lost' : 'open'},O${i % 2},${title},${sql}`);
      if (fate === 'won') deals.push(`D${d++},L${i},won,${sign * amount},${created},2024-08-01`);
      if (fate === 'lost') deals.push(`D${d++},L${i},lost,500,${created},2024-09-01`);
    };
    for (let i = 0; i < 40; i++) lead(i, 'VP Sales', '2024-06-15', '2024-06-20', i < 10 ? 'won' : i < 22 ? 'stalled' : 'lost', i === 0 ? 1000 : i === 1 ? 2000 : 3000);
    for (let i = 40; i < 70; i++) lead(i, 'Analyst', '2024-06-15', '2024-06-20', i < 43 ? 'won' : 'lost');
    for (let i = 70; i < 80; i++) lead(i, 'VP Sales', '2025-05-31', '2025-06-28', i === 70 ? 'won' : 'lost');
    writeFileSync(join(dir, 'leads.csv'), `${leads.join('\n')}\n`);
    writeFileSync(join(dir, 'deals.csv'), `${deals.join('\n')}\n`);
    writeFileSync(join(dir, 'rubric.yml'), rubric);
    const loaded = await load({ leads: join(dir, 'leads.csv'), deals: join(dir, 'deals.csv'), rubric: join(dir, 'rubric.yml'), asOf: AS_OF, minN, strict: false, keepRejects: false, cwd: dir });
    return verdicts(loaded.facts);
  }

  it('sales gap: stalled qualified handoffs × their win rate at the horizon × the median won deal, with the Wilson interval of the rate', async () => {
    const sales = (await run()).find((v) => v.topic === 'sales gap')!;
    const n = sales.numbers;
    expect([n.horizon_days, n.horizon_handoffs, n.stalled, n.median_won_amount]).toEqual([120, 40, 12, 3000]);
    expect(n.handoff_win_rate).toBe(10 / 40);
    const w = wilson(10, 40)!;
    expect(n.revenue_at_risk).toBeCloseTo(12 * (10 / 40) * 3000, 9);
    expect(n.revenue_at_risk_low).toBeCloseTo(12 * w.low * 3000, 9);
    expect(n.revenue_at_risk_high).toBeCloseTo(12 * w.high * 3000, 9);
    expect(sales.text).toContain('the stalled ones are worth 9,000');
  });

  it('is not priced without --min-n handoffs: not for a sales gap of "not enough data", nor on fewer handoffs old enough', async () => {
    const lines = await run(41);
    const sales = lines.find((v) => v.topic === 'sales gap')!;
    const marketing = lines.find((v) => v.topic === 'marketing gap')!;
    // 50 qualified handoffs in all (40 counted at the horizon): enough to judge stalls, not to price them.
    expect([sales.finding, sales.numbers.handoffs, sales.numbers.horizon_handoffs, sales.numbers.revenue_at_risk]).toEqual(['gap', 50, 40, null]);
    // 80 handoffs, 70 of them counted at the horizon: a bar of 71 leaves the win rates uncompared.
    const stricter = (await run(71)).find((v) => v.topic === 'marketing gap')!;
    expect([stricter.finding, stricter.numbers.revenue_at_risk]).toEqual(['not enough data', null]);
    expect(stricter.text).toContain('not enough data yet');
    expect(marketing.finding).not.toBe('not enough data');
    const sparse = (await run(51)).find((v) => v.topic === 'sales gap')!;
    expect([sparse.finding, sparse.numbers.revenue_at_risk]).toEqual(['not enough data', null]);
  });

  it('keeps low <= high when the median won deal is negative (refunds)', async () => {
    for (const v of await run(30, -1)) {
      if (v.topic === 'rubric check') continue;
      expect(v.numbers.median_won_amount).toBe(-3000);
      expect(v.numbers.revenue_at_risk_low!).toBeLessThanOrEqual(v.numbers.revenue_at_risk!);
      expect(v.numbers.revenue_at_risk!).toBeLessThanOrEqual(v.numbers.revenue_at_risk_high!);
    }
  });

  it('marketing gap: below-grade handoffs × (qualified − below-grade win rate) × the median won deal, with the Newcombe interval', async () => {
    const marketing = (await run()).find((v) => v.topic === 'marketing gap')!;
    const n = marketing.numbers;
    expect([n.below_grade, n.horizon_below_grade, n.horizon_qualified_handoffs, n.won_below_grade, n.won_qualified]).toEqual([30, 30, 40, 3, 10]);
    const diff = diffInterval(10, 40, 3, 30)!;
    expect(n.revenue_at_risk).toBeCloseTo(30 * (10 / 40 - 3 / 30) * 3000, 9);
    expect(n.revenue_at_risk_low).toBeCloseTo(30 * diff.low * 3000, 9);
    expect(n.revenue_at_risk_high).toBeCloseTo(30 * diff.high * 3000, 9);
  });
});

// ---------------------------------------------------------------- reports at the horizon, recounted

describe('reports at the horizon, recounted from the classified leads (the hubspot sample)', () => {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'samples', 'hubspot');
  const asOf = dayNumber(2025, 6, 30);
  const loading = load({ leads: join(dir, 'contacts.csv'), deals: join(dir, 'deals.csv'), asOf, minN: 30, strict: false, keepRejects: false, cwd: dir });

  it('funnel: of the leads at least H days old that reached a stage, those that entered the next within H days', async () => {
    const loaded = await loading;
    const h = horizon(loaded.facts);
    if (!hasHorizon(h)) throw new Error('the sample has a horizon');
    const leads = loaded.data.leads!;
    const old = leads.filter((c) => asOf - c.lead.created >= h.days);
    const rows = buildReports(loaded.facts, ['funnel'])[0]!.rows;
    loaded.rubric.stages.slice(0, -1).forEach((_, i) => {
      const reached = old.filter((c) => c.furthest >= i);
      const entered = reached.filter((c) => c.furthest >= i + 1 && !(c.measuredEntry(i + 1) - c.lead.created > h.days));
      expect(rows[i]!.horizon_conversion).toBe(entered.length / reached.length);
      const w = wilson(entered.length, reached.length)!;
      expect([rows[i]!.horizon_conversion_low, rows[i]!.horizon_conversion_high]).toEqual([w.low, w.high]);
    });
  });

  it('sources and signals: won within H of the leads at least H days old, per channel and with and without each signal', async () => {
    const loaded = await loading;
    const h = horizon(loaded.facts);
    if (!hasHorizon(h)) throw new Error('the sample has a horizon');
    const old = loaded.data.leads!.filter((c) => asOf - c.lead.created >= h.days);
    const won = (c: (typeof old)[number]) => c.outcome === 'won' && !(c.wonDate - c.lead.created > h.days);
    const [sources, signals] = buildReports(loaded.facts, ['sources', 'signals']);
    for (const row of sources!.rows.filter((r) => r.channel !== '(unattributed)')) {
      const mine = old.filter((c) => c.channel === row.channel);
      expect([row.horizon_leads, row.win_rate]).toEqual([mine.length, mine.length === 0 ? null : mine.filter(won).length / mine.length]);
    }
    loaded.rubric.signals.forEach((_, i) => {
      const row = signals!.rows[i]!;
      const [with_, without] = [old.filter((c) => c.hasSignal(i)), old.filter((c) => !c.hasSignal(i))];
      expect([row.leads_with, row.win_rate_with, row.win_rate_without]).toEqual([with_.length, with_.filter(won).length / with_.length, without.filter(won).length / without.length]);
    });
  });
});
