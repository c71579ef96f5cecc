/**
 * A multivariable logistic regression of winning on every rubric signal at once, with a small
 * ridge (L2) penalty, for the signals' suggested points (docs/reports.md, "Logistic model"): each
 * signal's coefficient is its log odds ratio adjusted for the other signals (with one signal and
 * no ridge, the 2×2 table's own).
 *
 * Pure, like stats.ts: numbers in, numbers out, no I/O, no dependencies. Counts must be
 * non-negative integers with won <= n, and every class must list signalCount signals; anything
 * else is a caller's bug and throws a RangeError.
 *
 * The model and method: leads with the same signals form a class i with design row
 * z_i = (1, x_i1, …, x_ik) (x_ij = 1 when class i has signal j), n_i leads and y_i of them won.
 * With η_i = z_i·θ, θ = (α, β_1, …, β_k), the fit maximises the penalised binomial log-likelihood
 *
 *     ℓ_λ(θ) = Σ_i [y_i·η_i − n_i·log(1 + e^η_i)] − (λ/2)·Σ_j β_j²
 *
 * (the intercept α is not penalised), by Newton–Raphson, which for the logit link is iteratively
 * reweighted least squares (P. McCullagh and J. A. Nelder (1989), "Generalized Linear Models",
 * 2nd ed., §2.5 and §4.4):
 *
 *     θ ← θ + I(θ)⁻¹·U(θ),   U = Σ_i (y_i − n_i·p_i)·z_i − λ·(0, β),
 *                            I = Σ_i n_i·p_i·(1 − p_i)·z_i·z_iᵀ + λ·diag(0, 1, …, 1),
 *
 * the ridge estimator of S. le Cessie and J. C. van Houwelingen (1992), "Ridge estimators in
 * logistic regression", Applied Statistics 41:191–201 (their penalty on every coefficient but the
 * intercept). Standard errors are the square roots of the diagonal of I(θ̂)⁻¹, the inverse of the
 * penalised information at the fit (le Cessie and van Houwelingen's approximate covariance, which
 * ignores the penalty's bias; at λ = 0 it is the usual one, statsmodels' bse).
 *
 * test/logistic.test.ts checks the fits against statsmodels (λ = 0) and scipy (λ > 0) on the cases
 * scripts/statsmodels-logistic.py saved in test/golden/logistic/cases.json.
 */

/** One class of alike leads: which signals it has, how many leads, how many of them won. */
export interface SignalClass {
  readonly signals: readonly boolean[];
  readonly n: number;
  readonly won: number;
}

export interface LogisticFit {
  readonly intercept: number;
  /** One per signal: its log odds ratio, adjusted for the other signals (and shrunk by the ridge). */
  readonly coefficients: number[];
  /** From the penalised information matrix's inverse; Infinity when that matrix is singular. */
  readonly standardErrors: number[];
  /** Newton steps taken. */
  readonly iterations: number;
  /** false when the steps did not settle within MAX_ITERATIONS, or the information became singular. */
  readonly converged: boolean;
}

/**
 * The default ridge λ = 1: in Bayesian terms a N(0, 1) prior on each signal's log odds ratio (the
 * fit is then its posterior mode), i.e. odds ratios between ÷7 and ×7 (e^±1.96) with 95% prior
 * probability, which covers any effect a single rubric signal plausibly has. λ adds 1 to the
 * information about each coefficient, where a signal that 200 leads have, at a win rate near 10%,
 * brings about 200·0.1·0.9 = 18, and one that thousands have brings hundreds: the fit shrinks such
 * a coefficient by roughly λ/(λ + its information), a few percent or less. Yet it keeps finite
 * what the data alone would send to ±∞ (a signal with no wins or no losses among its leads), lets
 * two signals on exactly the same leads share their effect equally, and gives 0 to a signal on no
 * lead (exactly) or on every lead (to rounding: the unpenalised intercept takes its effect).
 */
export const RIDGE = 1;

/** Newton steps at most; from the starting point below a well-posed fit takes about 4 to 8. */
const MAX_ITERATIONS = 100;

/** Converged when no entry of θ moves more than this in a full Newton step. */
const STEP_TOLERANCE = 1e-10;

/**
 * How often a step is halved when it would lower ℓ_λ. A Newton step on this concave objective
 * rarely needs it (only far from the optimum); 2⁻⁵⁰ of a step is below rounding.
 */
const MAX_HALVINGS = 50;

/**
 * A step "lowers" ℓ_λ only by more than this fraction of |ℓ_λ| (plus 1e-12 absolute): ℓ_λ is a sum
 * over classes whose rounding is around (number of classes)·ε·|ℓ_λ|, so near the optimum, where a
 * full step changes ℓ_λ by less than that, rounding alone would otherwise look like a decrease.
 */
const DECREASE_SLACK = 1e-12;

