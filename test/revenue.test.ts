/** Sums of amounts (src/engine/facts.ts, Revenue): the same sum in any order, and the exact sum rounded once. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addRevenue, addRevenues, type Revenue } from '../src/engine/facts.js';
import { exactSum } from './helpers/exact-sum.js';
import './helpers/seed.js';

function sumOf(amounts: readonly number[]): number {
  const sum: Revenue = { wonRevenue: 0, wonRevenueLow: 0 };
  for (const x of amounts) addRevenue(sum, x);
  return sum.wonRevenue;
}

// Amounts as exports write them: up to a billion, in cents.
const amount = fc.integer({ min: -100_000_000_000, max: 100_000_000_000 }).map((cents) => cents / 100);

describe('sums of amounts', () => {
  it('do not depend on the order amounts come in', () => {
    expect(0.1 + 0.2 + 2.2).not.toBe(2.2 + 0.1 + 0.2);
    expect(sumOf([0.1, 0.2, 2.2])).toBe(2.5);
    expect(sumOf([2.2, 0.1, 0.2])).toBe(2.5);
  });

  it('are the exact sum rounded once, whatever the order', () => {
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 60 }), fc.nat(), (amounts, turn) => {
        const want = exactSum(amounts);
        expect(sumOf(amounts)).toBe(want);
        const k = amounts.length === 0 ? 0 : turn % amounts.length;
        expect(sumOf([...amounts.slice(k), ...amounts.slice(0, k)].reverse())).toBe(want);
      }),
    );
  });

  it('merge: two parts added give the sum of the whole', () => {
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 40 }), fc.array(amount, { maxLength: 40 }), (a, b) => {
        const first: Revenue = { wonRevenue: 0, wonRevenueLow: 0 };
        const second: Revenue = { wonRevenue: 0, wonRevenueLow: 0 };
        for (const x of a) addRevenue(first, x);
        for (const x of b) addRevenue(second, x);
        addRevenues(first, second);
        expect(first.wonRevenue).toBe(exactSum([...a, ...b]));
      }),
    );
  });

  it('the oracle: exactSum agrees with plain addition where addition is exact', () => {
    expect(exactSum([1, 2, 3.5, -0.25])).toBe(6.25);
    expect(exactSum([0.1, 0.2])).toBe(0.30000000000000004);
    expect(exactSum([1e16, 1, -1e16])).toBe(1);
    expect(exactSum([])).toBe(0);
  });
});
