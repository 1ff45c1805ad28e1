//! Built-in data-generating processes and analyses for the simulation harness, selected from a
//! TOML config.
//!
//! Two kinds of analysis:
//!
//! * **The design crates' own estimators** ([`super::design`]): `rct` (effekt-rct: difference in
//!   means with Welch df, CR2 with clusters; `adjust = "ancova" | "lin"`), `matching` and `ipw`
//!   (effekt-matching with `effekt match`'s defaults; any [`effekt_matching::MatchConfig`]
//!   field can be set), and `did` (effekt-did: TWFE with CR2/CR1 by unit, or Callaway–Sant'Anna
//!   simple ATT). These are what the final analysis will run, so their simulated power, bias
//!   and coverage are the ones that matter for planning.
//! * **Textbook tests this crate computes itself**: Welch and Student t-tests (statrs), the
//!   pooled two-proportion z-test, the t-test on cluster means (the cluster-level analysis
//!   recommended with few clusters; Hayes & Moulton 2017) and OLS + CR2 (effekt-models).
//!
//! Each has a closed-form counterpart in [`crate::analytic`] where one exists, reported beside
//! the simulated power.
//!
//! Designs ([`DgpSpec`]) and the analyses they can feed:
//!
//! | design | data | covariates | analyses |
//! |---|---|---|---|
//! | `two-groups` | two normal arms | `baseline` with `baseline_correlation` | t-tests, `rct` (ancova/lin with `baseline`), matching/ipw with `baseline` |
//! | `two-proportions` | two binary arms | none | t-tests, `z-pooled`, `rct` |
//! | `cluster-rct` | clusters randomised | none | all two-arm analyses but matching/ipw; `rct` uses CR2 |
//! | `ihf`, `tfco` | families / youths in municipalities | `child_age`, `child_sex`, `baseline_risk` (ihf); `age`, `sex`, `previous_placements`, `months_in_care`, `baseline_risk` (tfco) | every two-arm analysis |
//! | `staggered` | panel, staggered adoption | none | `did` only |
//!
//! A combination outside this table is a configuration error that says what would fit.
//!
//! ```toml
//! seed = 20240601
//! simulations = 2000     # 1 to 1,000,000 (default 1000)
//! alpha = 0.05           # 1e-12 to 1 - 1e-12 (default 0.05)
//! target_mc_se = 0.005   # optional early stop
//!
//! [dgp]
//! kind = "cluster-rct"
//! clusters = 10
//! cluster_size = 20
//! icc = 0.05
//! effect = 0.5
//!
//! [analysis]
//! kind = "rct"           # effekt-rct: CR2 + Satterthwaite df, clusters randomised
//! ```
//!
//! Matching on the observational IHF design (the truth is the sidecar's ATT):
//!
//! ```toml
//! [dgp]
//! kind = "ihf"
//! outcome = "closed_lower_level"
//! wave = 2
//! estimand = "att"
//! [dgp.config]
//! families = 240
//! assignment = { kind = "observational", share = 0.3, selection = 1.0 }
//!
//! [analysis]
//! kind = "matching"      # or "ipw"; fields of effekt_matching::MatchConfig may follow
//! distance = "logit"
//! ```

use super::design::{
    DesignInfo, DidAnalysis, DidRunner, MatchRunner, PanelData, RctAnalysis, RctRunner,
};
use super::{Analysis, Draw, RunOptions, SimEstimate, SimulationSummary, run};
use crate::analytic::PowerResult;
use crate::dgp::{
    self, Assignment, ClusterRctConfig, IhfConfig, Population, StaggeredConfig, TfcoConfig,
};
use crate::error::{PowerError, Result};
use effekt_data::{ColumnData, Covariate, CovariateValues};
use effekt_matching::MatchConfig;
use effekt_resample::Rng;
use serde::{Deserialize, Serialize};

pub use super::counterpart::analytic_counterpart;
pub use super::textbook::{cluster_means, ols_cr2, student, welch, z_pooled};

/// A simulation study read from TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationConfig {
    /// Seed (default 1).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Simulations (default 1,000; 1 to [`MAX_SIMULATIONS`](super::MAX_SIMULATIONS) =
    /// 1,000,000). Each generated data set has at most
    /// [`MAX_ROWS`](crate::dgp::MAX_ROWS) = 10,000,000 rows.
    #[serde(default = "default_simulations")]
    pub simulations: u64,
    /// Significance level (default 0.05; 1e-12 to 1 − 1e-12).
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    #[serde(default = "default_batch")]
    pub batch_size: u64,
    #[serde(default)]
    pub target_mc_se: Option<f64>,
    #[serde(default = "default_min_sims")]
    pub min_simulations: u64,
    pub dgp: DgpSpec,
    pub analysis: AnalysisSpec,
}

