/**
 * The facts every report reads (src/engine/facts.ts, src/engine/fold.ts): each count of the fold
 * against a naive recount of the same leads, day histograms against the list quantiles, and the
 * facts of two parts merged against the facts of the whole.
 */
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DayCounts, mergeDealFacts, mergeLeadFacts, NO_CAVEATS, type DealTally, type LeadTally } from '../src/engine/facts.js';
import { buildFacts } from '../src/engine/fold.js';
import { Bands, horizonLadder, type HorizonCells, type SubsetCounts } from '../src/engine/horizon.js';
import { Rows } from '../src/data/table.js';
import { load } from '../src/load.js';
import { dayNumber } from '../src/data/normalize.js';
import { quantiles } from '../src/reports/stats.js';
import type { AuditData, Grouping } from '../src/engine/classified.js';
import { parseRubricText } from '../src/io/read-rubric.js';
import { validateRubric } from '../src/rubric/validate.js';
import { resolveRubric, type Rubric } from '../src/rubric/resolve.js';
import type { ClassifiedLead, Deal, Lead, Outcome } from '../src/model.js';
import { dealState } from '../src/data/deal-state.js';
import { exactSum } from './helpers/exact-sum.js';
import './helpers/seed.js';

const root = resolve(import.meta.dirname, '..');
const AS_OF = dayNumber(2025, 6, 30);

describe('DayCounts', () => {
  it('gives the quantiles of the list of values it counted (type 7), for any values and q', () => {
    // Small whole days (counted in an array), and days past it, negative or fractional (in a map).
    const day = fc.oneof(fc.integer({ min: -5, max: 400 }), fc.integer({ min: 4000, max: 9000 }), fc.double({ min: -10, max: 50, noNaN: true }).map((d) => d + 0));
    // (+ 0 turns -0, which a difference of two day numbers never is, into 0.)
    fc.assert(
      fc.property(fc.array(day, { minLength: 1, maxLength: 60 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }), (days, qs) => {
        const counts = new DayCounts();
        for (const d of days) counts.add(d);
        expect(counts.size).toBe(days.length);
        expect(counts.quantiles(qs)).toEqual(quantiles(days, qs));
      }),
    );
  });

  it('is NaN with no values, and refuses a q outside 0..1', () => {
    expect(new DayCounts().median()).toBeNaN();
    const counts = new DayCounts();
    counts.add(3);
    expect(() => counts.quantile(1.5)).toThrow(RangeError);
    expect(() => counts.quantile(-0.1)).toThrow(RangeError);
  });

  it('adds another histogram as if its values had been added one by one', () => {
    const a = new DayCounts();
    const b = new DayCounts();
    [1, 5, 5, 9].forEach((d) => a.add(d));
    [5, 2, 30].forEach((d) => b.add(d));
    a.addAll(b);
    expect(a.size).toBe(7);
    expect(a.entries()).toEqual([
      [1, 1],
      [2, 1],
      [5, 3],
      [9, 1],
      [30, 1],
    ]);
    expect(a.quantiles([0.5, 0.75])).toEqual(quantiles([1, 5, 5, 9, 5, 2, 30], [0.5, 0.75]));
  });
});

// ---------------------------------------------------------------- the fold, rule by rule

const RUBRIC_YAML = `version: 1
preset: generic
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql, side: marketing, stallAfterDays: 20, reachedWhen: { date: mql_date } }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { date: sql_date } }
  - { key: opportunity, side: sales, stallAfterDays: 10, reachedWhen: { deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
score:
  signals:
    - { name: Big, points: 20, when: { employees: { gte: 100 } } }
    - { name: Free mail, points: -10, when: { email: { matches: "gmail" } } }
  grades: { A: 20, B: 0, C: -100 }
  qualifiedGrade: A
deals:
  stages:
    - { value: qualify, stallAfterDays: 20 }
    - { value: propose, stallAfterDays: 10 }
    - { value: negotiate }
`;
const rubric: Rubric = resolveRubric(validateRubric(parseRubricText(RUBRIC_YAML, 'r.yml'), 'r.yml'), 'r.yml', 'generic');
const HANDOFF = 2;
const OPPORTUNITY = 3;
const LAST = 4;

