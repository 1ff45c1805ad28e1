#!/usr/bin/env bash
# Behaviour snapshot: runs the effekt binary on the shipped data and writes every output into
# one directory, so that two builds can be compared byte for byte (`diff -r before after`).
#
#   tests/snapshot.sh OUT_DIR [EFFEKT_BINARY]
#
# OUT_DIR is created (it must not exist yet). EFFEKT_BINARY defaults to target/debug/effekt.
# For each case it keeps the `--json` document (NAME.json), the readable table (NAME.txt: stdout
# of the same call without --json) and the exit code with standard error (NAME.err); for each
# shipped study the report in every format and both languages (run-STUDY-LANG/). Small slices of
# the shipped data (written into OUT_DIR/data/) exercise the small-sample warnings. Not run by
# CI: a tool for refactorings that must keep every output unchanged.
# Messages and --json documents name files by absolute path: write both snapshots to the same
# OUT_DIR name (move the first aside before the second run), or replace the directory names with
# sed before `diff -r`.
set -u
out=${1:?usage: tests/snapshot.sh OUT_DIR [EFFEKT_BINARY]}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${2:-$root/target/debug/effekt}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
if [ -e "$out" ]; then
    echo "snapshot: $out exists; give a new directory" >&2
    exit 2
fi
mkdir -p "$out/data"
out=$(cd "$out" && pwd)
cd "$root" || exit 1
export EFFEKT_THREADS=2

# Small slices (first rows of a file; treated and control rows kept in both).
head -1 datasets/thornton_hiv.csv >"$out/data/thornton_small.csv"
awk -F, 'NR>1 && $2!="" && $5!="" && $5==1' datasets/thornton_hiv.csv | head -9 >>"$out/data/thornton_small.csv"
awk -F, 'NR>1 && $2!="" && $5!="" && $5==0' datasets/thornton_hiv.csv | head -8 >>"$out/data/thornton_small.csv"
head -1 datasets/thornton_hiv.csv >"$out/data/thornton_villages.csv"
awk -F, 'NR>1 && ($1==1 || $1==2 || $1==3 || $1==4 || $1==5 || $1==6)' datasets/thornton_hiv.csv >>"$out/data/thornton_villages.csv"
head -1 datasets/lalonde.csv >"$out/data/lalonde_small.csv"
sed -n '2,16p;300,330p' datasets/lalonde.csv >>"$out/data/lalonde_small.csv"

# case NAME ARGS...: the readable table, then the same call with --json.
case_() {
    local name=$1
    shift
    "$bin" "$@" >"$out/$name.txt" 2>"$out/$name.err"
    echo "exit $?" >>"$out/$name.err"
    "$bin" "$@" --json "$out/$name.json" >/dev/null 2>>"$out/$name.err"
    echo "exit $? (json)" >>"$out/$name.err"
}
# plain NAME ARGS...: commands without --json.
plain() {
    local name=$1
    shift
    "$bin" "$@" >"$out/$name.txt" 2>"$out/$name.err"
    echo "exit $?" >>"$out/$name.err"
}

TH=(--data datasets/thornton_hiv.csv --outcome got --treatment any --missing drop)
LA=(--data datasets/lalonde.csv --treatment treat --outcome re78 --covariates age,educ,race,married,nodegree,re74,re75)
CA=(--data datasets/castle.csv --outcome l_homicide --unit sid --time year --treatment post)
SM=(--data "$out/data/thornton_small.csv" --outcome got --treatment any --missing drop)
VI=(--data "$out/data/thornton_villages.csv" --outcome got --treatment any --missing drop)
LS=(--data "$out/data/lalonde_small.csv" --treatment treat --outcome re78 --covariates age,educ,married,re74)

