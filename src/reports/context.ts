/**
 * The classified data of one run (AuditData: no I/O), which src/engine/fold.ts folds into the facts
 * every report reads and which the reports about single leads (score, explain, check) read
 * directly; and the helpers reports share (columns, rates, ordering, the stages a rubric names).
 */
import { createRequire } from 'node:module';
import type { ClassifiedLead, Column, ColumnKind, CommandHelp, Deal, Inputs, Report } from '../model.js';
import type { AuditFacts, Caveats } from '../engine/facts.js';
import type { UnreachableStage } from '../data/caveats.js';
import type { Rubric } from '../rubric/resolve.js';
import type { SharedMode } from '../data/join.js';
import type { Rows } from '../data/table.js';
import type { ColumnPlan } from '../data/map.js';

export interface AuditData {
  readonly rubric: Rubric;
  /** The as-of date as a day number. */
  readonly asOf: number;
  /** Small-sample bar (--min-n). */
  readonly minN: number;
  /** Classified leads, or null in a deals-only run. */
  readonly leads: Rows<ClassifiedLead> | null;
  /** Every used deal (attributed or not), or null in a leads-only run. */
  readonly deals: Rows<Deal> | null;
  readonly unattributed: readonly Deal[];
  readonly inputs: Inputs;
  /** Per stage: leads that reached a later stage without evidence of this one (docs/rubric.md, "How a lead reaches a stage"). */
  readonly skips: readonly number[];
  /** The --by grouping: its column key and how to read it from a lead or a deal. */
  readonly group: Grouping;
  /** --spend: spend per group, keyed by the group's name; null without it. */
  readonly spend: ReadonlyMap<string, number> | null;
  /** --redact: leads' emails and names are replaced by a stable short hash in every report. */
  readonly redact: boolean;
  /** How deals were joined to leads; null unless both a leads and a deals file are given. */
  readonly join: JoinFacts | null;
  /** What the inputs cannot show, and how old the data is (src/data/caveats.ts, docs/verdicts.md). */
  readonly caveats: Caveats;
}

/** The join of a run (src/data/join.ts), as reports see it. */
export interface JoinFacts {
  readonly shared: SharedMode;
  /** Deals whose keys matched several leads, and the distinct leads those deals matched. */
  readonly sharedDeals: number;
  readonly sharedLeads: number;
  /** Lead id of the row. */
  leadId(row: number): string;
  /**
   * The deals whose keys match the lead at `row`: each with the lead rows its keys match, the lead
   * row it went to first (-1 when none), and among how many leads it is split (1 under `first`).
   */
  matchesOf(row: number): readonly { readonly deal: Deal; readonly leads: readonly number[]; readonly first: number; readonly ways: number }[];
}


/**
 * The stage whose reach makes a lead won, when these inputs cannot reach it (nor anything after
 * it): win rates are then 0 by construction, won leads look open, and nothing is judged on them.
 */
export function unreachableWon(data: { readonly rubric: Rubric; readonly caveats: Caveats }): UnreachableStage | undefined {
  const last = data.rubric.stages.length - 1;
  return data.caveats.unreachable.find((u) => u.stage === last && !u.implied);
}

/** node:crypto, loaded by the first --redact: a run without it does not pay for loading it. */
let nodeCrypto: typeof import('node:crypto') | undefined;

/**
 * A lead's email or name as a report may show it: as is, or with --redact a stable short hash
 * (the first 10 hex digits of its SHA-256, of the trimmed lower-cased text), so the same person
 * is the same token in every report and run, and can still be joined across them.
 */
export function personal(data: AuditData, value: string): string {
  return data.redact ? redacted(value) : value;
}

/** The --redact token of a person's email or name (empty stays empty). */
export function redacted(value: string): string {
  if (value === '') return value;
  nodeCrypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return `anon-${nodeCrypto.createHash('sha256').update(value.trim().toLowerCase()).digest('hex').slice(0, 10)}`;
}

/** The fields that hold a person's email or name: hashed with --redact wherever they show. */
export const PERSONAL_FIELDS = ['email', 'name', 'firstName', 'lastName'] as const;

/** The headers of a file that hold emails and names (as mapped), for --redact. */
export function personalHeaders(plan: ColumnPlan): string[] {
  return PERSONAL_FIELDS.flatMap((f) => (plan.fields[f] === undefined ? [] : [plan.header.names[plan.fields[f]!]!]));
}


export interface Grouping {
  /** The first column's key: `channel`, `owner`, or the --by column's name. */
  readonly key: string;
  readonly label: string;
  /** True when the user asked for it with --by (funnel then splits by group). */
  readonly explicit: boolean;
  readonly ofLead: (lead: ClassifiedLead) => string;
  /** Undefined when the grouping means nothing for deals (channel, grade). */
  readonly ofDeal: ((deal: Deal) => string) | undefined;
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

/** The stage index of the handoff (first sales stage), -1 when the rubric has none. */
export function handoffStage(rubric: Rubric): number {
  return rubric.stages.findIndex((s) => s.side === 'sales');
}

/** The opportunity stage: key `opportunity`, else the first stage reached by any deal; -1 when none. */
export function opportunityStage(rubric: Rubric): number {
  const byKey = rubric.stages.findIndex((s) => s.key === 'opportunity');
  return byKey >= 0 ? byKey : rubric.stages.findIndex((s) => s.deal === 'any');
}
