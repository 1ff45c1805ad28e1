//! Cluster-robust variance (CR0, CR1 = Stata, CR2) with Satterthwaite df and HTZ Wald tests
//! against estimatr `lm_robust`, sandwich `vcovCL` and clubSandwich `vcovCR`/`coef_test`/
//! `Wald_test` (fixtures `cr_thornton.json`, `cr_synthetic.json`).

use crate::common;

use common::*;
use effekt_models::{
    Cr2Route, DesignBuilder, DesignMatrix, OlsFit, OlsOptions, VarianceEstimator, ols,
};
use serde_json::Value;

const RTOL: f64 = 1e-8;

/// OLS of `y` on `design` with CR2 standard errors on `clusters` (prior weights `weights`),
/// computed through `route`.
fn fit_cr2(
    design: &DesignMatrix,
    y: &[f64],
    clusters: &[u32],
    weights: Option<&[f64]>,
    route: Cr2Route,
) -> OlsFit {
    ols(
        design,
        y,
        &OlsOptions {
            weights,
            vcov: Some(VarianceEstimator::Cr2),
            clusters: Some(clusters),
            cr2_route: route,
            ..Default::default()
        },
    )
    .unwrap()
}

fn check_cr(fit: &OlsFit, clusters: &[u32], b: &Value, what: &str) {
    assert_eq!(fit.terms(), strs(&b["terms"]).as_slice(), "{what} terms");
    close_vec(
        fit.coefficients(),
        &vec_f(&b["coefficients"]),
        RTOL,
        &format!("{what} coefficients"),
    );
    for (est, name) in [
        (VarianceEstimator::Cr0, "CR0"),
        (VarianceEstimator::Cr1, "stata"),
        (VarianceEstimator::Cr2, "CR2"),
    ] {
        for route in [Cr2Route::Auto, Cr2Route::Direct, Cr2Route::LowRank] {
            if est != VarianceEstimator::Cr2 && route != Cr2Route::Auto {
                continue;
            }
            let f = fit.with_vcov_route(est, Some(clusters), route).unwrap();
            let w = format!("{what} {name} {route:?}");
            let r = &b["lm_robust"][name];
            close_vcov(
                f.vcov().matrix(),
                &mat_f(&r["vcov"]),
                RTOL,
                &format!("{w} vcov"),
            );
            let rows = f.tidy(0.95).unwrap();
            let (se, df, p, lo, hi) = (
                vec_f(&r["std_error"]),
                vec_f(&r["df"]),
                vec_f(&r["p_value"]),
                vec_f(&r["conf_low"]),
                vec_f(&r["conf_high"]),
            );
            for (j, row) in rows.iter().enumerate() {
                close(row.std_error, se[j], RTOL, &format!("{w} {} se", row.term));
                close(
                    row.df.unwrap(),
                    df[j],
                    RTOL,
                    &format!("{w} {} df", row.term),
                );
                close(row.p_value, p[j], 1e-7, &format!("{w} {} p", row.term));
                close(row.conf_low, lo[j], RTOL, &format!("{w} {} lo", row.term));
                close(row.conf_high, hi[j], RTOL, &format!("{w} {} hi", row.term));
            }
            assert_eq!(
                f.vcov().n_clusters(),
                Some(b["n_clusters"].as_u64().unwrap() as usize)
            );
        }
    }
    // sandwich vcovCL: CR0 is type HC0, CR1 (Stata) is type HC1.
    for (est, key, label) in [
        (VarianceEstimator::Cr0, "vcovCL_HC0", "vcovCL HC0"),
        (VarianceEstimator::Cr1, "vcovCL_HC1", "vcovCL HC1"),
    ] {
        let f = fit.with_vcov(est, Some(clusters)).unwrap();
        close_vcov(
            f.vcov().matrix(),
            &mat_f(&b["sandwich"][key]),
            RTOL,
            &format!("{what} {label}"),
        );
    }
    // clubSandwich CR2 + Satterthwaite
    let cr2 = fit
        .with_vcov(VarianceEstimator::Cr2, Some(clusters))
        .unwrap();
    let cs = &b["clubSandwich"];
    close_vcov(
        cr2.vcov().matrix(),
        &mat_f(&cs["vcov_CR2"]),
        RTOL,
        &format!("{what} clubSandwich vcov"),
    );
    close_vec(
        &cr2.std_errors(),
        &vec_f(&cs["se"]),
        RTOL,
        &format!("{what} clubSandwich se"),
    );
    close_vec(
        cr2.df(),
        &vec_f(&cs["df"]),
        RTOL,
        &format!("{what} clubSandwich Satterthwaite df"),
    );
    // contrast df
    let c = &b["contrast"];
    let t = cr2.contrast(&vec_f(&c["c"]), 0.95).unwrap();
    for (got, key, label, tol) in [
        (t.estimate, "estimate", "contrast estimate", RTOL),
        (t.std_error, "se", "contrast se", RTOL),
        (t.df, "df", "contrast df", RTOL),
        (t.statistic * t.statistic, "f", "contrast t^2", RTOL),
    ] {
        close(
            got,
            c[key].as_f64().unwrap(),
            tol,
            &format!("{what} {label}"),
        );
    }
    // HTZ Wald test
    let h = &b["wald_htz"];
    let test = cr2.wald(&mat_f(&h["restrictions"]), None).unwrap();
    let htz = test.htz.expect("HTZ for CR2");
    for (got, key, label, tol) in [
        (htz.f, "f", "HTZ F", RTOL),
        (htz.delta, "delta", "HTZ delta", RTOL),
        (htz.df2, "df2", "HTZ df2", RTOL),
        (htz.p_value.unwrap(), "p_value", "HTZ p", 1e-7),
    ] {
        close(
            got,
            h[key].as_f64().unwrap(),
            tol,
            &format!("{what} {label}"),
        );
    }
    assert_eq!(htz.df1, h["df1"].as_f64().unwrap());
}

