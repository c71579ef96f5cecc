/**
 * The statistics behind leadaudit's reports (docs/reports.md, "Statistics"): confidence intervals for rates, tests that
 * compare two rates, and quantiles. This is the one place such numbers are computed; reports call
 * these functions and renderers format what comes back.
 *
 * Every function is pure: numbers in, numbers out, no I/O, no dependencies. Counts must be
 * non-negative integers with successes <= trials; anything else is a caller's bug and throws a
 * RangeError rather than producing a plausible-looking number.
 *
 * Each method names its source. Where R has a function for the same thing, the result matches R's
 * (test/stats.test.ts checks published values).
 */

export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** qnorm(0.975) = 1.95996398454005423552…, the two-sided 95% standard normal quantile. */
const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for x successes out of n (95% by default). null when n = 0.
 *
 * Method: E. B. Wilson (1927), "Probable inference, the law of succession, and statistical
 * inference", JASA 22:209–212; method 3 in R. G. Newcombe (1998), "Two-sided confidence intervals
 * for the single proportion: comparison of seven methods", Statistics in Medicine 17:857–872.
 * With p = x/n:
 *
 *     low, high = (p + z²/2n ∓ z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)
 *
 * The bounds are exactly 0 when x = 0 and exactly 1 when x = n (the formula gives those values in
 * exact arithmetic; pinning them keeps rounding from producing 1e-17 or 0.9999999999999999).
 */
export function wilson(x: number, n: number, z: number = Z_95): Interval | null {
  checkSuccesses(x, n);
  checkNormalQuantile(z);
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const shrink = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / shrink;
  const halfWidth = (z / shrink) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    low: x === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: x === n ? 1 : Math.min(1, centre + halfWidth),
  };
}

/**
 * One-sided score test of H0: rate <= p0 against rate > p0, for x successes out of n, 0 <= p0 < 1.
 * p = 1 when n = 0.
 *
 * Method: the score (Wald-at-the-null) test of one proportion, the test the Wilson interval
 * inverts (Wilson 1927, above; Agresti 2013, §1.4):
 *
 *     z = (x/n − p0) / sqrt(p0(1 − p0)/n),   p = 1 − Φ(z) = Φ(−z)
 *
 * so p < 0.025 exactly when the two-sided 95% Wilson interval lies wholly above p0 (its low end
 * above p0), up to rounding at the very edge. It equals R's
 * `prop.test(x, n, p0, alternative = "greater", correct = FALSE)$p.value`. With p0 = 0 any success
 * proves the rate above 0: p = 0 when x > 0, else 1.
 */
export function scoreTestAbove(x: number, n: number, p0: number): { z: number; p: number } {
  checkSuccesses(x, n);
  if (!(p0 >= 0 && p0 < 1)) throw new RangeError(`p0 must be in [0, 1), got ${p0}`);
  if (n === 0) return { z: 0, p: 1 };
  if (p0 === 0) return x > 0 ? { z: Infinity, p: 0 } : { z: 0, p: 1 };
  const z = (x / n - p0) / Math.sqrt((p0 * (1 - p0)) / n);
  return { z, p: normalCdf(-z) };
}

