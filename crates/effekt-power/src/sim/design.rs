//! The design crates' own estimators as simulation analyses: effekt-rct, effekt-matching and
//! effekt-did, called exactly as `effekt rct`, `effekt match` and `effekt did` call them.
//!
//! Power before a pilot is only worth something for the estimator *and inference* the final
//! analysis will use. Re-implementing those estimators here would test a copy, not the analysis,
//! so every analysis in this module builds the design crate's own configuration type
//! ([`effekt_rct::RctConfig`], [`effekt_matching::MatchConfig`], [`effekt_did::DidConfig`],
//! [`effekt_did::cs::CsConfig`]) with the defaults of the command line, hands each simulated
//! data set to the crate's `fit`, and reads the headline estimate, standard error, interval and
//! p-value from the fit. The only settings that differ from the command line are those that
//! cannot change the headline numbers but would multiply the run time by thousands:
//!
//! * `rct`: randomisation inference, which `effekt rct` adds *beside* the analytic test when an
//!   arm has fewer than 30 randomisation units, is switched off; the simulated test is the
//!   headline analytic one (Welch df without clusters, CR2 + Satterthwaite df with clusters,
//!   HC2 for ANCOVA/Lin).
//! * `did`: the Goodman-Bacon decomposition (a diagnostic) is not computed; Callaway–Sant'Anna
//!   uses its analytic influence-function standard error (no multiplier bootstrap) and only the
//!   simple aggregation, which is its headline.
//!
//! The confidence level of every analysis is `1 − alpha` of the study, so coverage and power
//! refer to the same test.
//!
//! Data reach the crates as effekt-data [`Dataset`]s (and effekt-did's [`DidData`] /
//! [`CsData`]) built directly from the simulated vectors: the same shapes
//! `Table::select` produces from a file, without writing and parsing a table per simulation.
//!
//! # Example
//! Power of a pilot with 10 municipalities randomised, analysed as `effekt rct --clusters`
//! would analyse it (CR2 + Satterthwaite df); with equal cluster sizes the analytic power of
//! the same test is reported beside:
//! ```
//! use effekt_power::sim::builtin::{SimulationConfig, run_config};
//! let cfg = SimulationConfig::from_toml_str(
//!     "seed = 1\nsimulations = 200\n[dgp]\nkind = \"cluster-rct\"\nclusters = 10\n\
//!      cluster_size = 10\nicc = 0.05\neffect = 0.6\n[analysis]\nkind = \"rct\"\n",
//! )?;
//! let report = run_config(&cfg, &|_| {})?;
//! assert!(report.analysis.contains("CR2"));
//! let analytic = report.analytic.unwrap().power;
//! assert!((report.summary.power.value - analytic).abs() < 4.0 * report.summary.power.mc_se);
//! # Ok::<(), effekt_power::PowerError>(())
//! ```

use super::SimEstimate;
use super::builtin::TwoArm;
use crate::dgp::Population;
use crate::error::{PowerError, Result};
use effekt_data::{Dataset, Groups};
use effekt_did::cs::{Aggregation, ControlGroup, CsConfig, CsData, CsEstimator};
use effekt_did::{DidConfig, DidData, DidMethod, TreatmentInput, VcovChoice};
use effekt_matching::{Estimand, MatchConfig, Method};
use effekt_rct::{ClusterAssignment, Estimator, RctConfig};
use serde::{Deserialize, Serialize};

/// Regression adjustment of the `rct` analysis (effekt-rct's estimators).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RctAdjust {
    /// Outcome on treatment and the baseline covariates, HC2 (CR2 with clusters); estimatr
    /// `lm_robust`.
    Ancova,
    /// Lin (2013): treatment interacted with the centred covariates; estimatr `lm_lin`.
    Lin,
}

