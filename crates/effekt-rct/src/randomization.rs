//! Randomisation inference: the sharp-null p-value and a confidence interval for a constant
//! additive effect by test inversion.
//!
//! # Test
//! Under the sharp null H₀: τᵢ = 0 for every unit, the outcomes are fixed and only the
//! assignment is random, so the null distribution of the estimator S_z(y) is obtained by
//! recomputing it under the assignments z the design could have produced (Fisher 1935; Imbens &
//! Rubin 2015, ch. 5). effekt-resample's [`PermutationPlan`] re-randomises as the trial did:
//! rows, or whole clusters in a cluster-randomised design, within blocks when there are blocks;
//! every assignment when there are at most `exact_limit` of them, otherwise Monte Carlo draws.
//! The statistic is the estimator itself (difference in means, block-weighted difference,
//! ANCOVA or Lin coefficient); the two-sided p-value is the share of assignments with
//! |S_z| ≥ |S_obs| (Monte Carlo: (1 + #)/(B + 1), Phipson & Smyth 2010).
//!
//! # Interval (test inversion without re-permuting)
//! Under H_τ: Yᵢ(1) = Yᵢ(0) + τ, the control outcomes are y − τ·T_obs, and every estimator used
//! here is, for a fixed assignment z, a linear function of the outcome vector. Hence
//! S_z(y − τT_obs) = a_z − τ b_z with a_z = S_z(y), b_z = S_z(T_obs), and the observed statistic
//! is τ̂ − τ (S_obs(T_obs) = 1). Storing (a_z, b_z) per assignment gives the p-value for every τ:
//! p(τ) = share of z with |a_z − τ b_z| ≥ |τ̂ − τ|. Each assignment's condition is
//! ((a_z − τ̂) − (b_z − 1)τ)·((a_z + τ̂) − (b_z + 1)τ) ≥ 0, a product of two linear functions
//! of τ, so p(τ) is a step function whose only jumps are at the 2B roots
//! (a_z − τ̂)/(b_z − 1) and (a_z + τ̂)/(b_z + 1). The interval {τ : p(τ) > 1 − level} is found by
//! sorting these roots and sweeping: **no grid and no search tolerance** — the endpoints are
//! exact roots (to floating-point rounding; ties within 1e-9 relative count as extreme, as in
//! `effekt_resample::p_values`, so each root is moved outward by 1e-9 relative). When the accepted set is not one interval (possible
//! in principle), its hull is reported and `ci_connected` is false; when p(τ) stays above
//! 1 − level as τ → ±∞ (too few assignments for the level), the bound is `None` (unbounded).
//! (Rosenbaum 2002, §2.6; Imbens & Rubin 2015, §5.7.)

use effekt_models::{DesignBuilder, OlsOptions, VarianceEstimator, ols};
use effekt_resample::{PermutationConfig, PermutationPlan, ProgressFn, p_values};
use faer::Mat;
use serde::{Deserialize, Serialize};

use crate::RctError;
use crate::linalg::spd_solve;

/// Result of randomisation inference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RandomizationInference {
    /// The test statistic (the estimator recomputed under each assignment).
    pub statistic: String,
    /// Its value under the observed assignment (equals the estimate).
    pub observed: f64,
    /// Two-sided p-value of the sharp null of no effect for anyone: P(|S| ≥ |S_obs|).
    pub p_value: f64,
    /// P(S ≥ S_obs).
    pub p_greater: f64,
    /// P(S ≤ S_obs).
    pub p_less: f64,
    /// Whether every possible assignment was enumerated (then the p-value is exact).
    pub exact: bool,
    /// Assignments evaluated (with a finite statistic).
    pub assignments: usize,
    /// Number of possible assignments (`None` when above 2⁶⁴).
    pub possible_assignments: Option<u64>,
    /// Seed of the Monte Carlo draws (`None` when exact).
    pub seed: Option<u64>,
    /// Monte Carlo standard error of the p-value, √(p(1 − p)/B) (`None` when exact).
    pub mc_std_error: Option<f64>,
    /// Assignments whose statistic was not finite (left out; e.g. a covariate collinear with
    /// the treatment under that assignment).
    pub nonfinite: usize,
    /// What was re-randomised: "rows", "clusters", "rows within blocks", ...
    pub permuted: String,
    pub level: f64,
    /// Interval for a constant additive effect by test inversion (`None` = unbounded).
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    /// Whether the accepted set {τ : p(τ) > 1 − level} is one interval.
    pub ci_connected: bool,
    /// How the interval was computed.
    pub ci_method: String,
    /// Why randomisation inference was run.
    pub reason: String,
}