/**
 * Two-sided two-proportion z-test with pooled variance, no continuity correction. p = 1 when either
 * n is 0 or the pooled rate is 0 or 1.
 *
 * Method: the score test of H0: p1 = p2 (e.g. A. Agresti (2013), "Categorical Data Analysis",
 * 3rd ed.). With the pooled rate P = (x1 + x2)/(n1 + n2):
 *
 *     z = (x1/n1 − x2/n2) / sqrt(P(1 − P)(1/n1 + 1/n2)),   p = 2·Φ(−|z|)
 *
 * z² is Pearson's X² for the 2x2 table, so p equals R's
 * `prop.test(c(x1, x2), c(n1, n2), correct = FALSE)$p.value`. z is 0 whenever p is set to 1.
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): { z: number; p: number } {
  checkSuccesses(x1, n1);
  checkSuccesses(x2, n2);
  const successes = x1 + x2;
  const trials = n1 + n2;
  if (n1 === 0 || n2 === 0 || successes === 0 || successes === trials) return { z: 0, p: 1 };
  const pooled = successes / trials;
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const z = (x1 / n1 - x2 / n2) / standardError;
  // Φ(−|z|) rather than 1 − Φ(|z|): the lower tail keeps full relative precision for large |z|.
  return { z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

/** R's relative tolerance for "as or less probable than the observed table" in fisher.test. */
const FISHER_RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * Fisher's exact test, two-sided, on the 2x2 table [[a, b], [c, d]], computed the way R's
 * fisher.test does.
 *
 * Method: R. A. Fisher (1935), "The logic of inductive inference", JRSS 98:39–82. Given the margins,
 * the top-left cell follows a hypergeometric distribution:
 *
 *     P(x) = C(a+c, x) · C(b+d, a+b−x) / C(n, a+b),   max(0, a+b − (b+d)) <= x <= min(a+b, a+c)
 *
 * The two-sided p is the sum of P(x) over every x with P(x) <= P(a) · (1 + 1e-7), the rule and
 * tolerance of R's `fisher.test` (src/library/stats/R/fisher.test.R: `relErr <- 1 + 10^(-7)`).
 * The tolerance makes tables that are exactly as probable as the observed one count even when
 * rounding makes their computed probability a hair larger. Like R, the probabilities are
 * normalised by their computed sum, and the result is capped at 1.
 *
 * The probabilities are computed in log space from log-factorials, so tables with n in the
 * hundreds of thousands do not overflow (at n = 100000 the p agrees with a 60-digit computation
 * to ~1e-11 relative). A p below ~1e-308 underflows to 0 (R prints such values as "< 2.2e-16").
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  checkTable(a, b, c, d);
  const row1 = a + b;
  const column1 = a + c;
  const column2 = b + d;
  const lowest = Math.max(0, row1 - column2);
  const highest = Math.min(row1, column1);
  // log P(x) without the constant log[(a+b)!(c+d)!(a+c)!(b+d)!/n!], which cancels on normalising.
  const logWeight = (x: number): number =>
    -(lnFactorial(x) + lnFactorial(row1 - x) + lnFactorial(column1 - x) + lnFactorial(column2 - row1 + x));

  const logWeights: number[] = [];
  let largest = -Infinity;
  for (let x = lowest; x <= highest; x++) {
    const logW = logWeight(x);
    logWeights.push(logW);
    largest = Math.max(largest, logW);
  }
  const threshold = logWeight(a) + Math.log(FISHER_RELATIVE_TOLERANCE);
  let total = 0;
  let asExtreme = 0;
  for (const logW of logWeights) {
    const weight = Math.exp(logW - largest);
    total += weight;
    if (logW <= threshold) asExtreme += weight;
  }
  return Math.min(1, asExtreme / total);
}

/** The smallest expected cell count for which the z-test's normal approximation is trusted. */
const MIN_EXPECTED_CELL = 5;

/**
 * Compares rate x1/n1 with x2/n2 as leadaudit's reports do (docs/reports.md, "Comparing two rates"): Fisher's exact test when
 * any expected cell of the 2x2 table [[x1, n1−x1], [x2, n2−x2]] is < 5, else the z-test. (The
 * usual rule of thumb, a simplification of W. G. Cochran (1954), "Some methods for strengthening
 * the common χ² tests", Biometrics 10:417–451.) direction is +1 when x1/n1 > x2/n2, −1 when
 * lower, 0 when equal.
 *
 * When either n is 0 there is no rate to compare: p = 1, direction 0, and test 'fisher' (that
 * group's row has expected counts of 0, and Fisher's test of such a table is exactly 1).
 */
