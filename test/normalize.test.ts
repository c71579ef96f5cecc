import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  MISSING_VALUES,
  NumberEvidence,
  SlashEvidence,
  dayNumber,
  decideNumberFormat,
  missingValueRule,
  numberEvidence,
  numberFormatOf,
  numberFormatWarning,
  isoDate,
  parseAmount,
  parseBoolean,
  parseDate,
  slashEvidence,
  swapDayMonth,
  today,
  type DateOrder,
} from '../src/data/normalize.js';
import { decimalColumn, proves, UNPROVEN } from './helpers/decimal-column.js';

/** The parsed date as YYYY-MM-DD, or 'NaN' — so a failure shows the date, not a day number. */
function date(text: string, order?: DateOrder): string {
  const day = parseDate(text, order);
  return Number.isNaN(day) ? 'NaN' : isoDate(day);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Any calendar date from 1000-01-01 to 9999-12-31, as year, month and day. */
const calendarDate = fc
  .date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => ({ y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() }));

const daysInMonth = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

describe('dayNumber and isoDate', () => {
  it('counts days from 1970-01-01', () => {
    expect(dayNumber(1970, 1, 1)).toBe(0);
    expect(dayNumber(1970, 1, 2)).toBe(1);
    expect(dayNumber(1969, 12, 31)).toBe(-1);
    expect(dayNumber(2000, 3, 1) - dayNumber(2000, 2, 28)).toBe(2); // 2000 is a leap year
    expect(dayNumber(1900, 3, 1) - dayNumber(1900, 2, 28)).toBe(1); // 1900 is not
  });

  it('is NaN for a date that does not exist', () => {
    expect(dayNumber(2024, 2, 30)).toBeNaN();
    expect(dayNumber(2023, 2, 29)).toBeNaN();
    expect(dayNumber(2025, 4, 31)).toBeNaN();
    expect(dayNumber(2025, 13, 1)).toBeNaN();
    expect(dayNumber(2025, 0, 1)).toBeNaN();
    expect(dayNumber(2025, 1, 0)).toBeNaN();
    expect(dayNumber(999, 1, 1)).toBeNaN();
    expect(dayNumber(10000, 1, 1)).toBeNaN();
  });

  it('isoDate(dayNumber(y, m, d)) round-trips every calendar date', () => {
    fc.assert(
      fc.property(calendarDate, ({ y, m, d }) => {
        expect(isoDate(dayNumber(y, m, d))).toBe(`${pad(y, 4)}-${pad(m)}-${pad(d)}`);
      }),
    );
  });

  it('the day after the last of a month does not exist', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: 1, max: 12 }), (y, m) => {
        expect(dayNumber(y, m, daysInMonth(y, m))).not.toBeNaN();
        expect(dayNumber(y, m, daysInMonth(y, m) + 1)).toBeNaN();
      }),
    );
  });

  it('today is the UTC calendar date of the clock it is given', () => {
    expect(isoDate(today(new Date('2025-03-05T23:59:59Z')))).toBe('2025-03-05');
    expect(isoDate(today(new Date('2025-03-05T00:00:00Z')))).toBe('2025-03-05');
    expect(isoDate(today(new Date('2025-03-05T23:30:00-08:00')))).toBe('2025-03-06');
  });
});

