/**
 * Rules of reading cell values (README "What the numbers mean"; src/data/normalize.ts): dates,
 * amounts, a column's number format, booleans and missing-value tokens. Each test states one rule
 * that a mutation of normalize.ts would break (docs/testing.md "Mutation testing"); the broader
 * behaviour is in normalize.test.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  NumberEvidence,
  SlashEvidence,
  addNumberEvidence,
  dayNumber,
  decideNumberFormat,
  isoDate,
  missingValueRule,
  noNumberProof,
  numberEvidence,
  numberFormatOf,
  numberFormatWarning,
  parseAmount,
  parseBoolean,
  parseDate,
  readAmount,
  slashEvidence,
  swapDayMonth,
  today,
  type DateOrder,
} from '../src/data/normalize.js';

/** The parsed date as YYYY-MM-DD, or 'NaN'. */
function date(text: string, order?: DateOrder): string {
  const day = parseDate(text, order);
  return Number.isNaN(day) ? 'NaN' : isoDate(day);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

describe('calendar days', () => {
  it('years 1000 to 9999 exist, and no others', () => {
    expect(isoDate(dayNumber(1000, 1, 1))).toBe('1000-01-01');
    expect(isoDate(dayNumber(9999, 12, 31))).toBe('9999-12-31');
    expect(dayNumber(999, 12, 31)).toBeNaN();
    expect(dayNumber(10000, 1, 1)).toBeNaN();
  });

  it('months 1 to 12 and days from 1 exist, and no others', () => {
    expect(dayNumber(2025, 0, 1)).toBeNaN();
    expect(dayNumber(2025, 13, 1)).toBeNaN();
    expect(dayNumber(2025, 1, 0)).toBeNaN();
    expect(dayNumber(2025, -1, 1)).toBeNaN();
    expect(isoDate(dayNumber(2025, 12, 31))).toBe('2025-12-31');
    expect(isoDate(dayNumber(2025, 1, 1))).toBe('2025-01-01');
  });

  it('a year divisible by 4 is leap, by 100 not, by 400 again', () => {
    expect(isoDate(dayNumber(2024, 2, 29))).toBe('2024-02-29');
    expect(dayNumber(2023, 2, 29)).toBeNaN();
    expect(dayNumber(1900, 2, 29)).toBeNaN();
    expect(isoDate(dayNumber(2000, 2, 29))).toBe('2000-02-29');
    expect(dayNumber(2024, 2, 30)).toBeNaN();
  });

  it('property: consecutive calendar days are consecutive day numbers, across months and years', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber(1000, 1, 1), max: dayNumber(9999, 12, 30) }), (n) => {
        const [y, m, d] = isoDate(n).split('-').map(Number) as [number, number, number];
        expect(dayNumber(y, m, d)).toBe(n);
        const [y2, m2, d2] = isoDate(n + 1).split('-').map(Number) as [number, number, number];
        expect(dayNumber(y2, m2, d2)).toBe(n + 1);
      }),
    );
  });

  it('a day with a time of day is its calendar day: isoDate and today round down', () => {
    expect(isoDate(dayNumber(2025, 3, 5) + 0.99)).toBe('2025-03-05');
    expect(isoDate(-0.5)).toBe('1969-12-31');
    expect(today(new Date('2025-03-05T23:59:59Z'))).toBe(dayNumber(2025, 3, 5));
    expect(today(new Date('1969-12-31T12:00:00Z'))).toBe(-1);
  });
});

