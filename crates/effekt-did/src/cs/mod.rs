//! Callaway & Sant'Anna (2021) group-time average treatment effects for staggered adoption.

/// Errors of the Callaway–Sant'Anna estimator.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CsError {
    /// Placeholder until the estimator lands.
    #[error("{0}")]
    Invalid(String),
}
