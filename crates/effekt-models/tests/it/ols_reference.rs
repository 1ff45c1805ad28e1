//! OLS / WLS and HC variance against R `lm`, sandwich `vcovHC` and estimatr `lm_robust` on the
//! lalonde data (fixture `ols_lalonde.json`, script `fixtures/scripts/models_reference.R`).

use crate::common;

use common::*;
use effekt_models::{DesignBuilder, DesignMatrix, ModelError, OlsOptions, VarianceEstimator, ols};

const RTOL: f64 = 1e-8;

fn lalonde_design() -> (DesignMatrix, Vec<f64>) {
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
    let design = DesignBuilder::new(n)
        .intercept()
        .numeric("treat", d.numbers("treat"))
        .must_keep("treat")
        .covariates(&covs)
        .build()
        .unwrap();
    (design, d.numbers("re78"))
}

fn check_block(key: &str, weights: Option<&[f64]>) {
    let fx = fixture("ols_lalonde.json");
    let b = &fx[key];
    let (design, y) = lalonde_design();
    let fit = ols(
        &design,
        &y,
        &OlsOptions {
            weights,
            vcov: Some(VarianceEstimator::Classical),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(fit.terms(), strs(&b["terms"]).as_slice());
    close_vec(
        fit.coefficients(),
        &vec_f(&b["coefficients"]),
        RTOL,
        "coefficients",
    );
    close_vec(fit.fitted(), &vec_f(&b["fitted"]), RTOL, "fitted");
    // residuals can be near 0: compare relative to the outcome scale
    for (i, (a, e)) in fit
        .residuals()
        .iter()
        .zip(vec_f(&b["residuals"]))
        .enumerate()
    {
        assert!((a - e).abs() <= RTOL * 1e4, "residual {i}: {a} vs {e}");
    }
    assert_eq!(fit.rank(), b["rank"].as_u64().unwrap() as usize);
    assert_eq!(
        fit.df_residual(),
        b["df_residual"].as_u64().unwrap() as usize
    );
    close(fit.sigma(), b["sigma"].as_f64().unwrap(), RTOL, "sigma");
    let (r2, adj) = fit.r_squared();
    close(r2, b["r_squared"].as_f64().unwrap(), RTOL, "r2");
    close(adj, b["adj_r_squared"].as_f64().unwrap(), RTOL, "adj r2");

    for (est, name) in [
        (VarianceEstimator::Classical, "classical"),
        (VarianceEstimator::Hc0, "HC0"),
        (VarianceEstimator::Hc1, "HC1"),
        (VarianceEstimator::Hc2, "HC2"),
        (VarianceEstimator::Hc3, "HC3"),
    ] {
        let f = fit.with_vcov(est, None).unwrap();
        close_vcov(
            f.vcov().matrix(),
            &mat_f(&b["sandwich"][name]),
            RTOL,
            &format!("{key} sandwich {name}"),
        );
        let r = &b["lm_robust"][name];
        close_vcov(
            f.vcov().matrix(),
            &mat_f(&r["vcov"]),
            RTOL,
            &format!("{key} lm_robust {name} vcov"),
        );
        let rows = f.tidy(0.95).unwrap();
        let se = vec_f(&r["std_error"]);
        let df = vec_f(&r["df"]);
        let p = vec_f(&r["p_value"]);
        let lo = vec_f(&r["conf_low"]);
        let hi = vec_f(&r["conf_high"]);
        let t = vec_f(&r["statistic"]);
        for (j, row) in rows.iter().enumerate() {
            let what = format!("{key} {name} {}", row.term);
            close(row.std_error, se[j], RTOL, &format!("{what} se"));
            close(row.df.unwrap(), df[j], RTOL, &format!("{what} df"));
            close(row.statistic, t[j], RTOL, &format!("{what} t"));
            close(row.p_value, p[j], 1e-7, &format!("{what} p"));
            close(row.conf_low, lo[j], RTOL, &format!("{what} lo"));
            close(row.conf_high, hi[j], RTOL, &format!("{what} hi"));
        }
    }
    // joint Wald test with HC2
    let f = fit.with_vcov(VarianceEstimator::Hc2, None).unwrap();
    let w = &b["wald_hc2"];
    let restr = mat_f(&w["restrictions"]);
    let test = f.wald(&restr, None).unwrap();
    close(test.chi2, w["chi2"].as_f64().unwrap(), RTOL, "wald chi2");
    close(test.f, w["f"].as_f64().unwrap(), RTOL, "wald F");
    close(test.df2, w["df2"].as_f64().unwrap(), RTOL, "wald df2");
    close(test.p_value, w["p_value"].as_f64().unwrap(), 1e-7, "wald p");
    assert!(test.htz.is_none());
}

#[test]
fn lalonde_unweighted_matches_lm_sandwich_estimatr() {
    check_block("unweighted", None);
}

#[test]
fn lalonde_weighted_matches_lm_sandwich_estimatr() {
    let w = vec_f(&fixture("ols_lalonde.json")["weights"]);
    check_block("weighted", Some(&w));
}

#[test]
fn aliased_columns_dropped_as_r_does() {
    let fx = fixture("ols_lalonde.json");
    let a = &fx["alias"];
    let d = Csv::dataset("lalonde.csv");
    let n = d.rows.len();
    let re74 = d.numbers("re74");
    let re75 = d.numbers("re75");
    let re_sum: Vec<f64> = re74.iter().zip(&re75).map(|(a, b)| a + b).collect();
    let design = DesignBuilder::new(n)
        .intercept()
        .numeric("treat", d.numbers("treat"))
        .must_keep("treat")
        .numeric("age", d.numbers("age"))
        .numeric("re74", re74)
        .numeric("re75", re75)
        .numeric("re_sum", re_sum)
        .numeric("const5", vec![5.0; n])
        .numeric("educ", d.numbers("educ"))
        .build()
        .unwrap();
    let fit = ols(&design, &d.numbers("re78"), &OlsOptions::default()).unwrap();
    // R: coefficients NA for re_sum and const5
    let terms = strs(&a["terms"]);
    let coefs = vec_f(&a["coefficients"]);
    let expected: Vec<(String, f64)> = terms
        .iter()
        .cloned()
        .zip(coefs.iter().copied())
        .filter(|(_, c)| c.is_finite())
        .collect();
    assert_eq!(fit.rank(), a["rank"].as_u64().unwrap() as usize);
    assert_eq!(
        fit.terms(),
        expected
            .iter()
            .map(|e| e.0.clone())
            .collect::<Vec<_>>()
            .as_slice()
    );
    close_vec(
        fit.coefficients(),
        &expected.iter().map(|e| e.1).collect::<Vec<_>>(),
        RTOL,
        "alias coefs",
    );
    close_vec(
        &fit.std_errors(),
        &vec_f(&a["hc2_se"]),
        RTOL,
        "alias HC2 se",
    );
    let dropped: Vec<&str> = fit.dropped().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(dropped, ["re_sum", "const5"]);
    assert_eq!(fit.dropped()[0].collinear_with, ["re74", "re75"]);
    assert_eq!(fit.dropped()[1].collinear_with, ["(Intercept)"]);
    assert!(
        fit.notes()[0]
            .to_string()
            .contains("re_sum dropped: collinear with re74, re75")
    );
}

#[test]
fn treatment_collinear_is_an_error_naming_it() {
    let fx = fixture("ols_lalonde.json");
    // R keeps treat and gives treat_copy NA: the fit would silently attribute the effect
    let terms = strs(&fx["alias_treat"]["terms"]);
    let coefs = vec_f(&fx["alias_treat"]["coefficients"]);
    assert_eq!(terms[3], "treat_copy");
    assert!(coefs[3].is_nan());
    let d = Csv::dataset("lalonde.csv");
    let n = d.rows.len();
    let treat = d.numbers("treat");
    let design = DesignBuilder::new(n)
        .intercept()
        .numeric("treat", treat.clone())
        .must_keep("treat")
        .numeric("age", d.numbers("age"))
        .numeric("treat_copy", treat.iter().map(|t| 2.0 * t).collect())
        .build()
        .unwrap();
    let err = ols(&design, &d.numbers("re78"), &OlsOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ModelError::CollinearMustKeep {
            column: "treat".into(),
            collinear_with: vec!["treat_copy".into()]
        }
    );
    assert!(
        err.to_string()
            .contains("\"treat\" must be kept but is perfectly collinear with treat_copy")
    );
    // treatment after the covariate: the treatment itself is the aliased column
    let design = DesignBuilder::new(n)
        .intercept()
        .numeric("treat_copy", treat.iter().map(|t| 2.0 * t).collect())
        .numeric("treat", treat)
        .must_keep("treat")
        .build()
        .unwrap();
    let err = ols(&design, &d.numbers("re78"), &OlsOptions::default()).unwrap_err();
    assert_eq!(
        err,
        ModelError::CollinearMustKeep {
            column: "treat".into(),
            collinear_with: vec!["treat_copy".into()]
        }
    );
}

#[test]
fn zero_weights_leave_the_fit_as_in_lm() {
    let fx = fixture("ols_lalonde.json");
    let b = &fx["zero_weights"];
    let w = vec_f(&b["weights"]);
    let (design, y) = lalonde_design();
    let fit = ols(
        &design,
        &y,
        &OlsOptions {
            weights: Some(&w),
            vcov: Some(VarianceEstimator::Classical),
            ..Default::default()
        },
    )
    .unwrap();
    close_vec(
        fit.coefficients(),
        &vec_f(&b["coefficients"]),
        RTOL,
        "coefs",
    );
    close_vec(
        &fit.std_errors(),
        &vec_f(&b["se_classical"]),
        RTOL,
        "classical se",
    );
    assert_eq!(
        fit.df_residual(),
        b["df_residual"].as_u64().unwrap() as usize
    );
    close_vec(
        fit.fitted(),
        &vec_f(&b["fitted"]),
        RTOL,
        "fitted incl. zero-weight rows",
    );
    let f1 = fit.with_vcov(VarianceEstimator::Hc1, None).unwrap();
    close_vec(&f1.std_errors(), &vec_f(&b["se_hc1"]), RTOL, "HC1 se");
}

#[test]
fn bad_input_errors() {
    let (design, mut y) = lalonde_design();
    let n = y.len();
    y[5] = f64::NAN;
    assert!(matches!(
        ols(&design, &y, &OlsOptions::default()),
        Err(ModelError::NonFinite { row: 5, .. })
    ));
    // Beyond effekt_data::MAX_MAGNITUDE squares overflow: a clear error, not a failed solve.
    y[5] = -1e200;
    let e = ols(&design, &y, &OlsOptions::default()).unwrap_err();
    assert!(
        matches!(&e, ModelError::TooLarge { row: 5, value, .. } if *value == -1e200),
        "{e:?}"
    );
    assert!(e.to_string().contains("rescale"), "{e}");
    y[5] = 1e150;
    assert!(ols(&design, &y, &OlsOptions::default()).is_ok());
    let big = DesignBuilder::new(n)
        .intercept()
        .numeric(
            "x",
            (0..n)
                .map(|i| if i == 9 { 2e150 } else { 1.0 + i as f64 })
                .collect(),
        )
        .build();
    assert!(
        matches!(&big, Err(ModelError::TooLarge { row: 9, what, .. }) if what.contains("\"x\"")),
        "{big:?}"
    );
    y[5] = 1.0;
    let w = vec![0.0; n];
    assert_eq!(
        ols(
            &design,
            &y,
            &OlsOptions {
                weights: Some(&w),
                ..Default::default()
            }
        )
        .unwrap_err(),
        ModelError::ZeroTotalWeight
    );
    let mut w = vec![1.0; n];
    w[7] = -1.0;
    assert!(matches!(
        ols(
            &design,
            &y,
            &OlsOptions {
                weights: Some(&w),
                ..Default::default()
            }
        ),
        Err(ModelError::InvalidWeight { row: 7, .. })
    ));
    assert!(matches!(
        ols(&design, &y[..10], &OlsOptions::default()),
        Err(ModelError::LengthMismatch { .. })
    ));
    let cl = vec![1u32; n];
    assert_eq!(
        ols(
            &design,
            &y,
            &OlsOptions {
                vcov: Some(VarianceEstimator::Cr2),
                clusters: Some(&cl),
                ..Default::default()
            }
        )
        .unwrap_err(),
        ModelError::TooFewClusters { count: 1 }
    );
    assert!(matches!(
        ols(
            &design,
            &y,
            &OlsOptions {
                vcov: Some(VarianceEstimator::Cr1),
                ..Default::default()
            }
        ),
        Err(ModelError::ClustersRequired { .. })
    ));
    // n <= rank
    let small = DesignBuilder::new(3)
        .intercept()
        .numeric("a", vec![1.0, 2.0, 4.0])
        .numeric("b", vec![0.0, 1.0, 0.0])
        .build()
        .unwrap();
    assert_eq!(
        ols(&small, &[1.0, 2.0, 3.0], &OlsOptions::default()).unwrap_err(),
        ModelError::TooFewObservations { n: 3, rank: 3 }
    );
    // more columns than observations
    let wide = DesignBuilder::new(2)
        .intercept()
        .numeric("treat", vec![0.0, 1.0])
        .must_keep("treat")
        .numeric("a", vec![1.0, 2.0])
        .build()
        .unwrap();
    assert_eq!(
        ols(&wide, &[1.0, 2.0], &OlsOptions::default()).unwrap_err(),
        ModelError::TooFewObservations { n: 2, rank: 2 }
    );
    let empty = DesignBuilder::new(0).intercept().build().unwrap();
    assert!(ols(&empty, &[], &OlsOptions::default()).is_err());
    let fit = ols(&design, &y, &OlsOptions::default()).unwrap();
    assert!(matches!(
        fit.tidy(1.0),
        Err(ModelError::InvalidLevel { .. })
    ));
    assert!(matches!(
        fit.contrast(&[1.0], 0.95),
        Err(ModelError::BadContrast { .. })
    ));
}
