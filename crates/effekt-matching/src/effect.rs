//! The effect after matching: the weighted difference in means on the matched sample (what
//! `lm(y ~ treat, data = match.data(m), weights = weights)` gives), optionally regression
//! adjusted, with the standard error MatchIt's documentation recommends for the design, the
//! Abadie–Imbens standard error after matching with replacement, and a bootstrap that resamples
//! matched pairs (strata).
//!
//! # Inference (defaults)
//! * **Pairs without replacement**: cluster-robust on the pair/subclass (MatchIt's
//!   recommendation: `sandwich::vcovCL(fit, cluster = ~subclass)`; Abadie & Spiess 2022). The
//!   default is CR2 with Satterthwaite df (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018),
//!   which stays valid with few pairs; `SeMethod::Cr1` gives MatchIt's `vcovCL` (HC1-type
//!   factor `G/(G−1)·(n−1)/(n−k)`) with `G − 1` df.
//! * **With replacement**: Abadie & Imbens (2006), treating the distance as known, exactly as
//!   `Matching::Match` (Sekhon 2011) computes it (`Var.calc` = [`crate::EffectOptions::ai_variance_matches`]).
//!   With regression adjustment: HC3 (MatchIt's recommendation; Hill & Reiter 2006).
//! * **CEM**: HC3 (MatchIt's recommendation when there are no pairs).
//! * **Bootstrap** (`resamples > 0`): pairs/strata resampled whole (the cluster bootstrap of
//!   Austin & Small 2014 and Abadie & Spiess 2022); the reported interval is the requested
//!   bootstrap interval, the standard error the bootstrap SD, the p-value normal-based.

use effekt_data::Covariate;
use effekt_models::{
    Counterfactual, DesignBuilder, InferenceNote, OlsOptions, TidyRow, VarianceEstimator, dist,
    expand_covariates, ols,
};
use effekt_notes::{Arm, Note};
use effekt_resample::{
    BootstrapConfig, Estimate, FnStatistic, Interval, Layout, ProgressFn, Scheme, bootstrap,
};
use serde::{Deserialize, Serialize};

use crate::search::KdTree;
use crate::{BootstrapOptions, Estimand, MatchError};

/// The effect estimate with its inference and counterfactual.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// `"ATT"`, `"ATC"` or `"ATE"`.
    pub term: String,
    pub estimate: f64,
    pub std_error: f64,
    pub statistic: f64,
    /// `None` for normal-based inference.
    pub df: Option<f64>,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
    pub level: f64,
    /// Which inference was used and why.
    pub inference: InferenceNote,
    /// Treated mean, estimated counterfactual mean (`treated − effect`) and comparison mean, all
    /// in the matched/weighted sample.
    pub counterfactual: Counterfactual,
    /// Mean outcome of all controls before matching (for context: the naive comparison).
    pub control_mean_unmatched: f64,
    /// Regression adjustment used.
    pub adjusted: bool,
    /// Analytic result when the bootstrap replaced it at the top level.
    pub analytic: Option<TidyRow>,
    pub bootstrap: Option<BootstrapSummary>,
}

/// Summary of the bootstrap of the effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSummary {
    pub resamples: usize,
    pub seed: u64,
    /// What was resampled.
    pub scheme: String,
    pub std_error: f64,
    pub bias: f64,
    pub interval: Interval,
    /// Replicates with a non-finite estimate (left out).
    pub nonfinite: usize,
    pub warnings: Vec<Note>,
}

/// Standard error actually used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Vce {
    Cluster(VarianceEstimator),
    Hc3,
    AbadieImbens,
}

/// Matches for the Abadie–Imbens variance.
pub(crate) struct AiInput<'a> {
    /// focal unit → matched units.
    pub matches: &'a [Vec<u32>],
    /// `Some` for J > 0: coordinates of every unit (row-major, `dim` each) for the
    /// within-group nearest neighbours.
    pub coords: Option<(&'a [f64], usize)>,
    pub j: usize,
    /// Units that can serve as neighbours (not discarded).
    pub usable: &'a [bool],
}

