//! Contract terms: TOML shape, round trip, and every validation error naming its key.

use crate::common;

use common::{Study, parse};
use effekt_contract::{ComponentConfig, ContractConfig, ContractError, Payout, Role};

/// The full example of the crate docs (two providers, joint pot, state cap).
const FULL: &str = r#"
[contract]
name = "IHF outcomes contract"
currency = "SEK"
total_cost = 12000000.0
funded_by = [{ party = "municipality", share = 0.5 }, { party = "state", share = 0.5 }]

[[contract.parties]]
id = "municipality"
role = "outcome_payer"
[[contract.parties]]
id = "state"
role = "co_funder"
[[contract.parties]]
id = "provider_a"
role = "provider"
[[contract.parties]]
id = "provider_b"
role = "provider"

[[contract.thresholds]]
id = "closed_10pp"
outcome = "closed_lower"
quantity = "effect"
direction = "at_least"
value = 0.10
[[contract.thresholds]]
id = "goals_60"
outcome = "plan_goals"
quantity = "treated_observed"
direction = "at_least"
value = 0.60

[[contract.components]]
kind = "fixed"
id = "activity"
payee = "provider_a"
share = 0.5
[[contract.components]]
kind = "outcome_linked"
id = "process"
payee = "provider_a"
share = 0.3
payout = { kind = "all_or_nothing", thresholds = ["goals_60"] }
[[contract.components]]
kind = "joint_pot"
id = "joint"
share = 0.2
payout = { kind = "all_or_nothing", thresholds = ["closed_10pp"] }
split = { kind = "keys", members = [{ party = "provider_a", key = 0.5 }, { party = "provider_b", key = 0.5 }] }

[[contract.caps]]
party = "state"
side = "pays"
share = 0.25
excess = { kind = "shift_to", party = "municipality" }
"#;

/// Every component kind and option, for the round trip.
const ALL_KINDS: &str = r#"
[contract]
currency = "SEK"
total_cost = 1000.0
funded_by = [{ party = "m", share = 1.0 }]
parties = [
    { id = "m", name = "Municipality", role = "outcome_payer" },
    { id = "s", role = "co_funder" },
    { id = "a", role = "provider" },
    { id = "b", role = "provider" },
    { id = "i", role = "investor" },
    { id = "x", role = "intermediary" },
    { id = "o", role = "other" },
]
thresholds = [
    { id = "t1", outcome = "y", quantity = "effect", direction = "at_least", value = 0.1, label = "ten points" },
    { id = "t2", outcome = "y", quantity = "reduction", direction = "above", value = 0.0 },
    { id = "t3", outcome = "z", quantity = "treated_observed", direction = "at_most", value = 0.6 },
    { id = "t4", outcome = "z", quantity = "treated_counterfactual", direction = "below", value = 0.4 },
]
components = [
    { kind = "fixed", id = "f", payee = "a", amount = 300.0 },
    { kind = "outcome_linked", id = "ol", payee = "a", share = 0.2, payout = { kind = "stepped", steps = [{ threshold = "t1", fraction = 0.5 }, { threshold = "t2", fraction = 1.0 }] }, funded_by = [{ party = "m", share = 0.7 }, { party = "s", share = 0.3 }] },
    { kind = "rate_card", id = "rc", payee = "b", outcome = "y", quantity = "effect", baseline = 0.02, scale = 50.0, rate = 10.0, share = 0.3 },
    { kind = "joint_pot", id = "jp", share = 0.2, payout = { kind = "all_or_nothing", thresholds = ["t1", "t3"], require = "any" }, split = { kind = "achievement", members = [{ party = "a", outcome = "y", quantity = "effect", baseline = 0.0, scale = 10.0 }, { party = "b", outcome = "z", quantity = "effect" }] } },
    { kind = "investor_repayment", id = "ir", payee = "i", capital = 500.0, guaranteed_share = 0.4, conditional_share = 0.6, conditional = { kind = "stepped", steps = [{ threshold = "t4", fraction = 1.0 }] }, premium = { rate = 0.1, payout = { kind = "all_or_nothing", thresholds = ["t1"] } } },
]
caps = [
    { party = "s", side = "pays", amount = 50.0 },
    { party = "a", side = "receives", share = 0.5 },
]
"#;

