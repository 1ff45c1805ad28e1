//! The one error type of the matching layer.

use effekt_models::{ModelError, SeparationKind};

/// Everything that can go wrong when building a comparison group or estimating the effect.
/// Every message says what is wrong (with the covariate, count or value) and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// An option out of range.
    #[error("option {option} = {value} is invalid: {expected}")]
    InvalidOption {
        option: String,
        value: String,
        expected: String,
    },

    /// A combination of options that is not defined.
    #[error("{what} is not supported: {hint}")]
    Unsupported { what: String, hint: String },

    /// A role the analysis needs is not in the data set.
    #[error("the data set has no {role} column; name it (e.g. --{role} COLUMN)")]
    MissingRole { role: String },

    /// A covariate named in the configuration is not among the data set's covariates.
    #[error("covariate {name:?} is not among the selected covariates ({}); add it to --covariates", available.join(", "))]
    UnknownCovariate {
        name: String,
        available: Vec<String>,
    },

    /// No covariates to match on.
    #[error("no covariates to match on; name them with --covariates a,b,c")]
    NoCovariates,

    /// A covariate with one value among the analysed rows.
    #[error(
        "covariate {covariate:?} has the same value ({value}) in all {count} analysed rows; it cannot predict treatment nor be balanced — remove it from --covariates"
    )]
    ConstantCovariate {
        covariate: String,
        value: String,
        count: usize,
    },

    /// A covariate that must be numeric (caliper, CEM cut points) is categorical.
    #[error("{what} needs a numeric covariate, but {covariate:?} is categorical; {hint}")]
    NotNumeric {
        covariate: String,
        what: String,
        hint: String,
    },

    /// Perfect (complete or quasi-complete) separation in the propensity-score model.
    #[error("{kind} separation in the propensity-score model: {} perfectly predict(s) treatment, so the propensity score is 0 or 1 for some units and no comparable controls exist for them; drop or coarsen {}, match exactly on it (--exact), or restrict the sample to units that can be compared", covariates.join(" + "), if covariates.len() == 1 { "that covariate" } else { "these covariates" })]
    Separation {
        kind: SeparationKind,
        /// Covariates (with the level for a dummy) that separate.
        covariates: Vec<String>,
    },

    /// Any other failure of the propensity-score model.
    #[error("propensity-score model: {0}")]
    PsModel(ModelError),

    /// Not enough controls for k:1 matching without replacement.
    #[error("{ratio}:1 matching without replacement needs {needed} {pool} units for {focal_count} {focal} units, but only {available} are available{}; use --replace, a smaller --ratio{}", if discarded > &0 { format!(" ({discarded} were discarded outside common support)") } else { String::new() }, if focal == "treated" { ", or --estimand atc" } else { "" })]
    TooFewControls {
        ratio: usize,
        needed: usize,
        available: usize,
        discarded: usize,
        focal_count: usize,
        /// Name of the focal group ("treated" or "control").
        focal: String,
        /// Name of the group matches are drawn from.
        pool: String,
    },

    /// The caliper (or exact matching) leaves no focal unit with a match.
    #[error("{what} leaves no {focal} unit with a match: all {dropped} {focal} units were dropped{}; use a wider caliper{}", width.map(|w| format!(" (caliper width {w:.6} on the distance scale)")).unwrap_or_default(), suggestion.as_ref().map(|s| format!(", e.g. {s}")).unwrap_or_default())]
    NoneMatched {
        what: String,
        focal: String,
        dropped: usize,
        width: Option<f64>,
        suggestion: Option<String>,
    },

    /// CEM found no stratum with both treated and control units.
    #[error(
        "coarsened exact matching found no stratum with both treated and control units ({strata} strata); coarsen further (fewer bins with --cutpoints) or match on fewer covariates"
    )]
    CemNoMatches { strata: usize },

    /// Common-support discard removed every unit of a group.
    #[error(
        "common-support discard (--discard {option}) removed every {group} unit; the groups' propensity scores do not overlap — use --discard none and look at the balance table"
    )]
    DiscardedAll { option: String, group: String },

    /// The outcome model after matching failed.
    #[error("effect estimation: {0}")]
    Effect(ModelError),

    /// The bootstrap failed.
    #[error("bootstrap: {0}")]
    Bootstrap(effekt_resample::ResampleError),

    /// A numerical problem (singular covariance, non-finite value) that the data cause.
    #[error("{what}; {hint}")]
    Numerical { what: String, hint: String },
}
