/**
 * Output formats, keyed by the name the user types after `--format` (docs/json.md for `json`). Every renderer
 * takes the same finished result and returns the output as pieces of text, to be written in order;
 * none does I/O. CSV, TSV and JSON make their pieces as they are written, a batch of rows at a
 * time, so a million-row report is never one string; the others make one piece.
 * Adding a format is one file and one line here.
 *
 * Each entry loads its renderer when asked, so a run loads only the format it writes (chalk,
 * string-width and wrap-ansi, the HTML page are not read at all by `--format json`; docs/performance.md).
 */

import type { AuditResult } from '../model.js';

export interface RenderOptions {
  /** Colour with ANSI codes (the table only); the CLI decides from the terminal, NO_COLOR, --no-color. */
  color: boolean;
  /**
   * The width in display cells the table, its titles and notes fit (README "Terminal width"); not a
   * positive number: no limit.
   */
  width: number;
  /** `--wide`: never drop columns to fit the width. */
  wide: boolean;
  tool: { name: string; version: string };
  /**
   * `--decimal-comma`: CSV with `;` between fields and `,` as the decimal mark, flags as `1`/`0`
   * (TSV: the same numbers, TAB kept), for spreadsheets in comma-decimal locales. The other
   * formats ignore it. Absent means false.
   */
  decimalComma?: boolean;
}

/** Output in pieces, written in order. Not a bare string: a string is iterable too, a character at a time. */
export type Pieces = readonly string[] | Generator<string>;

export type Renderer = (result: AuditResult, options: RenderOptions) => Pieces;

/** A renderer that makes its whole output as one string. */
const whole =
  (render: (result: AuditResult, options: RenderOptions) => string): Renderer =>
  (result, options) => [render(result, options)];

export const renderers = {
  table: async () => whole((await import('./table.js')).table),
  csv: async () => (await import('./csv.js')).csv,
  tsv: async () => (await import('./csv.js')).tsv,
  json: async () => (await import('./json.js')).json,
  md: async () => whole((await import('./markdown.js')).markdown),
  html: async () => whole((await import('./html.js')).html),
} satisfies Record<string, () => Promise<Renderer>>;

/** A renderer's pieces as one string (for tests, and output small enough to hold). */
export function joined(pieces: Pieces): string {
  let text = '';
  for (const piece of pieces) text += piece;
  return text;
}

export type FormatName = keyof typeof renderers;
