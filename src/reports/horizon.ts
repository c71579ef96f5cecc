/**
 * The horizon a run's rates are read at (docs/reports.md, "Rates at a horizon"), and the counts
 * there. Every report that compares win rates reads them through here, so a run has one H.
 */
import type { AuditFacts, LeadTally } from '../engine/facts.js';
import { FULL_FOLLOW_UP, HorizonCells, type AtHorizon } from '../engine/horizon.js';

/** The quantile of days to win the default horizon covers. */
export const HORIZON_QUANTILE = 0.75;
/** Fewer wins with days to measure than this, and the data does not choose a horizon. */
export const MIN_HORIZON_WINS = 20;

export interface Horizon {
  readonly days: number;
  /** Its rung on the run's ladder (facts.bands). */
  readonly rung: number;
  /**
   * Where H came from: the rubric's `horizonDays`; the wins of leads with full follow-up (a year
   * old or more); or, with too few of those, every win (which favours a short H).
   */
  readonly basis: 'rubric' | 'full follow-up' | 'all wins';
  /** The wins H was measured on (0 for the rubric's). */
  readonly wins: number;
  /** How many leads (or deals) count at H. */
  readonly counted: number;
}

/** Why a run has no horizon (its rates are then won so far), and the horizon no lead is old enough for. */
export type NoHorizon = { readonly none: 'too few wins' } | { readonly none: 'none old enough'; readonly days: number };

const chosen = new WeakMap<AuditFacts, Horizon | NoHorizon>();

/** The run's horizon, or why it has none (computed once per run's facts). */
export function horizon(facts: AuditFacts): Horizon | NoHorizon {
  let h = chosen.get(facts);
  if (h === undefined) chosen.set(facts, (h = choose(facts)));
  return h;
}

export function hasHorizon(h: Horizon | NoHorizon): h is Horizon {
  return !('none' in h);
}

function choose(facts: AuditFacts): Horizon | NoHorizon {
  const { bands } = facts;
  const cells = facts.leads?.all.tally.horizon ?? facts.deals?.all.horizon ?? new HorizonCells();
  const counted = (rung: number) => cells.at(bands, rung).all.leads;
  const rubricDays = facts.rubric.horizonDays;
  if (rubricDays !== undefined) {
    const rung = bands.ladder.indexOf(rubricDays);
    const n = counted(rung);
    return n === 0 ? { none: 'none old enough', days: rubricDays } : { days: rubricDays, rung, basis: 'rubric', wins: 0, counted: n };
  }
  const full = cells.winsByBand(bands, FULL_FOLLOW_UP);
  const all = cells.winsByBand(bands, 0);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const [basis, wins] = sum(full) >= MIN_HORIZON_WINS ? (['full follow-up', full] as const) : (['all wins', all] as const);
  const total = sum(wins);
  if (total < MIN_HORIZON_WINS) return { none: 'too few wins' };
  // The first rung within which the quantile's share of the wins had come (the last if none).
  let rung = 0;
  for (let seen = wins[0]!; rung < bands.rungs - 1 && seen < HORIZON_QUANTILE * total; seen += wins[++rung]!);
  const n = counted(rung);
  if (n === 0) return { none: 'none old enough', days: bands.ladder[rung]! };
  return { days: bands.ladder[rung]!, rung, basis, wins: total, counted: n };
}

/** The counts of a tally's cells at the run's horizon (null: the run has none). */
export function atHorizon(facts: AuditFacts, cells: HorizonCells): AtHorizon | null {
  const h = horizon(facts);
  return hasHorizon(h) ? cells.at(facts.bands, h.rung) : null;
}

/** A sentence for the notes: what H is and where it came from, or why rates are won so far. */
export function horizonNote(facts: AuditFacts, unit = 'leads'): string {
  const h = horizon(facts);
  const one = unit.slice(0, -1);
  if (!hasHorizon(h)) {
    const why =
      h.none === 'too few wins'
        ? `fewer than ${MIN_HORIZON_WINS} wins have both a created and a won date to choose a horizon from (horizonDays in the rubric sets one)`
        : `no ${one} is ${h.days} days old, the horizon${facts.rubric.horizonDays === undefined ? ' the wins chose' : ' the rubric sets'} (or no ${one} has a created date)`;
    return `Rates are won so far: ${why}; young ${unit} count as not won.`;
  }
  const from =
    h.basis === 'rubric'
      ? 'the rubric\'s horizonDays'
      : h.basis === 'full follow-up'
        ? `${Math.round(HORIZON_QUANTILE * 100)}% of the ${count(h.wins)} wins of ${unit} at least ${FULL_FOLLOW_UP} days old came within it`
        : `${Math.round(HORIZON_QUANTILE * 100)}% of all ${count(h.wins)} wins came within it; too few ${unit} are ${FULL_FOLLOW_UP} days old to measure it on those alone, which favours a short horizon`;
  return `Win rates at a ${h.days}-day horizon (${from}): won within ${h.days} days of created, among the ${count(h.counted)} ${unit} created at least ${h.days} days before the as-of date; "won so far" counts every ${one}.`;
}

/** A tally's wins and leads (or deals) as the run's win rates count them: at the horizon when it has one, else won so far. */
export function winCounts(facts: AuditFacts, t: { readonly won: number; readonly horizon: HorizonCells }, size: number): { x: number; n: number } {
  const at = atHorizon(facts, t.horizon);
  return at === null ? { x: t.won, n: size } : { x: at.won.leads, n: at.all.leads };
}

/**
 * A lead tally's counts as the run's win rates read them: at the horizon when the run has one
 * (counted there, and won within it), else every lead and every win so far.
 */
export function leadRates(facts: AuditFacts, t: LeadTally): AtHorizon {
  return (
    atHorizon(facts, t.horizon) ?? {
      all: { leads: t.leads, qualified: t.qualified, handedOff: t.handedOff, handedOffBelow: t.handedOffBelow },
      won: { leads: t.won, qualified: t.wonQualified, handedOff: t.wonHandedOff, handedOffBelow: t.wonHandedOffBelow },
    }
  );
}

/** The horizon in days, or null when rates are won so far. */
export function horizonDays(facts: AuditFacts): number | null {
  const h = horizon(facts);
  return hasHorizon(h) ? h.days : null;
}

/** `6,427`: a count in a sentence. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Shown by name in the "not enough data yet" note; the rest are counted. */
const YOUNG_NAMED = 10;

/** The note naming the groups too young to be tested at the horizon (none: undefined). */
export function youngNote(names: readonly string[], minN: number, unit: string): string | undefined {
  if (names.length === 0) return undefined;
  const more = names.length - YOUNG_NAMED;
  return `Not enough data yet (fewer than ${minN} ${unit}): ${names.slice(0, YOUNG_NAMED).join(', ')}${more > 0 ? `, and ${count(more)} more` : ''}.`;
}
