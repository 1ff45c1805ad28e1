//! Statistics of any form, evaluated on a frequency/weight vector.
//!
//! Every scheme can be expressed as weights on the original rows (Davison & Hinkley 1997, §2.7:
//! a resample is the vector of frequencies f*): the i.i.d. and stratified schemes give counts,
//! the cluster scheme gives each row its cluster's count, the Bayesian bootstrap Dirichlet
//! weights and the Poisson bootstrap Poisson(1) counts. A statistic therefore only has to answer
//! one question — its value when row i carries weight wᵢ — and works under every scheme without
//! copying data. Weights of all ones give the estimate on the original data.

use crate::ResampleError;
use crate::draw::{CHUNK, Indices};
use crate::layout::{Layout, Scheme};
use crate::linear::{Estimate, uniform};
use crate::rng::Rng;
use rand::distr::Distribution;

/// A statistic of weighted data.
pub trait Statistic: Sync {
    /// Number of rows the statistic is defined on.
    fn n(&self) -> usize;
    /// Value (and, when available, standard error) when row i carries weight `w[i]` ≥ 0.
    fn eval(&self, w: &[f64]) -> Estimate;
}

/// Fill `w` with the weights of one replicate under `scheme`.
pub(crate) fn fill_weights(
    layout: &Layout,
    scheme: Scheme,
    rng: &mut Rng,
    w: &mut [f64],
    cluster_counts: &mut Vec<f64>,
    buf: &mut Vec<u32>,
) {
    // Draw `count` indices in 0..count (chunk by chunk, as the linear path does) and add one
    // to the weight of the row each index points to.
    let mut draw = |count: usize, rng: &mut Rng, target: &mut dyn FnMut(usize)| {
        let ix = Indices::new(count);
        buf.resize(CHUNK, 0);
        let mut left = count;
        while left > 0 {
            let k = left.min(CHUNK);
            ix.fill(rng, &mut buf[..k]);
            for &j in &buf[..k] {
                target(j as usize);
            }
            left -= k;
        }
    };
    match scheme {
        Scheme::Iid => {
            w.fill(0.0);
            draw(w.len(), rng, &mut |j| w[j] += 1.0);
        }
        Scheme::Stratified => {
            w.fill(0.0);
            for s in 0..layout.n_strata() {
                let rows = layout.stratum_rows(s);
                draw(rows.len(), rng, &mut |j| w[rows[j]] += 1.0);
            }
        }
        Scheme::Cluster => {
            cluster_counts.clear();
            cluster_counts.resize(layout.n_clusters, 0.0);
            for list in &layout.clusters_in {
                draw(list.len(), rng, &mut |j| {
                    cluster_counts[list[j] as usize] += 1.0
                });
            }
            if let Some(cl) = &layout.cluster_of {
                for (wi, &c) in w.iter_mut().zip(cl) {
                    *wi = cluster_counts[c as usize];
                }
            }
        }
        Scheme::Bayesian => {
            for s in 0..layout.n_strata() {
                let rows = layout.stratum_rows(s);
                let mut total = 0.0;
                for &i in rows {
                    let e: f64 = rand_distr::Exp1.sample(rng);
                    w[i] = e;
                    total += e;
                }
                let scale = rows.len() as f64 / total;
                for &i in rows {
                    w[i] *= scale;
                }
            }
        }
        Scheme::Poisson => {
            if let Ok(pois) = rand_distr::Poisson::new(1.0) {
                for wi in w.iter_mut() {
                    *wi = pois.sample(rng);
                }
            }
        }
    }
}

/// Units the jackknife leaves out, grouped by stratum: rows (or clusters under the cluster
/// scheme), each unit a list of rows. With more than `exact_max` units, units are merged into
/// `groups` random groups per the grouped (delete-d) jackknife, assigned by the seeded stream.
pub(crate) fn jackknife_units(
    layout: &Layout,
    scheme: Scheme,
    exact_max: usize,
    groups: usize,
    rng: &mut Rng,
) -> Vec<Vec<Vec<usize>>> {
    let mut strata: Vec<Vec<Vec<usize>>> = match (scheme, &layout.cluster_of) {
        (Scheme::Cluster, Some(cl)) => {
            let mut rows_of = vec![Vec::new(); layout.n_clusters];
            for (i, &c) in cl.iter().enumerate() {
                rows_of[c as usize].push(i);
            }
            layout
                .clusters_in
                .iter()
                .map(|list| {
                    list.iter()
                        .map(|&c| std::mem::take(&mut rows_of[c as usize]))
                        .collect()
                })
                .collect()
        }
        (Scheme::Iid | Scheme::Poisson, _) => vec![(0..layout.n()).map(|i| vec![i]).collect()],
        _ => (0..layout.n_strata())
            .map(|s| layout.stratum_rows(s).iter().map(|&i| vec![i]).collect())
            .collect(),
    };
    let total: usize = strata.iter().map(Vec::len).sum();
    if total > exact_max {
        for units in &mut strata {
            // Groups in proportion to the stratum's share of units, at least 2.
            let g = ((groups as f64 * units.len() as f64 / total as f64).round() as usize)
                .clamp(2, units.len().max(2));
            // Random assignment via a seeded shuffle: deterministic for the seed.
            let mut idx: Vec<usize> = (0..units.len()).collect();
            for i in (1..idx.len()).rev() {
                let j = uniform(i + 1).sample(rng) as usize;
                idx.swap(i, j);
            }
            let mut merged = vec![Vec::new(); g];
            for (k, &u) in idx.iter().enumerate() {
                merged[k % g].extend_from_slice(&units[u]);
            }
            merged.retain(|m| !m.is_empty());
            *units = merged;
        }
    }
    strata
}

