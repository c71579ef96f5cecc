"""
Reference fits for src/reports/logistic.ts, written to test/golden/logistic/cases.json, which
test/logistic.test.ts reads (the test never runs Python). Regenerate and review the diff with

    /usr/bin/python3 scripts/statsmodels-logistic.py

(/usr/bin/python3 has statsmodels 0.13.5, scipy and numpy; the python3 on PATH may not.) The same
command writes the same bytes: every random draw comes from numpy's default_rng with a fixed seed.

The model: a binomial logistic regression on grouped counts (won of n per class of alike leads),
maximising loglik(intercept, beta) - ridge/2 * sum_j beta_j^2; the intercept is not penalised.

How each reference number is made:

* ridge = 0: statsmodels GLM, Binomial family (logit link), endog 1 (won) or 0 (not won) with the
  count of such leads in each class as freq_weights, fitted by IRLS with tol 1e-14 (the default is
  1e-8), so params and bse are converged to rounding (the gradient at them is asserted below 1e-11
  times the number of leads, and is in fact below 2e-15 times it). bse comes from the inverse of the
  (unpenalised) Fisher information, scale 1. Only cases the data identify get a ridge-0 fit.
* ridge > 0: scipy.optimize.minimize, method "Newton-CG", on
      -loglik(theta) + ridge/2 * sum_j beta_j^2
  with the exact gradient and Hessian written out below (not statsmodels' code), then polished by
  scipy.optimize.root (MINPACK hybrid, xtol 1e-15) on gradient = 0, to a largest gradient entry
  below 1e-11 times the number of leads (in fact below 1e-15 times it: "gradientAtReference").
  The standard errors are the square roots of the diagonal of the inverse of the penalised
  information X'WX + ridge * diag(0, 1, ..., 1) at that optimum, by numpy.
  As a check on the objective (not a reference), the same fit is also made with statsmodels
  GLM(endog = [won, n - won]).fit_regularized(alpha=vector, L1_wt=0). That method minimises
  -loglik/nobs + sum(alpha * params^2)/2, where nobs is the number of ROWS of endog (classes here,
  not leads), so alpha = ridge / number_of_classes, 0 for the intercept. It stops at BFGS's default
  gradient tolerance (1e-5 on the scaled objective), so it only agrees to about 1e-5; the script
  asserts 1e-4 and records the difference ("statsmodelsFitRegularizedMaxDifference").
"""

import json
import os
import re
import warnings

import numpy as np
import scipy
import scipy.optimize
import scipy.special
import statsmodels
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import ModelWarning

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "test", "golden", "logistic", "cases.json")


def design(classes, k):
    x = np.array([[1.0] + [1.0 if s else 0.0 for s in c["signals"]] for c in classes]).reshape(len(classes), k + 1)
    n = np.array([c["n"] for c in classes], dtype=float)
    won = np.array([c["won"] for c in classes], dtype=float)
    return x, n, won


def penalty_vector(k, ridge):
    return np.array([0.0] + [ridge] * k)


def objective(theta, x, n, won, pen):
    eta = x @ theta
    # -loglik = sum n*log(1 + e^eta) - won*eta, with log(1 + e^eta) = logaddexp(0, eta)
    return float(np.sum(n * np.logaddexp(0.0, eta) - won * eta) + 0.5 * np.sum(pen * theta**2))


def gradient(theta, x, n, won, pen):
    p = scipy.special.expit(x @ theta)
    return x.T @ (n * p - won) + pen * theta


def information(theta, x, n, pen):
    p = scipy.special.expit(x @ theta)
    w = n * p * (1.0 - p)
    return (x.T * w) @ x + np.diag(pen)


def fit_unpenalised(classes, k):
    x, n, won = design(classes, k)
    # One row per (class, outcome) with the count as freq_weights: the per-lead data, weighted.
    # (endog = [won, n - won] columns gives the same numbers, but statsmodels' perfect-separation
    # check mistakes a saturated model, such as one-signal's, for separation: fitted = observed.)
    rows = [(xi, 1.0, wi) for xi, wi in zip(x, won) if wi > 0]
    rows += [(xi, 0.0, li) for xi, li in zip(x, n - won) if li > 0]
    exog = np.array([r[0] for r in rows])
    endog = np.array([r[1] for r in rows])
    weights = np.array([r[2] for r in rows])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelWarning)  # ConvergenceWarning, DomainWarning, ...
        model = sm.GLM(endog, exog, family=sm.families.Binomial(), freq_weights=weights)
        result = model.fit(method="IRLS", tol=1e-14, maxiter=200)
    assert result.converged, "statsmodels did not converge"
    # the gradient really is 0 at statsmodels' answer, to rounding
    residual = float(np.max(np.abs(gradient(result.params, x, n, won, penalty_vector(k, 0.0)))))
    assert residual < 1e-11 * np.sum(n), f"gradient {residual} at statsmodels' answer"
    return {
        "ridge": 0,
        "source": "statsmodels GLM Binomial, endog won 1/0 with freq_weights, IRLS tol 1e-14",
        "intercept": float(result.params[0]),
        "coefficients": [float(b) for b in result.params[1:]],
        "standardErrors": [float(s) for s in result.bse[1:]],
        "interceptStandardError": float(result.bse[0]),
        "gradientAtReference": residual,
        "conditionNumber": float(np.linalg.cond(information(result.params, x, n, penalty_vector(k, 0.0)))),
    }


