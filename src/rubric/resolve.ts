/**
 * Rubric: parse → merge onto its preset → normalize (docs/rubric.md#presets-and-merging).
 * Cross-checking against the files' headers happens in data/map.ts, once the headers are known.
 */
import { UsageError, didYouMean } from '../errors.js';
import type { SharedMode } from '../data/join.js';
import { MISSING_VALUES, type DateOrder } from '../data/normalize.js';
import { presets } from './presets/index.js';
import { DEAL_FIELDS, LEAD_FIELDS, PRESET_NAMES, type DealField, type LeadField, type PresetName } from './fields.js';
import type { Condition, ColumnRef, OutcomeRule, RubricInput } from './schema.js';
import type { EscapeName } from './fields.js';

export type { EscapeName } from './fields.js';

/** A column the rubric asks for: headers to try in order, and whether the user's file named it. */
export interface ColumnChoice {
  readonly candidates: readonly string[];
  /** Named in the user's rubric: a missing header is an error. A preset's is silently unmapped. */
  readonly user: boolean;
  /** Where in the rubric, for messages (`leads.columns.source`). */
  readonly path: string;
}

export interface Stage {
  readonly key: string;
  readonly label: string;
  readonly side: 'marketing' | 'sales';
  readonly stallAfterDays: number | undefined;
  readonly date: ColumnChoice | undefined;
  readonly status: readonly string[];
  readonly deal: 'any' | 'won' | undefined;
  readonly when: Condition | undefined;
}

export interface DealStage {
  readonly values: readonly string[];
  readonly label: string;
  readonly stallAfterDays: number | undefined;
  readonly enteredDate: ColumnChoice | undefined;
}

/** A condition somewhere in the rubric, with what it applies to and where it is written. */
export interface ConditionSite {
  readonly path: string;
  readonly on: 'lead' | 'deal';
  readonly when: Condition;
  readonly user: boolean;
}

export interface Grade {
  readonly name: string;
  /** Lowest score of the grade; -Infinity for the last one. */
  readonly min: number;
}

export interface AlertRule {
  readonly report: string;
  readonly metric: string;
  readonly row: string | undefined;
  readonly below: number | undefined;
  readonly above: number | undefined;
  readonly minLeads: number | undefined;
}

export interface Rubric {
  /** The preset this rubric starts from. */
  readonly preset: PresetName;
  /** `preset hubspot`, or the rubric file's path. */
  readonly origin: string;
  readonly leads: { readonly columns: Partial<Record<LeadField, ColumnChoice>>; readonly dateOrder: DateOrder | undefined } & FileShape;
  readonly deals: FileShape & {
    readonly columns: Partial<Record<DealField, ColumnChoice>>;
    readonly dateOrder: DateOrder | undefined;
    readonly won: OutcomeRule | undefined;
    readonly lost: OutcomeRule | undefined;
    readonly stages: readonly DealStage[];
  };
  /**
   * `shared`: what a deal matching several leads does (src/data/join.ts); `sharedStated`: the rubric
   * says so (else it is the default, and a run that meets shared keys warns). `user`: the rubric
   * file names lead or deal.
   */
  readonly join: { readonly lead: string; readonly deal: string; readonly shared: SharedMode; readonly sharedStated: boolean; readonly user: boolean };
  readonly channels: readonly { readonly name: string; readonly when: Condition }[];
  readonly stages: readonly Stage[];
  readonly disqualified: Condition | undefined;
  readonly signals: readonly { readonly name: string; readonly points: number; readonly when: Condition }[];
  readonly grades: readonly Grade[];
  readonly qualifiedGrade: string;
  readonly alerts: readonly AlertRule[];
  /** Settings of the verdict rules (docs/verdicts.md). */
  readonly verdicts: { readonly salesStallTolerance: number };
  /** The horizon of win rates in days when the rubric sets one (docs/reports.md, "Rates at a horizon"); else chosen from the data. */
  readonly horizonDays: number | undefined;
  /** Every condition in the rubric, for compiling and cross-checking. */
  readonly conditions: readonly ConditionSite[];
  /** Cells that read as empty (data/normalize.ts missingValueRule); the default list unless the rubric gives one. */
  readonly missingValues: readonly string[];
}

