//! Event study: `y_it = α_i + λ_t + Σ_{e ≠ ref} β_e 1{E_it = e} + x_it'γ + ε_it`, with event
//! time `E_it` = periods since the unit's first treated period (never-treated units load on no
//! dummy), optional endpoint binning and a joint Wald test of the pre-treatment coefficients.
//!
//! Event time is counted in observed periods (`E = index(t) − index(g)`), which equals `t − g`
//! for consecutive integer periods (years, waves) and stays meaningful for unequally spaced
//! waves.

use effekt_models::{Counterfactual, InferenceNote, TidyRow, VarianceEstimator};
use serde::{Deserialize, Serialize};

use crate::DidError;
use crate::counterfactual::{PeriodCounterfactual, by_period};
use crate::panel::{DidData, Panel, PanelSummary};
use crate::regress::{Regressor, VcovChoice, fe_regression, wmean};
use crate::twfe::check_level;

/// Settings of the event study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EventStudyConfig {
    /// Cluster-robust variance (default: CR2 + Satterthwaite below 30 clusters, else CR1).
    pub vcov: VcovChoice,
    /// Confidence level (default 0.95).
    pub level: f64,
    /// Reference (omitted) event time (default −1, the last period before treatment).
    pub reference: i64,
    /// Endpoint binning `[lo, hi]`: event times below `lo` are pooled into `lo`, above `hi`
    /// into `hi` (`None` = every event time its own coefficient).
    pub window: Option<[i64; 2]>,
}

impl Default for EventStudyConfig {
    fn default() -> Self {
        Self {
            vcov: VcovChoice::Auto,
            level: 0.95,
            reference: -1,
            window: None,
        }
    }
}

/// One event time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventStudyRow {
    /// Periods relative to the first treated period (0 = first treated period).
    pub event_time: i64,
    /// Coefficient name (`event_time::e`).
    pub term: String,
    /// The omitted reference period (estimate 0 by construction).
    pub reference: bool,
    /// An endpoint bin pooling more distant event times.
    pub binned: bool,
    /// Rows of treated units at this event time.
    pub n_obs: usize,
    pub estimate: Option<f64>,
    pub std_error: Option<f64>,
    pub statistic: Option<f64>,
    pub df: Option<f64>,
    pub p_value: Option<f64>,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// Observed mean outcome of treated units at this event time.
    pub treated_observed: Option<f64>,
    /// Observed − coefficient.
    pub treated_counterfactual: Option<f64>,
    /// Why there is no estimate (collinear), if so.
    pub note: Option<String>,
}

/// Joint test that all pre-treatment coefficients are zero.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreTrendTest {
    /// Tested terms.
    pub terms: Vec<String>,
    /// How the test was done.
    pub method: String,
    /// F statistic.
    pub statistic: f64,
    pub df1: f64,
    pub df2: Option<f64>,
    pub p_value: Option<f64>,
    /// Wald χ² statistic `(Rβ)'(RVR')^{-1}(Rβ)`.
    pub chi2: f64,
}

/// A fitted event study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventStudyFit {
    /// Coefficient table by event time (what the report plots), reference row included.
    pub rows: Vec<EventStudyRow>,
    /// Headline: average of the post-treatment coefficients weighted by treated rows.
    pub estimate: TidyRow,
    /// Joint pre-trend test (`None` when there are no pre-treatment coefficients).
    pub pretrend: Option<PreTrendTest>,
    /// All coefficients (event times, then covariates).
    pub coefficients: Vec<TidyRow>,
    pub vcov: VarianceEstimator,
    pub inference: InferenceNote,
    pub panel: PanelSummary,
    pub reference: i64,
    pub window: Option<[i64; 2]>,
    /// Headline counterfactual over treated rows (observed − average effect).
    pub counterfactual: Counterfactual,
    pub by_period: Vec<PeriodCounterfactual>,
    pub notes: Vec<effekt_notes::Note>,
}

