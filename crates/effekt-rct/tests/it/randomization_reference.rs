//! Randomisation inference against brute-force enumeration in R (every assignment, the
//! estimator recomputed on y − τ·z_obs for a grid of τ): tests/fixtures/randomization.json from
//! tests/fixtures/scripts/rct_reference.R. The Monte Carlo version agrees within Monte Carlo
//! error.

use crate::common;
use common::*;
use effekt_rct::{Estimator, RctConfig, RctFit};

fn case(label: &str) -> serde_json::Value {
    let f = fixture("randomization.json");
    f["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["label"] == label)
        .cloned()
        .unwrap()
}

fn config(label: &str) -> (RctConfig, &'static str) {
    let mut c = RctConfig::new("y", "z");
    c.randomization_inference = Some(1000);
    let file = match label {
        "simple_dim" => "ri_simple.csv",
        "blocked_dim" => {
            c.blocks = Some("block".into());
            "ri_blocked.csv"
        }
        "clustered_dim" => {
            c.clusters = Some("cl".into());
            "ri_clustered.csv"
        }
        "simple_ancova" | "simple_lin" => {
            c.covariates = vec!["x1".into()];
            c.estimator = if label == "simple_ancova" {
                Estimator::Ancova
            } else {
                Estimator::Lin
            };
            "ri_simple.csv"
        }
        _ => unreachable!(),
    };
    (c, file)
}

fn check_exact(label: &str) -> RctFit {
    let r = case(label);
    let (c, file) = config(label);
    let fit = fit(&table(file), c);
    let ri = fit.randomization.as_ref().expect("randomisation inference");
    assert!(ri.exact, "{label}: enumerated");
    assert_eq!(ri.assignments as f64, num(&r["count"]), "{label}: count");
    assert_eq!(
        ri.possible_assignments.map(|c| c as f64),
        Some(num(&r["count"]))
    );
    close(
        ri.observed,
        num(&r["observed"]),
        1e-10,
        &format!("{label} observed"),
    );
    close(
        ri.observed,
        fit.estimate,
        1e-10,
        &format!("{label} observed = estimate"),
    );
    assert!(
        (ri.p_value - num(&r["p_value"])).abs() < 1e-12,
        "{label}: p {} vs {}",
        ri.p_value,
        r["p_value"]
    );
    // p(τ) at every grid point equals brute force.
    let taus = nums(&r["taus"]);
    let ps = nums(&r["p_tau"]);
    for (&tau, &p) in taus.iter().zip(&ps) {
        let got = fit.randomization_p_value(tau).unwrap();
        assert!(
            (got - p).abs() < 1e-12,
            "{label}: p({tau}) = {got}, brute force {p}"
        );
    }
    // The interval is consistent with the grid: accepted grid points inside, rejected outside.
    let alpha = 1.0 - ri.level;
    let (lo, hi) = (
        ri.conf_low.unwrap_or(f64::NEG_INFINITY),
        ri.conf_high.unwrap_or(f64::INFINITY),
    );
    for (&tau, &p) in taus.iter().zip(&ps) {
        if p > alpha {
            assert!(
                tau >= lo && tau <= hi,
                "{label}: accepted τ = {tau} outside [{lo}, {hi}]"
            );
        } else if ri.ci_connected {
            assert!(
                tau < lo || tau > hi,
                "{label}: rejected τ = {tau} inside [{lo}, {hi}]"
            );
        }
    }
    // The bounds are breakpoints: just inside accepted, just outside rejected.
    if let Some(lo) = ri.conf_low {
        let eps = 1e-7 * lo.abs().max(1.0);
        assert!(fit.randomization_p_value(lo).unwrap() > alpha);
        assert!(fit.randomization_p_value(lo - eps).unwrap() <= alpha);
    }
    if let Some(hi) = ri.conf_high {
        let eps = 1e-7 * hi.abs().max(1.0);
        assert!(fit.randomization_p_value(hi).unwrap() > alpha);
        assert!(fit.randomization_p_value(hi + eps).unwrap() <= alpha);
    }
    fit
}

#[test]
fn exact_simple() {
    check_exact("simple_dim");
}

#[test]
fn exact_blocked() {
    let fit = check_exact("blocked_dim");
    assert!(
        fit.randomization
            .unwrap()
            .permuted
            .contains("within blocks")
    );
}

#[test]
fn exact_clustered() {
    let fit = check_exact("clustered_dim");
    assert!(fit.randomization.unwrap().permuted.contains("clusters"));
}

#[test]
fn exact_ancova() {
    check_exact("simple_ancova");
}

#[test]
fn exact_lin() {
    check_exact("simple_lin");
}

#[test]
fn monte_carlo_within_mc_error() {
    for label in [
        "simple_dim",
        "blocked_dim",
        "clustered_dim",
        "simple_ancova",
        "simple_lin",
    ] {
        let r = case(label);
        let (mut c, file) = config(label);
        let b = 20_000usize;
        c.randomization_inference = Some(b);
        c.exact_limit = 0;
        c.seed = 11;
        let fit = fit(&table(file), c);
        let ri = fit.randomization.as_ref().unwrap();
        assert!(!ri.exact);
        assert_eq!(ri.assignments, b);
        assert_eq!(ri.seed, Some(11));
        let p = num(&r["p_value"]);
        let mc_se = (p * (1.0 - p) / b as f64).sqrt();
        assert!(
            (ri.p_value - p).abs() <= 4.0 * mc_se + 1.0 / b as f64,
            "{label}: MC p {} vs exact {p} (MC s.e. {mc_se})",
            ri.p_value
        );
        assert!((ri.mc_std_error.unwrap() - mc_se).abs() < 0.2 * mc_se + 1e-4);
    }
}

#[test]
fn automatic_for_small_arms_and_off_on_request() {
    let mut c = RctConfig::new("y", "z");
    let t = table("ri_simple.csv");
    let fit_auto = fit(&t, c.clone());
    let ri = fit_auto
        .randomization
        .as_ref()
        .expect("automatic below 30 per arm");
    assert!(ri.reason.contains("fewer than 30"), "{}", ri.reason);
    assert!(
        fit_auto
            .inference
            .method
            .contains("randomisation inference")
    );
    assert!(
        fit_auto
            .inference
            .warnings
            .iter()
            .any(|w| w.to_string().contains("(< 20)"))
    );
    c.randomization_inference = Some(0);
    let fit_off = fit(&t, c);
    assert!(fit_off.randomization.is_none());
    assert!(
        fit_off
            .inference
            .warnings
            .iter()
            .any(|w| w.to_string().contains("switched off"))
    );
    // Large arms: no automatic randomisation inference.
    let mut c = RctConfig::new("got", "any");
    c.randomization_inference = None;
    assert!(fit(&thornton(), c).randomization.is_none());
}
