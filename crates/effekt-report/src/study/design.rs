//! The `[design]` table of a study file: one kind (rct, matching, did) and its options.

use serde::{Deserialize, Serialize};

/// `[design]`, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DesignConfig {
    /// Randomised trial.
    Rct(RctDesign),
    /// Comparison group built by matching or weighting.
    Matching(MatchingDesign),
    /// Difference in differences.
    Did(DidDesign),
}

impl DesignConfig {
    /// `rct`, `matching` or `did`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            DesignConfig::Rct(_) => "rct",
            DesignConfig::Matching(_) => "matching",
            DesignConfig::Did(_) => "did",
        }
    }
}

/// Options of `kind = "rct"`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RctDesign {
    /// Estimator (default `difference_in_means`).
    #[serde(default)]
    pub estimator: RctEstimator,
    /// Block (stratum) column of a blocked randomisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocks: Option<String>,
    /// Baseline covariates: adjustment for `ancova`/`lin`, balance table for all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covariates: Vec<String>,
    /// With a time column: the wave analysed (default: the last wave).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<f64>,
    /// Randomisation inference (effekt-rct): omitted = automatic (run with 10,000 random
    /// assignments, or all of them when they are fewer than 100,000, when an arm has fewer
    /// than 30 randomisation units); `0` = off; `n` = on with `n` random assignments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randomization_inference: Option<usize>,
    /// What `data.cluster` means in a randomised design (default `auto`).
    #[serde(default)]
    pub cluster_assignment: ClusterAssignment,
}

/// The role of `data.cluster` in a randomised design.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClusterAssignment {
    /// `cluster` when every cluster is in one arm, otherwise `individual` (the report says
    /// which was used).
    #[default]
    Auto,
    /// Whole clusters were randomised: randomisation inference and the bootstrap work on
    /// clusters, a cluster with both arms is an error.
    Cluster,
    /// Individuals were randomised; clusters (villages, schools) are a sampling structure used
    /// for CR2 standard errors and the cluster bootstrap.
    Individual,
}

/// RCT estimators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RctEstimator {
    /// Difference in means (proportions for 0/1 outcomes).
    #[default]
    DifferenceInMeans,
    /// Outcome on treatment and baseline covariates.
    Ancova,
    /// Lin (2013) interacted regression with centred covariates.
    Lin,
}

/// Options of `kind = "matching"` (effekt-matching).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingDesign {
    /// Covariates of the propensity score / distance.
    pub covariates: Vec<String>,
    /// Method (default `nearest`).
    #[serde(default)]
    pub method: MatchMethod,
    /// Distance (default `logit`).
    #[serde(default)]
    pub distance: MatchDistance,
    /// Controls per treated unit (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio: Option<u32>,
    /// Match with replacement.
    #[serde(default)]
    pub replace: bool,
    /// Caliper in SDs of the (logit) propensity score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caliper: Option<f64>,
    /// Exact matching on these columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exact: Vec<String>,
    /// Estimand (default `att`).
    #[serde(default)]
    pub estimand: Estimand,
    /// Greedy matching order (default: `largest` for the ATT and ATE, `smallest` for the ATC,
    /// as MatchIt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<MatchOrder>,
    /// With a time column: the wave analysed (default: the last wave).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<f64>,
}

/// Matching and weighting methods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// Nearest neighbour.
    #[default]
    Nearest,
    /// Coarsened exact matching.
    Cem,
    /// Inverse probability weighting.
    Ipw,
    /// Augmented IPW (doubly robust).
    Aipw,
}

/// Matching distances.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchDistance {
    /// Logit of the propensity score.
    #[default]
    Logit,
    /// Propensity score.
    Ps,
    /// Mahalanobis distance.
    Mahalanobis,
    /// Robust (rank-based) Mahalanobis distance.
    RobustMahalanobis,
}

/// Estimands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Estimand {
    /// Average effect on the treated.
    #[default]
    Att,
    /// Average effect on the controls.
    Atc,
    /// Average effect.
    Ate,
}

/// Greedy matching order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchOrder {
    /// Largest propensity score first (MatchIt's default for the ATT).
    Largest,
    /// Smallest first.
    Smallest,
    /// Random order (seeded).
    Random,
    /// Data order.
    Data,
}