/// The `rct` analysis: effekt-rct's difference in means (estimatr `difference_in_means`:
/// Welch–Satterthwaite df without clusters, CR2 + Satterthwaite df with clusters), or with
/// `adjust` its ANCOVA / Lin estimator on the design's baseline covariates.
///
/// Clusters: when the design randomised whole clusters (`cluster-rct`, or IHF/TFCO with
/// `assignment = municipality`) the clusters are the unit of assignment, as
/// `effekt rct --clusters COL`. When individuals were randomised the clusters are ignored unless
/// `cluster_robust = true` (`effekt rct --clusters COL --cluster-assignment individual`: CR2 on
/// the clusters).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RctAnalysis {
    /// `"ancova"` or `"lin"`; absent = difference in means.
    pub adjust: Option<RctAdjust>,
    /// Covariates to adjust for (default: every baseline covariate of the design).
    pub covariates: Vec<String>,
    /// Cluster-robust (CR2) standard errors on the design's clusters when individuals were
    /// randomised.
    pub cluster_robust: bool,
}

/// Which difference-in-differences estimator.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DidEstimator {
    /// Two-way fixed effects (unit and period), the coefficient of the treatment indicator
    /// (effekt-did [`effekt_did::fit_twfe`], `effekt did` default).
    #[default]
    Twfe,
    /// Callaway & Sant'Anna (2021), simple aggregation of the post-treatment ATT(g,t)
    /// (`effekt did --method cs`), analytic influence-function standard error.
    Cs,
}

/// The `did` analysis of a staggered-adoption panel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DidAnalysis {
    /// `"twfe"` (default) or `"cs"`.
    pub method: DidEstimator,
    /// TWFE variance, clustered by unit: `"auto"` (CR2 + Satterthwaite df below 30 clusters,
    /// CR1 with G − 1 df otherwise; `effekt did`'s default), `"cr1"` or `"cr2"`.
    pub vcov: VcovChoice,
    /// Callaway–Sant'Anna control group: `"never-treated"` (default) or `"not-yet-treated"`.
    pub control_group: ControlGroup,
    /// Callaway–Sant'Anna 2×2 estimator: `"dr"` (default), `"ipw"`, `"or"`.
    pub estimator: CsEstimator,
}

/// What a design offers an analysis: clusters, covariates, a panel, and which population the
/// truth averages over.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignInfo {
    /// Short name of the design, for messages.
    pub name: &'static str,
    /// The data have clusters.
    pub clusters: bool,
    /// Whole clusters were randomised.
    pub cluster_assigned: bool,
    /// Baseline covariates the analysis receives.
    pub covariates: Vec<&'static str>,
    /// The data are a panel (units × periods), not two arms.
    pub panel: bool,
    /// Who the truth averages over (`None`: a constant effect, the same for every population).
    pub population: Option<Population>,
}

fn config_err(what: &str, msg: impl std::fmt::Display) -> PowerError {
    PowerError::Config(format!("{what}: {msg}"))
}

fn check_names(what: &str, kind: &str, names: &[String], info: &DesignInfo) -> Result<()> {
    if let Some(bad) = names
        .iter()
        .find(|n| !info.covariates.contains(&n.as_str()))
    {
        return Err(config_err(
            what,
            format!(
                "{kind} {bad:?} is not a covariate of the {} design; it has {}",
                info.name,
                if info.covariates.is_empty() {
                    "none".to_string()
                } else {
                    info.covariates.join(", ")
                }
            ),
        ));
    }
    Ok(())
}

/// Dense cluster groups from per-row codes (codes that occur, in increasing order; labels are
/// the original codes).
fn groups(column: &str, codes: &[u32]) -> Groups {
    let max = codes.iter().max().map_or(0, |&m| m as usize + 1);
    let mut map = vec![u32::MAX; max];
    for &c in codes {
        if let Some(slot) = map.get_mut(c as usize) {
            *slot = 0;
        }
    }
    let mut labels = Vec::new();
    for (c, slot) in map.iter_mut().enumerate() {
        if *slot == 0 {
            *slot = labels.len() as u32;
            labels.push(c.to_string());
        }
    }
    Groups {
        column: column.to_string(),
        labels,
        codes: codes
            .iter()
            .map(|&c| map.get(c as usize).copied().unwrap_or(0))
            .collect(),
    }
}

