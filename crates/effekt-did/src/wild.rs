//! The wild cluster bootstrap for one regression coefficient (WCR and WCU; Rademacher, Webb and
//! Mammen weights), with the p-value and the confidence interval by test inversion.
//!
//! # Model and bootstrap
//! `y = β x + Q γ + ε` where `Q` holds the controls and fixed effects, clustered in `G`
//! clusters. The bootstrap t statistic is the CR1 t of the bootstrap sample
//! `y* = (fit under the bootstrap DGP) + û ∘ v`, with one weight `v_g` per cluster (Cameron,
//! Gelbach & Miller 2008): WCR uses the residuals and fit of the model with `β = r` imposed,
//! WCU those of the unrestricted model (MacKinnon & Webb 2017; MacKinnon, Nielsen & Webb 2023).
//! The symmetric p-value is `p = (1/B) Σ_b 1{|t*_b| > |t|}` (as wildboottest and boottest),
//! counting ties `|t*_b| = |t|` (the identity sign vector under WCR) as not exceeding.
//!
//! # The fast algorithm (no refits, nothing of size `n × B`)
//! By Frisch–Waugh–Lovell everything is expressed through `x̃ = M_Q x` and per-cluster sums,
//! computed once (Roodman, MacKinnon, Nielsen & Webb 2019, "Fast and wild"):
//!
//! * fixed effects nested in the clusters (each level inside one cluster) are swept out by
//!   [`effekt_models::demean`]; they drop out of all per-cluster cross products because
//!   `x̃_g'D_g = 0` and `D'(ũ ∘ v) = 0` for such factors;
//! * the remaining columns `N` (controls, dummies of non-nested fixed effects such as periods
//!   when clustering by unit) are partialled out by least squares ([`effekt_models::ols`]),
//!   giving `x̃`, the restricted residuals `ũ(r) = ũ₀ − r x̃` and `K = (Ñ'WÑ)^{-1}`;
//! * per cluster: `s_g = x̃_g'W ũ₀,g`, `c_g = x̃_g'W x̃_g`, `P_g = Ñ_g'W x̃_g`,
//!   `S_g = Ñ_g'W ũ₀,g`.
//!
//! For weights `v`, the bootstrap numerator is `β* − r = (s − r c)'v / c̄` (`c̄ = Σ c_g`) and
//! the bootstrap score of cluster `g` is `S*_g(r) = α_g − r β_g` with
//! `α_g = s_g v_g − P_g K (S'v) − c_g (s'v)/c̄` and `β_g = c_g v_g − P_g K (P'v) − c_g (c'v)/c̄`,
//! so `t*(r) = (n₀ − r n₁) / √(ssc (d₀ − 2 r d₁ + r² d₂))` with `n₀ = s'v`, `n₁ = c'v`,
//! `d₀ = Σα²`, `d₁ = Σαβ`, `d₂ = Σβ²`. A replicate costs `O(G·q)` (low-rank route, `q` = number
//! of columns in `N`) or `O(G²)` with the `G × G` matrices precomputed (dense route, used when
//! `G < 2(q + 1)`); five numbers per replicate are kept, which makes the p-value at any `r` an
//! `O(B)` count and the confidence interval a bisection on `p(r) = 1 − level` with the same
//! weights (test inversion; Roodman et al. 2019, §3.5). The weights are drawn replicate by
//! replicate from the replicate's own stream (`effekt_resample::Streams`,
//! [`effekt_resample::Purpose::Multiplier`]), so results do not depend on the thread count.
//! With Rademacher weights and `2^G ≤ B` all `2^G` sign vectors are enumerated instead (exact).
//! The default weights ([`WildWeights::Auto`]) are Rademacher, except with fewer than
//! [`RADEMACHER_MIN_CLUSTERS`] clusters, where Rademacher weights have so few distinct draws
//! that the p-value is too coarse: there Webb weights are used and the result says so; an
//! explicit choice of Rademacher weights with so few clusters gets a warning.
//!
//! The reported `t` and standard error are CR1 with `ssc = G/(G−1)·(n−1)/(n−K)`, `K` counting
//! `x`, the kept columns of `N` and one per nested fixed effect (pyfixest's `nonnested`
//! convention); `ssc` cancels in the p-value.

use effekt_models::{DemeanOptions, DesignBuilder, OlsOptions, VarianceEstimator, demean, ols};
use effekt_resample::rng::{RngCore, RngExt};
use effekt_resample::{ProgressFn, Purpose, Streams, map_indexed, map_replicates};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::DidError;

