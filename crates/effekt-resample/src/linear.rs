//! The fast path for linear statistics: means, differences and ratios of means, proportions.
//!
//! A linear statistic is a smooth function of per-group weighted moments
//! (Σw, Σwy, Σwy², Σwx, Σwx², Σwxy). A bootstrap replicate therefore never materialises a
//! resampled data set: it draws indices and accumulates the moments of the drawn values in one
//! pass (i.i.d. and stratified schemes), adds precomputed per-cluster moments (cluster scheme:
//! O(G) per replicate), or accumulates random-weighted moments (Bayesian and Poisson schemes).
//! Leave-one-out (jackknife) values are moments minus one row's contribution: O(n) in total.
//!
//! Values are centred at their overall mean before accumulation so that the per-replicate
//! variances (for studentized intervals) do not suffer from cancellation.

use crate::ResampleError;
use crate::draw::{CHUNK, Indices};
use crate::layout::{Layout, Scheme};
use crate::rng::Rng;
use rand::distr::{Distribution, Uniform};

/// Which linear statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinearKind {
    /// Mean of y (a proportion when y is 0/1). SE: s/√n.
    Mean,
    /// Mean of y in group 1 minus mean in group 0 (a difference in proportions for 0/1 data).
    /// SE: √(s₁²/n₁ + s₀²/n₀) (Welch/Neyman).
    MeanDiff,
    /// Mean of y in group 1 divided by mean in group 0. SE by the delta method:
    /// √(s₁²/(n₁ȳ₀²) + ȳ₁² s₀²/(n₀ȳ₀⁴)).
    MeanRatio,
    /// Σy / Σx over all rows (ratio of means of two variables). SE by the delta method:
    /// √(Σ(yᵢ − R xᵢ)²/((n − 1) n)) / |x̄| (Cochran 1977, §6.3).
    RatioOfSums,
}

impl LinearKind {
    fn n_groups(self) -> usize {
        match self {
            LinearKind::Mean | LinearKind::RatioOfSums => 1,
            LinearKind::MeanDiff | LinearKind::MeanRatio => 2,
        }
    }
    fn needs_x(self) -> bool {
        matches!(self, LinearKind::RatioOfSums)
    }
}

/// Weighted moments of centred values.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Moments {
    pub w: f64,
    pub y: f64,
    pub yy: f64,
    pub x: f64,
    pub xx: f64,
    pub xy: f64,
}

impl Moments {
    #[inline]
    fn add_scaled(&mut self, o: &Moments, c: f64) {
        self.w += c * o.w;
        self.y += c * o.y;
        self.yy += c * o.yy;
        self.x += c * o.x;
        self.xx += c * o.xx;
        self.xy += c * o.xy;
    }
    #[inline]
    fn sub(&self, o: &Moments) -> Moments {
        Moments {
            w: self.w - o.w,
            y: self.y - o.y,
            yy: self.yy - o.yy,
            x: self.x - o.x,
            xx: self.xx - o.xx,
            xy: self.xy - o.xy,
        }
    }
    #[inline]
    fn scale(&mut self, c: f64) {
        self.w *= c;
        self.y *= c;
        self.yy *= c;
        self.x *= c;
        self.xx *= c;
        self.xy *= c;
    }
    fn of(y: f64, x: f64) -> Moments {
        Moments {
            w: 1.0,
            y,
            yy: y * y,
            x,
            xx: x * x,
            xy: x * y,
        }
    }
}

/// A linear statistic over data `y` (and `x` for [`LinearKind::RatioOfSums`]) with group codes
/// 0/1 for the two-group kinds.
#[derive(Debug, Clone)]
pub struct LinearStatistic {
    kind: LinearKind,
    /// Centred y and x.
    y: Vec<f64>,
    x: Vec<f64>,
    cy: f64,
    cx: f64,
    group: Vec<u8>,
}

/// Value and standard error of a statistic on one (re)sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    /// Standard error of the statistic on this sample, when the statistic provides one
    /// (needed for studentized intervals).
    pub se: Option<f64>,
}

fn check_finite(what: &str, v: &[f64]) -> Result<(), ResampleError> {
    match v.iter().position(|a| !a.is_finite()) {
        Some(i) => Err(ResampleError::NonFinite {
            what: what.into(),
            index: i,
            value: v[i],
        }),
        None => Ok(()),
    }
}

