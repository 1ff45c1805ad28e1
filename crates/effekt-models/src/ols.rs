//! Ordinary and weighted least squares with R's handling of collinear columns, and inference
//! (t tests, confidence intervals, contrasts, joint Wald tests) under any
//! [`VarianceEstimator`].
//!
//! # Fit
//! With weights `w ≥ 0` (R `lm(weights = w)`), rows with `w = 0` are left out of the fit (their
//! fitted values and residuals are still reported) and the problem is solved on
//! `√w X, √w y` by one Householder QR of `[√w X | √w y]`.
//!
//! # Collinearity (as R's `lm`, LINPACK `dqrdc2`)
//! Columns are taken left to right; column `j` is *aliased* when the norm of its residual after
//! projecting on the kept columns before it is below `tol · ‖x_j‖` (`tol = 1e-7`, R's default;
//! the later of two collinear columns is the one dropped). Aliased columns get no coefficient
//! (R prints `NA`) and are reported in [`OlsFit::dropped`] with the kept columns they are a
//! combination of. A column flagged *must keep* that is aliased, or that enters an aliased
//! column's combination, is an error naming both.

use faer::{Mat, MatRef};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

use crate::design::{ColumnOrigin, DesignMatrix};
use crate::linalg::{
    lstsq_vec, mm, qr_owned, qr_r, quad_form, sym_eigen, upper_inverse, upper_solve_in_place,
};
use crate::tidy::TidyRow;
use crate::vcov::{self, Cr2Route, DfRule, VarianceEstimator, Vcov, VcovInput};
use crate::{ModelError, dist};

/// R's tolerance for `lm`'s pivoting QR.
pub const LM_TOLERANCE: f64 = 1e-7;

/// A column left out because it is (numerically) a linear combination of earlier columns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DroppedColumn {
    /// Column name.
    pub name: String,
    /// Index in the design matrix.
    pub index: usize,
    /// Earlier kept columns it is a combination of.
    pub collinear_with: Vec<String>,
}

impl DroppedColumn {
    /// The note, e.g. `"re_sum dropped: collinear with re74, re75 (coefficient NA as in R)"`
    /// in English.
    pub fn note(&self) -> effekt_notes::Note {
        effekt_notes::Note::ColumnDropped {
            column: self.name.clone(),
            collinear_with: self.collinear_with.clone(),
        }
    }
}

/// How to fit and which variance to compute.
#[derive(Debug, Clone, Default)]
pub struct OlsOptions<'a> {
    /// Prior weights (R `lm(weights = )`), finite and `≥ 0`; `None` = unweighted.
    pub weights: Option<&'a [f64]>,
    /// Variance estimator; `None` = the estimatr defaults: HC2 without clusters, CR2 (with
    /// Satterthwaite df) with clusters.
    pub vcov: Option<VarianceEstimator>,
    /// Cluster identifiers (any `u32` codes, one per row) for CR0/CR1/CR2.
    pub clusters: Option<&'a [u32]>,
    /// Parameters absorbed before the fit (fixed effects swept out by [`crate::demean()`]); they
    /// count in `K` of `n − K` (classical σ², HC1, CR1 factor, residual df). Default 0.
    pub absorbed_df: usize,
    /// Collinearity tolerance; `None` = [`LM_TOLERANCE`].
    pub tolerance: Option<f64>,
    /// CR2 computation route (testing only; default [`Cr2Route::Auto`]).
    pub cr2_route: Cr2Route,
}

/// A fitted (weighted) least-squares model with its variance-covariance matrix.
#[derive(Debug, Clone)]
pub struct OlsFit {
    terms: Vec<String>,
    origins: Vec<ColumnOrigin>,
    kept: Vec<usize>,
    coefficients: Vec<f64>,
    dropped: Vec<DroppedColumn>,
    fitted: Vec<f64>,
    residuals: Vec<f64>,
    n: usize,
    rows_used: Vec<usize>,
    has_intercept: bool,
    // rows with positive weight only
    x_used: Mat<f64>,
    w_used: Option<Vec<f64>>,
    y_used: Vec<f64>,
    e_used: Vec<f64>,
    clusters_used: Option<Vec<u32>>,
    m: Mat<f64>,
    /// `R^{-1}` of the fit's QR, so that `M = L L'`.
    l: Mat<f64>,
    absorbed: usize,
    vcov: Vcov,
}

