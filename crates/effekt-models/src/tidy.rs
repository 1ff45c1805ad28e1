//! Tidy results shared by every design crate (the `broom` shapes: `tidy`, `glance`), plus the
//! counterfactual every effect carries and the note on which inference was used and why.

use serde::{Deserialize, Serialize};

/// One row of a coefficient / effect table.
/// `df` is `None` for normal-based (z) inference; `statistic` is the t or z statistic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TidyRow {
    pub term: String,
    pub estimate: f64,
    pub std_error: f64,
    pub statistic: f64,
    pub df: Option<f64>,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// One-row model summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Glance {
    pub n: usize,
    pub n_treated: usize,
    pub n_control: usize,
    /// Estimator, e.g. "difference-in-means (Neyman)", "OLS", "Callaway-Sant'Anna (DR)".
    pub method: String,
    /// Inference actually used, e.g. "CR2 + Satterthwaite df", "randomisation inference (exact)".
    pub inference: String,
    /// Seed of the resampling, when any was used.
    pub seed: Option<u64>,
    /// Number of resamples / permutations, when any were used.
    pub resamples: Option<usize>,
}

/// The counterfactual behind an effect on the treated:
/// `treated_counterfactual = treated_observed - effect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counterfactual {
    /// Observed mean outcome among the treated.
    pub treated_observed: f64,
    /// Estimated mean outcome the treated would have had without the intervention.
    pub treated_counterfactual: f64,
    /// Observed mean outcome in the comparison group.
    pub control: f64,
}

impl Counterfactual {
    /// Counterfactual from the observed treated mean and the estimated effect.
    pub fn from_effect(treated_observed: f64, effect: f64, control: f64) -> Self {
        Self {
            treated_observed,
            treated_counterfactual: treated_observed - effect,
            control,
        }
    }
}

/// Which inference was used and why (shown verbatim in CLI output and reports).
///
/// `W` is the type of a warning: a typed [`effekt_notes::Note`] as the fits return it, or a
/// `String` once a report has put it into the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InferenceNote<W = effekt_notes::Note> {
    /// Short name, e.g. "CR2 + Satterthwaite".
    pub method: String,
    /// One sentence: why this was chosen (e.g. "12 clusters < 20: CR2 with Satterthwaite df
    /// stays valid with few clusters (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018)").
    pub reason: String,
    /// Warnings the user must see (small groups, few clusters, fallbacks), typed: English
    /// text by `Display`, in JSON as that text.
    pub warnings: Vec<W>,
}

impl InferenceNote<effekt_notes::Note> {
    /// The note for a regression variance estimator: `method` is the estimator's description
    /// (e.g. "CR2 cluster-robust standard errors (Bell & McCaffrey 2002) with Satterthwaite df
    /// (Pustejovsky & Tipton 2018)"), `reason` is the caller's, and the standard small-sample
    /// warnings are added: fewer than 10 clusters for any clustered estimator, and CR0/CR1 with
    /// fewer than 20 clusters (their `G − 1` t reference over-rejects with few clusters; Cameron,
    /// Gelbach & Miller 2008; Imbens & Kolesár 2016).
    pub fn for_estimator(
        estimator: crate::VarianceEstimator,
        n_clusters: Option<usize>,
        reason: impl Into<String>,
    ) -> Self {
        use crate::VarianceEstimator as V;
        let mut warnings = Vec::new();
        if let Some(g) = n_clusters {
            if g < effekt_notes::Note::FEW_CLUSTERS {
                warnings.push(effekt_notes::Note::FewClusters { clusters: g });
            }
            if matches!(estimator, V::Cr0 | V::Cr1) && g < 20 {
                warnings.push(effekt_notes::Note::LowDfClusterRobust {
                    estimator: estimator.to_string(),
                    clusters: g,
                });
            }
        }
        Self {
            method: estimator.description().to_string(),
            reason: reason.into(),
            warnings,
        }
    }
}
