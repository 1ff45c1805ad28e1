//! Distribution functions used by the analytic power formulas.
//!
//! Central t and normal distributions come from statrs 0.19. statrs has no noncentral t
//! distribution, so its CDF is computed here with the published algorithm AS 243 (Lenth 1989),
//! the route R's `pt(q, df, ncp)` takes and therefore the one R `pwr` results rest on. It is
//! built only from statrs special functions (regularised incomplete beta, log-gamma, normal
//! CDF). The two departures from the plain series that R also makes are kept and documented
//! here rather than hidden:
//!
//! * `df > 4e5` or `ncp² > 2·ln2·1021` (|ncp| > 37.62): the series is not used; the normal
//!   approximation of Abramowitz & Stegun (1964) 26.7.10 is (this is what R does; in power
//!   calculations it only happens at power indistinguishable from 1 or at n > 200,000);
//! * the series stops when its error bound is below 1e-12 or after 1,000 terms; if it does not
//!   converge, [`PowerError::Numerical`] is returned (R only warns).
//!
//! Central t tails and critical values come from effekt-models (`effekt_models::dist`): Newton
//! steps on statrs' CDF, and expansions in the normal for `df > 4e5`, where statrs' incomplete
//! beta does not return; the upper quantile is taken by symmetry so that there is no `1 − a`
//! cancellation for tiny `a`.

use crate::error::{PowerError, Result};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use statrs::function::{beta::checked_beta_reg, gamma::ln_gamma};

/// ln(sqrt(pi)).
const LN_SQRT_PI: f64 = 0.572_364_942_924_700_1;
/// sqrt(2 / pi).
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;

fn std_normal() -> Normal {
    // Normal::new(0, 1) cannot fail; keep the match so no panic path exists.
    match Normal::new(0.0, 1.0) {
        Ok(n) => n,
        Err(_) => Normal::standard(),
    }
}

/// Standard normal lower-tail probability Φ(x).
pub fn pnorm(x: f64) -> f64 {
    std_normal().cdf(x)
}

/// Standard normal upper-tail probability 1 − Φ(x), computed without cancellation.
pub fn pnorm_upper(x: f64) -> f64 {
    std_normal().sf(x)
}

/// Upper quantile of the standard normal: `z` with `1 − Φ(z) = a`, for `0 < a < 1`.
///
/// # Errors
/// [`PowerError::Numerical`] for `a` outside (0, 1) or NaN (statrs panics there).
pub fn qnorm_upper(a: f64) -> Result<f64> {
    if !(a > 0.0 && a < 1.0) {
        return Err(PowerError::Numerical {
            what: "normal quantile",
            detail: format!("tail probability {a} outside (0, 1)"),
        });
    }
    Ok(-std_normal().inverse_cdf(a))
}

fn student(df: f64) -> Result<StudentsT> {
    StudentsT::new(0.0, 1.0, df).map_err(|e| PowerError::Numerical {
        what: "Student t distribution",
        detail: format!("df = {df}: {e}"),
    })
}

/// Central t distribution function: `P(T <= t)` (lower) or `P(T > t)` (upper), `df > 0`
/// (effekt-models' [`t_cdf`](effekt_models::dist::t_cdf), which stays finite in time for huge `df`).
///
/// # Errors
/// [`PowerError::Numerical`] when `df` is not positive.
pub fn pt(t: f64, df: f64, lower: bool) -> Result<f64> {
    let d = student(df)?;
    Ok(if lower {
        effekt_models::dist::t_cdf(&d, t)
    } else {
        effekt_models::dist::t_tail(&d, t)
    })
}