pub(crate) struct EffectInput<'a> {
    pub y: &'a [f64],
    pub treat: &'a [bool],
    pub weights: &'a [f64],
    /// Subclass per unit (`u32::MAX` = none).
    pub subclass: Option<&'a [u32]>,
    pub estimand: Estimand,
    /// Covariates for regression adjustment.
    pub adjust: Option<&'a [Covariate]>,
    pub vce: Vce,
    pub reason: String,
    pub level: f64,
    pub bootstrap: &'a BootstrapOptions,
    pub seed: u64,
    pub ai: Option<AiInput<'a>>,
    pub progress: Option<ProgressFn<'a>>,
}

fn wmean(y: &[f64], w: &[f64], keep: impl Fn(usize) -> bool) -> f64 {
    let (mut s, mut sw) = (0.0, 0.0);
    for i in 0..y.len() {
        if keep(i) {
            s += w[i] * y[i];
            sw += w[i];
        }
    }
    s / sw
}

/// Design (on the rows `rows`) for the effect regression: intercept, treatment and, with
/// adjustment, covariates centred at the weighted means of the target group and their
/// interactions with treatment.
fn design(
    inp: &EffectInput<'_>,
    rows: &[usize],
    w: &[f64],
) -> Result<effekt_models::DesignMatrix, MatchError> {
    let t: Vec<bool> = rows.iter().map(|&i| inp.treat[i]).collect();
    let mut b = DesignBuilder::new(rows.len())
        .intercept()
        .treatment("treat", &t);
    if let Some(covs) = inp.adjust {
        let (cols, _) = expand_covariates(covs).map_err(MatchError::Effect)?;
        let target = |k: usize| match inp.estimand {
            Estimand::Att => t[k],
            Estimand::Atc => !t[k],
            Estimand::Ate => true,
        };
        let mut inter = Vec::new();
        for c in cols {
            let x: Vec<f64> = rows.iter().map(|&i| c.values[i]).collect();
            let (mut s, mut sw) = (0.0, 0.0);
            for (k, &i) in rows.iter().enumerate() {
                if target(k) {
                    s += w[i] * x[k];
                    sw += w[i];
                }
            }
            let m = s / sw;
            let xc: Vec<f64> = x.iter().map(|v| v - m).collect();
            inter.push((
                format!("treat:{}", c.name),
                xc.iter()
                    .zip(&t)
                    .map(|(v, &tt)| if tt { *v } else { 0.0 })
                    .collect::<Vec<f64>>(),
            ));
            b = b.numeric(c.name, xc);
        }
        for (name, v) in inter {
            b = b.numeric(name, v);
        }
    }
    b.build().map_err(MatchError::Effect)
}

/// Weighted OLS effect on the units with positive weight; returns the tidy row of `treat` and
/// the number of clusters.
fn ols_effect(
    inp: &EffectInput<'_>,
    w: &[f64],
    vce: Option<Vce>,
) -> Result<(TidyRow, Option<usize>), MatchError> {
    let rows: Vec<usize> = (0..w.len()).filter(|&i| w[i] > 0.0).collect();
    let d = design(inp, &rows, w)?;
    let y: Vec<f64> = rows.iter().map(|&i| inp.y[i]).collect();
    let ww: Vec<f64> = rows.iter().map(|&i| w[i]).collect();
    let clusters: Option<Vec<u32>> = match (vce, inp.subclass) {
        (Some(Vce::Cluster(_)), Some(s)) => Some(rows.iter().map(|&i| s[i]).collect()),
        _ => None,
    };
    let est = match vce {
        Some(Vce::Cluster(e)) => e,
        Some(Vce::Hc3) | None => VarianceEstimator::Hc3,
        Some(Vce::AbadieImbens) => VarianceEstimator::Hc0,
    };
    let fit = ols(
        &d,
        &y,
        &OlsOptions {
            weights: Some(&ww),
            vcov: Some(est),
            clusters: clusters.as_deref(),
            ..Default::default()
        },
    )
    .map_err(MatchError::Effect)?;
    let row = fit
        .tidy(inp.level)
        .map_err(MatchError::Effect)?
        .into_iter()
        .find(|r| r.term == "treat")
        .ok_or_else(|| MatchError::Numerical {
            what: "the treatment coefficient was not estimated".into(),
            hint: "check that both groups are in the matched sample".into(),
        })?;
    Ok((row, fit.vcov().n_clusters()))
}

