//! The result of [`fit_cs`](super::fit_cs) and its tidy rows.

use effekt_models::{Counterfactual, Glance, InferenceNote, TidyRow};
use serde::{Deserialize, Serialize};

use super::config::{
    Aggregation, BasePeriod, ControlGroup, CsEstimator, MultiplierWeights, Sampling,
};
use super::data::CsDropped;
use super::fmt_num;

/// An estimate with its inference. Standard errors and intervals are `None` where they are not
/// defined (the reference cell of a universal base period, degenerate bootstrap draws).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsEstimate {
    /// The point estimate.
    pub estimate: f64,
    /// The standard error used for inference: the multiplier-bootstrap one when the bootstrap
    /// ran (as `did`), otherwise the analytic one.
    pub std_error: Option<f64>,
    /// Analytic influence-function standard error (always computed).
    pub std_error_analytic: Option<f64>,
    /// `estimate / std_error` (normal reference).
    pub statistic: Option<f64>,
    /// Two-sided normal p-value of `statistic`.
    pub p_value: Option<f64>,
    /// Pointwise interval `estimate ± z_{1−α/2} · std_error`.
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// Simultaneous (sup-t) band `estimate ± c · std_error` with the bootstrap critical value
    /// `c` of the family (ATT(g,t), or the components of an aggregation); `None` without a
    /// bootstrap or when uniform bands are off.
    pub band_low: Option<f64>,
    pub band_high: Option<f64>,
}

/// One group-time average treatment effect ATT(g,t).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttGt {
    /// Cohort g (first treated period).
    pub group: f64,
    /// Period t.
    pub time: f64,
    /// The period t is compared with.
    pub base_period: f64,
    /// t − g.
    pub event_time: f64,
    /// g ≤ t (included in the simple, group and calendar aggregations).
    pub post: bool,
    /// The universal base period's own cell (ATT = 0 by construction).
    pub reference: bool,
    #[serde(flatten)]
    pub effect: CsEstimate,
    /// Units of cohort g in the cell (observations' units for cross-sections).
    pub n_treated: usize,
    /// Control units in the cell.
    pub n_control: usize,
    /// Observed mean of cohort g in period t, its counterfactual (observed − ATT) and the
    /// mean of the cell's controls in period t (weighted). `None` for the reference cell.
    pub counterfactual: Option<Counterfactual>,
}

/// One component of an aggregation: a cohort (group), an event time (dynamic) or a period
/// (calendar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsAggregateRow {
    /// The cohort, event time or period.
    pub key: f64,
    #[serde(flatten)]
    pub effect: CsEstimate,
    /// Number of ATT(g,t) averaged.
    pub cells: usize,
}

/// An aggregation of the ATT(g,t) (`did::aggte`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsAggregate {
    /// Which aggregation.
    pub kind: Aggregation,
    /// group: cohort-share weighted mean of the cohort ATTs; dynamic: mean of the event-time
    /// ATTs with e ≥ 0; calendar: mean of the period ATTs.
    pub overall: CsEstimate,
    /// Components: cohorts, event times or periods, increasing.
    pub rows: Vec<CsAggregateRow>,
    /// Critical value of the rows' bands: simultaneous (bootstrap sup-t) when `uniform`,
    /// otherwise the pointwise normal quantile.
    pub critical_value: f64,
    pub uniform: bool,
}

/// Observed and counterfactual mean outcome of the treated in one calendar period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsPeriodCounterfactual {
    /// The calendar period.
    pub period: f64,
    /// Units of the cohorts treated by this period (observed in it).
    pub n_treated: usize,
    /// The calendar-time ATT of this period.
    pub effect: f64,
    /// `treated_observed`: weighted mean outcome of the treated cohorts in this period;
    /// `treated_counterfactual` = observed − effect; `control`: the cohort-share weighted mean
    /// of the cells' control means.
    #[serde(flatten)]
    pub counterfactual: Counterfactual,
}

/// Size of a treated cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsCohort {
    /// First treated period.
    pub cohort: f64,
    /// Units (rows for repeated cross-sections) in the cohort.
    pub units: usize,
    /// Cohort share `mean(w 1{G = g})` used as aggregation weight.
    pub share: f64,
}

/// Wald test that all pre-treatment ATT(g,t) are zero (`did`'s `W` / `Wpval`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsPretest {
    /// `W = n ATT' V⁻¹ ATT` over the pre-treatment cells (t < g − anticipation).
    pub statistic: f64,
    /// Degrees of freedom: the number of pre-treatment cells with a standard error.
    pub df: usize,
    /// `1 − F_χ²(W; df)`.
    pub p_value: f64,
}

impl CsPretest {
    /// The pre-trend check at significance level `alpha` by the shared rules of
    /// [`effekt_notes::checks`] (failed when p < α), naming the largest pre-period effect of
    /// the dynamic aggregation when there is one (`dynamic`, rows keyed by event time).
    pub fn check(
        &self,
        dynamic: Option<&CsAggregate>,
        alpha: f64,
    ) -> Option<effekt_notes::checks::Check> {
        let pre: Vec<effekt_notes::checks::PrePeriod> = dynamic
            .map(|d| {
                d.rows
                    .iter()
                    .filter(|r| r.key < 0.0 && r.key.fract() == 0.0)
                    .map(|r| effekt_notes::checks::PrePeriod {
                        event_time: r.key as i64,
                        estimate: r.effect.estimate,
                    })
                    .collect()
            })
            .unwrap_or_default();
        effekt_notes::checks::Check::pre_trends(self.statistic, self.p_value, alpha, &pre)
    }
}

