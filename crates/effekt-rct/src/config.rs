//! Configuration: what to estimate and how to do inference.

use effekt_data::Roles;
use effekt_resample::IntervalMethod;
use serde::{Deserialize, Serialize};

use crate::RctError;

/// Units per arm below which randomisation inference is reported by default (Imbens & Rubin
/// 2015, ch. 5: with few units the sharp-null test is exact while t approximations are not).
pub const RI_UNITS_PER_ARM: usize = 30;
/// Arms (or clusters per arm) smaller than this get a small-sample warning.
pub const SMALL_GROUP: usize = 20;
/// Fewer clusters than this are called "few" in the inference note (CR2 + Satterthwaite is used
/// with clusters in every case; below this it is the reason).
pub const FEW_CLUSTERS: usize = 20;
/// Fewer clusters than this get a warning.
pub const VERY_FEW_CLUSTERS: usize = 10;
/// Random assignments drawn when randomisation inference is switched on automatically.
pub const DEFAULT_PERMUTATIONS: usize = 10_000;
/// Enumerate every assignment when there are at most this many.
pub const DEFAULT_EXACT_LIMIT: u64 = 100_000;

/// Which estimator of the average treatment effect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Estimator {
    /// Difference in means exactly as estimatr's `difference_in_means` (simple, blocked,
    /// matched-pair, clustered, block-clustered).
    #[default]
    DifferenceInMeans,
    /// Outcome on treatment + covariates (+ block fixed effects), estimatr `lm_robust`.
    Ancova,
    /// Lin (2013): treatment interacted with centred covariates (+ blocks), estimatr `lm_lin`.
    Lin,
}

impl Estimator {
    /// Name as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Estimator::DifferenceInMeans => "difference-in-means",
            Estimator::Ancova => "ancova",
            Estimator::Lin => "lin",
        }
    }
}

/// Continuous or binary (0/1) outcome. Binary adds risk difference, risk ratio, odds ratio and
/// Fisher's exact test to the result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeType {
    #[default]
    Continuous,
    Binary,
}

/// What the cluster column means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClusterAssignment {
    /// Cluster-randomised design (the default): whole clusters were assigned, so every cluster
    /// must be in one arm; randomisation inference and the bootstrap work on clusters.
    #[default]
    Cluster,
    /// Individuals were assigned; the clusters (villages, schools) are only used for
    /// cluster-robust (CR2) standard errors and the cluster bootstrap. Clusters may contain both
    /// arms; randomisation inference re-randomises individuals.
    Individual,
}

fn default_level() -> f64 {
    0.95
}
fn default_exact_limit() -> u64 {
    DEFAULT_EXACT_LIMIT
}
fn default_seed() -> u64 {
    1
}
fn default_intervals() -> Vec<IntervalMethod> {
    vec![IntervalMethod::Percentile, IntervalMethod::Bca]
}

/// Analysis of a randomised trial. Deserialises from JSON/TOML with unknown fields rejected;
/// every field but `outcome` and `treatment` has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RctConfig {
    /// Outcome column.
    pub outcome: String,
    /// Treatment column (0/1 or true/false; 1 = treated).
    pub treatment: String,
    /// Baseline covariates (numeric, or categorical: dummy-coded with the first level as
    /// reference). Used by `ancova` and `lin`; ignored (with a note) by the difference in means.
    #[serde(default)]
    pub covariates: Vec<String>,
    /// Block (stratum) column of a blocked design.
    #[serde(default)]
    pub blocks: Option<String>,
    /// Cluster column.
    #[serde(default)]
    pub clusters: Option<String>,
    /// Whether clusters were the unit of assignment (default) or only a sampling structure.
    #[serde(default)]
    pub cluster_assignment: ClusterAssignment,
    #[serde(default)]
    pub estimator: Estimator,
    #[serde(default)]
    pub outcome_type: OutcomeType,
    /// Confidence level of every interval.
    #[serde(default = "default_level")]
    pub level: f64,
    /// Randomisation inference: `None` = automatic (on with [`DEFAULT_PERMUTATIONS`] when an arm
    /// has fewer than [`RI_UNITS_PER_ARM`] randomisation units), `Some(0)` = off,
    /// `Some(n)` = on with `n` random assignments (exact enumeration when the assignments are at
    /// most `exact_limit`).
    #[serde(default)]
    pub randomization_inference: Option<usize>,
    /// Enumerate all assignments when there are at most this many (0 = always Monte Carlo).
    #[serde(default = "default_exact_limit")]
    pub exact_limit: u64,
    /// Bootstrap replicates (`None` = no bootstrap).
    #[serde(default)]
    pub bootstrap: Option<usize>,
    /// Bootstrap interval methods.
    #[serde(default = "default_intervals")]
    pub bootstrap_intervals: Vec<IntervalMethod>,
    /// Seed of the randomisation inference and the bootstrap (same seed → identical results at
    /// any thread count).
    #[serde(default = "default_seed")]
    pub seed: u64,
}