/// Evaluate the jackknife values of a general statistic.
pub(crate) fn jackknife_values<S: Statistic + ?Sized>(
    stat: &S,
    units: &[Vec<Vec<usize>>],
) -> Result<Vec<Vec<f64>>, ResampleError> {
    use rayon::prelude::*;
    let n = stat.n();
    Ok(units
        .iter()
        .map(|stratum| {
            stratum
                .par_iter()
                .map_init(
                    || vec![1.0; n],
                    |w, rows| {
                        for &i in rows {
                            w[i] = 0.0;
                        }
                        let v = stat.eval(w).value;
                        for &i in rows {
                            w[i] = 1.0;
                        }
                        v
                    },
                )
                .collect()
        })
        .collect())
}

/// Weighted quantile machinery over presorted values.
#[derive(Debug, Clone)]
struct Sorted {
    /// Row indices ordered by value.
    order: Vec<usize>,
    values: Vec<f64>,
}

impl Sorted {
    fn new(values: &[f64], rows: impl Iterator<Item = usize>) -> Self {
        let mut order: Vec<usize> = rows.collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
        Self {
            values: order.iter().map(|&i| values[i]).collect(),
            order,
        }
    }

    /// Median of the weighted sample: with total weight W, the value where the cumulative
    /// weight first reaches W/2; when it reaches W/2 exactly, the average of that value and the
    /// next one with positive weight. For integer frequencies this is the ordinary sample median
    /// of the resample. NaN when the total weight is zero.
    fn median(&self, w: &[f64]) -> f64 {
        let total: f64 = self.order.iter().map(|&i| w[i]).sum();
        if total <= 0.0 {
            return f64::NAN;
        }
        let half = total / 2.0;
        let mut cum = 0.0;
        for (k, &i) in self.order.iter().enumerate() {
            let wi = w[i];
            if wi <= 0.0 {
                continue;
            }
            cum += wi;
            if cum >= half {
                if cum == half {
                    let next = self.order[k + 1..]
                        .iter()
                        .zip(&self.values[k + 1..])
                        .find(|(j, _)| w[**j] > 0.0);
                    if let Some((_, &v)) = next {
                        return 0.5 * (self.values[k] + v);
                    }
                }
                return self.values[k];
            }
        }
        self.values[self.values.len() - 1]
    }
}

/// The median of y (a general, non-linear statistic; no standard error, so studentized intervals
/// fall back to percentile).
#[derive(Debug, Clone)]
pub struct Median {
    sorted: Sorted,
    n: usize,
}

impl Median {
    /// # Errors
    /// Empty or non-finite data.
    pub fn new(y: &[f64]) -> Result<Self, ResampleError> {
        if y.is_empty() {
            return Err(ResampleError::TooFew {
                what: "outcome".into(),
                count: 0,
                min: 1,
            });
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(ResampleError::NonFinite {
                what: "outcome".into(),
                index: i,
                value: y[i],
            });
        }
        Ok(Self {
            sorted: Sorted::new(y, 0..y.len()),
            n: y.len(),
        })
    }
}

impl Statistic for Median {
    fn n(&self) -> usize {
        self.n
    }
    fn eval(&self, w: &[f64]) -> Estimate {
        Estimate {
            value: self.sorted.median(w),
            se: None,
        }
    }
}

/// Median of y in group 1 minus median in group 0.
#[derive(Debug, Clone)]
pub struct MedianDiff {
    g0: Sorted,
    g1: Sorted,
    n: usize,
}

impl MedianDiff {
    /// # Errors
    /// Length mismatch, non-finite data, a group code other than 0/1, an empty group.
    pub fn new(y: &[f64], group: &[u32]) -> Result<Self, ResampleError> {
        if y.len() != group.len() {
            return Err(ResampleError::Length {
                what: "group".into(),
                expected: y.len(),
                got: group.len(),
            });
        }
        if let Some(i) = y.iter().position(|v| !v.is_finite()) {
            return Err(ResampleError::NonFinite {
                what: "outcome".into(),
                index: i,
                value: y[i],
            });
        }
        if let Some(i) = group.iter().position(|&g| g > 1) {
            return Err(ResampleError::GroupCode {
                what: "group".into(),
                index: i,
                code: group[i],
                n_groups: 2,
            });
        }
        let g0 = Sorted::new(y, (0..y.len()).filter(|&i| group[i] == 0));
        let g1 = Sorted::new(y, (0..y.len()).filter(|&i| group[i] == 1));
        for (k, g) in [&g0, &g1].iter().enumerate() {
            if g.order.is_empty() {
                return Err(ResampleError::TooFew {
                    what: format!("group {k}"),
                    count: 0,
                    min: 1,
                });
            }
        }
        Ok(Self { g0, g1, n: y.len() })
    }
}

impl Statistic for MedianDiff {
    fn n(&self) -> usize {
        self.n
    }
    fn eval(&self, w: &[f64]) -> Estimate {
        Estimate {
            value: self.g1.median(w) - self.g0.median(w),
            se: None,
        }
    }
}

/// A statistic from a closure over the weight vector.
pub struct FnStatistic<F> {
    n: usize,
    f: F,
}

impl<F: Fn(&[f64]) -> Estimate + Sync> FnStatistic<F> {
    /// Wrap `f`, defined on `n` rows.
    pub fn new(n: usize, f: F) -> Self {
        Self { n, f }
    }
}

impl<F: Fn(&[f64]) -> Estimate + Sync> Statistic for FnStatistic<F> {
    fn n(&self) -> usize {
        self.n
    }
    fn eval(&self, w: &[f64]) -> Estimate {
        (self.f)(w)
    }
}
