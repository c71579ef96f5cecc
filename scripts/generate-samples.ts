/**
 * Seeded generator of realistic CRM exports (HubSpot, Salesforce, Pipedrive) with a record of what
 * it planted, so tests can check leadaudit's reports against numbers known by construction.
 *
 *   node dist/scripts/generate-samples.js                      # regenerate fixtures/samples/*
 *   node dist/scripts/generate-samples.js --preset hubspot --leads 1000000 --seed 7 \
 *        --as-of 2025-06-30 --out /tmp/big --clean
 *
 * How it works: each lead's true journey is decided first (channel, fit, created date, the
 * furthest stage it reached with the date of each stage, outcome, last activity, deals), the
 * expectation counters are updated from that journey, and only then are cells written that
 * express it in the export's own vocabulary (docs/rubric.md, "stages", as encoded by the presets
 * in src/rubric/presets). Nothing here runs leadaudit's code: the generator's view of each preset
 * (stage keys, thresholds, grade bounds, score points, channel names) is written out below, and
 * test/generate-samples.test.ts checks that view against the presets.
 *
 * Output is written in batches of about 1 MB and only aggregates are kept, so a million HubSpot
 * contacts take little memory. Same seed and options → byte-identical files.
 *
 * Conventions in expected.json:
 * - `read` counts records after the header (blank rows and footers included); `read = used +
 *   rejected + skipped`; a duplicate lead id is rejected and also counted in `duplicates`.
 * - `funnel[].open` and `totals.open` count open leads that are not stalled, so
 *   `totals.leads = won + lost + open + stalled`.
 * - `skips[stage]`: leads that reached the stage only because a later stage implies it (no date,
 *   status, deal or condition of its own), for every stage but the first and the last.
 * - `channels` lists channels with at least one lead, in the preset's rule order, then `(none)`;
 *   `grades` lists every grade of the preset.
 * - Money is summed in cents and written as a plain number with at most 2 decimals.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asOfOption, GENERATOR_OPTIONS, projectRoot, runGenerator, UsageHelp, wholeNumber } from './cli.js';
import { DAY_MS, Rng, dayOf } from './random.js';

// ---------------------------------------------------------------- options and the record of what was planted

export const PRESET_KEYS = ['hubspot', 'salesforce', 'pipedrive'] as const;
export type PresetKey = (typeof PRESET_KEYS)[number];

export interface GenerateOptions {
  readonly preset: PresetKey;
  readonly leads: number;
  readonly seed: number;
  /** YYYY-MM-DD: "today" of the export; no date in it is later. */
  readonly asOf: string;
  readonly out: string;
  /** No planted faults: no duplicate leads, ragged rows or report footers. */
  readonly clean?: boolean;
}

export interface FileCounts {
  read: number;
  used: number;
  rejected: number;
  skipped: number;
}

export interface FunnelRow {
  stage: string;
  reached: number;
  advanced: number;
  lost: number;
  stalled: number;
  open: number;
}

export interface ChannelCounts {
  leads: number;
  qualified: number;
  handedOff: number;
  won: number;
  lost: number;
  wonRevenue: number;
  wonDeals: number;
}

export interface Expected {
  preset: PresetKey;
  seed: number;
  asOf: string;
  clean: boolean;
  leadsFile: string;
  dealsFile: string;
  leads: FileCounts & { duplicates: number };
  deals: FileCounts & { attributed: number; unattributed: number };
  funnel: FunnelRow[];
  skips: Record<string, number>;
  channels: Record<string, ChannelCounts>;
  grades: Record<string, { leads: number; won: number }>;
  totals: { leads: number; qualified: number; handedOff: number; won: number; lost: number; open: number; stalled: number; wonRevenue: number };
  unattributedDeals: { count: number; won: number; wonRevenue: number };
}

// ---------------------------------------------------------------- the generator's view of each preset

export interface StageView {
  readonly key: string;
  readonly side: 'marketing' | 'sales';
  readonly stallAfterDays?: number;
}

/** What the generator assumes about a preset; the test compares it with src/rubric/presets. */
export interface PresetView {
  readonly leadsFile: string;
  readonly dealsFile: string;
  readonly stages: readonly StageView[];
  /** Index of the stage reached by having a deal (`reachedWhen.deal: any`). */
  readonly dealStage: number;
  /** Grade names with their lowest score, best first; below the last bound is `lowestGrade`. */
  readonly grades: readonly (readonly [string, number])[];
  readonly lowestGrade: string;
  readonly qualifiedGrade: string;
  /** Score signal name → points. */
  readonly signals: Readonly<Record<string, number>>;
  /** Channel names in the preset's rule order (raw source values when the preset has no rules). */
  readonly channels: readonly string[];
}

const FIVE_STAGES: readonly StageView[] = [
  { key: 'lead', side: 'marketing', stallAfterDays: 30 },
  { key: 'mql', side: 'marketing', stallAfterDays: 14 },
  { key: 'sql', side: 'sales', stallAfterDays: 7 },
  { key: 'opportunity', side: 'sales', stallAfterDays: 30 },
  { key: 'won', side: 'sales' },
];
const ABCD: readonly (readonly [string, number])[] = [
  ['A', 40],
  ['B', 20],
  ['C', 5],
];
const FIT_SIGNALS = { 'Decision maker': 20, 'Company 50+': 15, 'Free email': -15 };

export const PRESET_VIEWS: Record<PresetKey, PresetView> = {
  hubspot: {
    leadsFile: 'contacts.csv',
    dealsFile: 'deals.csv',
    stages: FIVE_STAGES,
    dealStage: 3,
    grades: ABCD,
    lowestGrade: 'D',
    qualifiedGrade: 'B',
    signals: { ...FIT_SIGNALS, 'Repeat visitor': 10 },
    channels: ['Organic Search', 'Paid Search', 'Email Marketing', 'Social Media', 'Paid Social', 'Referrals', 'AI Referrals', 'Other Campaigns', 'Direct Traffic', 'Offline Sources'],
  },
  salesforce: {
    leadsFile: 'leads.csv',
    dealsFile: 'opportunities.csv',
    stages: FIVE_STAGES,
    dealStage: 3,
    grades: ABCD,
    lowestGrade: 'D',
    qualifiedGrade: 'B',
    signals: { ...FIT_SIGNALS, 'Hot rating': 10 },
    channels: ['Web', 'Phone Inquiry', 'Partner Referral', 'External Referral', 'Partner', 'Public Relations', 'Trade Show', 'Word of mouth', 'Employee Referral', 'Purchased List', 'Other'],
  },
  pipedrive: {
    leadsFile: 'persons.csv',
    dealsFile: 'deals.csv',
    stages: [
      { key: 'lead', side: 'marketing', stallAfterDays: 30 },
      { key: 'opportunity', side: 'sales', stallAfterDays: 30 },
      { key: 'won', side: 'sales' },
    ],
    dealStage: 1,
    grades: [['A', 0]],
    // The preset defines only A (score >= 0); the grade below it is taken to be B.
    lowestGrade: 'B',
    qualifiedGrade: 'A',
    signals: { 'Free email': -15 },
    channels: ['Web forms', 'Live chat', 'Prospector', 'Campaigns', 'Referral', 'Event', 'Import'],
  },
};

/** The bundled samples under fixtures/samples/, regenerated by running the script with no arguments. */
export const SAMPLES: readonly Omit<GenerateOptions, 'out'>[] = [
  { preset: 'hubspot', leads: 600, seed: 1, asOf: '2025-06-30' },
  { preset: 'salesforce', leads: 400, seed: 2, asOf: '2025-06-30' },
  { preset: 'pipedrive', leads: 300, seed: 3, asOf: '2025-06-30' },
];

// ---------------------------------------------------------------- calendar days and their formats

const isoCache = new Map<number, string>();
const mdyCache = new Map<number, string>();

function isoDay(day: number): string {
  let text = isoCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    isoCache.set(day, text);
  }
  return text;
}

