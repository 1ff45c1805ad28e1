//! Coordinates in which the (robust) Mahalanobis distance is Euclidean, for the k-d tree.
//!
//! With `S = U Λ U'` (eigendecomposition by faer), `z = Λ^{-1/2} U' x` gives
//! `‖z_t − z_c‖² = (x_t − x_c)' S⁺ (x_t − x_c)`: the Mahalanobis distance with the
//! Moore–Penrose inverse, which equals the ordinary one when `S` is invertible and stays defined
//! when dummy columns make it singular (differences of units lie in the range of `S`).

use effekt_data::Covariate;
use effekt_models::expand_covariates;
use faer::Mat;
use faer::diag::Diag;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{self, ComputeEigenvectors};

use crate::MatchError;

/// Relative eigenvalue tolerance below which a direction counts as absent.
const EIGEN_TOL: f64 = 1e-9;

fn eigen(a: &Mat<f64>) -> Result<(Vec<f64>, Mat<f64>), MatchError> {
    let n = a.nrows();
    let s = Mat::from_fn(n, n, |i, j| 0.5 * (a[(i, j)] + a[(j, i)]));
    let mut u = Mat::<f64>::zeros(n, n);
    let mut d = Diag::<f64>::zeros(n);
    let fail = || MatchError::Numerical {
        what: "the covariance matrix of the Mahalanobis distance could not be decomposed".into(),
        hint: "check the covariates for extreme values".into(),
    };
    if n > 0 {
        let par = faer::Par::Seq;
        let mut mem = MemBuffer::new(evd::self_adjoint_evd_scratch::<f64>(
            n,
            ComputeEigenvectors::Yes,
            par,
            Default::default(),
        ));
        evd::self_adjoint_evd(
            s.as_ref(),
            d.as_mut(),
            Some(u.as_mut()),
            par,
            MemStack::new(&mut mem),
            Default::default(),
        )
        .map_err(|_| fail())?;
    }
    let vals: Vec<f64> = d.column_vector().iter().copied().collect();
    if vals.iter().any(|v| !v.is_finite()) {
        return Err(fail());
    }
    Ok((vals, u))
}

/// Mahalanobis coordinates of all units (row-major, `dim` per unit).
pub(crate) struct Coords {
    pub coords: Vec<f64>,
    pub dim: usize,
}

fn columns(covs: &[Covariate]) -> Result<Vec<Vec<f64>>, MatchError> {
    let (cols, _) = expand_covariates(covs).map_err(MatchError::PsModel)?;
    Ok(cols.into_iter().map(|c| c.values).collect())
}

fn project(x: &[Vec<f64>], s: &Mat<f64>, n: usize) -> Result<Coords, MatchError> {
    let (vals, u) = eigen(s)?;
    let max = vals.iter().copied().fold(0.0_f64, f64::max);
    if !(max > 0.0) {
        return Err(MatchError::Numerical {
            what: "every covariate of the Mahalanobis distance is constant among the units that can be matched".into(),
            hint: "use covariates that vary".into(),
        });
    }
    let keep: Vec<usize> = (0..vals.len())
        .filter(|&k| vals[k] > EIGEN_TOL * max)
        .collect();
    let dim = keep.len();
    let p = x.len();
    let mut coords = vec![0.0; n * dim];
    for i in 0..n {
        for (d, &k) in keep.iter().enumerate() {
            let mut z = 0.0;
            for j in 0..p {
                z += u[(j, k)] * x[j][i];
            }
            coords[i * dim + d] = z / vals[k].sqrt();
        }
    }
    Ok(Coords { coords, dim })
}

