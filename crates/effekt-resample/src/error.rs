//! Errors of the resampling core.

/// What can go wrong when resampling. Messages say what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ResampleError {
    /// Fewer observations than the scheme needs.
    #[error("{what}: {count} observation(s), at least {min} are needed")]
    TooFew {
        what: String,
        count: usize,
        min: usize,
    },
    /// The number of resamples is too small (a bootstrap needs 2 for a standard error, a
    /// permutation test 1) or too large.
    #[error("the number of resamples must be between {min} and {max}, got {got}")]
    Resamples { got: usize, min: usize, max: usize },
    /// The confidence level is not in `[1e-12, 1 − 1e-12]`.
    #[error("confidence level must be between 1e-12 and 1 - 1e-12 (e.g. 0.95), got {}", compact(*.0))]
    Level(f64),
    /// Input arrays of different lengths.
    #[error("{what}: expected {expected} values, got {got}")]
    Length {
        what: String,
        expected: usize,
        got: usize,
    },
    /// A non-finite value in the data.
    #[error("{what}: value at position {index} is not finite ({value})")]
    NonFinite {
        what: String,
        index: usize,
        value: f64,
    },
    /// The statistic is not finite on the original data.
    #[error(
        "the statistic is not finite on the original data ({0}); check for empty groups or a zero denominator"
    )]
    EstimateNotFinite(f64),
    /// Too many replicates gave a non-finite statistic.
    #[error(
        "{nonfinite} of {resamples} bootstrap replicates gave a non-finite statistic (more than the allowed {allowed}); the statistic is unstable under resampling (e.g. a zero denominator or an empty group): use a stratified scheme or a different statistic"
    )]
    TooManyNonFinite {
        nonfinite: usize,
        resamples: usize,
        allowed: usize,
    },
    /// Fewer than two replicates gave a finite statistic: no standard error or interval.
    #[error(
        "only {finite} of {resamples} bootstrap replicates gave a finite statistic; at least 2 are needed for a standard error and intervals: use more resamples (e.g. 2,000)"
    )]
    TooFewFinite { finite: usize, resamples: usize },
    /// A group code outside the declared number of groups.
    #[error(
        "{what}: group code {code} at position {index} is not below the number of groups {n_groups}"
    )]
    GroupCode {
        what: String,
        index: usize,
        code: u32,
        n_groups: usize,
    },
    /// An option that does not fit this statistic or scheme.
    #[error("{0}")]
    Invalid(String),
}

/// A number as a message shows it: scientific notation beyond 1e-6 … 1e15 in magnitude (the
/// plain form of 1e-300 has 302 characters).
fn compact(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}