impl LinearStatistic {
    /// Build the statistic. `group` (0 = reference/control, 1 = comparison/treated) is required
    /// for the two-group kinds; `x` for `RatioOfSums`.
    ///
    /// # Errors
    /// Missing or mismatched inputs, non-finite values, a group code other than 0/1, an empty
    /// group.
    pub fn new(
        kind: LinearKind,
        y: &[f64],
        x: Option<&[f64]>,
        group: Option<&[u32]>,
    ) -> Result<Self, ResampleError> {
        let n = y.len();
        if n == 0 {
            return Err(ResampleError::TooFew {
                what: "outcome".into(),
                count: 0,
                min: 1,
            });
        }
        check_finite("outcome", y)?;
        let x: Vec<f64> = match (kind.needs_x(), x) {
            (true, Some(x)) => {
                if x.len() != n {
                    return Err(ResampleError::Length {
                        what: "denominator variable".into(),
                        expected: n,
                        got: x.len(),
                    });
                }
                check_finite("denominator variable", x)?;
                x.to_vec()
            }
            (true, None) => {
                return Err(ResampleError::Invalid(
                    "a ratio of sums needs a denominator variable".into(),
                ));
            }
            (false, _) => Vec::new(),
        };
        let group: Vec<u8> = if kind.n_groups() == 2 {
            let g = group.ok_or_else(|| {
                ResampleError::Invalid("a two-group statistic needs a group column".into())
            })?;
            if g.len() != n {
                return Err(ResampleError::Length {
                    what: "group".into(),
                    expected: n,
                    got: g.len(),
                });
            }
            let mut out = Vec::with_capacity(n);
            let mut seen = [0usize; 2];
            for (i, &c) in g.iter().enumerate() {
                if c > 1 {
                    return Err(ResampleError::GroupCode {
                        what: "group".into(),
                        index: i,
                        code: c,
                        n_groups: 2,
                    });
                }
                seen[c as usize] += 1;
                out.push(c as u8);
            }
            for (k, &s) in seen.iter().enumerate() {
                if s == 0 {
                    return Err(ResampleError::TooFew {
                        what: format!("group {k}"),
                        count: 0,
                        min: 1,
                    });
                }
            }
            out
        } else {
            vec![0; n]
        };
        let cy = y.iter().sum::<f64>() / n as f64;
        let cx = if x.is_empty() {
            0.0
        } else {
            x.iter().sum::<f64>() / n as f64
        };
        let yc: Vec<f64> = y.iter().map(|v| v - cy).collect();
        let xc: Vec<f64> = x.iter().map(|v| v - cx).collect();
        Ok(Self {
            kind,
            y: yc,
            x: xc,
            cy,
            cx,
            group,
        })
    }

    /// Number of rows.
    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// The kind of statistic.
    pub fn kind(&self) -> LinearKind {
        self.kind
    }

    #[inline]
    fn row(&self, i: usize) -> Moments {
        Moments::of(self.y[i], if self.x.is_empty() { 0.0 } else { self.x[i] })
    }

    /// Statistic (and SE) from per-group moments.
    pub(crate) fn finish(&self, m: &[Moments; 2]) -> Estimate {
        let mean = |g: &Moments| self.cy + g.y / g.w;
        // Unbiased variance of y within a group from centred moments.
        let var = |g: &Moments| ((g.yy - g.y * g.y / g.w) / (g.w - 1.0)).max(0.0);
        match self.kind {
            LinearKind::Mean => {
                let g = &m[0];
                Estimate {
                    value: mean(g),
                    se: Some((var(g) / g.w).sqrt()),
                }
            }
            LinearKind::MeanDiff => {
                let (g0, g1) = (&m[0], &m[1]);
                Estimate {
                    value: mean(g1) - mean(g0),
                    se: Some((var(g1) / g1.w + var(g0) / g0.w).sqrt()),
                }
            }
            LinearKind::MeanRatio => {
                let (g0, g1) = (&m[0], &m[1]);
                let (m0, m1) = (mean(g0), mean(g1));
                let v = var(g1) / (g1.w * m0 * m0) + m1 * m1 * var(g0) / (g0.w * m0.powi(4));
                Estimate {
                    value: m1 / m0,
                    se: Some(v.sqrt()),
                }
            }
            LinearKind::RatioOfSums => {
                let g = &m[0];
                let sy = g.y + g.w * self.cy;
                let sx = g.x + g.w * self.cx;
                let r = sy / sx;
                let k = self.cy - r * self.cx;
                let dd = g.yy - 2.0 * r * g.xy + r * r * g.xx;
                let d = g.y - r * g.x;
                let sum_d2 = dd + 2.0 * k * d + g.w * k * k;
                let xbar = sx / g.w;
                let se = ((sum_d2 / (g.w - 1.0)).max(0.0) / g.w).sqrt() / xbar.abs();
                Estimate {
                    value: r,
                    se: Some(se),
                }
            }
        }
    }