describe('parseDate', () => {
  it('reads ISO 8601 dates and datetimes as the calendar date written, ignoring time and zone', () => {
    expect(date('2025-03-05')).toBe('2025-03-05');
    expect(date('2025-3-5')).toBe('2025-03-05');
    expect(date('2025-03-05 14:22')).toBe('2025-03-05');
    expect(date('2025-03-05 14:22:09')).toBe('2025-03-05');
    expect(date('2025-03-05T14:22')).toBe('2025-03-05');
    expect(date('2025-03-05T14:22:00Z')).toBe('2025-03-05');
    expect(date('2025-03-05T14:22:00.123Z')).toBe('2025-03-05');
    expect(date('2025-03-05T14:22:00+02:00')).toBe('2025-03-05');
    expect(date('2025-03-05T14:22:00.123+0200')).toBe('2025-03-05');
    expect(date('2025-03-05 14:22:00+02')).toBe('2025-03-05');
    // The zone would move this instant to March 6 in UTC; the date as written wins.
    expect(date('2025-03-05T23:30:00-08:00')).toBe('2025-03-05');
    expect(date('2025-03-05T00:30:00+14:00')).toBe('2025-03-05');
    // Year first with slashes is never ambiguous.
    expect(date('2025/03/05', 'dmy')).toBe('2025-03-05');
  });

  it('trims surrounding whitespace', () => {
    expect(date('  2025-03-05\t')).toBe('2025-03-05');
    expect(date(' 3/5/2024 ')).toBe('2024-03-05');
  });

  it('reads M/D/YYYY by default and D/M/YYYY when told', () => {
    expect(date('3/5/2024')).toBe('2024-03-05');
    expect(date('3/5/2024', 'mdy')).toBe('2024-03-05');
    expect(date('3/5/2024', 'dmy')).toBe('2024-05-03');
    expect(date('03/05/2024', 'dmy')).toBe('2024-05-03');
    expect(date('12/28/2015')).toBe('2015-12-28');
    expect(date('28/12/2015', 'dmy')).toBe('2015-12-28');
    // 'ymd' says nothing about two-way dates: they fall back to month first.
    expect(date('3/5/2024', 'ymd')).toBe('2024-03-05');
  });

  it('reads a two-way date the only way it can be read, whatever the order asked for', () => {
    expect(date('13/4/2025', 'mdy')).toBe('2025-04-13');
    expect(date('4/13/2025', 'dmy')).toBe('2025-04-13');
  });

  it('accepts a time after a two-way date, with or without seconds, AM/PM and a comma', () => {
    expect(date('4/10/2025, 3:31 PM')).toBe('2025-04-10'); // Salesforce
    expect(date('4/10/2025, 3:31 PM', 'dmy')).toBe('2025-10-04');
    expect(date('4/10/2025 3:31 pm')).toBe('2025-04-10');
    expect(date('4/10/2025 3:31:05 AM')).toBe('2025-04-10');
    expect(date('4/10/2025 3:31 p.m.')).toBe('2025-04-10');
    expect(date('12/28/2015 11:59:59 PM')).toBe('2015-12-28');
    expect(date('28/12/2015, 15:31', 'dmy')).toBe('2015-12-28');
    expect(date('2/26/2018 19:58')).toBe('2018-02-26'); // Excel round trip
  });

  it('reads two-digit years as 1970–2069', () => {
    expect(date('03/05/24')).toBe('2024-03-05');
    expect(date('03/05/69')).toBe('2069-03-05');
    expect(date('03/05/70')).toBe('1970-03-05');
    expect(date('03/05/99')).toBe('1999-03-05');
  });

  it('reads the spreadsheet dash form like a slash date', () => {
    expect(date('26-02-2018')).toBe('2018-02-26');
    expect(date('02-26-2018')).toBe('2018-02-26');
    expect(date('03-05-2024', 'dmy')).toBe('2024-05-03');
    // The separators must agree.
    expect(date('03-05/2024')).toBe('NaN');
  });

  it('reads D.M.YYYY as day first whatever the order', () => {
    expect(date('28.12.2015')).toBe('2015-12-28');
    expect(date('5.3.2025', 'mdy')).toBe('2025-03-05');
    expect(date('05.03.2025 14:00')).toBe('2025-03-05');
    expect(date('05.03.2025, 14:00:59')).toBe('2025-03-05');
  });

  it('reads compact YYYYMMDD', () => {
    expect(date('20250305')).toBe('2025-03-05');
    expect(date('20240229')).toBe('2024-02-29');
    expect(date('20230229')).toBe('NaN');
    expect(date('20251301')).toBe('NaN');
    expect(date('2025035')).toBe('NaN');
  });

  it('reads month names, abbreviated or not, day before or after', () => {
    expect(date('5-Mar-2024')).toBe('2024-03-05');
    expect(date('01-May-2024')).toBe('2024-05-01');
    expect(date('5 Mar 2024')).toBe('2024-03-05');
    expect(date('5 March 2024')).toBe('2024-03-05');
    expect(date('Mar 5, 2024')).toBe('2024-03-05');
    expect(date('March 5 2024')).toBe('2024-03-05');
    expect(date('Sept 5, 2024')).toBe('2024-09-05');
    expect(date('September 5, 2024')).toBe('2024-09-05');
    expect(date('DEC 31, 2024')).toBe('2024-12-31');
    expect(date('Mar 5, 2024 3:31 PM')).toBe('2024-03-05');
    expect(date('Sep. 5, 2024')).toBe('2024-09-05');
    expect(date('5 JUNE 2024')).toBe('2024-06-05');
    expect(date('Foo 5, 2024')).toBe('NaN');
    // Words that merely start like a month are not months.
    expect(date('Marketing 5, 2024')).toBe('NaN');
    expect(date('5 Junk 2024')).toBe('NaN');
    expect(date('Ma 5, 2024')).toBe('NaN');
    expect(date('Feb 30, 2024')).toBe('NaN');
  });

  it('is NaN for impossible dates and for text that is not a date', () => {
    expect(date('2/30/2024')).toBe('NaN');
    expect(date('30/2/2024', 'dmy')).toBe('NaN');
    expect(date('2/29/2023')).toBe('NaN');
    expect(date('2025-13-01')).toBe('NaN');
    expect(date('2025-02-29')).toBe('NaN');
    expect(date('2025-04-31')).toBe('NaN');
    expect(date('31.04.2025')).toBe('NaN');
    expect(date('13/13/2024')).toBe('NaN');
    expect(date('0/5/2024')).toBe('NaN');
    expect(date('')).toBe('NaN');
    expect(date('   ')).toBe('NaN');
    expect(date('n/a')).toBe('NaN');
    expect(date('2025')).toBe('NaN');
    expect(date('45000')).toBe('NaN'); // an Excel serial number is not read as a date
    expect(date('2025-03-05 then')).toBe('NaN');
  });

  it('reads leap days only in leap years', () => {
    expect(date('2/29/2024')).toBe('2024-02-29');
    expect(date('2000-02-29')).toBe('2000-02-29');
    expect(date('1900-02-29')).toBe('NaN');
  });

  it('reads any valid date the same way as ISO, M/D/YYYY, D/M/YYYY, D.M.YYYY, YYYYMMDD and with month names', () => {
    fc.assert(
      fc.property(calendarDate, ({ y, m, d }) => {
        const expected = dayNumber(y, m, d);
        expect(parseDate(`${pad(y, 4)}-${pad(m)}-${pad(d)}`)).toBe(expected);
        expect(parseDate(`${pad(y, 4)}-${pad(m)}-${pad(d)}T12:00:00-11:00`)).toBe(expected);
        expect(parseDate(`${m}/${d}/${y}`)).toBe(expected);
        expect(parseDate(`${m}/${d}/${y}, 3:31 PM`, 'mdy')).toBe(expected);
        expect(parseDate(`${d}/${m}/${y}`, 'dmy')).toBe(expected);
        expect(parseDate(`${d}.${m}.${y}`)).toBe(expected);
        expect(parseDate(`${pad(y, 4)}${pad(m)}${pad(d)}`)).toBe(expected);
        const month = new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
        expect(parseDate(`${month} ${d}, ${y}`)).toBe(expected);
        expect(parseDate(`${d}-${month.slice(0, 3)}-${y}`)).toBe(expected);
      }),
    );
  });
});