interface Shape {
  furthest: number;
  outcome: Outcome;
  stalled: boolean;
  grade: number;
  channel: string;
  owner: string;
  created: number;
  daysToWin: number;
  firstTouch: number;
  wonAmount: number;
  wonDeals: number;
  priced: number;
  signals: boolean[];
  entries: number[];
}

/** A classified lead of the given shape: only what the fold reads is real. */
function classified(s: Shape, index: number): ClassifiedLead {
  const lead = { index, line: index + 2, id: `L${index}`, email: `p${index}@x.com`, name: `P ${index}`, owner: s.owner, created: s.created, firstTouch: s.firstTouch } as Lead;
  return {
    lead,
    deals: [] as Deal[],
    channel: s.channel,
    score: 0,
    grade: rubric.grades[s.grade]!.name,
    qualified: s.grade === 0,
    signals: s.signals.flatMap((on, i) => (on ? [i] : [])),
    hasSignal: (i: number) => s.signals[i] === true,
    furthest: s.furthest,
    reached: [],
    reachedBy: [],
    entered: [],
    enteredFrom: [],
    measuredEntry: (stage: number) => s.entries[stage] ?? NaN,
    outcome: s.outcome,
    lostBecause: '',
    stalled: s.stalled,
    daysInStage: 40,
    idleSince: NaN,
    idleFrom: '',
    wonAmount: s.wonAmount,
    wonDeals: s.wonDeals,
    pricedWonDeals: s.priced,
    dealShare: () => 1,
    wonDate: s.outcome === 'won' ? s.created + s.daysToWin : NaN,
  };
}

/** Leads as classify makes them: won exactly when at the last stage; stalled only when open. */
const shape: fc.Arbitrary<Shape> = fc
  .record({
    furthest: fc.integer({ min: 0, max: LAST }),
    lost: fc.boolean(),
    stalled: fc.boolean(),
    grade: fc.integer({ min: 0, max: 2 }),
    channel: fc.constantFrom('Web', 'Ads', 'Events'),
    owner: fc.constantFrom('', 'Ann', 'Bo'),
    // Ages from a month after --as-of to ~3.5 years, days to win past the last horizon.
    // 19000 in both, often: a lead touched the day it was created (0 days).
    created: fc.oneof(fc.integer({ min: 19000, max: 20300 }), fc.constant(NaN), fc.constant(19000)),
    daysToWin: fc.integer({ min: -3, max: 800 }),
    firstTouch: fc.oneof(fc.integer({ min: 18990, max: 19600 }), fc.constant(NaN), fc.constant(19000)),
    wonAmount: fc.oneof(fc.constant(0), fc.double({ min: 1, max: 1e5, noNaN: true })),
    wonDeals: fc.constantFrom(0, 0.5, 1, 2),
    priced: fc.constantFrom(0, 0.5, 1),
    signals: fc.tuple(fc.boolean(), fc.boolean()),
    entries: fc.array(fc.oneof(fc.integer({ min: 19000, max: 19600 }), fc.constant(NaN)), { minLength: 5, maxLength: 5 }),
  })
  .map(({ lost, ...s }) => {
    const outcome: Outcome = s.furthest === LAST ? 'won' : lost ? 'lost' : 'open';
    return { ...s, signals: [...s.signals], outcome, stalled: outcome === 'open' && s.stalled };
  });

const byChannel: Grouping = { key: 'channel', label: 'Channel', explicit: false, ofLead: (c) => c.channel, ofDeal: undefined };

function dataOf(leads: readonly ClassifiedLead[], group: Grouping = byChannel): AuditData {
  return {
    rubric,
    asOf: dayNumber(2025, 6, 30),
    minN: 30,
    leads: new Rows(leads.length, (i) => leads[i]!),
    deals: null,
    unattributed: [],
    inputs: { leads: null, deals: null },
    skips: rubric.stages.map(() => 0),
    group,
    spend: null,
    redact: false,
    join: null,
    caveats: NO_CAVEATS,
  };
}