/// The two-arm data as effekt-data's analysis-ready [`Dataset`]: outcome `y`, treatment
/// `treated`, clusters `cluster` (when `clusters`), and the covariates named (all when `None`)
/// in the order named.
pub fn dataset(d: &TwoArm, clusters: bool, covariates: Option<&[String]>) -> Dataset {
    let n = d.y.len();
    let covariates = match covariates {
        None => d.covariates.clone(),
        Some(names) => names
            .iter()
            .filter_map(|name| d.covariates.iter().find(|c| &c.name == name).cloned())
            .collect(),
    };
    Dataset {
        source: "simulated".into(),
        rows: (0..n).collect(),
        outcome: Some(d.y.clone()),
        treatment: Some(d.treated.clone()),
        group: None,
        unit: None,
        time: None,
        cluster: if clusters {
            d.cluster.as_deref().map(|c| groups("cluster", c))
        } else {
            None
        },
        strata: None,
        weights: None,
        covariates,
        dropped: 0,
        missing_by_column: Vec::new(),
    }
}

/// The `rct` analysis, validated (see [`RctAnalysis`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RctRunner {
    rct: effekt_rct::Rct,
    clusters: bool,
    covariates: Vec<String>,
    description: String,
}

impl RctRunner {
    /// Build effekt-rct's configuration as `effekt rct` does (level `1 − alpha`, randomisation
    /// inference off) and validate it against the design.
    ///
    /// # Errors
    /// [`PowerError::Config`]: adjustment without covariates in the design, unknown covariates,
    /// `cluster_robust` without clusters, a panel design, effekt-rct's option errors.
    pub fn new(a: &RctAnalysis, info: &DesignInfo, alpha: f64) -> Result<Self> {
        const WHAT: &str = "analysis rct";
        if info.panel {
            return Err(config_err(
                WHAT,
                format!(
                    "the {} design is a panel; analyse it with kind = \"did\"",
                    info.name
                ),
            ));
        }
        let estimator = match a.adjust {
            None => Estimator::DifferenceInMeans,
            Some(RctAdjust::Ancova) => Estimator::Ancova,
            Some(RctAdjust::Lin) => Estimator::Lin,
        };
        let covariates: Vec<String> = if estimator == Estimator::DifferenceInMeans {
            if !a.covariates.is_empty() {
                return Err(config_err(
                    WHAT,
                    "covariates are used only with adjust = \"ancova\" or \"lin\"",
                ));
            }
            Vec::new()
        } else {
            if info.covariates.is_empty() {
                return Err(config_err(
                    WHAT,
                    format!(
                        "adjust = \"{}\" needs baseline covariates, and the {} design has none \
                         (two-groups has one with baseline_correlation; ihf and tfco have several)",
                        estimator.name(),
                        info.name
                    ),
                ));
            }
            if a.covariates.is_empty() {
                info.covariates.iter().map(|s| s.to_string()).collect()
            } else {
                check_names(WHAT, "covariate", &a.covariates, info)?;
                a.covariates.clone()
            }
        };
        if a.cluster_robust && !info.clusters {
            return Err(config_err(
                WHAT,
                format!(
                    "cluster_robust = true needs a design with clusters; {} has none",
                    info.name
                ),
            ));
        }
        let clusters = info.clusters && (info.cluster_assigned || a.cluster_robust);
        let mut c = RctConfig::new("y", "treated");
        c.level = 1.0 - alpha;
        c.randomization_inference = Some(0);
        c.estimator = estimator;
        c.covariates = covariates.clone();
        if clusters {
            c.clusters = Some("cluster".into());
            c.cluster_assignment = if info.cluster_assigned {
                ClusterAssignment::Cluster
            } else {
                ClusterAssignment::Individual
            };
        }
        let rct = c.validate().map_err(|e| config_err(WHAT, e))?;
        let est = match estimator {
            Estimator::DifferenceInMeans => "difference in means (estimatr difference_in_means)",
            Estimator::Ancova => "ANCOVA (estimatr lm_robust)",
            Estimator::Lin => "Lin's interacted regression (estimatr lm_lin)",
        };
        let inference = match (clusters, info.cluster_assigned, estimator) {
            (true, true, _) => "CR2 with Satterthwaite df, clusters randomised".to_string(),
            (true, false, _) => {
                "CR2 with Satterthwaite df on the clusters, individuals randomised".to_string()
            }
            (false, _, Estimator::DifferenceInMeans) => {
                "Neyman variance with Welch-Satterthwaite df".to_string()
            }
            (false, _, _) => "HC2, t with n - k df".to_string(),
        };
        let adjusted = if covariates.is_empty() {
            String::new()
        } else {
            format!(" for {}", covariates.join(", "))
        };
        Ok(Self {
            rct,
            clusters,
            covariates,
            description: format!(
                "effekt-rct {est}{adjusted}; {inference}; analytic test (randomisation inference \
                 off in simulations)"
            ),
        })
    }

