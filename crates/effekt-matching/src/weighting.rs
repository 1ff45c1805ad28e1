//! Weighting on the same propensity-score model as the matching: inverse probability weighting
//! (IPW, Hájek-normalised) for the ATT, ATC and ATE, and augmented IPW (doubly robust) for the
//! ATE, ATT and ATC, with standard errors from the stacked estimating equations (M-estimation sandwich), so
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
//! * **AIPW for the ATT** (Sant'Anna & Zhao 2020, eq. 3.1, R DRDID's traditional doubly robust
//!   estimator with the outcome in place of its change): `ATT = Σ T (y − m_0) / Σ T −
//!   Σ w_0 (y − m_0) / Σ w_0`, `w_0 = (1−T) e/(1−e)`, with the influence-function standard error
//!   (see [`aipw_att`]); the ATC is the same with the groups swapped.
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
        let mut row = vec![0.0; k];
        add_ps_score(x, i, e, t, &mut row, &mut a);
        let (r1, r0) = if t {
            (w[i] * (y[i] - mu1), 0.0)
        } else {
            (0.0, w[i] * (y[i] - mu0))
        };
        row[p] = r1;
        row[p + 1] = r0;
        psi.push(row);
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
    Ok(Weighted {
        mu1,
        mu0,
        se: difference_se(&psi, a, n, p, p + 1)?,
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
        add_ps_score(x, i, e, t, &mut row, &mut a);
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
    Ok(Weighted {
        mu1,
        mu0,
        se: difference_se(&psi, a, n, om1, om0)?,
    })
}

/// The propensity-score part of unit `i`'s stacked estimating equations (logistic score, e =
/// fitted score, t = treated): ψ_β = x_i (t − e) into `row[..p]`, and the unit's term
/// e (1 − e) x_i x_i' of A = −Σ ∂ψ/∂θ' added to the top-left p × p block of `a`.
fn add_ps_score(x: &[&[f64]], i: usize, e: f64, t: bool, row: &mut [f64], a: &mut Mat<f64>) {
    let p = x.len();
    let tf = f64::from(u8::from(t));
    for j in 0..p {
        row[j] = x[j][i] * (tf - e);
    }
    let v = e * (1.0 - e);
    for a_ in 0..p {
        for b_ in 0..p {
            a[(a_, b_)] += v * x[a_][i] * x[b_][i];
        }
    }
}

/// Standard error of μ1 − μ0 from the stacked M-estimator: A (the summed −∂ψ/∂θ') is divided
/// by n, V = sandwich(ψ, A), and se = √max(0, V[i1,i1] + V[i0,i0] − 2 V[i1,i0]) where `i1`,
/// `i0` are the positions of μ1 and μ0 in θ.
fn difference_se(
    psi: &[Vec<f64>],
    mut a: Mat<f64>,
    n: usize,
    i1: usize,
    i0: usize,
) -> Result<f64, MatchError> {
    let k = a.nrows();
    let nf = n as f64;
    for i in 0..k {
        for j in 0..k {
            a[(i, j)] /= nf;
        }
    }
    let v = sandwich(psi, &a, n)?;
    let var = v[(i1, i1)] + v[(i0, i0)] - 2.0 * v[(i1, i0)];
    Ok(var.max(0.0).sqrt())
}

/// `(Σ_i c_i x_i x_i')⁻¹` over the rows with `c_i ≠ 0`, by faer's LU.
fn inverse_gram(x: &[&[f64]], c: &[f64], what: &str) -> Result<Mat<f64>, MatchError> {
    let p = x.len();
    let mut g = Mat::<f64>::zeros(p, p);
    for (i, &ci) in c.iter().enumerate() {
        if ci == 0.0 {
            continue;
        }
        for a in 0..p {
            let xa = ci * x[a][i];
            for b in 0..=a {
                g[(a, b)] += xa * x[b][i];
            }
        }
    }
    for a in 0..p {
        for b in 0..a {
            g[(b, a)] = g[(a, b)];
        }
    }
    let inv = g.partial_piv_lu().inverse();
    if (0..p).any(|i| (0..p).any(|j| !inv[(i, j)].is_finite())) {
        return Err(MatchError::Numerical {
            what: format!("the {what} is singular"),
            hint: "a covariate is constant or collinear (within the comparison group); drop it or use --method ipw".into(),
        });
    }
    Ok(inv)
}

/// Doubly robust (AIPW) ATT with its influence-function standard error — Sant'Anna & Zhao
/// (2020), eq. (3.1) (R `DRDID::drdid_panel`, "traditional" DR, with the outcome in place of
/// the outcome change):
///
/// `ATT = Σ w1 (y − m0(x)) / Σ w1 − Σ w0 (y − m0(x)) / Σ w0`, `w1 = T`, `w0 = e (1−T)/(1−e)`,
///
/// `e` the logistic propensity score, `m0` the OLS regression of `y` on the propensity-score
/// design among the (kept) controls. Consistent if either model is right (Robins, Rotnitzky &
/// Zhao 1994; Moodie et al. 2018). The influence function is
/// `ψ = [w1 (r − η1) − a_ols·M1]/w̄1 − [w0 (r − η0) + a_ps·M2 − a_ols·M3]/w̄0` with
/// `r = y − m0`, `η1`, `η0` the two terms above, `a_ols`, `a_ps` the asymptotically linear
/// representations of the two model fits, `M1 = mean(w1 x)`, `M2 = mean(w0 (r − η0) x)`,
/// `M3 = mean(w0 x)`; `SE = sd(ψ)/√n` (divisor `n − 1`, as DRDID). Trimmed units (`keep`
/// false) get weight 0 and are left out of the outcome regression; the propensity score was
/// fitted on all units. Returns `mu1` = the treated mean and `mu0` = the estimated
/// counterfactual `mu1 − ATT`.
///
/// # Errors
/// [`MatchError::Numerical`] when the outcome regression or the propensity-score information
/// matrix is singular, or a group has no weight.
pub(crate) fn aipw_att(
    x: &[&[f64]],
    ps: &[f64],
    y: &[f64],
    treat: &[bool],
    keep: &[bool],
) -> Result<Weighted, MatchError> {
    let n = y.len();
    let nf = n as f64;
    let p = x.len();
    let rows0: Vec<usize> = (0..n).filter(|&i| keep[i] && !treat[i]).collect();
    let g0 = ls(x, y, &rows0)?;
    let r: Vec<f64> = (0..n)
        .map(|i| y[i] - x.iter().zip(&g0).map(|(c, b)| c[i] * b).sum::<f64>())
        .collect();
    let w1: Vec<f64> = (0..n)
        .map(|i| if keep[i] && treat[i] { 1.0 } else { 0.0 })
        .collect();
    let w0: Vec<f64> = (0..n)
        .map(|i| {
            if keep[i] && !treat[i] {
                ps[i] / (1.0 - ps[i])
            } else {
                0.0
            }
        })
        .collect();
    let sum = |f: &dyn Fn(usize) -> f64| (0..n).map(f).sum::<f64>();
    let (sw1, sw0) = (sum(&|i| w1[i]), sum(&|i| w0[i]));
    if !(sw1 > 0.0 && sw0 > 0.0 && sw0.is_finite()) {
        return Err(MatchError::Numerical {
            what: "a treatment group has no weight for the doubly robust ATT".into(),
            hint: "check the trimming bounds (--trim) and the propensity scores".into(),
        });
    }
    let eta1 = sum(&|i| w1[i] * r[i]) / sw1;
    let eta0 = sum(&|i| w0[i] * r[i]) / sw0;
    let att = eta1 - eta0;
    let mu1 = sum(&|i| w1[i] * y[i]) / sw1;
    // A = (X0'X0 / n)⁻¹ over the kept controls; H = (X' diag(e(1−e)) X / n)⁻¹ over all units
    let c_ols: Vec<f64> = (0..n)
        .map(|i| if keep[i] && !treat[i] { 1.0 / nf } else { 0.0 })
        .collect();
    let c_ps: Vec<f64> = ps.iter().map(|&e| e * (1.0 - e) / nf).collect();
    let a_ols = inverse_gram(x, &c_ols, "outcome regression among the controls")?;
    let h_ps = inverse_gram(x, &c_ps, "information matrix of the propensity-score model")?;
    let colmean = |wt: &dyn Fn(usize) -> f64| -> Vec<f64> {
        (0..p)
            .map(|j| (0..n).map(|i| wt(i) * x[j][i]).sum::<f64>() / nf)
            .collect()
    };
    let m1 = colmean(&|i| w1[i]);
    let m2 = colmean(&|i| w0[i] * (r[i] - eta0));
    let m3 = colmean(&|i| w0[i]);
    let times = |m: &Mat<f64>, v: &[f64]| -> Vec<f64> {
        (0..p)
            .map(|a| (0..p).map(|b| m[(a, b)] * v[b]).sum::<f64>())
            .collect()
    };
    let (v1, v2, v3) = (times(&a_ols, &m1), times(&h_ps, &m2), times(&a_ols, &m3));
    let dot = |v: &[f64], i: usize| (0..p).map(|j| x[j][i] * v[j]).sum::<f64>();
    let (mw1, mw0) = (sw1 / nf, sw0 / nf);
    let inf: Vec<f64> = (0..n)
        .map(|i| {
            let ols = if keep[i] && !treat[i] { r[i] } else { 0.0 };
            let score = f64::from(u8::from(treat[i])) - ps[i];
            let treated = (w1[i] * (r[i] - eta1) - ols * dot(&v1, i)) / mw1;
            let control = (w0[i] * (r[i] - eta0) + score * dot(&v2, i) - ols * dot(&v3, i)) / mw0;
            treated - control
        })
        .collect();
    let mean = inf.iter().sum::<f64>() / nf;
    let var = inf.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (nf - 1.0);
    Ok(Weighted {
        mu1,
        mu0: mu1 - att,
        se: (var / nf).max(0.0).sqrt(),
    })
}

/// Doubly robust ATC: [`aipw_att`] with the roles of the groups swapped (the propensity score
/// of the controls is `1 − e`), negated. Returns `mu1` = the estimated mean of the controls
/// under treatment and `mu0` = the controls' observed mean.
///
/// # Errors
/// As [`aipw_att`].
pub(crate) fn aipw_atc(
    x: &[&[f64]],
    ps: &[f64],
    y: &[f64],
    treat: &[bool],
    keep: &[bool],
) -> Result<Weighted, MatchError> {
    let flipped: Vec<bool> = treat.iter().map(|t| !t).collect();
    let ps_c: Vec<f64> = ps.iter().map(|e| 1.0 - e).collect();
    let r = aipw_att(x, &ps_c, y, &flipped, keep)?;
    // r.mu1: observed control mean; r.mu0: their estimated mean without the control condition
    Ok(Weighted {
        mu1: r.mu0,
        mu0: r.mu1,
        se: r.se,
    })
}