/// Point estimate only (bootstrap replicates).
fn point(inp: &EffectInput<'_>, w: &[f64]) -> f64 {
    if inp.adjust.is_none() {
        let m1 = wmean(inp.y, w, |i| inp.treat[i] && w[i] > 0.0);
        let m0 = wmean(inp.y, w, |i| !inp.treat[i] && w[i] > 0.0);
        return m1 - m0;
    }
    let rows: Vec<usize> = (0..w.len()).filter(|&i| w[i] > 0.0).collect();
    let Ok(d) = design(inp, &rows, w) else {
        return f64::NAN;
    };
    let y: Vec<f64> = rows.iter().map(|&i| inp.y[i]).collect();
    let ww: Vec<f64> = rows.iter().map(|&i| w[i]).collect();
    match ols(
        &d,
        &y,
        &OlsOptions {
            weights: Some(&ww),
            vcov: Some(VarianceEstimator::Classical),
            ..Default::default()
        },
    ) {
        Ok(f) => f.coef("treat").unwrap_or(f64::NAN),
        Err(_) => f64::NAN,
    }
}

/// Abadie & Imbens (2006) variance, as `Matching:::Rmatch` (`SAMPLE = FALSE`,
/// `BiasAdjust = FALSE`). Returns (estimate, se).
fn abadie_imbens(inp: &EffectInput<'_>, ai: &AiInput<'_>) -> Result<(f64, f64), MatchError> {
    let n = inp.y.len();
    let y = inp.y;
    let mut k = vec![0.0; n];
    let mut kk = vec![0.0; n];
    let mut tau: Vec<Option<f64>> = vec![None; n];
    for (i, row) in ai.matches.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        let m = row.len() as f64;
        let mean: f64 = row.iter().map(|&c| y[c as usize]).sum::<f64>() / m;
        for &c in row {
            k[c as usize] += 1.0 / m;
            kk[c as usize] += 1.0 / (m * m);
        }
        tau[i] = Some(if inp.treat[i] {
            y[i] - mean
        } else {
            mean - y[i]
        });
    }
    let used: Vec<f64> = tau.iter().flatten().copied().collect();
    let n1 = used.len() as f64;
    if used.is_empty() {
        return Err(MatchError::Numerical {
            what: "no matched units for the Abadie-Imbens variance".into(),
            hint: "check the caliper".into(),
        });
    }
    let est = used.iter().sum::<f64>() / n1;
    let ate = inp.estimand == Estimand::Ate;
    let sig2: Vec<f64> = if ai.j == 0 {
        // Matching: half the mean over matched pairs of (τ_pair − τ̂)², pairs weighted 1/M_i
        let mut s = 0.0;
        for (i, row) in ai.matches.iter().enumerate() {
            let m = row.len() as f64;
            for &c in row {
                let tp = if inp.treat[i] {
                    y[i] - y[c as usize]
                } else {
                    y[c as usize] - y[i]
                };
                s += (tp - est) * (tp - est) / m;
            }
        }
        vec![0.5 * s / n1; n]
    } else {
        conditional_variances(inp, ai, &k)?
    };
    let mut v = used.iter().map(|t| (t - est) * (t - est)).sum::<f64>() / (n1 * n1);
    for i in 0..n {
        if k[i] > 0.0 {
            let f = if ate {
                k[i] * k[i] + 2.0 * k[i] - kk[i]
            } else {
                k[i] * k[i] - kk[i]
            };
            v += sig2[i] * f / (n1 * n1);
        }
    }
    Ok((est, v.sqrt()))
}

