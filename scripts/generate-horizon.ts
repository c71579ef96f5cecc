/**
 * Seeded generator of generic lead and deal exports with **planted truths for rates at a horizon**
 * (docs/reports.md, "Rates at a horizon"), the signals' suggested points and the sales gap's
 * revenue at risk (docs/verdicts.md), and a record of them, so test/horizon-planted.test.ts can
 * check leadaudit against known answers.
 *
 *   node dist/scripts/generate-horizon.js                    # fixtures/planted/horizon/
 *   node dist/scripts/generate-horizon.js --leads 3000 --seed 7 --as-of 2025-06-30 --out /tmp/horizon
 *
 * What it plants (every number is in planted.json):
 * 1. Channels. Four steady channels over the 730 days before as-of with the same eventual win
 *    chance; `Young`, created only in the last 60 days, with that same chance (its leads have not
 *    had time to win); `Weak`, over the whole span, with half of it. At the rubric's
 *    `horizonDays: 120` Young has no lead old enough (so no mark), Weak is worse (a `-` mark);
 *    won so far (won / leads) makes Young look worse instead.
 * 2. Days from created to won: uniform 10–100, drawn apart from everything else, so every eventual
 *    win of a lead at least 120 days old has happened, within 120 days.
 * 3. Signals. `Reference` (a decision maker's title) multiplies the eventual win chance by 4: the
 *    largest log odds ratio, which sets the scale of the suggested points. `Twin A` (200+ employees)
 *    and `Twin B` (webinar) both copy one hidden trait, each disagreeing with it on 1.5% of leads
 *    (so they agree on about 97%); the trait multiplies the win chance by 2. `rubric.yml` has all
 *    three; `rubric-one-twin.yml` is the same without Twin B.
 * 4. Grades, chosen so that "qualified" means the same in both rubrics: Reference 30 points, each
 *    twin 10, grade B from 30. A lead is qualified exactly when it has Reference.
 * 5. The sales side. A lead's eventual win chance p is split in two: it is handed off (reaches
 *    SQL) with chance p / Q, and every handoff, qualified or not, then wins with chance Q = 0.6. Of
 *    the handoffs that do not win, 30% stay at SQL with no activity after it (stalled once 10 idle
 *    days have passed); the rest end in a lost deal. Won amounts are 10000 (60%), 5000 or 20000
 *    (20% each): median 10000.
 *
 * Journeys are cut at as-of: a date after it is not written (no deal, no stage date), and a lead
 * whose next step is still to come shows recent activity, so it is open but not stalled. So the
 * handoffs at the 120-day horizon win at Q (every handoff and every win of a lead that old is
 * already visible), while the stalled count depends on which stalls have lasted 10 days by as-of.
 * The generator therefore classifies each lead by the rubric's rules (docs/rubric.md#stall) and
 * records the stalled qualified handoffs it sees, and the expected revenue at risk as that count
 * × Q × the true median. Same options → same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asOfOption, GENERATOR_OPTIONS, projectRoot, runGenerator, UsageHelp, wholeNumber } from './cli.js';
import { DAY_MS, Rng, dayOf } from './random.js';

// ---------------------------------------------------------------- options and the record of what was planted

export interface HorizonOptions {
  readonly leads: number;
  readonly seed: number;
  /** YYYY-MM-DD: "today" of the export; no date in it is later. */
  readonly asOf: string;
  readonly out: string;
}

/**
 * The bundled fixture: seed 1, decided before looking at any result, so the tests hold on data
 * nobody picked. Over seeds 1–11 (2026-12): Young never marked and Weak always `-`; the twins'
 * suggested points summed within 1 of Twin A's alone; the planted revenue at risk lay inside the
 * sales gap's interval on 10 of 11 (seed 11: 438000 against a low end of 438003), as a 95%
 * interval should.
 */
export const BUNDLED: Omit<HorizonOptions, 'out'> = { leads: 6000, seed: 1, asOf: '2025-06-30' };

export const STEADY = ['Paid Search', 'Organic', 'Email', 'Events'] as const;
export const YOUNG = 'Young';
export const WEAK = 'Weak';
export const CHANNELS = [...STEADY, WEAK, YOUNG] as const;
/** Share of leads per channel, in CHANNELS order. */
const CHANNEL_WEIGHTS = [0.18, 0.18, 0.18, 0.19, 0.17, 0.1];
export const OWNERS = ['Ana', 'Ben', 'Chloe', 'Dev', 'Omar'] as const;
export const SIGNALS = ['Reference', 'Twin A', 'Twin B'] as const;

