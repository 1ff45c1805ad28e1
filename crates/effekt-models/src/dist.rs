//! t and normal tests and intervals on top of statrs.

use statrs::distribution::{Continuous, ContinuousCDF, Normal, StudentsT};

use crate::ModelError;

/// Statistic, two-sided p-value and confidence interval of one estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestResult {
    pub statistic: f64,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// Two-sided t test of `estimate = 0` with `df` degrees of freedom (normal when `df` is
/// infinite) and the `level` interval `estimate ± t_{df,(1+level)/2} · se`.
///
/// # Errors
/// [`ModelError::InvalidLevel`]; [`ModelError::Numerical`] for `df ≤ 0` or NaN.
pub fn t_test(estimate: f64, se: f64, df: f64, level: f64) -> Result<TestResult, ModelError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(ModelError::InvalidLevel { level });
    }
    if df.is_infinite() && df > 0.0 {
        return z_test(estimate, se, level);
    }
    let d = StudentsT::new(0.0, 1.0, df).map_err(|_| ModelError::Numerical {
        what: format!("t distribution with {df} df"),
    })?;
    let statistic = estimate / se;
    // statrs panics on NaN arguments: a NaN statistic (0/0, NaN se) gives a NaN p-value
    let p_value = if statistic.is_nan() {
        f64::NAN
    } else {
        2.0 * d.sf(statistic.abs())
    };
    let q = t_quantile(&d, 0.5 + level / 2.0);
    Ok(TestResult {
        statistic,
        p_value,
        conf_low: estimate - q * se,
        conf_high: estimate + q * se,
    })
}

/// Two-sided z test and normal-based interval.
///
/// # Errors
/// [`ModelError::InvalidLevel`].
pub fn z_test(estimate: f64, se: f64, level: f64) -> Result<TestResult, ModelError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(ModelError::InvalidLevel { level });
    }
    let d = Normal::standard();
    let statistic = estimate / se;
    let p_value = if statistic.is_nan() {
        f64::NAN
    } else {
        2.0 * d.sf(statistic.abs())
    };
    let q = d.inverse_cdf(0.5 + level / 2.0);
    Ok(TestResult {
        statistic,
        p_value,
        conf_low: estimate - q * se,
        conf_high: estimate + q * se,
    })
}

/// Upper quantile of Student's t: statrs' inverse CDF, polished by Newton steps on statrs' CDF
/// and density so that it agrees with R's `qt` to ~1e-14.
pub fn t_quantile(d: &StudentsT, p: f64) -> f64 {
    let mut x = d.inverse_cdf(p);
    for _ in 0..3 {
        if !x.is_finite() {
            break;
        }
        let f = d.cdf(x) - p;
        let dens = d.pdf(x);
        if !(dens > 0.0) || !f.is_finite() {
            break;
        }
        let step = f / dens;
        x -= step;
        if step.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    x
}
