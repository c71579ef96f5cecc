/**
 * The lead funnel, from the values seen: stages reached by status values, date columns, ticked
 * boxes and deals; the statuses that disqualify; a CRM preset's funnel kept to what the files show.
 */
import { parseBoolean } from '../../data/normalize.js';
import type { ColumnProfile } from '../../data/profile.js';
import { presets } from '../presets/index.js';
import { headerKey } from '../resolve.js';
import type { Condition, RubricInput } from '../schema.js';
import { CONVERTED_FLAG, DATE_STAGES, DISQUALIFIED, FLAG_STAGES, NEW, STATUS_STAGES } from '../vocabulary.js';
import { refsOf, usableAsKey, valuesOf, type Choice, type InitFile, type Plan } from './evidence.js';
import { pruneCondition } from './prune.js';
import { plural, said } from './yaml.js';

export interface StagePlan {
  readonly key: string;
  readonly label: string;
  readonly side: 'marketing' | 'sales';
  readonly stallAfterDays?: number;
  readonly reachedWhen?: { date?: string; status?: string[]; deal?: 'any' | 'won'; when?: Condition };
  readonly why: string[];
}

/** What each stage key was found to be reached by, as it is gathered. */
type Found = Map<string, { status: string[]; counts: string[]; date?: string; when?: Condition; deal?: 'any' | 'won'; why: string[] }>;

const STAGE_LABELS: Record<string, string> = { lead: 'Lead', mql: 'MQL', sql: 'SQL', opportunity: 'Opportunity', won: 'Won', converted: 'Converted' };
const STALL_DAYS: Record<string, number> = { lead: 30, mql: 14, sql: 7, opportunity: 30 };

export function leadStages(plan: Plan, leads: InitFile | undefined, hasDeals: boolean, preset: RubricInput, has: (field: string) => boolean): { stages: StagePlan[]; disqualified?: Choice<Condition> } {
  const found: Found = new Map();
  const at = (key: string) => {
    let s = found.get(key);
    if (!s) found.set(key, (s = { status: [], counts: [], why: [] }));
    return s;
  };
  let disqualified: Choice<Condition> | undefined;
  if (leads) {
    const status = plan.leadProfile(plan.leads!.status.column);
    const statusDisqualifying: (readonly [string, number])[] = [];
    for (const [value, n] of valuesOf(status)) {
      if (DISQUALIFIED.test(value)) {
        statusDisqualifying.push([value, n]);
        continue;
      }
      if (NEW.test(value)) continue;
      const stage = STATUS_STAGES.find((s) => s.pattern.test(value));
      if (!stage) continue;
      const s = at(stage.key);
      s.status.push(value);
      s.counts.push(`${said(value)} ${n}`);
    }
    // The recognized status column first, written as the field `status`; then any other
    // status-like column (HubSpot's Lead Status beside Lifecycle Stage), by its header.
    const disqualifying: { column: string; values: (readonly [string, number])[] }[] = statusDisqualifying.length > 0 ? [{ column: 'status', values: statusDisqualifying }] : [];
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