/// The statistic, evaluated for an outcome and the observed treatment at once.
pub(crate) enum RiStatistic {
    /// Difference in means of rows.
    Dim {
        y: Vec<f64>,
        t: Vec<f64>,
        sy: f64,
        st: f64,
    },
    /// Block-size-weighted difference in means.
    BlockedDim {
        y: Vec<f64>,
        t: Vec<f64>,
        block: Vec<u32>,
        /// Per block: rows, Σy, Σt, weight N_b/N.
        totals: Vec<(f64, f64, f64, f64)>,
    },
    /// ANCOVA coefficient via Frisch–Waugh–Lovell: β_z = z'M y / z'M z with
    /// M = I − X(X'X)⁻¹X'.
    Ancova {
        /// Row-major n × k covariates with intercept (kept columns).
        x: Vec<f64>,
        k: usize,
        /// (X'X)⁻¹, row-major k × k.
        g: Vec<f64>,
        yres: Vec<f64>,
        tres: Vec<f64>,
    },
    /// Lin: arm-wise regressions on centred covariates, predicted at the overall mean.
    Lin {
        /// Row-major n × p centred covariates.
        w: Vec<f64>,
        p: usize,
        y: Vec<f64>,
        t: Vec<f64>,
        /// Totals: Σy, Σt, Σw (p), Σww' (p×p), Σwy (p), Σwt (p).
        tot: LinSums,
        treatment: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct LinSums {
    n: f64,
    sy: f64,
    st: f64,
    sw: Vec<f64>,
    sww: Vec<f64>,
    swy: Vec<f64>,
    swt: Vec<f64>,
}

impl LinSums {
    fn zeros(p: usize) -> Self {
        Self {
            n: 0.0,
            sy: 0.0,
            st: 0.0,
            sw: vec![0.0; p],
            sww: vec![0.0; p * p],
            swy: vec![0.0; p],
            swt: vec![0.0; p],
        }
    }
    fn add_row(&mut self, w: &[f64], y: f64, t: f64) {
        let p = w.len();
        self.n += 1.0;
        self.sy += y;
        self.st += t;
        for a in 0..p {
            let wa = w[a];
            self.sw[a] += wa;
            self.swy[a] += wa * y;
            self.swt[a] += wa * t;
            let row = &mut self.sww[a * p..a * p + a + 1];
            for (b, s) in row.iter_mut().enumerate() {
                *s += wa * w[b];
            }
        }
    }
    fn minus(&self, o: &LinSums) -> LinSums {
        let sub = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x - y).collect();
        LinSums {
            n: self.n - o.n,
            sy: self.sy - o.sy,
            st: self.st - o.st,
            sw: sub(&self.sw, &o.sw),
            sww: sub(&self.sww, &o.sww),
            swy: sub(&self.swy, &o.swy),
            swt: sub(&self.swt, &o.swt),
        }
    }
    /// Arm-wise regression prediction at w = 0 (the overall mean) for y and t; `None` when the
    /// arm's covariance matrix is singular.
    fn predict(&self, p: usize) -> Option<(f64, f64)> {
        if !(self.n > 0.0) {
            return None;
        }
        let n = self.n;
        let wbar: Vec<f64> = self.sw.iter().map(|s| s / n).collect();
        let (ybar, tbar) = (self.sy / n, self.st / n);
        if p == 0 {
            return Some((ybar, tbar));
        }
        let mut s = Mat::from_fn(p, p, |a, b| {
            let (i, j) = if a >= b { (a, b) } else { (b, a) };
            self.sww[i * p + j] - n * wbar[i] * wbar[j]
        });
        let mut rhs = Mat::from_fn(p, 2, |a, c| {
            if c == 0 {
                self.swy[a] - n * wbar[a] * ybar
            } else {
                self.swt[a] - n * wbar[a] * tbar
            }
        });
        if !spd_solve(&mut s, &mut rhs) {
            return None;
        }
        let (mut my, mut mt) = (ybar, tbar);
        for a in 0..p {
            my -= wbar[a] * rhs[(a, 0)];
            mt -= wbar[a] * rhs[(a, 1)];
        }
        Some((my, mt))
    }
}

impl RiStatistic {
    pub(crate) fn dim(y: &[f64], t: &[f64]) -> Self {
        RiStatistic::Dim {
            y: y.to_vec(),
            t: t.to_vec(),
            sy: y.iter().sum(),
            st: t.iter().sum(),
        }
    }