describe('slashEvidence', () => {
  it('a first part > 12 proves day first', () => {
    expect(slashEvidence('13/4/2025')).toBe(SlashEvidence.DayFirst);
    expect(slashEvidence('28/12/2015, 3:31 PM')).toBe(SlashEvidence.DayFirst);
    expect(slashEvidence('26-02-2018')).toBe(SlashEvidence.DayFirst);
  });

  it('a second part > 12 proves month first', () => {
    expect(slashEvidence('4/13/2025')).toBe(SlashEvidence.MonthFirst);
    expect(slashEvidence('12/28/2015 11:59 PM')).toBe(SlashEvidence.MonthFirst);
    expect(slashEvidence('02-26-2018')).toBe(SlashEvidence.MonthFirst);
  });

  it('both parts ≤ 12 prove nothing either way', () => {
    expect(slashEvidence('3/5/2024')).toBe(SlashEvidence.Ambiguous);
    expect(slashEvidence('12/12/2024')).toBe(SlashEvidence.Ambiguous);
    expect(slashEvidence('4/10/2025, 3:31 PM')).toBe(SlashEvidence.Ambiguous);
  });

  it('says None for dates that are not two-way, and for ones that exist in neither order', () => {
    expect(slashEvidence('2025-03-05')).toBe(SlashEvidence.None);
    expect(slashEvidence('2025/03/05')).toBe(SlashEvidence.None);
    expect(slashEvidence('28.12.2015')).toBe(SlashEvidence.None);
    expect(slashEvidence('20250305')).toBe(SlashEvidence.None);
    expect(slashEvidence('Mar 5, 2024')).toBe(SlashEvidence.None);
    expect(slashEvidence('')).toBe(SlashEvidence.None);
    expect(slashEvidence('13/13/2024')).toBe(SlashEvidence.None);
    expect(slashEvidence('2/30/2024')).toBe(SlashEvidence.None);
    expect(slashEvidence('0/5/2024')).toBe(SlashEvidence.None);
  });

  it('agrees with parseDate: proven order reads the same in either setting', () => {
    fc.assert(
      fc.property(calendarDate, ({ y, m, d }) => {
        const text = `${m}/${d}/${y}`;
        const evidence = slashEvidence(text);
        if (d > 12) expect(evidence).toBe(SlashEvidence.MonthFirst);
        else expect(evidence).toBe(SlashEvidence.Ambiguous);
        if (evidence === SlashEvidence.MonthFirst) expect(parseDate(text, 'dmy')).toBe(parseDate(text, 'mdy'));
      }),
    );
  });
});

