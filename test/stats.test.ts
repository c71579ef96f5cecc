import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  compareRates,
  diffInterval,
  fisherExact,
  holm,
  holmLevels,
  median,
  normalCdf,
  quantile,
  quantiles,
  trendTest,
  twoProportionZ,
  wilson,
  type Interval,
} from '../src/reports/stats.js';

/*
 * Reference values are literals with their source beside them. Each one was also recomputed
 * independently before being written here: with mpmath at 40–60 significant digits (ncdf,
 * loggamma), with exact integer arithmetic (Python's math.comb), or with scipy.stats
 * (fisher_exact, chi2_contingency), as noted per value.
 */

/** Expects an interval to match a reference printed to `digits` decimals (half a unit in the last place). */
function expectInterval(actual: Interval | null, low: number, high: number, digits = 4): void {
  expect(actual).not.toBeNull();
  expect(actual!.low).toBeCloseTo(low, digits);
  expect(actual!.high).toBeCloseTo(high, digits);
}

/** Relative closeness, for probabilities spanning many orders of magnitude. */
function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

/** Successes and trials with 0 <= x <= n <= maxN. */
const countOf = (maxN: number) =>
  fc.integer({ min: 0, max: maxN }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

describe('normalCdf', () => {
  // Φ from mpmath.ncdf (mp.dps = 40), rounded to the nearest double; the leading digits agree with
  // the standard normal tables (Abramowitz & Stegun, table 26.1) and with R's pnorm.
  const references: [number, number][] = [
    [0, 0.5],
    [0.5, 0.6914624612740131],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [-1.96, 0.024997895148220435],
    [-3, 0.0013498980316300946],
    [6, 0.9999999990134123],
  ];
  it.each(references)('Φ(%s) matches the reference to 1e-15', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-15);
  });

  // Far lower tail: relative accuracy matters here, since p-values this small are still compared.
  const tails: [number, number][] = [
    [-5, 2.866515718791939e-7],
    [-8, 6.220960574271784e-16],
    [-10, 7.619853024160525e-24], // R: pnorm(-10) = 7.619853e-24
    [-20, 2.7536241186062337e-89],
    [-37, 5.725571222524577e-300],
  ];
  it.each(tails)('Φ(%s) matches the reference to 1e-13 relative', (x, expected) => {
    expectRelativelyClose(normalCdf(x), expected, 1e-13);
  });

  it('is 0 and 1 beyond the range of doubles, and NaN for NaN', () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });

  it('is symmetric: Φ(x) + Φ(−x) = 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(Math.abs(normalCdf(x) + normalCdf(-x) - 1)).toBeLessThan(1e-15);
      }),
    );
  });

  it('is non-decreasing, up to rounding in the last bit or two', () => {
    // Neighbouring doubles can come out one or two ulps out of order (a scan of 3e6 random pairs
    // found at most 4.4e-16 relative), so the check allows 1e-15 relative.
    const anyX = fc.double({ min: -38, max: 9, noNaN: true });
    const anyStep = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(anyX, anyStep, (x, step) => {
        expect(normalCdf(x + step)).toBeGreaterThanOrEqual(normalCdf(x) * (1 - 1e-15));
      }),
    );
  });
});