    /// What is run, in words.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Fit one simulated data set with effekt-rct.
    ///
    /// # Errors
    /// effekt-rct's message (e.g. an empty arm, a constant covariate).
    pub fn analyse(&self, d: &TwoArm) -> std::result::Result<SimEstimate, String> {
        let ds = dataset(d, self.clusters, Some(self.covariates.as_slice()));
        let f = self.rct.fit(&ds).map_err(|e| e.to_string())?;
        Ok(SimEstimate {
            estimate: f.estimate,
            std_error: f.std_error,
            conf_low: f.conf_low,
            conf_high: f.conf_high,
            p_value: f.p_value,
        })
    }
}

/// The `matching` and `ipw` analyses, validated: effekt-matching's [`MatchConfig`] (all of
/// `effekt match`'s defaults: nearest neighbour 1:1 without replacement on the propensity
/// score, largest first, ATT, CR2 + Satterthwaite df on the pairs), with the level set to
/// `1 − alpha`.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchRunner {
    config: MatchConfig,
    description: String,
}

impl MatchRunner {
    /// Check the configuration against the design. `ipw` selects weighting (`kind = "ipw"`):
    /// the method becomes IPW unless `aipw` was asked for.
    ///
    /// # Errors
    /// [`PowerError::Config`]: a design without covariates or a panel, covariates the design
    /// does not have, an estimand the design has no truth for, effekt-matching's option errors.
    pub fn new(cfg: &MatchConfig, ipw: bool, info: &DesignInfo, alpha: f64) -> Result<Self> {
        let what = if ipw {
            "analysis ipw"
        } else {
            "analysis matching"
        };
        let mut c = cfg.clone();
        if ipw {
            match c.method {
                Method::Nearest | Method::Ipw => c.method = Method::Ipw,
                Method::Aipw => {}
                Method::Cem => {
                    return Err(config_err(
                        what,
                        "kind = \"ipw\" weights on the propensity score; for CEM use kind = \
                         \"matching\" with method = \"cem\"",
                    ));
                }
            }
        }
        c.effect.level = 1.0 - alpha;
        if info.panel || info.covariates.is_empty() {
            return Err(config_err(
                what,
                format!(
                    "matching and weighting need baseline covariates, and the {} design has \
                     none; use the observational ihf or tfco design",
                    info.name
                ),
            ));
        }
        check_names(what, "covariate", &c.covariates, info)?;
        check_names(what, "exact-matching covariate", &c.exact, info)?;
        let cal: Vec<String> = c
            .covariate_calipers
            .iter()
            .map(|x| x.covariate.clone())
            .collect();
        check_names(what, "caliper covariate", &cal, info)?;
        let cuts: Vec<String> = c.cem_cuts.iter().map(|x| x.covariate.clone()).collect();
        check_names(what, "CEM covariate", &cuts, info)?;
        let wanted = match c.estimand {
            Estimand::Att => Some(Population::Treated),
            Estimand::Ate => Some(Population::All),
            Estimand::Atc => None,
        };
        match (info.population, wanted) {
            (None, _) => {}
            (Some(p), Some(w)) if p == w => {}
            (Some(_), None) => {
                return Err(config_err(
                    what,
                    format!(
                        "the {} design has no true ATC; use estimand = \"att\" or \"ate\"",
                        info.name
                    ),
                ));
            }
            (Some(p), Some(_)) => {
                return Err(config_err(
                    what,
                    format!(
                        "the analysis estimates the {} but the design's truth is the {} \
                         (estimand = \"{}\" in [dgp]); make them the same",
                        c.estimand.name(),
                        if p == Population::All { "ATE" } else { "ATT" },
                        if p == Population::All { "all" } else { "att" }
                    ),
                ));
            }
        }
        c.validate().map_err(|e| config_err(what, e))?;
        let covs = if c.covariates.is_empty() {
            info.covariates.join(", ")
        } else {
            c.covariates.join(", ")
        };
        let how = match c.method {
            Method::Nearest => format!(
                "nearest-neighbour {}:1 matching {} replacement on the {} ({}), {} first",
                c.ratio,
                if c.replace { "with" } else { "without" },
                match c.distance {
                    effekt_matching::Distance::Ps => "propensity score",
                    effekt_matching::Distance::Logit => "logit of the propensity score",
                    effekt_matching::Distance::Mahalanobis => "Mahalanobis distance",
                    effekt_matching::Distance::RobustMahalanobis => "robust Mahalanobis distance",
                },
                covs,
                c.resolved_order().name()
            ),
            Method::Cem => format!("coarsened exact matching on {covs}"),
            Method::Ipw => format!("inverse probability weighting, propensity score on {covs}"),
            Method::Aipw => format!("augmented IPW, models on {covs}"),
        };
        let se = match (c.effect.se, c.method, c.replace) {
            (effekt_matching::SeMethod::Auto, Method::Nearest, false) => {
                "CR2 with Satterthwaite df on the pairs"
            }
            (effekt_matching::SeMethod::Auto, Method::Nearest, true) => "Abadie-Imbens",
            (effekt_matching::SeMethod::Auto, Method::Cem, _) => "HC3",
            (effekt_matching::SeMethod::Auto, _, _) => {
                "sandwich of the stacked estimating equations"
            }
            (effekt_matching::SeMethod::Cr1, _, _) => "CR1 on the pairs",
            (effekt_matching::SeMethod::Cr2, _, _) => "CR2 on the pairs",
            (effekt_matching::SeMethod::Hc3, _, _) => "HC3",
            (effekt_matching::SeMethod::AbadieImbens, _, _) => "Abadie-Imbens",
        };
        Ok(Self {
            description: format!(
                "effekt-matching {how}; {}; standard error: {se}",
                c.estimand.name()
            ),
            config: c,
        })
    }