/// Fewest clusters with which Rademacher weights are used by default. Below it (`G ≤ 5`) there are at most
/// `2^G = 32` sign vectors and, since `v` and `−v` give the same `|t*|`, at most `2^(G−1) = 16`
/// distinct bootstrap statistics, so the symmetric p-value moves in steps of `1/16`: below
/// 0.0625 it can only be 0. [`WildWeights::Auto`] uses Webb weights there, and an
/// explicit choice of Rademacher weights gets a warning. (fwildclusterboot warns whenever
/// Rademacher weights are enumerated, `2^G ≤ B`, and suggests Webb weights; wildmeta
/// recommends Webb weights below 10 clusters; Webb 2023; MacKinnon, Nielsen & Webb 2023.)
pub const RADEMACHER_MIN_CLUSTERS: usize = 6;

/// Distribution of the cluster weights `v_g`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WildWeights {
    /// The default: Webb weights with fewer than [`RADEMACHER_MIN_CLUSTERS`] clusters (where
    /// Rademacher weights have too few distinct draws), Rademacher weights otherwise. The
    /// result names the weights used and says why.
    #[default]
    Auto,
    /// ±1 with probability 1/2 each (enumerated exactly when `2^G ≤ B`).
    Rademacher,
    /// Six points ±√(1/2), ±1, ±√(3/2), each with probability 1/6 (Webb 2023): better with
    /// very few clusters, where Rademacher has only `2^G` distinct draws.
    Webb,
    /// Two points `−(√5−1)/2` (probability `(√5+1)/(2√5)`) and `(√5+1)/2` (Mammen 1993).
    Mammen,
}

impl WildWeights {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            WildWeights::Auto => "auto",
            WildWeights::Rademacher => "rademacher",
            WildWeights::Webb => "webb",
            WildWeights::Mammen => "mammen",
        }
    }

    /// The weights used with `g` clusters ([`WildWeights::Auto`] resolved) and the warnings
    /// the choice needs: the automatic switch to Webb weights, or Rademacher weights chosen
    /// with fewer than [`RADEMACHER_MIN_CLUSTERS`] clusters.
    pub fn resolve(self, g: usize) -> (WildWeights, Vec<effekt_notes::Note>) {
        let few = g < RADEMACHER_MIN_CLUSTERS;
        match self {
            WildWeights::Auto if few => (
                WildWeights::Webb,
                vec![effekt_notes::Note::WildWebbChosen { clusters: g }],
            ),
            WildWeights::Auto => (WildWeights::Rademacher, Vec::new()),
            WildWeights::Rademacher if few => (
                WildWeights::Rademacher,
                vec![effekt_notes::Note::WildRademacherFewClusters { clusters: g }],
            ),
            w => (w, Vec::new()),
        }
    }
}

/// Whether the null hypothesis is imposed on the bootstrap DGP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WildKind {
    /// Restricted (null imposed; WCR11): the recommended default (MacKinnon & Webb 2017).
    #[default]
    Wcr,
    /// Unrestricted (WCU11).
    Wcu,
}

/// Fewest wild bootstrap replicates accepted. The p-value moves in steps of 1/B and the
/// interval is found by inverting it: with a handful of draws (B = 1 once gave "p = 0.0000"
/// and an interval) neither means anything. 99 is the smallest B for which (B + 1)·α is a whole
/// number at α = 0.01, 0.05 and 0.10 (Davidson & MacKinnon 2000).
pub const MIN_WILD_RESAMPLES: usize = 99;

/// Most wild bootstrap replicates accepted: 1,000,000 (each replicate is a pass over the
/// clusters for the p-value and again for every step of the interval's test inversion, which
/// takes up to ~260 steps).
pub const MAX_WILD_RESAMPLES: usize = 1_000_000;

/// Settings of the wild cluster bootstrap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WildBootstrapConfig {
    /// Number of bootstrap replicates `B` (default 9,999).
    pub resamples: usize,
    /// Weight distribution (default [`WildWeights::Auto`]: Webb below [`RADEMACHER_MIN_CLUSTERS`] clusters, else Rademacher).
    pub weights: WildWeights,
    /// WCR (default) or WCU.
    pub kind: WildKind,
    /// Seed of the weight streams.
    pub seed: u64,
    /// Confidence level of the interval (default 0.95).
    pub level: f64,
    /// Tested value `r` of `H0: β = r` (default 0).
    pub null: f64,
    /// Enumerate all `2^G` Rademacher sign vectors when `2^G ≤ B` (default true).
    pub enumerate: bool,
}

