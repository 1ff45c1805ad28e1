//! Configuration of the Callaway–Sant'Anna estimator.

use serde::{Deserialize, Serialize};

use super::CsError;

/// Which units serve as controls in ATT(g,t) (`did::att_gt(control_group = )`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ControlGroup {
    /// Units that are never treated in the data (first-treated 0 or empty) — `"nevertreated"`.
    #[default]
    NeverTreated,
    /// Never-treated units plus units first treated after `max(t, base period) + anticipation`
    /// (and not in cohort g) — `"notyettreated"`.
    NotYetTreated,
}

impl ControlGroup {
    /// Label used in output.
    pub fn label(self) -> &'static str {
        match self {
            ControlGroup::NeverTreated => "never-treated",
            ControlGroup::NotYetTreated => "not-yet-treated",
        }
    }
}

/// The 2×2 estimator of each ATT(g,t) (`did::att_gt(est_method = )`, Sant'Anna & Zhao 2020).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsEstimator {
    /// Doubly robust (`DRDID::drdid_panel` / `drdid_rc`, locally efficient): outcome regression
    /// on the controls plus inverse-probability weights from a logistic propensity score.
    #[default]
    Dr,
    /// Normalised (Hájek) inverse probability weighting (`std_ipw_did_panel` / `_rc`).
    Ipw,
    /// Outcome regression (`reg_did_panel` / `_rc`; Heckman, Ichimura & Todd 1997).
    #[serde(alias = "reg")]
    Or,
}

impl CsEstimator {
    /// Label used in output.
    pub fn label(self) -> &'static str {
        match self {
            CsEstimator::Dr => "doubly robust",
            CsEstimator::Ipw => "inverse probability weighting",
            CsEstimator::Or => "outcome regression",
        }
    }
}

/// Base period of the pre-treatment ATT(g,t) (`did::att_gt(base_period = )`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BasePeriod {
    /// Pre-treatment cells compare period t with period t − 1 (pseudo-ATTs of consecutive
    /// periods); post-treatment cells compare with the last period before g − anticipation.
    #[default]
    Varying,
    /// Every cell compares with the last period before g − anticipation; that period's own cell
    /// is the reference (ATT = 0, no standard error), as in an event study.
    Universal,
}

/// How the rows were sampled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sampling {
    /// Balanced panel: the same units in every period. Units not observed in every period are
    /// dropped and reported (`did`'s default `panel = TRUE`).
    #[default]
    Panel,
    /// Panel with gaps: estimated with the repeated-cross-section estimators on the rows, with
    /// influence functions summed per unit (`did`'s `allow_unbalanced_panel = TRUE`). A panel
    /// that turns out to be balanced uses the panel estimators (as `did` ≥ 2.5 / csdid 0.4).
    UnbalancedPanel,
    /// Repeated cross-sections: every row is a different unit (`panel = FALSE`).
    RepeatedCrossSection,
}

/// An aggregation of the ATT(g,t) (`did::aggte(type = )`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Aggregation {
    /// One overall ATT: post-treatment ATT(g,t) averaged with weights ∝ cohort size.
    Simple,
    /// ATT per cohort (mean over its post-treatment periods) and their cohort-size-weighted mean.
    Group,
    /// ATT per event time e = t − g (cohort-size weights), the event study; overall = mean
    /// over e ≥ 0.
    Dynamic,
    /// ATT per calendar period (cohorts treated by then, cohort-size weights); overall = mean
    /// over periods.
    Calendar,
}

impl Aggregation {
    /// Label used in output.
    pub fn label(self) -> &'static str {
        match self {
            Aggregation::Simple => "simple",
            Aggregation::Group => "group",
            Aggregation::Dynamic => "dynamic",
            Aggregation::Calendar => "calendar",
        }
    }
}

/// Multiplier distribution of the bootstrap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MultiplierWeights {
    /// ±1 with probability ½ each — what `did` (≥ 2.0, Rcpp `multiplier_bootstrap`) and csdid
    /// draw.
    #[default]
    Rademacher,
    /// Mammen's (1993) two-point distribution: (1 − √5)/2 with probability (√5 + 1)/(2√5),
    /// otherwise (1 + √5)/2 (what `did` 1.x drew).
    Mammen,
}

