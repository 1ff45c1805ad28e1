//! Covariate balance before and after matching/weighting, with MatchIt 4.5.1's
//! `summary.matchit()` definitions (which are cobalt's `bal.tab` conventions, except where noted).
//!
//! For each covariate (categorical covariates as one 0/1 column per level, named
//! `covariate` + `level` as R's `model.matrix` with all levels), in the full sample (weights 1)
//! and in the matched sample (matching weights):
//!
//! * **Means** per group, weighted: `Σ w x / Σ w`.
//! * **Standardised mean difference** `(x̄_t − x̄_c)/s`, with the *same* `s` before and after,
//!   computed on the full sample: the treated SD for the ATT, the control SD for the ATC and
//!   `sqrt((s_t² + s_c²)/2)` for the ATE (Stuart 2010; cobalt's `s.d.denom` defaults). SDs use
//!   the `n − 1` divisor; for a binary (0/1) covariate `s² = p(1 − p)`. If `s` is zero or not
//!   finite, the pooled SD of both groups is used. When `|x̄_t − x̄_c| ≤ √ε` the raw difference is
//!   reported (MatchIt). cobalt shows raw differences for binary covariates by default; the
//!   raw difference is also in [`BalanceRow::mean_diff_after`].
//! * **Variance ratio** `s²_t / s²_c` with weighted variances
//!   `Σ w (x − x̄)² / (1 − Σ w²)` (`w` normalised to sum 1), for non-binary covariates only.
//! * **eCDF mean / max**: the mean and the maximum over the distinct values of `x` of the
//!   absolute difference of the weighted empirical CDFs of the two groups (for binary
//!   covariates both equal `|p_t − p_c|`). The maximum is the Kolmogorov–Smirnov statistic
//!   (cobalt's `KS`), reported as [`BalanceRow::ks_after`].
//! * **Standardised pair distance** (matched sample): the mean `|x_t − x_c|` over matched pairs
//!   (over all treated–control pairs within a subclass for CEM), divided by `s`.
//!
//! Covariates with `|SMD| > 0.1` after matching are flagged (Stuart, Lee & Leacy 2013).

use effekt_data::{Covariate, CovariateValues};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::Estimand;

/// Threshold for flagging an absolute standardised mean difference.
pub const SMD_THRESHOLD: f64 = 0.1;

/// Balance of one covariate (or dummy level, or the distance).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceRow {
    /// Column name: the covariate, `covariate` + `level` for a level of a categorical
    /// covariate (R's naming), or `distance` for the propensity score.
    pub covariate: String,
    /// The covariate it comes from.
    pub source: String,
    /// `"binary"` or `"continuous"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub mean_treated_before: f64,
    pub mean_control_before: f64,
    pub mean_treated_after: f64,
    pub mean_control_after: f64,
    /// Raw difference in means after matching, treated − control.
    pub mean_diff_after: f64,
    pub smd_before: Option<f64>,
    pub smd_after: Option<f64>,
    pub var_ratio_before: Option<f64>,
    pub var_ratio_after: Option<f64>,
    pub ecdf_mean_before: Option<f64>,
    pub ecdf_mean_after: Option<f64>,
    pub ecdf_max_before: Option<f64>,
    pub ecdf_max_after: Option<f64>,
    /// Kolmogorov–Smirnov statistic after matching (= `ecdf_max_after`).
    pub ks_after: Option<f64>,
    /// Standardised mean absolute within-pair difference (matched sample).
    pub pair_distance: Option<f64>,
    /// `|smd_after| > 0.1`.
    pub flagged: bool,
}

/// One point of a love plot: |SMD| of a covariate before or after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LovePoint {
    pub covariate: String,
    /// `"before"` or `"after"`.
    pub sample: String,
    pub abs_smd: f64,
}

/// Sample sizes as MatchIt's `summary()$nn`, per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSizes {
    pub all: usize,
    /// Effective sample size `(Σ w)² / Σ w²` of the full sample (= `all` without weights).
    pub all_ess: f64,
    pub matched: usize,
    /// Effective sample size of the matched/weighted sample.
    pub matched_ess: f64,
    pub unmatched: usize,
    pub discarded: usize,
}

/// Sample sizes of both groups.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleSizes {
    pub treated: GroupSizes,
    pub control: GroupSizes,
}

