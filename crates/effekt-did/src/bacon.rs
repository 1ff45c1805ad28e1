//! Goodman-Bacon (2021) decomposition of the TWFE coefficient under staggered timing.
//!
//! In a balanced panel with an absorbing binary treatment and no covariates, the TWFE
//! coefficient is a weighted average of all 2×2 DiD comparisons between timing groups
//! (Goodman-Bacon 2021, Theorem 1): `δ̂ = Σ s_kU δ̂_kU + Σ_{k<l} (s_kl^k δ̂_kl^k + s_kl^l δ̂_kl^l)`,
//! with the weights summing to one. With `n_k` the share of units in timing group `k`,
//! `D̄_k` the share of periods it is treated and `V̂^D` the variance of the two-way demeaned
//! treatment,
//!
//! * treated vs never treated: `δ̂_kU` = 2×2 of `k` against the never-treated over all periods,
//!   `s_kU = (n_k + n_U)² n_kU(1 − n_kU) D̄_k(1 − D̄_k) / V̂^D`, `n_kU = n_k/(n_k + n_U)`;
//! * earlier `k` vs later `l` (not yet treated) before `l` starts: `δ̂_kl^k`,
//!   `s_kl^k = ((n_k + n_l)(1 − D̄_l))² n_kl(1 − n_kl) (D̄_k − D̄_l)/(1 − D̄_l) · (1 − D̄_k)/(1 − D̄_l) / V̂^D`;
//! * later `l` vs earlier `k` (already treated: the comparison that goes wrong when effects
//!   change over time) after `k` started: `δ̂_kl^l`,
//!   `s_kl^l = ((n_k + n_l) D̄_k)² n_kl(1 − n_kl) (D̄_l/D̄_k) (D̄_k − D̄_l)/D̄_k / V̂^D`,
//!   `n_kl = n_k/(n_k + n_l)`.
//!
//! Each `δ̂` is a difference of changes in group means between the windows named.

use serde::{Deserialize, Serialize};

use crate::DidError;
use crate::panel::{DidData, Panel};

/// Which kind of 2×2 comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaconKind {
    /// A timing group against the never-treated.
    TreatedVsNever,
    /// Earlier-treated group against a later-treated group that is not yet treated.
    EarlierVsLater,
    /// Later-treated group against an earlier group that is already treated.
    LaterVsEarlier,
}

impl BaconKind {
    /// Description.
    pub fn describe(self) -> &'static str {
        match self {
            BaconKind::TreatedVsNever => "treated vs never treated",
            BaconKind::EarlierVsLater => "earlier vs later treated (not yet treated as control)",
            BaconKind::LaterVsEarlier => "later vs earlier treated (already treated as control)",
        }
    }
}

/// One 2×2 comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaconComponent {
    pub kind: BaconKind,
    /// First treated period of the group whose change is the "treated" one.
    pub treated: f64,
    /// First treated period of the comparison group (`None` = never treated).
    pub control: Option<f64>,
    /// The 2×2 DiD estimate.
    pub estimate: f64,
    /// Its weight in the TWFE coefficient.
    pub weight: f64,
}

/// Totals by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaconSummary {
    pub kind: BaconKind,
    pub description: String,
    /// Sum of the weights.
    pub weight: f64,
    /// Weighted average of the estimates of this kind.
    pub estimate: f64,
}

/// The decomposition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaconDecomposition {
    pub components: Vec<BaconComponent>,
    pub summary: Vec<BaconSummary>,
    /// `Σ weight · estimate` (equals the TWFE coefficient).
    pub total: f64,
}