/// σ²(X_i, W_i) from the `J` nearest units of the same group (ties with the J-th included):
/// the sample variance of the unit's outcome and theirs (Abadie & Imbens 2006, eq. 14;
/// `Matching`'s `Var.calc`).
fn conditional_variances(
    inp: &EffectInput<'_>,
    ai: &AiInput<'_>,
    k: &[f64],
) -> Result<Vec<f64>, MatchError> {
    let n = inp.y.len();
    let Some((coords, dim)) = ai.coords else {
        return Ok(vec![0.0; n]);
    };
    let mut out = vec![0.0; n];
    for g in [false, true] {
        let units: Vec<u32> = (0..n)
            .filter(|&i| inp.treat[i] == g && ai.usable[i])
            .map(|i| i as u32)
            .collect();
        if units.len() < 2 {
            continue;
        }
        let tree = KdTree::new(&units, coords, dim, &[]);
        for &u in &units {
            let i = u as usize;
            if k[i] <= 0.0 {
                continue;
            }
            let q = &coords[i * dim..(i + 1) * dim];
            let d2 = |v: u32| -> f64 {
                let p = &coords[v as usize * dim..(v as usize + 1) * dim];
                p.iter().zip(q).map(|(a, b)| (a - b) * (a - b)).sum()
            };
            // the unit itself, its J nearest, and every further unit tied with the J-th
            let mut nb: Vec<u32> = vec![u];
            let mut cut: Option<f64> = None;
            loop {
                // exact ties here, as Matching's Var.calc
                let found = tree.best(q, &[], 0.0, &|v: u32| !nb.contains(&v));
                let Some((_, v)) = found else { break };
                let dv = d2(v);
                if cut.is_some_and(|c| dv > c) {
                    break;
                }
                nb.push(v);
                if nb.len() == ai.j + 1 {
                    cut = Some(dv);
                }
            }
            let m = nb.len() as f64;
            let mean = nb.iter().map(|&v| inp.y[v as usize]).sum::<f64>() / m;
            let ss = nb
                .iter()
                .map(|&v| (inp.y[v as usize] - mean).powi(2))
                .sum::<f64>();
            out[i] = if m > 1.0 { ss / (m - 1.0) } else { 0.0 };
        }
    }
    Ok(out)
}

/// Estimate the effect.
pub(crate) fn estimate(inp: &EffectInput<'_>) -> Result<Effect, MatchError> {
    let n = inp.y.len();
    let w = inp.weights;
    let (row, n_clusters) = match inp.vce {
        Vce::AbadieImbens => {
            let ai = inp.ai.as_ref().ok_or_else(|| MatchError::Numerical {
                what: "Abadie-Imbens variance without matches".into(),
                hint: "this is a bug; please report it".into(),
            })?;
            let (_, se) = abadie_imbens(inp, ai)?;
            // the point estimate is the weighted difference in means (identical to the mean of
            // the unit-level effects; taken from the regression for consistency with R)
            let (r, _) = ols_effect(inp, w, Some(Vce::AbadieImbens))?;
            let t = dist::z_test(r.estimate, se, inp.level).map_err(MatchError::Effect)?;
            (
                TidyRow {
                    term: "treat".into(),
                    estimate: r.estimate,
                    std_error: se,
                    statistic: t.statistic,
                    df: None,
                    p_value: t.p_value,
                    conf_low: t.conf_low,
                    conf_high: t.conf_high,
                },
                None,
            )
        }
        v => ols_effect(inp, w, Some(v))?,
    };
    let m1 = wmean(inp.y, w, |i| inp.treat[i] && w[i] > 0.0);
    let m0 = wmean(inp.y, w, |i| !inp.treat[i] && w[i] > 0.0);
    let ones = vec![1.0; n];
    let control_all = wmean(inp.y, &ones, |i| !inp.treat[i]);
    let method = match inp.vce {
        Vce::Cluster(e) => format!(
            "{} on the matched pairs/subclasses ({} clusters)",
            e.description(),
            n_clusters.unwrap_or(0)
        ),
        Vce::Hc3 => VarianceEstimator::Hc3.description().to_string(),
        Vce::AbadieImbens => format!(
            "Abadie-Imbens (2006) standard error for matching with replacement ({}), normal reference",
            inp.ai
                .as_ref()
                .map_or("homoskedastic".to_string(), |a| if a.j == 0 {
                    "homoskedastic conditional variance".to_string()
                } else {
                    format!("conditional variances from {} within-group matches", a.j)
                })
        ),
    };
    let mut inference = match inp.vce {
        Vce::Cluster(e) => InferenceNote::for_estimator(e, n_clusters, inp.reason.clone()),
        _ => InferenceNote {
            method: method.clone(),
            reason: inp.reason.clone(),
            warnings: Vec::new(),
        },
    };
    inference.method = method;
    let n1 = (0..n).filter(|&i| inp.treat[i] && w[i] > 0.0).count();
    let n0 = (0..n).filter(|&i| !inp.treat[i] && w[i] > 0.0).count();
    for (arm, units) in [(Arm::Treated, n1), (Arm::Control, n0)] {
        if units < 20 {
            inference
                .warnings
                .push(Note::FewMatchedUnits { arm, units });
        }
    }
    let mut effect = Effect {
        term: inp.estimand.name().to_string(),
        estimate: row.estimate,
        std_error: row.std_error,
        statistic: row.statistic,
        df: row.df,
        p_value: row.p_value,
        conf_low: row.conf_low,
        conf_high: row.conf_high,
        level: inp.level,
        inference,
        counterfactual: Counterfactual::from_effect(m1, row.estimate, m0),
        control_mean_unmatched: control_all,
        adjusted: inp.adjust.is_some(),
        analytic: None,
        bootstrap: None,
    };
    if inp.bootstrap.resamples > 0 {
        run_bootstrap(inp, &mut effect, row)?;
    }
    Ok(effect)
}

