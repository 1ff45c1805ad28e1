"""Power simulation: 1,000 cluster-randomised trials (40 clusters x 25, ICC 0.05, effect 0.2 SD),
each analysed by OLS of y on treatment with cluster-robust standard errors, as a straightforward
Python loop with numpy + statsmodels; prints its median time and the ratio to effekt's criterion
median for `harness/cluster_rct_40x25_cr2_1000` (benches/power.rs).

Three Python loops are timed:

* "doing the same" (the issue's anchor): statsmodels OLS, then CR2 (Bell & McCaffrey 2002) and the
  Satterthwaite df of Pustejovsky & Tipton (2018) written with numpy the straightforward way a
  Python user would (one (I - H_gg)^(-1/2) per cluster by `numpy.linalg.eigh`, the df from the
  n x G matrix of Imbens & Kolesar 2016, as estimatr/clubSandwich do). Before timing, one trial
  is checked against `effekt rct --clusters` (estimate, SE, df to 1e-8 relative) when
  target/release/effekt exists, so both really compute the same thing;
* the same analysis written carefully (never forming the n x n matrix), a faster Python
  baseline;
* statsmodels' own cluster-robust covariance (`cov_type="cluster"`, CR1 with Stata's factor and
  G - 1 df): the closest built-in, a cheaper and different analysis (no CR2, no Satterthwaite df).

The R estimatr loop with CR2 is benches/compare/power_compare_estimatr.R.

Usage (from the repository root, after `cargo bench --bench power`):
    python3 benches/compare/power_compare.py [runs]
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import statsmodels
import scipy.stats
import statsmodels.api as sm

G, M, ICC, EFFECT, SIMS = 40, 25, 0.05, 0.2, 1000


def draw(rng):
    treated_cluster = np.zeros(G)
    treated_cluster[rng.permutation(G)[: G // 2]] = 1.0
    cluster = np.repeat(np.arange(G), M)
    u = rng.normal(0.0, np.sqrt(ICC), G)
    y = u[cluster] + rng.normal(0.0, np.sqrt(1 - ICC), G * M) + EFFECT * treated_cluster[cluster]
    return y, treated_cluster[cluster], cluster


def cr2_fit(y, t, cluster, careful):
    """OLS of y on (1, t); CR2 variance (Bell & McCaffrey 2002) and the Satterthwaite df of
    Pustejovsky & Tipton (2018) for the coefficient of t.

    careful=False is the straightforward transcription: it forms the n x n residual-maker
    I - H and takes each cluster's block and columns from it. careful=True never forms it: each
    cluster's block is I - X_g (X'X)^-1 X_g', and the df matrix's column (I - H)[:, g] a is a on
    the cluster's rows minus X (X'X)^-1 X_g' a. Same numbers (checked to 1e-10), less work."""
    X = sm.add_constant(t)
    fit = sm.OLS(y, X).fit()
    e = fit.resid
    n = len(y)
    bread = np.linalg.inv(X.T @ X)
    v = bread @ np.array([0.0, 1.0])
    IH = None if careful else np.eye(n) - X @ bread @ X.T
    meat = np.zeros((2, 2))
    Gm = np.zeros((n, G))
    for g in range(G):
        idx = np.flatnonzero(cluster == g)
        Xg = X[idx]
        block = np.eye(len(idx)) - Xg @ bread @ Xg.T if careful else IH[np.ix_(idx, idx)]
        w, V = np.linalg.eigh(block)
        A = (V / np.sqrt(w)) @ V.T
        u = Xg.T @ (A @ e[idx])
        meat += np.outer(u, u)
        a = A @ (Xg @ v)
        if careful:
            Gm[:, g] = -X @ (bread @ (Xg.T @ a))
            Gm[idx, g] += a
        else:
            Gm[:, g] = IH[:, idx] @ a
    vc = bread @ meat @ bread
    GtG = Gm.T @ Gm
    df = np.trace(GtG) ** 2 / np.sum(GtG * GtG)
    se = np.sqrt(vc[1, 1])
    p = 2 * scipy.stats.t.sf(abs(fit.params[1] / se), df)
    return fit.params[1], se, df, p


