import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { MATCH_INPUT_LIMIT, compileCondition, conditionFields, numberFields, type CompileContext, type Predicate } from '../src/rubric/conditions.js';
import { dayNumber, type DateOrder } from '../src/data/normalize.js';
import { UsageError } from '../src/errors.js';
import type { Condition, Test } from '../src/rubric/schema.js';

/** A row of a CSV file: header → cell text. A header that is absent reads as missing. */
type Row = Record<string, string>;

const AS_OF = dayNumber(2025, 3, 31);

function compile(when: Condition, options: Partial<CompileContext<Row>> = {}): Predicate<Row> {
  return compileCondition<Row>(when, {
    field: (name) => (row) => row[name] ?? '',
    asOf: AS_OF,
    dateOrder: 'mdy',
    path: 'disqualified',
    ...options,
  });
}

/** The cells among `values` that pass `test` on one field. */
function passing(test: Test, values: readonly string[], dateOrder: DateOrder = 'mdy'): string[] {
  const predicate = compile({ f: test }, { dateOrder });
  return values.filter((value) => predicate({ f: value }));
}

/** The message of the UsageError `f` throws (fails when it throws anything else, or nothing). */
function usageError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

describe('compileCondition: equality', () => {
  it('eq is case-insensitive and trimmed, and whole-value', () => {
    expect(passing({ eq: 'Web' }, ['Web', ' web ', 'WEB', 'Webinar', 'the web', ''])).toEqual(['Web', ' web ', 'WEB']);
    expect(passing({ eq: ' Web ' }, ['web'])).toEqual(['web']);
  });

  it('eq: true matches the boolean spellings of true, eq: false those of false', () => {
    const cells = ['true', 'TRUE', 'yes', 'Y', '1', 'x', 'X', 'false', 'no', '0', 'maybe', ''];
    expect(passing({ eq: true }, cells)).toEqual(['true', 'TRUE', 'yes', 'Y', '1', 'x', 'X']);
    expect(passing({ eq: false }, cells)).toEqual(['false', 'no', '0']);
  });

  it('eq with a number compares amounts by value', () => {
    expect(passing({ eq: 50 }, ['50', '50.0', '$50.00', ' 50 ', '50,00', '500', '5', 'fifty', ''])).toEqual(['50', '50.0', '$50.00', ' 50 ', '50,00']);
    expect(passing({ eq: 0 }, ['0', '$0.00', ''])).toEqual(['0', '$0.00']);
    expect(passing({ eq: -1250.5 }, ['(1,250.50)', '-1250.5', '1250.5'])).toEqual(['(1,250.50)', '-1250.5']);
  });

  it('eq with text that looks like a number still compares text', () => {
    expect(passing({ eq: '1' }, ['1', ' 1', '1.0', 'yes'])).toEqual(['1', ' 1']);
  });

  it('ne is the negation of eq, and a missing value is not equal', () => {
    expect(passing({ ne: 'Web' }, ['web', ' WEB ', 'Phone', ''])).toEqual(['Phone', '']);
    expect(passing({ ne: true }, ['yes', 'x', 'no', '', 'maybe'])).toEqual(['no', '', 'maybe']);
    expect(passing({ ne: 50 }, ['50.0', '49', ''])).toEqual(['49', '']);
  });

  it('in matches any listed value, case-insensitive and trimmed', () => {
    const test = { in: ['Web', 'Phone Inquiry'] };
    expect(passing(test, ['web', ' phone inquiry ', 'PHONE INQUIRY', 'Phone', 'Other', ''])).toEqual(['web', ' phone inquiry ', 'PHONE INQUIRY']);
  });

  it('in with numbers and booleans compares those by value', () => {
    expect(passing({ in: ['Hot', 5, true] }, ['hot', '5', '5.00', 'yes', 'x', 'no', '6', ''])).toEqual(['hot', '5', '5.00', 'yes', 'x']);
  });

  it('in never matches a missing value, even when the list holds an empty text', () => {
    expect(passing({ in: ['', 'a'] }, ['', '  ', 'a'])).toEqual(['a']);
  });

  it('notIn passes anything not listed, and a missing value', () => {
    expect(passing({ notIn: ['UNQUALIFIED', 'Bad Timing'] }, ['unqualified', ' bad timing', 'OPEN', ''])).toEqual(['OPEN', '']);
    expect(passing({ notIn: [0, false] }, ['0', '$0.00', 'no', '1', ''])).toEqual(['1', '']);
  });
});