# bootstrap
case_ boot-diff bootstrap --data datasets/lalonde.csv --outcome re78 --group treat --ci percentile,bca,basic,normal
case_ boot-median bootstrap --data datasets/lalonde.csv --outcome re78 --group treat --statistic median-diff
case_ boot-cluster bootstrap --data datasets/thornton_hiv.csv --outcome got --cluster villnum --statistic mean --missing drop
case_ boot-small bootstrap --data "$out/data/thornton_small.csv" --outcome got --group any --missing drop --statistic proportion-diff --ci percentile,bca
# rct
case_ rct-dim rct "${TH[@]}"
case_ rct-binary rct "${TH[@]}" --outcome-type binary
case_ rct-clusters rct "${TH[@]}" --clusters villnum
case_ rct-individual rct "${TH[@]}" --clusters villnum --cluster-assignment individual
case_ rct-lin rct "${TH[@]}" --covariates age,distvct --estimator lin
case_ rct-ancova rct "${TH[@]}" --covariates age,distvct --estimator ancova
case_ rct-blocks rct "${TH[@]}" --blocks villnum
case_ rct-nsw rct --data datasets/nsw_mixtape.csv --outcome re78 --treatment treat
case_ rct-small rct "${SM[@]}"
case_ rct-small-binary rct "${SM[@]}" --outcome-type binary
case_ rct-small-lin rct "${SM[@]}" --covariates age,distvct --estimator lin
case_ rct-villages rct "${VI[@]}" --clusters villnum
case_ rct-villages-ind rct "${VI[@]}" --clusters villnum --cluster-assignment individual
# match
case_ match-ps match "${LA[@]}"
case_ match-logit-caliper match "${LA[@]}" --distance logit --caliper 0.2
case_ match-boot match "${LA[@]}" --caliper 0.2 --bootstrap 199
case_ match-replace match "${LA[@]}" --replace --ratio 2
case_ match-mahal match "${LA[@]}" --distance mahalanobis
case_ match-cem match "${LA[@]}" --method cem
case_ match-ipw match "${LA[@]}" --method ipw --estimand ate --trim 0.05
case_ match-aipw match "${LA[@]}" --method aipw
case_ match-exact match "${LA[@]}" --exact race,married
case_ match-small match "${LS[@]}"
case_ match-small-ipw match "${LS[@]}" --method ipw
case_ match-nsw match --data datasets/nsw_mixtape.csv --treatment treat --outcome re78 --covariates age,educ,black,hisp,marr,nodegree,re74,re75
# did
case_ did-twfe did "${CA[@]}"
case_ did-weights did "${CA[@]}" --weight-column popwt
case_ did-event did "${CA[@]}" --method event-study --window=-5,4
case_ did-cs did "${CA[@]}" --method cs
case_ did-cs-nyt did "${CA[@]}" --method cs --control not-yet-treated --anticipation 1
case_ did-wild did "${CA[@]}" --wild-bootstrap 999 --seed 1
case_ did-organ did --data datasets/organ_donations.csv --outcome Rate --unit State --time Quarter_Num --treatment-rule 'State=California,Quarter_Num>=4'
case_ did-het-event did --data datasets/df_het.csv --outcome dep_var --unit unit --time year --first-treated g --method event-study --cluster state --window -6,6
case_ did-het-cs did --data datasets/df_het.csv --outcome dep_var --unit unit --time year --first-treated g --method cs --cluster state
# power and simulate
case_ power-props power two-proportions --p1 0.50 --p2 0.40 --power 0.8
case_ power-cluster power cluster --icc 0.05 --cluster-size 20 --effect-size 0.3 --power 0.8
case_ power-cluster-few power cluster --icc 0.05 --clusters 4 --cluster-size 25 --effect-size 0.2
for c in crates/effekt-power/configs/*.toml; do
    case_ "power-sim-$(basename "$c" .toml)" power simulate --config "$c" --threads 2
done
plain sim-ihf simulate ihf --seed 1 --out "$out/data/sim-ihf.csv"
plain sim-tfco simulate tfco --seed 1 --out "$out/data/sim-tfco.csv"
# studies
for s in ihf thornton castle; do
    for lang in en sv; do
        plain "run-$s-$lang" run "datasets/$s/study.toml" --out "$out/run-$s-$lang" --lang "$lang"
    done
done
echo "snapshot written to $out"
