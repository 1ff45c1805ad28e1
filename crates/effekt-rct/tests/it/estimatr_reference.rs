//! effekt-rct against estimatr 1.0.0 (difference_in_means, lm_robust, lm_lin), sandwich and
//! clubSandwich on the Thornton (2008) HIV experiment and on synthetic blocked and
//! cluster-randomised trials. Fixtures: tests/fixtures/{thornton,synthetic}.json, written by
//! tests/fixtures/scripts/rct_reference.R.

use crate::common;
use common::*;
use effekt_rct::{ClusterAssignment, Design, Estimator, OutcomeType, RctConfig, Variance};

fn cfg(outcome: &str, treatment: &str) -> RctConfig {
    let mut c = RctConfig::new(outcome, treatment);
    c.randomization_inference = Some(0);
    c
}

#[test]
fn thornton_difference_in_means() {
    let f = fixture("thornton.json");
    let r = &f["dim"];
    let fit = fit(&thornton(), cfg("got", "any"));
    check_effect(&fit, r, "any");
    assert_eq!(fit.design, Design::Standard);
    assert_eq!(fit.variance, Variance::Neyman);
    assert_eq!(fit.n as f64, num(&r["rows"]));
    assert_eq!(fit.dropped_rows as f64, num(&r["dropped"]));
    // The counterfactual: observed treated mean − effect = control mean for the difference in means.
    close(
        fit.counterfactual.treated_counterfactual,
        fit.counterfactual.control,
        1e-12,
        "counterfactual",
    );
    assert_eq!(fit.tidy.len(), 1);
}

#[test]
fn thornton_clustered_individual_assignment() {
    let f = fixture("thornton.json");
    let r = &f["dim_clustered"];
    let fit = fit(&thornton(), villages(cfg("got", "any")));
    check_effect(&fit, r, "any");
    assert_eq!(fit.n as f64, num(&r["rows"]));
    assert_eq!(fit.n_clusters.map(|g| g as f64), Some(num(&r["nclusters"])));
    assert!(fit.inference.method.contains("CR2"));
    // Randomised individually: the design is standard, the variance CR2 (what estimatr computes).
    assert_eq!(fit.design, Design::Standard);
    assert_eq!(fit.variance, Variance::Cr2);
    assert_eq!(fit.inference.method, Variance::Cr2.description());
}

/// `c` with village clusters, treatment randomised to individuals (as in Thornton 2008).
fn villages(mut c: RctConfig) -> RctConfig {
    c.clusters = Some("villnum".into());
    c.cluster_assignment = ClusterAssignment::Individual;
    c
}

/// Fit `c` with village clusters on Thornton and compare it with the estimatr entry `r` (every
/// tidy row) and its clubSandwich CR2 SEs and Satterthwaite dfs; the design is standard and the
/// variance CR2.
#[track_caller]
fn check_thornton_cr2(c: RctConfig, r: &serde_json::Value) {
    let fit = fit(&thornton(), villages(c));
    check_tidy(&fit, r);
    assert_eq!(
        (fit.design, fit.variance),
        (Design::Standard, Variance::Cr2),
        "{}: design and variance",
        r["call"].as_str().unwrap_or("")
    );
    check_clubsandwich(&fit, &r["clubsandwich"]);
}

#[test]
fn thornton_mixed_clusters_are_an_error_in_a_cluster_design() {
    let mut c = cfg("got", "any");
    c.clusters = Some("villnum".into());
    let err = c
        .validate()
        .unwrap()
        .fit_table(&thornton(), effekt_data::MissingPolicy::Drop, None)
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("both") || msg.contains("treated and"), "{msg}");
    assert!(msg.contains("--cluster-assignment individual"), "{msg}");
}

fn ancova(covs: &[&str]) -> RctConfig {
    let mut c = cfg("got", "any");
    c.estimator = Estimator::Ancova;
    c.covariates = covs.iter().map(|s| s.to_string()).collect();
    c
}