const bands = new Bands(horizonLadder(rubric));

/**
 * Per horizon H of the ladder: the leads created at least H days before --as-of, and of them those
 * won within H days (a win with no days to measure counts as within), each by subset.
 */
function horizonRecount<T>(items: readonly T[], age: (x: T) => number, wonWithin: (x: T, h: number) => boolean, subsets: (of: T[]) => SubsetCounts) {
  return bands.ladder.map((h) => {
    const counted = items.filter((x) => age(x) >= h);
    return { all: subsets(counted), won: subsets(counted.filter((x) => wonWithin(x, h))) };
  });
}

/** Leads, and of them qualified, handed off, and handed off below the qualified grade. */
function leadSubsets(of: readonly ClassifiedLead[]): SubsetCounts {
  const handed = (c: ClassifiedLead) => c.furthest >= HANDOFF;
  return { leads: of.length, qualified: of.filter((c) => c.qualified).length, handedOff: of.filter(handed).length, handedOffBelow: of.filter((c) => handed(c) && !c.qualified).length };
}

/** Every rung of a tally's horizon cells. */
const rungs = (cells: HorizonCells) => bands.ladder.map((_, k) => cells.at(bands, k));

/** The tally of `leads` counted one rule at a time, the way each report counted before the fold. */
function recount(leads: readonly ClassifiedLead[]) {
  const count = (f: (c: ClassifiedLead) => boolean) => leads.filter(f).length;
  const handed = (c: ClassifiedLead) => c.furthest >= HANDOFF;
  const sales = (c: ClassifiedLead) => rubric.stages[c.furthest]!.side === 'sales';
  const sum = (f: (c: ClassifiedLead) => number) => leads.reduce((s, c) => s + f(c), 0);
  return {
    leads: leads.length,
    qualified: count((c) => c.qualified),
    handedOff: count(handed),
    opportunity: count((c) => c.furthest >= OPPORTUNITY),
    won: count((c) => c.outcome === 'won'),
    lost: count((c) => c.outcome === 'lost'),
    stalled: count((c) => c.stalled),
    stalledSales: count((c) => c.stalled && sales(c)),
    stalledMarketing: count((c) => c.stalled && !sales(c)),
    open: count((c) => c.outcome === 'open' && !c.stalled),
    wonHandedOff: count((c) => c.outcome === 'won' && handed(c)),
    wonQualified: count((c) => c.outcome === 'won' && c.qualified),
    qualifiedHandedOff: count((c) => c.qualified && handed(c)),
    stalledQualifiedSales: count((c) => c.qualified && c.stalled && sales(c)),
    stalledQualifiedMarketing: count((c) => c.qualified && c.stalled && !sales(c)),
    handedOffBelow: count((c) => !c.qualified && handed(c)),
    wonHandedOffBelow: count((c) => !c.qualified && handed(c) && c.outcome === 'won'),
    wonRevenue: exactSum(leads.map((c) => c.wonAmount)),
    wonDeals: sum((c) => c.wonDeals),
    pricedDeals: sum((c) => c.pricedWonDeals),
    daysToWin: leads.flatMap((c) => {
      const days = c.wonDate - c.lead.created;
      return !Number.isNaN(days) && days >= 0 ? [days] : [];
    }),
    horizon: horizonRecount(
      leads,
      (c) => AS_OF - c.lead.created,
      (c, h) => c.outcome === 'won' && !(c.wonDate - c.lead.created > h),
      leadSubsets,
    ),
  };
}

