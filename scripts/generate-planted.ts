/**
 * Seeded generator of generic lead and deal exports with **planted effects** (scenario `planted`),
 * a sales gap that no owner or grade explains (scenario `sales-gap`), or none at all (scenario
 * `control`), and a record of what it planted, so tests can check that leadaudit's accountability
 * reports (docs/verdicts.md) name exactly the planted things.
 *
 *   node dist/scripts/generate-planted.js            # fixtures/planted/{planted,control,sales-gap}/ + rubric.yml
 *   node dist/scripts/generate-planted.js --scenario planted --leads 4000 --seed 7 \
 *        --as-of 2025-06-30 --out /tmp/planted     # also writes rubric.yml into --out
 *
 * The planted effects, each unmistakable at 4000 leads:
 * 1. `Partner` leads win about 3× as often (won / leads) as all other leads together.
 * 2. `Decision maker` leads win about 2.5× as often as those without; `Webinar attendee` leads about
 *    0.4× as often. `Big company` and `Form filler` have the same win rate with and without.
 * 3. Most of `Omar`'s grade-A leads that reach SQL stay there, idle for 30–90 days (stalled).
 * 4. `Paid Social` is mostly grade D and hands off about half of its grade-D leads, which rarely win.
 * In `sales-gap` everything is as in `control` except that every owner lets 40% of the handed-off,
 * not-won leads stay idle at SQL, whatever their grade: qualified handoffs stall far above the
 * verdict's 10% tolerance, with no owner and no grade stalling more than the rest (sales gap rule
 * `above_tolerance` alone, docs/verdicts.md).
 * In `control` every channel has the same grade mix, every lead the same chance of being handed off
 * and of winning whatever its channel, grade or signals, and every owner stalls alike: any
 * difference is sampling noise.
 *
 * How it works: each lead's attributes are drawn and scored with the rubric below (the generator's
 * own few lines, not leadaudit's), then its journey is decided in this order: won or not (from
 * channel and signals), handed off or not (every win is; the rest by grade), and for the rest where
 * it ended (a lost or open deal, open at SQL, or disqualified/open before handoff) — then its dates
 * are placed so the journey fits between the 15 months before as-of and as-of. planted.json counts
 * those decisions.
 *
 * One consequence to know when reading the matrix (§6.3): since winning does not depend on Big
 * company or Form filler but handoff depends on grade, the few low-grade leads other channels hand
 * off are mostly their winners. So in `planted` the handed-off unqualified leads taken together win
 * about as often as the qualified ones; Paid Social's flood shows per channel, not in that total.
 * Rows are written in batches of about 1 MB and only counts are kept. Same options → same bytes.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asOfOption, GENERATOR_OPTIONS, projectRoot, runGenerator, UsageHelp, wholeNumber } from './cli.js';
import { DAY_MS, Rng, dayOf } from './random.js';

// ---------------------------------------------------------------- options and the record of what was planted

export const SCENARIOS = ['planted', 'control', 'sales-gap'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface PlantedOptions {
  readonly scenario: Scenario;
  readonly leads: number;
  readonly seed: number;
  /** YYYY-MM-DD: "today" of the export; no date in it is later. */
  readonly asOf: string;
  readonly out: string;
}

export interface Planted {
  scenario: Scenario;
  seed: number;
  asOf: string;
  leads: number;
  planted: {
    bestChannel: string | null;
    predictiveSignal: string | null;
    inverseSignal: string | null;
    stallingOwner: string | null;
    floodingChannel: string | null;
    /** sales-gap: the chance, for every owner and grade, that a handed-off lead that does not win stays idle at SQL. */
    teamSqlStall: number | null;
  };
  counts: {
    channels: Record<string, { leads: number; won: number; handedOff: number; handedOffUnqualified: number }>;
    signals: Record<string, { with: number; wonWith: number; without: number; wonWithout: number }>;
    owners: Record<
      string,
      { leads: number; qualified: number; handedOff: number; won: number; qualifiedStalledSales: number; qualifiedHandedOff: number }
    >;
    grades: Record<string, { leads: number; won: number; handedOff: number }>;
    totals: { leads: number; won: number; lost: number; handedOff: number; qualified: number; stalled: number };
  };
}

