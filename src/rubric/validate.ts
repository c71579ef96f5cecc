/**
 * Rubric validation (docs/rubric.md#what-is-refused): the zod schema checks the parsed file, and
 * every problem comes back as one line naming its path, with a "did you mean" where a key is
 * misspelt. Loaded only when there is a rubric file to read.
 */
import { UsageError, didYouMean } from '../errors.js';
import { DEAL_FIELDS, LEAD_FIELDS } from './fields.js';
import { compileMatch } from './regex.js';
import { rubricSchema, type Condition, type RubricInput } from './schema.js';
import type * as z from 'zod';

/** Validates parsed rubric data; every problem comes back as one line naming its path. */
export function validateRubric(data: unknown, file: string): RubricInput {
  checkShape(data, file);
  const result = rubricSchema.safeParse(data, { reportInput: true });
  if (result.success) {
    checkConditionTests(result.data, file);
    return result.data;
  }
  const lines = result.error.issues.map((issue) => `${file}: ${describeIssue(issue, data)}`);
  throw new UsageError(lines.join('\n'));
}

/** Deeper than any rubric needs; a deeper one is refused before the schema recurses into it. */
export const MAX_DEPTH = 64;

/**
 * Keys that reach an object's prototype in JavaScript: a condition on `__proto__` used to vanish
 * in validation and leave an empty condition, true for every lead. No rubric key, field or column
 * may be named so.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Walks the parsed data (without recursion, so depth cannot overflow the stack) and refuses
 * nesting deeper than MAX_DEPTH and keys that name a prototype, with the path of the first.
 */
function checkShape(data: unknown, file: string): void {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (path.length > MAX_DEPTH) throw new UsageError(`${file}: ${formatPath(path.slice(0, 6))}…: nested more than ${MAX_DEPTH} levels deep`);
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
      continue;
    }
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) throw new UsageError(`${file}: ${formatPath([...path, key])}: "${key}" cannot be a key, field or column name in a rubric`);
      stack.push({ value: (value as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
}

type Issue = z.core.$ZodIssue;

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const step of path) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(step))) out += out === '' ? String(step) : `.${String(step)}`;
    else out += `[${JSON.stringify(String(step))}]`;
  }
  return out === '' ? '(top level)' : out;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeIssue(issue: Issue, data: unknown): string {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(issue.path);
      return issue.keys.map((key) => `${at}: unknown key "${key}"${didYouMean(key, known)}`).join('; ');
    }
    case 'invalid_type': {
      const got = 'input' in issue ? show(issue.input) : 'something else';
      return `${at}: expected ${typeName(issue.expected)}, got ${got}`;
    }
    case 'invalid_value': {
      const choices = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, choices) : '';
      return `${at}: expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of: ${issue.values.join(', ')}`}, got ${show(issue.input)}${hint}`;
    }
    case 'invalid_union': {
      // Explain the branch that fits the value's shape (a list vs an object), not every branch.
      const value = valueAt(data, issue.path);
      const branches = issue.errors.filter((errors) => !errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
      if (branches.length === 0) {
        // No branch takes a value of this type (a number for a column name): name every type that would do.
        const types = issue.errors.flat().flatMap((e) => (e.code === 'invalid_type' && e.path.length === 0 ? [typeName(e.expected)] : []));
        return `${at}: expected ${[...new Set(types)].join(' or ')}, got ${show(value)}`;
      }
      const branch = branches.find((errors) => errors.length > 0) ?? (Array.isArray(value) ? issue.errors[0] : issue.errors[issue.errors.length - 1]);
      const inner = branch?.[0];
      if (inner) return describeIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue, data);
      return `${at}: ${issue.message}`;
    }
    default:
      return `${at}: ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}

