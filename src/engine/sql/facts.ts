/**
 * The rows of the compiled fact queries (src/engine/sql/queries.ts) → LeadFacts and DealFacts,
 * through the same tally functions the JS engine's fold uses (src/engine/fold.ts): a row is a
 * class of alike leads or deals with its count and sums, so every report reads facts that do not
 * know which engine made them.
 */
import { dayNumber } from '../../data/normalize.js';
import type { Outcome } from '../../model.js';
import { handoffStage, opportunityStage, type Rubric } from '../../rubric/resolve.js';
import { addRevenue, dealFacts, dealTally, DayCounts, leadFacts, leadTally, sparseLeadGroup, NO_DATE, type CohortTally, type DealFacts, type LeadFacts, type LeadTally } from '../facts.js';
import { addDeal, addLead, addPipeline, addSignalClass, addStages, addUnattributed, entry, signalKey, type DealClass, type LeadFlags } from '../fold.js';
import { Bands, horizonLadder, UNFLAGGED } from '../horizon.js';
import type { QueryName } from './compile.js';

export type Row = Readonly<Record<string, unknown>>;
export type Results = Partial<Record<QueryName, readonly Row[]>>;

const OUTCOMES: readonly Outcome[] = ['open', 'won', 'lost'];

/** A number from a database value (DuckDB gives BIGINT as bigint, PostgreSQL as text); NaN for NULL. */
export function numeric(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Number(v);
}

export function flag(v: unknown): boolean {
  return v === true || v === 1 || v === 't' || v === 'true' || v === '1' || v === 1n;
}

/** Rows in the order their first member came in the file, so groups enter maps as the JS fold meets them. */
const inFileOrder = (rows: readonly Row[]) => [...rows].sort((a, b) => numeric(a.first_row) - numeric(b.first_row));

/**
 * The lead facts of a run from its query rows. `group`: the name a group's rows carry as reports
 * show it (--redact's hash of a person's email or name); `groupDetail`: count each --by group per
 * grade and stage too (FoldOptions.groupDetail).
 */
export function leadFactsOf(rubric: Rubric, results: Results, group: (name: string) => string = (name) => name, groupDetail = false): LeadFacts {
  const facts = leadFacts(rubric);
  const handoff = handoffStage(rubric);
  const opportunity = opportunityStage(rubric);
  const qualified = rubric.grades.findIndex((g) => g.name === rubric.qualifiedGrade);
  const S = rubric.stages.length;
  const later = Math.max(0, S - 2);
  const all = facts.all;
  const bands = new Bands(horizonLadder(rubric));
  for (const row of inFileOrder(results.leadClasses ?? [])) {
    const n = numeric(row.n);
    const furthest = numeric(row.furthest);
    const grade = numeric(row.grade);
    const outcome = OUTCOMES[numeric(row.outcome)]!;
    const stalled = flag(row.stalled);
    const f: LeadFlags = {
      outcome,
      stalled,
      qualified: grade <= qualified,
      handedOff: handoff >= 0 && furthest >= handoff,
      opportunity: opportunity >= 0 && furthest >= opportunity,
      sales: stalled && rubric.stages[furthest]!.side === 'sales',
      // Days to win come from their own query (leadWinDays).
      daysToWin: NaN,
      wonAmount: numeric(row.won_amount) || 0,
      wonDeals: numeric(row.won_deals) || 0,
      pricedDeals: numeric(row.priced) || 0,
      band: bands.key(numeric(row.age_band), numeric(row.win_band)),
    };
    const channel = String(row.channel);
    addLead(all.tally, f, n);
    addLead(all.grades[grade]!, f, n);
    addStages(all.stages, S, f, furthest, n);
    const byGroup = entry(facts.byGroup, group(String(row.grp)), () => sparseLeadGroup(groupDetail));
    addLead(byGroup.tally, f, n);
    if (groupDetail) {
      addLead((byGroup.grades[grade] ??= leadTally()), f, n);
      addStages(byGroup.stages, S, f, furthest, n);
    }
    addLead(entry(facts.byChannel, channel, leadTally), f, n);
    addLead(entry(facts.byOwner, String(row.owner), leadTally), f, n);
    const ym = numeric(row.ym);
    const month = Number.isNaN(ym) ? NO_DATE : `${String(Math.floor(ym / 100)).padStart(4, '0')}-${String(ym % 100).padStart(2, '0')}`;
    const cohort = entry(facts.byCohort, month, (): CohortTally => ({
      leads: 0,
      reached: new Array<number>(later).fill(0),
      won: 0,
      wonRevenue: 0,
      wonRevenueLow: 0,
      created: Number.isNaN(ym) ? NaN : dayNumber(Math.floor(ym / 100), ym % 100, 1),
    }));
    cohort.leads += n;
    for (let k = 0; k < later; k++) if (furthest >= k + 1) cohort.reached[k]! += n;
    if (outcome === 'won') cohort.won += n;
    addRevenue(cohort, f.wonAmount);
    if (rubric.signals.length > 0) addSignalClass(facts, signalKey((s) => flag(row[`s${s}`]), rubric.signals.length), f, n);
  }
  for (const row of results.leadWinDays ?? []) {
    const days = numeric(row.days);
    const n = numeric(row.n);
    const byGroup = facts.byGroup.get(group(String(row.grp)));
    const grade = numeric(row.grade);
    const tallies: (LeadTally | undefined)[] = [all.tally, all.grades[grade], byGroup?.tally, groupDetail ? byGroup?.grades[grade] : undefined, facts.byChannel.get(String(row.channel)), facts.byOwner.get(String(row.owner))];
    for (const t of tallies) t?.daysToWin.add(days, n);
  }
  for (const row of results.leadStageDays ?? []) {
    const stage = numeric(row.stage);
    all.stages[stage]!.days.add(numeric(row.days), numeric(row.n));
    if (groupDetail) facts.byGroup.get(group(String(row.grp)))?.stages[stage]?.days.add(numeric(row.days), numeric(row.n));
  }
  for (const row of results.leadStageReach ?? []) {
    const stage = numeric(row.stage);
    const key = bands.key(numeric(row.age_band), numeric(row.reach_band));
    all.stages[stage]!.horizon.add(key, UNFLAGGED, numeric(row.n));
    if (groupDetail) facts.byGroup.get(group(String(row.grp)))?.stages[stage]?.horizon.add(key, UNFLAGGED, numeric(row.n));
  }
  for (const row of results.leadTouch ?? []) {
    facts.hasFirstTouch = true;
    const days = numeric(row.days);
    if (days >= 0) entry(facts.touchByOwner, String(row.owner), () => new DayCounts()).add(days, numeric(row.n));
  }
  return facts;
}