/**
 * The bundled fixtures use seed 1, decided before looking at any result: the tests must hold on
 * data nobody picked. Across seeds 1–20 of the control (with open deals idle 10% of the time,
 * 2026-12), leadaudit named something in 6 of 20: an owner (seeds 5, 19), qualified handoffs
 * stalling more than unqualified ones (14), an inverted rubric (13, 17, 18) — about the 5% per
 * family its tests are built for, over six families (test/planted.test.ts checks seeds 1–6);
 * the sales gap's tolerance rule fired on none (stalled shares 4–7%, against 10%).
 */
export const BUNDLED: readonly Omit<PlantedOptions, 'out'>[] = [
  { scenario: 'planted', leads: 4000, seed: 1, asOf: '2025-06-30' },
  { scenario: 'control', leads: 4000, seed: 1, asOf: '2025-06-30' },
  { scenario: 'sales-gap', leads: 4000, seed: 1, asOf: '2025-06-30' },
];

// ---------------------------------------------------------------- the rubric, and the generator's view of it

/** The rubric every scenario is audited with (fixtures/planted/rubric.yml). */
export const RUBRIC_YAML = `# The rubric for the planted-effect exports (scripts/generate-planted.ts writes this file).
version: 1
preset: generic
leads:
  columns: { lastActivity: last_activity, firstTouch: first_touch, status: status }
deals:
  won: [won]
  lost: [lost]
  stages:
    - { value: discovery, stallAfterDays: 21 }
    - { value: proposal, stallAfterDays: 14 }
stages:
  - { key: lead, side: marketing, stallAfterDays: 30 }
  - { key: mql, side: marketing, stallAfterDays: 14, reachedWhen: { date: mql_date } }
  - { key: sql, side: sales, stallAfterDays: 10, reachedWhen: { date: sql_date } }
  - { key: opportunity, side: sales, stallAfterDays: 30, reachedWhen: { date: opp_date, deal: any } }
  - { key: won, side: sales, reachedWhen: { deal: won } }
disqualified: { status: { eq: disqualified } }
score:
  signals:
    - { name: Decision maker, points: 20, when: { title: { matches: "\\\\b(vp|director|head|chief)\\\\b" } } }
    - { name: Big company, points: 15, when: { employees: { gte: 200 } } }
    - { name: Webinar attendee, points: 10, when: { webinar: { eq: true } } }
    - { name: Form filler, points: 5, when: { form_fills: { gte: 3 } } }
  grades: { A: 30, B: 15, C: 5 }
  qualifiedGrade: B
`;

export const LEADS_HEADER = [
  'id', 'email', 'name', 'source', 'created', 'status', 'owner', 'last_activity', 'first_touch',
  'mql_date', 'sql_date', 'opp_date', 'title', 'employees', 'form_fills', 'webinar',
] as const;
export const DEALS_HEADER = ['id', 'lead_id', 'stage', 'amount', 'created', 'closed'] as const;

/** Channels in the order planted.json lists them; an empty source is `(none)`. */
export const CHANNELS = ['Partner', 'Paid Search', 'Paid Social', 'Organic', 'Events', 'Email', '(none)'] as const;
export const OWNERS = ['Ana', 'Ben', 'Chloe', 'Dev', 'Omar'] as const;
export const SIGNALS = ['Decision maker', 'Big company', 'Webinar attendee', 'Form filler'] as const;
const POINTS = [20, 15, 10, 5] as const;
/** Grade names with their lowest score, best first; below the last is D. */
const GRADE_BOUNDS: readonly (readonly [string, number])[] = [
  ['A', 30],
  ['B', 15],
  ['C', 5],
];
export const GRADES = ['A', 'B', 'C', 'D'] as const;
const QUALIFIED = new Set(['A', 'B']);
const DECISION_MAKER = /\b(vp|director|head|chief)\b/i;
/** stallAfterDays of lead, mql, sql, opportunity. */
const STALL_AFTER = { lead: 30, mql: 14, sql: 10, opportunity: 30 } as const;

// ---------------------------------------------------------------- the journey model

/** Share of leads per channel, in CHANNELS order (the last, 0.5%, have an empty source). */
const CHANNEL_WEIGHTS = [0.125, 0.2, 0.15, 0.22, 0.1, 0.2, 0.005];
/** Chance of each signal's attribute, in SIGNALS order, for every lead but Paid Social's flood. */
const SIGNAL_CHANCE = [0.4, 0.4, 0.3, 0.35];
/** Planted: share of Paid Social leads drawn with no signal at all (grade D). */
const FLOOD_SHARE = 0.75;