impl PreTrendTest {
    /// The pre-trend check at significance level `alpha` by the shared rules of
    /// [`effekt_notes::checks`] (failed when p < α), naming the largest pre-period
    /// coefficient of `rows`; `None` without a p-value.
    pub fn check(&self, rows: &[EventStudyRow], alpha: f64) -> Option<effekt_notes::checks::Check> {
        let pre: Vec<effekt_notes::checks::PrePeriod> = rows
            .iter()
            .filter(|r| !r.reference)
            .filter_map(|r| {
                Some(effekt_notes::checks::PrePeriod {
                    event_time: r.event_time,
                    estimate: r.estimate?,
                })
            })
            .collect();
        effekt_notes::checks::Check::pre_trends(self.statistic, self.p_value?, alpha, &pre)
    }
}

/// Name of the coefficient of event time `e`.
pub fn event_term(e: i64) -> String {
    format!("event_time::{e}")
}

/// Fit the event study.
///
/// # Errors
/// Panel validation errors, [`DidError::InvalidOption`] (window not containing the reference,
/// reference event time not observed), [`DidError::Model`].
pub fn fit_event_study(
    data: &DidData,
    config: &EventStudyConfig,
) -> Result<EventStudyFit, DidError> {
    let panel = Panel::new(data)?;
    fit_event_panel(data, &panel, config)
}