impl MultiplierWeights {
    /// Label used in output.
    pub fn label(self) -> &'static str {
        match self {
            MultiplierWeights::Rademacher => "Rademacher",
            MultiplierWeights::Mammen => "Mammen",
        }
    }
}

/// Settings of [`fit_cs`](super::fit_cs). Every field has a default (`#[serde(default)]`), the
/// defaults are those of R `did::att_gt` / `aggte` (doubly robust, never-treated controls, no
/// anticipation, varying base period, multiplier bootstrap with 1,000 Rademacher draws and
/// uniform bands, level 0.95).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsConfig {
    /// Control units (default never-treated).
    pub control_group: ControlGroup,
    /// 2×2 estimator (default doubly robust).
    pub estimator: CsEstimator,
    /// Anticipation: number of time units before g in which treatment may already act
    /// (`did`'s `anticipation`, in the units of the time column). Default 0.
    pub anticipation: u32,
    /// Base period (default varying).
    pub base_period: BasePeriod,
    /// Aggregations to compute (default all four). ATT(g,t) are always reported.
    pub aggregations: Vec<Aggregation>,
    /// Multiplier-bootstrap replicates B (`biters`); 0 = analytic influence-function standard
    /// errors only (no uniform bands). Default 1,000, at most [`MAX_BOOTSTRAP`] (200,000).
    pub bootstrap: usize,
    /// Multiplier distribution (default Rademacher, as `did`).
    pub multiplier: MultiplierWeights,
    /// Seed of the bootstrap multipliers.
    pub seed: u64,
    /// Confidence level of intervals and bands (default 0.95).
    pub level: f64,
    /// Name of the cluster column, if the analysis clusters above the unit. The clusters
    /// themselves come from the data's cluster role ([`CsData::cluster`](super::CsData)); when
    /// this is set it must name that column (a check for configuration files). Without a
    /// cluster role, inference is clustered by unit.
    pub cluster: Option<String>,
    /// Simultaneous (sup-t) bands from the multiplier bootstrap for the ATT(g,t) and for the
    /// group, dynamic and calendar aggregations (`cband`). Default true; needs `bootstrap > 0`.
    pub uniform_bands: bool,
    /// How the rows were sampled (default balanced panel).
    pub sampling: Sampling,
    /// Drop units already treated in the first period (minus anticipation) with a note, as
    /// `did` does, instead of stopping with [`CsError::NoPrePeriod`]. Default false.
    pub drop_always_treated: bool,
}

impl Default for CsConfig {
    fn default() -> Self {
        Self {
            control_group: ControlGroup::NeverTreated,
            estimator: CsEstimator::Dr,
            anticipation: 0,
            base_period: BasePeriod::Varying,
            aggregations: vec![
                Aggregation::Simple,
                Aggregation::Group,
                Aggregation::Dynamic,
                Aggregation::Calendar,
            ],
            bootstrap: 1000,
            multiplier: MultiplierWeights::Rademacher,
            seed: 1,
            level: 0.95,
            cluster: None,
            uniform_bands: true,
            sampling: Sampling::Panel,
            drop_always_treated: false,
        }
    }
}

/// Largest accepted number of bootstrap replicates (the draws of every reported quantity are
/// kept, B × quantities numbers).
pub const MAX_BOOTSTRAP: usize = 200_000;

impl CsConfig {
    /// Check the values that serde cannot.
    ///
    /// # Errors
    /// [`CsError::InvalidConfig`] for a level outside (0, 1) or more than [`MAX_BOOTSTRAP`]
    /// replicates.
    pub fn validate(&self) -> Result<(), CsError> {
        if !effekt_models::dist::level_in_range(self.level) {
            return Err(CsError::InvalidConfig {
                option: "level",
                value: self.level.to_string(),
                expected: "a number between 1e-12 and 1 - 1e-12, e.g. 0.95".into(),
            });
        }
        if self.bootstrap > MAX_BOOTSTRAP {
            return Err(CsError::InvalidConfig {
                option: "bootstrap",
                value: self.bootstrap.to_string(),
                expected: format!("0 (analytic) or 1..={MAX_BOOTSTRAP} replicates"),
            });
        }
        Ok(())
    }

    /// Whether aggregation `a` is requested.
    pub fn wants(&self, a: Aggregation) -> bool {
        self.aggregations.contains(&a)
    }
}
