//! Validation: [`ContractConfig`] → [`Contract`], the checked contract with every reference
//! resolved to an index, so that evaluating a draw does no lookups and no allocation.

use crate::config::{
    AllOrNothingRule, ComponentConfig, ContractConfig, Excess, FundingShare, Payout, Quantity,
    RepaymentCondition, Require, Role, Side, Split, SteppedRule,
};
use crate::error::ContractError;

/// Tolerance for "shares sum to 1": `|Σ − 1| ≤ 1e-9`.
pub const SHARE_SUM_TOLERANCE: f64 = 1e-9;

/// A checked contract, ready to be evaluated on draws. Built by [`ContractConfig::validate`].
#[derive(Debug, Clone)]
pub struct Contract {
    pub(crate) config: ContractConfig,
    /// Outcomes the contract refers to, in first-use order, with the series each one needs.
    pub(crate) outcomes: Vec<OutcomeNeed>,
    pub(crate) thresholds: Vec<RThreshold>,
    pub(crate) parties: Vec<RParty>,
    pub(crate) components: Vec<RComponent>,
    /// Payment slots: one per (component, payee). A component's slots are contiguous.
    pub(crate) slots: Vec<Slot>,
    /// Per party: slot indices it receives.
    pub(crate) slots_of_party: Vec<Vec<usize>>,
    /// Per party: (slot, share) it funds.
    pub(crate) funded_slots_of_party: Vec<Vec<(usize, f64)>>,
    /// Per party: cap on what it receives.
    pub(crate) receive_caps: Vec<Option<f64>>,
    /// Per party: cap on what it pays and what happens to the excess.
    pub(crate) pay_caps: Vec<Option<(f64, RExcess)>>,
    /// Per party: whether it can ever pay / receive.
    pub(crate) can_pay: Vec<bool>,
    pub(crate) can_receive: Vec<bool>,
}

