/**
 * Rubric conditions (docs/rubric.md#conditions) as SQL expressions, with the same meaning as the
 * JS predicates of src/rubric/conditions.ts: every test reads a field as text ('' when missing),
 * and the number and date tests read it through the column's parsed value. Each expression is
 * TRUE or FALSE, never NULL, so `not` and `ne` cannot be fooled by a missing value.
 */
import { UsageError } from '../../errors.js';
import { parseAmount, parseDate, type DateOrder } from '../../data/normalize.js';
import { MATCH_INPUT_LIMIT, compileMatch } from '../../rubric/regex.js';
import type { Condition, Test } from '../../rubric/schema.js';
import { portablePattern } from './regex.js';
import { and, bin, bool, call, eq, inList, matches, not, notNull, NULL, num, or, text, type Expr } from './tree.js';
import { booleanOf, lower, trim } from './values.js';

/** How a condition reads one field, by name; undefined when there is no such field (it reads as missing). */
export interface FieldSql {
  /** The cell as text, '' when missing. */
  readonly text: Expr;
  /** The cell as a number in its column's decimal mark (NULL when not one), for fields compared as numbers. */
  readonly number?: Expr;
  /** The cell as a day number (NULL when not a date), for fields compared as dates. */
  readonly day?: Expr;
}

export interface ConditionContext {
  readonly field: (name: string) => FieldSql | undefined;
  readonly asOf: number;
  readonly dateOrder: DateOrder;
  readonly path: string;
}

const MISSING: FieldSql = { text: text(''), number: NULL, day: NULL };


export function conditionSql(when: Condition, ctx: ConditionContext): Expr {
  const parts: Expr[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'all') parts.push(and(...(value as Condition[]).map((c, i) => conditionSql(c, { ...ctx, path: `${ctx.path}.all[${i}]` }))));
    else if (key === 'any') parts.push(or(...(value as Condition[]).map((c, i) => conditionSql(c, { ...ctx, path: `${ctx.path}.any[${i}]` }))));
    else if (key === 'not') parts.push(not(conditionSql(value as Condition, { ...ctx, path: `${ctx.path}.not` })));
    // A field that is not in the file reads as missing everywhere (checked earlier for user rubrics).
    else parts.push(testSql(value as Test, ctx.field(key) ?? MISSING, ctx, `${ctx.path}.${key}`));
  }
  return and(...parts);
}

function testSql(test: Test, field: FieldSql, ctx: ConditionContext, path: string): Expr {
  const t = field.text;
  const missing = eq(trim(t), text(''));
  const present = not(missing);
  const numberOf = (): Expr => {
    if (field.number === undefined) throw new Error(`${path}: no number column planned for this field`);
    return field.number;
  };
  const dayOf = (): Expr => {
    if (field.day === undefined) throw new Error(`${path}: no date column planned for this field`);
    return field.day;
  };
  const equals = (expected: string | number | boolean): Expr => {
    // The cell read as a yes or a no (NULL when neither), never NULL here: `ne` negates it.
    if (typeof expected === 'boolean') return call('coalesce', eq(booleanOf(t), bool(expected)), bool(false));
    if (typeof expected === 'number') return and(notNull(numberOf()), eq(numberOf(), num(expected)));
    return eq(lower(trim(t)), text(expected.trim().toLowerCase()));
  };
  const checks: Expr[] = [];
  if (test.eq !== undefined) checks.push(and(present, equals(test.eq)));
  if (test.ne !== undefined) checks.push(or(missing, not(equals(test.ne))));
  if (test.in !== undefined) {
    const strings = test.in.every((v) => typeof v === 'string');
    checks.push(and(present, strings ? inList(lower(trim(t)), [...new Set(test.in.map((v) => String(v).trim().toLowerCase()))].map(text)) : or(...test.in.map(equals))));
  }
  if (test.notIn !== undefined) checks.push(or(missing, not(or(...test.notIn.map(equals)))));
  if (test.matches !== undefined) {
    // The same refusals as the JS engine first (length, validity), then what SQL cannot say.
    compileMatch(test.matches, `${path}.matches`);
    checks.push(and(present, matches(call('substr', t, num(1), num(MATCH_INPUT_LIMIT)), portablePattern(test.matches, `${path}.matches`))));
  }
  for (const op of ['gte', 'gt', 'lte', 'lt'] as const) {
    const bound = test[op];
    if (bound === undefined) continue;
    const sqlOp = ({ gte: '>=', gt: '>', lte: '<=', lt: '<' } as const)[op];
    if (typeof bound === 'number') {
      checks.push(and(notNull(numberOf()), bin(sqlOp, numberOf(), num(bound))));
      continue;
    }
    const day = parseDate(bound, ctx.dateOrder);
    const number = parseAmount(bound);
    if (!Number.isNaN(day)) checks.push(and(notNull(dayOf()), bin(sqlOp, dayOf(), num(day))));
    else if (!Number.isNaN(number)) {
      // A text bound reads with the column's mark in JS; planned columns are read as numbers already.
      throw new UsageError(`${path}.${op}: a number written as text (${JSON.stringify(bound)}) is not supported by the SQL engines yet; write it as a number`);
    } else throw new UsageError(`${path}.${op}: expected a number or a date, got ${JSON.stringify(bound)}`);
  }
  if (test.present) checks.push(present);
  if (test.empty) checks.push(missing);
  if (test.withinDays !== undefined) checks.push(and(notNull(dayOf()), bin('>=', dayOf(), num(ctx.asOf - test.withinDays))));
  return and(...checks);
}

/** Whether a test reads its field as a date (a date bound, withinDays): its column is planned as one. */
export function comparesDates(test: Test, order: DateOrder): boolean {
  if (test.withinDays !== undefined) return true;
  return [test.gte, test.gt, test.lte, test.lt].some((b) => typeof b === 'string' && !Number.isNaN(parseDate(b, order)));
}

/** Every field a condition reads as a date. */
export function dateFields(when: Condition, order: DateOrder): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(when)) {
    if (value === undefined) continue;
    if (key === 'all' || key === 'any') for (const c of value as Condition[]) out.push(...dateFields(c, order));
    else if (key === 'not') out.push(...dateFields(value as Condition, order));
    else if (comparesDates(value as Test, order)) out.push(key);
  }
  return out;
}
