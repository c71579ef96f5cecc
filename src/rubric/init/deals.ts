/**
 * The deals side of the rubric, from the values seen: what counts as won and lost (an outcome
 * column, a won flag, won and lost stage values, or columns only won or lost deals fill), and the
 * open stages in pipeline order.
 */
import { parseBoolean } from '../../data/normalize.js';
import type { ColumnProfile } from '../../data/profile.js';
import { CLOSED_FLAG, KNOWN_PIPELINES, LOST_MARK, LOST_VALUE, WON_FLAG, WON_MARK, WON_VALUE } from '../vocabulary.js';
import { canon, usableAsKey, valuesOf, type Choice, type InitFile, type Plan } from './evidence.js';
import { plural, said } from './yaml.js';

export function dealOutcome(plan: Plan, deals: InitFile): { won?: Choice<unknown>; lost?: Choice<unknown>; open: readonly (readonly [string, number])[] } {
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
export function pipelineOrder(open: readonly (readonly [string, number])[], deals: InitFile, stageColumn: string | undefined): { stages: string[]; why: string } {
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
