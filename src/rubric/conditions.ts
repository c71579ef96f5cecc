/**
 * Conditions (docs/rubric.md#conditions) compiled once into predicates. A rubric is data: a
 * condition becomes a tree of closures over parsed test values; nothing from the rubric is ever
 * evaluated as code.
 */
import { UsageError } from '../errors.js';
import { parseAmount, parseBoolean, parseDate, type DateOrder, type DecimalMark } from '../data/normalize.js';
import { compileMatch } from './regex.js';
import type { Condition, Test } from './schema.js';

/**
 * Reads one field of the thing a condition is about, as the raw text of the cell ('' = missing).
 * A getter over a column of repeated text (`CodedText`) also gives the cell's code into the
 * column's values, so each test is remembered per code: an array read per row instead of a Map
 * lookup by text.
 */
export interface Getter<S> {
  (subject: S): string;
  readonly coded?: Coded<S>;
}

export interface Coded<S> {
  readonly code: (subject: S) => number;
  /** The values the codes index (the same list for every subject of one table). */
  readonly values: (subject: S) => readonly string[];
}

export type Predicate<S> = (subject: S) => boolean;

export interface CompileContext<S> {
  /** The getter for a field name (canonical or header); undefined when there is no such field. */
  readonly field: (name: string) => Getter<S> | undefined;
  readonly asOf: number;
  readonly dateOrder: DateOrder;
  /**
   * The decimal mark of a field's column, decided from all its values before any lead is
   * classified (data/value-columns.ts, conditionMarks), for number tests; undefined reads `1,234` and `1.234` as thousands.
   */
  readonly decimal?: (field: string) => DecimalMark | undefined;
  /** Rubric path of the condition, for messages. */
  readonly path: string;
}

export { MATCH_INPUT_LIMIT } from './regex.js';

export function compileCondition<S>(when: Condition, ctx: CompileContext<S>): Predicate<S> {
  const parts: Predicate<S>[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'all') {
      const subs = (value as Condition[]).map((c, i) => compileCondition(c, { ...ctx, path: `${ctx.path}.all[${i}]` }));
      parts.push((s) => subs.every((p) => p(s)));
    } else if (key === 'any') {
      const subs = (value as Condition[]).map((c, i) => compileCondition(c, { ...ctx, path: `${ctx.path}.any[${i}]` }));
      parts.push((s) => subs.some((p) => p(s)));
    } else if (key === 'not') {
      const sub = compileCondition(value as Condition, { ...ctx, path: `${ctx.path}.not` });
      parts.push((s) => !sub(s));
    } else {
      const get = ctx.field(key);
      const tests = compileTest(value as Test, ctx.asOf, ctx.dateOrder, `${ctx.path}.${key}`, ctx.decimal?.(key));
      // A field that is not in the file reads as missing everywhere (checked earlier for user rubrics).
      parts.push(get === undefined ? () => tests('') : get.coded ? byCode(get.coded, tests) : (s) => tests(get(s)));
    }
  }
  if (parts.length === 1) return parts[0]!;
  return (s) => parts.every((p) => p(s));
}

/** Equality as the rubric means it: trimmed, case-insensitive; booleans and numbers by value. */
function equalsIn(expected: string | number | boolean, mark: DecimalMark | undefined): (text: string) => boolean {
  if (typeof expected === 'boolean') return (text) => parseBoolean(text) === expected;
  if (typeof expected === 'number') return (text) => parseAmount(text, mark) === expected;
  const want = expected.trim().toLowerCase();
  return (text) => text.trim().toLowerCase() === want;
}

