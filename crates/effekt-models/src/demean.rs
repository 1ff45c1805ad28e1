//! Fixed-effects demeaning (the within transformation) for one or more factors, and the count of
//! absorbed parameters used by small-sample corrections.
//!
//! # Method of alternating projections
//! For factors `f_1, …, f_F` the within transformation of a column `x` is its residual from the
//! weighted projection on all factor dummies. It is the limit of the sweep
//! `T = (I − P_F) ⋯ (I − P_1)`, where `(I − P_f) x` subtracts from each row the weighted mean of
//! its level of `f_f` (Gaure 2013, "OLS with multiple high dimensional category variables";
//! Guimarães & Portugal 2010). With one factor `T` is the exact projection and one pass is done.
//! With several factors the sweep is iterated until the largest change of any element is below
//! `tolerance · max(1, max|x|)`; the optional Irons–Tuck acceleration (as fixest, Bergé 2018)
//! extrapolates every second sweep: `x ← T²x − (⟨Δ, Δ²⟩/⟨Δ², Δ²⟩) Δ` with `Δ = T²x − Tx`,
//! `Δ² = T²x − 2Tx + x`. The limit is the same with or without acceleration. Columns are
//! processed in parallel; results do not depend on the thread count.
//!
//! Rows with weight 0 do not enter the means but are demeaned too; a level whose rows all have
//! weight 0 is left unchanged.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Settings of the alternating projections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemeanOptions {
    /// Convergence tolerance on the largest change per sweep, relative to `max(1, max|x|)`
    /// (default `1e-10`).
    pub tolerance: f64,
    /// Maximum number of sweeps per column (default 10,000).
    pub max_iter: usize,
    /// Irons–Tuck acceleration (default `true`).
    pub accelerate: bool,
}

impl Default for DemeanOptions {
    fn default() -> Self {
        Self {
            tolerance: 1e-10,
            max_iter: 10_000,
            accelerate: true,
        }
    }
}

/// Demeaned columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Demeaned {
    /// The within-transformed columns, in input order.
    pub columns: Vec<Vec<f64>>,
    /// Sweeps used per column.
    pub iterations: Vec<usize>,
}

/// One factor with dense codes and per-level weight sums.
struct Factor {
    codes: Vec<usize>,
    weight: Vec<f64>,
}

fn densify(codes: &[u32]) -> (Vec<usize>, usize) {
    let mut uniq: Vec<u32> = codes.to_vec();
    uniq.sort_unstable();
    uniq.dedup();
    let map: BTreeMap<u32, usize> = uniq.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    (
        codes
            .iter()
            .map(|c| map.get(c).copied().unwrap_or(0))
            .collect(),
        uniq.len(),
    )
}