/**
 * A Cholesky pivot below this fraction of its diagonal entry means the information matrix is
 * singular to working precision (λ = 0 with a signal the data cannot identify, or separation):
 * a step solved with it would be made of rounding, and huge.
 */
const PIVOT_TOLERANCE = 1e-13;

/**
 * Fits the ridge-penalised logistic regression of winning on the signals (see the header for the
 * model and sources). Classes with n = 0 are ignored; at least one lead is required.
 *
 * With λ > 0 the optimum exists and is unique whenever some leads won and some did not; a signal
 * on no lead gets coefficient 0 and standard error 1/√λ. With λ = 0 a coefficient the data cannot
 * pin down (separation: a signal whose leads all won or all lost; a signal on no lead; signals on
 * exactly the same leads) makes the fit report converged = false, with the last finite estimates
 * and, where the information is singular, standard errors of Infinity; never NaN. Every lead won,
 * or none did, sends the intercept towards ±∞ whatever λ: converged = false as well.
 */
export function fitLogistic(classes: readonly SignalClass[], signalCount: number, ridge: number = RIDGE): LogisticFit {
  if (!(Number.isInteger(signalCount) && signalCount >= 0)) {
    throw new RangeError(`signalCount must be a non-negative integer, got ${signalCount}`);
  }
  if (!(ridge >= 0 && Number.isFinite(ridge))) throw new RangeError(`ridge must be a non-negative finite number, got ${ridge}`);
  classes.forEach((c, index) => checkClass(c, index, signalCount));

  const data = compile(classes);
  if (data.length === 0) throw new RangeError('fitLogistic: no leads (every class has n = 0)');
  const size = signalCount + 1;

  let theta = startingPoint(data, size);
  let objective = penalisedLogLikelihood(data, theta, ridge);
  let iterations = 0;
  let converged = false;
  while (iterations < MAX_ITERATIONS) {
    const { score, information } = derivatives(data, theta, ridge);
    const factor = cholesky(information, size);
    if (factor === null) break;
    const step = solve(factor, size, score);
    if (!step.every(Number.isFinite)) break;
    iterations += 1;

    // Step halving (McCullagh and Nelder 1989, §2.5): a full Newton step can overshoot far from the
    // optimum; a shorter one in the same direction then goes uphill, since the direction ascends.
    let scale = 1;
    let candidate = theta.map((value, j) => value + step[j]!);
    let candidateObjective = penalisedLogLikelihood(data, candidate, ridge);
    const floor = objective - DECREASE_SLACK * (Math.abs(objective) + 1);
    for (let halvings = 0; !(candidateObjective >= floor) && halvings < MAX_HALVINGS; halvings++) {
      scale /= 2;
      candidate = theta.map((value, j) => value + scale * step[j]!);
      candidateObjective = penalisedLogLikelihood(data, candidate, ridge);
    }
    if (!(candidateObjective >= floor)) break; // no step along the direction ascends: stuck, not converged
    theta = candidate;
    objective = candidateObjective;
    if (Math.max(...step.map(Math.abs)) < STEP_TOLERANCE) {
      converged = true;
      break;
    }
  }

  return {
    intercept: theta[0]!,
    coefficients: theta.slice(1),
    standardErrors: standardErrors(data, theta, ridge, size).slice(1),
    iterations,
    converged,
  };
}

/** A class as the fit uses it: the indices of its signals (design row entries 1 after the intercept). */
interface CompiledClass {
  readonly on: readonly number[];
  readonly n: number;
  readonly won: number;
}

function compile(classes: readonly SignalClass[]): CompiledClass[] {
  const compiled: CompiledClass[] = [];
  for (const c of classes) {
    if (c.n === 0) continue;
    const on: number[] = [];
    c.signals.forEach((has, j) => {
      if (has) on.push(j + 1);
    });
    compiled.push({ on, n: c.n, won: c.won });
  }
  return compiled;
}

/**
 * β = 0 and α = the log odds of the overall win rate: the fit of the intercept-only model, from
 * which the first Newton step is usually small. When every lead won or none did, α starts at 0.
 */
function startingPoint(data: readonly CompiledClass[], size: number): number[] {
  let n = 0;
  let won = 0;
  for (const c of data) {
    n += c.n;
    won += c.won;
  }
  const theta = new Array<number>(size).fill(0);
  if (won > 0 && won < n) theta[0] = Math.log(won) - Math.log(n - won);
  return theta;
}

function linearPredictor(c: CompiledClass, theta: readonly number[]): number {
  let eta = theta[0]!;
  for (const j of c.on) eta += theta[j]!;
  return eta;
}

/** log(1 + e^x) without overflow for large x or loss of precision for very negative x. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * ℓ_λ(θ). Each class's term is written as −y·log(1 + e^−η) − (n − y)·log(1 + e^η), which is
 * y·η − n·log(1 + e^η) rearranged so that no two large numbers cancel when |η| is large.
 */
