/**
 * Rubric: parse → merge onto its preset → normalize (SPEC §5). Cross-checking against the files'
 * headers happens in data/map.ts, once the headers are known.
 */
import { UsageError, didYouMean } from '../errors.js';
import type { DateOrder } from '../data/normalize.js';
import { presets } from './presets/index.js';
import {
  DEAL_FIELDS,
  LEAD_FIELDS,
  PRESET_NAMES,
  rubricSchema,
  type Condition,
  type ColumnRef,
  type DealField,
  type LeadField,
  type OutcomeRule,
  type PresetName,
  type RubricInput,
} from './schema.js';
import type { z } from 'zod';

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
  readonly leads: { readonly columns: Partial<Record<LeadField, ColumnChoice>>; readonly dateOrder: DateOrder | undefined };
  readonly deals: {
    readonly columns: Partial<Record<DealField, ColumnChoice>>;
    readonly dateOrder: DateOrder | undefined;
    readonly won: OutcomeRule | undefined;
    readonly lost: OutcomeRule | undefined;
    readonly stages: readonly DealStage[];
  };
  readonly join: { readonly lead: string; readonly deal: string; readonly user: boolean };
  readonly channels: readonly { readonly name: string; readonly when: Condition }[];
  readonly stages: readonly Stage[];
  readonly disqualified: Condition | undefined;
  readonly signals: readonly { readonly name: string; readonly points: number; readonly when: Condition }[];
  readonly grades: readonly Grade[];
  readonly qualifiedGrade: string;
  readonly alerts: readonly AlertRule[];
  /** Every condition in the rubric, for compiling and cross-checking. */
  readonly conditions: readonly ConditionSite[];
}

// ---------------------------------------------------------------- validation

/** Validates parsed rubric data; every problem comes back as one line naming its path. */
export function validateRubric(data: unknown, file: string): RubricInput {
  const result = rubricSchema.safeParse(data, { reportInput: true });
  if (result.success) {
    checkConditionTests(result.data, file);
    return result.data;
  }
  const lines = result.error.issues.map((issue) => `${file}: ${describeIssue(issue, data)}`);
  throw new UsageError(lines.join('\n'));
}

type Issue = z.core.$ZodIssue;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(step))) out += out === '' ? String(step) : `.${String(step)}`;
    else out += `[${JSON.stringify(String(step))}]`;
  }
  return out === '' ? '(top level)' : out;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeIssue(issue: Issue, data: unknown): string {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) => `${at}: unknown key "${key}"${didYouMean(key, known)}`).join('; ');
    }
    case 'invalid_type': {
      const got = 'input' in issue ? show(issue.input) : 'something else';
      return `${at}: expected ${typeName(issue.expected)}, got ${got}`;
    }
    case 'invalid_value': {
      const choices = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, choices) : '';
      return `${at}: expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of: ${issue.values.join(', ')}`}, got ${show(issue.input)}${hint}`;
    }
    case 'invalid_union': {
      // Explain the branch that fits the value's shape (a list vs an object), not every branch.
      const value = valueAt(data, issue.path);
      const branches = issue.errors.filter((errors) => !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (branches.length === 0) {
        // No branch takes a value of this type (a number for a column name): name every type that would do.
        const types = issue.errors.flat().flatMap((e) => (e.code === 'invalid_type' && e.path.length === 0 ? [typeName(e.expected)] : []));
        return `${at}: expected ${[...new Set(types)].join(' or ')}, got ${show(value)}`;
      }
      const branch = branches.find((errors) => errors.length > 0) ?? (Array.isArray(value) ? issue.errors[0] : issue.errors[issue.errors.length - 1]);
      const inner = branch?.[0];
      if (inner) return describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue, data);
      return `${at}: ${issue.message}`;
    }
    default:
      return `${at}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}

/** `a number`, `text`, `a list`, … for zod's expected type names. */
function typeName(expected: string): string {
  const names: Record<string, string> = {
    number: 'a number',
    // zod 4 reports .int() on a fraction as an invalid type "int".
    int: 'a whole number',
    string: 'text',
    array: 'a list',
    object: 'an object',
    boolean: 'a boolean',
  };
  return names[expected] ?? expected;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = data;
  for (const step of path) value = value === null || typeof value !== 'object' ? undefined : (value as Record<PropertyKey, unknown>)[step];
  return value;
}

const TEST_KEYS = ['eq', 'ne', 'in', 'notIn', 'matches', 'gte', 'gt', 'lte', 'lt', 'present', 'empty', 'withinDays'];
const STAGE_KEYS = ['key', 'label', 'side', 'stallAfterDays', 'reachedWhen'];

