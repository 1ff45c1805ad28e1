#!/usr/bin/env bash
# Percentile bootstrap of one mean, n = 100,000, B = 10,000: effekt vs scipy.stats.bootstrap vs
# R boot on the same data, same machine, same run. Prints medians and ratios.
#
#   benches/compare/bootstrap.sh [runs]
#
# effekt is timed end to end through the CLI (reading the CSV, the bootstrap, writing JSON) with
# all cores; scipy and R are timed around the bootstrap call only (data already loaded), so the
# ratios are conservative for effekt. Needs python3 with numpy+scipy and R with boot.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-3}
n=100000
B=10000
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -c "
import numpy as np
rng = np.random.default_rng(20261123)
np.savetxt('$tmp/y.csv', rng.lognormal(1.0, 0.8, $n), header='y', comments='', fmt='%.10f')"
cargo build --release --quiet
bin=target/release/effekt
times=()
for r in $(seq "$runs"); do
  s=$(date +%s.%N)
  "$bin" bootstrap --data "$tmp/y.csv" --outcome y --ci percentile --resamples $B --seed "$r" --json "$tmp/out.json"
  e=$(date +%s.%N)
  times+=("$(echo "$e - $s" | bc -l)")
done
effekt=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
scipy=$(python3 benches/compare/bootstrap_scipy.py "$tmp/y.csv" $B "$runs")
rboot=$(Rscript benches/compare/bootstrap_boot.R "$tmp/y.csv" $B "$runs")
s=${scipy%% *}; r=${rboot%% *}
echo "machine: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) cores), $(date -u +%Y-%m-%d)"
echo "workload: percentile bootstrap of a mean, n=$n, B=$B, median of $runs runs"
printf 'effekt (CLI, end to end)  %8.3f s\n' "$effekt"
printf 'scipy.stats.bootstrap     %8.3f s   ratio %6.1fx   (%s)\n' "$s" "$(echo "$s / $effekt" | bc -l)" "${scipy#* }"
printf 'R boot + boot.ci          %8.3f s   ratio %6.1fx   (%s)\n' "$r" "$(echo "$r / $effekt" | bc -l)" "${rboot#* }"
