/**
 * diff: what moved between two `--format json` runs (docs/json.md, "diff"). Verdicts whose finding
 * changed come first, then the summary, the funnel (and the deal pipeline) and sources, then the
 * other reports in the newer run's order. Per report, the metrics whose change matters — a rate
 * that left its old 95% interval (or moved a point, where it has none), any count or amount that
 * changed, a duration that moved a day, rows that came or went — biggest first.
 *
 * Stalls are a list, not metrics: a lead or deal appears only when it newly stalled or is no longer
 * stalled (at a stage), never because it aged — days in stage grow between weekly runs by design.
 * Elsewhere (score) a lead's days in stage are listed only when they moved other than by aging.
 *
 * A run is read as it is: an odd but well-formed document (a report without rows, a row that is not
 * an object, a name like `constructor`) gives fewer changes, never an exception.
 */
import type { Cell, ColumnKind, Report, Row } from '../model.js';
import { column } from './context.js';

type RunReport = { readonly title?: string; readonly columns: readonly { key: string; label: string; kind: ColumnKind }[]; readonly rows: readonly Row[] };

/** The parts of a `--format json` document a diff reads (docs/json.md). */
export interface RunDocument {
  readonly asOf: string;
  readonly reports: Readonly<Record<string, RunReport>>;
  /**
   * Verdict lines: objects with `topic`, `finding` and `names` (docs/verdicts.md), or in runs made
   * before verdicts were data, sentences — whose findings are then read from the summary's
   * verdict_* cells when the run has a summary.
   */
  readonly verdict?: readonly (string | { readonly topic?: unknown; readonly finding?: unknown; readonly names?: unknown })[];
}

/** Reports listed first, in this order, after the verdicts: the headline, then where leads go and come from. */
const FIRST = ['summary', 'funnel', 'pipeline', 'sources'];

/**
 * A lead's or deal's age in its stage: between two runs it grows by the days between their as-of
 * dates while nothing happens, which is not a change (a lead that moved starts again from 0).
 */
const AGES = new Set(['days_in_stage', 'days_over']);

/** Days from one as-of date to the other (YYYY-MM-DD), NaN when either is not such a date. */
function daysBetween(older: unknown, newer: unknown): number {
  const day = (d: unknown) => (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) / 86_400_000 : NaN);
  return day(newer) - day(older);
}

/** The stall list's row identity: the same lead (or deal) stalled at the same stage. */
const STALL_KEYS = ['kind', 'lead_id', 'deal_id', 'stage'];

const SUMMARY_VERDICTS: Record<string, string> = { verdict_marketing: 'marketing gap', verdict_sales: 'sales gap', verdict_rubric: 'rubric check' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A report of a run by name, with only its well-formed columns and rows; undefined when the run has none. */
function reportOf(doc: RunDocument, name: string): RunReport | undefined {
  const reports: unknown = doc.reports;
  if (!isObject(reports) || !Object.hasOwn(reports, name)) return undefined;
  const r = reports[name];
  if (!isObject(r)) return undefined;
  const columns = (Array.isArray(r.columns) ? r.columns : []).filter(
    (c): c is RunReport['columns'][number] => isObject(c) && typeof c.key === 'string' && typeof c.kind === 'string',
  );
  const rows = (Array.isArray(r.rows) ? r.rows : []).filter((row): row is Row => isObject(row));
  return { columns, rows };
}

function reportNames(doc: RunDocument): string[] {
  const reports: unknown = doc.reports;
  return isObject(reports) ? Object.keys(reports) : [];
}

/**
 * What keeps `doc` from being a run a diff can read, in words (`reports.funnel.rows is not a
 * list`), or undefined when it is one: for the caller that reads the file to refuse it (exit 1).
 * It checks the parts a diff reads, not the whole schema, so runs of older builds still diff.
 */
export function runDocumentProblem(doc: unknown): string | undefined {
  if (!isObject(doc)) return 'not a JSON object';
  if (doc.schemaVersion !== 1) return 'expected schemaVersion 1';
  if (typeof doc.asOf !== 'string') return 'asOf is not a date';
  if (!isObject(doc.reports)) return 'reports is not an object of reports by name';
  for (const [name, r] of Object.entries(doc.reports)) {
    const where = `reports.${name}`;
    if (!isObject(r)) return `${where} is not a report`;
    if (!Array.isArray(r.columns) || !r.columns.every((c) => isObject(c) && typeof c.key === 'string' && typeof c.kind === 'string')) return `${where}.columns is not a list of columns`;
    if (!Array.isArray(r.rows) || !r.rows.every(isObject)) return `${where}.rows is not a list of rows`;
  }
  if (doc.verdict !== undefined && !Array.isArray(doc.verdict)) return 'verdict is not a list';
  return undefined;
}

/** Each verdict topic's finding as the summary words it (`gap (Omar)`), from whichever form the run holds. */
function findings(doc: RunDocument): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of Array.isArray(doc.verdict) ? doc.verdict : []) {
    if (!isObject(v) || typeof v.topic !== 'string' || typeof v.finding !== 'string') continue;
    const names = Array.isArray(v.names) ? v.names.filter((n): n is string => typeof n === 'string') : [];
    out.set(v.topic, names.length > 0 ? `${v.finding} (${names.join(', ')})` : v.finding);
  }
  if (out.size > 0) return out;
  const summary = reportOf(doc, 'summary')?.rows[0];
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
function rowName(columns: RunReport['columns'], row: Row): string {
  const parts: string[] = [];
  for (const c of columns) {
    if (c.kind !== 'text') break;
    const v = row[c.key];
    if (v !== null && v !== undefined && v !== '') parts.push(String(v));
  }
  return parts.join(' / ');
}

