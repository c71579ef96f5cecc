/**
 * Alerts for cron (docs/rubric.md#alerts, docs/json.md#alerts): `--fail-on 'report[.row].metric
 * OP number'` and the rubric's `alerts`, checked against the finished reports. Each one that fires
 * is listed with its value.
 */
import { UsageError, didYouMean } from './errors.js';
import type { Column, FiredAlert, Report, Row, Verdict } from './model.js';
import type { AlertRule } from './rubric/resolve.js';

type Op = FiredAlert['op'];

export interface Rule {
  readonly text: string;
  readonly report: string;
  readonly row: string | undefined;
  readonly metric: string;
  readonly op: Op;
  readonly threshold: number;
  /** Rows with fewer leads than this are not judged (rubric alerts' `minLeads`). */
  readonly minLeads: number | undefined;
  /** From the rubric: checked only when the command produced its report. */
  readonly fromRubric?: boolean;
}

const RULE = /^\s*([A-Za-z_][\w-]*)(?:\.([^<>=]+?))?\.([A-Za-z_]\w*)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses `sources.win_rate<0.02` / `funnel.sql.stalled_pct>0.25`; a malformed rule is exit 2. */
export function parseRule(text: string): Rule {
  const m = RULE.exec(text);
  if (!m) {
    throw new UsageError(`--fail-on '${text}': expected report[.row].metric OP number, like 'sources.win_rate<0.02' or 'funnel.sql.stalled_pct>0.25' (OP: < <= > >=)`);
  }
  return { text, report: m[1]!, row: m[2]?.trim(), metric: m[3]!, op: m[4] as Op, threshold: Number(m[5]), minLeads: undefined };
}

export function rubricRules(alerts: readonly AlertRule[]): Rule[] {
  const rules: Rule[] = [];
  for (const a of alerts) {
    const where = `${a.report}${a.row ? `.${a.row}` : ''}.${a.metric}`;
    if (a.below !== undefined) rules.push({ text: `${where}<${a.below} (rubric)`, report: a.report, row: a.row, metric: a.metric, op: '<', threshold: a.below, minLeads: a.minLeads, fromRubric: true });
    if (a.above !== undefined) rules.push({ text: `${where}>${a.above} (rubric)`, report: a.report, row: a.row, metric: a.metric, op: '>', threshold: a.above, minLeads: a.minLeads, fromRubric: true });
  }
  return rules;
}

function compare(value: number, op: Op, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

/** The name a row is addressed by: its first column (channel, stage, owner…). */
function rowName(report: Report, row: Row): string {
  const first = report.columns[0]!.key;
  return String(row[first] ?? '');
}

/**
 * The verdicts as a report alerts can address: `verdict.sales.revenue_at_risk`, a row per topic
 * named by its first word (or the whole topic), its numbers the metrics (docs/verdicts.md).
 */
function verdictReport(verdicts: readonly Verdict[]): Report {
  const keys = [...new Set(verdicts.flatMap((v) => Object.keys(v.numbers)))];
  const columns: Column[] = [{ key: 'topic', label: 'Topic', kind: 'text' }, ...keys.map((key): Column => ({ key, label: key, kind: 'number' }))];
  const rows = verdicts.map((v): Row => ({ topic: v.topic.split(' ')[0]!, label: v.topic, ...v.numbers }));
  return { name: 'verdict', title: 'Verdicts', columns, rows, notes: [] };
}

/**
 * Checks every rule against the reports and the verdicts. A rule naming a report or metric that
 * the run did not produce is a usage error listing what exists, so a typo in a cron job cannot
 * pass silently.
 */
export function checkAlerts(rules: readonly Rule[], made: readonly Report[], verdicts: readonly Verdict[] = []): FiredAlert[] {
  const fired: FiredAlert[] = [];
  const reports = verdicts.length > 0 ? [...made, verdictReport(verdicts)] : made;
  for (const rule of rules) {
    const report = reports.find((r) => r.name === rule.report);
    // A rubric alert on a report this command does not print waits for a command that does.
    if (!report && rule.fromRubric) continue;
    if (!report && rule.report === 'verdict') throw new UsageError(`alert '${rule.text}': this run has no verdicts (they need a leads file: docs/verdicts.md)`);
    if (!report) {
      const names = reports.map((r) => r.name);
      throw new UsageError(`alert '${rule.text}': no report "${rule.report}" in this run${didYouMean(rule.report, names)}; reports: ${names.join(', ')}`);
    }
    const column = report.columns.find((c) => c.key === rule.metric);
    if (!column) {
      const keys = report.columns.filter((c) => c.kind !== 'text').map((c) => c.key);
      throw new UsageError(`alert '${rule.text}': report "${report.name}" has no metric "${rule.metric}"${didYouMean(rule.metric, keys)}; metrics: ${keys.join(', ')}`);
    }
    let rows = report.rows;
    if (rule.row !== undefined) {
      const want = rule.row.toLowerCase();
      rows = rows.filter((row) => rowName(report, row).toLowerCase() === want || String(row.label ?? '').toLowerCase() === want);
      if (rows.length === 0) {
        const names = report.rows.map((row) => rowName(report, row));
        throw new UsageError(`alert '${rule.text}': report "${report.name}" has no row "${rule.row}"${didYouMean(rule.row, names)}`);
      }
    }
    for (const row of rows) {
      const value = row[rule.metric];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (rule.minLeads !== undefined && typeof row.leads === 'number' && row.leads < rule.minLeads) continue;
      if (compare(value, rule.op, rule.threshold)) {
        fired.push({
          rule: rule.text,
          report: report.name,
          row: report.layout === 'record' ? null : rowName(report, row),
          metric: rule.metric,
          value,
          op: rule.op,
          threshold: rule.threshold,
        });
      }
    }
  }
  return fired;
}
