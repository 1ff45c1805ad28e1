//! Weighting on the same propensity-score model as the matching: inverse probability weighting
//! (IPW, Hájek-normalised) for the ATT, ATC and ATE, and augmented IPW (doubly robust) for the
//! ATE, with standard errors from the stacked estimating equations (M-estimation sandwich), so
//! that the estimation of the propensity score is accounted for (Lunceford & Davidian 2004;
//! Stefanski & Boos 2002).
//!
//! # Estimators
//! With `e = P̂(T = 1 | x)` (logistic regression `x'β`):
//! * **IPW**: `μ1 = Σ w T y / Σ w T`, `μ0 = Σ w (1−T) y / Σ w (1−T)`, effect `μ1 − μ0`, with
//!   `w = T/e + (1−T)/(1−e)` (ATE), `w = T + (1−T) e/(1−e)` (ATT), `w = T (1−e)/e + (1−T)`
//!   (ATC) — `statsmodels` `TreatmentEffect.ipw` and R `WeightIt`'s definitions.
//! * **AIPW** (ATE; Robins, Rotnitzky & Zhao 1994): outcome regressions `m_1, m_0` by OLS of `y`
//!   on the covariates within each group; `μ1 = mean(m_1 + T (y − m_1)/e)`,
//!   `μ0 = mean(m_0 + (1−T)(y − m_0)/(1−e))` (statsmodels `aipw`).
//!
//! # Standard errors
//! `θ = (β, [γ_1, γ_0,] μ1, μ0)` solves `Σ ψ_i(θ) = 0` (logit score, [outcome-regression
//! normal equations,] the mean equations). `V = A⁻¹ B A⁻ᵀ / n` with `A = −n⁻¹ Σ ∂ψ_i/∂θ'`
//! (analytic) and `B = n⁻¹ Σ ψ_i ψ_i'`; the effect's variance is `c'Vc`, `c = (0, …, 1, −1)`.
//! Normal reference.
//!
//! # Trimming
//! Units with `e ∉ [a, 1 − a]` get weight 0 (Crump, Hotz, Imbens & Mitnik 2009); the estimand is
//! then the effect in the trimmed population, and the output says so. The trimming set is
//! treated as fixed in the variance.

use faer::Mat;
use faer::linalg::solvers::{DenseSolveCore, SolveLstsq};

use crate::{Estimand, MatchError};

/// What the weighting produced.
#[derive(Debug, Clone)]
pub(crate) struct Weighted {
    pub mu1: f64,
    pub mu0: f64,
    pub se: f64,
}

/// Inverse probability weights (unstabilised) for the estimand.
pub(crate) fn ipw_weights(
    ps: &[f64],
    treat: &[bool],
    keep: &[bool],
    estimand: Estimand,
) -> Vec<f64> {
    ps.iter()
        .zip(treat)
        .zip(keep)
        .map(|((&e, &t), &k)| {
            if !k {
                return 0.0;
            }
            match (estimand, t) {
                (Estimand::Ate, true) => 1.0 / e,
                (Estimand::Ate, false) => 1.0 / (1.0 - e),
                (Estimand::Att, true) => 1.0,
                (Estimand::Att, false) => e / (1.0 - e),
                (Estimand::Atc, true) => (1.0 - e) / e,
                (Estimand::Atc, false) => 1.0,
            }
        })
        .collect()
}

/// `dw/dη` (η = x'β) of the weights above, for the Jacobian.
fn dweight(e: f64, t: bool, estimand: Estimand) -> f64 {
    // de/dη = e(1 − e)
    match (estimand, t) {
        (Estimand::Ate, true) | (Estimand::Atc, true) => -(1.0 - e) / e,
        (Estimand::Ate, false) | (Estimand::Att, false) => e / (1.0 - e),
        (Estimand::Att, true) | (Estimand::Atc, false) => 0.0,
    }
}

