/**
 * The JS engine's fold: classified leads and used deals → AuditFacts (src/engine/facts.ts). Each
 * lead and each deal is looked at once; what a report shows is then read from the counts.
 */
import type { ClassifiedLead, Deal } from '../model.js';
import { isoDate } from '../data/normalize.js';
import { dealState } from '../data/deal-state.js';
import { handoffStage, opportunityStage, type Rubric } from '../rubric/resolve.js';
import { personal } from '../data/personal.js';
import { own } from '../data/columns.js';
import type { AuditData } from './classified.js';
import { Bands, HorizonCells, horizonLadder, UNFLAGGED } from './horizon.js';
import {
  addRevenue,
  dealFacts,
  DayCounts,
  dealTally,
  leadFacts,
  leadTally,
  sparseLeadGroup,
  stageTally,
  NO_DATE,
  NO_OWNER,
  type AuditFacts,
  type DealFacts,
  type DealTally,
  type LeadFacts,
  type LeadTally,
  type StageTally,
} from './facts.js';

export interface FoldOptions {
  /** Keep the rows of stalled leads and deals (the stalls report); only counts otherwise. */
  readonly rows?: boolean;
  /**
   * With --by, count each group per grade and per stage too (the funnel and the matrix split by
   * group); a --by column of a value per lead makes a group per lead, so runs without those
   * reports leave it out.
   */
  readonly groupDetail?: boolean;
}

/** Folds one run's classified data into its facts. */
export function buildFacts(data: AuditData, options: FoldOptions = {}): AuditFacts {
  const rows = options.rows ?? true;
  const deals = data.deals === null ? null : foldDeals(data, data.deals, data.unattributed, data.leads === null, rows);
  let leads: LeadFacts | null = null;
  if (data.leads !== null) {
    const folder = new LeadFolder(data, { rows, groupDetail: options.groupDetail, stalledDeals: new Set(deals?.stalled.map((d) => d.index)) });
    folder.add(data.leads);
    leads = folder.facts;
  }
  return assembleFacts(data, rows, leads, deals);
}

/** The facts of a run from its folded leads and deals, and what the run knows besides. */
export function assembleFacts(
  run: Pick<AuditData, 'rubric' | 'asOf' | 'minN' | 'inputs' | 'group' | 'skips' | 'spend' | 'caveats'>,
  rows: boolean,
  leads: LeadFacts | null,
  deals: DealFacts | null,
): AuditFacts {
  return {
    rubric: run.rubric,
    asOf: run.asOf,
    minN: run.minN,
    inputs: run.inputs,
    group: { key: run.group.key, label: run.group.label, explicit: run.group.explicit, ofDeals: run.group.ofDeal !== undefined },
    skips: run.skips,
    spend: run.spend,
    bands: new Bands(horizonLadder(run.rubric)),
    caveats: run.caveats,
    rows,
    leads,
    deals,
  };
}

/**
 * What one lead (or, from the SQL engines, a class of alike leads) adds to a tally, read once for
 * all its tallies: amounts and deals are the class's sums.
 */
export interface LeadFlags {
  outcome: ClassifiedLead['outcome'];
  stalled: boolean;
  qualified: boolean;
  handedOff: boolean;
  opportunity: boolean;
  /** Stalled in a sales stage (false when not stalled). */
  sales: boolean;
  daysToWin: number;
  wonAmount: number;
  wonDeals: number;
  pricedDeals: number;
  /** Its horizon cell (Bands.key of its age and win bands). */
  band: number;
}

/** Adds `n` alike leads to a tally (days to win only when known: the SQL engines count those apart). */
export function addLead(t: LeadTally, f: LeadFlags, n = 1): void {
  t.leads += n;
  if (f.qualified) t.qualified += n;
  if (f.handedOff) {
    t.handedOff += n;
    if (f.qualified) t.qualifiedHandedOff += n;
    else t.handedOffBelow += n;
  }
  if (f.opportunity) t.opportunity += n;
  if (f.outcome === 'won') {
    t.won += n;
    if (f.handedOff) t.wonHandedOff += n;
    if (f.qualified) t.wonQualified += n;
    if (f.handedOff && !f.qualified) t.wonHandedOffBelow += n;
    if (f.daysToWin >= 0) t.daysToWin.add(f.daysToWin, n);
  } else if (f.outcome === 'lost') t.lost += n;
  else if (f.stalled) {
    t.stalled += n;
    if (f.sales) {
      t.stalledSales += n;
      if (f.qualified) t.stalledQualifiedSales += n;
    } else {
      t.stalledMarketing += n;
      if (f.qualified) t.stalledQualifiedMarketing += n;
    }
  } else t.open += n;
  addRevenue(t, f.wonAmount);
  t.wonDeals += f.wonDeals;
  t.pricedDeals += f.pricedDeals;
  t.horizon.add(f.band, f, n);
}