#[derive(Debug, Clone)]
pub(crate) struct OutcomeNeed {
    pub name: String,
    pub observed: bool,
    pub counterfactual: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct RThreshold {
    pub outcome: usize,
    pub quantity: Quantity,
    pub direction: crate::config::Direction,
    pub value: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct RParty {
    pub id: String,
    pub name: Option<String>,
    pub role: Role,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    pub component: usize,
    pub party: usize,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum RExcess {
    Cut,
    ShiftTo(usize),
}

#[derive(Debug, Clone)]
pub(crate) enum RPayout {
    AllOrNothing {
        thresholds: Vec<usize>,
        require: Require,
    },
    Stepped {
        steps: Vec<(usize, f64)>,
    },
}

impl RPayout {
    /// Fraction paid given which thresholds are met.
    #[inline]
    pub fn fraction(&self, met: &[bool]) -> f64 {
        match self {
            RPayout::AllOrNothing {
                thresholds,
                require,
            } => {
                let hit = match require {
                    Require::All => thresholds
                        .iter()
                        .all(|&t| met.get(t).copied().unwrap_or(false)),
                    Require::Any => thresholds
                        .iter()
                        .any(|&t| met.get(t).copied().unwrap_or(false)),
                };
                if hit { 1.0 } else { 0.0 }
            }
            RPayout::Stepped { steps } => steps
                .iter()
                .filter(|(t, _)| met.get(*t).copied().unwrap_or(false))
                .fold(0.0, |acc: f64, (_, f)| acc.max(*f)),
        }
    }
}

/// `units = scale × max(0, q − baseline)` on a quantity of an outcome.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RMeasure {
    pub outcome: usize,
    pub quantity: Quantity,
    pub baseline: f64,
    pub scale: f64,
}

#[derive(Debug, Clone)]
pub(crate) enum RSplit {
    Keys(Vec<f64>),
    Achievement(Vec<RMeasure>),
}

#[derive(Debug, Clone)]
pub(crate) enum RCondition {
    Payout(RPayout),
    Savings {
        measure: RMeasure,
        savings_share: f64,
    },
}

#[derive(Debug, Clone)]
pub(crate) enum RKind {
    Fixed {
        amount: f64,
    },
    OutcomeLinked {
        amount: f64,
        payout: RPayout,
    },
    RateCard {
        measure: RMeasure,
        rate: f64,
        cap: f64,
    },
    JointPot {
        amount: f64,
        payout: RPayout,
        split: RSplit,
    },
    Investor {
        capital: f64,
        guaranteed: f64,
        conditional_max: f64,
        condition: RCondition,
        premium: Option<(f64, RPayout)>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct RComponent {
    pub id: String,
    pub kind: RKind,
    /// Largest amount the component can pay on any draw (before party caps).
    pub max_amount: f64,
    pub slot_start: usize,
    pub slot_end: usize,
    pub funding: Vec<(usize, f64)>,
}

impl ContractConfig {
    /// Check the terms and resolve every reference.
    ///
    /// `known_outcomes` are the outcome names the study defines; every outcome the contract
    /// names must be one of them.
    ///
    /// Rules checked (each error names the key):
    /// - `total_cost` positive; amounts, rates and capital zero or positive (capital positive);
    ///   scales positive; every number finite;
    /// - shares, keys, fractions and caps between 0 and 1 (a cap above 100 % is an error);
    /// - every `funded_by` list, every joint pot's keys and every investor's
    ///   `guaranteed_share + conditional_share` sum to 1 (within 1e-9; the error gives the sum);
    /// - the budget rule: the maximum amounts of the fixed, outcome-linked, rate-card and
    ///   joint-pot components add up to `total_cost` (their shares sum to 1). Investor
    ///   repayments are measured against the capital and are not part of this sum;
    /// - ids unique; every party, threshold and outcome referred to exists;
    /// - caps: at most one per party and side, `excess` only on `pays` caps, the shift target is
    ///   another party without a `pays` cap, and the capped party can pay/receive on that side.
    ///
    /// # Errors
    /// The first [`ContractError`] found, in file order.
    pub fn validate(&self, known_outcomes: &[&str]) -> Result<Contract, ContractError> {
        Validator::new(self, known_outcomes).run()
    }
}

struct Validator<'a> {
    cfg: &'a ContractConfig,
    known: &'a [&'a str],
    outcomes: Vec<OutcomeNeed>,
    threshold_ids: Vec<&'a str>,
    party_ids: Vec<&'a str>,
}

/// `Ok` when `ok` holds, else [`ContractError::InvalidNumber`] for `key` = `v` with the
/// stated requirement.
fn require(ok: bool, key: &str, v: f64, requirement: &str) -> Result<(), ContractError> {
    if ok {
        Ok(())
    } else {
        Err(ContractError::InvalidNumber {
            key: key.to_string(),
            value: v,
            requirement: requirement.into(),
        })
    }
}

fn finite(key: &str, v: f64) -> Result<(), ContractError> {
    require(v.is_finite(), key, v, "must be a finite number")
}

fn non_negative(key: &str, v: f64) -> Result<(), ContractError> {
    finite(key, v)?;
    require(
        v >= 0.0,
        key,
        v,
        "must be zero or positive (amounts are never negative)",
    )
}

fn positive(key: &str, v: f64) -> Result<(), ContractError> {
    finite(key, v)?;
    require(v > 0.0, key, v, "must be positive")
}

/// A fraction in [0, 1]: negative → InvalidNumber, above 1 → AboveOneHundredPercent.
fn fraction(key: &str, v: f64) -> Result<(), ContractError> {
    non_negative(key, v)?;
    if v > 1.0 {
        return Err(ContractError::AboveOneHundredPercent {
            key: key.to_string(),
            value: v,
        });
    }
    Ok(())
}

fn sums_to_one(key: &str, what: &str, sum: f64) -> Result<(), ContractError> {
    if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
        return Err(ContractError::SharesDoNotSumToOne {
            key: key.to_string(),
            what: what.to_string(),
            sum,
        });
    }
    Ok(())
}

impl<'a> Validator<'a> {
    fn new(cfg: &'a ContractConfig, known: &'a [&'a str]) -> Self {
        Self {
            cfg,
            known,
            outcomes: Vec::new(),
            threshold_ids: Vec::new(),
            party_ids: Vec::new(),
        }
    }

    fn outcome(
        &mut self,
        key: &str,
        name: &str,
        quantity: Quantity,
    ) -> Result<usize, ContractError> {
        if !self.known.contains(&name) {
            return Err(ContractError::UnknownOutcome {
                key: key.to_string(),
                outcome: name.to_string(),
                defined: if self.known.is_empty() {
                    "none".to_string()
                } else {
                    self.known.join(", ")
                },
            });
        }
        let idx = match self.outcomes.iter().position(|o| o.name == name) {
            Some(i) => i,
            None => {
                self.outcomes.push(OutcomeNeed {
                    name: name.to_string(),
                    observed: false,
                    counterfactual: false,
                });
                self.outcomes.len() - 1
            }
        };
        if let Some(o) = self.outcomes.get_mut(idx) {
            match quantity {
                Quantity::Effect | Quantity::Reduction => {}
                Quantity::TreatedObserved => o.observed = true,
                Quantity::TreatedCounterfactual => o.counterfactual = true,
            }
        }
        Ok(idx)
    }

    fn party(&self, key: &str, id: &str) -> Result<usize, ContractError> {
        self.party_ids
            .iter()
            .position(|p| *p == id)
            .ok_or_else(|| ContractError::UnknownParty {
                key: key.to_string(),
                party: id.to_string(),
            })
    }

    fn threshold(&self, key: &str, id: &str) -> Result<usize, ContractError> {
        self.threshold_ids
            .iter()
            .position(|t| *t == id)
            .ok_or_else(|| ContractError::UnknownThreshold {
                key: key.to_string(),
                threshold: id.to_string(),
            })
    }

    fn share_or_amount(
        &self,
        key: &str,
        share: Option<f64>,
        amount: Option<f64>,
    ) -> Result<f64, ContractError> {
        match (share, amount) {
            (Some(s), None) => {
                fraction(&format!("{key}.share"), s)?;
                Ok(s * self.cfg.total_cost)
            }
            (None, Some(a)) => {
                non_negative(&format!("{key}.amount"), a)?;
                Ok(a)
            }
            (None, None) => Err(ContractError::ShareOrAmount {
                key: key.to_string(),
                found: "neither was given".into(),
            }),
            (Some(_), Some(_)) => Err(ContractError::ShareOrAmount {
                key: key.to_string(),
                found: "both were given".into(),
            }),
        }
    }

    fn funding(
        &self,
        key: &str,
        own: Option<&'a Vec<FundingShare>>,
    ) -> Result<Vec<(usize, f64)>, ContractError> {
        let (list, key) = match (own, self.cfg.funded_by.as_ref()) {
            (Some(l), _) => (l, format!("{key}.funded_by")),
            (None, Some(l)) => (l, "contract.funded_by".to_string()),
            (None, None) => {
                return Err(ContractError::MissingFunding {
                    key: key.to_string(),
                });
            }
        };
        if list.is_empty() {
            return Err(ContractError::Empty { key });
        }
        let mut out = Vec::with_capacity(list.len());
        let mut sum = 0.0;
        for (i, f) in list.iter().enumerate() {
            let k = format!("{key}[{i}]");
            let p = self.party(&format!("{k}.party"), &f.party)?;
            if out.iter().any(|(q, _)| *q == p) {
                return Err(ContractError::Duplicate {
                    key: format!("{k}.party"),
                    id: f.party.clone(),
                });
            }
            fraction(&format!("{k}.share"), f.share)?;
            sum += f.share;
            out.push((p, f.share));
        }
        sums_to_one(&key, "funding shares", sum)?;
        Ok(out)
    }

    fn all_or_nothing(&self, key: &str, r: &AllOrNothingRule) -> Result<RPayout, ContractError> {
        if r.thresholds.is_empty() {
            return Err(ContractError::Empty {
                key: format!("{key}.thresholds"),
            });
        }
        let thresholds = r
            .thresholds
            .iter()
            .enumerate()
            .map(|(i, t)| self.threshold(&format!("{key}.thresholds[{i}]"), t))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RPayout::AllOrNothing {
            thresholds,
            require: r.require,
        })
    }