/** A tally as plain data; the rounding part of its revenue is checked by test/revenue.test.ts. */
function plain(t: LeadTally) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { daysToWin, wonRevenueLow, horizon, ...counts } = t;
  return { ...counts, daysToWin: daysToWin.entries().flatMap(([d, n]) => Array<number>(n).fill(d)), horizon: rungs(horizon) };
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('the fold of classified leads (src/engine/fold.ts)', () => {
  it('counts every tally field as a recount of the same leads does, for all leads and per channel, owner and grade', () => {
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 40 }), (shapes) => {
        const leads = shapes.map(classified);
        const facts = buildFacts(dataOf(leads)).leads!;
        const expectTally = (t: LeadTally | undefined, of: ClassifiedLead[]) => {
          const want = recount(of);
          expect(plain(t!)).toEqual({ ...want, daysToWin: sorted(want.daysToWin) });
        };
        expectTally(facts.all.tally, leads);
        for (const [name, t] of facts.byChannel) expectTally(t, leads.filter((c) => c.channel === name));
        for (const [name, t] of facts.byOwner) expectTally(t, leads.filter((c) => (c.lead.owner || '(none)') === name));
        rubric.grades.forEach((g, i) => expectTally(facts.all.grades[i], leads.filter((c) => c.grade === g.name)));
        expect([...facts.byGroup.keys()].sort()).toEqual([...new Set(leads.map((c) => c.channel))].sort());
      }),
    );
  });

  it('parts every lead into won, lost, stalled and open, and stalled into sales and marketing', () => {
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 40 }), (shapes) => {
        const t = buildFacts(dataOf(shapes.map(classified))).leads!.all.tally;
        expect(t.won + t.lost + t.stalled + t.open).toBe(t.leads);
        expect(t.stalledSales + t.stalledMarketing).toBe(t.stalled);
        expect(t.qualifiedHandedOff + t.handedOffBelow).toBe(t.handedOff);
      }),
    );
  });

  it('counts a funnel: each stage reached up to the furthest; advanced, lost, stalled and open where it ended; days between measured entries', () => {
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 40 }), (shapes) => {
        const leads = shapes.map(classified);
        const stages = buildFacts(dataOf(leads)).leads!.all.stages;
        rubric.stages.forEach((_, i) => {
          const at = stages[i]!;
          expect(at.reached).toBe(leads.filter((c) => c.furthest >= i).length);
          expect(at.advanced).toBe(leads.filter((c) => c.furthest > i).length);
          const ended = leads.filter((c) => c.furthest === i && i < LAST);
          expect(at.lost).toBe(ended.filter((c) => c.outcome === 'lost').length);
          expect(at.stalled).toBe(ended.filter((c) => c.stalled).length);
          expect(at.open).toBe(ended.filter((c) => c.outcome === 'open' && !c.stalled).length);
          if (i < LAST) expect(at.reached).toBe(at.advanced + at.lost + at.stalled + at.open);
          const days = leads.filter((c) => c.furthest > i).flatMap((c) => {
            const d = c.measuredEntry(i + 1) - c.measuredEntry(i);
            return d >= 0 ? [d] : [];
          });
          expect(at.days.size).toBe(days.length);
          expect(at.days.quantiles([0.5, 0.75])).toEqual(quantiles(days, [0.5, 0.75]));
          // At each horizon H: of the leads at least H days old that reached the stage, those that
          // entered it within H days of created (no date to measure counts as within).
          const reached = leads.filter((c) => c.furthest >= i);
          expect(bands.ladder.map((_, k) => at.horizon.at(bands, k).all.leads)).toEqual(bands.ladder.map((h) => reached.filter((c) => AS_OF - c.lead.created >= h).length));
          expect(bands.ladder.map((_, k) => at.horizon.at(bands, k).won.leads)).toEqual(
            bands.ladder.map((h) => reached.filter((c) => AS_OF - c.lead.created >= h && !(c.measuredEntry(i) - c.lead.created > h)).length),
          );
        });
      }),
    );
  });

  it('counts cohorts by month created, signals with their wins, and days to first touch per owner', () => {
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 40 }), (shapes) => {
        const leads = shapes.map(classified);
        const facts = buildFacts(dataOf(leads)).leads!;
        const month = (c: ClassifiedLead) => (Number.isNaN(c.lead.created) ? '(no date)' : new Date(c.lead.created * 86_400_000).toISOString().slice(0, 7));
        for (const [key, cohort] of facts.byCohort) {
          const of = leads.filter((c) => month(c) === key);
          expect(cohort.leads).toBe(of.length);
          expect(cohort.won).toBe(of.filter((c) => c.outcome === 'won').length);
          expect(cohort.reached).toEqual([1, 2, 3].map((s) => of.filter((c) => c.furthest >= s).length));
          expect(cohort.wonRevenue).toBeCloseTo(of.reduce((s, c) => s + c.wonAmount, 0), 6);
        }
        expect([...facts.byCohort.values()].reduce((s, c) => s + c.leads, 0)).toBe(leads.length);
        // Signal classes: the leads of each pattern of signals, at every horizon and so far.
        const pattern = (c: ClassifiedLead) => [0, 1].map((i) => (c.hasSignal(i) ? '1' : '0')).join('');
        expect([...facts.signalClasses.keys()].sort()).toEqual([...new Set(leads.map(pattern))].sort());
        for (const [key, cells] of facts.signalClasses) {
          const of = leads.filter((c) => pattern(c) === key);
          expect(rungs(cells)).toEqual(recount(of).horizon);
          expect(cells.total(bands)).toEqual({ all: leadSubsets(of), won: leadSubsets(of.filter((c) => c.outcome === 'won')) });
        }
        expect(facts.hasFirstTouch).toBe(leads.some((c) => !Number.isNaN(c.lead.firstTouch)));
        // Days to first touch, per owner with at least one lead touched on or after it was created.
        const touched = new Map<string, number>();
        for (const c of leads) {
          const owner = c.lead.owner || '(none)';
          if (c.lead.firstTouch - c.lead.created >= 0) touched.set(owner, (touched.get(owner) ?? 0) + 1);
        }
        expect(new Map([...facts.touchByOwner].map(([owner, touch]) => [owner, touch.size]))).toEqual(touched);
      }),
    );
  });

  it('with --by, counts per group, per grade within the group, and its own funnel', () => {
    const byOwner: Grouping = { key: 'owner', label: 'Owner', explicit: true, ofLead: (c) => c.lead.owner || '(none)', ofDeal: undefined };
    fc.assert(
      fc.property(fc.array(shape, { maxLength: 40 }), (shapes) => {
        const leads = shapes.map(classified);
        const facts = buildFacts(dataOf(leads, byOwner)).leads!;
        for (const [name, g] of facts.byGroup) {
          const of = leads.filter((c) => (c.lead.owner || '(none)') === name);
          expect(g.tally.leads).toBe(of.length);
          // A grade or stage no lead of the group reached has no tally: it counts nothing.
          rubric.grades.forEach((grade, i) => expect(g.grades[i]?.won ?? 0).toBe(of.filter((c) => c.grade === grade.name && c.outcome === 'won').length));
          rubric.grades.forEach((grade, i) => expect(g.grades[i] === undefined).toBe(!of.some((c) => c.grade === grade.name)));
          expect(rubric.stages.map((_, i) => g.stages[i]?.reached ?? 0)).toEqual(rubric.stages.map((_, i) => of.filter((c) => c.furthest >= i).length));
        }
      }),
    );
  });

  it('keeps stalled rows only when asked for them', () => {
    const leads = [classified({ furthest: 2, outcome: 'open', stalled: true, grade: 0, channel: 'Web', owner: 'Ann', created: 19000, daysToWin: 0, firstTouch: NaN, wonAmount: 0, wonDeals: 0, priced: 0, signals: [true, false], entries: [] }, 0)];
    expect(buildFacts(dataOf(leads)).leads!.stalled.map((r) => [r.id, r.stage, r.owner])).toEqual([['L0', 2, 'Ann']]);
    const counts = buildFacts(dataOf(leads), { rows: false });
    expect(counts.rows).toBe(false);
    expect(counts.leads!.stalled).toEqual([]);
    expect(counts.leads!.all.tally.stalled).toBe(1);
  });
});

