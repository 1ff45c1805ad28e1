//! Errors on bad designs (each names what is wrong and what to do), determinism at any thread
//! count, the bootstrap against the analytic standard errors, and serde round trips.

use crate::common;
use common::*;
use effekt_data::{MissingPolicy, ReadOptions, read_csv_str};
use effekt_rct::{ClusterAssignment, Estimator, OutcomeType, RctConfig, RctError, RctFit};

fn fit_csv(csv: &str, config: RctConfig) -> Result<RctFit, RctError> {
    let t = read_csv_str("t.csv", csv, &ReadOptions::default()).unwrap();
    config.validate()?.fit_table(&t, MissingPolicy::Error, None)
}

fn cfg() -> RctConfig {
    let mut c = RctConfig::new("y", "t");
    c.randomization_inference = Some(0);
    c
}

#[test]
fn block_errors() {
    let mut c = cfg();
    c.blocks = Some("b".into());
    // A block with a single unit.
    let e = fit_csv("y,t,b\n1,1,1\n2,0,1\n3,1,1\n4,0,1\n5,1,2\n", c.clone()).unwrap_err();
    assert!(
        matches!(
            e,
            RctError::BlockOneArm { .. } | RctError::BlockTooSmall { .. }
        ),
        "{e}"
    );
    // One treated unit in a block while other blocks are larger than pairs.
    let e = fit_csv(
        "y,t,b\n1,1,1\n2,0,1\n3,1,1\n4,0,1\n5,1,2\n6,0,2\n7,0,2\n",
        c.clone(),
    )
    .unwrap_err();
    assert!(matches!(e, RctError::BlockArmTooSmall { .. }), "{e}");
    assert!(e.to_string().contains("--estimator ancova or lin"), "{e}");
    // ... which the regression estimators accept (blocks as fixed effects).
    c.estimator = Estimator::Ancova;
    let fit = fit_csv(
        "y,t,b\n1,1,1\n2,0,1\n3,1,1\n4,0,1\n5,1,2\n6,0,2\n7,0,2\n",
        c,
    )
    .unwrap();
    assert!(fit.estimate.is_finite());
}

#[test]
fn cluster_errors() {
    let mut c = cfg();
    c.clusters = Some("g".into());
    c.blocks = Some("b".into());
    // A cluster spanning two blocks.
    let e = fit_csv(
        "y,t,g,b\n1,1,a,1\n2,1,a,2\n3,0,b,1\n4,0,c,1\n5,1,d,1\n6,0,e,2\n7,1,f,2\n8,0,g,2\n",
        c.clone(),
    )
    .unwrap_err();
    assert!(matches!(e, RctError::ClusterSpansBlocks { .. }), "{e}");
    // Blocks with individually assigned clusters: not a difference-in-means design.
    c.cluster_assignment = ClusterAssignment::Individual;
    let e = fit_csv(
        "y,t,g,b\n1,1,a,1\n2,0,a,1\n3,1,b,1\n4,0,b,1\n5,1,c,2\n6,0,c,2\n7,1,d,2\n8,0,d,2\n",
        c,
    )
    .unwrap_err();
    assert!(matches!(e, RctError::BlocksWithIndividualClusters), "{e}");
}

#[test]
fn covariates_with_difference_in_means_are_noted() {
    let mut c = cfg();
    c.covariates = vec!["x".into()];
    let fit = fit_csv("y,t,x\n1,1,1\n2,0,2\n3,1,3\n4,0,4\n", c).unwrap();
    assert!(fit.notes.iter().any(|n| {
        n.to_string()
            .contains("not used by the difference in means")
    }));
}

#[test]
fn categorical_covariate_constant_is_an_error() {
    let mut c = cfg();
    c.covariates = vec!["sex".into()];
    c.estimator = Estimator::Lin;
    let e = fit_csv("y,t,sex\n1,1,F\n2,0,F\n3,1,F\n4,0,F\n", c).unwrap_err();
    assert!(matches!(e, RctError::CovariateConstant { .. }), "{e}");
}

#[test]
fn results_are_identical_at_any_thread_count() {
    let t = table("clustered.csv");
    let run = |threads: usize, est: Estimator| {
        let mut c = RctConfig::new("ybin", "z");
        c.clusters = Some("cl".into());
        c.covariates = vec!["x1".into()];
        c.estimator = est;
        c.outcome_type = OutcomeType::Binary;
        c.randomization_inference = Some(3000);
        c.exact_limit = 0;
        c.bootstrap = Some(300);
        c.seed = 9;
        let rct = c.validate().unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let fit = pool
            .install(|| rct.fit_table(&t, MissingPolicy::Error, None))
            .unwrap();
        serde_json::to_string(&fit).unwrap()
    };
    for est in [
        Estimator::DifferenceInMeans,
        Estimator::Ancova,
        Estimator::Lin,
    ] {
        let one = run(1, est);
        assert_eq!(one, run(3, est), "{est:?}");
    }
}