fn default_seed() -> u64 {
    1
}
fn default_simulations() -> u64 {
    1000
}
fn default_alpha() -> f64 {
    0.05
}
fn default_batch() -> u64 {
    100
}
fn default_min_sims() -> u64 {
    200
}
fn one() -> f64 {
    1.0
}

/// Data-generating processes the harness can run by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DgpSpec {
    /// Two independent normal groups: treated `N(effect, sd_treated²)`, control
    /// `N(0, sd_control²)`. Truth: `effect`.
    TwoGroups {
        n_treated: usize,
        n_control: usize,
        effect: f64,
        #[serde(default = "one")]
        sd_treated: f64,
        #[serde(default = "one")]
        sd_control: f64,
        /// Correlation of the outcome with a standard-normal baseline covariate `baseline`
        /// (e.g. the outcome measured at intake, in SD units): the outcome is
        /// `mean + sd · (ρ · baseline + √(1 − ρ²) · ε)`. Absent: no covariate (and the random
        /// draws are those of earlier versions).
        #[serde(default)]
        baseline_correlation: Option<f64>,
    },
    /// Two independent binomial groups. Truth: `p_treated − p_control`.
    TwoProportions {
        n_treated: usize,
        n_control: usize,
        p_treated: f64,
        p_control: f64,
    },
    /// [`dgp::cluster_rct`]. Truth: `effect`.
    ClusterRct(ClusterRctConfig),
    /// [`dgp::ihf`], analysed on `outcome` at follow-up `wave` (complete cases); the truth is
    /// the sidecar's ATE or ATT for that outcome and wave.
    Ihf {
        #[serde(default)]
        config: IhfConfig,
        outcome: String,
        wave: u32,
        estimand: Population,
    },
    /// [`dgp::tfco`], outcome `moved_lower_intensity`; truth: ATE or ATT.
    Tfco {
        #[serde(default)]
        config: TfcoConfig,
        estimand: Population,
    },
    /// [`dgp::staggered`] panel (fields of [`StaggeredConfig`] directly under `[dgp]`); truth:
    /// the sidecar's simple ATT (post-adoption ATT(g,t) weighted by cohort size). Only the `did`
    /// analysis reads a panel.
    Staggered(StaggeredConfig),
}

/// Baseline covariates the IHF design hands to the analysis (family level, at intake).
pub const IHF_COVARIATES: [&str; 3] = ["child_age", "child_sex", "baseline_risk"];
/// Baseline covariates the TFCO design hands to the analysis.
pub const TFCO_COVARIATES: [&str; 5] = [
    "age",
    "sex",
    "previous_placements",
    "months_in_care",
    "baseline_risk",
];

impl DgpSpec {
    /// What the design offers an analysis: clusters, covariates, panel, truth population.
    pub fn info(&self) -> DesignInfo {
        let municipality_assigned = |a: &Assignment| matches!(a, Assignment::Municipality { .. });
        match self {
            DgpSpec::TwoGroups {
                baseline_correlation,
                ..
            } => DesignInfo {
                name: "two-groups",
                clusters: false,
                cluster_assigned: false,
                covariates: if baseline_correlation.is_some() {
                    vec!["baseline"]
                } else {
                    Vec::new()
                },
                panel: false,
                population: None,
            },
            DgpSpec::TwoProportions { .. } => DesignInfo {
                name: "two-proportions",
                clusters: false,
                cluster_assigned: false,
                covariates: Vec::new(),
                panel: false,
                population: None,
            },
            DgpSpec::ClusterRct(_) => DesignInfo {
                name: "cluster-rct",
                clusters: true,
                cluster_assigned: true,
                covariates: Vec::new(),
                panel: false,
                population: None,
            },
            DgpSpec::Ihf {
                config, estimand, ..
            } => DesignInfo {
                name: "ihf",
                clusters: true,
                cluster_assigned: municipality_assigned(&config.assignment),
                covariates: IHF_COVARIATES.to_vec(),
                panel: false,
                population: Some(*estimand),
            },
            DgpSpec::Tfco { config, estimand } => DesignInfo {
                name: "tfco",
                clusters: true,
                cluster_assigned: municipality_assigned(&config.assignment),
                covariates: TFCO_COVARIATES.to_vec(),
                panel: false,
                population: Some(*estimand),
            },
            DgpSpec::Staggered(_) => DesignInfo {
                name: "staggered",
                clusters: false,
                cluster_assigned: false,
                covariates: Vec::new(),
                panel: true,
                population: Some(Population::Treated),
            },
        }
    }
}