/**
 * Planted chance of winning: BASE × channel × the factor of each signal the lead has. The factors
 * are chosen so that, over the whole population (Paid Social's grade-D flood included, which wins
 * rarely and has no signal), the marginal win rate of Partner is 3× the rest, of Decision maker
 * 2.5× and of Webinar attendee 0.4× those without, and Big company and Form filler 1× (they need a
 * factor below 1 to offset the flood, which sits entirely on their "without" side).
 */
const WIN_BASE = 0.067;
const PARTNER_FACTOR = 2.64;
const SIGNAL_WIN_FACTOR = [2.1, 0.835, 0.34, 0.845];
/** Planted: chance that a Paid Social grade-D lead wins, and that one that does not is handed off. */
const FLOOD_WIN = 0.008;
const FLOOD_HANDOFF = 0.496;
/** Planted: chance that a lead that does not win is handed off (reaches SQL), by grade. */
const HANDOFF: Record<string, number> = { A: 0.55, B: 0.35, C: 0.1, D: 0.01 };
/** Planted: chance that a lead not handed off reached MQL, by grade. */
const MQL: Record<string, number> = { A: 0.85, B: 0.7, C: 0.45, D: 0.25 };
/**
 * Control: the same chances for every lead, whatever its grade. (A handoff rule by grade with a win
 * rate that is not would make handed-off low grades win more than high ones — every win is handed
 * off, so the few low-grade leads handed off would be mostly the winners: a difference the control
 * must not have.)
 */
const CONTROL_WIN = 0.075;
const CONTROL_HANDOFF = 0.32;
const CONTROL_MQL = 0.55;
/** Planted: chance that Omar's grade-A, handed-off, not-won lead stays idle at SQL; everyone else's. */
const OMAR_SQL_STALL = 0.85;
const SQL_STALL = 0.04;
/** sales-gap: the same chance for every owner and grade, far above what the verdict tolerates. */
const TEAM_SQL_STALL = 0.4;
/**
 * Chance that an open deal has sat idle (31–180 days): planted 35%. In control and sales-gap 10%,
 * so that in control about 5% of qualified handoffs stall in sales stages — well within the sales
 * gap's default 10% tolerance (docs/verdicts.md), where a control has nothing to find.
 */
const IDLE_OPEN_DEAL: Record<Scenario, number> = { planted: 0.35, control: 0.1, 'sales-gap': 0.1 };

type Fate = 'won' | 'dealLost' | 'dealOpen' | 'sqlStalled' | 'sqlActive' | 'beforeHandoff';

interface Person {
  readonly name: string;
  readonly email: string;
  readonly title: string;
  readonly employees: number;
  readonly formFills: number;
  readonly webinar: boolean;
}

interface Journey {
  created: number;
  firstTouch: number;
  mql: number;
  sql: number;
  opp: number;
  deal: { stage: 'discovery' | 'proposal' | 'won' | 'lost'; amount: number; closed: number } | undefined;
  disqualified: boolean;
  lastActivity: number;
}

// ---------------------------------------------------------------- calendar days

function isoDay(day: number): string {
  return Number.isNaN(day) ? '' : new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the 15 calendar months that end with as-of's (2025-06-30 → 2024-04-01). */
function windowStart(asOf: number): number {
  const d = new Date(asOf * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 14, 1) / DAY_MS;
}

// ---------------------------------------------------------------- people

const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Sarah', 'Daniel', 'Karen',
  'José', 'Zoë', 'François', 'Renée', 'Björn', 'Inés', 'Priya', 'Wei', 'Aisha', 'Kenji', 'Olga', 'Lars', 'Fatima', 'Diego',
];
const LAST_NAMES = [
  'Smith', 'Johnson', 'Brown', 'García', 'Miller', 'Davis', 'Martinez', 'Wilson', 'Taylor', 'Müller', 'Núñez', 'Dubois',
  "O'Brien", 'Kowalski', 'Nakamura', 'Rossi', 'Novak', 'Silva', 'Patel', 'Kim', 'Nguyen', 'Chen', 'Okafor', 'Haddad',
];
const DOMAINS = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'tyrell', 'soylent', 'vandelay'];
/** Titles that match the Decision maker signal (a whole word VP, Director, Head or Chief). */
export const DECISION_MAKER_TITLES = [
  'VP Sales', 'VP of Marketing', 'Director of Operations', 'Sales Director', 'Head of Growth', 'Head of IT',
  'Chief Revenue Officer', 'Chief Executive Officer', 'Marketing Director', 'VP Engineering',
];
/** Titles that do not (beware: no `Headcount`-style words would match anyway, thanks to \b). */
export const OTHER_TITLES = [
  'Marketing Manager', 'Sales Manager', 'Business Analyst', 'Data Analyst', 'Software Engineer', 'Account Executive',
  'Operations Coordinator', 'Consultant', 'Product Manager', 'Specialist', 'Office Manager', 'Customer Success Manager',
];

