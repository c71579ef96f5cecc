/**
 * `--format json` (SPEC §7.1): one document with the run's inputs, every report and the alerts,
 * values in raw style (rates as fractions to 4 decimals, money to 2; NaN → null). Keys are written
 * in a fixed order so two runs diff cleanly (`leadaudit diff`).
 */

import type { AuditResult, FileAccounting, FiredAlert, Report } from '../model.js';
import { cellKind, rawValue, type RawValue } from './format.js';
import type { RenderOptions } from './index.js';

export const JSON_SCHEMA_VERSION = 1;

function accounting(file: FileAccounting | null): Record<string, unknown> | null {
  if (file === null) return null;
  const reasons: Record<string, number> = {};
  for (const reason of Object.keys(file.reasons).sort()) reasons[reason] = file.reasons[reason] ?? 0;
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

function report(r: Report): Record<string, unknown> {
  return {
    title: r.title,
    columns: r.columns.map((c) => ({ key: c.key, label: c.label, kind: c.kind })),
    rows: r.rows.map((row) => {
      const out: Record<string, RawValue> = {};
      for (const c of r.columns) out[c.key] = rawValue(row[c.key], cellKind(c, row));
      return out;
    }),
    notes: [...r.notes],
  };
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

export function json(result: AuditResult, options: RenderOptions): string {
  const reports: Record<string, unknown> = {};
  for (const r of result.reports) {
    if (Object.hasOwn(reports, r.name)) throw new Error(`two reports are named "${r.name}"; JSON keys must be unique`);
    reports[r.name] = report(r);
  }
  const doc = {
    schemaVersion: JSON_SCHEMA_VERSION,
    tool: { name: options.tool.name, version: options.tool.version },
    asOf: result.asOf,
    inputs: { leads: accounting(result.inputs.leads), deals: accounting(result.inputs.deals) },
    reports,
    verdict: [...result.verdict],
    alerts: result.alerts.map(alert),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