/// Analyses the harness can run by name (the effect is treated minus control).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum AnalysisSpec {
    /// Welch's unequal-variance t-test and CI (Welch 1947).
    Welch,
    /// Student's pooled-variance t-test and CI.
    Student,
    /// Two-proportion z-test with pooled variance under H0; Wald CI (unpooled).
    ZPooled,
    /// Student t-test on cluster means, df = clusters − 2 (needs a clustered design).
    ClusterMeans,
    /// OLS of the outcome on an intercept and the treatment indicator with CR2 cluster-robust
    /// standard errors and Satterthwaite degrees of freedom (Bell & McCaffrey 2002;
    /// Pustejovsky & Tipton 2018), computed by effekt-models (needs a clustered design).
    OlsCr2,
    /// effekt-rct as `effekt rct` runs it ([`RctAnalysis`]): the difference in means with
    /// Welch df (CR2 + Satterthwaite df when clusters were randomised), or `adjust = "ancova"`
    /// / `"lin"` on the design's baseline covariates.
    Rct(RctAnalysis),
    /// effekt-matching as `effekt match` runs it: the fields are those of
    /// [`effekt_matching::MatchConfig`] (default nearest neighbour 1:1 on the propensity score
    /// of every covariate of the design, ATT, CR2 on the pairs). Needs covariates (ihf, tfco).
    Matching(Box<MatchConfig>),
    /// effekt-matching's inverse probability weighting (`method = "ipw"`, or `"aipw"` if set),
    /// with the sandwich standard error of the stacked estimating equations.
    Ipw(Box<MatchConfig>),
    /// effekt-did on a panel (`staggered`): TWFE (default) or Callaway–Sant'Anna
    /// ([`DidAnalysis`]).
    Did(DidAnalysis),
}

/// Two-arm data: outcome, treatment indicator, optional cluster of each unit, and the
/// design's baseline covariates (empty when it has none).
#[derive(Debug, Clone, PartialEq)]
pub struct TwoArm {
    pub y: Vec<f64>,
    pub treated: Vec<bool>,
    pub cluster: Option<Vec<u32>>,
    /// Baseline covariates per unit, as effekt-data selects them (categorical levels sorted).
    pub covariates: Vec<Covariate>,
}

/// Result of [`run_config`]: the simulation summary and, where a closed form exists, the
/// analytic power of the same design and test.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationReport {
    pub config: SimulationConfig,
    pub dgp: String,
    pub analysis: String,
    pub summary: SimulationSummary,
    pub analytic: Option<PowerResult>,
}

