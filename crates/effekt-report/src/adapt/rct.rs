//! Randomised designs through effekt-rct.
//!
//! Every number of the effect comes from [`effekt_rct`]: the difference in means with estimatr's
//! `difference_in_means` definitions (Neyman variance with Welch df; block-weighted; matched
//! pairs; CR2 with Satterthwaite df with clusters), ANCOVA and Lin's estimator (`lm_robust`,
//! `lm_lin`), randomisation inference with its test-inversion interval, the 2×2 effect measures
//! of a binary outcome and the design-respecting bootstrap. This adapter only chooses what the
//! report shows:
//!
//! * **Headline interval**: the bootstrap interval of the study's `interval` method (BCa by
//!   default), except with fewer than [`super::CLUSTER_BOOTSTRAP_MIN`] clusters, where the
//!   analytic (CR2) interval is the headline and the bootstrap an alternative (the cluster
//!   bootstrap is unreliable with few clusters: Cameron, Gelbach & Miller 2008). The p-value is
//!   the analytic one.
//! * **Randomisation inference** runs when the study asks for it or, by effekt-rct's default,
//!   when an arm has fewer than 30 randomisation units; its p-value and test-inversion interval
//!   are an alternative beside the analytic test.
//! * **Binary outcomes**: the headline is the risk difference in percentage points (the
//!   difference in means of a 0/1 outcome); risk ratio, odds ratio and Fisher's exact test are
//!   in the robustness section.
//! * **Clusters** (`data.cluster`): `design.cluster_assignment = "auto"` treats them as the
//!   unit of randomisation when every cluster is in one arm, otherwise as a sampling structure
//!   (individually randomised, CR2 standard errors and cluster bootstrap); the report says which.
//!
//! The contract needs draws of the treated group's mean from the *same* bootstrap replicates as
//! the effect. effekt-rct returns the effect's replicates but not the resampling layout, so
//! [`layout`] rebuilds it with effekt-rct's rules and the treated mean is bootstrapped on it with
//! the same seed and scheme; a unit test checks that this layout reproduces effekt-rct's
//! replicates exactly for every design.

use super::{AdapterInput, CLUSTER_BOOTSTRAP_MIN, FEW_CLUSTERS, SMALL_GROUP};
use crate::adapt::bootstrap::{alternative_from_interval, interval_name, tidy_from_bootstrap};
use crate::analysis::{OutcomeEstimate, Prepared, balance};
use crate::error::ReportError;
use crate::i18n::notes as tx_notes;
use crate::i18n::{Language, inference as tx};
use crate::model::{AlternativeEstimate, BinaryEffectsDoc, MeasureDoc, TidyRowDoc, finite};
use crate::study::{ClusterAssignment, RctDesign, RctEstimator};
use crate::templates::OutcomeType;
use effekt_notes::Note;
use effekt_rct::{Design, Estimator, RctConfig, RctFit};
use effekt_resample::{BootstrapConfig, Layout, Scheme};

/// Every option of `kind = "rct"` is available.
///
/// # Errors
/// Never; kept for the dispatch in [`super::check_available`].
pub fn available(_design: &RctDesign) -> Result<(), ReportError> {
    Ok(())
}

/// Whether every cluster is in one arm.
pub fn clusters_nested_in_arms(treated: &[bool], cluster: &[u32]) -> bool {
    let mut arm_of = std::collections::HashMap::new();
    cluster
        .iter()
        .zip(treated)
        .all(|(c, t)| *arm_of.entry(*c).or_insert(*t) == *t)
}