// ---------------------------------------------------------------- the fold of deals

interface DealShape {
  outcome: Outcome;
  stageIndex: number;
  entered: number[];
  amount: number;
  currency: string;
  created: number;
  closed: number;
  lastActivity: number;
  owner: string;
}

const DEAL_STAGES = 3;

function deal(s: DealShape, index: number): Deal {
  return {
    index,
    line: index + 2,
    id: `D${index}`,
    keys: [],
    stage: s.stageIndex >= 0 ? ['qualify', 'propose', 'negotiate'][s.stageIndex]! : s.owner === '' ? '' : 'Elsewhere',
    status: '',
    amount: s.amount,
    currency: s.currency,
    created: s.created,
    closed: s.closed,
    owner: s.owner,
    lastActivity: s.lastActivity,
    outcome: s.outcome,
    stageIndex: s.stageIndex,
    stageEntered: s.entered,
    enteredStage: (k: number) => s.entered[k] ?? NaN,
    values: [],
  } as unknown as Deal;
}

const dayOrNaN = fc.oneof(fc.integer({ min: dayNumber(2025, 1, 1), max: dayNumber(2025, 6, 29) }), fc.constant(NaN));
const dealShape: fc.Arbitrary<DealShape> = fc.record({
  outcome: fc.constantFrom<Outcome>('open', 'won', 'lost'),
  stageIndex: fc.integer({ min: -1, max: DEAL_STAGES - 1 }),
  entered: fc.array(dayOrNaN, { minLength: DEAL_STAGES, maxLength: DEAL_STAGES }),
  amount: fc.oneof(fc.double({ min: 1, max: 1e5, noNaN: true }), fc.constant(NaN)),
  currency: fc.constantFrom('', 'usd', 'EUR'),
  created: dayOrNaN,
  closed: dayOrNaN,
  lastActivity: dayOrNaN,
  owner: fc.constantFrom('', 'Ann', 'Bo'),
});

