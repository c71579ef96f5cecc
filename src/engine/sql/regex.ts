/**
 * A rubric's `matches` pattern (JavaScript syntax, docs/rubric.md#patterns) rewritten in the subset
 * every dialect reads alike (RE2 for DuckDB, BigQuery and Snowflake's extensions; PostgreSQL's
 * AREs): `\d`, `\w`, `\s` and `.` spelt out as JavaScript means them, `\uXXXX` as the character,
 * identity escapes as the letter. What the subset cannot say is refused at compile time, naming
 * the pattern: backreferences, lookahead and lookbehind, `\B`, `\c`, `[^]` and `[]`.
 */
import { UsageError } from '../../errors.js';
import { JS_WHITESPACE } from './dialects.js';
import type { Pattern } from './tree.js';

const DIGIT = '0-9';
const WORD = 'A-Za-z0-9_';
/** Characters a class or a pattern must escape to mean themselves. */
const SPECIAL = new Set([...'\\^$.|?*+()[]{}-/']);
const escapeChar = (c: string): string => (SPECIAL.has(c) ? `\\${c}` : c);

/** A text as a portable pattern that matches it alone. */
export const literalPattern = (text: string): string => [...text].map(escapeChar).join('');
const CONTROL: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f', v: '\v', '0': '\0' };
/** JavaScript's `.`: anything but a line terminator. */
const DOT = '[^\n\r\u2028\u2029]';

export function portablePattern(source: string, where: string): Pattern {
  const refuse = (what: string): never => {
    throw new UsageError(`${where}: ${JSON.stringify(source)} uses ${what}, which the SQL engines cannot run alike in every database; write it without (or use --engine js)`);
  };
  let out = '';
  let boundary = false;
  let i = 0;
  /** One escape at `i` (after the backslash), inside a class or not. */
  const escape = (inClass: boolean): string => {
    const c = source[i++];
    if (c === undefined) return refuse('a trailing backslash');
    if (c === 'd') return inClass ? DIGIT : `[${DIGIT}]`;
    if (c === 'w') return inClass ? WORD : `[${WORD}]`;
    if (c === 's') return inClass ? JS_WHITESPACE : `[${JS_WHITESPACE}]`;
    if (c === 'D' || c === 'W' || c === 'S') {
      if (inClass) return refuse(`\\${c} inside [...]`);
      return `[^${c === 'D' ? DIGIT : c === 'W' ? WORD : JS_WHITESPACE}]`;
    }
    if (c === 'b') {
      if (inClass) return '\b';
      boundary = true;
      return '\\b';
    }
    if (c === 'B') return refuse('\\B (not a word boundary)');
    if (c === 'c') return refuse('\\c (a control letter)');
    if (c === 'k' || (c >= '1' && c <= '9')) return refuse('a backreference');
    if (c === 'x' && /^[0-9a-fA-F]{2}$/.test(source.slice(i, i + 2))) {
      const ch = String.fromCharCode(parseInt(source.slice(i, i + 2), 16));
      i += 2;
      return escapeChar(ch);
    }
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i, i + 4))) {
      const ch = String.fromCharCode(parseInt(source.slice(i, i + 4), 16));
      i += 4;
      return escapeChar(ch);
    }
    if (Object.hasOwn(CONTROL, c)) return escapeChar(CONTROL[c]!);
    // An identity escape (`\.`, `\-`, or `\y`, which JavaScript reads as `y`).
    return escapeChar(c);
  };
  while (i < source.length) {
    const c = source[i++]!;
    if (c === '\\') out += escape(false);
    else if (c === '[') {
      let cls = '[';
      if (source[i] === '^') {
        cls += '^';
        i++;
      }
      if (source[i] === ']') refuse(cls === '[^' ? '[^] (any character)' : '[] (no character)');
      while (i < source.length && source[i] !== ']') {
        const k = source[i++]!;
        cls += k === '\\' ? escape(true) : k === '[' || k === '^' ? `\\${k}` : k;
      }
      if (source[i] !== ']') refuse('an unclosed [');
      i++;
      out += `${cls}]`;
    } else if (c === '(') {
      if (source[i] === '?') {
        const next = source.slice(i, i + 3);
        if (next.startsWith('?:')) {
          out += '(?:';
          i += 2;
        } else if (next.startsWith('?=') || next.startsWith('?!') || next === '?<=' || next === '?<!') refuse('a lookahead or lookbehind');
        else if (next.startsWith('?<')) {
          // A named group captures nothing a test reads: a plain group.
          const close = source.indexOf('>', i);
          i = close + 1;
          out += '(?:';
        } else refuse('a group modifier');
      } else out += '(?:';
    } else if (c === '.') out += DOT;
    else if (c === '{') {
      // A quantifier `{n}`, `{n,}`, `{n,m}`; any other `{` is a literal in JavaScript.
      const m = /^\{\d+(,\d*)?\}/.exec(source.slice(i - 1));
      if (m) {
        out += m[0];
        i += m[0].length - 1;
      } else out += '\\{';
    } else if (c === '}' || c === ']') out += `\\${c}`;
    else out += c;
  }
  return { parts: [out], fold: true, boundary, where };
}