describe('compileCondition: matches', () => {
  it('is a case-insensitive JavaScript regex, anywhere in the value unless anchored', () => {
    const test = { matches: '\\b(vp|director|head|chief|founder)\\b' };
    expect(passing(test, ['VP Sales', 'Head of Growth', 'Co-Founder', 'SVP', 'Headhunter', ''])).toEqual(['VP Sales', 'Head of Growth', 'Co-Founder']);
    expect(passing({ matches: '^vp' }, ['vp', 'svp'])).toEqual(['vp']);
    expect(passing({ matches: '@(gmail|yahoo|hotmail)\\.' }, ['a@GMAIL.com', 'a@gmail-corp.io', 'a@acme.com'])).toEqual(['a@GMAIL.com']);
  });

  it('fails a missing or blank value even when the pattern matches empty text', () => {
    expect(passing({ matches: '.*' }, ['', '   ', 'a'])).toEqual(['a']);
  });

  it(`looks only at the first ${MATCH_INPUT_LIMIT} characters of a cell`, () => {
    const long = `${'a'.repeat(MATCH_INPUT_LIMIT)}needle`;
    expect(passing({ matches: 'needle' }, [long])).toEqual([]);
    expect(passing({ matches: 'needle' }, [`needle${long}`])).toHaveLength(1);
  });

  it('a bad regular expression is a UsageError naming the rubric path', () => {
    const message = usageError(() => compile({ 'Job Title': { matches: '(vp|director' } }, { path: 'score.signals[0].when' }));
    expect(message).toMatch(/^score\.signals\[0\]\.when\.Job Title\.matches: not a valid regular expression: /);
    const nested = usageError(() => compile({ any: [{ a: { eq: 'x' } }, { not: { b: { matches: '[' } } }] }, { path: 'channels[2].when' }));
    expect(nested).toMatch(/^channels\[2\]\.when\.any\[1\]\.not\.b\.matches: not a valid regular expression/);
  });
});

describe('compileCondition: order tests', () => {
  it('gte, gt, lte, lt compare numbers as amounts', () => {
    const cells = ['49.99', '50', '$50.00', '1,000', '(60)', 'fifty', ''];
    expect(passing({ gte: 50 }, cells)).toEqual(['50', '$50.00', '1,000']);
    expect(passing({ gt: 50 }, cells)).toEqual(['1,000']);
    expect(passing({ lte: 50 }, cells)).toEqual(['49.99', '50', '$50.00', '(60)']);
    expect(passing({ lt: 50 }, cells)).toEqual(['49.99', '(60)']);
  });

  it('a bound written as numeric text compares numbers', () => {
    expect(passing({ gte: '50' }, ['49', '50', '1.000,00'])).toEqual(['50', '1.000,00']);
  });

  it('a bound written as a date compares calendar dates in any supported form', () => {
    const cells = ['2024-12-31', '2025-01-01', '2025-01-01T23:59:00-08:00', '12/31/2024', '1/2/2025', '20250101', 'Jan 1, 2025', 'soon', ''];
    expect(passing({ gte: '2025-01-01' }, cells)).toEqual(['2025-01-01', '2025-01-01T23:59:00-08:00', '1/2/2025', '20250101', 'Jan 1, 2025']);
    expect(passing({ gt: '2025-01-01' }, cells)).toEqual(['1/2/2025']);
    expect(passing({ lte: '2025-01-01' }, cells)).toEqual(['2024-12-31', '2025-01-01', '2025-01-01T23:59:00-08:00', '12/31/2024', '20250101', 'Jan 1, 2025']);
    expect(passing({ lt: '2025-01-01' }, cells)).toEqual(['2024-12-31', '12/31/2024']);
  });

  it('reads a two-way bound and cells in the date order it is given', () => {
    // 1/2/2025 is 1 February day first, 2 January month first.
    expect(passing({ gte: '1/2/2025' }, ['15/1/2025', '3/2/2025'], 'dmy')).toEqual(['3/2/2025']);
    expect(passing({ gte: '1/2/2025' }, ['1/15/2025', '2/1/2025'], 'mdy')).toEqual(['1/15/2025', '2/1/2025']);
  });

  it('a bound that is neither a number nor a date is a UsageError naming the path', () => {
    expect(usageError(() => compile({ created: { gte: 'last week' } }))).toBe('disqualified.created.gte: expected a number or a date, got "last week"');
  });

  it('several tests on one field must all hold', () => {
    expect(passing({ gte: 10, lt: 20 }, ['9', '10', '19.99', '20', ''])).toEqual(['10', '19.99']);
    expect(passing({ present: true, notIn: ['n/a'] }, ['x', 'N/A', ''])).toEqual(['x']);
  });

  it('agrees with plain comparison on any pair of integers', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), (cell, bound) => {
        const row = { f: cell.toLocaleString('en-US') };
        expect(compile({ f: { gte: bound } })(row)).toBe(cell >= bound);
        expect(compile({ f: { gt: bound } })(row)).toBe(cell > bound);
        expect(compile({ f: { lte: bound } })(row)).toBe(cell <= bound);
        expect(compile({ f: { lt: bound } })(row)).toBe(cell < bound);
      }),
    );
  });
});