/// Options of `kind = "did"` (effekt-did).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DidDesign {
    /// Method (default `twfe`).
    #[serde(default)]
    pub method: DidMethod,
    /// First-treated-period column (staggered adoption; 0 or empty = never treated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_treated: Option<String>,
    /// Control units for Callaway–Sant'Anna (default `never_treated`).
    #[serde(default)]
    pub control: DidControl,
    /// Callaway–Sant'Anna estimator (default `dr`).
    #[serde(default)]
    pub estimator: DidEstimator,
    /// Anticipation periods.
    #[serde(default)]
    pub anticipation: u32,
    /// Covariates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covariates: Vec<String>,
    /// Aggregation of ATT(g,t) (default `simple`).
    #[serde(default)]
    pub aggregate: DidAggregate,
    /// Event-study reference period (default −1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_period: Option<i64>,
    /// Wild cluster bootstrap replicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wild_bootstrap: Option<usize>,
    /// Wild bootstrap weights (default `auto`: Webb with 5 or fewer clusters, else Rademacher).
    #[serde(default)]
    pub wild_weights: WildWeights,
    /// Callaway–Sant'Anna on a panel with gaps (default `panel`: units not observed in every
    /// wave are left out, and the report says how many; `unbalanced_panel` keeps them).
    #[serde(default, skip_serializing_if = "DidSampling::is_panel")]
    pub sampling: DidSampling,
}

/// How Callaway–Sant'Anna treats a panel with gaps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DidSampling {
    /// Balanced panel: units not observed in every period are dropped (and reported).
    #[default]
    Panel,
    /// Every unit is kept: the repeated-cross-section estimators on the rows with influence
    /// functions summed per unit (R did's `allow_unbalanced_panel = TRUE`).
    UnbalancedPanel,
}

impl DidSampling {
    pub(crate) fn is_panel(&self) -> bool {
        *self == DidSampling::Panel
    }
}

/// DiD methods.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DidMethod {
    /// 2×2.
    #[serde(rename = "2x2")]
    TwoByTwo,
    /// Two-way fixed effects.
    #[default]
    Twfe,
    /// Event study.
    EventStudy,
    /// Callaway & Sant'Anna (2021).
    CallawaySantanna,
}

/// Control group for staggered DiD.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DidControl {
    /// Never-treated units.
    #[default]
    NeverTreated,
    /// Not-yet-treated units.
    NotYetTreated,
}

/// Callaway–Sant'Anna estimators.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DidEstimator {
    /// Doubly robust.
    #[default]
    Dr,
    /// Inverse probability weighting.
    Ipw,
    /// Outcome regression.
    Or,
}

/// Aggregations of ATT(g,t).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DidAggregate {
    /// Weighted average of all post-treatment ATT(g,t).
    #[default]
    Simple,
    /// By cohort.
    Group,
    /// By event time.
    Dynamic,
    /// By calendar time.
    Calendar,
}

/// Wild bootstrap weights.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WildWeights {
    /// Webb weights with 5 or fewer clusters (Rademacher weights then have at most 32
    /// distinct draws), Rademacher weights otherwise; the report says which were used.
    #[default]
    Auto,
    /// ±1.
    Rademacher,
    /// Webb's six-point weights.
    Webb,
    /// Mammen's two-point weights.
    Mammen,
}

/// Keys allowed in `[design]` for each kind (besides `kind`). Kept beside the structs; a unit
/// test checks they match.
pub const RCT_KEYS: &[&str] = &[
    "estimator",
    "blocks",
    "covariates",
    "period",
    "randomization_inference",
    "cluster_assignment",
];
/// Keys of `kind = "matching"`.
pub const MATCHING_KEYS: &[&str] = &[
    "covariates",
    "method",
    "distance",
    "ratio",
    "replace",
    "caliper",
    "exact",
    "estimand",
    "order",
    "period",
];
/// Keys of `kind = "did"`.
pub const DID_KEYS: &[&str] = &[
    "method",
    "first_treated",
    "control",
    "estimator",
    "anticipation",
    "covariates",
    "aggregate",
    "reference_period",
    "wild_bootstrap",
    "wild_weights",
    "sampling",
];
pub(super) const KINDS: &[(&str, &[&str])] = &[
    ("rct", RCT_KEYS),
    ("matching", MATCHING_KEYS),
    ("did", DID_KEYS),
];