impl Default for WildBootstrapConfig {
    fn default() -> Self {
        Self {
            resamples: 9_999,
            weights: WildWeights::Auto,
            kind: WildKind::Wcr,
            seed: 1,
            level: 0.95,
            null: 0.0,
            enumerate: true,
        }
    }
}

/// The regression whose coefficient on `x` is tested.
#[derive(Debug, Clone)]
pub struct WildProblem<'a> {
    /// Outcome.
    pub y: &'a [f64],
    /// The regressor whose coefficient is tested.
    pub x: &'a [f64],
    /// Its name (for messages and output).
    pub x_name: &'a str,
    /// Other regressors (include an intercept column when there are no fixed effects).
    pub controls: Vec<&'a [f64]>,
    /// Fixed effects: name and per-row codes.
    pub fixed_effects: Vec<(&'a str, &'a [u32])>,
    /// Bootstrap (and variance) clusters per row.
    pub clusters: &'a [u32],
    /// Regression weights (`None` = unweighted).
    pub weights: Option<&'a [f64]>,
}

/// Result of a wild cluster bootstrap test of `H0: β = r`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WildBootstrapResult {
    /// Tested coefficient.
    pub term: String,
    /// OLS estimate `β̂`.
    pub estimate: f64,
    /// Tested value `r`.
    pub null: f64,
    /// CR1 standard error of `β̂`.
    pub std_error: f64,
    /// CR1 t statistic `(β̂ − r)/SE`.
    pub t_stat: f64,
    /// Bootstrap p-value (symmetric).
    pub p_value: f64,
    /// Interval by test inversion (`None`: unbounded on that side).
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// Confidence level.
    pub level: f64,
    /// Replicates used (`2^G` when enumerated).
    pub resamples: usize,
    /// Replicates requested.
    pub resamples_requested: usize,
    /// Whether all Rademacher sign vectors were enumerated.
    pub full_enumeration: bool,
    /// Weights used (never [`WildWeights::Auto`]: resolved for the number of clusters).
    pub weights: WildWeights,
    pub kind: WildKind,
    pub seed: u64,
    pub n_clusters: usize,
    /// One-sentence description of what was done.
    pub method: String,
    /// What the user must know: the weights chosen automatically, or Rademacher weights with
    /// too few clusters (see [`RADEMACHER_MIN_CLUSTERS`]).
    #[serde(default)]
    pub warnings: Vec<effekt_notes::Note>,
}

/// Per-cluster quantities of a prepared wild cluster bootstrap.
#[derive(Debug, Clone)]
pub struct WildBootstrap {
    term: String,
    g: usize,
    beta: f64,
    s0: Vec<f64>,
    c: Vec<f64>,
    route: Route,
    ssc: f64,
    se: f64,
}

#[derive(Debug, Clone)]
enum Route {
    /// `U` (G × r), `W0`, `W1` (G × r), row-major.
    LowRank {
        r: usize,
        u: Vec<f64>,
        w0: Vec<f64>,
        w1: Vec<f64>,
    },
    /// `H0 = U W0'`, `H1 = U W1'` (G × G), row-major.
    Dense { h0: Vec<f64>, h1: Vec<f64> },
}

/// Largest number of dummy columns made for one fixed effect not nested in the clusters.
pub const MAX_NON_NESTED_LEVELS: usize = 2_000;

/// Tolerance of `|t*| > |t|`: ties within this relative distance count as not exceeding.
const TIE: f64 = 1e-9;

