//! Logistic regression by iteratively reweighted least squares, step for step as R's
//! `glm(family = binomial)` (`glm.fit`), with detection of complete and quasi-complete
//! separation (Albert & Anderson 1984).
//!
//! # Algorithm (R's `glm.fit`)
//! Start from `μ⁰ = (w y + 0.5)/(w + 1)`, `η⁰ = logit μ⁰`. Iterate: working response
//! `z = η + (y − μ)/μ'(η)`, working weights `ω = w μ'(η)² / (μ(1 − μ))`, `β = argmin Σ ω (z − xβ)²`
//! by Householder QR, `η = Xβ`, `μ = logit⁻¹ η` (clamped to `[ε, 1 − ε]` as R's C code for
//! `|η| > 30`), deviance `D = 2 Σ w [y log(y/μ) + (1−y) log((1−y)/(1−μ))]`. Stop when
//! `|D − D_old| / (|D| + 0.1) < epsilon` (default `1e-8`) or after `max_iter` (default 25)
//! iterations. The model-based covariance is `(X'ΩX)^{-1}` with the working weights of the last
//! least-squares solve (R's `summary.glm`, dispersion 1). Aliased columns are found as in
//! [`crate::ols`](mod@crate::ols) with R's `glm` tolerance `min(1e-7, epsilon/1000)`.
//!
//! # Separation
//! Under separation the maximum-likelihood estimate does not exist; R only warns ("fitted
//! probabilities numerically 0 or 1 occurred") and returns huge coefficients. Here:
//! 1. *Single covariate* (model with intercept): column `x_j` separates when a threshold `c`
//!    has `x_j ≥ c` for every `y = 1` and `x_j ≤ c` for every `y = 0` (or the reverse) —
//!    complete if no observation lies on `c`. Checked directly before fitting.
//! 2. *Combination*: after IRLS, when fitted probabilities come within `1e-6` of 0 or 1 or the
//!    iteration did not converge, the last IRLS step `d = β_T − β_{T−1}` approximates the
//!    recession direction. Observations that `d` barely moves form the overlap set `O`; `d` is
//!    projected onto the null space of `X_O` and accepted as a certificate if
//!    `(2yᵢ − 1) xᵢ'd ≥ 0` for all `i` (up to rounding) with at least one strict. The covariates
//!    named are those with a non-negligible share `|d_j| sd(x_j)` of the direction.
//!
//! A certified separation is returned as [`ModelError::Separation`] (unless
//! [`LogitOptions::check_separation`] is off).

use faer::Mat;
use serde::{Deserialize, Serialize};

use crate::design::{ColumnOrigin, DesignMatrix};
use crate::error::SeparationKind;
use crate::linalg::{inverse_from_r, qr_r, sym_eigen, tmm, upper_solve_in_place};
use crate::ols::{DroppedColumn, check_level, check_weights, detect_aliased, resolve_aliasing};
use crate::tidy::TidyRow;
use crate::{ModelError, dist};

const THRESH: f64 = 30.0;
const MTHRESH: f64 = -30.0;

/// IRLS settings (R's `glm.control`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogitOptions {
    /// Maximum number of IRLS iterations (R: `maxit = 25`).
    pub max_iter: usize,
    /// Convergence tolerance on the relative deviance change (R: `epsilon = 1e-8`).
    pub epsilon: f64,
    /// Return [`ModelError::Separation`] when separation is detected (default `true`); when
    /// `false`, return R's diverged fit with a warning instead.
    pub check_separation: bool,
}

impl Default for LogitOptions {
    fn default() -> Self {
        Self {
            max_iter: 25,
            epsilon: 1e-8,
            check_separation: true,
        }
    }
}