    fn stepped(&self, key: &str, r: &SteppedRule) -> Result<RPayout, ContractError> {
        if r.steps.is_empty() {
            return Err(ContractError::Empty {
                key: format!("{key}.steps"),
            });
        }
        let mut steps = Vec::with_capacity(r.steps.len());
        for (i, s) in r.steps.iter().enumerate() {
            let k = format!("{key}.steps[{i}]");
            let t = self.threshold(&format!("{k}.threshold"), &s.threshold)?;
            fraction(&format!("{k}.fraction"), s.fraction)?;
            steps.push((t, s.fraction));
        }
        Ok(RPayout::Stepped { steps })
    }

    fn payout(&self, key: &str, p: &Payout) -> Result<RPayout, ContractError> {
        match p {
            Payout::AllOrNothing(r) => self.all_or_nothing(key, r),
            Payout::Stepped(r) => self.stepped(key, r),
        }
    }

    fn measure(
        &mut self,
        key: &str,
        outcome: &str,
        quantity: Quantity,
        baseline: f64,
        scale: Option<f64>,
    ) -> Result<RMeasure, ContractError> {
        let o = self.outcome(&format!("{key}.outcome"), outcome, quantity)?;
        finite(&format!("{key}.baseline"), baseline)?;
        let scale = scale.unwrap_or(1.0);
        positive(&format!("{key}.scale"), scale)?;
        Ok(RMeasure {
            outcome: o,
            quantity,
            baseline,
            scale,
        })
    }

