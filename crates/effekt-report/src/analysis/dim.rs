//! Difference in means (proportions for 0/1 outcomes) for randomised designs: the path the
//! report computes itself until effekt-rct is wired in.
//!
//! * **Estimate**: `τ̂ = ȳ₁ − ȳ₀`, the mean among the treated minus the mean in the comparison
//!   group. Under randomisation the comparison group's mean estimates what the treated would
//!   have had without the intervention, so the counterfactual is `ȳ₁ − τ̂ = ȳ₀` (Neyman 1923;
//!   Imbens & Rubin 2015, ch. 6).
//! * **Analytic inference**: the same number as the coefficient of the treatment in
//!   `y ~ 1 + treatment` with HC2 standard errors and `n − 2` df (equal to Neyman's conservative
//!   variance `s₁²/n₁ + s₀²/n₀`; estimatr `lm_robust(se_type = "HC2")`), or with clusters CR2
//!   with Satterthwaite df (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018; estimatr
//!   `lm_robust(clusters =, se_type = "CR2")`), which stay valid with few clusters. The p-value
//!   comes from this t test.
//! * **Bootstrap**: through effekt-resample, stratified by arm (group sizes fixed as in the
//!   design) or, with clusters, resampling whole clusters (within arms when every cluster is in
//!   one arm, as in a cluster-randomised trial). The headline interval is the study's interval
//!   method (BCa by default; percentile when BCa is not defined, with a warning). Replicates are
//!   kept in replicate order for the contract and the histogram.

use super::{OutcomeEstimate, Prepared};
use crate::adapt::bootstrap::{alternative_from_interval, interval_name, tidy_from_bootstrap};
use crate::error::ReportError;
use crate::i18n::{Language, inference as tx};
use crate::model::{AlternativeEstimate, TidyRowDoc, finite};
use crate::study::InferenceConfig;
use effekt_models::{
    Counterfactual, DesignBuilder, InferenceNote, OlsOptions, TidyRow, VarianceEstimator, ols,
};
use effekt_resample::{
    BootstrapConfig, Estimate, FnStatistic, IntervalMethod, Layout, LinearKind, LinearStatistic,
    ProgressFn, Scheme, bootstrap, bootstrap_linear,
};

/// Groups smaller than this get a small-sample warning.
pub const SMALL_GROUP: usize = 20;
/// Fewer clusters than this get a few-clusters warning.
pub const FEW_CLUSTERS: usize = 10;
/// With fewer clusters than this the headline interval is the CR2 interval, not the cluster
/// bootstrap (which is unreliable with few clusters: Cameron, Gelbach & Miller 2008).
pub const CLUSTER_BOOTSTRAP_MIN: usize = 20;

/// Treatment coefficient of `y ~ 1 + treatment` with HC2 (or CR2 + Satterthwaite with
/// clusters): the analytic difference in means.
///
/// # Errors
/// The regression layer's errors as [`ReportError::Estimation`].
pub fn analytic(
    outcome: &str,
    y: &[f64],
    treated: &[bool],
    cluster: Option<&[u32]>,
    level: f64,
) -> Result<TidyRow, ReportError> {
    let err = |e: effekt_models::ModelError| ReportError::Estimation {
        outcome: outcome.to_string(),
        message: e.to_string(),
    };
    let t: Vec<f64> = treated.iter().map(|&b| f64::from(u8::from(b))).collect();
    let design = DesignBuilder::new(y.len())
        .intercept()
        .numeric("treatment", t)
        .must_keep("treatment")
        .build()
        .map_err(err)?;
    let opts = OlsOptions {
        vcov: Some(if cluster.is_some() {
            VarianceEstimator::Cr2
        } else {
            VarianceEstimator::Hc2
        }),
        clusters: cluster,
        ..OlsOptions::default()
    };
    let fit = ols(&design, y, &opts).map_err(err)?;
    let rows = fit.tidy(level).map_err(err)?;
    rows.into_iter()
        .find(|r| r.term == "treatment")
        .ok_or_else(|| ReportError::Estimation {
            outcome: outcome.to_string(),
            message: "the treatment coefficient is missing from the fit".into(),
        })
}

