//! Fixed-effects demeaning against R `lm` with dummies (fixture `demean_lm.json`) and pyfixest
//! `feols` with absorbed fixed effects (fixture `demean_pyfixest.json`).

use crate::common;

use common::*;
use effekt_models::{
    AbsorbedDf, DemeanOptions, DesignBuilder, ModelError, OlsFit, OlsOptions, VarianceEstimator,
    absorbed_df, demean, ols,
};
use serde_json::Value;

const RTOL: f64 = 1e-8;

struct Panel {
    y: Vec<f64>,
    x1: Vec<f64>,
    x2: Vec<f64>,
    w: Vec<f64>,
    unit: Vec<u32>,
    time: Vec<u32>,
    region: Vec<u32>,
    grp: Vec<u32>,
}

fn panel() -> Panel {
    let d = Csv::fixture("synthetic_panel.csv");
    let u = |c: &str| d.numbers(c).iter().map(|v| *v as u32).collect::<Vec<u32>>();
    Panel {
        y: d.numbers("y"),
        x1: d.numbers("x1"),
        x2: d.numbers("x2"),
        w: d.numbers("w"),
        unit: u("unit"),
        time: u("time"),
        region: u("region"),
        grp: u("grp"),
    }
}

/// Demean y, x1, x2 and fit without intercept.
fn within_fit(
    p: &Panel,
    factors: &[&[u32]],
    weights: Option<&[f64]>,
    est: VarianceEstimator,
    clusters: Option<&[u32]>,
    absorbed: usize,
) -> (OlsFit, Vec<Vec<f64>>) {
    let dm = demean(
        &[&p.y, &p.x1, &p.x2],
        factors,
        weights,
        &DemeanOptions::default(),
    )
    .unwrap();
    let n = p.y.len();
    let design = DesignBuilder::new(n)
        .numeric("x1", dm.columns[1].clone())
        .numeric("x2", dm.columns[2].clone())
        .build()
        .unwrap();
    let fit = ols(
        &design,
        &dm.columns[0],
        &OlsOptions {
            weights,
            vcov: Some(est),
            clusters,
            absorbed_df: absorbed,
            ..Default::default()
        },
    )
    .unwrap();
    (fit, dm.columns)
}

fn check_lm(fit: &OlsFit, b: &Value, what: &str) {
    close(
        fit.coefficients()[0],
        b["x1"].as_f64().unwrap(),
        RTOL,
        &format!("{what} x1"),
    );
    close(
        fit.coefficients()[1],
        b["x2"].as_f64().unwrap(),
        RTOL,
        &format!("{what} x2"),
    );
    // within residuals = residuals of the dummy regression
    for (i, (a, e)) in fit
        .residuals()
        .iter()
        .zip(vec_f(&b["residuals"]))
        .enumerate()
    {
        assert!((a - e).abs() <= 1e-9, "{what} residual {i}: {a} vs {e}");
    }
}

#[test]
fn one_way_two_way_three_way_match_lm_with_dummies() {
    let fx = fixture("demean_lm.json");
    let p = panel();
    let (fit, _) = within_fit(&p, &[&p.unit], None, VarianceEstimator::Classical, None, 29);
    check_lm(&fit, &fx["one_way"], "one-way");
    let (fit, _) = within_fit(
        &p,
        &[&p.unit, &p.time],
        None,
        VarianceEstimator::Classical,
        None,
        37,
    );
    check_lm(&fit, &fx["two_way"], "two-way");
    // classical SE with the exact absorbed count equals lm's (rank = 2 + 30 + 8 - 1 = 39)
    assert_eq!(fx["two_way"]["rank"].as_u64().unwrap(), 39);
    close_vec(
        &fit.std_errors(),
        &vec_f(&fx["two_way"]["se_x_classical"]),
        RTOL,
        "two-way classical se",
    );
    let (fit, _) = within_fit(
        &p,
        &[&p.unit, &p.time],
        Some(&p.w),
        VarianceEstimator::Classical,
        None,
        37,
    );
    check_lm(&fit, &fx["two_way_weighted"], "two-way weighted");
    close_vec(
        &fit.std_errors(),
        &vec_f(&fx["two_way_weighted"]["se_x_classical"]),
        RTOL,
        "weighted classical se",
    );
    let ab = absorbed_df(&[&p.unit, &p.time, &p.region], None).unwrap();
    let rank = fx["three_way"]["rank"].as_u64().unwrap() as usize;
    let (fit, _) = within_fit(
        &p,
        &[&p.unit, &p.time, &p.region],
        None,
        VarianceEstimator::Classical,
        None,
        rank - 2,
    );
    check_lm(&fit, &fx["three_way"], "three-way");
    close_vec(
        &fit.std_errors(),
        &vec_f(&fx["three_way"]["se_x_classical"]),
        RTOL,
        "three-way classical se",
    );
    // the approximate count (levels - (F - 1)) equals lm's rank here (connected design)
    assert_eq!(ab.full, rank - 2);
}

