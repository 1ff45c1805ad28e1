//! The analysis: estimate, inference choice, randomisation inference, bootstrap, binary effects.

use effekt_data::{Dataset, MissingPolicy, Table, spreadsheet_row};
use effekt_models::{Counterfactual, Glance, InferenceNote, TidyRow, VarianceEstimator};
use effekt_notes::{Arm, Note, Unit};
use effekt_resample::{BootstrapConfig, PermutationConfig, PermutationPlan, ProgressFn};
use serde::{Deserialize, Serialize};

use crate::RctError;
use crate::binary::{BinaryEffects, TwoByTwo, binary_effects};
use crate::boot::{self, BootstrapSummary};
use crate::config::{
    DEFAULT_PERMUTATIONS, Estimator, OutcomeType, RI_UNITS_PER_ARM, RctConfig, SMALL_GROUP,
    VERY_FEW_CLUSTERS,
};
use crate::dim::{self, Design, Variance};
use crate::prepare::{Prepared, prepare};
use crate::randomization::{self, PValueFunction, RandomizationInference, RiStatistic};
use crate::regression;

/// A validated analysis (from [`RctConfig::validate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Rct {
    pub(crate) config: RctConfig,
}

/// Rows with a missing value in one column (under the `drop` policy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingCount {
    pub column: String,
    pub count: usize,
}

/// Result of [`Rct::fit`]. Serialises to the JSON of `effekt rct --json` (nothing in it varies
/// between runs with the same seed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RctFit {
    pub outcome: String,
    pub treatment: String,
    pub estimator: Estimator,
    pub design: Design,
    /// The analytic variance and df rule of the headline test (see [`Variance`]).
    pub variance: Variance,
    pub outcome_type: OutcomeType,
    /// The average treatment effect (treated − control; on the 0–1 scale for a binary outcome).
    pub estimate: f64,
    pub std_error: f64,
    /// t statistic `estimate / std_error`.
    pub statistic: f64,
    /// Degrees of freedom of the t reference (`None` when normal).
    pub df: Option<f64>,
    /// Two-sided p-value of the analytic test (see `inference`).
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
    pub level: f64,
    /// Observed treated mean, the treated counterfactual (observed − effect) and the control
    /// mean.
    pub counterfactual: Counterfactual,
    /// Which inference the headline numbers use and why, with small-sample warnings.
    pub inference: InferenceNote,
    /// Coefficient rows (the treatment row alone for the difference in means).
    pub tidy: Vec<TidyRow>,
    pub glance: Glance,
    pub n: usize,
    pub n_treated: usize,
    pub n_control: usize,
    pub n_blocks: Option<usize>,
    pub n_clusters: Option<usize>,
    pub n_clusters_treated: Option<usize>,
    pub n_clusters_control: Option<usize>,
    /// Design-matrix columns the estimator adjusted for (empty for the difference in means).
    pub covariates: Vec<String>,
    /// Rows dropped for missing values (missing-data policy `drop`).
    pub dropped_rows: usize,
    pub missing_by_column: Vec<MissingCount>,
    /// Notes (aliased columns dropped, covariates ignored, ...).
    pub notes: Vec<Note>,
    /// Randomisation inference, when run (see `inference` for why).
    pub randomization: Option<RandomizationInference>,
    /// Bootstrap, when requested.
    pub bootstrap: Option<BootstrapSummary>,
    /// Risk difference/ratio, odds ratio and Fisher's exact test for a binary outcome.
    pub binary: Option<BinaryEffects>,
    /// Balance of the covariates between the arms ([`crate::balance`]); empty without
    /// covariates.
    pub balance: Vec<crate::balance::ArmBalance>,
    /// Design checks (the balance between the arms), typed with their numbers.
    pub checks: Vec<effekt_notes::checks::Check>,
    #[serde(skip)]
    ri_function: Option<PValueFunction>,
}