fn validate(cfg: &ContractConfig) -> Result<effekt_contract::Contract, ContractError> {
    cfg.validate(&["closed_lower", "plan_goals", "y", "z", "cost"])
}

#[test]
fn full_example_parses_and_validates() {
    let cfg = parse(FULL);
    assert_eq!(cfg.currency, "SEK");
    assert_eq!(cfg.parties.len(), 4);
    assert_eq!(cfg.parties[1].role, Role::CoFunder);
    assert!(matches!(cfg.components[2], ComponentConfig::JointPot(_)));
    let c = validate(&cfg).unwrap();
    assert_eq!(
        c.outcomes().collect::<Vec<_>>(),
        ["closed_lower", "plan_goals"]
    );
}

#[test]
fn toml_round_trip() {
    for src in [FULL, ALL_KINDS] {
        let cfg = parse(src);
        validate(&cfg).unwrap();
        #[derive(serde::Serialize)]
        struct Out<'a> {
            contract: &'a ContractConfig,
        }
        let text = toml::to_string(&Out { contract: &cfg }).unwrap();
        let back = parse(&text);
        assert_eq!(
            back, cfg,
            "round trip changed the terms; serialised:\n{text}"
        );
        // And through JSON (the report's resolved-config manifest).
        let json = serde_json::to_string(&cfg).unwrap();
        let back: ContractConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cfg);
    }
}

