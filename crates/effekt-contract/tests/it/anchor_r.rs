//! Against R: bootstrap draws from `boot` (1.3-28.1), threshold shares and payments computed in
//! R, vectorised, by `tests/fixtures/scripts/contract_anchor.R` (fixture
//! `tests/fixtures/contract_anchor.json`). Counts must agree exactly (the draws include many
//! ties at the thresholds, some of which fall a rounding error below them); means and type-7
//! quantiles to 1e-9 relative.

use crate::common;

use common::{assert_close, parse};
use effekt_contract::{EvaluateOptions, OutcomeDraws, PaymentSummary, PointEstimate};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/contract_anchor.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A 17-significant-digit string, parsed exactly.
fn num(v: &Value) -> f64 {
    v.as_str().unwrap().parse().unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn check(s: &PaymentSummary, e: &Value, low: &str, high: &str, what: &str) {
    let f = |k: &str| e[k].as_f64().unwrap_or_else(|| panic!("{what}: no {k}"));
    for (got, key) in [
        (s.mean, "mean"),
        (s.min, "min"),
        (s.max, "max"),
        (s.point, "point"),
    ] {
        assert!(
            common::close(got, f(key), 1e-9),
            "{what} {key}: {got} vs R {}",
            f(key)
        );
    }
    assert!(
        common::close(s.conf_low, f(low), 1e-9),
        "{what} {low}: {} vs R {}",
        s.conf_low,
        f(low)
    );
    assert!(
        common::close(s.conf_high, f(high), 1e-9),
        "{what} {high}: {} vs R {}",
        s.conf_high,
        f(high)
    );
}

#[test]
fn matches_r_anchor() {
    let fx = fixture();
    let cfg = parse(fx["contract_toml"].as_str().unwrap());
    let contract = cfg
        .validate(&["closed_lower", "plan_goals", "cost"])
        .unwrap();

    let o = &fx["outcomes"];
    let closed_e = nums(&o["closed_lower"]["effect"]);
    let closed_o = nums(&o["closed_lower"]["treated_observed"]);
    let goals_e = nums(&o["plan_goals"]["effect"]);
    let goals_o = nums(&o["plan_goals"]["treated_observed"]);
    let cost_e = nums(&o["cost"]["effect"]);
    let n = fx["n_draws"].as_u64().unwrap() as usize;
    assert_eq!(closed_e.len(), n);
    let draws = [
        OutcomeDraws {
            outcome: "closed_lower",
            point: PointEstimate {
                effect: num(&o["closed_lower"]["point_effect"]),
                treated_observed: Some(num(&o["closed_lower"]["point_observed"])),
                treated_counterfactual: None,
            },
            effect: &closed_e,
            treated_observed: Some(&closed_o),
            treated_counterfactual: None,
        },
        OutcomeDraws {
            outcome: "plan_goals",
            point: PointEstimate {
                effect: num(&o["plan_goals"]["point_effect"]),
                treated_observed: Some(num(&o["plan_goals"]["point_observed"])),
                treated_counterfactual: None,
            },
            effect: &goals_e,
            treated_observed: Some(&goals_o),
            treated_counterfactual: None,
        },
        OutcomeDraws {
            outcome: "cost",
            point: PointEstimate {
                effect: num(&o["cost"]["point_effect"]),
                treated_observed: None,
                treated_counterfactual: None,
            },
            effect: &cost_e,
            treated_observed: None,
            treated_counterfactual: None,
        },
    ];

    let ev95 = contract
        .evaluate(&draws, &EvaluateOptions::default())
        .unwrap();
    let ev80 = contract
        .evaluate(
            &draws,
            &EvaluateOptions {
                level: 0.8,
                ..EvaluateOptions::default()
            },
        )
        .unwrap();
    assert_eq!(ev95.n_draws, n);

    let exp = &fx["expected"];
    for (i, t) in exp["thresholds"].as_array().unwrap().iter().enumerate() {
        let got = &ev95.thresholds[i];
        assert_eq!(got.id, t["id"].as_str().unwrap());
        assert_eq!(got.n_met, t["n_met"].as_u64().unwrap(), "{}", got.id);
        assert_close(got.probability, t["probability"].as_f64().unwrap(), 1e-15);
        assert_eq!(
            got.point_met,
            t["point_met"].as_bool().unwrap(),
            "{}",
            got.id
        );
    }

    let party = |ev: &effekt_contract::ContractEvaluation, key: &str| -> PaymentSummary {
        let (id, side) = key.rsplit_once('_').unwrap();
        let p = ev.parties.iter().find(|p| p.id == id).unwrap();
        match side {
            "paid" => p.paid.clone().unwrap(),
            _ => p.received.clone().unwrap(),
        }
    };
    for e in exp["parties"].as_array().unwrap() {
        let key = e["key"].as_str().unwrap();
        check(&party(&ev95, key), e, "conf_low", "conf_high", key);
        check(&party(&ev80, key), e, "conf_low_80", "conf_high_80", key);
    }
    for e in exp["components"].as_array().unwrap() {
        let id = e["id"].as_str().unwrap();
        let c = ev95.components.iter().find(|c| c.id == id).unwrap();
        check(&c.paid, e, "conf_low", "conf_high", id);
        let c = ev80.components.iter().find(|c| c.id == id).unwrap();
        check(&c.paid, e, "conf_low_80", "conf_high_80", id);
    }
}
