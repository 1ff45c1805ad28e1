//! t and normal tests and intervals on top of statrs.
//!
//! # Limits
//!
//! Confidence levels and significance levels are accepted in
//! [[`MIN_TAIL`], 1 − [`MIN_TAIL`]] = [1e-12, 1 − 1e-12] ([`check_level`], [`level_in_range`]):
//! a level of 0.9999999999999999 leaves a tail probability of 5.5e-17, which rounds `0.5 +
//! level/2` to 1 and the interval to `[-Inf, Inf]`. [`t_quantile`] accepts probabilities in
//! [[`MIN_QUANTILE_PROBABILITY`], 1 − [`MIN_QUANTILE_PROBABILITY`]] (a two-sided alpha of 1e-12
//! asks for 5e-13) and returns [`ModelError::Probability`] outside, never a panic: statrs'
//! inverse t CDF panics (an `unwrap` in its incomplete beta) at 1e-300 and does not return at
//! 1e-100, so it is only used where it was checked to return (see [`t_quantile`]).

use statrs::distribution::{Continuous, ContinuousCDF, Normal, StudentsT};
use statrs::function::gamma::ln_gamma;

use crate::ModelError;

/// Smallest tail probability a confidence level or a significance level may leave: levels and
/// alphas are accepted in `[MIN_TAIL, 1 − MIN_TAIL]`.
pub const MIN_TAIL: f64 = 1e-12;

/// Smallest probability [`t_quantile`] accepts (and `1 −` it the largest).
pub const MIN_QUANTILE_PROBABILITY: f64 = 1e-15;

/// Whether `level` (a confidence level, or a significance level) lies in
/// `[MIN_TAIL, 1 − MIN_TAIL]`; NaN does not.
pub fn level_in_range(level: f64) -> bool {
    (MIN_TAIL..=1.0 - MIN_TAIL).contains(&level)
}