    fn run(mut self) -> Result<Contract, ContractError> {
        let cfg = self.cfg;
        positive("contract.total_cost", cfg.total_cost)?;

        // Parties.
        if cfg.parties.is_empty() {
            return Err(ContractError::Empty {
                key: "contract.parties".into(),
            });
        }
        let mut parties = Vec::with_capacity(cfg.parties.len());
        for (i, p) in cfg.parties.iter().enumerate() {
            let key = format!("contract.parties[{i}].id");
            if p.id.is_empty() {
                return Err(ContractError::Empty { key });
            }
            if self.party_ids.contains(&p.id.as_str()) {
                return Err(ContractError::Duplicate {
                    key,
                    id: p.id.clone(),
                });
            }
            self.party_ids.push(&p.id);
            parties.push(RParty {
                id: p.id.clone(),
                name: p.name.clone(),
                role: p.role,
            });
        }
        let np = parties.len();

        // Thresholds.
        let mut thresholds = Vec::with_capacity(cfg.thresholds.len());
        for (i, t) in cfg.thresholds.iter().enumerate() {
            let key = format!("contract.thresholds[{i}]");
            if t.id.is_empty() {
                return Err(ContractError::Empty {
                    key: format!("{key}.id"),
                });
            }
            if self.threshold_ids.contains(&t.id.as_str()) {
                return Err(ContractError::Duplicate {
                    key: format!("{key}.id"),
                    id: t.id.clone(),
                });
            }
            let o = self.outcome(&format!("{key}.outcome"), &t.outcome, t.quantity)?;
            finite(&format!("{key}.value"), t.value)?;
            self.threshold_ids.push(&t.id);
            thresholds.push(RThreshold {
                outcome: o,
                quantity: t.quantity,
                direction: t.direction,
                value: t.value,
            });
        }

        // Default funding, checked once even if every component has its own.
        if cfg.funded_by.is_some() {
            self.funding("contract", None)?;
        }

        // Components.
        if cfg.components.is_empty() {
            return Err(ContractError::Empty {
                key: "contract.components".into(),
            });
        }
        let mut components: Vec<RComponent> = Vec::with_capacity(cfg.components.len());
        let mut slots: Vec<Slot> = Vec::new();
        let mut budget_share_sum = 0.0;
        let mut has_budget_component = false;
        for (ci, c) in cfg.components.iter().enumerate() {
            let key = format!("contract.components[{ci}]");
            let id = component_id(c);
            if id.is_empty() {
                return Err(ContractError::Empty {
                    key: format!("{key}.id"),
                });
            }
            if components.iter().any(|x| x.id == id) {
                return Err(ContractError::Duplicate {
                    key: format!("{key}.id"),
                    id: id.to_string(),
                });
            }
            let slot_start = slots.len();
            let (kind, max_amount, payees, funding) = match c {
                ComponentConfig::Fixed(f) => {
                    let payee = self.party(&format!("{key}.payee"), &f.payee)?;
                    let amount = self.share_or_amount(&key, f.share, f.amount)?;
                    let funding = self.funding(&key, f.funded_by.as_ref())?;
                    (RKind::Fixed { amount }, amount, vec![payee], funding)
                }
                ComponentConfig::OutcomeLinked(f) => {
                    let payee = self.party(&format!("{key}.payee"), &f.payee)?;
                    let amount = self.share_or_amount(&key, f.share, f.amount)?;
                    let payout = self.payout(&format!("{key}.payout"), &f.payout)?;
                    let funding = self.funding(&key, f.funded_by.as_ref())?;
                    (
                        RKind::OutcomeLinked { amount, payout },
                        amount,
                        vec![payee],
                        funding,
                    )
                }
                ComponentConfig::RateCard(f) => {
                    let payee = self.party(&format!("{key}.payee"), &f.payee)?;
                    let measure =
                        self.measure(&key, &f.outcome, f.quantity, f.baseline, f.scale)?;
                    non_negative(&format!("{key}.rate"), f.rate)?;
                    let cap = self.share_or_amount(&key, f.share, f.amount)?;
                    let funding = self.funding(&key, f.funded_by.as_ref())?;
                    (
                        RKind::RateCard {
                            measure,
                            rate: f.rate,
                            cap,
                        },
                        cap,
                        vec![payee],
                        funding,
                    )
                }
                ComponentConfig::JointPot(f) => {
                    let amount = self.share_or_amount(&key, f.share, f.amount)?;
                    let payout = self.payout(&format!("{key}.payout"), &f.payout)?;
                    let (split, payees) = match &f.split {
                        Split::Keys(k) => {
                            let mkey = format!("{key}.split.members");
                            if k.members.is_empty() {
                                return Err(ContractError::Empty { key: mkey });
                            }
                            let mut payees = Vec::new();
                            let mut keys = Vec::new();
                            let mut sum = 0.0;
                            for (i, m) in k.members.iter().enumerate() {
                                let mk = format!("{mkey}[{i}]");
                                let p = self.party(&format!("{mk}.party"), &m.party)?;
                                if payees.contains(&p) {
                                    return Err(ContractError::Duplicate {
                                        key: format!("{mk}.party"),
                                        id: m.party.clone(),
                                    });
                                }
                                fraction(&format!("{mk}.key"), m.key)?;
                                sum += m.key;
                                payees.push(p);
                                keys.push(m.key);
                            }
                            sums_to_one(&mkey, "joint pot keys", sum)?;
                            (RSplit::Keys(keys), payees)
                        }
                        Split::Achievement(a) => {
                            let mkey = format!("{key}.split.members");
                            if a.members.is_empty() {
                                return Err(ContractError::Empty { key: mkey });
                            }
                            let mut payees = Vec::new();
                            let mut measures = Vec::new();
                            for (i, m) in a.members.iter().enumerate() {
                                let mk = format!("{mkey}[{i}]");
                                let p = self.party(&format!("{mk}.party"), &m.party)?;
                                if payees.contains(&p) {
                                    return Err(ContractError::Duplicate {
                                        key: format!("{mk}.party"),
                                        id: m.party.clone(),
                                    });
                                }
                                let me =
                                    self.measure(&mk, &m.outcome, m.quantity, m.baseline, m.scale)?;
                                payees.push(p);
                                measures.push(me);
                            }
                            (RSplit::Achievement(measures), payees)
                        }
                    };
                    let funding = self.funding(&key, f.funded_by.as_ref())?;
                    (
                        RKind::JointPot {
                            amount,
                            payout,
                            split,
                        },
                        amount,
                        payees,
                        funding,
                    )
                }
                ComponentConfig::InvestorRepayment(f) => {
                    let payee = self.party(&format!("{key}.payee"), &f.payee)?;
                    positive(&format!("{key}.capital"), f.capital)?;
                    fraction(&format!("{key}.guaranteed_share"), f.guaranteed_share)?;
                    fraction(&format!("{key}.conditional_share"), f.conditional_share)?;
                    sums_to_one(
                        &key,
                        "guaranteed_share + conditional_share",
                        f.guaranteed_share + f.conditional_share,
                    )?;
                    let ckey = format!("{key}.conditional");
                    let condition = match &f.conditional {
                        RepaymentCondition::AllOrNothing(r) => {
                            RCondition::Payout(self.all_or_nothing(&ckey, r)?)
                        }
                        RepaymentCondition::Stepped(r) => {
                            RCondition::Payout(self.stepped(&ckey, r)?)
                        }
                        RepaymentCondition::Savings(s) => {
                            let measure =
                                self.measure(&ckey, &s.outcome, s.quantity, s.baseline, s.scale)?;
                            fraction(&format!("{ckey}.savings_share"), s.savings_share)?;
                            RCondition::Savings {
                                measure,
                                savings_share: s.savings_share,
                            }
                        }
                    };
                    let premium = match &f.premium {
                        None => None,
                        Some(p) => {
                            let pk = format!("{key}.premium");
                            fraction(&format!("{pk}.rate"), p.rate)?;
                            let payout = self.payout(&format!("{pk}.payout"), &p.payout)?;
                            Some((p.rate * f.capital, payout))
                        }
                    };
                    let funding = self.funding(&key, f.funded_by.as_ref())?;
                    let guaranteed = f.guaranteed_share * f.capital;
                    let conditional_max = f.conditional_share * f.capital;
                    let max = guaranteed + conditional_max + premium.as_ref().map_or(0.0, |p| p.0);
                    (
                        RKind::Investor {
                            capital: f.capital,
                            guaranteed,
                            conditional_max,
                            condition,
                            premium,
                        },
                        max,
                        vec![payee],
                        funding,
                    )
                }
            };
            if !matches!(kind, RKind::Investor { .. }) {
                has_budget_component = true;
                budget_share_sum += max_amount / cfg.total_cost;
            }
            for &p in &payees {
                slots.push(Slot {
                    component: ci,
                    party: p,
                });
            }
            components.push(RComponent {
                id: id.to_string(),
                kind,
                max_amount,
                slot_start,
                slot_end: slots.len(),
                funding,
            });
        }
        if has_budget_component {
            sums_to_one(
                "contract.components",
                "the sizes of the fixed, outcome-linked, rate-card and joint-pot components as shares of total_cost",
                budget_share_sum,
            )?;
        }

        // Who can pay / receive, and the slot lists per party.
        let mut slots_of_party = vec![Vec::new(); np];
        let mut funded_slots_of_party: Vec<Vec<(usize, f64)>> = vec![Vec::new(); np];
        for (s, slot) in slots.iter().enumerate() {
            if let Some(v) = slots_of_party.get_mut(slot.party) {
                v.push(s);
            }
            if let Some(c) = components.get(slot.component) {
                for &(q, w) in &c.funding {
                    if let Some(v) = funded_slots_of_party.get_mut(q) {
                        v.push((s, w));
                    }
                }
            }
        }
        let mut can_pay: Vec<bool> = funded_slots_of_party
            .iter()
            .map(|v| !v.is_empty())
            .collect();
        let can_receive: Vec<bool> = slots_of_party.iter().map(|v| !v.is_empty()).collect();

        // Caps.
        let mut receive_caps = vec![None; np];
        let mut pay_caps: Vec<Option<(f64, RExcess)>> = vec![None; np];
        let mut seen: Vec<(usize, Side)> = Vec::new();
        for (i, c) in cfg.caps.iter().enumerate() {
            let key = format!("contract.caps[{i}]");
            let p = self.party(&format!("{key}.party"), &c.party)?;
            if seen.contains(&(p, c.side)) {
                return Err(ContractError::Duplicate {
                    key: format!("{key}.party"),
                    id: format!("{} ({} cap)", c.party, side_word(c.side)),
                });
            }
            seen.push((p, c.side));
            let limit = self.share_or_amount(&key, c.share, c.amount)?;
            match c.side {
                Side::Receives => {
                    if c.excess.is_some() {
                        return Err(ContractError::Inconsistent {
                            key: format!("{key}.excess"),
                            message: "`excess` applies only to `side = \"pays\"` caps; what a party cannot receive is simply not paid".into(),
                        });
                    }
                    if !can_receive.get(p).copied().unwrap_or(false) {
                        return Err(ContractError::Inconsistent {
                            key: format!("{key}.party"),
                            message: format!(
                                "party `{}` is not the payee of any component, so a `receives` cap has no effect",
                                c.party
                            ),
                        });
                    }
                    if let Some(slot) = receive_caps.get_mut(p) {
                        *slot = Some(limit);
                    }
                }
                Side::Pays => {
                    if !can_pay.get(p).copied().unwrap_or(false) {
                        return Err(ContractError::Inconsistent {
                            key: format!("{key}.party"),
                            message: format!(
                                "party `{}` does not fund any component, so a `pays` cap has no effect",
                                c.party
                            ),
                        });
                    }
                    let excess = match &c.excess {
                        None | Some(Excess::Cut) => RExcess::Cut,
                        Some(Excess::ShiftTo(s)) => {
                            let t = self.party(&format!("{key}.excess.party"), &s.party)?;
                            if t == p {
                                return Err(ContractError::Inconsistent {
                                    key: format!("{key}.excess.party"),
                                    message:
                                        "the excess cannot be shifted to the capped party itself"
                                            .into(),
                                });
                            }
                            RExcess::ShiftTo(t)
                        }
                    };
                    if let Some(slot) = pay_caps.get_mut(p) {
                        *slot = Some((limit, excess));
                    }
                }
            }
        }
        // Shift targets must not be capped on the paying side (no cascades).
        for (i, c) in cfg.caps.iter().enumerate() {
            if let Some(Excess::ShiftTo(s)) = &c.excess {
                let t = self.party(&format!("contract.caps[{i}].excess.party"), &s.party)?;
                if pay_caps.get(t).is_some_and(|x| x.is_some()) {
                    return Err(ContractError::Inconsistent {
                        key: format!("contract.caps[{i}].excess.party"),
                        message: format!(
                            "party `{}` has a `pays` cap of its own; shift the excess to an uncapped payer (or use `cut`)",
                            s.party
                        ),
                    });
                }
                if let Some(x) = can_pay.get_mut(t) {
                    *x = true;
                }
            }
        }

        Ok(Contract {
            config: cfg.clone(),
            outcomes: self.outcomes,
            thresholds,
            parties,
            components,
            slots,
            slots_of_party,
            funded_slots_of_party,
            receive_caps,
            pay_caps,
            can_pay,
            can_receive,
        })
    }
}

fn side_word(s: Side) -> &'static str {
    match s {
        Side::Pays => "pays",
        Side::Receives => "receives",
    }
}