/// A fitted logistic regression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogitFit {
    /// Names of the estimated coefficients.
    pub terms: Vec<String>,
    /// Estimated coefficients (log odds ratios).
    pub coefficients: Vec<f64>,
    /// Model-based standard errors `√diag((X'ΩX)^{-1})`.
    pub std_errors: Vec<f64>,
    /// Model-based covariance `(X'ΩX)^{-1}` (row-major rows).
    pub vcov: Vec<Vec<f64>>,
    /// Aliased columns (R's `NA`).
    pub dropped: Vec<DroppedColumn>,
    /// Fitted probabilities `μ` for all rows.
    pub fitted: Vec<f64>,
    /// Linear predictor `η = Xβ` for all rows.
    pub linear_predictor: Vec<f64>,
    /// Working weights `ω` of the last iteration (R's `fit$weights`; 0 for zero prior weight).
    pub working_weights: Vec<f64>,
    /// Residual deviance.
    pub deviance: f64,
    /// Deviance of the intercept-only model (R's `null.deviance`).
    pub null_deviance: f64,
    /// Number of IRLS iterations.
    pub iterations: usize,
    /// Whether the deviance criterion was met.
    pub converged: bool,
    /// Rows given.
    pub n: usize,
    /// Rows with positive prior weight.
    pub n_used: usize,
    /// `n_used − rank`.
    pub df_residual: usize,
    /// Warnings as R would print them.
    pub warnings: Vec<effekt_notes::Note>,
}

impl LogitFit {
    /// Tidy table with Wald z tests (as `summary.glm`) and normal-based intervals
    /// `β̂ ± z_{(1+level)/2} SE` (R's `confint.default`); `df` is `None`.
    ///
    /// # Errors
    /// [`ModelError::InvalidLevel`].
    pub fn tidy(&self, level: f64) -> Result<Vec<TidyRow>, ModelError> {
        check_level(level)?;
        (0..self.terms.len())
            .map(|j| {
                let t = dist::z_test(self.coefficients[j], self.std_errors[j], level)?;
                Ok(TidyRow {
                    term: self.terms[j].clone(),
                    estimate: self.coefficients[j],
                    std_error: self.std_errors[j],
                    statistic: t.statistic,
                    df: None,
                    p_value: t.p_value,
                    conf_low: t.conf_low,
                    conf_high: t.conf_high,
                })
            })
            .collect()
    }
    /// Index of the coefficient called `name`.
    pub fn term_index(&self, name: &str) -> Option<usize> {
        self.terms.iter().position(|t| t == name)
    }
}

fn linkinv(eta: f64) -> f64 {
    let tmp = if eta < MTHRESH {
        f64::EPSILON
    } else if eta > THRESH {
        1.0 / f64::EPSILON
    } else {
        eta.exp()
    };
    tmp / (1.0 + tmp)
}

fn mu_eta(eta: f64) -> f64 {
    let opexp = 1.0 + eta.exp();
    if !(MTHRESH..=THRESH).contains(&eta) {
        f64::EPSILON
    } else {
        eta.exp() / (opexp * opexp)
    }
}

fn y_log_y(y: f64, mu: f64) -> f64 {
    if y != 0.0 { y * (y / mu).ln() } else { 0.0 }
}

fn dev_resid(y: f64, mu: f64, w: f64) -> f64 {
    2.0 * w * (y_log_y(y, mu) + y_log_y(1.0 - y, 1.0 - mu))
}

/// Fit a logistic regression of `y ∈ [0, 1]` on the design with optional prior weights
/// (R `glm(y ~ X, family = binomial, weights = w)`).
///
/// # Errors
/// [`ModelError::LengthMismatch`], [`ModelError::NonFinite`],
/// [`ModelError::OutcomeNotProportion`], [`ModelError::OutcomeConstant`],
/// [`ModelError::InvalidWeight`], [`ModelError::ZeroTotalWeight`],
/// [`ModelError::CollinearMustKeep`], [`ModelError::TooFewObservations`],
/// [`ModelError::Separation`] and [`ModelError::NotConverged`].
pub fn logit(
    design: &DesignMatrix,
    y: &[f64],
    weights: Option<&[f64]>,
    opts: &LogitOptions,
) -> Result<LogitFit, ModelError> {
    logit_impl(design, y, weights, opts, true)
}