/// Sweep out the fixed effects `factors` (codes per row, any `u32` labels) from every column.
///
/// # Errors
/// [`ModelError::LengthMismatch`], [`ModelError::NonFinite`], [`ModelError::InvalidWeight`],
/// [`ModelError::ZeroTotalWeight`], [`ModelError::InvalidOption`] and
/// [`ModelError::NotConverged`] when `max_iter` sweeps do not reach the tolerance.
pub fn demean(
    columns: &[&[f64]],
    factors: &[&[u32]],
    weights: Option<&[f64]>,
    opts: &DemeanOptions,
) -> Result<Demeaned, ModelError> {
    if !(opts.tolerance > 0.0) || opts.max_iter == 0 {
        return Err(ModelError::InvalidOption {
            option: "demean tolerance/max_iter".into(),
            value: format!("{}/{}", opts.tolerance, opts.max_iter),
            expected: "tolerance > 0 and max_iter >= 1".into(),
        });
    }
    let n = columns
        .first()
        .map(|c| c.len())
        .or_else(|| factors.first().map(|f| f.len()))
        .unwrap_or(0);
    for (j, c) in columns.iter().enumerate() {
        if c.len() != n {
            return Err(ModelError::LengthMismatch {
                what: format!("column {j}"),
                expected: n,
                found: c.len(),
            });
        }
        if let Some((row, &value)) = c.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(ModelError::NonFinite {
                what: format!("column {j}"),
                row,
                value,
            });
        }
    }
    for (f, c) in factors.iter().enumerate() {
        if c.len() != n {
            return Err(ModelError::LengthMismatch {
                what: format!("factor {f}"),
                expected: n,
                found: c.len(),
            });
        }
    }
    crate::ols::check_weights(weights, n)?;
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let facs: Vec<Factor> = factors
        .iter()
        .map(|f| {
            let (codes, l) = densify(f);
            let mut weight = vec![0.0; l];
            for (i, &c) in codes.iter().enumerate() {
                weight[c] += w(i);
            }
            Factor { codes, weight }
        })
        .collect();
    let sweep = |x: &mut [f64], sums: &mut Vec<f64>| {
        for f in &facs {
            sums.clear();
            sums.resize(f.weight.len(), 0.0);
            for (i, &c) in f.codes.iter().enumerate() {
                sums[c] += w(i) * x[i];
            }
            for (i, &c) in f.codes.iter().enumerate() {
                if f.weight[c] > 0.0 {
                    x[i] -= sums[c] / f.weight[c];
                }
            }
        }
    };
    let results: Vec<Result<(Vec<f64>, usize), ModelError>> = columns
        .par_iter()
        .enumerate()
        .map(|(j, col)| {
            let mut sums = Vec::new();
            let mut x = col.to_vec();
            if facs.is_empty() {
                return Ok((x, 0));
            }
            if facs.len() == 1 {
                sweep(&mut x, &mut sums);
                return Ok((x, 1));
            }
            let scale = col.iter().fold(1.0_f64, |a, v| a.max(v.abs()));
            let tol = opts.tolerance * scale;
            let maxdiff = |a: &[f64], b: &[f64]| {
                a.iter()
                    .zip(b)
                    .fold(0.0_f64, |m, (p, q)| m.max((p - q).abs()))
            };
            let mut iter = 0usize;
            let mut last = f64::INFINITY;
            while iter < opts.max_iter {
                let mut gx = x.clone();
                sweep(&mut gx, &mut sums);
                iter += 1;
                last = maxdiff(&gx, &x);
                if last < tol {
                    return Ok((gx, iter));
                }
                if !opts.accelerate || iter >= opts.max_iter {
                    x = gx;
                    continue;
                }
                let mut ggx = gx.clone();
                sweep(&mut ggx, &mut sums);
                iter += 1;
                last = maxdiff(&ggx, &gx);
                if last < tol {
                    return Ok((ggx, iter));
                }
                let mut num = 0.0;
                let mut ssq = 0.0;
                for i in 0..n {
                    let d = ggx[i] - gx[i];
                    let d2 = ggx[i] - 2.0 * gx[i] + x[i];
                    num += d * d2;
                    ssq += d2 * d2;
                }
                if ssq == 0.0 {
                    return Ok((ggx, iter));
                }
                let coef = num / ssq;
                for i in 0..n {
                    x[i] = ggx[i] - coef * (ggx[i] - gx[i]);
                }
            }
            Err(ModelError::NotConverged {
                what: format!("fixed-effects demeaning of column {j}"),
                iterations: iter,
                last_change: last / scale,
            })
        })
        .collect();
    let mut out = Demeaned {
        columns: Vec::with_capacity(columns.len()),
        iterations: Vec::with_capacity(columns.len()),
    };
    for r in results {
        let (c, it) = r?;
        out.columns.push(c);
        out.iterations.push(it);
    }
    Ok(out)
}

