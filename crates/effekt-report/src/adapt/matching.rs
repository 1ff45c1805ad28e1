//! Matching and weighting designs (effekt-matching).
//!
//! The seam: when effekt-matching lands, [`estimate`] builds its config from
//! [`MatchingDesign`], fits it on `input.table` restricted to `input.prepared.rows` with the
//! covariates, and converts the fit: the ATT and its CI (pair-cluster SE or the matched-pair
//! bootstrap through [`super::bootstrap`]), the counterfactual (matched-control mean), the
//! matched and unmatched counts (warnings), the balance table into
//! [`OutcomeEstimate::balance`] with `balance_is_matching = true` (the report draws the love
//! plot from it), and IPW / AIPW on the same propensity model as
//! [`crate::model::AlternativeEstimate`]s.

use super::AdapterInput;
use crate::analysis::OutcomeEstimate;
use crate::error::ReportError;
use crate::study::MatchingDesign;

/// Whether the design is available in the report today.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] until effekt-matching is wired in.
pub fn available(_design: &MatchingDesign) -> Result<(), ReportError> {
    Err(ReportError::DesignNotAvailable {
        design: "design.kind = \"matching\"".into(),
        crate_name: "effekt-matching".into(),
        detail: "the matching estimators are not wired into the report yet".into(),
    })
}

/// Estimate one outcome with a matched or weighted comparison group.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] until effekt-matching is wired in.
pub fn estimate(
    _input: &AdapterInput<'_>,
    _design: &MatchingDesign,
) -> Result<OutcomeEstimate, ReportError> {
    available(_design)?;
    Err(ReportError::Internal(format!(
        "outcome `{}`: the design passed the availability check but has no estimator (a bug)",
        _input.prepared.outcome.column
    )))
}
