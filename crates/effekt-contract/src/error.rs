//! The crate's error type.

use thiserror::Error;

/// Everything that can go wrong when checking contract terms or evaluating them on draws.
///
/// Configuration errors carry `key`, the dotted path of the offending entry in the study file
/// (e.g. `contract.components[2].funded_by`; array positions are 0-based, in file order), so the
/// caller can point at the line. Use [`ContractError::key`] to get it.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum ContractError {
    /// Shares that must sum to 1 do not.
    #[error(
        "{key}: {what} sum to {shown} ({percent} %), not 1 (100 %){hint}; correct the shares so they add up to exactly 1",
        shown = short(*sum),
        percent = short(sum * 100.0),
        hint = if (*sum - 100.0).abs() < 1e-6 { " — they look like percentages: write 0.4, not 40" } else { "" }
    )]
    SharesDoNotSumToOne {
        /// Offending key.
        key: String,
        /// What the shares are, e.g. "funding shares".
        what: String,
        /// Their sum.
        sum: f64,
    },
    /// An amount, rate, share or scale is negative (or not positive where it must be).
    #[error("{key}: {value} is not allowed; {requirement}")]
    InvalidNumber {
        /// Offending key.
        key: String,
        /// The value given.
        value: f64,
        /// What the value must be, e.g. "must be zero or positive".
        requirement: String,
    },
    /// A cap or share above 100 %.
    #[error("{key}: {value} ({percent} %) is above 100 %; a share or cap is a fraction between 0 and 1", percent = short(value * 100.0))]
    AboveOneHundredPercent {
        /// Offending key.
        key: String,
        /// The value given.
        value: f64,
    },
    /// Neither or both of `share` and `amount` were given.
    #[error("{key}: give exactly one of `share` (fraction of total_cost) and `amount` ({found})")]
    ShareOrAmount {
        /// Offending key.
        key: String,
        /// What was found: "neither" or "both".
        found: String,
    },
    /// A threshold (or rate card, split member, savings rule) refers to an outcome the study does
    /// not define.
    #[error(
        "{key}: outcome `{outcome}` is not defined in the study (defined: {defined}); use one of the study's outcome names"
    )]
    UnknownOutcome {
        /// Offending key.
        key: String,
        /// The outcome named.
        outcome: String,
        /// The outcomes that are defined, comma-separated.
        defined: String,
    },
    /// A reference to a party that is not in `contract.parties`.
    #[error("{key}: party `{party}` is not listed in contract.parties; add it or fix the id")]
    UnknownParty {
        /// Offending key.
        key: String,
        /// The id named.
        party: String,
    },
    /// A reference to a threshold that is not in `contract.thresholds`.
    #[error(
        "{key}: threshold `{threshold}` is not listed in contract.thresholds; add it or fix the id"
    )]
    UnknownThreshold {
        /// Offending key.
        key: String,
        /// The id named.
        threshold: String,
    },
    /// Two entries share an id, or a cap is given twice for the same party and side.
    #[error("{key}: `{id}` is defined twice; ids must be unique")]
    Duplicate {
        /// Offending key.
        key: String,
        /// The duplicated id.
        id: String,
    },
    /// A list that must not be empty is empty.
    #[error("{key}: must not be empty")]
    Empty {
        /// Offending key.
        key: String,
    },
    /// A component has no `funded_by` and the contract has no default `funded_by`.
    #[error("{key}: no funding given; add `funded_by` here or a default `funded_by` in [contract]")]
    MissingFunding {
        /// Offending key.
        key: String,
    },
    /// A contract setting that is inconsistent with another one.
    #[error("{key}: {message}")]
    Inconsistent {
        /// Offending key.
        key: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// Probabilities or expected payments were requested from zero draws.
    #[error(
        "outcome `{outcome}`: no draws were given; probabilities and expected payments need at least one bootstrap (or posterior) draw"
    )]
    NoDraws {
        /// Outcome with the empty draw vector.
        outcome: String,
    },
    /// Draw vectors of different lengths (they must be in replicate order, one value per
    /// replicate, for every outcome).
    #[error(
        "outcome `{outcome}`, {series}: {found} draws, expected {expected} (all draw vectors must hold one value per replicate, in replicate order)"
    )]
    DrawCountMismatch {
        /// Outcome.
        outcome: String,
        /// Which series: effect, treated_observed or treated_counterfactual.
        series: String,
        /// Expected count.
        expected: usize,
        /// Count found.
        found: usize,
    },
    /// NaN or infinite draws (never dropped silently).
    #[error(
        "outcome `{outcome}`, {series}: {count} non-finite draws (NaN or infinite), first at replicate {first_index}; fix or drop the failed replicates upstream and report how many"
    )]
    NonFiniteDraws {
        /// Outcome.
        outcome: String,
        /// Which series.
        series: String,
        /// How many draws are not finite.
        count: usize,
        /// Index of the first one.
        first_index: usize,
    },
    /// A point estimate is NaN or infinite.
    #[error("outcome `{outcome}`, {series}: point estimate {value} is not finite")]
    NonFinitePoint {
        /// Outcome.
        outcome: String,
        /// Which series.
        series: String,
        /// The value.
        value: f64,
    },
    /// The contract needs draws of an outcome (or of one of its series) that were not given.
    #[error("outcome `{outcome}`: the contract needs {series} but it was not supplied; {hint}")]
    MissingOutcomeData {
        /// Outcome.
        outcome: String,
        /// Which series.
        series: String,
        /// What to do.
        hint: String,
    },
    /// The same outcome was supplied twice.
    #[error("outcome `{outcome}` was supplied twice; give each outcome's draws once")]
    DuplicateOutcomeData {
        /// Outcome.
        outcome: String,
    },
    /// Bad evaluation options (level, bins, draw index).
    #[error("{option}: {message}")]
    InvalidOption {
        /// Option name.
        option: String,
        /// What is wrong.
        message: String,
    },
}

/// A number rounded to 10 decimals without trailing zeros (0.8999999999999999 → "0.9").
fn short(x: f64) -> String {
    if !x.is_finite() {
        return x.to_string();
    }
    let s = format!("{x:.10}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

impl ContractError {
    /// The study-file key the error is about, when it is a configuration error.
    pub fn key(&self) -> Option<&str> {
        match self {
            ContractError::SharesDoNotSumToOne { key, .. }
            | ContractError::InvalidNumber { key, .. }
            | ContractError::AboveOneHundredPercent { key, .. }
            | ContractError::ShareOrAmount { key, .. }
            | ContractError::UnknownOutcome { key, .. }
            | ContractError::UnknownParty { key, .. }
            | ContractError::UnknownThreshold { key, .. }
            | ContractError::Duplicate { key, .. }
            | ContractError::Empty { key }
            | ContractError::MissingFunding { key }
            | ContractError::Inconsistent { key, .. } => Some(key),
            _ => None,
        }
    }
}
