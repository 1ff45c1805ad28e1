//! Small symmetric positive-definite solves with faer's Cholesky factorisation, run
//! sequentially (bit-identical at any thread count). No decomposition is written here.

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt::{factor, solve};
use faer::{Mat, Par};

/// R's aliasing tolerance for `lm` (relative column norm after projection).
const ALIAS_TOL: f64 = 1e-7;

/// Solve `A X = B` in place (`B` becomes `X`) for a symmetric positive-definite `A` (only the
/// lower triangle is read; `A` is overwritten by its Cholesky factor).
///
/// Returns `false` when `A` is numerically singular: a Cholesky pivot `L_jj < 1e-7 √A_jj`, i.e.
/// column j's norm after projection on the earlier columns is below R's `lm` tolerance.
pub(crate) fn spd_solve(a: &mut Mat<f64>, b: &mut Mat<f64>) -> bool {
    let p = a.nrows();
    if p == 0 {
        return true;
    }
    let diag: Vec<f64> = (0..p).map(|j| a[(j, j)]).collect();
    if diag.iter().any(|d| !(*d > 0.0) || !d.is_finite()) {
        return false;
    }
    let mut mem = MemBuffer::new(factor::cholesky_in_place_scratch::<f64>(
        p,
        Par::Seq,
        Default::default(),
    ));
    let ok = factor::cholesky_in_place(
        a.as_mut(),
        Default::default(),
        Par::Seq,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .is_ok();
    if !ok {
        return false;
    }
    for (j, d) in diag.iter().enumerate() {
        if !(a[(j, j)] >= ALIAS_TOL * d.sqrt()) {
            return false;
        }
    }
    let mut mem2 = MemBuffer::new(solve::solve_in_place_scratch::<f64>(p, b.ncols(), Par::Seq));
    solve::solve_in_place(a.as_ref(), b.as_mut(), Par::Seq, MemStack::new(&mut mem2));
    b.col_iter().all(|c| c.iter().all(|v| v.is_finite()))
}