/** Per stage: leads that reached a later stage with no evidence of this one. */
export function impliedOf(rubric: Rubric, results: Results): number[] {
  const row = results.leadImplied?.[0];
  return rubric.stages.map((_, s) => (row === undefined ? 0 : numeric(row[`i${s}`]) || 0));
}

/**
 * The deal facts of a run from its query rows. `grouped`: a deals-only run, whose deals are the
 * rows of its reports, counted per --by group (named as `grouped` gives) and per owner.
 */
export function dealFactsOf(rubric: Rubric, results: Results, grouped?: (name: string) => string): DealFacts {
  const facts = dealFacts(rubric);
  const bands = new Bands(horizonLadder(rubric));
  for (const row of inFileOrder(results.dealClasses ?? [])) {
    const c: DealClass = {
      outcome: OUTCOMES[numeric(row.outcome)]!,
      stalled: flag(row.stalled),
      furthest: numeric(row.furthest),
      stage: String(row.stage ?? ''),
      amount: numeric(row.won_amount) || 0,
      priced: numeric(row.priced) || 0,
      n: numeric(row.n),
      band: bands.key(numeric(row.age_band), numeric(row.win_band)),
    };
    addDeal(facts.all, c);
    if (grouped !== undefined) {
      addDeal(entry(facts.byGroup, grouped(String(row.grp)), dealTally), c);
      addDeal(entry(facts.byOwner, String(row.owner), dealTally), c);
    }
    addPipeline(facts, rubric, c);
    if (c.outcome === 'won' && String(row.currency ?? '') !== '') facts.currencies.add(String(row.currency));
    if (!flag(row.attributed)) addUnattributed(facts.unattributed, c);
  }
  for (const row of results.dealWinDays ?? []) {
    const tallies = [facts.all, ...(grouped === undefined ? [] : [facts.byGroup.get(grouped(String(row.grp))), facts.byOwner.get(String(row.owner))])];
    for (const t of tallies) t?.daysToWin.add(numeric(row.days), numeric(row.n));
  }
  for (const row of results.dealAmounts ?? []) facts.wonAmounts.add(numeric(row.amount), numeric(row.n));
  for (const row of results.pipelineDays ?? []) facts.pipeline[numeric(row.stage)]!.days.add(numeric(row.days), numeric(row.n));
  return facts;
}

/**
 * The stalled leads and deals the stalls report lists, and the lead each stalled deal is shown
 * with, in file order. `id` names a row without an id as the JS reader does (`#<line>`); `shown`
 * gives an email or name as reports show it (--redact).
 */
export function addStalledRows(rubric: Rubric, results: Results, leads: LeadFacts | null, deals: DealFacts | null, id: { lead(row: Row): string; deal(row: Row): string }, shown: (value: string) => string): void {
  const grade = (row: Row) => rubric.grades[numeric(row.la_grade)]!.name;
  const inOrder = (rows: readonly Row[] | undefined) => [...(rows ?? [])].sort((a, b) => numeric(a.la_row) - numeric(b.la_row));
  for (const row of inOrder(results.stalledLeads)) {
    const open = numeric(row.open_amount);
    leads?.stalled.push({
      id: id.lead(row),
      name: shown(String(row.la_name)),
      email: shown(String(row.la_email)),
      channel: String(row.la_channel),
      grade: grade(row),
      stage: numeric(row.la_furthest),
      daysInStage: numeric(row.la_days),
      owner: String(row.la_owner),
      openAmount: Number.isNaN(open) ? null : open,
    });
  }
  for (const row of results.dealLeads ?? []) {
    leads?.dealLeads.set(numeric(row.la_deal), { id: id.lead(row), name: shown(String(row.la_name)), email: shown(String(row.la_email)), channel: String(row.la_channel), grade: grade(row), owner: String(row.la_owner) });
  }
  for (const row of inOrder(results.stalledDeals)) {
    deals?.stalled.push({ index: numeric(row.la_row), id: id.deal(row), stage: numeric(row.la_furthest), daysInStage: numeric(row.la_days), owner: String(row.la_owner), amount: numeric(row.amount) });
  }
}
