/**
 * diff (SPEC §3.1): what moved between two `--format json` runs. Per report, the metrics whose
 * change matters — a rate that left its old 95% interval (or moved a point, where it has none),
 * any count or amount that changed, a duration that moved a day, rows that came or went —
 * biggest first, the reports in the newer run's order.
 */
import type { Cell, ColumnKind, Report, Row } from '../model.js';
import { column } from './context.js';

/** The parts of a `--format json` document a diff reads (SPEC §7.1). */
export interface RunDocument {
  readonly asOf: string;
  readonly reports: Readonly<Record<string, { readonly title?: string; readonly columns: readonly { key: string; label: string; kind: ColumnKind }[]; readonly rows: readonly Row[] }>>;
  /**
   * Verdict lines: objects with `topic`, `finding` and `names` (docs/verdicts.md), or in runs made
   * before verdicts were data, sentences — whose findings are then read from the summary's
   * verdict_* cells when the run has a summary.
   */
  readonly verdict?: readonly (string | { readonly topic?: unknown; readonly finding?: unknown; readonly names?: unknown })[];
}

const SUMMARY_VERDICTS: Record<string, string> = { verdict_marketing: 'marketing gap', verdict_sales: 'sales gap', verdict_rubric: 'rubric check' };

/** Each verdict topic's finding as the summary words it (`gap (Omar)`), from whichever form the run holds. */
function findings(doc: RunDocument): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of doc.verdict ?? []) {
    if (typeof v !== 'object' || v === null || typeof v.topic !== 'string' || typeof v.finding !== 'string') continue;
    const names = Array.isArray(v.names) ? v.names.filter((n): n is string => typeof n === 'string') : [];
    out.set(v.topic, names.length > 0 ? `${v.finding} (${names.join(', ')})` : v.finding);
  }
  if (out.size > 0) return out;
  const summary = doc.reports.summary?.rows[0];
  for (const [key, topic] of Object.entries(SUMMARY_VERDICTS)) {
    const cell = summary?.[key];
    if (typeof cell === 'string') out.set(topic, cell);
  }
  return out;
}

/** How far a metric must move before its change is listed, by kind (intervals decide for rates). */
const MIN_CHANGE: Record<ColumnKind, number> = { count: 1, money: 0.01, percent: 0.01, days: 1, number: 0.01, text: Infinity, flag: Infinity };
/** What a relative change is measured against, at the least (so 0 → 1 is a change of 1, not ∞). */
const FLOOR: Record<ColumnKind, number> = { count: 1, money: 1, percent: 0.01, days: 1, number: 0.01, text: 1, flag: 1 };

interface Change {
  report: string;
  row: string;
  metric: string;
  kind: ColumnKind;
  old: Cell;
  new: Cell;
  size: number;
}

/** A row's name: its leading text columns (channel; group and stage; kind, lead and deal …). */
function rowName(columns: RunDocument['reports'][string]['columns'], row: Row): string {
  const parts: string[] = [];
  for (const c of columns) {
    if (c.kind !== 'text') break;
    const v = row[c.key];
    if (v !== null && v !== undefined && v !== '') parts.push(String(v));
  }
  return parts.join(' / ');
}

function isNumber(v: Cell | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function diffRuns(older: RunDocument, newer: RunDocument): Report[] {
  const changes: Change[] = [];
  const order = [...Object.keys(newer.reports), ...Object.keys(older.reports).filter((name) => !(name in newer.reports))];
  for (const name of order) {
    const a = older.reports[name];
    const b = newer.reports[name];
    if (!a || !b) {
      changes.push({ report: name, row: '', metric: a ? '(report gone)' : '(new report)', kind: 'count', old: a ? a.rows.length : null, new: b ? b.rows.length : null, size: Infinity });
      continue;
    }
    const keys = new Set(b.columns.map((c) => c.key));
    const oldRows = new Map(a.rows.map((r) => [rowName(a.columns, r), r]));
    const newRows = new Map(b.rows.map((r) => [rowName(b.columns, r), r]));
    for (const [row] of oldRows) if (!newRows.has(row)) changes.push({ report: name, row, metric: '(row gone)', kind: 'count', old: 1, new: 0, size: 1 });
    for (const [row, r] of newRows) {
      const before = oldRows.get(row);
      if (!before) {
        changes.push({ report: name, row, metric: '(new row)', kind: 'count', old: 0, new: 1, size: 1 });
        continue;
      }
      for (const c of b.columns) {
        if (c.kind === 'text' || c.kind === 'flag' || c.key.endsWith('_low') || c.key.endsWith('_high') || c.key === 'p_value') continue;
        const x = before[c.key];
        const y = r[c.key];
        if (!isNumber(x) || !isNumber(y)) {
          if (isNumber(x) !== isNumber(y)) changes.push({ report: name, row, metric: c.key, kind: c.kind, old: x ?? null, new: y ?? null, size: 1 });
          continue;
        }
        const delta = Math.abs(y - x);
        let matters = delta >= MIN_CHANGE[c.kind] - 1e-12;
        // A rate with an interval moved only when it left its old interval.
        const low = before[`${c.key}_low`];
        const high = before[`${c.key}_high`];
        if (c.kind === 'percent' && keys.has(`${c.key}_low`) && isNumber(low) && isNumber(high)) matters = y < low || y > high;
        if (matters) changes.push({ report: name, row, metric: c.key, kind: c.kind, old: x, new: y, size: delta / Math.max(Math.abs(x), FLOOR[c.kind]) });
      }
    }
  }
  // A verdict whose finding changed comes first: it is the news of the run.
  const before = findings(older);
  for (const [topic, now] of findings(newer)) {
    const then = before.get(topic);
    if (then !== undefined && then !== now) changes.push({ report: 'verdict', row: topic, metric: 'finding', kind: 'text', old: then, new: now, size: Infinity });
  }
  const rank = new Map([['verdict', -1], ...order.map((name, i): [string, number] => [name, i])]);
  changes.sort((p, q) => rank.get(p.report)! - rank.get(q.report)! || q.size - p.size || (p.row < q.row ? -1 : p.row > q.row ? 1 : 0) || (p.metric < q.metric ? -1 : 1));
  const rows: Row[] = changes.map((c) => ({
    report: c.report,
    row: c.row,
    metric: c.metric,
    kind: c.kind,
    old: c.old,
    new: c.new,
    change: isNumber(c.old) && isNumber(c.new) ? c.new - c.old : null,
    relative: isNumber(c.old) && isNumber(c.new) && c.old !== 0 ? (c.new - c.old) / Math.abs(c.old) : null,
  }));
  return [
    {
      name: 'diff',
      title: `What moved: ${older.asOf} → ${newer.asOf}`,
      columns: [
        column('report', 'Report', 'text', { priority: 1 }),
        column('row', 'Row', 'text', { fromInput: true, priority: 1 }),
        column('metric', 'Metric', 'text', { priority: 1 }),
        column('kind', 'Kind', 'text', { priority: 9 }),
        column('old', 'Old', 'number', { kindFrom: 'kind', priority: 1 }),
        column('new', 'New', 'number', { kindFrom: 'kind', priority: 1 }),
        column('change', 'Change', 'number', { kindFrom: 'kind', priority: 2 }),
        column('relative', 'Relative', 'percent', { priority: 3 }),
      ],
      rows,
      notes: [
        rows.length === 0
          ? 'Nothing moved enough to matter.'
          : 'Listed: verdicts whose finding changed, rates that left their old 95% interval (or moved a point, where they have none), counts and amounts that changed, durations that moved a day, rows that came or went. Biggest relative change first within each report.',
      ],
    },
  ];
}