/// A balance column (numeric, or one dummy of a categorical covariate).
pub(crate) struct BalanceColumn {
    pub name: String,
    pub source: String,
    pub values: Vec<f64>,
}

/// Full-dummy expansion of the balance covariates (all levels, as `get.covs.matrix`).
pub(crate) fn balance_columns(covs: &[&Covariate]) -> Vec<BalanceColumn> {
    let mut out = Vec::new();
    for c in covs {
        match &c.values {
            CovariateValues::Numeric(x) => out.push(BalanceColumn {
                name: c.name.clone(),
                source: c.name.clone(),
                values: x.clone(),
            }),
            CovariateValues::Categorical { levels, codes } => {
                for (l, level) in levels.iter().enumerate() {
                    out.push(BalanceColumn {
                        name: format!("{}{}", c.name, level),
                        source: c.name.clone(),
                        values: codes
                            .iter()
                            .map(|&k| f64::from(u8::from(k as usize == l)))
                            .collect(),
                    });
                }
            }
        }
    }
    out
}

fn wmean(x: &[f64], w: &[f64], idx: &[usize]) -> f64 {
    let mut sw = 0.0;
    let mut sx = 0.0;
    for &i in idx {
        sx += x[i] * w[i];
        sw += w[i];
    }
    sx / sw
}

/// MatchIt's `wvar`: weights normalised to sum 1; binary `p(1 − p)`, otherwise
/// `Σ w (x − x̄)² / (1 − Σ w²)`.
fn wvar(x: &[f64], w: &[f64], idx: &[usize], binary: bool) -> f64 {
    let sw: f64 = idx.iter().map(|&i| w[i]).sum();
    let mx: f64 = idx.iter().map(|&i| w[i] / sw * x[i]).sum();
    if binary {
        return mx * (1.0 - mx);
    }
    let mut num = 0.0;
    let mut sw2 = 0.0;
    for &i in idx {
        let wi = w[i] / sw;
        num += wi * (x[i] - mx) * (x[i] - mx);
        sw2 += wi * wi;
    }
    num / (1.0 - sw2)
}

/// A column in order of its values: x, group and position (for the weights).
pub(crate) struct Sorted {
    x: Vec<f64>,
    treat: Vec<bool>,
    idx: Vec<u32>,
}

impl Sorted {
    fn new(x: &[f64], treat: &[bool]) -> Self {
        let keys: Vec<u64> = x.iter().map(|&v| crate::prep::orderable(v)).collect();
        let idx = crate::prep::argsort_u64(&keys);
        Self {
            x: idx.iter().map(|&i| x[i as usize]).collect(),
            treat: idx.iter().map(|&i| treat[i as usize]).collect(),
            idx,
        }
    }
}

/// eCDF mean and max differences (MatchIt `qqsum(standardize = TRUE)`): over the distinct
/// values, |F_t − F_c| of the weighted eCDFs; `w = None` means weights 1.
fn ecdf_stats(s: &Sorted, w: Option<&[f64]>) -> (f64, f64) {
    let n = s.x.len();
    let wt = |k: usize| w.map_or(1.0, |w| w[s.idx[k] as usize]);
    let (mut s1, mut s0) = (0.0, 0.0);
    for k in 0..n {
        if s.treat[k] {
            s1 += wt(k);
        } else {
            s0 += wt(k);
        }
    }
    // the group of the first sorted unit gets the negative sign (only |·| is used)
    let first_treated = s.treat.first().copied().unwrap_or(false);
    let mut cum = 0.0;
    let mut sum = 0.0;
    let mut count = 0usize;
    let mut max: f64 = 0.0;
    let (r1, r0) = (1.0 / s1, 1.0 / s0);
    for k in 0..n {
        let wi = if s.treat[k] { wt(k) * r1 } else { wt(k) * r0 };
        if s.treat[k] == first_treated {
            cum -= wi;
        } else {
            cum += wi;
        }
        if k + 1 == n || s.x[k + 1] != s.x[k] {
            let e = cum.abs();
            sum += e;
            count += 1;
            max = max.max(e);
        }
    }
    (sum / count.max(1) as f64, max)
}

/// Statistics of one column under one set of weights.
struct Side {
    mt: f64,
    mc: f64,
    smd: Option<f64>,
    vr: Option<f64>,
    em: Option<f64>,
    ex: Option<f64>,
    pair: Option<f64>,
}

