//! Bootstrap confidence intervals from replicate values.
//!
//! Quantiles of the bootstrap distribution are taken as in R `boot` (Davison & Hinkley 1997,
//! eq. 5.8): the order statistic at position (B + 1)α, interpolated on the normal-quantile scale
//! between neighbouring order statistics.

use effekt_notes::{FallbackReason, Note};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

/// Interval method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntervalMethod {
    /// [θ*₍α/2₎, θ*₍1−α/2₎] (Efron 1981).
    Percentile,
    /// Basic (reverse percentile): [2θ̂ − θ*₍1−α/2₎, 2θ̂ − θ*₍α/2₎] (Davison & Hinkley 1997, eq. 5.6).
    Basic,
    /// Bias-corrected normal: θ̂ − b ∓ z₁₋α/₂ · sd(θ*), b = mean(θ*) − θ̂ (as R `boot.ci` "norm").
    Normal,
    /// Bootstrap-t: [θ̂ − ŝ·t*₍1−α/2₎, θ̂ − ŝ·t*₍α/2₎], t* = (θ* − θ̂)/ŝ* with the statistic's own
    /// standard error ŝ* in every replicate (Efron & Tibshirani 1993, §12.5).
    Studentized,
    /// Bias-corrected and accelerated (Efron 1987): percentile interval at adjusted levels
    /// Φ(ẑ₀ + (ẑ₀ + z_α)/(1 − â(ẑ₀ + z_α))), ẑ₀ = Φ⁻¹(share of θ* below θ̂, ties counted half),
    /// â from the jackknife (see [`acceleration`]).
    Bca,
}

impl IntervalMethod {
    /// Name as used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            IntervalMethod::Percentile => "percentile",
            IntervalMethod::Basic => "basic",
            IntervalMethod::Normal => "normal",
            IntervalMethod::Studentized => "studentized",
            IntervalMethod::Bca => "bca",
        }
    }
}

/// One confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Method actually used.
    pub method: IntervalMethod,
    pub level: f64,
    pub low: f64,
    pub high: f64,
    /// When the requested method was not well defined here, the method that was asked for
    /// (and `method` is the fallback).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested: Option<IntervalMethod>,
}

pub(crate) fn std_normal() -> Normal {
    Normal::standard()
}

/// Quantiles of sorted replicates `t` at probabilities `alpha`, as R `boot:::norm.inter`.
/// Returns the quantiles and whether an extreme order statistic (first or last) was used.
pub fn norm_inter(sorted: &[f64], alpha: &[f64]) -> (Vec<f64>, bool) {
    let r = sorted.len();
    let nd = std_normal();
    let mut extreme = false;
    let out = alpha
        .iter()
        .map(|&a| {
            let rk = (r as f64 + 1.0) * a;
            if !(rk > 1.0 && rk < r as f64) {
                extreme = true;
            }
            let k = rk.trunc();
            if k <= 0.0 {
                return sorted[0];
            }
            if k >= r as f64 {
                return sorted[r - 1];
            }
            let ki = k as usize; // 1-based order statistic
            if k == rk {
                return sorted[ki - 1];
            }
            let t1 = nd.inverse_cdf(a);
            let t2 = nd.inverse_cdf(k / (r as f64 + 1.0));
            let t3 = nd.inverse_cdf((k + 1.0) / (r as f64 + 1.0));
            let (tk, tk1) = (sorted[ki - 1], sorted[ki]);
            tk + (t1 - t2) / (t3 - t2) * (tk1 - tk)
        })
        .collect();
    (out, extreme)
}

/// Jackknife acceleration for BCa from leave-one-out values grouped by stratum (one group when
/// unstratified):
///
/// â = Σ_s Σ_i U_si³ / n_s³ / (6 (Σ_s Σ_i U_si² / n_s²)^{3/2}),  U_si = (n_s − 1)(θ̄_s − θ₍si₎),
///
/// which for one stratum is the textbook â = Σ dᵢ³ / (6 (Σ dᵢ²)^{3/2}), dᵢ = θ̄ − θ₍ᵢ₎
/// (Efron & Tibshirani 1993, eq. 14.15), and for several strata the multi-sample form used by
/// `scipy.stats.bootstrap`. Returns `None` when undefined (all jackknife values equal).
pub fn acceleration(jack: &[Vec<f64>]) -> Option<f64> {
    let (mut num, mut den) = (0.0, 0.0);
    for group in jack {
        let n = group.len() as f64;
        if group.len() < 2 {
            continue;
        }
        let mean = group.iter().sum::<f64>() / n;
        let (mut s3, mut s2) = (0.0, 0.0);
        for &v in group {
            let u = (n - 1.0) * (mean - v);
            s2 += u * u;
            s3 += u * u * u;
        }
        num += s3 / (n * n * n);
        den += s2 / (n * n);
    }
    let a = num / (6.0 * den.powf(1.5));
    (den > 0.0 && a.is_finite()).then_some(a)
}