/** The signal classes' key of a lead: a '0' or '1' per signal. */
export function signalKey(has: (s: number) => boolean, count: number): string {
  let key = '';
  for (let s = 0; s < count; s++) key += has(s) ? '1' : '0';
  return key;
}

/** Adds `n` alike leads to their signal class. */
export function addSignalClass(facts: LeadFacts, key: string, f: LeadFlags, n = 1): void {
  let cells = facts.signalClasses.get(key);
  if (cells === undefined) facts.signalClasses.set(key, (cells = new HorizonCells()));
  cells.add(f.band, f, n);
}

/**
 * `n` alike leads' stages in a funnel of `count` stages: reached up to their furthest, and where
 * they ended. `days(i)`: the days from entering stage i to entering i + 1 (NaN when unknown), and
 * `cell(i)`: the horizon cell of entering stage i, when the caller measures them here.
 */
export function addStages(stages: (StageTally | undefined)[], count: number, f: LeadFlags, furthest: number, n = 1, days?: (i: number) => number, cell?: (i: number) => number): void {
  const last = count - 1;
  for (let i = 0; i <= furthest; i++) {
    const s = (stages[i] ??= stageTally());
    s.reached += n;
    if (cell !== undefined) s.horizon.add(cell(i), UNFLAGGED, n);
    if (i < furthest) {
      s.advanced += n;
      // NaN (no date to measure from) fails the test.
      const d = days?.(i) ?? NaN;
      if (d >= 0) s.days.add(d, n);
    } else if (i < last) {
      if (f.outcome === 'lost') s.lost += n;
      else if (f.stalled) s.stalled += n;
      else s.open += n;
    }
  }
}

/** The value of `key`, made and set first when missing. */
export function entry<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** What folding leads reads of a run besides the leads. */
export type LeadRun = Pick<AuditData, 'rubric' | 'group' | 'redact' | 'asOf'>;

/**
 * Folds classified leads into one LeadFacts, a few at a time (the leads of a file, or a chunk of
 * it after another: the facts are those of all the leads added, in the order added).
 */
export class LeadFolder {
  readonly facts: LeadFacts;
  private readonly handoff: number;
  private readonly opportunity: number;
  private readonly gradeOf: Map<string, number>;
  private readonly monthOf = new Map<number, string>();
  private readonly rows: boolean;
  private readonly groupDetail: boolean;
  private readonly stalledDeals: ReadonlySet<number>;
  private readonly bands: Bands;

  /**
   * `stalledDeals`: the deals whose own row the stalls report lists (a lead's row then leaves their
   * amounts out); `groupDetail` as FoldOptions says, for a --by grouping.
   */
  constructor(
    private readonly run: LeadRun,
    options: { rows?: boolean; groupDetail?: boolean; stalledDeals: ReadonlySet<number> },
  ) {
    const { rubric } = run;
    this.facts = leadFacts(rubric);
    this.handoff = handoffStage(rubric);
    this.opportunity = opportunityStage(rubric);
    this.gradeOf = new Map(rubric.grades.map((g, i) => [g.name, i]));
    this.rows = options.rows ?? true;
    this.groupDetail = (options.groupDetail ?? true) && run.group.explicit;
    this.stalledDeals = options.stalledDeals;
    this.bands = new Bands(horizonLadder(rubric));
  }

