//! The simulation harness: data-generating process → analysis → operating characteristics.
//!
//! A simulation study answers what a formula cannot: the power, bias, RMSE and confidence
//! interval coverage of the estimator *and inference* the final analysis will use, on data
//! like the data it will get. The engine ([`run`]) is generic: a data-generating closure
//! `Fn(&mut Rng) -> Result<Draw<D>>` and an [`Analysis<D>`] (any
//! `Fn(&D) -> Result<SimEstimate, String> + Sync` is one). The designs and analyses a TOML
//! config ([`SimulationConfig`]) can name live in [`builtin`]; the design crates' own
//! estimators (effekt-rct, effekt-matching, effekt-did) are wrapped in [`design`], each
//! validated against the design it is given (an analysis that cannot use a design is a
//! configuration error) — nothing in the engine changes for them.
//!
//! # Determinism
//! Simulation `s` (0-based) draws its data only from
//! `effekt_resample::stream(seed, Purpose::Simulation, s)`. Simulations run in parallel with
//! rayon inside fixed batches of `batch_size`; each batch is collected in simulation order and
//! every summary is accumulated in that order, so the result is bit-identical at any thread
//! count. Early stopping ([`RunOptions::target_mc_se`]) is checked only at batch boundaries,
//! so where it stops does not depend on the thread count either.
//!
//! # Operating characteristics and their Monte Carlo standard errors
//! With `S` simulations run, `S_v` of them valid (every reported number finite), estimates
//! `θ̂_s`, truths `θ_s` (sample-conditional truths may vary between simulations), following
//! Morris, White & Crowther (2019, *Statistics in Medicine* 38:2074, table 6):
//! * power (rejection rate) `P = #{p_s < α}/S`, MC s.e. `sqrt(P(1−P)/S)`; simulations that
//!   failed or gave non-finite results count as non-rejections (conservative) and are reported;
//! * bias `mean(θ̂_s − θ_s)`, MC s.e. `sd(θ̂_s − θ_s)/sqrt(S_v)`;
//! * empirical SE `sd(θ̂_s)`, MC s.e. `empSE/sqrt(2(S_v − 1))`;
//! * RMSE `sqrt(mean((θ̂_s − θ_s)²))`, MC s.e. by the delta method from the MC s.e. of the MSE,
//!   `sqrt(Σ((θ̂_s − θ_s)² − MSE)²/(S_v(S_v − 1))) / (2 RMSE)`;
//! * coverage `C = #{conf_low ≤ θ_s ≤ conf_high}/S_v`, MC s.e. `sqrt(C(1−C)/S_v)`.

pub mod builtin;
mod counterpart;
pub mod design;
mod textbook;

pub use builtin::{AnalysisSpec, DgpSpec, PreparedAnalysis, SimulationConfig, TwoArm, run_config};
pub use design::{DidAnalysis, DidEstimator, PanelData, RctAdjust, RctAnalysis};

use crate::error::{PowerError, Result};
use effekt_resample::{Purpose, Rng, Streams};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What an analysis reports for one simulated data set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SimEstimate {
    pub estimate: f64,
    pub std_error: f64,
    pub conf_low: f64,
    pub conf_high: f64,
    pub p_value: f64,
}

/// An analysis of one simulated data set. Implemented for every
/// `Fn(&D) -> Result<SimEstimate, String> + Sync`; an `Err` is counted as a failed simulation
/// (with the first message reported), not as an error of the whole run.
pub trait Analysis<D>: Sync {
    /// Analyse one data set.
    ///
    /// # Errors
    /// A message saying why this data set could not be analysed.
    fn analyse(&self, data: &D) -> std::result::Result<SimEstimate, String>;
}

impl<D, F> Analysis<D> for F
where
    F: Fn(&D) -> std::result::Result<SimEstimate, String> + Sync,
{
    fn analyse(&self, data: &D) -> std::result::Result<SimEstimate, String> {
        self(data)
    }
}

