//! The propensity-score model: logistic regression of treatment on the covariates (effekt-models
//! IRLS, step for step R's `glm(family = binomial)`), categorical covariates dummy-coded with
//! R's names.

use effekt_data::Covariate;
use effekt_models::{ColumnOrigin, DesignBuilder, DesignMatrix, LogitOptions, ModelError, logit};
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
    pub warnings: Vec<String>,
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

/// Fit `logit P(T = 1) = x'β` on the covariates.
pub(crate) fn fit_ps(covariates: &[Covariate], treat: &[bool], weights: Option<&[f64]>) -> Result<PsFit, MatchError> {
    let n = treat.len();
    let design = DesignBuilder::new(n)
        .intercept()
        .covariates(covariates)
        .build()
        .map_err(MatchError::PsModel)?;
    let y: Vec<f64> = treat.iter().map(|&t| f64::from(u8::from(t))).collect();
    let fit = logit(&design, &y, weights, &LogitOptions::default()).map_err(|e| match e {
        ModelError::Separation { kind, covariates } => MatchError::Separation {
            kind,
            covariates: covariates.iter().map(|c| describe_column(&design, c)).collect(),
        },
        other => MatchError::PsModel(other),
    })?;
    // x'β row by row in a fixed order, so that units with identical covariates get bit-identical
    // scores (exact ties stay ties whatever the row order).
    let cols: Vec<&[f64]> = fit
        .terms
        .iter()
        .filter_map(|t| design.index_of(t).and_then(|j| design.column(j)))
        .collect();
    if cols.len() != fit.terms.len() {
        return Err(MatchError::Numerical {
            what: "propensity-score model: a coefficient has no design column".into(),
            hint: "this is a bug; please report it".into(),
        });
    }
    let lp: Vec<f64> = (0..n)
        .map(|i| {
            let mut s = 0.0;
            for (c, b) in cols.iter().zip(&fit.coefficients) {
                s += c[i] * b;
            }
            s
        })
        .collect();
    let ps: Vec<f64> = lp.iter().map(|&e| linkinv(e)).collect();
    let mut warnings = fit.warnings.clone();
    warnings.extend(design.notes().iter().cloned());
    Ok(PsFit {
        model: PsModel {
            terms: fit.terms.clone(),
            coefficients: fit.coefficients.clone(),
            std_errors: fit.std_errors.clone(),
            dropped: fit.dropped.iter().map(|d| d.note()).collect(),
            iterations: fit.iterations,
            converged: fit.converged,
            deviance: fit.deviance,
            null_deviance: fit.null_deviance,
            warnings,
        },
        ps,
        lp,
        design,
    })
}
