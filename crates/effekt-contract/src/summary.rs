//! Summaries of a sample of per-draw payments: mean, percentile interval, histogram, atoms.

use serde::{Deserialize, Serialize};

/// At most this many distinct values are listed as atoms (point masses) of a payment
/// distribution; above it only the histogram is given.
pub const MAX_ATOMS: usize = 12;

/// Summary of one payment series over the draws, plus its value at the point estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentSummary {
    /// Payment at the point estimates of the outcomes.
    pub point: f64,
    /// Expected payment: the mean over draws, `Σ_b x_b / B` (compensated summation in replicate
    /// order).
    pub mean: f64,
    /// Lower end of the percentile interval: the `(1 − level)/2` quantile of the draws.
    pub conf_low: f64,
    /// Upper end: the `(1 + level)/2` quantile.
    pub conf_high: f64,
    /// Smallest per-draw payment.
    pub min: f64,
    /// Largest per-draw payment.
    pub max: f64,
    /// Share of draws with a payment of exactly 0.
    pub share_zero: f64,
}

/// Equal-width histogram over `[min, max]`; the last bin is closed. `counts.len() + 1 ==
/// edges.len()`; when every draw has the same value there is one bin `[v, v]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges, increasing.
    pub edges: Vec<f64>,
    /// Number of draws per bin (they sum to the number of draws).
    pub counts: Vec<u64>,
}

/// A point mass of a payment distribution (all-or-nothing payments take few distinct values).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Atom {
    /// Payment.
    pub value: f64,
    /// Number of draws with exactly this payment.
    pub count: u64,
    /// `count / B`.
    pub share: f64,
}

/// Neumaier-compensated sum (Neumaier 1974), in the given order.
pub(crate) fn compensated_sum(xs: impl Iterator<Item = f64>) -> f64 {
    let mut sum = 0.0_f64;
    let mut c = 0.0_f64;
    for x in xs {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }
    sum + c
}

/// Quantile of sorted data by Hyndman & Fan (1996) definition 7 (R's `quantile(type = 7)`,
/// NumPy's default): with `h = (n − 1) p`, `Q(p) = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋])`.
/// `sorted` must be non-empty and increasing. (Reference for the selection version.)
#[cfg(test)]
pub(crate) fn quantile_type7(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor();
    let i = lo as usize;
    let x_lo = sorted.get(i).copied().unwrap_or(f64::NAN);
    match sorted.get(i + 1) {
        Some(&x_hi) if h > lo => x_lo + (h - lo) * (x_hi - x_lo),
        _ => x_lo,
    }
}

/// Quantile of unsorted data by definition 7, in O(n) by selection (`xs` is reordered).
pub(crate) fn select_quantile_type7(xs: &mut [f64], p: f64) -> f64 {
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p;
    let lo = h.floor();
    let i = (lo as usize).min(n - 1);
    let (_, &mut x_lo, right) = xs.select_nth_unstable_by(i, f64::total_cmp);
    if h > lo && !right.is_empty() {
        let x_hi = right.iter().copied().fold(f64::INFINITY, f64::min);
        x_lo + (h - lo) * (x_hi - x_lo)
    } else {
        x_lo
    }
}