impl SimulationConfig {
    /// Parse TOML (unknown fields are errors).
    ///
    /// # Errors
    /// [`PowerError::Config`] with the TOML parser's message (line and column).
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let cfg: Self = toml::from_str(text).map_err(|e| PowerError::Config(e.to_string()))?;
        cfg.check()?;
        Ok(cfg)
    }

    /// Engine options of this config.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            seed: self.seed,
            simulations: self.simulations,
            alpha: self.alpha,
            batch_size: self.batch_size,
            target_mc_se: self.target_mc_se,
            min_simulations: self.min_simulations,
            keep_records: false,
        }
    }

    /// Validate the design, the analysis and their combination.
    ///
    /// # Errors
    /// [`PowerError::Config`] for an analysis that does not fit the design; parameter errors.
    pub fn check(&self) -> Result<()> {
        self.options().check()?;
        match &self.dgp {
            DgpSpec::TwoGroups {
                n_treated,
                n_control,
                effect,
                sd_treated,
                sd_control,
                baseline_correlation,
            } => {
                check_n(*n_treated, *n_control)?;
                crate::dgp::check_finite("effect", *effect)?;
                for (name, sd) in [("sd_treated", *sd_treated), ("sd_control", *sd_control)] {
                    crate::error::check_positive(name, sd)?;
                    crate::dgp::check_finite(name, sd)?;
                }
                if let Some(r) = baseline_correlation {
                    crate::error::check_correlation("baseline_correlation", *r)?;
                }
            }
            DgpSpec::TwoProportions {
                n_treated,
                n_control,
                p_treated,
                p_control,
            } => {
                check_n(*n_treated, *n_control)?;
                crate::error::check_probability("p_treated", *p_treated)?;
                crate::error::check_probability("p_control", *p_control)?;
            }
            DgpSpec::ClusterRct(c) => c.check()?,
            DgpSpec::Ihf {
                config,
                outcome,
                wave,
                ..
            } => {
                const NUMERIC: [&str; 5] = [
                    "closed_lower_level",
                    "goals_met",
                    "parent_rating",
                    "child_rating",
                    "problem_score",
                ];
                if !NUMERIC.contains(&outcome.as_str()) {
                    return Err(PowerError::Config(format!(
                        "IHF outcome {outcome:?} is not one of {}",
                        NUMERIC.join(", ")
                    )));
                }
                if *wave == 0 || *wave >= config.waves {
                    return Err(PowerError::Config(format!(
                        "IHF wave {wave}: choose a follow-up wave between 1 and {}",
                        config.waves.saturating_sub(1)
                    )));
                }
            }
            DgpSpec::Tfco { .. } | DgpSpec::Staggered(_) => {}
        }
        let info = self.dgp.info();
        if info.panel && !matches!(self.analysis, AnalysisSpec::Did(_)) {
            return Err(PowerError::Config(format!(
                "the {} design is a panel (units x periods); analyse it with kind = \"did\" in \
                 [analysis]",
                info.name
            )));
        }
        if matches!(
            self.analysis,
            AnalysisSpec::ClusterMeans | AnalysisSpec::OlsCr2
        ) && !info.clusters
        {
            return Err(PowerError::Config(
                "analyses cluster-means and ols-cr2 need a clustered design (cluster-rct, ihf, \
                 tfco)"
                    .into(),
            ));
        }
        // The design crates' analyses check themselves against the design.
        self.prepared().map(|_| ())
    }

    /// The analysis, validated against the design and ready to run.
    ///
    /// # Errors
    /// [`PowerError::Config`] when the analysis cannot use the design or its options are
    /// invalid.
    pub fn prepared(&self) -> Result<PreparedAnalysis> {
        let info = self.dgp.info();
        let alpha = self.alpha;
        Ok(match &self.analysis {
            AnalysisSpec::Welch => PreparedAnalysis::Builtin(Builtin::Welch, alpha),
            AnalysisSpec::Student => PreparedAnalysis::Builtin(Builtin::Student, alpha),
            AnalysisSpec::ZPooled => PreparedAnalysis::Builtin(Builtin::ZPooled, alpha),
            AnalysisSpec::ClusterMeans => PreparedAnalysis::Builtin(Builtin::ClusterMeans, alpha),
            AnalysisSpec::OlsCr2 => PreparedAnalysis::Builtin(Builtin::OlsCr2, alpha),
            AnalysisSpec::Rct(a) => {
                PreparedAnalysis::Rct(Box::new(RctRunner::new(a, &info, alpha)?))
            }
            AnalysisSpec::Matching(m) => {
                PreparedAnalysis::Matching(Box::new(MatchRunner::new(m, false, &info, alpha)?))
            }
            AnalysisSpec::Ipw(m) => {
                PreparedAnalysis::Matching(Box::new(MatchRunner::new(m, true, &info, alpha)?))
            }
            AnalysisSpec::Did(d) => PreparedAnalysis::Did(DidRunner::new(d, &info, alpha)?),
        })
    }

    fn describe_dgp(&self) -> String {
        let assignment = |a: &Assignment| match a {
            Assignment::Individual { share } => {
                format!("individually randomised ({share} treated)")
            }
            Assignment::Municipality { share } => {
                format!("municipalities randomised ({share} treated)")
            }
            Assignment::Observational { share, selection } => format!(
                "observational (selection {selection} on risk and age, {share} treated on average)"
            ),
        };
        let truth = |p: &Population| if *p == Population::All { "ATE" } else { "ATT" };
        match &self.dgp {
            DgpSpec::TwoGroups {
                n_treated,
                n_control,
                effect,
                sd_treated,
                sd_control,
                baseline_correlation,
            } => format!(
                "two normal groups: {n_treated} treated ~ N({effect}, {sd_treated}^2), \
                 {n_control} control ~ N(0, {sd_control}^2){}",
                baseline_correlation.map_or(String::new(), |r| format!(
                    ", correlation {r} with the covariate baseline"
                ))
            ),
            DgpSpec::TwoProportions {
                n_treated,
                n_control,
                p_treated,
                p_control,
            } => format!(
                "two binomial groups: {n_treated} treated (p = {p_treated}), {n_control} \
                 control (p = {p_control})"
            ),
            DgpSpec::ClusterRct(c) => format!(
                "cluster-randomised: {} clusters x {} (cv {}), ICC {}, effect {} SD",
                c.clusters, c.cluster_size, c.cv, c.icc, c.effect
            ),
            DgpSpec::Ihf {
                config,
                outcome,
                wave,
                estimand,
            } => format!(
                "IHF: {} families in {} municipalities, {}, {outcome} at wave {wave}, truth = {}",
                config.families,
                config.municipalities,
                assignment(&config.assignment),
                truth(estimand)
            ),
            DgpSpec::Tfco { config, estimand } => format!(
                "TFCO: {} youths, {}, moved to lower intensity within {} months, truth = {}",
                config.youths,
                assignment(&config.assignment),
                config.follow_up_months,
                truth(estimand)
            ),
            DgpSpec::Staggered(c) => format!(
                "staggered adoption: {} units x {} periods, cohorts {:?}, {} never treated, \
                 effect {} at adoption (dynamic {}, cohort heterogeneity {}), truth = simple ATT",
                c.units,
                c.periods,
                c.cohorts,
                c.never_treated_share,
                c.effect,
                c.dynamic,
                c.cohort_heterogeneity
            ),
        }
    }
}

