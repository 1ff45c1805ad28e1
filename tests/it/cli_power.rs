//! `effekt power` end to end: the example commands, JSON fields, agreement with the
//! R pwr fixture, simulation determinism across thread counts, and bad input (exit code 2).

use crate::common;
use common::{bad, effekt, stderr, stdout, stdout_same_at_1_2_8_threads, write};

/// Run `effekt ARGS --json -` and return its JSON.
fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--json", "-"]);
    common::json(&all)
}

/// `effekt power` followed by `words`, split at whitespace (no argument written this way holds
/// a space).
fn power(words: &str) -> Vec<&str> {
    std::iter::once("power")
        .chain(words.split_whitespace())
        .collect()
}

/// `effekt power simulate --config CONFIG` followed by `words`, split at whitespace.
fn simulate<'a>(config: &'a str, words: &'a str) -> Vec<&'a str> {
    ["power", "simulate", "--config", config]
        .into_iter()
        .chain(words.split_whitespace())
        .collect()
}

fn pwr_fixture(call: &str) -> serde_json::Value {
    let path = format!(
        "{}/crates/effekt-power/tests/fixtures/pwr.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let fx: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    fx["pwr"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["call"].as_str().unwrap().starts_with(call))
        .cloned()
        .unwrap()
}

#[test]
fn two_means_sample_size_matches_pwr() {
    let v = json(&power("two-means --effect-size 0.5 --power 0.8"));
    let want = pwr_fixture(
        "pwr.t.test(n = NULL, d = 0.5, sig.level = 0.050000000000000003, power = 0.80000000000000004, type = \"two.sample\", alternative = \"two.sided\")",
    );
    let n = v["n_per_group"].as_f64().unwrap();
    let w = want["tight"]["n"].as_f64().unwrap();
    assert!((n - w).abs() <= 1e-6 * w, "{n} vs pwr {w}");
    assert_eq!(v["n_required"], 64);
    assert_eq!(v["solved_for"], "n");
    assert_eq!(v["alpha"], 0.05);
    assert!(v["method"].as_str().unwrap().contains("noncentral t"));
    // Readable table by default, saying which method and why.
    let o = effekt(&power("two-means --effect-size 0.5 --power 0.8"));
    let text = stdout(&o);
    assert!(
        text.contains("63.7656") && text.contains("Why this method"),
        "{text}"
    );
}

#[test]
fn two_means_power_and_curve() {
    let v = json(&power(
        "two-means --effect-size 0.4 --n 50 --curve-n 10:100:10",
    ));
    let p = v["power"].as_f64().unwrap();
    assert!(p > 0.5 && p < 0.52, "{p}");
    let pts = v["curve"]["points"].as_array().unwrap();
    assert_eq!(pts.len(), 10);
    assert_eq!(pts[9]["x"], 100.0);
    let unequal = json(&power("two-means --effect 2 --sd 4 --power 0.8 --ratio 2"));
    assert_eq!(unequal["effect_size"], 0.5);
    assert!(
        unequal["n_required_group2"].as_u64().unwrap()
            >= 2 * unequal["n_required"].as_u64().unwrap() - 2
    );
}

#[test]
fn two_proportions_methods() {
    let arcsine = json(&power("two-proportions --p1 0.40 --p2 0.55 --power 0.8"));
    let pooled = json(&power(
        "two-proportions --p1 0.40 --p2 0.55 --power 0.8 --method pooled",
    ));
    let unpooled = json(&power(
        "two-proportions --p1 0.40 --p2 0.55 --power 0.8 --method unpooled",
    ));
    for v in [&arcsine, &pooled, &unpooled] {
        let n = v["n_per_group"].as_f64().unwrap();
        assert!(n > 160.0 && n < 185.0, "{n}");
        assert_eq!(v["p2"], 0.55);
    }
    assert!(arcsine["method"].as_str().unwrap().contains("arcsine"));
    assert!(pooled["method"].as_str().unwrap().contains("pooled"));
    let mde = json(&power(
        "two-proportions --p1 0.40 --n 150 --power 0.8 --method pooled",
    ));
    assert_eq!(mde["solved_for"], "effect");
    assert!(mde["p2"].as_f64().unwrap() > 0.5);
}

#[test]
fn cluster_ancova_paired_did() {
    let c = json(&power(
        "cluster --icc 0.05 --cluster-size 20 --effect-size 0.3 --power 0.8",
    ));
    assert_eq!(c["solved_for"], "clusters");
    // design effect 1 + (m − 1)·ICC = 1 + 19 · 0.05
    let deff = c["cluster"]["design_effect"].as_f64().unwrap();
    assert!((deff - 1.95).abs() <= 1e-12, "{deff}");
    let m = json(&power(
        "cluster --icc 0.05 --clusters 20 --effect-size 0.3 --power 0.8 --cv 0.4",
    ));
    assert_eq!(m["solved_for"], "cluster-size");
    let a = json(&power(
        "ancova --effect-size 0.3 --power 0.8 --correlation 0.6",
    ));
    let t = json(&power("two-means --effect-size 0.3 --power 0.8"));
    assert!(a["n_per_group"].as_f64().unwrap() < t["n_per_group"].as_f64().unwrap() * 0.7);
    let p = json(&power(
        "paired --effect 1 --sd 2 --correlation 0.6 --power 0.9",
    ));
    assert!(p["n_required"].as_u64().unwrap() > 10);
    let d = json(&power(
        "did --effect 2 --sd 10 --n 100 --corr-pre 0.7 --corr-post 0.6 --corr-cross 0.5 \
         --pre-waves 2 --post-waves 3",
    ));
    assert_eq!(d["solved_for"], "power");
    assert!(d["variance_factor"].as_f64().unwrap() > 0.0);
}

#[test]
fn bad_input_exits_2() {
    // (arguments after `power`, needles)
    let cases: [(&str, &[&str]); 10] = [
        (
            "two-means --effect-size 0.5 --power 1.2",
            &["power must be strictly between 0 and 1", "1.2"],
        ),
        (
            "two-means --effect-size 0.5 --power 0.8 --alpha 0",
            &["--alpha must be between 1e-12 and 1 - 1e-12"],
        ),
        (
            "two-proportions --p1 1.3 --p2 0.5 --power 0.8",
            &["p1 must be strictly between 0 and 1"],
        ),
        (
            "cluster --icc 1 --cluster-size 20 --effect-size 0.3 --power 0.8",
            &["ICC", "[0, 1)"],
        ),
        (
            "cluster --icc 0.2 --clusters 4 --effect-size 0.3 --power 0.9",
            &["cluster size cannot reach power 0.9", "add clusters"],
        ),
        (
            "two-proportions --p1 0.9 --n 5 --power 0.99",
            &["effect cannot reach power 0.99"],
        ),
        ("two-means --power 0.8", &["exactly one of"]),
        (
            "two-means --effect-size 0.5 --power 0.8 --curve-n abc",
            &["curve"],
        ),
        ("ancova --effect-size 0.5 --power 0.8", &["correlation"]),
        ("simulate --config /nonexistent/x.toml", &["cannot read"]),
    ];
    for (words, needles) in cases {
        bad(&power(words), needles);
    }
}

#[test]
fn simulate_json_identical_at_1_2_8_threads_and_bad_configs() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(
        dir.path(),
        "sim.toml",
        "seed = 3\nsimulations = 300\n[dgp]\nkind = \"cluster-rct\"\nclusters = 10\ncluster_size = 15\nicc = 0.05\neffect = 0.5\n[analysis]\nkind = \"cluster-means\"\n",
    );
    let cfg = cfg.to_str().unwrap();
    let one = stdout_same_at_1_2_8_threads(&simulate(cfg, ""));
    let v: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(v["summary"]["simulations_run"], 300);
    assert!(v["analytic"]["power"].as_f64().is_some());
    let o = effekt(&simulate(cfg, "--simulations 200"));
    assert!(stdout(&o).contains("analytic power"), "{}", stdout(&o));
    let unknown = write(
        dir.path(),
        "bad.toml",
        "seeed = 3\n[dgp]\nkind = \"two-groups\"\nn_treated = 5\nn_control = 5\neffect = 1\n[analysis]\nkind = \"welch\"\n",
    );
    bad(&simulate(unknown.to_str().unwrap(), ""), &["seeed"]);
    let mismatch = write(
        dir.path(),
        "mm.toml",
        "[dgp]\nkind = \"two-groups\"\nn_treated = 5\nn_control = 5\neffect = 1\n[analysis]\nkind = \"cluster-means\"\n",
    );
    bad(
        &simulate(mismatch.to_str().unwrap(), ""),
        &["clustered design"],
    );
}

