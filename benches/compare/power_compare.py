"""Power simulation: 1,000 cluster-randomised trials (40 clusters x 25, ICC 0.05, effect 0.2 SD),
each analysed by OLS of y on treatment with cluster-robust standard errors, as a straightforward
Python loop with numpy + statsmodels; prints its median time and the ratio to effekt's criterion
median for `harness/cluster_rct_40x25_cr2_1000` (benches/power.rs).

statsmodels has no CR2; its cluster-robust covariance (`cov_type="cluster"`, CR1 with the
small-sample factor) is the closest it offers and costs no less. The R estimatr loop with CR2
is benches/compare/power_compare_estimatr.R.

Usage (from the repository root, after `cargo bench --bench power`):
    python3 benches/compare/power_compare.py [runs]
"""
import json
import os
import sys
import time

import numpy as np
import statsmodels
import statsmodels.api as sm

G, M, ICC, EFFECT, SIMS = 40, 25, 0.05, 0.2, 1000


def one_study(seed):
    rng = np.random.default_rng(seed)
    rejections = 0
    for _ in range(SIMS):
        treated_cluster = np.zeros(G)
        treated_cluster[rng.permutation(G)[: G // 2]] = 1.0
        cluster = np.repeat(np.arange(G), M)
        u = rng.normal(0.0, np.sqrt(ICC), G)
        y = u[cluster] + rng.normal(0.0, np.sqrt(1 - ICC), G * M) + EFFECT * treated_cluster[cluster]
        X = sm.add_constant(treated_cluster[cluster])
        fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": cluster})
        rejections += fit.pvalues[1] < 0.05
    return rejections / SIMS


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    times = []
    for r in range(runs):
        t0 = time.perf_counter()
        power = one_study(r)
        times.append(time.perf_counter() - t0)
    py = float(np.median(times))
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, statsmodels {statsmodels.__version__}")
    print(f"statsmodels loop: median {py:.3f} s over {runs} runs (simulated power {power:.3f})")
    est = "target/criterion/harness/cluster_rct_40x25_cr2_1000/new/estimates.json"
    if os.path.exists(est):
        rust = json.load(open(est))["median"]["point_estimate"] / 1e9
        print(f"effekt harness (OLS + CR2, criterion median): {rust:.4f} s")
        print(f"ratio statsmodels / effekt: {py / rust:.0f}x")
    else:
        print(f"{est} not found: run `cargo bench --bench power` first")


if __name__ == "__main__":
    main()
