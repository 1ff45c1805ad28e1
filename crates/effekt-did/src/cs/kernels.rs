//! The 2×2 DiD estimators behind every ATT(g,t), with their influence functions, exactly as
//! Sant'Anna & Zhao's (2020) `DRDID` package defines them and R `did` / csdid call them:
//!
//! | estimator | panel (Δy = y_t − y_base per unit) | repeated cross-sections (rows) |
//! |---|---|---|
//! | outcome regression | `reg_did_panel` | `reg_did_rc` |
//! | normalised IPW | `std_ipw_did_panel` | `std_ipw_did_rc` |
//! | doubly robust | `drdid_panel` (locally efficient) | `drdid_rc` (locally efficient) |
//!
//! Conventions shared by all six (DRDID ≥ 1.0): weights are normalised to mean 1 within the
//! cell; the propensity score is a logistic regression of the treated indicator on the design
//! (intercept + covariates) with those weights, capped at 1 − 10⁻⁶; controls with a score of
//! 0.995 or more get weight 0 (trimming); the outcome regressions are weighted least squares on
//! the controls (and, for `drdid_rc`, also on the treated), per period for cross-sections. The
//! returned influence function ψ has one value per observation of the cell, on the scale where
//! `ATT̂ − ATT ≈ mean(ψ)`.
//!
//! Nuisance fits use effekt-models: [`logit()`] (R's `glm` IRLS) and [`ols()`]; an
//! intercept-only model uses its closed form instead (the weighted share treated and the
//! weighted mean — the exact maximum-likelihood / least-squares solutions), which is also what
//! keeps the covariate-free estimator fast.

use effekt_models::{
    DesignColumn, DesignMatrix, INTERCEPT, LogitOptions, ModelError, OlsOptions, VarianceEstimator,
    logit, ols,
};
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::cholesky::llt;
use faer::{Mat, MatRef, Par};

/// Propensity scores are capped at 1 − 10⁻⁶ (DRDID).
const PS_CAP: f64 = 1.0 - 1e-6;
/// Controls with a propensity score at or above this get weight 0 (DRDID `trim.level`).
const TRIM_LEVEL: f64 = 0.995;
/// `did` stops a cell whose propensity score reaches this (overlap violated).
pub(crate) const OVERLAP_MAX: f64 = 0.999;

/// Which 2×2 estimator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Or,
    Ipw,
    Dr,
}

/// Why a 2×2 estimate failed (the caller adds cohort and period).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum KernelError {
    /// A nuisance model is not identified (collinear covariates, too few observations).
    Singular { what: String, detail: String },
    /// The propensity score reaches [`OVERLAP_MAX`].
    Overlap { max_pscore: f64 },
    /// A nuisance model failed otherwise.
    Model { what: String, source: ModelError },
}

/// The covariate design of a cell: column 0 is the intercept, then the covariates.
pub(crate) struct Design<'a> {
    pub x: MatRef<'a, f64>,
    pub names: &'a [String],
}

impl Design<'_> {
    fn nrows(&self) -> usize {
        self.x.nrows()
    }
    fn ncols(&self) -> usize {
        self.x.ncols()
    }
    fn intercept_only(&self) -> bool {
        self.x.ncols() == 1
    }
    /// x_i · v
    #[inline]
    fn dot_row(&self, i: usize, v: &[f64]) -> f64 {
        v.iter()
            .enumerate()
            .map(|(j, vj)| self.x[(i, j)] * vj)
            .sum()
    }
    /// mean_i(a_i x_i), a p-vector.
    fn weighted_col_means(&self, a: &[f64]) -> Vec<f64> {
        let n = self.nrows() as f64;
        (0..self.ncols())
            .map(|j| {
                let col = self.x.col(j);
                a.iter()
                    .zip(col.iter())
                    .map(|(ai, xi)| ai * xi)
                    .sum::<f64>()
                    / n
            })
            .collect()
    }
    /// Σ_i a_i x_i x_i' / n (p × p).
    fn weighted_gram(&self, a: &[f64]) -> Mat<f64> {
        let p = self.ncols();
        let n = self.nrows() as f64;
        let mut g = Mat::<f64>::zeros(p, p);
        for j in 0..p {
            for k in 0..=j {
                let cj = self.x.col(j);
                let ck = self.x.col(k);
                let s: f64 = (0..self.nrows()).map(|i| a[i] * cj[i] * ck[i]).sum::<f64>() / n;
                g[(j, k)] = s;
                g[(k, j)] = s;
            }
        }
        g
    }
    /// The design restricted to `rows` as effekt-models columns.
    fn to_design_matrix(&self, rows: Option<&[usize]>) -> Result<DesignMatrix, ModelError> {
        let cols = (0..self.ncols())
            .map(|j| {
                let col = self.x.col(j);
                let values: Vec<f64> = match rows {
                    Some(r) => r.iter().map(|&i| col[i]).collect(),
                    None => col.iter().copied().collect(),
                };
                if j == 0 {
                    DesignColumn {
                        name: INTERCEPT.to_string(),
                        values,
                        origin: effekt_models::ColumnOrigin::Intercept,
                    }
                } else {
                    DesignColumn::raw(
                        self.names
                            .get(j)
                            .cloned()
                            .unwrap_or_else(|| format!("x{j}")),
                        values,
                    )
                }
            })
            .collect();
        DesignMatrix::from_columns(cols)
    }
}

