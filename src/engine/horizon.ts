/**
 * Rates at a horizon (docs/reports.md, "Rates at a horizon"): a lead counts at horizon H when it
 * was created at least H days before --as-of, and counts as won there when it was won within H
 * days of being created. So a young lead is neither a win nor a loss yet, and every group is
 * measured over the same span of its leads' lives.
 *
 * H is not known while the leads are folded (by default it comes from the data), so the facts keep
 * each lead in a cell of two bands — how old it is and how long it took to win — over a fixed
 * ladder of horizons, and a report reads any rung of the ladder from the cells. The ladder is the
 * same in both engines (the SQL engines compute the bands as these functions do).
 */
import type { Rubric } from '../rubric/resolve.js';

/** The horizons in days a run can be read at; a rubric's `horizonDays` joins them. */
export const HORIZONS: readonly number[] = [30, 60, 90, 120, 150, 180, 240, 300, 365, 450, 545, 730];

/** A lead created at least this many days before --as-of has had full follow-up (the default H is measured on them). */
export const FULL_FOLLOW_UP = 365;

/** The ladder of a run: the standard horizons and the rubric's own, ascending. */
export function horizonLadder(rubric: Pick<Rubric, 'horizonDays'>): number[] {
  const days = new Set(HORIZONS);
  if (rubric.horizonDays !== undefined) days.add(rubric.horizonDays);
  return [...days].sort((a, b) => a - b);
}

/**
 * The band codes of a ladder of E rungs. Age band a (0 … E): how many rungs the lead's age has
 * reached, so it counts at rung k when a > k (no created date: 0, never counted). Win band w:
 * 0 … E − 1 the first rung its days to win are within, E beyond the last rung, NOT_WON when not
 * won, and NO_DAYS when won with no days to measure (no date, or won before created): such a win
 * counts as within every horizon, and the default H is measured without it.
 */
export class Bands {
  readonly rungs: number;
  /** Win band of a lead not won. */
  readonly notWon: number;
  /** Win band of a lead won with no days to measure. */
  readonly noDays: number;
  /** Codes per age band: a cell's key is age × stride + win. */
  readonly stride: number;

  constructor(readonly ladder: readonly number[]) {
    this.rungs = ladder.length;
    this.notWon = this.rungs + 1;
    this.noDays = this.rungs + 2;
    this.stride = this.rungs + 3;
  }

  /** The age band of a lead `age` days old (NaN: no created date). */
  age(age: number): number {
    let a = 0;
    while (a < this.rungs && age >= this.ladder[a]!) a++;
    return a;
  }

  /** The win band of a lead won (or not) `days` after it was created (NaN: unknown). */
  win(won: boolean, days: number): number {
    if (!won) return this.notWon;
    if (!(days >= 0)) return this.noDays;
    let w = 0;
    while (w < this.rungs && days > this.ladder[w]!) w++;
    return w;
  }

  key(age: number, win: number): number {
    return age * this.stride + win;
  }
}

/** Counts of one cell, or of the leads at a horizon: leads, and of them qualified, handed off, and handed off below the qualified grade. */
export interface SubsetCounts {
  leads: number;
  qualified: number;
  handedOff: number;
  handedOffBelow: number;
}

/** The counts at one horizon: those counted there, and of them the ones won within it. */
export interface AtHorizon {
  readonly all: SubsetCounts;
  readonly won: SubsetCounts;
}

function counts(): SubsetCounts {
  return { leads: 0, qualified: 0, handedOff: 0, handedOffBelow: 0 };
}

function addCounts(into: SubsetCounts, from: SubsetCounts): void {
  into.leads += from.leads;
  into.qualified += from.qualified;
  into.handedOff += from.handedOff;
  into.handedOffBelow += from.handedOffBelow;
}

/** What one lead (or a class of n alike) adds to a cell; deals add as leads with the other flags false. */
export interface CellFlags {
  readonly qualified: boolean;
  readonly handedOff: boolean;
}

/** What deals and stage entries add to a cell: only their number is read. */
export const UNFLAGGED: CellFlags = { qualified: false, handedOff: false };

/** The leads of a tally by age band and win band (keys as Bands.key). */
export class HorizonCells {
  private readonly cells = new Map<number, SubsetCounts>();

  add(key: number, f: CellFlags, n = 1): void {
    let cell = this.cells.get(key);
    if (cell === undefined) this.cells.set(key, (cell = counts()));
    cell.leads += n;
    if (f.qualified) cell.qualified += n;
    if (f.handedOff) {
      cell.handedOff += n;
      if (!f.qualified) cell.handedOffBelow += n;
    }
  }

  addAll(other: HorizonCells): void {
    for (const [key, cell] of other.cells) {
      const mine = this.cells.get(key);
      if (mine === undefined) this.cells.set(key, { ...cell });
      else addCounts(mine, cell);
    }
  }

  /** The counts at rung k of the ladder `bands` describes. */
  at(bands: Bands, k: number): AtHorizon {
    const all = counts();
    const won = counts();
    for (const [key, cell] of this.cells) {
      const age = Math.floor(key / bands.stride);
      if (age <= k) continue;
      addCounts(all, cell);
      const win = key % bands.stride;
      if (win <= k || win === bands.noDays) addCounts(won, cell);
    }
    return { all, won };
  }

  /** Every lead of the cells, and of them the ones won so far (at any age, in any time). */
  total(bands: Bands): AtHorizon {
    const all = counts();
    const won = counts();
    for (const [key, cell] of this.cells) {
      addCounts(all, cell);
      if (key % bands.stride !== bands.notWon) addCounts(won, cell);
    }
    return { all, won };
  }

  /**
   * Wins with days to measure among leads at least `minAge` days old, per win band (index 0 … E,
   * E beyond the last rung): what the default horizon is chosen from.
   */
  winsByBand(bands: Bands, minAge: number): number[] {
    const out = new Array<number>(bands.rungs + 1).fill(0);
    for (const [key, cell] of this.cells) {
      const age = Math.floor(key / bands.stride);
      const win = key % bands.stride;
      if (win > bands.rungs || (age === 0 ? 0 : bands.ladder[age - 1]!) < minAge) continue;
      out[win]! += cell.leads;
    }
    return out;
  }
}
