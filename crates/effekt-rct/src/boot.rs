//! Bootstrap of the effect through effekt-resample, respecting the design: rows are resampled
//! within arm (and block), whole clusters within arm (and block) in a cluster-randomised design,
//! whole pairs in a matched-pairs design, and whole clusters (within blocks) when the clusters
//! are only a sampling structure. The statistic is the estimator itself on the weighted
//! resample.

use effekt_resample::{
    BootstrapConfig, BootstrapResult, Estimate, FnStatistic, Layout, LinearKind, LinearStatistic,
    ProgressFn, Scheme, bootstrap, bootstrap_linear,
};
use faer::Mat;
use serde::{Deserialize, Serialize};

use crate::RctError;
use crate::config::Estimator;
use crate::dim::Design;
use crate::linalg::spd_solve;
use crate::prepare::Prepared;

/// Bootstrap result with a description of the scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BootstrapSummary {
    /// What was resampled, in words.
    pub scheme_description: String,
    #[serde(flatten)]
    pub result: BootstrapResult,
}

/// How the design is resampled: (strata, clusters, scheme, description).
fn layout(p: &Prepared, design: Option<Design>) -> Result<(Layout, Scheme, String), RctError> {
    let n = p.n();
    let arm: Vec<u32> = p.t.iter().map(|&b| u32::from(b)).collect();
    let block_arm: Option<Vec<u32>> = p
        .block_codes()
        .map(|b| b.iter().zip(&arm).map(|(&bl, &a)| 2 * bl + a).collect());
    let pairs = matches!(
        design,
        Some(Design::MatchedPair | Design::MatchedPairClustered)
    );
    if pairs {
        let b = p.block_codes().unwrap_or(&[]);
        return Ok((
            Layout::new(n, None, Some(b))?,
            Scheme::Cluster,
            "pair bootstrap: whole pairs (blocks) resampled with replacement".into(),
        ));
    }
    let strata_assigned = block_arm.clone().unwrap_or_else(|| arm.clone());
    let by = if p.blocks.is_some() {
        "block and arm"
    } else {
        "arm"
    };
    Ok(match (p.cluster_codes(), p.cluster_assigned) {
        (Some(c), true) => (
            Layout::new(n, Some(&strata_assigned), Some(c))?,
            Scheme::Cluster,
            format!("cluster bootstrap: whole clusters resampled within {by}"),
        ),
        (Some(c), false) => (
            Layout::new(n, p.block_codes(), Some(c))?,
            Scheme::Cluster,
            if p.blocks.is_some() {
                "cluster bootstrap: whole clusters resampled within blocks".into()
            } else {
                "cluster bootstrap: whole clusters resampled".into()
            },
        ),
        (None, _) => (
            Layout::new(n, Some(&strata_assigned), None)?,
            Scheme::Stratified,
            format!("stratified bootstrap: rows resampled within {by}"),
        ),
    })
}

/// Weighted block-size-weighted difference in means.
fn blocked_dim_weighted(y: &[f64], t: &[bool], block: &[u32], nb: usize, w: &[f64]) -> f64 {
    // per block: Σw, Σw y (treated), Σw (treated), Σw y (control), Σw (control)
    let mut acc = vec![[0.0f64; 4]; nb];
    for i in 0..y.len() {
        let Some(s) = acc.get_mut(block[i] as usize) else {
            continue;
        };
        let k = if t[i] { 0 } else { 2 };
        s[k] += w[i] * y[i];
        s[k + 1] += w[i];
    }
    let total: f64 = acc.iter().map(|s| s[1] + s[3]).sum();
    // Blocks not drawn in this replicate (pair and cluster schemes) carry no weight.
    acc.iter()
        .filter(|s| s[1] + s[3] > 0.0)
        .map(|s| (s[1] + s[3]) / total * (s[0] / s[1] - s[2] / s[3]))
        .sum()
}

/// Weighted least squares of `y` on the row-major design `z` (n × q); returns β or `None`.
fn wls(z: &[f64], q: usize, y: &[f64], w: &[f64]) -> Option<Vec<f64>> {
    let mut a = Mat::<f64>::zeros(q, q);
    let mut b = Mat::<f64>::zeros(q, 1);
    for i in 0..y.len() {
        let wi = w[i];
        if wi == 0.0 {
            continue;
        }
        let row = &z[i * q..(i + 1) * q];
        for r in 0..q {
            let wr = wi * row[r];
            b[(r, 0)] += wr * y[i];
            for c in 0..=r {
                a[(r, c)] += wr * row[c];
            }
        }
    }
    spd_solve(&mut a, &mut b).then(|| (0..q).map(|r| b[(r, 0)]).collect())
}

/// Bootstrap the effect.
pub(crate) fn run(
    p: &Prepared,
    estimator: Estimator,
    design: Option<Design>,
    covariate_columns: &[Vec<f64>],
    config: &BootstrapConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<BootstrapSummary, RctError> {
    let (layout, scheme, description) = layout(p, design)?;
    let config = BootstrapConfig {
        scheme,
        ..config.clone()
    };
    let result = match estimator {
        Estimator::DifferenceInMeans => match p.block_codes() {
            None => {
                let g: Vec<u32> = p.t.iter().map(|&b| u32::from(b)).collect();
                let stat = LinearStatistic::new(LinearKind::MeanDiff, &p.y, None, Some(&g))?;
                bootstrap_linear(&stat, &layout, &config, progress)?
            }
            Some(b) => {
                let nb = p.blocks.as_ref().map_or(0, |g| g.n_groups());
                let stat = FnStatistic::new(p.n(), |w: &[f64]| Estimate {
                    value: blocked_dim_weighted(&p.y, &p.t, b, nb, w),
                    se: None,
                });
                bootstrap(&stat, &layout, &config, progress)?
            }
        },
        Estimator::Ancova | Estimator::Lin => {
            let n = p.n();
            let k = covariate_columns.len();
            let means: Vec<f64> = covariate_columns
                .iter()
                .map(|c| c.iter().sum::<f64>() / n as f64)
                .collect();
            let lin = estimator == Estimator::Lin;
            // z = [1, T, X − x̄ (, T·(X − x̄))]
            let q = 2 + if lin { 2 * k } else { k };
            let mut z = Vec::with_capacity(n * q);
            for i in 0..n {
                let ti = f64::from(u8::from(p.t[i]));
                z.push(1.0);
                z.push(ti);
                for (c, m) in covariate_columns.iter().zip(&means) {
                    z.push(c[i] - m);
                }
                if lin {
                    for (c, m) in covariate_columns.iter().zip(&means) {
                        z.push(ti * (c[i] - m));
                    }
                }
            }
            let stat = FnStatistic::new(n, |w: &[f64]| {
                let value = match wls(&z, q, &p.y, w) {
                    Some(beta) if lin => {
                        // τ = β_T + (x̄_w − x̄)'β_TX
                        let sw: f64 = w.iter().sum();
                        let mut tau = beta[1];
                        for (j, c) in covariate_columns.iter().enumerate() {
                            let xw = c.iter().zip(w).map(|(x, wi)| x * wi).sum::<f64>() / sw;
                            tau += (xw - means[j]) * beta[2 + k + j];
                        }
                        tau
                    }
                    Some(beta) => beta[1],
                    None => f64::NAN,
                };
                Estimate { value, se: None }
            });
            bootstrap(&stat, &layout, &config, progress)?
        }
    };
    Ok(BootstrapSummary {
        scheme_description: description,
        result,
    })
}