/// Summarise `series` (per-draw payments in replicate order; reordered afterwards). O(B):
/// selection instead of sorting for the two quantiles. `bins = 0` skips the histogram and atoms.
pub(crate) fn summarise(
    series: &mut [f64],
    point: f64,
    level: f64,
    bins: usize,
) -> (PaymentSummary, Histogram, Vec<Atom>) {
    let n = series.len();
    let nf = n as f64;
    let mean = compensated_sum(series.iter().copied()) / nf;
    let mut zeros = 0usize;
    let mut min = f64::INFINITY;
    let mut max = f64::NEG_INFINITY;
    // Atoms: distinct values, if there are at most MAX_ATOMS of them.
    let mut atoms: Vec<Atom> = Vec::with_capacity(MAX_ATOMS);
    let mut many = false;
    for &x in series.iter() {
        if x == 0.0 {
            zeros += 1;
        }
        // Payments are finite (draws are checked), so plain comparisons suffice.
        if x < min {
            min = x;
        }
        if x > max {
            max = x;
        }
        if !many && bins > 0 {
            if let Some(a) = atoms.iter_mut().find(|a| a.value == x) {
                a.count += 1;
            } else if atoms.len() < MAX_ATOMS {
                atoms.push(Atom {
                    value: x,
                    count: 1,
                    share: 0.0,
                });
            } else {
                many = true;
            }
        }
    }
    if n == 0 {
        min = f64::NAN;
        max = f64::NAN;
    }
    if many {
        atoms.clear();
    } else {
        atoms.sort_unstable_by(|a, b| a.value.total_cmp(&b.value));
        for a in &mut atoms {
            a.share = a.count as f64 / nf;
        }
    }
    if bins == 0 {
        atoms.clear();
    }
    let histogram = if bins > 0 {
        histogram(series, min, max, bins)
    } else {
        Histogram {
            edges: Vec::new(),
            counts: Vec::new(),
        }
    };
    let alpha = 1.0 - level;
    let conf_low = select_quantile_type7(series, alpha / 2.0);
    let conf_high = select_quantile_type7(series, 1.0 - alpha / 2.0);
    (
        PaymentSummary {
            point,
            mean,
            conf_low,
            conf_high,
            min,
            max,
            share_zero: zeros as f64 / nf,
        },
        histogram,
        atoms,
    )
}

fn histogram(xs: &[f64], min: f64, max: f64, bins: usize) -> Histogram {
    if max.partial_cmp(&min) != Some(std::cmp::Ordering::Greater) || bins == 0 {
        return Histogram {
            edges: vec![min, max],
            counts: vec![xs.len() as u64],
        };
    }
    let width = (max - min) / bins as f64;
    let inv_width = bins as f64 / (max - min);
    let mut edges: Vec<f64> = (0..bins).map(|k| min + width * k as f64).collect();
    edges.push(max);
    let mut counts = vec![0u64; bins];
    for &x in xs {
        // x ≥ min, so truncation is the floor.
        let k = (((x - min) * inv_width) as usize).min(bins - 1);
        if let Some(c) = counts.get_mut(k) {
            *c += 1;
        }
    }
    Histogram { edges, counts }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_matches_hand_values() {
        // R: quantile(c(1, 2, 3, 4), c(0.025, 0.5, 0.975), type = 7) = 1.075, 2.5, 3.925
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile_type7(&x, 0.025) - 1.075).abs() < 1e-12);
        assert!((quantile_type7(&x, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile_type7(&x, 0.975) - 3.925).abs() < 1e-12);
        assert_eq!(quantile_type7(&[7.0], 0.3), 7.0);
    }

    #[test]
    fn selection_equals_sorted_quantile() {
        let base: Vec<f64> = (0..257)
            .map(|i| ((i * 7919) % 263) as f64 * 0.37 - 20.0)
            .collect();
        let mut sorted = base.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        for p in [0.0, 0.005, 0.025, 0.1, 0.5, 0.9, 0.975, 0.995, 1.0] {
            let mut xs = base.clone();
            assert_eq!(
                select_quantile_type7(&mut xs, p),
                quantile_type7(&sorted, p),
                "p = {p}"
            );
        }
    }

    #[test]
    fn histogram_counts_every_draw() {
        let mut x = vec![0.0, 0.0, 1.0, 2.0, 2.0, 2.0, 3.0];
        let (s, h, atoms) = summarise(&mut x, 0.0, 0.9, 3);
        assert_eq!(h.counts.iter().sum::<u64>(), 7);
        assert_eq!(h.counts, vec![2, 1, 4]);
        assert_eq!(atoms.len(), 4);
        assert_eq!(s.min, 0.0);
        assert_eq!(s.max, 3.0);
        assert!((s.share_zero - 2.0 / 7.0).abs() < 1e-15);
    }

    #[test]
    fn constant_series_has_one_bin() {
        let mut x = vec![5.0; 4];
        let (_, h, atoms) = summarise(&mut x, 5.0, 0.95, 10);
        assert_eq!(h.edges, vec![5.0, 5.0]);
        assert_eq!(h.counts, vec![4]);
        assert_eq!(
            atoms,
            vec![Atom {
                value: 5.0,
                count: 4,
                share: 1.0
            }]
        );
    }
}