fn sandwich(psi: &[Vec<f64>], a: &Mat<f64>, n: usize) -> Result<Mat<f64>, MatchError> {
    let k = a.nrows();
    let lu = a.partial_piv_lu();
    let ainv = lu.inverse();
    if (0..k).any(|i| (0..k).any(|j| !ainv[(i, j)].is_finite())) {
        return Err(MatchError::Numerical {
            what: "the Jacobian of the estimating equations is singular".into(),
            hint: "a covariate may be collinear within a treatment group; drop it".into(),
        });
    }
    let mut b = Mat::<f64>::zeros(k, k);
    for row in psi {
        for i in 0..k {
            for j in 0..=i {
                b[(i, j)] += row[i] * row[j];
            }
        }
    }
    for i in 0..k {
        for j in 0..i {
            b[(j, i)] = b[(i, j)];
        }
    }
    let nf = n as f64;
    let mut v = Mat::<f64>::zeros(k, k);
    // V = Ainv (B/n) Ainv' / n
    let mut tmp = Mat::<f64>::zeros(k, k);
    for i in 0..k {
        for j in 0..k {
            let mut s = 0.0;
            for l in 0..k {
                s += ainv[(i, l)] * b[(l, j)];
            }
            tmp[(i, j)] = s / nf;
        }
    }
    for i in 0..k {
        for j in 0..k {
            let mut s = 0.0;
            for l in 0..k {
                s += tmp[(i, l)] * ainv[(j, l)];
            }
            v[(i, j)] = s / nf;
        }
    }
    Ok(v)
}

/// Hájek IPW with the M-estimation standard error. `x` is the propensity-score design
/// (columns), `ps` the fitted scores.
pub(crate) fn ipw(
    x: &[&[f64]],
    ps: &[f64],
    y: &[f64],
    treat: &[bool],
    keep: &[bool],
    estimand: Estimand,
) -> Result<Weighted, MatchError> {
    let n = y.len();
    let p = x.len();
    let w = ipw_weights(ps, treat, keep, estimand);
    let mean = |g: bool| {
        let (mut s, mut sw) = (0.0, 0.0);
        for i in 0..n {
            if treat[i] == g {
                s += w[i] * y[i];
                sw += w[i];
            }
        }
        s / sw
    };
    let (mu1, mu0) = (mean(true), mean(false));
    let k = p + 2;
    let mut a = Mat::<f64>::zeros(k, k);
    let mut psi = Vec::with_capacity(n);
    for i in 0..n {
        let e = ps[i];
        let t = treat[i];
        let tf = f64::from(u8::from(t));
        let mut row = vec![0.0; k];
        for j in 0..p {
            row[j] = x[j][i] * (tf - e);
        }
        let (r1, r0) = if t {
            (w[i] * (y[i] - mu1), 0.0)
        } else {
            (0.0, w[i] * (y[i] - mu0))
        };
        row[p] = r1;
        row[p + 1] = r0;
        psi.push(row);
        // A = −mean ∂ψ/∂θ'
        let v = e * (1.0 - e);
        for a_ in 0..p {
            for b_ in 0..p {
                a[(a_, b_)] += v * x[a_][i] * x[b_][i];
            }
        }
        if keep[i] {
            let dw = dweight(e, t, estimand);
            let res = if t { y[i] - mu1 } else { y[i] - mu0 };
            let r = if t { p } else { p + 1 };
            for b_ in 0..p {
                a[(r, b_)] -= res * dw * x[b_][i];
            }
            a[(r, r)] += w[i];
        }
    }
    let nf = n as f64;
    for i in 0..k {
        for j in 0..k {
            a[(i, j)] /= nf;
        }
    }
    let v = sandwich(&psi, &a, n)?;
    let var = v[(p, p)] + v[(p + 1, p + 1)] - 2.0 * v[(p, p + 1)];
    Ok(Weighted {
        mu1,
        mu0,
        se: var.max(0.0).sqrt(),
    })
}

/// Least squares of `y` on the columns `z` over the rows in `rows`, by faer QR.
fn ls(z: &[&[f64]], y: &[f64], rows: &[usize]) -> Result<Vec<f64>, MatchError> {
    let q = z.len();
    let m = rows.len();
    if m <= q {
        return Err(MatchError::Numerical {
            what: format!("the outcome regression in one group has {m} units for {q} coefficients"),
            hint: "AIPW needs more units per group than covariates; use --method ipw".into(),
        });
    }
    let xm = Mat::from_fn(m, q, |r, c| z[c][rows[r]]);
    let yv = Mat::from_fn(m, 1, |r, _| y[rows[r]]);
    let sol = xm.col_piv_qr().solve_lstsq(&yv);
    let beta: Vec<f64> = (0..q).map(|c| sol[(c, 0)]).collect();
    if beta.iter().any(|b| !b.is_finite()) {
        return Err(MatchError::Numerical {
            what: "the outcome regression of AIPW is singular in one treatment group".into(),
            hint:
                "a covariate is constant or collinear within a group; drop it or use --method ipw"
                    .into(),
        });
    }
    Ok(beta)
}

