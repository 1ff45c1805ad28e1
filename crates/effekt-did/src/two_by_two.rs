//! The canonical 2×2 difference-in-differences: one treated group, one treatment start.
//!
//! Cell means: `δ̂ = (ȳ_T,post − ȳ_T,pre) − (ȳ_C,post − ȳ_C,pre)`. Regression form:
//! `y = a + b·treated + c·post + δ·treated×post (+ x'γ) + ε` with cluster-robust inference
//! (identical `δ̂` without covariates). The counterfactual of the treated in period `t` is
//! `ȳ_T,pre + (ȳ_C,t − ȳ_C,pre)`: their pre-period mean plus the comparison group's change.

use effekt_models::{
    Counterfactual, DesignBuilder, InferenceNote, OlsOptions, TidyRow, VarianceEstimator, ols,
};
use effekt_resample::ProgressFn;
use serde::{Deserialize, Serialize};

use crate::DidError;
use crate::counterfactual::PeriodCounterfactual;
use crate::panel::{DidData, Panel, PanelSummary};
use crate::regress::{VcovChoice, covariate_columns, wmean};
use crate::twfe::check_level;
use crate::wild::{WildBootstrap, WildBootstrapConfig, WildBootstrapResult, WildProblem};

/// Term name of the DiD coefficient in the regression form.
pub const INTERACTION: &str = "treated:post";

/// Settings of the 2×2 estimator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TwoByTwoConfig {
    /// Cluster-robust variance (default: CR2 + Satterthwaite below 30 clusters, else CR1).
    pub vcov: VcovChoice,
    /// Confidence level (default 0.95).
    pub level: f64,
    /// Wild cluster bootstrap of `δ` (`None` = not run).
    pub wild_bootstrap: Option<WildBootstrapConfig>,
}

impl Default for TwoByTwoConfig {
    fn default() -> Self {
        Self {
            vcov: VcovChoice::Auto,
            level: 0.95,
            wild_bootstrap: None,
        }
    }
}

/// The four cell means (weighted when weights are given) and their counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellMeans {
    pub treated_pre: f64,
    pub treated_post: f64,
    pub control_pre: f64,
    pub control_post: f64,
    pub n_treated_pre: usize,
    pub n_treated_post: usize,
    pub n_control_pre: usize,
    pub n_control_post: usize,
    /// `(treated_post − treated_pre) − (control_post − control_pre)`.
    pub did: f64,
}

/// A fitted 2×2 DiD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TwoByTwoFit {
    /// `δ̂` from the regression form (term `treated:post`).
    pub estimate: TidyRow,
    /// All regression coefficients.
    pub coefficients: Vec<TidyRow>,
    pub cell_means: CellMeans,
    /// First treated period (the start of "post").
    pub treatment_start: f64,
    pub vcov: VarianceEstimator,
    pub inference: InferenceNote,
    pub panel: PanelSummary,
    /// Post-period treated: observed mean, counterfactual and comparison mean.
    pub counterfactual: Counterfactual,
    /// By period: treated pre-period mean + the comparison group's change.
    pub by_period: Vec<PeriodCounterfactual>,
    pub wild_bootstrap: Option<WildBootstrapResult>,
    pub notes: Vec<effekt_notes::Note>,
}