def ols_cr2(y, t, cluster):
    return cr2_fit(y, t, cluster, careful=False)


def ols_cr2_careful(y, t, cluster):
    return cr2_fit(y, t, cluster, careful=True)


def ols_cr1(y, t, cluster):
    X = sm.add_constant(t)
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": cluster})
    return fit.params[1], fit.bse[1], None, fit.pvalues[1]


def one_study(seed, analysis):
    rng = np.random.default_rng(seed)
    rejections = 0
    for _ in range(SIMS):
        y, t, cluster = draw(rng)
        rejections += analysis(y, t, cluster)[3] < 0.05
    return rejections / SIMS


def check_against_effekt():
    """One trial through `effekt rct --clusters` (CR2 + Satterthwaite): the same numbers?"""
    exe = "target/release/effekt"
    if not os.path.exists(exe):
        print(f"{exe} not found: skipping the check that the CR2 loop computes what effekt does")
        return
    y, t, cluster = draw(np.random.default_rng(12345))
    est, se, df, _ = ols_cr2(y, t, cluster)
    careful = ols_cr2_careful(y, t, cluster)
    if max(abs(careful[k] / v - 1) for k, v in enumerate((est, se, df))) > 1e-10:
        sys.exit("the two numpy CR2 loops disagree")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trial.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["y", "t", "g"])
            for row in zip(y, t.astype(int), cluster):
                w.writerow([repr(float(row[0])), row[1], row[2]])
        out = subprocess.run(
            [exe, "rct", "--data", path, "--outcome", "y", "--treatment", "t", "--clusters", "g",
             "--randomization-inference", "0", "--json", "-"],
            check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout
    r = json.loads(out)
    worst = max(abs(r[k] / v - 1) for k, v in (("estimate", est), ("std_error", se), ("df", df)))
    print(f"check: numpy CR2 loop vs effekt rct --clusters on one trial: "
          f"estimate {est:.10f} / {r['estimate']:.10f}, SE {se:.10f} / {r['std_error']:.10f}, "
          f"df {df:.8f} / {r['df']:.8f}; largest relative difference {worst:.1e}")
    if worst > 1e-8:
        sys.exit("the numpy CR2 loop does not compute what effekt computes")


def timed(analysis, runs):
    times = []
    for r in range(runs):
        t0 = time.perf_counter()
        power = one_study(r, analysis)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), power


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"statsmodels {statsmodels.__version__}, scipy {scipy.__version__}")
    check_against_effekt()
    cr2, p2 = timed(ols_cr2, runs)
    cr2c, p2c = timed(ols_cr2_careful, runs)
    cr1, p1 = timed(ols_cr1, runs)
    print(f"statsmodels OLS + numpy CR2/Satterthwaite loop (the same analysis): median {cr2:.3f} s "
          f"over {runs} runs (simulated power {p2:.3f})")
    print(f"same, careful numpy (no n x n matrix): median {cr2c:.3f} s over {runs} runs "
          f"(simulated power {p2c:.3f})")
    print(f"statsmodels OLS cov_type='cluster' (CR1) loop: median {cr1:.3f} s over {runs} runs "
          f"(simulated power {p1:.3f})")
    est = "target/criterion/harness/cluster_rct_40x25_cr2_1000/new/estimates.json"
    if os.path.exists(est):
        rust = json.load(open(est))["median"]["point_estimate"] / 1e9
        print(f"effekt harness (OLS + CR2 + Satterthwaite, criterion median): {rust:.4f} s")
        print(f"ratio, same analysis (CR2): straightforward {cr2 / rust:.0f}x, careful {cr2c / rust:.0f}x; "
              f"against statsmodels' CR1: {cr1 / rust:.0f}x")
    else:
        print(f"{est} not found: run `cargo bench --bench power` first")


if __name__ == "__main__":
    main()
