//! Bootstrap results ([`effekt_resample::BootstrapResult`]) in the report's shapes.

use crate::i18n::{Language, inference as tx};
use crate::model::{AlternativeEstimate, BootstrapPlot, TidyRowDoc, finite};
use crate::study::InferenceConfig;
use effekt_resample::{
    BootstrapConfig, BootstrapResult, Estimate, FnStatistic, Interval, IntervalMethod, Layout,
    ResampleError, Scheme, bootstrap,
};

/// The interval methods every bootstrap of the report computes: the study's `interval` first
/// (the one a headline uses), then percentile and BCa.
pub fn intervals(first: IntervalMethod) -> Vec<IntervalMethod> {
    let mut v = vec![first];
    for m in [IntervalMethod::Percentile, IntervalMethod::Bca] {
        if !v.contains(&m) {
            v.push(m);
        }
    }
    v
}

/// The study's bootstrap settings (replicates, seed, level, [`intervals`]) with `scheme`.
pub fn config(inference: &InferenceConfig, scheme: Scheme) -> BootstrapConfig {
    BootstrapConfig {
        resamples: inference.bootstrap,
        seed: inference.seed,
        scheme,
        intervals: intervals(inference.interval),
        level: inference.level,
        ..BootstrapConfig::default()
    }
}

/// Draws of the treated group's (weighted) mean on `layout` with `config`'s seed and scheme:
/// replicate b uses the same resample as replicate b of any other bootstrap with that layout,
/// seed and scheme, so the draws are joint with the effect's (for contracts). `weights` are
/// fixed analysis weights (matching weights), multiplied by the resample's multiplicities.
///
/// # Errors
/// The resampling core's errors.
pub fn treated_mean_draws(
    y: &[f64],
    treated: &[bool],
    weights: Option<&[f64]>,
    layout: &Layout,
    config: &BootstrapConfig,
) -> Result<Vec<f64>, ResampleError> {
    let stat = FnStatistic::new(y.len(), |w: &[f64]| {
        let (mut s, mut sw) = (0.0, 0.0);
        for (k, ((v, t), wk)) in y.iter().zip(treated).zip(w).enumerate() {
            let wi = wk * weights.and_then(|a| a.get(k)).copied().unwrap_or(1.0);
            if *t && wi > 0.0 {
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
        max_nonfinite_fraction: 1.0,
        ..config.clone()
    };
    Ok(bootstrap(&stat, layout, &cfg, None)?.replicates)
}

/// An alternative that could not be estimated, with the reason.
pub fn not_estimated(method: String, reason: &str, lang: Language) -> AlternativeEstimate {
    AlternativeEstimate {
        method,
        estimate: None,
        std_error: None,
        conf_low: None,
        conf_high: None,
        p_value: None,
        note: Some(tx::not_estimated(reason, lang)),
    }
}

/// Number of histogram bins for the bootstrap distribution.
pub const HISTOGRAM_BINS: usize = 40;

/// Display name of an interval method in `lang`.
pub fn interval_name(m: IntervalMethod, lang: Language) -> &'static str {
    match (m, lang) {
        (IntervalMethod::Percentile, Language::En) => "percentile",
        (IntervalMethod::Percentile, Language::Sv) => "percentil",
        (IntervalMethod::Basic, Language::En) => "basic",
        (IntervalMethod::Basic, Language::Sv) => "enkel (basic)",
        (IntervalMethod::Normal, Language::En) => "normal",
        (IntervalMethod::Normal, Language::Sv) => "normal",
        (IntervalMethod::Studentized, Language::En) => "studentized",
        (IntervalMethod::Studentized, Language::Sv) => "studentiserad",
        (IntervalMethod::Bca, _) => "BCa",
    }
}

/// The bootstrap as a tidy row: estimate, bootstrap SE, z = estimate / SE, no p-value (a
/// bootstrap interval does not come with one), and the first interval.
pub fn tidy_from_bootstrap(b: &BootstrapResult, scheme: &str, lang: Language) -> TidyRowDoc {
    let first = b.intervals.first();
    TidyRowDoc {
        term: match lang {
            Language::En => "effect (bootstrap)".into(),
            Language::Sv => "effekt (bootstrap)".into(),
        },
        estimate: finite(b.estimate),
        std_error: finite(b.std_error),
        statistic: finite(b.estimate / b.std_error),
        df: None,
        p_value: None,
        conf_low: first.and_then(|i| finite(i.low)),
        conf_high: first.and_then(|i| finite(i.high)),
        method: tx::bootstrap(
            first.map_or(interval_name(IntervalMethod::Percentile, lang), |i| {
                interval_name(i.method, lang)
            }),
            scheme,
            b.resamples,
            b.seed,
            lang,
        ),
    }
}

/// One bootstrap interval as an alternative estimate.
pub fn alternative_from_interval(
    b: &BootstrapResult,
    i: &Interval,
    scheme: &str,
    lang: Language,
) -> AlternativeEstimate {
    let note = i
        .requested
        .map(|r| tx::fallback(interval_name(r, lang), interval_name(i.method, lang), lang));
    AlternativeEstimate {
        method: tx::bootstrap_alternative(interval_name(i.method, lang), scheme, b.resamples, lang),
        estimate: finite(b.estimate),
        std_error: finite(b.std_error),
        conf_low: finite(i.low),
        conf_high: finite(i.high),
        p_value: None,
        note,
    }
}

/// Equal-width histogram of the finite replicates over [min, max] with `bins` bins (the last
/// bin closed). `None` when there are no finite replicates.
pub fn histogram(replicates: &[f64], bins: usize) -> Option<(Vec<f64>, Vec<u64>)> {
    let finite: Vec<f64> = replicates
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if finite.is_empty() {
        return None;
    }
    let bins = bins.max(1);
    if hi <= lo {
        return Some((vec![lo, hi], vec![finite.len() as u64]));
    }
    let width = (hi - lo) / bins as f64;
    let edges: Vec<f64> = (0..=bins)
        .map(|k| if k == bins { hi } else { lo + width * k as f64 })
        .collect();
    let mut counts = vec![0u64; bins];
    for v in finite {
        let k = (((v - lo) / width).floor() as usize).min(bins - 1);
        counts[k] += 1;
    }
    Some((edges, counts))
}

/// Histogram plot data of a bootstrap, with the headline interval.
pub fn plot(
    b: &BootstrapResult,
    conf_low: f64,
    conf_high: f64,
    scheme: &str,
) -> Option<BootstrapPlot> {
    let (edges, counts) = histogram(&b.replicates, HISTOGRAM_BINS)?;
    Some(BootstrapPlot {
        resamples: b.resamples as u64,
        seed: b.seed,
        nonfinite: b.nonfinite as u64,
        edges,
        counts,
        estimate: b.estimate,
        conf_low,
        conf_high,
        std_error: b.std_error,
        scheme: scheme.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_every_finite_replicate() {
        let reps = [0.0, 0.1, 0.2, 0.2, 1.0, f64::NAN];
        let (edges, counts) = histogram(&reps, 4).unwrap();
        assert_eq!(edges.len(), 5);
        assert_eq!(counts.iter().sum::<u64>(), 5);
        assert_eq!(counts, vec![4, 0, 0, 1]);
        let (_, one) = histogram(&[2.0, 2.0], 10).unwrap();
        assert_eq!(one, vec![2]);
        assert!(histogram(&[f64::NAN], 3).is_none());
    }
}