function dealData(deals: readonly Deal[], unattributed: readonly Deal[] = []): AuditData {
  return { ...dataOf([]), leads: null, deals: new Rows(deals.length, (i) => deals[i]!), unattributed, asOf: AS_OF };
}

describe('the fold of deals (src/engine/fold.ts)', () => {
  it('counts deals, wins, losses, stalls, revenue, priced deals and days to win, as a recount does, overall and per owner', () => {
    fc.assert(
      fc.property(fc.array(dealShape, { maxLength: 30 }), (shapes) => {
        const deals = shapes.map(deal);
        const facts = buildFacts(dealData(deals)).deals!;
        const recount = (of: Deal[]) => {
          const won = of.filter((d) => d.outcome === 'won');
          const state = (d: Deal) => dealState(d, rubric.deals.stages, AS_OF);
          return {
            deals: of.length,
            won: won.length,
            lost: of.filter((d) => d.outcome === 'lost').length,
            stalled: of.filter((d) => d.outcome === 'open' && state(d).stalled).length,
            wonRevenue: exactSum(won.filter((d) => !Number.isNaN(d.amount)).map((d) => d.amount)),
            pricedDeals: won.filter((d) => !Number.isNaN(d.amount)).length,
            daysToWin: sorted(won.flatMap((d) => (d.closed - d.created >= 0 ? [d.closed - d.created] : []))),
            horizon: horizonRecount(
              of,
              (d) => AS_OF - d.created,
              (d, h) => d.outcome === 'won' && !(d.closed - d.created > h),
              (ds) => ({ leads: ds.length, qualified: 0, handedOff: 0, handedOffBelow: 0 }),
            ),
          };
        };
        // eslint-disable-next-line @typescript-eslint/no-unused-vars
        const plainDeal = ({ wonRevenueLow, ...t }: DealTally) => ({ ...t, daysToWin: t.daysToWin.entries().flatMap(([d, n]) => Array<number>(n).fill(d)), horizon: rungs(t.horizon) });
        expect(plainDeal(facts.all)).toEqual(recount(deals));
        for (const [owner, t] of facts.byOwner) expect(plainDeal(t)).toEqual(recount(deals.filter((d) => (d.owner || '(none)') === owner)));
        expect([...facts.currencies].sort()).toEqual([...new Set(deals.filter((d) => d.outcome === 'won' && d.currency !== '').map((d) => d.currency.toUpperCase()))].sort());
        expect(facts.stalled.map((r) => r.id)).toEqual(deals.filter((d) => dealState(d, rubric.deals.stages, AS_OF).stalled).map((d) => d.id));
      }),
    );
  });

  it('walks the pipeline: a deal reaches each stage up to its furthest and ends there lost, stalled or open; days between entered dates (closed for the last)', () => {
    fc.assert(
      fc.property(fc.array(dealShape, { maxLength: 30 }), (shapes) => {
        const deals = shapes.map(deal);
        const facts = buildFacts(dealData(deals)).deals!;
        const states = deals.map((d) => dealState(d, rubric.deals.stages, AS_OF));
        for (let k = 0; k <= DEAL_STAGES; k++) {
          const at = facts.pipeline[k]!;
          const inPipeline = deals.map((d, i) => ({ d, s: states[i]! })).filter(({ s }) => s.furthest >= 0);
          expect(at.reached).toBe(inPipeline.filter(({ s }) => s.furthest >= k).length);
          expect(at.advanced).toBe(inPipeline.filter(({ s }) => s.furthest > k).length);
          const ended = inPipeline.filter(({ s }) => s.furthest === k && k < DEAL_STAGES);
          expect(at.lost).toBe(ended.filter(({ d }) => d.outcome === 'lost').length);
          expect(at.stalled).toBe(ended.filter(({ d, s }) => d.outcome !== 'lost' && s.stalled).length);
          expect(at.open).toBe(ended.filter(({ d, s }) => d.outcome !== 'lost' && !s.stalled).length);
          const days = inPipeline
            .filter(({ s }) => s.furthest > k)
            .flatMap(({ d }) => {
              const from = d.enteredStage(k);
              const to = k + 1 < DEAL_STAGES ? d.enteredStage(k + 1) : d.closed;
              return !Number.isNaN(from) && !Number.isNaN(to) && to >= from ? [to - from] : [];
            });
          expect(at.days.size).toBe(days.length);
          expect(at.days.quantiles([0.5])).toEqual(quantiles(days, [0.5]));
        }
        const outside = new Map<string, number>();
        deals.forEach((d, i) => {
          if (states[i]!.furthest < 0) outside.set(d.stage || '(empty)', (outside.get(d.stage || '(empty)') ?? 0) + 1);
        });
        expect(facts.outside).toEqual(outside);
      }),
    );
  });

  it('counts the unattributed deals and their won revenue apart', () => {
    const won = (amount: number, i: number) => deal({ outcome: 'won', stageIndex: 2, entered: [NaN, NaN, NaN], amount, currency: '', created: NaN, closed: NaN, lastActivity: NaN, owner: 'Ann' }, i);
    const open = deal({ outcome: 'open', stageIndex: 0, entered: [NaN, NaN, NaN], amount: 5, currency: '', created: NaN, closed: NaN, lastActivity: NaN, owner: 'Ann' }, 9);
    const facts = buildFacts(dealData([], [won(100, 0), won(NaN, 1), open, won(20.5, 2)])).deals!;
    expect(facts.unattributed).toEqual({ deals: 4, won: 3, wonRevenue: 120.5, wonRevenueLow: 0, pricedDeals: 2 });
  });
});