/// One simulated data set and the true value of the estimand for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Draw<D> {
    pub data: D,
    pub truth: f64,
}

/// Status of one simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SimStatus {
    Ok,
    /// The analysis returned, but some number was not finite.
    NonFinite,
    /// The analysis returned an error (message kept).
    Failed(String),
}

/// One simulation's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimRecord {
    pub sim: u64,
    pub truth: f64,
    pub estimate: f64,
    pub std_error: f64,
    pub conf_low: f64,
    pub conf_high: f64,
    pub p_value: f64,
    pub reject: bool,
    pub status: SimStatus,
}

/// Engine options.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunOptions {
    pub seed: u64,
    /// Number of simulations (the maximum when early stopping is on), 1 to
    /// [`MAX_SIMULATIONS`].
    pub simulations: u64,
    /// Significance level: a simulation rejects when `p_value < alpha`; 1e-12 to 1 − 1e-12.
    pub alpha: f64,
    /// Simulations per batch, 1 to [`MAX_SIMULATIONS`] (default 100); early stopping is
    /// checked between batches.
    pub batch_size: u64,
    /// Stop once the Monte Carlo s.e. of the power is at most this (checked at batch ends,
    /// using `P̃ = (R + 1)/(S + 2)` so that a power of 0 or 1 in the first batches does not stop
    /// the run at once).
    pub target_mc_se: Option<f64>,
    /// Never stop early before this many simulations.
    pub min_simulations: u64,
    /// Keep every simulation's record in the summary.
    pub keep_records: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            seed: 1,
            simulations: 1000,
            alpha: 0.05,
            batch_size: 100,
            target_mc_se: None,
            min_simulations: 200,
            keep_records: false,
        }
    }
}

/// Most simulations one run may ask for: 1,000,000 (each is a generated data set and a fit;
/// the `simulations` key of a config and `power simulate --simulations`).
pub const MAX_SIMULATIONS: u64 = 1_000_000;

impl RunOptions {
    /// Validate.
    ///
    /// # Errors
    /// Zero or more than [`MAX_SIMULATIONS`] simulations, a batch size of 0 or above
    /// [`MAX_SIMULATIONS`], alpha outside
    /// [1e-12, 1 − 1e-12], a non-positive target.
    pub fn check(&self) -> Result<()> {
        crate::error::check_alpha("alpha", self.alpha)?;
        if self.simulations == 0 || self.simulations > MAX_SIMULATIONS {
            return Err(PowerError::InvalidParameter {
                name: "simulations",
                value: self.simulations as f64,
                reason: "must be between 1 and 1,000,000 (5,000 give a Monte Carlo s.e. of the \
                         power below 0.007)"
                    .into(),
            });
        }
        if self.batch_size == 0 || self.batch_size > MAX_SIMULATIONS {
            return Err(PowerError::InvalidParameter {
                name: "batch_size",
                value: self.batch_size as f64,
                reason: "must be between 1 and 1,000,000 (simulations run in parallel within a batch; the default 100 is right for almost every run)".into(),
            });
        }
        if let Some(t) = self.target_mc_se
            && !(t.is_finite() && t > 0.0 && t < 0.5)
        {
            return Err(PowerError::InvalidParameter {
                name: "target_mc_se",
                value: t,
                reason: "the target Monte Carlo s.e. of the power must be in (0, 0.5)".into(),
            });
        }
        Ok(())
    }
}

/// A quantity with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct McValue {
    pub value: f64,
    pub mc_se: f64,
}