/// Decompose the TWFE coefficient (Goodman-Bacon 2021).
///
/// # Errors
/// [`DidError::BaconNotAvailable`] for unbalanced panels, covariates or weights.
pub fn bacon_decomposition(data: &DidData, panel: &Panel) -> Result<BaconDecomposition, DidError> {
    let unavailable = |reason: &str| DidError::BaconNotAvailable {
        reason: reason.to_string(),
    };
    if !panel.balanced {
        return Err(unavailable(
            "it needs a balanced panel (every unit in every period)",
        ));
    }
    if !data.covariates.is_empty() {
        return Err(unavailable(
            "it is defined for the regression without covariates",
        ));
    }
    if data.weights.is_some() {
        return Err(unavailable("it is defined for the unweighted regression"));
    }
    let tp = panel.periods.len();
    let nu = panel.n_units();
    let y = &data.outcome;
    // groups: cohorts, then never-treated (index = cohorts.len())
    let cohorts = panel.cohorts();
    let ng = cohorts.len() + 1;
    let group_of_unit: Vec<usize> = panel
        .cohort
        .iter()
        .map(|c| match c {
            Some(g) => cohorts.binary_search(g).unwrap_or(0),
            None => ng - 1,
        })
        .collect();
    let mut size = vec![0usize; ng];
    for &gu in &group_of_unit {
        size[gu] += 1;
    }
    // group x period means
    let mut sum = vec![0.0; ng * tp];
    for i in 0..panel.n() {
        sum[group_of_unit[panel.unit[i]] * tp + panel.period[i]] += y[i];
    }
    let mean = |gr: usize, t: usize| sum[gr * tp + t] / size[gr] as f64;
    let window = |gr: usize, from: usize, to: usize| -> f64 {
        (from..to).map(|t| mean(gr, t)).sum::<f64>() / (to - from) as f64
    };
    // variance of the two-way demeaned treatment
    let d = |i: usize| f64::from(u8::from(panel.treated_now[i]));
    let n = panel.n() as f64;
    let mut du = vec![0.0; nu];
    let mut dt = vec![0.0; tp];
    let mut dbar = 0.0;
    for i in 0..panel.n() {
        du[panel.unit[i]] += d(i) / tp as f64;
        dt[panel.period[i]] += d(i) / nu as f64;
        dbar += d(i) / n;
    }
    let vd: f64 = (0..panel.n())
        .map(|i| (d(i) - du[panel.unit[i]] - dt[panel.period[i]] + dbar).powi(2))
        .sum::<f64>()
        / n;
    if !(vd > 0.0) {
        return Err(unavailable(
            "the treatment has no variation after removing unit and period effects",
        ));
    }
    let share = |gr: usize| size[gr] as f64 / nu as f64;
    let dshare = |k: usize| (tp - cohorts[k]) as f64 / tp as f64;
    let never = size[ng - 1] > 0;
    let mut components = Vec::new();
    for (ki, &k) in cohorts.iter().enumerate() {
        if never {
            let u = ng - 1;
            let est = (window(ki, k, tp) - window(ki, 0, k)) - (window(u, k, tp) - window(u, 0, k));
            let (nk, nn) = (share(ki), share(u));
            let nku = nk / (nk + nn);
            let dk = dshare(ki);
            let wgt = (nk + nn).powi(2) * nku * (1.0 - nku) * dk * (1.0 - dk) / vd;
            components.push(BaconComponent {
                kind: BaconKind::TreatedVsNever,
                treated: panel.periods[k],
                control: None,
                estimate: est,
                weight: wgt,
            });
        }
        for (li, &l) in cohorts.iter().enumerate().skip(ki + 1) {
            let (nk, nl) = (share(ki), share(li));
            let nkl = nk / (nk + nl);
            let (dk, dl) = (dshare(ki), dshare(li));
            // k treated, l not yet: periods [0, l)
            let est_k =
                (window(ki, k, l) - window(ki, 0, k)) - (window(li, k, l) - window(li, 0, k));
            let w_k = ((nk + nl) * (1.0 - dl)).powi(2)
                * nkl
                * (1.0 - nkl)
                * ((dk - dl) / (1.0 - dl))
                * ((1.0 - dk) / (1.0 - dl))
                / vd;
            components.push(BaconComponent {
                kind: BaconKind::EarlierVsLater,
                treated: panel.periods[k],
                control: Some(panel.periods[l]),
                estimate: est_k,
                weight: w_k,
            });
            // l treated, k already treated: periods [k, T)
            let est_l =
                (window(li, l, tp) - window(li, k, l)) - (window(ki, l, tp) - window(ki, k, l));
            let w_l =
                ((nk + nl) * dk).powi(2) * nkl * (1.0 - nkl) * (dl / dk) * ((dk - dl) / dk) / vd;
            components.push(BaconComponent {
                kind: BaconKind::LaterVsEarlier,
                treated: panel.periods[l],
                control: Some(panel.periods[k]),
                estimate: est_l,
                weight: w_l,
            });
        }
    }
    let total = components.iter().map(|c| c.weight * c.estimate).sum();
    let summary = [
        BaconKind::TreatedVsNever,
        BaconKind::EarlierVsLater,
        BaconKind::LaterVsEarlier,
    ]
    .into_iter()
    .filter_map(|kind| {
        let cs: Vec<&BaconComponent> = components.iter().filter(|c| c.kind == kind).collect();
        let weight: f64 = cs.iter().map(|c| c.weight).sum();
        (!cs.is_empty()).then(|| BaconSummary {
            kind,
            description: kind.describe().to_string(),
            weight,
            estimate: if weight > 0.0 {
                cs.iter().map(|c| c.weight * c.estimate).sum::<f64>() / weight
            } else {
                f64::NAN
            },
        })
    })
    .collect();
    Ok(BaconDecomposition {
        components,
        summary,
        total,
    })
}
