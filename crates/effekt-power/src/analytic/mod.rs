//! Analytic power, sample size and minimum detectable effect.
//!
//! Every design below is a power function `power(n, effect, alpha)` that is monotone in each
//! argument; [`solve`] leaves exactly one of n (or clusters / cluster size), effect, power and
//! alpha unknown and finds it by bracketing + Brent root finding ([`crate::roots`]). Solved
//! sample sizes are reported unrounded (`n_per_group`, as R `pwr` reports them) and rounded up
//! (`n_required`), with the power actually achieved at the rounded size.
//!
//! Conventions (those of the anchors, so results can be checked line by line):
//! * group 1 has `n` units, group 2 has `ratio · n` (statsmodels `TTestIndPower`, `ratio`);
//! * the effect is group 1 minus group 2 (R `pwr`: `d = (μ1 − μ2)/σ`, `h = ES.h(p1, p2)`;
//!   statsmodels: `diff = p1 − p2`); alternative `greater` means group 1 > group 2;
//! * two-sided power counts both rejection regions (as `pwr` and statsmodels do); set
//!   `one_tail_only` on proportions to reproduce R `power.prop.test(strict = FALSE)`.

use crate::error::{PowerError, Result, check_correlation};
use serde::{Deserialize, Serialize};

/// Direction of the alternative hypothesis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alternative {
    /// H1: effect ≠ 0 (default).
    #[default]
    TwoSided,
    /// H1: effect > 0 (group 1 above group 2).
    Greater,
    /// H1: effect < 0.
    Less,
}

/// Reference distribution of the test statistic.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestStatistic {
    /// Noncentral t (exact for normal outcomes; the default — right for small samples).
    #[default]
    T,
    /// Normal approximation (statsmodels `NormalIndPower`; textbook design-effect formulas).
    Z,
}

/// The quantity a calculation solves for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Parameter {
    /// Sample size of group 1 (pairs for the paired design).
    N,
    /// Effect (raw or standardised, as given).
    Effect,
    /// Power.
    Power,
    /// Significance level.
    Alpha,
    /// Number of clusters in arm 1 (cluster-randomised design).
    Clusters,
    /// Mean cluster size (cluster-randomised design).
    ClusterSize,
}

impl Parameter {
    /// Name as used in messages and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Parameter::N => "n",
            Parameter::Effect => "effect",
            Parameter::Power => "power",
            Parameter::Alpha => "alpha",
            Parameter::Clusters => "clusters",
            Parameter::ClusterSize => "cluster size",
        }
    }
}

impl std::fmt::Display for Parameter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The four quantities of a power calculation; exactly one is `None` (two with the
/// cluster-randomised design, whose `cluster_size` may be the unknown instead).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Group-1 sample size (pairs for [`Paired`], clusters in arm 1 for [`Cluster`]).
    pub n: Option<f64>,
    /// Effect: raw difference when the design has an `sd`, otherwise standardised (Cohen's d,
    /// d_z, Cohen's h); for proportions on the difference scale, `p1 − p2`.
    pub effect: Option<f64>,
    /// Power, in (0, 1).
    pub power: Option<f64>,
    /// Significance level, in (0, 1).
    pub alpha: Option<f64>,
}

/// Two independent means: t-test (pooled variance) or z-test.
///
/// Formula: `ncp = d / sqrt(1/n1 + 1/n2)`, `df = n1 + n2 − 2`, `d = effect / sd` (Cohen 1988,
/// ch. 2); power from the noncentral t (R `pwr.t.test`, `pwr.t2n.test`; statsmodels
/// `TTestIndPower`) or the normal (statsmodels `NormalIndPower`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoMeans {
    /// SD of the outcome; when given, the effect is a raw difference, else Cohen's d.
    pub sd: Option<f64>,
    /// n2 / n1 (1 = equal allocation).
    pub ratio: f64,
    pub alternative: Alternative,
    pub test: TestStatistic,
}

impl Default for TwoMeans {
    fn default() -> Self {
        Self {
            sd: None,
            ratio: 1.0,
            alternative: Alternative::TwoSided,
            test: TestStatistic::T,
        }
    }
}

/// Paired / pre-post design: one-sample t-test on within-pair differences.
///
/// Formula: `d_z = effect / σ_diff`, `σ_diff = sd · sqrt(2(1 − ρ))` when the SD at each time
/// point and the pre-post correlation ρ are given (Cohen 1988, §2.3.5); `ncp = d_z √n`,
/// `df = n − 1` (R `pwr.t.test(type = "paired")`, statsmodels `TTestPower`). `n` = pairs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paired {
    /// SD of the differences; when given, the effect is the raw mean difference.
    pub sd_diff: Option<f64>,
    /// SD of the outcome at each time point (needs `correlation`).
    pub sd: Option<f64>,
    /// Correlation between the paired measurements (needs `sd`).
    pub correlation: Option<f64>,
    pub alternative: Alternative,
    pub test: TestStatistic,
}

