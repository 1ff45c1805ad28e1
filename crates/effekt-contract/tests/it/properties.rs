//! Properties over random contracts and random draws:
//! - every cap holds on every draw (pay caps, receive caps, component maxima);
//! - what is paid equals what is received (up to rounding), and nothing is negative;
//! - each threshold probability is exactly the empirical share, counted independently here;
//! - the expected payment is the mean of the per-draw payments, and the point value is the
//!   payment at the point estimate.

use crate::common;

use common::close;
use effekt_contract::{
    AchievementMember, AchievementSplit, AllOrNothingRule, At, CapConfig, ComponentConfig,
    ContractConfig, Direction, EvaluateOptions, Excess, FixedComponent, FundingShare,
    InvestorRepaymentComponent, JointPotComponent, KeyMember, KeysSplit, OutcomeDraws,
    OutcomeLinkedComponent, PartyConfig, Payout, PointEstimate, Premium, Quantity,
    RateCardComponent, RepaymentCondition, Require, Role, SavingsRule, ShiftTo, Side, Split, Step,
    SteppedRule, ThresholdConfig,
};
use proptest::prelude::*;

const OUTCOMES: [&str; 2] = ["y0", "y1"];
const PROVIDERS: [&str; 3] = ["pa", "pb", "pc"];
const DIRECTIONS: [Direction; 4] = [
    Direction::AtLeast,
    Direction::Above,
    Direction::AtMost,
    Direction::Below,
];
const QUANTITIES: [Quantity; 4] = [
    Quantity::Effect,
    Quantity::Reduction,
    Quantity::TreatedObserved,
    Quantity::TreatedCounterfactual,
];

/// Values on a coarse grid so that ties with thresholds happen often.
fn grid() -> impl Strategy<Value = f64> {
    (-6i32..=6).prop_map(|k| f64::from(k) * 0.05)
}

#[derive(Debug, Clone)]
struct Terms {
    total_cost: f64,
    state_share: f64,
    thresholds: Vec<(usize, usize, usize, f64)>, // outcome, quantity, direction, value
    kinds: Vec<(u8, usize, f64, f64, f64, u8)>,  // kind, provider, weight, a, b, rule
    state_cap: Option<(f64, bool)>,              // share, shift?
    receive_cap: Option<(usize, f64)>,           // provider, share
    investor: Option<(f64, f64, u8, f64)>,       // capital, guaranteed, rule, premium
}

fn terms() -> impl Strategy<Value = Terms> {
    (
        1.0f64..1e7,
        0.0f64..=1.0,
        prop::collection::vec((0usize..2, 0usize..4, 0usize..4, grid()), 1..5),
        prop::collection::vec(
            (
                0u8..4,
                0usize..3,
                0.05f64..1.0,
                0.0f64..1.0,
                0.0f64..1.0,
                0u8..2,
            ),
            1..6,
        ),
        prop::option::of((0.0f64..=1.0, any::<bool>())),
        prop::option::of((0usize..3, 0.0f64..=1.0)),
        prop::option::of((1.0f64..1e7, 0.0f64..=1.0, 0u8..3, 0.0f64..=1.0)),
    )
        .prop_map(
            |(total_cost, state_share, thresholds, kinds, state_cap, receive_cap, investor)| {
                Terms {
                    total_cost,
                    state_share,
                    thresholds,
                    kinds,
                    state_cap,
                    receive_cap,
                    investor,
                }
            },
        )
}

fn payout(rule: u8, a: f64, n_thr: usize) -> Payout {
    let t = |i: usize| format!("t{}", i % n_thr);
    if rule == 0 {
        Payout::AllOrNothing(AllOrNothingRule {
            thresholds: vec![t(0), t(1)],
            require: if a < 0.5 { Require::All } else { Require::Any },
        })
    } else {
        Payout::Stepped(SteppedRule {
            steps: vec![
                Step {
                    threshold: t(0),
                    fraction: a,
                },
                Step {
                    threshold: t(1),
                    fraction: 1.0,
                },
            ],
        })
    }
}