/// The effekt-rct configuration of one outcome.
pub fn config(input: &AdapterInput<'_>, design: &RctDesign) -> RctConfig {
    let study = &input.study.config;
    let prep = input.prepared;
    let mut cfg = RctConfig::new(prep.outcome.column.clone(), study.data.treatment.clone());
    cfg.estimator = match design.estimator {
        RctEstimator::DifferenceInMeans => Estimator::DifferenceInMeans,
        RctEstimator::Ancova => Estimator::Ancova,
        RctEstimator::Lin => Estimator::Lin,
    };
    if cfg.estimator != Estimator::DifferenceInMeans {
        cfg.covariates = design.covariates.clone();
    }
    cfg.blocks = design.blocks.clone();
    cfg.clusters = study.data.cluster.clone();
    cfg.cluster_assignment = match design.cluster_assignment {
        ClusterAssignment::Cluster => effekt_rct::ClusterAssignment::Cluster,
        ClusterAssignment::Individual => effekt_rct::ClusterAssignment::Individual,
        ClusterAssignment::Auto => match &prep.cluster {
            Some(c) if !clusters_nested_in_arms(&prep.treated, c) => {
                effekt_rct::ClusterAssignment::Individual
            }
            _ => effekt_rct::ClusterAssignment::Cluster,
        },
    };
    cfg.outcome_type = match prep.outcome.outcome_type {
        OutcomeType::Binary => effekt_rct::OutcomeType::Binary,
        OutcomeType::Continuous | OutcomeType::Ordinal => effekt_rct::OutcomeType::Continuous,
    };
    cfg.level = study.inference.level;
    cfg.randomization_inference = design.randomization_inference;
    cfg.bootstrap = Some(study.inference.bootstrap);
    cfg.bootstrap_intervals = super::bootstrap::intervals(study.inference.interval);
    cfg.seed = study.inference.seed;
    cfg
}

/// The resampling layout and scheme effekt-rct's bootstrap uses for this design: rows within
/// arm (and block); whole clusters within arm (and block) when clusters were randomised; whole
/// clusters (within blocks) when they are a sampling structure; whole pairs in a matched-pairs
/// design.
///
/// # Errors
/// The resampling core's layout errors.
pub fn layout(
    prep: &Prepared,
    cfg: &RctConfig,
    design: Design,
) -> Result<(Layout, Scheme), effekt_resample::ResampleError> {
    let ds = &prep.data;
    let n = prep.y.len();
    let arm: Vec<u32> = prep.treated.iter().map(|&b| u32::from(b)).collect();
    let blocks = ds.strata.as_ref().map(|g| g.codes.as_slice());
    let clusters = ds.cluster.as_ref().map(|g| g.codes.as_slice());
    if matches!(design, Design::MatchedPair | Design::MatchedPairClustered) {
        return Ok((
            Layout::new(n, None, Some(blocks.unwrap_or(&[])))?,
            Scheme::Cluster,
        ));
    }
    let strata_assigned: Vec<u32> = match blocks {
        Some(b) => b.iter().zip(&arm).map(|(&bl, &a)| 2 * bl + a).collect(),
        None => arm,
    };
    let assigned = cfg.cluster_assignment == effekt_rct::ClusterAssignment::Cluster;
    Ok(match (clusters, assigned) {
        (Some(c), true) => (
            Layout::new(n, Some(&strata_assigned), Some(c))?,
            Scheme::Cluster,
        ),
        (Some(c), false) => (Layout::new(n, blocks, Some(c))?, Scheme::Cluster),
        (None, _) => (
            Layout::new(n, Some(&strata_assigned), None)?,
            Scheme::Stratified,
        ),
    })
}

/// Draws of the treated group's mean from the same replicates as effekt-rct's bootstrap.
fn treated_mean_draws(
    prep: &Prepared,
    cfg: &RctConfig,
    fit: &RctFit,
) -> Result<Vec<f64>, effekt_resample::ResampleError> {
    let (layout, scheme) = layout(prep, cfg, fit.design)?;
    let config = BootstrapConfig {
        resamples: cfg.bootstrap.unwrap_or(0),
        seed: cfg.seed,
        scheme,
        level: cfg.level,
        ..BootstrapConfig::default()
    };
    super::bootstrap::treated_mean_draws(&prep.y, &prep.treated, None, &layout, &config)
}

/// The analytic test in the report's language, from the variance effekt-rct says it used.
fn analytic_name(fit: &RctFit, lang: Language) -> String {
    let clustered = fit.variance.is_clustered();
    match fit.estimator {
        Estimator::DifferenceInMeans => tx::analytic_dim(fit.variance, lang),
        Estimator::Ancova => tx::analytic_regression("ANCOVA", clustered, lang),
        Estimator::Lin => tx::analytic_regression("Lin", clustered, lang),
    }
}