/// Mahalanobis distance with the pooled within-group covariance of the units not discarded
/// (MatchIt: `scale()`, then `pooled_cov`, divisor `n − 2`; Rubin 1980).
pub(crate) fn mahalanobis(
    covs: &[Covariate],
    treat: &[bool],
    keep: &[bool],
) -> Result<Coords, MatchError> {
    let n = treat.len();
    let mut x = columns(covs)?;
    let kept: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
    let nk = kept.len();
    if nk < 3 {
        return Err(MatchError::Numerical {
            what: format!("only {nk} units can be matched"),
            hint: "the Mahalanobis distance needs at least 3".into(),
        });
    }
    // standardise (does not change the distance; improves conditioning)
    for col in &mut x {
        let m = kept.iter().map(|&i| col[i]).sum::<f64>() / nk as f64;
        let v = kept.iter().map(|&i| (col[i] - m).powi(2)).sum::<f64>() / (nk - 1) as f64;
        let s = if v > 0.0 { v.sqrt() } else { 1.0 };
        for v in col.iter_mut() {
            *v = (*v - m) / s;
        }
    }
    let p = x.len();
    let mut means = [vec![0.0; p], vec![0.0; p]];
    let mut counts = [0usize; 2];
    for &i in &kept {
        let g = usize::from(treat[i]);
        counts[g] += 1;
        for j in 0..p {
            means[g][j] += x[j][i];
        }
    }
    for g in 0..2 {
        for j in 0..p {
            means[g][j] /= counts[g].max(1) as f64;
        }
    }
    let mut s = Mat::<f64>::zeros(p, p);
    for &i in &kept {
        let g = usize::from(treat[i]);
        for a in 0..p {
            let da = x[a][i] - means[g][a];
            for b in 0..=a {
                s[(a, b)] += da * (x[b][i] - means[g][b]);
            }
        }
    }
    let div = (nk - 2) as f64;
    for a in 0..p {
        for b in 0..=a {
            let v = s[(a, b)] / div;
            s[(a, b)] = v;
            s[(b, a)] = v;
        }
    }
    project(&x, &s, n)
}

/// Average ranks (ties get the mean rank) of `x` over the units in `kept`.
fn ranks(x: &[f64], kept: &[usize]) -> Vec<f64> {
    let mut idx: Vec<usize> = kept.to_vec();
    idx.sort_by(|&a, &b| x[a].partial_cmp(&x[b]).unwrap_or(std::cmp::Ordering::Equal));
    let mut r = vec![0.0; x.len()];
    let mut s = 0;
    while s < idx.len() {
        let mut e = s + 1;
        while e < idx.len() && x[idx[e]] == x[idx[s]] {
            e += 1;
        }
        let avg = (s + 1 + e) as f64 / 2.0;
        for &i in &idx[s..e] {
            r[i] = avg;
        }
        s = e;
    }
    r
}

/// Rosenbaum's (2010, §8.3) robust Mahalanobis distance: covariates replaced by their ranks
/// (ties averaged), the covariance of the ranks rescaled so that every diagonal element is the
/// variance of untied ranks `1..n`.
pub(crate) fn robust_mahalanobis(covs: &[Covariate], keep: &[bool]) -> Result<Coords, MatchError> {
    let n = keep.len();
    let x = columns(covs)?;
    let kept: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
    let nk = kept.len();
    if nk < 3 {
        return Err(MatchError::Numerical {
            what: format!("only {nk} units can be matched"),
            hint: "the robust Mahalanobis distance needs at least 3".into(),
        });
    }
    let r: Vec<Vec<f64>> = x.iter().map(|col| ranks(col, &kept)).collect();
    let p = r.len();
    let means: Vec<f64> = r
        .iter()
        .map(|col| kept.iter().map(|&i| col[i]).sum::<f64>() / nk as f64)
        .collect();
    let mut s = Mat::<f64>::zeros(p, p);
    for &i in &kept {
        for a in 0..p {
            let da = r[a][i] - means[a];
            for b in 0..=a {
                s[(a, b)] += da * (r[b][i] - means[b]);
            }
        }
    }
    let div = (nk - 1) as f64;
    // var(1..n) = n(n + 1)/12
    let untied = nk as f64 * (nk as f64 + 1.0) / 12.0;
    let mult: Vec<f64> = (0..p)
        .map(|a| {
            let v = s[(a, a)] / div;
            if v > 0.0 { (untied / v).sqrt() } else { 0.0 }
        })
        .collect();
    for a in 0..p {
        for b in 0..=a {
            let v = s[(a, b)] / div * mult[a] * mult[b];
            s[(a, b)] = v;
            s[(b, a)] = v;
        }
    }
    project(&r, &s, n)
}