/// Upper quantile of the central t: `q` with `P(T > q) = a`, for `0 < a < 1`, `df > 0`; by
/// symmetry `−t_quantile(a)` with effekt-models' [`t_quantile`](effekt_models::dist::t_quantile)
/// (no loss of precision for small `a`).
///
/// # Errors
/// [`PowerError::Numerical`] when `df` is not positive, `a` is outside
/// [`MIN_QUANTILE_PROBABILITY`](effekt_models::dist::MIN_QUANTILE_PROBABILITY),
/// `1 − MIN_QUANTILE_PROBABILITY`] or the quantile is not a finite number.
pub fn qt_upper(a: f64, df: f64) -> Result<f64> {
    if !(a > 0.0 && a < 1.0) {
        return Err(PowerError::Numerical {
            what: "t quantile",
            detail: format!("tail probability {a} outside (0, 1)"),
        });
    }
    let d = student(df)?;
    let q = -effekt_models::dist::t_quantile(&d, a).map_err(|e| PowerError::Numerical {
        what: "t quantile",
        detail: e.to_string(),
    })?;
    if q.is_finite() {
        Ok(q)
    } else {
        Err(PowerError::Numerical {
            what: "t quantile",
            detail: format!("a = {a}, df = {df}"),
        })
    }
}