/** Sales gap rule (a)'s tolerance when the rubric does not set one: 1 in 10 qualified handoffs (docs/verdicts.md). */
export const DEFAULT_SALES_STALL_TOLERANCE = 0.1;

/** How one side's file is written, when the rubric says (`leads.header`, `leads.escape`). */
export interface FileShape {
  /** The column names of a file without a header row (its first row is data). */
  readonly header: readonly string[] | undefined;
  readonly escape: EscapeName | undefined;
}

/**
 * `leads.header` / `deals.header` and `.escape` of a rubric file, checked: the names unique
 * (case-insensitive, as headers are matched) and not blank. Read before the files are (the header
 * names decide how the first row is read), so apart from resolveRubric.
 */
export function fileShape(own: RubricInput | undefined, side: 'leads' | 'deals', origin: string): FileShape {
  const names = own?.[side]?.header;
  const seen = new Map<string, number>();
  names?.forEach((name, i) => {
    const key = name.trim().toLowerCase();
    if (key === '') throw new UsageError(`${origin}: ${side}.header[${i}]: expected a column name, got a blank one`);
    const before = seen.get(key);
    if (before !== undefined) throw new UsageError(`${origin}: ${side}.header[${i}]: "${name}" is already the name of ${side}.header[${before}]; each column needs its own name`);
    seen.set(key, i);
  });
  return { header: names, escape: own?.[side]?.escape };
}

export function checkPresetName(name: string): PresetName {
  if ((PRESET_NAMES as readonly string[]).includes(name)) return name as PresetName;
  throw new UsageError(`unknown preset "${name}"${didYouMean(name, PRESET_NAMES)}; expected one of: ${PRESET_NAMES.join(', ')}`);
}

// ---------------------------------------------------------------- merge and normalize

function choice(ref: ColumnRef | undefined, user: boolean, path: string): ColumnChoice | undefined {
  if (ref === undefined || ref === null) return undefined;
  return { candidates: typeof ref === 'string' ? [ref] : ref, user, path };
}

function columnsOf<F extends string>(
  fields: readonly F[],
  base: Partial<Record<F, ColumnRef>> | undefined,
  own: Partial<Record<F, ColumnRef>> | undefined,
  prefix: string,
): Partial<Record<F, ColumnChoice>> {
  const out: Partial<Record<F, ColumnChoice>> = {};
  for (const field of fields) {
    const mine = own !== undefined && field in own;
    const c = choice(mine ? own[field] : base?.[field], mine, `${prefix}.${field}`);
    if (c) out[field] = c;
  }
  return out;
}

/**
 * The rubric a run uses: the preset, overridden by the user's file. Objects merge key by key
 * (`leads.columns.source` replaces only that column; `null` unmaps it); lists replace whole.
 */