/// The bootstrap layout and scheme for a difference in means: stratified by arm, or clusters
/// (within arms when nested in them).
///
/// # Errors
/// The resampling core's layout errors as [`ReportError::Estimation`].
pub fn layout(
    outcome: &str,
    treated: &[bool],
    cluster: Option<&[u32]>,
    lang: Language,
) -> Result<(Layout, Scheme, String), ReportError> {
    let err = |e: effekt_resample::ResampleError| ReportError::Estimation {
        outcome: outcome.to_string(),
        message: e.to_string(),
    };
    let arms: Vec<u32> = treated.iter().map(|&b| u32::from(b)).collect();
    let n = treated.len();
    match cluster {
        None => Ok((
            Layout::new(n, Some(&arms), None).map_err(err)?,
            Scheme::Stratified,
            tx::scheme(false, false, lang),
        )),
        Some(c) => {
            let mut arm_of = std::collections::HashMap::new();
            let nested = c
                .iter()
                .zip(&arms)
                .all(|(cl, a)| *arm_of.entry(*cl).or_insert(*a) == *a);
            if nested {
                Ok((
                    Layout::new(n, Some(&arms), Some(c)).map_err(err)?,
                    Scheme::Cluster,
                    tx::scheme(true, true, lang),
                ))
            } else {
                Ok((
                    Layout::new(n, None, Some(c)).map_err(err)?,
                    Scheme::Cluster,
                    tx::scheme(true, false, lang),
                ))
            }
        }
    }
}