/** Letters a–z only: José → jose, O'Brien → obrien. */
function ascii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function makePerson(rng: Rng, index: number, has: readonly boolean[]): Person {
  const first = rng.pick(FIRST_NAMES);
  const last = rng.pick(LAST_NAMES);
  return {
    name: `${first} ${last}`,
    email: `${ascii(first)}.${ascii(last)}${index + 1}@${rng.pick(DOMAINS)}.com`,
    title: rng.pick(has[0] ? DECISION_MAKER_TITLES : OTHER_TITLES),
    employees: has[1] ? rng.logInt(200, 20_000) : rng.logInt(1, 199),
    webinar: has[2]!,
    formFills: has[3] ? rng.int(3, 6) : rng.int(0, 2),
  };
}

/** The generator's own scoring of what it wrote: which signals match, in SIGNALS order. */
function signalsOf(p: Person): boolean[] {
  return [DECISION_MAKER.test(p.title), p.employees >= 200, p.webinar, p.formFills >= 3];
}

function gradeOf(matched: readonly boolean[]): string {
  const score = matched.reduce((sum, m, i) => sum + (m ? POINTS[i]! : 0), 0);
  return GRADE_BOUNDS.find(([, min]) => score >= min)?.[0] ?? 'D';
}

// ---------------------------------------------------------------- deciding each lead's journey

interface Decision {
  readonly fate: Fate;
  /** For beforeHandoff: reached MQL, disqualified. */
  readonly mql: boolean;
  readonly disqualified: boolean;
}

function decide(rng: Rng, scenario: Scenario, channel: string, owner: string, matched: readonly boolean[], grade: string): Decision {
  const planted = scenario === 'planted';
  const flood = planted && channel === 'Paid Social' && grade === 'D';
  let pWin: number;
  if (!planted) pWin = CONTROL_WIN;
  else if (flood) pWin = FLOOD_WIN;
  else {
    pWin = WIN_BASE * (channel === 'Partner' ? PARTNER_FACTOR : 1);
    matched.forEach((m, i) => {
      if (m) pWin *= SIGNAL_WIN_FACTOR[i]!;
    });
  }
  if (rng.chance(pWin)) return { fate: 'won', mql: true, disqualified: false };
  if (rng.chance(!planted ? CONTROL_HANDOFF : flood ? FLOOD_HANDOFF : HANDOFF[grade]!)) {
    const pStall = scenario === 'sales-gap' ? TEAM_SQL_STALL : planted && owner === 'Omar' && grade === 'A' ? OMAR_SQL_STALL : SQL_STALL;
    if (rng.chance(pStall)) return { fate: 'sqlStalled', mql: true, disqualified: false };
    const r = rng.next();
    const fate: Fate = r < 0.06 ? 'sqlActive' : r < 0.7 ? 'dealLost' : 'dealOpen';
    return { fate, mql: true, disqualified: false };
  }
  return { fate: 'beforeHandoff', mql: rng.chance(planted ? MQL[grade]! : CONTROL_MQL), disqualified: rng.chance(0.5) };
}

/**
 * Dates for a decided journey, from the window start to as-of: stage dates step forward from
 * `created` by the drawn gaps, and `created` is placed so that the journey ends in time.
 */