describe('reading a date', () => {
  it('a YYYY-MM-DD date reads alone, or before a time after a space or T; nothing else may follow', () => {
    expect(date('2025-03-05')).toBe('2025-03-05');
    expect(date('2025-03-05 14:22')).toBe('2025-03-05');
    expect(date('2025-03-05T14:22:07')).toBe('2025-03-05');
    expect(date('2025-03-05 14:22:07.250+02:00')).toBe('2025-03-05');
    expect(date('2025-03-05x')).toBe('NaN');
    expect(date('2025-03-05 14:2x')).toBe('NaN');
    expect(date('2025-03-05 14-22')).toBe('NaN');
    expect(date('2025-03-05 14:22-07')).toBe('2025-03-05');
    expect(date('2025-03-05 14:22:0x')).toBe('NaN');
    expect(date('2025-03-05T14:22 ')).toBe('2025-03-05');
  });

  it('a YYYY-MM-DD date followed by anything but a time is not a date, however close it comes', () => {
    for (const text of [
      '2025x03-05',
      '2025-03x05',
      '2025-03-05x14:22',
      '2025-03-05 ab:cd',
      '2025-03-05 14x22',
      '2025-03-05 14:xx',
      '2025-03-05 14:22x07',
      '2025-03-05 14:22:xx',
      '2025-03-05 14:22:07xyz',
      '2025-03-05T14:22:07 PMx',
    ]) {
      expect(date(text), text).toBe('NaN');
    }
  });

  it('a YYYY-MM-DD date with a character just outside the digits in place of one is not a date', () => {
    for (const text of ['2025-1/-05', '2025-0:-05', '2/25-03-05', '2025-03-1/', '2025-11-1:']) expect(date(text), text).toBe('NaN');
    expect(date('2025-11-10')).toBe('2025-11-10');
    expect(date('2025-12-19 08:30')).toBe('2025-12-19');
  });

  it('a YYYY-MM-DD date with a letter in place of a digit is not a date', () => {
    expect(date('2025-0a-05')).toBe('NaN');
    expect(date('202a-03-05')).toBe('NaN');
    expect(date('2025-03-0a')).toBe('NaN');
    expect(date('2025-03-0/')).toBe('NaN');
    expect(date('2025-03-0:')).toBe('NaN');
  });

  it('property: a YYYY-MM-DD date, with or without a time, reads as the calendar date written', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.constantFrom('', ' 09:15', 'T23:59:59', ' 00:00:00', 'T12:30'),
        (y, m, d, time) => {
          expect(parseDate(`${pad(y, 4)}-${pad(m)}-${pad(d)}${time}`)).toBe(dayNumber(y, m, d));
        },
      ),
    );
  });

  it('ymd reads a date with a two-digit year first; a four-digit last year still reads as a slash date', () => {
    expect(date('24/03/05', 'ymd')).toBe('2024-03-05');
    expect(date('99/12/31', 'ymd')).toBe('1999-12-31');
    expect(date('3/5/2024', 'ymd')).toBe('2024-03-05');
    expect(date('24/03/05', 'mdy')).toBe('2005-03-24');
    // A one-digit first part is no year, and a four-digit last part is one.
    expect(date('3/5/24', 'ymd')).toBe('2024-03-05');
    expect(date('24/03/2005', 'ymd')).toBe('2005-03-24');
  });

  it('a two-digit year below 70 is in the 2000s, from 70 in the 1900s', () => {
    expect(date('1/2/69')).toBe('2069-01-02');
    expect(date('1/2/70')).toBe('1970-01-02');
    expect(date('1/2/00')).toBe('2000-01-02');
  });

  it('a dd/mm date column is read day first; a part over 12 reads the only way it can', () => {
    expect(date('05/03/2024', 'dmy')).toBe('2024-03-05');
    expect(date('05/03/2024', 'mdy')).toBe('2024-05-03');
    expect(date('5/13/2024', 'dmy')).toBe('2024-05-13');
    expect(date('13/5/2024', 'mdy')).toBe('2024-05-13');
    expect(date('12/12/2024', 'dmy')).toBe('2024-12-12');
    expect(date('12/11/2024', 'dmy')).toBe('2024-11-12');
  });

  it('month names are read from three letters on, and a word that is no month is not a date', () => {
    expect(date('5 Sept 2024')).toBe('2024-09-05');
    expect(date('Dec 31, 2024')).toBe('2024-12-31');
    expect(date('5 Ma 2024')).toBe('NaN');
    expect(date('5 Marketing 2024')).toBe('NaN');
    expect(date('Janu 5 2024')).toBe('2024-01-05');
  });

  it('a dotted date is day first, a compact one year first', () => {
    expect(date('05.03.2024', 'mdy')).toBe('2024-03-05');
    expect(date('20240305')).toBe('2024-03-05');
    expect(date('20241305')).toBe('NaN');
  });
});