export function compareRates(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
): { p: number; test: 'z' | 'fisher'; direction: -1 | 0 | 1 } {
  checkSuccesses(x1, n1);
  checkSuccesses(x2, n2);
  if (n1 === 0 || n2 === 0) return { p: 1, test: 'fisher', direction: 0 };

  // Compare x1/n1 with x2/n2 by cross-multiplying: exact for counts below ~9e7, where dividing
  // could round two different rates to the same number.
  const crossDifference = x1 * n2 - x2 * n1;
  const direction = crossDifference > 0 ? 1 : crossDifference < 0 ? -1 : 0;

  // The smallest expected cell is min(row total) · min(column total) / n; compare in integers.
  const trials = n1 + n2;
  const successes = x1 + x2;
  const smallestExpectedTimesN = Math.min(n1, n2) * Math.min(successes, trials - successes);
  if (smallestExpectedTimesN < MIN_EXPECTED_CELL * trials) {
    return { p: fisherExact(x1, n1 - x1, x2, n2 - x2), test: 'fisher', direction };
  }
  return { p: twoProportionZ(x1, n1, x2, n2).p, test: 'z', direction };
}

/**
 * 95% interval of the difference of proportions p1 − p2: Newcombe's hybrid score interval, built
 * from the two Wilson intervals [l1, u1] and [l2, u2]. null when either n is 0.
 *
 * Method: R. G. Newcombe (1998), "Interval estimation for the difference between independent
 * proportions: comparison of eleven methods", Statistics in Medicine 17:873–890, method 10:
 *
 *     low  = (p1 − p2) − sqrt((p1 − l1)² + (u2 − p2)²)
 *     high = (p1 − p2) + sqrt((u1 − p1)² + (p2 − l2)²)
 *
 * The result lies within [−1, 1] in exact arithmetic; the clamp only absorbs rounding.
 */
export function diffInterval(x1: number, n1: number, x2: number, n2: number, z: number = Z_95): Interval | null {
  const first = wilson(x1, n1, z);
  const second = wilson(x2, n2, z);
  if (first === null || second === null) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const difference = p1 - p2;
  return {
    low: Math.max(-1, difference - Math.hypot(p1 - first.low, second.high - p2)),
    high: Math.min(1, difference + Math.hypot(first.high - p1, p2 - second.low)),
  };
}

/**
 * Quantile q (0 <= q <= 1) of numbers in any order, by linear interpolation between order
 * statistics: R's default, `quantile(type = 7)`. The input is not mutated. NaN for an empty list
 * or when any value is NaN.
 *
 * Method: R. J. Hyndman and Y. Fan (1996), "Sample quantiles in statistical packages", The American
 * Statistician 50:361–365, definition 7. With the values sorted as v[0] <= … <= v[n−1] and
 * h = (n − 1)·q:
 *
 *     Q(q) = (1 − t)·v[⌊h⌋] + t·v[⌈h⌉],   t = h − ⌊h⌋
 *
 * As in R's quantile.default, equal neighbours are returned without interpolating: a run of equal
 * values yields exactly that value (interpolating could turn 0.1 into 0.09999999999999999). The
 * interpolated value is kept between its neighbours: in floating point (1 − t)·a + t·b can round to
 * just outside [a, b] (with a = −999999.9894380915, b = −999530.33 and t ≈ 6e−14 it gives
 * −999999.9894380916), and a quantile below the minimum is wrong however small the miss.
 */
export function quantile(values: readonly number[], q: number): number {
  return quantiles(values, [q])[0]!;
}

