/**
 * Inline SVG charts for the HTML report: pure functions from numbers and already-formatted text
 * to an `<svg>` string. No script, no external reference, no style attribute: the page's CSS
 * (src/render/html.ts) colours them by class, so they live under the page's Content-Security-Policy.
 *
 * What must stay true:
 * - every string drawn (names, value texts, titles) goes through `escapeHtml` after clipping;
 * - every number in an attribute goes through `svgNumber`, so none is NaN or Infinity;
 * - lengths are proportional to the values, from 0, on one scale per chart (a negative value or
 *   a value that is not finite draws nothing), so a reader can compare bars by eye;
 * - colour (`tone`) is chosen by the caller from a significance mark, never from the value itself.
 */

import { escapeHtml } from './safe.js';

/** How a mark is coloured: by a significance mark (good / bad), or not at all; `muted` is drawn lighter (few leads, a cohort still closing). */
export type Tone = 'good' | 'bad' | 'neutral' | 'muted';

/** A coordinate or length for an SVG attribute: one decimal, and 0 for anything not finite. */
export function svgNumber(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

/** Shortens text for a chart label (the full text stays in the mark's `<title>` and in the table). */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A length for `value` on a scale where `max` is `length`: 0 for nothing, negative or not finite. */
export function scaled(value: number, max: number, length: number): number {
  if (!Number.isFinite(value) || !Number.isFinite(max) || value <= 0 || max <= 0) return 0;
  return (Math.min(value, max) / max) * length;
}

/** A round axis end at or above `max` and its step (1, 2, 2.5 or 5 times a power of ten), with at most five steps. */
export function niceAxis(max: number): { max: number; step: number } {
  if (!Number.isFinite(max) || max <= 0) return { max: 1, step: 0.25 };
  const power = 10 ** Math.floor(Math.log10(max / 5));
  for (const factor of [1, 2, 2.5, 5, 10, 20]) {
    const step = factor * power;
    const steps = Math.ceil(max / step - 1e-9);
    // toPrecision drops binary noise (3 × 0.1 is 0.30000000000000004), so ticks print as round numbers.
    if (steps <= 5) return { max: Number((steps * step).toPrecision(12)), step: Number(step.toPrecision(12)) };
  }
  return { max, step: max / 5 };
}

function svgOpen(width: number, height: number, label: string, cls: string): string {
  return (
    `<svg class="${cls}" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${svgNumber(width)} ${svgNumber(height)}"` +
    ` width="${svgNumber(width)}" height="${svgNumber(height)}">` +
    `<title>${escapeHtml(label)}</title>`
  );
}

function text(x: number, y: number, content: string, cls = ''): string {
  return `<text x="${svgNumber(x)}" y="${svgNumber(y)}"${cls ? ` class="${cls}"` : ''}>${escapeHtml(content)}</text>`;
}

function rect(x: number, y: number, width: number, height: number, cls: string): string {
  return `<rect class="${cls}" x="${svgNumber(x)}" y="${svgNumber(y)}" width="${svgNumber(Math.max(0, width))}" height="${svgNumber(Math.max(0, height))}"/>`;
}

function line(x1: number, y1: number, x2: number, y2: number, cls: string): string {
  return `<line class="${cls}" x1="${svgNumber(x1)}" y1="${svgNumber(y1)}" x2="${svgNumber(x2)}" y2="${svgNumber(y2)}"/>`;
}

/** A key under or over a chart: a swatch and its words per entry. */
export interface LegendEntry {
  readonly cls: string;
  readonly text: string;
}

function legend(entries: readonly LegendEntry[], y: number): string {
  let x = 0;
  return entries
    .map((entry) => {
      const out = `${rect(x, y, 12, 12, entry.cls)}${text(x + 17, y + 10, entry.text, 'small')}`;
      x += 30 + entry.text.length * 6.2;
      return out;
    })
    .join('');
}

// ---------------------------------------------------------------- horizontal bars

export interface Bar {
  readonly name: string;
  readonly value: number;
  /** The value as the reader sees it, printed after the bar. */
  readonly text: string;
  readonly tone?: Tone;
  /** A part of the bar drawn as its own segment at the bar's end (the stalled share of a stage). */
  readonly part?: number;
  /** The whole sentence for the bar's tooltip; `name: text` when absent. */
  readonly title?: string;
}

export interface BarChartSpec {
  /** What the chart shows, in words: its accessible name. */
  readonly label: string;
  readonly bars: readonly Bar[];
  /** The value a full-length bar stands for; the largest bar's when absent (pass one to share a scale across charts). */
  readonly max?: number;
  readonly legend?: readonly LegendEntry[];
}

export const BAR_CHART = { width: 640, nameWidth: 190, valueWidth: 150, rowHeight: 24, barHeight: 16 } as const;

/**
 * Horizontal bars, one per row: the name at the left (clipped to fit), a bar as long as the value
 * on one scale, the value's text after it. A bar's `part` is drawn over its end as a segment of
 * class `part`. Each bar is a `<g class="bar tone-…">` with the whole sentence as its `<title>`.
 */
export function barChart(spec: BarChartSpec): string {
  const { width, nameWidth, valueWidth, rowHeight, barHeight } = BAR_CHART;
  const plot = width - nameWidth - valueWidth;
  const max = spec.max ?? Math.max(0, ...spec.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const top = spec.legend && spec.legend.length > 0 ? 24 : 4;
  const height = top + spec.bars.length * rowHeight + 4;
  const parts = [svgOpen(width, height, spec.label, 'chart bars')];
  if (spec.legend && spec.legend.length > 0) parts.push(legend(spec.legend, 2));
  spec.bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const length = scaled(bar.value, max, plot);
    const shown = length > 0 ? Math.max(length, 1) : 0;
    const part = bar.part !== undefined && bar.part > 0 ? Math.min(shown, Math.max(scaled(bar.part, max, plot), 1)) : 0;
    parts.push(
      `<g class="bar tone-${bar.tone ?? 'neutral'}"><title>${escapeHtml(bar.title ?? `${bar.name}: ${bar.text}`)}</title>`,
      text(nameWidth - 8, y + barHeight - 3, clip(bar.name, 25), 'end'),
      rect(nameWidth, y, shown, barHeight, 'value'),
      part > 0 ? rect(nameWidth + shown - part, y, part, barHeight, 'part') : '',
      text(nameWidth + shown + 6, y + barHeight - 3, bar.text, 'small'),
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.filter((p) => p !== '').join('\n');
}

// ---------------------------------------------------------------- intervals

export interface Interval {
  readonly name: string;
  /** A rate from 0 to 1. */
  readonly value: number;
  readonly low: number | null;
  readonly high: number | null;
  readonly text: string;
  readonly tone?: Tone;
  /** Drawn as a hollow dot (too few to read with confidence). */
  readonly hollow?: boolean;
  readonly title?: string;
}

export interface IntervalChartSpec {
  readonly label: string;
  readonly points: readonly Interval[];
  /** A reference rate drawn as a dashed line (the overall rate), with its words under it. */
  readonly reference?: { readonly value: number; readonly text: string };
  /** Formats an axis tick (a rate). */
  readonly tick: (value: number) => string;
}

export const INTERVAL_CHART = { width: 640, nameWidth: 190, valueWidth: 70, rowHeight: 22 } as const;

/**
 * A dot per row at its rate, with a whisker across its interval (`low`–`high`), on a rate axis from
 * 0 with round ticks; the reference rate as a dashed vertical line. Each row is a
 * `<g class="interval tone-…">`.
 */
export function intervalChart(spec: IntervalChartSpec): string {
  const { width, nameWidth, valueWidth, rowHeight } = INTERVAL_CHART;
  const left = nameWidth;
  const right = width - valueWidth;
  const finite = (v: number | null): number => (v !== null && Number.isFinite(v) ? v : 0);
  const top = Math.max(0.01, finite(spec.reference?.value ?? null), ...spec.points.map((p) => Math.max(finite(p.value), finite(p.high))));
  const axis = niceAxis(Math.min(1, top));
  const x = (v: number): number => left + scaled(v, axis.max, right - left);
  const y0 = 24;
  const bottom = y0 + spec.points.length * rowHeight;
  const height = bottom + (spec.reference ? 22 : 8);
  const parts = [svgOpen(width, height, spec.label, 'chart intervals')];
  const ticks = Math.round(axis.max / axis.step);
  for (let t = 0; t <= ticks; t++) {
    const at = x(t * axis.step);
    parts.push(line(at, y0 - 6, at, bottom, 'grid'), text(at, y0 - 10, spec.tick(t * axis.step), 'small middle'));
  }
  spec.points.forEach((p, i) => {
    const y = y0 + i * rowHeight + rowHeight / 2;
    const whisker = p.low !== null && p.high !== null && Number.isFinite(p.low) && Number.isFinite(p.high);
    parts.push(
      `<g class="interval tone-${p.tone ?? 'neutral'}"><title>${escapeHtml(p.title ?? `${p.name}: ${p.text}`)}</title>`,
      text(left - 8, y + 4, clip(p.name, 25), 'end'),
      whisker ? line(x(p.low!), y, x(p.high!), y, 'ci') : '',
      whisker ? line(x(p.low!), y - 4, x(p.low!), y + 4, 'ci') + line(x(p.high!), y - 4, x(p.high!), y + 4, 'ci') : '',
      `<circle class="dot${p.hollow ? ' hollow' : ''}" cx="${svgNumber(x(p.value))}" cy="${svgNumber(y)}" r="4.5"/>`,
      text(right + 8, y + 4, p.text, 'small'),
      '</g>',
    );
  });
  if (spec.reference) {
    const at = x(spec.reference.value);
    parts.push(line(at, y0 - 4, at, bottom + 4, 'ref'), text(at, bottom + 17, spec.reference.text, 'small middle'));
  }
  parts.push('</svg>');
  return parts.filter((p) => p !== '').join('\n');
}

// ---------------------------------------------------------------- columns over time

export interface ColumnPoint {
  /** The period (`2024-01`), printed under its column when there is room. */
  readonly name: string;
  readonly value: number;
  readonly text: string;
  readonly tone?: Tone;
  readonly title?: string;
}

export interface ColumnChartSpec {
  readonly label: string;
  readonly points: readonly ColumnPoint[];
  readonly tick: (value: number) => string;
  readonly legend?: readonly LegendEntry[];
}

export const COLUMN_CHART = { width: 640, axisWidth: 44, plotHeight: 150 } as const;

/**
 * Vertical columns in order (periods left to right), as tall as their values on a round axis from
 * 0; period names under every column that has room for one. Each column is a `<g class="column tone-…">`.
 */
export function columnChart(spec: ColumnChartSpec): string {
  const { width, axisWidth, plotHeight } = COLUMN_CHART;
  const n = spec.points.length;
  const plotWidth = width - axisWidth - 4;
  const slot = n > 0 ? plotWidth / n : plotWidth;
  const top = spec.legend && spec.legend.length > 0 ? 30 : 10;
  const base = top + plotHeight;
  const height = base + 22;
  const axis = niceAxis(Math.max(0, ...spec.points.map((p) => (Number.isFinite(p.value) ? p.value : 0))));
  const parts = [svgOpen(width, height, spec.label, 'chart columns')];
  if (spec.legend && spec.legend.length > 0) parts.push(legend(spec.legend, 2));
  const ticks = Math.round(axis.max / axis.step);
  for (let t = 0; t <= ticks; t++) {
    const y = base - scaled(t * axis.step, axis.max, plotHeight);
    parts.push(line(axisWidth, y, width - 4, y, 'grid'), text(axisWidth - 6, y + 4, spec.tick(t * axis.step), 'small end'));
  }
  // A name is printed every `every` columns so that names (about 7 characters) never overlap.
  const every = Math.max(1, Math.ceil(48 / slot));
  spec.points.forEach((p, i) => {
    const h = scaled(p.value, axis.max, plotHeight);
    const x = axisWidth + i * slot;
    const barWidth = Math.max(1, slot * 0.7);
    parts.push(
      `<g class="column tone-${p.tone ?? 'neutral'}"><title>${escapeHtml(p.title ?? `${p.name}: ${p.text}`)}</title>`,
      rect(x + (slot - barWidth) / 2, base - h, barWidth, h, 'value'),
      i % every === 0 ? text(x + slot / 2, base + 15, clip(p.name, 10), 'small middle') : '',
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.filter((p) => p !== '').join('\n');
}

// ---------------------------------------------------------------- text bars (Markdown)

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/**
 * A bar of block characters for text formats: `value / max` of `width` cells, to an eighth of a cell
 * (`█████▌`). Nothing for zero, negative or non-finite values; at least `▏` for any positive one.
 */
export function textBar(value: number, max: number, width = 20): string {
  const cells = scaled(value, max, width);
  if (cells <= 0) return '';
  const whole = Math.floor(cells);
  const eighths = Math.round((cells - whole) * 8);
  const bar = '█'.repeat(whole + (eighths === 8 ? 1 : 0)) + (eighths === 8 ? '' : (EIGHTHS[eighths] ?? ''));
  return bar === '' ? '▏' : bar;
}
