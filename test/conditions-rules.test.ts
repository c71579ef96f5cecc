/**
 * Rules of rubric conditions (docs/testing.md "Mutation testing"): each test states one rule of
 * compileCondition, conditionFields or numberFields that a mutation of src/rubric/conditions.ts
 * would break. The broader behaviour is in conditions.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileCondition, conditionFields, numberFields, type CompileContext, type Getter, type Predicate } from '../src/rubric/conditions.js';
import { dayNumber } from '../src/data/normalize.js';
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
function passing(test: Test, values: readonly string[]): string[] {
  const predicate = compile({ f: test });
  return values.filter((value) => predicate({ f: value }));
}

/** The message of the UsageError `f` throws. */
function usageError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error('expected a UsageError, nothing was thrown');
}

/** Blank cells: empty, or only spaces (a cell that is only padding is missing). */
const BLANKS = ['', ' ', '   ', '\t'];

describe('a missing cell against the value tests', () => {
  it('eq "" matches no cell: a missing value equals nothing (use `empty` for that)', () => {
    expect(passing({ eq: '' }, BLANKS)).toEqual([]);
    expect(passing({ eq: '   ' }, BLANKS)).toEqual([]);
  });

  it('ne "" passes every missing cell: a missing value differs from everything', () => {
    expect(passing({ ne: '' }, BLANKS)).toEqual(BLANKS);
    expect(passing({ ne: '   ' }, BLANKS)).toEqual(BLANKS);
  });

  it('in [""] holds no missing cell, notIn [""] passes every one', () => {
    expect(passing({ in: [''] }, BLANKS)).toEqual([]);
    expect(passing({ in: ['', 'Web'] }, [...BLANKS, 'web'])).toEqual(['web']);
    expect(passing({ in: ['', 5] }, [...BLANKS, '5'])).toEqual(['5']);
    expect(passing({ notIn: [''] }, BLANKS)).toEqual(BLANKS);
    expect(passing({ notIn: ['', 'Web'] }, [...BLANKS, 'web', 'Ads'])).toEqual([...BLANKS, 'Ads']);
  });

  it('property: a blank cell fails eq and in, and passes ne and notIn, whatever the expected text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BLANKS), fc.string({ maxLength: 6 }), (blank, text) => {
        expect(passing({ eq: text }, [blank])).toEqual([]);
        expect(passing({ in: [text] }, [blank])).toEqual([]);
        expect(passing({ ne: text }, [blank])).toEqual([blank]);
        expect(passing({ notIn: [text] }, [blank])).toEqual([blank]);
      }),
    );
  });
});

describe('in compares list entries as eq does', () => {
  it('an in entry with spaces around it is trimmed, as eq trims its value', () => {
    expect(passing({ in: [' Web ', 'ADS  '] }, ['web', 'Ads', 'Email'])).toEqual(['web', 'Ads']);
  });

  it('property: in [v] passes exactly the cells eq v passes', () => {
    const text = fc.stringMatching(/^ ?[A-Za-z]{0,3} ?$/);
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 6 }), (v, cells) => {
        expect(passing({ in: [v] }, cells)).toEqual(passing({ eq: v }, cells));
        expect(passing({ notIn: [v] }, cells)).toEqual(passing({ ne: v }, cells));
      }),
    );
  });
});

describe('fields a condition names', () => {
  it('a field whose test is undefined is no test at all: the condition reads as without it', () => {
    const when = { source: undefined, status: { eq: 'open' } } as unknown as Condition;
    const p = compile(when);
    expect(p({ status: 'Open' })).toBe(true);
    expect(p({ status: 'closed' })).toBe(false);
    expect(conditionFields(when)).toEqual(['status']);
    expect(numberFields({ amount: undefined, size: { gte: 50 } } as unknown as Condition)).toEqual(['size']);
  });

  it('numberFields looks inside all, any and not', () => {
    expect(numberFields({ all: [{ amount: { gte: 5 } }, { source: { eq: 'Web' } }] })).toEqual(['amount']);
    expect(numberFields({ any: [{ seats: { lt: '1,000' } }] })).toEqual(['seats']);
    expect(numberFields({ not: { size: { in: ['x', 3] } } })).toEqual(['size']);
  });

  it('conditionFields looks inside all, any and not, in order', () => {
    expect(conditionFields({ all: [{ a: { eq: 1 } }, { any: [{ b: { present: true } }, { not: { c: { empty: true } } }] }] })).toEqual(['a', 'b', 'c']);
  });
});

describe('messages name the condition\'s path', () => {
  it('a bad bound inside all, any or not is named by its place in the rubric', () => {
    const bad = { x: { gte: 'soon' } };
    expect(usageError(() => compile({ all: [{ a: { eq: 1 } }, bad] }, { path: 'channels[0].when' }))).toBe(
      'channels[0].when.all[1].x.gte: expected a number or a date, got "soon"',
    );
    expect(usageError(() => compile({ any: [bad] }, { path: 'p' }))).toBe('p.any[0].x.gte: expected a number or a date, got "soon"');
    expect(usageError(() => compile({ not: bad }, { path: 'p' }))).toBe('p.not.x.gte: expected a number or a date, got "soon"');
  });
});

describe('a coded getter answers as the plain one does', () => {
  /** A getter over one column of repeated text, with the codes conditions remember tests by. */
  function codedColumn(cells: readonly string[]): { get: Getter<number>; values: string[] } {
    const values: string[] = [];
    const codes = cells.map((cell) => {
      const at = values.indexOf(cell);
      if (at >= 0) return at;
      values.push(cell);
      return values.length - 1;
    });
    const get = Object.assign((i: number) => values[codes[i]!]!, { coded: { code: (i: number) => codes[i]!, values: () => values } });
    return { get, values };
  }

  it('property: a test through codes passes the same rows as through text, asked in any order and again', () => {
    const cell = fc.constantFrom('Web', 'web ', 'Ads', '', '12', '1,200', 'x');
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (cells, order) => {
        const { get } = codedColumn(cells);
        const test: Test = { in: ['web', 'ads'], notIn: ['ads'] };
        const coded = compileCondition<number>({ f: test }, { field: () => get, asOf: AS_OF, dateOrder: 'mdy', path: 'p' });
        const plain = compile({ f: test });
        for (const k of order) {
          if (cells.length === 0) break;
          const i = k % cells.length;
          expect(coded(i)).toBe(plain({ f: cells[i]! }));
        }
      }),
    );
  });
});