describe('wilson', () => {
  // Wikipedia, "Binomial proportion confidence interval" and Newcombe (1998a), Statistics in
  // Medicine 17:857–872, Table I (method 3, Wilson score). Recomputed with the closed form in
  // mpmath with z = qnorm(0.975): 0/10 → [0, 0.277533]; 5/10 → [0.236593, 0.763407];
  // 81/263 → [0.255289, 0.366210]; 1/29 → [0.006113, 0.171755]; 15/148 → [0.062386, 0.160487].
  it('0 of 10 → [0, 0.2775]', () => expectInterval(wilson(0, 10), 0, 0.2775));
  it('5 of 10 → [0.2366, 0.7634]', () => expectInterval(wilson(5, 10), 0.2366, 0.7634));
  it('81 of 263 → [0.2553, 0.3662]', () => expectInterval(wilson(81, 263), 0.2553, 0.3662));
  it('1 of 29 → [0.0061, 0.1718]', () => expectInterval(wilson(1, 29), 0.0061, 0.1718));
  it('15 of 148 → [0.0624, 0.1605]', () => expectInterval(wilson(15, 148), 0.0624, 0.1605));

  it('gives exactly 0 and 1 at the ends: x = 0 and x = n', () => {
    // 0 of 10: the upper bound has the closed form z²/(n + z²).
    const z = 1.959963984540054;
    expect(wilson(0, 10)!.low).toBe(0);
    expect(wilson(0, 10)!.high).toBeCloseTo((z * z) / (10 + z * z), 15);
    // 10 of 10 mirrors 0 of 10.
    expect(wilson(10, 10)!.high).toBe(1);
    expect(wilson(10, 10)!.low).toBeCloseTo(10 / (10 + z * z), 15);
  });

  it('is null when n = 0', () => {
    expect(wilson(0, 0)).toBeNull();
  });

  it('honours a different z: 99% for 5 of 10', () => {
    // Closed form with z = qnorm(0.995) = 2.5758293035489008 (mpmath):
    // (0.5 + z²/20 ∓ z·sqrt(0.025 + z²/400)) / (1 + z²/10) = [0.1842255182, 0.8157744818].
    expectInterval(wilson(5, 10, 2.5758293035489008), 0.1842255182, 0.8157744818, 9);
  });

  it('stays finite and narrow for n = 100000', () => {
    // mpmath closed form: 12345/100000 → [0.121425617755, 0.125503311161];
    // 1/100000 → [1.76524773038e-6, 5.66470965904e-5].
    expectInterval(wilson(12345, 100000), 0.121425617755, 0.125503311161, 11);
    const rare = wilson(1, 100000)!;
    expectRelativelyClose(rare.low, 1.76524773038e-6, 1e-9);
    expectRelativelyClose(rare.high, 5.66470965904e-5, 1e-9);
  });

  it('rejects impossible counts', () => {
    expect(() => wilson(11, 10)).toThrow(RangeError);
    expect(() => wilson(-1, 10)).toThrow(RangeError);
    expect(() => wilson(1.5, 10)).toThrow(RangeError);
    expect(() => wilson(1, 10, 0)).toThrow(RangeError);
  });

  it('contains x/n and lies within [0, 1]', () => {
    fc.assert(
      fc.property(countOf(100000), ([x, n]) => {
        const interval = wilson(x, n);
        if (n === 0) {
          expect(interval).toBeNull();
          return;
        }
        expect(interval!.low).toBeGreaterThanOrEqual(0);
        expect(interval!.high).toBeLessThanOrEqual(1);
        expect(interval!.low).toBeLessThanOrEqual(x / n);
        expect(interval!.high).toBeGreaterThanOrEqual(x / n);
      }),
    );
  });
});

describe('twoProportionZ', () => {
  it('matches R: prop.test(c(15, 25), c(50, 50), correct = FALSE)', () => {
    // R prints X-squared = 4.1667, p-value = 0.04123; z² = X². Exact values from mpmath:
    // z = −2.0412414523193151 (= −sqrt(25/6)), p = 0.041226833337163694
    // (scipy.stats.chi2_contingency(correction=False) agrees: 4.1666…, 0.0412268333371638).
    const { z, p } = twoProportionZ(15, 50, 25, 50);
    expect(z).toBeCloseTo(-2.041241452319315, 12);
    expect(z * z).toBeCloseTo(4.1667, 4);
    expect(p).toBeCloseTo(0.04123, 5);
    expectRelativelyClose(p, 0.0412268333371637, 1e-12);
  });

  it('handles n = 100000 in total', () => {
    // mpmath: 5000/50000 vs 5200/50000 → z = −2.0897375255978824, p = 0.036641384127354692.
    const { z, p } = twoProportionZ(5000, 50000, 5200, 50000);
    expect(z).toBeCloseTo(-2.0897375255978825, 10);
    expectRelativelyClose(p, 0.036641384127354695, 1e-10);
  });

  it('returns z = 0, p = 1 when it cannot test', () => {
    expect(twoProportionZ(0, 0, 3, 10)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZ(3, 10, 0, 0)).toEqual({ z: 0, p: 1 });
    expect(twoProportionZ(0, 10, 0, 20)).toEqual({ z: 0, p: 1 }); // pooled rate 0
    expect(twoProportionZ(10, 10, 20, 20)).toEqual({ z: 0, p: 1 }); // pooled rate 1
  });

  it('gives p = 1 for equal rates', () => {
    expect(twoProportionZ(3, 10, 6, 20)).toEqual({ z: 0, p: 1 });
  });
});