/// Solve `A v = b` for a symmetric positive definite `A` (Cholesky, sequential so results do not
/// depend on the thread count). `None` when `A` is not numerically positive definite
/// (the `rcond(A) < eps` check of DRDID).
pub(crate) fn spd_solve(a: &Mat<f64>, b: &[f64]) -> Option<Vec<f64>> {
    let p = a.nrows();
    if p == 0 || a.ncols() != p || b.len() != p {
        return None;
    }
    let mut l = a.clone();
    let par = Par::Seq;
    let mut mem = MemBuffer::new(llt::factor::cholesky_in_place_scratch::<f64>(
        p,
        par,
        Default::default(),
    ));
    llt::factor::cholesky_in_place(
        l.as_mut(),
        Default::default(),
        par,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .ok()?;
    // Reciprocal condition number estimate from the Cholesky diagonal: (min l_ii / max l_ii)².
    let diag: Vec<f64> = (0..p).map(|i| l[(i, i)]).collect();
    let (lo, hi) = diag.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &d| {
        (lo.min(d), hi.max(d))
    });
    if !(lo > 0.0) || !((lo / hi).powi(2) > f64::EPSILON) {
        return None;
    }
    let mut rhs = Mat::from_fn(p, 1, |i, _| b[i]);
    let mut mem2 = MemBuffer::new(llt::solve::solve_in_place_scratch::<f64>(p, 1, par));
    llt::solve::solve_in_place(l.as_ref(), rhs.as_mut(), par, MemStack::new(&mut mem2));
    let out: Vec<f64> = (0..p).map(|i| rhs[(i, 0)]).collect();
    out.iter().all(|v| v.is_finite()).then_some(out)
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.iter().sum::<f64>() / v.len() as f64
}

/// Weights normalised to mean 1 within the cell.
fn normalise(w: &[f64]) -> Vec<f64> {
    let m = mean(w);
    w.iter().map(|x| x / m).collect()
}

/// Propensity score P(D = 1 | x) by weighted logistic regression, capped at 1 − 10⁻⁶.
fn pscore(x: &Design<'_>, d: &[bool], iw: &[f64]) -> Result<Vec<f64>, KernelError> {
    let n = x.nrows();
    let ps: Vec<f64> = if x.intercept_only() {
        let num: f64 = d
            .iter()
            .zip(iw)
            .map(|(&di, w)| if di { *w } else { 0.0 })
            .sum();
        let den: f64 = iw.iter().sum();
        vec![num / den; n]
    } else {
        let design = x
            .to_design_matrix(None)
            .map_err(|source| KernelError::Model {
                what: "propensity-score design".into(),
                source,
            })?;
        let y: Vec<f64> = d.iter().map(|&di| f64::from(u8::from(di))).collect();
        let fit = logit(&design, &y, Some(iw), &LogitOptions::default()).map_err(|source| {
            KernelError::Model {
                what: "propensity score (logistic regression of the cohort indicator)".into(),
                source,
            }
        })?;
        if let Some(dr) = fit.dropped.first() {
            return Err(KernelError::Singular {
                what: "the propensity score".into(),
                detail: dr.note().to_string(),
            });
        }
        fit.fitted
    };
    let max = ps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !(max < OVERLAP_MAX) {
        return Err(KernelError::Overlap { max_pscore: max });
    }
    Ok(ps.into_iter().map(|p| p.min(PS_CAP)).collect())
}