/// Fit the 2×2 design.
///
/// # Errors
/// Panel validation errors, [`DidError::NotTwoByTwo`] when treated units start at different
/// periods, [`DidError::Model`], wild bootstrap errors.
pub fn fit_2x2(
    data: &DidData,
    config: &TwoByTwoConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<TwoByTwoFit, DidError> {
    let panel = Panel::new(data)?;
    fit_2x2_panel(data, &panel, config, progress)
}

pub(crate) fn fit_2x2_panel(
    data: &DidData,
    panel: &Panel,
    config: &TwoByTwoConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<TwoByTwoFit, DidError> {
    check_level(config.level)?;
    let cohorts = panel.cohorts();
    if cohorts.len() != 1 {
        return Err(DidError::NotTwoByTwo {
            count: cohorts.len(),
            cohorts: cohorts
                .iter()
                .map(|&g| panel.periods[g].to_string())
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    let start = cohorts[0];
    let n = panel.n();
    let treated: Vec<f64> = panel
        .ever_treated
        .iter()
        .map(|&b| f64::from(u8::from(b)))
        .collect();
    let post: Vec<f64> = panel
        .period
        .iter()
        .map(|&t| f64::from(u8::from(t >= start)))
        .collect();
    let inter: Vec<f64> = treated.iter().zip(&post).map(|(a, b)| a * b).collect();
    let (covs, mut notes) = covariate_columns(data)?;
    let mut b = DesignBuilder::new(n)
        .intercept()
        .numeric("treated", treated.clone())
        .numeric("post", post.clone())
        .numeric(INTERACTION, inter.clone())
        .must_keep(INTERACTION);
    for (name, v) in &covs {
        b = b.numeric(name.clone(), v.clone());
    }
    let design = b.build().map_err(DidError::model("2x2 design"))?;
    let g = panel.n_clusters();
    let (estimator, reason) = config.vcov.resolve(g);
    let w = data.weights.as_deref();
    let fit = ols(
        &design,
        &data.outcome,
        &OlsOptions {
            weights: w,
            vcov: Some(estimator),
            clusters: Some(&panel.cluster),
            ..Default::default()
        },
    )
    .map_err(DidError::model("2x2 regression"))?;
    notes.extend(fit.notes());
    let coefficients = fit.tidy(config.level).map_err(DidError::model("2x2"))?;
    let estimate = coefficients
        .iter()
        .find(|r| r.term == INTERACTION)
        .cloned()
        .ok_or_else(|| DidError::NotIdentified {
            term: INTERACTION.into(),
        })?;

    let y = &data.outcome;
    let cell = |t: bool, p: bool| {
        let keep = |i: usize| panel.ever_treated[i] == t && (post[i] == 1.0) == p;
        (
            wmean(y, w, keep).unwrap_or(f64::NAN),
            (0..n).filter(|&i| keep(i)).count(),
        )
    };
    let (tpre, ntpre) = cell(true, false);
    let (tpost, ntpost) = cell(true, true);
    let (cpre, ncpre) = cell(false, false);
    let (cpost, ncpost) = cell(false, true);
    let cell_means = CellMeans {
        treated_pre: tpre,
        treated_post: tpost,
        control_pre: cpre,
        control_post: cpost,
        n_treated_pre: ntpre,
        n_treated_post: ntpost,
        n_control_pre: ncpre,
        n_control_post: ncpost,
        did: (tpost - tpre) - (cpost - cpre),
    };
    let by_period = (0..panel.periods.len())
        .map(|t| {
            let tr = |i: usize| panel.period[i] == t && panel.ever_treated[i];
            let co = |i: usize| panel.period[i] == t && !panel.ever_treated[i];
            let observed = wmean(y, w, tr);
            let control = wmean(y, w, co);
            let cf = control.map(|c| tpre + (c - cpre));
            let n_treated = (0..n).filter(|&i| tr(i)).count();
            let is_post = t >= start;
            PeriodCounterfactual {
                period: panel.periods[t],
                n_treated,
                n_treated_now: if is_post { n_treated } else { 0 },
                n_control: (0..n).filter(|&i| co(i)).count(),
                treated_observed: observed,
                effect: match (is_post, observed, cf) {
                    (true, Some(o), Some(c)) => Some(o - c),
                    _ => None,
                },
                treated_counterfactual: cf,
                control,
            }
        })
        .collect();
    let wild_bootstrap = match &config.wild_bootstrap {
        Some(cfg) => {
            let ones = vec![1.0; n];
            let mut controls: Vec<&[f64]> = vec![&ones, &treated, &post];
            controls.extend(covs.iter().map(|c| c.1.as_slice()));
            let problem = WildProblem {
                y,
                x: &inter,
                x_name: INTERACTION,
                controls,
                fixed_effects: Vec::new(),
                clusters: &panel.cluster,
                weights: w,
            };
            Some(WildBootstrap::new(&problem)?.run(cfg, progress)?)
        }
        None => None,
    };
    let mut all_notes = panel.notes.clone();
    all_notes.append(&mut notes);
    Ok(TwoByTwoFit {
        counterfactual: Counterfactual::from_effect(tpost, estimate.estimate, cpost),
        estimate,
        coefficients,
        cell_means,
        treatment_start: panel.periods[start],
        vcov: estimator,
        inference: InferenceNote::for_estimator(estimator, Some(g), reason),
        panel: panel.summary(),
        by_period,
        wild_bootstrap,
        notes: all_notes,
    })
}