#[test]
fn thornton_got_on_any_age_village_clusters() {
    let fx = fixture("cr_thornton.json");
    let b = &fx["thornton"];
    let data = &b["data"];
    let got = vec_f(&data["got"]);
    let n = got.len();
    let design = DesignBuilder::new(n)
        .intercept()
        .numeric("any", vec_f(&data["any"]))
        .must_keep("any")
        .numeric("age", vec_f(&data["age"]))
        .build()
        .unwrap();
    let cl: Vec<u32> = vec_f(&data["villnum"]).iter().map(|v| *v as u32).collect();
    let fit = fit_cr2(&design, &got, &cl, None, Cr2Route::Auto);
    check_cr(&fit, &cl, b, "thornton");
}

fn synthetic() -> (DesignMatrix, Vec<f64>, Vec<u32>, Vec<f64>) {
    let d = Csv::fixture("synthetic_clusters.csv");
    let n = d.rows.len();
    let design = DesignBuilder::new(n)
        .intercept()
        .covariates(&[
            numeric("x1", d.numbers("x1")),
            numeric("x2", d.numbers("x2")),
            categorical("f", &d.strings("f")),
        ])
        .build()
        .unwrap();
    let cl: Vec<u32> = d.numbers("cl").iter().map(|v| *v as u32).collect();
    (design, d.numbers("y"), cl, d.numbers("w"))
}

#[test]
fn synthetic_unequal_clusters_unweighted() {
    let fx = fixture("cr_synthetic.json");
    let (design, y, cl, _) = synthetic();
    let fit = fit_cr2(&design, &y, &cl, None, Cr2Route::Auto);
    check_cr(&fit, &cl, &fx["unweighted"], "synthetic");
}

#[test]
fn synthetic_unequal_clusters_weighted() {
    let fx = fixture("cr_synthetic.json");
    let (design, y, cl, w) = synthetic();
    let fit = fit_cr2(&design, &y, &cl, Some(&w), Cr2Route::Auto);
    check_cr(&fit, &cl, &fx["weighted"], "synthetic weighted");
}

#[test]
fn cluster_fixed_effects_generalised_inverse_square_root() {
    // I - H_gg is singular in every cluster: eigenvalues <= 1e-12 are dropped as in estimatr and
    // clubSandwich.
    let fx = fixture("cr_synthetic.json");
    let b = &fx["cluster_fe"];
    let d = Csv::fixture("synthetic_clusters.csv");
    let n = d.rows.len();
    let cl: Vec<u32> = d.numbers("cl").iter().map(|v| *v as u32).collect();
    let cl_str: Vec<String> = cl.iter().map(|c| format!("{c:03}")).collect();
    let fac = categorical("factor(cl)", &cl_str);
    let design = DesignBuilder::new(n)
        .intercept()
        .covariates(&[
            numeric("x1", d.numbers("x1")),
            numeric("x2", d.numbers("x2")),
            fac,
        ])
        .build()
        .unwrap();
    let y = d.numbers("y");
    let expected_coefs = vec_f(&b["coefficients"]);
    let (r, cs) = (&b["lm_robust"], &b["clubSandwich"]);
    for route in [Cr2Route::Auto, Cr2Route::Direct, Cr2Route::LowRank] {
        let fit = fit_cr2(&design, &y, &cl, None, route);
        close_vec(fit.coefficients(), &expected_coefs, RTOL, "FE coefficients");
        // The first three terms (intercept, x1, x2); the cluster dummies are not compared.
        let se = fit.std_errors();
        for (got, reference, label) in [
            (&se[..], &r["std_error"], "CR2 se"),
            (fit.df(), &r["df"], "CR2 df"),
            (&se[..], &cs["se"], "clubSandwich se"),
            (fit.df(), &cs["df"], "clubSandwich df"),
        ] {
            close_vec(
                &got[..3],
                &vec_f(reference)[..3],
                RTOL,
                &format!("{route:?} FE {label}"),
            );
        }
    }
}