/// AIPW (ATE) with the M-estimation standard error. `x`: propensity design, `z`: outcome design
/// (here the same columns).
pub(crate) fn aipw(
    x: &[&[f64]],
    z: &[&[f64]],
    ps: &[f64],
    y: &[f64],
    treat: &[bool],
    keep: &[bool],
) -> Result<Weighted, MatchError> {
    let n = y.len();
    let p = x.len();
    let q = z.len();
    let rows1: Vec<usize> = (0..n).filter(|&i| keep[i] && treat[i]).collect();
    let rows0: Vec<usize> = (0..n).filter(|&i| keep[i] && !treat[i]).collect();
    let g1 = ls(z, y, &rows1)?;
    let g0 = ls(z, y, &rows0)?;
    let pred = |g: &[f64], i: usize| z.iter().zip(g).map(|(c, b)| c[i] * b).sum::<f64>();
    let kept: Vec<usize> = (0..n).filter(|&i| keep[i]).collect();
    let nk = kept.len() as f64;
    let (mut s1, mut s0) = (0.0, 0.0);
    for &i in &kept {
        let (m1, m0) = (pred(&g1, i), pred(&g0, i));
        let e = ps[i];
        if treat[i] {
            s1 += m1 + (y[i] - m1) / e;
            s0 += m0;
        } else {
            s1 += m1;
            s0 += m0 + (y[i] - m0) / (1.0 - e);
        }
    }
    let (mu1, mu0) = (s1 / nk, s0 / nk);
    // θ = (β [p], γ1 [q], γ0 [q], μ1, μ0); ψ_β over all units (the PS was fitted on all)
    let k = p + 2 * q + 2;
    let (o1, o0, om1, om0) = (p, p + q, p + 2 * q, p + 2 * q + 1);
    let mut a = Mat::<f64>::zeros(k, k);
    let mut psi = Vec::with_capacity(n);
    for i in 0..n {
        let e = ps[i];
        let t = treat[i];
        let tf = f64::from(u8::from(t));
        let mut row = vec![0.0; k];
        for j in 0..p {
            row[j] = x[j][i] * (tf - e);
        }
        let v = e * (1.0 - e);
        for a_ in 0..p {
            for b_ in 0..p {
                a[(a_, b_)] += v * x[a_][i] * x[b_][i];
            }
        }
        if keep[i] {
            let (m1, m0) = (pred(&g1, i), pred(&g0, i));
            let (r1, r0) = (y[i] - m1, y[i] - m0);
            if t {
                for j in 0..q {
                    row[o1 + j] = z[j][i] * r1;
                    for l in 0..q {
                        a[(o1 + j, o1 + l)] += z[j][i] * z[l][i];
                    }
                }
            } else {
                for j in 0..q {
                    row[o0 + j] = z[j][i] * r0;
                    for l in 0..q {
                        a[(o0 + j, o0 + l)] += z[j][i] * z[l][i];
                    }
                }
            }
            let f1 = m1 + if t { r1 / e } else { 0.0 };
            let f0 = m0 + if t { 0.0 } else { r0 / (1.0 - e) };
            row[om1] = f1 - mu1;
            row[om0] = f0 - mu0;
            // derivatives of ψ_μ1, ψ_μ0 (A = −mean ∂ψ/∂θ')
            for b_ in 0..p {
                let d1 = if t { -r1 * (1.0 - e) / e } else { 0.0 };
                let d0 = if t { 0.0 } else { r0 * e / (1.0 - e) };
                a[(om1, b_)] -= d1 * x[b_][i];
                a[(om0, b_)] -= d0 * x[b_][i];
            }
            for j in 0..q {
                a[(om1, o1 + j)] -= z[j][i] * (1.0 - tf / e);
                a[(om0, o0 + j)] -= z[j][i] * (1.0 - (1.0 - tf) / (1.0 - e));
            }
            a[(om1, om1)] += 1.0;
            a[(om0, om0)] += 1.0;
        }
        psi.push(row);
    }
    let nf = n as f64;
    for i in 0..k {
        for j in 0..k {
            a[(i, j)] /= nf;
        }
    }
    let v = sandwich(&psi, &a, n)?;
    let var = v[(om1, om1)] + v[(om0, om0)] - 2.0 * v[(om1, om0)];
    Ok(Weighted {
        mu1,
        mu0,
        se: var.max(0.0).sqrt(),
    })
}