def fit_penalised(classes, k, ridge):
    x, n, won = design(classes, k)
    pen = penalty_vector(k, ridge)
    result = scipy.optimize.minimize(
        objective,
        np.zeros(k + 1),
        args=(x, n, won, pen),
        method="Newton-CG",
        jac=lambda t, *a: gradient(t, x, n, won, pen),
        hess=lambda t, *a: information(t, x, n, pen),
        options={"xtol": 1e-12, "maxiter": 1000},
    )
    # Newton-CG may report "precision loss": it stops where the objective's changes fall below its
    # rounding (gradients of 1e-10 to 1e-8 here), so the answer is then taken to rounding by solving
    # gradient = 0 with MINPACK's hybrid method from there (the objective is strictly convex: one root).
    root = scipy.optimize.root(
        lambda t: gradient(t, x, n, won, pen),
        result.x,
        jac=lambda t: information(t, x, n, pen),
        method="hybr",
        options={"xtol": 1e-15},
    )
    # hybr may end "not making good progress" when it starts at rounding level already: keep the
    # better of the two points, judged by the gradient, which is what is asserted.
    theta = min([result.x, root.x], key=lambda t: float(np.max(np.abs(gradient(t, x, n, won, pen)))))
    residual = float(np.max(np.abs(gradient(theta, x, n, won, pen))))
    assert residual < 1e-11 * np.sum(n), f"gradient {residual} at scipy's answer"
    covariance = np.linalg.inv(information(theta, x, n, pen))
    se = np.sqrt(np.diag(covariance))

    # Cross-check of the objective's scaling with statsmodels' own ridge (see the header).
    endog = np.column_stack([won, n - won])
    model = sm.GLM(endog, x, family=sm.families.Binomial())
    alpha = pen / model.nobs
    assert model.nobs == len(classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BFGS "may have failed" at its loose default tolerance
        regularized = model.fit_regularized(alpha=alpha, L1_wt=0)
    agreement = float(np.max(np.abs(regularized.params - theta)))
    assert agreement < 1e-4, f"statsmodels fit_regularized differs by {agreement}"

    return {
        "ridge": ridge,
        "source": "scipy.optimize.minimize Newton-CG then scipy.optimize.root hybr on the gradient",
        "intercept": float(theta[0]),
        "coefficients": [float(b) for b in theta[1:]],
        "standardErrors": [float(s) for s in se[1:]],
        "interceptStandardError": float(se[0]),
        "gradientAtReference": residual,
        "statsmodelsFitRegularizedMaxDifference": agreement,
    }


def classes_of(signals, won):
    """Groups leads (rows of a boolean matrix, and a boolean won per lead) into classes, sorted."""
    counts = {}
    for row, w in zip(signals, won):
        key = tuple(bool(v) for v in row)
        n, x = counts.get(key, (0, 0))
        counts[key] = (n + 1, x + int(w))
    return [{"signals": list(key), "n": n, "won": x} for key, (n, x) in sorted(counts.items())]


def simulate(rng, leads, prevalence, intercept, effects):
    signals = rng.random((leads, len(prevalence))) < np.array(prevalence)
    eta = intercept + signals.astype(float) @ np.array(effects)
    won = rng.random(leads) < scipy.special.expit(eta)
    return signals, won


def case(name, description, classes, k, unpenalised, ridges):
    fits = ([fit_unpenalised(classes, k)] if unpenalised else []) + [fit_penalised(classes, k, r) for r in ridges]
    return {"name": name, "description": description, "signalCount": k, "classes": classes, "fits": fits}


def compact_lists(text):
    """Puts each list of numbers or booleans, and each class, on one line, so a diff reads per class."""
    scalar_list = re.compile(r"\[\s*((?:[-\w.+]+,\s*)*[-\w.+]+)\s*\]")
    text = scalar_list.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    a_class = re.compile(r'\{\s*"signals": (\[[^\]]*\]),\s*"n": (\d+),\s*"won": (\d+)\s*\}')
    return a_class.sub(lambda m: '{"signals": %s, "n": %s, "won": %s}' % m.groups(), text)


def main():
    cases = []

    # 1. One signal, written by hand: at ridge 0 the coefficient is the 2x2 table's log odds ratio.
    cases.append(case(
        "one-signal",
        "1 signal, 400 leads: 40 of 130 with the signal won, 25 of 270 without",
        [{"signals": [False], "n": 270, "won": 25}, {"signals": [True], "n": 130, "won": 40}],
        1, True, [1, 10],
    ))

    # 2. Three signals, few leads.
    rng = np.random.default_rng(16001)
    s, w = simulate(rng, 80, [0.5, 0.4, 0.3], -0.5, [0.8, -0.6, 0.4])
    cases.append(case("three-signals-small", "3 signals, 80 leads (simulated, seed 16001)", classes_of(s, w), 3, True, [0.25, 1]))

    # 3. Five signals, hundreds of leads.
    rng = np.random.default_rng(16002)
    s, w = simulate(rng, 900, [0.3, 0.5, 0.2, 0.6, 0.15], -1.8, [1.0, 0.3, -0.7, 0.0, 1.4])
    cases.append(case("five-signals", "5 signals, 900 leads (simulated, seed 16002)", classes_of(s, w), 5, True, [1, 10]))

    # 4. A collinear pair: the second signal copies the first except on about 1% of leads.
    rng = np.random.default_rng(16003)
    first = rng.random(1500) < 0.4
    flip = rng.random(1500) < 0.01
    other = rng.random(1500) < 0.5
    s = np.column_stack([first, first ^ flip, other])
    eta = -1.2 + 0.9 * first + 0.5 * other
    w = rng.random(1500) < scipy.special.expit(eta)
    cases.append(case(
        "collinear-pair",
        "3 signals, 1500 leads; signal 2 equals signal 1 except on ~1% of leads (simulated, seed 16003)",
        classes_of(s, w), 3, True, [1, 10],
    ))

    # 5. An exact duplicate: identified only with a ridge (each copy gets half the effect).
    rng = np.random.default_rng(16004)
    base, w = simulate(rng, 600, [0.35, 0.5], -1.0, [0.8, -0.4])
    s = np.column_stack([base[:, 0], base[:, 0], base[:, 1]])
    cases.append(case("duplicate-pair", "3 signals, 600 leads; signal 2 is signal 1 exactly (simulated, seed 16004)", classes_of(s, w), 3, False, [0.5, 1, 2]))

    # 6. A rare signal no lead with it won: infinite at ridge 0, finite with a ridge.
    rng = np.random.default_rng(16005)
    s, w = simulate(rng, 1200, [0.3, 0.5, 0.25], -1.5, [0.9, 0.2, -0.5])
    rare = np.zeros(1200, dtype=bool)
    rare[np.flatnonzero(~w)[:6]] = True  # 6 leads, all lost
    s = np.column_stack([s, rare])
    cases.append(case("rare-signal-no-wins", "4 signals, 1200 leads; signal 4 on 6 leads, none won (simulated, seed 16005)", classes_of(s, w), 4, False, [1, 3]))

    # 7. Constant columns: a signal no lead has (coefficient 0) and one every lead has (also 0: the
    #    unpenalised intercept takes its effect).
    rng = np.random.default_rng(16006)
    s, w = simulate(rng, 700, [0.4, 0.3], -0.7, [0.6, -0.8])
    s = np.column_stack([s[:, 0], np.zeros(700, dtype=bool), s[:, 1], np.ones(700, dtype=bool)])
    cases.append(case("constant-columns", "4 signals, 700 leads; signal 2 on no lead, signal 4 on every lead (simulated, seed 16006)", classes_of(s, w), 4, False, [1, 5]))

    # 8. Thousands of leads, eight signals.
    rng = np.random.default_rng(16007)
    prevalence = [0.5, 0.3, 0.2, 0.45, 0.1, 0.6, 0.25, 0.05]
    effects = [0.7, -0.3, 0.5, 0.0, 1.2, -0.6, 0.2, -1.0]
    s, w = simulate(rng, 20000, prevalence, -2.0, effects)
    cases.append(case("thousands-of-leads", "8 signals, 20000 leads (simulated, seed 16007)", classes_of(s, w), 8, True, [1, 10]))

    document = {
        "about": "Reference fits for src/reports/logistic.ts; made by scripts/statsmodels-logistic.py (read its header). Do not edit by hand.",
        "versions": {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__},
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as out:
        out.write(compact_lists(json.dumps(document, indent=1)) + "\n")
    for c in cases:
        conditions = [f.get("conditionNumber") for f in c["fits"] if "conditionNumber" in f]
        print(c["name"], len(c["classes"]), "classes", "cond", conditions,
              "sm ridge diff", [f.get("statsmodelsFitRegularizedMaxDifference") for f in c["fits"] if f["ridge"]])


if __name__ == "__main__":
    main()
