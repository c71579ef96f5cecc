/**
 * The shapes that flow through leadaudit:
 *   read CSV → map columns → Lead[] / Deal[] → join → classify → reports → render.
 *
 * Dates are whole calendar days since 1970-01-01 (time and zone ignored; docs/rubric.md, "dateOrder"); a missing
 * date or amount is NaN, never 0.
 */

import type { DealField, DealFieldOf, LeadField, LeadFieldOf } from './rubric/fields.js';

export type Side = 'marketing' | 'sales';
export type Outcome = 'won' | 'lost' | 'open';

/** A row's canonical fields as a view shows them: dates as day numbers (NaN when missing), the rest as text. */
type FieldValues<F extends string, D extends string> = { readonly [K in Exclude<F, D>]: string } & { readonly [K in D]: number };

/**
 * One used row of the leads file, with the mapped fields parsed: one property per canonical lead
 * field (src/rubric/fields.ts; `firstName` and `lastName` are read into `name`). The id is the id
 * column, or `#<line>` when the file has no id column.
 */
export interface Lead extends FieldValues<Exclude<LeadField, LeadFieldOf<'part'>>, LeadFieldOf<'date'>> {
  /** Position among used leads. */
  readonly index: number;
  /** Physical line in the file where the row starts. */
  readonly line: number;
  /** Per rubric stage: the date from the stage's `reachedWhen.date` column, NaN when none. */
  readonly stageDates: readonly number[];
  /** Raw text of every column the rubric's conditions read, by slot (see ColumnPlan.slots). */
  readonly values: readonly string[];
  /** Every original cell, only kept when a command asks for it (`score --with-columns`). */
  readonly cells?: readonly string[];
}

/**
 * One used row of the deals file: one property per canonical deal field (src/rubric/fields.ts),
 * but the join columns, which give `keys`.
 */
export interface Deal extends FieldValues<Exclude<DealField, DealFieldOf<'keys'>>, DealFieldOf<'date' | 'amount'>> {
  readonly index: number;
  readonly line: number;
  /** Join keys read from the deal side of the join (already split and trimmed). */
  readonly keys: readonly string[];
  readonly outcome: Outcome;
  /** Index into the rubric's deal pipeline stages; -1 when the stage value is not one of them. */
  readonly stageIndex: number;
  /** Per pipeline stage: the date from its `enteredDate` column, NaN when none. */
  readonly stageEntered: readonly number[];
  /** `stageEntered[k]`, without making the list (reports ask it per deal and stage). */
  enteredStage(k: number): number;
  readonly values: readonly string[];
}

/** A lead after classification (docs/rubric.md, "Stages"). */
export interface ClassifiedLead {
  readonly lead: Lead;
  readonly deals: readonly Deal[];
  readonly channel: string;
  readonly score: number;
  readonly grade: string;
  readonly qualified: boolean;
  /** Indexes (into the rubric's score.signals) of the signals the lead matched. */
  readonly signals: readonly number[];
  /** Whether the lead matched signal `s` (what `signals` lists, without making the list). */
  hasSignal(s: number): boolean;
  /** Index of the furthest stage reached. */
  readonly furthest: number;
  /** Per stage: reached (directly or implied by a later stage). */
  readonly reached: readonly boolean[];
  /** Per stage: how the stage was reached: 'date', 'status', 'deal', 'when', 'created', 'implied', or '' when not reached. */
  readonly reachedBy: readonly string[];
  /** Per stage: the entry date (NaN when unknown), and where it came from. */
  readonly entered: ArrayLike<number>;
  readonly enteredFrom: readonly string[];
  /** A stage's entry date when a duration can be measured from it (known, not borrowed from a later stage), else NaN. */
  measuredEntry(stage: number): number;
  readonly outcome: Outcome;
  /** Why the lead is lost ('deals lost' or 'disqualified'), '' otherwise. */
  readonly lostBecause: string;
  readonly stalled: boolean;
  /** Days since the lead last moved (entry of its furthest stage or last activity); NaN when unknown. */
  readonly daysInStage: number;
  /** The date idle time counts from, and what it is (`entry of sql`, `last activity`, …). */
  readonly idleSince: number;
  readonly idleFrom: string;
  /**
   * Sum of the amounts of the lead's won deals (0 when none). A deal split among N leads
   * (join.shared: all) adds 1/N of its amount, and counts 1/N in wonDeals and pricedWonDeals, so
   * sums over leads count each deal once and revenue / priced deals is still an average deal.
   */
  readonly wonAmount: number;
  readonly wonDeals: number;
  /** Won deals with an amount (the divisor of an average deal: a missing amount is not 0). */
  readonly pricedWonDeals: number;
  /** The part of one of its deals the lead is credited: 1, or 1/N for a deal split N ways (join.shared: all). */
  dealShare(deal: Deal): number;
  /** Entry date of the won stage, NaN unless won. */
  readonly wonDate: number;
}

// ---------------------------------------------------------------- reports

/** A command's help: the description (also its line in `leadaudit --help`), and after the options any details and the examples. */
export interface CommandHelp {
  readonly description: string;
  /** Paragraphs printed after the options, before the examples. */
  readonly details?: string;
  /** Command lines, each printed after `$ `. */
  readonly examples: readonly string[];
}

/** How a renderer formats a column (docs/json.md, "Reports"): reports hold raw numbers, renderers format. */
export type ColumnKind = 'count' | 'percent' | 'money' | 'days' | 'number' | 'text' | 'flag';