fn logit_impl(
    design: &DesignMatrix,
    y: &[f64],
    weights: Option<&[f64]>,
    opts: &LogitOptions,
    refine: bool,
) -> Result<LogitFit, ModelError> {
    let n = design.nrows();
    let p = design.ncols();
    if opts.max_iter == 0 || !(opts.epsilon > 0.0) {
        return Err(ModelError::InvalidOption {
            option: "logit max_iter/epsilon".into(),
            value: format!("{}/{}", opts.max_iter, opts.epsilon),
            expected: "max_iter >= 1 and epsilon > 0".into(),
        });
    }
    if y.len() != n {
        return Err(ModelError::LengthMismatch {
            what: "outcome".into(),
            expected: n,
            found: y.len(),
        });
    }
    if let Some((row, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(ModelError::NonFinite {
            what: "outcome".into(),
            row,
            value,
        });
    }
    if let Some((row, &value)) = y
        .iter()
        .enumerate()
        .find(|(_, v)| !(0.0..=1.0).contains(*v))
    {
        return Err(ModelError::OutcomeNotProportion { row, value });
    }
    let rows = check_weights(weights, n)?;
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let Some(&row0) = rows.first() else {
        return Err(ModelError::TooFewObservations { n: 0, rank: p });
    };
    let first = y[row0];
    if (first == 0.0 || first == 1.0) && rows.iter().all(|&i| y[i] == first) {
        return Err(ModelError::OutcomeConstant { value: first });
    }
    let x = design.matrix();
    let names = design.names();
    let nu = rows.len();
    let tol = (opts.epsilon / 1000.0).min(1e-7);

    let mut eta: Vec<f64> = (0..n)
        .map(|i| {
            let m = (w(i) * y[i] + 0.5) / (w(i) + 1.0);
            (m / (1.0 - m)).ln()
        })
        .collect();
    let mut mu: Vec<f64> = eta.iter().map(|&e| linkinv(e)).collect();
    let mut devold: f64 = (0..n).map(|i| dev_resid(y[i], mu[i], w(i))).sum();

    let mut kept: Option<Vec<usize>> = None;
    let mut dropped: Vec<DroppedColumn> = Vec::new();
    let mut beta: Vec<f64> = Vec::new();
    let mut beta_prev: Vec<f64>;
    let mut r_last = Mat::<f64>::zeros(0, 0);
    let mut ww_last = vec![0.0; n];
    let mut converged = false;
    let mut iterations = 0;
    let mut dev = devold;
    let mut last_change = f64::INFINITY;
    let mut last_step: Vec<f64> = Vec::new();

    for iter in 1..=opts.max_iter {
        iterations = iter;
        let mut ww = vec![0.0; n];
        let mut z = vec![0.0; n];
        for &i in &rows {
            let me = mu_eta(eta[i]);
            z[i] = eta[i] + (y[i] - mu[i]) / me;
            ww[i] = (w(i) * me * me / (mu[i] * (1.0 - mu[i]))).sqrt();
        }
        if kept.is_none() {
            let xw = Mat::from_fn(nu, p, |r, j| ww[rows[r]] * x[(rows[r], j)]);
            let norms: Vec<f64> = (0..p)
                .map(|j| {
                    let s = xw.col_as_slice(j).iter().map(|v| v * v).sum::<f64>().sqrt();
                    if s == 0.0 { 1.0 } else { s }
                })
                .collect();
            let r = qr_r(xw.as_ref());
            let (k, d) = detect_aliased(r.as_ref(), &norms, tol);
            if k.is_empty() {
                return Err(ModelError::EmptyDesign);
            }
            if nu <= k.len() {
                return Err(ModelError::TooFewObservations {
                    n: nu,
                    rank: k.len(),
                });
            }
            dropped = resolve_aliasing(design, &d)?;
            if opts.check_separation && design.has_intercept() {
                single_covariate_separation(design, &k, y, &rows)?;
            }
            beta = vec![0.0; k.len()];
            kept = Some(k);
        }
        let Some(kc) = kept.as_ref() else { break };
        let k = kc.len();
        let aug = Mat::from_fn(nu, k + 1, |r, j| {
            let i = rows[r];
            ww[i] * if j < k { x[(i, kc[j])] } else { z[i] }
        });
        let rfull = qr_r(aug.as_ref());
        let rx = Mat::from_fn(k, k, |i, j| rfull[(i, j)]);
        let mut b = Mat::from_fn(k, 1, |i, _| rfull[(i, k)]);
        upper_solve_in_place(rx.as_ref(), b.as_mut());
        beta_prev = std::mem::replace(&mut beta, (0..k).map(|i| b[(i, 0)]).collect());
        if beta.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::Numerical {
                what: "IRLS least-squares step".into(),
            });
        }
        r_last = rx;
        ww_last = ww;
        for i in 0..n {
            eta[i] = kc.iter().zip(&beta).map(|(&j, bj)| x[(i, j)] * bj).sum();
            mu[i] = linkinv(eta[i]);
        }
        dev = (0..n).map(|i| dev_resid(y[i], mu[i], w(i))).sum();
        if !dev.is_finite() {
            return Err(ModelError::Numerical {
                what: "deviance".into(),
            });
        }
        last_change = (dev - devold).abs() / (dev.abs() + 0.1);
        let step: Vec<f64> = beta.iter().zip(&beta_prev).map(|(a, b)| a - b).collect();
        last_step = step;
        if last_change < opts.epsilon {
            converged = true;
            break;
        }
        devold = dev;
    }
    if let Some(kc) = kept.as_ref() {
        check_after(
            &AfterIrls {
                design,
                kept: kc,
                step: &last_step,
                mu: &mu,
                y,
                weights,
                rows: &rows,
            },
            converged,
            opts,
            refine,
            iterations,
            last_change,
        )?;
    }
    let kc = kept.unwrap_or_default();
    let k = kc.len();
    let eps10 = 10.0 * f64::EPSILON;
    let mut warnings = Vec::new();
    if !converged {
        warnings.push(effekt_notes::Note::LogitNotConverged {
            iterations,
            last_change,
        });
    }
    if rows.iter().any(|&i| mu[i] > 1.0 - eps10 || mu[i] < eps10) {
        warnings.push(effekt_notes::Note::LogitFittedZeroOne);
    }
    for d in &dropped {
        warnings.push(d.note());
    }
    let cov = inverse_from_r(r_last.as_ref());
    let vcov: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| cov[(i, j)]).collect())
        .collect();
    let std_errors: Vec<f64> = (0..k).map(|j| cov[(j, j)].sqrt()).collect();
    let sw: f64 = rows.iter().map(|&i| w(i)).sum();
    let wtdmu = if design.has_intercept() {
        rows.iter().map(|&i| w(i) * y[i]).sum::<f64>() / sw
    } else {
        0.5
    };
    let null_deviance: f64 = (0..n).map(|i| dev_resid(y[i], wtdmu, w(i))).sum();
    Ok(LogitFit {
        terms: kc.iter().map(|&j| names[j].clone()).collect(),
        coefficients: beta,
        std_errors,
        vcov,
        dropped,
        fitted: mu,
        linear_predictor: eta,
        working_weights: ww_last.iter().map(|v| v * v).collect(),
        deviance: dev,
        null_deviance,
        iterations,
        converged,
        n,
        n_used: nu,
        df_residual: nu - k,
        warnings,
    })
}

