"""Callaway & Sant'Anna on 100,000 units x 10 periods with a multiplier bootstrap (B = 1,000):
Python csdid 0.4.3 on the same synthetic panel as the criterion bench `did_cs` (benches/did_cs.rs),
with the ratio to effekt's criterion median.

The data are effekt-power's staggered-adoption DGP with seed 1 (cohorts 4, 6, 8; 25 % never
treated), written by the effekt CLI:
    effekt simulate staggered --n 100000 --periods 10 --seed 1 --out <tmp>/staggered_100k.csv
The criterion bench generates the same table in memory (effekt_power::dgp::generate_seeded) and
checks that its row count and outcome sum match this file's (printed below).

Workload (both sides): ATT(g,t) by the doubly robust estimator with never-treated controls,
multiplier bootstrap with B = 1,000 and uniform bands, and the four aggregations (simple,
group, dynamic, calendar) with bootstrap standard errors:
    ATTgt(yname="y", tname="period", idname="id", gname="first_treated", data=df,
          control_group="nevertreated", cband=True, biters=1000).fit(est_method="dr", bstrap=True)
    aggte(typec=...) for simple, group, dynamic, calendar (bstrap inherited: True)

Usage (from the repository root, after `cargo bench --bench did_cs`):
    python3 benches/compare/did_cs.py [runs]
"""
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
import csdid
from csdid.att_gt import ATTgt

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def data():
    path = os.path.join(tempfile.gettempdir(), "effekt_staggered_100k_seed1.csv")
    if not os.path.exists(path):
        exe = os.path.join(ROOT, "target", "release", "effekt")
        cmd = [exe] if os.path.exists(exe) else ["cargo", "run", "--release", "-q", "--"]
        subprocess.run(cmd + ["simulate", "staggered", "--n", "100000", "--periods", "10",
                              "--seed", "1", "--out", path], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    return pd.read_csv(path)


def run(df):
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        m = ATTgt(yname="y", tname="period", idname="id", gname="first_treated", data=df,
                  control_group="nevertreated", cband=True, biters=1000).fit(
            est_method="dr", bstrap=True)
        out = {}
        for ty in ["simple", "group", "dynamic", "calendar"]:
            m.aggte(typec=ty)
            out[ty] = (float(m.atte["overall_att"]), float(np.ravel(m.atte["overall_se"])[0]))
    return m, out


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    df = data()
    print(f"data: {len(df)} rows, {df.id.nunique()} units, sum(y) = {df.y.sum():.6f}")
    times = []
    for _ in range(runs):
        np.random.seed(1)
        t0 = time.perf_counter()
        m, out = run(df)
        times.append(time.perf_counter() - t0)
    py = float(np.median(times))
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}, csdid 0.4.3")
    print(f"csdid: median {py:.2f} s over {runs} run(s) {[round(t, 2) for t in times]}")
    print("csdid estimates (overall ATT, bootstrap SE):", {k: tuple(round(x, 5) for x in v) for k, v in out.items()})
    est = os.path.join(ROOT, "target/criterion/did_cs/dr_never_100k_x10_B1000/new/estimates.json")
    if os.path.exists(est):
        rust = json.load(open(est))["median"]["point_estimate"] / 1e9
        print(f"effekt fit_cs (criterion median): {rust:.3f} s")
        print(f"ratio csdid / effekt: {py / rust:.1f}x (target >= 15x)")
    else:
        print(f"{est} not found: run `cargo bench --bench did_cs` first")


if __name__ == "__main__":
    main()