export function resolveRubric(own: RubricInput | undefined, origin: string, preset: PresetName): Rubric {
  const base = presets[preset];
  const user = own ?? { version: 1 as const };
  const pick = <T>(mine: T | undefined, theirs: T | undefined): { value: T | undefined; user: boolean } =>
    mine !== undefined ? { value: mine, user: own !== undefined } : { value: theirs, user: false };

  const dateOrder = user.dateOrder ?? base.dateOrder;
  const stagesIn = pick(user.stages, base.stages);
  const stages: Stage[] = (stagesIn.value ?? [{ key: 'lead', side: 'marketing' as const }]).map((s, i) => ({
    key: s.key,
    label: s.label ?? s.key,
    side: s.side,
    stallAfterDays: s.stallAfterDays,
    date: choice(s.reachedWhen?.date, stagesIn.user, `stages[${i}].reachedWhen.date`),
    status: (s.reachedWhen?.status ?? []).map(String),
    deal: s.reachedWhen?.deal,
    when: s.reachedWhen?.when,
  }));
  checkStages(stages, origin);

  const dealStagesIn = pick(user.deals?.stages, base.deals?.stages);
  const dealStages: DealStage[] = (dealStagesIn.value ?? []).map((s, i) => {
    const values = typeof s.value === 'string' ? [s.value] : s.value;
    return {
      values,
      label: s.label ?? values[0]!,
      stallAfterDays: s.stallAfterDays,
      enteredDate: choice(s.enteredDate, dealStagesIn.user, `deals.stages[${i}].enteredDate`),
    };
  });
  checkDealStages(dealStages, origin);

  const channels = pick(user.channels, base.channels);
  const disqualified = pick(user.disqualified, base.disqualified);
  const won = pick(user.deals?.won, base.deals?.won);
  const lost = pick(user.deals?.lost, base.deals?.lost);
  const signals = pick(user.score?.signals, base.score?.signals);
  const grades = pick(user.score?.grades, base.score?.grades);
  const qualifiedGrade = pick(user.score?.qualifiedGrade, base.score?.qualifiedGrade);
  // Field by field, so `join: { shared: all }` keeps the preset's keys.
  const join = {
    lead: user.join?.lead ?? base.join?.lead,
    deal: user.join?.deal ?? base.join?.deal,
    shared: user.join?.shared ?? base.join?.shared,
    user: own !== undefined && (user.join?.lead !== undefined || user.join?.deal !== undefined),
  };

  const conditions: ConditionSite[] = [];
  (channels.value ?? []).forEach((c, i) => conditions.push({ path: `channels[${i}].when`, on: 'lead', when: c.when, user: channels.user }));
  stages.forEach((s, i) => s.when && conditions.push({ path: `stages[${i}].reachedWhen.when`, on: 'lead', when: s.when, user: stagesIn.user }));
  if (disqualified.value) conditions.push({ path: 'disqualified', on: 'lead', when: disqualified.value, user: disqualified.user });
  (signals.value ?? []).forEach((s, i) => conditions.push({ path: `score.signals[${i}].when`, on: 'lead', when: s.when, user: signals.user }));
  if (won.value && !Array.isArray(won.value)) conditions.push({ path: 'deals.won', on: 'deal', when: won.value, user: won.user });
  if (lost.value && !Array.isArray(lost.value)) conditions.push({ path: 'deals.lost', on: 'deal', when: lost.value, user: lost.user });

  const gradeList = gradesOf(grades.value ?? { A: 0 });
  const qualified = qualifiedGrade.value ?? gradeList[0]!.name;
  if (!gradeList.some((g) => g.name === qualified)) {
    throw new UsageError(
      `${origin}: score.qualifiedGrade: "${qualified}"${qualifiedGrade.user ? '' : ` (from preset ${preset})`} is not a grade${didYouMean(qualified, gradeList.map((g) => g.name))}; expected one of: ${gradeList.map((g) => g.name).join(', ')}`,
    );
  }

  return {
    preset,
    origin,
    leads: {
      columns: columnsOf(LEAD_FIELDS, base.leads?.columns, own ? user.leads?.columns : undefined, 'leads.columns'),
      dateOrder: user.leads?.dateOrder ?? base.leads?.dateOrder ?? dateOrder,
      ...fileShape(own, 'leads', origin),
    },
    deals: {
      columns: columnsOf(DEAL_FIELDS, base.deals?.columns, own ? user.deals?.columns : undefined, 'deals.columns'),
      dateOrder: user.deals?.dateOrder ?? base.deals?.dateOrder ?? dateOrder,
      ...fileShape(own, 'deals', origin),
      won: won.value,
      lost: lost.value,
      stages: dealStages,
    },
    join: { lead: join.lead ?? 'id', deal: join.deal ?? 'lead', shared: join.shared ?? 'first', sharedStated: join.shared !== undefined, user: join.user },
    channels: channels.value ?? [],
    stages,
    disqualified: disqualified.value,
    signals: signals.value ?? [],
    grades: gradeList,
    qualifiedGrade: qualified,
    verdicts: { salesStallTolerance: user.verdicts?.salesStallTolerance ?? base.verdicts?.salesStallTolerance ?? DEFAULT_SALES_STALL_TOLERANCE },
    alerts: (user.alerts ?? []).map((a) => ({ report: a.report, metric: a.metric, row: a.stage ?? a.row, below: a.below, above: a.above, minLeads: a.minLeads })),
    conditions,
    missingValues: user.missingValues ?? base.missingValues ?? MISSING_VALUES,
    horizonDays: user.horizonDays ?? base.horizonDays,
  };
}

