//! Worked examples with hand-checkable numbers, one per payment shape. Every expected value
//! below is derived in the comment above it from the draws and the terms; none comes from
//! running this crate.

use crate::common;

use common::{assert_close, effect_only, parse};
use effekt_contract::{At, EvaluateOptions, OutcomeDraws, PointEstimate, Side};

fn opts(level: f64) -> EvaluateOptions {
    EvaluateOptions {
        level,
        ..EvaluateOptions::default()
    }
}

/// Fixed 60 % + outcome-linked 40 % all-or-nothing; the state funds half but pays at most
/// 40 % of the cost, the excess shifted to the municipality.
#[test]
fn fixed_and_all_or_nothing_with_state_cap_shifted() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 1000000.0
        funded_by = [{ party = "municipality", share = 0.5 }, { party = "state", share = 0.5 }]

        [[contract.parties]]
        id = "municipality"
        role = "outcome_payer"
        [[contract.parties]]
        id = "state"
        role = "co_funder"
        [[contract.parties]]
        id = "provider"
        role = "provider"

        [[contract.thresholds]]
        id = "t10"
        outcome = "closed_lower"
        quantity = "effect"
        direction = "at_least"
        value = 0.10

        [[contract.components]]
        kind = "fixed"
        id = "activity"
        payee = "provider"
        share = 0.6
        [[contract.components]]
        kind = "outcome_linked"
        id = "outcome"
        payee = "provider"
        share = 0.4
        payout = { kind = "all_or_nothing", thresholds = ["t10"] }

        [[contract.caps]]
        party = "state"
        side = "pays"
        share = 0.4
        excess = { kind = "shift_to", party = "municipality" }
        "#,
    );
    let contract = cfg.validate(&["closed_lower"]).unwrap();
    let e = [0.04, 0.10, 0.12, 0.15, 0.08];
    let draws = [effect_only("closed_lower", 0.11, &e)];
    let ev = contract.evaluate(&draws, &opts(0.9)).unwrap();

    // met on draws 1, 2, 3 (0.10 is a tie, ≥ counts it): 3 of 5.
    assert_eq!(ev.thresholds[0].n_met, 3);
    assert_eq!(ev.thresholds[0].probability, 0.6);
    assert!(ev.thresholds[0].point_met);
    assert_close(
        ev.thresholds[0].mc_std_error,
        (0.6_f64 * 0.4 / 5.0).sqrt(),
        1e-15,
    );

    // Provider: 600k, 1M, 1M, 1M, 600k → mean 840k; point 1M.
    let prov = ev.parties[2].received.as_ref().unwrap();
    assert_close(prov.mean, 840_000.0, 1e-12);
    assert_eq!(prov.point, 1_000_000.0);
    assert!(ev.parties[2].paid.is_none());
    // State owes 300k or 500k, capped at 400k: 300, 400, 400, 400, 300 → mean 360k.
    let state = ev.parties[1].paid.as_ref().unwrap();
    assert_close(state.mean, 360_000.0, 1e-12);
    assert_eq!(state.max, 400_000.0);
    assert_eq!(state.point, 400_000.0);
    // 90 % interval, type 7 on sorted [300k, 300k, 400k, 400k, 400k]:
    // p = 0.05 → h = 0.2 → 300k; p = 0.95 → h = 3.8 → 400k.
    assert_close(state.conf_low, 300_000.0, 1e-12);
    assert_close(state.conf_high, 400_000.0, 1e-12);
    // Municipality: 300k + shifted 100k on the met draws: 300, 600, 600, 600, 300 → 480k.
    let muni = ev.parties[0].paid.as_ref().unwrap();
    assert_close(muni.mean, 480_000.0, 1e-12);
    assert_eq!(muni.point, 600_000.0);
    // Components.
    assert_eq!(ev.components[1].share_full, 0.6);
    assert_close(ev.components[1].paid.mean, 240_000.0, 1e-12);
    assert_eq!(ev.components[0].share_full, 1.0);
    // Plot data: atoms of the provider's receipts are 600k (2 draws) and 1M (3 draws).
    let dist = ev
        .plot
        .payment_distributions
        .iter()
        .find(|d| d.party == "provider" && d.side == Side::Receives)
        .unwrap();
    assert_eq!(dist.atoms.len(), 2);
    assert_eq!((dist.atoms[0].value, dist.atoms[0].count), (600_000.0, 2));
    assert_eq!((dist.atoms[1].value, dist.atoms[1].count), (1_000_000.0, 3));
    assert_eq!(dist.histogram.counts.iter().sum::<u64>(), 5);
}