    pub(crate) fn blocked_dim(y: &[f64], t: &[f64], block: &[u32], n_blocks: usize) -> Self {
        let mut totals = vec![(0.0, 0.0, 0.0, 0.0); n_blocks];
        for ((&yi, &ti), &b) in y.iter().zip(t).zip(block) {
            if let Some(s) = totals.get_mut(b as usize) {
                s.0 += 1.0;
                s.1 += yi;
                s.2 += ti;
            }
        }
        let n = y.len() as f64;
        for s in &mut totals {
            s.3 = s.0 / n;
        }
        RiStatistic::BlockedDim {
            y: y.to_vec(),
            t: t.to_vec(),
            block: block.to_vec(),
            totals,
        }
    }

    /// ANCOVA statistic: `covariates` are the uncentred covariate columns (incl. block
    /// dummies). Aliased covariate columns are dropped as in R.
    pub(crate) fn ancova(y: &[f64], t: &[f64], covariates: &[Vec<f64>]) -> Result<Self, RctError> {
        let n = y.len();
        let mut b = DesignBuilder::new(n).intercept();
        for (j, c) in covariates.iter().enumerate() {
            b = b.numeric(format!("x{j}"), c.clone());
        }
        let design = b.build()?;
        let opts = OlsOptions {
            vcov: Some(VarianceEstimator::Classical),
            ..OlsOptions::default()
        };
        let fy = ols(&design, y, &opts)?;
        let ft = ols(&design, t, &opts)?;
        let kept = fy.kept_columns().to_vec();
        let k = kept.len();
        let mut x = Vec::with_capacity(n * k);
        for i in 0..n {
            for &j in &kept {
                x.push(design.matrix()[(i, j)]);
            }
        }
        let bread = fy.bread();
        let g: Vec<f64> = (0..k * k).map(|ij| bread[(ij / k, ij % k)]).collect();
        Ok(RiStatistic::Ancova {
            x,
            k,
            g,
            yres: fy.residuals().to_vec(),
            tres: ft.residuals().to_vec(),
        })
    }

    /// Lin statistic on the uncentred covariate columns (centred here at their means).
    pub(crate) fn lin(y: &[f64], t: &[f64], covariates: &[Vec<f64>], treatment: &str) -> Self {
        let n = y.len();
        let p = covariates.len();
        let means: Vec<f64> = covariates
            .iter()
            .map(|c| {
                let m = c.iter().sum::<f64>() / n as f64;
                m + c.iter().map(|v| v - m).sum::<f64>() / n as f64
            })
            .collect();
        let mut w = Vec::with_capacity(n * p);
        for i in 0..n {
            for (c, m) in covariates.iter().zip(&means) {
                w.push(c[i] - m);
            }
        }
        let mut tot = LinSums::zeros(p);
        for i in 0..n {
            tot.add_row(&w[i * p..(i + 1) * p], y[i], t[i]);
        }
        RiStatistic::Lin {
            w,
            p,
            y: y.to_vec(),
            t: t.to_vec(),
            tot,
            treatment: treatment.to_string(),
        }
    }