fn build(t: &Terms) -> ContractConfig {
    let n_thr = t.thresholds.len();
    let mut parties = vec![
        PartyConfig {
            id: "municipality".into(),
            name: None,
            role: Role::OutcomePayer,
        },
        PartyConfig {
            id: "state".into(),
            name: None,
            role: Role::CoFunder,
        },
    ];
    for p in PROVIDERS {
        parties.push(PartyConfig {
            id: p.into(),
            name: None,
            role: Role::Provider,
        });
    }
    parties.push(PartyConfig {
        id: "investor".into(),
        name: None,
        role: Role::Investor,
    });

    let thresholds = t
        .thresholds
        .iter()
        .enumerate()
        .map(|(i, &(o, q, d, v))| ThresholdConfig {
            id: format!("t{i}"),
            outcome: OUTCOMES[o].into(),
            quantity: QUANTITIES[q],
            direction: DIRECTIONS[d],
            value: v,
            label: None,
        })
        .collect();

    // Budget shares from the weights, normalised to sum to 1.
    let wsum: f64 = t.kinds.iter().map(|k| k.2).sum();
    let mut components = Vec::new();
    for (i, &(kind, prov, w, a, b, rule)) in t.kinds.iter().enumerate() {
        let share = Some(w / wsum);
        let id = format!("c{i}");
        let payee = PROVIDERS[prov].to_string();
        components.push(match kind {
            0 => ComponentConfig::Fixed(FixedComponent {
                id,
                payee,
                share,
                amount: None,
                funded_by: None,
            }),
            1 => ComponentConfig::OutcomeLinked(OutcomeLinkedComponent {
                id,
                payee,
                share,
                amount: None,
                payout: payout(rule, a, n_thr),
                funded_by: None,
            }),
            2 => ComponentConfig::RateCard(RateCardComponent {
                id,
                payee,
                outcome: OUTCOMES[prov % 2].into(),
                quantity: QUANTITIES[(rule as usize) * 2],
                baseline: a - 0.5,
                scale: Some(1.0 + 100.0 * b),
                rate: t.total_cost * b,
                share,
                amount: None,
                funded_by: None,
            }),
            _ => ComponentConfig::JointPot(JointPotComponent {
                id,
                share,
                amount: None,
                payout: payout(rule, a, n_thr),
                split: if b < 0.5 {
                    Split::Keys(KeysSplit {
                        members: vec![
                            KeyMember {
                                party: "pa".into(),
                                key: a,
                            },
                            KeyMember {
                                party: "pb".into(),
                                key: 1.0 - a,
                            },
                        ],
                    })
                } else {
                    Split::Achievement(AchievementSplit {
                        members: PROVIDERS
                            .iter()
                            .enumerate()
                            .map(|(j, p)| AchievementMember {
                                party: (*p).into(),
                                outcome: OUTCOMES[j % 2].into(),
                                quantity: Quantity::Effect,
                                baseline: a - 0.5,
                                scale: Some(1.0 + j as f64),
                            })
                            .collect(),
                    })
                },
                funded_by: None,
            }),
        });
    }
    if let Some((capital, g, rule, prem)) = t.investor {
        components.push(ComponentConfig::InvestorRepayment(
            InvestorRepaymentComponent {
                id: "repay".into(),
                payee: "investor".into(),
                capital,
                guaranteed_share: g,
                conditional_share: 1.0 - g,
                conditional: match rule {
                    0 => RepaymentCondition::AllOrNothing(AllOrNothingRule {
                        thresholds: vec!["t0".into()],
                        require: Require::All,
                    }),
                    1 => RepaymentCondition::Stepped(SteppedRule {
                        steps: vec![Step {
                            threshold: "t0".into(),
                            fraction: prem,
                        }],
                    }),
                    _ => RepaymentCondition::Savings(SavingsRule {
                        outcome: "y1".into(),
                        quantity: Quantity::Reduction,
                        baseline: 0.0,
                        scale: Some(capital),
                        savings_share: prem,
                    }),
                },
                premium: Some(Premium {
                    rate: prem,
                    payout: payout(0, 0.2, n_thr),
                }),
                funded_by: Some(vec![FundingShare {
                    party: "municipality".into(),
                    share: 1.0,
                }]),
            },
        ));
    }

    let payees: Vec<&str> = components
        .iter()
        .flat_map(|c| match c {
            ComponentConfig::Fixed(f) => vec![f.payee.as_str()],
            ComponentConfig::OutcomeLinked(f) => vec![f.payee.as_str()],
            ComponentConfig::RateCard(f) => vec![f.payee.as_str()],
            ComponentConfig::JointPot(f) => match &f.split {
                Split::Keys(k) => k.members.iter().map(|m| m.party.as_str()).collect(),
                Split::Achievement(a) => a.members.iter().map(|m| m.party.as_str()).collect(),
            },
            ComponentConfig::InvestorRepayment(f) => vec![f.payee.as_str()],
        })
        .collect();
    let mut caps = Vec::new();
    let state_funds = t.state_share > 0.0 && !t.kinds.is_empty();
    if let Some((share, shift)) = t.state_cap
        && state_funds
    {
        caps.push(CapConfig {
            party: "state".into(),
            side: Side::Pays,
            share: Some(share),
            amount: None,
            excess: Some(if shift {
                Excess::ShiftTo(ShiftTo {
                    party: "municipality".into(),
                })
            } else {
                Excess::Cut
            }),
        });
    }
    if let Some((p, share)) = t.receive_cap
        && payees.contains(&PROVIDERS[p])
    {
        caps.push(CapConfig {
            party: PROVIDERS[p].into(),
            side: Side::Receives,
            share: Some(share),
            amount: None,
            excess: None,
        });
    }

    let mut funded_by = vec![FundingShare {
        party: "municipality".into(),
        share: 1.0 - t.state_share,
    }];
    if t.state_share > 0.0 {
        funded_by.push(FundingShare {
            party: "state".into(),
            share: t.state_share,
        });
    }
    ContractConfig {
        name: None,
        currency: "SEK".into(),
        total_cost: t.total_cost,
        funded_by: Some(funded_by),
        parties,
        thresholds,
        components,
        caps,
    }
}