impl WildBootstrap {
    /// Partial out the fixed effects and controls and compute the per-cluster quantities.
    ///
    /// # Errors
    /// [`DidError::LengthMismatch`], [`DidError::NonFinite`], [`DidError::SingleCluster`],
    /// [`DidError::TooManyLevels`], [`DidError::NotIdentified`] and [`DidError::Model`].
    pub fn new(p: &WildProblem<'_>) -> Result<Self, DidError> {
        let n = p.y.len();
        let len = |what: &str, l: usize| {
            if l == n {
                Ok(())
            } else {
                Err(DidError::LengthMismatch {
                    what: what.to_string(),
                    expected: n,
                    found: l,
                })
            }
        };
        len("the tested regressor", p.x.len())?;
        len("the clusters", p.clusters.len())?;
        for (j, c) in p.controls.iter().enumerate() {
            len(&format!("control {j}"), c.len())?;
        }
        for (name, f) in &p.fixed_effects {
            len(&format!("fixed effect {name}"), f.len())?;
        }
        if let Some(w) = p.weights {
            len("the weights", w.len())?;
            if let Some((i, &v)) = w
                .iter()
                .enumerate()
                .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
            {
                return Err(DidError::NonFinite {
                    what: "weights".into(),
                    row: i + 1,
                    value: v,
                });
            }
        }
        for (what, v) in [("outcome", p.y), ("tested regressor", p.x)] {
            if let Some((i, &x)) = v.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                return Err(DidError::NonFinite {
                    what: what.into(),
                    row: i + 1,
                    value: x,
                });
            }
        }
        let w = |i: usize| p.weights.map_or(1.0, |w| w[i]);
        let n_used = (0..n).filter(|&i| w(i) > 0.0).count();

        // dense clusters
        let mut labels: Vec<u32> = p.clusters.to_vec();
        labels.sort_unstable();
        labels.dedup();
        let g = labels.len();
        if g < 2 {
            return Err(DidError::SingleCluster {
                column: "cluster".into(),
                label: labels.first().map(|l| l.to_string()).unwrap_or_default(),
            });
        }
        let cl: Vec<usize> = p
            .clusters
            .iter()
            .map(|c| labels.binary_search(c).unwrap_or(0))
            .collect();

        // nested fixed effects are absorbed; the others become dummy columns
        let mut nested: Vec<&[u32]> = Vec::new();
        let mut dummies: Vec<Vec<f64>> = Vec::new();
        for (name, f) in &p.fixed_effects {
            let mut levels: Vec<u32> = f.to_vec();
            levels.sort_unstable();
            levels.dedup();
            let mut owner: Vec<Option<usize>> = vec![None; levels.len()];
            let mut is_nested = true;
            let codes: Vec<usize> = f
                .iter()
                .map(|c| levels.binary_search(c).unwrap_or(0))
                .collect();
            for (i, &l) in codes.iter().enumerate() {
                match owner[l] {
                    None => owner[l] = Some(cl[i]),
                    Some(o) if o != cl[i] => {
                        is_nested = false;
                        break;
                    }
                    _ => {}
                }
            }
            if is_nested {
                nested.push(f);
            } else {
                if levels.len() > MAX_NON_NESTED_LEVELS {
                    return Err(DidError::TooManyLevels {
                        factor: (*name).to_string(),
                        levels: levels.len(),
                        clusters: g,
                    });
                }
                for l in 1..levels.len() {
                    dummies.push(codes.iter().map(|&c| f64::from(u8::from(c == l))).collect());
                }
            }
        }
        if nested.is_empty() && !p.fixed_effects.is_empty() {
            dummies.push(vec![1.0; n]);
        }
        let mut cols: Vec<&[f64]> = vec![p.y, p.x];
        cols.extend(p.controls.iter().copied());
        cols.extend(dummies.iter().map(Vec::as_slice));
        let raw_norm: Vec<f64> = cols
            .iter()
            .map(|c| (0..n).map(|i| w(i) * c[i] * c[i]).sum::<f64>())
            .collect();
        let dm: Vec<Vec<f64>> = if nested.is_empty() {
            cols.iter().map(|c| c.to_vec()).collect()
        } else {
            let opts = DemeanOptions {
                tolerance: 1e-13,
                ..Default::default()
            };
            demean(&cols, &nested, p.weights, &opts)
                .map_err(DidError::model("wild bootstrap: fixed-effects demeaning"))?
                .columns
        };
        // drop control columns that vanish after demeaning (e.g. the intercept)
        let controls: Vec<&Vec<f64>> = dm
            .iter()
            .zip(&raw_norm)
            .skip(2)
            .filter(|(c, r)| {
                let s: f64 = (0..n).map(|i| w(i) * c[i] * c[i]).sum();
                s > 1e-18 * r.max(f64::MIN_POSITIVE)
            })
            .map(|(c, _)| c)
            .collect();
        let yd = &dm[0];
        let xd = &dm[1];

