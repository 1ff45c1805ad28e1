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
    qr_owned(x.to_owned(), false)
}

/// Householder QR of `x` (no pivoting), factorising `x` in place. With `thin_unblocked`, up to
/// 4 columns use faer's unblocked algorithm (its blocked variant costs 2–3× more on tall, thin
/// matrices; the two differ only in rounding).
pub(crate) fn qr_owned(x: Mat<f64>, thin_unblocked: bool) -> Qr {
    let (m, n) = x.shape();
    let size = m.min(n);
    let bs = if thin_unblocked && n <= 4 {
        1
    } else {
        qrf::recommended_block_size::<f64>(m, n).max(1)
    };
    let mut qr = x;
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

/// Eigendecompositions of many small symmetric `n × n` matrices of one size, without a heap
/// allocation per matrix.
///
/// `n = 1` is trivial and `n = 2` uses the closed-form Jacobi rotation that diagonalises a
/// symmetric 2 × 2 matrix (Golub & Van Loan 2013, *Matrix Computations*, §8.5.2, `sym.schur2`);
/// larger sizes call faer's self-adjoint eigendecomposition with buffers reused between calls.
pub(crate) struct SmallSymEigen {
    n: usize,
    s: Mat<f64>,
    u: Mat<f64>,
    d: Diag<f64>,
    mem: MemBuffer,
}

impl SmallSymEigen {
    /// A workspace for `n × n` matrices.
    pub(crate) fn new(n: usize) -> Self {
        let mem = if n > 2 {
            MemBuffer::new(evd::self_adjoint_evd_scratch::<f64>(
                n,
                ComputeEigenvectors::Yes,
                PAR,
                Default::default(),
            ))
        } else {
            MemBuffer::new(faer::dyn_stack::StackReq::EMPTY)
        };
        // (closed forms up to n = 2 need no faer buffers)
        let m = if n > 2 { n } else { 0 };
        Self {
            n,
            s: Mat::zeros(m, m),
            u: Mat::zeros(m, m),
            d: Diag::zeros(m),
            mem,
        }
    }

    /// Eigenvalues and eigenvectors of the symmetric matrix given column-major in `a`
    /// (`n²` entries, only the upper triangle is read): `vals` gets the eigenvalues, `vecs` the
    /// orthonormal eigenvectors as the columns of a column-major `n × n` matrix.
    pub(crate) fn eigen(
        &mut self,
        a: &[f64],
        vals: &mut [f64],
        vecs: &mut [f64],
    ) -> Result<(), ModelError> {
        let n = self.n;
        match n {
            0 => {}
            1 => {
                vals[0] = a[0];
                vecs[0] = 1.0;
            }
            2 => {
                let (app, apq, aqq) = (a[0], a[2], a[3]);
                let (c, s) = if apq == 0.0 {
                    (1.0, 0.0)
                } else {
                    let tau = (aqq - app) / (2.0 * apq);
                    // √(1 + τ²) without overflow; |t| ≤ 1 below
                    let r = if tau.abs() < 1e150 {
                        (1.0 + tau * tau).sqrt()
                    } else {
                        tau.abs()
                    };
                    let t = if tau >= 0.0 {
                        1.0 / (tau + r)
                    } else {
                        -1.0 / (-tau + r)
                    };
                    let c = 1.0 / (1.0 + t * t).sqrt();
                    (c, t * c)
                };
                // J = [[c, s], [−s, c]], J'AJ = diag(app − t apq, aqq + t apq)
                let t = if c == 0.0 { 0.0 } else { s / c };
                vals[0] = app - t * apq;
                vals[1] = aqq + t * apq;
                vecs[0] = c;
                vecs[1] = -s;
                vecs[2] = s;
                vecs[3] = c;
            }
            _ => {
                for j in 0..n {
                    for i in 0..n {
                        self.s[(i, j)] = if i <= j { a[i + j * n] } else { a[j + i * n] };
                    }
                }
                evd::self_adjoint_evd(
                    self.s.as_ref(),
                    self.d.as_mut(),
                    Some(self.u.as_mut()),
                    PAR,
                    MemStack::new(&mut self.mem),
                    Default::default(),
                )
                .map_err(|_| ModelError::Numerical {
                    what: "symmetric eigendecomposition".into(),
                })?;
                for (v, d) in vals.iter_mut().zip(self.d.column_vector().iter()) {
                    *v = *d;
                }
                for j in 0..n {
                    for i in 0..n {
                        vecs[i + j * n] = self.u[(i, j)];
                    }
                }
            }
        }
        if vals[..n].iter().any(|v| !v.is_finite()) {
            return Err(ModelError::Numerical {
                what: "symmetric eigendecomposition".into(),
            });
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: [f64; 4]) {
        let mut e = SmallSymEigen::new(2);
        let (mut vals, mut vecs) = ([0.0; 2], [0.0; 4]);
        e.eigen(&a, &mut vals, &mut vecs).unwrap();
        let m = Mat::from_fn(2, 2, |i, j| a[i.min(j) + 2 * i.max(j)]);
        let (fv, _) = sym_eigen(m.as_ref()).unwrap();
        let mut got = vals;
        got.sort_by(f64::total_cmp);
        let scale = a.iter().fold(0.0f64, |s, v| s.max(v.abs())).max(1e-300);
        for (g, f) in got.iter().zip(&fv) {
            assert!(
                (g - f).abs() <= 4.0 * f64::EPSILON * scale,
                "{a:?}: {got:?} vs {fv:?}"
            );
        }
        // A v = λ v and V'V = I
        for c in 0..2 {
            let v = [vecs[2 * c], vecs[2 * c + 1]];
            for i in 0..2 {
                let av = m[(i, 0)] * v[0] + m[(i, 1)] * v[1];
                assert!(
                    (av - vals[c] * v[i]).abs() <= 8.0 * f64::EPSILON * scale,
                    "{a:?}"
                );
            }
        }
        let dot = vecs[0] * vecs[2] + vecs[1] * vecs[3];
        assert!(dot.abs() <= 4.0 * f64::EPSILON);
        for c in 0..2 {
            let nrm = vecs[2 * c].hypot(vecs[2 * c + 1]);
            assert!((nrm - 1.0).abs() <= 4.0 * f64::EPSILON);
        }
    }

    #[test]
    fn closed_form_2x2_eigen_equals_faer() {
        // column-major [a11, a21, a12, a22]; only the upper triangle (a12) is read
        for a in [
            [2.0, 0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0, 1.0],
            [1.0, 0.5, 0.5, 1.0],
            [0.04, 0.04, 0.04, 0.04],
            [0.3, -0.2, -0.2, 0.7],
            [1e-8, 3e-9, 3e-9, 0.9],
            [0.5, 1e-200, 1e-200, 0.5 + 1e-12],
            [1e150, 1.0, 1.0, -1e150],
            [0.0, 0.0, 0.0, 0.0],
            [-3.0, 2.0, 2.0, 5.0],
        ] {
            check(a);
        }
    }

    #[test]
    fn small_eigen_of_larger_size_equals_faer() {
        let m = Mat::from_fn(4, 4, |i, j| 1.0 / (1.0 + i as f64 + j as f64));
        let a: Vec<f64> = (0..16).map(|p| m[(p % 4, p / 4)]).collect();
        let mut e = SmallSymEigen::new(4);
        let (mut vals, mut vecs) = (vec![0.0; 4], vec![0.0; 16]);
        for _ in 0..2 {
            e.eigen(&a, &mut vals, &mut vecs).unwrap();
            let (fv, fu) = sym_eigen(m.as_ref()).unwrap();
            assert_eq!(vals, fv);
            assert_eq!(
                vecs,
                (0..16).map(|p| fu[(p % 4, p / 4)]).collect::<Vec<_>>()
            );
        }
    }
}
