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
        2.0 * t_tail(&d, statistic.abs())
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

/// Above this many degrees of freedom the t distribution function and quantile are taken from
/// expansions in the normal (statrs' incomplete-beta routines do not return for `df ≈ 1e8`).
/// R's `pt` switches at the same point.
pub const LARGE_DF: f64 = 4e5;

/// Upper tail `P(T > x)` of Student's t (location and scale of `d` applied).
///
/// For `df > LARGE_DF` this is R's `pt` approximation `1 − Φ(x (1 − 1/(4ν)) / √(1 + x²/(2ν)))`
/// (Abramowitz & Stegun 1964, 26.7.8), whose error is far below the double-precision spacing of
/// p-values at such `ν`; otherwise statrs' survival function.
pub fn t_tail(d: &StudentsT, x: f64) -> f64 {
    let nu = d.freedom();
    if nu > LARGE_DF {
        let z = (x - d.location()) / d.scale();
        let v = 1.0 / (4.0 * nu);
        Normal::standard().sf(z * (1.0 - v) / (1.0 + z * z * 2.0 * v).sqrt())
    } else {
        d.sf(x)
    }
}

/// Lower tail `P(T ≤ x)`: the reflection of [`t_tail`].
pub fn t_cdf(d: &StudentsT, x: f64) -> f64 {
    if d.freedom() > LARGE_DF {
        t_tail(d, 2.0 * d.location() - x)
    } else {
        d.cdf(x)
    }
}

/// Quantile of Student's t: the root of statrs' CDF, found by Newton steps on statrs' CDF and
/// density, so that it agrees with R's `qt` to ~1e-14.
///
/// The Newton iteration starts from the Cornish–Fisher expansion of the t quantile in the normal
/// quantile (Abramowitz & Stegun 1964, 26.7.5; relative error below 6e-4 for `df ≥ 8` and
/// `1e-4 ≤ p ≤ 1 − 1e-4`, where it is used) and otherwise from statrs' inverse CDF, which is
/// about 3× as expensive as the two to four Newton steps that follow. The start only decides how
/// many steps are taken, not the root; if the iteration does not settle, statrs' inverse CDF
/// polished by Newton steps is returned. For `df > LARGE_DF` the expansion itself is the
/// quantile (its first omitted term is of order `z¹¹/ν⁵`, below 1e-20 there for `|z| < 10`).
pub fn t_quantile(d: &StudentsT, p: f64) -> f64 {
    let df = d.freedom();
    let cornish_fisher = || {
        let z = Normal::standard().inverse_cdf(p);
        let (z2, nu) = (z * z, df);
        let g1 = (z2 + 1.0) * z / 4.0;
        let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
        let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
        let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
        d.location() + d.scale() * (z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu)
    };
    if df > LARGE_DF {
        return cornish_fisher();
    }
    if df >= 8.0 && (1e-4..=1.0 - 1e-4).contains(&p) {
        let (x, settled) = newton(d, p, cornish_fisher(), 8);
        if settled {
            return x;
        }
    }
    newton(d, p, d.inverse_cdf(p), 3).0
}

/// Newton steps `x ← x − (F(x) − p)/f(x)` on statrs' CDF and density until a step is below
/// `1e-15 |x|` (then `settled`), at most `steps` of them.
fn newton(d: &StudentsT, p: f64, start: f64, steps: usize) -> (f64, bool) {
    let mut x = start;
    for _ in 0..steps {
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
            return (x, x.is_finite());
        }
    }
    (x, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old definition: statrs' inverse CDF polished by up to 3 Newton steps.
    fn polished_inverse(d: &StudentsT, p: f64) -> f64 {
        newton(d, p, d.inverse_cdf(p), 3).0
    }

    #[test]
    fn cornish_fisher_start_reaches_the_same_quantile() {
        let mut worst: f64 = 0.0;
        for &df in &[
            1.0, 2.0, 3.0, 5.0, 7.9, 8.0, 9.5, 12.0, 20.0, 37.9, 38.0, 63.05, 100.0, 999.0, 1e5,
            4e5,
        ] {
            let d = StudentsT::new(0.0, 1.0, df).unwrap();
            for &p in &[
                1e-5, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.6, 0.8, 0.9, 0.95, 0.975,
                0.99, 0.995, 0.999, 0.9999, 0.99999,
            ] {
                let (a, b) = (t_quantile(&d, p), polished_inverse(&d, p));
                let rel = (a - b).abs() / b.abs().max(1e-300);
                worst = worst.max(rel);
                assert!(
                    rel <= 1e-13 || (a - b).abs() <= 1e-15,
                    "df {df}, p {p}: {a} vs {b}"
                );
            }
        }
        assert!(worst <= 1e-13, "{worst}");
        // location and scale
        let d = StudentsT::new(1.5, 2.0, 40.0).unwrap();
        let (a, b) = (t_quantile(&d, 0.975), polished_inverse(&d, 0.975));
        assert!((a - b).abs() <= 1e-14 * b.abs());
    }

    /// statrs' incomplete-beta routines do not return for df ≈ 1e8; above `LARGE_DF` the tail
    /// and quantile come from expansions. Values from R 4.2.2: `qt(0.975, 1e6)`,
    /// `qt(1e-5, 1e8)`, `pt(-2, 1e6)`, `pt(3, 1e8, lower.tail = FALSE)`.
    const R_QT_0975_1E6: f64 = 1.959_966_356_814_106_6;
    const R_QT_1EM5_1E8: f64 = -4.264_890_998_523_438;
    const R_PT_M2_1E6: f64 = 0.022_750_266_925_659_592;
    const R_PT_3_UPPER_1E8: f64 = 0.001_349_898_364_018_746_8;

    #[test]
    fn large_df_returns_and_matches_r() {
        // (the tails agree to ~4e-11 relative: the expansion's own error is ~4e-12 at ν = 1e6,
        // the rest is statrs' normal tail)
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
        let d6 = StudentsT::new(0.0, 1.0, 1e6).unwrap();
        let d8 = StudentsT::new(0.0, 1.0, 1e8).unwrap();
        assert!(
            close(t_quantile(&d6, 0.975), R_QT_0975_1E6),
            "{}",
            t_quantile(&d6, 0.975)
        );
        assert!(
            close(t_quantile(&d8, 1e-5), R_QT_1EM5_1E8),
            "{}",
            t_quantile(&d8, 1e-5)
        );
        assert!(close(t_cdf(&d6, -2.0), R_PT_M2_1E6), "{}", t_cdf(&d6, -2.0));
        assert!(
            close(t_tail(&d8, 3.0), R_PT_3_UPPER_1E8),
            "{}",
            t_tail(&d8, 3.0)
        );
        let r = t_test(1.0, 0.5, 1e8, 0.95).unwrap();
        assert!(r.p_value > 0.0 && r.conf_low < r.conf_high);
        // continuity across the switch
        let below = StudentsT::new(0.0, 1.0, LARGE_DF).unwrap();
        let above = StudentsT::new(0.0, 1.0, LARGE_DF * (1.0 + 1e-12)).unwrap();
        assert!(close(t_quantile(&above, 0.975), t_quantile(&below, 0.975)));
        assert!((t_tail(&above, 2.5) / t_tail(&below, 2.5) - 1.0).abs() < 1e-9);
    }
}
