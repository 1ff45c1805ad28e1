//! Adapters: from each design's results to the report's [`crate::analysis::OutcomeEstimate`].
//!
//! One module per design. The runner calls [`estimate`] for every outcome; it dispatches on the
//! study's `[design]`:
//!
//! * `kind = "rct"` → [`rct::estimate`]: the difference in means computed here
//!   ([`crate::analysis::dim`]); ANCOVA, Lin, blocks and randomisation inference will come from
//!   effekt-rct through [`rct::from_rct_fit`]'s seam;
//! * `kind = "matching"` → [`matching::estimate`] (effekt-matching);
//! * `kind = "did"` → [`did::estimate`] (effekt-did).
//!
//! An adapter returns [`crate::ReportError::DesignNotAvailable`] until its crate is wired in,
//! so a study asks for nothing the report would silently replace by something else.
//! [`bootstrap`] turns the resampling core's results into tidy rows, alternative intervals and
//! histogram data; every adapter uses it.

pub mod bootstrap;
pub mod did;
pub mod matching;
pub mod rct;

use crate::analysis::{OutcomeEstimate, Prepared};
use crate::error::ReportError;
use crate::study::{DesignConfig, Study};
use effekt_resample::ProgressFn;

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

/// Fail fast, before any data is read, when the study asks for a design (or an option) that is
/// not wired into the report yet.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] naming the design option and the crate that will provide
/// it.
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
/// [`ReportError::DesignNotAvailable`] for designs not wired in yet, and the estimators' errors.
pub fn estimate(input: &AdapterInput<'_>) -> Result<OutcomeEstimate, ReportError> {
    match &input.study.config.design {
        DesignConfig::Rct(d) => rct::estimate(input, d),
        DesignConfig::Matching(d) => matching::estimate(input, d),
        DesignConfig::Did(d) => did::estimate(input, d),
    }
}