describe('what a slash date proves about its column', () => {
  it('a first part over 12 proves day first, a second part over 12 month first, both 12 or less nothing', () => {
    expect(slashEvidence('13/12/2024')).toBe(SlashEvidence.DayFirst);
    expect(slashEvidence('12/13/2024')).toBe(SlashEvidence.MonthFirst);
    expect(slashEvidence('12/12/2024')).toBe(SlashEvidence.Ambiguous);
    expect(slashEvidence(' 13/1/24 ')).toBe(SlashEvidence.DayFirst);
  });

  it('a date that exists in neither order proves nothing, nor one that exists in one order only by both parts being over 12', () => {
    expect(slashEvidence('13/13/2024')).toBe(SlashEvidence.None);
    expect(slashEvidence('2/30/2024')).toBe(SlashEvidence.None);
    expect(slashEvidence('30/2/2024')).toBe(SlashEvidence.None);
    expect(slashEvidence('2024-03-05')).toBe(SlashEvidence.None);
  });

  it('a date that exists only read month first proves month first; only day first, day first', () => {
    // 2/29/2023 does not exist, 29/2 neither: nothing. 4/31 does not exist, 31/4 neither.
    expect(slashEvidence('1/31/2024')).toBe(SlashEvidence.MonthFirst);
    expect(slashEvidence('31/1/2024')).toBe(SlashEvidence.DayFirst);
  });

  it('swapping day and month twice gives the date back; a swap that makes no date is NaN', () => {
    const d = dayNumber(2024, 3, 5);
    expect(swapDayMonth(d)).toBe(dayNumber(2024, 5, 3));
    expect(swapDayMonth(swapDayMonth(d))).toBe(d);
    expect(swapDayMonth(dayNumber(2024, 3, 13))).toBeNaN();
  });
});