/// Pairs for the pair distance.
pub(crate) enum Pairs<'a> {
    /// focal unit → matched units.
    Matches(&'a [Vec<u32>]),
    /// subclass per unit (`u32::MAX` = none).
    Subclass(&'a [u32]),
    None,
}

fn pair_distance(x: &[f64], treat: &[bool], pairs: &Pairs<'_>) -> Option<f64> {
    match pairs {
        Pairs::Matches(m) => {
            let mut s = 0.0;
            let mut k = 0usize;
            for (t, row) in m.iter().enumerate() {
                for &c in row {
                    s += (x[t] - x[c as usize]).abs();
                    k += 1;
                }
            }
            (k > 0).then(|| s / k as f64)
        }
        Pairs::Subclass(sub) => {
            let n_sub = sub
                .iter()
                .filter(|&&s| s != u32::MAX)
                .map(|&s| s as usize + 1)
                .max()?;
            let mut t_vals: Vec<Vec<f64>> = vec![Vec::new(); n_sub];
            let mut c_vals: Vec<Vec<f64>> = vec![Vec::new(); n_sub];
            for i in 0..x.len() {
                if sub[i] == u32::MAX {
                    continue;
                }
                if treat[i] {
                    t_vals[sub[i] as usize].push(x[i]);
                } else {
                    c_vals[sub[i] as usize].push(x[i]);
                }
            }
            let mut total = 0.0;
            let mut pairs = 0.0;
            for s in 0..n_sub {
                let c = &mut c_vals[s];
                if c.is_empty() || t_vals[s].is_empty() {
                    continue;
                }
                c.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
                let mut prefix = Vec::with_capacity(c.len() + 1);
                prefix.push(0.0);
                for v in c.iter() {
                    prefix.push(prefix[prefix.len() - 1] + v);
                }
                let sum_c = prefix[c.len()];
                for &v in &t_vals[s] {
                    let k = c.partition_point(|&z| z < v);
                    let below = v * k as f64 - prefix[k];
                    let above = (sum_c - prefix[k]) - v * (c.len() - k) as f64;
                    total += below + above;
                }
                pairs += (t_vals[s].len() * c.len()) as f64;
            }
            (pairs > 0.0).then(|| total / pairs)
        }
        Pairs::None => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn side(
    x: &[f64],
    treat: &[bool],
    i1: &[usize],
    i0: &[usize],
    w: &[f64],
    binary: bool,
    std: Option<f64>,
    sorted: Option<&Sorted>,
    after: bool,
    pairs: Option<&Pairs<'_>>,
) -> Side {
    let nz1 = i1.iter().filter(|&&i| w[i] != 0.0).count();
    let nz0 = i0.iter().filter(|&&i| w[i] != 0.0).count();
    let too_small = nz1 < 2 && nz0 < 2;
    let mt = wmean(x, w, i1);
    let mc = wmean(x, w, i0);
    let mdiff = mt - mc;
    let eps = f64::EPSILON.sqrt();
    let (smd, pair) = if mdiff.abs() > eps {
        if too_small {
            (None, None)
        } else {
            let s = std.unwrap_or(f64::NAN);
            let pd = pairs
                .and_then(|p| pair_distance(x, treat, p))
                .map(|d| if d.abs() > 1e-8 { d / s } else { d });
            (Some(mdiff / s), pd)
        }
    } else {
        (Some(mdiff), pairs.and_then(|p| pair_distance(x, treat, p)))
    };
    let (vr, em, ex) = if binary {
        (None, Some(mdiff.abs()), Some(mdiff.abs()))
    } else if !too_small {
        // zero weights add nothing to the weighted sums
        let vr = wvar(x, w, i1, false) / wvar(x, w, i0, false);
        let (em, ex) = sorted.map_or((f64::NAN, f64::NAN), |s| ecdf_stats(s, after.then_some(w)));
        (Some(vr), Some(em), Some(ex))
    } else {
        (None, None, None)
    };
    Side {
        mt,
        mc,
        smd,
        vr,
        em,
        ex,
        pair,
    }
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// The SMD denominator `s` on the full sample (see the module docs).
fn std_denominator(
    x: &[f64],
    ones: &[f64],
    i1: &[usize],
    i0: &[usize],
    binary: bool,
    estimand: Estimand,
) -> f64 {
    let v1 = wvar(x, ones, i1, binary);
    let v0 = wvar(x, ones, i0, binary);
    let s = match estimand {
        Estimand::Att => v1.sqrt(),
        Estimand::Atc => v0.sqrt(),
        Estimand::Ate => ((v1 + v0) / 2.0).sqrt(),
    };
    if s.is_finite() && s >= f64::EPSILON.sqrt() {
        return s;
    }
    // pooled_sd(contribution = "proportional")
    let n = x.len() as f64;
    if binary {
        let part = |idx: &[usize]| {
            let sx: f64 = idx.iter().map(|&i| x[i]).sum();
            let ni = idx.len() as f64;
            sx * (1.0 - sx / ni) / n
        };
        (part(i1) + part(i0)).sqrt()
    } else {
        let ss = |idx: &[usize]| {
            let m = idx.iter().map(|&i| x[i]).sum::<f64>() / idx.len() as f64;
            idx.iter().map(|&i| (x[i] - m).powi(2)).sum::<f64>()
        };
        ((ss(i1) + ss(i0)) / (n - 2.0)).sqrt()
    }
}

/// Balance of the columns before (weights 1) and after (`weights`).
pub(crate) fn balance_table(
    cols: &[BalanceColumn],
    treat: &[bool],
    weights: &[f64],
    estimand: Estimand,
    pairs: &Pairs<'_>,
) -> Vec<BalanceRow> {
    let n = treat.len();
    let i1: Vec<usize> = (0..n).filter(|&i| treat[i]).collect();
    let i0: Vec<usize> = (0..n).filter(|&i| !treat[i]).collect();
    let ones = vec![1.0; n];
    cols.par_iter()
        .map(|col| {
            let x = &col.values;
            let binary = x.iter().all(|&v| v == 0.0 || v == 1.0);
            // the eCDF statistics of non-binary columns need the units in order of x (ties by
            // index, as R's stable `order`)
            let sorted = (!binary).then(|| Sorted::new(x, treat));
            let s = std_denominator(x, &ones, &i1, &i0, binary, estimand);
            let before = side(
                x,
                treat,
                &i1,
                &i0,
                &ones,
                binary,
                Some(s),
                sorted.as_ref(),
                false,
                None,
            );
            let after = side(
                x,
                treat,
                &i1,
                &i0,
                weights,
                binary,
                Some(s),
                sorted.as_ref(),
                true,
                Some(pairs),
            );
            let smd_after = finite(after.smd);
            BalanceRow {
                covariate: col.name.clone(),
                source: col.source.clone(),
                kind: if binary { "binary" } else { "continuous" }.into(),
                mean_treated_before: before.mt,
                mean_control_before: before.mc,
                mean_treated_after: after.mt,
                mean_control_after: after.mc,
                mean_diff_after: after.mt - after.mc,
                smd_before: finite(before.smd),
                smd_after,
                var_ratio_before: finite(before.vr),
                var_ratio_after: finite(after.vr),
                ecdf_mean_before: finite(before.em),
                ecdf_mean_after: finite(after.em),
                ecdf_max_before: finite(before.ex),
                ecdf_max_after: finite(after.ex),
                ks_after: finite(after.ex),
                pair_distance: finite(after.pair),
                flagged: smd_after.is_some_and(|v| v.abs() > SMD_THRESHOLD),
            }
        })
        .collect()
}

/// Love-plot data: |SMD| before and after for every row.
pub(crate) fn love_plot(rows: &[BalanceRow]) -> Vec<LovePoint> {
    let mut out = Vec::with_capacity(rows.len() * 2);
    for r in rows {
        if let Some(v) = r.smd_before {
            out.push(LovePoint {
                covariate: r.covariate.clone(),
                sample: "before".into(),
                abs_smd: v.abs(),
            });
        }
        if let Some(v) = r.smd_after {
            out.push(LovePoint {
                covariate: r.covariate.clone(),
                sample: "after".into(),
                abs_smd: v.abs(),
            });
        }
    }
    out
}

/// Kish's effective sample size `(Σ w)² / Σ w²`.
pub fn ess(w: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut s2) = (0.0, 0.0);
    for v in w {
        s += v;
        s2 += v * v;
    }
    if s2 > 0.0 { s * s / s2 } else { 0.0 }
}