fn run_bootstrap(
    inp: &EffectInput<'_>,
    effect: &mut Effect,
    analytic: TidyRow,
) -> Result<(), MatchError> {
    let sub = inp.subclass.ok_or_else(|| MatchError::Unsupported {
        what: "the bootstrap without matched pairs or strata".into(),
        hint: "use the analytic standard error".into(),
    })?;
    let rows: Vec<usize> = (0..inp.y.len())
        .filter(|&i| inp.weights[i] > 0.0 && sub[i] != u32::MAX)
        .collect();
    let clusters: Vec<u32> = rows.iter().map(|&i| sub[i]).collect();
    let layout = Layout::new(rows.len(), None, Some(&clusters)).map_err(MatchError::Bootstrap)?;
    let n_clusters = {
        let mut c = clusters.clone();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    let n = inp.y.len();
    let stat = FnStatistic::new(rows.len(), |bw: &[f64]| {
        let mut w = vec![0.0; n];
        for (k, &i) in rows.iter().enumerate() {
            w[i] = bw[k] * inp.weights[i];
        }
        Estimate {
            value: point(inp, &w),
            se: None,
        }
    });
    let config = BootstrapConfig {
        resamples: inp.bootstrap.resamples,
        seed: inp.seed,
        scheme: Scheme::Cluster,
        intervals: vec![inp.bootstrap.interval],
        level: inp.level,
        ..Default::default()
    };
    let res = bootstrap(&stat, &layout, &config, inp.progress).map_err(MatchError::Bootstrap)?;
    let interval = res
        .intervals
        .first()
        .cloned()
        .ok_or_else(|| MatchError::Numerical {
            what: "the bootstrap returned no interval".into(),
            hint: "this is a bug; please report it".into(),
        })?;
    let z = dist::z_test(effect.estimate, res.std_error, inp.level).map_err(MatchError::Effect)?;
    effect.std_error = res.std_error;
    effect.statistic = z.statistic;
    effect.df = None;
    effect.p_value = z.p_value;
    effect.conf_low = interval.low;
    effect.conf_high = interval.high;
    let name = interval.method.name();
    let analytic_method = std::mem::take(&mut effect.inference.method);
    effect.inference.method = format!(
        "pair bootstrap: the {n_clusters} matched pairs/subclasses resampled whole (cluster bootstrap), B = {} resamples, seed {}, {name} interval; SE = bootstrap SD, p-value normal-based",
        res.resamples, res.seed
    );
    // the reason given for the analytic standard error no longer describes what was used
    effect.inference.reason = format!(
        "requested (bootstrap with B = {} resamples, seed {}): the interval comes from the bootstrap distribution of the effect instead of an analytic standard error; pairs/subclasses are resampled whole because units matched to each other are not independent (Austin & Small 2014; Abadie & Spiess 2022). The analytic result ({analytic_method}) is kept as the analytic row for comparison",
        res.resamples, res.seed
    );
    effect
        .inference
        .warnings
        .extend(res.warnings.iter().cloned());
    effect.analytic = Some(analytic);
    effect.bootstrap = Some(BootstrapSummary {
        resamples: res.resamples,
        seed: res.seed,
        scheme: "matched pairs/subclasses resampled whole (cluster bootstrap)".into(),
        std_error: res.std_error,
        bias: res.bias,
        interval,
        nonfinite: res.nonfinite,
        warnings: res.warnings,
    });
    Ok(())
}
