/**
 * AuditFacts: what an engine makes of the inputs and the rubric, and all the reports read. Counts
 * keyed by group, and day histograms for medians and quantiles — every statistic the reports
 * print needs nothing more — plus the few rows the row-listing reports show (stalled leads and
 * deals). Each count's comment says what it counts; docs/architecture.md says where facts fit.
 *
 * Facts of two parts of one input merge into the facts of the whole (`mergeLeadFacts`,
 * `mergeDealFacts`): counts add, histograms add, maps keep the order in which groups first
 * appeared. Sums of money add per part, so a merged sum can differ from a sequential one in the
 * last bits of a double.
 */
import type { Inputs } from '../model.js';
import type { Rubric } from '../rubric/resolve.js';
import type { UnreachableStage } from '../data/caveats.js';
import { sortedQuantile } from '../reports/stats.js';
import { HorizonCells, type Bands } from './horizon.js';

/** The owner a lead or deal is counted under when it has none. */
export const NO_OWNER = '(none)';
/** The cohort of leads with no created date. */
export const NO_DATE = '(no date)';

// ---------------------------------------------------------------- day histograms

/** Whole days below this are counted in an array (a little over 11 years); others in a map. */
const DENSE_DAYS = 4096;

/**
 * How many times each number of days was seen: quantiles from it equal those of the list of
 * values (type 7, as `quantiles` in reports/stats.ts), in memory bounded by the distinct values.
 */
export class DayCounts {
  /** Counts of the whole days 0 … DENSE_DAYS − 1 (most values: days between two dates), by day. */
  private dense: Float64Array | undefined;
  /** Counts of any other value (made when the first comes). */
  private sparse: Map<number, number> | undefined;
  /** How many values were added. */
  size = 0;

  add(days: number, times = 1): void {
    if (Number.isInteger(days) && days >= 0 && days < DENSE_DAYS) {
      // Grown to the largest day seen, so the many small groups of a --by column stay small.
      let dense = this.dense;
      if (dense === undefined || days >= dense.length) {
        let size = dense?.length ?? 16;
        while (size <= days) size *= 2;
        const grown = new Float64Array(size);
        if (dense !== undefined) grown.set(dense);
        this.dense = dense = grown;
      }
      dense[days]! += times;
    } else {
      this.sparse ??= new Map();
      this.sparse.set(days, (this.sparse.get(days) ?? 0) + times);
    }
    this.size += times;
  }

  addAll(other: DayCounts): void {
    for (const [days, times] of other.entries()) this.add(days, times);
  }