/** Several quantiles of the same numbers (see `quantile`), sorting them once. */
export function quantiles(values: readonly number[], qs: readonly number[]): number[] {
  for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be between 0 and 1, got ${q}`);
  if (values.length === 0 || values.some((value) => Number.isNaN(value))) return qs.map(() => NaN);
  // A typed array sorts numerically without a comparator call per comparison.
  const sorted = Float64Array.from(values).sort();
  const list = { length: sorted.length, at: (i: number) => sorted[i]! };
  return qs.map((q) => sortedQuantile(list, q));
}

/** Sorted numbers, read by position: an array, or a histogram walked by its counts. */
export interface SortedValues {
  readonly length: number;
  at(i: number): number;
}

/** Quantile `q` (type 7) of sorted values: interpolated between the two nearest positions. */
export function sortedQuantile(sorted: SortedValues, q: number): number {
  const h = (sorted.length - 1) * q;
  const below = sorted.at(Math.floor(h));
  const above = sorted.at(Math.ceil(h));
  const t = h - Math.floor(h);
  if (t === 0 || below === above) return below;
  return Math.min(Math.max((1 - t) * below + t * above, below), above);
}

/** Median: quantile(values, 0.5), the middle value or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/*
 * Coefficients of W. J. Cody's rational Chebyshev approximations for the normal distribution
 * function: W. J. Cody (1969), "Rational Chebyshev approximations for the error function",
 * Mathematics of Computation 23:631–637, as arranged in his ANORM routine (the specfun library; W. J. Cody
 * (1993), ACM TOMS Algorithm 715). R's pnorm (src/nmath/pnorm.c) uses the same coefficients and
 * interval boundaries. Relative error is near machine precision on each interval.
 */

// The coefficients are written with Cody's published digits so they can be checked against the
// source; each literal rounds to the nearest double, which is all the precision JavaScript keeps.
/* eslint-disable no-loss-of-precision */

/** |x| <= qnorm(3/4) ≈ 0.674: Φ(x) = 1/2 + x·A(x²)/B(x²). */
const SMALL_NUMERATOR = [
  2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249,
  0.065682337918207449113,
];
const SMALL_DENOMINATOR = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];

/** 0.674 < |x| <= sqrt(32): Φ(−|x|) = exp(−x²/2)·C(|x|)/D(|x|). */
const MIDDLE_NUMERATOR = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226,
  2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
  1.0765576773720192317e-8,
];
const MIDDLE_DENOMINATOR = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
  18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];

/** |x| > sqrt(32): Φ(−|x|) = exp(−x²/2)·(1/sqrt(2π) − P(1/x²)/Q(1/x²)/x²)/|x|. */
const TAIL_NUMERATOR = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466,
  2.9112874951168792e-5, 0.02307344176494017303,
];
const TAIL_DENOMINATOR = [
  1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244,
  7.29751555083966205e-5,
];

/* eslint-enable no-loss-of-precision */

const QUARTILE_3 = 0.67448975;
const SQRT_32 = Math.sqrt(32);
/** Below this Φ(x) is smaller than the smallest subnormal double (Cody's XLOW). */
const UNDERFLOW = 37.5193;
/** 1/sqrt(2π) = 0.398942280401432677939946…, rounded to the nearest double. */
const ONE_OVER_SQRT_2PI = 0.3989422804014327;

/**
 * Standard normal distribution function Φ(x) = P(Z <= x), by Cody's algorithm (see above): the same
 * method and coefficients as R's pnorm, accurate to about 1e-16 relative, far tails included
 * (Φ(−10) ≈ 7.62e-24 keeps all its digits).
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= QUARTILE_3) {
    const xsq = x * x;
    let numerator = SMALL_NUMERATOR[4]! * xsq;
    let denominator = xsq;
    for (let i = 0; i < 3; i++) {
      numerator = (numerator + SMALL_NUMERATOR[i]!) * xsq;
      denominator = (denominator + SMALL_DENOMINATOR[i]!) * xsq;
    }
    return 0.5 + (x * (numerator + SMALL_NUMERATOR[3]!)) / (denominator + SMALL_DENOMINATOR[3]!);
  }

  let lowerTail: number; // Φ(−y)
  if (y <= SQRT_32) {
    let numerator = MIDDLE_NUMERATOR[8]! * y;
    let denominator = y;
    for (let i = 0; i < 7; i++) {
      numerator = (numerator + MIDDLE_NUMERATOR[i]!) * y;
      denominator = (denominator + MIDDLE_DENOMINATOR[i]!) * y;
    }
    lowerTail = gaussianTimes(y, (numerator + MIDDLE_NUMERATOR[7]!) / (denominator + MIDDLE_DENOMINATOR[7]!));
  } else if (y < UNDERFLOW) {
    const inverseSquare = 1 / (y * y);
    let numerator = TAIL_NUMERATOR[5]! * inverseSquare;
    let denominator = inverseSquare;
    for (let i = 0; i < 4; i++) {
      numerator = (numerator + TAIL_NUMERATOR[i]!) * inverseSquare;
      denominator = (denominator + TAIL_DENOMINATOR[i]!) * inverseSquare;
    }
    const correction = (inverseSquare * (numerator + TAIL_NUMERATOR[4]!)) / (denominator + TAIL_DENOMINATOR[4]!);
    lowerTail = gaussianTimes(y, (ONE_OVER_SQRT_2PI - correction) / y);
  } else {
    lowerTail = 0;
  }
  return x > 0 ? 1 - lowerTail : lowerTail;
}

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1, by Wichura's algorithm AS 241 (PPND16):
 * M. J. Wichura (1988), "The percentage points of the normal distribution", Applied Statistics
 * 37:477–484 — the method and coefficients of R's qnorm (each rounded to the nearest double),
 * accurate to about 1e-16 relative.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be between 0 and 1 (exclusive), got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301227 * r + 33430.57558358813) * r + 67265.7709270087) * r + 45921.95393154987) * r + 13731.69376550946) * r + 1971.5909503065513) * r + 133.14166789178438) * r +
          3.3871328727963665)) /
      (((((((5226.495278852546 * r + 28729.085735721943) * r + 39307.89580009271) * r + 21213.794301586597) * r + 5394.196021424751) * r + 687.1870074920579) * r + 42.31333070160091) * r + 1)
    );
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x =
      (((((((0.0007745450142783414 * r + 0.022723844989269184) * r + 0.2417807251774506) * r + 1.2704582524523684) * r + 3.6478483247632045) * r + 5.769497221460691) * r + 4.630337846156546) * r +
        1.4234371107496835) /
      (((((((1.0507500716444169e-09 * r + 0.0005475938084995345) * r + 0.015198666563616457) * r + 0.14810397642748008) * r + 0.6897673349851) * r + 1.6763848301838038) * r + 2.053191626637759) * r + 1);
  } else {
    r -= 5;
    x =
      (((((((2.0103343992922881e-07 * r + 2.7115555687434876e-05) * r + 0.0012426609473880784) * r + 0.026532189526576124) * r + 0.29656057182850487) * r + 1.7848265399172913) * r + 5.463784911164114) * r +
        6.657904643501103) /
      (((((((2.0442631033899397e-15 * r + 1.421511758316446e-07) * r + 1.8463183175100548e-05) * r + 0.0007868691311456133) * r + 0.014875361290850615) * r + 0.1369298809227358) * r + 0.599832206555888) * r + 1);
  }
  return q < 0 ? -x : x;
}

/**
 * exp(−y²/2)·factor, with y² split into a part exact in floating point (y rounded down to 1/16)
 * and a small remainder, as Cody does, so that the exponential loses no precision for large y.
 */
function gaussianTimes(y: number, factor: number): number {
  const rounded = Math.trunc(y * 16) / 16;
  const remainder = (y - rounded) * (y + rounded);
  return Math.exp(-rounded * rounded * 0.5) * Math.exp(-remainder * 0.5) * factor;
}

/** ln(k!) below this k comes from a table of summed logarithms; from it on, Stirling's series. */
const LN_FACTORIAL_TABLE_SIZE = 256;
const LN_FACTORIAL_TABLE: readonly number[] = (() => {
  const table = [0];
  for (let k = 1; k < LN_FACTORIAL_TABLE_SIZE; k++) table.push(table[k - 1]! + Math.log(k));
  return table;
})();
/** ln(2π)/2 = 0.918938533204672741780329…, rounded to the nearest double. */
const HALF_LN_2PI = 0.9189385332046728;

/**
 * ln(k!) for a non-negative integer k. Small k come from a table of summed logarithms (absolute
 * error ~1e-13); larger k from Stirling's series for ln Γ(k + 1) (Abramowitz & Stegun 6.1.41):
 *
 *     ln k! = k·ln k − k + ½·ln(2πk) + 1/(12k) − 1/(360k³) + 1/(1260k⁵) − …
 *
 * whose next term, 1/(1680k⁷), is below 1e-19 for k >= 256.
 */
function lnFactorial(k: number): number {
  if (k < LN_FACTORIAL_TABLE_SIZE) return LN_FACTORIAL_TABLE[k]!;
  const inverse = 1 / k;
  const inverseSquare = inverse * inverse;
  const series = inverse * (1 / 12 - inverseSquare * (1 / 360 - inverseSquare / 1260));
  return k * Math.log(k) - k + 0.5 * Math.log(k) + HALF_LN_2PI + series;
}

/**
 * Holm's step-down adjustment of p-values for a family of tests (S. Holm (1979), "A simple
 * sequentially rejective multiple test procedure", Scandinavian Journal of Statistics 6:65–70),
 * as R's `p.adjust(p, "holm")`: sort ascending, multiply the i-th smallest (0-based) by (m − i),
 * carry the running maximum, cap at 1. Returned in the input's order. Rejecting where the
 * adjusted p < α keeps the chance of any false alarm in the family below α.
 */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted: number[] = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * The level Holm's step-down holds each test of a family to, at family level α, in the input's
 * order: the i-th smallest p (0-based, ties in input order) is held to α / (m − i), until the
 * first p above its level; that level then holds for every later one, since Holm rejects none of
 * them. So p < its level exactly when Holm rejects it (adjusted p < α, as `holm` gives), and a
 * confidence interval taken at 1 − level is as strict as the test beside it.
 */
export function holmLevels(pValues: readonly number[], alpha: number): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const levels: number[] = new Array<number>(m);
  let stop = m;
  order.forEach(({ p, i }, rank) => {
    if (stop === m && !(p < alpha / (m - rank))) stop = rank;
    levels[i] = alpha / (m - Math.min(rank, stop));
  });
  return levels;
}

/**
 * Cochran–Armitage test for a linear trend in proportions x_i / n_i across ordered groups with
 * scores t_i (default 0, 1, 2, …), two-sided; the same statistic as R's `prop.trend.test`
 * (W. G. Cochran (1954), Biometrics 10:417–451; P. Armitage (1955), Biometrics 11:375–386):
 *
 *     z = Σ t_i (x_i − n_i p̄) / sqrt( p̄ (1 − p̄) [ Σ t_i² n_i − (Σ t_i n_i)² / N ] )
 *
 * z > 0 when the rate rises with the score. p = 1 (z = 0) when there is nothing to test.
 */
export function trendTest(x: readonly number[], n: readonly number[], scores?: readonly number[]): { z: number; p: number } {
  const t = scores ?? x.map((_, i) => i);
  let N = 0;
  let X = 0;
  for (let i = 0; i < x.length; i++) {
    checkSuccesses(x[i]!, n[i]!);
    N += n[i]!;
    X += x[i]!;
  }
  if (N === 0 || X === 0 || X === N) return { z: 0, p: 1 };
  const pBar = X / N;
  let numerator = 0;
  let sumTN = 0;
  let sumT2N = 0;
  for (let i = 0; i < x.length; i++) {
    numerator += t[i]! * (x[i]! - n[i]! * pBar);
    sumTN += t[i]! * n[i]!;
    sumT2N += t[i]! * t[i]! * n[i]!;
  }
  const variance = pBar * (1 - pBar) * (sumT2N - (sumTN * sumTN) / N);
  if (!(variance > 0)) return { z: 0, p: 1 };
  const z = numerator / Math.sqrt(variance);
  return { z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer count, got ${value}`);
  }
}

function checkSuccesses(x: number, n: number): void {
  checkCount('successes', x);
  checkCount('trials', n);
  if (x > n) throw new RangeError(`successes (${x}) exceed trials (${n})`);
}

function checkTable(a: number, b: number, c: number, d: number): void {
  for (const cell of [a, b, c, d]) checkCount('2x2 table cell', cell);
}

function checkNormalQuantile(z: number): void {
  if (!(z > 0 && Number.isFinite(z))) throw new RangeError(`z must be a positive finite number, got ${z}`);
}
