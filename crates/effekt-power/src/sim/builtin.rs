//! Built-in data-generating processes and analyses for the simulation harness, selected from a
//! TOML config.
//!
//! What is here is what this crate can analyse honestly by itself: two-sample t-tests (Welch
//! and Student, via statrs), the pooled two-proportion z-test, and the t-test on cluster means
//! (the cluster-level analysis recommended with few clusters; Hayes & Moulton 2017). Each has a
//! closed-form counterpart in [`crate::analytic`] where one exists, reported beside the
//! simulated power. The design crates add their estimators as new [`AnalysisSpec`] variants.
//!
//! ```toml
//! seed = 20240601
//! simulations = 2000
//! alpha = 0.05
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
//! kind = "cluster-means"
//! ```

use super::{Analysis, Draw, RunOptions, SimEstimate, SimulationSummary, run};
use crate::analytic::{self, Design, PowerResult, Targets};
use crate::dgp::{self, ClusterRctConfig, IhfConfig, Population, TfcoConfig};
use crate::dist::{pnorm_upper, pt, qnorm_upper, qt_upper};
use crate::error::{PowerError, Result};
use effekt_data::ColumnData;
use effekt_resample::Rng;
use serde::{Deserialize, Serialize};

/// A simulation study read from TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationConfig {
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_simulations")]
    pub simulations: u64,
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
}