#[test]
fn bootstrap_standard_errors_agree_with_analytic_ones() {
    // Thornton: stratified by arm; the bootstrap SE of the difference in means estimates the
    // Neyman SE (B = 2000: the MC relative error of a bootstrap SE is about 1/√(2B) ≈ 1.6%).
    let mut c = RctConfig::new("got", "any");
    c.bootstrap = Some(2000);
    c.seed = 3;
    let f = fit(&thornton(), c.clone());
    let b = f.bootstrap.as_ref().unwrap();
    assert!(b.scheme_description.contains("within arm"));
    let ratio = b.result.std_error / f.std_error;
    assert!(
        (ratio - 1.0).abs() < 0.08,
        "bootstrap/analytic SE = {ratio}"
    );
    // ANCOVA: bootstrap SE close to HC2.
    c.estimator = Estimator::Ancova;
    c.covariates = vec!["age".into(), "distvct".into()];
    c.bootstrap = Some(1000);
    let f = fit(&thornton(), c);
    let ratio = f.bootstrap.as_ref().unwrap().result.std_error / f.std_error;
    assert!((ratio - 1.0).abs() < 0.1, "bootstrap/HC2 SE = {ratio}");
    assert!((f.bootstrap.as_ref().unwrap().result.estimate - f.estimate).abs() < 1e-10);
}

#[test]
fn bootstrap_designs() {
    // Blocked: rows within block and arm; pairs: whole pairs; clusters: whole clusters within arm.
    let mut c = RctConfig::new("y", "z");
    c.randomization_inference = Some(0);
    c.bootstrap = Some(500);
    c.blocks = Some("block".into());
    let f = fit(&table("blocked.csv"), c.clone());
    let b = f.bootstrap.as_ref().unwrap();
    assert!(b.scheme_description.contains("within block and arm"));
    assert!((b.result.estimate - f.estimate).abs() < 1e-12);
    c.blocks = Some("pair".into());
    let f = fit(&table("pairs.csv"), c.clone());
    assert!(
        f.bootstrap
            .as_ref()
            .unwrap()
            .scheme_description
            .contains("pairs")
    );
    c.blocks = None;
    c.clusters = Some("cl".into());
    c.estimator = Estimator::Lin;
    c.covariates = vec!["x1".into()];
    let f = fit(&table("clustered.csv"), c);
    let b = f.bootstrap.as_ref().unwrap();
    assert!(
        b.scheme_description
            .contains("whole clusters resampled within arm")
    );
    assert!((b.result.estimate - f.estimate).abs() < 1e-10);
}

#[test]
fn result_round_trips_through_json() {
    let mut c = RctConfig::new("y", "z");
    c.outcome_type = OutcomeType::Continuous;
    let f = fit(&table("ri_simple.csv"), c);
    let text = serde_json::to_string(&f).unwrap();
    // Notes are written as English text and cannot be read back (effekt-notes): a fit with
    // warnings is refused with a message saying so; without them everything else round-trips.
    assert!(!f.inference.warnings.is_empty());
    let e = serde_json::from_str::<RctFit>(&text).unwrap_err();
    assert!(e.to_string().contains("cannot be read back"), "{e}");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["inference"]["warnings"] = serde_json::json!([]);
    v["notes"] = serde_json::json!([]);
    let back: RctFit = serde_json::from_value(v).unwrap();
    assert!((back.estimate - f.estimate).abs() < 1e-14);
    assert_eq!(back.randomization.is_some(), f.randomization.is_some());
    let cfg_text = r#"{"outcome": "y", "treatment": "z", "estimator": "lin", "covariates": ["x1"], "randomization_inference": 500}"#;
    let cfg: RctConfig = serde_json::from_str(cfg_text).unwrap();
    assert_eq!(cfg.estimator, Estimator::Lin);
    assert!(
        serde_json::from_str::<RctConfig>(r#"{"outcome": "y", "treatment": "z", "bogus": 1}"#)
            .is_err()
    );
}

#[test]
fn lin_with_an_aliased_interaction_matches_the_pooled_fit_in_randomisation_inference() {
    // x is 1 for every treated row: T·x_c is aliased with T and dropped (as R's lm_lin); the
    // treated arm's own regression is singular, so randomisation inference falls back to the
    // pooled regression for that assignment and still reproduces the estimate.
    let mut c = RctConfig::new("y", "t");
    c.estimator = Estimator::Lin;
    c.covariates = vec!["x".into()];
    c.randomization_inference = Some(100);
    let csv = "y,t,x\n3,1,1\n4,1,1\n2.5,1,1\n5,1,1\n1,0,0\n2,0,1\n1.5,0,0\n2.2,0,1\n0.7,0,0\n";
    let f = fit_csv(csv, c).unwrap();
    assert!(
        f.notes
            .iter()
            .any(|n| n.to_string().contains("t:x_c dropped")),
        "{:?}",
        f.notes
    );
    let ri = f.randomization.as_ref().unwrap();
    assert!(ri.exact);
    assert!(
        (ri.observed - f.estimate).abs() < 1e-10,
        "{} vs {}",
        ri.observed,
        f.estimate
    );
}