/// Stepped payout, with a strict (`above`) step so that ties are not met.
#[test]
fn stepped_payout_and_ties() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 100.0
        funded_by = [{ party = "municipality", share = 1.0 }]
        parties = [{ id = "municipality", role = "outcome_payer" }, { id = "provider", role = "provider" }]
        thresholds = [
            { id = "s5", outcome = "goals", quantity = "effect", direction = "above", value = 0.05 },
            { id = "s10", outcome = "goals", quantity = "effect", direction = "at_least", value = 0.10 },
        ]
        components = [
            { kind = "outcome_linked", id = "goals_pay", payee = "provider", share = 1.0, payout = { kind = "stepped", steps = [{ threshold = "s5", fraction = 0.5 }, { threshold = "s10", fraction = 1.0 }] } },
        ]
        "#,
    );
    let contract = cfg.validate(&["goals"]).unwrap();
    let e = [0.05, 0.07, 0.10, 0.02, 0.12, 0.10];
    let draws = [effect_only("goals", 0.06, &e)];
    let ev = contract.evaluate(&draws, &opts(0.5)).unwrap();
    // > 0.05: F T T F T T → 4 of 6; ≥ 0.10: F F T F T T → 3 of 6.
    assert_eq!(ev.thresholds[0].n_met, 4);
    assert_eq!(ev.thresholds[1].n_met, 3);
    assert_eq!(ev.thresholds[1].probability, 0.5);
    // Fractions 0, .5, 1, 0, 1, 1 → payments 0, 50, 100, 0, 100, 100: mean 350/6.
    let p = ev.parties[1].received.as_ref().unwrap();
    assert_close(p.mean, 350.0 / 6.0, 1e-14);
    // Sorted [0, 0, 50, 100, 100, 100]; 50 % interval: p = .25 → h = 1.25 → 0 + .25 × 50 =
    // 12.5; p = .75 → h = 3.75 → 100.
    assert_close(p.conf_low, 12.5, 1e-14);
    assert_close(p.conf_high, 100.0, 1e-14);
    assert_close(p.share_zero, 2.0 / 6.0, 1e-15);
    // Point 0.06: above 0.05 only → 50.
    assert_eq!(p.point, 50.0);
    assert!(ev.thresholds[0].point_met && !ev.thresholds[1].point_met);
}