impl RctConfig {
    /// A configuration with every default: difference in means, continuous outcome, level
    /// 0.95, automatic randomisation inference, no bootstrap, seed 1.
    pub fn new(outcome: impl Into<String>, treatment: impl Into<String>) -> Self {
        Self {
            outcome: outcome.into(),
            treatment: treatment.into(),
            covariates: Vec::new(),
            blocks: None,
            clusters: None,
            cluster_assignment: ClusterAssignment::default(),
            estimator: Estimator::default(),
            outcome_type: OutcomeType::default(),
            level: default_level(),
            randomization_inference: None,
            exact_limit: default_exact_limit(),
            bootstrap: None,
            bootstrap_intervals: default_intervals(),
            seed: default_seed(),
        }
    }

    /// The column roles to select the data with (`effekt_data::Table::select`): outcome,
    /// treatment, blocks as strata, cluster, and the covariates when the estimator uses them.
    pub fn roles(&self) -> Roles {
        Roles {
            outcome: Some(self.outcome.clone()),
            treatment: Some(self.treatment.clone()),
            cluster: self.clusters.clone(),
            strata: self.blocks.clone(),
            covariates: if self.estimator == Estimator::DifferenceInMeans {
                Vec::new()
            } else {
                self.covariates.clone()
            },
            ..Roles::default()
        }
    }

    /// Check the options.
    ///
    /// # Errors
    /// [`RctError::InvalidOption`] for a level outside [1e-12, 1 − 1e-12]
    /// (`effekt_models::dist::level_in_range`), a bootstrap with fewer than 2 replicates or more
    /// than `effekt_resample::bootstrap::MAX_RESAMPLES` (10⁷), more than
    /// `effekt_resample::permutation::MAX_PERMUTATIONS` (10⁷) permutations, an empty interval
    /// list with a bootstrap, or covariates with the ANCOVA/Lin estimators missing.
    pub fn validate(self) -> Result<crate::Rct, RctError> {
        if !effekt_models::dist::level_in_range(self.level) {
            return Err(RctError::InvalidOption {
                option: "level".into(),
                value: self.level.to_string(),
                expected: "between 1e-12 and 1 - 1e-12 (e.g. 0.95)".into(),
            });
        }
        if let Some(b) = self.bootstrap
            && !(2..=effekt_resample::bootstrap::MAX_RESAMPLES).contains(&b)
        {
            return Err(RctError::InvalidOption {
                option: "bootstrap".into(),
                value: b.to_string(),
                expected: format!(
                    "between 2 and {} replicates (e.g. 9999)",
                    effekt_resample::bootstrap::MAX_RESAMPLES
                ),
            });
        }
        if self.bootstrap.is_some() && self.bootstrap_intervals.is_empty() {
            return Err(RctError::InvalidOption {
                option: "bootstrap_intervals".into(),
                value: "[]".into(),
                expected: "at least one interval method".into(),
            });
        }
        if let Some(p) = self.randomization_inference
            && p > effekt_resample::permutation::MAX_PERMUTATIONS
        {
            return Err(RctError::InvalidOption {
                option: "randomization_inference".into(),
                value: p.to_string(),
                expected: format!(
                    "at most {} random assignments (10,000 are plenty for a p-value)",
                    effekt_resample::permutation::MAX_PERMUTATIONS
                ),
            });
        }
        if self.estimator != Estimator::DifferenceInMeans
            && self.covariates.is_empty()
            && self.blocks.is_none()
        {
            return Err(RctError::InvalidOption {
                option: "estimator".into(),
                value: self.estimator.name().into(),
                expected: "covariates to adjust for (--covariates a,b) or blocks; without them use the difference in means".into(),
            });
        }
        Ok(crate::Rct { config: self })
    }
}
