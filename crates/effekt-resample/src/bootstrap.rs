//! Bootstrap: configuration, the replicate loop and the summary.

use crate::ResampleError;
use crate::draw::CHUNK;
use crate::engine::{ProgressFn, map_replicates};
use crate::general::{Statistic, fill_weights, jackknife_units, jackknife_values};
use crate::interval::{
    Interval, IntervalInput, IntervalMethod, acceleration, bias_correction, intervals,
};
use crate::layout::{Layout, Scheme};
use crate::linear::{Estimate, LinearPlan, LinearStatistic};
use crate::rng::{Purpose, Streams};
use serde::{Deserialize, Serialize};

/// Largest number of resamples accepted: 10,000,000 (the replicate values are kept in memory,
/// 8 bytes each, and every replicate is a pass over the data; 9,999 is plenty for intervals).
pub const MAX_RESAMPLES: usize = 10_000_000;

/// Smallest tail probability a confidence level may leave: levels are accepted in
/// `[MIN_TAIL, 1 − MIN_TAIL]` (the same limit as effekt-models' `dist::MIN_TAIL`; the normal
/// quantiles of the BCa and normal intervals are not reliable beyond it).
pub const MIN_TAIL: f64 = 1e-12;

/// How to bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BootstrapConfig {
    /// Number of bootstrap replicates B.
    pub resamples: usize,
    /// Seed; replicate b draws from stream (seed, b), so results do not depend on thread count.
    pub seed: u64,
    pub scheme: Scheme,
    pub intervals: Vec<IntervalMethod>,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// Largest share of replicates allowed to give a non-finite statistic before the bootstrap
    /// is declared unstable (an error). Non-finite replicates are counted and reported, and left
    /// out of the intervals.
    pub max_nonfinite_fraction: f64,
    /// Exact (leave-one-out) jackknife for BCa up to this many units for general statistics;
    /// beyond it, the grouped jackknife with `jackknife_groups` groups. Linear statistics always
    /// use the exact O(n) jackknife.
    pub jackknife_exact_max: usize,
    pub jackknife_groups: usize,
}

impl Default for BootstrapConfig {
    fn default() -> Self {
        Self {
            resamples: 9999,
            seed: 1,
            scheme: Scheme::Iid,
            intervals: vec![IntervalMethod::Percentile],
            level: 0.95,
            max_nonfinite_fraction: 0.01,
            jackknife_exact_max: 5000,
            jackknife_groups: 1000,
        }
    }
}

impl BootstrapConfig {
    fn validate(&self) -> Result<(), ResampleError> {
        if self.resamples < 2 || self.resamples > MAX_RESAMPLES {
            return Err(ResampleError::Resamples {
                got: self.resamples,
                min: 2,
                max: MAX_RESAMPLES,
            });
        }
        if !(MIN_TAIL..=1.0 - MIN_TAIL).contains(&self.level) {
            return Err(ResampleError::Level(self.level));
        }
        if !(0.0..=1.0).contains(&self.max_nonfinite_fraction) {
            return Err(ResampleError::Invalid(format!(
                "max_nonfinite_fraction must be between 0 and 1, got {}",
                self.max_nonfinite_fraction
            )));
        }
        Ok(())
    }
}

/// Result of a bootstrap. Holds nothing that varies between runs with the same seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapResult {
    /// Statistic on the original data.
    pub estimate: f64,
    /// Bootstrap standard error: standard deviation (divisor B − 1) of the finite replicates.
    pub std_error: f64,
    /// mean(θ*) − θ̂.
    pub bias: f64,
    pub resamples: usize,
    pub seed: u64,
    pub n: usize,
    pub scheme: Scheme,
    /// Replicates whose statistic was not finite (left out of the intervals, never hidden).
    pub nonfinite: usize,
    pub intervals: Vec<Interval>,
    /// BCa diagnostics (when BCa was requested): ẑ₀ and â.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bias_correction: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acceleration: Option<f64>,
    pub warnings: Vec<effekt_notes::Note>,
    /// Replicate values in replicate order (non-finite included), for plots and contract
    /// evaluation. Not serialised.
    #[serde(skip)]
    pub replicates: Vec<f64>,
}