/// Direct check of each non-intercept column for threshold separation (see the module docs).
fn single_covariate_separation(
    design: &DesignMatrix,
    kept: &[usize],
    y: &[f64],
    rows: &[usize],
) -> Result<(), ModelError> {
    let x = design.matrix();
    let mut found: Vec<(String, bool)> = Vec::new();
    for &j in kept {
        if design.origins()[j] == ColumnOrigin::Intercept {
            continue;
        }
        // class 1 = rows with y > 0, class 0 = rows with y < 1 (fractional rows are in both)
        let (mut min1, mut max1, mut min0, mut max0) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &i in rows {
            let v = x[(i, j)];
            lo = lo.min(v);
            hi = hi.max(v);
            if y[i] > 0.0 {
                min1 = min1.min(v);
                max1 = max1.max(v);
            }
            if y[i] < 1.0 {
                min0 = min0.min(v);
                max0 = max0.max(v);
            }
        }
        if lo == hi {
            continue;
        }
        if max0 < min1 || max1 < min0 {
            found.push((design.names()[j].clone(), true));
        } else if max0 <= min1 || max1 <= min0 {
            found.push((design.names()[j].clone(), false));
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    let kind = if found.iter().any(|f| f.1) {
        SeparationKind::Complete
    } else {
        SeparationKind::QuasiComplete
    };
    Err(ModelError::Separation {
        kind,
        covariates: found.into_iter().map(|f| f.0).collect(),
    })
}

/// State at the end of IRLS, for the separation check.
struct AfterIrls<'a> {
    design: &'a DesignMatrix,
    kept: &'a [usize],
    step: &'a [f64],
    mu: &'a [f64],
    y: &'a [f64],
    weights: Option<&'a [f64]>,
    rows: &'a [usize],
}

/// After IRLS: certify separation from the last step (and reduce the named covariates to a
/// minimal separating set), or report non-convergence.
fn check_after(
    st: &AfterIrls<'_>,
    converged: bool,
    opts: &LogitOptions,
    refine: bool,
    iterations: usize,
    last_change: f64,
) -> Result<(), ModelError> {
    let extreme = st
        .rows
        .iter()
        .any(|&i| st.mu[i] < 1e-6 || st.mu[i] > 1.0 - 1e-6);
    if converged && !extreme {
        return Ok(());
    }
    if opts.check_separation
        && let Some((kind, cov)) =
            separation_certificate(st.design, st.kept, st.step, st.y, st.rows)
    {
        let mut covariates = if refine {
            minimal_separating_set(st, cov, opts)
        } else {
            cov
        };
        covariates.sort_by_key(|c| st.design.index_of(c));
        return Err(ModelError::Separation { kind, covariates });
    }
    if !converged && opts.check_separation {
        return Err(ModelError::NotConverged {
            what: "logistic regression (IRLS)".into(),
            iterations,
            last_change,
        });
    }
    Ok(())
}

/// Backward elimination over the covariates named by the certificate (smallest share first):
/// a covariate is left out when the model with the intercept and the remaining named covariates
/// is still separated. Under complete separation many directions separate and the IRLS direction
/// involves most covariates; this keeps a minimal set that separates on its own.
fn minimal_separating_set(
    st: &AfterIrls<'_>,
    named: Vec<String>,
    opts: &LogitOptions,
) -> Vec<String> {
    if named.len() < 2 {
        return named;
    }
    let cols = st.design.to_columns();
    let intercepts: Vec<_> = cols
        .iter()
        .filter(|c| c.origin == ColumnOrigin::Intercept)
        .cloned()
        .collect();
    let mut keep = named.clone();
    // `named` is ordered by decreasing share: try to eliminate the smallest contributions first
    for cand in named.iter().rev() {
        if keep.len() < 2 {
            break;
        }
        let trial: Vec<String> = keep.iter().filter(|c| *c != cand).cloned().collect();
        let mut sub = intercepts.clone();
        sub.extend(cols.iter().filter(|c| trial.contains(&c.name)).cloned());
        let Ok(design) = DesignMatrix::from_columns(sub) else {
            continue;
        };
        let sep = matches!(
            logit_impl(&design, st.y, st.weights, opts, false),
            Err(ModelError::Separation { .. })
        );
        if sep {
            keep = trial;
        }
    }
    keep
}

/// Try to certify separation along the last IRLS step (see the module docs).
fn separation_certificate(
    design: &DesignMatrix,
    kept: &[usize],
    step: &[f64],
    y: &[f64],
    rows: &[usize],
) -> Option<(SeparationKind, Vec<String>)> {
    let x = design.matrix();
    let k = kept.len();
    let xd =
        |i: usize, d: &[f64]| -> f64 { kept.iter().zip(d).map(|(&j, dj)| x[(i, j)] * dj).sum() };
    let moves: Vec<f64> = rows.iter().map(|&i| xd(i, step)).collect();
    let smax = moves.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
    // under separation the last Newton step still moves the separated linear predictors by O(1)
    if !(smax > 0.1) {
        return None;
    }
    let overlap: Vec<usize> = rows
        .iter()
        .zip(&moves)
        .filter(|(_, m)| m.abs() <= 1e-3 * smax)
        .map(|(&i, _)| i)
        .collect();
    let d: Vec<f64> = if overlap.is_empty() {
        step.to_vec()
    } else {
        let xo = Mat::from_fn(overlap.len(), k, |r, c| x[(overlap[r], kept[c])]);
        let g = tmm(xo.as_ref(), xo.as_ref());
        let (vals, vecs) = sym_eigen(g.as_ref()).ok()?;
        let vmax = vals.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
        let mut proj = vec![0.0; k];
        for (c, &l) in vals.iter().enumerate() {
            if l <= 1e-10 * vmax {
                let dot: f64 = (0..k).map(|r| vecs[(r, c)] * step[r]).sum();
                for (r, pr) in proj.iter_mut().enumerate() {
                    *pr += dot * vecs[(r, c)];
                }
            }
        }
        proj
    };
    let moves: Vec<f64> = rows.iter().map(|&i| xd(i, &d)).collect();
    let dmax = moves.iter().fold(0.0_f64, |a, v| a.max(v.abs()));
    if !(dmax > 0.0) {
        return None;
    }
    let tol = 1e-6 * dmax;
    let mut strict = 0usize;
    let mut on_plane = 0usize;
    for (&i, &m) in rows.iter().zip(&moves) {
        let s = if y[i] == 1.0 {
            m
        } else if y[i] == 0.0 {
            -m
        } else {
            if m.abs() > tol {
                return None;
            }
            0.0
        };
        if s < -tol {
            return None;
        }
        if s > tol {
            strict += 1;
        } else {
            on_plane += 1;
        }
    }
    if strict == 0 {
        return None;
    }
    let kind = if on_plane == 0 {
        SeparationKind::Complete
    } else {
        SeparationKind::QuasiComplete
    };
    // share of each covariate in the direction, on the scale of its standard deviation
    let share: Vec<f64> = (0..k)
        .map(|c| {
            let j = kept[c];
            if design.origins()[j] == ColumnOrigin::Intercept {
                return 0.0;
            }
            let nr = rows.len() as f64;
            let mean = rows.iter().map(|&i| x[(i, j)]).sum::<f64>() / nr;
            let sd = (rows
                .iter()
                .map(|&i| (x[(i, j)] - mean).powi(2))
                .sum::<f64>()
                / nr)
                .sqrt();
            (d[c] * sd).abs()
        })
        .collect();
    let smax = share.iter().fold(0.0_f64, |a, &v| a.max(v));
    if !(smax > 0.0) {
        return None;
    }
    // named covariates ordered by decreasing share of the direction
    let mut named: Vec<(f64, usize)> = (0..k)
        .filter(|&c| share[c] >= 1e-3 * smax)
        .map(|c| (share[c], c))
        .collect();
    named.sort_by(|a, b| b.0.total_cmp(&a.0));
    Some((
        kind,
        named
            .into_iter()
            .map(|(_, c)| design.names()[kept[c]].clone())
            .collect(),
    ))
}
