//! Logistic regression against R `glm(family = binomial)` (fixture `logit.json`): the lalonde
//! propensity-score model, weighted, with a tight tolerance, and separation cases.

use crate::common;

use common::*;
use effekt_models::{DesignBuilder, DesignMatrix, LogitOptions, ModelError, SeparationKind, logit};
use serde_json::Value;

const RTOL: f64 = 1e-8;

fn ps_design() -> (DesignMatrix, Vec<f64>) {
    let d = Csv::dataset("lalonde.csv");
    let n = d.rows.len();
    let covs = vec![
        numeric("age", d.numbers("age")),
        numeric("educ", d.numbers("educ")),
        categorical("race", &d.strings("race")),
        numeric("married", d.numbers("married")),
        numeric("nodegree", d.numbers("nodegree")),
        numeric("re74", d.numbers("re74")),
        numeric("re75", d.numbers("re75")),
    ];
    (
        DesignBuilder::new(n)
            .intercept()
            .covariates(&covs)
            .build()
            .unwrap(),
        d.numbers("treat"),
    )
}

fn check_glm(fit: &effekt_models::LogitFit, b: &Value, what: &str) {
    assert_eq!(fit.terms, strs(&b["terms"]), "{what}");
    close_vec(
        &fit.coefficients,
        &vec_f(&b["coefficients"]),
        RTOL,
        &format!("{what} coef"),
    );
    close_vec(
        &fit.std_errors,
        &vec_f(&b["std_errors"]),
        RTOL,
        &format!("{what} se"),
    );
    close_vec(
        &fit.fitted,
        &vec_f(&b["fitted"]),
        RTOL,
        &format!("{what} fitted"),
    );
    let eta = vec_f(&b["linear_predictor"]);
    for (i, (a, e)) in fit.linear_predictor.iter().zip(&eta).enumerate() {
        assert!(
            (a - e).abs() <= RTOL * e.abs().max(1.0),
            "{what} eta[{i}]: {a} vs {e}"
        );
    }
    close(
        fit.deviance,
        b["deviance"].as_f64().unwrap(),
        RTOL,
        &format!("{what} deviance"),
    );
    close(
        fit.null_deviance,
        b["null_deviance"].as_f64().unwrap(),
        RTOL,
        &format!("{what} null deviance"),
    );
    assert_eq!(
        fit.iterations,
        b["iterations"].as_u64().unwrap() as usize,
        "{what} iterations"
    );
    assert_eq!(fit.converged, b["converged"].as_bool().unwrap());
    assert_eq!(fit.df_residual, b["df_residual"].as_u64().unwrap() as usize);
    let v = mat_f(&b["vcov"]);
    for i in 0..v.len() {
        for j in 0..v.len() {
            let s = (v[i][i] * v[j][j]).sqrt();
            assert!(
                (fit.vcov[i][j] - v[i][j]).abs() <= RTOL * s,
                "{what} vcov[{i},{j}]"
            );
        }
    }
}

#[test]
fn lalonde_propensity_model_matches_glm() {
    let fx = fixture("logit.json");
    let (design, treat) = ps_design();
    let fit = logit(&design, &treat, None, &LogitOptions::default()).unwrap();
    check_glm(&fit, &fx["ps"], "ps");
    assert!(fit.warnings.is_empty());
    let rows = fit.tidy(0.95).unwrap();
    assert_eq!(rows[0].df, None);
}

#[test]
fn lalonde_propensity_model_weighted_matches_glm() {
    let fx = fixture("logit.json");
    let (design, treat) = ps_design();
    let w = vec_f(&fx["weights"]);
    let fit = logit(&design, &treat, Some(&w), &LogitOptions::default()).unwrap();
    check_glm(&fit, &fx["ps_weighted"], "ps weighted");
}

#[test]
fn tight_tolerance_matches_glm_control() {
    let fx = fixture("logit.json");
    let (design, treat) = ps_design();
    let opts = LogitOptions {
        epsilon: 1e-12,
        max_iter: 50,
        ..Default::default()
    };
    let fit = logit(&design, &treat, None, &opts).unwrap();
    check_glm(&fit, &fx["ps_tight"], "ps tight");
}

fn sep_design(cols: &[&str]) -> DesignMatrix {
    let d = Csv::fixture("separation.csv");
    let mut b = DesignBuilder::new(d.rows.len()).intercept();
    for c in cols {
        b = b.numeric(*c, d.numbers(c));
    }
    b.build().unwrap()
}