/// Noncentral t distribution function, `P(T <= t)` (`lower = true`) or `P(T > t)`, for
/// `T ~ t(df, ncp)`.
///
/// Formula: Guenther's (1978) twin series as organised in algorithm AS 243 (Lenth 1989,
/// *Applied Statistics* 38, 185–189): with `x = t²/(t²+df)`, `λ = ncp²`,
/// `P(T <= t) = Φ(−ncp) + ½ Σ_j [p_j I_x(j+½, df/2) + q_j I_x(j+1, df/2)]`,
/// `p_j = e^{−λ/2}(λ/2)^j / j!`, `q_j = ncp e^{−λ/2}(λ/2)^j / (√2 Γ(j+3/2))`, negative `t`
/// handled by reflection. See the module docs for the two documented departures.
///
/// # Errors
/// [`PowerError::Numerical`] when `df <= 0` or the series does not converge.
pub fn pnt(t: f64, df: f64, ncp: f64, lower: bool) -> Result<f64> {
    if df.is_nan() || df <= 0.0 || t.is_nan() || !ncp.is_finite() {
        return Err(PowerError::Numerical {
            what: "noncentral t",
            detail: format!("t = {t}, df = {df}, ncp = {ncp}"),
        });
    }
    if ncp == 0.0 {
        return pt(t, df, lower);
    }
    if t.is_infinite() {
        let at_upper_end = t > 0.0;
        return Ok(if at_upper_end == lower { 1.0 } else { 0.0 });
    }
    let (tt, del, negdel) = if t >= 0.0 {
        (t, ncp, false)
    } else {
        // Left tail, quick exit when extreme: P(T <= t) <= P(T <= 0) = Φ(−ncp) ≈ 0.
        if ncp > 40.0 {
            return Ok(if lower { 0.0 } else { 1.0 });
        }
        (-t, -ncp, true)
    };
    // `want_lower` = whether the value computed below (a lower tail of the reflected variable)
    // is the tail requested.
    let want_lower = lower != negdel;

    if df > 4e5 || del * del > 2.0 * std::f64::consts::LN_2 * 1021.0 {
        // Abramowitz & Stegun (1964) 26.7.10 (as R).
        let s = 1.0 / (4.0 * df);
        let z = (tt * (1.0 - s) - del) / (1.0 + tt * tt * 2.0 * s).sqrt();
        return Ok(if want_lower { pnorm(z) } else { pnorm_upper(z) });
    }

    let x = tt * tt / (tt * tt + df);
    let mut tnc = 0.0_f64;
    if x > 0.0 {
        let lambda = del * del;
        let mut p = 0.5 * (-0.5 * lambda).exp();
        if p == 0.0 {
            return Err(PowerError::Numerical {
                what: "noncentral t",
                detail: format!("underflow at ncp = {ncp}"),
            });
        }
        let mut q = SQRT_2_OVER_PI * p * del;
        let mut s = 0.5 - p;
        if s < 1e-7 {
            s = -0.5 * (-0.5 * lambda).exp_m1();
        }
        let mut a = 0.5_f64;
        let b = 0.5 * df;
        let rxb = (1.0 - x).powf(b);
        let albeta = LN_SQRT_PI + ln_gamma(b) - ln_gamma(0.5 + b);
        let mut xodd = checked_beta_reg(a, b, x).map_err(|e| PowerError::Numerical {
            what: "noncentral t",
            detail: format!("incomplete beta: {e}"),
        })?;
        let mut godd = 2.0 * rxb * (a * x.ln() - albeta).exp();
        let bx = b * x;
        let mut xeven = if bx < f64::EPSILON { bx } else { 1.0 - rxb };
        let mut geven = bx * rxb;
        tnc = p * xodd + q * xeven;
        let mut converged = false;
        for it in 1..=1000_u32 {
            let itf = f64::from(it);
            a += 1.0;
            xodd -= godd;
            xeven -= geven;
            godd *= x * (a + b - 1.0) / a;
            geven *= x * (a + b - 0.5) / (a + 0.5);
            p *= lambda / (2.0 * itf);
            q *= lambda / (2.0 * itf + 1.0);
            tnc += p * xodd + q * xeven;
            s -= p;
            if s < -1e-10 {
                return Err(PowerError::Numerical {
                    what: "noncentral t",
                    detail: format!(
                        "rounding error in the series at t = {t}, df = {df}, ncp = {ncp}"
                    ),
                });
            }
            if s <= 0.0 && it > 1 {
                converged = true;
                break;
            }
            let errbd = 2.0 * s * (xodd - godd);
            if errbd.abs() < 1e-12 {
                converged = true;
                break;
            }
        }
        if !converged {
            return Err(PowerError::Numerical {
                what: "noncentral t",
                detail: format!("series did not converge at t = {t}, df = {df}, ncp = {ncp}"),
            });
        }
    }
    tnc += pnorm(-del);
    let tnc = tnc.min(1.0);
    Ok(if want_lower { tnc } else { 1.0 - tnc })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_ncp_is_central() {
        let a = pnt(1.3, 7.0, 0.0, true).unwrap();
        let b = pt(1.3, 7.0, true).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn reflection_symmetry() {
        // P(T(df, d) <= t) = P(T(df, -d) >= -t).
        let a = pnt(0.7, 9.5, 1.4, true).unwrap();
        let b = pnt(-0.7, 9.5, -1.4, false).unwrap();
        assert!((a - b).abs() < 1e-14, "{a} vs {b}");
    }

    #[test]
    fn quantile_round_trip() {
        for &(a, df) in &[(0.025, 3.0), (1e-6, 10.0), (0.4, 2.5), (0.05, 1000.0)] {
            let q = qt_upper(a, df).unwrap();
            let back = pt(q, df, false).unwrap();
            assert!(((back - a) / a).abs() < 1e-12, "a = {a}, df = {df}: {back}");
        }
    }

    #[test]
    fn bad_arguments_are_errors() {
        assert!(pnt(1.0, 0.0, 1.0, true).is_err());
        assert!(qt_upper(1.5, 3.0).is_err());
        assert!(qt_upper(f64::NAN, 3.0).is_err());
        assert!(qt_upper(1e-300, 3.0).is_err());
        assert!(qnorm_upper(f64::NAN).is_err());
        assert!(qnorm_upper(0.0).is_err());
        assert!(qnorm_upper(1.0).is_err());
    }

    /// At the limits of alpha: closed forms of the t quantile (df = 1: Cauchy, `cot(πa)`; df = 2:
    /// `(1 − 2a)/√(2a(1 − a))`) and the normal tail.
    #[test]
    fn quantiles_at_the_alpha_limits() {
        for a in [5e-13, 1e-12, 1e-6] {
            let cauchy = 1.0 / (std::f64::consts::PI * a).tan();
            let q1 = qt_upper(a, 1.0).unwrap();
            assert!(
                (q1 / cauchy - 1.0).abs() < 1e-9,
                "df 1, a {a}: {q1} vs {cauchy}"
            );
            let two = (1.0 - 2.0 * a) / (2.0 * a * (1.0 - a)).sqrt();
            let q2 = qt_upper(a, 2.0).unwrap();
            assert!((q2 / two - 1.0).abs() < 1e-9, "df 2, a {a}: {q2} vs {two}");
            let z = qnorm_upper(a).unwrap();
            assert!(((pnorm_upper(z) - a) / a).abs() < 1e-9, "normal, a {a}");
        }
    }
}