/// Bias-correction ẑ₀ = Φ⁻¹(p), p = (#{θ* < θ̂} + ½ #{θ* = θ̂}) / B. `None` when p is 0 or 1.
pub fn bias_correction(sorted: &[f64], estimate: f64) -> Option<f64> {
    let below = sorted.partition_point(|&v| v < estimate);
    let not_above = sorted.partition_point(|&v| v <= estimate);
    let p = (below as f64 + 0.5 * (not_above - below) as f64) / sorted.len() as f64;
    let z = std_normal().inverse_cdf(p);
    z.is_finite().then_some(z)
}

/// Everything the interval methods need.
pub struct IntervalInput<'a> {
    pub estimate: f64,
    /// Finite replicate values, sorted ascending.
    pub sorted: &'a [f64],
    pub boot_sd: f64,
    pub bias: f64,
    /// Statistic's own SE on the original data and sorted studentized replicates, when available.
    pub studentized: Option<(f64, Vec<f64>)>,
    /// Jackknife values by stratum, for BCa.
    pub jackknife: Option<&'a [Vec<f64>]>,
}

/// Compute the requested intervals from the replicate summary; methods not well defined here fall
/// back to percentile with a warning appended to `warnings`.
pub fn intervals(
    input: &IntervalInput<'_>,
    methods: &[IntervalMethod],
    level: f64,
    warnings: &mut Vec<Note>,
) -> Vec<Interval> {
    let alpha = [(1.0 - level) / 2.0, (1.0 + level) / 2.0];
    let (percentile, mut extreme_any) = norm_inter(input.sorted, &alpha);
    let mut out = Vec::new();
    for &m in methods {
        let mk = |low: f64, high: f64, requested: Option<IntervalMethod>| Interval {
            method: if requested.is_some() {
                IntervalMethod::Percentile
            } else {
                m
            },
            level,
            low,
            high,
            requested,
        };
        let fallback = |why: FallbackReason, warnings: &mut Vec<Note>| {
            warnings.push(Note::IntervalFallback {
                interval: m.name().to_string(),
                why,
            });
            mk(percentile[0], percentile[1], Some(m))
        };
        let iv = match m {
            IntervalMethod::Percentile => mk(percentile[0], percentile[1], None),
            IntervalMethod::Basic => mk(
                2.0 * input.estimate - percentile[1],
                2.0 * input.estimate - percentile[0],
                None,
            ),
            IntervalMethod::Normal => {
                let z = std_normal().inverse_cdf(alpha[1]);
                let centre = input.estimate - input.bias;
                mk(centre - z * input.boot_sd, centre + z * input.boot_sd, None)
            }
            IntervalMethod::Studentized => match &input.studentized {
                Some((se0, zs)) if zs.len() >= 2 => {
                    let (qz, extreme) = norm_inter(zs, &[alpha[1], alpha[0]]);
                    extreme_any |= extreme;
                    mk(
                        input.estimate - se0 * qz[0],
                        input.estimate - se0 * qz[1],
                        None,
                    )
                }
                _ => fallback(FallbackReason::NoStandardError, warnings),
            },
            IntervalMethod::Bca => {
                let z0 = bias_correction(input.sorted, input.estimate);
                let a = input.jackknife.and_then(acceleration);
                match (z0, a) {
                    (Some(z0), Some(a)) => {
                        let nd = std_normal();
                        // With ẑ₀ = â = 0 the adjusted levels are the nominal ones; skipping the
                        // Φ(Φ⁻¹(α)) round trip keeps BCa exactly equal to percentile there.
                        let adj: Vec<f64> = if z0 == 0.0 && a == 0.0 {
                            alpha.to_vec()
                        } else {
                            alpha
                                .iter()
                                .map(|&p| {
                                    let z = nd.inverse_cdf(p);
                                    nd.cdf(z0 + (z0 + z) / (1.0 - a * (z0 + z)))
                                })
                                .collect()
                        };
                        if adj.iter().all(|p| p.is_finite()) {
                            let (v, extreme) = norm_inter(input.sorted, &adj);
                            extreme_any |= extreme;
                            mk(v[0], v[1], None)
                        } else {
                            fallback(FallbackReason::AdjustedLevelsNotFinite, warnings)
                        }
                    }
                    (None, _) => fallback(FallbackReason::OneSided, warnings),
                    (_, None) => fallback(FallbackReason::JackknifeConstant, warnings),
                }
            }
        };
        out.push(iv);
    }
    if extreme_any {
        warnings.push(Note::ExtremeOrderStatistics);
    }
    out
}