/// Analyses the harness can run by name (the effect is treated minus control).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// Two-arm data: outcome, treatment indicator, optional cluster of each unit.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoArm {
    pub y: Vec<f64>,
    pub treated: Vec<bool>,
    pub cluster: Option<Vec<u32>>,
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
            } => {
                check_n(*n_treated, *n_control)?;
                if !effect.is_finite() {
                    return Err(PowerError::InvalidParameter {
                        name: "effect",
                        value: *effect,
                        reason: "must be finite".into(),
                    });
                }
                crate::error::check_positive("sd_treated", *sd_treated)?;
                crate::error::check_positive("sd_control", *sd_control)?;
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
            DgpSpec::Tfco { .. } => {}
        }
        let clustered = matches!(
            self.dgp,
            DgpSpec::ClusterRct(_) | DgpSpec::Ihf { .. } | DgpSpec::Tfco { .. }
        );
        if matches!(
            self.analysis,
            AnalysisSpec::ClusterMeans | AnalysisSpec::OlsCr2
        ) && !clustered
        {
            return Err(PowerError::Config(
                "analyses cluster-means and ols-cr2 need a clustered design (cluster-rct, ihf, \
                 tfco)"
                    .into(),
            ));
        }
        Ok(())
    }

    fn describe_dgp(&self) -> String {
        match &self.dgp {
            DgpSpec::TwoGroups {
                n_treated,
                n_control,
                effect,
                sd_treated,
                sd_control,
            } => format!(
                "two normal groups: {n_treated} treated ~ N({effect}, {sd_treated}^2), \
                 {n_control} control ~ N(0, {sd_control}^2)"
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
                "IHF: {} families in {} municipalities, {outcome} at wave {wave}, truth = {}",
                config.families,
                config.municipalities,
                if *estimand == Population::All {
                    "ATE"
                } else {
                    "ATT"
                }
            ),
            DgpSpec::Tfco { config, estimand } => format!(
                "TFCO: {} youths, moved to lower intensity within {} months, truth = {}",
                config.youths,
                config.follow_up_months,
                if *estimand == Population::All {
                    "ATE"
                } else {
                    "ATT"
                }
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
    Ok(())
}

fn analysis_text(a: AnalysisSpec) -> &'static str {
    match a {
        AnalysisSpec::Welch => "Welch two-sample t-test (unequal variances)",
        AnalysisSpec::Student => "Student two-sample t-test (pooled variance)",
        AnalysisSpec::ZPooled => "two-proportion z-test (pooled variance), Wald CI",
        AnalysisSpec::ClusterMeans => "t-test on cluster means (df = clusters - 2)",
        AnalysisSpec::OlsCr2 => "OLS on treatment, CR2 cluster-robust SE, Satterthwaite df",
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
        } => {
            let mut y = Vec::with_capacity(n_treated + n_control);
            for _ in 0..*n_treated {
                y.push(effect + sd_treated * dgp::std_normal(rng));
            }
            for _ in 0..*n_control {
                y.push(sd_control * dgp::std_normal(rng));
            }
            let mut treated = vec![true; *n_treated];
            treated.resize(n_treated + n_control, false);
            Ok(Draw {
                data: TwoArm {
                    y,
                    treated,
                    cluster: None,
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
            let arms = arms_from_table(&sim.table, "moved_lower_intensity", None, "municipality")?;
            Ok(Draw { data: arms, truth })
        }
    }
}

/// Complete cases of `outcome` (rows where `filter` column equals the value), with treatment
/// and the categorical cluster column's codes.
fn arms_from_table(
    table: &effekt_data::Table,
    outcome: &str,
    filter: Option<(&str, f64)>,
    cluster: &str,
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
    let mut out = TwoArm {
        y: Vec::new(),
        treated: Vec::new(),
        cluster: Some(Vec::new()),
    };
    for i in 0..table.nrows() {
        let keep = match (&f, filter) {
            (Some(fv), Some((_, want))) => fv.get(i).copied().flatten() == Some(want),
            _ => true,
        };
        if let (true, Some(Some(yi)), Some(Some(ti)), Some(Some(ci))) =
            (keep, y.get(i), t.get(i), codes.get(i))
        {
            out.y.push(*yi);
            out.treated.push(*ti == 1.0);
            if let Some(c) = out.cluster.as_mut() {
                c.push(*ci);
            }
        }
    }
    Ok(out)
}

fn moments(y: &[f64], treated: &[bool], arm: bool) -> (f64, f64, f64) {
    let mut n = 0.0;
    let mut s = 0.0;
    for (v, _) in y.iter().zip(treated).filter(|(_, t)| **t == arm) {
        n += 1.0;
        s += v;
    }
    let mean = s / n;
    let ss: f64 = y
        .iter()
        .zip(treated)
        .filter(|(_, t)| **t == arm)
        .map(|(v, _)| (v - mean).powi(2))
        .sum();
    (n, mean, ss / (n - 1.0))
}

fn t_result(diff: f64, se: f64, df: f64, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let stat = diff / se;
    let (p, q) = if stat.is_finite() && df.is_finite() && df > 0.0 {
        let p = 2.0 * pt(stat.abs(), df, false).map_err(|e| e.to_string())?;
        (
            p.min(1.0),
            qt_upper(alpha / 2.0, df).map_err(|e| e.to_string())?,
        )
    } else {
        (f64::NAN, f64::NAN)
    };
    Ok(SimEstimate {
        estimate: diff,
        std_error: se,
        conf_low: diff - q * se,
        conf_high: diff + q * se,
        p_value: p,
    })
}

/// Welch's t-test (treated minus control): `se = sqrt(s1²/n1 + s0²/n0)`, Welch–Satterthwaite
/// df (Welch 1947).
///
/// # Errors
/// Fewer than 2 units in an arm.
pub fn welch(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let (n1, m1, v1) = moments(&d.y, &d.treated, true);
    let (n0, m0, v0) = moments(&d.y, &d.treated, false);
    if n1 < 2.0 || n0 < 2.0 {
        return Err(format!(
            "an arm has fewer than 2 units ({n1} treated, {n0} control)"
        ));
    }
    let a = v1 / n1;
    let b = v0 / n0;
    let se = (a + b).sqrt();
    let df = (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n0 - 1.0));
    t_result(m1 - m0, se, df, alpha)
}

/// Student's pooled-variance t-test (treated minus control), df = n1 + n0 − 2.
///
/// # Errors
/// Fewer than 2 units in an arm.
pub fn student(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let (n1, m1, v1) = moments(&d.y, &d.treated, true);
    let (n0, m0, v0) = moments(&d.y, &d.treated, false);
    if n1 < 2.0 || n0 < 2.0 {
        return Err(format!(
            "an arm has fewer than 2 units ({n1} treated, {n0} control)"
        ));
    }
    let df = n1 + n0 - 2.0;
    let sp2 = ((n1 - 1.0) * v1 + (n0 - 1.0) * v0) / df;
    t_result(m1 - m0, (sp2 * (1.0 / n1 + 1.0 / n0)).sqrt(), df, alpha)
}

/// Two-proportion z-test, pooled variance under H0, Wald CI with the unpooled variance.
///
/// # Errors
/// An empty arm.
pub fn z_pooled(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let (n1, p1, _) = moments(&d.y, &d.treated, true);
    let (n0, p0, _) = moments(&d.y, &d.treated, false);
    if n1 < 1.0 || n0 < 1.0 {
        return Err("an arm is empty".into());
    }
    let pb = (n1 * p1 + n0 * p0) / (n1 + n0);
    let se0 = (pb * (1.0 - pb) * (1.0 / n1 + 1.0 / n0)).sqrt();
    let z = (p1 - p0) / se0;
    let se = (p1 * (1.0 - p1) / n1 + p0 * (1.0 - p0) / n0).sqrt();
    let q = qnorm_upper(alpha / 2.0);
    Ok(SimEstimate {
        estimate: p1 - p0,
        std_error: se,
        conf_low: p1 - p0 - q * se,
        conf_high: p1 - p0 + q * se,
        p_value: if z.is_finite() {
            (2.0 * pnorm_upper(z.abs())).min(1.0)
        } else {
            f64::NAN
        },
    })
}

/// Student t-test on cluster means (each cluster's mean outcome is one observation).
///
/// # Errors
/// No cluster column; treatment varying within a cluster; fewer than 2 clusters in an arm.
pub fn cluster_means(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    let cl = d.cluster.as_ref().ok_or("cluster-means needs clusters")?;
    let g = cl.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    let mut sum = vec![0.0; g];
    let mut cnt = vec![0.0; g];
    let mut arm: Vec<Option<bool>> = vec![None; g];
    for ((&c, &y), &t) in cl.iter().zip(&d.y).zip(&d.treated) {
        let c = c as usize;
        if let (Some(s), Some(n), Some(a)) = (sum.get_mut(c), cnt.get_mut(c), arm.get_mut(c)) {
            *s += y;
            *n += 1.0;
            match a {
                None => *a = Some(t),
                Some(prev) if *prev != t => {
                    return Err(format!(
                        "treatment varies within cluster {c}; randomise whole clusters"
                    ));
                }
                _ => {}
            }
        }
    }
    let mut y = Vec::new();
    let mut treated = Vec::new();
    for ((s, n), a) in sum.iter().zip(&cnt).zip(&arm) {
        if let (true, Some(a)) = (*n > 0.0, a) {
            y.push(s / n);
            treated.push(*a);
        }
    }
    student(
        &TwoArm {
            y,
            treated,
            cluster: None,
        },
        alpha,
    )
}

/// OLS `y ~ 1 + treated` with CR2 standard errors and Satterthwaite df (effekt-models).
///
/// # Errors
/// No cluster column, or the regression layer's error message (e.g. the treatment is
/// collinear with the intercept when every unit is in one arm).
pub fn ols_cr2(d: &TwoArm, alpha: f64) -> std::result::Result<SimEstimate, String> {
    use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
    let cl = d.cluster.as_ref().ok_or("ols-cr2 needs clusters")?;
    let t: Vec<f64> = d.treated.iter().map(|&t| f64::from(u8::from(t))).collect();
    let design = DesignBuilder::new(d.y.len())
        .intercept()
        .numeric("treated", t)
        .build()
        .map_err(|e| e.to_string())?;
    let opts = OlsOptions {
        vcov: Some(VarianceEstimator::Cr2),
        clusters: Some(cl),
        ..OlsOptions::default()
    };
    let fit = ols(&design, &d.y, &opts).map_err(|e| e.to_string())?;
    // the treatment's row of `fit.tidy(1 − alpha)` (the same call, without the intercept's row)
    let j = fit
        .term_index("treated")
        .ok_or("the treatment was dropped as collinear")?;
    let (estimate, std_error) = (fit.coefficients()[j], fit.vcov().matrix()[(j, j)].sqrt());
    let t = effekt_models::dist::t_test(estimate, std_error, fit.df()[j], 1.0 - alpha)
        .map_err(|e| e.to_string())?;
    Ok(SimEstimate {
        estimate,
        std_error,
        conf_low: t.conf_low,
        conf_high: t.conf_high,
        p_value: t.p_value,
    })
}

/// The built-in analysis as a closure for [`run`].
pub fn analysis_fn(spec: AnalysisSpec, alpha: f64) -> impl Analysis<TwoArm> {
    move |d: &TwoArm| match spec {
        AnalysisSpec::Welch => welch(d, alpha),
        AnalysisSpec::Student => student(d, alpha),
        AnalysisSpec::ZPooled => z_pooled(d, alpha),
        AnalysisSpec::ClusterMeans => cluster_means(d, alpha),
        AnalysisSpec::OlsCr2 => ols_cr2(d, alpha),
    }
}

/// The closed-form power of the same design and test, where one exists: two normal groups
/// with equal SDs and a t-test (noncentral t; exact for Student), two proportions with the
/// pooled z-test, equal-sized clusters with the cluster-means t-test or OLS + CR2 (design
/// effect `1 + (m − 1)ρ`; exact, since with equal clusters and only the treatment indicator the
/// CR2 standard error and Satterthwaite df equal the cluster-means t-test's).
///
/// # Errors
/// Errors of [`analytic::solve`].
pub fn analytic_counterpart(cfg: &SimulationConfig) -> Result<Option<PowerResult>> {
    let alpha = Some(cfg.alpha);
    let (design, targets) = match (&cfg.dgp, cfg.analysis) {
        (
            DgpSpec::TwoGroups {
                n_treated,
                n_control,
                effect,
                sd_treated,
                sd_control,
            },
            AnalysisSpec::Welch | AnalysisSpec::Student,
        ) if sd_treated == sd_control => (
            Design::TwoMeans(analytic::TwoMeans {
                sd: Some(*sd_treated),
                ratio: *n_control as f64 / *n_treated as f64,
                ..analytic::TwoMeans::default()
            }),
            Targets {
                n: Some(*n_treated as f64),
                effect: Some(*effect),
                power: None,
                alpha,
            },
        ),
        (
            DgpSpec::TwoProportions {
                n_treated,
                n_control,
                p_treated,
                p_control,
            },
            AnalysisSpec::ZPooled,
        ) => (
            Design::TwoProportions(analytic::TwoProportions {
                p1: Some(*p_treated),
                method: analytic::ProportionMethod::Pooled,
                ratio: *n_control as f64 / *n_treated as f64,
                ..analytic::TwoProportions::default()
            }),
            Targets {
                n: Some(*n_treated as f64),
                effect: Some(p_treated - p_control),
                power: None,
                alpha,
            },
        ),
        (DgpSpec::ClusterRct(c), AnalysisSpec::ClusterMeans | AnalysisSpec::OlsCr2)
            if c.cv == 0.0 =>
        {
            let k1 = ((c.share * c.clusters as f64).round() as usize).clamp(1, c.clusters - 1);
            let k0 = c.clusters - k1;
            (
                Design::Cluster(analytic::Cluster {
                    cluster_size: Some(c.cluster_size as f64),
                    icc: c.icc,
                    cv: 0.0,
                    sd: Some(1.0),
                    ratio: k0 as f64 / k1 as f64,
                    ..analytic::Cluster::default()
                }),
                Targets {
                    n: Some(k1 as f64),
                    effect: Some(c.effect),
                    power: None,
                    alpha,
                },
            )
        }
        _ => return Ok(None),
    };
    analytic::solve(&design, &targets, None).map(Some)
}

/// Run a simulation study from its config.
///
/// # Errors
/// Invalid config; generator errors.
pub fn run_config(
    cfg: &SimulationConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SimulationReport> {
    cfg.check()?;
    let spec = cfg.dgp.clone();
    let dgp = move |rng: &mut Rng| draw(&spec, rng);
    let analysis = analysis_fn(cfg.analysis, cfg.alpha);
    let summary = run(&cfg.options(), &dgp, &analysis, progress)?;
    Ok(SimulationReport {
        config: cfg.clone(),
        dgp: cfg.describe_dgp(),
        analysis: analysis_text(cfg.analysis).into(),
        summary,
        analytic: analytic_counterpart(cfg)?,
    })
}