    /// (S_z(y), S_z(T_obs)).
    pub(crate) fn eval(&self, z: &[bool]) -> (f64, f64) {
        match self {
            RiStatistic::Dim { y, t, sy, st } => {
                // Branch-free: the assignment is random, so a branch would be mispredicted half
                // the time; multiply-adds vectorise.
                let (mut n1, mut y1, mut t1) = (0.0f64, 0.0f64, 0.0f64);
                for ((&zi, &yi), &ti) in z.iter().zip(y).zip(t) {
                    let w = f64::from(u8::from(zi));
                    n1 += w;
                    y1 += w * yi;
                    t1 += w * ti;
                }
                let (a, b) = (n1, y.len() as f64 - n1);
                (y1 / a - (sy - y1) / b, t1 / a - (st - t1) / b)
            }
            RiStatistic::BlockedDim {
                y,
                t,
                block,
                totals,
            } => {
                let mut acc = vec![(0.0f64, 0.0f64, 0.0f64); totals.len()];
                for (((&zi, &yi), &ti), &bl) in z.iter().zip(y).zip(t).zip(block) {
                    if zi && let Some(s) = acc.get_mut(bl as usize) {
                        s.0 += 1.0;
                        s.1 += yi;
                        s.2 += ti;
                    }
                }
                let (mut sy, mut st) = (0.0, 0.0);
                for (a, tot) in acc.iter().zip(totals) {
                    let n0 = tot.0 - a.0;
                    sy += tot.3 * (a.1 / a.0 - (tot.1 - a.1) / n0);
                    st += tot.3 * (a.2 / a.0 - (tot.2 - a.2) / n0);
                }
                (sy, st)
            }
            RiStatistic::Ancova {
                x,
                k,
                g,
                yres,
                tres,
            } => {
                let k = *k;
                let mut u = vec![0.0; k];
                let (mut n1, mut zy, mut zt) = (0.0, 0.0, 0.0);
                for (i, &zi) in z.iter().enumerate() {
                    let w = f64::from(u8::from(zi));
                    n1 += w;
                    zy += w * yres[i];
                    zt += w * tres[i];
                    for (uj, xj) in u.iter_mut().zip(&x[i * k..(i + 1) * k]) {
                        *uj += w * xj;
                    }
                }
                let mut ugu = 0.0;
                for a in 0..k {
                    let mut s = 0.0;
                    for b in 0..k {
                        s += g[a * k + b] * u[b];
                    }
                    ugu += u[a] * s;
                }
                let zmz = n1 - ugu;
                if !(zmz > 1e-14 * n1) {
                    return (f64::NAN, f64::NAN);
                }
                (zy / zmz, zt / zmz)
            }
            RiStatistic::Lin {
                w,
                p,
                y,
                t,
                tot,
                treatment,
            } => {
                let p = *p;
                let mut s1 = LinSums::zeros(p);
                for (i, &zi) in z.iter().enumerate() {
                    if zi {
                        s1.add_row(&w[i * p..(i + 1) * p], y[i], t[i]);
                    }
                }
                let s0 = tot.minus(&s1);
                match (s1.predict(p), s0.predict(p)) {
                    (Some((y1, t1)), Some((y0, t0))) => (y1 - y0, t1 - t0),
                    _ => lin_pooled(w, p, y, t, z, treatment),
                }
            }
        }
    }

    /// Name of the statistic.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            RiStatistic::Dim { .. } => "difference in means",
            RiStatistic::BlockedDim { .. } => "block-size-weighted difference in means",
            RiStatistic::Ancova { .. } => "ANCOVA treatment coefficient",
            RiStatistic::Lin { .. } => "Lin (2013) interacted-regression treatment coefficient",
        }
    }
}

/// Lin's estimate by the pooled regression (R's aliasing rule), for assignments where an arm's
/// covariance matrix is singular.
fn lin_pooled(
    w: &[f64],
    p: usize,
    y: &[f64],
    t: &[f64],
    z: &[bool],
    treatment: &str,
) -> (f64, f64) {
    let n = y.len();
    let zf: Vec<f64> = z.iter().map(|&b| f64::from(u8::from(b))).collect();
    let mut b = DesignBuilder::new(n)
        .intercept()
        .numeric(treatment, zf.clone());
    for j in 0..p {
        b = b.numeric(format!("w{j}"), (0..n).map(|i| w[i * p + j]).collect());
    }
    for j in 0..p {
        b = b.numeric(
            format!("zw{j}"),
            (0..n).map(|i| w[i * p + j] * zf[i]).collect(),
        );
    }
    let Ok(design) = b.build() else {
        return (f64::NAN, f64::NAN);
    };
    let opts = OlsOptions {
        vcov: Some(VarianceEstimator::Classical),
        ..OlsOptions::default()
    };
    let coef = |v: &[f64]| {
        ols(&design, v, &opts)
            .ok()
            .and_then(|f| f.coef(treatment))
            .unwrap_or(f64::NAN)
    };
    (coef(y), coef(t))
}