    fn totals(&self) -> [Moments; 2] {
        let mut m = [Moments::default(); 2];
        for i in 0..self.n() {
            let r = self.row(i);
            m[self.group[i] as usize].add_scaled(&r, 1.0);
        }
        m
    }

    /// The statistic on the original data.
    pub fn estimate(&self) -> Estimate {
        self.finish(&self.totals())
    }
}

/// Per-replicate machinery for a linear statistic under a scheme, precomputed once.
pub(crate) struct LinearPlan<'a> {
    stat: &'a LinearStatistic,
    scheme: Scheme,
    layout: &'a Layout,
    /// Values ordered by stratum (i.i.d. uses a single stratum of all rows).
    ys: Vec<f64>,
    xs: Vec<f64>,
    gs: Vec<u8>,
    /// Stratum boundaries in `ys` and whether each stratum is homogeneous in group.
    bounds: Vec<(usize, usize, Option<u8>)>,
    /// Cluster scheme: per-cluster moments for each group, and the cluster list per stratum.
    cluster_moments: Vec<[Moments; 2]>,
    need_se: bool,
}

impl<'a> LinearPlan<'a> {
    pub(crate) fn new(
        stat: &'a LinearStatistic,
        layout: &'a Layout,
        scheme: Scheme,
        need_se: bool,
    ) -> Result<Self, ResampleError> {
        if layout.n() != stat.n() {
            return Err(ResampleError::Length {
                what: "layout".into(),
                expected: stat.n(),
                got: layout.n(),
            });
        }
        layout.check(scheme)?;
        let order: Vec<usize> = match scheme {
            Scheme::Iid | Scheme::Poisson => (0..stat.n()).collect(),
            _ => layout.order.clone(),
        };
        let ys: Vec<f64> = order.iter().map(|&i| stat.y[i]).collect();
        let xs: Vec<f64> = if stat.x.is_empty() {
            Vec::new()
        } else {
            order.iter().map(|&i| stat.x[i]).collect()
        };
        let gs: Vec<u8> = order.iter().map(|&i| stat.group[i]).collect();
        let ranges: Vec<(usize, usize)> = match scheme {
            Scheme::Iid | Scheme::Poisson => vec![(0, stat.n())],
            _ => (0..layout.n_strata())
                .map(|s| (layout.offsets[s], layout.offsets[s + 1]))
                .collect(),
        };
        let bounds = ranges
            .into_iter()
            .map(|(a, b)| {
                let first = gs[a];
                let homogeneous = gs[a..b].iter().all(|&g| g == first);
                (a, b, homogeneous.then_some(first))
            })
            .collect();
        let cluster_moments = if scheme == Scheme::Cluster {
            let mut cm = vec![[Moments::default(); 2]; layout.n_clusters];
            if let Some(cl) = &layout.cluster_of {
                for i in 0..stat.n() {
                    cm[cl[i] as usize][stat.group[i] as usize].add_scaled(&stat.row(i), 1.0);
                }
            }
            cm
        } else {
            Vec::new()
        };
        Ok(Self {
            stat,
            scheme,
            layout,
            ys,
            xs,
            gs,
            bounds,
            cluster_moments,
            need_se,
        })
    }

    /// One bootstrap replicate of the statistic.
    /// `buf` is scratch space of at least [`CHUNK`] indices.
    pub(crate) fn replicate(&self, rng: &mut Rng, buf: &mut [u32]) -> Estimate {
        let mut m = [Moments::default(); 2];
        match self.scheme {
            Scheme::Iid | Scheme::Stratified => {
                for &(a, b, homo) in &self.bounds {
                    self.draw_stratum(rng, a, b, homo, &mut m, buf);
                }
            }
            Scheme::Cluster => {
                for list in &self.layout.clusters_in {
                    let k = list.len();
                    let ix = Indices::new(k);
                    let mut left = k;
                    while left > 0 {
                        let kk = left.min(CHUNK).min(buf.len());
                        ix.fill(rng, &mut buf[..kk]);
                        for &j in &buf[..kk] {
                            let c = list[j as usize] as usize;
                            let cm = &self.cluster_moments[c];
                            m[0].add_scaled(&cm[0], 1.0);
                            m[1].add_scaled(&cm[1], 1.0);
                        }
                        left -= kk;
                    }
                }
            }
            Scheme::Bayesian => {
                for &(a, b, _) in &self.bounds {
                    let mut part = [Moments::default(); 2];
                    let mut total = 0.0;
                    for j in a..b {
                        let e: f64 = rand_distr::Exp1.sample(rng);
                        total += e;
                        self.add_weighted(&mut part, j, e);
                    }
                    let scale = (b - a) as f64 / total;
                    part[0].scale(scale);
                    part[1].scale(scale);
                    m[0].add_scaled(&part[0], 1.0);
                    m[1].add_scaled(&part[1], 1.0);
                }
            }
            Scheme::Poisson => {
                // Poisson(1) is a valid rate, so construction cannot fail.
                if let Ok(pois) = rand_distr::Poisson::new(1.0) {
                    for j in 0..self.ys.len() {
                        let w: f64 = pois.sample(rng);
                        if w > 0.0 {
                            self.add_weighted(&mut m, j, w);
                        }
                    }
                }
            }
        }
        self.stat.finish(&m)
    }