/// Result of a test of one linear combination `c'β`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContrastTest {
    pub estimate: f64,
    pub std_error: f64,
    pub statistic: f64,
    pub df: f64,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// Hotelling-T² approximation for a joint CR2 test (clubSandwich `Wald_test(test = "HTZ")`,
/// Pustejovsky & Tipton 2018): `F = δ Q/q` on `(q, ν − q + 1)` df, `δ = (ν − q + 1)/ν`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HtzTest {
    pub f: f64,
    pub delta: f64,
    pub df1: f64,
    pub df2: f64,
    /// `None` when `ν − q + 1 ≤ 0` (too few clusters for `q` restrictions).
    pub p_value: Option<f64>,
}

/// Joint Wald test of `q` linear restrictions `R β = r`.
///
/// `W = (Rβ − r)'(R V R')^{-1}(Rβ − r)`, `F = W/q` on `(q, df2)` df with `df2 = n − K`
/// (classical, HC) or `G − 1` (CR0, CR1, CR2; estimatr's model F test). For CR2 the
/// small-sample-corrected HTZ test is in `htz` and should be preferred.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaldTest {
    pub q: usize,
    pub chi2: f64,
    pub f: f64,
    pub df1: f64,
    pub df2: f64,
    pub p_value: f64,
    pub htz: Option<HtzTest>,
}

/// Serializable summary of an [`OlsFit`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OlsSummary {
    pub terms: Vec<String>,
    pub coefficients: Vec<f64>,
    pub std_errors: Vec<f64>,
    pub df: Vec<f64>,
    pub vcov: Vec<Vec<f64>>,
    pub estimator: VarianceEstimator,
    pub n: usize,
    pub n_used: usize,
    pub rank: usize,
    pub df_residual: usize,
    pub n_clusters: Option<usize>,
    pub sigma: f64,
    pub r_squared: f64,
    pub adj_r_squared: f64,
    pub dropped: Vec<DroppedColumn>,
}

