/**
 * The headline of a report for people (`md`, `html`): the verdict lines, coloured by finding, and
 * the key figures (KPI tiles) read from the summary report — formatted here once so both formats
 * say the same thing. Text only; each renderer escapes it for its own format.
 *
 * Tones follow docs/verdicts.md's findings: a gap or an inverted rubric is bad news, no gap or a
 * rubric that works is good news, anything else (no evidence, not enough data, …) is neutral.
 * Best and worst channel are already significant (the summary picks them so), hence good and bad.
 */

import type { AuditResult, Cell, ColumnKind, Report, Row, VerdictFinding } from '../model.js';
import type { Tone } from './charts.js';
import { formatCell, MISSING } from './format.js';

export const FINDING_TONE: Record<VerdictFinding, Tone> = {
  gap: 'bad',
  inverted: 'bad',
  'no gap': 'good',
  works: 'good',
  'no evidence': 'neutral',
  'not enough data': 'neutral',
  'not applicable': 'neutral',
  'not judged': 'neutral',
};

export interface VerdictLine {
  /** `Marketing gap`, `Sales gap`, `Rubric check`. */
  readonly topic: string;
  readonly finding: VerdictFinding;
  readonly tone: Tone;
  readonly text: string;
}

export interface Tile {
  /** The summary column it shows (`leads`, `win_rate`, …), for tests and anchors. */
  readonly key: string;
  readonly label: string;
  readonly value: string;
  /** A second line: the interval, the share, what the currency is. */
  readonly sub: string;
  readonly tone: Tone;
}

export interface Headline {
  readonly verdicts: readonly VerdictLine[];
  readonly tiles: readonly Tile[];
  /** The summary's notes that are not verdict lines (they are shown with the tiles). */
  readonly notes: readonly string[];
}

function human(value: Cell | undefined, kind: ColumnKind): string {
  return formatCell(value, kind, 'human');
}

function topicLabel(topic: string): string {
  return `${topic[0]?.toUpperCase() ?? ''}${topic.slice(1)}`;
}

/** The stage keys of the rubric with their labels, as the funnel report lists them (empty without one). */
export function stageLabels(result: AuditResult): ReadonlyMap<string, string> {
  const funnel = result.reports.find((r) => r.name === 'funnel');
  const labels = new Map<string, string>();
  if (funnel === undefined || !funnel.columns.some((c) => c.key === 'label')) return labels;
  for (const row of funnel.rows) {
    if (typeof row.stage === 'string' && typeof row.label === 'string' && row.label !== '') labels.set(row.stage, row.label);
  }
  return labels;
}

/**
 * What the won revenue's amounts are in, from the currencies of the won deals: one code, none
 * (the export had no currency column: no symbol is guessed), or several (added without conversion).
 */
export function currencyOf(result: AuditResult): { suffix: string; note: string } {
  const codes = result.run?.currencies ?? [];
  if (codes.length === 0) return { suffix: '', note: '' };
  if (codes.length === 1) return { suffix: ` ${codes[0]!}`, note: `in ${codes[0]!}` };
  return { suffix: ' (mixed)', note: `mixed currencies (${codes.join(', ')}), added without conversion` };
}

/** A money value with its currency: `2,001,004 EUR`, `2,001,004 (mixed)`, or the bare number. */
export function moneyText(value: Cell | undefined, result: AuditResult): string {
  const text = human(value, 'money');
  return text === MISSING ? text : `${text}${currencyOf(result).suffix}`;
}

const ACCOUNTING = /^(leads|deals)_(read|used|rejected|skipped|attributed|unattributed)$/;

/** A summary column that counts input rows (read, used, rejected, …) rather than measuring leads. */
export function isAccounting(key: string): boolean {
  return ACCOUNTING.test(key);
}

/** The keys the tiles below show (with their sub-lines), so the rest of the summary can be listed after them. */
const SHOWN = new Set([
  'leads',
  'deals',
  'qualified_pct',
  'handoff_pct',
  'won',
  'lost',
  'open',
  'stalled',
  'win_rate',
  'win_rate_low',
  'win_rate_high',
  'won_revenue',
  'biggest_leak',
  'biggest_leak_leads',
  'best_channel',
  'best_channel_win_rate',
  'worst_channel',
  'worst_channel_win_rate',
  'won_so_far',
  ...['sales', 'marketing'].flatMap((topic) => ['', '_low', '_high'].map((end) => `${topic}_at_risk${end}`)),
]);

function has(row: Row, key: string): boolean {
  return Object.hasOwn(row, key);
}

function joinParts(parts: readonly (string | false)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');
}

