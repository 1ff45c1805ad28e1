//! The propensity-score model: logistic regression of treatment on the covariates, step for
//! step R's `glm(family = binomial)`, categorical covariates dummy-coded with R's names.
//!
//! Two routes to the same numbers. Well-behaved data (the usual case) take a streamed IRLS
//! written for long data ([`fast_logit`]: the same start, working weights, stopping rule and
//! iteration count as `glm.fit`; each weighted least-squares step by equilibrated normal
//! equations). Anything unusual — a numerically aliased column, no convergence, fitted
//! probabilities within 1e-6 of 0 or 1 (the signature of separation) — goes to
//! `effekt_models::logit`, which reproduces R's aliasing rule and certifies separation, naming
//! the covariate. The fixture tests compare the scores on lalonde with R's `glm` to 1e-9
//! (relative).

use effekt_data::Covariate;
use effekt_models::{ColumnOrigin, DesignBuilder, DesignMatrix, LogitOptions, ModelError, logit};
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::triangular_solve;
use faer::{Mat, Par};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::MatchError;

/// Summary of the fitted propensity-score model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsModel {
    /// Coefficient names (R's: `(Intercept)`, `age`, `racehispan`, …).
    pub terms: Vec<String>,
    /// Log-odds coefficients.
    pub coefficients: Vec<f64>,
    /// Model-based standard errors.
    pub std_errors: Vec<f64>,
    /// Aliased columns (no coefficient, `NA` in R).
    pub dropped: Vec<String>,
    pub iterations: usize,
    pub converged: bool,
    pub deviance: f64,
    pub null_deviance: f64,
    /// Warnings from the fit.
    pub warnings: Vec<effekt_notes::Note>,
}

/// Fitted scores in internal order.
#[derive(Debug, Clone)]
pub(crate) struct PsFit {
    pub model: PsModel,
    /// `P(T = 1 | x)`.
    pub ps: Vec<f64>,
    /// Linear predictor `x'β`.
    pub lp: Vec<f64>,
    pub design: DesignMatrix,
}

/// R's `binomial()$linkinv` (C code of `make.link("logit")`): clamps `|η| > 30`.
pub(crate) fn linkinv(eta: f64) -> f64 {
    let tmp = if eta < -30.0 {
        f64::EPSILON
    } else if eta > 30.0 {
        1.0 / f64::EPSILON
    } else {
        eta.exp()
    };
    tmp / (1.0 + tmp)
}

/// Name a design column by its covariate (and level for a dummy), for messages.
pub(crate) fn describe_column(design: &DesignMatrix, name: &str) -> String {
    match design.index_of(name).and_then(|j| design.origins().get(j)) {
        Some(ColumnOrigin::Dummy { covariate, level }) => format!("{covariate} (level {level:?})"),
        Some(ColumnOrigin::Numeric { covariate }) => covariate.clone(),
        _ => name.to_string(),
    }
}

/// Result of the fast IRLS path.
struct Fast {
    beta: Vec<f64>,
    std_errors: Vec<f64>,
    iterations: usize,
    deviance: f64,
    null_deviance: f64,
}

fn dev_resid(y: f64, mu: f64) -> f64 {
    let ylogy = |y: f64, m: f64| if y != 0.0 { y * (y / m).ln() } else { 0.0 };
    2.0 * (ylogy(y, mu) + ylogy(1.0 - y, 1.0 - mu))
}

/// Rows per parallel chunk (fixed, so sums are grouped the same way at any thread count).
const CHUNK: usize = 1 << 14;

/// Binomial deviance, summed chunk by chunk in order (deterministic at any thread count).
fn deviance(y: &[f64], mu: &[f64]) -> f64 {
    let parts: Vec<f64> = y
        .par_chunks(CHUNK)
        .zip(mu.par_chunks(CHUNK))
        .map(|(yc, mc)| {
            yc.iter()
                .zip(mc)
                .map(|(&v, &m)| dev_resid(v, m))
                .sum::<f64>()
        })
        .collect();
    parts.iter().sum()
}

fn mu_eta(eta: f64) -> f64 {
    if !(-30.0..=30.0).contains(&eta) {
        f64::EPSILON
    } else {
        let e = eta.exp();
        e / ((1.0 + e) * (1.0 + e))
    }
}

