//! Difference-in-differences designs (effekt-did).
//!
//! The seam: when effekt-did lands, [`estimate`] fits the chosen method on the whole panel
//! (`input.table`, columns `data.unit`, `data.time`, treatment or `design.first_treated`) and
//! converts: the headline (TWFE coefficient; the simple aggregation for Callaway–Sant'Anna), the
//! counterfactual by period into [`crate::analysis::Prepared::trajectory`]-like points
//! (observed treated mean and observed − effect), the event-study coefficients into
//! [`OutcomeEstimate::event_study`], the joint pre-trend Wald test into
//! [`OutcomeEstimate::pre_trend`], the wild cluster bootstrap p-value / CI and TWFE vs
//! Callaway–Sant'Anna as [`crate::model::AlternativeEstimate`]s.

use super::AdapterInput;
use crate::analysis::OutcomeEstimate;
use crate::error::ReportError;
use crate::study::DidDesign;

/// Whether the design is available in the report today.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] until effekt-did is wired in.
pub fn available(_design: &DidDesign) -> Result<(), ReportError> {
    Err(ReportError::DesignNotAvailable {
        design: "design.kind = \"did\"".into(),
        crate_name: "effekt-did".into(),
        detail: "the difference-in-differences estimators are not wired into the report yet".into(),
    })
}

/// Estimate one outcome with a difference-in-differences design.
///
/// # Errors
/// [`ReportError::DesignNotAvailable`] until effekt-did is wired in.
pub fn estimate(
    _input: &AdapterInput<'_>,
    _design: &DidDesign,
) -> Result<OutcomeEstimate, ReportError> {
    available(_design)?;
    Err(ReportError::Internal(format!(
        "outcome `{}`: the design passed the availability check but has no estimator (a bug)",
        _input.prepared.outcome.column
    )))
}