describe('swapDayMonth', () => {
  it('re-reads an ambiguous date the other way round', () => {
    expect(isoDate(swapDayMonth(parseDate('3/5/2024', 'mdy')))).toBe('2024-05-03');
    expect(swapDayMonth(parseDate('3/5/2024', 'mdy'))).toBe(parseDate('3/5/2024', 'dmy'));
    expect(swapDayMonth(dayNumber(2024, 12, 12))).toBe(dayNumber(2024, 12, 12));
  });

  it('is NaN when the swapped date does not exist', () => {
    expect(swapDayMonth(dayNumber(2024, 1, 31))).toBeNaN();
  });

  it('undoes itself for every date whose day is ≤ 12', () => {
    fc.assert(
      fc.property(calendarDate, ({ y, m, d }) => {
        fc.pre(d <= 12);
        const day = dayNumber(y, m, d);
        expect(swapDayMonth(day)).toBe(dayNumber(y, d, m));
        expect(swapDayMonth(swapDayMonth(day))).toBe(day);
      }),
    );
  });
});

describe('parseAmount', () => {
  it('reads currency symbols and codes before or after the number', () => {
    expect(parseAmount('$44,000.00')).toBe(44000);
    expect(parseAmount('£1,250.50')).toBe(1250.5);
    expect(parseAmount('€ 9,99')).toBe(9.99);
    expect(parseAmount('9,99 €')).toBe(9.99);
    expect(parseAmount('R$ 100.000')).toBe(100000);
    expect(parseAmount('R$ 111.349')).toBe(111349);
    expect(parseAmount('R$ 1.234,56')).toBe(1234.56);
    expect(parseAmount('25000 USD')).toBe(25000);
    expect(parseAmount('EUR 9.99')).toBe(9.99);
    expect(parseAmount('US$ 5')).toBe(5);
  });

  it('reads thousands separators and decimal commas', () => {
    expect(parseAmount('25000')).toBe(25000);
    expect(parseAmount('9.5')).toBe(9.5);
    expect(parseAmount('42,000')).toBe(42000);
    expect(parseAmount('1.234,56')).toBe(1234.56);
    expect(parseAmount('146536,25')).toBe(146536.25);
    expect(parseAmount('0,5')).toBe(0.5);
    expect(parseAmount('1,234,567.89')).toBe(1234567.89);
    expect(parseAmount('1.234.567,89')).toBe(1234567.89);
    expect(parseAmount('1.234.567')).toBe(1234567);
    expect(parseAmount("CHF 1'234.50")).toBe(1234.5);
    expect(parseAmount('12,34,567')).toBe(1234567); // Indian grouping
    expect(parseAmount('₹1,00,000.50')).toBe(100000.5);
  });

  it('reads negatives in parentheses, with a leading minus, and after the currency', () => {
    expect(parseAmount('(1,250.50)')).toBe(-1250.5);
    expect(parseAmount('($1,250.50)')).toBe(-1250.5);
    expect(parseAmount('-12')).toBe(-12);
    expect(parseAmount('-$5')).toBe(-5);
    expect(parseAmount('$-12.50')).toBe(-12.5);
    expect(parseAmount('12-')).toBe(-12);
  });

  it('ignores no-break and narrow no-break spaces anywhere', () => {
    expect(parseAmount('1\u00a0234,56')).toBe(1234.56);
    expect(parseAmount('1\u202f234,56\u00a0€')).toBe(1234.56);
    expect(parseAmount('\u00a0$5\u00a0')).toBe(5);
  });

  it('is NaN for text that is not an amount', () => {
    for (const text of ['', '   ', 'NaN', 'Infinity', '1e309', '1e5', '12abc', 'abc', '0x10', '$', 'USD', '-', '()', '1,', '1.', '1,234.567.89', '1.234,56,78', '1,2,3', '1.23.4', '12,3.5', '1.5.2024', '1234,567,890', '--5', '(-5)', '-5-', '-$-5']) {
      expect(parseAmount(text), JSON.stringify(text)).toBeNaN();
    }
  });

  it('reads what en-US, de-DE, fr-FR and en-IN number formatting writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e11, max: 1e11 }), (cents) => {
        const value = cents / 100;
        for (const locale of ['en-US', 'de-DE', 'fr-FR', 'en-IN']) {
          const text = Math.abs(value).toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
          const written = value < 0 ? `(${text})` : text;
          expect(parseAmount(written), `${locale}: ${written}`).toBe(value);
        }
        const whole = Math.trunc(value) || 0; // not -0
        for (const locale of ['en-US', 'de-DE', 'fr-FR', 'en-IN']) {
          const text = whole.toLocaleString(locale, { maximumFractionDigits: 0 });
          expect(parseAmount(text), `${locale}: ${text}`).toBe(whole);
        }
        const usd = value.toLocaleString('en-US', { style: 'currency', currency: 'USD' });
        expect(parseAmount(usd), usd).toBe(value);
      }),
    );
  });
});

