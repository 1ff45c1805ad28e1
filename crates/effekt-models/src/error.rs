//! The one error type of the regression layer.

use serde::{Deserialize, Serialize};

/// Kind of separation found in a logistic regression (Albert & Anderson 1984).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeparationKind {
    /// A linear combination of the covariates splits the outcome perfectly: every fitted
    /// probability goes to 0 or 1 and the likelihood has no maximum.
    Complete,
    /// As complete, except that some observations lie exactly on the separating hyperplane.
    QuasiComplete,
}

impl std::fmt::Display for SeparationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SeparationKind::Complete => f.write_str("complete"),
            SeparationKind::QuasiComplete => f.write_str("quasi-complete"),
        }
    }
}

/// Everything that can go wrong when building a design matrix or fitting a model.
///
/// Every message says what is wrong (with the column, row or count) and what to do.
/// Rows are 0-based indices into the vectors given to the function.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    #[error(
        "{what} has {found} value(s), expected {expected} (one per observation); pass vectors of equal length"
    )]
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },

    #[error(
        "{what}, row {row}: value {value} is not a finite number; remove or impute the row before fitting"
    )]
    NonFinite {
        what: String,
        row: usize,
        value: f64,
    },

    #[error(
        "{what}, row {row}: value {value:e} is too large in magnitude for least squares (|value| must be below 1e150, so that squares and cross-products stay finite); rescale the variable, e.g. divide it by 1,000 or use thousands as the unit"
    )]
    TooLarge {
        what: String,
        row: usize,
        value: f64,
    },

    #[error(
        "weights, row {row}: weight {value} is negative or not finite; weights must be finite and >= 0"
    )]
    InvalidWeight { row: usize, value: f64 },

    #[error("all weights are zero; at least one observation must have a positive weight")]
    ZeroTotalWeight,

    #[error(
        "the design matrix has no usable columns (none given, or all zero/aliased); add an intercept or a covariate"
    )]
    EmptyDesign,

    #[error("column name {name:?} appears twice in the design matrix; rename one")]
    DuplicateColumn { name: String },

    #[error("no column {term:?} in the model; available: {}", available.join(", "))]
    UnknownTerm {
        term: String,
        available: Vec<String>,
    },

    #[error(
        "categorical covariate {covariate:?}, row {row}: level code {code} but only {levels} level(s) exist"
    )]
    BadLevelCode {
        covariate: String,
        row: usize,
        code: u32,
        levels: usize,
    },

    #[error(
        "{n} observation(s) with positive weight but {rank} coefficient(s) to estimate; at least rank + 1 observations are needed (use fewer covariates or more data)"
    )]
    TooFewObservations { n: usize, rank: usize },

    #[error("column {column:?} must be kept but is perfectly collinear with {}; remove or recode the collinear covariate(s)", if collinear_with.is_empty() { "the other columns".to_string() } else { collinear_with.join(", ") })]
    CollinearMustKeep {
        column: String,
        collinear_with: Vec<String>,
    },

    #[error(
        "variance estimator {estimator} needs cluster identifiers; pass clusters or use an HC estimator"
    )]
    ClustersRequired { estimator: String },

    #[error(
        "variance estimator {estimator} is heteroskedasticity-robust without clusters, but clusters were given; use CR0, CR1 or CR2"
    )]
    ClustersNotUsed { estimator: String },

    #[error(
        "only {count} cluster(s) with positive weight; cluster-robust variance needs at least 2 (better 10 or more)"
    )]
    TooFewClusters { count: usize },

    #[error(
        "{estimator}: residual degrees of freedom n - k = {n} - {k} is not positive; use fewer covariates"
    )]
    NoResidualDf {
        estimator: String,
        n: usize,
        k: usize,
    },

    #[error(
        "observation {row} has leverage {leverage} (numerically 1); {estimator} is undefined — use HC0/HC1 or drop the observation"
    )]
    LeverageOne {
        estimator: String,
        row: usize,
        leverage: f64,
    },

    #[error(
        "contrast/restriction has {found} column(s) but the model has {expected} estimated coefficient(s)"
    )]
    BadContrast { expected: usize, found: usize },

    #[error(
        "the {q} restriction(s) are linearly dependent or have zero variance; drop redundant rows of the restriction matrix"
    )]
    SingularRestriction { q: usize },

    #[error(
        "confidence level {} must be between 1e-12 and 1 - 1e-12 (e.g. 0.95): beyond that the t and normal quantiles are not reliable in double precision", crate::dist::compact(*level)
    )]
    InvalidLevel { level: f64 },

    #[error(
        "{what}: probability {value:e} is outside [1e-15, 1 - 1e-15], where the quantile is computed reliably; use a significance level between 1e-12 and 1 - 1e-12"
    )]
    Probability { what: &'static str, value: f64 },

    #[error("option {option} = {value} is invalid: {expected}")]
    InvalidOption {
        option: String,
        value: String,
        expected: String,
    },

    #[error(
        "outcome, row {row}: value {value} is outside [0, 1]; logistic regression needs 0/1 outcomes (or proportions)"
    )]
    OutcomeNotProportion { row: usize, value: f64 },

    #[error(
        "outcome has only the value {value} among observations with positive weight; logistic regression needs both 0s and 1s"
    )]
    OutcomeConstant { value: f64 },

    #[error("{kind} separation: {} perfectly predict(s) the outcome, so the maximum-likelihood estimate does not exist (coefficients diverge); drop or merge {}, or use a penalised (Firth) model", covariates.join(" + "), if covariates.len() == 1 { "that covariate / its sparse categories" } else { "these covariates / their sparse categories" })]
    Separation {
        kind: SeparationKind,
        covariates: Vec<String>,
    },

    #[error(
        "{what} did not converge in {iterations} iteration(s) (last change {last_change:e}); raise the iteration limit or check the data"
    )]
    NotConverged {
        what: String,
        iterations: usize,
        last_change: f64,
    },

    #[error("numerical failure in {what}; the data may be badly scaled or degenerate")]
    Numerical { what: String },
}