impl RctFit {
    /// Randomisation p-value of H_τ: constant additive effect τ (the function whose inversion
    /// gives `randomization.conf_low/high`); `None` without randomisation inference.
    pub fn randomization_p_value(&self, tau: f64) -> Option<f64> {
        self.ri_function.as_ref().map(|f| f.p_value(tau))
    }
}

impl Rct {
    /// The configuration.
    pub fn config(&self) -> &RctConfig {
        &self.config
    }

    /// Read the role columns from `table` ([`RctConfig::roles`]) under `missing`, and fit.
    /// Error rows are the table's spreadsheet rows.
    ///
    /// # Errors
    /// As [`Rct::fit`], plus the data layer's errors ([`RctError::Data`]).
    pub fn fit_table(
        &self,
        table: &Table,
        missing: MissingPolicy,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<RctFit, RctError> {
        let ds = table.select(&self.config.roles(), missing)?;
        let rows = ds.rows.clone();
        let mut fit = self.fit_rows(
            &ds,
            &|k| rows.get(k).map_or(0, |&r| table.row_number(r)),
            progress,
        )?;
        // The difference in means reads no covariates; their balance comes from the table,
        // each covariate where it is present.
        if fit.balance.is_empty()
            && !self.config.covariates.is_empty()
            && let Some(t) = &ds.treatment
        {
            fit.balance = crate::balance::from_table(table, &ds.rows, t, &self.config.covariates)?;
            let adjusted = !matches!(self.config.estimator, Estimator::DifferenceInMeans);
            fit.checks = crate::balance::balance_check(&fit.balance, adjusted)
                .into_iter()
                .collect();
        }
        Ok(fit)
    }

    /// Fit on a dataset selected with [`RctConfig::roles`].
    ///
    /// # Errors
    /// [`RctError::MissingRole`], [`RctError::OneArm`], [`RctError::OutcomeNotBinary`],
    /// [`RctError::CovariateConstant`], [`RctError::CollinearWithTreatment`],
    /// [`RctError::ClusterBothArms`], [`RctError::ClusterSpansBlocks`],
    /// [`RctError::TooFewClusters`], [`RctError::BlockOneArm`], [`RctError::BlockTooSmall`],
    /// [`RctError::BlockArmTooSmall`], [`RctError::BlocksWithIndividualClusters`], and the
    /// regression layer's and resampling core's errors.
    pub fn fit(&self, data: &Dataset) -> Result<RctFit, RctError> {
        self.fit_with_progress(data, None)
    }

    /// As [`Rct::fit`], reporting finished permutations and bootstrap replicates to `progress`.
    ///
    /// # Errors
    /// As [`Rct::fit`].
    pub fn fit_with_progress(
        &self,
        data: &Dataset,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<RctFit, RctError> {
        let rows = data.rows.clone();
        self.fit_rows(
            data,
            &|k| rows.get(k).map_or(0, |&r| spreadsheet_row(r)),
            progress,
        )
    }

    fn fit_rows(
        &self,
        data: &Dataset,
        row_number: &dyn Fn(usize) -> usize,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<RctFit, RctError> {
        let cfg = &self.config;
        let p = prepare(cfg, data, row_number)?;
        let level = cfg.level;
        let mut notes = Vec::new();
        if cfg.estimator == Estimator::DifferenceInMeans && !cfg.covariates.is_empty() {
            notes.push(Note::CovariatesUnused {
                covariates: cfg.covariates.clone(),
            });
        }
        let tf = p.tf();
        let (m1, m0) = arm_means(&p);

        // 1. Estimate and analytic inference.
        let (
            design,
            estimate,
            se,
            df,
            tidy,
            variance,
            reason,
            n_blocks,
            n_clusters,
            cov_names,
            cov_cols,
            ri_stat,
            boot_ok,
        ) = match cfg.estimator {
            Estimator::DifferenceInMeans => {
                let d = dim::difference_in_means(&p)?;
                notes.extend(d.notes.clone());
                let ri = match (p.block_codes(), d.design) {
                    (Some(b), _) => RiStatistic::blocked_dim(
                        &p.y,
                        &tf,
                        b,
                        p.blocks.as_ref().map_or(0, |g| g.n_groups()),
                    ),
                    _ => RiStatistic::dim(&p.y, &tf),
                };
                let (df_opt, row) = dim_row(
                    &p.treatment,
                    d.estimate,
                    d.std_error,
                    d.df,
                    level,
                    &mut notes,
                )?;
                (
                    d.design,
                    d.estimate,
                    d.std_error,
                    df_opt,
                    vec![row],
                    d.variance,
                    d.reason,
                    d.n_blocks,
                    d.n_clusters,
                    Vec::new(),
                    Vec::new(),
                    ri,
                    true,
                )
            }
            est => {
                let r = regression::fit(&p, est, level)?;
                notes.extend(r.notes.clone());
                let cols: Vec<Vec<f64>> = r
                    .covariate_columns
                    .iter()
                    .map(|c| c.values.clone())
                    .collect();
                let ri = if est == Estimator::Lin {
                    RiStatistic::lin(&p.y, &tf, &cols, &p.treatment)
                } else {
                    RiStatistic::ancova(&p.y, &tf, &cols)?
                };
                // The design is how units were randomised; clusters that only carry the
                // standard errors (individual assignment) do not make it cluster-randomised.
                let cluster_randomised = p.clusters.is_some() && p.cluster_assigned;
                let design = match (p.blocks.is_some(), cluster_randomised) {
                    (false, false) => Design::Standard,
                    (true, false) => Design::Blocked,
                    (false, true) => Design::Clustered,
                    (true, true) => Design::BlockClustered,
                };
                let reason = if let Some(g) = r.n_clusters {
                    dim::cluster_reason(g, p.cluster_assigned)
                } else {
                    format!(
                        "{} without clusters: HC2 standard errors, estimatr's default, which are unbiased for the conservative Neyman variance of regression-adjusted estimators under randomisation (Lin 2013; Samii & Aronow 2012), t with n − k df",
                        if est == Estimator::Lin {
                            "Lin's interacted regression"
                        } else {
                            "ANCOVA"
                        }
                    )
                };
                let boot_ok = r.fit.dropped().is_empty();
                let names: Vec<String> =
                    r.covariate_columns.iter().map(|c| c.name.clone()).collect();
                (
                    design,
                    r.effect.estimate,
                    r.effect.std_error,
                    r.effect.df,
                    r.tidy.clone(),
                    r.variance,
                    reason,
                    p.blocks.as_ref().map(|g| g.n_groups()),
                    r.n_clusters,
                    names,
                    cols,
                    ri,
                    boot_ok,
                )
            }
        };
        let effect_row = tidy
            .iter()
            .find(|r| r.term == p.treatment)
            .cloned()
            .ok_or_else(|| RctError::Numerical {
                what: "treatment row".into(),
            })?;

        // 2. Inference note and warnings.
        let mut note = match n_clusters {
            Some(g) => InferenceNote::for_estimator(VarianceEstimator::Cr2, Some(g), reason),
            None => InferenceNote::for_estimator(VarianceEstimator::Hc2, None, reason),
        };
        note.method = variance.description();
        if let (Some(g), true) = (n_clusters, note.warnings.is_empty())
            && g < VERY_FEW_CLUSTERS
        {
            note.warnings.push(Note::VeryFewClusters {
                clusters: g,
                min: VERY_FEW_CLUSTERS,
            });
        }
        for (arm, count) in [(Arm::Treated, p.n1), (Arm::Control, p.n0)] {
            if count < SMALL_GROUP {
                note.warnings.push(Note::SmallArm {
                    arm,
                    rows: count,
                    min: SMALL_GROUP,
                });
            }
        }
        let (c1, c0) = p.clusters_per_arm().unzip();
        if p.cluster_assigned
            && let (Some(c1), Some(c0)) = (c1, c0)
        {
            for (arm, count) in [(Arm::Treated, c1), (Arm::Control, c0)] {
                if count < SMALL_GROUP / 2 {
                    note.warnings.push(Note::SmallArmClusters {
                        arm,
                        clusters: count,
                    });
                }
            }
        }

        // 3. Randomisation inference.
        let (u1, u0) = p.units_per_arm();
        let small = u1.min(u0) < RI_UNITS_PER_ARM;
        let unit_word = if p.cluster_assigned {
            "clusters"
        } else {
            "units"
        };
        let ri_request = match cfg.randomization_inference {
            None if small => Some((
                DEFAULT_PERMUTATIONS,
                format!(
                    "fewer than {RI_UNITS_PER_ARM} randomisation {unit_word} in an arm ({u1} treated, {u0} control): randomisation inference is exact under the sharp null whatever the sample size, so it is reported beside the analytic test (Fisher 1935; Imbens & Rubin 2015, ch. 5)"
                ),
            )),
            None => None,
            Some(0) => {
                if small {
                    note.warnings.push(Note::RandomisationOff {
                        min: RI_UNITS_PER_ARM,
                        unit: if p.cluster_assigned {
                            Unit::Cluster
                        } else {
                            Unit::Unit
                        },
                    });
                }
                None
            }
            Some(k) => Some((
                k,
                format!("requested ({k} random assignments unless all can be enumerated)"),
            )),
        };
        let mut ri_function = None;
        let randomization = match ri_request {
            None => None,
            Some((perms, why)) => {
                let clusters = if p.cluster_assigned {
                    p.cluster_codes()
                } else {
                    None
                };
                let plan = PermutationPlan::new(&p.t, p.block_codes(), clusters)?;
                let pc = PermutationConfig {
                    permutations: perms,
                    seed: cfg.seed,
                    exact_limit: cfg.exact_limit,
                };
                let draws = randomization::draws(&ri_stat, &plan, &pc, progress)?;
                let observed = ri_stat.eval(&p.t).0;
                let permuted = match (clusters.is_some(), p.blocks.is_some()) {
                    (true, true) => "whole clusters within blocks",
                    (true, false) => "whole clusters",
                    (false, true) => "rows within blocks",
                    (false, false) => "rows (complete randomisation: the number treated fixed)",
                }
                .to_string();
                let finite: Vec<(f64, f64)> = draws
                    .values
                    .iter()
                    .copied()
                    .filter(|(a, b)| a.is_finite() && b.is_finite())
                    .collect();
                ri_function = Some(PValueFunction::new(&finite, observed, draws.exact));
                let r = randomization::summarize(
                    ri_stat.name(),
                    observed,
                    &draws,
                    plan.count(),
                    level,
                    permuted,
                    why.clone(),
                );
                if r.nonfinite > 0 {
                    note.warnings.push(Note::RandomisationUndefined {
                        left_out: r.nonfinite,
                        of: draws.values.len(),
                    });
                }
                note.method = format!(
                    "{}; and randomisation inference ({})",
                    note.method,
                    if r.exact {
                        format!("exact, all {} assignments", r.assignments)
                    } else {
                        format!("Monte Carlo, {} assignments", r.assignments)
                    }
                );
                note.reason = format!("{}. Randomisation inference: {}", note.reason, why);
                Some(r)
            }
        };

        // 4. Bootstrap.
        let bootstrap = match cfg.bootstrap {
            None => None,
            Some(_) if !boot_ok => {
                notes.push(Note::BootstrapSkippedAliased);
                None
            }
            Some(b) => {
                let bc = BootstrapConfig {
                    resamples: b,
                    seed: cfg.seed,
                    intervals: cfg.bootstrap_intervals.clone(),
                    level,
                    ..BootstrapConfig::default()
                };
                let design_opt = (cfg.estimator == Estimator::DifferenceInMeans).then_some(design);
                let s = boot::run(&p, cfg.estimator, design_opt, &cov_cols, &bc, progress)?;
                note.warnings.extend(s.result.warnings.iter().cloned());
                Some(s)
            }
        };

        // 5. Binary effects.
        let binary = match cfg.outcome_type {
            OutcomeType::Continuous => None,
            OutcomeType::Binary => {
                let count = |arm: bool| {
                    p.y.iter()
                        .zip(&p.t)
                        .filter(|(y, t)| **t == arm && **y == 1.0)
                        .count() as u64
                };
                let table = TwoByTwo {
                    treated_events: count(true),
                    treated_total: p.n1 as u64,
                    control_events: count(false),
                    control_total: p.n0 as u64,
                };
                let mut b = binary_effects(table, level)?;
                if p.blocks.is_some() || p.clusters.is_some() {
                    b.notes.push(Note::TwoByTwoPooled);
                }
                if cfg.estimator != Estimator::DifferenceInMeans {
                    b.notes.push(Note::TwoByTwoUnadjusted);
                }
                Some(b)
            }
        };

        let glance = Glance {
            n: p.n(),
            n_treated: p.n1,
            n_control: p.n0,
            method: format!("{} ({})", cfg.estimator.name(), design.describe()),
            inference: note.method.clone(),
            seed: (randomization.as_ref().is_some_and(|r| !r.exact) || bootstrap.is_some())
                .then_some(cfg.seed),
            resamples: bootstrap
                .as_ref()
                .map(|b| b.result.resamples)
                .or(randomization.as_ref().map(|r| r.assignments)),
        };
        let balance = match &data.treatment {
            Some(t) => crate::balance::between_arms(&data.covariates, t),
            None => Vec::new(),
        };
        let adjusted = !matches!(cfg.estimator, Estimator::DifferenceInMeans);
        let checks = crate::balance::balance_check(&balance, adjusted)
            .into_iter()
            .collect();
        Ok(RctFit {
            outcome: p.outcome.clone(),
            treatment: p.treatment.clone(),
            estimator: cfg.estimator,
            design,
            variance,
            outcome_type: cfg.outcome_type,
            estimate,
            std_error: se,
            statistic: effect_row.statistic,
            df,
            p_value: effect_row.p_value,
            conf_low: effect_row.conf_low,
            conf_high: effect_row.conf_high,
            level,
            counterfactual: Counterfactual::from_effect(m1, estimate, m0),
            inference: note,
            tidy,
            glance,
            n: p.n(),
            n_treated: p.n1,
            n_control: p.n0,
            n_blocks,
            n_clusters,
            n_clusters_treated: c1,
            n_clusters_control: c0,
            covariates: cov_names,
            dropped_rows: p.dropped,
            missing_by_column: p
                .missing_by_column
                .iter()
                .map(|(c, k)| MissingCount {
                    column: c.clone(),
                    count: *k,
                })
                .collect(),
            notes,
            randomization,
            bootstrap,
            binary,
            balance,
            checks,
            ri_function,
        })
    }
}

fn arm_means(p: &Prepared) -> (f64, f64) {
    let (mut s1, mut s0) = (0.0, 0.0);
    for (&y, &t) in p.y.iter().zip(&p.t) {
        if t { s1 += y } else { s0 += y }
    }
    (s1 / p.n1 as f64, s0 / p.n0 as f64)
}

/// The tidy row of a difference in means; a t test with `df`, or a normal test when df is not
/// positive and finite (estimatr then reports NA).
fn dim_row(
    term: &str,
    est: f64,
    se: f64,
    df: f64,
    level: f64,
    notes: &mut Vec<Note>,
) -> Result<(Option<f64>, TidyRow), RctError> {
    let df_opt = (df.is_finite() && df > 0.0).then_some(df);
    if df_opt.is_none() {
        notes.push(Note::NormalReference { df });
    }
    let t = match df_opt {
        Some(d) => effekt_models::dist::t_test(est, se, d, level)?,
        None => effekt_models::dist::z_test(est, se, level)?,
    };
    Ok((
        df_opt,
        TidyRow {
            term: term.to_string(),
            estimate: est,
            std_error: se,
            statistic: t.statistic,
            df: df_opt,
            p_value: t.p_value,
            conf_low: t.conf_low,
            conf_high: t.conf_high,
        },
    ))
}