/// Check a confidence level: [`level_in_range`].
///
/// # Errors
/// [`ModelError::InvalidLevel`] outside `[1e-12, 1 − 1e-12]` or NaN.
pub fn check_level(level: f64) -> Result<(), ModelError> {
    if level_in_range(level) {
        Ok(())
    } else {
        Err(ModelError::InvalidLevel { level })
    }
}

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
/// [`ModelError::InvalidLevel`] (see [`check_level`]); [`ModelError::Numerical`] for `df ≤ 0`
/// or NaN, or a quantile that cannot be computed.
pub fn t_test(estimate: f64, se: f64, df: f64, level: f64) -> Result<TestResult, ModelError> {
    check_level(level)?;
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
    let q = t_quantile(&d, 0.5 + level / 2.0)?;
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
/// [`ModelError::InvalidLevel`] (see [`check_level`]).
pub fn z_test(estimate: f64, se: f64, level: f64) -> Result<TestResult, ModelError> {
    check_level(level)?;
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
/// `1e-4 ≤ p ≤ 1 − 1e-4`, where it is used) and otherwise, for `df ≥ 1` and
/// `1e-5 ≤ p ≤ 1 − 1e-5` (the range where statrs' inverse CDF was checked to return, test
/// `statrs_inverse_returns_where_it_is_used`), from statrs' inverse CDF, which is about 3× as
/// expensive as the two to four Newton steps that follow. The start only decides how many steps
/// are taken, not the root. Everywhere else — small `df`, tail probabilities down to
/// [`MIN_QUANTILE_PROBABILITY`] — the root is bracketed and found by safeguarded Newton steps
/// with bisection on a log scale ([`bracketed_quantile`]), at most 400 of them. For
/// `df > LARGE_DF` the expansion itself is the quantile (its first omitted term is of order
/// `z¹¹/ν⁵`, below 1e-20 there for `|z| < 10`). Within 1e-5 of `p = ½`, where statrs' CDF is
/// flat (it returns ½ for `|x| < 3e-8`), the quantile is the inverted Taylor series of the CDF
/// at 0 (or, above 10,000 df, the expansion).
///
/// # Errors
/// [`ModelError::Probability`] for `p` outside [`MIN_QUANTILE_PROBABILITY`],
/// `1 − MIN_QUANTILE_PROBABILITY`] or NaN; [`ModelError::Numerical`] when the quantile is not a
/// finite double (e.g. `df = 0.05` at `p = 1e-15`, about −1e300) or the search does not settle.
pub fn t_quantile(d: &StudentsT, p: f64) -> Result<f64, ModelError> {
    if !(MIN_QUANTILE_PROBABILITY..=1.0 - MIN_QUANTILE_PROBABILITY).contains(&p) {
        return Err(ModelError::Probability {
            what: "t quantile",
            value: p,
        });
    }
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
    let u = p - 0.5; // exact for p in [1/4, 1]
    let x = if df > LARGE_DF || (df > 1e4 && u.abs() <= 1e-5) {
        cornish_fisher()
    } else if u.abs() <= 1e-5 {
        // statrs' CDF is flat at ½ for |x| below ~3e-8: invert `F(x) − ½ = f(0) x (1 −
        // (ν+1) x²/(6ν) + O(x⁴))`, f(0) = Γ((ν+1)/2) / (√(νπ) Γ(ν/2)) (relative error O(x⁴)).
        let f0 = (ln_gamma((df + 1.0) / 2.0) - ln_gamma(df / 2.0)).exp()
            / (df * std::f64::consts::PI).sqrt();
        let x0 = u / f0;
        d.location() + d.scale() * x0 * (1.0 + (df + 1.0) / (6.0 * df) * x0 * x0)
    } else {
        let mut found = None;
        if df >= 8.0 && (1e-4..=1.0 - 1e-4).contains(&p) {
            let (x, settled) = newton(d, p, cornish_fisher(), 8);
            found = settled.then_some(x);
        }
        if found.is_none() && df >= 1.0 && (1e-5..=1.0 - 1e-5).contains(&p) {
            // (kept only when its CDF is p: near p = ½ at df = 1 statrs' start is off by 1e-8)
            let x = newton(d, p, d.inverse_cdf(p), 3).0;
            let tail = p.min(1.0 - p);
            found = (x.is_finite() && (d.cdf(x) - p).abs() <= 1e-10 * tail).then_some(x);
        }
        match found {
            Some(x) => x,
            None => bracketed_quantile(d, p)?,
        }
    };
    if x.is_finite() {
        Ok(x)
    } else {
        Err(ModelError::Numerical {
            what: format!("t quantile at p = {p:e} with {df} df (not a finite number)"),
        })
    }
}

/// The t quantile by bracketing: for the lower tail `q ≤ 1/2` (the upper by symmetry,
/// `1 − p` being exact for `p ≥ 1/2`), `y = −x ≥ 0` solves `F(−y) = q`. The start is the larger
/// of the normal quantile and the tail asymptote `F(−y) ≈ k ν^{(ν−1)/2} y^{−ν}`,
/// `k = Γ((ν+1)/2) / (√(νπ) Γ(ν/2))`; the bracket `[lo, hi]` is widened by doubling (at most
/// up to 1e150 — beyond, statrs' CDF overflows and the quantile is an error), then Newton steps `y ← y + (F(−y) − q)/f(y)`
/// that leave the bracket are replaced by its (geometric) midpoint. At most 400 steps.
fn bracketed_quantile(d: &StudentsT, p: f64) -> Result<f64, ModelError> {
    let nu = d.freedom();
    let std_t = StudentsT::new(0.0, 1.0, nu).map_err(|_| ModelError::Numerical {
        what: format!("t distribution with {nu} df"),
    })?;
    let (q, sign) = if p > 0.5 { (1.0 - p, 1.0) } else { (p, -1.0) };
    if q == 0.5 {
        return Ok(d.location());
    }
    let failed = |why: &str| ModelError::Numerical {
        what: format!("t quantile at p = {p:e} with {nu} df ({why})"),
    };
    let tail = |y: f64| std_t.cdf(-y);
    let z = -Normal::standard().inverse_cdf(q);
    let ln_k =
        ln_gamma((nu + 1.0) / 2.0) - ln_gamma(nu / 2.0) - 0.5 * (nu * std::f64::consts::PI).ln();
    let y_tail = ((ln_k + 0.5 * (nu - 1.0) * nu.ln() - q.ln()) / nu).exp();
    let mut y = if y_tail.is_finite() { z.max(y_tail) } else { z };
    if !(y.is_finite() && y > 0.0) {
        y = 1.0;
    }
    // bracket: tail(lo) > q >= tail(hi)
    let (mut lo, mut hi) = (0.0_f64, y);
    // statrs' CDF squares its argument: beyond 1e150 it is no longer computed
    const Y_MAX: f64 = 1e150;
    while tail(hi) > q {
        lo = hi;
        hi *= 2.0;
        if hi > Y_MAX {
            return Err(failed("beyond 1e150 in magnitude"));
        }
    }
    if !(hi / 2.0 > 0.0) {
        return Err(failed("no bracket"));
    }
    for _ in 0..400 {
        let f = tail(y) - q;
        if f == 0.0 {
            return Ok(d.location() + d.scale() * sign * y);
        }
        if f > 0.0 {
            lo = lo.max(y);
        } else {
            hi = hi.min(y);
        }
        let dens = std_t.pdf(y);
        let newton = y + f / dens;
        let next = if newton.is_finite() && newton > lo && newton < hi {
            newton
        } else if lo > 0.0 && hi > 4.0 * lo {
            (lo * hi).sqrt()
        } else {
            0.5 * (lo + hi)
        };
        let settled = (next - y).abs() <= 1e-15 * next.abs() || hi - lo <= 4.0 * f64::EPSILON * hi;
        y = next;
        if settled {
            if ((tail(y) - q) / q).abs() > 1e-8 {
                return Err(failed("the CDF cannot resolve this probability"));
            }
            return Ok(d.location() + d.scale() * sign * y);
        }
    }
    Err(failed("no convergence in 400 steps"))
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

/// A number as a message shows it: the shortest decimal (`0.05`, `250`), or scientific
/// notation (`1e-300`, `2.5e20`) when that would take more than about 20 characters — Rust's
/// `{}` writes 1e-300 as 302 characters of zeros.
pub fn compact(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old definition: statrs' inverse CDF polished by up to 3 Newton steps.
    fn polished_inverse(d: &StudentsT, p: f64) -> f64 {
        newton(d, p, d.inverse_cdf(p), 3).0
    }

    fn tq(d: &StudentsT, p: f64) -> f64 {
        t_quantile(d, p).unwrap()
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
                let (a, b) = (tq(&d, p), polished_inverse(&d, p));
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
        let (a, b) = (tq(&d, 0.975), polished_inverse(&d, 0.975));
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
        assert!(close(tq(&d6, 0.975), R_QT_0975_1E6), "{}", tq(&d6, 0.975));
        assert!(close(tq(&d8, 1e-5), R_QT_1EM5_1E8), "{}", tq(&d8, 1e-5));
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
        assert!(close(tq(&above, 0.975), tq(&below, 0.975)));
        assert!((t_tail(&above, 2.5) / t_tail(&below, 2.5) - 1.0).abs() < 1e-9);
    }

    /// The probabilities where statrs' inverse CDF is used as a start (df ≥ 1,
    /// 1e-5 ≤ p ≤ 1 − 1e-5): it returns there (a hang would hang this test) with a finite
    /// quantile whose CDF is p.
    #[test]
    fn statrs_inverse_returns_where_it_is_used() {
        let mut df = 1.0;
        while df <= LARGE_DF {
            let d = StudentsT::new(0.0, 1.0, df).unwrap();
            for &p in &[
                1e-5,
                3e-5,
                1e-4,
                0.01,
                0.3,
                0.5,
                0.7,
                0.99,
                0.9999,
                1.0 - 1e-5,
            ] {
                let x = d.inverse_cdf(p);
                assert!(x.is_finite(), "df {df}, p {p}");
                let q = tq(&d, p);
                assert!(
                    ((d.cdf(q) - p) / p.min(1.0 - p)).abs() < 1e-9,
                    "df {df}, p {p}"
                );
            }
            df *= 1.37;
        }
    }

    /// Closed forms at the limits: df = 1 (Cauchy) `tan(π(p − ½))`; df = 2
    /// `(2p − 1)/√(2p(1 − p))`; df = 4 `sign · √(4 cos(arccos(√α)/3)/√α − 4)`, α = 4p(1 − p)
    /// (Hill 1970); huge df the normal quantile.
    #[test]
    fn quantiles_at_the_limits_match_closed_forms() {
        let close = |a: f64, b: f64, tol: f64| (a / b - 1.0).abs() <= tol;
        let ps = [
            MIN_QUANTILE_PROBABILITY,
            5e-13,
            1e-12,
            1e-9,
            1e-6,
            0.02,
            0.5 + 1e-9,
            0.975,
            1.0 - 1e-6,
            1.0 - 5e-13,
            1.0 - 1e-12,
        ];
        for &p in &ps {
            let d1 = StudentsT::new(0.0, 1.0, 1.0).unwrap();
            // tan(π(p − ½)) near the centre, −cot(πp) in the tails (by symmetry for p > ½)
            let pi = std::f64::consts::PI;
            let cauchy = if (p - 0.5).abs() < 0.25 {
                (pi * (p - 0.5)).tan()
            } else if p < 0.5 {
                -1.0 / (pi * p).tan()
            } else {
                1.0 / (pi * (1.0 - p)).tan()
            };
            assert!(
                close(tq(&d1, p), cauchy, 1e-9),
                "df 1, p {p}: {} vs {cauchy}",
                tq(&d1, p)
            );
            let d2 = StudentsT::new(0.0, 1.0, 2.0).unwrap();
            let two = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            assert!(
                close(tq(&d2, p), two, 1e-7),
                "df 2, p {p}: {} vs {two}",
                tq(&d2, p)
            );
            let d4 = StudentsT::new(0.0, 1.0, 4.0).unwrap();
            let a = 4.0 * p * (1.0 - p);
            let four = (p - 0.5).signum()
                * (4.0 * ((a.sqrt()).acos() / 3.0).cos() / a.sqrt() - 4.0).sqrt();
            // (the closed form cancels near the centre)
            if (p - 0.5).abs() > 0.4 {
                assert!(
                    close(tq(&d4, p), four, 1e-7),
                    "df 4, p {p}: {} vs {four}",
                    tq(&d4, p)
                );
            }
            let dn = StudentsT::new(0.0, 1.0, 1e9).unwrap();
            let z = Normal::standard().inverse_cdf(p);
            assert!(close(tq(&dn, p), z, 1e-6), "df 1e9, p {p}");
        }
        // small and fractional df (Satterthwaite) at the tails: the CDF of the quantile is p
        for &df in &[0.3, 0.7, 1.5, 3.3, 7.5, 12.0, 150.0] {
            let d = StudentsT::new(0.0, 1.0, df).unwrap();
            for &p in &[1e-15, 5e-13, 1e-8, 0.4, 1.0 - 1e-8, 1.0 - 5e-13] {
                match t_quantile(&d, p) {
                    Ok(x) => {
                        let back = if p < 0.5 { d.cdf(x) } else { d.sf(x) };
                        let tail = p.min(1.0 - p);
                        assert!(((back - tail) / tail).abs() < 1e-6, "df {df}, p {p}: {x}");
                    }
                    // e.g. df 0.3 at 1e-15: about -1e50 is fine, beyond f64 is an error
                    Err(e) => assert!(df < 1.0, "df {df}, p {p}: {e}"),
                }
            }
        }
    }

    /// Outside [1e-15, 1 − 1e-15] and for NaN: an error, never a panic (statrs' inverse panics
    /// at 1e-300 and does not return at 1e-100).
    #[test]
    fn out_of_range_probabilities_are_errors() {
        let d = StudentsT::new(0.0, 1.0, 5.0).unwrap();
        for p in [
            0.0,
            1e-300,
            1e-100,
            1e-16,
            1.0,
            1.5,
            -0.1,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert!(
                matches!(t_quantile(&d, p), Err(ModelError::Probability { .. })),
                "{p}"
            );
        }
        for level in [0.0, 1e-13, 0.9999999999999999, 1.0, f64::NAN] {
            assert!(matches!(
                t_test(1.0, 0.5, 10.0, level),
                Err(ModelError::InvalidLevel { .. })
            ));
            assert!(matches!(
                z_test(1.0, 0.5, level),
                Err(ModelError::InvalidLevel { .. })
            ));
        }
        let r = t_test(1.0, 0.5, 10.0, 1.0 - 1e-12).unwrap();
        assert!(r.conf_low.is_finite() && r.conf_high.is_finite());
        let r = t_test(1.0, 0.5, 10.0, 1e-12).unwrap();
        assert!(r.conf_low < 1.0 && r.conf_high > 1.0);
        // a quantile beyond the largest double is an error, not a hang
        let tiny = StudentsT::new(0.0, 1.0, 0.02).unwrap();
        assert!(t_quantile(&tiny, 1e-15).is_err());
    }
}