    /// What is run, in words.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// The effekt-matching configuration used.
    pub fn config(&self) -> &MatchConfig {
        &self.config
    }

    /// Match (or weight) one simulated data set and estimate the effect with effekt-matching.
    ///
    /// # Errors
    /// effekt-matching's message (e.g. separation in the propensity-score model, too few
    /// controls for matching without replacement).
    pub fn analyse(&self, d: &TwoArm) -> std::result::Result<SimEstimate, String> {
        let ds = dataset(d, false, None);
        let f = effekt_matching::fit(&ds, &self.config, None).map_err(|e| e.to_string())?;
        let e = f
            .effect
            .as_ref()
            .ok_or("effekt-matching returned no effect")?;
        Ok(SimEstimate {
            estimate: e.estimate,
            std_error: e.std_error,
            conf_low: e.conf_low,
            conf_high: e.conf_high,
            p_value: e.p_value,
        })
    }
}

/// A simulated panel: one row per unit and period.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelData {
    /// Unit code per row (`0..n_units`).
    pub unit: Vec<u32>,
    pub n_units: usize,
    /// Period per row.
    pub time: Vec<f64>,
    pub y: Vec<f64>,
    /// Treated in this period (`D_it`).
    pub treated: Vec<bool>,
    /// First treated period of the row's unit (`None` = never treated).
    pub first_treated: Vec<Option<f64>>,
}

/// The `did` analysis, validated (see [`DidAnalysis`]).
#[derive(Debug, Clone, PartialEq)]
pub struct DidRunner {
    analysis: DidAnalysis,
    level: f64,
    description: String,
}