/// The result of a Callaway–Sant'Anna analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsFit {
    /// E.g. "Callaway-Sant'Anna (doubly robust, never-treated controls)".
    pub method: String,
    /// The settings used.
    pub estimator: CsEstimator,
    pub control_group: ControlGroup,
    pub base_period: BasePeriod,
    pub anticipation: u32,
    /// The estimators used: panel (balanced) or cross-section (unbalanced panel, repeated
    /// cross-sections).
    pub sampling: Sampling,
    /// Influence-function units: panel units, or rows for repeated cross-sections.
    pub n_units: usize,
    /// Rows used.
    pub n_rows: usize,
    /// Never-treated units (after the data checks).
    pub n_never_treated: usize,
    /// Cluster column and number of clusters, when clustered above the unit.
    pub cluster: Option<String>,
    pub n_clusters: Option<usize>,
    /// Periods used, increasing.
    pub periods: Vec<f64>,
    /// Estimated cohorts with their sizes and aggregation weights.
    pub cohorts: Vec<CsCohort>,
    /// Confidence level of intervals and bands.
    pub level: f64,
    /// ATT(g,t), cohorts increasing, then periods.
    pub att_gt: Vec<AttGt>,
    /// Critical value of the ATT(g,t) bands.
    pub att_gt_critical_value: f64,
    pub att_gt_uniform: bool,
    /// The overall ATT (`aggte(type = "simple")`), the headline effect.
    pub simple: CsEstimate,
    /// Aggregations, when requested (`CsConfig::aggregations`).
    pub group: Option<CsAggregate>,
    pub dynamic: Option<CsAggregate>,
    pub calendar: Option<CsAggregate>,
    /// Observed vs counterfactual mean of the treated, per post-treatment period.
    pub counterfactual: Vec<CsPeriodCounterfactual>,
    /// Wald test of the pre-treatment ATT(g,t) (`None` without pre-treatment cells or with a
    /// singular covariance, which is then a warning).
    pub pretest: Option<CsPretest>,
    /// Which inference was used and why, with every warning the user must see.
    pub inference: InferenceNote,
    /// Rows and units dropped or recoded before estimation, and why.
    pub dropped: Vec<CsDropped>,
    /// Warnings (also in `inference.warnings`).
    pub warnings: Vec<effekt_notes::Note>,
    /// Bootstrap seed, replicates and multiplier distribution (`None` without bootstrap).
    pub seed: Option<u64>,
    pub resamples: Option<usize>,
    pub multiplier: Option<MultiplierWeights>,
}

fn tidy_row(term: String, e: &CsEstimate) -> Option<TidyRow> {
    Some(TidyRow {
        term,
        estimate: e.estimate,
        std_error: e.std_error?,
        statistic: e.statistic?,
        df: None,
        p_value: e.p_value?,
        conf_low: e.conf_low?,
        conf_high: e.conf_high?,
    })
}

impl CsFit {
    /// The headline effect: the simple aggregation.
    pub fn headline(&self) -> &CsEstimate {
        &self.simple
    }

    /// Tidy rows (pointwise intervals): `ATT (simple)`; `ATT(g=2007)` … `ATT (group average)`;
    /// `ATT(e=-2)` … `ATT (event-time average, e >= 0)`; `ATT(t=2008)` …
    /// `ATT (calendar average)`; then `ATT(g=2007,t=2008)` for every cell. Quantities without
    /// a standard error (reference cells) are left out.
    pub fn tidy(&self) -> Vec<TidyRow> {
        let mut out = Vec::new();
        out.extend(tidy_row("ATT (simple)".into(), &self.simple));
        let aggs = [
            (&self.group, "g", "ATT (group average)"),
            (&self.dynamic, "e", "ATT (event-time average, e >= 0)"),
            (&self.calendar, "t", "ATT (calendar average)"),
        ];
        for (agg, key, overall) in aggs {
            if let Some(a) = agg {
                for r in &a.rows {
                    out.extend(tidy_row(
                        format!("ATT({key}={})", fmt_num(r.key)),
                        &r.effect,
                    ));
                }
                out.extend(tidy_row(overall.into(), &a.overall));
            }
        }
        for c in &self.att_gt {
            out.extend(tidy_row(
                format!("ATT(g={},t={})", fmt_num(c.group), fmt_num(c.time)),
                &c.effect,
            ));
        }
        out
    }

    /// One-row summary: units, treated units (in estimated cohorts), never-treated units.
    pub fn glance(&self) -> Glance {
        Glance {
            n: self.n_units,
            n_treated: self.cohorts.iter().map(|c| c.units).sum(),
            n_control: self.n_never_treated,
            method: self.method.clone(),
            inference: self.inference.method.clone(),
            seed: self.seed,
            resamples: self.resamples,
        }
    }
}