#[derive(Debug, Clone)]
struct Draws {
    point: Vec<(f64, f64)>,
    effect: Vec<Vec<f64>>,
    observed: Vec<Vec<f64>>,
}

fn draws() -> impl Strategy<Value = Draws> {
    (1usize..120).prop_flat_map(|n| {
        (
            prop::collection::vec((grid(), grid()), 2),
            prop::collection::vec(prop::collection::vec(grid(), n), 2),
            prop::collection::vec(prop::collection::vec(grid(), n), 2),
        )
            .prop_map(|(point, effect, observed)| Draws {
                point,
                effect,
                observed,
            })
    })
}

fn outcome_draws(d: &Draws) -> Vec<OutcomeDraws<'_>> {
    (0..2)
        .map(|o| OutcomeDraws {
            outcome: OUTCOMES[o],
            point: PointEstimate {
                effect: d.point[o].0,
                treated_observed: Some(d.point[o].1),
                treated_counterfactual: None,
            },
            effect: &d.effect[o],
            treated_observed: Some(&d.observed[o]),
            treated_counterfactual: None,
        })
        .collect()
}

/// The quantity, computed here independently of the crate.
fn quantity(d: &Draws, o: usize, q: Quantity, b: usize) -> f64 {
    let e = d.effect[o][b];
    match q {
        Quantity::Effect => e,
        Quantity::Reduction => -e,
        Quantity::TreatedObserved => d.observed[o][b],
        Quantity::TreatedCounterfactual => d.observed[o][b] - e,
    }
}