/// Fit `y = Xβ + ε` by (weighted) least squares and compute the requested variance.
///
/// # Errors
/// [`ModelError::LengthMismatch`], [`ModelError::NonFinite`] and [`ModelError::TooLarge`]
/// (outcome),
/// [`ModelError::InvalidWeight`], [`ModelError::ZeroTotalWeight`],
/// [`ModelError::CollinearMustKeep`], [`ModelError::TooFewObservations`] (`n ≤ rank`), and the
/// variance errors ([`ModelError::ClustersRequired`], [`ModelError::TooFewClusters`],
/// [`ModelError::LeverageOne`], …).
pub fn ols(design: &DesignMatrix, y: &[f64], opts: &OlsOptions<'_>) -> Result<OlsFit, ModelError> {
    let n = design.nrows();
    let p = design.ncols();
    if p == 0 {
        return Err(ModelError::EmptyDesign);
    }
    if y.len() != n {
        return Err(ModelError::LengthMismatch {
            what: "outcome".into(),
            expected: n,
            found: y.len(),
        });
    }
    crate::design::check_usable(y, || "outcome".into())?;
    let rows_used = check_weights(opts.weights, n)?;
    if rows_used.is_empty() {
        return Err(ModelError::TooFewObservations { n: 0, rank: p });
    }
    if let Some(c) = opts.clusters
        && c.len() != n
    {
        return Err(ModelError::LengthMismatch {
            what: "clusters".into(),
            expected: n,
            found: c.len(),
        });
    }
    let tol = opts.tolerance.unwrap_or(LM_TOLERANCE);
    let x = design.matrix();
    let nu = rows_used.len();
    let all_rows = nu == n;
    // [√w X | √w y] (zero-filled, then whole columns copied: faster than faer's `from_fn`)
    let src: Vec<&[f64]> = (0..=p)
        .map(|j| {
            if j < p {
                design.column(j).unwrap_or(&[])
            } else {
                y
            }
        })
        .collect();
    let mut aug = Mat::<f64>::zeros(nu, p + 1);
    for (j, s) in src.iter().enumerate() {
        let dst = aug.col_as_slice_mut(j);
        match opts.weights {
            None if all_rows => dst.copy_from_slice(s),
            None => {
                for (d, &i) in dst.iter_mut().zip(&rows_used) {
                    *d = s[i];
                }
            }
            Some(w) => {
                for (d, &i) in dst.iter_mut().zip(&rows_used) {
                    *d = w[i].sqrt() * s[i];
                }
            }
        }
    }
    let col_norms: Vec<f64> = (0..p)
        .map(|j| {
            let s = aug
                .col_as_slice(j)
                .iter()
                .map(|v| v * v)
                .sum::<f64>()
                .sqrt();
            if s == 0.0 { 1.0 } else { s }
        })
        .collect();
    let r_aug = qr_owned(aug, true).r();
    let (kept, dropped_idx) = detect_aliased(r_aug.as_ref(), &col_norms, tol);
    let names = design.names();
    let rank = kept.len();
    if rank == 0 {
        return Err(ModelError::EmptyDesign);
    }
    if nu <= rank + opts.absorbed_df {
        return Err(ModelError::TooFewObservations {
            n: nu,
            rank: rank + opts.absorbed_df,
        });
    }
    let dropped = resolve_aliasing(design, &dropped_idx)?;
    // small QR of the kept columns of R_aug plus the y column (R_aug itself when nothing was
    // dropped: it is already upper triangular)
    let rs = if dropped.is_empty() && r_aug.nrows() == p + 1 {
        r_aug
    } else {
        let mut cols = kept.clone();
        cols.push(p);
        let sub = Mat::from_fn(r_aug.nrows(), cols.len(), |i, j| r_aug[(i, cols[j])]);
        qr_r(sub.as_ref())
    };
    let r_x = Mat::from_fn(rank, rank, |i, j| rs[(i, j)]);
    let qty = Mat::from_fn(rank, 1, |i, _| rs[(i, rank)]);
    let mut beta_m = qty;
    upper_solve_in_place(r_x.as_ref(), beta_m.as_mut());
    let coefficients: Vec<f64> = (0..rank).map(|i| beta_m[(i, 0)]).collect();
    if coefficients.iter().any(|b| !b.is_finite()) {
        return Err(ModelError::Numerical {
            what: "least-squares solve".into(),
        });
    }
    // (R'R)^{-1} = R^{-1} R^{-T}
    let l = upper_inverse(r_x.as_ref());
    let m = mm(l.as_ref(), l.transpose());
    let mut fitted = vec![0.0; n];
    for (&j, b) in kept.iter().zip(&coefficients) {
        for (f, xv) in fitted.iter_mut().zip(x.col(j).iter()) {
            *f += xv * b;
        }
    }
    let residuals: Vec<f64> = y.iter().zip(&fitted).map(|(y, f)| y - f).collect();
    let mut x_used = Mat::<f64>::zeros(nu, rank);
    for (c, &j) in kept.iter().enumerate() {
        let dst = x_used.col_as_slice_mut(c);
        if all_rows {
            dst.copy_from_slice(src[j]);
        } else {
            for (d, &i) in dst.iter_mut().zip(&rows_used) {
                *d = src[j][i];
            }
        }
    }
    // rows with positive weight (a plain copy when that is every row)
    let pick = |v: &[f64]| -> Vec<f64> {
        if all_rows {
            v.to_vec()
        } else {
            rows_used.iter().map(|&i| v[i]).collect()
        }
    };
    let w_used = opts.weights.map(pick);
    let e_used = pick(&residuals);
    let y_used = pick(y);
    let clusters_used = opts.clusters.map(|c| {
        if all_rows {
            c.to_vec()
        } else {
            rows_used.iter().map(|&i| c[i]).collect::<Vec<u32>>()
        }
    });
    let est = opts.vcov.unwrap_or(if opts.clusters.is_some() {
        VarianceEstimator::Cr2
    } else {
        VarianceEstimator::Hc2
    });
    let vcov = vcov::compute(
        est,
        &VcovInput {
            x: x_used.as_ref(),
            l: l.as_ref(),
            w: w_used.as_deref(),
            e: &e_used,
            m: m.as_ref(),
            absorbed: opts.absorbed_df,
            clusters: clusters_used.as_deref(),
            route: opts.cr2_route,
        },
    )?;
    Ok(OlsFit {
        terms: kept.iter().map(|&j| names[j].clone()).collect(),
        origins: kept.iter().map(|&j| design.origins()[j].clone()).collect(),
        has_intercept: design.has_intercept(),
        kept,
        coefficients,
        dropped,
        fitted,
        residuals,
        n,
        rows_used,
        x_used,
        w_used,
        y_used,
        e_used,
        clusters_used,
        m,
        l,
        absorbed: opts.absorbed_df,
        vcov,
    })
}