/// Rate card: 40 000 per additional family closed above a 5 pp baseline, 60 families, capped at
/// 20 % of cost; the rest of the budget is a fixed payment.
#[test]
fn rate_card_capped() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 1000000.0
        funded_by = [{ party = "municipality", share = 1.0 }]
        parties = [{ id = "municipality", role = "outcome_payer" }, { id = "provider", role = "provider" }]

        [[contract.components]]
        kind = "fixed"
        id = "base"
        payee = "provider"
        share = 0.8

        [[contract.components]]
        kind = "rate_card"
        id = "per_family"
        payee = "provider"
        outcome = "closed_lower"
        quantity = "effect"
        baseline = 0.05
        scale = 60.0
        rate = 40000.0
        share = 0.2
        "#,
    );
    let contract = cfg.validate(&["closed_lower"]).unwrap();
    let e = [0.0, 0.05, 0.10, 0.15, 0.20];
    let draws = [effect_only("closed_lower", 0.1, &e)];
    let ev = contract.evaluate(&draws, &opts(0.95)).unwrap();
    // Units 60 × max(0, e − 0.05) = 0, 0, 3, 6, 9 → 0, 0, 120k, 240k→200k, 360k→200k.
    let rc = &ev.components[1];
    assert_close(rc.paid.mean, 520_000.0 / 5.0, 1e-12);
    assert_eq!(rc.paid.max, 200_000.0);
    assert_eq!(rc.share_full, 0.4);
    assert_close(rc.paid.point, 120_000.0, 1e-12);
    let prov = ev.parties[1].received.as_ref().unwrap();
    assert_close(prov.mean, 800_000.0 + 104_000.0, 1e-12);
    // Per-draw payments agree with the summary.
    let bound = contract.bind(&draws).unwrap();
    let d2 = bound.payments(At::Draw(2)).unwrap();
    assert_close(d2.components[1], 120_000.0, 1e-12);
    assert_close(d2.parties[1].received, 920_000.0, 1e-12);
    assert_close(d2.parties[0].paid, 920_000.0, 1e-12);
}

fn joint_pot_contract(split: &str) -> effekt_contract::ContractConfig {
    parse(&format!(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 100.0
        funded_by = [{{ party = "municipality", share = 1.0 }}]
        parties = [
            {{ id = "municipality", role = "outcome_payer" }},
            {{ id = "a", role = "provider" }},
            {{ id = "b", role = "provider" }},
        ]
        thresholds = [{{ id = "joint", outcome = "closed_lower", quantity = "effect", direction = "at_least", value = 0.1 }}]

        [[contract.components]]
        kind = "fixed"
        id = "activity_a"
        payee = "a"
        share = 0.4
        [[contract.components]]
        kind = "fixed"
        id = "activity_b"
        payee = "b"
        share = 0.4
        [[contract.components]]
        kind = "joint_pot"
        id = "pot"
        share = 0.2
        payout = {{ kind = "all_or_nothing", thresholds = ["joint"] }}
        split = {split}
        "#
    ))
}

const CLOSED: [f64; 4] = [0.12, 0.05, 0.20, 0.15];
const GOALS_A: [f64; 4] = [0.3, 0.2, -0.1, -0.1];
const GOALS_B: [f64; 4] = [0.1, 0.2, 0.2, 0.0];

fn joint_draws() -> [OutcomeDraws<'static>; 3] {
    [
        effect_only("closed_lower", 0.13, &CLOSED),
        effect_only("goals_a", 0.1, &GOALS_A),
        effect_only("goals_b", 0.3, &GOALS_B),
    ]
}

/// Joint outcome pot split by achievement: `a_i = max(0, effect_i)`, shares `a_i / Σ a`.
#[test]
fn joint_pot_split_by_achievement() {
    let cfg = joint_pot_contract(
        r#"{ kind = "achievement", members = [{ party = "a", outcome = "goals_a", quantity = "effect" }, { party = "b", outcome = "goals_b", quantity = "effect" }] }"#,
    );
    let contract = cfg
        .validate(&["closed_lower", "goals_a", "goals_b"])
        .unwrap();
    let ev = contract.evaluate(&joint_draws(), &opts(0.95)).unwrap();
    // Pot 20 paid on draws 0, 2, 3 (closed ≥ 0.1).
    // Draw 0: a 0.3, b 0.1 → a 15, b 5.  Draw 2: a 0, b 0.2 → b 20.  Draw 3: Σ = 0 → unpaid.
    let a = ev.parties[1].received.as_ref().unwrap();
    let b = ev.parties[2].received.as_ref().unwrap();
    assert_close(a.mean, 40.0 + 15.0 / 4.0, 1e-14);
    assert_close(b.mean, 40.0 + 25.0 / 4.0, 1e-14);
    // Point: closed 0.13 met; a 0.1, b 0.3 → a 5, b 15.
    assert_close(a.point, 45.0, 1e-14);
    assert_close(b.point, 55.0, 1e-14);
    assert_close(ev.components[2].paid.mean, 40.0 / 4.0, 1e-14);
    // Municipality pays everything that is received.
    assert_close(
        ev.parties[0].paid.as_ref().unwrap().mean,
        80.0 + 10.0,
        1e-14,
    );
}