describe('reading an amount', () => {
  it('one sign at most: parentheses, a leading or trailing minus, or a minus after the currency', () => {
    expect(parseAmount('(5)')).toBe(-5);
    expect(parseAmount('-5')).toBe(-5);
    expect(parseAmount('5-')).toBe(-5);
    expect(parseAmount('$-5')).toBe(-5);
    expect(parseAmount('-$5')).toBe(-5);
    expect(parseAmount('USD -3')).toBe(-3);
    expect(parseAmount('--5')).toBeNaN();
    expect(parseAmount('(-5)')).toBeNaN();
    expect(parseAmount('-5-')).toBeNaN();
    expect(parseAmount('(5)-')).toBeNaN();
    expect(parseAmount('-$-5')).toBeNaN();
    expect(parseAmount('(5')).toBeNaN();
    expect(parseAmount('5)')).toBeNaN();
    expect(parseAmount('(12')).toBeNaN();
    expect(parseAmount('12)')).toBeNaN();
  });

  it('a currency before or after the number is not part of it; other letters are not an amount', () => {
    expect(parseAmount('25000 USD')).toBe(25000);
    expect(parseAmount('R$ 100.000')).toBe(100000);
    expect(parseAmount('100 kr')).toBe(100);
    expect(parseAmount('9,99 €')).toBe(9.99);
    expect(parseAmount('12abc')).toBeNaN();
    expect(parseAmount('US$ 12')).toBe(12);
    expect(parseAmount('12 US')).toBeNaN();
  });

  it('a number starts with a digit and ends with one: a leading or trailing separator is not an amount', () => {
    expect(parseAmount('.5')).toBeNaN();
    expect(parseAmount('5.')).toBeNaN();
    expect(parseAmount('5,')).toBeNaN();
    expect(parseAmount('1,234.')).toBeNaN();
    expect(parseAmount('')).toBeNaN();
    expect(parseAmount('   ')).toBeNaN();
  });

  it('spaces, no-break spaces and apostrophes group digits and are dropped', () => {
    expect(parseAmount("1'234.50")).toBe(1234.5);
    expect(parseAmount('1 234,50')).toBe(1234.5);
    expect(parseAmount('1\u00a0234\u202f567')).toBe(1234567);
  });

  it('with both marks the last is the decimal mark, and the groups before it must be well formed', () => {
    expect(parseAmount('1,234.56')).toBe(1234.56);
    expect(parseAmount('1.234,56')).toBe(1234.56);
    expect(parseAmount('12,34,567.5')).toBe(1234567.5);
    expect(parseAmount('1,2,3.5')).toBeNaN();
    expect(parseAmount('1234,567.5')).toBeNaN();
    expect(parseAmount('1,234.5.6')).toBeNaN();
    expect(parseAmount('1.234,5,6')).toBeNaN();
    expect(parseAmount(',234.5')).toBeNaN();
  });

  it('a repeated lone separator groups thousands (Western or Indian), and its groups must look like it', () => {
    expect(parseAmount('1,234,567')).toBe(1234567);
    expect(parseAmount('1.234.567')).toBe(1234567);
    expect(parseAmount('1,23,45,678')).toBe(12345678);
    expect(parseAmount('12,34,567')).toBe(1234567);
    expect(parseAmount('123,45,678')).toBeNaN();
    expect(parseAmount('1,23,4567')).toBeNaN();
    expect(parseAmount('1,2345,678')).toBeNaN();
    expect(parseAmount('1234,567,890')).toBeNaN();
    expect(parseAmount('1,234,56')).toBeNaN();
    expect(parseAmount('1,234,56,789')).toBeNaN();
    expect(parseAmount('1,23,456,789')).toBeNaN();
  });

  it('a lone separator before three digits after 1-3 digits not starting with 0 is read with the column\'s mark', () => {
    expect(parseAmount('1.234')).toBe(1234);
    expect(parseAmount('1.234', '.')).toBe(1.234);
    expect(parseAmount('1.234', ',')).toBe(1234);
    expect(parseAmount('999,500', ',')).toBe(999.5);
    expect(parseAmount('999,500', '.')).toBe(999500);
    expect(parseAmount('0.125', ',')).toBe(0.125);
    expect(parseAmount('1234.567', ',')).toBe(1234.567);
    expect(parseAmount('1.2345', ',')).toBe(1.2345);
    expect(parseAmount('1.23', ',')).toBe(1.23);
  });

  it('a number too large for a double is not an amount', () => {
    expect(parseAmount('9'.repeat(400))).toBeNaN();
    expect(numberEvidence('9'.repeat(400))).toBe(NumberEvidence.None);
    expect(readAmount('9'.repeat(400))).toEqual({ value: NaN, evidence: NumberEvidence.None });
  });

  it('property: an integer written with thousands commas, or none, reads as itself, signed any way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), fc.boolean(), fc.constantFrom('-', '()', '', 'USD '), (n, grouped, sign) => {
        const digits = grouped ? n.toLocaleString('en-US') : String(n);
        const text = sign === '()' ? `(${digits})` : `${sign}${digits}`;
        expect(parseAmount(text)).toBe(sign === '-' || sign === '()' ? -n : n);
      }),
    );
  });
});