/// Rows with positive weight; validates the weights.
pub(crate) fn check_weights(weights: Option<&[f64]>, n: usize) -> Result<Vec<usize>, ModelError> {
    match weights {
        None => Ok((0..n).collect()),
        Some(w) => {
            if w.len() != n {
                return Err(ModelError::LengthMismatch {
                    what: "weights".into(),
                    expected: n,
                    found: w.len(),
                });
            }
            if let Some((row, &value)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(ModelError::InvalidWeight { row, value });
            }
            let rows: Vec<usize> = (0..n).filter(|&i| w[i] > 0.0).collect();
            if rows.is_empty() {
                return Err(ModelError::ZeroTotalWeight);
            }
            Ok(rows)
        }
    }
}

/// Names the aliased columns; a must-keep column that is aliased, or that enters an aliased
/// column's combination, is an error naming both.
pub(crate) fn resolve_aliasing(
    design: &DesignMatrix,
    dropped_idx: &[(usize, Vec<usize>)],
) -> Result<Vec<DroppedColumn>, ModelError> {
    let names = design.names();
    let keep = design.must_keep();
    let mut dropped = Vec::new();
    for (j, with) in dropped_idx {
        let with_names: Vec<String> = with.iter().map(|&m| names[m].clone()).collect();
        if keep[*j] {
            return Err(ModelError::CollinearMustKeep {
                column: names[*j].clone(),
                collinear_with: with_names,
            });
        }
        if let Some(&mk) = with.iter().find(|&&m| keep[m]) {
            let mut others: Vec<String> = with
                .iter()
                .filter(|&&m| m != mk)
                .map(|&m| names[m].clone())
                .collect();
            others.insert(0, names[*j].clone());
            return Err(ModelError::CollinearMustKeep {
                column: names[mk].clone(),
                collinear_with: others,
            });
        }
        dropped.push(DroppedColumn {
            name: names[*j].clone(),
            index: *j,
            collinear_with: with_names,
        });
    }
    Ok(dropped)
}