/// Weighted least squares of `y` on the design over the rows in `mask`; the fitted values
/// `x β` for every row.
fn outcome_regression(
    x: &Design<'_>,
    y: &[f64],
    iw: &[f64],
    mask: &[bool],
    what: &str,
) -> Result<Vec<f64>, KernelError> {
    let n = x.nrows();
    let rows: Vec<usize> = (0..n).filter(|&i| mask[i]).collect();
    if rows.is_empty() {
        return Err(KernelError::Singular {
            what: what.into(),
            detail: "no observations".into(),
        });
    }
    let beta: Vec<f64> = if x.intercept_only() {
        let (mut s, mut sw) = (0.0, 0.0);
        for &i in &rows {
            s += iw[i] * y[i];
            sw += iw[i];
        }
        if !(sw > 0.0) {
            return Err(KernelError::Singular {
                what: what.into(),
                detail: "all weights are zero".into(),
            });
        }
        vec![s / sw]
    } else {
        if rows.len() <= x.ncols() {
            return Err(KernelError::Singular {
                what: what.into(),
                detail: format!(
                    "{} observation(s) for {} coefficients",
                    rows.len(),
                    x.ncols()
                ),
            });
        }
        let design = x
            .to_design_matrix(Some(&rows))
            .map_err(|source| KernelError::Model {
                what: what.into(),
                source,
            })?;
        let yy: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let ww: Vec<f64> = rows.iter().map(|&i| iw[i]).collect();
        let fit = ols(
            &design,
            &yy,
            &OlsOptions {
                weights: Some(&ww),
                vcov: Some(VarianceEstimator::Classical),
                ..Default::default()
            },
        )
        .map_err(|source| match source {
            ModelError::TooFewObservations { n, rank } => KernelError::Singular {
                what: what.into(),
                detail: format!("{n} observation(s) for {rank} coefficients"),
            },
            source => KernelError::Model {
                what: what.into(),
                source,
            },
        })?;
        if let Some(dr) = fit.dropped().first() {
            return Err(KernelError::Singular {
                what: what.into(),
                detail: dr.note().to_string(),
            });
        }
        fit.coefficients().to_vec()
    };
    Ok((0..n).map(|i| x.dot_row(i, &beta)).collect())
}

/// `v = (Σ a_i x_i x_i'/n)^{-1} m`: turns a moment vector into the coefficient direction of an
/// influence-function correction.
fn gram_solve(x: &Design<'_>, a: &[f64], m: &[f64], what: &str) -> Result<Vec<f64>, KernelError> {
    spd_solve(&x.weighted_gram(a), m).ok_or_else(|| KernelError::Singular {
        what: what.into(),
        detail: "the weighted covariate matrix is singular or numerically ill-conditioned".into(),
    })
}

/// Influence-function term of an estimated WLS coefficient: for every row,
/// `a_i e_i x_i' (X'AX/n)^{-1} m` with `a` the regression weights (zero outside its sample).
fn ols_correction(
    x: &Design<'_>,
    a: &[f64],
    resid: &[f64],
    m: &[f64],
    what: &str,
) -> Result<Vec<f64>, KernelError> {
    let v = gram_solve(x, a, m, what)?;
    Ok((0..x.nrows())
        .map(|i| {
            if a[i] == 0.0 {
                0.0
            } else {
                a[i] * resid[i] * x.dot_row(i, &v)
            }
        })
        .collect())
}

/// Influence-function term of the estimated propensity score: for every row,
/// `iw_i (D_i − p_i) x_i' H m` with `H = (Σ iw p (1 − p) x x' / n)^{-1}` (DRDID's
/// `Hessian.ps = vcov(glm) · n`, evaluated at the capped scores).
fn pscore_correction(
    x: &Design<'_>,
    d: &[bool],
    iw: &[f64],
    ps: &[f64],
    m: &[f64],
) -> Result<Vec<f64>, KernelError> {
    let a: Vec<f64> = iw.iter().zip(ps).map(|(w, p)| w * p * (1.0 - p)).collect();
    let v = gram_solve(x, &a, m, "the propensity score")?;
    Ok((0..x.nrows())
        .map(|i| {
            let di = f64::from(u8::from(d[i]));
            iw[i] * (di - ps[i]) * x.dot_row(i, &v)
        })
        .collect())
}

