//! Bracketing root finding for the "solve for" side of the analytic power functions.
//!
//! Every power function here is monotone in the quantity solved for (n, |effect|, alpha,
//! clusters, cluster size), so a sign change brackets exactly one root. The bracket is found by
//! geometric expansion within the parameter's valid range; the root is then refined with Brent's
//! method (Brent 1973, *Algorithms for Minimization without Derivatives*, ch. 4), which never
//! leaves the bracket and converges superlinearly.

use crate::error::{PowerError, Result};

/// Brent's method for `f(x) = 0` on `[a, b]` with `f(a)`, `f(b)` of opposite sign.
/// Stops when the bracket is narrower than `2·(4·eps·|x| + xtol)`.
///
/// # Errors
/// [`PowerError::Numerical`] if `f` fails, is not finite, or the endpoints do not bracket.
pub fn brent(f: &dyn Fn(f64) -> Result<f64>, mut a: f64, mut b: f64, xtol: f64) -> Result<f64> {
    let mut fa = f(a)?;
    let mut fb = f(b)?;
    if !fa.is_finite() || !fb.is_finite() {
        return Err(PowerError::Numerical {
            what: "root finding",
            detail: format!("non-finite function value at the bracket [{a}, {b}]"),
        });
    }
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    if fa.signum() == fb.signum() {
        return Err(PowerError::Numerical {
            what: "root finding",
            detail: format!("[{a}, {b}] does not bracket a root ({fa}, {fb})"),
        });
    }
    let mut c = a;
    let mut fc = fa;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..500 {
        if fb.signum() == fc.signum() {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * xtol;
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return Ok(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol * m.signum() };
        fb = f(b)?;
        if !fb.is_finite() {
            return Err(PowerError::Numerical {
                what: "root finding",
                detail: format!("non-finite function value at {b}"),
            });
        }
    }
    Err(PowerError::Numerical {
        what: "root finding",
        detail: "no convergence in 500 steps".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sqrt_two() {
        let r = brent(&|x| Ok(x * x - 2.0), 0.0, 5.0, 1e-14).unwrap();
        assert!((r - 2f64.sqrt()).abs() < 1e-13);
    }

    #[test]
    fn no_bracket_is_an_error() {
        assert!(brent(&|x| Ok(x * x + 1.0), 0.0, 5.0, 1e-14).is_err());
    }
}