/// Terms whose |coefficient| keeps growing in R when glm is run longer.
fn r_diverging(case: &Value) -> Vec<String> {
    strs(&case["terms"])
        .into_iter()
        .zip(vec_f(&case["growth"]))
        .filter(|(t, g)| t != "(Intercept)" && *g > 1.0)
        .map(|(t, _)| t)
        .collect()
}

#[test]
fn separation_single_covariate_complete() {
    let fx = fixture("logit.json");
    let case = &fx["separation"]["single_complete"];
    assert!(
        strs(&case["warnings"])
            .iter()
            .any(|w| w.contains("numerically 0 or 1"))
    );
    assert!(r_diverging(case).contains(&"x".to_string()));
    let y = Csv::fixture("separation.csv").numbers("y_complete");
    let err = logit(&sep_design(&["x", "z"]), &y, None, &LogitOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ModelError::Separation {
            kind: SeparationKind::Complete,
            covariates: vec!["x".into()]
        }
    );
    assert!(
        err.to_string()
            .starts_with("complete separation: x perfectly predict(s) the outcome")
    );
}

#[test]
fn separation_single_dummy_quasi_complete() {
    let fx = fixture("logit.json");
    let case = &fx["separation"]["single_quasi_dummy"];
    // R converges silently with a huge coefficient for d
    assert!(case["converged"].as_bool().unwrap());
    assert_eq!(r_diverging(case), ["d"]);
    let y = Csv::fixture("separation.csv").numbers("y_dummy");
    let err = logit(&sep_design(&["d", "z"]), &y, None, &LogitOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ModelError::Separation {
            kind: SeparationKind::QuasiComplete,
            covariates: vec!["d".into()]
        }
    );
}

#[test]
fn separation_combination_quasi_complete() {
    let fx = fixture("logit.json");
    let case = &fx["separation"]["combo_quasi"];
    assert_eq!(r_diverging(case), ["a", "b"]);
    let d = Csv::fixture("separation.csv");
    let y = d.numbers("y_combo_quasi");
    let design = sep_design(&["a", "b", "z"]);
    let err = logit(&design, &y, None, &LogitOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ModelError::Separation {
            kind: SeparationKind::QuasiComplete,
            covariates: vec!["a".into(), "b".into()]
        }
    );
    // neither a nor b separates alone
    for c in ["a", "b"] {
        assert!(
            logit(&sep_design(&[c, "z"]), &y, None, &LogitOptions::default()).is_ok(),
            "{c} alone"
        );
    }
    // without the check: R's (converged, meaningless) fit
    let fit = logit(
        &design,
        &y,
        None,
        &LogitOptions {
            check_separation: false,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(fit.converged);
    close_vec(
        &fit.coefficients,
        &vec_f(&case["coef_maxit25"]),
        1e-6,
        "R's diverged fit",
    );
}

#[test]
fn separation_combination_complete() {
    let fx = fixture("logit.json");
    let case = &fx["separation"]["combo_complete"];
    let div = r_diverging(case);
    assert!(div.contains(&"u1".to_string()) && div.contains(&"u2".to_string()));
    let y = Csv::fixture("separation.csv").numbers("y_combo_complete");
    let err = logit(
        &sep_design(&["u1", "u2", "z"]),
        &y,
        None,
        &LogitOptions::default(),
    )
    .unwrap_err();
    // R's IRLS direction also moves z (any direction near the maximum-margin one separates);
    // the minimal separating set is {u1, u2} (y = 1{u1 + 2 u2 > 0.1} by construction)
    assert_eq!(
        err,
        ModelError::Separation {
            kind: SeparationKind::Complete,
            covariates: vec!["u1".into(), "u2".into()]
        }
    );
}

#[test]
fn logit_bad_input() {
    let (design, mut treat) = ps_design();
    treat[3] = 2.0;
    assert!(matches!(
        logit(&design, &treat, None, &LogitOptions::default()),
        Err(ModelError::OutcomeNotProportion { row: 3, .. })
    ));
    let zeros = vec![0.0; treat.len()];
    assert_eq!(
        logit(&design, &zeros, None, &LogitOptions::default()).unwrap_err(),
        ModelError::OutcomeConstant { value: 0.0 }
    );
    let opts: Result<LogitOptions, _> = serde_json::from_str(r#"{"max_iter": 10, "foo": 1}"#);
    assert!(opts.is_err());
}