/// Estimate one outcome of a randomised design.
///
/// # Errors
/// effekt-rct's errors (one arm empty, a cluster with both arms in a cluster-randomised design,
/// too few clusters, a covariate collinear with the treatment, …) as
/// [`ReportError::Estimation`] naming the outcome; the resampling core's errors.
pub fn estimate(
    input: &AdapterInput<'_>,
    design: &RctDesign,
) -> Result<OutcomeEstimate, ReportError> {
    let prep = input.prepared;
    let lang = input.lang;
    let outcome = prep.outcome.column.as_str();
    let err = |message: String| ReportError::Estimation {
        outcome: outcome.to_string(),
        message,
    };
    let cfg = config(input, design);
    let fit = cfg
        .clone()
        .validate()
        .and_then(|r| r.fit_with_progress(&prep.data, input.progress))
        .map_err(|e| err(e.to_string()))?;
    let boot = fit
        .bootstrap
        .as_ref()
        .ok_or_else(|| err("effekt-rct returned no bootstrap (the regression has aliased columns; remove the redundant covariates)".into()))?;
    let scheme_text = tx::rct_scheme(&boot.scheme_description, lang);
    let boot = &boot.result;
    let treated_observed_draws = if input.want_treated_draws {
        Some(treated_mean_draws(prep, &cfg, &fit).map_err(|e| err(e.to_string()))?)
    } else {
        None
    };

    let n_clusters = fit.n_clusters;
    let few_clusters = n_clusters.is_some_and(|g| g < CLUSTER_BOOTSTRAP_MIN);
    let analytic = analytic_name(&fit, lang);
    let chosen = boot
        .intervals
        .iter()
        .find(|i| i.requested == Some(input.study.config.inference.interval))
        .or_else(|| {
            boot.intervals
                .iter()
                .find(|i| i.method == input.study.config.inference.interval)
        })
        .cloned();
    let (conf_low, conf_high, interval_method) = match &chosen {
        Some(i) if !few_clusters => (
            i.low,
            i.high,
            tx::bootstrap(
                interval_name(i.method, lang),
                &scheme_text,
                boot.resamples,
                boot.seed,
                lang,
            ),
        ),
        _ => (fit.conf_low, fit.conf_high, analytic.clone()),
    };

    let (n1, n0) = (fit.n_treated, fit.n_control);
    let mut warnings = Vec::new();
    for (treated_group, k) in [(true, n1), (false, n0)] {
        if k < SMALL_GROUP {
            warnings.push(tx::small_group(treated_group, k, SMALL_GROUP, lang));
        }
    }
    if let Some(g) = n_clusters
        && g < FEW_CLUSTERS
    {
        warnings.push(tx::few_clusters(g, FEW_CLUSTERS, lang));
    }
    // effekt-rct's own warnings, except the group-size and few-cluster ones said above in the
    // report's language.
    let said_above = |n: &&Note| {
        !matches!(
            n,
            Note::SmallArm { .. }
                | Note::SmallArmClusters { .. }
                | Note::FewClusters { .. }
                | Note::VeryFewClusters { .. }
                | Note::CovariatesUnused { .. }
        )
    };
    for w in tx_notes::notes(
        fit.inference
            .warnings
            .iter()
            .chain(&fit.notes)
            .filter(said_above),
        lang,
    ) {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    warnings.extend(tx_notes::notes(&boot.warnings, lang));

    let mut reason = match n_clusters {
        Some(g) if few_clusters => tx::reason_few_clusters(g, CLUSTER_BOOTSTRAP_MIN, lang),
        Some(g) => tx::reason_clusters(g, lang),
        None => tx::reason_independent(lang),
    };
    if n_clusters.is_some() {
        reason.push_str(&tx::cluster_role(
            cfg.cluster_assignment == effekt_rct::ClusterAssignment::Cluster,
            design.cluster_assignment == ClusterAssignment::Auto,
            lang,
        ));
    }
    let mut method = if few_clusters {
        tx::headline_analytic(&analytic, lang)
    } else {
        tx::headline_bootstrap(&interval_method, &analytic, lang)
    };
    let mut alternatives = vec![AlternativeEstimate {
        method: analytic.clone(),
        estimate: finite(fit.estimate),
        std_error: finite(fit.std_error),
        conf_low: finite(fit.conf_low),
        conf_high: finite(fit.conf_high),
        p_value: finite(fit.p_value),
        note: fit.df.map(|d| tx::t_df(d, lang)),
    }];
    if let Some(ri) = &fit.randomization {
        let what = tx::randomization(ri.exact, ri.assignments, &ri.permuted, lang);
        method.push_str(&tx::and_randomization(&what, lang));
        reason.push_str(&tx::reason_randomization(
            design.randomization_inference.is_some(),
            lang,
        ));
        alternatives.push(AlternativeEstimate {
            method: what,
            estimate: finite(ri.observed),
            std_error: None,
            conf_low: ri.conf_low.and_then(finite),
            conf_high: ri.conf_high.and_then(finite),
            p_value: finite(ri.p_value),
            note: Some(tx::randomization_note(
                ri.ci_connected,
                ri.mc_std_error,
                lang,
            )),
        });
    }
    for i in &boot.intervals {
        alternatives.push(alternative_from_interval(boot, i, &scheme_text, lang));
    }
    let mut tidy: Vec<TidyRowDoc> = fit
        .tidy
        .iter()
        .map(|r| TidyRowDoc::from_tidy(r, &analytic))
        .collect();
    tidy.push(tidy_from_bootstrap(boot, &scheme_text, lang));

    let binary = fit.binary.as_ref().map(|b| {
        let m = |e: &effekt_rct::EffectInterval| MeasureDoc {
            estimate: e.estimate.and_then(finite),
            conf_low: e.conf_low.and_then(finite),
            conf_high: e.conf_high.and_then(finite),
            method: tx::two_by_two_method(e.method, lang),
        };
        BinaryEffectsDoc {
            risk_treated: b.risk_treated,
            risk_control: b.risk_control,
            risk_difference: m(&b.risk_difference),
            risk_ratio: m(&b.risk_ratio),
            odds_ratio: m(&b.odds_ratio),
            fisher_p_value: b.fisher.p_value,
            notes: tx_notes::notes(&b.notes, lang)
                .iter()
                .map(|n| crate::i18n::capitalise(n))
                .collect(),
        }
    });

    let mut est = OutcomeEstimate::basic(
        fit.n,
        n1,
        n0,
        fit.estimate,
        conf_low,
        conf_high,
        interval_method,
        tx::rct_estimator_name(fit.estimator, fit.design, lang),
        fit.counterfactual.clone(),
        effekt_models::InferenceNote::<String> {
            method,
            reason,
            warnings: warnings.clone(),
        },
    );
    est.n_clusters = n_clusters;
    est.std_error = finite(fit.std_error);
    est.p_value = finite(fit.p_value);
    est.df = fit.df.and_then(finite);
    est.seed = Some(boot.seed);
    est.resamples = Some(boot.resamples);
    est.tidy = tidy;
    est.bootstrap = Some(boot.clone());
    est.bootstrap_scheme = Some(scheme_text);
    est.treated_observed_draws = treated_observed_draws;
    est.alternatives = alternatives;
    est.randomization_inference = fit.randomization.is_some();
    est.binary = binary;
    est.warnings = warnings;
    if !design.covariates.is_empty() {
        est.balance = balance::between_arms(input.table, prep, &design.covariates)?;
    }
    Ok(est)
}

#[cfg(test)]
mod tests {
    use super::*;
    use effekt_data::{MissingPolicy, ReadOptions, Roles, read_csv_str};
    use effekt_resample::{Estimate, FnStatistic, IntervalMethod, bootstrap};

    /// The layout rebuilt here must reproduce effekt-rct's bootstrap replicates exactly (the
    /// treated-mean draws for the contract are taken on it): simple, blocked, matched pairs,
    /// cluster-randomised and individually randomised with clusters.
    #[test]
    fn layout_reproduces_effekt_rct_replicates() {
        let n = 48;
        let mut csv = String::from("y,t,b,c,p\n");
        for i in 0..n {
            let t = u8::from(i % 2 == 1);
            let b = i % 3;
            // cluster-randomised: cluster nested in arm within block
            let c_nested = format!("c{}_{}_{}", b, t, (i / 6) % 2);
            let y = ((i * 37) % 11) as f64 / 3.0 + f64::from(t) * 0.5;
            csv.push_str(&format!("{y},{t},{b},{c_nested},{}\n", i / 2));
        }
        let table = read_csv_str("d.csv", &csv, &ReadOptions::default()).unwrap();
        let cases: Vec<(Option<&str>, Option<&str>, effekt_rct::ClusterAssignment)> = vec![
            (None, None, effekt_rct::ClusterAssignment::Cluster),
            (Some("b"), None, effekt_rct::ClusterAssignment::Cluster),
            (Some("p"), None, effekt_rct::ClusterAssignment::Cluster),
            (None, Some("c"), effekt_rct::ClusterAssignment::Cluster),
            (None, Some("b"), effekt_rct::ClusterAssignment::Individual),
        ];
        for (blocks, clusters, assignment) in cases {
            let mut cfg = RctConfig::new("y", "t");
            cfg.blocks = blocks.map(String::from);
            cfg.clusters = clusters.map(String::from);
            cfg.cluster_assignment = assignment;
            cfg.bootstrap = Some(200);
            cfg.randomization_inference = Some(0);
            cfg.seed = 5;
            cfg.bootstrap_intervals = vec![IntervalMethod::Percentile];
            let roles = Roles {
                outcome: Some("y".into()),
                treatment: Some("t".into()),
                strata: cfg.blocks.clone(),
                cluster: cfg.clusters.clone(),
                ..Roles::default()
            };
            let ds = table.select(&roles, MissingPolicy::Error).unwrap();
            let fit = cfg
                .clone()
                .validate()
                .unwrap()
                .fit_with_progress(&ds, None)
                .unwrap();
            let prep = Prepared {
                outcome: crate::study::ResolvedOutcome {
                    column: "y".into(),
                    template: None,
                    outcome_type: OutcomeType::Continuous,
                    label_en: "y".into(),
                    label_sv: "y".into(),
                    unit: None,
                    unit_sv: None,
                    scale_range: None,
                },
                period: None,
                periods: Vec::new(),
                rows: ds.rows.clone(),
                y: ds.outcome.clone().unwrap(),
                treated: ds.treatment.clone().unwrap(),
                cluster: ds.cluster.as_ref().map(|g| g.codes.clone()),
                dropped: 0,
                missing_by_column: Vec::new(),
                trajectory: Vec::new(),
                data: ds.clone(),
            };
            let (layout, scheme) = layout(&prep, &cfg, fit.design).unwrap();
            let (ys, ts) = (prep.y.clone(), prep.treated.clone());
            let b = ds.strata.as_ref().map(|g| (g.codes.clone(), g.n_groups()));
            let stat = FnStatistic::new(n, move |w: &[f64]| {
                // the estimator effekt-rct bootstraps: block-size weighted difference in means
                let nb = b.as_ref().map_or(1, |x| x.1);
                let mut acc = vec![[0.0f64; 4]; nb];
                for i in 0..ys.len() {
                    let k = b.as_ref().map_or(0, |x| x.0[i] as usize);
                    let j = if ts[i] { 0 } else { 2 };
                    acc[k][j] += w[i] * ys[i];
                    acc[k][j + 1] += w[i];
                }
                let total: f64 = acc.iter().map(|s| s[1] + s[3]).sum();
                let value = acc
                    .iter()
                    .filter(|s| s[1] + s[3] > 0.0)
                    .map(|s| (s[1] + s[3]) / total * (s[0] / s[1] - s[2] / s[3]))
                    .sum();
                Estimate { value, se: None }
            });
            let config = BootstrapConfig {
                resamples: 200,
                seed: 5,
                scheme,
                intervals: vec![IntervalMethod::Percentile],
                max_nonfinite_fraction: 1.0,
                ..BootstrapConfig::default()
            };
            let mine = bootstrap(&stat, &layout, &config, None).unwrap();
            let theirs = &fit.bootstrap.as_ref().unwrap().result;
            for (k, (a, c)) in mine.replicates.iter().zip(&theirs.replicates).enumerate() {
                assert!(
                    (a - c).abs() < 1e-9 || (a.is_nan() && c.is_nan()),
                    "{blocks:?}/{clusters:?} replicate {k}: {a} vs {c}"
                );
            }
        }
    }
}