fn check_n(a: usize, b: usize) -> Result<()> {
    for (name, n) in [("n_treated", a), ("n_control", b)] {
        if !(2..=10_000_000).contains(&n) {
            return Err(PowerError::InvalidParameter {
                name,
                value: n as f64,
                reason: "each group needs between 2 and 10,000,000 units".into(),
            });
        }
    }
    crate::dgp::check_rows("n_treated + n_control", a.saturating_add(b))
}

/// The textbook tests computed in this crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Welch,
    Student,
    ZPooled,
    ClusterMeans,
    OlsCr2,
}

/// An analysis validated against its design ([`SimulationConfig::prepared`]): a two-arm
/// analysis ([`Analysis<TwoArm>`]) or the panel analysis ([`Analysis<PanelData>`]).
#[derive(Debug, Clone, PartialEq)]
pub enum PreparedAnalysis {
    /// A test of this crate, at level alpha.
    Builtin(Builtin, f64),
    Rct(Box<RctRunner>),
    Matching(Box<MatchRunner>),
    Did(DidRunner),
}

impl PreparedAnalysis {
    /// What is run, in words (the estimator and the inference).
    pub fn describe(&self) -> String {
        match self {
            PreparedAnalysis::Builtin(b, _) => match b {
                Builtin::Welch => "Welch two-sample t-test (unequal variances)",
                Builtin::Student => "Student two-sample t-test (pooled variance)",
                Builtin::ZPooled => "two-proportion z-test (pooled variance), Wald CI",
                Builtin::ClusterMeans => "t-test on cluster means (df = clusters - 2)",
                Builtin::OlsCr2 => "OLS on treatment, CR2 cluster-robust SE, Satterthwaite df",
            }
            .to_string(),
            PreparedAnalysis::Rct(r) => r.describe().to_string(),
            PreparedAnalysis::Matching(m) => m.describe().to_string(),
            PreparedAnalysis::Did(d) => d.describe().to_string(),
        }
    }
}

impl Analysis<TwoArm> for PreparedAnalysis {
    fn analyse(&self, d: &TwoArm) -> std::result::Result<SimEstimate, String> {
        match self {
            PreparedAnalysis::Builtin(b, alpha) => match b {
                Builtin::Welch => welch(d, *alpha),
                Builtin::Student => student(d, *alpha),
                Builtin::ZPooled => z_pooled(d, *alpha),
                Builtin::ClusterMeans => cluster_means(d, *alpha),
                Builtin::OlsCr2 => ols_cr2(d, *alpha),
            },
            PreparedAnalysis::Rct(r) => r.analyse(d),
            PreparedAnalysis::Matching(m) => m.analyse(d),
            PreparedAnalysis::Did(_) => Err("the did analysis needs a panel design".into()),
        }
    }
}

