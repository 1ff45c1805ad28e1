//! API behaviour other crates rely on: defaults, serde names, notes, summaries.

use crate::common;

use common::*;
use effekt_models::{
    DesignBuilder, InferenceNote, LogitOptions, OlsOptions, VarianceEstimator, expand_covariates,
    ols,
};

#[test]
fn default_variance_follows_estimatr() {
    let d = Csv::fixture("synthetic_clusters.csv");
    let n = d.rows.len();
    let design = DesignBuilder::new(n)
        .intercept()
        .numeric("x1", d.numbers("x1"))
        .build()
        .unwrap();
    let y = d.numbers("y");
    let cl: Vec<u32> = d.numbers("cl").iter().map(|v| *v as u32).collect();
    assert_eq!(
        ols(&design, &y, &OlsOptions::default())
            .unwrap()
            .estimator(),
        VarianceEstimator::Hc2
    );
    let fit = ols(
        &design,
        &y,
        &OlsOptions {
            clusters: Some(&cl),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(fit.estimator(), VarianceEstimator::Cr2);
    assert_eq!(fit.vcov().n_clusters(), Some(14));
    let s = serde_json::to_value(fit.summary()).unwrap();
    assert_eq!(s["estimator"], "CR2");
    assert_eq!(s["terms"][1], "x1");
}

#[test]
fn variance_estimator_names() {
    for (s, e) in [
        ("\"classical\"", VarianceEstimator::Classical),
        ("\"HC2\"", VarianceEstimator::Hc2),
        ("\"hc3\"", VarianceEstimator::Hc3),
        ("\"stata\"", VarianceEstimator::Cr1),
        ("\"CR1S\"", VarianceEstimator::Cr1),
        ("\"CR2\"", VarianceEstimator::Cr2),
    ] {
        assert_eq!(serde_json::from_str::<VarianceEstimator>(s).unwrap(), e);
    }
    assert_eq!(
        serde_json::to_string(&VarianceEstimator::Cr1).unwrap(),
        "\"CR1\""
    );
    assert_eq!(
        "Cr2".parse::<VarianceEstimator>().unwrap(),
        VarianceEstimator::Cr2
    );
    assert!("HC9".parse::<VarianceEstimator>().is_err());
    let o: LogitOptions = serde_json::from_str(r#"{"max_iter": 50}"#).unwrap();
    assert_eq!(
        (o.max_iter, o.epsilon, o.check_separation),
        (50, 1e-8, true)
    );
}

#[test]
fn inference_note_warns_with_few_clusters() {
    let n =
        InferenceNote::for_estimator(VarianceEstimator::Cr1, Some(8), "clustered by municipality");
    assert_eq!(n.warnings.len(), 2);
    assert!(n.warnings[0].to_string().starts_with("only 8 clusters"));
    let n = InferenceNote::for_estimator(VarianceEstimator::Cr2, Some(15), "15 clusters < 20");
    assert!(n.warnings.is_empty());
    assert!(n.method.contains("Satterthwaite"));
}

#[test]
fn dummy_names_and_reference_level_as_model_matrix() {
    let race: Vec<String> = ["white", "black", "hispan", "black"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (cols, notes) = expand_covariates(&[
        categorical("race", &race),
        numeric("age", vec![1.0, 2.0, 3.0, 4.0]),
    ])
    .unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["racehispan", "racewhite", "age"]);
    assert_eq!(cols[1].values, [1.0, 0.0, 0.0, 0.0]);
    assert!(notes.is_empty());
    let one: Vec<String> = vec!["a".into(); 4];
    let (cols, notes) = expand_covariates(&[categorical("sex", &one)]).unwrap();
    assert!(cols.is_empty());
    assert!(notes[0].to_string().contains("single level"));
}

#[test]
fn treatment_helper_adds_a_must_keep_indicator() {
    let d = DesignBuilder::new(3)
        .intercept()
        .treatment("treat", &[true, false, true])
        .build()
        .unwrap();
    assert_eq!(d.column(1).unwrap(), [1.0, 0.0, 1.0]);
    assert_eq!(d.must_keep(), [false, true]);
}
