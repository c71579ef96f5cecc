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
import type { Pieces, Renderer, RenderOptions } from './types.js';

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