/// R's aliasing rule on the `R` factor of the (weighted) design: returns the kept columns and,
/// for each dropped column, the kept columns before it that enter its combination.
///
/// `R` (from `X = QR`) carries all of `X`'s geometry: the QR of any column subset of `R` has the
/// same diagonal magnitudes as the QR of that subset of `X`. Column `j` is aliased when
/// `|R_jj| < tol · ‖x_j‖` in the QR of the columns kept so far plus `j`.
pub(crate) fn detect_aliased(
    r: MatRef<'_, f64>,
    norms: &[f64],
    tol: f64,
) -> (Vec<usize>, Vec<(usize, Vec<usize>)>) {
    let p = norms.len();
    let mut cand: Vec<usize> = (0..p).collect();
    let mut dropped = Vec::new();
    let mut rcur = Mat::from_fn(r.nrows(), p, |i, j| r[(i, j)]);
    loop {
        let bad = (0..cand.len())
            .find(|&j| j >= rcur.nrows() || rcur[(j, j)].abs() < tol * norms[cand[j]]);
        let Some(j) = bad else { break };
        let col = cand[j];
        let mut with = Vec::new();
        // (j >= rows: more columns than observations; no combination is reported)
        if j > 0 && j < r.nrows() {
            let a = Mat::from_fn(r.nrows(), j, |i, c| r[(i, cand[c])]);
            let b: Vec<f64> = (0..r.nrows()).map(|i| r[(i, col)]).collect();
            let gamma = lstsq_vec(a.as_ref(), &b);
            for c in 0..j {
                if (gamma[c] * norms[cand[c]]).abs() > 1e-6 * norms[col] {
                    with.push(cand[c]);
                }
            }
        }
        dropped.push((col, with));
        cand.remove(j);
        if cand.is_empty() {
            break;
        }
        let sub = Mat::from_fn(r.nrows(), cand.len(), |i, c| r[(i, cand[c])]);
        rcur = qr_r(sub.as_ref());
    }
    (cand, dropped)
}