/// Joint outcome pot split by pre-agreed keys 70/30.
#[test]
fn joint_pot_split_by_keys() {
    let cfg = joint_pot_contract(
        r#"{ kind = "keys", members = [{ party = "a", key = 0.7 }, { party = "b", key = 0.3 }] }"#,
    );
    let contract = cfg.validate(&["closed_lower"]).unwrap();
    let ev = contract.evaluate(&joint_draws()[..1], &opts(0.95)).unwrap();
    // Pot paid on 3 of 4 draws: a 14, b 6 each time.
    assert_close(
        ev.parties[1].received.as_ref().unwrap().mean,
        40.0 + 42.0 / 4.0,
        1e-14,
    );
    assert_close(
        ev.parties[2].received.as_ref().unwrap().mean,
        40.0 + 18.0 / 4.0,
        1e-14,
    );
    assert_eq!(ev.components[2].share_full, 0.75);
}

/// The Norrköping shape: investor capital repaid 40 % regardless, 60 % from a 60 % share of
/// the savings, and a 20 % return only if savings pass break-even and school results improve.
#[test]
fn investor_repayment_norrkoping_shape() {
    let cfg = parse(
        r#"
        [contract]
        name = "Norrköping-style social outcomes contract"
        currency = "SEK"
        total_cost = 10000000.0
        funded_by = [{ party = "municipality", share = 1.0 }]

        [[contract.parties]]
        id = "municipality"
        name = "Norrköpings kommun"
        role = "outcome_payer"
        [[contract.parties]]
        id = "investor"
        name = "Leksell Social Ventures"
        role = "investor"

        [[contract.thresholds]]
        id = "break_even"
        outcome = "placement_cost"
        quantity = "reduction"
        direction = "at_least"
        value = 166667.0
        label = "savings of at least 10 MSEK over 60 children"
        [[contract.thresholds]]
        id = "school_up"
        outcome = "school_grades"
        quantity = "effect"
        direction = "at_least"
        value = 0.05

        [[contract.components]]
        kind = "investor_repayment"
        id = "repayment"
        payee = "investor"
        capital = 10000000.0
        guaranteed_share = 0.4
        conditional_share = 0.6
        conditional = { kind = "savings", outcome = "placement_cost", quantity = "reduction", scale = 60.0, savings_share = 0.6 }
        premium = { rate = 0.2, payout = { kind = "all_or_nothing", thresholds = ["break_even", "school_up"] } }
        "#,
    );
    let contract = cfg.validate(&["placement_cost", "school_grades"]).unwrap();
    let cost = [-50_000.0, -100_000.0, -200_000.0, 20_000.0];
    let school = [0.1, 0.0, 0.06, 0.1];
    let draws = [
        effect_only("placement_cost", -120_000.0, &cost),
        effect_only("school_grades", 0.04, &school),
    ];
    let ev = contract.evaluate(&draws, &opts(0.95)).unwrap();
    // Savings 60 × reduction = 3M, 6M, 12M, 0; conditional = min(6M, 0.6 × savings) = 1.8M,
    // 3.6M, 6M, 0; premium 2M on draw 2 only (break-even and school met).
    // Repaid = 4M + … = 5.8M, 7.6M, 12M, 4M → mean 7.35M.
    let inv = ev.parties[1].received.as_ref().unwrap();
    assert_close(inv.mean, 7_350_000.0, 1e-12);
    assert_close(inv.max, 12_000_000.0, 1e-12);
    assert_close(inv.min, 4_000_000.0, 1e-12);
    // Point: savings 7.2M → conditional min(6M, 4.32M) = 4.32M; no premium → 8.32M.
    assert_close(inv.point, 8_320_000.0, 1e-12);
    assert_eq!(ev.thresholds[0].n_met, 1);
    assert_eq!(ev.thresholds[1].n_met, 3);
    assert_eq!(ev.components[0].capital, Some(10_000_000.0));
    assert_close(ev.components[0].max_amount, 12_000_000.0, 1e-15);
    assert_eq!(ev.components[0].share_full, 0.25);
    assert_close(
        ev.parties[0].paid.as_ref().unwrap().mean,
        7_350_000.0,
        1e-12,
    );
    assert_eq!(
        ev.name.as_deref(),
        Some("Norrköping-style social outcomes contract")
    );
    assert_eq!(ev.parties[0].name, "Norrköpings kommun");
}

