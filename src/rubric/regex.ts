/**
 * A rubric's `matches` patterns (docs/rubric.md#patterns), made safe to run on hostile data.
 *
 * Cutting the text a pattern sees (MATCH_INPUT_LIMIT) is not enough on its own: with JavaScript's
 * backtracking engine a pattern such as `(a+)+$` or `.*.*.*x` takes time exponential (or a high
 * power) in the length of a short cell (docs/performance.md, "Numbers behind the code"). So every
 * pattern runs with V8's linear-time fallback switched on: a match that backtracks more than
 * 50,000 times finishes on V8's breadth-first engine, in time linear in the text. That engine
 * cannot run backreferences, lookahead, lookbehind or very large repeat counts, nor (in Node 20)
 * the `i` flag:
 * - case-insensitivity is written into the pattern instead (`a` → `[aA]`, `[a-c]` → `[a-cA-C]`),
 *   by JavaScript's own rule for `i`, so the pattern matches exactly what `/…/i` matches;
 * - a pattern that needs the backtracking engine is accepted only when it repeats nothing
 *   (no `* + ? {n,m}`), since only repetition makes backtracking blow up; otherwise it is a
 *   rubric error naming the pattern.
 */
import v8 from 'node:v8';
import { UsageError } from '../errors.js';

/** Regex tests look at no more than this many characters of a cell (a bound on linear time too). */
export const MATCH_INPUT_LIMIT = 1000;

let linear: boolean | undefined;

/**
 * Switches V8's linear-time engine on, once, and says whether this V8 has it: as a fallback for
 * regexes that backtrack too much, and for the `l` flag, which asks whether a pattern can run on it.
 */
export function linearEngine(): boolean {
  if (linear === undefined) {
    v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    v8.setFlagsFromString('--enable-experimental-regexp-engine');
    try {
      // eslint-disable-next-line no-invalid-regexp -- the flag of V8's linear-time engine, switched on just above
      new RegExp('a', 'l');
      linear = true;
    } catch {
      linear = false;
    }
  }
  return linear;
}

/**
 * The longest pattern a rubric may hold. A test's time grows with the pattern even in the
 * linear-time engine, as does the memory to compile it (docs/performance.md, "Numbers behind the
 * code"). Lists of values belong in `in: [...]`.
 */
export const MAX_PATTERN_CHARS = 1000;

/**
 * Compiles a rubric pattern into a test on cell text: case-insensitive, looking at the first
 * MATCH_INPUT_LIMIT characters, finishing in time linear in them. `where` names the pattern in
 * errors (`leadaudit.yml: score.signals[0].when.title.matches`).
 */
export function compileMatch(pattern: string, where: string): (text: string) => boolean {
  if (pattern.length > MAX_PATTERN_CHARS) {
    throw new UsageError(
      `${where}: a pattern of ${pattern.length.toLocaleString('en-US')} characters; at most ${MAX_PATTERN_CHARS.toLocaleString('en-US')} (to match many values, list them with in: [...])`,
    );
  }
  let native: RegExp;
  try {
    native = new RegExp(pattern, 'i');
  } catch (error) {
    throw new UsageError(`${where}: not a valid regular expression: ${(error as Error).message}`);
  }
  const cut = (text: string) => (text.length > MATCH_INPUT_LIMIT ? text.slice(0, MATCH_INPUT_LIMIT) : text);
  // Without the linear engine (a V8 that dropped it), the input bound is the only guard left.
  if (!linearEngine()) return (text) => native.test(cut(text));
  const { source, repeats } = foldCase(pattern);
  const folded = new RegExp(source);
  if (runsInLinearTime(source)) return (text) => folded.test(cut(text));
  if (repeats) {
    throw new UsageError(
      `${where}: ${JSON.stringify(pattern)} could take exponential time on some values: it repeats (* + ? {n,m}) and also uses a backreference, a lookahead or lookbehind, or a repeat count too large for the linear-time engine; rewrite it without one of the two`,
    );
  }
  // Nothing repeats: backtracking is bounded by the pattern's length.
  return (text) => native.test(cut(text));
}

