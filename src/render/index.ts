/**
 * Output formats, keyed by the name the user types after `--format` (SPEC §7.1). Every renderer
 * takes the same finished result and returns the whole output as a string; none does I/O.
 * Adding a format is one file and one line here.
 *
 * Each entry loads its renderer when asked, so a run loads only the format it writes (cli-table3
 * and chalk, csv-stringify, the HTML page are not read at all by `--format json`; issue 6).
 */

import type { AuditResult } from '../model.js';

export interface RenderOptions {
  /** Colour with ANSI codes (the table only); the CLI decides from the terminal, NO_COLOR, --no-color. */
  color: boolean;
  /** Terminal width in columns the table must fit. */
  width: number;
  /** `--wide`: never drop columns to fit the width. */
  wide: boolean;
  tool: { name: string; version: string };
}

export type Renderer = (result: AuditResult, options: RenderOptions) => string;

export const renderers = {
  table: async () => (await import('./table.js')).table,
  csv: async () => (await import('./csv.js')).csv,
  tsv: async () => (await import('./csv.js')).tsv,
  json: async () => (await import('./json.js')).json,
  md: async () => (await import('./markdown.js')).markdown,
  html: async () => (await import('./html.js')).html,
} satisfies Record<string, () => Promise<Renderer>>;

export type FormatName = keyof typeof renderers;