/// Investor repayment on an all-or-nothing condition: "40 % regardless, 60 % if costs fall".
#[test]
fn investor_repayment_all_or_nothing() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 1000.0
        funded_by = [{ party = "municipality", share = 1.0 }]
        parties = [{ id = "municipality", role = "outcome_payer" }, { id = "investor", role = "investor" }]
        thresholds = [{ id = "cost_falls", outcome = "cost", quantity = "effect", direction = "below", value = 0.0 }]
        components = [{ kind = "investor_repayment", id = "r", payee = "investor", capital = 1000.0, guaranteed_share = 0.4, conditional_share = 0.6, conditional = { kind = "all_or_nothing", thresholds = ["cost_falls"] } }]
        "#,
    );
    let contract = cfg.validate(&["cost"]).unwrap();
    // below 0 (strict): -5, 0 (tie: not met), 3, -1 → met on 2 of 4.
    let e = [-5.0, 0.0, 3.0, -1.0];
    let ev = contract
        .evaluate(&[effect_only("cost", 0.0, &e)], &opts(0.95))
        .unwrap();
    assert_eq!(ev.thresholds[0].n_met, 2);
    let inv = ev.parties[1].received.as_ref().unwrap();
    // 1000, 400, 400, 1000 → 700; point 0 is a tie → 400.
    assert_close(inv.mean, 700.0, 1e-14);
    assert_eq!(inv.point, 400.0);
}

/// A pay cap that cuts (the state's excess is not paid by anyone) and a receive cap.
#[test]
fn pay_cap_cut_and_receive_cap() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 100.0
        funded_by = [{ party = "municipality", share = 0.5 }, { party = "state", share = 0.5 }]
        parties = [
            { id = "municipality", role = "outcome_payer" },
            { id = "state", role = "co_funder" },
            { id = "a", role = "provider" },
            { id = "b", role = "provider" },
        ]
        thresholds = [{ id = "t", outcome = "y", quantity = "effect", direction = "at_least", value = 0.1 }]
        components = [
            { kind = "fixed", id = "fa", payee = "a", share = 0.5 },
            { kind = "outcome_linked", id = "ob", payee = "b", share = 0.5, payout = { kind = "all_or_nothing", thresholds = ["t"] } },
        ]
        caps = [
            { party = "state", side = "pays", share = 0.3, excess = { kind = "cut" } },
            { party = "a", side = "receives", amount = 40.0 },
        ]
        "#,
    );
    let contract = cfg.validate(&["y"]).unwrap();
    let e = [0.2, 0.0];
    let draws = [effect_only("y", 0.2, &e)];
    let bound = contract.bind(&draws).unwrap();
    // Draw 0: a 50 → 40 (receive cap), b 50. State owes (40 + 50)/2 = 45 > 30: keep 2/3 of its
    // portions: a loses 20/3, b loses 25/3 → a 33.33, b 41.67; state 30, municipality 45.
    let d0 = bound.payments(At::Draw(0)).unwrap();
    assert_close(d0.parties[2].received, 40.0 - 20.0 / 3.0, 1e-14);
    assert_close(d0.parties[3].received, 50.0 - 25.0 / 3.0, 1e-14);
    assert_eq!(d0.parties[1].paid, 30.0);
    assert_close(d0.parties[0].paid, 45.0, 1e-14);
    // Draw 1: a 40, b 0; state owes 20 ≤ 30.
    let d1 = bound.payments(At::Draw(1)).unwrap();
    assert_close(d1.parties[2].received, 40.0, 1e-14);
    assert_eq!(d1.parties[3].received, 0.0);
    assert_close(d1.parties[1].paid, 20.0, 1e-14);
    let ev = bound.evaluate(&opts(0.95)).unwrap();
    assert_close(
        ev.parties[2].received.as_ref().unwrap().mean,
        (40.0 - 20.0 / 3.0 + 40.0) / 2.0,
        1e-14,
    );
    assert_close(ev.parties[1].paid.as_ref().unwrap().mean, 25.0, 1e-14);
    assert_close(ev.parties[0].paid.as_ref().unwrap().mean, 32.5, 1e-14);
}