describe('what a number proves about its column', () => {
  it('readAmount gives the value and what it proves, as parseAmount and numberEvidence do', () => {
    expect(readAmount('1,234.5')).toEqual({ value: 1234.5, evidence: NumberEvidence.Point });
    expect(readAmount('1.234,5')).toEqual({ value: 1234.5, evidence: NumberEvidence.Comma });
    expect(readAmount('1.234', '.')).toEqual({ value: 1.234, evidence: NumberEvidence.AmbiguousDot });
    expect(readAmount('1.234', ',')).toEqual({ value: 1234, evidence: NumberEvidence.AmbiguousDot });
    expect(readAmount('1,234')).toEqual({ value: 1234, evidence: NumberEvidence.AmbiguousComma });
    expect(readAmount('x')).toEqual({ value: NaN, evidence: NumberEvidence.None });
    expect(readAmount('1250')).toEqual({ value: 1250, evidence: NumberEvidence.None });
  });

  it('a repeated comma proves a decimal point, a repeated dot a decimal comma', () => {
    expect(numberEvidence('1,234,567')).toBe(NumberEvidence.Point);
    expect(numberEvidence('1.234.567')).toBe(NumberEvidence.Comma);
  });

  it('a lone separator that is not ambiguous proves itself the decimal mark', () => {
    expect(numberEvidence('0,125')).toBe(NumberEvidence.Comma);
    expect(numberEvidence('0.125')).toBe(NumberEvidence.Point);
    expect(numberEvidence('12,5')).toBe(NumberEvidence.Comma);
    expect(numberEvidence('1234,567')).toBe(NumberEvidence.Comma);
  });

  it('each value counts once, in the count of what it proves', () => {
    const proof = noNumberProof();
    for (const e of [NumberEvidence.Point, NumberEvidence.Comma, NumberEvidence.Comma, NumberEvidence.AmbiguousDot, NumberEvidence.AmbiguousComma, NumberEvidence.AmbiguousComma, NumberEvidence.AmbiguousComma, NumberEvidence.None]) {
      addNumberEvidence(proof, e);
    }
    expect(proof).toEqual({ point: 1, comma: 2, ambiguousDot: 1, ambiguousComma: 3 });
  });

  it('a column is decided by the proof it holds, and says how in words', () => {
    const p = (point: number, comma: number, ambiguousDot: number, ambiguousComma: number) => decideNumberFormat({ point, comma, ambiguousDot, ambiguousComma });
    expect(p(2, 0, 1, 0)).toMatchObject({ mark: '.', label: 'decimal point (1,234.56)', undecided: undefined });
    expect(p(0, 2, 1, 0)).toMatchObject({ mark: ',', label: 'decimal comma (1.234,56)', undecided: undefined });
    expect(p(3, 2, 1, 1)).toMatchObject({ mark: undefined, label: 'mixed: 3 values prove a decimal point, 2 a decimal comma; 2 ambiguous read as thousands', undecided: 'mixed' });
    expect(p(0, 0, 1, 2)).toMatchObject({ mark: undefined, label: 'thousands (assumed): 3 values like 1,234 and none that decides', undecided: 'ambiguous' });
    expect(p(0, 0, 0, 0)).toMatchObject({ mark: undefined, label: 'whole numbers (no separator)', undecided: undefined });
  });

  it('the warning for an undecided column names the counts and the form of its ambiguous values', () => {
    expect(numberFormatWarning('d.csv', 'Amount', numberFormatOf(['1.234']))).toBe(
      'd.csv: column "Amount": 1 number like 1.234 could be thousands or decimals and no value decides; read as thousands (1.234 = 1234)',
    );
    expect(numberFormatWarning('d.csv', 'Amount', numberFormatOf(['1,234', '2,500']))).toBe(
      'd.csv: column "Amount": 2 numbers like 1,234 could be thousands or decimals and no value decides; read as thousands (1,234 = 1234)',
    );
    expect(numberFormatWarning('d.csv', 'Amount', numberFormatOf(['1,234', '2.500']))).toBe(
      'd.csv: column "Amount": 2 numbers like 1.234 or 1,234 could be thousands or decimals and no value decides; read as thousands (1.234 or 1,234 = 1234)',
    );
    expect(numberFormatWarning('d.csv', 'Amount', numberFormatOf(['12.5', '0,5']))).toBe(
      'd.csv: column "Amount" has numbers with a decimal point and with a decimal comma (1 prove 1,234.56, 1 prove 1.234,56); each is read as it proves',
    );
    expect(numberFormatWarning('d.csv', 'Amount', numberFormatOf(['12.5', '0,5', '1,234']))).toBe(
      'd.csv: column "Amount" has numbers with a decimal point and with a decimal comma (1 prove 1,234.56, 1 prove 1.234,56); each is read as it proves, and 1 like 1,234 as thousands',
    );
  });
});