/// Treated and (trimmed, odds-weighted) control weights of the IPW/DR estimators.
fn ipw_weights(d: &[bool], iw: &[f64], ps: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let w_treat = d
        .iter()
        .zip(iw)
        .map(|(&di, w)| if di { *w } else { 0.0 })
        .collect();
    let w_cont = d
        .iter()
        .zip(iw)
        .zip(ps)
        .map(|((&di, w), p)| {
            if di || !(*p < TRIM_LEVEL) {
                0.0
            } else {
                w * p / (1.0 - p)
            }
        })
        .collect();
    (w_treat, w_cont)
}

/// Panel 2×2: `dy = y_t − y_base` per unit, `d` = member of cohort g, `w` raw weights.
/// Returns (ATT, ψ).
pub(crate) fn panel(
    kind: Kind,
    dy: &[f64],
    d: &[bool],
    w: &[f64],
    x: &Design<'_>,
) -> Result<(f64, Vec<f64>), KernelError> {
    let n = dy.len();
    let iw = normalise(w);
    let control: Vec<bool> = d.iter().map(|&di| !di).collect();
    match kind {
        Kind::Or => {
            let out = outcome_regression(x, dy, &iw, &control, "the outcome regression")?;
            let w_treat: Vec<f64> = (0..n).map(|i| if d[i] { iw[i] } else { 0.0 }).collect();
            let mwt = mean(&w_treat);
            let eta_treat = (0..n).map(|i| w_treat[i] * dy[i]).sum::<f64>() / n as f64 / mwt;
            let eta_cont = (0..n).map(|i| w_treat[i] * out[i]).sum::<f64>() / n as f64 / mwt;
            let att = eta_treat - eta_cont;
            let w_ols: Vec<f64> = (0..n).map(|i| if d[i] { 0.0 } else { iw[i] }).collect();
            let resid: Vec<f64> = (0..n).map(|i| dy[i] - out[i]).collect();
            let m1 = x.weighted_col_means(&w_treat);
            let corr = ols_correction(x, &w_ols, &resid, &m1, "the outcome regression")?;
            let psi = (0..n)
                .map(|i| {
                    let inf_treat = (w_treat[i] * dy[i] - w_treat[i] * eta_treat) / mwt;
                    let inf_cont = (w_treat[i] * out[i] - w_treat[i] * eta_cont + corr[i]) / mwt;
                    inf_treat - inf_cont
                })
                .collect();
            Ok((att, psi))
        }
        Kind::Ipw => {
            let ps = pscore(x, d, &iw)?;
            let (w_treat, w_cont) = ipw_weights(d, &iw, &ps);
            let (mwt, mwc) = (mean(&w_treat), mean(&w_cont));
            let eta_treat = (0..n).map(|i| w_treat[i] * dy[i]).sum::<f64>() / n as f64 / mwt;
            let eta_cont = (0..n).map(|i| w_cont[i] * dy[i]).sum::<f64>() / n as f64 / mwc;
            let att = eta_treat - eta_cont;
            let pre_m2: Vec<f64> = (0..n).map(|i| w_cont[i] * (dy[i] - eta_cont)).collect();
            let m2 = x.weighted_col_means(&pre_m2);
            let corr = pscore_correction(x, d, &iw, &ps, &m2)?;
            let psi = (0..n)
                .map(|i| {
                    let inf_treat = (w_treat[i] * dy[i] - w_treat[i] * eta_treat) / mwt;
                    let inf_cont = (w_cont[i] * dy[i] - w_cont[i] * eta_cont + corr[i]) / mwc;
                    inf_treat - inf_cont
                })
                .collect();
            Ok((att, psi))
        }
        Kind::Dr => {
            let ps = pscore(x, d, &iw)?;
            let out = outcome_regression(x, dy, &iw, &control, "the outcome regression")?;
            let (w_treat, w_cont) = ipw_weights(d, &iw, &ps);
            let (mwt, mwc) = (mean(&w_treat), mean(&w_cont));
            let resid: Vec<f64> = (0..n).map(|i| dy[i] - out[i]).collect();
            let eta_treat = (0..n).map(|i| w_treat[i] * resid[i]).sum::<f64>() / n as f64 / mwt;
            let eta_cont = (0..n).map(|i| w_cont[i] * resid[i]).sum::<f64>() / n as f64 / mwc;
            let att = eta_treat - eta_cont;
            let w_ols: Vec<f64> = (0..n).map(|i| if d[i] { 0.0 } else { iw[i] }).collect();
            // Estimation effect of β on the treated part (M1) and on the control part (M3) act
            // through the same OLS influence function, so combine their moments.
            let m1 = x.weighted_col_means(&w_treat);
            let m3 = x.weighted_col_means(&w_cont);
            let m13: Vec<f64> = m1.iter().zip(&m3).map(|(a, b)| a / mwt - b / mwc).collect();
            let corr_ols = ols_correction(x, &w_ols, &resid, &m13, "the outcome regression")?;
            let pre_m2: Vec<f64> = (0..n).map(|i| w_cont[i] * (resid[i] - eta_cont)).collect();
            let m2 = x.weighted_col_means(&pre_m2);
            let corr_ps = pscore_correction(x, d, &iw, &ps, &m2)?;
            let psi = (0..n)
                .map(|i| {
                    let inf_treat_1 = w_treat[i] * resid[i] - w_treat[i] * eta_treat;
                    let inf_cont_1 = w_cont[i] * resid[i] - w_cont[i] * eta_cont;
                    inf_treat_1 / mwt - (inf_cont_1 + corr_ps[i]) / mwc - corr_ols[i]
                })
                .collect();
            Ok((att, psi))
        }
    }
}