fn parse_err(src: &str) -> String {
    match toml::from_str::<Study>(src) {
        Ok(_) => panic!("expected a parse error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn unknown_keys_are_rejected() {
    let top = FULL.replace("currency = \"SEK\"", "currency = \"SEK\"\nbudget = 5.0");
    let e = parse_err(&top);
    assert!(e.contains("budget"), "{e}");

    let comp = FULL.replace(
        "id = \"activity\"",
        "id = \"activity\"\npayer = \"municipality\"",
    );
    let e = parse_err(&comp);
    assert!(e.contains("payer"), "{e}");

    let payout = FULL.replace(
        "thresholds = [\"goals_60\"] }",
        "thresholds = [\"goals_60\"], fraction = 1.0 }",
    );
    let e = parse_err(&payout);
    assert!(e.contains("fraction"), "{e}");

    let split = FULL.replace("key = 0.5 }]", "key = 0.5, weight = 1.0 }]");
    let e = parse_err(&split);
    assert!(e.contains("weight"), "{e}");

    let cap = FULL.replace("side = \"pays\"", "side = \"pays\"\nlimit = 3.0");
    let e = parse_err(&cap);
    assert!(e.contains("limit"), "{e}");
}

#[test]
fn enums_reject_unknown_variants() {
    let e = parse_err(&FULL.replace("direction = \"at_least\"", "direction = \"greater\""));
    assert!(e.contains("greater"), "{e}");
    let e = parse_err(&FULL.replace("kind = \"fixed\"", "kind = \"fixed_fee\""));
    assert!(e.contains("fixed_fee"), "{e}");
    let e = parse_err(&FULL.replace("role = \"co_funder\"", "role = \"state\""));
    assert!(e.contains("state"), "{e}");
}

fn err(src: &str) -> ContractError {
    match validate(&parse(src)) {
        Ok(_) => panic!("expected a validation error"),
        Err(e) => e,
    }
}

/// `e` is `SharesDoNotSumToOne` at `key`, with the shares summing to `sum` (within 1e-12).
#[track_caller]
fn assert_shares_sum(e: &ContractError, key: &str, sum: f64) {
    match e {
        ContractError::SharesDoNotSumToOne { key: k, sum: s, .. } => {
            assert_eq!(k, key, "SharesDoNotSumToOne: key");
            assert!(
                (s - sum).abs() < 1e-12,
                "SharesDoNotSumToOne at {key}: sum {s}, expected {sum}"
            );
        }
        other => panic!("expected SharesDoNotSumToOne at {key}, got {other:?}"),
    }
}

#[test]
fn budget_shares_not_summing_to_one() {
    // 0.5 + 0.3 + 0.3 = 1.1.
    let e = err(&FULL.replace("share = 0.2\npayout", "share = 0.3\npayout"));
    assert_shares_sum(&e, "contract.components", 1.1);
    let msg = e.to_string();
    assert!(
        msg.contains("contract.components") && msg.contains("1.1"),
        "{msg}"
    );
    assert_eq!(e.key(), Some("contract.components"));
}

#[test]
fn funding_shares_not_summing_to_one() {
    let e = err(&FULL.replace(
        "{ party = \"state\", share = 0.5 }",
        "{ party = \"state\", share = 0.4 }",
    ));
    assert_shares_sum(&e, "contract.funded_by", 0.9);
    // Percentages instead of fractions get a hint (and the per-share range check fires first).
    let e = err(&FULL.replace(
        "share = 0.5 }, { party = \"state\", share = 0.5 }",
        "share = 50.0 }, { party = \"state\", share = 50.0 }",
    ));
    assert!(
        matches!(e, ContractError::AboveOneHundredPercent { .. }),
        "{e:?}"
    );
    assert_eq!(e.key(), Some("contract.funded_by[0].share"));
}

#[test]
fn component_funding_and_keys_and_investor_shares() {
    let e = err(&ALL_KINDS.replace(
        "{ party = \"s\", share = 0.3 }",
        "{ party = \"s\", share = 0.2 }",
    ));
    assert_eq!(e.key(), Some("contract.components[1].funded_by"), "{e}");
    assert!(e.to_string().contains("0.9"), "{e}");

    let e = err(&FULL.replace("key = 0.5 }]", "key = 0.4 }]"));
    assert_eq!(e.key(), Some("contract.components[2].split.members"), "{e}");
    assert!(e.to_string().contains("0.9"), "{e}");

    let e = err(&ALL_KINDS.replace("conditional_share = 0.6", "conditional_share = 0.5"));
    assert_shares_sum(&e, "contract.components[4]", 0.9);
}

#[test]
fn percent_hint() {
    let e = ContractError::SharesDoNotSumToOne {
        key: "k".into(),
        what: "funding shares".into(),
        sum: 100.0,
    };
    assert!(e.to_string().contains("look like percentages"), "{e}");
}

#[test]
fn negative_amounts() {
    let e = err(&ALL_KINDS.replace("amount = 300.0", "amount = -300.0"));
    assert_eq!(e.key(), Some("contract.components[0].amount"), "{e}");
    assert!(matches!(e, ContractError::InvalidNumber { value, .. } if value == -300.0));

    let e = err(&ALL_KINDS.replace("rate = 10.0", "rate = -10.0"));
    assert_eq!(e.key(), Some("contract.components[2].rate"), "{e}");

    let e = err(&ALL_KINDS.replace("capital = 500.0", "capital = -500.0"));
    assert_eq!(e.key(), Some("contract.components[4].capital"), "{e}");

    let e = err(&FULL.replace("total_cost = 12000000.0", "total_cost = -1.0"));
    assert_eq!(e.key(), Some("contract.total_cost"), "{e}");

    let e = err(&ALL_KINDS.replace("amount = 50.0", "amount = -50.0"));
    assert_eq!(e.key(), Some("contract.caps[0].amount"), "{e}");

    let e = err(&ALL_KINDS.replace("scale = 50.0", "scale = 0.0"));
    assert_eq!(e.key(), Some("contract.components[2].scale"), "{e}");
}

#[test]
fn caps_above_one_hundred_percent() {
    let e = err(&FULL.replace("share = 0.25", "share = 1.5"));
    assert_eq!(e.key(), Some("contract.caps[0].share"), "{e}");
    assert!(matches!(e, ContractError::AboveOneHundredPercent { value, .. } if value == 1.5));
    assert!(e.to_string().contains("150"), "{e}");

    let e = err(&ALL_KINDS.replace("rate = 0.1", "rate = 1.2"));
    assert_eq!(e.key(), Some("contract.components[4].premium.rate"), "{e}");

    let e = err(&ALL_KINDS.replace(
        "fraction = 1.0 }] }, funded_by",
        "fraction = 1.5 }] }, funded_by",
    ));
    assert_eq!(
        e.key(),
        Some("contract.components[1].payout.steps[1].fraction"),
        "{e}"
    );
}

#[test]
fn thresholds_for_undefined_outcomes() {
    let cfg = parse(FULL);
    let e = cfg.validate(&["closed_lower"]).unwrap_err();
    match &e {
        ContractError::UnknownOutcome {
            key,
            outcome,
            defined,
        } => {
            assert_eq!(key, "contract.thresholds[1].outcome");
            assert_eq!(outcome, "plan_goals");
            assert_eq!(defined, "closed_lower");
        }
        other => panic!("wrong error {other:?}"),
    }
    let e = err(&ALL_KINDS.replace(
        "outcome = \"z\", quantity = \"effect\" }",
        "outcome = \"w\", quantity = \"effect\" }",
    ));
    assert_eq!(
        e.key(),
        Some("contract.components[3].split.members[1].outcome"),
        "{e}"
    );
}

#[test]
fn unknown_references_and_duplicates() {
    let e = err(&FULL.replace("thresholds = [\"goals_60\"]", "thresholds = [\"goals_70\"]"));
    assert_eq!(
        e.key(),
        Some("contract.components[1].payout.thresholds[0]"),
        "{e}"
    );
    assert!(matches!(e, ContractError::UnknownThreshold { .. }));

    let e = err(&FULL.replace(
        "payee = \"provider_a\"\nshare = 0.5",
        "payee = \"provider_c\"\nshare = 0.5",
    ));
    assert_eq!(e.key(), Some("contract.components[0].payee"), "{e}");

    let e = err(&FULL.replace("id = \"process\"", "id = \"activity\""));
    assert_eq!(e.key(), Some("contract.components[1].id"), "{e}");
    assert!(matches!(e, ContractError::Duplicate { .. }));

    let e = err(&FULL.replace("id = \"goals_60\"", "id = \"closed_10pp\""));
    assert_eq!(e.key(), Some("contract.thresholds[1].id"), "{e}");
}

#[test]
fn share_or_amount_exactly_one() {
    let e = err(&ALL_KINDS.replace("amount = 300.0", "amount = 300.0, share = 0.3"));
    assert!(matches!(e, ContractError::ShareOrAmount { .. }), "{e:?}");
    assert_eq!(e.key(), Some("contract.components[0]"));
    let e = err(&ALL_KINDS.replace(", amount = 300.0", ""));
    assert!(e.to_string().contains("neither"), "{e}");
}

#[test]
fn cap_consistency() {
    // Shift target with its own pay cap.
    let src = ALL_KINDS.replace(
        "{ party = \"s\", side = \"pays\", amount = 50.0 },",
        "{ party = \"s\", side = \"pays\", amount = 50.0, excess = { kind = \"shift_to\", party = \"m\" } },\n    { party = \"m\", side = \"pays\", amount = 900.0 },",
    );
    let e = err(&src);
    assert_eq!(e.key(), Some("contract.caps[0].excess.party"), "{e}");
    // `excess` on a receives cap.
    let e = err(&ALL_KINDS.replace(
        "side = \"receives\", share = 0.5",
        "side = \"receives\", share = 0.5, excess = { kind = \"cut\" }",
    ));
    assert_eq!(e.key(), Some("contract.caps[1].excess"), "{e}");
    // Receive cap on a party that receives nothing.
    let e = err(&ALL_KINDS.replace(
        "{ party = \"a\", side = \"receives\"",
        "{ party = \"x\", side = \"receives\"",
    ));
    assert_eq!(e.key(), Some("contract.caps[1].party"), "{e}");
    // Twice the same cap.
    let e = err(&ALL_KINDS.replace(
        "{ party = \"a\", side = \"receives\", share = 0.5 },",
        "{ party = \"a\", side = \"receives\", share = 0.5 },\n    { party = \"a\", side = \"receives\", share = 0.4 },",
    ));
    assert_eq!(e.key(), Some("contract.caps[2].party"), "{e}");
}

#[test]
fn missing_funding() {
    let src = FULL.replace(
        "funded_by = [{ party = \"municipality\", share = 0.5 }, { party = \"state\", share = 0.5 }]\n",
        "",
    );
    let e = err(&src.replace("\n[[contract.caps]]\nparty = \"state\"\nside = \"pays\"\nshare = 0.25\nexcess = { kind = \"shift_to\", party = \"municipality\" }\n", ""));
    assert!(matches!(e, ContractError::MissingFunding { .. }), "{e:?}");
    assert_eq!(e.key(), Some("contract.components[0]"));
}

#[test]
fn payout_shapes_parse() {
    let cfg = parse(ALL_KINDS);
    match &cfg.components[1] {
        ComponentConfig::OutcomeLinked(o) => {
            assert!(matches!(o.payout, Payout::Stepped(ref s) if s.steps.len() == 2));
        }
        other => panic!("{other:?}"),
    }
}