impl DidRunner {
    /// Check the analysis against the design.
    ///
    /// # Errors
    /// [`PowerError::Config`]: a design that is not a panel; `vcov` with Callaway–Sant'Anna.
    pub fn new(a: &DidAnalysis, info: &DesignInfo, alpha: f64) -> Result<Self> {
        const WHAT: &str = "analysis did";
        if !info.panel {
            return Err(config_err(
                WHAT,
                format!(
                    "difference-in-differences needs a panel design (kind = \"staggered\"); {} \
                     is not one",
                    info.name
                ),
            ));
        }
        if a.method == DidEstimator::Cs && a.vcov != VcovChoice::Auto {
            return Err(config_err(
                WHAT,
                "vcov applies to twfe; Callaway-Sant'Anna uses influence-function standard errors",
            ));
        }
        let description = match a.method {
            DidEstimator::Twfe => format!(
                "effekt-did two-way fixed effects (unit and period), {} clustered by unit",
                match a.vcov {
                    VcovChoice::Auto => "CR2 + Satterthwaite df below 30 units, else CR1",
                    VcovChoice::Cr1 => "CR1 with G - 1 df",
                    VcovChoice::Cr2 => "CR2 with Satterthwaite df",
                }
            ),
            DidEstimator::Cs => format!(
                "effekt-did Callaway-Sant'Anna ({}, {} controls), simple aggregation, analytic \
                 influence-function SE clustered by unit, normal reference",
                a.estimator.label(),
                a.control_group.label()
            ),
        };
        Ok(Self {
            analysis: a.clone(),
            level: 1.0 - alpha,
            description,
        })
    }

    /// What is run, in words.
    pub fn describe(&self) -> &str {
        &self.description
    }

    /// Fit one simulated panel with effekt-did.
    ///
    /// # Errors
    /// effekt-did's message (e.g. a cohort without comparison units).
    pub fn analyse(&self, p: &PanelData) -> std::result::Result<SimEstimate, String> {
        let labels: Vec<String> = (0..p.n_units).map(|i| (i + 1).to_string()).collect();
        match self.analysis.method {
            DidEstimator::Twfe => {
                let data = DidData {
                    outcome_name: "y".into(),
                    outcome: p.y.clone(),
                    unit_name: "id".into(),
                    unit_labels: labels,
                    unit: p.unit.clone(),
                    time_name: "period".into(),
                    time: p.time.clone(),
                    treatment_name: "treated".into(),
                    treatment: TreatmentInput::Indicator(p.treated.clone()),
                    cluster: None,
                    weights: None,
                    covariates: Vec::new(),
                    row_numbers: None,
                };
                let cfg = DidConfig {
                    method: DidMethod::Twfe,
                    vcov: self.analysis.vcov,
                    level: self.level,
                    decompose: false,
                    ..DidConfig::default()
                };
                let f = effekt_did::fit(&data, &cfg, None).map_err(|e| e.to_string())?;
                let h = f.headline();
                Ok(SimEstimate {
                    estimate: h.estimate,
                    std_error: h.std_error,
                    conf_low: h.conf_low,
                    conf_high: h.conf_high,
                    p_value: h.p_value,
                })
            }
            DidEstimator::Cs => {
                let data = CsData {
                    source: "simulated".into(),
                    unit: Some(Groups {
                        column: "id".into(),
                        labels,
                        codes: p.unit.clone(),
                    }),
                    ..CsData::new(p.y.clone(), p.time.clone(), p.first_treated.clone())
                };
                let cfg = CsConfig {
                    control_group: self.analysis.control_group,
                    estimator: self.analysis.estimator,
                    aggregations: vec![Aggregation::Simple],
                    bootstrap: 0,
                    uniform_bands: false,
                    level: self.level,
                    ..CsConfig::default()
                };
                let f = effekt_did::cs::fit_cs(&data, &cfg, None).map_err(|e| e.to_string())?;
                let s = &f.simple;
                let nan = f64::NAN;
                Ok(SimEstimate {
                    estimate: s.estimate,
                    std_error: s.std_error.unwrap_or(nan),
                    conf_low: s.conf_low.unwrap_or(nan),
                    conf_high: s.conf_high.unwrap_or(nan),
                    p_value: s.p_value.unwrap_or(nan),
                })
            }
        }
    }
}