function runsInLinearTime(source: string): boolean {
  try {
    // eslint-disable-next-line no-invalid-regexp -- the flag of V8's linear-time engine (see linearEngine)
    new RegExp(source, 'l');
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------- case folding

/** JavaScript's case-insensitive canonical form of a code unit (ECMA-262 Canonicalize, without the u flag). */
function canonical(unit: number): number {
  const upper = String.fromCharCode(unit).toUpperCase();
  if (upper.length !== 1) return unit;
  const u = upper.charCodeAt(0);
  return unit >= 128 && u < 128 ? unit : u;
}

let variantsOf: Map<number, number[]> | undefined;

/** Every code unit that `/x/i` matches for x = unit: those with the same canonical form. */
function caseVariants(unit: number): readonly number[] {
  // ASCII needs no table (building it is a start-up cost every run would pay): a letter's
  // variants are its two cases, since no other code unit folds to an ASCII one (see canonical).
  if (unit < 128) {
    const upper = unit >= 0x61 && unit <= 0x7a ? unit - 32 : unit;
    return upper >= 0x41 && upper <= 0x5a ? [upper, upper + 32] : [unit];
  }
  if (variantsOf === undefined) {
    variantsOf = new Map();
    for (let u = 0; u <= 0xffff; u++) {
      const c = canonical(u);
      if (c === u && String.fromCharCode(u).toLowerCase() === String.fromCharCode(u)) continue; // the common case: caseless
      const list = variantsOf.get(c);
      if (list) list.push(u);
      else variantsOf.set(c, [u]);
    }
    for (const [c, list] of variantsOf) if (!list.includes(c)) list.push(c);
  }
  const list = variantsOf.get(canonical(unit));
  return list === undefined || !list.includes(unit) ? [unit] : list;
}

function hex(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}

/** A code unit written so it means itself anywhere in a pattern. */
function plain(unit: number): string {
  return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x61 && unit <= 0x7a) || unit === 0x20 ? String.fromCharCode(unit) : hex(unit);
}

/** One literal code unit, case-insensitive: itself, or a class of its case variants. */
function literal(unit: number): string {
  const variants = caseVariants(unit);
  return variants.length === 1 ? plain(unit) : `[${variants.map(plain).join('')}]`;
}

type Escape = { text: string; unit?: undefined; next: number } | { text?: undefined; unit: number; next: number };

const CONTROL_ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, v: 11, f: 12 };

/**
 * Reads the escape at `at` (a backslash) in a pattern without the u flag (with Annex B's
 * leniency): either a code unit it stands for, or text to copy as it is (class escapes,
 * assertions, backreferences).
 */
function readEscape(pattern: string, at: number, inClass: boolean, namedGroups: boolean): Escape {
  const c = pattern[at + 1] ?? '';
  const next = at + 2;
  if ('dDwWsS'.includes(c)) return { text: `\\${c}`, next };
  if (c === 'b' || c === 'B') return inClass ? { unit: c === 'b' ? 8 : 66, next } : { text: `\\${c}`, next };
  if (c in CONTROL_ESCAPES) return { unit: CONTROL_ESCAPES[c]!, next };
  if (/\d/.test(c)) {
    // A backreference or a legacy octal escape: copied as it is.
    const digits = /^\d+/.exec(pattern.slice(at + 1))![0];
    return { text: `\\${digits}`, next: at + 1 + digits.length };
  }
  if (c === 'c') {
    // `\cJ` is a control character (in a class also `\c0`, `\c_`); otherwise the backslash is itself.
    if ((inClass ? /[A-Za-z0-9_]/ : /[A-Za-z]/).test(pattern[next] ?? '')) return { unit: pattern.charCodeAt(next) % 32, next: next + 1 };
    return { unit: 92, next: at + 1 };
  }
  const hexDigits = (n: number) => (new RegExp(`^[0-9A-Fa-f]{${n}}`).test(pattern.slice(next, next + n)) ? parseInt(pattern.slice(next, next + n), 16) : undefined);
  if (c === 'x' && hexDigits(2) !== undefined) return { unit: hexDigits(2)!, next: next + 2 };
  if (c === 'u' && hexDigits(4) !== undefined) return { unit: hexDigits(4)!, next: next + 4 };
  if (c === 'k' && namedGroups && pattern[next] === '<') {
    const end = pattern.indexOf('>', next);
    return { text: pattern.slice(at, end + 1), next: end + 1 };
  }
  // An identity escape: the character itself.
  return { unit: pattern.charCodeAt(at + 1), next };
}