/// Correlation between measurement waves of the same unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum WaveCorrelation {
    /// Every pair of waves has correlation ρ (McKenzie 2012; Frison & Pocock 1992).
    Equal(f64),
    /// Mean correlation among pre waves, among post waves and between a pre and a post wave
    /// (the serial-correlation structure of Burlig, Preonas & Woerman 2020, on the correlation
    /// scale).
    Blocks { pre: f64, post: f64, cross: f64 },
}

impl WaveCorrelation {
    fn parts(self) -> (f64, f64, f64) {
        match self {
            WaveCorrelation::Equal(r) => (r, r, r),
            WaveCorrelation::Blocks { pre, post, cross } => (pre, post, cross),
        }
    }
    fn check(self) -> Result<()> {
        let (a, b, c) = self.parts();
        check_correlation("pre-wave correlation", a)?;
        check_correlation("post-wave correlation", b)?;
        check_correlation("pre-post correlation", c)?;
        Ok(())
    }
}

/// Several pre and post waves analysed by ANCOVA (post mean on pre mean) or by
/// difference-in-differences (change scores). Two groups, `n` units in group 1.
///
/// With `m` pre and `r` post waves, outcome SD σ and wave correlations (ρ_B among pre, ρ_A
/// among post, ρ_X across), the variance of the effect estimate is
/// `σ² f (1/n1 + 1/n2)` with `V_A = (1 + (r−1)ρ_A)/r`, `V_B = (1 + (m−1)ρ_B)/m`:
/// * ANCOVA: `f = V_A − ρ_X² / V_B` (`f = V_A` when `m = 0`); for one pre and one post wave
///   `f = 1 − ρ²` (Borm, Fransen & Lemmens 2007); with equal ρ this is McKenzie (2012) eq. 4,
///   `f = (1 + (r−1)ρ)/r − mρ²/(1 + (m−1)ρ)`;
/// * DiD: `f = V_A + V_B − 2ρ_X` (Frison & Pocock 1992; McKenzie 2012 eq. 3; the structure of
///   Burlig, Preonas & Woerman 2020 eq. 2 on the correlation scale).
///
/// Power: noncentral t with `ncp = d / sqrt(f (1/n1 + 1/n2))` and `df = n1 + n2 − 2`, minus one
/// more for the baseline covariate of ANCOVA (covariate treated as fixed, as in Borm et al.).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waves {
    /// SD of the outcome in one wave; when given the effect is raw, otherwise in SD units.
    pub sd: Option<f64>,
    pub ratio: f64,
    /// Number of pre-intervention waves `m` (0 allowed for ANCOVA = post-only).
    pub pre_waves: u32,
    /// Number of post-intervention waves `r` (≥ 1).
    pub post_waves: u32,
    pub correlation: WaveCorrelation,
    pub alternative: Alternative,
    pub test: TestStatistic,
}

impl Default for Waves {
    fn default() -> Self {
        Self {
            sd: None,
            ratio: 1.0,
            pre_waves: 1,
            post_waves: 1,
            correlation: WaveCorrelation::Equal(0.5),
            alternative: Alternative::TwoSided,
            test: TestStatistic::T,
        }
    }
}

impl Waves {
    /// ANCOVA variance factor `f` (see the type docs).
    ///
    /// # Errors
    /// Bad correlations or `post_waves = 0`.
    pub fn ancova_factor(&self) -> Result<f64> {
        self.check(0)?;
        let (rb, ra, rx) = self.correlation.parts();
        let r = f64::from(self.post_waves);
        let m = f64::from(self.pre_waves);
        let va = (1.0 + (r - 1.0) * ra) / r;
        if self.pre_waves == 0 {
            return Ok(va);
        }
        let vb = (1.0 + (m - 1.0) * rb) / m;
        Ok(va - rx * rx / vb)
    }

    /// DiD (change-score) variance factor `f` (see the type docs).
    ///
    /// # Errors
    /// Bad correlations, `pre_waves = 0` or `post_waves = 0`.
    pub fn did_factor(&self) -> Result<f64> {
        self.check(1)?;
        let (rb, ra, rx) = self.correlation.parts();
        let r = f64::from(self.post_waves);
        let m = f64::from(self.pre_waves);
        Ok((1.0 + (r - 1.0) * ra) / r + (1.0 + (m - 1.0) * rb) / m - 2.0 * rx)
    }

