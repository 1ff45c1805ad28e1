//! Thin wrappers around faer decompositions (Householder QR, self-adjoint eigendecomposition,
//! triangular solves, matrix products). No decomposition is written by hand here.
//!
//! Every call runs with `Par::Seq`: faer's parallel kernels split reductions by thread, which
//! would make the last bits of a fit depend on the thread count. Parallelism in this crate is
//! over independent units (clusters, columns) with results collected in order, so every number
//! is bit-identical at any thread count.

use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self, ComputeEigenvectors};
use faer::linalg::householder;
use faer::linalg::matmul::matmul;
use faer::linalg::qr::no_pivoting::factor as qrf;
use faer::linalg::triangular_solve;
use faer::{Accum, Conj, Mat, MatMut, MatRef, Par};

use crate::ModelError;

const PAR: Par = Par::Seq;

/// `A B`.
pub(crate) fn mm(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    let mut c = Mat::zeros(a.nrows(), b.ncols());
    matmul(c.as_mut(), Accum::Replace, a, b, 1.0, PAR);
    c
}

/// `A' B`.
pub(crate) fn tmm(a: MatRef<'_, f64>, b: MatRef<'_, f64>) -> Mat<f64> {
    mm(a.transpose(), b)
}

/// A Householder QR `X = Q R` in faer's compact form.
pub(crate) struct Qr {
    qr: Mat<f64>,
    coeff: Mat<f64>,
}

/// Householder QR of `x` (no pivoting).
pub(crate) fn qr(x: MatRef<'_, f64>) -> Qr {
    let (m, n) = x.shape();
    let size = m.min(n);
    let bs = qrf::recommended_block_size::<f64>(m, n).max(1);
    let mut qr = x.to_owned();
    let mut coeff = Mat::zeros(bs, size);
    if size > 0 {
        let mut mem = MemBuffer::new(qrf::qr_in_place_scratch::<f64>(
            m,
            n,
            bs,
            PAR,
            Default::default(),
        ));
        qrf::qr_in_place(
            qr.as_mut(),
            coeff.as_mut(),
            PAR,
            MemStack::new(&mut mem),
            Default::default(),
        );
    }
    Qr { qr, coeff }
}

impl Qr {
    /// The `min(m, n) × n` upper-trapezoidal factor `R`.
    pub(crate) fn r(&self) -> Mat<f64> {
        let (m, n) = self.qr.shape();
        Mat::from_fn(
            m.min(n),
            n,
            |i, j| if i <= j { self.qr[(i, j)] } else { 0.0 },
        )
    }

    /// The first `min(m, n)` columns of `Q`.
    pub(crate) fn thin_q(&self) -> Mat<f64> {
        let (m, n) = self.qr.shape();
        let size = m.min(n);
        let mut q = Mat::<f64>::identity(m, size);
        if size == 0 {
            return q;
        }
        let basis = Mat::from_fn(m, size, |i, j| match i.cmp(&j) {
            std::cmp::Ordering::Equal => 1.0,
            std::cmp::Ordering::Greater => self.qr[(i, j)],
            std::cmp::Ordering::Less => 0.0,
        });
        let mut mem = MemBuffer::new(
            householder::apply_block_householder_sequence_on_the_left_in_place_scratch::<f64>(
                m,
                self.coeff.nrows(),
                size,
            ),
        );
        householder::apply_block_householder_sequence_on_the_left_in_place_with_conj(
            basis.as_ref(),
            self.coeff.as_ref(),
            Conj::No,
            q.as_mut(),
            PAR,
            MemStack::new(&mut mem),
        );
        q
    }
}

/// The `min(n, p) × p` upper-trapezoidal factor `R` of the Householder QR `X = Q R`.
pub(crate) fn qr_r(x: MatRef<'_, f64>) -> Mat<f64> {
    qr(x).r()
}

/// Solve `R X = B` in place for a square upper-triangular `R`.
pub(crate) fn upper_solve_in_place(r: MatRef<'_, f64>, b: MatMut<'_, f64>) {
    triangular_solve::solve_upper_triangular_in_place(r, b, PAR);
}

/// Least-squares coefficients of `b` on the columns of `a` (full column rank), via the QR of
/// `[a | b]`.
pub(crate) fn lstsq_vec(a: MatRef<'_, f64>, b: &[f64]) -> Vec<f64> {
    let k = a.ncols();
    let aug = Mat::from_fn(
        a.nrows(),
        k + 1,
        |i, j| if j < k { a[(i, j)] } else { b[i] },
    );
    let r = qr_r(aug.as_ref());
    let rk = Mat::from_fn(k, k, |i, j| r[(i, j)]);
    let mut g = Mat::from_fn(k, 1, |i, _| r[(i, k)]);
    upper_solve_in_place(rk.as_ref(), g.as_mut());
    (0..k).map(|i| g[(i, 0)]).collect()
}

/// Inverse of a square upper-triangular matrix by triangular solves against the identity.
pub(crate) fn upper_inverse(r: MatRef<'_, f64>) -> Mat<f64> {
    let k = r.nrows();
    let mut inv = Mat::<f64>::identity(k, k);
    upper_solve_in_place(r, inv.as_mut());
    inv
}

/// `(R'R)^{-1} = R^{-1} R^{-T}` from a square upper-triangular `R`.
pub(crate) fn inverse_from_r(r: MatRef<'_, f64>) -> Mat<f64> {
    let ri = upper_inverse(r);
    mm(ri.as_ref(), ri.transpose())
}

/// Eigenvalues (non-decreasing) and eigenvectors of the symmetric matrix `(A + A')/2`.
pub(crate) fn sym_eigen(a: MatRef<'_, f64>) -> Result<(Vec<f64>, Mat<f64>), ModelError> {
    let n = a.nrows();
    let s = Mat::from_fn(n, n, |i, j| 0.5 * (a[(i, j)] + a[(j, i)]));
    let mut u = Mat::<f64>::zeros(n, n);
    let mut d = Diag::<f64>::zeros(n);
    if n > 0 {
        let mut mem = MemBuffer::new(evd::self_adjoint_evd_scratch::<f64>(
            n,
            ComputeEigenvectors::Yes,
            PAR,
            Default::default(),
        ));
        evd::self_adjoint_evd(
            s.as_ref(),
            d.as_mut(),
            Some(u.as_mut()),
            PAR,
            MemStack::new(&mut mem),
            Default::default(),
        )
        .map_err(|_| ModelError::Numerical {
            what: "symmetric eigendecomposition".into(),
        })?;
    }
    let vals: Vec<f64> = d.column_vector().iter().copied().collect();
    if vals.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::Numerical {
            what: "symmetric eigendecomposition".into(),
        });
    }
    Ok((vals, u))
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
    Ok(mm(vf.as_ref(), v.transpose()))
}

/// `X' diag(d) X` for an `n × k` matrix and a weight vector.
pub(crate) fn crossprod_weighted(x: MatRef<'_, f64>, d: &[f64]) -> Mat<f64> {
    let dx = Mat::from_fn(x.nrows(), x.ncols(), |i, j| d[i] * x[(i, j)]);
    tmm(x, dx.as_ref())
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
