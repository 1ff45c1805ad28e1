//! The one error type of effekt-power. Every variant carries the offending value and says what
//! to do about it.

use crate::analytic::Parameter;

/// Everything that can go wrong in a power calculation, a synthetic-data generator or a
/// simulation run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PowerError {
    /// A probability (power, alpha, a proportion) outside the open interval (0, 1).
    #[error("{name} must be strictly between 0 and 1, got {value}")]
    Probability { name: &'static str, value: f64 },
    /// An intraclass correlation outside [0, 1).
    #[error("the intraclass correlation (ICC) must be in [0, 1), got {value}")]
    Icc { value: f64 },
    /// Any other parameter outside its valid range.
    #[error("{name} = {} is not valid: {reason}", compact(*value))]
    InvalidParameter {
        name: &'static str,
        value: f64,
        reason: String,
    },
    /// Not exactly one of the solvable quantities was left unknown.
    #[error(
        "exactly one of {} must be left out (it is the one solved for); unknown now: {}",
        candidates.join(", "),
        if unknown.is_empty() { "none".to_string() } else { unknown.join(", ") }
    )]
    Unknowns {
        candidates: Vec<&'static str>,
        unknown: Vec<&'static str>,
    },
    /// The requested power cannot be reached by varying the unknown quantity within its range.
    #[error(
        "no solution: {parameter} cannot reach power {target} (the highest power reachable is \
         {reachable:.6}, at {parameter} = {at}); {hint}"
    )]
    NoSolution {
        parameter: Parameter,
        target: f64,
        reachable: f64,
        at: f64,
        hint: String,
    },
    /// A numerical routine did not converge (reported, never hidden).
    #[error("numerical failure in {what}: {detail}")]
    Numerical { what: &'static str, detail: String },
    /// A simulation config that cannot be used.
    #[error("simulation config: {0}")]
    Config(String),
    /// Building the synthetic table failed (a bug: the generator builds consistent columns).
    #[error("building the synthetic table failed: {0}")]
    Table(String),
}

/// Shorthand.
pub type Result<T, E = PowerError> = std::result::Result<T, E>;

/// Check `0 < value < 1`.
pub(crate) fn check_probability(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(PowerError::Probability { name, value })
    }
}

/// Check a significance level: in `[1e-12, 1 − 1e-12]`
/// ([`effekt_models::dist::level_in_range`]), where the t and normal quantiles are reliable.
pub(crate) fn check_alpha(name: &'static str, value: f64) -> Result<f64> {
    if effekt_models::dist::level_in_range(value) {
        Ok(value)
    } else {
        Err(PowerError::InvalidParameter {
            name,
            value,
            reason: "a significance level must be between 1e-12 and 1 - 1e-12 (e.g. 0.05); \
                     beyond that the critical values are not reliable in double precision"
                .into(),
        })
    }
}

/// A number as written by a person: plain from 1e-6 up to 1e15 in magnitude, scientific beyond
/// (the plain form of 1e300 has 301 digits, that of 1e-300 302).
fn compact(x: f64) -> String {
    effekt_models::dist::compact(x)
}

/// Check `value > 0` and finite.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(PowerError::InvalidParameter {
            name,
            value,
            reason: "must be a finite number greater than 0".into(),
        })
    }
}

/// Check `value >= 0` and finite (a standard deviation or a coefficient of variation, where 0
/// means "no variation").
pub(crate) fn check_non_negative(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(PowerError::InvalidParameter {
            name,
            value,
            reason: "must be >= 0".into(),
        })
    }
}

/// Check a correlation in (-1, 1).
pub(crate) fn check_correlation(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > -1.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(PowerError::InvalidParameter {
            name,
            value,
            reason: "a correlation must be strictly between -1 and 1".into(),
        })
    }
}