describe('booleans', () => {
  it('t/f, on/off, checked/unchecked are booleans too', () => {
    expect(['t', 'on', 'checked', 'T', ' ON '].map(parseBoolean)).toEqual([true, true, true, true, true]);
    expect(['f', 'off', 'unchecked', 'F', 'n'].map(parseBoolean)).toEqual([false, false, false, false, false]);
  });
});

describe('missing-value tokens', () => {
  it('tokens are compared trimmed and case-insensitively; a blank token means nothing', () => {
    const rule = missingValueRule([' None ', '', '  ']);
    expect(['none', 'NONE', '  None ', '', ' ', 'Nonesuch'].map(rule)).toEqual(['', '', '', '', ' ', 'Nonesuch']);
    const blanks = missingValueRule(['', ' ']);
    expect(['', ' ', 'x'].map(blanks)).toEqual(['', ' ', 'x']);
  });

  it('a cell starting with a letter no token starts with is itself, however it ends', () => {
    const rule = missingValueRule(['nil']);
    expect(['Nil', 'NIL', 'nil', 'zil', 'Xnil', 'Nilly'].map(rule)).toEqual(['', '', '', 'zil', 'Xnil', 'Nilly']);
  });

  it('a token padded by spaces, tabs or line breaks is still the token', () => {
    const rule = missingValueRule(['NULL']);
    expect(['\tnull', '\nNULL\r', '  Null  '].map(rule)).toEqual(['', '', '']);
  });

  it('a token padded by a no-break space before it is still the token, as one padded after it is', () => {
    const rule = missingValueRule(['NULL']);
    expect(['\u00a0NULL', 'NULL\u00a0', '\u202fnull', '\u00a0', '\u00a0NULLS'].map(rule)).toEqual(['', '', '', '\u00a0', '\u00a0NULLS']);
  });

  it('a token starting with the first character past ASCII is found', () => {
    const rule = missingValueRule(['\u0080x']);
    expect(['\u0080x', '\u0080X', '\u0080y'].map(rule)).toEqual(['', '', '\u0080y']);
  });

  it('a token starting with a letter outside ASCII is found, and other such cells are themselves', () => {
    const rule = missingValueRule(['Ø', 'néant']);
    expect(['Ø', 'ø', ' ø ', 'Øl', 'NÉANT', 'élan', 'ñ'].map(rule)).toEqual(['', '', '', 'Øl', '', 'élan', 'ñ']);
    const ascii = missingValueRule(['NULL']);
    expect(['Ø', 'é', '\u00a0x'].map(ascii)).toEqual(['Ø', 'é', '\u00a0x']);
  });

  it('property: a cell is missing exactly when, trimmed and lower-cased, it is one of the tokens', () => {
    const tokens = ['n/a', 'NULL', '-', '(blank)', 'Ø'];
    const rule = missingValueRule(tokens);
    const lower = new Set(tokens.map((t) => t.toLowerCase()));
    const cell = fc.tuple(fc.constantFrom('', ' ', '\t'), fc.constantFrom(...tokens, 'N', 'nul', 'NULLS', 'x', 'ø', '--', '(blank'), fc.constantFrom('', ' ', '  ')).map(([a, b, c]) => a + b + c);
    fc.assert(
      fc.property(cell, (text) => {
        expect(rule(text)).toBe(lower.has(text.trim().toLowerCase()) ? '' : text);
      }),
    );
  });
});