impl OlsFit {
    /// Names of the estimated coefficients (aliased columns excluded).
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
    /// Origin of each estimated coefficient's column.
    pub fn origins(&self) -> &[ColumnOrigin] {
        &self.origins
    }
    /// Design-matrix index of each estimated coefficient.
    pub fn kept_columns(&self) -> &[usize] {
        &self.kept
    }
    /// Estimated coefficients, aligned with [`OlsFit::terms`].
    pub fn coefficients(&self) -> &[f64] {
        &self.coefficients
    }
    /// Index of the coefficient called `name`.
    pub fn term_index(&self, name: &str) -> Option<usize> {
        self.terms.iter().position(|t| t == name)
    }
    /// The coefficient called `name` (`None` if unknown or aliased).
    pub fn coef(&self, name: &str) -> Option<f64> {
        self.term_index(name).map(|j| self.coefficients[j])
    }
    /// Aliased columns (R's `NA` coefficients).
    pub fn dropped(&self) -> &[DroppedColumn] {
        &self.dropped
    }
    /// Notes for the user (one per aliased column).
    pub fn notes(&self) -> Vec<effekt_notes::Note> {
        self.dropped.iter().map(DroppedColumn::note).collect()
    }
    /// Fitted values `Xβ` for all `n` rows (also those with weight 0).
    pub fn fitted(&self) -> &[f64] {
        &self.fitted
    }
    /// Raw residuals `y − Xβ` for all `n` rows.
    pub fn residuals(&self) -> &[f64] {
        &self.residuals
    }
    /// Number of rows given.
    pub fn n(&self) -> usize {
        self.n
    }
    /// Number of rows with positive weight (all rows without weights).
    pub fn n_used(&self) -> usize {
        self.rows_used.len()
    }
    /// Indices of the rows with positive weight.
    pub fn rows_used(&self) -> &[usize] {
        &self.rows_used
    }
    /// Rank (number of estimated coefficients).
    pub fn rank(&self) -> usize {
        self.coefficients.len()
    }
    /// Residual degrees of freedom `n_used − rank − absorbed`.
    pub fn df_residual(&self) -> usize {
        self.n_used() - self.rank() - self.absorbed
    }
    /// Parameters absorbed before the fit (as given in [`OlsOptions::absorbed_df`]).
    pub fn absorbed_df(&self) -> usize {
        self.absorbed
    }
    /// `(X'WX)^{-1}` of the estimated coefficients.
    pub fn bread(&self) -> MatRef<'_, f64> {
        self.m.as_ref()
    }
    /// The variance estimate.
    pub fn vcov(&self) -> &Vcov {
        &self.vcov
    }
    /// The variance estimator used.
    pub fn estimator(&self) -> VarianceEstimator {
        self.vcov.estimator
    }
    /// Standard errors `√diag(V)`.
    pub fn std_errors(&self) -> Vec<f64> {
        (0..self.rank())
            .map(|j| self.vcov.matrix[(j, j)].sqrt())
            .collect()
    }
    /// Degrees of freedom per coefficient.
    pub fn df(&self) -> &[f64] {
        &self.vcov.df
    }
    /// Residual standard error `√(Σ w e² / (n − K))` (R's `sigma`).
    pub fn sigma(&self) -> f64 {
        let rss: f64 = self
            .e_used
            .iter()
            .enumerate()
            .map(|(i, e)| self.w_used.as_ref().map_or(1.0, |w| w[i]) * e * e)
            .sum();
        (rss / self.df_residual() as f64).sqrt()
    }
    /// `R²` and adjusted `R²` as R's `summary.lm` (weighted; centred when the design has an
    /// intercept).
    pub fn r_squared(&self) -> (f64, f64) {
        let w = |i: usize| self.w_used.as_ref().map_or(1.0, |w| w[i]);
        let nu = self.n_used();
        let fit: Vec<f64> = (0..nu).map(|i| self.y_used[i] - self.e_used[i]).collect();
        let rss: f64 = (0..nu).map(|i| w(i) * self.e_used[i].powi(2)).sum();
        let mss: f64 = if self.has_intercept {
            let sw: f64 = (0..nu).map(w).sum();
            let mean = (0..nu).map(|i| w(i) * fit[i]).sum::<f64>() / sw;
            (0..nu).map(|i| w(i) * (fit[i] - mean).powi(2)).sum()
        } else {
            (0..nu).map(|i| w(i) * fit[i].powi(2)).sum()
        };
        let r2 = mss / (mss + rss);
        let df_int = if self.has_intercept { 1.0 } else { 0.0 };
        let adj = 1.0 - (1.0 - r2) * ((nu as f64 - df_int) / self.df_residual() as f64);
        (r2, adj)
    }

    /// Recompute the variance with another estimator / clusters (the fit is reused).
    ///
    /// # Errors
    /// As [`ols`] for the variance part.
    pub fn with_vcov(
        &self,
        estimator: VarianceEstimator,
        clusters: Option<&[u32]>,
    ) -> Result<OlsFit, ModelError> {
        self.with_vcov_route(estimator, clusters, Cr2Route::Auto)
    }

    /// As [`OlsFit::with_vcov`] with an explicit CR2 route (for tests).
    ///
    /// # Errors
    /// As [`ols`] for the variance part.
    pub fn with_vcov_route(
        &self,
        estimator: VarianceEstimator,
        clusters: Option<&[u32]>,
        route: Cr2Route,
    ) -> Result<OlsFit, ModelError> {
        if let Some(c) = clusters
            && c.len() != self.n
        {
            return Err(ModelError::LengthMismatch {
                what: "clusters".into(),
                expected: self.n,
                found: c.len(),
            });
        }
        let clusters_used =
            clusters.map(|c| self.rows_used.iter().map(|&i| c[i]).collect::<Vec<u32>>());
        let vcov = vcov::compute(
            estimator,
            &VcovInput {
                x: self.x_used.as_ref(),
                l: self.l.as_ref(),
                w: self.w_used.as_deref(),
                e: &self.e_used,
                m: self.m.as_ref(),
                absorbed: self.absorbed,
                clusters: clusters_used.as_deref(),
                route,
            },
        )?;
        let mut out = self.clone();
        out.vcov = vcov;
        out.clusters_used = clusters_used;
        Ok(out)
    }

    /// Tidy coefficient table: t statistics, two-sided p-values and `level` confidence
    /// intervals `β̂ ± t_{df, (1+level)/2} · SE` with the estimator's df.
    ///
    /// # Errors
    /// [`ModelError::InvalidLevel`] unless `0 < level < 1`.
    pub fn tidy(&self, level: f64) -> Result<Vec<TidyRow>, ModelError> {
        check_level(level)?;
        let se = self.std_errors();
        (0..self.rank())
            .map(|j| {
                let t = dist::t_test(self.coefficients[j], se[j], self.vcov.df[j], level)?;
                Ok(TidyRow {
                    term: self.terms[j].clone(),
                    estimate: self.coefficients[j],
                    std_error: se[j],
                    statistic: t.statistic,
                    df: Some(self.vcov.df[j]),
                    p_value: t.p_value,
                    conf_low: t.conf_low,
                    conf_high: t.conf_high,
                })
            })
            .collect()
    }

    /// Degrees of freedom for the contrast `c'β` (`c` aligned with [`OlsFit::terms`]):
    /// Satterthwaite for CR2 (Bell & McCaffrey 2002; Imbens & Kolesár 2016), otherwise the
    /// estimator's fixed df.
    ///
    /// # Errors
    /// [`ModelError::BadContrast`] if `c` has the wrong length.
    pub fn contrast_df(&self, c: &[f64]) -> Result<f64, ModelError> {
        self.check_contrast(c)?;
        Ok(match (self.vcov.rule, &self.vcov.cr2) {
            (DfRule::Fixed(df), _) => df,
            (DfRule::Satterthwaite, Some(st)) => st.satterthwaite(c),
            (DfRule::Satterthwaite, None) => {
                return Err(ModelError::Numerical {
                    what: "CR2 state".into(),
                });
            }
        })
    }

    /// Test of `c'β = 0`: estimate, SE `√(c'Vc)`, t, df ([`OlsFit::contrast_df`]), p, CI.
    ///
    /// # Errors
    /// [`ModelError::BadContrast`], [`ModelError::InvalidLevel`].
    pub fn contrast(&self, c: &[f64], level: f64) -> Result<ContrastTest, ModelError> {
        check_level(level)?;
        let df = self.contrast_df(c)?;
        let est: f64 = c.iter().zip(&self.coefficients).map(|(a, b)| a * b).sum();
        let se = quad_form(self.vcov.matrix.as_ref(), c).max(0.0).sqrt();
        let t = dist::t_test(est, se, df, level)?;
        Ok(ContrastTest {
            estimate: est,
            std_error: se,
            statistic: t.statistic,
            df,
            p_value: t.p_value,
            conf_low: t.conf_low,
            conf_high: t.conf_high,
        })
    }

    /// Joint Wald test of `R β = r` (`restrictions` = rows of `R`, each aligned with
    /// [`OlsFit::terms`]; `r = 0` when `rhs` is `None`). See [`WaldTest`]; for CR2 also the HTZ
    /// test of clubSandwich.
    ///
    /// # Errors
    /// [`ModelError::BadContrast`], [`ModelError::SingularRestriction`].
    pub fn wald(
        &self,
        restrictions: &[Vec<f64>],
        rhs: Option<&[f64]>,
    ) -> Result<WaldTest, ModelError> {
        let q = restrictions.len();
        if q == 0 {
            return Err(ModelError::SingularRestriction { q });
        }
        for c in restrictions {
            self.check_contrast(c)?;
        }
        if let Some(r) = rhs
            && r.len() != q
        {
            return Err(ModelError::LengthMismatch {
                what: "Wald right-hand side".into(),
                expected: q,
                found: r.len(),
            });
        }
        let k = self.rank();
        let v = self.vcov.matrix.as_ref();
        let rv = Mat::from_fn(q, k, |a, j| {
            (0..k).map(|l| restrictions[a][l] * v[(l, j)]).sum::<f64>()
        });
        let rvr = Mat::from_fn(q, q, |a, b| {
            (0..k).map(|j| rv[(a, j)] * restrictions[b][j]).sum::<f64>()
        });
        let diff: Vec<f64> = (0..q)
            .map(|a| {
                restrictions[a]
                    .iter()
                    .zip(&self.coefficients)
                    .map(|(c, b)| c * b)
                    .sum::<f64>()
                    - rhs.map_or(0.0, |r| r[a])
            })
            .collect();
        // (R V R')^{-1} d by the eigendecomposition of the correlation form of R V R'
        // (scale-free: restrictions on coefficients of very different scales are fine); a
        // near-zero eigenvalue means dependent rows or a zero-variance restriction
        let sd: Vec<f64> = (0..q).map(|a| rvr[(a, a)].max(0.0).sqrt()).collect();
        if sd.iter().any(|&s| !(s > 0.0) || !s.is_finite()) {
            return Err(ModelError::SingularRestriction { q });
        }
        let corr = Mat::from_fn(q, q, |a, b| rvr[(a, b)] / (sd[a] * sd[b]));
        let (vals, vecs) = sym_eigen(corr.as_ref())?;
        if vals.iter().any(|&l| !(l > 1e-12)) {
            return Err(ModelError::SingularRestriction { q });
        }
        let proj: Vec<f64> = (0..q)
            .map(|c| (0..q).map(|a| vecs[(a, c)] * diff[a] / sd[a]).sum())
            .collect();
        let chi2: f64 = (0..q).map(|c| proj[c] * proj[c] / vals[c]).sum();
        let df1 = q as f64;
        let df2 = match self.vcov.rule {
            DfRule::Fixed(df) => df,
            DfRule::Satterthwaite => self.vcov.n_clusters.map_or(f64::NAN, |g| g as f64 - 1.0),
        };
        let f = chi2 / df1;
        let p_value = f_sf(f, df1, df2)?;
        let htz = match &self.vcov.cr2 {
            Some(st) => {
                let nu = st.htz_nu(restrictions)?;
                let delta = ((nu - df1 + 1.0) / nu).max(0.0);
                let df2h = nu - df1 + 1.0;
                let fh = delta * chi2 / df1;
                let p = if df2h > 0.0 {
                    Some(f_sf(fh, df1, df2h)?)
                } else {
                    None
                };
                Some(HtzTest {
                    f: fh,
                    delta,
                    df1,
                    df2: df2h,
                    p_value: p,
                })
            }
            None => None,
        };
        Ok(WaldTest {
            q,
            chi2,
            f,
            df1,
            df2,
            p_value,
            htz,
        })
    }

    /// Serializable summary (coefficients, SEs, df, vcov, fit statistics, dropped columns).
    pub fn summary(&self) -> OlsSummary {
        let k = self.rank();
        let (r2, adj) = self.r_squared();
        OlsSummary {
            terms: self.terms.clone(),
            coefficients: self.coefficients.clone(),
            std_errors: self.std_errors(),
            df: self.vcov.df.clone(),
            vcov: (0..k)
                .map(|i| (0..k).map(|j| self.vcov.matrix[(i, j)]).collect())
                .collect(),
            estimator: self.vcov.estimator,
            n: self.n,
            n_used: self.n_used(),
            rank: k,
            df_residual: self.df_residual(),
            n_clusters: self.vcov.n_clusters,
            sigma: self.sigma(),
            r_squared: r2,
            adj_r_squared: adj,
            dropped: self.dropped.clone(),
        }
    }

    fn check_contrast(&self, c: &[f64]) -> Result<(), ModelError> {
        if c.len() != self.rank() {
            return Err(ModelError::BadContrast {
                expected: self.rank(),
                found: c.len(),
            });
        }
        if let Some((row, &value)) = c.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ModelError::NonFinite {
                what: "contrast".into(),
                row,
                value,
            });
        }
        Ok(())
    }
}

pub(crate) fn check_level(level: f64) -> Result<(), ModelError> {
    crate::dist::check_level(level)
}

fn f_sf(f: f64, df1: f64, df2: f64) -> Result<f64, ModelError> {
    if !(df2 > 0.0) || f.is_nan() {
        return Ok(f64::NAN);
    }
    if f.is_infinite() {
        return Ok(0.0);
    }
    let d = FisherSnedecor::new(df1, df2).map_err(|_| ModelError::Numerical {
        what: "F distribution".into(),
    })?;
    Ok(d.sf(f.max(0.0)))
}