describe('numberEvidence: what one value proves about its column', () => {
  it('a decimal point: a leading 0, one, two or four+ places, a dot after a comma, repeated commas, 4+ whole digits', () => {
    for (const text of ['0.125', '12.5', '99.99', '1.2345', '1,250.50', '1,234,567', '12,34,567', '1234.567', '$0.125', '-0.125', '(0.125)']) {
      expect(numberEvidence(text), text).toBe(NumberEvidence.Point);
    }
  });

  it('a decimal comma: the same forms the other way round', () => {
    for (const text of ['0,125', '146536,25', '0,5', '1.234,56', '1.234.567', '1234,567', 'R$ 1.234,56']) {
      expect(numberEvidence(text), text).toBe(NumberEvidence.Comma);
    }
  });

  it('ambiguous: a lone separator after 1-3 digits not starting with 0, before exactly three', () => {
    for (const text of ['1.234', '99.999', '100.000', '-5.125']) expect(numberEvidence(text), text).toBe(NumberEvidence.AmbiguousDot);
    for (const text of ['1,234', '42,000', '$999,999']) expect(numberEvidence(text), text).toBe(NumberEvidence.AmbiguousComma);
  });

  it('nothing: no separator, or not a number', () => {
    for (const text of ['1250', '-12', '', 'abc', '1,2,3', '1.5.2024', 'N/A']) expect(numberEvidence(text), text).toBe(NumberEvidence.None);
  });
});

