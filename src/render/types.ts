/**
 * What every renderer is: a function of the finished result and these options, returning its
 * output in pieces (src/render/index.ts keeps the registry by format name). The renderers import
 * these from here, never from the registry that loads them.
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