function compileTest(test: Test, asOf: number, dateOrder: DateOrder, path: string, mark: DecimalMark | undefined): (text: string) => boolean {
  const equals = (expected: string | number | boolean) => equalsIn(expected, mark);
  const checks: ((text: string) => boolean)[] = [];
  if (test.eq !== undefined) {
    const eq = equals(test.eq);
    checks.push((t) => t.trim() !== '' && eq(t));
  }
  if (test.ne !== undefined) {
    const eq = equals(test.ne);
    checks.push((t) => t.trim() === '' || !eq(t));
  }
  if (test.in !== undefined) {
    const eqs = test.in.map(equals);
    const strings = test.in.every((v) => typeof v === 'string');
    const set = new Set(test.in.map((v) => String(v).trim().toLowerCase()));
    // A missing value is in no list, not even one holding '' (use `empty` for that).
    checks.push(strings ? (t) => t.trim() !== '' && set.has(t.trim().toLowerCase()) : (t) => t.trim() !== '' && eqs.some((eq) => eq(t)));
  }
  if (test.notIn !== undefined) {
    const eqs = test.notIn.map(equals);
    checks.push((t) => t.trim() === '' || !eqs.some((eq) => eq(t)));
  }
  if (test.matches !== undefined) {
    // Case-insensitive, on the first MATCH_INPUT_LIMIT characters, in linear time (see regex.ts).
    const matches = compileMatch(test.matches, `${path}.matches`);
    checks.push((t: string) => t.trim() !== '' && matches(t));
  }
  for (const op of ['gte', 'gt', 'lte', 'lt'] as const) {
    const bound = test[op];
    if (bound === undefined) continue;
    const compare = ordered(op);
    if (typeof bound === 'number') {
      checks.push((t) => {
        const n = t.trim() === '' ? NaN : parseAmount(t, mark);
        return !Number.isNaN(n) && compare(n, bound);
      });
    } else {
      const day = parseDate(bound, dateOrder);
      const number = parseAmount(bound, mark);
      if (!Number.isNaN(day)) {
        checks.push((t) => {
          const d = t.trim() === '' ? NaN : parseDate(t, dateOrder);
          return !Number.isNaN(d) && compare(d, day);
        });
      } else if (!Number.isNaN(number)) {
        checks.push((t) => {
          const n = t.trim() === '' ? NaN : parseAmount(t, mark);
          return !Number.isNaN(n) && compare(n, number);
        });
      } else {
        throw new UsageError(`${path}.${op}: expected a number or a date, got ${JSON.stringify(bound)}`);
      }
    }
  }
  if (test.present) checks.push((t) => t.trim() !== '');
  if (test.empty) checks.push((t) => t.trim() === '');
  if (test.withinDays !== undefined) {
    const oldest = asOf - test.withinDays;
    checks.push((t) => {
      const d = t.trim() === '' ? NaN : parseDate(t, dateOrder);
      return !Number.isNaN(d) && d >= oldest;
    });
  }
  // Every test is a function of the cell's text alone: remembered per distinct text.
  if (checks.length === 1) return memo(checks[0]!);
  return memo((t) => checks.every((c) => c(t)));
}

/** Values seen more than this many distinct times are not remembered (an email column). */
const MEMO_LIMIT = 4096;

/**
 * A test remembered per distinct cell text: columns such as sources, job titles or company sizes
 * repeat a few thousand values over a million rows, so each value is tested once. Once the memo
 * is full, it is no longer asked when the texts it has missed since (past MEMO_LIMIT of them)
 * outnumber all it has found: in a column of distinct values (emails) each lookup only costs a
 * hash of the text (docs/performance.md, "Numbers behind the code").
 */
function memo<T>(f: (text: string) => T): (text: string) => T {
  const seen = new Map<string, T>();
  let hits = 0;
  let misses = 0;
  let useful = true;
  return (text) => {
    if (!useful) return f(text);
    let value = seen.get(text);
    if (value !== undefined) {
      hits++;
      return value;
    }
    value = f(text);
    if (seen.size < MEMO_LIMIT) seen.set(text, value);
    else if (++misses > MEMO_LIMIT && misses > hits) useful = false;
    return value;
  };
}

/**
 * A test remembered per code of a coded column. The memo starts afresh for another table's values;
 * values added to a table after its first test are tested each time.
 */
function byCode<S>(coded: Coded<S>, test: (text: string) => boolean): Predicate<S> {
  let values: readonly string[] | undefined;
  // Per code: 0 not tested yet, 1 false, 2 true.
  let known = new Uint8Array(0);
  return (s) => {
    const list = coded.values(s);
    if (list !== values) {
      values = list;
      known = new Uint8Array(list.length);
    }
    const c = coded.code(s);
    const seen = known[c];
    if (seen === 2) return true;
    if (seen === 1) return false;
    const result = test(list[c]!);
    if (c < known.length) known[c] = result ? 2 : 1;
    return result;
  };
}

function ordered(op: 'gte' | 'gt' | 'lte' | 'lt'): (a: number, b: number) => boolean {
  switch (op) {
    case 'gte':
      return (a, b) => a >= b;
    case 'gt':
      return (a, b) => a > b;
    case 'lte':
      return (a, b) => a <= b;
    case 'lt':
      return (a, b) => a < b;
  }
}

/** Every field name a condition reads (for planning which columns to keep). */
export function conditionFields(when: Condition): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'all' || key === 'any') for (const c of value as Condition[]) out.push(...conditionFields(c));
    else if (key === 'not') out.push(...conditionFields(value as Condition));
    else out.push(key);
  }
  return out;
}

/**
 * Every field a condition compares as a number: a number in `eq`, `ne`, `in` or `notIn`, or a
 * `gte`/`gt`/`lte`/`lt` bound that is a number (or text that reads as one, not as a date). Their
 * columns' decimal marks are decided before classifying (data/value-columns.ts, conditionMarks).
 */
export function numberFields(when: Condition): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'all' || key === 'any') for (const c of value as Condition[]) out.push(...numberFields(c));
    else if (key === 'not') out.push(...numberFields(value as Condition));
    else if (comparesNumbers(value as Test)) out.push(key);
  }
  return out;
}

function comparesNumbers(test: Test): boolean {
  const scalars = [test.eq, test.ne, ...(test.in ?? []), ...(test.notIn ?? [])];
  if (scalars.some((v) => typeof v === 'number')) return true;
  return [test.gte, test.gt, test.lte, test.lt].some(
    (bound) => typeof bound === 'number' || (typeof bound === 'string' && Number.isNaN(parseDate(bound, 'mdy')) && !Number.isNaN(parseAmount(bound))),
  );
}