  add(leads: Iterable<ClassifiedLead>): void {
    const { rubric, group } = this.run;
    const { facts, handoff, opportunity, gradeOf, monthOf, groupDetail, stalledDeals, bands } = this;
    const { asOf } = this.run;
    const signalCount = rubric.signals.length;
    const stageCount = rubric.stages.length;
    // Stages after the first and before the last: the cohort columns (reaching the last is winning).
    const later = Math.max(0, stageCount - 2);
    const all = facts.all;
    for (const c of leads) {
      const lead = c.lead;
      const furthest = c.furthest;
      const stalled = c.stalled;
      const created = lead.created;
      const daysToWin = c.wonDate - created;
      const ageBand = bands.age(asOf - created);
      const f: LeadFlags = {
        outcome: c.outcome,
        stalled,
        qualified: c.qualified,
        handedOff: handoff >= 0 && furthest >= handoff,
        opportunity: opportunity >= 0 && furthest >= opportunity,
        sales: stalled && rubric.stages[furthest]!.side === 'sales',
        daysToWin,
        wonAmount: c.wonAmount,
        wonDeals: c.wonDeals,
        pricedDeals: c.pricedWonDeals,
        band: bands.key(ageBand, bands.win(c.outcome === 'won', daysToWin)),
      };
      const grade = gradeOf.get(c.grade)!;
      const measured = (i: number) => c.measuredEntry(i + 1) - c.measuredEntry(i);
      const entered = (i: number) => bands.key(ageBand, bands.win(true, c.measuredEntry(i) - created));
      addLead(all.tally, f);
      addLead(all.grades[grade]!, f);
      addStages(all.stages, stageCount, f, furthest, 1, measured, entered);
      const byGroup = entry(facts.byGroup, group.ofLead(c), () => sparseLeadGroup(groupDetail));
      addLead(byGroup.tally, f);
      if (groupDetail) {
        addLead((byGroup.grades[grade] ??= leadTally()), f);
        addStages(byGroup.stages, stageCount, f, furthest, 1, measured, entered);
      }
      const channel = c.channel;
      addLead(entry(facts.byChannel, channel, leadTally), f);
      const owner = lead.owner || NO_OWNER;
      addLead(entry(facts.byOwner, owner, leadTally), f);
      const firstTouch = lead.firstTouch;
      if (!Number.isNaN(firstTouch)) facts.hasFirstTouch = true;
      const touch = firstTouch - created;
      if (touch >= 0) entry(facts.touchByOwner, owner, () => new DayCounts()).add(touch);

      let month = monthOf.get(created);
      if (month === undefined) monthOf.set(created, (month = Number.isNaN(created) ? NO_DATE : isoDate(created).slice(0, 7)));
      const cohort = entry(facts.byCohort, month, () => ({ leads: 0, reached: new Array<number>(later).fill(0), won: 0, wonRevenue: 0, wonRevenueLow: 0, created }));
      cohort.leads++;
      for (let k = 0; k < later; k++) if (furthest >= k + 1) cohort.reached[k]!++;
      if (f.outcome === 'won') cohort.won++;
      addRevenue(cohort, f.wonAmount);

      if (signalCount > 0) addSignalClass(facts, signalKey((s) => c.hasSignal(s), signalCount), f);
      if (this.rows && (stalled || stalledDeals.size > 0)) foldStalled(this.run, facts, c, stalledDeals);
    }
  }
}

/** A stalled lead's row, and the lead a stalled deal is shown with (the first it is joined to). */
function foldStalled(data: LeadRun, facts: LeadFacts, c: ClassifiedLead, stalledDeals: ReadonlySet<number>): void {
  const lead = c.lead;
  const deals = c.deals;
  for (const d of deals) {
    if (!stalledDeals.has(d.index) || facts.dealLeads.has(d.index)) continue;
    facts.dealLeads.set(d.index, { id: own(lead.id), name: own(personal(data, lead.name)), email: own(personal(data, lead.email)), channel: c.channel, grade: c.grade, owner: lead.owner });
  }
  if (!c.stalled) return;
  // A stalled open deal gets its own row, with its amount; a lead row carries only the amounts of
  // its open deals that have no row of their own, so a column sum counts each deal once.
  let openAmount: number | null = null;
  for (const d of deals) {
    if (d.outcome !== 'open' || stalledDeals.has(d.index) || Number.isNaN(d.amount)) continue;
    openAmount = (openAmount ?? 0) + d.amount * c.dealShare(d);
  }
  facts.stalled.push({
    // Copied (own): a cell cut from a packed block would keep the block, and the leads read, alive.
    id: own(lead.id),
    name: own(personal(data, lead.name)),
    email: own(personal(data, lead.email)),
    channel: c.channel,
    grade: c.grade,
    stage: c.furthest,
    daysInStage: c.daysInStage,
    owner: lead.owner,
    openAmount,
  });
}

/**
 * One deal, or (from the SQL engines) a class of `n` alike deals, as the deal tallies read it:
 * `amount` is the sum of the won deals' amounts that are known, `priced` how many those are.
 */
export interface DealClass {
  readonly outcome: Deal['outcome'];
  readonly stalled: boolean;
  /** As DealState.furthest. */
  readonly furthest: number;
  /** The stage value (for deals outside the pipeline). */
  readonly stage: string;
  readonly amount: number;
  readonly priced: number;
  readonly n: number;
  /** Its horizon cell (Bands.key of its age and win bands). */
  readonly band: number;
}