/** Days before as-of the steady and weak channels' leads are created in, and Young's. */
const SPAN_DAYS = 730;
const YOUNG_DAYS = 60;
const HORIZON_DAYS = 120;
/** Days from created to won, uniform and drawn apart from everything else. */
const DAYS_TO_WIN = [10, 100] as const;

/** Eventual win chance of a steady lead with no signal; each factor multiplies it. */
const BASE_WIN = 0.06;
const REFERENCE_FACTOR = 4;
const TWIN_FACTOR = 2;
const WEAK_FACTOR = 0.5;
/** Chance of Reference, and of the twins' hidden trait; the chance each twin disagrees with the trait. */
const REFERENCE_CHANCE = 0.3;
const TWIN_CHANCE = 0.3;
const TWIN_FLIP = 0.015;
/**
 * Every handoff wins with this chance; a lead is handed off with p / Q, so it wins with p. Q must
 * exceed the largest p (0.06 × 4 × 2 = 0.48).
 */
const HANDOFF_WIN = 0.6;
/** Chance that a handoff that does not win stays idle at SQL. */
const SQL_STALL = 0.3;
/** Won deal amounts and their chances: 60% of wins sit on 10000, so their median is 10000 unless the draws stray by over 10 points. */
const AMOUNTS: readonly (readonly [number, number])[] = [
  [10_000, 0.6],
  [5_000, 0.2],
  [20_000, 0.2],
];
const TRUE_MEDIAN = 10_000;
/** stallAfterDays of the rubric's lead, mql, sql and opportunity stages. */
const STALL_AFTER = { lead: 30, mql: 14, sql: 10, opportunity: 30 } as const;

export interface HorizonPlanted {
  seed: number;
  asOf: string;
  leads: number;
  planted: {
    horizonDays: number;
    steadyChannels: string[];
    youngChannel: string;
    youngDays: number;
    weakChannel: string;
    spanDays: number;
    daysToWin: readonly [number, number];
    /** Eventual win chance of a steady lead with no signal, and the factors on it. */
    baseWin: number;
    weakFactor: number;
    referenceSignal: string;
    referenceFactor: number;
    referenceChance: number;
    twinSignals: [string, string];
    twinFactor: number;
    twinChance: number;
    twinFlip: number;
    /** Chance that a handoff (qualified or not) wins: the truth behind handoff_win_rate. */
    handoffWin: number;
    /** Chance that a handoff that does not win stays idle at SQL. */
    sqlStall: number;
    amounts: { amount: number; chance: number }[];
    medianWonAmount: number;
  };
  counts: {
    channels: Record<string, { leads: number; won: number; eventuallyWon: number; atHorizon: number; wonAtHorizon: number }>;
    signals: Record<string, { with: number; wonWith: number }>;
    /** Leads on which Twin A and Twin B agree (both or neither). */
    twinsAgree: number;
    sales: {
      /** Qualified leads (with Reference) handed off by as-of, and of them won, and stalled in a sales stage by the rubric's rules. */
      qualifiedHandoffs: number;
      qualifiedHandoffsWon: number;
      stalledQualifiedSales: number;
      wonDeals: number;
    };
  };
  /**
   * The sales gap's revenue at risk by the planted truth: the stalled qualified handoffs counted
   * above (as the rubric classifies them) × handoffWin × medianWonAmount.
   */
  expectedRevenueAtRisk: number;
}

// ---------------------------------------------------------------- the rubrics