describe('parseAmount with a column decimal mark', () => {
  it('reads the values that prove a mark as they prove it, whatever the column says', () => {
    // Before per-column number formats, a lone separator before three digits always grouped thousands.
    expect(parseAmount('0.125')).toBe(0.125);
    expect(parseAmount('0,125')).toBe(0.125);
    expect(parseAmount('1234.567')).toBe(1234.567);
    for (const mark of [undefined, '.', ','] as const) {
      expect(parseAmount('0.125', mark)).toBe(0.125);
      expect(parseAmount('1,250.50', mark)).toBe(1250.5);
      expect(parseAmount('1.234,56', mark)).toBe(1234.56);
      expect(parseAmount('146536,25', mark)).toBe(146536.25);
    }
  });

  it('reads the ambiguous form with the mark: a decimal of its own mark, thousands of the other', () => {
    expect(parseAmount('99.999', '.')).toBe(99.999);
    expect(parseAmount('99,999', '.')).toBe(99999);
    expect(parseAmount('99,999', ',')).toBe(99.999);
    expect(parseAmount('99.999', ',')).toBe(99999);
    expect(parseAmount('-1.234', '.')).toBe(-1.234);
  });

  it('reads the ambiguous form as thousands without a mark (a column that proves nothing)', () => {
    expect(parseAmount('99.999')).toBe(99999);
    expect(parseAmount('42,000')).toBe(42000);
  });
});