export interface Column {
  /** Stable JSON/CSV key. */
  readonly key: string;
  readonly label: string;
  readonly kind: ColumnKind;
  /** Text that came from the input data (neutralized in CSV, escaped in HTML, redacted). */
  readonly fromInput?: boolean;
  /** 1 = always shown; higher numbers are dropped first when a terminal table is too wide. */
  readonly priority?: number;
  /** For rates: the overall value the table colours this column against (above = good). */
  readonly baseline?: number;
  /** The key of a text column holding each row's kind for this column (a diff's old and new values). */
  readonly kindFrom?: string;
}

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/**
 * Sets `key` on a row-like object as an own property. A key can come from the data (a header
 * named `__proto__` in `score --with-columns`), and assigning to `__proto__` sets the object's
 * prototype instead: the column vanished from every row.
 */
export function setKey<T>(row: Record<string, T>, key: string, value: NoInfer<T>): void {
  if (key === '__proto__') Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}

export interface Report {
  /** Registry name (`funnel`, `pipeline`, `sources`, …), also the JSON key. */
  readonly name: string;
  readonly title: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Row[];
  /** Lines printed under the table (thresholds, caveats, skipped reasons). */
  readonly notes: readonly string[];
  /** `record` prints one row as label/value pairs (the summary). */
  readonly layout?: 'table' | 'record';
  /** Formats for people show only the first rows and say how many more there are (machine formats show all). */
  readonly preview?: { readonly rows: number; readonly more: string };
}

// ---------------------------------------------------------------- row accounting (docs/json.md, "inputs")

export interface FileAccounting {
  readonly file: string;
  readonly encoding: string;
  readonly delimiter: string;
  readonly read: number;
  readonly used: number;
  readonly rejected: number;
  readonly skipped: number;
  readonly duplicates: number;
  /** Count per reason key (ROW_REASONS), for rejected and skipped rows alike. */
  readonly reasons: Partial<Record<RowReason, number>>;
  /** Deals only: attached to a lead / not (null in a deals-only run, where deals are the unit). */
  readonly attributed?: number | null;
  readonly unattributed?: number | null;
}

/**
 * Why a row of an input was not used: the stable key of `inputs.*.reasons` in `--format json`
 * (docs/json.md lists each) → the words people read (check's table, the summary's notes, messages
 * on standard error, the --rejects file's _reason). A key, once published, stays as it is: scripts
 * count rows by it; the words may be reworded.
 */
export const ROW_REASONS = {
  too_few_cells: 'too few cells',
  too_many_cells: 'too many cells',
  field_too_long: 'field too long',
  duplicate_id: 'duplicate id',
  blank_line: 'blank line',
  summary_row: 'summary row',
  report_footer: 'report footer',
  no_created_date: 'no created date (--since/--until)',
  created_outside_window: 'created outside --since/--until',
  lead_outside_window: 'lead created outside --since/--until',
} as const;

export type RowReason = keyof typeof ROW_REASONS;

/** The words for a reason key (a key made before keys were stable is shown as it is). */
export function reasonText(reason: string): string {
  return Object.hasOwn(ROW_REASONS, reason) ? ROW_REASONS[reason as RowReason] : reason;
}

export interface Inputs {
  readonly leads: FileAccounting | null;
  readonly deals: FileAccounting | null;
}

// ---------------------------------------------------------------- one run's result, as renderers see it

/** A --fail-on rule or rubric alert that fired (docs/rubric.md, "alerts"). */
export interface FiredAlert {
  /** The rule as written (`sources.win_rate<0.02`) or a description of the rubric alert. */
  readonly rule: string;
  readonly report: string;
  /** The row the value came from (a channel, a stage), or null for a report-level metric. */
  readonly row: string | null;
  readonly metric: string;
  readonly value: number;
  readonly op: '<' | '<=' | '>' | '>=';
  readonly threshold: number;
}

// ---------------------------------------------------------------- verdicts (docs/verdicts.md)

export type VerdictTopic = 'marketing gap' | 'sales gap' | 'rubric check';
export type VerdictFinding = 'gap' | 'no gap' | 'works' | 'inverted' | 'no evidence' | 'not enough data' | 'not applicable' | 'not judged';

/**
 * One verdict line: the sentence for people, and for machines the finding with the numbers behind
 * it. docs/verdicts.md states each rule and every key of `numbers`; the keys of a topic are the same
 * in every run (null when the rule could not compute them), so a script can read them.
 */
export interface Verdict {
  readonly topic: VerdictTopic;
  readonly finding: VerdictFinding;
  /** The rules that found the gap (or the trend), by their docs/verdicts.md names; empty when none did. */
  readonly rules: readonly string[];
  /** The groups it points at: the channel flooding handoff, the owner letting handoffs stall. */
  readonly names: readonly string[];
  /** Counts, rates (fractions), interval ends and p-values, unrounded; null when not computed. */
  readonly numbers: Readonly<Record<string, number | null>>;
  readonly text: string;
}

export interface AuditResult {
  /** The as-of date, YYYY-MM-DD. */
  readonly asOf: string;
  readonly inputs: Inputs;
  readonly reports: readonly Report[];
  /** The verdict lines of a run with leads (docs/verdicts.md); empty otherwise. */
  readonly verdict: readonly Verdict[];
  readonly alerts: readonly FiredAlert[];
  /** What made it, for a report's footer: the rubric file (null when the preset alone was used) and the preset. */
  readonly run?: {
    readonly rubric: string | null;
    readonly preset: string;
    /** The --spend file, when there is one. */
    readonly spend?: string | null;
    /** The currency codes of the won deals (upper case, sorted), for the won revenue; empty when the deals have none. */
    readonly currencies?: readonly string[];
  };
}
