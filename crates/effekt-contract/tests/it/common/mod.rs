//! Shared helpers for the integration tests.
#![allow(dead_code)]

use effekt_contract::{ContractConfig, OutcomeDraws, PointEstimate};
use effekt_testkit::Tol;
use serde::Deserialize;

/// A study file reduced to its `[contract]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Study {
    pub contract: ContractConfig,
}

/// Parse the `[contract]` table of a TOML study file.
pub fn parse(src: &str) -> ContractConfig {
    match toml::from_str::<Study>(src) {
        Ok(s) => s.contract,
        Err(e) => panic!("test TOML does not parse: {e}"),
    }
}

/// Draws of an outcome with only the effect.
pub fn effect_only<'a>(outcome: &'a str, point: f64, effect: &'a [f64]) -> OutcomeDraws<'a> {
    OutcomeDraws {
        outcome,
        point: PointEstimate {
            effect: point,
            treated_observed: None,
            treated_counterfactual: None,
        },
        effect,
        treated_observed: None,
        treated_counterfactual: None,
    }
}

/// The contract tests' tolerance: `tol` relative to the larger of `|a|`, `|b|` and 1.
pub fn tol(tol: f64) -> Tol {
    Tol::rel(tol).floor(1.0).symmetric()
}

/// Closeness under [`tol`].
pub fn close(a: f64, b: f64, t: f64) -> bool {
    effekt_testkit::close(a, b, tol(t))
}

#[track_caller]
pub fn assert_close(a: f64, b: f64, t: f64) {
    effekt_testkit::assert_close!(a, b, tol(t));
}