describe('compileCondition: numbers read with the column\'s decimal mark', () => {
  it('probability: { lt: 0.5 } holds for 0.125 (a leading 0 proves a decimal point, whatever the column)', () => {
    // Before per-column formats 0.125 read as 125.
    expect(passing({ lt: 0.5 }, ['0.125', '0,125', '0.5', '0.75', '12.5'])).toEqual(['0.125', '0,125']);
    expect(compile({ probability: { lt: 0.5 } }, { decimal: () => ',' })({ probability: '0.125' })).toBe(true);
  });

  it('reads the ambiguous 99.999 and 1,234 with the mark the column decided', () => {
    const point = (name: string) => (name === 'p' ? '.' : undefined);
    const comma = (name: string) => (name === 'p' ? ',' : undefined);
    expect(compile({ p: { lt: 100 } }, { decimal: point })({ p: '99.999' })).toBe(true);
    expect(compile({ p: { lt: 100 } }, { decimal: comma })({ p: '99.999' })).toBe(false);
    expect(compile({ p: { lt: 100 } }, { decimal: comma })({ p: '99,999' })).toBe(true);
    expect(compile({ p: { eq: 1.234 } }, { decimal: point })({ p: '1.234' })).toBe(true);
    expect(compile({ p: { in: [1234] } }, { decimal: point })({ p: '1,234' })).toBe(true);
    expect(compile({ p: { ne: 1.234 } }, { decimal: comma })({ p: '1,234' })).toBe(false);
    // Another field keeps the reading of a value alone (thousands).
    expect(compile({ q: { lt: 100 } }, { decimal: point })({ q: '99.999' })).toBe(false);
  });
});

describe('numberFields', () => {
  it('lists the fields a condition compares as numbers, and no others', () => {
    const when: Condition = {
      probability: { lt: 0.5 },
      amount: { gte: '1000' },
      created: { gte: '2025-01-01' },
      source: { eq: 'Web' },
      any: [{ size: { in: ['small', 10] } }, { not: { score: { ne: 3 } } }],
      flag: { eq: true },
    };
    expect(numberFields(when).sort()).toEqual(['amount', 'probability', 'score', 'size']);
  });
});

describe('compileCondition: presence and age', () => {
  it('present and empty treat blank text as missing', () => {
    expect(passing({ present: true }, ['a', '0', ' ', ''])).toEqual(['a', '0']);
    expect(passing({ empty: true }, ['a', '0', ' ', ''])).toEqual([' ', '']);
  });

  it('withinDays: a date no older than N days before the as-of date (2025-03-31)', () => {
    const cells = ['2025-03-31', '2025-03-01', '2025-02-28', '3/1/2025', '2024-03-31', 'yesterday', ''];
    expect(passing({ withinDays: 30 }, cells)).toEqual(['2025-03-31', '2025-03-01', '3/1/2025']);
    expect(passing({ withinDays: 0 }, ['2025-03-31', '2025-03-30'])).toEqual(['2025-03-31']);
    // A date after the as-of date is not older than anything, so it passes.
    expect(passing({ withinDays: 7 }, ['2025-04-10'])).toEqual(['2025-04-10']);
  });

  it('withinDays counts from the as-of date it is given', () => {
    const predicate = compile({ f: { withinDays: 10 } }, { asOf: dayNumber(2024, 1, 11) });
    expect(predicate({ f: '2024-01-01' })).toBe(true);
    expect(predicate({ f: '2023-12-31' })).toBe(false);
  });
});

