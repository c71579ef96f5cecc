/**
 * The SQL engine's expression tree (docs/engines.md): what the rubric compiles to, before a dialect
 * prints it (src/engine/sql/dialects.ts). Nodes say what is computed, never how a database spells
 * it, so every dialect difference (regex operators, integer division, trim, quoting) lives in the
 * printers. Every value is text, a number, a boolean or NULL; dates are whole day numbers, as in
 * the JS engine, so no dialect's date functions are needed.
 */

/** A regular expression in the portable form every dialect's printer takes (src/engine/sql/regex.ts). */
export interface Pattern {
  /** The parts of the pattern; a capture part is a group only when it is the one extracted. */
  readonly parts: readonly (string | { readonly capture: string })[];
  /** Case-insensitive. */
  readonly fold?: boolean;
  /** Uses a word boundary (`\b`), which some dialects lack. */
  readonly boundary?: boolean;
  /** Where the pattern is written in the rubric, for a dialect that refuses it. */
  readonly where?: string;
}

export type Fn =
  | 'lower'
  /** Removes JavaScript's whitespace from both ends (String.prototype.trim). */
  | 'trim'
  | 'length'
  /** substr(text, start from 1, length). */
  | 'substr'
  /** Position of the second argument in the first, from 1; 0 when absent. */
  | 'strpos'
  | 'concat'
  | 'coalesce'
  /** Integer division of two non-negative integers. */
  | 'idiv'
  | 'mod'
  | 'replace';

export type BinOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | 'and' | 'or';

export type Expr =
  | { readonly k: 'col'; readonly name: string; readonly table?: string }
  | { readonly k: 'text'; readonly v: string }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'null' }
  | { readonly k: 'call'; readonly f: Fn; readonly args: readonly Expr[] }
  | { readonly k: 'bin'; readonly op: BinOp; readonly l: Expr; readonly r: Expr }
  | { readonly k: 'not'; readonly e: Expr }
  | { readonly k: 'isnull'; readonly e: Expr; readonly negate: boolean }
  | { readonly k: 'in'; readonly e: Expr; readonly list: readonly Expr[] }
  | { readonly k: 'case'; readonly whens: readonly (readonly [Expr, Expr])[]; readonly otherwise: Expr }
  /** True when the pattern matches somewhere in the text (NULL text: NULL). */
  | { readonly k: 'matches'; readonly e: Expr; readonly pattern: Pattern }
  /** The text the pattern's one capture part matched; NULL when the pattern does not match. */
  | { readonly k: 'extract'; readonly e: Expr; readonly pattern: Pattern }
  /** Every match of the pattern replaced by `by` (a literal). */
  | { readonly k: 'replaceAll'; readonly e: Expr; readonly pattern: Pattern; readonly by: string }
  | { readonly k: 'cast'; readonly e: Expr; readonly to: 'int' | 'double' | 'text' }
  | { readonly k: 'agg'; readonly f: 'count' | 'sum' | 'min' | 'max'; readonly e: Expr | null }
  /** A column of the statement's output, as the printed statement names it (ORDER BY, GROUP BY). */
  | { readonly k: 'raw'; readonly sql: string };

// Builders: short, so that compiled rules read close to the JS rules they mirror.

export const col = (name: string, table?: string): Expr => (table === undefined ? { k: 'col', name } : { k: 'col', name, table });
export const text = (v: string): Expr => ({ k: 'text', v });
export const num = (v: number): Expr => ({ k: 'num', v });
export const bool = (v: boolean): Expr => ({ k: 'bool', v });
export const NULL: Expr = { k: 'null' };
export const call = (f: Fn, ...args: Expr[]): Expr => ({ k: 'call', f, args });
export const bin = (op: BinOp, l: Expr, r: Expr): Expr => ({ k: 'bin', op, l, r });
export const eq = (l: Expr, r: Expr): Expr => bin('=', l, r);
export const not = (e: Expr): Expr => ({ k: 'not', e });
export const isNull = (e: Expr): Expr => ({ k: 'isnull', e, negate: false });
export const notNull = (e: Expr): Expr => ({ k: 'isnull', e, negate: true });
export const inList = (e: Expr, list: readonly Expr[]): Expr => ({ k: 'in', e, list });
export const cases = (whens: readonly (readonly [Expr, Expr])[], otherwise: Expr = NULL): Expr => (whens.length === 0 ? otherwise : { k: 'case', whens, otherwise });
export const iff = (test: Expr, then: Expr, otherwise: Expr = NULL): Expr => cases([[test, then]], otherwise);
export const matches = (e: Expr, pattern: Pattern): Expr => ({ k: 'matches', e, pattern });
export const extract = (e: Expr, pattern: Pattern): Expr => ({ k: 'extract', e, pattern });
export const replaceAll = (e: Expr, pattern: Pattern, by: string): Expr => ({ k: 'replaceAll', e, pattern, by });
export const cast = (e: Expr, to: 'int' | 'double' | 'text'): Expr => ({ k: 'cast', e, to });
export const agg = (f: 'count' | 'sum' | 'min' | 'max', e: Expr | null = null): Expr => ({ k: 'agg', f, e });
export const raw = (sql: string): Expr => ({ k: 'raw', sql });

/** All of `es` hold (true for none). */
export function and(...es: Expr[]): Expr {
  const kept = es.filter((e) => !(e.k === 'bool' && e.v));
  if (kept.some((e) => e.k === 'bool' && !e.v)) return bool(false);
  return kept.length === 0 ? bool(true) : kept.reduce((a, b) => bin('and', a, b));
}

/** One of `es` holds (false for none). */
export function or(...es: Expr[]): Expr {
  const kept = es.filter((e) => !(e.k === 'bool' && !e.v));
  if (kept.some((e) => e.k === 'bool' && e.v)) return bool(true);
  return kept.length === 0 ? bool(false) : kept.reduce((a, b) => bin('or', a, b));
}

/** A pattern written once in the portable subset (src/engine/sql/regex.ts says which). */
export function pattern(source: string, options: { fold?: boolean; boundary?: boolean; where?: string } = {}): Pattern {
  return { parts: [source], ...options };
}

/** A pattern whose `capture` part is the one extracted: `capturing('^', { capture: '[0-9]{4}' }, '-')`. */
export function capturing(...parts: (string | { capture: string })[]): Pattern {
  return { parts };
}

export const sum = (e: Expr): Expr => agg('sum', e);
/** 1 for each row where `e` holds, summed. */
export const countIf = (e: Expr): Expr => sum(iff(e, num(1), num(0)));
/**
 * No day, no number: a NULL with its type, so a column made of it is a number in every dialect
 * (PostgreSQL types a bare NULL column as text, and then refuses to compare it with a number).
 */
export const NO_DAY = cast(NULL, 'int');
export const NO_NUMBER = cast(NULL, 'double');
