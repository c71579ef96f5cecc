/**
 * The one place report values are turned into text. Reports hold raw numbers;
 * every renderer formats a cell through here, by the column's kind:
 *
 * - `human` (table, md, html): `1,234`, `12.3%`, `1,234,567` / `44.50`, `12.5` days, `yes`, `—`.
 * - `raw` (csv, tsv, json): rates to 4 decimals, money to 2, days to 1, other numbers to 4,
 *   counts as they are; flags `true`/`false`; null, NaN and ±Infinity are empty (CSV) or null (JSON).
 *   CSV/TSV with `--decimal-comma` write the same values with `,` decimals and flags `1`/`0`
 *   (src/render/csv.ts).
 *
 * No style ever prints `-0`: a value that rounds to zero prints as zero.
 */

import type { Cell, Column, ColumnKind, FiredAlert, Report, Row } from '../model.js';
import { terminalSafe } from './safe.js';

export type FormatStyle = 'human' | 'raw';

/** What a cell holds once prepared for JSON: a plain number (finite), string, boolean or null. */
export type RawValue = string | number | boolean | null;

/** Shown in human style for null, NaN and other missing values. */
export const MISSING = '—';

/** Decimals kept in raw style, by kind (count and text are not rounded). */
const RAW_DECIMALS: Partial<Record<ColumnKind, number>> = { percent: 4, money: 2, days: 1, number: 4 };

/** Rounds to `decimals` places (decimal, not binary, half away from zero) and never returns -0. */
export function roundTo(value: number, decimals: number): number {
  if (Number.isInteger(value)) return value === 0 ? 0 : value;
  if (!Number.isFinite(value)) return value;
  const rounded = Math.abs(value) < 1e21 ? Number(value.toFixed(decimals)) : value;
  return rounded === 0 ? 0 : rounded;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** Formats with thousands separators and between `min` and `max` decimals (after `roundTo(max)`). */
function grouped(value: number, min: number, max: number): string {
  const key = `${min}/${max}`;
  let nf = numberFormats.get(key);
  if (nf === undefined) {
    nf = new Intl.NumberFormat('en-US', { minimumFractionDigits: min, maximumFractionDigits: max, useGrouping: true });
    numberFormats.set(key, nf);
  }
  return nf.format(roundTo(value, max));
}

function humanNumber(value: number, kind: ColumnKind): string {
  if (Number.isNaN(value)) return MISSING;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  switch (kind) {
    case 'percent': {
      if (value === 0) return '0%';
      if (value === 1) return '100%';
      return `${grouped(value * 100, 1, 1)}%`;
    }
    case 'money': {
      const cents = roundTo(value, 2);
      return Math.abs(cents) >= 1000 || Number.isInteger(cents) ? grouped(cents, 0, 0) : grouped(cents, 2, 2);
    }
    case 'days':
      return grouped(value, 0, 1);
    case 'count':
    case 'number':
      return grouped(value, 0, 2);
    case 'flag':
      return value !== 0 ? 'yes' : '';
    case 'text':
      return String(value);
  }
}

/**
 * The JSON value of a cell: numbers rounded by kind (non-finite → null), flags as booleans,
 * text as is. Strings found in numeric columns (a `total` label, a `-` mark) pass through unchanged.
 */
export function rawValue(value: Cell | undefined, kind: ColumnKind): RawValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isNaN(value)) return null;
  if (kind === 'flag') return typeof value === 'string' ? value : Boolean(value);
  if (typeof value !== 'number') return value;
  if (!Number.isFinite(value)) return null;
  const decimals = RAW_DECIMALS[kind];
  return decimals === undefined ? (value === 0 ? 0 : value) : roundTo(value, decimals);
}

/** Formats one cell as text: `human` for people (table, md, html), `raw` for machines (csv, tsv). */
export function formatCell(value: Cell | undefined, kind: ColumnKind, style: FormatStyle): string {
  if (style === 'raw') {
    const raw = rawValue(value, kind);
    return raw === null ? '' : String(raw);
  }
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'number') return humanNumber(value, kind);
  if (typeof value === 'boolean') return value ? 'yes' : kind === 'flag' ? '' : 'no';
  return value;
}

const KINDS = new Set<string>(['count', 'percent', 'money', 'days', 'number', 'text', 'flag']);

/** The kind a cell is formatted as: its column's, or its row's when the column says so (`kindFrom`). */
export function cellKind(column: Column, row: Row): ColumnKind {
  if (column.kindFrom === undefined) return column.kind;
  const kind = row[column.kindFrom];
  return typeof kind === 'string' && KINDS.has(kind) ? (kind as ColumnKind) : column.kind;
}

/** True for kinds whose cells are numbers (right-aligned in tables). */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind !== 'text' && kind !== 'flag';
}

/**
 * The fired value, rounded to 4 decimals unless that would make it look equal to the threshold
 * (`0.019999` against `<0.02`), then with as many more as it takes.
 */
function alertValue(alert: FiredAlert): string {
  if (!Number.isFinite(alert.value)) return formatCell(alert.value, 'number', 'human');
  for (let decimals = 4; decimals <= 12; decimals++) {
    const rounded = roundTo(alert.value, decimals);
    if (rounded !== alert.threshold || alert.value === alert.threshold) return String(rounded);
  }
  return String(alert.value);
}

/** One fired alert as a line for people (stderr): `sources.win_rate<0.02 fired for Paid Search (value 0.0153)`. */
export function alertText(alert: FiredAlert): string {
  const where = alert.row === null ? '' : ` for ${terminalSafe(alert.row)}`;
  return `${terminalSafe(alert.rule)} fired${where} (value ${alertValue(alert)})`;
}

/** The report cut to its preview rows, with a note saying how many more there are. */
export function previewOf(report: Report): Report {
  const preview = report.preview;
  if (preview === undefined || report.rows.length <= preview.rows) return report;
  const more = report.rows.length - preview.rows;
  return { ...report, rows: report.rows.slice(0, preview.rows), notes: [...report.notes, `… and ${more} more (${preview.more}).`] };
}