/// Number of parameters absorbed by fixed effects, counted as pyfixest 0.60 (`feols`,
/// `ssc()` defaults) and fixest (`fixef.K = "nested"`, `fixef.force_exact = FALSE`) count them.
///
/// With `L_f` levels of factor `f` and `F` factors:
/// * `full = Σ L_f − (F − 1)` (one redundant level per factor after the first; exact for one
///   factor and for connected two-way designs);
/// * `nonnested = full − Σ_{f nested} L_f + #nested`, where a factor is *nested* in the clusters
///   when every level lies within a single cluster (pyfixest `k_fixef = "nonnested"`; fixest
///   "nested"). Use it as [`crate::OlsOptions::absorbed_df`] for CR1 to match pyfixest `CRV1`;
///   use `full` for classical and HC1 (pyfixest `iid`, `hetero`);
/// * `exact`: for one or two factors the exact rank of the dummy space,
///   `L_1 + L_2 − (connected components of the bipartite level graph)` (fixest
///   `fixef.force_exact = TRUE`); `None` for three or more factors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbsorbedDf {
    pub levels: Vec<usize>,
    pub nested_in_clusters: Vec<bool>,
    pub full: usize,
    pub nonnested: usize,
    pub exact: Option<usize>,
}

/// Count absorbed parameters (see [`AbsorbedDf`]).
///
/// # Errors
/// [`ModelError::LengthMismatch`] when factors or clusters differ in length.
pub fn absorbed_df(factors: &[&[u32]], clusters: Option<&[u32]>) -> Result<AbsorbedDf, ModelError> {
    let n = factors.first().map_or(0, |f| f.len());
    for (f, c) in factors.iter().enumerate() {
        if c.len() != n {
            return Err(ModelError::LengthMismatch {
                what: format!("factor {f}"),
                expected: n,
                found: c.len(),
            });
        }
    }
    if let Some(c) = clusters
        && c.len() != n
    {
        return Err(ModelError::LengthMismatch {
            what: "clusters".into(),
            expected: n,
            found: c.len(),
        });
    }
    let dense: Vec<(Vec<usize>, usize)> = factors.iter().map(|f| densify(f)).collect();
    let levels: Vec<usize> = dense.iter().map(|d| d.1).collect();
    let nested_in_clusters: Vec<bool> = dense
        .iter()
        .map(|(codes, l)| match clusters {
            None => false,
            Some(cl) => {
                let mut owner: Vec<Option<u32>> = vec![None; *l];
                for (i, &c) in codes.iter().enumerate() {
                    match owner[c] {
                        None => owner[c] = Some(cl[i]),
                        Some(o) if o != cl[i] => return false,
                        Some(_) => {}
                    }
                }
                true
            }
        })
        .collect();
    let f = levels.len();
    let total: usize = levels.iter().sum();
    let full = if f > 1 { total - (f - 1) } else { total };
    let n_nested = nested_in_clusters.iter().filter(|&&b| b).count();
    let nested_levels: usize = levels
        .iter()
        .zip(&nested_in_clusters)
        .filter(|(_, b)| **b)
        .map(|(l, _)| l)
        .sum();
    let nonnested = if n_nested == 0 {
        full
    } else {
        full + n_nested - nested_levels
    };
    let exact = match dense.len() {
        0 => Some(0),
        1 => Some(levels[0]),
        2 => {
            let (a, la) = &dense[0];
            let (b, lb) = &dense[1];
            // union-find over la + lb nodes
            let mut parent: Vec<usize> = (0..la + lb).collect();
            fn find(p: &mut [usize], mut i: usize) -> usize {
                while p[i] != i {
                    p[i] = p[p[i]];
                    i = p[i];
                }
                i
            }
            for i in 0..n {
                let ra = find(&mut parent, a[i]);
                let rb = find(&mut parent, la + b[i]);
                if ra != rb {
                    parent[ra] = rb;
                }
            }
            let comps = (0..la + lb).filter(|&i| find(&mut parent, i) == i).count();
            Some(la + lb - comps)
        }
        _ => None,
    };
    Ok(AbsorbedDf {
        levels,
        nested_in_clusters,
        full,
        nonnested,
        exact,
    })
}
