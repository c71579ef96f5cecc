/**
 * `--format json` (docs/json.md; its shape is src/render/json-schema.ts): one document with the run's inputs, every report and the alerts,
 * values in raw style (rates as fractions to 4 decimals, money to 2; NaN → null). Keys are written
 * in a fixed order so two runs diff cleanly (`leadaudit diff`).
 *
 * The text is exactly `JSON.stringify(document, null, 2)` and a newline, made in pieces: report
 * rows are turned into JSON a batch at a time, so a million-row `score` never holds its whole
 * output, or a raw copy of every row, at once.
 */

import { setKey, type AuditResult, type FileAccounting, type FiredAlert, type Report, type Verdict } from '../model.js';
import { cellKind, rawValue, type RawValue } from './format.js';
import type { RenderOptions } from './types.js';

export const JSON_SCHEMA_VERSION = 1;

/** Rows turned into JSON at a time: a piece well under a megabyte even for the widest rows (docs/performance.md). */
const BATCH = 2048;

function accounting(file: FileAccounting | null): Record<string, unknown> | null {
  if (file === null) return null;
  const reasons: Record<string, number> = {};
  // Keys are ROW_REASONS keys (docs/json.md), sorted so two runs diff cleanly.
  for (const [reason, n] of Object.entries(file.reasons).sort(([a], [b]) => (a < b ? -1 : 1))) reasons[reason] = n ?? 0;
  const out: Record<string, unknown> = {
    file: file.file,
    encoding: file.encoding,
    delimiter: file.delimiter,
    read: file.read,
    used: file.used,
    rejected: file.rejected,
    skipped: file.skipped,
    duplicates: file.duplicates,
    reasons,
  };
  if (file.attributed !== undefined) out.attributed = file.attributed;
  if (file.unattributed !== undefined) out.unattributed = file.unattributed;
  return out;
}

function alert(a: FiredAlert): Record<string, unknown> {
  return {
    rule: a.rule,
    report: a.report,
    row: a.row,
    metric: a.metric,
    // Not rounded: the value must still compare with the threshold as it did when the alert fired.
    value: Number.isFinite(a.value) ? a.value : null,
    op: a.op,
    threshold: a.threshold,
  };
}

/**
 * A verdict line (docs/verdicts.md): keys in a fixed order, numbers unrounded (a p-value of 1e-9
 * must not become 0), a non-finite number as null.
 */
function verdict(v: Verdict): Record<string, unknown> {
  const numbers: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(v.numbers)) numbers[key] = value !== null && Number.isFinite(value) ? value : null;
  return { topic: v.topic, finding: v.finding, rules: [...v.rules], names: [...v.names], numbers, text: v.text };
}

/**
 * `value` as `JSON.stringify(value, null, 2)` writes it `depth` levels down a document. Strings in
 * JSON hold no raw line break, so indenting after each one indents lines, never text.
 */
function at(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/** The members of `doc`, one level down, as `JSON.stringify(doc, null, 2)` writes them: without the braces. */
function members(doc: Record<string, unknown>): string {
  const text = JSON.stringify(doc, null, 2);
  return text.slice(2, -2);
}

/** Report rows at depth 4 of the document, a batch at a time, each batch but the last ending in a comma. */
function* rows(r: Report): Generator<string> {
  // Nested as deep as the document nests them, one stringify indents them right: no re-indenting.
  const open = '{\n  "a": {\n    "b": {\n      "c": [\n'.length;
  const close = '\n      ]\n    }\n  }\n}'.length;
  for (let start = 0; start < r.rows.length; start += BATCH) {
    const batch = r.rows.slice(start, start + BATCH).map((row) => {
      const out: Record<string, RawValue> = {};
      for (const c of r.columns) setKey(out, c.key, rawValue(row[c.key], cellKind(c, row)));
      return out;
    });
    const text = JSON.stringify({ a: { b: { c: batch } } }, null, 2);
    yield text.slice(open, text.length - close) + (start + BATCH < r.rows.length ? ',\n' : '\n');
  }
}

function* report(r: Report, last: boolean): Generator<string> {
  const columns = r.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind }));
  yield `    ${JSON.stringify(r.name)}: {\n      "title": ${at(r.title, 3)},\n      "columns": ${at(columns, 3)},\n      "rows": `;
  if (r.rows.length === 0) yield '[]';
  else {
    yield '[\n';
    yield* rows(r);
    yield '      ]';
  }
  yield `,\n      "notes": ${at([...r.notes], 3)}\n    }${last ? '\n' : ',\n'}`;
}

export function* json(result: AuditResult, options: RenderOptions): Generator<string> {
  const names = new Set<string>();
  for (const r of result.reports) {
    if (names.has(r.name)) throw new Error(`two reports are named "${r.name}"; JSON keys must be unique`);
    names.add(r.name);
  }
  const head = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: options.tool.name, version: options.tool.version },
    asOf: result.asOf,
    // What made the run (null in a diff, which reads two runs, not a rubric).
    run: result.run === undefined ? null : { rubric: result.run.rubric, preset: result.run.preset, spend: result.run.spend ?? null },
    inputs: { leads: accounting(result.inputs.leads), deals: accounting(result.inputs.deals) },
  };
  const tail = { verdict: result.verdict.map(verdict), alerts: result.alerts.map(alert) };
  yield `{\n${members(head)},\n  "reports": `;
  if (result.reports.length === 0) yield '{}';
  else {
    yield '{\n';
    for (let i = 0; i < result.reports.length; i++) yield* report(result.reports[i]!, i === result.reports.length - 1);
    yield '  }';
  }
  yield `,\n${members(tail)}\n}\n`;
}