/** Valid keys at a path, for "did you mean" (a small table beats walking zod's internals). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  const p = path.filter((s) => typeof s !== 'number').map(String);
  const last = p[p.length - 1];
  const top = ['version', 'preset', 'dateOrder', 'leads', 'deals', 'join', 'channels', 'stages', 'disqualified', 'score', 'alerts'];
  if (p.length === 0) return top;
  if (p.length === 1 && last === 'leads') return ['columns', 'dateOrder'];
  if (p.length === 1 && last === 'deals') return ['columns', 'dateOrder', 'won', 'lost', 'stages'];
  if (p.join('.') === 'leads.columns') return [...LEAD_FIELDS];
  if (p.join('.') === 'deals.columns') return [...DEAL_FIELDS];
  if (p.join('.') === 'deals.stages') return ['value', 'label', 'stallAfterDays', 'enteredDate'];
  if (p.join('.') === 'stages') return STAGE_KEYS;
  // Whole paths: a condition may test a column called `score` or `channels`.
  const at = p.join('.');
  if (at === 'stages.reachedWhen') return ['date', 'status', 'deal', 'when'];
  if (at === 'join') return ['lead', 'deal'];
  if (at === 'score') return ['signals', 'grades', 'qualifiedGrade'];
  if (at === 'score.signals') return ['name', 'points', 'when'];
  if (at === 'channels') return ['name', 'when'];
  if (at === 'alerts') return ['report', 'metric', 'stage', 'row', 'below', 'above', 'minLeads'];
  return TEST_KEYS;
}

/** zod cannot tell a misspelt combinator (`alll`) from a field name; an empty test object is the tell. */
function checkConditionTests(rubric: RubricInput, file: string): void {
  const visit = (when: Condition | undefined, path: string): void => {
    if (when === undefined) return;
    for (const [field, test] of Object.entries(when)) {
      if (field === 'all' || field === 'any') (test as Condition[]).forEach((c, i) => visit(c, `${path}.${field}[${i}]`));
      else if (field === 'not') visit(test as Condition, `${path}.not`);
      else if (test !== undefined && Object.keys(test).length === 0) {
        throw new UsageError(`${file}: ${path}${formatPath([field]).replace(/^(?!\[)/, '.')}: a test needs one of: ${TEST_KEYS.join(', ')}`);
      }
    }
  };
  rubric.channels?.forEach((c, i) => visit(c.when, `channels[${i}].when`));
  rubric.stages?.forEach((s, i) => visit(s.reachedWhen?.when, `stages[${i}].reachedWhen.when`));
  visit(rubric.disqualified, 'disqualified');
  rubric.score?.signals?.forEach((s, i) => visit(s.when, `score.signals[${i}].when`));
  if (rubric.deals?.won && !Array.isArray(rubric.deals.won)) visit(rubric.deals.won, 'deals.won');
  if (rubric.deals?.lost && !Array.isArray(rubric.deals.lost)) visit(rubric.deals.lost, 'deals.lost');
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

  const channels = pick(user.channels, base.channels);
  const disqualified = pick(user.disqualified, base.disqualified);
  const won = pick(user.deals?.won, base.deals?.won);
  const lost = pick(user.deals?.lost, base.deals?.lost);
  const signals = pick(user.score?.signals, base.score?.signals);
  const grades = pick(user.score?.grades, base.score?.grades);
  const qualifiedGrade = pick(user.score?.qualifiedGrade, base.score?.qualifiedGrade);
  const join = pick(user.join, base.join);

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
    },
    deals: {
      columns: columnsOf(DEAL_FIELDS, base.deals?.columns, own ? user.deals?.columns : undefined, 'deals.columns'),
      dateOrder: user.deals?.dateOrder ?? base.deals?.dateOrder ?? dateOrder,
      won: won.value,
      lost: lost.value,
      stages: dealStages,
    },
    join: { lead: join.value?.lead ?? 'id', deal: join.value?.deal ?? 'lead', user: join.user },
    channels: channels.value ?? [],
    stages,
    disqualified: disqualified.value,
    signals: signals.value ?? [],
    grades: gradeList,
    qualifiedGrade: qualified,
    alerts: (user.alerts ?? []).map((a) => ({ report: a.report, metric: a.metric, row: a.stage ?? a.row, below: a.below, above: a.above, minLeads: a.minLeads })),
    conditions,
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

function checkStages(stages: readonly Stage[], origin: string): void {
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

/**
 * The preset whose headers match the files best (SPEC §4.3): each preset scores one point per
 * field whose column it finds. The generic preset competes too, so lower-case files with a few
 * CRM-like names (email, stage, amount) stay generic; a CRM preset needs three fields at least.
 */
export function detectPreset(leadHeaders: readonly string[] | undefined, dealHeaders: readonly string[] | undefined): { preset: PresetName; score: number } {
  let best: PresetName = 'generic';
  let bestScore = 0;
  const leadSet = new Set((leadHeaders ?? []).map(headerKey));
  const dealSet = new Set((dealHeaders ?? []).map(headerKey));
  const scores = PRESET_NAMES.map((name) => {
    const p = presets[name];
    let score = 0;
    for (const ref of Object.values(p.leads?.columns ?? {})) if (refs(ref).some((h) => leadSet.has(headerKey(h)))) score++;
    for (const ref of Object.values(p.deals?.columns ?? {})) if (refs(ref).some((h) => dealSet.has(headerKey(h)))) score++;
    for (const s of p.stages ?? []) if (refs(s.reachedWhen?.date).some((h) => leadSet.has(headerKey(h)))) score++;
    return { name, score };
  });
  const generic = scores.find((s) => s.name === 'generic')!.score;
  for (const { name, score } of scores) {
    if (name !== 'generic' && score >= 3 && score > generic && score > bestScore) {
      best = name;
      bestScore = score;
    }
  }
  return { preset: best, score: best === 'generic' ? generic : bestScore };
}

function refs(ref: ColumnRef | undefined): string[] {
  return ref === undefined || ref === null ? [] : typeof ref === 'string' ? [ref] : ref;
}

/** Header matching is case- and space-insensitive and accepts the en-dash variant (SPEC §4.3). */
export function headerKey(header: string): string {
  return header.toLowerCase().replace(/[\u2013\u2014]/g, '-').replace(/[\s_]+/g, '');
}