/// Operating characteristics of a simulation run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationSummary {
    pub seed: u64,
    pub alpha: f64,
    pub simulations_requested: u64,
    pub simulations_run: u64,
    pub batch_size: u64,
    pub stopped_early: bool,
    /// Simulations with every number finite.
    pub n_valid: u64,
    /// Simulations whose analysis returned a non-finite number (counted, never dropped
    /// silently: they are non-rejections in `power` and excluded from bias/RMSE/coverage).
    pub n_non_finite: u64,
    /// Simulations whose analysis failed.
    pub n_failed: u64,
    /// Message of the first failed simulation.
    pub first_failure: Option<String>,
    pub power: McValue,
    pub bias: McValue,
    pub empirical_se: McValue,
    pub rmse: McValue,
    pub coverage: McValue,
    pub mean_estimate: f64,
    pub mean_truth: f64,
    /// Mean of the reported standard errors (compare with `empirical_se`).
    pub mean_std_error: f64,
    pub mean_ci_width: f64,
    pub records: Option<Vec<SimRecord>>,
}

/// Run a simulation study.
///
/// `dgp(rng)` draws one data set (simulation `s` gets `stream(seed, Simulation, s)`),
/// `analysis` analyses it, `progress(k)` is called with the number of simulations just
/// finished (from worker threads; the total is deterministic).
///
/// # Errors
/// Invalid options; an error of the data-generating process (a configuration error, reported
/// with the simulation index).
pub fn run<D, G, A>(
    options: &RunOptions,
    dgp: &G,
    analysis: &A,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<SimulationSummary>
where
    D: Send,
    G: Fn(&mut Rng) -> Result<Draw<D>> + Sync,
    A: Analysis<D> + ?Sized,
{
    options.check()?;
    let streams = Streams::new(options.seed, Purpose::Simulation);
    let mut records: Vec<SimRecord> = Vec::with_capacity(options.simulations.min(1 << 20) as usize);
    let mut rejections = 0u64;
    let mut stopped_early = false;
    let mut start = 0u64;
    while start < options.simulations {
        let end = (start + options.batch_size).min(options.simulations);
        let batch: Vec<Result<SimRecord>> = (start..end)
            .into_par_iter()
            .map(|s| {
                let mut rng = streams.get(s);
                let draw = dgp(&mut rng).map_err(|e| match e {
                    PowerError::Config(m) => PowerError::Config(format!("simulation {s}: {m}")),
                    other => other,
                })?;
                let rec = record(s, draw.truth, analysis.analyse(&draw.data), options.alpha);
                progress(1);
                Ok(rec)
            })
            .collect();
        for r in batch {
            let r = r?;
            rejections += u64::from(r.reject);
            records.push(r);
        }
        start = end;
        if let Some(target) = options.target_mc_se {
            let s = records.len() as u64;
            if s >= options.min_simulations && start < options.simulations {
                let p = (rejections as f64 + 1.0) / (s as f64 + 2.0);
                if (p * (1.0 - p) / s as f64).sqrt() <= target {
                    stopped_early = true;
                    break;
                }
            }
        }
    }
    Ok(summarise(options, records, stopped_early))
}

fn record(
    sim: u64,
    truth: f64,
    result: std::result::Result<SimEstimate, String>,
    alpha: f64,
) -> SimRecord {
    match result {
        Ok(e) => {
            let finite = [e.estimate, e.std_error, e.conf_low, e.conf_high, e.p_value]
                .iter()
                .all(|x| x.is_finite());
            SimRecord {
                sim,
                truth,
                estimate: e.estimate,
                std_error: e.std_error,
                conf_low: e.conf_low,
                conf_high: e.conf_high,
                p_value: e.p_value,
                reject: finite && e.p_value < alpha,
                status: if finite {
                    SimStatus::Ok
                } else {
                    SimStatus::NonFinite
                },
            }
        }
        Err(msg) => SimRecord {
            sim,
            truth,
            estimate: f64::NAN,
            std_error: f64::NAN,
            conf_low: f64::NAN,
            conf_high: f64::NAN,
            p_value: f64::NAN,
            reject: false,
            status: SimStatus::Failed(msg),
        },
    }
}

fn summarise(
    options: &RunOptions,
    records: Vec<SimRecord>,
    stopped_early: bool,
) -> SimulationSummary {
    let s = records.len() as u64;
    let sf = s.max(1) as f64;
    let rejections = records.iter().filter(|r| r.reject).count() as f64;
    let power = rejections / sf;
    let valid: Vec<&SimRecord> = records
        .iter()
        .filter(|r| r.status == SimStatus::Ok)
        .collect();
    let n_valid = valid.len() as u64;
    let n_non_finite = records
        .iter()
        .filter(|r| r.status == SimStatus::NonFinite)
        .count() as u64;
    let first_failure = records.iter().find_map(|r| match &r.status {
        SimStatus::Failed(m) => Some(format!("simulation {}: {m}", r.sim)),
        _ => None,
    });
    let n_failed = records
        .iter()
        .filter(|r| matches!(r.status, SimStatus::Failed(_)))
        .count() as u64;
    let nv = valid.len() as f64;
    let mean = |f: &dyn Fn(&SimRecord) -> f64| -> f64 {
        if valid.is_empty() {
            f64::NAN
        } else {
            valid.iter().map(|r| f(r)).sum::<f64>() / nv
        }
    };
    let mean_estimate = mean(&|r| r.estimate);
    let mean_truth = mean(&|r| r.truth);
    let errors: Vec<f64> = valid.iter().map(|r| r.estimate - r.truth).collect();
    let bias = mean(&|r| r.estimate - r.truth);
    let var_err = if nv > 1.0 {
        errors.iter().map(|e| (e - bias).powi(2)).sum::<f64>() / (nv - 1.0)
    } else {
        f64::NAN
    };
    let emp_var = if nv > 1.0 {
        valid
            .iter()
            .map(|r| (r.estimate - mean_estimate).powi(2))
            .sum::<f64>()
            / (nv - 1.0)
    } else {
        f64::NAN
    };
    let emp_se = emp_var.sqrt();
    let mse = mean(&|r| (r.estimate - r.truth).powi(2));
    let rmse = mse.sqrt();
    let mse_se = if nv > 1.0 {
        (errors.iter().map(|e| (e * e - mse).powi(2)).sum::<f64>() / (nv * (nv - 1.0))).sqrt()
    } else {
        f64::NAN
    };
    let covered = valid
        .iter()
        .filter(|r| r.conf_low <= r.truth && r.truth <= r.conf_high)
        .count() as f64;
    let coverage = if nv > 0.0 { covered / nv } else { f64::NAN };
    SimulationSummary {
        seed: options.seed,
        alpha: options.alpha,
        simulations_requested: options.simulations,
        simulations_run: s,
        batch_size: options.batch_size,
        stopped_early,
        n_valid,
        n_non_finite,
        n_failed,
        first_failure,
        power: McValue {
            value: power,
            mc_se: (power * (1.0 - power) / sf).sqrt(),
        },
        bias: McValue {
            value: bias,
            mc_se: (var_err / nv).sqrt(),
        },
        empirical_se: McValue {
            value: emp_se,
            mc_se: emp_se / (2.0 * (nv - 1.0)).sqrt(),
        },
        rmse: McValue {
            value: rmse,
            mc_se: if rmse > 0.0 {
                mse_se / (2.0 * rmse)
            } else {
                f64::NAN
            },
        },
        coverage: McValue {
            value: coverage,
            mc_se: (coverage * (1.0 - coverage) / nv).sqrt(),
        },
        mean_estimate,
        mean_truth,
        mean_std_error: mean(&|r| r.std_error),
        mean_ci_width: mean(&|r| r.conf_high - r.conf_low),
        records: options.keep_records.then_some(records),
    }
}

#[cfg(test)]
mod options_tests {
    use super::*;

    #[test]
    fn batch_size_is_held_to_its_stated_range() {
        let ok = RunOptions::default();
        assert!(ok.check().is_ok());
        for bad in [0, MAX_SIMULATIONS + 1, u64::MAX] {
            let e = RunOptions {
                batch_size: bad,
                ..RunOptions::default()
            }
            .check()
            .unwrap_err()
            .to_string();
            assert!(e.contains("batch_size") && e.contains("1,000,000"), "{e}");
        }
    }
}
