//! Observed versus counterfactual means by period, for the report's trajectories.

use serde::{Deserialize, Serialize};

use crate::panel::Panel;
use crate::regress::wmean;

/// Observed and estimated counterfactual mean of the treated group in one period.
///
/// The treated group is every unit that is ever treated (so the line runs through the
/// pre-treatment periods too); `effect` is the mean estimated effect over its rows in that
/// period (rows not yet treated contribute 0), and
/// `treated_counterfactual = treated_observed − effect`. `control` is the comparison group's
/// observed mean (never-treated units; in the 2×2 the untreated group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodCounterfactual {
    /// Period (time value).
    pub period: f64,
    /// Rows of the treated group observed in this period.
    pub n_treated: usize,
    /// Of those, rows already treated.
    pub n_treated_now: usize,
    /// Rows of the comparison group in this period.
    pub n_control: usize,
    /// Observed mean outcome of the treated group.
    pub treated_observed: Option<f64>,
    /// Mean estimated effect (`None` before any unit is treated).
    pub effect: Option<f64>,
    /// Estimated mean without the intervention: observed − effect.
    pub treated_counterfactual: Option<f64>,
    /// Observed mean of the comparison group.
    pub control: Option<f64>,
}

/// Counterfactual rows for every period from per-row effects (`None` = untreated row).
pub(crate) fn by_period(
    panel: &Panel,
    y: &[f64],
    w: Option<&[f64]>,
    effect: impl Fn(usize) -> Option<f64>,
) -> Vec<PeriodCounterfactual> {
    let n = panel.n();
    (0..panel.periods.len())
        .map(|t| {
            let treated = |i: usize| panel.period[i] == t && panel.ever_treated[i];
            let control = |i: usize| panel.period[i] == t && !panel.ever_treated[i];
            let n_treated = (0..n).filter(|&i| treated(i)).count();
            let n_now = (0..n)
                .filter(|&i| treated(i) && panel.treated_now[i])
                .count();
            let observed = wmean(y, w, treated);
            let eff: Vec<f64> = (0..n)
                .map(|i| {
                    if treated(i) {
                        effect(i).unwrap_or(0.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            let effect_t = if n_now > 0 {
                wmean(&eff, w, treated)
            } else {
                None
            };
            PeriodCounterfactual {
                period: panel.periods[t],
                n_treated,
                n_treated_now: n_now,
                n_control: (0..n).filter(|&i| control(i)).count(),
                treated_observed: observed,
                effect: effect_t,
                treated_counterfactual: observed.map(|o| o - effect_t.unwrap_or(0.0)),
                control: wmean(y, w, control),
            }
        })
        .collect()
}