const rubric = (twins: readonly string[]): string => `# The rubric for the horizon exports (scripts/generate-horizon.ts writes this file).
version: 1
preset: generic
horizonDays: ${HORIZON_DAYS}
leads:
  columns: { lastActivity: last_activity, firstTouch: first_touch, status: status }
deals:
  won: [won]
  lost: [lost]
stages:
  - { key: lead, side: marketing, stallAfterDays: ${STALL_AFTER.lead} }
  - { key: mql, side: marketing, stallAfterDays: ${STALL_AFTER.mql}, reachedWhen: { date: mql_date } }
  - { key: sql, side: sales, stallAfterDays: ${STALL_AFTER.sql}, reachedWhen: { date: sql_date } }
  - { key: opportunity, side: sales, stallAfterDays: ${STALL_AFTER.opportunity}, reachedWhen: { date: opp_date, deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
disqualified: { status: { eq: disqualified } }
score:
  signals:
    - { name: Reference, points: 30, when: { title: { matches: "\\\\b(vp|director|head|chief)\\\\b" } } }
${twins.join('\n')}
  # Qualified (B or better) exactly when Reference matches: the twins together give 20.
  grades: { A: 40, B: 30, C: 10 }
  qualifiedGrade: B
`;
const TWIN_A = '    - { name: Twin A, points: 10, when: { employees: { gte: 200 } } }';
const TWIN_B = '    - { name: Twin B, points: 10, when: { webinar: { eq: true } } }';
/** fixtures/planted/horizon/rubric.yml: all three signals. */
export const RUBRIC_YAML = rubric([TWIN_A, TWIN_B]);
/** fixtures/planted/horizon/rubric-one-twin.yml: the same without Twin B. */
export const RUBRIC_ONE_TWIN_YAML = rubric([TWIN_A]);

export const LEADS_HEADER = [
  'id', 'email', 'name', 'source', 'created', 'status', 'owner', 'last_activity', 'first_touch',
  'mql_date', 'sql_date', 'opp_date', 'title', 'employees', 'form_fills', 'webinar',
] as const;
export const DEALS_HEADER = ['id', 'lead_id', 'stage', 'amount', 'created', 'closed'] as const;

// ---------------------------------------------------------------- people

const FIRST_NAMES = ['James', 'Mary', 'Robert', 'Patricia', 'José', 'Zoë', 'Priya', 'Wei', 'Aisha', 'Kenji', 'Olga', 'Diego'];
const LAST_NAMES = ['Smith', 'García', 'Müller', 'Núñez', "O'Brien", 'Nakamura', 'Rossi', 'Silva', 'Patel', 'Kim', 'Okafor', 'Haddad'];
const DOMAINS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark'];
/** Titles that match Reference (a whole word VP, Director, Head or Chief), and titles that do not. */
const REFERENCE_TITLES = ['VP Sales', 'Director of Operations', 'Head of Growth', 'Chief Revenue Officer', 'Marketing Director'];
const OTHER_TITLES = ['Marketing Manager', 'Business Analyst', 'Software Engineer', 'Consultant', 'Product Manager', 'Specialist'];

/** Letters a–z only: José → jose, O'Brien → obrien. */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

// ---------------------------------------------------------------- writing

