//! Evaluating a [`Contract`] on draws: the per-draw payment kernel, threshold probabilities and
//! the summaries the report shows.

use crate::config::{Quantity, Side};
use crate::contract::{Contract, RCondition, RExcess, RKind, RMeasure, RSplit};
use crate::error::ContractError;
use crate::summary::{PaymentSummary, summarise};

mod types;
pub use types::*;

/// Draws bound to a contract: checked once, then evaluated per draw or in full.
#[derive(Debug, Clone)]
pub struct BoundDraws<'c, 'a> {
    contract: &'c Contract,
    /// Per contract outcome (same order as `contract.outcomes`).
    data: Vec<Bound<'a>>,
    n: usize,
}

#[derive(Debug, Clone, Copy)]
struct Bound<'a> {
    point_effect: f64,
    point_observed: f64,
    point_counterfactual: f64,
    effect: &'a [f64],
    observed: Option<&'a [f64]>,
    counterfactual: Option<&'a [f64]>,
}

fn check_finite(outcome: &str, series: &str, xs: &[f64]) -> Result<(), ContractError> {
    let mut count = 0usize;
    let mut first = None;
    for (i, x) in xs.iter().enumerate() {
        if !x.is_finite() {
            count += 1;
            if first.is_none() {
                first = Some(i);
            }
        }
    }
    match first {
        Some(first_index) => Err(ContractError::NonFiniteDraws {
            outcome: outcome.to_string(),
            series: series.to_string(),
            count,
            first_index,
        }),
        None => Ok(()),
    }
}

fn check_point(outcome: &str, series: &str, v: f64) -> Result<(), ContractError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ContractError::NonFinitePoint {
            outcome: outcome.to_string(),
            series: series.to_string(),
            value: v,
        })
    }
}

