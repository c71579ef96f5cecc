/**
 * Values that read fine but cannot be right (README, "Messy and hostile files"; docs/reports.md#check):
 * a date years ahead of the as-of date, a deal closed before it was created, a negative amount.
 * Each kind is counted per column with its first line, warned about and shown by `check`; the
 * values are kept as written (a refund is negative, an expected close date may be ahead), so
 * nothing is silently changed.
 */
import { dealFieldsOf, leadFieldsOf, type LeadFieldOf } from '../rubric/fields.js';
import type { ColumnPlan } from './map.js';
import { isoDate } from './normalize.js';
import type { DealTable, LeadTable } from './table.js';

/** How far past the as-of date a date must be to count as "far in the future". */
export const FAR_FUTURE_DAYS = 366;

export interface Implausible {
  readonly file: string;
  readonly side: 'leads' | 'deals';
  /** What is wrong, as `check` names it: `dates over a year after the as-of date in "created"`. */
  readonly check: string;
  readonly count: number;
  /** The first such row: its line, and what it held. */
  readonly line: number;
  readonly example: string;
  /** The warning line printed on standard error. */
  readonly warning: string;
}

interface DaysColumn {
  readonly name: string;
  readonly days: ArrayLike<number>;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Per column: how many dates are far in the future, and the first of them (its line and day). */
interface FarFuture {
  readonly name: string;
  count: number;
  line: number;
  day: number;
}

/** Counts the dates more than FAR_FUTURE_DAYS after the as-of date into `into`, column by column. */
function countFarFuture(into: readonly FarFuture[], lines: ArrayLike<number>, columns: readonly DaysColumn[], asOf: number): void {
  const limit = asOf + FAR_FUTURE_DAYS;
  columns.forEach(({ days }, k) => {
    const counted = into[k]!;
    for (let i = 0; i < days.length; i++) {
      if (!(days[i]! > limit)) continue;
      counted.count++;
      // Rows may come in chunks out of file order: the first is the one on the earliest line.
      if (!(lines[i]! >= counted.line)) {
        counted.line = lines[i]!;
        counted.day = days[i]!;
      }
    }
  });
}

function farFutureFound(file: string, side: Implausible['side'], counted: readonly FarFuture[], asOf: number): Implausible[] {
  return counted.flatMap(({ name, count, line, day }) => {
    if (count === 0) return [];
    const example = isoDate(day);
    return [
      {
        file,
        side,
        check: `dates over a year after the as-of date in "${name}"`,
        count,
        line,
        example,
        warning: `${file}: ${plural(count, 'date', 'dates')} in column "${name}" ${count === 1 ? 'is' : 'are'} more than a year after the as-of date ${isoDate(asOf)} (first at line ${line}: ${example}); kept as written`,
      },
    ];
  });
}

function noneYet(columns: readonly DaysColumn[]): FarFuture[] {
  return columns.map(({ name }) => ({ name, count: 0, line: NaN, day: NaN }));
}

/** Dates more than FAR_FUTURE_DAYS after the as-of date, per column. */
export function farFutureDates(file: string, side: Implausible['side'], lines: ArrayLike<number>, columns: readonly DaysColumn[], asOf: number): Implausible[] {
  const counted = noneYet(columns);
  countFarFuture(counted, lines, columns, asOf);
  return farFutureFound(file, side, counted, asOf);
}

/** Deals whose close date is before their created date. */
export function closedBeforeCreated(file: string, lines: ArrayLike<number>, created: ArrayLike<number>, closed: ArrayLike<number>): Implausible | undefined {
  let count = 0;
  let first = -1;
  for (let i = 0; i < created.length; i++) {
    // NaN (missing) compares false: only two dates that exist are judged.
    if (closed[i]! < created[i]!) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return undefined;
  const line = lines[first]!;
  const example = `created ${isoDate(created[first]!)}, closed ${isoDate(closed[first]!)}`;
  return {
    file,
    side: 'deals',
    check: 'deals closed before they were created',
    count,
    line,
    example,
    warning: `${file}: ${plural(count, 'deal', 'deals')} closed before ${count === 1 ? 'it was' : 'they were'} created (first at line ${line}: ${example}); kept as written`,
  };
}

/** Negative amounts (refunds and credits are; a typo may be): counted, and added as they are. */
export function negativeAmounts(file: string, lines: ArrayLike<number>, name: string, amounts: ArrayLike<number>): Implausible | undefined {
  let count = 0;
  let first = -1;
  for (let i = 0; i < amounts.length; i++) {
    if (amounts[i]! < 0) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return undefined;
  const line = lines[first]!;
  const example = String(amounts[first]!);
  return {
    file,
    side: 'deals',
    check: `negative amounts in "${name}"`,
    count,
    line,
    example,
    warning: `${file}: ${plural(count, 'negative amount', 'negative amounts')} in column "${name}" (first at line ${line}: ${example}); added as ${count === 1 ? 'it is' : 'they are'}`,
  };
}

/** Every check above on one leads file. */
export function implausibleLeads(plan: ColumnPlan, leads: LeadTable, asOf: number): Implausible[] {
  const checks = new LeadChecks(plan, asOf);
  checks.add(leads);
  return checks.found();
}

/** The checks of a leads file on its rows, added a table at a time (a file read in chunks). */
export class LeadChecks {
  private readonly counted: FarFuture[];

  constructor(
    private readonly plan: ColumnPlan,
    private readonly asOf: number,
  ) {
    this.counted = noneYet(this.columns(undefined));
  }

  private columns(leads: LeadTable | undefined): DaysColumn[] {
    const { plan } = this;
    const none = new Float32Array(0);
    const named = (field: LeadFieldOf<'date'>) => (plan.fields[field] === undefined ? [] : [{ name: plan.header.names[plan.fields[field]!]!, days: leads?.c[field] ?? none }]);
    return [
      ...leadFieldsOf('date').flatMap(named),
      ...plan.stageColumns.flatMap((i, s) => (i < 0 ? [] : [{ name: plan.header.names[i]!, days: leads?.c.stageDates[s] ?? none }])),
    ];
  }

  add(leads: LeadTable): void {
    countFarFuture(this.counted, leads.c.line, this.columns(leads), this.asOf);
  }

  found(): Implausible[] {
    return farFutureFound(this.plan.file, 'leads', this.counted, this.asOf);
  }
}

/** Every check above on one deals file. */
export function implausibleDeals(plan: ColumnPlan, deals: DealTable, asOf: number): Implausible[] {
  const c = deals.c;
  const name = (field: string) => (plan.fields[field] === undefined ? undefined : plan.header.names[plan.fields[field]!]!);
  const named = (field: string, days: ArrayLike<number>) => (name(field) === undefined ? [] : [{ name: name(field)!, days }]);
  const columns: DaysColumn[] = [
    ...dealFieldsOf('date').flatMap((field) => named(field, c[field])),
    ...plan.stageColumns.flatMap((i, s) => (i < 0 ? [] : [{ name: plan.header.names[i]!, days: c.stageEntered[s]! }])),
  ];
  const amount = name('amount');
  return [
    ...farFutureDates(plan.file, 'deals', c.line, columns, asOf),
    closedBeforeCreated(plan.file, c.line, c.created, c.closed),
    amount === undefined ? undefined : negativeAmounts(plan.file, c.line, amount, c.amount),
  ].filter((x): x is Implausible => x !== undefined);
}