function placeJourney(rng: Rng, d: Decision, owner: string, grade: string, scenario: Scenario, asOf: number, start: number): Journey {
  const gaps = [rng.int(1, 20), rng.int(2, 30), rng.int(3, 25), rng.int(10, 90)]; // → mql → sql → opp → closed
  const j: Journey = { created: NaN, firstTouch: NaN, mql: NaN, sql: NaN, opp: NaN, deal: undefined, disqualified: false, lastActivity: NaN };
  const span = (steps: number): number => gaps.slice(0, steps).reduce((a, b) => a + b, 0);
  /** The first `steps` stages after created, their last on day `last`. */
  const endAt = (steps: number, last: number): void => {
    j.created = last - span(steps);
    if (steps >= 1) j.mql = j.created + gaps[0]!;
    if (steps >= 2) j.sql = j.mql + gaps[1]!;
    if (steps >= 3) j.opp = j.sql + gaps[2]!;
  };
  /** The same, created anywhere in the window that lets the last be no later than `latest`. */
  const place = (steps: number, latest: number): void => endAt(steps, rng.int(start, Math.max(start, latest - span(steps))) + span(steps));
  const amount = (): number => Math.round(rng.logInt(2000, 60_000) / 100) * 100;

  switch (d.fate) {
    case 'won':
    case 'dealLost': {
      place(4, asOf);
      const closed = j.opp + gaps[3]!;
      j.deal = { stage: d.fate === 'won' ? 'won' : 'lost', amount: amount(), closed };
      if (rng.chance(0.7)) j.lastActivity = Math.min(asOf, closed + rng.int(0, 20));
      break;
    }
    case 'dealOpen': {
      // An open deal is young: created in the last 60 days, or 31–180 days ago and idle since.
      const idle = rng.chance(IDLE_OPEN_DEAL[scenario]);
      const after = rng.int(0, 10);
      endAt(3, idle ? rng.int(asOf - 180, asOf - STALL_AFTER.opportunity - 1 - after) : rng.int(asOf - 60, asOf));
      j.deal = { stage: rng.chance(0.55) ? 'discovery' : 'proposal', amount: amount(), closed: NaN };
      if (idle) j.lastActivity = rng.chance(0.5) ? NaN : j.opp + after;
      else j.lastActivity = rng.int(Math.max(j.opp, asOf - 20), asOf);
      break;
    }
    case 'sqlStalled': {
      // Idle at SQL with no activity after it: Omar's planted grade-A stalls 30–90 days, others 20–200.
      const omar = scenario === 'planted' && owner === 'Omar' && grade === 'A';
      endAt(2, omar ? rng.int(asOf - 90, asOf - 30) : rng.int(asOf - 200, asOf - 20));
      j.lastActivity = rng.chance(0.4) ? NaN : j.sql;
      break;
    }
    case 'sqlActive':
      place(2, asOf);
      j.lastActivity = rng.int(Math.max(j.sql, asOf - 7), asOf);
      break;
    case 'beforeHandoff': {
      const steps = d.mql ? 1 : 0;
      const threshold = d.mql ? STALL_AFTER.mql : STALL_AFTER.lead;
      const entry = (): number => (d.mql ? j.mql : j.created);
      if (d.disqualified) {
        place(steps, asOf);
        j.disqualified = true;
        if (rng.chance(0.5)) j.lastActivity = Math.min(asOf, entry() + rng.int(0, 30));
      } else if (rng.chance(0.55)) {
        // Idle: no activity within the stage's threshold.
        const after = rng.int(0, 5);
        place(steps, asOf - threshold - 1 - after);
        if (rng.chance(0.5)) j.lastActivity = entry() + after;
      } else {
        place(steps, asOf);
        j.lastActivity = rng.int(Math.max(entry(), asOf - threshold), asOf);
      }
      break;
    }
  }
  if (rng.chance(0.85)) j.firstTouch = Math.min(asOf, j.created + rng.int(0, 5));
  return j;
}

/** Where the journey ended, by the rubric's rules (docs/rubric.md#outcome, #stall), from the journey's own dates. */
function outcomeOf(j: Journey, asOf: number): { outcome: 'won' | 'lost' | 'open'; stalled: boolean; salesSide: boolean } {
  const salesSide = !Number.isNaN(j.sql);
  if (j.deal?.stage === 'won') return { outcome: 'won', stalled: false, salesSide };
  if (j.deal?.stage === 'lost' || j.disqualified) return { outcome: 'lost', stalled: false, salesSide };
  const [entry, threshold] = !Number.isNaN(j.opp)
    ? [j.opp, STALL_AFTER.opportunity]
    : salesSide
      ? [j.sql, STALL_AFTER.sql]
      : !Number.isNaN(j.mql)
        ? [j.mql, STALL_AFTER.mql]
        : [j.created, STALL_AFTER.lead];
  const since = Number.isNaN(j.lastActivity) ? entry : Math.max(entry, j.lastActivity);
  return { outcome: 'open', stalled: asOf - since > threshold, salesSide };
}