describe('fisherExact', () => {
  // R's fisher.test(matrix(...)) fills column by column, so matrix(c(a, c, b, d), 2) is the
  // table [[a, b], [c, d]]. Every p below was recomputed exactly from the hypergeometric
  // probabilities with Python's math.comb (integers, R's 1 + 1e-7 tolerance rule) and agrees with
  // scipy.stats.fisher_exact to all printed digits.
  it("R: fisher.test(matrix(c(3, 1, 1, 3), 2)) → 0.4857 (Fisher's tea tasting)", () => {
    // 34/70: the tables x = 0, 1, 3, 4 are each as or less probable than x = 3. x = 1 ties with
    // x = 3 exactly, which is what R's tolerance is for.
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(34 / 70, 14);
  });

  it('R: fisher.test(matrix(c(10, 0, 0, 10), 2)) → 1.083e-5', () => {
    // Exactly 2 / choose(20, 10) = 2/184756.
    expectRelativelyClose(fisherExact(10, 0, 0, 10), 2 / 184756, 1e-12);
    expect(fisherExact(10, 0, 0, 10)).toBeCloseTo(1.083e-5, 8);
  });

  it('Wikipedia, "Fisher\'s exact test" (dieting example [[1, 9], [11, 3]]) → 0.002759', () => {
    // The two-sided rule matters here: doubling the one-sided p (0.001346) would give 0.002692.
    // Exact: 0.0027594561852200836.
    expectRelativelyClose(fisherExact(1, 9, 11, 3), 0.0027594561852200836, 1e-12);
    expectRelativelyClose(fisherExact(1, 11, 9, 3), 0.0027594561852200836, 1e-12); // transposed
  });

  it("R's fisher.test help page, Convictions = matrix(c(2, 10, 15, 3), 2) → 0.0005367", () => {
    // Table [[2, 15], [10, 3]]. Exact: 0.0005367241191434358.
    expectRelativelyClose(fisherExact(2, 15, 10, 3), 0.0005367241191434358, 1e-12);
  });

  it("needs R's 1 + 1e-7 tolerance: tables exactly as probable as the observed one count", () => {
    // [[3, 3], [0, 6]]: x = 0 and x = 3 are equally probable (1/22 each), but their log-space
    // probabilities differ in the last bit; a strict <= would drop one and halve p.
    // Exact (math.comb): 2/11; scipy.stats.fisher_exact: 0.18181818181818185.
    expectRelativelyClose(fisherExact(3, 3, 0, 6), 2 / 11, 1e-12);
    // [[4, 2], [1, 5]]: exact 8/33 (scipy: 0.24242424242424238). [[3, 5], [2, 6]]: exact 1.
    expectRelativelyClose(fisherExact(4, 2, 1, 5), 8 / 33, 1e-12);
    expect(fisherExact(3, 5, 2, 6)).toBeCloseTo(1, 14);
  });

  it('counts the mirror-image table that ties with the observed one', () => {
    // Margins 100/100/100/100: x = 30 and x = 70 are equally probable. Exact (math.comb):
    // 2.310326429897527e-8.
    expectRelativelyClose(fisherExact(30, 70, 70, 30), 2.310326429897527e-8, 1e-10);
  });

  it('works in log space for n = 2000 and n = 100000', () => {
    // Exact (math.comb): 0.05759585086892679; mpmath (60 digits) agrees.
    expectRelativelyClose(fisherExact(120, 880, 150, 850), 0.05759585086892679, 1e-10);
    // mpmath loggamma at 60 digits: 0.037586622023498105; scipy: 0.037586622023498.
    expectRelativelyClose(fisherExact(5000, 45000, 5200, 44800), 0.037586622023498106, 1e-9);
    // mpmath: 2.120422994372408e-24; scipy: 2.12042299437241e-24.
    expectRelativelyClose(fisherExact(100, 49900, 300, 49700), 2.120422994372408e-24, 1e-9);
  });

  it('is 1 for degenerate tables', () => {
    expect(fisherExact(0, 0, 0, 0)).toBe(1);
    expect(fisherExact(0, 5, 0, 7)).toBe(1);
    expect(fisherExact(4, 0, 0, 0)).toBe(1);
    expect(fisherExact(50000, 50000, 50000, 50000)).toBe(1);
  });

  it('rejects impossible cells', () => {
    expect(() => fisherExact(-1, 1, 1, 1)).toThrow(RangeError);
    expect(() => fisherExact(0.5, 1, 1, 1)).toThrow(RangeError);
  });

  it('gives p in (0, 1], the same for swapped rows, columns and the transpose', () => {
    const cell = fc.integer({ min: 0, max: 60 });
    fc.assert(
      fc.property(cell, cell, cell, cell, (a, b, c, d) => {
        const p = fisherExact(a, b, c, d);
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThanOrEqual(1);
        for (const other of [fisherExact(c, d, a, b), fisherExact(b, a, d, c), fisherExact(a, c, b, d)]) {
          expectRelativelyClose(other, p, 1e-9);
        }
      }),
    );
  });
});