/** `3/5/2024`, as Salesforce writes dates for a US user. */
function mdyDay(day: number): string {
  let text = mdyCache.get(day);
  if (text === undefined) {
    const d = new Date(day * DAY_MS);
    text = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()}`;
    mdyCache.set(day, text);
  }
  return text;
}

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** `2024-11-27 10:36` (HubSpot). */
function isoMinute(day: number, minute: number): string {
  return `${isoDay(day)} ${PAD2[Math.floor(minute / 60)]}:${PAD2[minute % 60]}`;
}

/** `2025-01-30 15:55:37` (Pipedrive). */
function isoSecond(day: number, minute: number, second: number): string {
  return `${isoMinute(day, minute)}:${PAD2[second]}`;
}

/** `4/10/2025, 3:31 PM` (Salesforce datetimes). */
function mdyTime(day: number, minute: number): string {
  const h = Math.floor(minute / 60);
  return `${mdyDay(day)}, ${h % 12 === 0 ? 12 : h % 12}:${PAD2[minute % 60]} ${h < 12 ? 'AM' : 'PM'}`;
}

/** A time of day in minutes, mostly office hours. */
function officeMinute(rng: Rng): number {
  return rng.chance(0.85) ? rng.int(8 * 60, 18 * 60 + 59) : rng.int(0, 1439);
}

// ---------------------------------------------------------------- CSV text and batched writing

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * RFC 4180 quoting, only where needed. Writers pass only free text (names of companies, titles,
 * notes) through it; ids, dates, numbers and enumerated values never need quotes.
 */
function cell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Every field quoted, as Salesforce writes them. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** Appends text to a file in batches of about 1 MB. */
class BatchWriter {
  private readonly fd: number;
  private parts: string[] = [];
  private size = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
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

// ---------------------------------------------------------------- people and companies

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara',
  'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Daniel', 'Karen', 'Matthew', 'Lisa', 'Anthony', 'Sandra',
  'José', 'Zoë', 'François', 'Renée', 'Björn', 'Jürgen', 'Inés', 'Chloé', 'Mónica', 'Sébastien', 'Priya', 'Wei',
  'Aisha', 'Kenji', 'Olga', 'Lars', 'Fatima', 'Diego', 'Noah', 'Emma', 'Liam', 'Ava', 'Mateo', 'Hannah', 'Omar', 'Yuki',
];
export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'García', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernández',
  'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Müller', 'Núñez', 'Dubois', 'Schröder',
  "O'Brien", 'Kowalski', 'Nakamura', 'Rossi', 'Novak', 'Jensen', 'Andersson', 'Silva', 'Costa', 'Fischer', 'Weber',
  'Patel', 'Kim', 'Nguyen', 'Chen', 'Singh', 'Cohen', 'Murphy', 'Kelly', 'Walsh', 'Ivanova', 'Bianchi', 'Lefèvre',
  'Ström', 'Åberg', 'Okafor', 'Haddad',
];
/** Letters a–z only: José → jose, O'Brien → obrien. */
export function asciiLower(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}
const FIRST_ASCII = FIRST_NAMES.map(asciiLower);
const LAST_ASCII = LAST_NAMES.map(asciiLower);

export const COMPANY_WORDS = [
  'Acme', 'Blue', 'Northwind', 'Granite', 'Silver', 'Harbor', 'Summit', 'Pioneer', 'Cedar', 'Atlas', 'Nimbus', 'Vertex',
  'Lumen', 'Orbit', 'Quartz', 'Redwood', 'Sterling', 'Tandem', 'Union', 'Velvet', 'Willow', 'Zenith', 'Alder', 'Beacon',
];
export const COMPANY_NOUNS = ['Labs', 'Logistics', 'Health', 'Analytics', 'Foods', 'Robotics', 'Media', 'Partners', 'Systems', 'Bank', 'Energy', 'Studio'];
const COMPANY_WORDS_ASCII = COMPANY_WORDS.map(asciiLower);
const COMPANY_NOUNS_ASCII = COMPANY_NOUNS.map(asciiLower);
const COMPANY_SUFFIXES = ['', '', '', ', Inc.', ' GmbH', ' Ltd', ' LLC', ' S.A.'];
export const FREE_DOMAINS = ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'aol.com'];

/** Titles matching the presets' decision-maker pattern, and titles that must not match it. */
export const DECISION_MAKER_TITLES = [
  'VP of Marketing', 'VP Sales', 'Director of Operations', 'Head of Growth', 'Chief Revenue Officer', 'Founder',
  'Co-Founder & CEO', 'CTO', 'CFO', 'Marketing Director', 'Owner', 'Vice President, Finance',
];
export const OTHER_TITLES = [
  'Marketing Manager', 'Sales Manager', 'Account Executive', 'Software Engineer', 'Operations Analyst',
  'Marketing Coordinator', 'Consultant', 'Office Manager', 'Data Analyst', 'Product Manager',
  'Customer Success Manager', 'Intern', '',
];
const INDUSTRIES = ['COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'RETAIL', 'Marketing and Advertising', 'LOGISTICS_AND_SUPPLY_CHAIN', 'Education Management', ''];
const SF_INDUSTRIES = ['Technology', 'Finance', 'Healthcare', 'Retail', 'Manufacturing', 'Education', 'Media', ''];
export const OWNERS = ['Maria Lopez', 'Tom Becker', 'Aisha Khan', 'Jonas Weber', 'Emily Carter', 'Raj Mehta'];
/** The owner whose sales-qualified leads are mostly left idle (part of the planted story). */
const SLOW_OWNER = 1;

interface Person {
  readonly first: string;
  readonly last: string;
  /** Empty for a few leads. */
  readonly email: string;
  readonly company: string;
  readonly title: string;
  /** NaN when unknown. */
  readonly employees: number;
  readonly owner: number;
}

/** Fit and engagement chosen for a lead; the score follows from these and nothing else. */
interface Fit {
  readonly decisionMaker: boolean;
  readonly bigCompany: boolean;
  /** HubSpot: 2+ form submissions; Salesforce: rating Hot. */
  readonly engaged: boolean;
  readonly freeEmail: boolean;
}

function scoreOf(view: PresetView, fit: Fit, preset: PresetKey): number {
  const s = view.signals;
  let score = 0;
  if (preset !== 'pipedrive') {
    if (fit.decisionMaker) score += s['Decision maker']!;
    if (fit.bigCompany) score += s['Company 50+']!;
    if (fit.engaged) score += s[preset === 'hubspot' ? 'Repeat visitor' : 'Hot rating']!;
  }
  if (fit.freeEmail) score += s['Free email']!;
  return score;
}

function gradeOf(view: PresetView, score: number): string {
  for (const [grade, bound] of view.grades) if (score >= bound) return grade;
  return view.lowestGrade;
}

function gradeNames(view: PresetView): string[] {
  return [...view.grades.map(([g]) => g), view.lowestGrade];
}

/**
 * Names come from a bijection of the lead's index onto first × last name pairs, so no two leads
 * share a name (and an email) until every pair is used; after that a number keeps emails unique.
 */
function makePerson(rng: Rng, index: number, nameStep: number, nameOffset: number, fit: Fit, uniqueEmail: boolean): Person {
  const pairs = FIRST_NAMES.length * LAST_NAMES.length;
  const pair = (index * nameStep + nameOffset) % pairs;
  const round = Math.floor(index / pairs);
  const f = pair % FIRST_NAMES.length;
  const l = Math.floor(pair / FIRST_NAMES.length);
  const word = rng.int(0, COMPANY_WORDS.length - 1);
  const noun = rng.int(0, COMPANY_NOUNS.length - 1);
  const company = `${COMPANY_WORDS[word]} ${COMPANY_NOUNS[noun]}${rng.pick(COMPANY_SUFFIXES)}`;
  const domain = fit.freeEmail ? rng.pick(FREE_DOMAINS) : `${COMPANY_WORDS_ASCII[word]}${COMPANY_NOUNS_ASCII[noun]}.${rng.chance(0.8) ? 'com' : 'io'}`;
  const first = FIRST_ASCII[f]!;
  const last = LAST_ASCII[l]!;
  let local: string;
  if (uniqueEmail) local = `${first}.${last}${round > 0 ? round : ''}`;
  else {
    const style = rng.next();
    local = style < 0.6 ? `${first}.${last}` : style < 0.8 ? `${first[0]}${last}` : first;
    if (fit.freeEmail) local += rng.int(1, 99);
  }
  // A few leads have no email (never one whose free-email address is part of its score).
  const email = !uniqueEmail && !fit.freeEmail && rng.chance(0.02) ? '' : `${local}@${domain}`;
  const employees = fit.bigCompany
    ? rng.pick([50, 75, 120, 200, 350, 500, 800, 1200, 2500, 5000, 12000])
    : rng.chance(0.15)
      ? NaN
      : rng.pick([1, 3, 5, 8, 12, 20, 25, 30, 40, 49]);
  return {
    first: FIRST_NAMES[f]!,
    last: LAST_NAMES[l]!,
    email,
    company,
    title: rng.pick(fit.decisionMaker ? DECISION_MAKER_TITLES : OTHER_TITLES),
    employees,
    owner: rng.int(0, OWNERS.length - 1),
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

// ---------------------------------------------------------------- channels: volume, quality and fit per source

interface ChannelPlan {
  /** The channel name as leadaudit reports it; `(none)` for an empty source. */
  readonly name: string;
  /** Raw source values written to the file (the first is the usual one). */
  readonly raw: readonly string[];
  readonly weight: number;
  /** Multiplies the chance of advancing at every stage. */
  readonly quality: number;
  readonly pDecisionMaker: number;
  readonly pBig: number;
  readonly pEngaged: number;
  readonly pFree: number;
  /** HubSpot's Original Source Drill-Down 1 values. */
  readonly detail: readonly string[];
}

function plan(name: string, raw: readonly string[], weight: number, quality: number, fit: readonly [number, number, number, number], detail: readonly string[] = []): ChannelPlan {
  return { name, raw, weight, quality, pDecisionMaker: fit[0], pBig: fit[1], pEngaged: fit[2], pFree: fit[3], detail };
}

const NONE = '(none)';

const CHANNEL_PLANS: Record<PresetKey, readonly ChannelPlan[]> = {
  hubspot: [
    plan('Organic Search', ['ORGANIC_SEARCH', 'Organic Search'], 22, 1.3, [0.35, 0.5, 0.45, 0.2], ['google', 'bing', 'duckduckgo']),
    plan('Paid Search', ['PAID_SEARCH', 'Paid Search'], 18, 0.5, [0.15, 0.35, 0.2, 0.35], ['google', 'bing']),
    plan('Email Marketing', ['EMAIL_MARKETING', 'Email Marketing'], 9, 1.0, [0.25, 0.45, 0.6, 0.15], ['Q1 newsletter', 'Webinar follow-up', 'Product update']),
    plan('Social Media', ['SOCIAL_MEDIA', 'Social Media'], 7, 0.5, [0.15, 0.3, 0.2, 0.45], ['LinkedIn', 'Twitter', 'Facebook']),
    plan('Paid Social', ['PAID_SOCIAL', 'Paid Social'], 12, 0.2, [0.1, 0.25, 0.15, 0.6], ['Facebook', 'LinkedIn', 'Instagram']),
    plan('Referrals', ['REFERRALS', 'Referrals'], 7, 2.6, [0.5, 0.65, 0.45, 0.05], ['g2.com', 'capterra.com', 'partner-portal.com']),
    plan('AI Referrals', ['AI_REFERRALS', 'AI Referrals'], 3, 1.7, [0.3, 0.5, 0.3, 0.15], ['chatgpt.com', 'perplexity.ai']),
    plan('Other Campaigns', ['OTHER_CAMPAIGNS', 'Other Campaigns'], 4, 0.8, [0.25, 0.5, 0.4, 0.2], ['webinar-2025-q1', 'trade-show']),
    plan('Direct Traffic', ['DIRECT_TRAFFIC', 'Direct Traffic'], 8, 1.2, [0.25, 0.45, 0.3, 0.25], ['']),
    plan('Offline Sources', ['OFFLINE', 'Offline Sources'], 9, 0.9, [0.3, 0.55, 0.05, 0.15], ['IMPORT', 'IMPORT', 'CRM_UI', 'INTEGRATION']),
    plan(NONE, [''], 1, 0.7, [0.2, 0.4, 0.2, 0.3]),
  ],
  salesforce: [
    plan('Web', ['Web'], 30, 0.8, [0.2, 0.4, 0.25, 0.3]),
    plan('Phone Inquiry', ['Phone Inquiry'], 6, 1.5, [0.3, 0.5, 0.5, 0.15]),
    plan('Partner Referral', ['Partner Referral'], 8, 2.4, [0.45, 0.65, 0.45, 0.05]),
    plan('External Referral', ['External Referral'], 4, 1.6, [0.35, 0.5, 0.35, 0.1]),
    plan('Partner', ['Partner'], 5, 1.3, [0.3, 0.6, 0.3, 0.1]),
    plan('Public Relations', ['Public Relations'], 3, 0.7, [0.2, 0.4, 0.2, 0.3]),
    plan('Trade Show', ['Trade Show'], 12, 0.9, [0.3, 0.55, 0.3, 0.2]),
    plan('Word of mouth', ['Word of mouth'], 4, 1.8, [0.35, 0.4, 0.35, 0.2]),
    plan('Employee Referral', ['Employee Referral'], 3, 2.0, [0.35, 0.5, 0.3, 0.1]),
    plan('Purchased List', ['Purchased List'], 20, 0.15, [0.25, 0.5, 0.05, 0.25]),
    plan('Other', ['Other'], 4, 0.6, [0.2, 0.4, 0.2, 0.3]),
    plan(NONE, [''], 1, 0.7, [0.2, 0.4, 0.2, 0.3]),
  ],
  pipedrive: [
    plan('Web forms', ['Web forms'], 30, 1.0, [0, 0, 0, 0.3]),
    plan('Live chat', ['Live chat'], 12, 1.4, [0, 0, 0, 0.25]),
    plan('Prospector', ['Prospector'], 20, 0.35, [0, 0, 0, 0.05]),
    plan('Campaigns', ['Campaigns'], 15, 0.6, [0, 0, 0, 0.45]),
    plan('Referral', ['Referral'], 10, 2.3, [0, 0, 0, 0.1]),
    plan('Event', ['Event'], 8, 1.1, [0, 0, 0, 0.2]),
    plan('Import', ['Import'], 4, 0.8, [0, 0, 0, 0.2]),
    plan(NONE, [''], 1, 0.7, [0, 0, 0, 0.3]),
  ],
};

/** How much each grade multiplies the chance of advancing: the grade predicts winning. */
const GRADE_QUALITY: Record<string, number> = { A: 3.2, B: 1.6, C: 0.8, D: 0.4 };
const PIPEDRIVE_GRADE_QUALITY: Record<string, number> = { A: 1.3, B: 0.4 };

// ---------------------------------------------------------------- journeys

/** Per preset: how leads move. Arrays are indexed by stage. */
interface Dynamics {
  /** Chance of advancing into stage s from s − 1, before channel and grade multipliers. */
  readonly advance: readonly number[];
  /** Days from entering s − 1 to entering s. */
  readonly gap: readonly (readonly [number, number])[];
  /** Chance that a lead which stopped at stage s is lost rather than still open. */
  readonly lose: readonly number[];
  /** Chance that a lead left open at stage s is being worked (not stalled). */
  readonly active: readonly number[];
  /** Exponent of the quality multiplier at each step. */
  readonly sharpness: number;
}

const DYNAMICS: Record<PresetKey, Dynamics> = {
  hubspot: {
    advance: [1, 0.65, 0.62, 0.75, 0.42],
    gap: [[0, 0], [0, 21], [1, 30], [2, 45], [14, 120]],
    lose: [0.35, 0.4, 0.35, 0.6],
    active: [0.3, 0.45, 0.25, 0.5],
    sharpness: 0.3,
  },
  salesforce: {
    advance: [1, 0.6, 0.62, 0.7, 0.42],
    gap: [[0, 0], [0, 21], [1, 30], [2, 45], [14, 120]],
    lose: [0.4, 0.35, 0.3, 0.6],
    active: [0.3, 0.45, 0.3, 0.5],
    sharpness: 0.3,
  },
  pipedrive: {
    advance: [1, 0.3, 0.42],
    gap: [[0, 0], [1, 60], [14, 120]],
    lose: [0, 0.55],
    active: [0.3, 0.5],
    sharpness: 0.5,
  },
};

type Outcome = 'won' | 'lost' | 'open';

interface DealPlan {
  readonly created: number;
  /** Close date for won and lost deals; expected close date for open ones. */
  readonly closed: number;
  readonly outcome: Outcome;
  /** NaN: no amount written (open deals only). */
  readonly cents: number;
  readonly renewal: boolean;
}

interface Journey {
  readonly created: number;
  readonly createdMinute: number;
  readonly furthest: number;
  readonly outcome: Outcome;
  readonly stalled: boolean;
  /** Lost by its status (the preset's `disqualified`) rather than by its deals. */
  readonly disqualified: boolean;
  /** Entry day of each stage up to the furthest; NaN beyond. */
  readonly entered: readonly number[];
  /** NaN when none is written. */
  readonly lastActivity: number;
  readonly deals: readonly DealPlan[];
  /** Per stage: reached only by implication (no evidence of its own written); set by the writer. */
  readonly implied: boolean[];
}

function dealAmount(rng: Rng, person: Person): number {
  const base = person.employees >= 500 ? rng.int(30, 240) : person.employees >= 50 ? rng.int(10, 90) : rng.int(2, 30);
  const cents = base * 50_000;
  const r = rng.next();
  return r < 0.1 ? cents + 50 : r < 0.15 ? cents + 25 : cents;
}

interface PlanContext {
  readonly rng: Rng;
  readonly preset: PresetKey;
  readonly view: PresetView;
  readonly dyn: Dynamics;
  readonly asOf: number;
  /** First day a lead may be created. */
  readonly start: number;
}

/**
 * Decides one lead's journey: how far it got and when, how it ended, its deals and its idle time.
 * Everything written later is derived from this.
 */
function planJourney(ctx: PlanContext, quality: number, person: Person, channel: string): Journey {
  const { rng, preset, view, dyn, asOf } = ctx;
  const last = view.stages.length - 1;
  const O = view.dealStage;
  // More leads recently (the business grows), some on the as-of date itself.
  const created = asOf - Math.floor((asOf - ctx.start) * Math.pow(rng.next(), 1.3));
  const createdMinute = officeMinute(rng);

  let target = 0;
  const step = Math.pow(quality, dyn.sharpness);
  for (let s = 1; s <= last; s++) {
    if (rng.next() >= Math.min(0.95, dyn.advance[s]! * step)) break;
    target = s;
  }
  const entered: number[] = view.stages.map(() => NaN);
  entered[0] = created;
  let furthest = 0;
  let truncated = false;
  for (let s = 1; s <= target; s++) {
    const [lo, hi] = dyn.gap[s]!;
    const day = entered[s - 1]! + rng.int(lo, hi);
    if (day > asOf) {
      truncated = true; // the next step has not happened yet: still in progress
      break;
    }
    entered[s] = day;
    furthest = s;
  }

  let outcome: Outcome = 'open';
  let disqualified = false;
  if (furthest === last) outcome = 'won';
  else if (!truncated && rng.chance(dyn.lose[furthest]!)) {
    outcome = 'lost';
    if (furthest < O) {
      disqualified = true;
      // Salesforce keeps only the current status: a disqualified lead shows as a lead.
      if (preset === 'salesforce') furthest = 0;
    }
  }
  for (let s = furthest + 1; s <= last; s++) entered[s] = NaN;

  // Deals.
  const deals: DealPlan[] = [];
  const hubspotNoDeal = preset === 'hubspot' && furthest === last && channel === 'Offline Sources' && rng.chance(0.25);
  if (furthest >= O && !hubspotNoDeal) {
    const manyDeals = preset !== 'salesforce';
    const start = entered[O]!;
    if (furthest === last) {
      const wonDay = entered[last]!;
      if (manyDeals && rng.chance(0.15) && wonDay - start >= 4) {
        const lostClose = start + rng.int(1, Math.max(1, Math.floor((wonDay - start) / 2)));
        deals.push({ created: start, closed: lostClose, outcome: 'lost', cents: dealAmount(rng, person), renewal: false });
        deals.push({ created: rng.int(lostClose, wonDay), closed: wonDay, outcome: 'won', cents: dealAmount(rng, person), renewal: false });
      } else deals.push({ created: start, closed: wonDay, outcome: 'won', cents: dealAmount(rng, person), renewal: false });
      if (manyDeals && rng.chance(0.35)) {
        const renewal = wonDay + rng.int(300, 380);
        if (renewal <= asOf) {
          const close = renewal + rng.int(3, 40);
          const renewed = close <= asOf;
          deals.push({ created: renewal, closed: renewed ? close : asOf + rng.int(5, 60), outcome: renewed ? 'won' : 'open', cents: dealAmount(rng, person), renewal: true });
        }
      }
    } else if (outcome === 'lost') {
      const count = manyDeals && rng.chance(0.2) ? 2 : 1;
      let created = start;
      for (let k = 0; k < count; k++) {
        const closed = Math.min(asOf, created + rng.int(5, 90));
        deals.push({ created, closed, outcome: 'lost', cents: dealAmount(rng, person), renewal: false });
        created = Math.min(asOf, closed + rng.int(0, 30));
      }
    } else {
      let created = start;
      if (manyDeals && rng.chance(0.15) && asOf - start >= 10) {
        const closed = start + rng.int(2, Math.floor((asOf - start) / 2));
        deals.push({ created: start, closed, outcome: 'lost', cents: dealAmount(rng, person), renewal: false });
        created = rng.int(closed, asOf);
      }
      const cents = rng.chance(0.1) ? NaN : dealAmount(rng, person);
      deals.push({ created, closed: asOf + rng.int(-20, 90), outcome: 'open', cents, renewal: false });
    }
  }

  // Idle time: open leads are either being worked or left alone past the stage's threshold.
  let lastActivity = NaN;
  let stalled = false;
  const entry = entered[furthest]!;
  if (outcome === 'open') {
    const threshold = view.stages[furthest]!.stallAfterDays;
    const room = asOf - entry;
    let active = truncated ? 0.85 : dyn.active[furthest]!;
    if (view.stages[furthest]!.key === 'sql' && person.owner === SLOW_OWNER) active = 0.1;
    let idle: number;
    if (threshold === undefined || room <= threshold || rng.chance(active)) idle = rng.int(0, Math.min(room, threshold ?? room));
    else idle = rng.int(threshold + 1, room);
    lastActivity = asOf - idle;
    stalled = threshold !== undefined && idle > threshold;
  } else if (rng.chance(0.75)) {
    lastActivity = Math.min(asOf, entry + rng.int(0, 30));
  }

  return { created, createdMinute, furthest, outcome, stalled, disqualified, entered, lastActivity, deals, implied: view.stages.map(() => false) };
}

// ---------------------------------------------------------------- expectations

class Tally {
  readonly expected: Expected;
  private readonly revenue = new Map<string, number>();
  private totalCents = 0;
  private unattributedCents = 0;
  private readonly handoff: number;

  constructor(
    options: GenerateOptions,
    private readonly view: PresetView,
  ) {
    this.handoff = view.stages.findIndex((s) => s.side === 'sales');
    const skips: Record<string, number> = {};
    for (const stage of view.stages.slice(1, -1)) skips[stage.key] = 0;
    const grades: Record<string, { leads: number; won: number }> = {};
    for (const g of gradeNames(view)) grades[g] = { leads: 0, won: 0 };
    this.expected = {
      preset: options.preset,
      seed: options.seed,
      asOf: options.asOf,
      clean: options.clean === true,
      leadsFile: view.leadsFile,
      dealsFile: view.dealsFile,
      leads: { read: 0, used: 0, rejected: 0, skipped: 0, duplicates: 0 },
      deals: { read: 0, used: 0, rejected: 0, skipped: 0, attributed: 0, unattributed: 0 },
      funnel: view.stages.map((s) => ({ stage: s.key, reached: 0, advanced: 0, lost: 0, stalled: 0, open: 0 })),
      skips,
      channels: {},
      grades,
      totals: { leads: 0, qualified: 0, handedOff: 0, won: 0, lost: 0, open: 0, stalled: 0, wonRevenue: 0 },
      unattributedDeals: { count: 0, won: 0, wonRevenue: 0 },
    };
  }

  lead(channel: string, grade: string, journey: Journey): void {
    const e = this.expected;
    const last = this.view.stages.length - 1;
    const qualified = this.qualified(grade);
    const handedOff = journey.furthest >= this.handoff;
    const f = journey.furthest;
    for (let s = 0; s <= f; s++) {
      const row = e.funnel[s]!;
      row.reached++;
      if (s < f) row.advanced++;
      if (journey.implied[s]) e.skips[this.view.stages[s]!.key]!++;
    }
    const at = e.funnel[f]!;
    if (f < last) {
      if (journey.outcome === 'lost') at.lost++;
      else if (journey.stalled) at.stalled++;
      else at.open++;
    }
    let cents = 0;
    let wonDeals = 0;
    for (const deal of journey.deals) {
      if (deal.outcome === 'won') {
        cents += deal.cents;
        wonDeals++;
      }
    }
    const c = (e.channels[channel] ??= { leads: 0, qualified: 0, handedOff: 0, won: 0, lost: 0, wonRevenue: 0, wonDeals: 0 });
    c.leads++;
    if (qualified) c.qualified++;
    if (handedOff) c.handedOff++;
    if (journey.outcome === 'won') c.won++;
    if (journey.outcome === 'lost') c.lost++;
    c.wonDeals += wonDeals;
    this.revenue.set(channel, (this.revenue.get(channel) ?? 0) + cents);
    this.totalCents += cents;
    const g = e.grades[grade]!;
    g.leads++;
    if (journey.outcome === 'won') g.won++;
    const t = e.totals;
    t.leads++;
    if (qualified) t.qualified++;
    if (handedOff) t.handedOff++;
    if (journey.outcome === 'won') t.won++;
    else if (journey.outcome === 'lost') t.lost++;
    else if (journey.stalled) t.stalled++;
    else t.open++;
  }

  unattributedDeal(outcome: Outcome, cents: number): void {
    const u = this.expected.unattributedDeals;
    u.count++;
    if (outcome === 'won') {
      u.won++;
      this.unattributedCents += cents;
    }
  }

  qualified(grade: string): boolean {
    const names = gradeNames(this.view);
    return names.indexOf(grade) <= names.indexOf(this.view.qualifiedGrade);
  }

  /** expected.json with channels in a stable order and money in currency units. */
  finish(channelOrder: readonly string[]): Expected {
    const e = this.expected;
    const channels: Record<string, ChannelCounts> = {};
    for (const name of [...channelOrder, NONE]) {
      const c = e.channels[name];
      if (c) channels[name] = { ...c, wonRevenue: money(this.revenue.get(name) ?? 0) };
    }
    e.channels = channels;
    e.totals.wonRevenue = money(this.totalCents);
    e.unattributedDeals.wonRevenue = money(this.unattributedCents);
    e.deals.used = e.deals.attributed + e.deals.unattributed;
    return e;
  }
}

function money(cents: number): number {
  return Math.round(cents) / 100;
}

// ---------------------------------------------------------------- one lead, before the writers express it

interface LeadDraft {
  readonly index: number;
  readonly channel: ChannelPlan;
  readonly source: string;
  readonly fit: Fit;
  readonly grade: string;
  readonly person: Person;
  readonly journey: Journey;
}

interface Generator {
  readonly ctx: PlanContext;
  readonly tally: Tally;
  readonly clean: boolean;
  readonly count: number;
  draft(index: number): LeadDraft;
}

function makeGenerator(options: GenerateOptions): Generator {
  const view = PRESET_VIEWS[options.preset];
  const rng = new Rng(options.seed);
  const asOf = dayOf(options.asOf);
  const ctx: PlanContext = { rng, preset: options.preset, view, dyn: DYNAMICS[options.preset], asOf, start: asOf - 540 };
  const plans = CHANNEL_PLANS[options.preset];
  const weights = plans.map((p) => p.weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const pairs = FIRST_NAMES.length * LAST_NAMES.length;
  let nameStep = 1237 + rng.int(0, 500);
  while (gcd(nameStep, pairs) !== 1) nameStep++;
  const nameOffset = rng.int(0, pairs - 1);
  const gradeQuality = options.preset === 'pipedrive' ? PIPEDRIVE_GRADE_QUALITY : GRADE_QUALITY;
  return {
    ctx,
    tally: new Tally(options, view),
    clean: options.clean === true,
    count: options.leads,
    draft(index) {
      const channel = plans[rng.weighted(weights, total)]!;
      const source = channel.raw.length > 1 && rng.chance(0.2) ? channel.raw[1]! : channel.raw[0]!;
      const fit: Fit = {
        decisionMaker: rng.chance(channel.pDecisionMaker),
        bigCompany: rng.chance(channel.pBig),
        engaged: rng.chance(channel.pEngaged),
        freeEmail: rng.chance(channel.pFree),
      };
      const grade = gradeOf(view, scoreOf(view, fit, options.preset));
      const person = makePerson(rng, index, nameStep, nameOffset, fit, options.preset === 'pipedrive');
      const journey = planJourney(ctx, channel.quality * gradeQuality[grade]!, person, channel.name);
      return { index, channel, source, fit, grade, person, journey };
    },
  };
}

// ---------------------------------------------------------------- HubSpot

const HUBSPOT_CONTACT_HEADER = [
  'Record ID', 'First Name', 'Last Name', 'Email', 'Job Title', 'Company Name', 'Number of Employees', 'Industry',
  'Contact owner', 'Create Date', 'Lifecycle Stage', 'Lead Status', 'Last Activity Date', 'Became a Lead Date',
  'Became a Marketing Qualified Lead Date', 'Became a Sales Qualified Lead Date', 'Became an Opportunity Date',
  'Became a Customer Date', 'Original Source', 'Original Source Drill-Down 1', 'Number of Form Submissions',
  'Number of Pageviews', 'Associated Deal IDs', 'Notes',
];
const HUBSPOT_PIPELINE = [
  ['appointmentscheduled', 'Appointment Scheduled'],
  ['qualifiedtobuy', 'Qualified To Buy'],
  ['presentationscheduled', 'Presentation Scheduled'],
  ['decisionmakerboughtin', 'Decision Maker Bought-In'],
  ['contractsent', 'Contract Sent'],
] as const;
const HUBSPOT_DEAL_HEADER = [
  'Record ID', 'Deal Name', 'Pipeline', 'Deal Stage', 'Amount', 'Create Date', 'Close Date', 'Deal owner', 'Deal Type',
  'Associated Contact IDs', 'Closed Lost Reason', ...HUBSPOT_PIPELINE.map(([, label]) => `Date entered "${label} (Sales Pipeline)"`),
];
/** Lifecycle Stage per furthest stage: [internal value, UI label]. */
const LIFECYCLE = [
  ['lead', 'Lead'],
  ['marketingqualifiedlead', 'Marketing Qualified Lead'],
  ['salesqualifiedlead', 'Sales Qualified Lead'],
  ['opportunity', 'Opportunity'],
  ['customer', 'Customer'],
] as const;
const HUBSPOT_WORKING_STATUS = [
  ['', 'NEW', 'NEW', 'OPEN', 'ATTEMPTED_TO_CONTACT', 'New'],
  ['OPEN', 'IN_PROGRESS', 'ATTEMPTED_TO_CONTACT', 'Attempted to Contact'],
  ['IN_PROGRESS', 'CONNECTED', 'ATTEMPTED_TO_CONTACT', 'In Progress'],
  ['OPEN_DEAL', 'OPEN_DEAL', 'CONNECTED', 'Open Deal'],
  ['', 'CONNECTED', 'OPEN_DEAL'],
] as const;
const HUBSPOT_DISQUALIFIED = ['UNQUALIFIED', 'UNQUALIFIED', 'UNQUALIFIED', 'BAD_TIMING', 'BAD_TIMING', 'Unqualified', 'Bad Timing'];
const LOST_REASONS = ['Price', 'Went with competitor', 'No budget', 'No decision', 'Timing', 'Missing feature'];
const NOTES = [
  'Asked about pricing, wants a demo next week',
  'Said "not before Q3"',
  'Met at SaaStr booth.\nFollow up with their CFO',
  'Intro via partner, "warm" lead; call back Tuesday',
  '@Lena can you take this one?',
  '+1 call from booth, no answer',
  'Uses a competitor today; contract ends in November',
];

/** Record IDs rise with gaps; an id ending in 75–99 within its block of 100 is never used. */
function hubspotContactId(index: number, rng: Rng): string {
  return String(51_000_000 + index * 100 + rng.int(0, 74));
}
function hubspotMissingId(index: number): string {
  return String(51_000_000 + index * 100 + 87);
}

/** `12500` or `12500.5`; empty when the amount is unknown. */
function plainAmount(cents: number): string {
  return Number.isNaN(cents) ? '' : String(cents / 100);
}

function writeHubspot(gen: Generator, leadsPath: string, dealsPath: string): void {
  const { rng, asOf } = gen.ctx;
  const { tally } = gen;
  const e = tally.expected;
  const contacts = new BatchWriter(leadsPath);
  const dealsOut = new BatchWriter(dealsPath);
  try {
    contacts.write('\uFEFF' + HUBSPOT_CONTACT_HEADER.map(cell).join(',') + '\n');
    dealsOut.write('\uFEFF' + HUBSPOT_DEAL_HEADER.map(cell).join(',') + '\n');
    let nextDealId = 0;
    const dealId = (): string => String(9_870_000_000 + nextDealId++ * 37 + rng.int(0, 36));

    // Duplicates: two rows repeated later in the file with the same Record ID (first row wins).
    const n = gen.count;
    const plantDuplicates = !gen.clean && n >= 10;
    const dupFrom = plantDuplicates ? [Math.floor(n * 0.2), Math.floor(n * 0.45)] : [];
    const dupAt = plantDuplicates ? [Math.floor(n * 0.7), Math.floor(n * 0.9)] : [];
    const saved: string[][] = [];
    // Unattributed deals: one without contact, one naming a contact that does not exist, some more at random.
    const orphanAt = [Math.floor(n / 3), Math.floor((2 * n) / 3)];
    let previousId = '';

    const writeDeal = (deal: DealPlan, name: string, association: string, owner: string, attributed: boolean): string => {
      const id = dealId();
      let stage: string;
      let reached: number;
      if (deal.outcome === 'won') {
        stage = rng.chance(0.85) ? 'closedwon' : 'Closed Won';
        reached = rng.chance(0.8) ? 4 : rng.int(1, 3);
      } else if (deal.outcome === 'lost') {
        stage = rng.chance(0.85) ? 'closedlost' : 'Closed Lost';
        reached = rng.int(0, 4);
      } else {
        reached = rng.int(0, 4);
        stage = HUBSPOT_PIPELINE[reached]![rng.chance(0.85) ? 0 : 1];
      }
      const end = deal.outcome === 'open' ? asOf : deal.closed;
      const createdMinute = officeMinute(rng);
      const entered: string[] = [];
      let day = deal.created;
      let minute = createdMinute;
      for (let k = 0; k < HUBSPOT_PIPELINE.length; k++) {
        if (k > reached) {
          entered.push('');
          continue;
        }
        if (k > 0) {
          const next = Math.min(end, day + rng.int(0, 12));
          minute = next === day ? Math.min(1439, minute + rng.int(1, 120)) : officeMinute(rng);
          day = next;
        }
        entered.push(isoMinute(day, minute));
      }
      const cells = [
        id,
        cell(name),
        'Sales Pipeline',
        stage,
        plainAmount(deal.cents),
        isoMinute(deal.created, createdMinute),
        isoMinute(deal.closed, officeMinute(rng)),
        owner,
        deal.renewal ? 'Existing Business' : rng.chance(0.9) ? 'New Business' : '',
        association,
        deal.outcome === 'lost' ? rng.pick(LOST_REASONS) : '',
        ...entered,
      ];
      dealsOut.write(cells.join(',') + '\n');
      e.deals.read++;
      if (attributed) e.deals.attributed++;
      else {
        e.deals.unattributed++;
        tally.unattributedDeal(deal.outcome, deal.cents);
      }
      return id;
    };

    const orphan = (association: string): void => {
      const created = asOf - rng.int(0, 400);
      const r = rng.next();
      const outcome: Outcome = r < 0.35 ? 'won' : r < 0.65 ? 'lost' : 'open';
      const closed = outcome === 'open' ? asOf + rng.int(5, 60) : Math.min(asOf, created + rng.int(10, 90));
      const deal: DealPlan = { created, closed, outcome, cents: rng.int(4, 80) * 50_000, renewal: false };
      writeDeal(deal, `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_NOUNS)} - ${rng.pick(['Expansion', 'Pilot', 'Annual plan'])}`, association, rng.pick(OWNERS), false);
    };

    for (let i = 0; i < n; i++) {
      const d = gen.draft(i);
      const { person, journey, fit } = d;
      const id = hubspotContactId(i, rng);
      const f = journey.furthest;
      const last = LIFECYCLE.length - 1;
      const implied = journey.implied;

      // Which stage dates are written: every reached stage, except planted skips.
      const dates: number[] = [...journey.entered];
      if (f >= 2 && rng.chance(0.1)) dates[1] = NaN; // an SQL date without an MQL date
      const dealless = journey.deals.length === 0;
      if (f >= 3 && !dealless && rng.chance(0.06)) dates[2] = NaN; // a deal created straight from an MQL
      if (f === last && dealless) dates[3] = NaN; // an imported customer: no opportunity, no deal
      for (let s = 1; s < f; s++) implied[s] = Number.isNaN(dates[s]!);

      const owner = OWNERS[person.owner]!;
      const dealIds: string[] = [];
      for (const deal of journey.deals) {
        const name = `${person.company} - ${deal.renewal ? 'Renewal' : rng.pick(['New Deal', 'Annual plan', 'Team licenses', 'Pilot'])}`;
        // Mostly the contact alone; sometimes a colleague too, or first an id that no longer exists.
        const r = rng.next();
        const association = r < 0.08 && previousId !== '' ? `${id};${previousId}` : r < 0.11 ? `${hubspotMissingId(i)};${id}` : id;
        dealIds.push(writeDeal(deal, name, association, owner, true));
      }
      if (i === orphanAt[0] || rng.chance(0.006)) orphan('');
      if (i === orphanAt[1] || rng.chance(0.006)) orphan(hubspotMissingId(i));

      let lifecycle: string;
      if (f === last && rng.chance(0.05)) lifecycle = rng.chance(0.8) ? 'evangelist' : 'Evangelist';
      else if (journey.outcome === 'lost' && f > 0 && rng.chance(0.3)) lifecycle = 'other';
      else if (f === 0 && rng.chance(0.1)) lifecycle = 'subscriber';
      else lifecycle = LIFECYCLE[f]![rng.chance(0.85) ? 0 : 1];
      const leadStatus = journey.disqualified ? rng.pick(HUBSPOT_DISQUALIFIED) : rng.pick(HUBSPOT_WORKING_STATUS[f]!);
      const minute = journey.createdMinute;
      const stamp = (day: number): string => (Number.isNaN(day) ? '' : isoMinute(day, day === journey.created ? Math.min(1439, minute + rng.int(0, 90)) : officeMinute(rng)));
      const cells = [
        id,
        person.first,
        person.last,
        person.email,
        cell(person.title),
        cell(person.company),
        Number.isNaN(person.employees) ? '' : String(person.employees),
        rng.pick(INDUSTRIES),
        rng.chance(0.95) ? owner : '',
        isoMinute(journey.created, minute),
        lifecycle,
        leadStatus,
        stamp(journey.lastActivity),
        isoMinute(journey.created, minute),
        stamp(dates[1]!),
        stamp(dates[2]!),
        stamp(dates[3]!),
        stamp(dates[4]!),
        d.source,
        d.source === '' ? '' : rng.pick(d.channel.detail),
        String(fit.engaged ? rng.int(2, 7) : rng.int(0, 1)),
        String(rng.int(1, 120)),
        dealIds.join(';'),
        rng.chance(0.12) ? cell(rng.pick(NOTES)) : '',
      ];
      contacts.write(cells.join(',') + '\n');
      e.leads.read++;
      e.leads.used++;
      tally.lead(d.channel.name, d.grade, journey);
      previousId = id;

      const from = dupFrom.indexOf(i);
      if (from >= 0) saved[from] = cells;
      const at = dupAt.indexOf(i);
      if (at >= 0 && saved[at]) {
        // The same contact again, exported from a stale copy: another lifecycle stage, no notes.
        const copy = [...saved[at]!];
        const wasCustomer = /^(customer|evangelist)$/i.test(copy[10]!);
        copy[10] = wasCustomer ? 'lead' : 'customer';
        copy[11] = '';
        copy[17] = wasCustomer ? '' : copy[16] || copy[9]!;
        copy[23] = 'Duplicate from list import';
        contacts.write(copy.join(',') + '\n');
        e.leads.read++;
        e.leads.rejected++;
        e.leads.duplicates++;
      }
    }
  } finally {
    contacts.close();
    dealsOut.close();
  }
}

// ---------------------------------------------------------------- Salesforce

const SALESFORCE_LEAD_HEADER = [
  'Lead ID', 'First Name', 'Last Name', 'Email', 'Company', 'Title', 'Lead Source', 'Lead Status', 'Lead Owner',
  'Created Date', 'Last Activity', 'Converted', 'Converted Date', 'Converted Opportunity ID', 'Rating', 'Industry',
  'No. of Employees',
];
const SALESFORCE_OPPORTUNITY_HEADER = [
  'Opportunity ID', 'Opportunity Name', 'Account Name', 'Stage', 'Amount', 'Close Date', 'Created Date',
  'Opportunity Owner', 'Lead Source', 'Type', 'Probability (%)',
];
const SALESFORCE_PIPELINE: readonly (readonly [string, number])[] = [
  ['Prospecting', 10],
  ['Qualification', 10],
  ['Needs Analysis', 20],
  ['Value Proposition', 50],
  ['Id. Decision Makers', 60],
  ['Perception Analysis', 70],
  ['Proposal/Price Quote', 75],
  ['Negotiation/Review', 90],
];
/** Lead Status per furthest stage while open. */
const SALESFORCE_STATUS = [['Open - Not Contacted'], ['Marketing Qualified', 'Marketing Qualified', 'MQL'], ['Working - Contacted', 'Working - Contacted', 'Sales Qualified'], ['Closed - Converted'], ['Closed - Converted']];
const SALESFORCE_DISQUALIFIED = ['Closed - Not Converted', 'Closed - Not Converted', 'Closed - Not Converted', 'Unqualified', 'Disqualified'];

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_SPACE = 62 ** 5;

/**
 * An 18-character Salesforce id: key prefix, pod and zeros (10 characters), 5 base-62 characters
 * from a scrambled counter (unique below 62^5), and the 3-character case checksum Salesforce adds.
 */
export function salesforceId(prefix: string, counter: number): string {
  let n = (counter * 7_368_787 + 104_729) % ID_SPACE;
  let tail = '';
  for (let k = 0; k < 5; k++) {
    tail = BASE62[n % 62]! + tail;
    n = Math.floor(n / 62);
  }
  const id15 = prefix + tail;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let k = 0; k < 5; k++) {
      const c = id15.charCodeAt(chunk * 5 + k);
      if (c >= 65 && c <= 90) bits |= 1 << k;
    }
    suffix += CHECKSUM[bits];
  }
  return id15 + suffix;
}

/** `$44,000.00`; empty when the amount is unknown. */
function salesforceAmount(cents: number): string {
  if (Number.isNaN(cents)) return '';
  const whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+$)/g, ',');
  return `$${whole}.${String(cents % 100).padStart(2, '0')}`;
}

function writeSalesforce(gen: Generator, leadsPath: string, dealsPath: string): void {
  const { rng, asOf } = gen.ctx;
  const { tally } = gen;
  const e = tally.expected;
  const leadsOut = new BatchWriter(leadsPath);
  const opps = new BatchWriter(dealsPath);
  const row = (cells: readonly string[]): string => cells.map(quoted).join(',') + '\r\n';
  try {
    leadsOut.write(row(SALESFORCE_LEAD_HEADER));
    opps.write(row(SALESFORCE_OPPORTUNITY_HEADER));
    let oppCounter = 0;
    let oppRows = 0;
    const n = gen.count;
    const raggedAt = gen.clean || n < 2 ? -1 : Math.floor(n / 2);
    const created = (day: number, minute: number): string => (rng.chance(0.2) ? mdyTime(day, minute) : mdyDay(day));

    const writeOpp = (deal: DealPlan, account: string, owner: string, source: string, attributed: boolean, ragged = false): string => {
      const id = salesforceId('0065g00000', oppCounter++);
      let stage: string;
      let probability: number;
      if (deal.outcome === 'won') [stage, probability] = ['Closed Won', 100];
      else if (deal.outcome === 'lost') [stage, probability] = ['Closed Lost', 0];
      else [stage, probability] = rng.pick(SALESFORCE_PIPELINE);
      const cells = [
        id,
        `${account} - ${rng.pick(['New Business', 'Annual Subscription', '50 Licenses', 'Pilot'])}`,
        account,
        stage,
        salesforceAmount(deal.cents),
        mdyDay(deal.closed),
        created(deal.created, officeMinute(rng)),
        owner,
        source,
        attributed ? 'New Customer' : rng.pick(['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'New Customer']),
        String(probability),
      ];
      e.deals.read++;
      oppRows++;
      if (ragged) {
        // A row whose last cell was lost (a broken copy): rejected by leadaudit.
        opps.write(row(cells.slice(0, -1)));
        e.deals.rejected++;
        return id;
      }
      opps.write(row(cells));
      if (attributed) e.deals.attributed++;
      else {
        e.deals.unattributed++;
        tally.unattributedDeal(deal.outcome, deal.cents);
      }
      return id;
    };

    const orphan = (ragged: boolean): void => {
      const day = asOf - rng.int(0, 400);
      const r = rng.next();
      const outcome: Outcome = r < 0.4 ? 'won' : r < 0.7 ? 'lost' : 'open';
      const closed = outcome === 'open' ? asOf + rng.int(5, 60) : Math.min(asOf, day + rng.int(10, 90));
      const account = `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_NOUNS)}`;
      writeOpp({ created: day, closed, outcome, cents: rng.int(4, 80) * 50_000, renewal: false }, account, rng.pick(OWNERS), rng.pick(['', 'Partner', 'Web']), false, ragged);
    };

    for (let i = 0; i < n; i++) {
      const d = gen.draft(i);
      const { person, journey } = d;
      const f = journey.furthest;
      const implied = journey.implied;
      // MQL and SQL are known only from the current status: a converted lead implies both.
      for (let s = 1; s < Math.min(f, 3); s++) implied[s] = true;
      const owner = OWNERS[person.owner]!;
      let oppId = '';
      // A few converted leads name an opportunity the report left out (another owner's, say): the
      // lead still reached the opportunity stage (Converted = 1) and, with no deal, stays open.
      if (f === 3 && journey.outcome === 'open' && rng.chance(0.04)) oppId = salesforceId('0065g00000', 1_000_000_000 + i);
      else for (const deal of journey.deals) oppId = writeOpp(deal, person.company.replace(/, Inc\.$/, ''), owner, d.source, true);
      if (i === raggedAt) orphan(true);
      if (rng.chance(0.02)) orphan(false);
      const status = journey.disqualified ? rng.pick(SALESFORCE_DISQUALIFIED) : rng.pick(SALESFORCE_STATUS[f]!);
      const cells = [
        salesforceId('00Q5g00000', i),
        person.first,
        person.last,
        person.email,
        person.company,
        person.title,
        d.source,
        status,
        owner,
        created(journey.created, journey.createdMinute),
        Number.isNaN(journey.lastActivity) ? '' : mdyDay(journey.lastActivity),
        f >= 3 ? '1' : '0',
        f >= 3 ? mdyDay(journey.entered[3]!) : '',
        oppId,
        d.fit.engaged ? 'Hot' : rng.pick(['Warm', 'Cold', 'Cold', '']),
        rng.pick(SF_INDUSTRIES),
        Number.isNaN(person.employees) ? '' : String(person.employees),
      ];
      leadsOut.write(row(cells));
      e.leads.read++;
      e.leads.used++;
      tally.lead(d.channel.name, d.grade, journey);
    }
    if (!gen.clean) {
      e.leads.read += salesforceFooter(leadsOut, n);
      e.leads.skipped += 5;
      e.deals.read += salesforceFooter(opps, oppRows);
      e.deals.skipped += 5;
    }
  } finally {
    leadsOut.close();
    opps.close();
  }
}

/** The rows a "Details Only" report export ends with; returns how many records they are. */
function salesforceFooter(out: BatchWriter, records: number): number {
  out.write('\r\n');
  out.write(`${quoted(`Grand Totals (${records} records)`)}\r\n`);
  out.write('\r\n');
  out.write(`${quoted('Confidential Information - Do Not Distribute')}\r\n`);
  out.write(`${quoted('Copyright © 2000-2025 salesforce.com, inc. All rights reserved.')}\r\n`);
  return 5;
}

// ---------------------------------------------------------------- Pipedrive

const PIPEDRIVE_PERSON_HEADER = [
  'Person - ID', 'Person - Name', 'Person - Email', 'Person - Phone', 'Person - Organization', 'Person - Owner',
  'Person - Person created', 'Person - Source channel', 'Person - Last activity date',
];
/** Two headers use the en dash Pipedrive sometimes writes. */
const PIPEDRIVE_DEAL_HEADER = [
  'Deal - ID', 'Deal – Title', 'Deal – Value', 'Deal - Currency', 'Deal - Pipeline', 'Deal - Stage', 'Deal - Status',
  'Deal - Owner', 'Deal - Organization', 'Deal - Contact person', 'Person - Email', 'Deal - Deal created',
  'Deal - Won time', 'Deal - Lost time', 'Deal - Lost reason', 'Deal - Last activity date',
];
const PIPEDRIVE_STAGES = ['Qualified', 'Contact Made', 'Demo Scheduled', 'Proposal Made', 'Negotiations Started'];

function writePipedrive(gen: Generator, leadsPath: string, dealsPath: string): void {
  const { rng, asOf } = gen.ctx;
  const { tally } = gen;
  const e = tally.expected;
  const persons = new BatchWriter(leadsPath);
  const dealsOut = new BatchWriter(dealsPath);
  try {
    persons.write(PIPEDRIVE_PERSON_HEADER.map(cell).join(',') + '\n');
    dealsOut.write(PIPEDRIVE_DEAL_HEADER.map(cell).join(',') + '\n');
    let dealCounter = 0;
    const n = gen.count;
    const orphanAt = [Math.floor(n / 3), Math.floor((2 * n) / 3)];
    const stamp = (day: number): string => isoSecond(day, officeMinute(rng), rng.int(0, 59));

    const writeDeal = (deal: DealPlan, title: string, org: string, contact: string, email: string, owner: string, attributed: boolean): void => {
      dealCounter += rng.int(1, 3);
      const status = deal.outcome === 'won' ? 'Won' : deal.outcome === 'lost' ? (rng.chance(0.08) ? '' : 'Lost') : 'Open';
      const stage = deal.outcome === 'won' ? (rng.chance(0.8) ? 'Negotiations Started' : 'Proposal Made') : rng.pick(PIPEDRIVE_STAGES);
      const lostReason = deal.outcome === 'lost' && (status === '' || rng.chance(0.8)) ? rng.pick(LOST_REASONS) : '';
      const end = deal.outcome === 'open' ? asOf : deal.closed;
      const cells = [
        String(dealCounter),
        title,
        plainAmount(deal.cents),
        'USD',
        'Pipeline',
        stage,
        status,
        owner,
        org,
        contact,
        email,
        stamp(deal.created),
        deal.outcome === 'won' ? stamp(deal.closed) : '',
        deal.outcome === 'lost' ? stamp(deal.closed) : '',
        lostReason,
        rng.chance(0.8) ? isoDay(rng.int(deal.created, end)) : '',
      ];
      dealsOut.write(cells.map(cell).join(',') + '\n');
      e.deals.read++;
      if (attributed) e.deals.attributed++;
      else {
        e.deals.unattributed++;
        tally.unattributedDeal(deal.outcome, deal.cents);
      }
    };

    const orphan = (email: string): void => {
      const created = asOf - rng.int(0, 400);
      const r = rng.next();
      const outcome: Outcome = r < 0.35 ? 'won' : r < 0.65 ? 'lost' : 'open';
      const closed = outcome === 'open' ? asOf + rng.int(5, 60) : Math.min(asOf, created + rng.int(10, 90));
      const org = `${rng.pick(COMPANY_WORDS)} ${rng.pick(COMPANY_NOUNS)}`;
      writeDeal({ created, closed, outcome, cents: rng.int(4, 80) * 50_000, renewal: false }, `${org} deal`, org, '', email, rng.pick(OWNERS), false);
    };

    let personId = 0;
    for (let i = 0; i < n; i++) {
      const d = gen.draft(i);
      const { person, journey } = d;
      personId += rng.int(1, 4);
      const owner = OWNERS[person.owner]!;
      const name = `${person.first} ${person.last}`;
      const org = person.company;
      // The person's email as written on the person, and as the deals export repeats it.
      const email = rng.chance(0.1) ? person.email.replace(/^./, (c) => c.toUpperCase()) : person.email;
      for (const deal of journey.deals) {
        const r = rng.next();
        const dealEmail = r < 0.08 ? email.toUpperCase() : r < 0.12 ? ` ${email} ` : email;
        writeDeal(deal, `${org} deal`, org, name, dealEmail, owner, true);
      }
      if (i === orphanAt[0] || rng.chance(0.006)) orphan('');
      if (i === orphanAt[1] || rng.chance(0.006)) orphan(`procurement@${asciiLower(org)}.com`);
      const cells = [
        String(personId),
        name,
        email,
        rng.chance(0.8) ? `+1 ${rng.int(201, 989)}-555-${String(rng.int(100, 9999)).padStart(4, '0')}` : '',
        org,
        owner,
        isoSecond(journey.created, journey.createdMinute, rng.int(0, 59)),
        d.source,
        Number.isNaN(journey.lastActivity) ? '' : isoDay(journey.lastActivity),
      ];
      persons.write(cells.map(cell).join(',') + '\n');
      e.leads.read++;
      e.leads.used++;
      tally.lead(d.channel.name, d.grade, journey);
    }
  } finally {
    persons.close();
    dealsOut.close();
  }
}

// ---------------------------------------------------------------- entry points

const WRITERS: Record<PresetKey, (gen: Generator, leadsPath: string, dealsPath: string) => void> = {
  hubspot: writeHubspot,
  salesforce: writeSalesforce,
  pipedrive: writePipedrive,
};

/** Writes the leads file, the deals file and expected.json into `options.out`; returns the expectations. */
export function generate(options: GenerateOptions): Expected {
  if (!PRESET_KEYS.includes(options.preset)) throw new Error(`unknown preset "${String(options.preset)}"; expected one of: ${PRESET_KEYS.join(', ')}`);
  if (!Number.isInteger(options.leads) || options.leads < 1) throw new Error(`--leads: expected a whole number of 1 or more, got ${options.leads}`);
  if (Number.isNaN(dayOf(options.asOf))) throw new Error(`--as-of: expected a date YYYY-MM-DD, got "${options.asOf}"`);
  const view = PRESET_VIEWS[options.preset];
  mkdirSync(options.out, { recursive: true });
  const gen = makeGenerator(options);
  WRITERS[options.preset](gen, join(options.out, view.leadsFile), join(options.out, view.dealsFile));
  const expected = gen.tally.finish(view.channels);
  writeFileSync(join(options.out, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
  return expected;
}

const USAGE = `usage: generate-samples [--preset hubspot|salesforce|pipedrive --out DIR] [--leads N] [--seed S]
                        [--as-of YYYY-MM-DD] [--clean]
