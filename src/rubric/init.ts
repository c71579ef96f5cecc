/**
 * `leadaudit init`: a commented leadaudit.yml for the exports at hand, written from their headers
 * AND their values, that `check` accepts and `audit` runs unedited. Columns are recognized by
 * header and kind of value (src/rubric/recognize.ts); deal stages, won and lost, lead stages,
 * disqualifying statuses and channels come from the values seen, each with its count; the join
 * is the key pair whose values overlap most. Every guess says its evidence in a comment; the
 * rules are docs/init.md.
 * Header text is only ever written as a quoted YAML scalar: a header is data, never syntax.
 * (Pure: the CLI reads the files and writes the result.)
 */
import { parseBoolean } from '../data/normalize.js';
import type { ColumnProfile } from '../data/profile.js';
import { DEAL_FIELDS, LEAD_FIELDS, type DealField, type LeadField, type PresetName } from './fields.js';
import { conditionFields as conditionFieldsOf } from './conditions.js';
import { presets } from './presets/index.js';
import { DEAL_RULES, LEAD_RULES, recognize, type Recognized } from './recognize.js';
import {
  CHANNEL_NAMES,
  CLOSED_FLAG,
  CONVERTED_FLAG,
  DATE_STAGES,
  DISQUALIFIED,
  FLAG_STAGES,
  KNOWN_PIPELINES,
  LOST_MARK,
  LOST_VALUE,
  NEW,
  SOURCE_VALUE,
  STATUS_STAGES,
  WON_FLAG,
  WON_MARK,
  WON_VALUE,
} from './vocabulary.js';
import { headerKey } from './resolve.js';
import type { ColumnRef, Condition, RubricInput } from './schema.js';
import { keyHolders, overlapWith, type JoinOverlap } from '../data/join.js';

export interface InitFile {
  readonly file: string;
  readonly profiles: readonly ColumnProfile[];
  /** Join-key candidates by column: each row's cell, trimmed ('' when empty or a missing-value token). */
  readonly keys: ReadonlyMap<string, readonly string[]>;
  /** Set when only this many first rows' keys were kept. */
  readonly keysCapped?: number;
  /** The file has no header row: these are the names init gave its columns (written as `header`). */
  readonly headerless?: { readonly names: readonly string[]; readonly why: string };
  /** Quotes escaped with a backslash (MySQL's INTO OUTFILE): written as `escape: backslash`. */
  readonly backslash?: boolean;
  /** A deal stage column and a probability column, row by row, to order stages by probability. */
  readonly stageProbability?: { readonly stage: string; readonly probability: string; readonly rows: readonly (readonly [string, number])[] };
}


export interface InitInput {
  readonly preset: PresetName;
  /** How the preset was chosen, for the first lines. */
  readonly presetWhy: string;
  readonly leads?: InitFile;
  readonly deals?: InitFile;
  /** YYYY-MM-DD, for the first line. */
  readonly today: string;
}

// ---------------------------------------------------------------- YAML pieces

/**
 * A value in YAML flow style, always on one line; every string double-quoted. (The yaml package's
 * own writer folds a string with a line break over several lines, which breaks out of a flow map
 * nested in a block list.)
 */
export function flow(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.map(flow).join(', ')} ]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${/^[A-Za-z_][\w]*$/.test(k) ? k : quoted(k)}: ${flow(v)}`).join(', ')} }`;
}

/**
 * A double-quoted YAML scalar on one line: JSON's escapes (valid in YAML's double quotes), plus
 * the characters YAML calls unprintable and those that look like line ends to people and editors.
 */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text from the data inside a comment: quoted, so a line break or `#` in it cannot end the comment. */