describe('numberFormatOf: a column decided from all its values', () => {
  it('is decimal-point when a value proves it, and reads 0.125, 12.5, 1,250.50 and 99.999 as decimals', () => {
    const column = ['0.125', '12.5', '1,250.50', '99.999', '7'];
    const format = numberFormatOf(column);
    expect(format).toMatchObject({ mark: '.', undecided: undefined });
    expect(column.map((v) => parseAmount(v, format.mark))).toEqual([0.125, 12.5, 1250.5, 99.999, 7]);
  });

  it('is decimal-comma when a value proves that', () => {
    const column = ['1.234,56', '42.000', '0,5'];
    const format = numberFormatOf(column);
    expect(format).toMatchObject({ mark: ',', undecided: undefined });
    expect(column.map((v) => parseAmount(v, format.mark))).toEqual([1234.56, 42000, 0.5]);
  });

  it('keeps the thousands reading and is undecided when only ambiguous values are seen', () => {
    const format = numberFormatOf(['42,000', '100,000', '5000', '']);
    expect(format).toMatchObject({ mark: undefined, undecided: 'ambiguous', proof: { ambiguousComma: 2 } });
    expect(numberFormatWarning('deals.csv', 'Amount', format)).toBe(
      'deals.csv: column "Amount": 2 numbers like 1,234 could be thousands or decimals and no value decides; read as thousands (1,234 = 1234)',
    );
  });

  it('is undecided, and says so, with proof both ways', () => {
    const format = numberFormatOf(['12.5', '0,5', '1.234']);
    expect(format).toMatchObject({ mark: undefined, undecided: 'mixed', proof: { point: 1, comma: 1, ambiguousDot: 1 } });
    expect(numberFormatWarning('deals.csv', 'Amount', format)).toMatch(/^deals\.csv: column "Amount" has numbers with a decimal point and with a decimal comma \(1 prove 1,234\.56, 1 prove 1\.234,56\).*1 like 1\.234 as thousands$/);
  });

  it('needs no warning for whole numbers or decided columns', () => {
    expect(numberFormatWarning('f', 'c', numberFormatOf(['1', '2', 'x']))).toBeUndefined();
    expect(numberFormatWarning('f', 'c', numberFormatOf(['1.5', '1,234']))).toBeUndefined();
    expect(decideNumberFormat({ point: 0, comma: 0, ambiguousDot: 0, ambiguousComma: 0 }).mark).toBeUndefined();
  });

  /**
   * A column of decimals as en-US (`1,234.56`) or de-DE (`1.234,56`) writes them: random magnitudes,
   * 0-3 fraction digits, some negative, grouped or not. Whenever some value of the column proves
   * its mark, every value reads back exactly; when none does, the column is undecided (warned
   * about) and every value it holds is a whole number or of the ambiguous `1.234` form.
   */
  it('reads back a column of random decimals written either way (property)', () => {
    let proven = 0;
    fc.assert(
      fc.property(decimalColumn(), ({ mark, column }) => {
        const format = numberFormatOf(column.map((w) => w.text));
        if (proves(column)) {
          proven++;
          expect(format.mark).toBe(mark);
          for (const w of column) expect(parseAmount(w.text, format.mark), w.text).toBe(w.exact);
        } else {
          // Undecided: every value is a whole number or of the ambiguous form, and any of the
          // latter gets the column warned about.
          expect(format.mark).toBeUndefined();
          for (const w of column) expect(w.text).toMatch(UNPROVEN);
          const ambiguous = column.some((w) => /[.,]/.test(w.text));
          expect(format.undecided).toBe(ambiguous ? 'ambiguous' : undefined);
        }
      }),
      { seed: 20261206, numRuns: 500 },
    );
    // The property means something only if most columns were decided (1 value in 2 proves its mark).
    expect(proven).toBeGreaterThan(300);
  });
});

describe('missingValueRule', () => {
  const value = missingValueRule(MISSING_VALUES);

  it('reads the default tokens as empty, trimmed and case-insensitively', () => {
    for (const text of ['\\N', '\\n', 'NULL', 'null', 'Null', ' NULL ', 'N/A', 'n/a', '#N/A', '#n/a', '(blank)', '(Blank)', '\t(blank)  ']) {
      expect(value(text), JSON.stringify(text)).toBe('');
    }
  });

  it('gives every other cell back unchanged', () => {
    for (const text of ['', 'Web', 'None', 'NULLS', 'N/A2', 'na', 'n.a.', '\\Nina', 'Nullarbor Pty', '0', ' web ', '(blank) form', 'ñ']) {
      expect(value(text), JSON.stringify(text)).toBe(text);
    }
  });

  it('takes the rubric\'s list instead of the default one; [] reads every cell as written', () => {
    const own = missingValueRule(['-', 'none', 'ÉMPTY']);
    expect(['-', ' NONE', 'émpty', 'NULL', '\\N'].map(own)).toEqual(['', '', '', 'NULL', '\\N']);
    const off = missingValueRule([]);
    expect(['\\N', 'NULL', ''].map(off)).toEqual(['\\N', 'NULL', '']);
  });
});

describe('parseBoolean', () => {
  it('reads true/false, yes/no, 1/0 and x, case-insensitive and trimmed', () => {
    for (const text of ['true', 'TRUE', 'True', 'yes', ' Yes ', 'y', '1', 'x', 'X', 'checked']) expect(parseBoolean(text), text).toBe(true);
    for (const text of ['false', 'FALSE', 'no', 'No', 'n', '0', 'unchecked']) expect(parseBoolean(text), text).toBe(false);
  });

  it('leaves empty and unknown text to the caller', () => {
    for (const text of ['', '  ', 'maybe', '2', 'yes please', '-1']) expect(parseBoolean(text), text).toBeUndefined();
  });
});