/// Difference in means with analytic and bootstrap inference.
///
/// `want_treated_draws` also bootstraps the treated group's mean from the same replicates (same
/// seed, layout and scheme, so replicate b of both series comes from one resample), for
/// contracts with thresholds on the treated group's level.
///
/// # Errors
/// [`ReportError::Estimation`] when the regression or the bootstrap fails (e.g. a constant
/// outcome with clusters, too few clusters to resample).
pub fn estimate(
    prep: &Prepared,
    inference: &InferenceConfig,
    want_treated_draws: bool,
    lang: Language,
    progress: Option<ProgressFn<'_>>,
) -> Result<OutcomeEstimate, ReportError> {
    let outcome = prep.outcome.column.as_str();
    let err = |e: effekt_resample::ResampleError| ReportError::Estimation {
        outcome: outcome.to_string(),
        message: e.to_string(),
    };
    let (y, treated) = (&prep.y, &prep.treated);
    let n = y.len();
    let n1 = treated.iter().filter(|&&t| t).count();
    let n0 = n - n1;
    let mean = |arm: bool| {
        let (s, c) = y
            .iter()
            .zip(treated)
            .filter(|(_, t)| **t == arm)
            .fold((0.0, 0usize), |(s, c), (v, _)| (s + v, c + 1));
        s / c as f64
    };
    let (m1, m0) = (mean(true), mean(false));
    let cluster = prep.cluster.as_deref();
    let level = inference.level;
    let row = analytic(outcome, y, treated, cluster, level)?;

    // Bootstrap.
    let (layout, scheme, scheme_text) = layout(outcome, treated, cluster, lang)?;
    let codes: Vec<u32> = treated.iter().map(|&b| u32::from(b)).collect();
    let stat = LinearStatistic::new(LinearKind::MeanDiff, y, None, Some(&codes)).map_err(err)?;
    let mut intervals = vec![inference.interval];
    for m in [IntervalMethod::Percentile, IntervalMethod::Bca] {
        if !intervals.contains(&m) {
            intervals.push(m);
        }
    }
    let config = BootstrapConfig {
        resamples: inference.bootstrap,
        seed: inference.seed,
        scheme,
        intervals,
        level,
        ..BootstrapConfig::default()
    };
    let boot = bootstrap_linear(&stat, &layout, &config, progress).map_err(err)?;
    let treated_observed_draws = if want_treated_draws {
        let ys = y.clone();
        let ts = treated.clone();
        let f = FnStatistic::new(n, move |w: &[f64]| {
            let (mut s, mut sw) = (0.0, 0.0);
            for ((v, t), wi) in ys.iter().zip(&ts).zip(w) {
                if *t {
                    s += wi * v;
                    sw += wi;
                }
            }
            Estimate {
                value: s / sw,
                se: None,
            }
        });
        let cfg = BootstrapConfig {
            intervals: vec![IntervalMethod::Percentile],
            ..config.clone()
        };
        Some(bootstrap(&f, &layout, &cfg, None).map_err(err)?.replicates)
    } else {
        None
    };

    let n_clusters = prep.n_clusters();
    let analytic_name = tx::analytic(cluster.is_some(), lang);
    let few_clusters = n_clusters.is_some_and(|g| g < CLUSTER_BOOTSTRAP_MIN);
    let chosen = boot
        .intervals
        .iter()
        .find(|i| i.requested == Some(inference.interval) || i.method == inference.interval)
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
        _ => (row.conf_low, row.conf_high, analytic_name.clone()),
    };

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
    warnings.extend(boot.warnings.iter().cloned());

    let (method, reason) = match n_clusters {
        Some(g) if few_clusters => (
            tx::headline_analytic(&analytic_name, lang),
            tx::reason_few_clusters(g, CLUSTER_BOOTSTRAP_MIN, lang),
        ),
        Some(g) => (
            tx::headline_bootstrap(&interval_method, &analytic_name, lang),
            tx::reason_clusters(g, lang),
        ),
        None => (
            tx::headline_bootstrap(&interval_method, &analytic_name, lang),
            tx::reason_independent(lang),
        ),
    };
    let inference_note = InferenceNote {
        method,
        reason,
        warnings: warnings.clone(),
    };

    let mut tidy = vec![TidyRowDoc::from_tidy(&row, &analytic_name)];
    tidy.push(tidy_from_bootstrap(&boot, &scheme_text, lang));
    let mut alternatives = vec![AlternativeEstimate {
        method: analytic_name.clone(),
        estimate: finite(row.estimate),
        std_error: finite(row.std_error),
        conf_low: finite(row.conf_low),
        conf_high: finite(row.conf_high),
        p_value: finite(row.p_value),
        note: row.df.map(|d| tx::t_df(d, lang)),
    }];
    for i in &boot.intervals {
        alternatives.push(alternative_from_interval(&boot, i, &scheme_text, lang));
    }

    Ok(OutcomeEstimate {
        n,
        n_treated: n1,
        n_control: n0,
        n_clusters,
        estimate: m1 - m0,
        conf_low,
        conf_high,
        interval_method,
        std_error: finite(row.std_error),
        p_value: finite(row.p_value),
        df: row.df.and_then(finite),
        method: tx::dim_name(lang),
        counterfactual: Counterfactual::from_effect(m1, m1 - m0, m0),
        inference: inference_note,
        seed: Some(boot.seed),
        resamples: Some(boot.resamples),
        tidy,
        bootstrap: Some(boot),
        bootstrap_scheme: Some(scheme_text),
        treated_observed_draws,
        alternatives,
        balance: Vec::new(),
        balance_is_matching: false,
        event_study: Vec::new(),
        pre_trend: None,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The treated-mean draws come from the general path; the effect draws from the linear fast
    /// path. Both must see the same resample in replicate b (joint draws for the contract):
    /// the general path's difference in means equals the fast path's, replicate by replicate,
    /// for each layout this module builds.
    #[test]
    fn general_and_linear_paths_draw_the_same_resamples() {
        let n = 40;
        let y: Vec<f64> = (0..n).map(|i| ((i * 37) % 11) as f64 / 3.0).collect();
        let treated: Vec<bool> = (0..n).map(|i| i % 3 != 0).collect();
        let nested: Vec<u32> = (0..n)
            .map(|i| {
                if treated[i] {
                    (i % 4) as u32
                } else {
                    4 + ((i / 3) % 3) as u32
                }
            })
            .collect();
        let crossed: Vec<u32> = (0..n).map(|i| (i % 5) as u32).collect();
        for cluster in [None, Some(nested.as_slice()), Some(crossed.as_slice())] {
            let (layout, scheme, _) = layout("y", &treated, cluster, Language::En).unwrap();
            let codes: Vec<u32> = treated.iter().map(|&b| u32::from(b)).collect();
            let stat = LinearStatistic::new(LinearKind::MeanDiff, &y, None, Some(&codes)).unwrap();
            let config = BootstrapConfig {
                resamples: 300,
                seed: 9,
                scheme,
                intervals: vec![IntervalMethod::Percentile],
                max_nonfinite_fraction: 1.0,
                ..BootstrapConfig::default()
            };
            let fast = bootstrap_linear(&stat, &layout, &config, None).unwrap();
            let (yy, tt) = (y.clone(), treated.clone());
            let general = FnStatistic::new(n, move |w: &[f64]| {
                let (mut s1, mut w1, mut s0, mut w0) = (0.0, 0.0, 0.0, 0.0);
                for ((v, t), wi) in yy.iter().zip(&tt).zip(w) {
                    if *t {
                        s1 += wi * v;
                        w1 += wi;
                    } else {
                        s0 += wi * v;
                        w0 += wi;
                    }
                }
                Estimate {
                    value: s1 / w1 - s0 / w0,
                    se: None,
                }
            });
            let slow = bootstrap(&general, &layout, &config, None).unwrap();
            for (b, (a, c)) in fast.replicates.iter().zip(&slow.replicates).enumerate() {
                assert!(
                    (a - c).abs() < 1e-9 || (a.is_nan() && c.is_nan()),
                    "replicate {b} ({cluster:?}): {a} vs {c}"
                );
            }
        }
    }
}
