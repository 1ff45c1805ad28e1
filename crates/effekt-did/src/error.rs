//! Errors of the DiD crate.

/// Everything that can go wrong in a difference-in-differences analysis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DidError {
    /// Errors of the Callaway–Sant'Anna estimator.
    #[error(transparent)]
    Cs(#[from] crate::cs::CsError),
}