function dealClass(d: Deal, state: { furthest: number; stalled: boolean }, bands: Bands, asOf: number): DealClass {
  const priced = d.outcome === 'won' && !Number.isNaN(d.amount);
  const band = bands.key(bands.age(asOf - d.created), bands.win(d.outcome === 'won', d.closed - d.created));
  return { outcome: d.outcome, stalled: state.stalled, furthest: state.furthest, stage: d.stage, amount: priced ? d.amount : 0, priced: priced ? 1 : 0, n: 1, band };
}

/** Adds a class of deals to a tally; `daysToWin` (closed − created) of a won one when known here. */
export function addDeal(t: DealTally, c: DealClass, daysToWin = NaN): void {
  t.deals += c.n;
  t.horizon.add(c.band, UNFLAGGED, c.n);
  if (c.outcome === 'won') {
    t.won += c.n;
    if (c.priced > 0) {
      addRevenue(t, c.amount);
      t.pricedDeals += c.priced;
    }
    if (daysToWin >= 0) t.daysToWin.add(daysToWin);
  } else if (c.outcome === 'lost') t.lost += c.n;
  else if (c.stalled) t.stalled += c.n;
}

/** Adds a class of deals that matched no lead. */
export function addUnattributed(u: DealFacts['unattributed'], c: DealClass): void {
  u.deals += c.n;
  if (c.outcome !== 'won') return;
  u.won += c.n;
  if (c.priced === 0) return;
  addRevenue(u, c.amount);
  u.pricedDeals += c.priced;
}

/**
 * Folds a run's used deals (`unattributed`: those that matched no lead). `grouped`: the deals are
 * the rows of a deals-only run's reports, counted per group and owner; with leads, leads are.
 */
export function foldDeals(run: Pick<AuditData, 'rubric' | 'asOf' | 'group'>, deals: Iterable<Deal>, unattributed: Iterable<Deal>, grouped: boolean, rows: boolean): DealFacts {
  const { rubric } = run;
  const facts = dealFacts(rubric);
  const stages = rubric.deals.stages;
  const ofDeal = run.group.ofDeal ?? ((d: Deal) => d.owner || NO_OWNER);
  const bands = new Bands(horizonLadder(rubric));
  for (const d of deals) {
    const state = dealState(d, stages, run.asOf);
    const c = dealClass(d, state, bands, run.asOf);
    const days = d.closed - d.created;
    addDeal(facts.all, c, days);
    if (grouped) {
      addDeal(entry(facts.byGroup, ofDeal(d), dealTally), c, days);
      addDeal(entry(facts.byOwner, d.owner || NO_OWNER, dealTally), c, days);
    }
    if (d.outcome === 'won' && d.currency !== '') facts.currencies.add(d.currency.toUpperCase());
    if (c.priced > 0) facts.wonAmounts.add(d.amount);
    if (rows && state.stalled) facts.stalled.push({ index: d.index, id: d.id, stage: state.furthest, daysInStage: state.daysInStage, owner: d.owner, amount: d.amount });
    addPipeline(facts, rubric, c, (k) => {
      const from = d.enteredStage(k);
      const to = k + 1 < stages.length ? d.enteredStage(k + 1) : d.closed;
      return to - from;
    });
  }
  for (const d of unattributed) addUnattributed(facts.unattributed, dealClass(d, { furthest: -1, stalled: false }, bands, run.asOf));
  return facts;
}

/**
 * A class of deals' stages in the pipeline: a won deal passed every stage, a lost one was lost at
 * its furthest. `days(k)`: from entering stage k to entering the next (or closing), NaN when unknown,
 * when the caller measures them here.
 */
export function addPipeline(facts: DealFacts, rubric: Rubric, c: DealClass, days?: (k: number) => number): void {
  const n = rubric.deals.stages.length;
  const furthest = c.furthest;
  if (furthest < 0) {
    const stage = c.stage || '(empty)';
    facts.outside.set(stage, (facts.outside.get(stage) ?? 0) + c.n);
    return;
  }
  for (let k = 0; k <= furthest; k++) {
    const s = facts.pipeline[k]!;
    s.reached += c.n;
    if (k < furthest) {
      s.advanced += c.n;
      // NaN (a date unknown) fails the test.
      const d = days?.(k) ?? NaN;
      if (d >= 0) s.days.add(d, c.n);
    } else if (k < n) {
      if (c.outcome === 'lost') s.lost += c.n;
      else if (c.stalled) s.stalled += c.n;
      else s.open += c.n;
    }
  }
}