    #[inline]
    fn add_weighted(&self, m: &mut [Moments; 2], j: usize, w: f64) {
        let y = self.ys[j];
        let g = &mut m[self.gs[j] as usize];
        g.w += w;
        g.y += w * y;
        g.yy += w * y * y;
        if !self.xs.is_empty() {
            let x = self.xs[j];
            g.x += w * x;
            g.xx += w * x * x;
            g.xy += w * x * y;
        }
    }

    /// Draw `b - a` indices with replacement from `a..b` and accumulate their moments.
    #[inline]
    fn draw_stratum(
        &self,
        rng: &mut Rng,
        a: usize,
        b: usize,
        homo: Option<u8>,
        m: &mut [Moments; 2],
        buf: &mut [u32],
    ) {
        let len = b - a;
        let ix = Indices::new(len);
        let ys = &self.ys[a..b];
        match (homo, self.xs.is_empty()) {
            (Some(g), true) => {
                let (s, q) = if self.need_se {
                    ix.sum_gather::<true>(rng, ys, len, buf)
                } else {
                    ix.sum_gather::<false>(rng, ys, len, buf)
                };
                let t = &mut m[g as usize];
                t.w += len as f64;
                t.y += s;
                t.yy += q;
            }
            _ => {
                let xs = if self.xs.is_empty() {
                    &[][..]
                } else {
                    &self.xs[a..b]
                };
                let gs = &self.gs[a..b];
                let mut left = len;
                while left > 0 {
                    let k = left.min(CHUNK).min(buf.len());
                    ix.fill(rng, &mut buf[..k]);
                    for &j in &buf[..k] {
                        let j = j as usize;
                        let y = ys[j];
                        let t = &mut m[gs[j] as usize];
                        t.w += 1.0;
                        t.y += y;
                        t.yy += y * y;
                        if !xs.is_empty() {
                            let x = xs[j];
                            t.x += x;
                            t.xx += x * x;
                            t.xy += x * y;
                        }
                    }
                    left -= k;
                }
            }
        }
    }

    /// Jackknife values θ₍ᵢ₎ grouped by stratum: leave out one row (or one cluster under the
    /// cluster scheme) at a time. O(n) in total.
    pub(crate) fn jackknife(&self) -> Vec<Vec<f64>> {
        let totals = self.stat.totals();
        let leave_out = |part: &[Moments; 2]| {
            let m = [totals[0].sub(&part[0]), totals[1].sub(&part[1])];
            self.stat.finish(&m).value
        };
        match self.scheme {
            Scheme::Cluster => self
                .layout
                .clusters_in
                .iter()
                .map(|list| {
                    list.iter()
                        .map(|&c| leave_out(&self.cluster_moments[c as usize]))
                        .collect()
                })
                .collect(),
            _ => {
                let strata: Vec<Vec<usize>> = match self.scheme {
                    Scheme::Iid | Scheme::Poisson => vec![(0..self.stat.n()).collect()],
                    _ => (0..self.layout.n_strata())
                        .map(|s| self.layout.stratum_rows(s).to_vec())
                        .collect(),
                };
                strata
                    .iter()
                    .map(|rows| {
                        rows.iter()
                            .map(|&i| {
                                let mut part = [Moments::default(); 2];
                                part[self.stat.group[i] as usize] = self.stat.row(i);
                                leave_out(&part)
                            })
                            .collect()
                    })
                    .collect()
            }
        }
    }
}

/// Uniform index in `0..len`: Lemire's (2019) widening multiply with rejection, as implemented
/// by `rand`. `len` ≥ 1 and ≤ u32::MAX are guaranteed by [`Layout`].
#[inline]
pub(crate) fn uniform(len: usize) -> Uniform<u32> {
    let high = len.clamp(1, u32::MAX as usize) - 1;
    // An inclusive range 0..=high with high ≥ 0 is always valid.
    Uniform::new_inclusive(0u32, high as u32).expect("0 <= high is a valid range")
}
