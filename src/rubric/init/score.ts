/** The score of the rubric: fit signals from the columns the leads file has, and grade bands over them. */
import type { Condition } from '../schema.js';
import type { InitFile, Plan } from './evidence.js';
import { said } from './yaml.js';

/** Fit signals from columns most CRMs have; each only when its column is there. */
export function signals(plan: Plan, leads: InitFile | undefined): { name: string; points: number; when: Condition; why: string }[] {
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

export function grades(sigs: readonly { points: number }[]): { grades: Record<string, number>; qualified: string } {
  const max = sigs.reduce((s, x) => s + Math.max(0, x.points), 0);
  if (max === 0) return { grades: { A: 0 }, qualified: 'A' };
  const a = Math.max(2, Math.round(max * 0.6));
  const b = Math.max(1, Math.min(a - 1, Math.round(max * 0.3)));
  return { grades: { A: a, B: b, C: 0 }, qualified: 'B' };
}