impl Contract {
    /// Check the draws against the contract (every outcome it needs is there, with the series
    /// it needs, all of the same length, at least one draw, every value finite) and bind them.
    ///
    /// Outcomes not used by the contract are ignored (but still must not be duplicated).
    ///
    /// # Errors
    /// [`ContractError::MissingOutcomeData`], [`ContractError::DuplicateOutcomeData`],
    /// [`ContractError::NoDraws`], [`ContractError::DrawCountMismatch`],
    /// [`ContractError::NonFiniteDraws`] (with the count; draws are never dropped),
    /// [`ContractError::NonFinitePoint`].
    pub fn bind<'c, 'a>(
        &'c self,
        draws: &[OutcomeDraws<'a>],
    ) -> Result<BoundDraws<'c, 'a>, ContractError> {
        for (i, d) in draws.iter().enumerate() {
            if draws.iter().take(i).any(|e| e.outcome == d.outcome) {
                return Err(ContractError::DuplicateOutcomeData {
                    outcome: d.outcome.to_string(),
                });
            }
        }
        let mut n: Option<usize> = None;
        let mut data = Vec::with_capacity(self.outcomes.len());
        for need in &self.outcomes {
            let name = need.name.as_str();
            let d = draws.iter().find(|d| d.outcome == name).ok_or_else(|| {
                ContractError::MissingOutcomeData {
                    outcome: name.to_string(),
                    series: "effect draws".into(),
                    hint: "supply the outcome's point estimate and bootstrap draws".into(),
                }
            })?;
            if d.effect.is_empty() {
                return Err(ContractError::NoDraws {
                    outcome: name.to_string(),
                });
            }
            let expected = *n.get_or_insert(d.effect.len());
            let check_len = |series: &str, xs: &[f64]| {
                if xs.len() != expected {
                    Err(ContractError::DrawCountMismatch {
                        outcome: name.to_string(),
                        series: series.to_string(),
                        expected,
                        found: xs.len(),
                    })
                } else {
                    Ok(())
                }
            };
            check_len("effect", d.effect)?;
            check_finite(name, "effect", d.effect)?;
            check_point(name, "effect", d.point.effect)?;
            if let Some(o) = d.treated_observed {
                check_len("treated_observed", o)?;
                check_finite(name, "treated_observed", o)?;
            }
            if let Some(c) = d.treated_counterfactual {
                check_len("treated_counterfactual", c)?;
                check_finite(name, "treated_counterfactual", c)?;
            }
            if let Some(v) = d.point.treated_observed {
                check_point(name, "treated_observed", v)?;
            }
            if let Some(v) = d.point.treated_counterfactual {
                check_point(name, "treated_counterfactual", v)?;
            }
            let missing = |series: &str| {
                ContractError::MissingOutcomeData {
                outcome: name.to_string(),
                series: series.to_string(),
                hint: "a threshold or payment rule uses this quantity; supply it (point estimate and draws)".into(),
            }
            };
            let (point_observed, observed) = if need.observed {
                (
                    d.point
                        .treated_observed
                        .ok_or_else(|| missing("the treated_observed point estimate"))?,
                    Some(
                        d.treated_observed
                            .ok_or_else(|| missing("treated_observed draws"))?,
                    ),
                )
            } else {
                (
                    d.point.treated_observed.unwrap_or(f64::NAN),
                    d.treated_observed,
                )
            };
            let (point_counterfactual, counterfactual) = if need.counterfactual {
                let p = match (d.point.treated_counterfactual, d.point.treated_observed) {
                    (Some(c), _) => c,
                    (None, Some(o)) => o - d.point.effect,
                    (None, None) => {
                        return Err(missing(
                            "the treated_counterfactual (or treated_observed) point estimate",
                        ));
                    }
                };
                if d.treated_counterfactual.is_none() && d.treated_observed.is_none() {
                    return Err(missing(
                        "treated_counterfactual (or treated_observed) draws",
                    ));
                }
                (p, d.treated_counterfactual)
            } else {
                (
                    d.point.treated_counterfactual.unwrap_or(f64::NAN),
                    d.treated_counterfactual,
                )
            };
            data.push(Bound {
                point_effect: d.point.effect,
                point_observed,
                point_counterfactual,
                effect: d.effect,
                observed: observed.or(d.treated_observed),
                counterfactual,
            });
        }
        // A contract whose rules use no outcome (fixed payments only) still needs the number of
        // draws: take it from the first outcome supplied.
        let n = match n {
            Some(n) => n,
            None => {
                let d = draws.first().ok_or_else(|| ContractError::NoDraws {
                    outcome: "(none supplied)".into(),
                })?;
                if d.effect.is_empty() {
                    return Err(ContractError::NoDraws {
                        outcome: d.outcome.to_string(),
                    });
                }
                d.effect.len()
            }
        };
        Ok(BoundDraws {
            contract: self,
            data,
            n,
        })
    }

    /// Evaluate the contract on the draws: threshold probabilities, payments per party and per
    /// component (expected value, percentile interval, value at the point estimate) and plot
    /// data.
    ///
    /// Work is `O(B × (thresholds + components + parties))` and memory is one `f64` per draw
    /// and reported series (parties' paid/received sides that can be non-zero, plus one per
    /// component), e.g. 64 MB for `B = 10⁶` and 8 series; nothing is allocated per draw.
    /// Deterministic: draws are processed in replicate order.
    ///
    /// # Errors
    /// Those of [`Contract::bind`], and [`ContractError::InvalidOption`] for a level outside
    /// (0, 1) or a bin count outside 1–10 000.
    pub fn evaluate(
        &self,
        draws: &[OutcomeDraws<'_>],
        options: &EvaluateOptions,
    ) -> Result<ContractEvaluation, ContractError> {
        self.bind(draws)?.evaluate(options)
    }
}

/// Scratch space of the kernel, allocated once per evaluation.
struct Scratch {
    met: Vec<bool>,
    flows: Vec<f64>,
    pre: Vec<f64>,
    paid: Vec<f64>,
    received: Vec<f64>,
    component: Vec<f64>,
    achieved: Vec<f64>,
}

impl Scratch {
    fn new(c: &Contract) -> Self {
        let max_members = c
            .components
            .iter()
            .map(|x| x.slot_end - x.slot_start)
            .max()
            .unwrap_or(0);
        Self {
            met: vec![false; c.thresholds.len()],
            flows: vec![0.0; c.slots.len()],
            pre: vec![0.0; c.slots.len()],
            paid: vec![0.0; c.parties.len()],
            received: vec![0.0; c.parties.len()],
            component: vec![0.0; c.components.len()],
            achieved: vec![0.0; max_members],
        }
    }
}

/// `max(0, q − baseline) × scale`, written so that a non-positive excess gives exactly 0.
#[inline]
fn units(m: &RMeasure, q: f64) -> f64 {
    let d = q - m.baseline;
    if d > 0.0 { d * m.scale } else { 0.0 }
}

/// Multiply `xs[idx]` by `(1 − 2⁻⁵⁰)` until `Σ xs[idx] ≤ limit`; guarantees that a cap holds
/// exactly in floating point after a proportional scaling that rounded up.
fn settle_below(xs: &mut [f64], idx: &[usize], limit: f64) -> f64 {
    let sum = |xs: &[f64]| {
        idx.iter()
            .map(|&s| xs.get(s).copied().unwrap_or(0.0))
            .sum::<f64>()
    };
    let mut total = sum(xs);
    let shrink = 1.0 - f64::EPSILON * 4.0;
    let mut guard = 0;
    while total > limit && guard < 64 {
        for &s in idx {
            if let Some(x) = xs.get_mut(s) {
                *x *= shrink;
            }
        }
        total = sum(xs);
        guard += 1;
    }
    if total > limit {
        // Unreachable in practice; never let a cap be exceeded.
        for &s in idx {
            if let Some(x) = xs.get_mut(s) {
                *x = 0.0;
            }
        }
        total = 0.0;
    }
    total
}

impl<'c, 'a> BoundDraws<'c, 'a> {
    /// Number of draws `B`.
    pub fn n_draws(&self) -> usize {
        self.n
    }

    /// The quantity of contract outcome `o` at `at`.
    #[inline]
    fn q(&self, o: usize, quantity: Quantity, at: At) -> f64 {
        let Some(d) = self.data.get(o) else {
            return f64::NAN;
        };
        match at {
            At::Point => match quantity {
                Quantity::Effect => d.point_effect,
                Quantity::Reduction => -d.point_effect,
                Quantity::TreatedObserved => d.point_observed,
                Quantity::TreatedCounterfactual => d.point_counterfactual,
            },
            At::Draw(b) => {
                let e = d.effect.get(b).copied().unwrap_or(f64::NAN);
                match quantity {
                    Quantity::Effect => e,
                    Quantity::Reduction => -e,
                    Quantity::TreatedObserved => d
                        .observed
                        .and_then(|x| x.get(b))
                        .copied()
                        .unwrap_or(f64::NAN),
                    Quantity::TreatedCounterfactual => match d.counterfactual {
                        Some(c) => c.get(b).copied().unwrap_or(f64::NAN),
                        None => {
                            d.observed
                                .and_then(|x| x.get(b))
                                .copied()
                                .unwrap_or(f64::NAN)
                                - e
                        }
                    },
                }
            }
        }
    }

    /// The payment kernel: fills `s` for one draw. See the crate docs for the order of steps.
    fn kernel(&self, at: At, s: &mut Scratch) {
        let c = self.contract;
        // 1. Thresholds.
        for (m, t) in s.met.iter_mut().zip(&c.thresholds) {
            *m = t
                .direction
                .is_met(self.q(t.outcome, t.quantity, at), t.value);
        }
        // 2. Gross component amounts per slot.
        for comp in &c.components {
            let (start, end) = (comp.slot_start, comp.slot_end);
            let Some(flows) = s.flows.get_mut(start..end) else {
                continue;
            };
            match &comp.kind {
                RKind::Fixed { amount } => flows.fill(*amount),
                RKind::OutcomeLinked { amount, payout } => {
                    flows.fill(amount * payout.fraction(&s.met))
                }
                RKind::RateCard { measure, rate, cap } => {
                    let u = units(measure, self.q(measure.outcome, measure.quantity, at));
                    flows.fill((rate * u).min(*cap));
                }
                RKind::JointPot {
                    amount,
                    payout,
                    split,
                } => {
                    let pot = amount * payout.fraction(&s.met);
                    match split {
                        RSplit::Keys(keys) => split_pot(flows, pot, keys),
                        RSplit::Achievement(measures) => {
                            let Some(ach) = s.achieved.get_mut(..measures.len()) else {
                                continue;
                            };
                            for (a, m) in ach.iter_mut().zip(measures) {
                                *a = units(m, self.q(m.outcome, m.quantity, at));
                            }
                            let total: f64 = ach.iter().sum();
                            if total > 0.0 && pot > 0.0 {
                                // Normalise to weights; the last member takes the remainder.
                                for a in ach.iter_mut() {
                                    *a /= total;
                                }
                                split_pot(flows, pot, ach);
                            } else {
                                flows.fill(0.0);
                            }
                        }
                    }
                }
                RKind::Investor {
                    capital: _,
                    guaranteed,
                    conditional_max,
                    condition,
                    premium,
                } => {
                    let cond = match condition {
                        RCondition::Payout(p) => conditional_max * p.fraction(&s.met),
                        RCondition::Savings {
                            measure,
                            savings_share,
                        } => {
                            let savings =
                                units(measure, self.q(measure.outcome, measure.quantity, at));
                            (savings_share * savings).min(*conditional_max)
                        }
                    };
                    let prem = premium
                        .as_ref()
                        .map_or(0.0, |(max, p)| max * p.fraction(&s.met));
                    flows.fill(guaranteed + cond + prem);
                }
            }
        }
        // 3. Caps on what a party receives: proportional cut of its slots.
        for (p, cap) in c.receive_caps.iter().enumerate() {
            let Some(limit) = *cap else { continue };
            let Some(idx) = c.slots_of_party.get(p) else {
                continue;
            };
            let total: f64 = idx
                .iter()
                .map(|&k| s.flows.get(k).copied().unwrap_or(0.0))
                .sum();
            if total > limit {
                let f = limit / total;
                for &k in idx {
                    if let Some(x) = s.flows.get_mut(k) {
                        *x *= f;
                    }
                }
                settle_below(&mut s.flows, idx, limit);
            }
        }
        // 4. Funding: what each payer owes.
        s.pre.copy_from_slice(&s.flows);
        for (p, funded) in c.funded_slots_of_party.iter().enumerate() {
            let owed: f64 = funded
                .iter()
                .map(|&(k, w)| s.pre.get(k).copied().unwrap_or(0.0) * w)
                .sum();
            if let Some(x) = s.paid.get_mut(p) {
                *x = owed;
            }
        }
        // 5. Caps on what a payer pays: cut its portions, or shift the excess.
        for (p, cap) in c.pay_caps.iter().enumerate() {
            let Some((limit, excess)) = *cap else {
                continue;
            };
            let owed = s.paid.get(p).copied().unwrap_or(0.0);
            if owed <= limit {
                continue;
            }
            if let Some(x) = s.paid.get_mut(p) {
                *x = limit;
            }
            match excess {
                RExcess::ShiftTo(t) => {
                    if let Some(x) = s.paid.get_mut(t) {
                        *x += owed - limit;
                    }
                }
                RExcess::Cut => {
                    let keep = limit / owed;
                    if let Some(funded) = c.funded_slots_of_party.get(p) {
                        for &(k, w) in funded {
                            let portion = s.pre.get(k).copied().unwrap_or(0.0) * w;
                            if let Some(x) = s.flows.get_mut(k) {
                                *x = (*x - portion * (1.0 - keep)).max(0.0);
                            }
                        }
                    }
                }
            }
        }
        // 6. Receipts per party and amounts per component, in slot order.
        for (p, idx) in c.slots_of_party.iter().enumerate() {
            let r: f64 = idx
                .iter()
                .map(|&k| s.flows.get(k).copied().unwrap_or(0.0))
                .sum();
            if let Some(x) = s.received.get_mut(p) {
                *x = r;
            }
        }
        for (ci, comp) in c.components.iter().enumerate() {
            let a: f64 = s
                .flows
                .get(comp.slot_start..comp.slot_end)
                .map_or(0.0, |f| f.iter().sum());
            if let Some(x) = s.component.get_mut(ci) {
                *x = a;
            }
        }
    }

    /// Payments on one draw or at the point estimate.
    ///
    /// # Errors
    /// [`ContractError::InvalidOption`] when `b` is not below the number of draws.
    pub fn payments(&self, at: At) -> Result<DrawPayments, ContractError> {
        if let At::Draw(b) = at
            && b >= self.n
        {
            return Err(ContractError::InvalidOption {
                option: "draw".into(),
                message: format!(
                    "draw {b} requested, but there are {} draws (0-based)",
                    self.n
                ),
            });
        }
        let c = self.contract;
        let mut s = Scratch::new(c);
        self.kernel(at, &mut s);
        Ok(DrawPayments {
            thresholds_met: s.met.clone(),
            parties: c
                .parties
                .iter()
                .zip(s.paid.iter().zip(&s.received))
                .map(|(p, (&paid, &received))| PartyFlow {
                    party: p.id.clone(),
                    paid,
                    received,
                })
                .collect(),
            components: s.component.clone(),
        })
    }

    /// Full evaluation; see [`Contract::evaluate`].
    ///
    /// # Errors
    /// [`ContractError::InvalidOption`] for a level outside (0, 1) or a bin count outside
    /// 1–10 000.
    pub fn evaluate(&self, options: &EvaluateOptions) -> Result<ContractEvaluation, ContractError> {
        if !(options.level > 0.0 && options.level < 1.0) {
            return Err(ContractError::InvalidOption {
                option: "level".into(),
                message: format!(
                    "{} is not strictly between 0 and 1 (e.g. 0.95)",
                    options.level
                ),
            });
        }
        if options.histogram_bins == 0 || options.histogram_bins > 10_000 {
            return Err(ContractError::InvalidOption {
                option: "histogram_bins".into(),
                message: format!("{} is not between 1 and 10 000", options.histogram_bins),
            });
        }
        let c = self.contract;
        let n = self.n;

        // Series layout: party sides that can be non-zero, then components.
        let mut party_series: Vec<(usize, Side)> = Vec::new();
        for p in 0..c.parties.len() {
            if c.can_pay.get(p).copied().unwrap_or(false) {
                party_series.push((p, Side::Pays));
            }
            if c.can_receive.get(p).copied().unwrap_or(false) {
                party_series.push((p, Side::Receives));
            }
        }
        let n_series = party_series.len() + c.components.len();
        let mut store = vec![0.0_f64; n * n_series];
        let mut met_counts = vec![0u64; c.thresholds.len()];

        let mut s = Scratch::new(c);
        for b in 0..n {
            self.kernel(At::Draw(b), &mut s);
            for (cnt, &m) in met_counts.iter_mut().zip(&s.met) {
                *cnt += u64::from(m);
            }
            for (j, &(p, side)) in party_series.iter().enumerate() {
                let v = match side {
                    Side::Pays => s.paid.get(p),
                    Side::Receives => s.received.get(p),
                };
                if let Some(x) = store.get_mut(j * n + b) {
                    *x = v.copied().unwrap_or(0.0);
                }
            }
            for (ci, &v) in s.component.iter().enumerate() {
                if let Some(x) = store.get_mut((party_series.len() + ci) * n + b) {
                    *x = v;
                }
            }
        }

        // Point estimate.
        let mut sp = Scratch::new(c);
        self.kernel(At::Point, &mut sp);

        // Thresholds.
        let nb = n as u64;
        let thresholds: Vec<ThresholdResult> = c
            .config
            .thresholds
            .iter()
            .zip(&c.thresholds)
            .zip(&met_counts)
            .enumerate()
            .map(|(ti, ((cfg, r), &n_met))| {
                let p = n_met as f64 / n as f64;
                ThresholdResult {
                    id: cfg.id.clone(),
                    label: cfg.label.clone().unwrap_or_else(|| {
                        format!(
                            "{} of {} {} {}",
                            quantity_word(cfg.quantity),
                            cfg.outcome,
                            cfg.direction.symbol(),
                            cfg.value
                        )
                    }),
                    outcome: cfg.outcome.clone(),
                    quantity: cfg.quantity,
                    direction: cfg.direction,
                    value: cfg.value,
                    n_met,
                    n_draws: nb,
                    probability: p,
                    mc_std_error: (p * (1.0 - p) / n as f64).sqrt(),
                    point_value: self.q(r.outcome, r.quantity, At::Point),
                    point_met: sp.met.get(ti).copied().unwrap_or(false),
                }
            })
            .collect();

        // Party summaries and distributions.
        let mut paid_sum: Vec<Option<PaymentSummary>> = vec![None; c.parties.len()];
        let mut recv_sum: Vec<Option<PaymentSummary>> = vec![None; c.parties.len()];
        let mut distributions = Vec::with_capacity(party_series.len());
        for (j, &(p, side)) in party_series.iter().enumerate() {
            let Some(series) = store.get_mut(j * n..(j + 1) * n) else {
                continue;
            };
            let point = match side {
                Side::Pays => sp.paid.get(p),
                Side::Receives => sp.received.get(p),
            }
            .copied()
            .unwrap_or(0.0);
            let (summary, histogram, atoms) =
                summarise(series, point, options.level, options.histogram_bins);
            distributions.push(PaymentDistribution {
                party: c.parties.get(p).map(|x| x.id.clone()).unwrap_or_default(),
                side,
                mean: summary.mean,
                point: summary.point,
                conf_low: summary.conf_low,
                conf_high: summary.conf_high,
                histogram,
                atoms,
            });
            let target = match side {
                Side::Pays => paid_sum.get_mut(p),
                Side::Receives => recv_sum.get_mut(p),
            };
            if let Some(t) = target {
                *t = Some(summary);
            }
        }
        let parties = c
            .parties
            .iter()
            .zip(paid_sum.into_iter().zip(recv_sum))
            .map(|(p, (paid, received))| PartyResult {
                id: p.id.clone(),
                name: p.name.clone().unwrap_or_else(|| p.id.clone()),
                role: p.role,
                paid,
                received,
            })
            .collect();

        // Component summaries.
        let base = party_series.len();
        let mut components = Vec::with_capacity(c.components.len());
        for (ci, comp) in c.components.iter().enumerate() {
            let Some(series) = store.get_mut((base + ci) * n..(base + ci + 1) * n) else {
                continue;
            };
            // Full payment, allowing for the rounding of a split pot (relative 1e-12).
            let full_at = comp.max_amount * (1.0 - 1e-12);
            let full = series.iter().filter(|&&x| x >= full_at).count();
            let point = sp.component.get(ci).copied().unwrap_or(0.0);
            let (paid, _, _) = summarise(series, point, options.level, 0);
            components.push(ComponentResult {
                id: comp.id.clone(),
                kind: kind_word(&comp.kind).to_string(),
                max_amount: comp.max_amount,
                payees: c
                    .slots
                    .get(comp.slot_start..comp.slot_end)
                    .unwrap_or(&[])
                    .iter()
                    .map(|sl| {
                        c.parties
                            .get(sl.party)
                            .map(|x| x.id.clone())
                            .unwrap_or_default()
                    })
                    .collect(),
                paid,
                share_full: full as f64 / n as f64,
                capital: match comp.kind {
                    RKind::Investor { capital, .. } => Some(capital),
                    _ => None,
                },
            });
        }

        let plot = PlotData {
            threshold_probabilities: thresholds
                .iter()
                .map(|t| ThresholdBar {
                    id: t.id.clone(),
                    label: t.label.clone(),
                    probability: t.probability,
                    point_met: t.point_met,
                })
                .collect(),
            payment_distributions: distributions,
        };

        Ok(ContractEvaluation {
            name: c.config.name.clone(),
            currency: c.config.currency.clone(),
            total_cost: c.config.total_cost,
            source: options.source,
            interpretation: options.source.interpretation().to_string(),
            n_draws: n,
            level: options.level,
            interval_method: format!(
                "percentile interval: {}th and {}th percentiles of the {} per-draw payments (Hyndman & Fan 1996 type 7, as R's quantile())",
                fmt_pct((1.0 - options.level) / 2.0),
                fmt_pct((1.0 + options.level) / 2.0),
                n
            ),
            thresholds,
            parties,
            components,
            plot,
        })
    }
}

/// Split `pot` by `weights` (summing to 1); the last slot takes the remainder so the parts add
/// up to the pot.
fn split_pot(flows: &mut [f64], pot: f64, weights: &[f64]) {
    let mut given = 0.0;
    let last = flows.len().saturating_sub(1);
    for (i, (f, w)) in flows.iter_mut().zip(weights).enumerate() {
        if i == last {
            *f = (pot - given).max(0.0);
        } else {
            *f = pot * w;
            given += *f;
        }
    }
}

/// A percentage rounded to 8 decimals without trailing zeros (0.025 → "2.5").
fn fmt_pct(p: f64) -> String {
    let s = format!("{:.8}", p * 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn quantity_word(q: Quantity) -> &'static str {
    match q {
        Quantity::Effect => "effect",
        Quantity::Reduction => "reduction",
        Quantity::TreatedObserved => "treated observed level",
        Quantity::TreatedCounterfactual => "treated counterfactual level",
    }
}

fn kind_word(k: &RKind) -> &'static str {
    match k {
        RKind::Fixed { .. } => "fixed",
        RKind::OutcomeLinked { .. } => "outcome_linked",
        RKind::RateCard { .. } => "rate_card",
        RKind::JointPot { .. } => "joint_pot",
        RKind::Investor { .. } => "investor_repayment",
    }
}