impl Analysis<PanelData> for PreparedAnalysis {
    fn analyse(&self, d: &PanelData) -> std::result::Result<SimEstimate, String> {
        match self {
            PreparedAnalysis::Did(r) => r.analyse(d),
            _ => Err("this analysis needs two-arm data, not a panel".into()),
        }
    }
}

/// Draw one data set of a built-in design.
///
/// # Errors
/// Configuration errors of the generator.
pub fn draw(spec: &DgpSpec, rng: &mut Rng) -> Result<Draw<TwoArm>> {
    use rand::distr::Distribution;
    match spec {
        DgpSpec::TwoGroups {
            n_treated,
            n_control,
            effect,
            sd_treated,
            sd_control,
            baseline_correlation,
        } => {
            let n = n_treated + n_control;
            let mut y = Vec::with_capacity(n);
            let mut covariates = Vec::new();
            match baseline_correlation {
                None => {
                    for _ in 0..*n_treated {
                        y.push(effect + sd_treated * dgp::std_normal(rng));
                    }
                    for _ in 0..*n_control {
                        y.push(sd_control * dgp::std_normal(rng));
                    }
                }
                Some(r) => {
                    let s = (1.0 - r * r).sqrt();
                    let mut x = Vec::with_capacity(n);
                    for i in 0..n {
                        let (mean, sd) = if i < *n_treated {
                            (*effect, *sd_treated)
                        } else {
                            (0.0, *sd_control)
                        };
                        let xi = dgp::std_normal(rng);
                        let e = dgp::std_normal(rng);
                        x.push(xi);
                        y.push(mean + sd * (r * xi + s * e));
                    }
                    covariates.push(Covariate {
                        name: "baseline".into(),
                        values: CovariateValues::Numeric(x),
                    });
                }
            }
            let mut treated = vec![true; *n_treated];
            treated.resize(n, false);
            Ok(Draw {
                data: TwoArm {
                    y,
                    treated,
                    cluster: None,
                    covariates,
                },
                truth: *effect,
            })
        }
        DgpSpec::TwoProportions {
            n_treated,
            n_control,
            p_treated,
            p_control,
        } => {
            let bern = |p: f64| {
                rand_distr::Bernoulli::new(p).map_err(|e| PowerError::InvalidParameter {
                    name: "p",
                    value: p,
                    reason: e.to_string(),
                })
            };
            let (bt, bc) = (bern(*p_treated)?, bern(*p_control)?);
            let mut y = Vec::with_capacity(n_treated + n_control);
            for _ in 0..*n_treated {
                y.push(f64::from(u8::from(bt.sample(rng))));
            }
            for _ in 0..*n_control {
                y.push(f64::from(u8::from(bc.sample(rng))));
            }
            let mut treated = vec![true; *n_treated];
            treated.resize(n_treated + n_control, false);
            Ok(Draw {
                data: TwoArm {
                    y,
                    treated,
                    cluster: None,
                    covariates: Vec::new(),
                },
                truth: p_treated - p_control,
            })
        }
        DgpSpec::ClusterRct(c) => {
            let d = dgp::cluster::draw_cluster(c, rng)?;
            let treated = d
                .cluster
                .iter()
                .map(|&j| d.treated_cluster.get(j as usize).copied().unwrap_or(false))
                .collect();
            Ok(Draw {
                data: TwoArm {
                    y: d.y,
                    treated,
                    cluster: Some(d.cluster),
                    covariates: Vec::new(),
                },
                truth: c.effect,
            })
        }
        DgpSpec::Ihf {
            config,
            outcome,
            wave,
            estimand,
        } => {
            let sim = dgp::ihf(config, rng)?;
            let truth = sim
                .truth
                .find(outcome, *estimand, Some(i64::from(*wave)))
                .ok_or_else(|| {
                    PowerError::Config(format!("no true effect for {outcome} at wave {wave}"))
                })?;
            let arms = arms_from_table(
                &sim.table,
                outcome,
                Some(("wave", f64::from(*wave))),
                "municipality",
                &IHF_COVARIATES,
            )?;
            Ok(Draw { data: arms, truth })
        }
        DgpSpec::Tfco { config, estimand } => {
            let sim = dgp::tfco(config, rng)?;
            let truth = sim
                .truth
                .find("moved_lower_intensity", *estimand, None)
                .ok_or_else(|| {
                    PowerError::Config("no true effect for moved_lower_intensity".into())
                })?;
            let arms = arms_from_table(
                &sim.table,
                "moved_lower_intensity",
                None,
                "municipality",
                &TFCO_COVARIATES,
            )?;
            Ok(Draw { data: arms, truth })
        }
        DgpSpec::Staggered(_) => Err(PowerError::Config(
            "the staggered design is a panel; analyse it with kind = \"did\"".into(),
        )),
    }
}