function tilesOf(summary: Report, result: AuditResult): Tile[] {
  const row = summary.rows[0];
  if (row === undefined) return [];
  const tiles: Tile[] = [];
  const pct = (key: string) => human(row[key], 'percent');
  const count = (key: string) => human(row[key], 'count');
  const unit = has(row, 'leads') ? 'leads' : 'deals';
  if (has(row, unit)) {
    tiles.push({
      key: unit,
      label: unit === 'leads' ? 'Leads' : 'Deals',
      value: count(unit),
      sub: joinParts([
        has(row, 'qualified_pct') && row.qualified_pct !== null && `${pct('qualified_pct')} qualified`,
        has(row, 'handoff_pct') && row.handoff_pct !== null && `${pct('handoff_pct')} handed off`,
        has(row, 'lost') && `${count('lost')} lost`,
        has(row, 'stalled') && `${count('stalled')} stalled`,
      ]),
      tone: 'neutral',
    });
  }
  // The verdicts are "not judged" exactly when these inputs cannot show a win (docs/verdicts.md):
  // a win rate of 0% would then be a fact about the inputs, not the leads.
  const winsUnseen = result.verdict.some((v) => v.finding === 'not judged');
  if (has(row, 'win_rate') && winsUnseen) {
    tiles.push({ key: 'win_rate', label: 'Win rate', value: 'not judged', sub: 'these inputs cannot show a win', tone: 'neutral' });
  } else if (has(row, 'win_rate')) {
    const interval = typeof row.win_rate_low === 'number' && typeof row.win_rate_high === 'number' ? `95% CI ${pct('win_rate_low')}–${pct('win_rate_high')}` : '';
    tiles.push({
      key: 'win_rate',
      label: summary.columns.find((c) => c.key === 'win_rate')?.label ?? 'Win rate',
      value: pct('win_rate'),
      sub: joinParts([interval, has(row, 'won') && `${count('won')} won so far of ${count(unit)}`]),
      tone: 'neutral',
    });
  }
  if (has(row, 'won_revenue')) {
    tiles.push({ key: 'won_revenue', label: 'Won revenue', value: moneyText(row.won_revenue, result), sub: currencyOf(result).note, tone: 'neutral' });
  }
  // The gaps in money (docs/verdicts.md, "Revenue at risk"): bad news when the verdict found the gap.
  for (const [topic, label] of [
    ['sales', 'Sales gap at risk'],
    ['marketing', 'Marketing gap at risk'],
  ] as const) {
    const key = `${topic}_at_risk`;
    if (!has(row, key)) continue;
    const gap = result.verdict.find((v) => v.topic.startsWith(topic))?.finding === 'gap';
    const interval = typeof row[`${key}_low`] === 'number' && typeof row[`${key}_high`] === 'number' ? `95% CI ${moneyText(row[`${key}_low`], result)} to ${moneyText(row[`${key}_high`], result)}` : '';
    tiles.push({ key, label, value: moneyText(row[key], result), sub: joinParts([interval, gap ? 'a gap' : 'no gap shown']), tone: gap ? 'bad' : 'neutral' });
  }
  if (has(row, 'biggest_leak')) {
    const key = row.biggest_leak;
    const label = typeof key === 'string' ? (stageLabels(result).get(key) ?? key) : MISSING;
    tiles.push({
      key: 'biggest_leak',
      label: 'Biggest leak',
      value: label,
      sub: row.biggest_leak_leads === null ? 'no stage loses leads' : `${count('biggest_leak_leads')} leads lost or stalled there`,
      tone: 'neutral',
    });
  }
  for (const [key, label, tone, word] of [
    ['best_channel', 'Best channel', 'good', 'above'],
    ['worst_channel', 'Worst channel', 'bad', 'below'],
  ] as const) {
    if (!has(row, key)) continue;
    const name = row[key];
    tiles.push(
      typeof name === 'string'
        ? { key, label, value: name, sub: `win rate ${pct(`${key}_win_rate`)}, significantly ${word} the rest`, tone }
        : { key, label, value: MISSING, sub: 'none significantly different', tone: 'neutral' },
    );
  }
  // Whatever else the summary holds (a deals-only run's close rate and average deal), as plain tiles.
  for (const column of summary.columns) {
    if (SHOWN.has(column.key) || ACCOUNTING.test(column.key) || column.key.startsWith('verdict_')) continue;
    const value = column.kind === 'money' ? moneyText(row[column.key], result) : human(row[column.key], column.kind);
    tiles.push({ key: column.key, label: column.label.trim(), value, sub: '', tone: 'neutral' });
  }
  return tiles;
}

/**
 * A verdict's sentence as it reads after its label (`Rubric check: works —`): without the
 * `Rubric check:` or `not judged:` it may start with, which the label already says.
 */
export function afterLabel(text: string, topic: string, finding: string): string {
  let rest = text;
  for (const prefix of [`${topic}: `, `${finding}: `]) {
    if (rest.toLowerCase().startsWith(prefix.toLowerCase())) rest = rest.slice(prefix.length);
  }
  return rest === text ? text : `${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
}

/** The headline of `result`: verdicts, and tiles when it holds a summary report. */
export function headline(result: AuditResult): Headline {
  const verdicts = result.verdict.map((v) => ({ topic: topicLabel(v.topic), finding: v.finding, tone: FINDING_TONE[v.finding], text: afterLabel(v.text, v.topic, v.finding) }));
  const summary = result.reports.find((r) => r.name === 'summary');
  if (summary === undefined) return { verdicts, tiles: [], notes: [] };
  const said = new Set(result.verdict.map((v) => v.text));
  // Why rows were not used is said where the row counts are (the inputs), not in the headline.
  const files = [result.inputs.leads, result.inputs.deals].flatMap((f) => (f === null ? [] : [`rows not used (${f.file}):`]));
  return { verdicts, tiles: tilesOf(summary, result), notes: summary.notes.filter((n) => !said.has(n) && !files.some((f) => n.includes(f))) };
}