        // partial out the remaining columns
        let (xt, u0, nt, kmat): (Vec<f64>, Vec<f64>, Vec<Vec<f64>>, Vec<f64>) =
            if controls.is_empty() {
                (xd.clone(), yd.clone(), Vec::new(), Vec::new())
            } else {
                let mut b = DesignBuilder::new(n);
                for (j, c) in controls.iter().enumerate() {
                    b = b.numeric(format!("c{j}"), (*c).clone());
                }
                let design = b
                    .build()
                    .map_err(DidError::model("wild bootstrap: controls"))?;
                let opts = OlsOptions {
                    weights: p.weights,
                    vcov: Some(VarianceEstimator::Classical),
                    ..Default::default()
                };
                let fx = ols(&design, xd, &opts)
                    .map_err(DidError::model("wild bootstrap: partialling out"))?;
                let kept: Vec<Vec<f64>> = fx
                    .kept_columns()
                    .iter()
                    .map(|&j| controls[j].clone())
                    .collect();
                let q = kept.len();
                let bread = fx.bread();
                let kmat: Vec<f64> = (0..q * q).map(|ab| bread[(ab / q, ab % q)]).collect();
                // the outcome's residual with the same factorisation: ỹ − Ñ K Ñ'W ỹ
                let nty: Vec<f64> = kept
                    .iter()
                    .map(|c| (0..n).map(|i| w(i) * c[i] * yd[i]).sum())
                    .collect();
                let by: Vec<f64> = (0..q)
                    .map(|a| (0..q).map(|b| kmat[a * q + b] * nty[b]).sum())
                    .collect();
                let mut u0 = yd.clone();
                for (c, b) in kept.iter().zip(&by) {
                    for (u, v) in u0.iter_mut().zip(c) {
                        *u -= b * v;
                    }
                }
                (fx.residuals().to_vec(), u0, kept, kmat)
            };
        let q = nt.len();
        let cc: f64 = (0..n).map(|i| w(i) * xt[i] * xt[i]).sum();
        if !(cc > 1e-12 * raw_norm[1]) || !cc.is_finite() {
            return Err(DidError::NotIdentified {
                term: p.x_name.to_string(),
            });
        }
        let beta = (0..n).map(|i| w(i) * xt[i] * u0[i]).sum::<f64>() / cc;

