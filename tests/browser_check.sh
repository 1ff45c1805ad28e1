#!/usr/bin/env bash
# Build example reports (English and Swedish) and check them in headless Chromium:
# screenshot not blank, no console errors, no network requests, inline SVG plots.
#
#   tests/browser_check.sh                 # every example: datasets/{ihf,thornton,castle}
#   tests/browser_check.sh STUDY [OUT_DIR] # one study file
#
# OUT_DIR defaults to target/browser-check/<example>; the screenshots (en_report.png,
# sv_report.png) are written there. Needs Debian's chromium package; no network. Uses the
# release build (built once with cargo build --release, then run directly).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
effekt=target/release/effekt

check_one() {
    local study="$1" out="$2"
    mkdir -p "$out"
    "$effekt" run "$study" --out "$out/en" --lang en > /dev/null
    "$effekt" run "$study" --out "$out/sv" --lang sv > /dev/null
    local start end
    start=$(date +%s.%N)
    python3 tests/browser_check.py "$out/en/report.html" "$out/sv/report.html" --out "$out"
    end=$(date +%s.%N)
    echo "browser check of $study took $(python3 -c "print(f'{$end - $start:.1f}')") s"
}

if [ $# -ge 1 ]; then
    check_one "$1" "${2:-target/browser-check/$(basename "$(dirname "$1")")}"
else
    status=0
    for example in ihf thornton castle; do
        check_one "datasets/$example/study.toml" "target/browser-check/$example" || status=1
    done
    exit $status
fi