#[test]
fn thornton_ancova_hc2() {
    let f = fixture("thornton.json");
    let r = &f["ancova_hc2"];
    let fit = fit(&thornton(), ancova(&["age", "distvct"]));
    check_tidy(&fit, r);
    check_effect(&fit, r, "any");
    assert_eq!(
        strs(&r["term"]),
        fit.tidy.iter().map(|t| t.term.clone()).collect::<Vec<_>>()
    );
    for (row, se) in fit.tidy.iter().zip(nums(&r["sandwich_hc2_se"])) {
        close(row.std_error, se, TOL, "sandwich vcovHC HC2");
    }
    assert_eq!(fit.variance, Variance::Hc2);
    assert_eq!(fit.n as f64, num(&r["rows"]));
}

#[test]
fn thornton_ancova_cr2() {
    let f = fixture("thornton.json");
    check_thornton_cr2(ancova(&["age", "distvct"]), &f["ancova_cr2"]);
}

fn lin(covs: &[&str]) -> RctConfig {
    let mut c = ancova(covs);
    c.estimator = Estimator::Lin;
    c
}

#[test]
fn thornton_lin_hc2() {
    let f = fixture("thornton.json");
    let r = &f["lin_hc2"];
    let fit = fit(&thornton(), lin(&["age", "distvct"]));
    check_tidy(&fit, r);
    assert_eq!(
        strs(&r["term"]),
        fit.tidy.iter().map(|t| t.term.clone()).collect::<Vec<_>>()
    );
}

#[test]
fn thornton_lin_cr2() {
    let f = fixture("thornton.json");
    // clubSandwich's lm(got ~ any * (age_c + distvct_c)) orders terms as (Intercept), any,
    // age_c, distvct_c, any:age_c, any:distvct_c — the same order.
    check_thornton_cr2(lin(&["age", "distvct"]), &f["lin_cr2"]);
}

// ----------------------------------------------------------------------------------------------
// Synthetic designs
// ----------------------------------------------------------------------------------------------

fn syn(name: &str) -> serde_json::Value {
    fixture("synthetic.json")[name].clone()
}

#[test]
fn blocked_difference_in_means() {
    let mut c = cfg("y", "z");
    c.blocks = Some("block".into());
    let fit = fit(&table("blocked.csv"), c);
    check_effect(&fit, &syn("blocked_dim"), "z");
    assert_eq!(fit.design, Design::Blocked);
    assert_eq!(fit.variance, Variance::BlockedNeyman);
    assert_eq!(fit.n_blocks, Some(6));
}

#[test]
fn blocked_binary_difference_in_means() {
    let mut c = cfg("ybin", "z");
    c.blocks = Some("block".into());
    c.outcome_type = OutcomeType::Binary;
    let fit = fit(&table("blocked.csv"), c);
    check_effect(&fit, &syn("blocked_binary_dim"), "z");
    let b = fit.binary.as_ref().expect("binary effects");
    assert!(
        b.notes
            .iter()
            .any(|n| n.to_string().contains("ignore blocks"))
    );
}

#[test]
fn blocked_ancova_and_lin_with_block_fixed_effects() {
    let mut c = cfg("y", "z");
    c.blocks = Some("block".into());
    c.covariates = vec!["x1".into(), "x2".into()];
    c.estimator = Estimator::Ancova;
    let t = table("blocked.csv");
    let fit_a = fit(&t, c.clone());
    let r = syn("blocked_ancova");
    check_tidy(&fit_a, &r);
    check_effect(&fit_a, &r, "z");
    for (row, se) in fit_a.tidy.iter().zip(nums(&r["sandwich_hc2_se"])) {
        close(row.std_error, se, TOL, "sandwich HC2");
    }
    c.estimator = Estimator::Lin;
    let fit_l = fit(&t, c);
    let r = syn("blocked_lin");
    check_tidy(&fit_l, &r);
    check_effect(&fit_l, &r, "z");
    // Names as estimatr for the non-block terms.
    let names: Vec<String> = fit_l.tidy.iter().map(|t| t.term.clone()).collect();
    for n in [
        "(Intercept)",
        "z",
        "x1_c",
        "x2b_c",
        "x2c_c",
        "z:x1_c",
        "z:x2b_c",
    ] {
        assert!(names.iter().any(|m| m == n), "{n} missing from {names:?}");
    }
}