#[test]
fn cr2_on_demeaned_design_equals_dummy_cr2_when_fe_nested_in_clusters() {
    // unit fixed effects are nested in the grp clusters: CR2 from the within design equals
    // lm_robust's CR2 with the unit dummies (Pustejovsky & Tipton 2018, Theorem 2)
    let fx = fixture("demean_lm.json");
    let p = panel();
    let (fit, _) = within_fit(
        &p,
        &[&p.unit],
        None,
        VarianceEstimator::Cr2,
        Some(&p.grp),
        0,
    );
    close_vec(
        &fit.std_errors(),
        &vec_f(&fx["one_way"]["cr2_x"]["se"]),
        RTOL,
        "one-way CR2 se",
    );
    close_vec(
        fit.df(),
        &vec_f(&fx["one_way"]["cr2_x"]["df"]),
        RTOL,
        "one-way CR2 df",
    );
    // time fixed effects are not nested in grp: absorbing them changes the CR2 adjustment ...
    let two = &fx["two_way"]["cr2_x"];
    let (fit, _) = within_fit(
        &p,
        &[&p.unit, &p.time],
        None,
        VarianceEstimator::Cr2,
        Some(&p.grp),
        0,
    );
    assert!((fit.std_errors()[0] / vec_f(&two["se"])[0] - 1.0).abs() > 1e-3);
    // ... so absorb only the nested unit effects and keep time dummies in the design
    let mut cols: Vec<&[f64]> = vec![&p.y, &p.x1, &p.x2];
    let dummies: Vec<Vec<f64>> = (2..=8u32)
        .map(|t| {
            p.time
                .iter()
                .map(|&v| f64::from(u8::from(v == t)))
                .collect()
        })
        .collect();
    cols.extend(dummies.iter().map(|d| d.as_slice()));
    let dm = demean(&cols, &[&p.unit], None, &DemeanOptions::default()).unwrap();
    let mut b = DesignBuilder::new(p.y.len());
    for (j, name) in ["x1", "x2", "t2", "t3", "t4", "t5", "t6", "t7", "t8"]
        .iter()
        .enumerate()
    {
        b = b.numeric(*name, dm.columns[j + 1].clone());
    }
    let fit = ols(
        &b.build().unwrap(),
        &dm.columns[0],
        &OlsOptions {
            vcov: Some(VarianceEstimator::Cr2),
            clusters: Some(&p.grp),
            ..Default::default()
        },
    )
    .unwrap();
    close_vec(
        &fit.std_errors()[..2],
        &vec_f(&two["se"]),
        RTOL,
        "two-way CR2 se (unit absorbed, time dummies)",
    );
    close_vec(
        &fit.df()[..2],
        &vec_f(&two["df"]),
        RTOL,
        "two-way CR2 df (unit absorbed, time dummies)",
    );
}

#[test]
fn absorbed_df_counts_as_pyfixest() {
    let p = panel();
    let a = absorbed_df(&[&p.unit, &p.time], Some(&p.grp)).unwrap();
    assert_eq!(
        a,
        AbsorbedDf {
            levels: vec![30, 8],
            nested_in_clusters: vec![true, false],
            full: 37,
            nonnested: 8,
            exact: Some(37)
        }
    );
    let a = absorbed_df(&[&p.unit], Some(&p.grp)).unwrap();
    assert_eq!((a.full, a.nonnested), (30, 1));
    // disconnected two-way design: exact count sees the extra redundancy
    let f1 = [0u32, 0, 1, 1];
    let f2 = [0u32, 0, 1, 1];
    let a = absorbed_df(&[&f1, &f2], None).unwrap();
    assert_eq!((a.full, a.exact), (3, Some(2)));
}