/// Run the statistic over the assignments of `plan`.
pub(crate) fn draws(
    stat: &RiStatistic,
    plan: &PermutationPlan,
    config: &PermutationConfig,
    progress: Option<ProgressFn<'_>>,
) -> Result<effekt_resample::Draws<(f64, f64)>, RctError> {
    Ok(plan.run(config, progress, |z| stat.eval(z))?)
}

/// Summarise the draws: p-values (sharp null) and the inverted interval.
pub(crate) fn summarize(
    name: &str,
    observed: f64,
    draws: &effekt_resample::Draws<(f64, f64)>,
    possible: Option<u64>,
    level: f64,
    permuted: String,
    reason: String,
) -> RandomizationInference {
    let finite: Vec<(f64, f64)> = draws
        .values
        .iter()
        .copied()
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .collect();
    let nonfinite = draws.values.len() - finite.len();
    let null: Vec<f64> = finite.iter().map(|p| p.0).collect();
    let pv = p_values(observed, &null, draws.exact);
    let inv = PValueFunction::new(&finite, observed, draws.exact);
    let (low, high, connected) = inv.interval(1.0 - level);
    let b = null.len() as f64;
    RandomizationInference {
        statistic: name.to_string(),
        observed,
        p_value: pv.two_sided,
        p_greater: pv.greater,
        p_less: pv.less,
        exact: draws.exact,
        assignments: finite.len(),
        possible_assignments: possible,
        seed: draws.seed,
        mc_std_error: (!draws.exact)
            .then(|| (pv.two_sided * (1.0 - pv.two_sided) / b).sqrt()),
        nonfinite,
        permuted,
        level,
        conf_low: low,
        conf_high: high,
        ci_connected: connected,
        ci_method: "test inversion of the sharp null of a constant additive effect τ: p(τ) is a step function with jumps at the 2B roots (a_z − τ̂)/(b_z − 1), (a_z + τ̂)/(b_z + 1); the bounds are the outermost roots with p(τ) > 1 − level (exact, no grid)".into(),
        reason,
    }
}

/// The p-value p(τ) of H_τ: constant effect τ, for every τ at once (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub struct PValueFunction {
    /// Assignments whose condition holds for every τ (the observed one), or from −∞.
    base: usize,
    starts: Vec<f64>,
    ends: Vec<f64>,
    total: usize,
    exact: bool,
}

/// Closed sets {τ : f(τ) ≥ 0} as intervals (lo, hi) with infinite ends allowed.
fn extreme_set(a: f64, b: f64, tau_hat: f64, out: &mut Vec<(f64, f64)>) {
    let tol_b = 1e-9;
    let tol_a = 1e-9 * tau_hat.abs().max(1.0);
    // L1 = c1 + s1 τ, L2 = c2 + s2 τ, condition L1·L2 ≥ 0.
    let (c1, s1) = (a - tau_hat, 1.0 - b);
    let (c2, s2) = (a + tau_hat, -(b + 1.0));
    let inf = f64::INFINITY;
    let half = |c: f64, s: f64, sign: f64, out: &mut Vec<(f64, f64)>| {
        // {τ : sign·(c + sτ) ≥ 0}
        if s.abs() <= tol_b {
            if sign * c >= -tol_a {
                out.push((-inf, inf));
            }
            return;
        }
        let r = -c / s;
        if sign * s > 0.0 {
            out.push((r, inf));
        } else {
            out.push((-inf, r));
        }
    };
    let flat1 = s1.abs() <= tol_b;
    let flat2 = s2.abs() <= tol_b;
    match (flat1, flat2) {
        (true, true) => {
            if c1 * c2 >= -tol_a * tol_a || c1.abs() <= tol_a || c2.abs() <= tol_a {
                out.push((-inf, inf));
            }
        }
        (true, false) => {
            if c1.abs() <= tol_a {
                out.push((-inf, inf));
            } else {
                half(c2, s2, c1.signum(), out);
            }
        }
        (false, true) => {
            if c2.abs() <= tol_a {
                out.push((-inf, inf));
            } else {
                half(c1, s1, c2.signum(), out);
            }
        }
        (false, false) => {
            let (r1, r2) = (-c1 / s1, -c2 / s2);
            let (lo, hi) = if r1 <= r2 { (r1, r2) } else { (r2, r1) };
            if s1 * s2 < 0.0 {
                out.push((lo, hi));
            } else {
                out.push((-inf, lo));
                out.push((hi, inf));
            }
        }
    }
}

