//! Two-way fixed effects: `y_it = α_i + λ_t + δ D_it + x_it'β + ε_it`.

use effekt_models::{Counterfactual, InferenceNote, TidyRow, VarianceEstimator};
use effekt_resample::ProgressFn;
use serde::{Deserialize, Serialize};

use crate::DidError;
use crate::bacon::{BaconDecomposition, bacon_decomposition};
use crate::counterfactual::{PeriodCounterfactual, by_period};
use crate::panel::{DidData, Panel, PanelSummary};
use crate::regress::{Regressor, VcovChoice, covariate_columns, fe_regression, wmean};
use crate::wild::{WildBootstrap, WildBootstrapConfig, WildBootstrapResult, WildProblem};

/// Settings of the TWFE estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TwfeConfig {
    /// Cluster-robust variance (default: CR2 + Satterthwaite below 30 clusters, else CR1).
    pub vcov: VcovChoice,
    /// Confidence level (default 0.95).
    pub level: f64,
    /// Wild cluster bootstrap of the TWFE coefficient (`None` = not run).
    pub wild_bootstrap: Option<WildBootstrapConfig>,
    /// Goodman-Bacon decomposition when the panel allows it (default true).
    pub decompose: bool,
}

impl Default for TwfeConfig {
    fn default() -> Self {
        Self {
            vcov: VcovChoice::Auto,
            level: 0.95,
            wild_bootstrap: None,
            decompose: true,
        }
    }
}

/// A fitted TWFE model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwfeFit {
    /// The treatment coefficient `δ` (term = treatment column name).
    pub estimate: TidyRow,
    /// All coefficients (treatment first, then covariates).
    pub coefficients: Vec<TidyRow>,
    /// Variance estimator used.
    pub vcov: VarianceEstimator,
    /// Which inference was used and why.
    pub inference: InferenceNote,
    /// Parameters absorbed by the fixed effects (small-sample count).
    pub absorbed_df: usize,
    /// Panel counts.
    pub panel: PanelSummary,
    /// Treated rows: observed mean, counterfactual (observed − δ) and never-treated mean.
    pub counterfactual: Counterfactual,
    /// Observed and counterfactual means of the treated group by period.
    pub by_period: Vec<PeriodCounterfactual>,
    /// Wild cluster bootstrap of `δ`, when requested.
    pub wild_bootstrap: Option<WildBootstrapResult>,
    /// Goodman-Bacon decomposition (balanced panel, no covariates, no weights).
    pub bacon: Option<BaconDecomposition>,
    /// Notes (dropped columns, why no decomposition, …).
    pub notes: Vec<effekt_notes::Note>,
}

/// Fit TWFE with unit and period fixed effects and the configured inference.
///
/// # Errors
/// Panel validation errors ([`Panel::new`]), [`DidError::Model`] (e.g. the treatment is
/// collinear with the fixed effects), wild bootstrap errors.
pub fn fit_twfe(
    data: &DidData,
    config: &TwfeConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<TwfeFit, DidError> {
    let panel = Panel::new(data)?;
    fit_twfe_panel(data, &panel, config, progress)
}

pub(crate) fn fit_twfe_panel(
    data: &DidData,
    panel: &Panel,
    config: &TwfeConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<TwfeFit, DidError> {
    check_level(config.level)?;
    let d: Vec<f64> = panel
        .treated_now
        .iter()
        .map(|&b| f64::from(u8::from(b)))
        .collect();
    let fe = fe_regression(
        data,
        panel,
        vec![Regressor {
            name: data.treatment_name.clone(),
            values: d.clone(),
            must_keep: true,
        }],
        config.vcov,
    )?;
    let tidy = fe.fit.tidy(config.level).map_err(DidError::model("TWFE"))?;
    let mut coefficients: Vec<TidyRow> = tidy
        .iter()
        .filter(|r| r.term == data.treatment_name || fe.covariate_terms.contains(&r.term))
        .cloned()
        .collect();
    coefficients.sort_by_key(|r| usize::from(r.term != data.treatment_name));
    let estimate = coefficients
        .first()
        .cloned()
        .ok_or_else(|| DidError::NotIdentified {
            term: data.treatment_name.clone(),
        })?;
    let w = data.weights.as_deref();
    let y = &data.outcome;
    let delta = estimate.estimate;
    let observed = wmean(y, w, |i| panel.treated_now[i]).unwrap_or(f64::NAN);
    let control = wmean(y, w, |i| !panel.treated_now[i] && !panel.ever_treated[i])
        .or_else(|| wmean(y, w, |i| !panel.treated_now[i]))
        .unwrap_or(f64::NAN);
    let counterfactual = Counterfactual::from_effect(observed, delta, control);
    let by_period = by_period(panel, y, w, |i| panel.treated_now[i].then_some(delta));

    let mut notes = panel.notes.clone();
    notes.extend(fe.notes.iter().cloned());
    let wild_bootstrap = match &config.wild_bootstrap {
        Some(cfg) => {
            let (covs, _) = covariate_columns(data)?;
            let unit = panel.unit_codes();
            let time = panel.period_codes();
            let problem = WildProblem {
                y,
                x: &d,
                x_name: &data.treatment_name,
                controls: covs.iter().map(|c| c.1.as_slice()).collect(),
                fixed_effects: vec![
                    (data.unit_name.as_str(), &unit),
                    (data.time_name.as_str(), &time),
                ],
                clusters: &panel.cluster,
                weights: w,
            };
            Some(WildBootstrap::new(&problem)?.run(cfg, progress)?)
        }
        None => None,
    };
    let bacon = if config.decompose {
        match bacon_decomposition(data, panel) {
            Ok(b) => Some(b),
            Err(DidError::BaconNotAvailable { reason }) => {
                notes.push(effekt_notes::Note::BaconNotComputed { reason });
                None
            }
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    Ok(TwfeFit {
        estimate,
        coefficients,
        vcov: fe.estimator,
        inference: fe.note,
        absorbed_df: fe.absorbed,
        panel: panel.summary(),
        counterfactual,
        by_period,
        wild_bootstrap,
        bacon,
        notes,
    })
}

pub(crate) fn check_level(level: f64) -> Result<(), DidError> {
    if effekt_models::dist::level_in_range(level) {
        Ok(())
    } else {
        Err(DidError::InvalidOption {
            option: "level".into(),
            value: level.to_string(),
            expected: "between 1e-12 and 1 - 1e-12 (e.g. 0.95)".into(),
        })
    }
}