    fn check(&self, min_pre: u32) -> Result<()> {
        self.correlation.check()?;
        if self.post_waves == 0 {
            return Err(PowerError::InvalidParameter {
                name: "post_waves",
                value: 0.0,
                reason: "at least one post-intervention wave is needed".into(),
            });
        }
        if self.pre_waves < min_pre {
            return Err(PowerError::InvalidParameter {
                name: "pre_waves",
                value: f64::from(self.pre_waves),
                reason: format!("difference-in-differences needs at least {min_pre} pre wave"),
            });
        }
        Ok(())
    }
}

/// Normal-approximation method for two proportions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProportionMethod {
    /// Arcsine transformation, Cohen's h = 2 asin √p1 − 2 asin √p2 (Cohen 1988, ch. 6;
    /// R `pwr.2p.test`, `pwr.2p2n.test`). Default.
    #[default]
    Arcsine,
    /// z-test with the pooled proportion under H0 and unpooled variance under H1 (Fleiss,
    /// Levin & Paik 2003, §4.2; R `power.prop.test`, statsmodels `power_proportions_2indep`).
    Pooled,
    /// z-test with the unpooled variance under H0 and H1 (Wald test).
    Unpooled,
}

/// Scale on which the effect of a two-proportion calculation is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProportionScale {
    /// `effect = p1 − p2` with `p1` given (default).
    #[default]
    Difference,
    /// `effect = h` (Cohen's h; arcsine method only, `p1` not needed).
    CohenH,
}

/// Two independent proportions.
///
/// * arcsine: `power = Φ(h √ñ − z) + Φ(−h √ñ − z)`, `ñ = n1 n2/(n1 + n2)`, `z = z_{1−α/2}`;
/// * pooled: `σ0² = p̄(1−p̄)(1 + 1/r)`, `p̄ = (p1 + r p2)/(1 + r)`, `σ1² = p1q1 + p2q2/r`,
///   `power = Φ̄((zσ0 − (Δ − c)√n1)/σ1) + Φ((−zσ0 − (Δ + c)√n1)/σ1)`;
/// * unpooled: the same with `σ0 = σ1`;
/// * continuity correction (pooled/unpooled): `c = (1/n1 + 1/n2)/2`, i.e. Yates' corrected
///   statistic; ignoring the far tail, the solved n equals Fleiss, Tytun & Ury (1980)
///   `n' = n/4 (1 + sqrt(1 + 2(r+1)/(n r |Δ|)))²`. Without it `c = 0`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwoProportions {
    /// Proportion in group 1 (needed on the difference scale).
    pub p1: Option<f64>,
    pub scale: ProportionScale,
    pub method: ProportionMethod,
    pub continuity: bool,
    pub ratio: f64,
    pub alternative: Alternative,
    /// Count only the tail in the direction of the effect for two-sided tests (R
    /// `power.prop.test(strict = FALSE)`, statsmodels `samplesize_proportions_2indep_onetail`).
    pub one_tail_only: bool,
    /// When solving for the effect of a two-sided test: look for p2 below p1 (`true`) or above
    /// p1 (`false`, default: the intervention raises the share). One-sided tests fix the side.
    pub p2_below_p1: bool,
}

impl Default for TwoProportions {
    fn default() -> Self {
        Self {
            p1: None,
            scale: ProportionScale::Difference,
            method: ProportionMethod::Arcsine,
            continuity: false,
            ratio: 1.0,
            alternative: Alternative::TwoSided,
            one_tail_only: false,
            p2_below_p1: false,
        }
    }
}

/// Cluster-randomised two-arm trial with `k1` clusters in arm 1, `k2 = ratio · k1` in arm 2,
/// mean cluster size m̄ with coefficient of variation `cv`, and intraclass correlation ρ.
///
/// Design effect (Eldridge, Ashby & Kerry 2006, eq. 6): `DE = 1 + ((cv² + 1) m̄ − 1) ρ`.
/// Power: `ncp = d / sqrt(DE (1/(k1 m̄) + 1/(k2 m̄)))` with the noncentral t on
/// `df = k1 + k2 − 2` (cluster-level degrees of freedom, as recommended with few clusters:
/// Hayes & Moulton 2017, §7), or the normal (`test = z`, the textbook "inflate n by DE").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Mean cluster size m̄; `None` = solve for it.
    pub cluster_size: Option<f64>,
    /// Intraclass correlation, in [0, 1).
    pub icc: f64,
    /// Coefficient of variation of cluster sizes (0 = equal sizes).
    pub cv: f64,
    /// Total SD of the individual outcome; when given the effect is raw.
    pub sd: Option<f64>,
    /// k2 / k1.
    pub ratio: f64,
    pub alternative: Alternative,
    pub test: TestStatistic,
}

impl Default for Cluster {
    fn default() -> Self {
        Self {
            cluster_size: None,
            icc: 0.05,
            cv: 0.0,
            sd: None,
            ratio: 1.0,
            alternative: Alternative::TwoSided,
            test: TestStatistic::T,
        }
    }
}

