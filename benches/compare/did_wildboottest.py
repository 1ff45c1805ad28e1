"""Wild cluster bootstrap, N = 100,000, G = 50, k = 10 (intercept, x, 8 controls), WCR11 with
Rademacher weights, B = 9,999 and 99,999: Python wildboottest 0.3.2 timed here, effekt read
from the criterion run of `cargo bench --bench did` (same shape of data, same B, same weights;
run that first). Prints medians and ratios.

    cargo bench --bench did -- wild/n100k_g50 && python3 benches/compare/did_wildboottest.py [runs]

wildboottest is timed from `WildboottestCL(...)` to `get_pvalue()` (data already in memory,
numba compiled by a warm-up run); it reports a p-value only. effekt's time includes the
partialling out, the p-value and the confidence interval by test inversion.
"""
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date

import numpy as np
from importlib.metadata import version
from wildboottest.wildboottest import WildboottestCL

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
N, G = 100_000, 50
rng = np.random.default_rng(20261123)
cl = np.repeat(np.arange(G), N // G)
ce = rng.normal(size=G)
x = rng.normal(size=N) + 0.3 * ce[cl]
Z = rng.normal(size=(N, 8))
y = 1 + 0.1 * x + Z.sum(axis=1) + ce[cl] + rng.normal(size=N)
X = np.column_stack([np.ones(N), x, Z])
R = np.zeros(X.shape[1])
R[1] = 1.0


def wbt(B, seed):
    boot = WildboottestCL(X=X, Y=y, cluster=cl, R=R, B=B, seed=seed)
    boot.get_scores(bootstrap_type="11", impose_null=True)
    boot.get_weights(weights_type="rademacher")
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    return boot.pvalue


wbt(99, 1)  # numba compilation
root = os.path.join(os.path.dirname(__file__), "..", "..")
cpu = "unknown"
try:
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    cpu = next(l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("Model name"))
except Exception:
    pass
print(f"machine: {cpu} ({os.cpu_count()} cores), {platform.system()}, {date.today()}")
print(f"workload: WCR11 Rademacher, N={N}, G={G}, k={X.shape[1]}, median of {runs} runs (wildboottest)")
for B, bench in [(9_999, "n100k_g50_b9999"), (99_999, "n100k_g50_b99999")]:
    times = []
    for r in range(runs):
        s = time.perf_counter()
        p = wbt(B, r + 1)
        times.append(time.perf_counter() - s)
    t_wbt = float(np.median(times))
    est = os.path.join(root, "target", "criterion", "wild", bench, "new", "estimates.json")
    try:
        with open(est) as fh:
            t_eff = json.load(fh)["median"]["point_estimate"] / 1e9
        ratio = f"{t_wbt / t_eff:7.1f}x"
        eff = f"{t_eff:8.4f} s"
    except FileNotFoundError:
        ratio, eff = "   n/a", "  (run cargo bench --bench did first)"
    print(f"B = {B:>6}: wildboottest {version('wildboottest')} {t_wbt:8.3f} s (p = {p:.4f})   "
          f"effekt (criterion median) {eff}   ratio {ratio}")