#[test]
fn matched_pairs() {
    let mut c = cfg("y", "z");
    c.blocks = Some("pair".into());
    let fit = fit(&table("pairs.csv"), c);
    check_effect(&fit, &syn("pairs_dim"), "z");
    assert_eq!(fit.design, Design::MatchedPair);
    assert_eq!(fit.variance, Variance::MatchedPairs);
}

#[test]
fn pairs_mixed_with_larger_blocks_use_the_pair_variance() {
    let mut c = cfg("y", "z");
    c.blocks = Some("blk".into());
    let fit = fit(&table("mixed_pairs.csv"), c);
    check_effect(&fit, &syn("mixed_pairs_dim"), "z");
    assert_eq!(fit.design, Design::MatchedPair);
    assert_eq!(fit.variance, Variance::MatchedPairs);
    assert!(
        fit.notes
            .iter()
            .any(|n| n.to_string().contains("matched-pairs variance"))
    );
}

#[test]
fn cluster_randomised() {
    let t = table("clustered.csv");
    let mut c = cfg("y", "z");
    c.clusters = Some("cl".into());
    let fit_d = fit(&t, c.clone());
    check_effect(&fit_d, &syn("clustered_dim"), "z");
    assert_eq!(fit_d.design, Design::Clustered);
    assert_eq!(fit_d.n_clusters, Some(14));
    assert_eq!(
        (fit_d.n_clusters_treated, fit_d.n_clusters_control),
        (Some(7), Some(7))
    );
    assert!(
        fit_d.inference.reason.contains("14 clusters (< 20)"),
        "{}",
        fit_d.inference.reason
    );

    c.covariates = vec!["x1".into()];
    c.estimator = Estimator::Ancova;
    let fit_a = fit(&t, c.clone());
    let r = syn("clustered_ancova");
    check_tidy(&fit_a, &r);
    check_clubsandwich(&fit_a, &r["clubsandwich"]);
    c.estimator = Estimator::Lin;
    let fit_l = fit(&t, c);
    let r = syn("clustered_lin");
    check_tidy(&fit_l, &r);
    check_clubsandwich(&fit_l, &r["clubsandwich"]);
}

#[test]
fn cluster_randomised_binary() {
    let mut c = cfg("ybin", "z");
    c.clusters = Some("cl".into());
    c.outcome_type = OutcomeType::Binary;
    let fit = fit(&table("clustered.csv"), c);
    check_effect(&fit, &syn("clustered_binary_dim"), "z");
}

#[test]
fn block_and_cluster_randomised() {
    let mut c = cfg("y", "z");
    c.blocks = Some("block".into());
    c.clusters = Some("cl".into());
    let fit = fit(&table("block_clustered.csv"), c);
    let r = syn("block_clustered_dim");
    check_effect(&fit, &r, "z");
    assert_eq!(fit.design, Design::BlockClustered);
    assert_eq!(fit.variance, Variance::BlockedCr2);
    assert_eq!(fit.n_clusters.map(|g| g as f64), Some(num(&r["nclusters"])));
}

#[test]
fn matched_pairs_of_clusters() {
    let mut c = cfg("y", "z");
    c.blocks = Some("pair".into());
    c.clusters = Some("cl".into());
    let fit = fit(&table("pair_clustered.csv"), c);
    let r = syn("pair_clustered_dim");
    check_effect(&fit, &r, "z");
    assert_eq!(fit.design, Design::MatchedPairClustered);
    assert_eq!(fit.variance, Variance::MatchedPairsOfClusters);
    assert_eq!(fit.n_clusters.map(|g| g as f64), Some(num(&r["nclusters"])));
}
