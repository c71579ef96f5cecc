/**
 * Caveats that save a wrong reading (docs/verdicts.md, "Warnings"): stages the inputs cannot reach,
 * and an --as-of date far after the newest date in the data. Found here as data; the CLI prints
 * them on stderr and the reports carry them in their notes. No I/O.
 */
import { leadFieldsOf } from '../rubric/fields.js';
import type { ColumnPlan } from './map.js';
import { OUTCOMES, type DealTable, type LeadTable } from './table.js';
import type { Rubric } from '../rubric/resolve.js';
import { isoDate } from './normalize.js';

/** A rubric stage that no lead can reach directly with the inputs given. */
export interface UnreachableStage {
  /** Index into the rubric's stages. */
  readonly stage: number;
  readonly key: string;
  /**
   * True when a later stage can still be reached (a lead reaching it implies this one): the stage
   * is counted, but only through later stages. False when nothing from here on can be reached:
   * its rates are 0 by construction and are not judged.
   */
  readonly implied: boolean;
  /** Why, for people: `it is reached only by a won deal, and there is no deals file`. */
  readonly why: string;
  /** The short cause for "not judged: …": `no deals file`, or `no column "Became SQL Date"`. */
  readonly cause: string;
}

/**
 * Stages no lead can reach directly: stage 0 is reached by every lead; any other needs its date
 * column in the leads file, its status values with a status column, a `when` condition, or (for
 * `deal: any | won`) a deals file. A stage reached by none of those with these inputs is listed.
 */
export function unreachableStages(rubric: Rubric, plan: ColumnPlan, dealsFile: boolean): UnreachableStage[] {
  const stages = rubric.stages;
  const hasStatus = plan.fields.status !== undefined;
  const direct = stages.map((s, i) => i === 0 || (plan.stageColumns[i] ?? -1) >= 0 || (s.status.length > 0 && hasStatus) || s.when !== undefined || (s.deal !== undefined && dealsFile));
  const out: UnreachableStage[] = [];
  stages.forEach((s, i) => {
    if (direct[i]) return;
    const ways: string[] = [];
    const causes: string[] = [];
    if (s.deal !== undefined) {
      ways.push(`by ${s.deal === 'won' ? 'a won deal' : 'a deal'}, and there is no deals file`);
      causes.push('no deals file');
    }
    if (s.date !== undefined) {
      const names = s.date.candidates.map((c) => `"${c}"`).join(' or ');
      ways.push(`by its date column ${names}, which ${plan.file} does not have`);
      causes.push(`no column ${names}`);
    }
    if (s.status.length > 0) {
      ways.push(`by a status value, and ${plan.file} has no status column`);
      causes.push('no status column');
    }
    const implied = direct.slice(i + 1).some(Boolean);
    out.push({
      stage: i,
      key: s.key,
      implied,
      why: ways.length > 0 ? `it is reached only ${ways.join(', or ')}` : 'the rubric gives it no way to be reached',
      cause: causes.length > 0 ? causes.join(', ') : 'no way to reach it',
    });
  });
  return out;
}

/** The stderr line for an unreachable stage (docs/verdicts.md, "Warnings"). */
export function unreachableWarning(u: UnreachableStage): string {
  return u.implied
    ? `stage "${u.key}" is never reached directly with these inputs (${u.why}): it counts only leads that reach a later stage`
    : `stage "${u.key}" cannot be reached with these inputs: ${u.why}; its rates are 0 by construction and are not judged (not judged: ${u.cause})`;
}

/** An --as-of more than this many days after the newest date in the data is warned about. */
export const STALE_AS_OF_DAYS = 90;

/** The latest date anywhere in the data (created, activity, first touch, stage and deal dates); NaN when none. */
export function newestDate(leads: LeadTable | null, deals: DealTable | null): number {
  let newest = -Infinity;
  const scan = (days: ArrayLike<number>): void => {
    for (let i = 0; i < days.length; i++) {
      const d = days[i]!;
      // NaN (missing) fails the comparison and is passed over.
      if (d > newest) newest = d;
    }
  };
  if (leads !== null) {
    const c = leads.c;
    for (const days of [...leadFieldsOf('date').map((field) => c[field]), ...c.stageDates]) scan(days);
  }
  if (deals !== null) {
    const c = deals.c;
    for (const days of [c.created, c.lastActivity, ...c.stageEntered]) scan(days);
    // An open deal's close date is a forecast, often in the future: only closed deals' count.
    const open = OUTCOMES.indexOf('open');
    for (let i = 0; i < c.closed.length; i++) if (c.outcome[i] !== open && c.closed[i]! > newest) newest = c.closed[i]!;
  }
  return newest === -Infinity ? NaN : newest;
}

/**
 * The warning when --as-of is more than STALE_AS_OF_DAYS after the newest date in the data (an old
 * export aged to today makes every open lead look stalled), else undefined.
 */
export function staleAsOfWarning(newest: number, asOf: number): string | undefined {
  if (Number.isNaN(newest) || asOf - newest <= STALE_AS_OF_DAYS) return undefined;
  const when = isoDate(newest);
  return `the newest date in the data is ${when}, ${asOf - newest} days before --as-of ${isoDate(asOf)}: stalls are aged to --as-of; to age them from the export, pass --as-of ${when}`;
}