With no arguments, regenerates fixtures/samples/{hubspot,salesforce,pipedrive}.`;

export function parseCli(argv: readonly string[]): GenerateOptions[] {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...GENERATOR_OPTIONS, preset: { type: 'string' }, clean: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) throw new UsageHelp();
  if (argv.length === 0) {
    const root = projectRoot();
    return SAMPLES.map((s) => ({ ...s, out: join(root, 'fixtures', 'samples', s.preset) }));
  }
  const preset = values.preset as PresetKey | undefined;
  if (preset === undefined || !PRESET_KEYS.includes(preset)) {
    throw new Error(`--preset: expected one of: ${PRESET_KEYS.join(', ')}${preset === undefined ? '' : ` (got "${preset}")`}`);
  }
  if (values.out === undefined) throw new Error('--out: expected the folder to write into');
  const sample = SAMPLES.find((s) => s.preset === preset)!;
  const asOf = asOfOption(values['as-of'], sample.asOf);
  const leads = wholeNumber('leads', values.leads, sample.leads);
  if (leads < 1) throw new Error('--leads: expected 1 or more');
  return [
    {
      preset,
      leads,
      seed: wholeNumber('seed', values.seed, sample.seed) >>> 0,
      asOf,
      out: resolve(values.out),
      clean: values.clean === true,
    },
  ];
}

runGenerator(import.meta.url, 'generate-samples', USAGE, parseCli, (options) => {
  const began = performance.now();
  const x = generate(options);
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  process.stderr.write(
    `${options.preset}: ${x.leads.used} leads, ${x.deals.used} deals (${x.totals.won} won, $${x.totals.wonRevenue.toLocaleString('en-US')}) → ${options.out} in ${seconds} s\n`,
  );
});