describe('compareRates', () => {
  it('uses the z-test when every expected cell is at least 5', () => {
    // [[15, 35], [25, 25]]: expected cells 20, 30, 20, 30. p as in twoProportionZ above.
    const result = compareRates(15, 50, 25, 50);
    expect(result.test).toBe('z');
    expect(result.direction).toBe(-1);
    expectRelativelyClose(result.p, 0.0412268333371637, 1e-12);
  });

  it("uses Fisher's test when an expected cell is below 5", () => {
    // [[9, 1], [3, 7]]: expected cells 6, 4, 6, 4. Exact (math.comb) Fisher p: 83/4199
    // = 0.019766611097880447; scipy.stats.fisher_exact: 0.019766611097880443.
    const result = compareRates(9, 10, 3, 10);
    expect(result).toEqual({ p: fisherExact(9, 1, 3, 7), test: 'fisher', direction: 1 });
    expectRelativelyClose(result.p, 83 / 4199, 1e-12);
  });

  it('switches at exactly 5: an expected cell of 5 is enough for the z-test', () => {
    // [[5, 5], [5, 5]]: every expected cell is exactly 5.
    expect(compareRates(5, 10, 5, 10).test).toBe('z');
    // [[4, 6], [5, 5]]: expected successes 4.5 in each row.
    expect(compareRates(4, 10, 5, 10).test).toBe('fisher');
  });

  it('returns p = 1 and direction 0 when either n is 0', () => {
    expect(compareRates(0, 0, 3, 10)).toEqual({ p: 1, test: 'fisher', direction: 0 });
    expect(compareRates(3, 10, 0, 0)).toEqual({ p: 1, test: 'fisher', direction: 0 });
    expect(compareRates(0, 0, 0, 0)).toEqual({ p: 1, test: 'fisher', direction: 0 });
  });

  it('gives direction 0 and p = 1 for equal rates', () => {
    expect(compareRates(30, 100, 60, 200)).toEqual({ p: 1, test: 'z', direction: 0 });
    expect(compareRates(0, 10, 0, 20)).toEqual({ p: 1, test: 'fisher', direction: 0 });
  });

  it('handles n = 100000 without NaN', () => {
    const result = compareRates(5000, 50000, 5200, 50000);
    expect(result.test).toBe('z');
    expect(result.direction).toBe(-1);
    expectRelativelyClose(result.p, 0.036641384127354695, 1e-10);
    // 7 successes in 100000: the expected successes per group are 3.5.
    const rare = compareRates(1, 50000, 6, 50000);
    expect(rare.test).toBe('fisher');
    expect(Number.isFinite(rare.p)).toBe(true);
  });

  it('is symmetric: swapping the groups flips direction and keeps test and p', () => {
    fc.assert(
      fc.property(countOf(400), countOf(400), ([x1, n1], [x2, n2]) => {
        const forward = compareRates(x1, n1, x2, n2);
        const backward = compareRates(x2, n2, x1, n1);
        expect(backward.test).toBe(forward.test);
        expect(backward.direction).toBe(-forward.direction || 0);
        expectRelativelyClose(backward.p, forward.p, 1e-9);
        expect(forward.p).toBeGreaterThan(0);
        expect(forward.p).toBeLessThanOrEqual(1);
        const expectedDirection = n1 === 0 || n2 === 0 ? 0 : Math.sign(x1 / n1 - x2 / n2);
        expect(forward.direction).toBe(expectedDirection || 0);
      }),
    );
  });
});

