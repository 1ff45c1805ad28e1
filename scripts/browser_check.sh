#!/usr/bin/env bash
# Build the example reports (English and Swedish) and check them in headless Chromium:
# screenshot not blank, no console errors, no network requests, inline SVG plots.
#
#   scripts/browser_check.sh [STUDY] [OUT_DIR]
#
# STUDY defaults to the randomised IHF example in crates/effekt-report/tests/fixtures (it runs with
# today's designs); OUT_DIR to target/browser-check. Needs Debian's chromium package; no network.
set -euo pipefail
cd "$(dirname "$0")/.."
study="${1:-crates/effekt-report/tests/fixtures/ihf_randomised/study.toml}"
out="${2:-target/browser-check}"
mkdir -p "$out"
cargo run --quiet -- run "$study" --out "$out/en" --lang en > /dev/null
cargo run --quiet -- run "$study" --out "$out/sv" --lang sv > /dev/null
start=$(date +%s.%N)
python3 scripts/browser_check.py "$out/en/report.html" "$out/sv/report.html" --out "$out"
end=$(date +%s.%N)
echo "browser check took $(python3 -c "print(f'{$end - $start:.1f}')") s"