/** A character class, case-insensitive: the class of every variant of every member. */
function foldClass(pattern: string, at: number, namedGroups: boolean): { text: string; next: number } {
  let i = at + 1;
  const negate = pattern[i] === '^';
  if (negate) i++;
  const marks = new Uint8Array(0x10000);
  const escapes: string[] = [];
  const atom = (): Escape => (pattern[i] === '\\' ? readEscape(pattern, i, true, namedGroups) : { unit: pattern.charCodeAt(i), next: i + 1 });
  const mark = (lo: number, hi: number) => {
    for (let u = lo; u <= hi; u++) for (const v of caseVariants(u)) marks[v] = 1;
  };
  const add = (e: Escape) => (e.unit !== undefined ? mark(e.unit, e.unit) : escapes.push(e.text));
  while (i < pattern.length && pattern[i] !== ']') {
    const a = atom();
    i = a.next;
    if (pattern[i] === '-' && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
      i++;
      const b = atom();
      i = b.next;
      if (a.unit !== undefined && b.unit !== undefined) mark(a.unit, b.unit);
      else [a, { unit: 0x2d, next: 0 } as const, b].forEach(add); // Annex B: `[\w-z]` is \w, a dash and z
      continue;
    }
    add(a);
  }
  let ranges = '';
  for (let u = 0; u <= 0xffff; u++) {
    if (!marks[u]) continue;
    let end = u;
    while (end < 0xffff && marks[end + 1]) end++;
    ranges += end === u ? hex(u) : `${hex(u)}-${hex(end)}`;
    u = end;
  }
  return { text: `[${negate ? '^' : ''}${escapes.join('')}${ranges}]`, next: i + 1 };
}

/**
 * Rewrites a pattern (flags: only `i`) into one without flags that matches exactly the same
 * strings, and says whether it repeats anything (`* + ? {n,m}`).
 */
export function foldCase(pattern: string): { source: string; repeats: boolean } {
  const namedGroups = /\(\?<[^=!]/.test(pattern);
  let out = '';
  let repeats = false;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const e = readEscape(pattern, i, false, namedGroups);
      out += e.unit === undefined ? e.text : literal(e.unit);
      i = e.next;
    } else if (c === '[') {
      const cls = foldClass(pattern, i, namedGroups);
      out += cls.text;
      i = cls.next;
    } else if (c === '(') {
      // Group openers are copied whole: a group's name is not text to match.
      const opener = /^\((?:\?(?::|=|!|<=|<!|<[^>]*>))?/.exec(pattern.slice(i))![0];
      out += opener;
      i += opener.length;
    } else if (c === '{') {
      const count = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i));
      if (count) {
        repeats = true;
        out += count[0];
        i += count[0].length;
      } else {
        out += '\\{'; // Annex B: a brace that is not a count is itself
        i++;
      }
    } else if ('*+?'.includes(c)) {
      repeats = true;
      out += c;
      i++;
    } else if ('^$.|)'.includes(c)) {
      out += c;
      i++;
    } else {
      out += literal(pattern.charCodeAt(i));
      i++;
    }
  }
  return { source: out, repeats };
}