/// Bootstrap a linear statistic (mean, difference or ratio of means, proportions) on the fast
/// path: no resampled data set is ever built.
///
/// # Errors
/// Invalid configuration, a layout that cannot carry the scheme, a non-finite estimate, too many
/// non-finite replicates.
pub fn bootstrap_linear(
    stat: &LinearStatistic,
    layout: &Layout,
    config: &BootstrapConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<BootstrapResult, ResampleError> {
    config.validate()?;
    let need_se = config.intervals.contains(&IntervalMethod::Studentized);
    let plan = LinearPlan::new(stat, layout, config.scheme, need_se)?;
    let estimate = stat.estimate();
    let streams = Streams::new(config.seed, Purpose::Bootstrap);
    let reps = map_replicates(
        &streams,
        config.resamples,
        progress,
        || vec![0u32; CHUNK],
        |_, rng, buf| plan.replicate(rng, buf),
    );
    let jack = config
        .intervals
        .contains(&IntervalMethod::Bca)
        .then(|| plan.jackknife());
    summarize(estimate, reps, jack, config, stat.n(), need_se)
}

/// Bootstrap any [`Statistic`] through weight vectors.
///
/// # Errors
/// As [`bootstrap_linear`].
pub fn bootstrap<S: Statistic + ?Sized>(
    stat: &S,
    layout: &Layout,
    config: &BootstrapConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<BootstrapResult, ResampleError> {
    config.validate()?;
    if layout.n() != stat.n() {
        return Err(ResampleError::Length {
            what: "layout".into(),
            expected: stat.n(),
            got: layout.n(),
        });
    }
    layout.check(config.scheme)?;
    let n = stat.n();
    let estimate = stat.eval(&vec![1.0; n]);
    let need_se = config.intervals.contains(&IntervalMethod::Studentized);
    let streams = Streams::new(config.seed, Purpose::Bootstrap);
    let reps = map_replicates(
        &streams,
        config.resamples,
        progress,
        || (vec![0.0; n], Vec::new(), Vec::new()),
        |_, rng, (w, cc, buf)| {
            fill_weights(layout, config.scheme, rng, w, cc, buf);
            stat.eval(w)
        },
    );
    let jack = if config.intervals.contains(&IntervalMethod::Bca) {
        let mut rng = Streams::new(config.seed, Purpose::Jackknife).get(0);
        let units = jackknife_units(
            layout,
            config.scheme,
            config.jackknife_exact_max,
            config.jackknife_groups,
            &mut rng,
        );
        Some(jackknife_values(stat, &units)?)
    } else {
        None
    };
    summarize(estimate, reps, jack, config, n, need_se)
}

fn summarize(
    estimate: Estimate,
    reps: Vec<Estimate>,
    jack: Option<Vec<Vec<f64>>>,
    config: &BootstrapConfig,
    n: usize,
    need_se: bool,
) -> Result<BootstrapResult, ResampleError> {
    if !estimate.value.is_finite() {
        return Err(ResampleError::EstimateNotFinite(estimate.value));
    }
    let b = reps.len();
    let mut finite: Vec<f64> = reps
        .iter()
        .map(|e| e.value)
        .filter(|v| v.is_finite())
        .collect();
    let nonfinite = b - finite.len();
    let allowed = (config.max_nonfinite_fraction * b as f64).floor() as usize;
    if nonfinite > allowed {
        return Err(ResampleError::TooManyNonFinite {
            nonfinite,
            resamples: b,
            allowed,
        });
    }
    if finite.len() < 2 {
        return Err(ResampleError::TooFewFinite {
            finite: finite.len(),
            resamples: b,
        });
    }
    let mut warnings = Vec::new();
    if nonfinite > 0 {
        warnings.push(effekt_notes::Note::BootstrapNonFinite {
            left_out: nonfinite,
            of: b,
        });
    }
    let m = finite.len() as f64;
    let mean = finite.iter().sum::<f64>() / m;
    let sd = (finite.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (m - 1.0)).sqrt();
    finite.sort_by(f64::total_cmp);

    let studentized = if need_se {
        match estimate.se {
            Some(se0) if se0.is_finite() && se0 > 0.0 => {
                let mut zs: Vec<f64> = reps
                    .iter()
                    .filter_map(|e| e.se.map(|s| (e.value - estimate.value) / s))
                    .filter(|z| z.is_finite())
                    .collect();
                zs.sort_by(f64::total_cmp);
                Some((se0, zs))
            }
            _ => None,
        }
    } else {
        None
    };
    let input = IntervalInput {
        estimate: estimate.value,
        sorted: &finite,
        boot_sd: sd,
        bias: mean - estimate.value,
        studentized,
        jackknife: jack.as_deref(),
    };
    let ivs = intervals(&input, &config.intervals, config.level, &mut warnings);
    let (z0, a) = if jack.is_some() {
        (
            bias_correction(&finite, estimate.value),
            jack.as_deref().and_then(acceleration),
        )
    } else {
        (None, None)
    };
    Ok(BootstrapResult {
        estimate: estimate.value,
        std_error: sd,
        bias: mean - estimate.value,
        resamples: b,
        seed: config.seed,
        n,
        scheme: config.scheme,
        nonfinite,
        intervals: ivs,
        bias_correction: z0,
        acceleration: a,
        warnings,
        replicates: reps.into_iter().map(|e| e.value).collect(),
    })
}
