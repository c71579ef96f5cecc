/**
 * A column of decimals as a CRM export writes them, for property tests of the per-column number
 * format (README "What the numbers mean"): random magnitudes, 0-3 fraction digits, some negative,
 * grouped in thousands or not, all with one decimal mark (`1,234.56` or `1.234,56`).
 */
import fc from 'fast-check';
import { NumberEvidence, numberEvidence } from '../../src/data/normalize.js';

export interface WrittenDecimal {
  /** The cell as written. */
  readonly text: string;
  /** Its value, read from the canonical form (`-1234.5`) by JavaScript. */
  readonly exact: number;
}

const decimal = fc.record({
  whole: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 99_999_999 })),
  places: fc.integer({ min: 0, max: 3 }),
  fraction: fc.integer({ min: 0, max: 999 }),
  negative: fc.boolean(),
  grouped: fc.boolean(),
});

/** A decimal mark and a column of values written with it. */
export const decimalColumn = (maxLength = 30) =>
  fc.tuple(fc.constantFrom('.' as const, ',' as const), fc.array(decimal, { minLength: 1, maxLength })).map(([mark, values]) => {
    const group = mark === '.' ? ',' : '.';
    const column: WrittenDecimal[] = values.map((v) => {
      const fraction = String(v.fraction).padStart(3, '0').slice(0, v.places);
      const whole = v.grouped ? String(v.whole).replace(/\B(?=(\d{3})+(?!\d))/g, group) : String(v.whole);
      const sign = v.negative ? '-' : '';
      return { text: `${sign}${whole}${fraction === '' ? '' : mark + fraction}`, exact: Number(`${sign}${v.whole}${fraction === '' ? '' : `.${fraction}`}`) };
    });
    return { mark, column };
  });

/** True when some value of the column proves its decimal mark (only that mark reads it). */
export function proves(column: readonly WrittenDecimal[]): boolean {
  return column.some((w) => {
    const evidence = numberEvidence(w.text);
    return evidence === NumberEvidence.Point || evidence === NumberEvidence.Comma;
  });
}

/** What a column that proves nothing may hold: whole numbers, and the ambiguous `1.234` / `1,234`. */
export const UNPROVEN = /^-?\d{1,3}([.,]\d{3})?$|^-?\d+$/;