function penalisedLogLikelihood(data: readonly CompiledClass[], theta: readonly number[], ridge: number): number {
  let sum = 0;
  for (const c of data) {
    const eta = linearPredictor(c, theta);
    sum -= c.won * softplus(-eta) + (c.n - c.won) * softplus(eta);
  }
  let squares = 0;
  for (let j = 1; j < theta.length; j++) squares += theta[j]! * theta[j]!;
  return sum - (ridge / 2) * squares;
}

/**
 * p = 1/(1 + e^−η), q = 1 − p and p·q, each computed from e^−|η|, so that none is rounded to 0 or
 * 1 while it can still be told apart from them (1 − p would be 0 from η ≈ 37 on).
 */
function probability(eta: number): { p: number; q: number; weight: number } {
  const e = Math.exp(-Math.abs(eta));
  const large = 1 / (1 + e);
  const small = e / (1 + e);
  return eta >= 0 ? { p: large, q: small, weight: large * small } : { p: small, q: large, weight: large * small };
}

/** The penalised score U(θ) and information I(θ) (header), I as a dense row-major size×size matrix. */
function derivatives(data: readonly CompiledClass[], theta: readonly number[], ridge: number) {
  const size = theta.length;
  const score = new Array<number>(size).fill(0);
  const information = new Float64Array(size * size);
  for (const c of data) {
    const { p, q, weight } = probability(linearPredictor(c, theta));
    // y − n·p, as y·q − (n − y)·p: when every lead of a class won and p rounds to 1, the score
    // must still point upwards (else a fit where every lead won would stop, "converged", at η ≈ 37)
    const residual = c.won * q - (c.n - c.won) * p;
    const w = c.n * weight;
    // z has a 1 at index 0 and at each index in c.on: only those rows and columns are touched.
    score[0]! += residual;
    information[0]! += w;
    for (const j of c.on) {
      score[j]! += residual;
      information[j]! += w; // row 0, column j
      information[j * size]! += w; // row j, column 0
      for (const l of c.on) information[j * size + l]! += w;
    }
  }
  for (let j = 1; j < size; j++) {
    score[j]! -= ridge * theta[j]!;
    information[j * size + j]! += ridge;
  }
  return { score, information };
}

/**
 * Lower-triangular L with L·Lᵀ = A for a symmetric positive definite A (row-major), or null when a
 * pivot falls below PIVOT_TOLERANCE times its diagonal entry (A singular to working precision).
 * Method: the Cholesky–Banachiewicz order, G. H. Golub and C. F. Van Loan (2013), "Matrix
 * Computations", 4th ed., algorithm 4.2.2.
 */
function cholesky(a: Float64Array, size: number): Float64Array | null {
  const l = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * size + j]!;
      for (let m = 0; m < j; m++) sum -= l[i * size + m]! * l[j * size + m]!;
      if (i === j) {
        if (!(sum > PIVOT_TOLERANCE * a[i * size + i]!) || !Number.isFinite(sum)) return null;
        l[i * size + i] = Math.sqrt(sum);
      } else {
        l[i * size + j] = sum / l[j * size + j]!;
      }
    }
  }
  return l;
}

/** x with L·Lᵀ·x = b, by forward then back substitution. */
function solve(l: Float64Array, size: number, b: readonly number[]): number[] {
  const y = new Array<number>(size);
  for (let i = 0; i < size; i++) {
    let sum = b[i]!;
    for (let m = 0; m < i; m++) sum -= l[i * size + m]! * y[m]!;
    y[i] = sum / l[i * size + i]!;
  }
  const x = new Array<number>(size);
  for (let i = size - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let m = i + 1; m < size; m++) sum -= l[m * size + i]! * x[m]!;
    x[i] = sum / l[i * size + i]!;
  }
  return x;
}

/** √diag(I(θ)⁻¹), column j of the inverse being the solution of I·x = e_j; Infinity when I is singular. */
function standardErrors(data: readonly CompiledClass[], theta: readonly number[], ridge: number, size: number): number[] {
  const factor = cholesky(derivatives(data, theta, ridge).information, size);
  if (factor === null) return new Array<number>(size).fill(Infinity);
  return theta.map((_, j) => {
    const unit = new Array<number>(size).fill(0);
    unit[j] = 1;
    return Math.sqrt(solve(factor, size, unit)[j]!);
  });
}

function checkClass(c: SignalClass, index: number, signalCount: number): void {
  if (c.signals.length !== signalCount) {
    throw new RangeError(`class ${index}: ${c.signals.length} signals, expected ${signalCount}`);
  }
  for (const [name, value] of [
    ['n', c.n],
    ['won', c.won],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 0)) {
      throw new RangeError(`class ${index}: ${name} must be a non-negative integer count, got ${value}`);
    }
  }
  if (c.won > c.n) throw new RangeError(`class ${index}: won (${c.won}) exceeds n (${c.n})`);
}