/** `a number`, `text`, `a list`, … for zod's expected type names. */
function typeName(expected: string): string {
  const names: Record<string, string> = {
    number: 'a number',
    // zod 4 reports .int() on a fraction as an invalid type "int".
    int: 'a whole number',
    string: 'text',
    array: 'a list',
    object: 'an object',
    boolean: 'a boolean',
  };
  return names[expected] ?? expected;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = data;
  for (const step of path) value = value === null || typeof value !== 'object' ? undefined : (value as Record<PropertyKey, unknown>)[step];
  return value;
}

const TEST_KEYS = ['eq', 'ne', 'in', 'notIn', 'matches', 'gte', 'gt', 'lte', 'lt', 'present', 'empty', 'withinDays'];
const STAGE_KEYS = ['key', 'label', 'side', 'stallAfterDays', 'reachedWhen'];

/** Valid keys at a path, for "did you mean" (a small table beats walking zod's internals). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  const p = path.filter((s) => typeof s !== 'number').map(String);
  const last = p[p.length - 1];
  const top = ['version', 'preset', 'dateOrder', 'leads', 'deals', 'join', 'channels', 'stages', 'disqualified', 'score', 'alerts'];
  if (p.length === 0) return top;
  if (p.length === 1 && last === 'leads') return ['columns', 'dateOrder'];
  if (p.length === 1 && last === 'deals') return ['columns', 'dateOrder', 'won', 'lost', 'stages'];
  if (p.join('.') === 'leads.columns') return [...LEAD_FIELDS];
  if (p.join('.') === 'deals.columns') return [...DEAL_FIELDS];
  if (p.join('.') === 'deals.stages') return ['value', 'label', 'stallAfterDays', 'enteredDate'];
  if (p.join('.') === 'stages') return STAGE_KEYS;
  // Whole paths: a condition may test a column called `score` or `channels`.
  const at = p.join('.');
  if (at === 'stages.reachedWhen') return ['date', 'status', 'deal', 'when'];
  if (at === 'join') return ['lead', 'deal'];
  if (at === 'score') return ['signals', 'grades', 'qualifiedGrade'];
  if (at === 'score.signals') return ['name', 'points', 'when'];
  if (at === 'channels') return ['name', 'when'];
  if (at === 'alerts') return ['report', 'metric', 'stage', 'row', 'below', 'above', 'minLeads'];
  return TEST_KEYS;
}

/** zod cannot tell a misspelt combinator (`alll`) from a field name; an empty test object is the tell. */
function checkConditionTests(rubric: RubricInput, file: string): void {
  const visit = (when: Condition | undefined, path: string): void => {
    if (when === undefined) return;
    for (const [field, test] of Object.entries(when)) {
      if (field === 'all' || field === 'any') (test as Condition[]).forEach((c, i) => visit(c, `${path}.${field}[${i}]`));
      else if (field === 'not') visit(test as Condition, `${path}.not`);
      else if (test !== undefined) {
        const at = `${file}: ${path}${formatPath([field]).replace(/^(?!\[)/, '.')}`;
        if (Object.keys(test).length === 0) throw new UsageError(`${at}: a test needs one of: ${TEST_KEYS.join(', ')}`);
        // A pattern that is not a regex, or could run for minutes on one cell, is a rubric error (regex.ts).
        const pattern = (test as { matches?: unknown }).matches;
        if (typeof pattern === 'string') compileMatch(pattern, `${at}.matches`);
      }
    }
  };
  rubric.channels?.forEach((c, i) => visit(c.when, `channels[${i}].when`));
  rubric.stages?.forEach((s, i) => visit(s.reachedWhen?.when, `stages[${i}].reachedWhen.when`));
  visit(rubric.disqualified, 'disqualified');
  rubric.score?.signals?.forEach((s, i) => visit(s.when, `score.signals[${i}].when`));
  if (rubric.deals?.won && !Array.isArray(rubric.deals.won)) visit(rubric.deals.won, 'deals.won');
  if (rubric.deals?.lost && !Array.isArray(rubric.deals.lost)) visit(rubric.deals.lost, 'deals.lost');
}

