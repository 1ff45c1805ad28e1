//! Shared helpers for the integration tests.
#![allow(dead_code)]

use effekt_contract::{ContractConfig, OutcomeDraws, PointEstimate};
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

/// Relative/absolute closeness.
pub fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs()))
}

#[track_caller]
pub fn assert_close(a: f64, b: f64, tol: f64) {
    assert!(close(a, b, tol), "{a} != {b} (tol {tol})");
}