/// Draw one panel of a built-in panel design (`staggered`); the truth is the sidecar's simple
/// ATT.
///
/// # Errors
/// Configuration errors of the generator; a design that is not a panel.
pub fn draw_panel(spec: &DgpSpec, rng: &mut Rng) -> Result<Draw<PanelData>> {
    let DgpSpec::Staggered(c) = spec else {
        return Err(PowerError::Config(
            "only the staggered design is a panel; two-arm designs are analysed with the other \
             analyses"
                .into(),
        ));
    };
    let sim = dgp::staggered(c, rng)?;
    let truth = sim
        .truth
        .find("y", Population::Treated, None)
        .ok_or_else(|| PowerError::Config("no simple ATT in the staggered truth".into()))?;
    let err = |e: effekt_data::DataError| PowerError::Table(e.to_string());
    let t = &sim.table;
    let id = t.numeric("id").map_err(err)?;
    let period = t.numeric("period").map_err(err)?;
    let first = t.numeric("first_treated").map_err(err)?;
    let d = t.numeric("treated").map_err(err)?;
    let y = t.numeric("y").map_err(err)?;
    let n = t.nrows();
    let mut out = PanelData {
        unit: Vec::with_capacity(n),
        n_units: c.units,
        time: Vec::with_capacity(n),
        y: Vec::with_capacity(n),
        treated: Vec::with_capacity(n),
        first_treated: Vec::with_capacity(n),
    };
    for i in 0..n {
        let cell = |v: &[Option<f64>]| v.get(i).copied().flatten();
        let (Some(u), Some(p), Some(g), Some(di), Some(yi)) =
            (cell(&id), cell(&period), cell(&first), cell(&d), cell(&y))
        else {
            return Err(PowerError::Table(format!(
                "staggered row {i} has a missing value"
            )));
        };
        // ids are 1..=units
        out.unit.push((u as u32).saturating_sub(1));
        out.time.push(p);
        out.y.push(yi);
        out.treated.push(di == 1.0);
        out.first_treated.push((g > 0.0).then_some(g));
    }
    Ok(Draw { data: out, truth })
}

/// One covariate column over the table's rows: numeric, or categorical with its levels sorted
/// (as effekt-data selects them) and the codes remapped.
enum CovColumn {
    Numeric(Vec<Option<f64>>),
    Categorical(Vec<String>, Vec<Option<u32>>),
}

fn covariate_column(table: &effekt_data::Table, name: &str) -> Result<CovColumn> {
    let err = |e: effekt_data::DataError| PowerError::Table(e.to_string());
    match &table.column(name).map_err(err)?.data {
        ColumnData::Categorical { levels, codes } => {
            let mut order: Vec<usize> = (0..levels.len()).collect();
            order.sort_by(|&a, &b| levels.get(a).cmp(&levels.get(b)));
            let mut remap = vec![0u32; levels.len()];
            for (new, &old) in order.iter().enumerate() {
                if let Some(r) = remap.get_mut(old) {
                    *r = new as u32;
                }
            }
            let sorted = order
                .iter()
                .filter_map(|&k| levels.get(k).cloned())
                .collect();
            let codes = codes
                .iter()
                .map(|c| c.and_then(|c| remap.get(c as usize).copied()))
                .collect();
            Ok(CovColumn::Categorical(sorted, codes))
        }
        _ => Ok(CovColumn::Numeric(table.numeric(name).map_err(err)?)),
    }
}