/** A stall row's name: the lead (or deal) and the stage it is stalled at. */
function stallName(columns: RunReport['columns'], row: Row): string {
  const keys = STALL_KEYS.filter((k) => columns.some((c) => c.key === k));
  if (keys.length === 0) return rowName(columns, row);
  return keys
    .map((k) => row[k])
    .filter((v) => v !== null && v !== undefined && v !== '')
    .join(' / ');
}

/** Biggest first; two infinite changes (a report come or gone) are equal, not NaN apart. */
function bySize(p: Change, q: Change): number {
  return p.size === q.size ? 0 : q.size - p.size;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isNumber(v: Cell | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** The rows of a report by name (the first of a name, as a read in file order meets it). */
function rowsByName(r: RunReport, name: (columns: RunReport['columns'], row: Row) => string): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const row of r.rows) {
    const key = name(r.columns, row);
    if (!out.has(key)) out.set(key, row);
  }
  return out;
}

export function diffRuns(older: RunDocument, newer: RunDocument): Report[] {
  const changes: Change[] = [];
  const newerNames = reportNames(newer);
  const olderNames = reportNames(older);
  const named = [...newerNames, ...olderNames.filter((name) => !newerNames.includes(name))];
  const order = [...FIRST.filter((name) => named.includes(name)), ...named.filter((name) => !FIRST.includes(name))];
  const aged = daysBetween(older.asOf, newer.asOf);
  for (const name of order) {
    const a = reportOf(older, name);
    const b = reportOf(newer, name);
    if (!a || !b) {
      changes.push({ report: name, row: '', metric: a ? '(report gone)' : '(new report)', kind: 'count', old: a ? a.rows.length : null, new: b ? b.rows.length : null, size: Infinity });
      continue;
    }
    if (name === 'stalls') {
      // Membership only: the days of a lead still stalled grow every run and are not news.
      const oldRows = rowsByName(a, stallName);
      const newRows = rowsByName(b, stallName);
      for (const [row] of newRows) if (!oldRows.has(row)) changes.push({ report: name, row, metric: '(newly stalled)', kind: 'count', old: 0, new: 1, size: 1 });
      for (const [row] of oldRows) if (!newRows.has(row)) changes.push({ report: name, row, metric: '(no longer stalled)', kind: 'count', old: 1, new: 0, size: 1 });
      continue;
    }
    const keys = new Set(b.columns.map((c) => c.key));
    const oldRows = rowsByName(a, rowName);
    const newRows = rowsByName(b, rowName);
    for (const [row] of oldRows) if (!newRows.has(row)) changes.push({ report: name, row, metric: '(row gone)', kind: 'count', old: 1, new: 0, size: 1 });
    for (const [row, r] of newRows) {
      const before = oldRows.get(row);
      if (!before) {
        changes.push({ report: name, row, metric: '(new row)', kind: 'count', old: 0, new: 1, size: 1 });
        continue;
      }
      for (const c of b.columns) {
        if (c.kind === 'text' || c.kind === 'flag' || c.key.endsWith('_low') || c.key.endsWith('_high') || c.key === 'p_value') continue;
        // A kind an older or newer version wrote that this one does not know is compared as a number.
        const kind: ColumnKind = Object.hasOwn(MIN_CHANGE, c.kind) ? c.kind : 'number';
        const x = before[c.key];
        const y = r[c.key];
        if (!isNumber(x) || !isNumber(y)) {
          if (isNumber(x) !== isNumber(y)) changes.push({ report: name, row, metric: c.key, kind, old: x ?? null, new: y ?? null, size: 1 });
          continue;
        }
        // Days are written to 1 decimal: an age that grew by the runs' distance only aged.
        if (AGES.has(c.key) && Math.abs(y - x - aged) < 0.051) continue;
        const delta = Math.abs(y - x);
        let matters = delta >= MIN_CHANGE[kind] - 1e-12;
        // A rate with an interval moved only when it left its old interval.
        const low = before[`${c.key}_low`];
        const high = before[`${c.key}_high`];
        if (kind === 'percent' && keys.has(`${c.key}_low`) && isNumber(low) && isNumber(high)) matters = y < low || y > high;
        if (matters) changes.push({ report: name, row, metric: c.key, kind, old: x, new: y, size: delta / Math.max(Math.abs(x), FLOOR[kind]) });
      }
    }
  }
  changes.sort((p, q) => order.indexOf(p.report) - order.indexOf(q.report) || bySize(p, q) || compare(p.row, q.row) || compare(p.metric, q.metric));
  // A verdict whose finding changed comes first: it is the news of the run.
  const before = findings(older);
  const verdicts: Change[] = [];
  for (const [topic, now] of findings(newer)) {
    const then = before.get(topic);
    if (then !== undefined && then !== now) verdicts.push({ report: 'verdict', row: topic, metric: 'finding', kind: 'text', old: then, new: now, size: Infinity });
  }
  changes.unshift(...verdicts);
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
      title: `What moved: ${String(older.asOf)} → ${String(newer.asOf)}`,
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
          : 'Listed: verdicts whose finding changed, rates that left their old 95% interval (or moved a point, where they have none), counts and amounts that changed, durations that moved a day, rows that came or went; stalled leads and deals only when newly stalled or no longer stalled, not because they aged. Verdicts first, then summary, funnel, pipeline and sources; biggest relative change first within each report.',
      ],
    },
  ];
}