  /** Each distinct value and how often it was seen, smallest first. */
  entries(): [number, number][] {
    const out: [number, number][] = [...(this.sparse ?? [])];
    const dense = this.dense;
    if (dense !== undefined) for (let d = 0; d < dense.length; d++) if (dense[d]! > 0) out.push([d, dense[d]!]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  /** Quantiles `qs` of the values (type 7); NaN each when there are none. */
  quantiles(qs: readonly number[]): number[] {
    for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1, got ${q}`);
    if (this.size === 0) return qs.map(() => NaN);
    const sorted = this.entries();
    // The value at position `at` of the sorted list, found by walking the cumulative counts.
    const valueAt = (at: number): number => {
      let seen = 0;
      for (const [days, times] of sorted) {
        seen += times;
        if (at < seen) return days;
      }
      return sorted[sorted.length - 1]![0];
    };
    return qs.map((q) => sortedQuantile({ length: this.size, at: valueAt }, q));
  }

  quantile(q: number): number {
    return this.quantiles([q])[0]!;
  }

  median(): number {
    return this.quantile(0.5);
  }
}

// ---------------------------------------------------------------- leads

/**
 * The counts of one group of leads. Outcomes part the leads: won + lost + stalled + open = leads,
 * and stalled = stalledSales + stalledMarketing (by the side of the stage a lead stalled in).
 */
export interface LeadTally {
  leads: number;
  /** Graded at or above the rubric's qualified grade. */
  qualified: number;
  /** Reached the first sales stage (the handoff). */
  handedOff: number;
  /** Reached the opportunity stage. */
  opportunity: number;
  won: number;
  lost: number;
  /** Open and idle past the threshold of the stage they are in. */
  stalled: number;
  stalledSales: number;
  stalledMarketing: number;
  open: number;
  wonHandedOff: number;
  wonQualified: number;
  qualifiedHandedOff: number;
  /** Qualified, and stalled in a sales stage (so handed off). */
  stalledQualifiedSales: number;
  /** Qualified, and stalled in a marketing stage. */
  stalledQualifiedMarketing: number;
  /** Handed off below the qualified grade, and of those the ones won. */
  handedOffBelow: number;
  wonHandedOffBelow: number;
  /** Sum of the leads' won deal amounts (a deal split N ways adds 1/N); see Revenue. */
  wonRevenue: number;
  wonRevenueLow: number;
  /** Won deals credited (a split deal counts 1/N), and those with an amount. */
  wonDeals: number;
  pricedDeals: number;
  /** Days from created to won, for won leads with both dates (and won on or after created). */
  readonly daysToWin: DayCounts;
  /** The leads by age and days to win, for rates at a horizon (src/engine/horizon.ts). */
  readonly horizon: HorizonCells;
}

export function leadTally(): LeadTally {
  return {
    leads: 0,
    qualified: 0,
    handedOff: 0,
    opportunity: 0,
    won: 0,
    lost: 0,
    stalled: 0,
    stalledSales: 0,
    stalledMarketing: 0,
    open: 0,
    wonHandedOff: 0,
    wonQualified: 0,
    qualifiedHandedOff: 0,
    stalledQualifiedSales: 0,
    stalledQualifiedMarketing: 0,
    handedOffBelow: 0,
    wonHandedOffBelow: 0,
    wonRevenue: 0,
    wonRevenueLow: 0,
    wonDeals: 0,
    pricedDeals: 0,
    daysToWin: new DayCounts(),
    horizon: new HorizonCells(),
  };
}

/** Per stage of a funnel: how many reached it and what became of them there. */
export interface StageTally {
  /** reached = advanced + lost + stalled + open, for every stage but the last. */
  reached: number;
  advanced: number;
  lost: number;
  stalled: number;
  open: number;
  /** Days from entering the stage to entering the next, among those that advanced with both dates known. */
  readonly days: DayCounts;
  /**
   * The leads that reached the stage, by age and by how long after created they entered it (the
   * "win band" of src/engine/horizon.ts, as if entering were winning): conversion at a horizon.
   * Lead funnels only.
   */
  readonly horizon: HorizonCells;
}

export function stageTally(): StageTally {
  return { reached: 0, advanced: 0, lost: 0, stalled: 0, open: 0, days: new DayCounts(), horizon: new HorizonCells() };
}

function stageTallies(n: number): StageTally[] {
  return Array.from({ length: n }, stageTally);
}

/**
 * One group of leads: its counts, and per grade and per stage (the matrix and the funnel). A
 * group of a --by grouping has them only with --by, and only for the grades and stages its leads
 * reached (a --by column of a value per lead makes a group per lead): a missing one counts nothing.
 */
export interface LeadGroup {
  readonly tally: LeadTally;
  /** Per rubric grade, in the rubric's order. */
  readonly grades: (LeadTally | undefined)[];
  /** Per rubric stage. */
  readonly stages: (StageTally | undefined)[];
}

/** All leads: every grade and stage, counted or not. */
export interface AllLeads extends LeadGroup {
  readonly grades: LeadTally[];
  readonly stages: StageTally[];
}

function leadGroup(grades: number, stages: number): AllLeads {
  return { tally: leadTally(), grades: Array.from({ length: grades }, leadTally), stages: stageTallies(stages) };
}

/** Grades and stages of the groups counted without them: one empty list for all (frozen, so none is counted into). */
const NO_DETAIL = Object.freeze([]) as unknown as [];

/**
 * A group of a --by grouping: with `detail`, its grades and stages are made as its leads reach
 * them; without, it has none (the run shows no group by grade or stage).
 */
export function sparseLeadGroup(detail: boolean): LeadGroup {
  return detail ? { tally: leadTally(), grades: [], stages: [] } : { tally: leadTally(), grades: NO_DETAIL, stages: NO_DETAIL };
}

/** One month of lead creation (cohorts). */
export interface CohortTally {
  leads: number;
  /** Per stage after the first and before the last: leads that reached it. */
  readonly reached: number[];
  won: number;
  wonRevenue: number;
  wonRevenueLow: number;
  /** The created day of a lead of the month (any: only its month is read). */
  readonly created: number;
}

/** A stalled lead, as the stalls report lists it. */
export interface StalledLead {
  readonly id: string;
  /** Shown as is, or hashed with --redact. */
  readonly name: string;
  readonly email: string;
  readonly channel: string;
  readonly grade: string;
  /** Index of the stage it stalled in. */
  readonly stage: number;
  readonly daysInStage: number;
  readonly owner: string;
  /** Its open deals' amounts that have no row of their own (null when none has an amount). */
  readonly openAmount: number | null;
}

/** The lead a stalled deal is shown with: the first lead it was joined to. */
export interface DealLead {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly channel: string;
  readonly grade: string;
  readonly owner: string;
}

export interface LeadFacts {
  /** Every classified lead: counts, per grade, and per stage (the funnel). */
  readonly all: AllLeads;
  /**
   * By the --by grouping (channel unless --by says otherwise); per grade and stage only with --by,
   * when the run asks for them (FoldOptions.groupDetail: the funnel and the matrix).
   */
  readonly byGroup: Map<string, LeadGroup>;
  readonly byChannel: Map<string, LeadTally>;
  /** By the lead's owner ('(none)' when empty). */
  readonly byOwner: Map<string, LeadTally>;
  /** Per owner: days from created to first touch, where both are known. */
  readonly touchByOwner: Map<string, DayCounts>;
  /** Whether any lead has a first-touch date. */
  hasFirstTouch: boolean;
  /** By month created (YYYY-MM, or '(no date)'). */
  readonly byCohort: Map<string, CohortTally>;
  /**
   * The leads by which signals they match (key: a '0'/'1' character per signal), by age and days to
   * win: the rows of the signals' logistic model, and each signal's with/without counts.
   */
  readonly signalClasses: Map<string, HorizonCells>;
  /** Stalled leads, in input order (when the run keeps rows). */
  readonly stalled: StalledLead[];
  /** Per deal row (index), the first lead it is joined to, for the stalled deals only. */
  readonly dealLeads: Map<number, DealLead>;
}

export function leadFacts(rubric: Rubric): LeadFacts {
  const grades = rubric.grades.length;
  const stages = rubric.stages.length;
  return {
    all: leadGroup(grades, stages),
    byGroup: new Map(),
    byChannel: new Map(),
    byOwner: new Map(),
    touchByOwner: new Map(),
    hasFirstTouch: false,
    byCohort: new Map(),
    signalClasses: new Map(),
    stalled: [],
    dealLeads: new Map(),
  };
}

// ---------------------------------------------------------------- deals

/** The counts of one group of deals (deals-only runs, where the deal is the unit). */
export interface DealTally {
  deals: number;
  won: number;
  lost: number;
  /** Open and idle past their pipeline stage's threshold. */
  stalled: number;
  wonRevenue: number;
  wonRevenueLow: number;
  /** Won deals with an amount. */
  pricedDeals: number;
  /** Days from created to closed, for won deals with both dates (closed on or after created). */
  readonly daysToWin: DayCounts;
  /** The deals by age and days to win, for rates at a horizon (src/engine/horizon.ts). */
  readonly horizon: HorizonCells;
}

export function dealTally(): DealTally {
  return { deals: 0, won: 0, lost: 0, stalled: 0, wonRevenue: 0, wonRevenueLow: 0, pricedDeals: 0, daysToWin: new DayCounts(), horizon: new HorizonCells() };
}

/** A stalled open deal, as the stalls report lists it. */
export interface StalledDeal {
  /** Row of the deal in the deals file's used rows (joins it to its lead). */
  readonly index: number;
  readonly id: string;
  /** Index of its stage in the rubric's deal pipeline. */
  readonly stage: number;
  readonly daysInStage: number;
  readonly owner: string;
  readonly amount: number;
}

export interface DealFacts {
  /** Every used deal (kept by --since/--until). */
  readonly all: DealTally;
  /** Per pipeline stage, then one for won (the deal pipeline). */
  readonly pipeline: StageTally[];
  /** Open deals in stages outside the rubric's pipeline, by stage value. */
  readonly outside: Map<string, number>;
  /** By the --by grouping of deals (owner unless --by names a deal column); deals-only runs. */
  readonly byGroup: Map<string, DealTally>;
  readonly byOwner: Map<string, DealTally>;
  /** The currency codes of the won deals, upper case. */
  readonly currencies: Set<string>;
  /** The amounts of the won deals that have one, each counted once (a DayCounts of amounts: its median prices the verdicts' gaps). */
  readonly wonAmounts: DayCounts;
  /** Deals that match no lead (leads and deals runs): their count, and the won ones. */
  readonly unattributed: Revenue & { deals: number; won: number; pricedDeals: number };
  /** Stalled open deals, in input order (when the run keeps rows). */
  readonly stalled: StalledDeal[];
}

export function dealFacts(rubric: Rubric): DealFacts {
  return {
    all: dealTally(),
    pipeline: stageTallies(rubric.deals.stages.length + 1),
    outside: new Map(),
    byGroup: new Map(),
    byOwner: new Map(),
    currencies: new Set(),
    wonAmounts: new DayCounts(),
    unattributed: { deals: 0, won: 0, wonRevenue: 0, wonRevenueLow: 0, pricedDeals: 0 },
    stalled: [],
  };
}

// ---------------------------------------------------------------- a run

export interface Caveats {
  /** Stages no lead can reach directly with these inputs (leads runs only). */
  readonly unreachable: readonly UnreachableStage[];
  /** The newest date anywhere in the data (day number), NaN when none. */
  readonly newest: number;
  /** The warning that --as-of is far after the newest date, or undefined. */
  readonly staleAsOf: string | undefined;
}

/** No caveats (tests and callers that build AuditData by hand). */
export const NO_CAVEATS: Caveats = { unreachable: [], newest: NaN, staleAsOf: undefined };

/** How reports name the --by grouping. */
export interface GroupName {
  /** The first column's key: `channel`, `owner`, or the --by column's name. */
  readonly key: string;
  readonly label: string;
  /** True when the user asked for it with --by (funnel and matrix then split by group). */
  readonly explicit: boolean;
  /** Whether the grouping means something for deals (owner, stage, a deals column). */
  readonly ofDeals: boolean;
}

export interface AuditFacts {
  readonly rubric: Rubric;
  /** The as-of date as a day number. */
  readonly asOf: number;
  /** The bands of the horizon cells (the ladder of horizons the run can be read at). */
  readonly bands: Bands;
  /** Small-sample bar (--min-n). */
  readonly minN: number;
  readonly inputs: Inputs;
  readonly group: GroupName;
  /** Per stage: leads that reached a later stage without evidence of this one. */
  readonly skips: readonly number[];
  /** --spend: spend per group, keyed by the group's name; null without it. */
  readonly spend: ReadonlyMap<string, number> | null;
  readonly caveats: Caveats;
  /** Whether the stalled rows were kept (`stalled` of leads and deals); without them only counts are. */
  readonly rows: boolean;
  /** Null in a deals-only run. */
  readonly leads: LeadFacts | null;
  /** Null in a leads-only run. */
  readonly deals: DealFacts | null;
}

// ---------------------------------------------------------------- sums of amounts

/**
 * A sum of amounts kept with the part rounding left out: `wonRevenue` is the exact sum rounded once,
 * `wonRevenueLow` what that rounding dropped. Summed naively, 0.1 + 0.2 + 2.2 is 2.5000000000000004
 * but 2.2 + 0.1 + 0.2 is 2.5; kept this way both are 2.5, so leads folded out of file order and
 * parts merged give the sum of a fold in file order. (Exact while the dropped parts add exactly,
 * which amounts of a few decimals do.)
 */
export interface Revenue {
  wonRevenue: number;
  wonRevenueLow: number;
}

/** Adds one amount to a sum (Knuth's two-sum, then the error carried in `wonRevenueLow`). */
export function addRevenue(sum: Revenue, amount: number): void {
  if (amount === 0) return;
  const high = sum.wonRevenue;
  const s = high + amount;
  const back = s - high;
  const low = sum.wonRevenueLow + (high - (s - back) + (amount - back));
  sum.wonRevenue = s + low;
  sum.wonRevenueLow = low - (sum.wonRevenue - s);
}

/** Adds a second sum to the first. */
export function addRevenues(into: Revenue, from: Revenue): void {
  addRevenue(into, from.wonRevenue);
  addRevenue(into, from.wonRevenueLow);
}

// ---------------------------------------------------------------- merging the facts of two parts

function addTally<T extends object>(into: T, from: T): void {
  for (const key of Object.keys(from) as (keyof T)[]) {
    const value = from[key];
    if (key === 'wonRevenue' || key === 'wonRevenueLow') continue;
    if (typeof value === 'number') (into[key] as number) += value;
    else if (value instanceof DayCounts) (into[key] as DayCounts).addAll(value);
    else if (value instanceof HorizonCells) (into[key] as HorizonCells).addAll(value);
  }
  if ('wonRevenue' in from) addRevenues(into as unknown as Revenue, from as unknown as Revenue);
}

function addStages(into: (StageTally | undefined)[], from: readonly (StageTally | undefined)[]): void {
  from.forEach((s, i) => s && addTally((into[i] ??= stageTally()), s));
}

function addGroup(into: LeadGroup, from: LeadGroup): void {
  addTally(into.tally, from.tally);
  from.grades.forEach((g, i) => g && addTally((into.grades[i] ??= leadTally()), g));
  addStages(into.stages, from.stages);
}

/** Adds each entry of `from` to `into`'s entry of the same key; a new key is added last. */
function mergeMap<T>(into: Map<string, T>, from: ReadonlyMap<string, T>, add: (into: T, from: T) => void): void {
  for (const [key, value] of from) {
    const mine = into.get(key);
    if (mine === undefined) into.set(key, value);
    else add(mine, value);
  }
}

/** The facts of leads read in two parts, `second` after `first`; `first` becomes the whole. */
export function mergeLeadFacts(first: LeadFacts, second: LeadFacts): LeadFacts {
  addGroup(first.all, second.all);
  mergeMap(first.byGroup, second.byGroup, addGroup);
  mergeMap(first.byChannel, second.byChannel, addTally);
  mergeMap(first.byOwner, second.byOwner, addTally);
  mergeMap(first.touchByOwner, second.touchByOwner, (a, b) => a.addAll(b));
  first.hasFirstTouch ||= second.hasFirstTouch;
  mergeMap(first.byCohort, second.byCohort, (a, b) => {
    a.leads += b.leads;
    b.reached.forEach((n, k) => (a.reached[k]! += n));
    a.won += b.won;
    addRevenues(a, b);
  });
  mergeMap(first.signalClasses, second.signalClasses, (a, b) => a.addAll(b));
  // One at a time: a spread of ~125k rows or more overflows the call stack.
  for (const row of second.stalled) first.stalled.push(row);
  for (const [deal, lead] of second.dealLeads) if (!first.dealLeads.has(deal)) first.dealLeads.set(deal, lead);
  return first;
}

/** The facts of deals read in two parts, `second` after `first`; `first` becomes the whole. */
export function mergeDealFacts(first: DealFacts, second: DealFacts): DealFacts {
  addTally(first.all, second.all);
  addStages(first.pipeline, second.pipeline);
  for (const [stage, n] of second.outside) first.outside.set(stage, (first.outside.get(stage) ?? 0) + n);
  mergeMap(first.byGroup, second.byGroup, addTally);
  mergeMap(first.byOwner, second.byOwner, addTally);
  for (const code of second.currencies) first.currencies.add(code);
  first.wonAmounts.addAll(second.wonAmounts);
  addTally(first.unattributed, second.unattributed);
  for (const row of second.stalled) first.stalled.push(row);
  return first;
}