describe('diffInterval', () => {
  // Newcombe (1998b), Statistics in Medicine 17:873–890, Table II, method 10. The first two rows
  // are also asserted to 1e-4 by the R package propint's tests ("produces the results reported in
  // Newcombe1998"). All rows recomputed from the method-10 formula in mpmath with z = qnorm(0.975)
  // (to 6 decimals: [0.052431, 0.333873], [0.170523, 0.809018], [0.058228, 0.806250],
  // [−0.038137, 0.192560], [−0.161125, 0.277533], [0.679086, 1]).
  const table2: [number, number, number, number, number, number][] = [
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
  ];
  it.each(table2)('%i/%i vs %i/%i → [%s, %s]', (x1, n1, x2, n2, low, high) => {
    expectInterval(diffInterval(x1, n1, x2, n2), low, high);
  });

  it('is null when either n is 0', () => {
    expect(diffInterval(0, 0, 1, 2)).toBeNull();
    expect(diffInterval(1, 2, 0, 0)).toBeNull();
  });

  it('reaches exactly 1 for 10/10 vs 0/20', () => {
    expect(diffInterval(10, 10, 0, 20)!.high).toBe(1);
    expect(diffInterval(0, 20, 10, 10)!.low).toBe(-1);
  });

  it('contains x1/n1 − x2/n2 and lies within [−1, 1], mirrored when the groups swap', () => {
    fc.assert(
      fc.property(countOf(100000), countOf(100000), ([x1, n1], [x2, n2]) => {
        const interval = diffInterval(x1, n1, x2, n2);
        if (n1 === 0 || n2 === 0) {
          expect(interval).toBeNull();
          return;
        }
        const difference = x1 / n1 - x2 / n2;
        expect(interval!.low).toBeGreaterThanOrEqual(-1);
        expect(interval!.high).toBeLessThanOrEqual(1);
        expect(interval!.low).toBeLessThanOrEqual(difference);
        expect(interval!.high).toBeGreaterThanOrEqual(difference);
        const swapped = diffInterval(x2, n2, x1, n1)!;
        expect(swapped.low).toBeCloseTo(-interval!.high, 12);
        expect(swapped.high).toBeCloseTo(-interval!.low, 12);
      }),
    );
  });
});