/// Sum of `a_i b_i` over the rows divided by the number of rows.
fn mean_prod(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>() / a.len() as f64
}

/// Repeated cross-section 2×2 on the rows of periods t (`post`) and base: `d` = member of
/// cohort g. Returns (ATT, ψ) with one ψ per row.
pub(crate) fn cross_section(
    kind: Kind,
    y: &[f64],
    post: &[bool],
    d: &[bool],
    w: &[f64],
    x: &Design<'_>,
) -> Result<(f64, Vec<f64>), KernelError> {
    let n = y.len();
    let iw = normalise(w);
    let pf: Vec<f64> = post.iter().map(|&p| f64::from(u8::from(p))).collect();
    let df: Vec<f64> = d.iter().map(|&v| f64::from(u8::from(v))).collect();
    let mask = |treated: bool, is_post: bool| -> Vec<bool> {
        (0..n)
            .map(|i| d[i] == treated && post[i] == is_post)
            .collect()
    };
    let masked_w =
        |m: &[bool]| -> Vec<f64> { (0..n).map(|i| if m[i] { iw[i] } else { 0.0 }).collect() };
    match kind {
        Kind::Or => {
            let (m_pre, m_post) = (mask(false, false), mask(false, true));
            let out_pre = outcome_regression(
                x,
                y,
                &iw,
                &m_pre,
                "the control outcome regression (base period)",
            )?;
            let out_post = outcome_regression(
                x,
                y,
                &iw,
                &m_post,
                "the control outcome regression (period t)",
            )?;
            let w_treat_pre: Vec<f64> = (0..n).map(|i| iw[i] * df[i] * (1.0 - pf[i])).collect();
            let w_treat_post: Vec<f64> = (0..n).map(|i| iw[i] * df[i] * pf[i]).collect();
            let w_treat: Vec<f64> = (0..n).map(|i| iw[i] * df[i]).collect();
            let (mtpre, mtpost, mt) = (mean(&w_treat_pre), mean(&w_treat_post), mean(&w_treat));
            let reg_cont: Vec<f64> = (0..n)
                .map(|i| w_treat[i] * (out_post[i] - out_pre[i]))
                .collect();
            let eta_treat_pre = mean_prod(&w_treat_pre, y) / mtpre;
            let eta_treat_post = mean_prod(&w_treat_post, y) / mtpost;
            let eta_cont = mean(&reg_cont) / mt;
            let att = eta_treat_post - eta_treat_pre - eta_cont;
            let moment = x.weighted_col_means(&w_treat);
            let r_pre: Vec<f64> = (0..n).map(|i| y[i] - out_pre[i]).collect();
            let r_post: Vec<f64> = (0..n).map(|i| y[i] - out_post[i]).collect();
            let c_pre = ols_correction(
                x,
                &masked_w(&m_pre),
                &r_pre,
                &moment,
                "the control outcome regression (base period)",
            )?;
            let c_post = ols_correction(
                x,
                &masked_w(&m_post),
                &r_post,
                &moment,
                "the control outcome regression (period t)",
            )?;
            let psi = (0..n)
                .map(|i| {
                    let inf_treat_pre =
                        (w_treat_pre[i] * y[i] - w_treat_pre[i] * eta_treat_pre) / mtpre;
                    let inf_treat_post =
                        (w_treat_post[i] * y[i] - w_treat_post[i] * eta_treat_post) / mtpost;
                    let inf_control =
                        (reg_cont[i] - w_treat[i] * eta_cont + c_post[i] - c_pre[i]) / mt;
                    inf_treat_post - inf_treat_pre - inf_control
                })
                .collect();
            Ok((att, psi))
        }
        Kind::Ipw => {
            let ps = pscore(x, d, &iw)?;
            let trim: Vec<f64> = (0..n)
                .map(|i| if d[i] || ps[i] < TRIM_LEVEL { 1.0 } else { 0.0 })
                .collect();
            let odds: Vec<f64> = ps.iter().map(|p| p / (1.0 - p)).collect();
            let w_tpre: Vec<f64> = (0..n)
                .map(|i| trim[i] * iw[i] * df[i] * (1.0 - pf[i]))
                .collect();
            let w_tpost: Vec<f64> = (0..n).map(|i| trim[i] * iw[i] * df[i] * pf[i]).collect();
            let w_cpre: Vec<f64> = (0..n)
                .map(|i| trim[i] * iw[i] * odds[i] * (1.0 - df[i]) * (1.0 - pf[i]))
                .collect();
            let w_cpost: Vec<f64> = (0..n)
                .map(|i| trim[i] * iw[i] * odds[i] * (1.0 - df[i]) * pf[i])
                .collect();
            let (m_tpre, m_tpost, m_cpre, m_cpost) =
                (mean(&w_tpre), mean(&w_tpost), mean(&w_cpre), mean(&w_cpost));
            let att_tpre = mean_prod(&w_tpre, y) / m_tpre;
            let att_tpost = mean_prod(&w_tpost, y) / m_tpost;
            let att_cpre = mean_prod(&w_cpre, y) / m_cpre;
            let att_cpost = mean_prod(&w_cpost, y) / m_cpost;
            let att = (att_tpost - att_tpre) - (att_cpost - att_cpre);
            let a_pre: Vec<f64> = (0..n).map(|i| w_cpre[i] * (y[i] - att_cpre)).collect();
            let a_post: Vec<f64> = (0..n).map(|i| w_cpost[i] * (y[i] - att_cpost)).collect();
            let m2_pre = x.weighted_col_means(&a_pre);
            let m2_post = x.weighted_col_means(&a_post);
            let m2: Vec<f64> = m2_post
                .iter()
                .zip(&m2_pre)
                .map(|(a, b)| a / m_cpost - b / m_cpre)
                .collect();
            let corr_ps = pscore_correction(x, d, &iw, &ps, &m2)?;
            let psi = (0..n)
                .map(|i| {
                    let inf_tpre = (w_tpre[i] * y[i] - w_tpre[i] * att_tpre) / m_tpre;
                    let inf_tpost = (w_tpost[i] * y[i] - w_tpost[i] * att_tpost) / m_tpost;
                    let inf_cpre = (w_cpre[i] * y[i] - w_cpre[i] * att_cpre) / m_cpre;
                    let inf_cpost = (w_cpost[i] * y[i] - w_cpost[i] * att_cpost) / m_cpost;
                    (inf_tpost - inf_tpre) - (inf_cpost - inf_cpre + corr_ps[i])
                })
                .collect();
            Ok((att, psi))
        }
        Kind::Dr => dr_cross_section(y, &pf, &df, d, post, &iw, x),
    }
}

