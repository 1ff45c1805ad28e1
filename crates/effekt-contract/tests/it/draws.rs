//! Threshold probabilities are exactly the empirical shares (ties included), and bad draws are
//! errors that say what is wrong (never dropped silently).

use crate::common;

use common::{effect_only, parse};
use effekt_contract::{
    At, ContractError, DrawSource, EvaluateOptions, OutcomeDraws, PointEstimate,
};

/// One threshold per direction, all at 0.1, on an outcome whose draws repeat 0.1 exactly.
const FOUR: &str = r#"
[contract]
currency = "SEK"
total_cost = 1.0
funded_by = [{ party = "m", share = 1.0 }]
parties = [{ id = "m", role = "outcome_payer" }, { id = "p", role = "provider" }]
thresholds = [
    { id = "ge", outcome = "y", quantity = "effect", direction = "at_least", value = 0.1 },
    { id = "gt", outcome = "y", quantity = "effect", direction = "above", value = 0.1 },
    { id = "le", outcome = "y", quantity = "effect", direction = "at_most", value = 0.1 },
    { id = "lt", outcome = "y", quantity = "effect", direction = "below", value = 0.1 },
    { id = "red", outcome = "y", quantity = "reduction", direction = "at_least", value = -0.1 },
]
components = [{ kind = "outcome_linked", id = "o", payee = "p", share = 1.0, payout = { kind = "all_or_nothing", thresholds = ["ge"] } }]
"#;

#[test]
fn ties_follow_the_direction() {
    let contract = parse(FOUR).validate(&["y"]).unwrap();
    // 0.1 appears 3 times; 2 values below, 2 above.
    let e = [0.1, 0.05, 0.1, 0.2, -0.3, 0.1, 0.15];
    let ev = contract
        .evaluate(&[effect_only("y", 0.1, &e)], &EvaluateOptions::default())
        .unwrap();
    let n_met: Vec<u64> = ev.thresholds.iter().map(|t| t.n_met).collect();
    // ≥: 3 ties + 2 above = 5; >: 2; ≤: 3 + 2 = 5; <: 2; reduction −e ≥ −0.1 ⇔ e ≤ 0.1: 5.
    assert_eq!(n_met, [5, 2, 5, 2, 5]);
    for t in &ev.thresholds {
        assert_eq!(t.n_draws, 7);
        assert_eq!(t.probability, t.n_met as f64 / 7.0);
    }
    let point: Vec<bool> = ev.thresholds.iter().map(|t| t.point_met).collect();
    assert_eq!(point, [true, false, true, false, true]);
    assert!(ev.interpretation.contains("not a Bayesian posterior"));
    assert_eq!(ev.source, DrawSource::Bootstrap);
}

#[test]
fn other_sources_change_the_interpretation() {
    let contract = parse(FOUR).validate(&["y"]).unwrap();
    let e = [0.2];
    let o = EvaluateOptions {
        source: DrawSource::Posterior,
        ..EvaluateOptions::default()
    };
    let ev = contract.evaluate(&[effect_only("y", 0.1, &e)], &o).unwrap();
    assert!(ev.interpretation.contains("posterior probability"));
    assert_eq!(ev.n_draws, 1);
}

#[test]
fn zero_draws_is_an_error() {
    let contract = parse(FOUR).validate(&["y"]).unwrap();
    let e: [f64; 0] = [];
    let err = contract
        .evaluate(&[effect_only("y", 0.1, &e)], &EvaluateOptions::default())
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::NoDraws {
            outcome: "y".into()
        }
    );
}

#[test]
fn non_finite_draws_are_counted_not_dropped() {
    let contract = parse(FOUR).validate(&["y"]).unwrap();
    let e = [0.1, f64::NAN, 0.2, f64::INFINITY, f64::NAN];
    let err = contract
        .evaluate(&[effect_only("y", 0.1, &e)], &EvaluateOptions::default())
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::NonFiniteDraws {
            outcome: "y".into(),
            series: "effect".into(),
            count: 3,
            first_index: 1
        }
    );
    assert!(err.to_string().contains("3 non-finite draws"));
    let err = contract
        .evaluate(
            &[effect_only("y", f64::NAN, &[0.1])],
            &EvaluateOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::NonFinitePoint { .. }));
}