// ---------------------------------------------------------------- writing

const NEEDS_QUOTES = /[",\r\n]/;

function cell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Appends text to a file in batches of about 1 MB. */
class BatchWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  row(cells: readonly string[]): void {
    const text = cells.map(cell).join(',') + '\n';
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) this.flush();
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const bytes = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done);
  }
}

function emptyCounts(): Planted['counts'] {
  const each = <K extends string, T>(keys: readonly K[], make: () => T): Record<K, T> =>
    Object.fromEntries(keys.map((k) => [k, make()])) as Record<K, T>;
  return {
    channels: each(CHANNELS, () => ({ leads: 0, won: 0, handedOff: 0, handedOffUnqualified: 0 })),
    signals: each(SIGNALS, () => ({ with: 0, wonWith: 0, without: 0, wonWithout: 0 })),
    owners: each(OWNERS, () => ({ leads: 0, qualified: 0, handedOff: 0, won: 0, qualifiedStalledSales: 0, qualifiedHandedOff: 0 })),
    grades: each(GRADES, () => ({ leads: 0, won: 0, handedOff: 0 })),
    totals: { leads: 0, won: 0, lost: 0, handedOff: 0, qualified: 0, stalled: 0 },
  };
}

// ---------------------------------------------------------------- entry points

/** Writes leads.csv, deals.csv and planted.json into `options.out`; returns the record. */
export function generatePlanted(options: PlantedOptions): Planted {
  if (!SCENARIOS.includes(options.scenario)) throw new Error(`--scenario: expected one of: ${SCENARIOS.join(', ')} (got "${String(options.scenario)}")`);
  if (!Number.isInteger(options.leads) || options.leads < 1) throw new Error(`--leads: expected a whole number of 1 or more, got ${options.leads}`);
  const asOf = dayOf(options.asOf);
  if (Number.isNaN(asOf)) throw new Error(`--as-of: expected a date YYYY-MM-DD, got "${options.asOf}"`);
  const start = windowStart(asOf);
  const rng = new Rng(options.seed);
  const planted = options.scenario === 'planted';
  const counts = emptyCounts();

  mkdirSync(options.out, { recursive: true });
  const leadsOut = new BatchWriter(join(options.out, 'leads.csv'));
  const dealsOut = new BatchWriter(join(options.out, 'deals.csv'));
  try {
    leadsOut.row(LEADS_HEADER);
    dealsOut.row(DEALS_HEADER);
    let dealNumber = 0;
    for (let i = 0; i < options.leads; i++) {
      const channel = CHANNELS[rng.weighted(CHANNEL_WEIGHTS)]!;
      const owner = rng.pick(OWNERS);
      const flood = planted && channel === 'Paid Social' && rng.chance(FLOOD_SHARE);
      const has = SIGNAL_CHANCE.map((p) => !flood && rng.chance(p));
      const person = makePerson(rng, i, has);
      const matched = signalsOf(person);
      const grade = gradeOf(matched);
      const decision = decide(rng, options.scenario, channel, owner, matched, grade);
      const j = placeJourney(rng, decision, owner, grade, options.scenario, asOf, start);
      const { outcome, stalled, salesSide } = outcomeOf(j, asOf);

      const id = `L${String(i + 1).padStart(6, '0')}`;
      leadsOut.row([
        id,
        person.email,
        person.name,
        channel === '(none)' ? '' : channel,
        isoDay(j.created),
        j.disqualified ? 'disqualified' : '',
        owner,
        isoDay(j.lastActivity),
        isoDay(j.firstTouch),
        isoDay(j.mql),
        isoDay(j.sql),
        isoDay(j.opp),
        person.title,
        String(person.employees),
        String(person.formFills),
        person.webinar ? 'yes' : 'no',
      ]);
      if (j.deal) {
        dealNumber++;
        dealsOut.row([`D${String(dealNumber).padStart(6, '0')}`, id, j.deal.stage, String(j.deal.amount), isoDay(j.opp), isoDay(j.deal.closed)]);
      }

      const won = outcome === 'won' ? 1 : 0;
      const handedOff = salesSide ? 1 : 0;
      const qualified = QUALIFIED.has(grade);
      const c = counts.channels[channel]!;
      c.leads++;
      c.won += won;
      c.handedOff += handedOff;
      if (!qualified) c.handedOffUnqualified += handedOff;
      SIGNALS.forEach((name, k) => {
        const s = counts.signals[name]!;
        if (matched[k]) {
          s.with++;
          s.wonWith += won;
        } else {
          s.without++;
          s.wonWithout += won;
        }
      });
      const o = counts.owners[owner]!;
      o.leads++;
      o.handedOff += handedOff;
      o.won += won;
      if (qualified) {
        o.qualified++;
        o.qualifiedHandedOff += handedOff;
        if (stalled && salesSide) o.qualifiedStalledSales++;
      }
      const g = counts.grades[grade]!;
      g.leads++;
      g.won += won;
      g.handedOff += handedOff;
      const t = counts.totals;
      t.leads++;
      t.won += won;
      if (outcome === 'lost') t.lost++;
      t.handedOff += handedOff;
      if (qualified) t.qualified++;
      if (stalled) t.stalled++;
    }
  } finally {
    leadsOut.close();
    dealsOut.close();
  }

  const record: Planted = {
    scenario: options.scenario,
    seed: options.seed,
    asOf: options.asOf,
    leads: options.leads,
    planted: {
      bestChannel: planted ? 'Partner' : null,
      predictiveSignal: planted ? 'Decision maker' : null,
      inverseSignal: planted ? 'Webinar attendee' : null,
      stallingOwner: planted ? 'Omar' : null,
      floodingChannel: planted ? 'Paid Social' : null,
      teamSqlStall: options.scenario === 'sales-gap' ? TEAM_SQL_STALL : null,
    },
    counts,
  };
  writeFileSync(join(options.out, 'planted.json'), JSON.stringify(record, null, 2) + '\n');
  return record;
}