/// `drdid_rc`: the locally efficient doubly robust estimator for repeated cross-sections
/// (Sant'Anna & Zhao 2020, eq. 3.4), with its influence function.
#[allow(clippy::too_many_lines)]
fn dr_cross_section(
    y: &[f64],
    pf: &[f64],
    df: &[f64],
    d: &[bool],
    post: &[bool],
    iw: &[f64],
    x: &Design<'_>,
) -> Result<(f64, Vec<f64>), KernelError> {
    let n = y.len();
    let ps = pscore(x, d, iw)?;
    let mask = |treated: bool, is_post: bool| -> Vec<bool> {
        (0..n)
            .map(|i| d[i] == treated && post[i] == is_post)
            .collect()
    };
    let (mc_pre, mc_post, mt_pre, mt_post) = (
        mask(false, false),
        mask(false, true),
        mask(true, false),
        mask(true, true),
    );
    let oc_pre = outcome_regression(
        x,
        y,
        iw,
        &mc_pre,
        "the control outcome regression (base period)",
    )?;
    let oc_post = outcome_regression(
        x,
        y,
        iw,
        &mc_post,
        "the control outcome regression (period t)",
    )?;
    let ot_pre = outcome_regression(
        x,
        y,
        iw,
        &mt_pre,
        "the treated outcome regression (base period)",
    )?;
    let ot_post = outcome_regression(
        x,
        y,
        iw,
        &mt_post,
        "the treated outcome regression (period t)",
    )?;
    let oc: Vec<f64> = (0..n)
        .map(|i| pf[i] * oc_post[i] + (1.0 - pf[i]) * oc_pre[i])
        .collect();
    let trim: Vec<f64> = (0..n)
        .map(|i| if d[i] || ps[i] < TRIM_LEVEL { 1.0 } else { 0.0 })
        .collect();
    let odds: Vec<f64> = ps.iter().map(|p| p / (1.0 - p)).collect();
    let v = |f: &dyn Fn(usize) -> f64| -> Vec<f64> { (0..n).map(f).collect() };
    let w_tpre = v(&|i| trim[i] * iw[i] * df[i] * (1.0 - pf[i]));
    let w_tpost = v(&|i| trim[i] * iw[i] * df[i] * pf[i]);
    let w_cpre = v(&|i| trim[i] * iw[i] * odds[i] * (1.0 - df[i]) * (1.0 - pf[i]));
    let w_cpost = v(&|i| trim[i] * iw[i] * odds[i] * (1.0 - df[i]) * pf[i]);
    let w_d = v(&|i| trim[i] * iw[i] * df[i]);
    let w_dt1 = w_tpost.clone();
    let w_dt0 = w_tpre.clone();
    let (m_tpre, m_tpost, m_cpre, m_cpost, m_d, m_dt1, m_dt0) = (
        mean(&w_tpre),
        mean(&w_tpost),
        mean(&w_cpre),
        mean(&w_cpost),
        mean(&w_d),
        mean(&w_dt1),
        mean(&w_dt0),
    );
    let r = v(&|i| y[i] - oc[i]);
    let eta_tpre = v(&|i| w_tpre[i] * r[i] / m_tpre);
    let eta_tpost = v(&|i| w_tpost[i] * r[i] / m_tpost);
    let eta_cpre = v(&|i| w_cpre[i] * r[i] / m_cpre);
    let eta_cpost = v(&|i| w_cpost[i] * r[i] / m_cpost);
    let eta_d_post = v(&|i| w_d[i] * (ot_post[i] - oc_post[i]) / m_d);
    let eta_dt1_post = v(&|i| w_dt1[i] * (ot_post[i] - oc_post[i]) / m_dt1);
    let eta_d_pre = v(&|i| w_d[i] * (ot_pre[i] - oc_pre[i]) / m_d);
    let eta_dt0_pre = v(&|i| w_dt0[i] * (ot_pre[i] - oc_pre[i]) / m_dt0);
    let (a_tpre, a_tpost, a_cpre, a_cpost) = (
        mean(&eta_tpre),
        mean(&eta_tpost),
        mean(&eta_cpre),
        mean(&eta_cpost),
    );
    let (a_d_post, a_dt1_post, a_d_pre, a_dt0_pre) = (
        mean(&eta_d_post),
        mean(&eta_dt1_post),
        mean(&eta_d_pre),
        mean(&eta_dt0_pre),
    );
    let att =
        (a_tpost - a_tpre) - (a_cpost - a_cpre) + (a_d_post - a_dt1_post) - (a_d_pre - a_dt0_pre);

    // Outcome-regression estimation effects. Each control/treated OLS enters through one
    // moment vector; the corrections are linear in it, so moments of the same regression are
    // summed before solving.
    let m1_post: Vec<f64> = x
        .weighted_col_means(&v(&|i| w_tpost[i] * pf[i]))
        .iter()
        .map(|m| -m / m_tpost)
        .collect();
    let m1_pre: Vec<f64> = x
        .weighted_col_means(&v(&|i| w_tpre[i] * (1.0 - pf[i])))
        .iter()
        .map(|m| -m / m_tpre)
        .collect();
    let m3_post: Vec<f64> = x
        .weighted_col_means(&v(&|i| w_cpost[i] * pf[i]))
        .iter()
        .map(|m| -m / m_cpost)
        .collect();
    let m3_pre: Vec<f64> = x
        .weighted_col_means(&v(&|i| w_cpre[i] * (1.0 - pf[i])))
        .iter()
        .map(|m| -m / m_cpre)
        .collect();
    let mom_post = x.weighted_col_means(&v(&|i| w_d[i] / m_d - w_dt1[i] / m_dt1));
    let mom_pre = x.weighted_col_means(&v(&|i| w_d[i] / m_d - w_dt0[i] / m_dt0));
    // inf_treat_or = L_cpost·m1_post − L_cpre·m1_pre; inf_cont_or = L_cpost·m3_post − L_cpre·m3_pre;
    // inf_or = (L_tpost − L_cpost)·mom_post − (L_tpre − L_cpre)·mom_pre.
    // ψ gets + inf_treat_or − inf_cont_or + inf_or, so per regression:
    //   L_cpost · (m1_post − m3_post − mom_post)
    //   L_cpre  · (−m1_pre + m3_pre + mom_pre)
    //   L_tpost · mom_post,  L_tpre · (−mom_pre)
    let sub3 = |a: &[f64], b: &[f64], c: &[f64], s: [f64; 3]| -> Vec<f64> {
        (0..a.len())
            .map(|j| s[0] * a[j] + s[1] * b[j] + s[2] * c[j])
            .collect()
    };
    let g_cpost = sub3(&m1_post, &m3_post, &mom_post, [1.0, -1.0, -1.0]);
    let g_cpre = sub3(&m1_pre, &m3_pre, &mom_pre, [-1.0, 1.0, 1.0]);
    let neg_mom_pre: Vec<f64> = mom_pre.iter().map(|m| -m).collect();
    let wm = |m: &[bool]| -> Vec<f64> { (0..n).map(|i| if m[i] { iw[i] } else { 0.0 }).collect() };
    let res = |o: &[f64]| -> Vec<f64> { (0..n).map(|i| y[i] - o[i]).collect() };
    let c_cpost = ols_correction(
        x,
        &wm(&mc_post),
        &res(&oc_post),
        &g_cpost,
        "the control outcome regression (period t)",
    )?;
    let c_cpre = ols_correction(
        x,
        &wm(&mc_pre),
        &res(&oc_pre),
        &g_cpre,
        "the control outcome regression (base period)",
    )?;
    let c_tpost = ols_correction(
        x,
        &wm(&mt_post),
        &res(&ot_post),
        &mom_post,
        "the treated outcome regression (period t)",
    )?;
    let c_tpre = ols_correction(
        x,
        &wm(&mt_pre),
        &res(&ot_pre),
        &neg_mom_pre,
        "the treated outcome regression (base period)",
    )?;

    // Propensity-score estimation effect.
    let m2_pre = x.weighted_col_means(&v(&|i| w_cpre[i] * (y[i] - oc[i] - a_cpre)));
    let m2_post = x.weighted_col_means(&v(&|i| w_cpost[i] * (y[i] - oc[i] - a_cpost)));
    let m2: Vec<f64> = m2_post
        .iter()
        .zip(&m2_pre)
        .map(|(a, b)| a / m_cpost - b / m_cpre)
        .collect();
    let c_ps = pscore_correction(x, d, iw, &ps, &m2)?;

    let psi = (0..n)
        .map(|i| {
            let inf_tpre = eta_tpre[i] - w_tpre[i] * a_tpre / m_tpre;
            let inf_tpost = eta_tpost[i] - w_tpost[i] * a_tpost / m_tpost;
            let inf_cpre = eta_cpre[i] - w_cpre[i] * a_cpre / m_cpre;
            let inf_cpost = eta_cpost[i] - w_cpost[i] * a_cpost / m_cpost;
            let inf_eff1 = eta_d_post[i] - w_d[i] * a_d_post / m_d;
            let inf_eff2 = eta_dt1_post[i] - w_dt1[i] * a_dt1_post / m_dt1;
            let inf_eff3 = eta_d_pre[i] - w_d[i] * a_d_pre / m_d;
            let inf_eff4 = eta_dt0_pre[i] - w_dt0[i] * a_dt0_pre / m_dt0;
            let inf_eff = (inf_eff1 - inf_eff2) - (inf_eff3 - inf_eff4);
            (inf_tpost - inf_tpre) - (inf_cpost - inf_cpre + c_ps[i])
                + inf_eff
                + c_cpost[i]
                + c_cpre[i]
                + c_tpost[i]
                + c_tpre[i]
        })
        .collect();
    Ok((att, psi))
}