fn component_id(c: &ComponentConfig) -> &str {
    match c {
        ComponentConfig::Fixed(f) => &f.id,
        ComponentConfig::OutcomeLinked(f) => &f.id,
        ComponentConfig::RateCard(f) => &f.id,
        ComponentConfig::JointPot(f) => &f.id,
        ComponentConfig::InvestorRepayment(f) => &f.id,
    }
}

impl Contract {
    /// The terms this contract was built from.
    pub fn config(&self) -> &ContractConfig {
        &self.config
    }

    /// Names of the outcomes the contract refers to, in first-use order. Draws must be supplied
    /// for each of them.
    pub fn outcomes(&self) -> impl Iterator<Item = &str> {
        self.outcomes.iter().map(|o| o.name.as_str())
    }

    /// Ids of the parties, in contract order.
    pub fn party_ids(&self) -> impl Iterator<Item = &str> {
        self.parties.iter().map(|p| p.id.as_str())
    }

    /// Ids of the components, in contract order.
    pub fn component_ids(&self) -> impl Iterator<Item = &str> {
        self.components.iter().map(|c| c.id.as_str())
    }

    /// Ids of the thresholds, in contract order.
    pub fn threshold_ids(&self) -> impl Iterator<Item = &str> {
        self.config.thresholds.iter().map(|t| t.id.as_str())
    }
}