/// Complete cases of `outcome` (rows where `filter` column equals the value, and every named
/// covariate is present), with treatment, the categorical cluster column's codes and the
/// covariates.
fn arms_from_table(
    table: &effekt_data::Table,
    outcome: &str,
    filter: Option<(&str, f64)>,
    cluster: &str,
    covariates: &[&str],
) -> Result<TwoArm> {
    let err = |e: effekt_data::DataError| PowerError::Table(e.to_string());
    let y = table.numeric(outcome).map_err(err)?;
    let t = table.numeric("treated").map_err(err)?;
    let f = match filter {
        Some((col, _)) => Some(table.numeric(col).map_err(err)?),
        None => None,
    };
    let codes = match &table.column(cluster).map_err(err)?.data {
        ColumnData::Categorical { codes, .. } => codes.clone(),
        _ => return Err(PowerError::Table(format!("{cluster} is not categorical"))),
    };
    let cov_cols: Vec<CovColumn> = covariates
        .iter()
        .map(|c| covariate_column(table, c))
        .collect::<Result<_>>()?;
    let mut cov_num: Vec<Vec<f64>> = vec![Vec::new(); covariates.len()];
    let mut cov_cat: Vec<Vec<u32>> = vec![Vec::new(); covariates.len()];
    let mut out = TwoArm {
        y: Vec::new(),
        treated: Vec::new(),
        cluster: Some(Vec::new()),
        covariates: Vec::new(),
    };
    for i in 0..table.nrows() {
        let keep = match (&f, filter) {
            (Some(fv), Some((_, want))) => fv.get(i).copied().flatten() == Some(want),
            _ => true,
        };
        let covs_present = cov_cols.iter().all(|c| match c {
            CovColumn::Numeric(v) => v.get(i).copied().flatten().is_some(),
            CovColumn::Categorical(_, v) => v.get(i).copied().flatten().is_some(),
        });
        if let (true, true, Some(Some(yi)), Some(Some(ti)), Some(Some(ci))) =
            (keep, covs_present, y.get(i), t.get(i), codes.get(i))
        {
            out.y.push(*yi);
            out.treated.push(*ti == 1.0);
            if let Some(c) = out.cluster.as_mut() {
                c.push(*ci);
            }
            for (k, c) in cov_cols.iter().enumerate() {
                match c {
                    CovColumn::Numeric(v) => {
                        if let (Some(dst), Some(Some(x))) = (cov_num.get_mut(k), v.get(i)) {
                            dst.push(*x);
                        }
                    }
                    CovColumn::Categorical(_, v) => {
                        if let (Some(dst), Some(Some(x))) = (cov_cat.get_mut(k), v.get(i)) {
                            dst.push(*x);
                        }
                    }
                }
            }
        }
    }
    for (((name, col), num), cat) in covariates.iter().zip(cov_cols).zip(cov_num).zip(cov_cat) {
        out.covariates.push(Covariate {
            name: (*name).to_string(),
            values: match col {
                CovColumn::Numeric(_) => CovariateValues::Numeric(num),
                CovColumn::Categorical(levels, _) => {
                    CovariateValues::Categorical { levels, codes: cat }
                }
            },
        });
    }
    Ok(out)
}

/// The analysis of a config as one value for [`run`] (two-arm designs).
///
/// # Errors
/// As [`SimulationConfig::prepared`].
pub fn analysis_fn(cfg: &SimulationConfig) -> Result<PreparedAnalysis> {
    cfg.prepared()
}

/// Run a simulation study from its config.
///
/// # Errors
/// Invalid config (including an analysis that cannot use the design); generator errors.
pub fn run_config(
    cfg: &SimulationConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SimulationReport> {
    cfg.check()?;
    let analysis = cfg.prepared()?;
    // The closed form is a side comparison: left out where it is not defined for these settings
    // (e.g. one cluster per arm leaves the t test no degrees of freedom), which the simulation
    // itself then reports through its failed analyses.
    let analytic = analytic_counterpart(cfg).unwrap_or(None);
    let spec = cfg.dgp.clone();
    let summary = if matches!(analysis, PreparedAnalysis::Did(_)) {
        let dgp = move |rng: &mut Rng| draw_panel(&spec, rng);
        run::<PanelData, _, _>(&cfg.options(), &dgp, &analysis, progress)?
    } else {
        let dgp = move |rng: &mut Rng| draw(&spec, rng);
        run::<TwoArm, _, _>(&cfg.options(), &dgp, &analysis, progress)?
    };
    Ok(SimulationReport {
        config: cfg.clone(),
        dgp: cfg.describe_dgp(),
        analysis: analysis.describe(),
        summary,
        analytic,
    })
}