#[test]
fn draw_vectors_must_align() {
    let src = FOUR.replace(
        "{ id = \"red\", outcome = \"y\"",
        "{ id = \"z\", outcome = \"z\", quantity = \"treated_observed\", direction = \"at_least\", value = 0.5 },\n    { id = \"red\", outcome = \"y\"",
    );
    let contract = parse(&src).validate(&["y", "z"]).unwrap();
    let y = [0.1, 0.2, 0.3];
    let z = [0.1, 0.2];
    let with_obs = |point: Option<f64>, obs: Option<&'static [f64]>| OutcomeDraws {
        outcome: "z",
        point: PointEstimate {
            effect: 0.1,
            treated_observed: point,
            treated_counterfactual: None,
        },
        effect: &z,
        treated_observed: obs,
        treated_counterfactual: None,
    };
    static ZO: [f64; 2] = [0.6, 0.4];
    let err = contract
        .evaluate(
            &[effect_only("y", 0.1, &y), with_obs(Some(0.5), Some(&ZO))],
            &EvaluateOptions::default(),
        )
        .unwrap_err();
    assert_eq!(
        err,
        ContractError::DrawCountMismatch {
            outcome: "z".into(),
            series: "effect".into(),
            expected: 3,
            found: 2
        }
    );
    // Observed draws needed but missing.
    let err = contract
        .evaluate(
            &[effect_only("y", 0.1, &y[..2]), with_obs(Some(0.5), None)],
            &EvaluateOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(err, ContractError::MissingOutcomeData { ref outcome, .. } if outcome == "z"),
        "{err:?}"
    );
    // Observed point needed but missing.
    let err = contract
        .evaluate(
            &[effect_only("y", 0.1, &y[..2]), with_obs(None, Some(&ZO))],
            &EvaluateOptions::default(),
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("treated_observed point estimate"),
        "{err}"
    );
    // Outcome missing altogether.
    let err = contract
        .evaluate(&[effect_only("y", 0.1, &y)], &EvaluateOptions::default())
        .unwrap_err();
    assert!(matches!(err, ContractError::MissingOutcomeData { ref outcome, .. } if outcome == "z"));
    // Supplied twice.
    let err = contract
        .evaluate(
            &[effect_only("y", 0.1, &y), effect_only("y", 0.1, &y)],
            &EvaluateOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, ContractError::DuplicateOutcomeData { .. }));
    // Aligned: fine.
    let ok = contract
        .evaluate(
            &[
                effect_only("y", 0.1, &y[..2]),
                with_obs(Some(0.5), Some(&ZO)),
            ],
            &EvaluateOptions::default(),
        )
        .unwrap();
    assert_eq!(ok.thresholds[4].n_met, 1);
}

#[test]
fn bad_options() {
    let contract = parse(FOUR).validate(&["y"]).unwrap();
    let e = [0.1];
    let d = [effect_only("y", 0.1, &e)];
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        let o = EvaluateOptions {
            level,
            ..EvaluateOptions::default()
        };
        assert!(matches!(
            contract.evaluate(&d, &o),
            Err(ContractError::InvalidOption { .. })
        ));
    }
    let o = EvaluateOptions {
        histogram_bins: 0,
        ..EvaluateOptions::default()
    };
    assert!(contract.evaluate(&d, &o).is_err());
    let bound = contract.bind(&d).unwrap();
    assert!(bound.payments(At::Draw(1)).is_err());
    assert!(bound.payments(At::Draw(0)).is_ok());
}

/// A contract of fixed payments only needs no outcome, but still needs the number of draws.
#[test]
fn fixed_only_contract() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 10.0
        funded_by = [{ party = "m", share = 1.0 }]
        parties = [{ id = "m", role = "outcome_payer" }, { id = "p", role = "provider" }]
        components = [{ kind = "fixed", id = "f", payee = "p", share = 1.0 }]
        "#,
    );
    let contract = cfg.validate(&[]).unwrap();
    assert!(matches!(
        contract.evaluate(&[], &EvaluateOptions::default()),
        Err(ContractError::NoDraws { .. })
    ));
    let e = [0.0, 1.0, 2.0];
    let ev = contract
        .evaluate(&[effect_only("y", 0.0, &e)], &EvaluateOptions::default())
        .unwrap();
    let p = ev.parties[1].received.as_ref().unwrap();
    assert_eq!(
        (p.mean, p.conf_low, p.conf_high, p.point),
        (10.0, 10.0, 10.0, 10.0)
    );
    assert_eq!(ev.n_draws, 3);
}

/// Serialised evaluation is stable (no run-dependent content) and round-trips through JSON.
#[test]
fn evaluation_serialises_deterministically() {
    let contract = parse(FOUR).validate(&["y"]).unwrap();
    let e: Vec<f64> = (0..101).map(|i| (i as f64 - 50.0) / 250.0).collect();
    let d = [effect_only("y", 0.1, &e)];
    let a = serde_json::to_string(&contract.evaluate(&d, &EvaluateOptions::default()).unwrap())
        .unwrap();
    let b = serde_json::to_string(&contract.evaluate(&d, &EvaluateOptions::default()).unwrap())
        .unwrap();
    assert_eq!(a, b);
    // Parses back (serde_json without `float_roundtrip` may move the last bit of a float, so
    // only the structure and the integers are compared).
    let back: effekt_contract::ContractEvaluation = serde_json::from_str(&a).unwrap();
    assert_eq!(back.n_draws, 101);
    assert_eq!(
        back.thresholds.iter().map(|t| t.n_met).collect::<Vec<_>>(),
        [26, 25, 76, 75, 76]
    );
    assert!(
        back.interval_method
            .contains("2.5th and 97.5th percentiles"),
        "{}",
        back.interval_method
    );
}
