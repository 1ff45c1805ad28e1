//! The textbook analyses of the harness (Welch, Student, pooled z, t on cluster means) and OLS
//! with CR2 through effekt-models, on two-arm data.

use super::SimEstimate;
use super::builtin::TwoArm;
use crate::dist::{pnorm_upper, pt, qnorm_upper, qt_upper};

fn moments(y: &[f64], treated: &[bool], arm: bool) -> (f64, f64, f64) {
    let mut n = 0.0;
    let mut s = 0.0;
    for (v, _) in y.iter().zip(treated).filter(|(_, t)| **t == arm) {
        n += 1.0;
        s += v;
    }
    let mean = s / n;
    let ss: f64 = y
        .iter()
        .zip(treated)
        .filter(|(_, t)| **t == arm)
        .map(|(v, _)| (v - mean).powi(2))
        .sum();
    (n, mean, ss / (n - 1.0))
}

fn t_result(diff: f64, se: f64, df: f64, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let stat = diff / se;
    let (p, q) = if stat.is_finite() && df.is_finite() && df > 0.0 {
        let p = 2.0 * pt(stat.abs(), df, false).map_err(|e| e.to_string())?;
        (
            p.min(1.0),
            qt_upper(alpha / 2.0, df).map_err(|e| e.to_string())?,
        )
    } else {
        (f64::NAN, f64::NAN)
    };
    Ok(SimEstimate {
        estimate: diff,
        std_error: se,
        conf_low: diff - q * se,
        conf_high: diff + q * se,
        p_value: p,
    })
}

/// Welch's t-test (treated minus control): `se = sqrt(s1²/n1 + s0²/n0)`, Welch–Satterthwaite
/// df (Welch 1947).
///
/// # Errors
/// Fewer than 2 units in an arm.
pub fn welch(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let (n1, m1, v1) = moments(&d.y, &d.treated, true);
    let (n0, m0, v0) = moments(&d.y, &d.treated, false);
    if n1 < 2.0 || n0 < 2.0 {
        return Err(format!(
            "an arm has fewer than 2 units ({n1} treated, {n0} control)"
        ));
    }
    let a = v1 / n1;
    let b = v0 / n0;
    let se = (a + b).sqrt();
    let df = (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n0 - 1.0));
    t_result(m1 - m0, se, df, alpha)
}

/// Student's pooled-variance t-test (treated minus control), df = n1 + n0 − 2.
///
/// # Errors
/// Fewer than 2 units in an arm.
pub fn student(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let (n1, m1, v1) = moments(&d.y, &d.treated, true);
    let (n0, m0, v0) = moments(&d.y, &d.treated, false);
    if n1 < 2.0 || n0 < 2.0 {
        return Err(format!(
            "an arm has fewer than 2 units ({n1} treated, {n0} control)"
        ));
    }
    let df = n1 + n0 - 2.0;
    let sp2 = ((n1 - 1.0) * v1 + (n0 - 1.0) * v0) / df;
    t_result(m1 - m0, (sp2 * (1.0 / n1 + 1.0 / n0)).sqrt(), df, alpha)
}

/// Two-proportion z-test, pooled variance under H0, Wald CI with the unpooled variance.
///
/// # Errors
/// An empty arm.
pub fn z_pooled(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let (n1, p1, _) = moments(&d.y, &d.treated, true);
    let (n0, p0, _) = moments(&d.y, &d.treated, false);
    if n1 < 1.0 || n0 < 1.0 {
        return Err("an arm is empty".into());
    }
    let pb = (n1 * p1 + n0 * p0) / (n1 + n0);
    let se0 = (pb * (1.0 - pb) * (1.0 / n1 + 1.0 / n0)).sqrt();
    let z = (p1 - p0) / se0;
    let se = (p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0).sqrt();
    let q = qnorm_upper(alpha / 2.0).map_err(|e| e.to_string())?;
    Ok(SimEstimate {
        estimate: p1 - p0,
        std_error: se,
        conf_low: p1 - p0 - q * se,
        conf_high: p1 - p0 + q * se,
        p_value: if z.is_finite() {
            (2.0 * pnorm_upper(z.abs())).min(1.0)
        } else {
            f64::NAN
        },
    })
}

/// Student t-test on cluster means (each cluster's mean outcome is one observation).
///
/// # Errors
/// No cluster column; treatment varying within a cluster; fewer than 2 clusters in an arm.
pub fn cluster_means(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let cl = d.cluster.as_ref().ok_or("cluster-means needs clusters")?;
    let g = cl.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut sum = vec![0.0; g];
    let mut cnt = vec![0.0; g];
    let mut arm: Vec<Option<bool>> = vec![None; g];
    for ((&c, &y), &t) in cl.iter().zip(&d.y).zip(&d.treated) {
        let c = c as usize;
        if let (Some(s), Some(n), Some(a)) = (sum.get_mut(c), cnt.get_mut(c), arm.get_mut(c)) {
            *s += y;
            *n += 1.0;
            match a {
                None => *a = Some(t),
                Some(prev) if *prev != t => {
                    return Err(format!(
                        "treatment varies within cluster {c}; randomise whole clusters"
                    ));
                }
                _ => {}
            }
        }
    }
    let mut y = Vec::new();
    let mut treated = Vec::new();
    for ((s, n), a) in sum.iter().zip(&cnt).zip(&arm) {
        if let (true, Some(a)) = (*n > 0.0, a) {
            y.push(s / n);
            treated.push(*a);
        }
    }
    student(
        &TwoArm {
            y,
            treated,
            cluster: None,
            covariates: Vec::new(),
        },
        alpha,
    )
}

/// OLS `y ~ 1 + treated` with CR2 standard errors and Satterthwaite df (effekt-models).
///
/// # Errors
/// No cluster column, or the regression layer's error message (e.g. the treatment is
/// collinear with the intercept when every unit is in one arm).
pub fn ols_cr2(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
    let cl = d.cluster.as_ref().ok_or("ols-cr2 needs clusters")?;
    let t: Vec<f64> = d.treated.iter().map(|&t| f64::from(u8::from(t))).collect();
    let design = DesignBuilder::new(d.y.len())
        .intercept()
        .numeric("treated", t)
        .build()
        .map_err(|e| e.to_string())?;
    let opts = OlsOptions {
        vcov: Some(VarianceEstimator::Cr2),
        clusters: Some(cl),
        ..OlsOptions::default()
    };
    let fit = ols(&design, &d.y, &opts).map_err(|e| e.to_string())?;
    // the treatment's row of `fit.tidy(1 − alpha)` (the same call, without the intercept's row)
    let j = fit
        .term_index("treated")
        .ok_or("the treatment was dropped as collinear")?;
    let (estimate, std_error) = (fit.coefficients()[j], fit.vcov().matrix()[(j, j)].sqrt());
    let t = effekt_models::dist::t_test(estimate, std_error, fit.df()[j], 1.0 - alpha)
        .map_err(|e| e.to_string())?;
    Ok(SimEstimate {
        estimate,
        std_error,
        conf_low: t.conf_low,
        conf_high: t.conf_high,
        p_value: t.p_value,
    })
}