describe('quantile and median', () => {
  it('matches R quantile(type = 7)', () => {
    // R: quantile(c(1, 2, 3, 4, 10), 0.75) = 4; quantile(c(1, 2), 0.75) = 1.75.
    // Python statistics.quantiles(method='inclusive') (= type 7) gives [2, 3, 4] and [1.25, 1.5, 1.75].
    expect(quantile([1, 2, 3, 4, 10], 0.75)).toBe(4);
    expect(quantile([1, 2], 0.75)).toBe(1.75);
    expect(quantile([1, 2], 0.25)).toBe(1.25);
    // Type 7 at q = 0.1: h = 0.4, so 1 + 0.4·(2 − 1) = 1.4 (Python, as above: 1.4).
    expect(quantile([1, 2, 3, 4, 10], 0.1)).toBeCloseTo(1.4, 15);
    expect(quantile([10, 4, 3, 2, 1], 0)).toBe(1);
    expect(quantile([10, 4, 3, 2, 1], 1)).toBe(10);
  });

  it('does not mutate its input', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it('returns NaN for an empty list or a NaN value, and rejects q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(median([])).toBeNaN();
    expect(quantile([1, NaN], 0.5)).toBeNaN();
    expect(() => quantile([1], 1.5)).toThrow(RangeError);
    expect(() => quantile([1], NaN)).toThrow(RangeError);
  });

  it('returns equal neighbours exactly, without interpolating (as R does)', () => {
    // R's quantile.default interpolates only where x[hi] != x[lo]. Interpolating anyway would
    // give 0.7·0.1 + 0.3·0.1 = 0.09999999999999999 here.
    expect(quantile([0.1, 0.1], 0.3)).toBe(0.1);
    expect(quantile([1, Infinity, Infinity], 0.75)).toBe(Infinity);
  });

  it('quantiles: several of the same numbers at once, as R gives them', () => {
    // R: quantile(c(4, 1, 3, 2), c(0.5, 0.75, 0)) → 2.5 3.25 1
    expect(quantiles([4, 1, 3, 2], [0.5, 0.75, 0])).toEqual([2.5, 3.25, 1]);
    expect(quantiles([], [0.5, 0.75])).toEqual([NaN, NaN]);
    expect(() => quantiles([1], [0.5, 2])).toThrow(RangeError);
  });

  it('median: middle value, or mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('lies between the minimum and the maximum', () => {
    // Found by the property below in CI: (1 − t)·a + t·b rounded to one ulp below the minimum.
    const values = [0, 0, 0, 0, 0, -999530.3346143764, -999999.9894380915, 0, 0, 0, 0, 0];
    expect(quantile(values, 5.140563321652682e-15)).toBeGreaterThanOrEqual(-999999.9894380915);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const result = quantile(values, q);
          expect(result).toBeGreaterThanOrEqual(Math.min(...values));
          expect(result).toBeLessThanOrEqual(Math.max(...values));
        },
      ),
    );
  });
});

describe('holmLevels', () => {
  it('holds the j-th smallest p to α/(m − j + 1) until the first that fails; that level then holds for the rest', () => {
    // Sorted: 0.005 ≤ 0.05/4, 0.01 ≤ 0.05/3, 0.03 > 0.05/2 = 0.025 fails: it and 0.04 are held to 0.025.
    expect(holmLevels([0.01, 0.04, 0.03, 0.005], 0.05)).toEqual([0.05 / 3, 0.025, 0.025, 0.05 / 4]);
    expect(holmLevels([0.2], 0.05)).toEqual([0.05]);
    expect(holmLevels([], 0.05)).toEqual([]);
  });

  it('a p below its level exactly when Holm rejects it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }).map((k) => k / 1000), { maxLength: 12 }), (ps) => {
        const levels = holmLevels(ps, 0.05);
        const adjusted = holm(ps);
        expect(ps.map((p, i) => p < levels[i]!)).toEqual(adjusted.map((a) => a < 0.05));
      }),
    );
  });
});

describe('holm', () => {
  it("matches R's p.adjust(p, 'holm')", () => {
    // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") → 0.03 0.06 0.06 0.02
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((want, i) => expect(adjusted[i]).toBeCloseTo(want, 12));
    expect(holm([])).toEqual([]);
    // R: p.adjust(c(0.5, 0.9), "holm") → 1 1
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
  });
});

describe('trendTest', () => {
  it("matches R's prop.trend.test", () => {
    // R: prop.trend.test(c(15, 10, 5), c(50, 50, 50)) → X-squared = 6.25, p-value = 0.01242
    const { z, p } = trendTest([15, 10, 5], [50, 50, 50]);
    expect(z).toBeCloseTo(-2.5, 10);
    expect(p).toBeCloseTo(0.012419330651552265, 10);
  });

  it('is 1 when there is nothing to test', () => {
    expect(trendTest([0, 0], [10, 10]).p).toBe(1);
    expect(trendTest([3], [10]).p).toBe(1);
  });
});