/// Design effect `1 + ((cv² + 1) m̄ − 1) ρ` (Eldridge, Ashby & Kerry 2006); with `cv = 0` the
/// classic `1 + (m − 1) ρ` (Donner, Birkett & Buck 1981).
///
/// # Errors
/// ICC outside [0, 1), negative cv, cluster size below 1.
pub fn design_effect(cluster_size: f64, cv: f64, icc: f64) -> Result<f64> {
    check_icc(icc)?;
    check_cv(cv)?;
    check_cluster_size(cluster_size)?;
    Ok(1.0 + ((cv * cv + 1.0) * cluster_size - 1.0) * icc)
}

fn check_icc(icc: f64) -> Result<()> {
    if icc.is_finite() && (0.0..1.0).contains(&icc) {
        Ok(())
    } else {
        Err(PowerError::Icc { value: icc })
    }
}

fn check_cv(cv: f64) -> Result<()> {
    if cv.is_finite() && cv >= 0.0 {
        Ok(())
    } else {
        Err(PowerError::InvalidParameter {
            name: "cv",
            value: cv,
            reason: "the coefficient of variation of cluster sizes must be >= 0".into(),
        })
    }
}

fn check_cluster_size(m: f64) -> Result<()> {
    if m.is_finite() && m >= 1.0 {
        Ok(())
    } else {
        Err(PowerError::InvalidParameter {
            name: "cluster size",
            value: m,
            reason: "the mean cluster size must be at least 1".into(),
        })
    }
}

/// A design whose power can be computed and solved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "design")]
pub enum Design {
    TwoMeans(TwoMeans),
    Paired(Paired),
    Ancova(Waves),
    Did(Waves),
    TwoProportions(TwoProportions),
    Cluster(Cluster),
}

/// What a power curve varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CurveOver {
    /// The design's `n` (group-1 size, pairs, or clusters in arm 1).
    N,
    /// The effect, on the scale it was given.
    Effect,
}

/// A power curve request: `points` equally spaced values from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurveSpec {
    pub over: CurveOver,
    pub from: f64,
    pub to: f64,
    pub points: usize,
}

/// One point of a power curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub x: f64,
    pub power: f64,
}

/// Power over a range of n or effect, the other quantities held at the solution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Curve {
    pub over: CurveOver,
    pub points: Vec<CurvePoint>,
}

/// Cluster-design details of a result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ClusterDetails {
    /// Clusters in arm 1, unrounded.
    pub clusters_per_arm: f64,
    /// Clusters in arm 1, rounded up.
    pub clusters_required: u64,
    /// Clusters in arm 2, rounded up (`ratio · clusters_per_arm`).
    pub clusters_required_arm2: u64,
    /// Mean cluster size, unrounded.
    pub cluster_size: f64,
    /// Mean cluster size, rounded up.
    pub cluster_size_required: u64,
    pub icc: f64,
    pub cv: f64,
    /// `1 + ((cv² + 1) m̄ − 1) ρ` at the unrounded solution.
    pub design_effect: f64,
}

/// The answer of [`solve`]. Sample sizes: `n_per_group` is group 1 unrounded (pairs for the
/// paired design, individuals in arm 1 for the cluster design), `n_required` is the same rounded
/// up; `power_at_n_required` is the power at the rounded sizes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerResult {
    pub design: &'static str,
    pub method: String,
    pub solved_for: Parameter,
    pub alternative: Alternative,
    pub n_per_group: f64,
    pub n_required: u64,
    /// Group-2 size `ratio · n_per_group` (not for the paired design).
    pub n_group2: Option<f64>,
    pub n_required_group2: Option<u64>,
    pub n_total_required: u64,
    pub ratio: Option<f64>,
    pub power: f64,
    pub power_at_n_required: f64,
    /// Effect on the scale it was given (raw when an SD was given).
    pub effect: f64,
    /// Standardised effect (Cohen's d, d_z, or Cohen's h).
    pub effect_size: f64,
    /// Name of the standardised effect.
    pub effect_size_kind: &'static str,
    pub alpha: f64,
    /// Degrees of freedom of the t reference (None for z).
    pub df: Option<f64>,
    /// Proportions: p1 and the p2 implied by the effect.
    pub p1: Option<f64>,
    pub p2: Option<f64>,
    /// ANCOVA / DiD variance factor `f`.
    pub variance_factor: Option<f64>,
    pub cluster: Option<ClusterDetails>,
    pub notes: Vec<String>,
    pub curve: Option<Curve>,
}

mod model;
mod solve;
#[cfg(test)]
mod tests;

pub use model::cohen_h;
pub use solve::solve;