// ---------------------------------------------------------------- stalled rows

describe('the stalled rows the stalls report lists', () => {
  it('a stalled lead carries the amounts of its open deals that are not listed themselves, split deals by their share; a stalled deal is shown with the first lead joined to it', () => {
    const openDeal = (i: number, amount: number, stalled: boolean) =>
      deal({ outcome: 'open', stageIndex: 0, entered: [stalled ? dayNumber(2025, 1, 1) : dayNumber(2025, 6, 25), NaN, NaN], amount, currency: '', created: NaN, closed: NaN, lastActivity: NaN, owner: '' }, i);
    const d0 = openDeal(0, 100, false);
    const d1 = openDeal(1, 40, true);
    const d2 = openDeal(2, NaN, false);
    const d3 = deal({ outcome: 'won', stageIndex: 2, entered: [NaN, NaN, NaN], amount: 7, currency: '', created: NaN, closed: NaN, lastActivity: NaN, owner: '' }, 3);
    const d4 = openDeal(4, 30, false);
    const base: Shape = { furthest: 2, outcome: 'open', stalled: true, grade: 0, channel: 'Web', owner: 'Ann', created: 19000, daysToWin: 0, firstTouch: NaN, wonAmount: 0, wonDeals: 0, priced: 0, signals: [false, false], entries: [] };
    const lead = (shape: Shape, index: number, deals: Deal[], share = 1): ClassifiedLead => ({ ...classified(shape, index), deals, dealShare: () => share });
    const first = lead(base, 0, [d0, d1, d2, d3]);
    const second = lead({ ...base, stalled: false, owner: 'Bo' }, 1, [d1, d4]);
    const third = lead(base, 2, [d4], 0.5);
    const data: AuditData = { ...dataOf([first, second, third]), deals: new Rows(5, (i) => [d0, d1, d2, d3, d4][i]!), asOf: AS_OF };
    const facts = buildFacts(data);
    // d0 is open and not stalled: counted; d1 has a row of its own; d2 has no amount; d3 is won.
    expect(facts.leads!.stalled.map((r) => [r.id, r.openAmount])).toEqual([
      ['L0', 100],
      ['L2', 15],
    ]);
    expect(facts.deals!.stalled.map((r) => r.id)).toEqual(['D1']);
    expect(facts.leads!.dealLeads.get(1)).toMatchObject({ id: 'L0', owner: 'Ann', channel: 'Web' });
    expect([...facts.leads!.dealLeads.keys()]).toEqual([1]);
    const redacted = buildFacts({ ...data, redact: true }).leads!.stalled[0]!;
    expect(redacted.email).toMatch(/^anon-[0-9a-f]{10}$/);
  });
});