fn met(dir: Direction, q: f64, t: f64) -> bool {
    match dir {
        Direction::AtLeast => q >= t,
        Direction::Above => q > t,
        Direction::AtMost => q <= t,
        Direction::Below => q < t,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn caps_shares_and_means_hold(t in terms(), d in draws()) {
        let cfg = build(&t);
        let contract = cfg.validate(&OUTCOMES).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let od = outcome_draws(&d);
        let bound = contract.bind(&od).unwrap();
        let n = bound.n_draws();
        let ev = bound.evaluate(&EvaluateOptions::default()).unwrap();

        // Threshold probabilities: exactly the empirical share.
        for (i, th) in cfg.thresholds.iter().enumerate() {
            let o = OUTCOMES.iter().position(|x| *x == th.outcome).unwrap();
            let count = (0..n).filter(|&b| met(th.direction, quantity(&d, o, th.quantity, b), th.value)).count();
            prop_assert_eq!(ev.thresholds[i].n_met, count as u64);
            prop_assert_eq!(ev.thresholds[i].probability, count as f64 / n as f64);
        }

        let limit = |c: &CapConfig| c.share.map(|s| s * t.total_cost).or(c.amount).unwrap();
        let party_index = |id: &str| cfg.parties.iter().position(|p| p.id == id).unwrap();
        let comp_max: Vec<f64> = ev.components.iter().map(|c| c.max_amount).collect();
        let np = cfg.parties.len();
        let mut sum_paid = vec![0.0; np];
        let mut sum_received = vec![0.0; np];
        for b in 0..n {
            let p = bound.payments(At::Draw(b)).unwrap();
            // Caps hold exactly on every draw.
            for c in &cfg.caps {
                let f = &p.parties[party_index(&c.party)];
                let v = match c.side { Side::Pays => f.paid, Side::Receives => f.received };
                prop_assert!(v <= limit(c), "draw {b}: {} {:?} {v} > cap {}", c.party, c.side, limit(c));
            }
            for (a, m) in p.components.iter().zip(&comp_max) {
                prop_assert!(*a >= 0.0 && *a <= m * (1.0 + 1e-12), "component {a} outside [0, {m}]");
            }
            let paid: f64 = p.parties.iter().map(|f| f.paid).sum();
            let received: f64 = p.parties.iter().map(|f| f.received).sum();
            prop_assert!(close(paid, received, 1e-12), "paid {paid} != received {received}");
            for (i, f) in p.parties.iter().enumerate() {
                prop_assert!(f.paid >= 0.0 && f.received >= 0.0 && f.paid.is_finite() && f.received.is_finite());
                sum_paid[i] += f.paid;
                sum_received[i] += f.received;
            }
            // The draw's thresholds agree with the counted ones.
            for (i, th) in cfg.thresholds.iter().enumerate() {
                let o = OUTCOMES.iter().position(|x| *x == th.outcome).unwrap();
                prop_assert_eq!(p.thresholds_met[i], met(th.direction, quantity(&d, o, th.quantity, b), th.value));
            }
        }

        // Expected payment = mean of per-draw payments; point = payment at the point estimate.
        let point = bound.payments(At::Point).unwrap();
        for (i, pr) in ev.parties.iter().enumerate() {
            let scale = t.total_cost + t.investor.map_or(0.0, |x| 2.0 * x.0);
            if let Some(s) = &pr.paid {
                prop_assert!((s.mean - sum_paid[i] / n as f64).abs() <= 1e-12 * scale);
                prop_assert_eq!(s.point, point.parties[i].paid);
                prop_assert!(s.min <= s.conf_low && s.conf_low <= s.conf_high && s.conf_high <= s.max);
                prop_assert!(s.min <= s.mean + 1e-9 * scale && s.mean <= s.max + 1e-9 * scale);
            } else {
                prop_assert_eq!(sum_paid[i], 0.0);
            }
            if let Some(s) = &pr.received {
                prop_assert!((s.mean - sum_received[i] / n as f64).abs() <= 1e-12 * scale);
                prop_assert_eq!(s.point, point.parties[i].received);
            } else {
                prop_assert_eq!(sum_received[i], 0.0);
            }
        }
        for dist in &ev.plot.payment_distributions {
            prop_assert_eq!(dist.histogram.counts.iter().sum::<u64>(), n as u64);
            prop_assert_eq!(dist.histogram.edges.len(), dist.histogram.counts.len() + 1);
            if !dist.atoms.is_empty() {
                prop_assert_eq!(dist.atoms.iter().map(|a| a.count).sum::<u64>(), n as u64);
            }
        }
    }
}