pub(crate) fn fit_event_panel(
    data: &DidData,
    panel: &Panel,
    config: &EventStudyConfig,
) -> Result<EventStudyFit, DidError> {
    check_level(config.level)?;
    let reference = config.reference;
    if let Some([lo, hi]) = config.window
        && !(lo <= reference && reference <= hi && lo < hi)
    {
        return Err(DidError::InvalidOption {
            option: "event-study window".into(),
            value: format!("[{lo}, {hi}]"),
            expected: format!("lo < hi with the reference period {reference} inside"),
        });
    }
    let n = panel.n();
    let raw: Vec<Option<i64>> = (0..n).map(|i| panel.event_time(i)).collect();
    let bin = |e: i64| match config.window {
        Some([lo, hi]) => e.clamp(lo, hi),
        None => e,
    };
    let et: Vec<Option<i64>> = raw.iter().map(|e| e.map(bin)).collect();
    let mut times: Vec<i64> = et.iter().flatten().copied().collect();
    times.sort_unstable();
    times.dedup();
    if !times.contains(&reference) {
        return Err(DidError::InvalidOption {
            option: "reference event time".into(),
            value: reference.to_string(),
            expected: format!(
                "an event time at which treated units are observed ({}…{})",
                times.first().copied().unwrap_or(0),
                times.last().copied().unwrap_or(0)
            ),
        });
    }
    let regressors: Vec<Regressor> = times
        .iter()
        .filter(|&&e| e != reference)
        .map(|&e| Regressor {
            name: event_term(e),
            values: et
                .iter()
                .map(|x| f64::from(u8::from(*x == Some(e))))
                .collect(),
            must_keep: false,
        })
        .collect();
    let fe = fe_regression(data, panel, regressors, config.vcov)?;
    let tidy = fe
        .fit
        .tidy(config.level)
        .map_err(DidError::model("event study"))?;
    let y = &data.outcome;
    let w = data.weights.as_deref();
    let coef_of = |e: i64| -> Option<&TidyRow> {
        let t = event_term(e);
        tidy.iter().find(|r| r.term == t)
    };
    let rows: Vec<EventStudyRow> = times
        .iter()
        .map(|&e| {
            let at = |i: usize| et[i] == Some(e);
            let n_obs = (0..n).filter(|&i| at(i)).count();
            let binned = match config.window {
                Some([lo, hi]) => {
                    (e == lo && raw.iter().flatten().any(|&r| r < lo))
                        || (e == hi && raw.iter().flatten().any(|&r| r > hi))
                }
                None => false,
            };
            let observed = wmean(y, w, at);
            let row = coef_of(e);
            let is_ref = e == reference;
            let estimate = if is_ref {
                Some(0.0)
            } else {
                row.map(|r| r.estimate)
            };
            EventStudyRow {
                event_time: e,
                term: event_term(e),
                reference: is_ref,
                binned,
                n_obs,
                estimate,
                std_error: row.map(|r| r.std_error),
                statistic: row.map(|r| r.statistic),
                df: row.and_then(|r| r.df),
                p_value: row.map(|r| r.p_value),
                conf_low: row.map(|r| r.conf_low),
                conf_high: row.map(|r| r.conf_high),
                treated_observed: observed,
                treated_counterfactual: match (observed, estimate) {
                    (Some(o), Some(b)) => Some(o - b),
                    _ => None,
                },
                note: (!is_ref && row.is_none()).then(|| {
                    "dropped: collinear with the fixed effects and other event times".to_string()
                }),
            }
        })
        .collect();

    // headline: post-treatment coefficients averaged with treated-row weights
    let terms = fe.fit.terms();
    let mut c = vec![0.0; terms.len()];
    let mut total = 0.0;
    for r in rows.iter().filter(|r| r.event_time >= 0 && !r.reference) {
        if let Some(j) = terms.iter().position(|t| *t == r.term) {
            c[j] = r.n_obs as f64;
            total += r.n_obs as f64;
        }
    }
    if !(total > 0.0) {
        return Err(DidError::NotIdentified {
            term: "post-treatment event times".into(),
        });
    }
    for v in &mut c {
        *v /= total;
    }
    let ct = fe
        .fit
        .contrast(&c, config.level)
        .map_err(DidError::model("event study average"))?;
    let estimate = TidyRow {
        term: "average post-treatment effect".into(),
        estimate: ct.estimate,
        std_error: ct.std_error,
        statistic: ct.statistic,
        df: Some(ct.df),
        p_value: ct.p_value,
        conf_low: ct.conf_low,
        conf_high: ct.conf_high,
    };

    // pre-trend test
    let leads: Vec<usize> = rows
        .iter()
        .filter(|r| r.event_time < 0 && !r.reference && r.estimate.is_some())
        .filter_map(|r| terms.iter().position(|t| *t == r.term))
        .collect();
    let pretrend = if leads.is_empty() {
        None
    } else {
        let restr: Vec<Vec<f64>> = leads
            .iter()
            .map(|&j| {
                (0..terms.len())
                    .map(|l| f64::from(u8::from(l == j)))
                    .collect()
            })
            .collect();
        let wt = fe
            .fit
            .wald(&restr, None)
            .map_err(DidError::model("pre-trend test"))?;
        let names: Vec<String> = leads.iter().map(|&j| terms[j].clone()).collect();
        Some(match (&wt.htz, fe.estimator) {
            (Some(h), VarianceEstimator::Cr2) => PreTrendTest {
                terms: names,
                method: "HTZ Wald test with CR2 (Pustejovsky & Tipton 2018), F(q, ν − q + 1)"
                    .into(),
                statistic: h.f,
                df1: h.df1,
                df2: Some(h.df2),
                p_value: h.p_value,
                chi2: wt.chi2,
            },
            _ => PreTrendTest {
                terms: names,
                method: format!("Wald F test with {}, F(q, G − 1)", fe.estimator),
                statistic: wt.f,
                df1: wt.df1,
                df2: Some(wt.df2),
                p_value: Some(wt.p_value),
                chi2: wt.chi2,
            },
        })
    };
    let coefficients: Vec<TidyRow> = tidy
        .iter()
        .filter(|r| r.term.starts_with("event_time::") || fe.covariate_terms.contains(&r.term))
        .cloned()
        .collect();
    let effect_of = |i: usize| -> Option<f64> {
        if !panel.treated_now[i] {
            return None;
        }
        et[i].and_then(|e| {
            if e == reference {
                Some(0.0)
            } else {
                coef_of(e).map(|r| r.estimate)
            }
        })
    };
    let by_period = by_period(panel, y, w, effect_of);
    let observed = wmean(y, w, |i| panel.treated_now[i]).unwrap_or(f64::NAN);
    let control = wmean(y, w, |i| !panel.ever_treated[i])
        .or_else(|| wmean(y, w, |i| !panel.treated_now[i]))
        .unwrap_or(f64::NAN);
    let eff: Vec<f64> = (0..n).map(|i| effect_of(i).unwrap_or(0.0)).collect();
    let mean_effect = wmean(&eff, w, |i| panel.treated_now[i]).unwrap_or(f64::NAN);
    let mut notes = panel.notes.clone();
    notes.extend(fe.notes.iter().cloned());
    Ok(EventStudyFit {
        rows,
        estimate,
        pretrend,
        coefficients,
        vcov: fe.estimator,
        inference: fe.note,
        panel: panel.summary(),
        reference,
        window: config.window,
        counterfactual: Counterfactual::from_effect(observed, mean_effect, control),
        by_period,
        notes,
    })
}