const NEEDS_QUOTES = /[",\r\n]/;

function csvRow(cells: readonly string[]): string {
  return cells.map((c) => (NEEDS_QUOTES.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + '\n';
}

function isoDay(day: number): string {
  return Number.isNaN(day) ? '' : new Date(day * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- entry points

/** Writes leads.csv, deals.csv, planted.json and both rubrics into `options.out`; returns the record. */
export function generateHorizon(options: HorizonOptions): HorizonPlanted {
  if (!Number.isInteger(options.leads) || options.leads < 1) throw new Error(`--leads: expected a whole number of 1 or more, got ${options.leads}`);
  const asOf = dayOf(options.asOf);
  if (Number.isNaN(asOf)) throw new Error(`--as-of: expected a date YYYY-MM-DD, got "${options.asOf}"`);
  const rng = new Rng(options.seed);
  /** A date on or before as-of, or NaN (not written) when the journey has not got there yet. */
  const seen = (day: number) => (day <= asOf ? day : NaN);

  const channels = Object.fromEntries(CHANNELS.map((c) => [c, { leads: 0, won: 0, eventuallyWon: 0, atHorizon: 0, wonAtHorizon: 0 }]));
  const signals = Object.fromEntries(SIGNALS.map((s) => [s, { with: 0, wonWith: 0 }]));
  const sales = { qualifiedHandoffs: 0, qualifiedHandoffsWon: 0, stalledQualifiedSales: 0, wonDeals: 0 };
  let twinsAgree = 0;
  const leadRows = [csvRow(LEADS_HEADER)];
  const dealRows = [csvRow(DEALS_HEADER)];

  for (let i = 0; i < options.leads; i++) {
    const channel = CHANNELS[rng.weighted(CHANNEL_WEIGHTS)]!;
    const owner = rng.pick(OWNERS);
    const created = asOf - rng.int(0, (channel === YOUNG ? YOUNG_DAYS : SPAN_DAYS) - 1);
    const reference = rng.chance(REFERENCE_CHANCE);
    const trait = rng.chance(TWIN_CHANCE);
    const twinA = rng.chance(TWIN_FLIP) ? !trait : trait;
    const twinB = rng.chance(TWIN_FLIP) ? !trait : trait;
    const pWin = BASE_WIN * (reference ? REFERENCE_FACTOR : 1) * (trait ? TWIN_FACTOR : 1) * (channel === WEAK ? WEAK_FACTOR : 1);

    // The eventual journey, then its dates; cut at as-of when written.
    const handedOff = rng.chance(pWin / HANDOFF_WIN);
    const wins = handedOff && rng.chance(HANDOFF_WIN);
    const stalls = handedOff && !wins && rng.chance(SQL_STALL);
    const daysToWin = rng.int(...DAYS_TO_WIN);
    // Stage gaps: created → SQL in 1–30 days (before the win), SQL → opportunity, opportunity → lost.
    const toSql = rng.int(1, wins ? Math.min(30, daysToWin - 2) : 30);
    const toOpp = rng.int(1, wins ? daysToWin - toSql - 1 : 15);
    const toLost = rng.int(5, 60);
    const sqlDay = created + toSql;
    const mqlDay = created + rng.int(0, toSql);
    const oppDay = sqlDay + toOpp;
    const closed = wins ? created + daysToWin : oppDay + toLost;
    const recent = Math.max(created, asOf - rng.int(0, 5));

    let mql = NaN;
    let sql = NaN;
    let opp = NaN;
    let lastActivity: number;
    let status = '';
    let deal: { stage: 'won' | 'lost'; amount: number } | undefined;
    if (!handedOff) {
      // Never reaches SQL: disqualified after a while, or open (active or idle; marketing side).
      if (rng.chance(0.6)) {
        status = 'disqualified';
        lastActivity = Math.min(asOf, created + rng.int(0, 20));
      } else {
        lastActivity = created + rng.int(0, asOf - created);
      }
    } else if (stalls) {
      // Idle at SQL from the day it got there: no activity after it, or none at all.
      mql = seen(mqlDay);
      sql = seen(sqlDay);
      lastActivity = Number.isNaN(sql) ? recent : rng.chance(0.5) ? NaN : sql;
    } else {
      mql = seen(mqlDay);
      sql = seen(sqlDay);
      opp = seen(oppDay);
      if (closed <= asOf) {
        deal = { stage: wins ? 'won' : 'lost', amount: wins ? AMOUNTS[rng.weighted(AMOUNTS.map(([, w]) => w))]![0] : Math.round(rng.logInt(2000, 60_000) / 100) * 100 };
        lastActivity = Math.min(asOf, closed + rng.int(0, 10));
      } else {
        lastActivity = recent;
      }
    }
    const firstTouch = rng.chance(0.85) ? Math.min(asOf, created + rng.int(0, 5)) : NaN;
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const title = rng.pick(reference ? REFERENCE_TITLES : OTHER_TITLES);
    const employees = twinA ? rng.logInt(200, 20_000) : rng.logInt(1, 199);
    const formFills = rng.int(0, 6);

    const id = `L${String(i + 1).padStart(6, '0')}`;
    leadRows.push(
      csvRow([
        id,
        `${ascii(first)}.${ascii(last)}${i + 1}@${rng.pick(DOMAINS)}.com`,
        `${first} ${last}`,
        channel,
        isoDay(created),
        status,
        owner,
        isoDay(lastActivity),
        isoDay(firstTouch),
        isoDay(mql),
        isoDay(sql),
        isoDay(opp),
        title,
        String(employees),
        String(formFills),
        twinB ? 'yes' : 'no',
      ]),
    );
    if (deal) dealRows.push(csvRow([`D${String(dealRows.length).padStart(6, '0')}`, id, deal.stage, String(deal.amount), isoDay(oppDay), isoDay(closed)]));

    // What the run will see, by the rubric's rules (docs/rubric.md#outcome, #stall).
    const won = deal?.stage === 'won';
    const open = deal === undefined && status === '';
    const [entry, threshold] = !Number.isNaN(opp)
      ? [opp, STALL_AFTER.opportunity]
      : !Number.isNaN(sql)
        ? [sql, STALL_AFTER.sql]
        : !Number.isNaN(mql)
          ? [mql, STALL_AFTER.mql]
          : [created, STALL_AFTER.lead];
    const since = Number.isNaN(lastActivity) ? entry : Math.max(entry, lastActivity);
    const stalled = open && asOf - since > threshold;
    const salesSide = !Number.isNaN(sql);
    const old = asOf - created >= HORIZON_DAYS;

    const c = channels[channel]!;
    c.leads++;
    if (won) c.won++;
    if (wins) c.eventuallyWon++;
    if (old) {
      c.atHorizon++;
      if (won && daysToWin <= HORIZON_DAYS) c.wonAtHorizon++;
    }
    [reference, twinA, twinB].forEach((has, k) => {
      if (!has) return;
      signals[SIGNALS[k]!]!.with++;
      if (won) signals[SIGNALS[k]!]!.wonWith++;
    });
    if (twinA === twinB) twinsAgree++;
    if (won) sales.wonDeals++;
    if (reference && salesSide) {
      sales.qualifiedHandoffs++;
      if (won) sales.qualifiedHandoffsWon++;
      if (stalled) sales.stalledQualifiedSales++;
    }
  }

  mkdirSync(options.out, { recursive: true });
  writeFileSync(join(options.out, 'leads.csv'), leadRows.join(''));
  writeFileSync(join(options.out, 'deals.csv'), dealRows.join(''));
  writeFileSync(join(options.out, 'rubric.yml'), RUBRIC_YAML);
  writeFileSync(join(options.out, 'rubric-one-twin.yml'), RUBRIC_ONE_TWIN_YAML);
  const record: HorizonPlanted = {
    seed: options.seed,
    asOf: options.asOf,
    leads: options.leads,
    planted: {
      horizonDays: HORIZON_DAYS,
      steadyChannels: [...STEADY],
      youngChannel: YOUNG,
      youngDays: YOUNG_DAYS,
      weakChannel: WEAK,
      spanDays: SPAN_DAYS,
      daysToWin: DAYS_TO_WIN,
      baseWin: BASE_WIN,
      weakFactor: WEAK_FACTOR,
      referenceSignal: 'Reference',
      referenceFactor: REFERENCE_FACTOR,
      referenceChance: REFERENCE_CHANCE,
      twinSignals: ['Twin A', 'Twin B'],
      twinFactor: TWIN_FACTOR,
      twinChance: TWIN_CHANCE,
      twinFlip: TWIN_FLIP,
      handoffWin: HANDOFF_WIN,
      sqlStall: SQL_STALL,
      amounts: AMOUNTS.map(([amount, chance]) => ({ amount, chance })),
      medianWonAmount: TRUE_MEDIAN,
    },
    counts: { channels, signals, twinsAgree, sales },
    // To the cent: 87 × 0.6 × 10000 is 521999.99999999994 in floating point.
    expectedRevenueAtRisk: Math.round(sales.stalledQualifiedSales * HANDOFF_WIN * TRUE_MEDIAN * 100) / 100,
  };
  writeFileSync(join(options.out, 'planted.json'), JSON.stringify(record, null, 2) + '\n');
  return record;
}

const USAGE = `usage: generate-horizon [--out DIR] [--leads N] [--seed S] [--as-of YYYY-MM-DD]
With no arguments, writes fixtures/planted/horizon/ (leads.csv, deals.csv, planted.json, rubric.yml,
rubric-one-twin.yml); with --out, the same files into DIR.`;

export function parseCli(argv: readonly string[]): HorizonOptions[] {
  const { values } = parseArgs({ args: [...argv], options: GENERATOR_OPTIONS, strict: true });
  if (values.help) throw new UsageHelp();
  const out = values.out === undefined ? join(projectRoot(), 'fixtures', 'planted', 'horizon') : resolve(values.out);
  const leads = wholeNumber('leads', values.leads, BUNDLED.leads);
  if (leads < 1) throw new Error('--leads: expected 1 or more');
  return [{ leads, seed: wholeNumber('seed', values.seed, BUNDLED.seed) >>> 0, asOf: asOfOption(values['as-of'], BUNDLED.asOf), out }];
}

runGenerator(import.meta.url, 'generate-horizon', USAGE, parseCli, (options) => {
  const p = generateHorizon(options);
  const s = p.counts.sales;
  process.stderr.write(
    `horizon: ${p.leads} leads (${s.wonDeals} won, ${s.qualifiedHandoffs} qualified handoffs, ${s.stalledQualifiedSales} of them stalled; revenue at risk ${p.expectedRevenueAtRisk}) → ${options.out}\n`,
  );
});