export function writeRubric(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rubric.yml'), RUBRIC_YAML);
}

const USAGE = `usage: generate-planted [--scenario planted|control|sales-gap --out DIR] [--leads N] [--seed S] [--as-of YYYY-MM-DD]
With no arguments, writes fixtures/planted/{planted,control,sales-gap}/ and fixtures/planted/rubric.yml.
With --out, writes leads.csv, deals.csv, planted.json and rubric.yml into DIR.`;

export interface Run {
  readonly options: PlantedOptions;
  /** Where to write rubric.yml. */
  readonly rubricDir: string;
}

export function parseCli(argv: readonly string[]): Run[] {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...GENERATOR_OPTIONS, scenario: { type: 'string' } },
    strict: true,
  });
  if (values.help) throw new UsageHelp();
  if (argv.length === 0) {
    const base = join(projectRoot(), 'fixtures', 'planted');
    return BUNDLED.map((b) => ({ options: { ...b, out: join(base, b.scenario) }, rubricDir: base }));
  }
  const scenario = values.scenario as Scenario | undefined;
  if (scenario === undefined || !SCENARIOS.includes(scenario)) {
    throw new Error(`--scenario: expected one of: ${SCENARIOS.join(', ')}${scenario === undefined ? '' : ` (got "${scenario}")`}`);
  }
  if (values.out === undefined) throw new Error('--out: expected the folder to write into');
  const bundled = BUNDLED.find((b) => b.scenario === scenario)!;
  const asOf = asOfOption(values['as-of'], bundled.asOf);
  const leads = wholeNumber('leads', values.leads, bundled.leads);
  if (leads < 1) throw new Error('--leads: expected 1 or more');
  const out = resolve(values.out);
  return [{ options: { scenario, leads, seed: wholeNumber('seed', values.seed, bundled.seed) >>> 0, asOf, out }, rubricDir: out }];
}

runGenerator(import.meta.url, 'generate-planted', USAGE, parseCli, ({ options, rubricDir }) => {
  const p = generatePlanted(options);
  writeRubric(rubricDir);
  const t = p.counts.totals;
  process.stderr.write(`${options.scenario}: ${t.leads} leads (${t.won} won, ${t.lost} lost, ${t.handedOff} handed off, ${t.stalled} stalled) → ${options.out}\n`);
});