        // per-cluster sums
        let mut s0 = vec![0.0; g];
        let mut c = vec![0.0; g];
        let mut pm = vec![0.0; g * q];
        let mut sm = vec![0.0; g * q];
        for i in 0..n {
            let wi = w(i);
            if wi == 0.0 {
                continue;
            }
            let k = cl[i];
            s0[k] += wi * xt[i] * u0[i];
            c[k] += wi * xt[i] * xt[i];
            for j in 0..q {
                pm[k * q + j] += wi * nt[j][i] * xt[i];
                sm[k * q + j] += wi * nt[j][i] * u0[i];
            }
        }
        // U = [P K, c / cc], W0 = [S, s0], W1 = [P, c]
        let r = q + 1;
        let mut u = vec![0.0; g * r];
        let mut w0 = vec![0.0; g * r];
        let mut w1 = vec![0.0; g * r];
        for k in 0..g {
            for j in 0..q {
                u[k * r + j] = (0..q).map(|l| pm[k * q + l] * kmat[l * q + j]).sum();
                w0[k * r + j] = sm[k * q + j];
                w1[k * r + j] = pm[k * q + j];
            }
            u[k * r + q] = c[k] / cc;
            w0[k * r + q] = s0[k];
            w1[k * r + q] = c[k];
        }
        let route = if g < 2 * r {
            let prod = |a: &[f64], b: &[f64]| -> Vec<f64> {
                let mut h = vec![0.0; g * g];
                for x in 0..g {
                    for y in 0..g {
                        h[x * g + y] = (0..r).map(|j| a[x * r + j] * b[y * r + j]).sum();
                    }
                }
                h
            };
            Route::Dense {
                h0: prod(&u, &w0),
                h1: prod(&u, &w1),
            }
        } else {
            Route::LowRank { r, u, w0, w1 }
        };
        let k_params = 1 + q + nested.len();
        let ssc = if n_used > k_params {
            (g as f64 / (g as f64 - 1.0))
                * ((n_used as f64 - 1.0) / (n_used as f64 - k_params as f64))
        } else {
            f64::NAN
        };
        let meat: f64 = (0..g).map(|k| (s0[k] - beta * c[k]).powi(2)).sum();
        let se = (ssc * meat).sqrt() / cc;
        Ok(Self {
            term: p.x_name.to_string(),
            g,
            beta,
            s0,
            c,
            route,
            ssc,
            se,
        })
    }

    /// OLS estimate of the tested coefficient.
    pub fn estimate(&self) -> f64 {
        self.beta
    }
    /// CR1 standard error (pyfixest convention).
    pub fn std_error(&self) -> f64 {
        self.se
    }
    /// Number of clusters.
    pub fn n_clusters(&self) -> usize {
        self.g
    }

    /// `[n₀, n₁, d₀, d₁, d₂]` of one weight vector.
    fn replicate(&self, v: &[f64], a: &mut [f64], b: &mut [f64]) -> [f64; 5] {
        let g = self.g;
        let mut n0 = 0.0;
        let mut n1 = 0.0;
        for k in 0..g {
            n0 += self.s0[k] * v[k];
            n1 += self.c[k] * v[k];
        }
        let (mut d0, mut d1, mut d2) = (0.0, 0.0, 0.0);
        match &self.route {
            Route::LowRank { r, u, w0, w1 } => {
                let r = *r;
                a.fill(0.0);
                b.fill(0.0);
                for k in 0..g {
                    let vk = v[k];
                    let (x0, x1) = (&w0[k * r..(k + 1) * r], &w1[k * r..(k + 1) * r]);
                    for j in 0..r {
                        a[j] += x0[j] * vk;
                        b[j] += x1[j] * vk;
                    }
                }
                for k in 0..g {
                    let uk = &u[k * r..(k + 1) * r];
                    let mut ua = 0.0;
                    let mut ub = 0.0;
                    for j in 0..r {
                        ua += uk[j] * a[j];
                        ub += uk[j] * b[j];
                    }
                    let al = self.s0[k] * v[k] - ua;
                    let be = self.c[k] * v[k] - ub;
                    d0 += al * al;
                    d1 += al * be;
                    d2 += be * be;
                }
            }
            Route::Dense { h0, h1 } => {
                for k in 0..g {
                    let (r0, r1) = (&h0[k * g..(k + 1) * g], &h1[k * g..(k + 1) * g]);
                    let mut ha = 0.0;
                    let mut hb = 0.0;
                    for l in 0..g {
                        ha += r0[l] * v[l];
                        hb += r1[l] * v[l];
                    }
                    let al = self.s0[k] * v[k] - ha;
                    let be = self.c[k] * v[k] - hb;
                    d0 += al * al;
                    d1 += al * be;
                    d2 += be * be;
                }
            }
        }
        [n0, n1, d0, d1, d2]
    }

    fn scratch(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let r = match &self.route {
            Route::LowRank { r, .. } => *r,
            Route::Dense { .. } => 0,
        };
        (vec![0.0; self.g], vec![0.0; r], vec![0.0; r])
    }

    /// Whether `cfg` leads to full enumeration, and the number of replicates.
    fn plan(&self, cfg: &WildBootstrapConfig) -> (bool, usize) {
        if cfg.weights.resolve(self.g).0 == WildWeights::Rademacher
            && cfg.enumerate
            && self.g < 40
            && (1usize << self.g) <= cfg.resamples
        {
            (true, 1usize << self.g)
        } else {
            (false, cfg.resamples)
        }
    }

    fn stats(
        &self,
        cfg: &WildBootstrapConfig,
        progress: Option<ProgressFn<'_>>,
    ) -> (bool, Vec<[f64; 5]>) {
        let (enumerate, b) = self.plan(cfg);
        let g = self.g;
        let out = if enumerate {
            map_indexed(
                b,
                progress,
                || self.scratch(),
                |idx, (v, a, bb)| {
                    for (k, vk) in v.iter_mut().enumerate() {
                        *vk = if (idx >> k) & 1 == 1 { 1.0 } else { -1.0 };
                    }
                    self.replicate(v, a, bb)
                },
            )
        } else {
            let streams = Streams::new(cfg.seed, Purpose::Multiplier);
            let weights = cfg.weights.resolve(g).0;
            map_replicates(
                &streams,
                b,
                progress,
                || self.scratch(),
                |_, rng, (v, a, bb)| {
                    draw(weights, rng, &mut v[..g]);
                    self.replicate(v, a, bb)
                },
            )
        };
        (enumerate, out)
    }

    fn t_star(&self, s: &[f64; 5], r: f64) -> f64 {
        let den = self.ssc * (s[2] - 2.0 * r * s[3] + r * r * s[4]);
        (s[0] - r * s[1]) / den.max(0.0).sqrt()
    }

    /// The bootstrap t statistics in replicate order (at `H0: β = cfg.null` for WCR, centred at
    /// `β̂` for WCU), for inspection and tests.
    pub fn t_stats(&self, cfg: &WildBootstrapConfig) -> Vec<f64> {
        let (_, st) = self.stats(cfg, None);
        let r = match cfg.kind {
            WildKind::Wcr => cfg.null,
            WildKind::Wcu => self.beta,
        };
        st.iter().map(|s| self.t_star(s, r)).collect()
    }

    /// Run the bootstrap: p-value of `H0: β = cfg.null` and the interval by test inversion.
    ///
    /// # Errors
    /// [`DidError::InvalidOption`] for `resamples <` [`MIN_WILD_RESAMPLES`] or above
    /// [`MAX_WILD_RESAMPLES`], or a level outside [1e-12, 1 − 1e-12].
    pub fn run(
        &self,
        cfg: &WildBootstrapConfig,
        progress: Option<ProgressFn<'_>>,
    ) -> Result<WildBootstrapResult, DidError> {
        if cfg.resamples < MIN_WILD_RESAMPLES {
            return Err(DidError::InvalidOption {
                option: "wild bootstrap replicates".into(),
                value: cfg.resamples.to_string(),
                expected: format!(
                    "at least {MIN_WILD_RESAMPLES} (9,999 or more recommended; with few clusters \
                     every sign vector is enumerated anyway)"
                ),
            });
        }
        if cfg.resamples > MAX_WILD_RESAMPLES {
            return Err(DidError::InvalidOption {
                option: "wild bootstrap replicates".into(),
                value: cfg.resamples.to_string(),
                expected: format!(
                    "at most {MAX_WILD_RESAMPLES} (9,999 are plenty for a p-value and an \
                     interval)"
                ),
            });
        }
        if !(effekt_models::dist::level_in_range(cfg.level) && cfg.null.is_finite()) {
            return Err(DidError::InvalidOption {
                option: "wild bootstrap level / null".into(),
                value: format!("{} / {}", cfg.level, cfg.null),
                expected: "a level between 1e-12 and 1 - 1e-12 and a finite null value".into(),
            });
        }
        let (weights, warnings) = cfg.weights.resolve(self.g);
        let auto = cfg.weights == WildWeights::Auto;
        let (enumerated, st) = self.stats(cfg, progress);
        let bn = st.len() as f64;
        let se = self.se;
        let t_of = |r: f64| (self.beta - r) / se;
        // WCU: the bootstrap t's do not depend on r; sort their absolute values once (NaN from
        // degenerate draws never counts as exceeding)
        let wcu_sorted: Vec<f64> = match cfg.kind {
            WildKind::Wcu => {
                let mut v: Vec<f64> = st
                    .iter()
                    .map(|s| self.t_star(s, self.beta).abs())
                    .filter(|x| !x.is_nan())
                    .collect();
                v.sort_by(f64::total_cmp);
                v
            }
            WildKind::Wcr => Vec::new(),
        };
        // WCR: columns of the per-replicate numbers, so that p(r) is a tight loop of
        // multiply-adds: |t*(r)| > |t(r)| ⇔ (n₀ − r n₁)² > t(r)² · ssc · (d₀ − 2r d₁ + r² d₂)
        let cols: [Vec<f64>; 5] = match cfg.kind {
            WildKind::Wcr => std::array::from_fn(|j| st.iter().map(|s| s[j]).collect()),
            WildKind::Wcu => Default::default(),
        };
        let ssc = self.ssc;
        let p_at = |r: f64| -> f64 {
            let t = t_of(r).abs() * (1.0 + TIE);
            let count = match cfg.kind {
                // an exact integer count, so the parallel sum is the same at any thread count
                WildKind::Wcr => {
                    let tt = t * t * ssc;
                    let [n0, n1, d0, d1, d2] = &cols;
                    (0..n0.len())
                        .into_par_iter()
                        .with_min_len(4096)
                        .filter(|&i| {
                            let num = n0[i] - r * n1[i];
                            let den = (d0[i] - 2.0 * r * d1[i] + r * r * d2[i]).max(0.0);
                            num * num > tt * den
                        })
                        .count()
                }
                WildKind::Wcu => wcu_sorted.len() - wcu_sorted.partition_point(|&x| x <= t),
            };
            count as f64 / bn
        };
        let p_value = p_at(cfg.null);
        let alpha = 1.0 - cfg.level;
        let (lo, hi) = invert(&p_at, self.beta, se, alpha);
        let method = format!(
            "wild cluster bootstrap-t ({}11, {}{}, {} clusters), p-value and {:.0}% interval by test inversion (Roodman, MacKinnon, Nielsen & Webb 2019)",
            match cfg.kind {
                WildKind::Wcr => "WCR",
                WildKind::Wcu => "WCU",
            },
            if auto && weights == WildWeights::Webb {
                format!(
                    "webb weights (the default with fewer than {RADEMACHER_MIN_CLUSTERS} clusters)"
                )
            } else {
                format!("{} weights", weights.name())
            },
            if enumerated {
                format!(", all {} sign vectors enumerated", st.len())
            } else {
                format!(", B = {}", st.len())
            },
            self.g,
            cfg.level * 100.0
        );
        Ok(WildBootstrapResult {
            term: self.term.clone(),
            estimate: self.beta,
            null: cfg.null,
            std_error: se,
            t_stat: t_of(cfg.null),
            p_value,
            conf_low: lo,
            conf_high: hi,
            level: cfg.level,
            resamples: st.len(),
            resamples_requested: cfg.resamples,
            full_enumeration: enumerated,
            weights,
            kind: cfg.kind,
            seed: cfg.seed,
            n_clusters: self.g,
            method,
            warnings,
        })
    }
}