/// Weighted least squares step of IRLS from `aug = [√w X | √w z]` (`n × (p + 1)`): the normal
/// equations `X'WX β = X'Wz` by faer (Gram matrix by a sequential matrix product; Cholesky
/// of the equilibrated `D X'WX D`, `D = diag(1/√(X'WX)_jj)`, which keeps the solve accurate
/// however differently the covariates are scaled). Returns β and `[L | diag(D)]`, or `None`
/// when a column is numerically a combination of the others (`L_jj² < 1e-14`, i.e. less than
/// a 1e-7 share of its norm left, R's aliasing tolerance), which effekt-models then handles.
fn solve_weighted(aug: &Mat<f64>, p: usize) -> Option<(Vec<f64>, Mat<f64>)> {
    let mut g = Mat::<f64>::zeros(p + 1, p + 1);
    faer::linalg::matmul::matmul(
        g.as_mut(),
        faer::Accum::Replace,
        aug.transpose(),
        aug.as_ref(),
        1.0,
        Par::Seq,
    );
    let d: Vec<f64> = (0..p).map(|j| 1.0 / g[(j, j)].sqrt()).collect();
    if d.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut a = Mat::from_fn(p, p, |i, j| g[(i, j)] * d[i] * d[j]);
    let mut rhs = Mat::from_fn(p, 1, |i, _| g[(i, p)] * d[i]);
    let mut mem = MemBuffer::new(
        faer::linalg::cholesky::llt::factor::cholesky_in_place_scratch::<f64>(
            p,
            Par::Seq,
            Default::default(),
        ),
    );
    faer::linalg::cholesky::llt::factor::cholesky_in_place(
        a.as_mut(),
        Default::default(),
        Par::Seq,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .ok()?;
    let l = Mat::from_fn(p, p, |i, j| if i >= j { a[(i, j)] } else { 0.0 });
    if (0..p).any(|j| !(l[(j, j)] * l[(j, j)] > 1e-14)) {
        return None;
    }
    triangular_solve::solve_lower_triangular_in_place(l.as_ref(), rhs.as_mut(), Par::Seq);
    triangular_solve::solve_upper_triangular_in_place(l.transpose(), rhs.as_mut(), Par::Seq);
    let beta: Vec<f64> = (0..p).map(|i| rhs[(i, 0)] * d[i]).collect();
    if beta.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut out = Mat::<f64>::zeros(p, p + 1);
    for i in 0..p {
        for j in 0..=i {
            out[(i, j)] = l[(i, j)];
        }
        out[(i, p)] = d[i];
    }
    Some((beta, out))
}

/// R's `glm.fit` for the binomial family with the canonical link and unit prior weights, step
/// for step (start `μ = (y + 0.5)/2`, working response and weights, weighted least squares —
/// here by the normal equations of [`solve_weighted`] —, deviance criterion
/// `|D − D_old|/(|D| + 0.1) < 1e-8`, at most 25 iterations), written for speed on long data:
/// one `n × (p + 1)` buffer filled column by column, elementwise work in fixed chunks. Returns `None` whenever the case needs the
/// full treatment of `effekt_models::logit` (aliased columns, no convergence, fitted
/// probabilities within 1e-6 of 0 or 1 — the signature of separation), which then decides.
fn fast_logit(design: &DesignMatrix, y: &[f64]) -> Option<Fast> {
    let n = design.nrows();
    let p = design.ncols();
    if n <= p + 1 || p == 0 {
        return None;
    }
    let cols: Vec<&[f64]> = (0..p).map(|j| design.column(j)).collect::<Option<_>>()?;
    // start: μ = (y + 0.5)/2, η = logit μ
    let mut eta: Vec<f64> = y
        .iter()
        .map(|&v| {
            let m = (v + 0.5) / 2.0;
            (m / (1.0 - m)).ln()
        })
        .collect();
    let mut mu: Vec<f64> = eta.iter().map(|&e| linkinv(e)).collect();
    let mut devold = deviance(y, &mu);
    let mut beta = vec![0.0; p];
    let mut r_last = Mat::<f64>::zeros(0, 0); // Cholesky factor of the equilibrated X'WX, and D
    let mut dev = devold;
    let mut converged = false;
    let mut iterations = 0;
    // one buffer for the weighted [X | z], refilled every iteration
    let mut aug = Mat::<f64>::zeros(n, p + 1);
    let mut sw = vec![0.0; n];
    for iter in 1..=25 {
        iterations = iter;
        // √(working weight) and the working response, chunk-parallel (elementwise: the result
        // does not depend on the number of threads)
        {
            let zcol = aug.col_as_slice_mut(p);
            sw.par_chunks_mut(CHUNK)
                .zip(zcol.par_chunks_mut(CHUNK))
                .enumerate()
                .for_each(|(c, (swc, zc))| {
                    let off = c * CHUNK;
                    for k in 0..swc.len() {
                        let i = off + k;
                        // dμ/dη = μ(1 − μ) for the logit link (R: e^η/(1 + e^η)², the same
                        // up to rounding; |η| > 30 is clamped as in R)
                        let me = if eta[i].abs() <= 30.0 {
                            mu[i] * (1.0 - mu[i])
                        } else {
                            mu_eta(eta[i])
                        };
                        let s = (me * me / (mu[i] * (1.0 - mu[i]))).sqrt();
                        swc[k] = s;
                        zc[k] = s * (eta[i] + (y[i] - mu[i]) / me);
                    }
                });
        }
        for (j, c) in cols.iter().enumerate() {
            let col = aug.col_as_slice_mut(j);
            col.par_chunks_mut(CHUNK)
                .enumerate()
                .for_each(|(k, chunk)| {
                    let off = k * CHUNK;
                    for (t, v) in chunk.iter_mut().enumerate() {
                        *v = sw[off + t] * c[off + t];
                    }
                });
        }
        let (b, rx) = solve_weighted(&aug, p)?;
        beta = b;
        r_last = rx;
        eta.par_chunks_mut(CHUNK)
            .zip(mu.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(|(k, (ec, mc))| {
                let off = k * CHUNK;
                for t in 0..ec.len() {
                    let i = off + t;
                    let mut s = 0.0;
                    for (c, bj) in cols.iter().zip(&beta) {
                        s += c[i] * bj;
                    }
                    ec[t] = s;
                    mc[t] = linkinv(s);
                }
            });
        dev = deviance(y, &mu);
        if !dev.is_finite() {
            return None;
        }
        if (dev - devold).abs() / (dev.abs() + 0.1) < 1e-8 {
            converged = true;
            break;
        }
        devold = dev;
    }
    if !converged || mu.iter().any(|&m| !(1e-6..=1.0 - 1e-6).contains(&m)) {
        return None;
    }
    // (X'WX)^{-1} = D (L L')^{-1} D from the last solve
    let (l, d) = (
        r_last.submatrix(0, 0, p, p).to_owned(),
        (0..p).map(|j| r_last[(j, p)]).collect::<Vec<f64>>(),
    );
    let mut linv = Mat::<f64>::identity(p, p);
    triangular_solve::solve_lower_triangular_in_place(l.as_ref(), linv.as_mut(), Par::Seq);
    let std_errors: Vec<f64> = (0..p)
        .map(|i| {
            d[i] * (0..p)
                .map(|k| linv[(k, i)] * linv[(k, i)])
                .sum::<f64>()
                .sqrt()
        })
        .collect();
    let ybar = y.iter().sum::<f64>() / n as f64;
    let null_deviance = y.iter().map(|&v| dev_resid(v, ybar)).sum();
    Some(Fast {
        beta,
        std_errors,
        iterations,
        deviance: dev,
        null_deviance,
    })
}

/// Fit `logit P(T = 1) = x'β` on the covariates.
///
/// Long, well-behaved data take the streamed IRLS above; anything unusual (aliasing,
/// separation, no convergence) goes through `effekt_models::logit`, which reproduces R's `glm`
/// including its aliasing rule and certifies separation.
pub(crate) fn fit_ps(covariates: &[Covariate], treat: &[bool]) -> Result<PsFit, MatchError> {
    let n = treat.len();
    let design = DesignBuilder::new(n)
        .intercept()
        .covariates(covariates)
        .build()
        .map_err(MatchError::PsModel)?;
    let y: Vec<f64> = treat.iter().map(|&t| f64::from(u8::from(t))).collect();
    let (terms, coefficients, model) = match fast_logit(&design, &y) {
        Some(f) => {
            let terms: Vec<String> = design.names().to_vec();
            let model = PsModel {
                terms: terms.clone(),
                coefficients: f.beta.clone(),
                std_errors: f.std_errors,
                dropped: Vec::new(),
                iterations: f.iterations,
                converged: true,
                deviance: f.deviance,
                null_deviance: f.null_deviance,
                warnings: design.notes().to_vec(),
            };
            (terms, f.beta, model)
        }
        None => {
            let fit = logit(&design, &y, None, &LogitOptions::default()).map_err(|e| match e {
                ModelError::Separation { kind, covariates } => MatchError::Separation {
                    kind,
                    covariates: covariates
                        .iter()
                        .map(|c| describe_column(&design, c))
                        .collect(),
                },
                other => MatchError::PsModel(other),
            })?;
            let mut warnings = fit.warnings.clone();
            warnings.extend(design.notes().iter().cloned());
            let model = PsModel {
                terms: fit.terms.clone(),
                coefficients: fit.coefficients.clone(),
                std_errors: fit.std_errors.clone(),
                dropped: fit.dropped.iter().map(|d| d.note().to_string()).collect(),
                iterations: fit.iterations,
                converged: fit.converged,
                deviance: fit.deviance,
                null_deviance: fit.null_deviance,
                warnings,
            };
            (fit.terms, fit.coefficients, model)
        }
    };
    // x'β row by row in a fixed order, so that units with identical covariates get bit-identical
    // scores (exact ties stay ties whatever the row order).
    let cols: Vec<&[f64]> = terms
        .iter()
        .filter_map(|t| design.index_of(t).and_then(|j| design.column(j)))
        .collect();
    if cols.len() != terms.len() {
        return Err(MatchError::Numerical {
            what: "propensity-score model: a coefficient has no design column".into(),
            hint: "this is a bug; please report it".into(),
        });
    }
    let mut lp = vec![0.0; n];
    lp.par_chunks_mut(CHUNK).enumerate().for_each(|(k, chunk)| {
        let off = k * CHUNK;
        for (t, v) in chunk.iter_mut().enumerate() {
            let mut s = 0.0;
            for (c, b) in cols.iter().zip(&coefficients) {
                s += c[off + t] * b;
            }
            *v = s;
        }
    });
    let ps: Vec<f64> = lp.par_iter().map(|&e| linkinv(e)).collect();
    Ok(PsFit {
        model,
        ps,
        lp,
        design,
    })
}