describe('compileCondition: missing values', () => {
  // Every test, with a value the present cell `Web` / `2025-03-30` / `60` may or may not meet.
  const tests: [name: string, test: Test, passesMissing: boolean][] = [
    ['eq', { eq: 'Web' }, false],
    ['eq true', { eq: true }, false],
    ['eq false', { eq: false }, false],
    ['eq number', { eq: 0 }, false],
    ['ne', { ne: 'Web' }, true],
    ['in', { in: ['Web'] }, false],
    ['in numbers', { in: [0] }, false],
    ['notIn', { notIn: ['Web'] }, true],
    ['matches', { matches: '.*' }, false],
    ['gte', { gte: 0 }, false],
    ['gt', { gt: -1 }, false],
    ['lte', { lte: 0 }, false],
    ['lt', { lt: 1 }, false],
    ['gte date', { gte: '1900-01-01' }, false],
    ['lt date', { lt: '2100-01-01' }, false],
    ['present', { present: true }, false],
    ['empty', { empty: true }, true],
    ['withinDays', { withinDays: 100000 }, false],
  ];

  it.each(tests)('%s: an empty cell, an absent column and a field not in the file', (_name, test, passesMissing) => {
    expect(compile({ f: test })({ f: '' })).toBe(passesMissing);
    expect(compile({ f: test })({ f: '   ' })).toBe(passesMissing);
    expect(compile({ f: test })({})).toBe(passesMissing);
    expect(compile({ f: test }, { field: () => undefined })({ f: 'ignored' })).toBe(passesMissing);
  });
});

describe('compileCondition: combining', () => {
  it('every field of a condition must hold', () => {
    const predicate = compile({ source: { eq: 'Web' }, 'Number of Employees': { gte: 50 } });
    expect(predicate({ source: 'web', 'Number of Employees': '120' })).toBe(true);
    expect(predicate({ source: 'web', 'Number of Employees': '12' })).toBe(false);
    expect(predicate({ source: 'phone', 'Number of Employees': '120' })).toBe(false);
  });

  it('all, any and not nest', () => {
    const predicate = compile({
      any: [{ a: { eq: 'x' } }, { all: [{ b: { present: true } }, { not: { c: { eq: 'no' } } }] }],
    });
    expect(predicate({ a: 'X' })).toBe(true);
    expect(predicate({ b: '1' })).toBe(true);
    expect(predicate({ b: '1', c: 'NO' })).toBe(false);
    expect(predicate({ c: 'no' })).toBe(false);
    expect(predicate({})).toBe(false);
  });

  it('combinators sit beside field tests and all must hold', () => {
    const predicate = compile({ status: { empty: true }, any: [{ reason: { present: true } }, { stage: { eq: 'Lost' } }] });
    expect(predicate({ reason: 'Price' })).toBe(true);
    expect(predicate({ stage: 'lost' })).toBe(true);
    expect(predicate({ status: 'Open', reason: 'Price' })).toBe(false);
    expect(predicate({})).toBe(false);
  });

  it('not of a test that fails on a missing value passes it', () => {
    expect(compile({ not: { f: { eq: 'Web' } } })({})).toBe(true);
  });

  it('empty all holds and empty any does not', () => {
    expect(compile({ all: [] })({})).toBe(true);
    expect(compile({ any: [] })({})).toBe(false);
  });

  it('agrees with boolean algebra on random trees', () => {
    type Tree = { leaf: boolean } | { all: Tree[] } | { any: Tree[] } | { not: Tree };
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ leaf: fc.boolean() }),
        fc.record({ all: fc.array(tie('tree'), { maxLength: 3 }) }),
        fc.record({ any: fc.array(tie('tree'), { maxLength: 3 }) }),
        fc.record({ not: tie('tree') }),
      ),
    }));
    const toCondition = (t: Tree): Condition =>
      'leaf' in t ? { f: { eq: t.leaf ? 'yes' : 'no' } } : 'all' in t ? { all: t.all.map(toCondition) } : 'any' in t ? { any: t.any.map(toCondition) } : { not: toCondition(t.not) };
    const evaluate = (t: Tree): boolean =>
      'leaf' in t ? t.leaf : 'all' in t ? t.all.every(evaluate) : 'any' in t ? t.any.some(evaluate) : !evaluate(t.not);
    fc.assert(
      fc.property(tree, (t) => {
        expect(compile(toCondition(t))({ f: 'YES' })).toBe(evaluate(t));
      }),
    );
  });
});

