/** The helpers reports share: the report spec, columns, rates, ordering, what the inputs cannot judge. */
import type { Column, ColumnKind, CommandHelp, Report } from '../model.js';
import type { AuditFacts, Caveats } from '../engine/facts.js';
import type { UnreachableStage } from '../data/caveats.js';
import type { Rubric } from '../rubric/resolve.js';

/**
 * The stage whose reach makes a lead won, when these inputs cannot reach it (nor anything after
 * it): win rates are then 0 by construction, won leads look open, and nothing is judged on them.
 */
export function unreachableWon(data: { readonly rubric: Rubric; readonly caveats: Caveats }): UnreachableStage | undefined {
  const last = data.rubric.stages.length - 1;
  return data.caveats.unreachable.find((u) => u.stage === last && !u.implied);
}

/**
 * One report: how it is built from a run's facts, and, when it is a command of its own
 * (`leadaudit funnel`), its help. src/reports/index.ts lists every report by name.
 */
export interface ReportSpec {
  readonly build: (facts: AuditFacts) => Report[];
  readonly help?: CommandHelp;
}

export function column(key: string, label: string, kind: ColumnKind, extra: Partial<Column> = {}): Column {
  return { key, label, kind, ...extra };
}

/** a / b, or null when b is 0 (a rate of nothing is not 0%). */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/** `1 lead`, `2 leads`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Orders text by code point: the same on every machine, whatever its locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts group names for stable output: by the given numbers descending, then by name. */
export function byDescending<T>(rows: T[], ...keys: ((row: T) => number | null)[]): T[] {
  return rows.sort((a, b) => {
    for (const key of keys) {
      const d = (key(b) ?? -Infinity) - (key(a) ?? -Infinity);
      if (d !== 0 && !Number.isNaN(d)) return d;
    }
    return 0;
  });
}