// ---------------------------------------------------------------- merging the facts of parts

/** Facts with the money sums rounded (a merged sum may differ from a sequential one in the last bits). */
function comparable(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_, v: unknown) => {
      if (v instanceof DayCounts) return v.entries();
      if (v instanceof Map) return [...v];
      if (v instanceof Set) return [...v].sort();
      if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : Math.round(v * 1e6) / 1e6;
      return v;
    }),
  );
}

describe('facts of two parts merge into the facts of the whole (the parallel seam)', () => {
  it.each([undefined, 'owner'])('on the bundled HubSpot sample, at six cuts of its leads and deals (--by %s)', async (by) => {
    const dir = join(root, 'fixtures', 'samples', 'hubspot');
    const loaded = await load({ leads: join(dir, 'contacts.csv'), deals: join(dir, 'deals.csv'), rubric: join(dir, 'leadaudit.yml'), asOf: dayNumber(2025, 6, 30), minN: 30, strict: false, keepRejects: false, cwd: dir, by });
    const data = loaded.data;
    const all = data.leads!;
    const whole = buildFacts(data);
    const deals = data.deals!;
    for (const cut of [0, 1, 7, Math.floor(all.length / 2), all.length - 1, all.length]) {
      const part = (from: number, to: number): AuditData => ({ ...data, leads: new Rows(to - from, (i) => all.at(from + i)!) });
      const merged = mergeLeadFacts(buildFacts(part(0, cut)).leads!, buildFacts(part(cut, all.length)).leads!);
      expect(comparable(merged)).toEqual(comparable(whole.leads));
      // The unattributed deals are counted with the first part.
      const dealPart = (from: number, to: number, first: boolean): AuditData => ({ ...data, leads: null, deals: new Rows(to - from, (i) => deals.at(from + i)!), unattributed: first ? data.unattributed : [] });
      const dealCut = Math.min(cut, deals.length);
      const dealsMerged = mergeDealFacts(buildFacts(dealPart(0, dealCut, true)).deals!, buildFacts(dealPart(dealCut, deals.length, false)).deals!);
      expect(comparable(dealsMerged)).toEqual(comparable(buildFacts({ ...data, leads: null }).deals));
    }
  });
});

