//! Bootstrap results ([`effekt_resample::BootstrapResult`]) in the report's shapes.

use crate::i18n::{Language, inference as tx};
use crate::model::{AlternativeEstimate, BootstrapPlot, TidyRowDoc, finite};
use effekt_resample::{BootstrapResult, Interval, IntervalMethod};

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
        term: "treatment (bootstrap)".into(),
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
