"""Time scipy.stats.bootstrap on the bench workload: percentile CI of a mean.

python3 benches/compare/bootstrap_scipy.py DATA.csv B   -> prints seconds (median of runs)
"""
import sys
import time

import numpy as np
import scipy
from scipy import stats

y = np.loadtxt(sys.argv[1], skiprows=1)
B = int(sys.argv[2])
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
times = []
for r in range(runs):
    t = time.perf_counter()
    res = stats.bootstrap((y,), np.mean, n_resamples=B, method="percentile", vectorized=True,
                          rng=np.random.default_rng(r))
    times.append(time.perf_counter() - t)
print(f"{np.median(times):.3f} scipy={scipy.__version__} ci=({res.confidence_interval.low:.4f},{res.confidence_interval.high:.4f})")