/** `{ A: 40, B: 20, C: 5 }` → A ≥ 40, B ≥ 20, C ≥ 5, D below (the letter after the last). */
export function gradesOf(bounds: Record<string, number>): Grade[] {
  const list = Object.entries(bounds)
    .map(([name, min]) => ({ name, min }))
    .sort((a, b) => b.min - a.min);
  const last = list[list.length - 1]!.name;
  const next = /^[A-Y]$/.test(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : 'other';
  // Bands out of letter order ({ C: 5, A: 1, B: 0 }) may already use the next letter.
  const lowest = list.some((g) => g.name === next) ? 'other' : next;
  return [...list, { name: lowest, min: -Infinity }];
}

/**
 * An ordered list cannot visit a place twice: a stage key listed twice, or a status value or deal
 * stage value that belongs to two stages, would make the funnel (or pipeline) loop back on itself,
 * so "circular" stages are refused, naming both places.
 */
function checkDealStages(stages: readonly DealStage[], origin: string): void {
  const seen = new Map<string, number>();
  stages.forEach((s, i) =>
    s.values.forEach((value) => {
      const key = value.trim().toLowerCase();
      const before = seen.get(key);
      if (before !== undefined && before !== i) {
        throw new UsageError(`${origin}: deals.stages[${i}].value: "${value}" is already a value of deals.stages[${before}]; a deal stage has one place in the pipeline`);
      }
      seen.set(key, i);
    }),
  );
}

function checkStages(stages: readonly Stage[], origin: string): void {
  const statuses = new Map<string, number>();
  stages.forEach((s, i) =>
    s.status.forEach((value) => {
      const key = value.trim().toLowerCase();
      const before = statuses.get(key);
      if (before !== undefined && before !== i) {
        throw new UsageError(`${origin}: stages[${i}].reachedWhen.status: "${value}" already means stage "${stages[before]!.key}" (stages[${before}]); a status belongs to one stage`);
      }
      statuses.set(key, i);
    }),
  );
  const seen = new Map<string, number>();
  stages.forEach((s, i) => {
    const before = seen.get(s.key);
    if (before !== undefined) throw new UsageError(`${origin}: stages[${i}].key: "${s.key}" is already the key of stages[${before}]`);
    seen.set(s.key, i);
    if (s.deal === 'won' && i !== stages.length - 1) {
      throw new UsageError(`${origin}: stages[${i}].reachedWhen.deal: "won" must be on the last stage (a won lead has passed every stage)`);
    }
    if (i > 0 && !s.date && s.status.length === 0 && !s.deal && !s.when) {
      throw new UsageError(`${origin}: stages[${i}].reachedWhen: stage "${s.key}" can never be reached; give it a date, status, deal or when`);
    }
  });
}

/** Header matching is case- and space-insensitive and accepts the en-dash variant (docs/rubric.md#columns). */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[\u2013\u2014]/g, '-').replace(/[\s_]+/g, '');
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
