//! Adapters: from each design's results to the report's [`crate::analysis::OutcomeEstimate`].
//!
//! One module per design. The runner calls [`estimate`] for every outcome; it dispatches on the
//! study's `[design]`:
//!
//! * `kind = "rct"` → [`rct::estimate`] (effekt-rct: difference in means, ANCOVA, Lin, blocks,
//!   clusters, randomisation inference, binary effect measures, bootstrap);
//! * `kind = "matching"` → [`matching::estimate`] (effekt-matching: nearest neighbour, CEM,
//!   IPW, AIPW, balance);
//! * `kind = "did"` → [`did::estimate`] (effekt-did: 2×2, TWFE, event study,
//!   Callaway–Sant'Anna, wild cluster bootstrap, Goodman-Bacon).
//!
//! Adapters hold no estimator of their own: every effect, standard error and interval comes
//! from the design crate. They decide what the report shows (which interval heads it, which
//! alternatives sit beside it) and, where a design crate does not return something the report
//! needs (the bootstrap replicates of a matched effect, the treated-mean draws for a contract),
//! they rebuild it from the design crate's output on the same resampling layout and say so in
//! their module docs. [`subgroup_estimate`] re-fits the design within a subgroup (matching and
//! DiD; randomised designs use the interaction regression of [`crate::analysis::subgroups`]).
//! [`bootstrap`] turns the resampling core's results into tidy rows, alternative intervals and
//! histogram data.

pub mod bootstrap;
pub mod did;
pub mod matching;
pub mod rct;

use crate::analysis::{OutcomeEstimate, Prepared};
use crate::error::ReportError;
use crate::study::{DesignConfig, Study};
use effekt_resample::ProgressFn;

/// Groups smaller than this get a small-sample warning.
pub const SMALL_GROUP: usize = 20;
/// Fewer clusters than this get a few-clusters warning.
pub const FEW_CLUSTERS: usize = 10;
/// With fewer clusters than this the headline interval of a randomised design is the CR2
/// interval, not the cluster bootstrap (which is unreliable with few clusters: Cameron,
/// Gelbach & Miller 2008).
pub const CLUSTER_BOOTSTRAP_MIN: usize = 20;

/// What an adapter gets for one outcome.
pub struct AdapterInput<'a> {
    /// The study (design options, inference settings).
    pub study: &'a Study,
    /// The whole table (designs that need more than the prepared rows, e.g. DiD panels).
    pub table: &'a effekt_data::Table,
    /// The analysis rows of this outcome.
    pub prepared: &'a Prepared,
    /// Whether the contract needs draws of the treated group's level for this outcome.
    pub want_treated_draws: bool,
    /// Language of the texts the adapter writes (method names, reasons, warnings).
    pub lang: crate::i18n::Language,
    /// Progress of the replicate loop.
    pub progress: Option<ProgressFn<'a>>,
}

/// Fail fast, before any data is read, when the study asks for a design (or an option) that the
/// report cannot run. Every design and option is available today; the check stays as the place
/// for options a design crate adds before the report supports them.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] naming the design option and the crate that will provide
/// it (none today).
pub fn check_available(study: &Study) -> Result<(), ReportError> {
    match &study.config.design {
        DesignConfig::Rct(d) => rct::available(d),
        DesignConfig::Matching(d) => matching::available(d),
        DesignConfig::Did(d) => did::available(d),
    }
}

/// Estimate one outcome under the study's design.
///
/// # Errors
/// The design crates' errors as [`ReportError::Estimation`] naming the outcome, and the data
/// layer's errors.
pub fn estimate(input: &AdapterInput<'_>) -> Result<OutcomeEstimate, ReportError> {
    match &input.study.config.design {
        DesignConfig::Rct(d) => rct::estimate(input, d),
        DesignConfig::Matching(d) => matching::estimate(input, d),
        DesignConfig::Did(d) => did::estimate(input, d),
    }
}

/// The effect within one subgroup level, re-estimated with the design (no bootstrap).
#[derive(Debug, Clone, PartialEq)]
pub struct SubEstimate {
    /// Treated units behind the estimate (matched treated; ever-treated units in a DiD).
    pub n_treated: usize,
    /// Comparison units behind it.
    pub n_control: usize,
    /// Observed treated mean.
    pub treated_mean: f64,
    /// Estimated counterfactual mean of the treated.
    pub counterfactual: f64,
    /// Effect.
    pub estimate: f64,
    /// Standard error.
    pub std_error: f64,
    /// df of the t reference (`None`: normal).
    pub df: Option<f64>,
    /// CI.
    pub conf_low: f64,
    /// CI.
    pub conf_high: f64,
    /// p-value.
    pub p_value: f64,
}

/// Re-fit the design's headline estimator on the rows of one subgroup level (`column` is the
/// subgroup column; matching drops it from the covariates, which makes the matching exact on
/// it). `None` for randomised designs, whose subgroups come from the interaction regression.
///
/// # Errors
/// The design crate's errors (too few units in the level, no matches, …); the caller turns them
/// into a note.
pub fn subgroup_estimate(
    study: &Study,
    table: &effekt_data::Table,
    prepared: &Prepared,
    column: &str,
) -> Option<Result<SubEstimate, ReportError>> {
    match &study.config.design {
        DesignConfig::Rct(_) => None,
        DesignConfig::Matching(d) => Some(matching::subgroup(study, d, prepared, column)),
        DesignConfig::Did(d) => Some(did::subgroup(study, d, table, prepared)),
    }
}