describe('compileCondition: remembered tests', () => {
  it('give the same answers past the memo\'s limit, when it stops being asked (a column of distinct emails)', () => {
    const test = compile({ email: { matches: '@gmail\\.' } });
    const emails = Array.from({ length: 12_000 }, (_, i) => (i % 7 === 0 ? `p${i}@GMAIL.com` : `p${i}@corp${i % 5}.com`));
    const again = [...emails.slice(0, 50), ...emails.slice(-50)];
    for (const email of [...emails, ...again]) expect(test({ email })).toBe(/@gmail\./i.test(email));
  });
});

describe('compileCondition: a coded field (tests remembered per code)', () => {
  /** A subject over a column of repeated text: the row's index into `codes`, whose entries index `values`. */
  type CodedRow = { values: string[]; codes: number[]; i: number };
  const coded = (when: Condition) =>
    compileCondition<CodedRow>(when, {
      field: () =>
        Object.assign((s: CodedRow) => s.values[s.codes[s.i]!]!, { coded: { code: (s: CodedRow) => s.codes[s.i]!, values: (s: CodedRow) => s.values } }),
      asOf: AS_OF,
      dateOrder: 'mdy',
      path: 'disqualified',
    });

  it('gives what the test gives on the text, for values coded after the first test and for another table', () => {
    const test = coded({ f: { in: ['web', 'ads'] } });
    const table = { values: ['Web', 'email'], codes: [0, 1, 0], i: 0 };
    expect([0, 1, 2].map((i) => test({ ...table, i }))).toEqual([true, false, true]);
    table.values.push('ADS');
    table.codes.push(2);
    expect(test({ ...table, i: 3 })).toBe(true);
    expect(test({ ...table, i: 3 })).toBe(true);
    // Another table's code 0 is another value: nothing remembered from the first one applies.
    expect(test({ values: ['email'], codes: [0], i: 0 })).toBe(false);
    expect(test({ ...table, i: 0 })).toBe(true);
  });

  it('agrees with the same test on plain text, for any values and rows', () => {
    const values = fc.uniqueArray(fc.constantFrom('web', 'Web ', 'ads', '', 'EMAIL', 'x', '12', '60'), { minLength: 1 });
    fc.assert(
      fc.property(values, fc.array(fc.nat()), fc.constantFrom<Test>({ eq: 'web' }, { in: ['ads', 'email'] }, { gte: 50 }, { present: true }, { matches: '^e' }), (list, rows, t) => {
        const codes = rows.map((r) => r % list.length);
        const byCode = coded({ f: t });
        const byText = compile({ f: t });
        codes.forEach((_, i) => expect(byCode({ values: list, codes, i })).toBe(byText({ f: list[codes[i]!]! })));
      }),
    );
  });
});

describe('conditionFields', () => {
  it('lists every field a condition reads, through all, any and not, in order', () => {
    const when: Condition = {
      source: { eq: 'Web' },
      any: [{ 'Job Title': { matches: 'vp' } }, { all: [{ created: { withinDays: 30 } }, { source: { present: true } }] }],
      not: { 'Lead Status': { in: ['UNQUALIFIED'] } },
    };
    expect(conditionFields(when)).toEqual(['source', 'Job Title', 'created', 'source', 'Lead Status']);
  });

  it('is empty for a condition with no fields', () => {
    expect(conditionFields({})).toEqual([]);
    expect(conditionFields({ all: [], any: [] })).toEqual([]);
  });
});
