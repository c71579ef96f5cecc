/**
 * What the JS engine folds into facts (src/engine/fold.ts): one run's leads and deals, read and
 * classified (no I/O). The reports about single leads (score, explain, check) read it directly.
 */
import type { ClassifiedLead, Deal, Inputs } from '../model.js';
import type { Rubric } from '../rubric/resolve.js';
import type { SharedMode } from '../data/join.js';
import type { Rows } from '../data/table.js';
import type { Caveats } from './facts.js';

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