/// Thresholds on the treated group's levels; the counterfactual is derived as observed − effect
/// when its draws are not supplied.
#[test]
fn thresholds_on_levels() {
    let cfg = parse(
        r#"
        [contract]
        currency = "SEK"
        total_cost = 10.0
        funded_by = [{ party = "m", share = 1.0 }]
        parties = [{ id = "m", role = "outcome_payer" }, { id = "p", role = "provider" }]
        thresholds = [
            { id = "share60", outcome = "y", quantity = "treated_observed", direction = "at_least", value = 0.6 },
            { id = "cf_low", outcome = "y", quantity = "treated_counterfactual", direction = "at_most", value = 0.5 },
        ]
        components = [{ kind = "outcome_linked", id = "o", payee = "p", share = 1.0, payout = { kind = "all_or_nothing", thresholds = ["share60", "cf_low"], require = "any" } }]
        "#,
    );
    let contract = cfg.validate(&["y"]).unwrap();
    let effect = [0.1, 0.2, 0.0, 0.05];
    let observed = [0.55, 0.70, 0.60, 0.50];
    // counterfactual = observed − effect = 0.45, 0.50, 0.60, 0.45 (in floating point).
    let draws = [OutcomeDraws {
        outcome: "y",
        point: PointEstimate {
            effect: 0.1,
            treated_observed: Some(0.62),
            treated_counterfactual: None,
        },
        effect: &effect,
        treated_observed: Some(&observed),
        treated_counterfactual: None,
    }];
    let ev = contract.evaluate(&draws, &opts(0.95)).unwrap();
    // observed ≥ 0.6: F T T F → 2.
    assert_eq!(ev.thresholds[0].n_met, 2);
    // counterfactual ≤ 0.5, computed as in the crate: observed − effect.
    let cf_met = observed
        .iter()
        .zip(&effect)
        .filter(|(o, e)| *o - *e <= 0.5)
        .count() as u64;
    assert_eq!(ev.thresholds[1].n_met, cf_met);
    // any: draws where either holds.
    let any = observed
        .iter()
        .zip(&effect)
        .filter(|(o, e)| **o >= 0.6 || *o - *e <= 0.5)
        .count() as f64;
    assert_close(
        ev.parties[1].received.as_ref().unwrap().mean,
        10.0 * any / 4.0,
        1e-14,
    );
    // Point: observed 0.62 ≥ 0.6 → met; counterfactual 0.52 > 0.5 → not met.
    assert!(ev.thresholds[0].point_met);
    assert!(!ev.thresholds[1].point_met);
    assert_close(ev.thresholds[1].point_value, 0.52, 1e-15);
}