/// Draw one weight per cluster.
fn draw(weights: WildWeights, rng: &mut effekt_resample::Rng, v: &mut [f64]) {
    match weights {
        WildWeights::Rademacher | WildWeights::Auto => {
            let mut bits = 0u64;
            for (k, vk) in v.iter_mut().enumerate() {
                if k % 64 == 0 {
                    bits = rng.next_u64();
                }
                *vk = if bits & 1 == 1 { 1.0 } else { -1.0 };
                bits >>= 1;
            }
        }
        WildWeights::Webb => {
            const WEBB: [f64; 6] = [
                -1.224_744_871_391_589,
                -1.0,
                -std::f64::consts::FRAC_1_SQRT_2,
                std::f64::consts::FRAC_1_SQRT_2,
                1.0,
                1.224_744_871_391_589,
            ];
            for vk in v.iter_mut() {
                let k: usize = rng.random_range(0..6);
                *vk = WEBB[k];
            }
        }
        WildWeights::Mammen => {
            let s5 = 5f64.sqrt();
            let p_neg = (s5 + 1.0) / (2.0 * s5);
            let (neg, pos) = (-(s5 - 1.0) / 2.0, (s5 + 1.0) / 2.0);
            for vk in v.iter_mut() {
                let u: f64 = rng.random();
                *vk = if u < p_neg { neg } else { pos };
            }
        }
    }
}