impl PValueFunction {
    /// From the finite pairs (a_z, b_z) = (S_z(y), S_z(T_obs)) and the observed statistic.
    pub(crate) fn new(pairs: &[(f64, f64)], tau_hat: f64, exact: bool) -> Self {
        let mut sets = Vec::with_capacity(2 * pairs.len());
        for &(a, b) in pairs {
            extreme_set(a, b, tau_hat, &mut sets);
        }
        let mut base = 0;
        let mut starts = Vec::new();
        let mut ends = Vec::new();
        // Ties: an assignment whose statistic equals the observed one within the core's
        // relative tolerance counts as extreme (as `p_values`); in τ this closes each set
        // outward by 1e-9 relative, so rounding in the roots cannot drop an exact tie.
        let widen = |x: f64| 1e-9 * x.abs().max(1.0);
        for (lo, hi) in sets {
            let (lo, hi) = (lo - widen(lo), hi + widen(hi));
            if lo == f64::NEG_INFINITY {
                base += 1;
            } else {
                starts.push(lo);
            }
            if hi.is_finite() {
                ends.push(hi);
            }
        }
        starts.sort_by(f64::total_cmp);
        ends.sort_by(f64::total_cmp);
        Self {
            base,
            starts,
            ends,
            total: pairs.len(),
            exact,
        }
    }

    /// Number of assignments at least as extreme as the observed one under H_τ.
    fn count(&self, tau: f64) -> usize {
        let s = self.starts.partition_point(|&x| x <= tau);
        let e = self.ends.partition_point(|&x| x < tau);
        (self.base + s).saturating_sub(e)
    }

    /// p(τ): exact share, or (1 + #)/(B + 1) for Monte Carlo draws.
    pub fn p_value(&self, tau: f64) -> f64 {
        let c = self.count(tau) as f64;
        let b = self.total as f64;
        if self.exact {
            c / b
        } else {
            (c + 1.0) / (b + 1.0)
        }
    }

    /// Hull of {τ : p(τ) > alpha}: (low, high, connected); `None` = unbounded.
    pub fn interval(&self, alpha: f64) -> (Option<f64>, Option<f64>, bool) {
        let mut pts: Vec<f64> = self.starts.iter().chain(&self.ends).copied().collect();
        pts.sort_by(f64::total_cmp);
        pts.dedup();
        if pts.is_empty() {
            return (None, None, true);
        }
        // Candidates: each breakpoint, the midpoints between them, and one beyond each end.
        let mut cand = Vec::with_capacity(2 * pts.len() + 1);
        let first = pts[0];
        let last = pts[pts.len() - 1];
        cand.push(first - 1.0 - first.abs());
        for (i, &x) in pts.iter().enumerate() {
            cand.push(x);
            if let Some(&nx) = pts.get(i + 1) {
                cand.push(0.5 * (x + nx));
            }
        }
        cand.push(last + 1.0 + last.abs());
        let accepted: Vec<bool> = cand.iter().map(|&t| self.p_value(t) > alpha).collect();
        let Some(i_lo) = accepted.iter().position(|&a| a) else {
            return (None, None, false);
        };
        let i_hi = accepted.iter().rposition(|&a| a).unwrap_or(i_lo);
        let connected = accepted[i_lo..=i_hi].iter().all(|&a| a);
        let low = (i_lo > 0).then(|| cand[i_lo]);
        let high = (i_hi + 1 < cand.len()).then(|| cand[i_hi]);
        (low, high, connected)
    }
}
