//! Thin wrappers around faer decompositions (QR, self-adjoint eigendecomposition, triangular
//! solves). No decomposition is written by hand here.

use faer::linalg::solvers::SolveLstsq;
use faer::{Mat, MatRef, Side};

use crate::ModelError;

/// The `min(n, p) × p` upper-trapezoidal factor `R` of the Householder QR `X = Q R`.
pub(crate) fn qr_r(x: MatRef<'_, f64>) -> Mat<f64> {
    x.qr().thin_R().to_owned()
}

/// Least-squares solution of `X b = y` by Householder QR (`X` of full column rank).
pub(crate) fn lstsq(x: MatRef<'_, f64>, y: MatRef<'_, f64>) -> Mat<f64> {
    x.qr().solve_lstsq(y)
}

/// Inverse of a square upper-triangular matrix by triangular solves against the identity.
pub(crate) fn upper_inverse(r: MatRef<'_, f64>) -> Mat<f64> {
    let k = r.nrows();
    let mut inv = Mat::<f64>::identity(k, k);
    r.solve_upper_triangular_in_place(inv.as_mut());
    inv
}

/// `(R'R)^{-1} = R^{-1} R^{-T}` from a square upper-triangular `R`.
pub(crate) fn inverse_from_r(r: MatRef<'_, f64>) -> Mat<f64> {
    let ri = upper_inverse(r);
    &ri * ri.transpose()
}

/// Eigenvalues (non-decreasing) and eigenvectors of the symmetric matrix `(A + A')/2`.
pub(crate) fn sym_eigen(a: MatRef<'_, f64>) -> Result<(Vec<f64>, Mat<f64>), ModelError> {
    let n = a.nrows();
    let s = Mat::from_fn(n, n, |i, j| 0.5 * (a[(i, j)] + a[(j, i)]));
    let evd = s
        .self_adjoint_eigen(Side::Lower)
        .map_err(|_| ModelError::Numerical {
            what: "symmetric eigendecomposition".into(),
        })?;
    let vals: Vec<f64> = evd.S().column_vector().iter().copied().collect();
    if vals.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::Numerical {
            what: "symmetric eigendecomposition".into(),
        });
    }
    Ok((vals, evd.U().to_owned()))
}

/// `V f(Λ) V'` for the symmetric `A = V Λ V'`, where `f(λ) = λ^p` if `λ > tol`, else 0
/// (clubSandwich's `matrix_power`, tolerance `1e-12`: a generalised inverse power).
pub(crate) fn sym_power(a: MatRef<'_, f64>, p: f64, tol: f64) -> Result<Mat<f64>, ModelError> {
    let (vals, v) = sym_eigen(a)?;
    let n = vals.len();
    let f: Vec<f64> = vals
        .iter()
        .map(|&l| if l > tol { l.powf(p) } else { 0.0 })
        .collect();
    let vf = Mat::from_fn(n, n, |i, j| v[(i, j)] * f[j]);
    Ok(&vf * v.transpose())
}

/// `X' diag(d) X` for an `n × k` matrix and a weight vector.
pub(crate) fn crossprod_weighted(x: MatRef<'_, f64>, d: &[f64]) -> Mat<f64> {
    let dx = Mat::from_fn(x.nrows(), x.ncols(), |i, j| d[i] * x[(i, j)]);
    x.transpose() * &dx
}

/// `c' A c`.
pub(crate) fn quad_form(a: MatRef<'_, f64>, c: &[f64]) -> f64 {
    let k = c.len();
    let mut s = 0.0;
    for i in 0..k {
        let mut t = 0.0;
        for j in 0..k {
            t += a[(i, j)] * c[j];
        }
        s += c[i] * t;
    }
    s
}