/// Ends of `{r : p(r) ≥ alpha}` around `beta` by bracketing (doubling steps of `se`) and
/// bisection; `None` when `p` stays above `alpha` (unbounded interval).
fn invert(p: &dyn Fn(f64) -> f64, beta: f64, se: f64, alpha: f64) -> (Option<f64>, Option<f64>) {
    let step0 = if se.is_finite() && se > 0.0 {
        se
    } else {
        beta.abs().max(1.0) * 1e-3
    };
    let bound = |sign: f64| -> Option<f64> {
        let mut inner = beta;
        let mut step = step0;
        let mut outer = beta + sign * step;
        let mut tries = 0;
        while p(outer) >= alpha {
            inner = outer;
            step *= 2.0;
            outer = beta + sign * step;
            tries += 1;
            if tries > 60 {
                return None;
            }
        }
        // p is a step function of r: stop at a width far below any reported digit
        let tol = 1e-12 * step0.max(beta.abs() * 1e-3);
        for _ in 0..200 {
            let mid = 0.5 * (inner + outer);
            if mid == inner || mid == outer || (outer - inner).abs() <= tol {
                break;
            }
            if p(mid) >= alpha {
                inner = mid;
            } else {
                outer = mid;
            }
        }
        Some(0.5 * (inner + outer))
    };
    (bound(-1.0), bound(1.0))
}