fn check_pyfixest(fit: &OlsFit, b: &Value, what: &str) {
    close_vec(
        fit.coefficients(),
        &vec_f(&b["coefficients"]),
        RTOL,
        &format!("{what} coef"),
    );
    let rows = fit.tidy(0.95).unwrap();
    let (se, t, p, lo, hi) = (
        vec_f(&b["std_errors"]),
        vec_f(&b["t"]),
        vec_f(&b["p_value"]),
        vec_f(&b["conf_low"]),
        vec_f(&b["conf_high"]),
    );
    for (j, r) in rows.iter().enumerate() {
        close(r.std_error, se[j], RTOL, &format!("{what} {} se", r.term));
        close(r.statistic, t[j], RTOL, &format!("{what} {} t", r.term));
        close(
            r.df.unwrap(),
            b["df_t"].as_f64().unwrap(),
            RTOL,
            &format!("{what} df"),
        );
        if p[j] < 1e-15 {
            // pyfixest underflows to 0
            assert!(r.p_value < 1e-15, "{what} {} p", r.term);
        } else {
            close(r.p_value, p[j], 1e-7, &format!("{what} {} p", r.term));
        }
        close(r.conf_low, lo[j], RTOL, &format!("{what} {} lo", r.term));
        close(r.conf_high, hi[j], RTOL, &format!("{what} {} hi", r.term));
    }
}

#[test]
fn feols_crv1_hetero_iid_match_pyfixest() {
    let fx = fixture("demean_pyfixest.json");
    let p = panel();
    type Case<'a> = (
        &'a str,
        Vec<&'a [u32]>,
        Option<&'a [f64]>,
        VarianceEstimator,
    );
    let cases: Vec<Case<'_>> = vec![
        ("unit_crv1", vec![&p.unit], None, VarianceEstimator::Cr1),
        (
            "unit_time_crv1",
            vec![&p.unit, &p.time],
            None,
            VarianceEstimator::Cr1,
        ),
        (
            "unit_time_crv1_weighted",
            vec![&p.unit, &p.time],
            Some(&p.w),
            VarianceEstimator::Cr1,
        ),
        (
            "unit_time_region_crv1",
            vec![&p.unit, &p.time, &p.region],
            None,
            VarianceEstimator::Cr1,
        ),
        (
            "time_region_crv1",
            vec![&p.time, &p.region],
            None,
            VarianceEstimator::Cr1,
        ),
        (
            "unit_time_hetero",
            vec![&p.unit, &p.time],
            None,
            VarianceEstimator::Hc1,
        ),
        (
            "unit_time_iid",
            vec![&p.unit, &p.time],
            None,
            VarianceEstimator::Classical,
        ),
    ];
    for (name, factors, w, est) in cases {
        let b = &fx[name];
        let clustered = est.is_clustered();
        let ab = absorbed_df(&factors, clustered.then_some(p.grp.as_slice())).unwrap();
        let absorbed = if clustered { ab.nonnested } else { ab.full };
        assert_eq!(
            (2 + absorbed) as f64,
            b["df_k"].as_f64().unwrap(),
            "{name} df_k"
        );
        let (fit, _) = within_fit(
            &p,
            &factors,
            w,
            est,
            clustered.then_some(p.grp.as_slice()),
            absorbed,
        );
        check_pyfixest(&fit, b, name);
    }
}

#[test]
fn one_factor_is_exact_in_one_pass_and_acceleration_agrees() {
    let p = panel();
    let d = demean(&[&p.y], &[&p.unit], None, &DemeanOptions::default()).unwrap();
    assert_eq!(d.iterations, [1]);
    let plain = DemeanOptions {
        accelerate: false,
        tolerance: 1e-13,
        ..Default::default()
    };
    let a = demean(&[&p.y, &p.x1], &[&p.unit, &p.time, &p.region], None, &plain).unwrap();
    let b = demean(
        &[&p.y, &p.x1],
        &[&p.unit, &p.time, &p.region],
        None,
        &DemeanOptions {
            tolerance: 1e-13,
            ..Default::default()
        },
    )
    .unwrap();
    for (ca, cb) in a.columns.iter().zip(&b.columns) {
        for (x, y) in ca.iter().zip(cb) {
            assert!((x - y).abs() < 1e-9);
        }
    }
    let err = demean(
        &[&p.y],
        &[&p.unit, &p.time, &p.region],
        None,
        &DemeanOptions {
            max_iter: 1,
            accelerate: false,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ModelError::NotConverged { iterations: 1, .. }
    ));
}