function said(text: string): string {
  return quoted(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

const refsOf = (ref: ColumnRef | undefined): string[] => (ref === undefined || ref === null ? [] : typeof ref === 'string' ? [ref] : ref);

/** Values (stage names, sources) compared loosely: `PAID_SEARCH` is `Paid Search`. Headers use headerKey. */
const canon = (value: string) => value.toLowerCase().replace(/[\s_\-–.]+/g, '');

// ---------------------------------------------------------------- the rubric, decided

/**
 * Whether a condition could hold on a file: its `eq` and `in` tests name a value some column
 * holds (case and spaces aside); other tests could hold anyway. `any` needs one branch, a map of
 * tests or `all` every one.
 */
export function namesSeenValues(when: Condition, column: (field: string) => ColumnProfile | undefined): boolean {
  return Object.entries(when).every(([key, value]) => {
    if (value === undefined) return true;
    if (key === 'any') return (value as Condition[]).some((c) => namesSeenValues(c, column));
    if (key === 'all') return (value as Condition[]).every((c) => namesSeenValues(c, column));
    if (key === 'not') return true;
    const test = value as { eq?: unknown; in?: unknown[] };
    const wanted = test.eq !== undefined ? [test.eq] : test.in;
    const profile = column(key);
    if (wanted === undefined || profile === undefined || typeof wanted[0] === 'boolean') return true;
    const seen = new Set(profile.values.map(([v]) => v.trim().toLowerCase()));
    return wanted.some((w) => seen.has(String(w).trim().toLowerCase()));
  });
}

/**
 * A preset's condition kept to what a file can answer: a test on a column the file lacks is
 * dropped; `any` keeps the branches left; a map of tests (all must hold) or `all` with a test
 * dropped is dropped whole. Undefined when nothing is left. (A rubric the user owns may not name
 * a missing column: `check` would refuse it.)
 */
export function pruneCondition(when: Condition, has: (field: string) => boolean): Condition | undefined {
  const out: Condition = {};
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'any') {
      const kept = (value as Condition[]).map((c) => pruneCondition(c, has)).filter((c): c is Condition => c !== undefined);
      if (kept.length === 0) return undefined;
      out.any = kept;
    } else if (key === 'all') {
      const kept = (value as Condition[]).map((c) => pruneCondition(c, has));
      if (kept.some((c) => c === undefined)) return undefined;
      out.all = kept as Condition[];
    } else if (key === 'not') {
      const kept = pruneCondition(value as Condition, has);
      if (kept === undefined) return undefined;
      out.not = kept;
    } else {
      if (!has(key)) return undefined;
      out[key] = value;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

interface Choice<T> {
  readonly value: T;
  readonly why: string;
}

interface Plan {
  leads?: Record<LeadField, Recognized>;
  deals?: Record<DealField, Recognized>;
  leadProfile: (name: string | undefined) => ColumnProfile | undefined;
  dealProfile: (name: string | undefined) => ColumnProfile | undefined;
}

function profileLookup(file: InitFile | undefined) {
  const byName = new Map((file?.profiles ?? []).map((p) => [p.name, p]));
  return (name: string | undefined) => (name === undefined ? undefined : byName.get(name));
}

function preferred<F extends string>(columns: Partial<Record<F, ColumnRef>> | undefined): Partial<Record<F, readonly string[]>> {
  const out: Partial<Record<F, readonly string[]>> = {};
  for (const [field, ref] of Object.entries(columns ?? {}) as [F, ColumnRef][]) out[field] = refsOf(ref);
  return out;
}

/** Values of a column with their counts, most common first. */
function valuesOf(profile: ColumnProfile | undefined): readonly (readonly [string, number])[] {
  return profile?.values ?? [];
}

/** A header that would read as rubric syntax as a condition's key (`all`, `any`, `not`): never used as one. */
export function usableAsKey(header: string): boolean {
  return !['all', 'any', 'not'].includes(header.trim().toLowerCase());
}

function dealOutcome(plan: Plan, deals: InitFile): { won?: Choice<unknown>; lost?: Choice<unknown>; open: readonly (readonly [string, number])[] } {
  const stage = plan.dealProfile(plan.deals!.stage.column);
  const stageValues = valuesOf(stage);
  const status = plan.dealProfile(plan.deals!.status.column);
  const flag = (pattern: RegExp) => deals.profiles.find((p) => p.kind === 'boolean' && pattern.test(p.name) && usableAsKey(p.name));
  const wonFlag = flag(WON_FLAG);
  const closedFlag = flag(CLOSED_FLAG);
  const wonValues = stageValues.filter(([v]) => WON_VALUE.test(v) && !LOST_VALUE.test(v));
  const lostValues = stageValues.filter(([v]) => LOST_VALUE.test(v) && !WON_VALUE.test(v));
  const open = stageValues.filter(([v]) => !wonValues.some(([w]) => w === v) && !lostValues.some(([l]) => l === v));
  const counted = (values: readonly (readonly [string, number])[]) => values.map(([v, n]) => `${said(v)} ${n}`).join(', ');

  // An outcome column (Pipedrive's `Deal - Status`, Close's `status_type`: open / won / lost)
  // says it best: the recognized status column, else another category column whose values are
  // mostly outcome words.
  const outcomeWords = (p: ColumnProfile) => p.values.reduce((n, [v, c]) => n + (WON_VALUE.test(v) || LOST_VALUE.test(v) || /^(open|active)$/i.test(v) ? c : 0), 0);
  const outcome =
    status ??
    deals.profiles.find((p) => p.kind === 'category' && p !== stage && usableAsKey(p.name) && p.values.some(([v]) => WON_VALUE.test(v)) && outcomeWords(p) >= p.filled * 0.9);
  const statusValues = valuesOf(outcome);
  const statusWon = statusValues.filter(([v]) => WON_VALUE.test(v) && !LOST_VALUE.test(v));
  const statusLost = statusValues.filter(([v]) => LOST_VALUE.test(v) && !WON_VALUE.test(v));
  if (outcome && statusWon.length > 0) {
    const field = outcome === status ? 'status' : outcome.name;
    return {
      won: { value: { [field]: { in: statusWon.map(([v]) => v) } }, why: `from ${said(outcome.name)}: ${counted(statusWon)}` },
      lost: statusLost.length > 0 ? { value: { [field]: { in: statusLost.map(([v]) => v) } }, why: `from ${said(outcome.name)}: ${counted(statusLost)}` } : undefined,
      open,
    };
  }
  // A won flag (`IsWon`, `Won`): won when ticked; lost when closed and not won, or by a lost stage.
  if (wonFlag) {
    const ticked = valuesOf(wonFlag).filter(([v]) => parseBoolean(v) === true).reduce((s, [, n]) => s + n, 0);
    const won = { value: { [wonFlag.name]: { eq: true } }, why: `${said(wonFlag.name)} is true on ${plural(ticked, 'deal')}` };
    if (closedFlag) {
      return { won, lost: { value: { [closedFlag.name]: { eq: true }, [wonFlag.name]: { eq: false } }, why: `closed (${said(closedFlag.name)}) and not won` }, open };
    }
    if (lostValues.length > 0) return { won, lost: { value: lostValues.map(([v]) => v), why: `stage values: ${counted(lostValues)}` }, open };
    return { won, open };
  }
  // A column only won deals fill (a won date), and one only lost deals fill (a lost date or reason).
  const wonMark = wonValues.length === 0 ? deals.profiles.find((p) => p.kind === 'date' && WON_MARK.test(p.name) && usableAsKey(p.name)) : undefined;
  const lostMark = lostValues.length === 0 ? deals.profiles.find((p) => p.kind !== 'empty' && LOST_MARK.test(p.name) && usableAsKey(p.name)) : undefined;
  const filled = (p: ColumnProfile) => `${said(p.name)} is filled on ${plural(p.filled, 'deal')}`;
  return {
    won: wonValues.length > 0 ? { value: wonValues.map(([v]) => v), why: `stage values: ${counted(wonValues)}` } : wonMark ? { value: { [wonMark.name]: { present: true } }, why: filled(wonMark) } : undefined,
    lost: lostValues.length > 0 ? { value: lostValues.map(([v]) => v), why: `stage values: ${counted(lostValues)}` } : lostMark ? { value: { [lostMark.name]: { present: true } }, why: filled(lostMark) } : undefined,
    open,
  };
}

/** The open deal stages in pipeline order, and how the order was found. */
function pipelineOrder(open: readonly (readonly [string, number])[], deals: InitFile, stageColumn: string | undefined): { stages: string[]; why: string } {
  const values = open.map(([v]) => v);
  if (values.length === 0) return { stages: [], why: 'no open stage values' };
  // The known pipeline that names the most of these stages, when it names half of them.
  const known = KNOWN_PIPELINES.map((list) => ({ keys: list.map(canon), hits: values.filter((v) => list.some((k) => canon(k) === canon(v))) })).sort((a, b) => b.hits.length - a.hits.length)[0]!;
  if (known.hits.length >= Math.max(2, Math.ceil(values.length / 2))) {
    const rest = values.filter((v) => !known.keys.includes(canon(v)));
    const ordered = [...known.hits].sort((a, b) => known.keys.indexOf(canon(a)) - known.keys.indexOf(canon(b)));
    return {
      stages: [...ordered, ...rest],
      why: `the CRM's default pipeline order${rest.length > 0 ? `; ${rest.length} stage${rest.length === 1 ? '' : 's'} not in it placed last, by count (review)` : ''}`,
    };
  }
  // A probability column orders stages by their average probability.
  const sp = deals.stageProbability;
  if (sp && sp.stage === stageColumn) {
    const sums = new Map<string, { sum: number; n: number }>();
    for (const [stage, p] of sp.rows) {
      const s = sums.get(stage) ?? { sum: 0, n: 0 };
      s.sum += p;
      s.n++;
      sums.set(stage, s);
    }
    const mean = (v: string) => {
      const s = sums.get(v);
      return s === undefined ? Infinity : s.sum / s.n;
    };
    if (values.some((v) => Number.isFinite(mean(v)))) {
      return { stages: [...values].sort((a, b) => mean(a) - mean(b)), why: `ordered by the average of ${said(sp.probability)} per stage (review)` };
    }
  }
  // By number of deals, spellings of one stage counted together.
  const total = new Map<string, number>();
  for (const [v, n] of open) total.set(v.trim().toLowerCase(), (total.get(v.trim().toLowerCase()) ?? 0) + n);
  const byCount = [...values].sort((a, b) => total.get(b.trim().toLowerCase())! - total.get(a.trim().toLowerCase())!);
  return { stages: byCount, why: 'no known pipeline and no probability column: ordered by number of deals, most first (review: put them in pipeline order)' };
}

interface StagePlan {
  readonly key: string;
  readonly label: string;
  readonly side: 'marketing' | 'sales';
  readonly stallAfterDays?: number;
  readonly reachedWhen?: { date?: string; status?: string[]; deal?: 'any' | 'won'; when?: Condition };
  readonly why: string[];
}

const STAGE_LABELS: Record<string, string> = { lead: 'Lead', mql: 'MQL', sql: 'SQL', opportunity: 'Opportunity', won: 'Won', converted: 'Converted' };
const STALL_DAYS: Record<string, number> = { lead: 30, mql: 14, sql: 7, opportunity: 30 };

function leadStages(plan: Plan, leads: InitFile | undefined, hasDeals: boolean, preset: RubricInput, has: (field: string) => boolean): { stages: StagePlan[]; disqualified?: Choice<Condition> } {
  const found = new Map<string, { status: string[]; counts: string[]; date?: string; when?: Condition; deal?: 'any' | 'won'; why: string[] }>();
  const at = (key: string) => {
    let s = found.get(key);
    if (!s) found.set(key, (s = { status: [], counts: [], why: [] }));
    return s;
  };
  let disqualified: Choice<Condition> | undefined;
  if (leads) {
    const status = plan.leadProfile(plan.leads!.status.column);
    const disqualifying: { column: string; values: (readonly [string, number])[] }[] = [];
    for (const [value, n] of valuesOf(status)) {
      if (DISQUALIFIED.test(value)) {
        (disqualifying[0] ??= { column: 'status', values: [] }).values.push([value, n]);
        continue;
      }
      if (NEW.test(value)) continue;
      const stage = STATUS_STAGES.find((s) => s.pattern.test(value));
      if (!stage) continue;
      const s = at(stage.key);
      s.status.push(value);
      s.counts.push(`${said(value)} ${n}`);
    }
    // A second status-like column (HubSpot's Lead Status beside Lifecycle Stage) can disqualify.
    for (const other of leads.profiles) {
      if (other === status || other.kind !== 'category' || !/status/i.test(other.name) || !usableAsKey(other.name)) continue;
      const values = other.values.filter(([v]) => DISQUALIFIED.test(v));
      if (values.length > 0) disqualifying.push({ column: other.name, values: [...values] });
    }
    if (disqualifying.length > 0) {
      const parts = disqualifying.map((d) => ({ [d.column]: { in: d.values.map(([v]) => v) } }));
      disqualified = {
        value: parts.length === 1 ? parts[0]! : { any: parts },
        why: disqualifying.map((d) => `${d.column === 'status' ? said(status!.name) : said(d.column)}: ${d.values.map(([v, n]) => `${said(v)} ${n}`).join(', ')}`).join('; '),
      };
    }
    for (const p of leads.profiles) {
      if (p.kind !== 'date') continue;
      const stage = DATE_STAGES.find((s) => s.pattern.test(p.name));
      if (!stage) continue;
      const s = at(stage.key);
      if (s.date === undefined) {
        s.date = p.name;
        s.why.push(`${plural(p.filled, 'lead')} have ${said(p.name)}`);
      }
    }
    const ticked = (p: ColumnProfile) => p.values.filter(([v]) => parseBoolean(v) === true).reduce((sum, [, n]) => sum + n, 0);
    const flag = leads.profiles.find((p) => p.kind === 'boolean' && CONVERTED_FLAG.test(p.name) && usableAsKey(p.name));
    if (flag) {
      // With deals, conversion is the opportunity; alone, it is the furthest a lead can be seen to go.
      const s = at(hasDeals ? 'opportunity' : 'converted');
      s.when = { [flag.name]: { eq: true } };
      s.why.push(`${said(flag.name)} is true on ${plural(ticked(flag), 'lead')}`);
    }
    // Other ticked boxes that mark a step: `Hand Raiser`, `MQL`, `Demo Booked`.
    for (const p of leads.profiles) {
      const stage = p.kind === 'boolean' && usableAsKey(p.name) ? FLAG_STAGES.find((f) => f.pattern.test(p.name)) : undefined;
      if (!stage || found.get(stage.key)?.when !== undefined) continue;
      const s = at(stage.key);
      s.when = { [p.name]: { eq: true } };
      s.why.push(`${said(p.name)} is true on ${plural(ticked(p), 'lead')}`);
    }
  }
  // With deals, the won stage stays even when nothing in them looks won: without it the last stage
  // (any deal) would count as a win. The run then warns that no deal is won.
  if (hasDeals) {
    at('opportunity').deal = 'any';
    at('opportunity').why.push('a joined deal');
    at('won').deal = 'won';
    at('won').why.push('a joined deal is won');
  }
  if (preset.stages && preset !== presets.generic) {
    const stages = presetStages(preset.stages, found, valuesOf(plan.leadProfile(plan.leads?.status.column)), hasDeals, leads, has);
    // A funnel of one stage has no win to count: keep a won stage for deals to reach, which the run
    // names as unreachable, so win rates read "not judged", not 0% (as for the generic path below).
    if (stages.length === 1) stages.push({ key: 'won', label: 'Won', side: 'sales', reachedWhen: { deal: 'won' }, why: ['no column of the leads file shows a win: win rates are not judged; give the deals export too'] });
    return { stages, disqualified: presetDisqualified(preset, has) ?? disqualified };
  }
  // Leads alone: a status that says converted is conversion, as a Converted flag is.
  if (!hasDeals && !found.has('converted') && found.get('opportunity')?.status.some((v) => /convert/i.test(v))) {
    found.set('converted', found.get('opportunity')!);
    found.delete('opportunity');
  }
  // Leads alone: conversion and customer statuses are as far as the data goes; they are the last stage.
  if (!hasDeals && found.has('converted')) {
    const converted = found.get('converted')!;
    for (const key of ['opportunity', 'won']) {
      const same = found.get(key);
      if (!same) continue;
      converted.why.push(...same.why);
      converted.status.push(...same.status);
      converted.counts.push(...same.counts);
      converted.date ??= same.date;
      found.delete(key);
    }
  }
  // Leads alone with nothing that shows a win: the won stage stays, reached by a deal, so the run
  // names it as unreachable and judges no win rate (docs/verdicts.md), instead of calling the
  // furthest step a win.
  if (!hasDeals && !found.has('converted') && !found.has('won')) {
    const won = at('won');
    won.deal = 'won';
    won.why.push('no column of the leads file shows a win: win rates are not judged; give the deals export too');
  }
  const order = ['mql', 'sql', 'opportunity', 'converted', 'won'];
  const stages: StagePlan[] = [{ key: 'lead', label: 'Lead', side: 'marketing', stallAfterDays: 30, why: ['every lead, on its created date'] }];
  const keys = order.filter((k) => found.has(k));
  const firstSales = keys.find((k) => k !== 'mql');
  for (const key of keys) {
    const s = found.get(key)!;
    const last = key === keys[keys.length - 1];
    const reachedWhen: StagePlan['reachedWhen'] = {
      ...(s.date !== undefined ? { date: s.date } : {}),
      ...(s.status.length > 0 ? { status: s.status } : {}),
      ...(s.deal !== undefined ? { deal: s.deal } : {}),
      ...(s.when !== undefined ? { when: s.when } : {}),
    };
    if (s.counts.length > 0) s.why.unshift(`status ${s.counts.join(', ')}`);
    stages.push({
      key,
      label: STAGE_LABELS[key]!,
      side: key === 'mql' || (firstSales === undefined && !last) ? 'marketing' : 'sales',
      ...(last ? {} : { stallAfterDays: STALL_DAYS[key] ?? 30 }),
      reachedWhen,
      why: s.why,
    });
  }
  return { stages, disqualified };
}

type Found = Map<string, { status: string[]; counts: string[]; date?: string; when?: Condition; deal?: 'any' | 'won'; why: string[] }>;

/**
 * A CRM preset's funnel, kept to what these files can show: its date columns that exist, its
 * statuses plus the ones seen in the data that mean the same stage, deals only with a deals file,
 * conditions only on columns present. A stage nothing can reach any more is left out.
 */
function presetStages(
  stages: NonNullable<RubricInput['stages']>,
  found: Found,
  statusValues: readonly (readonly [string, number])[],
  hasDeals: boolean,
  leads: InitFile | undefined,
  has: (field: string) => boolean,
): StagePlan[] {
  const out: StagePlan[] = [];
  const taken = new Set(stages.flatMap((s) => (s.reachedWhen?.status ?? []).map((v) => String(v).toLowerCase())));
  const seenLower = new Set(statusValues.map(([v]) => v.toLowerCase()));
  const counts = new Map(statusValues);
  stages.forEach((s, i) => {
    const why: string[] = [];
    const r = s.reachedWhen;
    const date = refsOf(r?.date).map((d) => leads?.profiles.find((p) => headerKey(p.name) === headerKey(d))?.name).find((d) => d !== undefined);
    if (date !== undefined) why.push(`${said(date)}`);
    const presetStatuses = (r?.status ?? []).map(String);
    // The data's own statuses for this stage join only when the export uses none of the preset's.
    const seen = presetStatuses.filter((v) => seenLower.has(v.toLowerCase()));
    const extra = seen.length > 0 ? [] : (found.get(s.key)?.status ?? []).filter((v) => !taken.has(v.toLowerCase()));
    const status = [...presetStatuses, ...extra];
    const shown = [...seen, ...extra].filter((v) => counts.has(v));
    if (shown.length > 0) why.push(`status ${shown.map((v) => `${said(v)} ${counts.get(v)}`).join(', ')}`);
    const deal = hasDeals ? r?.deal : undefined;
    if (deal !== undefined) why.push(deal === 'won' ? 'a joined deal is won' : 'a joined deal');
    const when = r?.when ? pruneCondition(r.when, has) : undefined;
    if (when !== undefined) why.push('a condition on the lead');
    const reachedWhen = { ...(date !== undefined ? { date } : {}), ...(status.length > 0 ? { status } : {}), ...(deal !== undefined ? { deal } : {}), ...(when !== undefined ? { when } : {}) };
    if (i > 0 && Object.keys(reachedWhen).length === 0) return;
    if (i > 0 && why.length === 0) why.push("the preset's statuses; none is in this file, so only a later stage implies this one");
    out.push({ key: s.key, label: s.label ?? s.key, side: s.side, ...(s.stallAfterDays !== undefined ? { stallAfterDays: s.stallAfterDays } : {}), ...(i > 0 ? { reachedWhen } : {}), why: i === 0 ? ['every lead, on its created date'] : why });
  });
  return out;
}

function presetDisqualified(preset: RubricInput, has: (field: string) => boolean): Choice<Condition> | undefined {
  const kept = preset.disqualified ? pruneCondition(preset.disqualified, has) : undefined;
  return kept ? { value: kept, why: "the preset's rule" } : undefined;
}

/** Channels from the source column's values: one rule per value, spellings of one name together. */
function channels(plan: Plan): { rules: { name: string; values: string[]; leads: number }[]; rest: (readonly [string, number])[]; column?: string } {
  const source = plan.leadProfile(plan.leads?.source.column);
  if (!source) return { rules: [], rest: [] };
  const groups = new Map<string, { name: string; values: string[]; leads: number }>();
  for (const [value, n] of source.values) {
    const key = canon(value);
    const g = groups.get(key);
    if (g) {
      g.values.push(value);
      g.leads += n;
    } else {
      groups.set(key, { name: (/^[A-Z_]+$/.test(value) ? CHANNEL_NAMES[key] : undefined) ?? value, values: [value], leads: n });
    }
  }
  const all = [...groups.values()].sort((a, b) => b.leads - a.leads);
  const MAX = 40;
  const rest = all.slice(MAX).flatMap((g) => g.values.map((v) => [v, 0] as const));
  return { rules: all.slice(0, MAX), rest, column: source.name };
}

/** Fit signals from columns most CRMs have; each only when its column is there. */
function signals(plan: Plan, leads: InitFile | undefined): { name: string; points: number; when: Condition; why: string }[] {
  if (!leads) return [];
  const out: { name: string; points: number; when: Condition; why: string }[] = [];
  const find = (pattern: RegExp, kinds: readonly string[]) => leads.profiles.find((p) => pattern.test(p.name) && kinds.includes(p.kind));
  const title = find(/^(job.?)?title$|^designation$|^position$|^job.?role$/i, ['text', 'category']);
  if (title) {
    out.push({ name: 'Decision maker', points: 20, when: { [title.name]: { matches: '\\b(vp|vice president|director|head|chief|founder|owner|ceo|cto|cmo|coo|cfo|president|partner)\\b' } }, why: `titles in ${said(title.name)}` });
  }
  const employees = find(/employees|company.?size|headcount|noofemployees/i, ['number', 'category']);
  if (employees && employees.kind === 'number') out.push({ name: 'Company 50+', points: 15, when: { [employees.name]: { gte: 50 } }, why: `head count in ${said(employees.name)}` });
  const rating = find(/^rating$|^lead.?rating$/i, ['category']);
  if (rating && rating.values.some(([v]) => /^hot$/i.test(v))) out.push({ name: 'Hot rating', points: 10, when: { [rating.name]: { eq: 'Hot' } }, why: `${said(rating.name)} holds "Hot"` });
  const forms = find(/form.?submissions|num_conversion_events|conversion.?events/i, ['number']);
  if (forms) out.push({ name: 'Repeat converter', points: 10, when: { [forms.name]: { gte: 2 } }, why: `${said(forms.name)}` });
  if (plan.leads?.email.column !== undefined) out.push({ name: 'Free email', points: -15, when: { email: { matches: '@(gmail|yahoo|hotmail|outlook|aol|icloud)\\.' } }, why: 'personal email domains' });
  return out;
}

function grades(sigs: readonly { points: number }[]): { grades: Record<string, number>; qualified: string } {
  const max = sigs.reduce((s, x) => s + Math.max(0, x.points), 0);
  if (max === 0) return { grades: { A: 0 }, qualified: 'A' };
  const a = Math.max(2, Math.round(max * 0.6));
  const b = Math.max(1, Math.min(a - 1, Math.round(max * 0.3)));
  return { grades: { A: a, B: b, C: 0 }, qualified: 'B' };
}

// ---------------------------------------------------------------- the join

export interface JoinPair extends JoinOverlap {
  readonly lead: string;
  readonly deal: string;
  /** Leads a matched deal reaches, on average: a handful for a real link, dozens for a coincidence. */
  readonly leadsPerDeal: number;
  /** Both columns hold ids or emails, not names. */
  readonly keyLike: boolean;
}

/**
 * How well each candidate lead column's keys meet each deal column's, measured as the join reads
 * keys (data/join.ts, joinOverlap). In the lead id column a repeated id is a duplicate row,
 * rejected when read, so only its first row holds the key. A lead column with fewer distinct
 * values than a tenth of its filled rows (owners, teams, regions) links nothing and is not offered.
 */
export function joinPairs(leads: InitFile, deals: InitFile, leadIdColumn?: string): JoinPair[] {
  const pairs: JoinPair[] = [];
  const keyLike = (file: InitFile, column: string) => file.profiles.find((p) => p.name === column)?.keyLike ?? false;
  for (const [leadColumn, cells] of leads.keys) {
    const distinct = new Set(cells.filter((c) => c !== ''));
    const filled = cells.filter((c) => c !== '').length;
    if (filled === 0 || distinct.size < filled / 10) continue;
    const seen = new Set<string>();
    const held = keyHolders(leadColumn !== leadIdColumn ? cells : cells.map((c) => (seen.has(c) ? '' : (seen.add(c), c))));
    for (const [dealColumn, dealCells] of deals.keys) {
      const overlap = overlapWith(held, dealCells);
      pairs.push({ ...overlap, lead: leadColumn, deal: dealColumn, leadsPerDeal: overlap.matched === 0 ? 0 : overlap.reached / overlap.matched, keyLike: keyLike(leads, leadColumn) && keyLike(deals, dealColumn) });
    }
  }
  return pairs.sort((a, b) => b.matched - a.matched || a.shared - b.shared);
}

/** Lead and deal columns worth measuring as join keys: ids, emails, and anything naming a link. */
export function keyCandidates(side: 'leads' | 'deals', names: readonly string[], headerless = false): string[] {
  if (headerless) return names.slice(0, 24);
  const link = side === 'leads' ? /id$|^id|email|account|opportunit|deal|convert|contact|company|^vid$|number|_no$/i : /id$|ids$|^id|email|account|contact|lead|person|related|^vid$|number|_no$|name$/i;
  return names.filter((n) => link.test(n.replace(/\s+/g, ''))).slice(0, 10);
}

// ---------------------------------------------------------------- files without a header row


/**
 * Names for the columns of a file without a header row, from their values: the field a column
 * holds where its values leave no doubt (an id, an email, dates, a stage with won and lost
 * values, statuses, sources, an amount), `column_N` for the rest. The names are the generic
 * preset's, so the rubric maps them like any header.
 */
export function nameHeaderless(side: 'leads' | 'deals', profiles: readonly ColumnProfile[]): string[] {
  const names = profiles.map((p) => `column_${p.index + 1}`);
  const taken = new Set<number>();
  const give = (name: string, p: ColumnProfile | undefined) => {
    if (!p || taken.has(p.index)) return;
    taken.add(p.index);
    names[p.index] = name;
  };
  const share = (p: ColumnProfile, pattern: RegExp) => p.values.reduce((n, [v, c]) => n + (pattern.test(v) ? c : 0), 0) / Math.max(1, p.filled);
  const best = (candidates: ColumnProfile[], score: (p: ColumnProfile) => number, floor: number) =>
    candidates.map((p) => ({ p, s: score(p) })).filter((x) => x.s >= floor).sort((a, b) => b.s - a.s || a.p.index - b.p.index)[0]?.p;
  const free = () => profiles.filter((p) => !taken.has(p.index));
  give('id', free().find((p) => p.kind === 'id'));
  give('email', free().find((p) => p.kind === 'email'));
  const dates = free().filter((p) => p.kind === 'date');
  const median = (p: ColumnProfile) => {
    const days = p.values.map(([v]) => v).sort();
    return days[days.length >> 1] ?? '';
  };
  if (side === 'leads') {
    give('created', dates[0]);
    const categories = () => free().filter((p) => p.kind === 'category');
    give('status', best(categories(), (p) => share(p, DISQUALIFIED) + STATUS_STAGES.reduce((n, st) => n + share(p, st.pattern), 0) + share(p, NEW), 0.3));
    give('source', best(categories(), (p) => share(p, SOURCE_VALUE), 0.3));
  } else {
    // Created comes before closed, as a rule: the earlier column is the created date.
    const [created, closed] = [...dates.slice(0, 2)].sort((a, b) => (median(a) < median(b) ? -1 : 1));
    give('created', created);
    give('close_date', closed);
    give('stage', best(free().filter((p) => p.kind === 'category'), (p) => share(p, WON_VALUE) + share(p, LOST_VALUE), 0.1));
    // The amount: numbers with the widest range (a probability stays within 0–100).
    const numbers = free().filter((p) => p.kind === 'number' && p.values.length > 2);
    give('amount', best(numbers, (p) => Math.max(...p.values.map(([v]) => Math.abs(parseFloat(v.replace(/[^\d.-]/g, ''))) || 0)), 101));
  }
  return names;
}

// ---------------------------------------------------------------- writing

export function initRubric(input: InitInput): string {
  const preset = presets[input.preset];
  const plan: Plan = {
    leads: input.leads ? recognize(LEAD_RULES, input.leads.profiles, preferred(preset.leads?.columns)) : undefined,
    deals: input.deals ? recognize(DEAL_RULES, input.deals.profiles, preferred(preset.deals?.columns)) : undefined,
    leadProfile: profileLookup(input.leads),
    dealProfile: profileLookup(input.deals),
  };
  const lines: string[] = [];
  const files = [input.leads?.file, input.deals?.file].filter((f) => f !== undefined).map((f) => said(f));
  lines.push(
    `# leadaudit rubric, written by \`leadaudit init\` from ${files.join(' and ')} on ${input.today},`,
    '# from their headers and values. Each guess says its evidence; review the ones marked "review".',
    `# It starts from the ${input.preset} preset (${input.presetWhy}); what is set here overrides it.`,
    '# Every key is described by `leadaudit schema`; check your edits with `leadaudit check`.',
    'version: 1',
    `preset: ${input.preset}`,
  );
  // Every column a rule below names, by side (headerKey): the rest are listed as candidates at the end.
  const used = { leads: new Set<string>(), deals: new Set<string>() };
  const use = (side: 'leads' | 'deals', ...names: (string | undefined)[]) => names.forEach((n) => n !== undefined && used[side].add(headerKey(n)));
  const useIn = (side: 'leads' | 'deals', rule: unknown) => rule !== undefined && !Array.isArray(rule) && use(side, ...conditionFieldsOf(rule as Condition));
  const order = dateOrder([input.leads, input.deals]);
  if (order) lines.push(`dateOrder: ${order.value}   # ${order.why}`);
  lines.push('');

  const columnLines = (side: 'leads' | 'deals', file: InitFile | undefined, fields: readonly string[], found: Record<string, Recognized> | undefined, presetColumns: Record<string, ColumnRef | undefined>) => {
    if (!file || !found) return [`    {}   # no ${side} file was given`];
    const out: string[] = [];
    for (const field of fields) {
      const r = found[field]!;
      const also = r.runnersUp.length > 0 ? `; also: ${r.runnersUp.slice(0, 3).map((c) => said(c.column)).join(', ')}` : '';
      if (r.column !== undefined) {
        use(side, r.column);
        out.push(`    ${field}: ${flow(r.column)}   # ${r.why}${also}`);
        continue;
      }
      // A preset name present in the file that recognition turned down must be unmapped here,
      // or the preset would map it (a TRUE/FALSE `Closed` column is no close date).
      const presetHit = refsOf(presetColumns[field]).some((n) => file.profiles.some((p) => headerKey(p.name) === headerKey(n)));
      if (presetHit) out.push(`    ${field}: null   # ${r.why}`);
      else out.push(`    # ${field}: not found (${r.why})`);
    }
    // Only comments under `columns:` would read as null: say it is empty.
    return out.some((l) => !l.trimStart().startsWith('#')) ? out : ['    {}', ...out];
  };
  lines.push(
    '# Where each field is in your leads export, found by header and by the kind of values',
    '# (dates, numbers, true/false, ids, emails, categories). `null` unmaps a field.',
    'leads:',
    ...shapeLines(input.leads),
    '  columns:',
    ...columnLines('leads', input.leads, LEAD_FIELDS, plan.leads, (preset.leads?.columns ?? {}) as Record<string, ColumnRef | undefined>),
    '',
    '# Where each field is in your deals export, what counts as won and lost, and the pipeline.',
    'deals:',
    ...shapeLines(input.deals),
    '  columns:',
    ...columnLines('deals', input.deals, DEAL_FIELDS, plan.deals, (preset.deals?.columns ?? {}) as Record<string, ColumnRef | undefined>),
  );

  // Deals: outcome and pipeline from the stage values seen.
  if (input.deals && plan.deals) {
    const [dealsFile, dealFields] = [input.deals, plan.deals];
    const dealColumn = (field: string) =>
      plan.dealProfile(field in dealFields ? dealFields[field as DealField].column : undefined) ?? dealsFile.profiles.find((p) => headerKey(p.name) === headerKey(field));
    const hasDealField = (field: string): boolean => dealColumn(field) !== undefined;
    const presetRule = (rule: unknown) => {
      if (input.preset === 'generic' || rule === undefined || Array.isArray(rule)) return undefined;
      const kept = pruneCondition(rule as Condition, hasDealField);
      // A rule that names no value the file holds (`Won` where a German export says `Gewonnen`) is not this file's.
      return kept !== undefined && namesSeenValues(kept, dealColumn) ? kept : undefined;
    };
    const [presetWon, presetLost] = [presetRule(preset.deals?.won), presetRule(preset.deals?.lost)];
    const data = dealOutcome(plan, input.deals);
    // A CRM preset's condition (Pipedrive's status, with a lost reason when it is empty) knows the export best.
    const outcome = presetWon ? { ...data, won: { value: presetWon, why: "the preset's rule" }, ...(presetLost ? { lost: { value: presetLost, why: "the preset's rule" } } : {}) } : data;
    lines.push('  # What counts as won and lost: deal stage values, or a condition on the deal. Anything else is open.');
    useIn('deals', outcome.won?.value);
    useIn('deals', outcome.lost?.value);
    if (outcome.won) lines.push(`  won: ${flow(outcome.won.value)}   # ${outcome.won.why}`);
    else {
      const seen = valuesOf(plan.dealProfile(plan.deals.stage.column)).slice(0, 8).map(([v, n]) => `${said(v)} ${n}`).join(', ') || 'no stage column';
      lines.push(`  # No stage value or column looks won (seen: ${seen}): no deal is won until you name the won stages here.`, '  won: { any: [] }');
    }
    if (outcome.lost) lines.push(`  lost: ${flow(outcome.lost.value)}   # ${outcome.lost.why}`);
    else lines.push('  # No stage value or column looks lost: no deal is lost until you name the lost stages here.', '  lost: { any: [] }');
    const pipeline = pipelineOrder(outcome.open, input.deals, plan.deals.stage.column);
    const counts = new Map(outcome.open);
    lines.push(`  # The open stages of the pipeline, in order: ${pipeline.why}.`, '  # stallAfterDays: how long an open deal may sit in a stage (a guess: tune it).');
    if (pipeline.stages.length === 0) lines.push('  stages: []');
    else {
      lines.push('  stages:');
      const written = new Set<string>();
      for (const value of pipeline.stages.slice(0, 40)) {
        if (written.has(value)) continue;
        // A stage the preset knows keeps its label, threshold and entered-date column, and takes
        // every spelling of it seen (`appointmentscheduled` and `Appointment Scheduled`).
        const known = input.preset === 'generic' ? undefined : preset.deals?.stages?.find((d) => refsOf(d.value).some((v) => canon(v) === canon(value)));
        // Spellings the engine reads as one stage (case and spaces aside) are one stage here too.
        const same = (v: string) => v.trim().toLowerCase() === value.trim().toLowerCase();
        const values = known ? pipeline.stages.filter((v) => refsOf(known.value).some((k) => canon(k) === canon(v))) : pipeline.stages.filter(same);
        values.forEach((v) => written.add(v));
        const entered = refsOf(known?.enteredDate).map((d) => input.deals!.profiles.find((p) => headerKey(p.name) === headerKey(d))?.name).find((d) => d !== undefined);
        const stage = { value: values.length === 1 ? value : values, ...(known?.label ? { label: known.label } : {}), stallAfterDays: known?.stallAfterDays ?? 14, ...(entered ? { enteredDate: entered } : {}) };
        use('deals', entered);
        lines.push(`    - ${flow(stage)}   # ${plural(values.reduce((sum, v) => sum + (counts.get(v) ?? 0), 0), 'deal')}`);
      }
      if (pipeline.stages.length > 40) lines.push(`  # and ${pipeline.stages.length - 40} rarer stage values, left out of the pipeline table`);
    }
  } else {
    lines.push('  stages: []   # no deals file: no pipeline');
  }
  lines.push('');

  // The join: the pair of key columns whose values meet most.
  if (input.leads && input.deals && plan.leads && plan.deals) {
    // Owners link nothing (their ids overlap completely), nor do the two files' own ids.
    const owners = new Set([plan.leads.owner.column, plan.deals.owner.column]);
    // On a tie, the link the fields name (lead id or email = the deal's lead or lead email) wins.
    const named = (p: JoinPair) => [plan.leads!.id.column, plan.leads!.email.column].includes(p.lead) && [plan.deals!.lead.column, plan.deals!.leadEmail.column].includes(p.deal);
    const pairs = joinPairs(input.leads, input.deals, plan.leads.id.column)
      .filter((p) => !owners.has(p.lead) && !owners.has(p.deal) && !(p.lead === plan.leads!.id.column && p.deal === plan.deals!.id.column))
      .sort((a, b) => b.matched - a.matched || Number(named(b)) - Number(named(a)) || a.shared - b.shared);
    // A link by id (a converted opportunity's or account's id) beats one by name (company =
    // account name), which also credits every lead of the company that never converted — when
    // it links a fair share of the deals.
    const byId = pairs.find((p) => p.keyLike && p.matched > 0 && p.matched >= p.deals / 5 && p.leadsPerDeal <= 10);
    const best = byId ?? pairs[0];
    lines.push('# How deals attach to leads: a deal belongs to the lead whose `lead` key equals its `deal` key', '# (trimmed; emails lower-cased; a cell may hold several keys separated by ; or, between ids, by ,).');
    if (best && best.matched > 0) {
      const name = (side: 'leads' | 'deals', column: string) => {
        const found = (side === 'leads' ? plan.leads : plan.deals) as Record<string, Recognized>;
        const field = Object.keys(found).find((f) => found[f]!.column === column && ['id', 'email', 'lead', 'leadEmail'].includes(f));
        return field ?? column;
      };
      // Several leads holding one key is the account case: each is credited. Contacts on one deal
      // (several leads holding the deal's own id, or a deal naming several leads in its cell) go
      // to the first, as the join does by default, whichever file holds the association.
      // A key a few leads share by accident (one email on two rows) does not make it an account join.
      const accountJoin = best.sharedKey >= Math.max(2, best.matched / 20) && best.deal !== plan.deals.id.column && best.lead !== plan.leads.email.column;
      const shared = accountJoin ? 'all' : 'first';
      lines.push(
        `# Measured: ${plural(best.matched, 'deal')} of ${best.deals.toLocaleString('en-US')} (${percent(best.matched, best.deals)}) match a lead by ${said(best.lead)} = ${said(best.deal)}${best.deals > best.keyed ? `; ${plural(best.deals - best.keyed, 'deal')} have no key there` : ''}.`,
        ...[input.leads, input.deals]
          .filter((f) => f?.keysCapped !== undefined)
          .map((f) => `# (Measured on the first ${f!.keysCapped!.toLocaleString('en-US')} rows of ${said(f!.file)}; \`leadaudit check\` counts the whole join.)`),
        ...pairs
          .filter((p) => p !== best && p.matched > 0)
          .slice(0, 3)
          .map((p) => `#   runner-up: ${said(p.lead)} = ${said(p.deal)}: ${plural(p.matched, 'deal')} of ${p.deals.toLocaleString('en-US')}${p.keyLike ? '' : ' (by name, not id)'}`),
      );
      if (best.shared > 0) {
        lines.push(
          `# ${plural(best.shared, 'deal')} match several leads (${best.sharedKey === best.shared ? 'each by a key several leads hold, such as an account' : best.sharedKey === 0 ? 'each by naming several leads in one cell' : `${best.sharedKey} by a key several leads hold, such as an account; ${best.shared - best.sharedKey} by naming several leads in one cell`}; ${best.leadsPerDeal.toFixed(1)} leads a deal on average).`,
          '# shared: all credits each of those leads with the deal (its amount split evenly among them);',
          '# shared: first credits only the first lead in file order.',
        );
      }
      use('leads', best.lead);
      use('deals', best.deal);
      lines.push(`join: ${flow({ lead: name('leads', best.lead), deal: name('deals', best.deal), ...(best.shared > 0 ? { shared } : {}) })}`);
    } else {
      const tried = pairs.slice(0, 3).map((p) => `${said(p.lead)} = ${said(p.deal)}`).join(', ');
      lines.push(`# No pair of columns links the files: no deal's key matches a lead${tried ? ` (tried ${tried})` : ''}.`, '# Deals then count in totals and as (unattributed); add the link column to an export and name it here.', `join: ${flow(preset.join ?? { lead: 'id', deal: 'lead' })}`);
    }
    lines.push('');
  }

  // Channels.
  const ch = channels(plan);
  lines.push('# Channels group raw source values; the first rule that matches wins, and a lead matching none', '# keeps its raw source as its channel. Rename or merge them freely.');
  if (ch.rules.length === 0) lines.push(`channels: []   # ${input.leads ? 'no source column found' : 'no leads file'}`);
  else {
    lines.push(`channels:   # from ${said(ch.column!)}: leads per value`);
    for (const r of ch.rules) lines.push(`  - ${flow({ name: r.name, when: { source: { in: r.values } } })}   # ${plural(r.leads, 'lead')}`);
    if (ch.rest.length > 0) lines.push(`# ${ch.rest.length} rarer values keep their raw source as channel.`);
  }
  lines.push('');

  // Lead stages.
  const hasLeadField = (field: string): boolean =>
    input.leads !== undefined &&
    ((field in (plan.leads ?? {}) && plan.leads![field as LeadField].column !== undefined) || field === 'channel' || input.leads.profiles.some((p) => headerKey(p.name) === headerKey(field)));
  const { stages, disqualified } = leadStages(plan, input.leads, input.deals !== undefined, preset, hasLeadField);
  lines.push(
    '# The funnel, in order. Each stage is marketing or sales (the first sales stage is the handoff);',
    '# a lead reaches a stage by a date column, its current status, a deal, or a condition, and reaching',
    '# a later stage implies the earlier ones. An open lead idle longer than stallAfterDays is stalled.',
  );
  if (!input.deals) lines.push('# Leads only: no stage is reached by a deal; the last stage is as far as the leads file shows.');
  lines.push('stages:');
  for (const s of stages) {
    const { why, ...stage } = s;
    use('leads', stage.reachedWhen?.date);
    useIn('leads', stage.reachedWhen?.when);
    lines.push(`  - ${flow(stage)}   # ${why.join('; ')}`);
  }
  lines.push('');
  useIn('leads', disqualified?.value);
  if (disqualified) lines.push('# A lead matching this is lost, whatever its deals.', `disqualified: ${flow(disqualified.value)}   # ${disqualified.why}`, '');
  else if (preset.disqualified) lines.push('# No status value looks disqualified; the preset\'s rule is turned off.', 'disqualified: { any: [] }', '');

  // Score.
  const fromPreset = input.preset === 'generic' ? [] : (preset.score?.signals ?? []).filter((x) => pruneCondition(x.when, hasLeadField) !== undefined && conditionFieldsOf(x.when).every(hasLeadField));
  // The preset's signals this file can answer, then the data's own for what they leave out (an
  // API export's `NumberOfEmployees` where the preset looks for `No. of Employees`).
  const presetFields = new Set(fromPreset.flatMap((p) => conditionFieldsOf(p.when)));
  const own = signals(plan, input.leads).filter((x) => !fromPreset.some((p) => p.name === x.name) && !conditionFieldsOf(x.when).some((f) => presetFields.has(f)));
  const sigs = fromPreset.length > 0 ? [...fromPreset.map((x) => ({ ...x, why: "the preset's signal" })), ...own] : own;
  // The preset's bands fit when the signals written can reach the same top score as the preset's.
  const top = (list: readonly { points: number }[]) => list.reduce((sum, x) => sum + Math.max(0, x.points), 0);
  const presetBands = fromPreset.length > 0 && top(sigs) === top(preset.score?.signals ?? []);
  const g = presetBands ? { grades: preset.score?.grades ?? { A: 0 }, qualified: preset.score?.qualifiedGrade ?? 'A' } : grades(sigs);
  lines.push(
    '# Marketing-stage signals: points for what a lead looks like before sales talks to it. Grades are',
    '# bands of the score (score >= bound; below the last bound is the next letter), and a lead is',
    '# qualified at qualifiedGrade or better. `leadaudit signals` tells which signals predict closing.',
    'score:',
  );
  if (sigs.length === 0) lines.push('  signals: []   # no fit column found (title, employees, rating, email)');
  else {
    lines.push('  signals:');
    for (const { why, ...s } of sigs) {
      useIn('leads', s.when);
      lines.push(`    - ${flow(s)}   # ${why}`);
    }
  }
  lines.push(`  grades: ${flow(g.grades)}`, `  qualifiedGrade: ${flow(g.qualified)}`, '');

  // The columns nothing above uses: where new signals usually come from.
  for (const [side, file] of [['leads', input.leads], ['deals', input.deals]] as const) {
    if (!file) continue;
    const unused = file.profiles.filter((p) => p.kind !== 'empty' && !used[side].has(headerKey(p.name)));
    if (unused.length === 0) continue;
    lines.push(`# Columns of ${said(file.file)} no rule above uses (candidates for signals, channels or conditions):`);
    for (let i = 0; i < unused.length; i += 4) lines.push(`#   ${unused.slice(i, i + 4).map((p) => `${said(p.name)} (${p.kind})`).join(', ')}`);
    lines.push('');
  }
  lines.push(
    '# Alerts for cron: each that fires is printed on stderr and the exit code is 3.',
    '# alerts:',
    '#   - { report: sources, metric: win_rate, below: 0.02, minLeads: 100 }',
    '#   - { report: funnel, stage: sql, metric: stalled_pct, above: 0.25 }',
    '',
  );
  return lines.join('\n');
}

/** `header:` for a file without a header row, `escape:` for backslash-escaped quotes. */
function shapeLines(file: InitFile | undefined): string[] {
  const out: string[] = [];
  if (file?.headerless) {
    out.push(`  # ${said(file.file)} has no header row: ${file.headerless.why}.`, '  # Its columns, in file order, named by what their values hold; rename them freely.', `  header: ${flow(file.headerless.names)}`);
  }
  if (file?.backslash) out.push('  escape: backslash   # quotes in cells are escaped with a backslash (\\"), as MySQL writes them');
  return out;
}

/** The slash-date order the files prove, when they prove one way only. */
function dateOrder(files: readonly (InitFile | undefined)[]): Choice<'dmy' | 'mdy'> | undefined {
  let dayFirst = 0;
  let monthFirst = 0;
  for (const f of files) for (const p of f?.profiles ?? []) if (p.kind === 'date') {
    dayFirst += p.dayFirst;
    monthFirst += p.monthFirst;
  }
  if (dayFirst > 0 && monthFirst === 0) return { value: 'dmy', why: `${plural(dayFirst, 'date')} like 28/02 prove day first, none month first` };
  if (monthFirst > 0 && dayFirst === 0) return { value: 'mdy', why: `${plural(monthFirst, 'date')} like 02/28 prove month first, none day first` };
  return undefined;
}