#[test]
fn simulate_with_the_design_crates_estimators() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/effekt-power/configs/ihf_matching.toml"
    );
    let v = json(&simulate(shipped, "--simulations 40 --threads 2"));
    assert_eq!(v["summary"]["simulations_run"], 40);
    assert_eq!(v["summary"]["n_valid"], 40);
    let analysis = v["analysis"].as_str().unwrap();
    assert!(
        analysis.contains("effekt-matching")
            && analysis.contains("logit")
            && analysis.contains("CR2"),
        "{analysis}"
    );
    assert_eq!(v["config"]["analysis"]["kind"], "matching");
    // Without --json the table says which estimator and inference were simulated.
    let cluster_rct = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/effekt-power/configs/cluster_rct.toml"
    );
    let o = effekt(&simulate(cluster_rct, "--simulations 100"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("effekt-rct") && text.contains("CR2"),
        "{text}"
    );
    assert!(text.contains("analytic power"), "{text}");
    // An analysis that cannot use the design: exit 2 with the reason.
    let mm = write(
        dir.path(),
        "mm.toml",
        "[dgp]\nkind = \"cluster-rct\"\nclusters = 8\ncluster_size = 10\nicc = 0.05\neffect = 0.5\n[analysis]\nkind = \"matching\"\n",
    );
    bad(
        &simulate(mm.to_str().unwrap(), ""),
        &["matching", "covariates", "cluster-rct"],
    );
    let panel = write(
        dir.path(),
        "panel.toml",
        "[dgp]\nkind = \"staggered\"\n[analysis]\nkind = \"rct\"\n",
    );
    bad(&simulate(panel.to_str().unwrap(), ""), &["panel", "did"]);
    let help = effekt(&power("simulate --help"));
    let h = stdout(&help);
    for kind in ["rct", "matching", "ipw", "did", "cluster_robust"] {
        assert!(h.contains(kind), "--help lacks {kind}: {h}");
    }
}
