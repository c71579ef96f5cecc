/**
 * Output formats, keyed by the name the user types after `--format` (SPEC §7.1). Every renderer
 * takes the same finished result and returns the whole output as a string; none does I/O.
 * Adding a format is one file and one line here.
 */

import type { AuditResult } from '../model.js';
import { csv, tsv } from './csv.js';
import { html } from './html.js';
import { json } from './json.js';
import { markdown } from './markdown.js';
import { table } from './table.js';

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

export const renderers = { table, csv, tsv, json, md: markdown, html } satisfies Record<string, Renderer>;

export type FormatName = keyof typeof renderers;
