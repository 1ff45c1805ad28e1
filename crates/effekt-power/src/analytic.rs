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

use crate::dist::{pnorm, pnorm_upper, pnt, qnorm_upper, qt_upper};
use crate::error::{PowerError, Result, check_correlation, check_positive, check_probability};
use crate::roots::brent;
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

/// A complete point at which power is evaluated.
#[derive(Debug, Clone, Copy)]
struct At {
    n1: f64,
    n2: f64,
    effect: f64,
    alpha: f64,
    /// Cluster size (cluster design only).
    m: f64,
}

/// Test statistic distribution under H1 at a point.
enum Stat {
    T {
        df: f64,
        ncp: f64,
    },
    /// Normal with null/alternative SD ratio `r` and shifts for the upper and lower rejection
    /// regions (equal to the ncp without continuity correction).
    Z {
        r: f64,
        upper: f64,
        lower: f64,
    },
}

fn power_of(stat: &Stat, alpha: f64, alt: Alternative, one_tail_only: bool) -> Result<f64> {
    let a = if alt == Alternative::TwoSided {
        alpha / 2.0
    } else {
        alpha
    };
    let (up, low) = match alt {
        Alternative::TwoSided => (true, true),
        Alternative::Greater => (true, false),
        Alternative::Less => (false, true),
    };
    let (up, low) = if one_tail_only && alt == Alternative::TwoSided {
        // Only the tail in the direction of the effect.
        let positive = match stat {
            Stat::T { ncp, .. } => *ncp >= 0.0,
            Stat::Z { upper, .. } => *upper >= 0.0,
        };
        (positive, !positive)
    } else {
        (up, low)
    };
    let mut p = 0.0;
    match *stat {
        Stat::T { df, ncp } => {
            let q = qt_upper(a, df)?;
            if up {
                p += pnt(q, df, ncp, false)?;
            }
            if low {
                p += pnt(-q, df, ncp, true)?;
            }
        }
        Stat::Z { r, upper, lower } => {
            let z = qnorm_upper(a);
            if up {
                p += pnorm_upper(z * r - upper);
            }
            if low {
                p += pnorm(-z * r - lower);
            }
        }
    }
    Ok(p)
}

/// Checked, normalised view of a design used by the solver.
struct Model {
    design: Design,
}

impl Model {
    fn new(design: &Design) -> Result<Self> {
        let check_ratio = |r: f64| check_positive("ratio", r);
        match design {
            Design::TwoMeans(d) => {
                check_ratio(d.ratio)?;
                if let Some(sd) = d.sd {
                    check_positive("sd", sd)?;
                }
            }
            Design::Paired(d) => {
                if let Some(s) = d.sd_diff {
                    check_positive("sd_diff", s)?;
                    if d.sd.is_some() || d.correlation.is_some() {
                        return Err(PowerError::InvalidParameter {
                            name: "sd_diff",
                            value: s,
                            reason: "give either the SD of the differences or the SD and the \
                                     correlation, not both"
                                .into(),
                        });
                    }
                }
                match (d.sd, d.correlation) {
                    (Some(sd), Some(r)) => {
                        check_positive("sd", sd)?;
                        check_correlation("correlation", r)?;
                    }
                    (Some(sd), None) => {
                        return Err(PowerError::InvalidParameter {
                            name: "sd",
                            value: sd,
                            reason: "the paired design needs the pre-post correlation with the SD \
                                     (or give the SD of the differences)"
                                .into(),
                        });
                    }
                    (None, Some(r)) => {
                        return Err(PowerError::InvalidParameter {
                            name: "correlation",
                            value: r,
                            reason: "the correlation needs the SD of the outcome as well".into(),
                        });
                    }
                    (None, None) => {}
                }
            }
            Design::Ancova(w) => {
                check_ratio(w.ratio)?;
                if let Some(sd) = w.sd {
                    check_positive("sd", sd)?;
                }
                w.ancova_factor()?;
            }
            Design::Did(w) => {
                check_ratio(w.ratio)?;
                if let Some(sd) = w.sd {
                    check_positive("sd", sd)?;
                }
                let f = w.did_factor()?;
                if f.is_nan() || f <= 0.0 {
                    return Err(PowerError::InvalidParameter {
                        name: "correlation",
                        value: f,
                        reason: "the wave correlations give a non-positive variance for the \
                                 DiD estimator; they are not a valid correlation structure"
                            .into(),
                    });
                }
            }
            Design::TwoProportions(p) => {
                check_ratio(p.ratio)?;
                if let Some(p1) = p.p1 {
                    check_probability("p1", p1)?;
                }
                match p.scale {
                    ProportionScale::Difference if p.p1.is_none() => {
                        return Err(PowerError::InvalidParameter {
                            name: "p1",
                            value: f64::NAN,
                            reason: "p1 is needed when the effect is a difference in proportions"
                                .into(),
                        });
                    }
                    ProportionScale::CohenH if p.method != ProportionMethod::Arcsine => {
                        return Err(PowerError::InvalidParameter {
                            name: "h",
                            value: f64::NAN,
                            reason: "Cohen's h only goes with the arcsine method; give p1 and p2 \
                                     for the pooled and unpooled methods"
                                .into(),
                        });
                    }
                    _ => {}
                }
                if p.continuity && p.method == ProportionMethod::Arcsine {
                    return Err(PowerError::InvalidParameter {
                        name: "continuity",
                        value: 1.0,
                        reason: "the continuity correction applies to the pooled and unpooled \
                                 z-tests; choose one of those methods"
                            .into(),
                    });
                }
            }
            Design::Cluster(c) => {
                check_ratio(c.ratio)?;
                check_icc(c.icc)?;
                check_cv(c.cv)?;
                if let Some(m) = c.cluster_size {
                    check_cluster_size(m)?;
                }
                if let Some(sd) = c.sd {
                    check_positive("sd", sd)?;
                }
            }
        }
        Ok(Self { design: *design })
    }

    fn name(&self) -> &'static str {
        match self.design {
            Design::TwoMeans(_) => "two-means",
            Design::Paired(_) => "paired",
            Design::Ancova(_) => "ancova",
            Design::Did(_) => "did",
            Design::TwoProportions(_) => "two-proportions",
            Design::Cluster(_) => "cluster",
        }
    }

    fn alternative(&self) -> Alternative {
        match self.design {
            Design::TwoMeans(d) => d.alternative,
            Design::Paired(d) => d.alternative,
            Design::Ancova(w) | Design::Did(w) => w.alternative,
            Design::TwoProportions(p) => p.alternative,
            Design::Cluster(c) => c.alternative,
        }
    }

    fn test(&self) -> TestStatistic {
        match self.design {
            Design::TwoMeans(d) => d.test,
            Design::Paired(d) => d.test,
            Design::Ancova(w) | Design::Did(w) => w.test,
            Design::TwoProportions(_) => TestStatistic::Z,
            Design::Cluster(c) => c.test,
        }
    }

    /// n2 / n1, or None for one-sample designs.
    fn ratio(&self) -> Option<f64> {
        match self.design {
            Design::TwoMeans(d) => Some(d.ratio),
            Design::Paired(_) => None,
            Design::Ancova(w) | Design::Did(w) => Some(w.ratio),
            Design::TwoProportions(p) => Some(p.ratio),
            Design::Cluster(c) => Some(c.ratio),
        }
    }

    fn n2(&self, n1: f64) -> f64 {
        self.ratio().map_or(0.0, |r| r * n1)
    }

    /// Number of parameters estimated besides the two means (for df).
    fn extra_df_loss(&self) -> f64 {
        match self.design {
            Design::Ancova(w) if w.pre_waves > 0 => 1.0,
            _ => 0.0,
        }
    }

    /// Smallest n1 (exclusive) at which the test is defined.
    fn n_min(&self) -> f64 {
        let t = self.test() == TestStatistic::T;
        match self.ratio() {
            None => {
                if t {
                    1.0
                } else {
                    0.0
                }
            }
            Some(r) => {
                if t {
                    // df = n1 (1 + r) − 2 − loss > 0
                    (2.0 + self.extra_df_loss()) / (1.0 + r)
                } else {
                    0.0
                }
            }
        }
    }

    /// Scale divisor turning the given effect into the standardised one.
    fn effect_divisor(&self) -> f64 {
        match self.design {
            Design::TwoMeans(d) => d.sd.unwrap_or(1.0),
            Design::Paired(d) => match (d.sd_diff, d.sd, d.correlation) {
                (Some(s), _, _) => s,
                (None, Some(sd), Some(r)) => sd * (2.0 * (1.0 - r)).sqrt(),
                _ => 1.0,
            },
            Design::Ancova(w) | Design::Did(w) => w.sd.unwrap_or(1.0),
            Design::TwoProportions(_) => 1.0,
            Design::Cluster(c) => c.sd.unwrap_or(1.0),
        }
    }

    fn effect_size_kind(&self) -> &'static str {
        match self.design {
            Design::TwoMeans(_) | Design::Cluster(_) => "Cohen's d",
            Design::Paired(_) => "d_z (mean difference / SD of differences)",
            Design::Ancova(_) | Design::Did(_) => "standardised difference (effect / SD)",
            Design::TwoProportions(p) => match p.method {
                ProportionMethod::Arcsine => "Cohen's h",
                _ => "difference in proportions",
            },
        }
    }

    /// (p1, p2) on the difference scale, p2 = p1 − effect.
    fn props(&self, effect: f64) -> Option<(f64, f64)> {
        match self.design {
            Design::TwoProportions(p) if p.scale == ProportionScale::Difference => {
                p.p1.map(|p1| (p1, p1 - effect))
            }
            _ => None,
        }
    }

    fn variance_factor(&self) -> Option<f64> {
        match self.design {
            Design::Ancova(w) => w.ancova_factor().ok(),
            Design::Did(w) => w.did_factor().ok(),
            _ => None,
        }
    }

    fn stat(&self, at: &At) -> Result<Stat> {
        let t = self.test() == TestStatistic::T;
        let mk = |ncp: f64, df: f64| {
            if t {
                Stat::T { df, ncp }
            } else {
                Stat::Z {
                    r: 1.0,
                    upper: ncp,
                    lower: ncp,
                }
            }
        };
        let two = |n1: f64, n2: f64| (1.0 / n1 + 1.0 / n2).sqrt();
        Ok(match self.design {
            Design::TwoMeans(_) => {
                let d = at.effect / self.effect_divisor();
                mk(d / two(at.n1, at.n2), at.n1 + at.n2 - 2.0)
            }
            Design::Paired(_) => {
                let d = at.effect / self.effect_divisor();
                mk(d * at.n1.sqrt(), at.n1 - 1.0)
            }
            Design::Ancova(w) => {
                let f = w.ancova_factor()?;
                let d = at.effect / self.effect_divisor();
                mk(
                    d / (f.sqrt() * two(at.n1, at.n2)),
                    at.n1 + at.n2 - 2.0 - self.extra_df_loss(),
                )
            }
            Design::Did(w) => {
                let f = w.did_factor()?;
                let d = at.effect / self.effect_divisor();
                mk(d / (f.sqrt() * two(at.n1, at.n2)), at.n1 + at.n2 - 2.0)
            }
            Design::Cluster(c) => {
                let de = design_effect(at.m, c.cv, c.icc)?;
                let d = at.effect / self.effect_divisor();
                let se = (de * (1.0 / (at.n1 * at.m) + 1.0 / (at.n2 * at.m))).sqrt();
                mk(d / se, at.n1 + at.n2 - 2.0)
            }
            Design::TwoProportions(p) => match (p.method, p.scale) {
                (ProportionMethod::Arcsine, ProportionScale::CohenH) => {
                    let ncp = at.effect * (at.n1 * at.n2 / (at.n1 + at.n2)).sqrt();
                    Stat::Z {
                        r: 1.0,
                        upper: ncp,
                        lower: ncp,
                    }
                }
                (method, _) => {
                    let (p1, p2) = self.props(at.effect).ok_or(PowerError::InvalidParameter {
                        name: "p1",
                        value: f64::NAN,
                        reason: "p1 is needed".into(),
                    })?;
                    check_probability("p2", p2)?;
                    match method {
                        ProportionMethod::Arcsine => {
                            let h = cohen_h(p1, p2);
                            let ncp = h * (at.n1 * at.n2 / (at.n1 + at.n2)).sqrt();
                            Stat::Z {
                                r: 1.0,
                                upper: ncp,
                                lower: ncp,
                            }
                        }
                        ProportionMethod::Pooled | ProportionMethod::Unpooled => {
                            let r = at.n2 / at.n1;
                            let s1 = (p1 * (1.0 - p1) + p2 * (1.0 - p2) / r).sqrt();
                            let s0 = if method == ProportionMethod::Pooled {
                                let pb = (p1 + r * p2) / (1.0 + r);
                                (pb * (1.0 - pb) * (1.0 + 1.0 / r)).sqrt()
                            } else {
                                s1
                            };
                            let c = if p.continuity {
                                0.5 * (1.0 / at.n1 + 1.0 / at.n2)
                            } else {
                                0.0
                            };
                            let k = at.n1.sqrt() / s1;
                            let delta = p1 - p2;
                            Stat::Z {
                                r: s0 / s1,
                                upper: (delta - c) * k,
                                lower: (delta + c) * k,
                            }
                        }
                    }
                }
            },
        })
    }

    fn one_tail_only(&self) -> bool {
        matches!(self.design, Design::TwoProportions(p) if p.one_tail_only)
    }

    fn power(&self, at: &At) -> Result<f64> {
        let stat = self.stat(at)?;
        power_of(&stat, at.alpha, self.alternative(), self.one_tail_only())
    }

    fn df(&self, at: &At) -> Option<f64> {
        match self.stat(at) {
            Ok(Stat::T { df, .. }) => Some(df),
            _ => None,
        }
    }

    fn standardised(&self, effect: f64) -> f64 {
        match self.design {
            Design::TwoProportions(p) => match (p.method, self.props(effect)) {
                (ProportionMethod::Arcsine, Some((p1, p2))) => cohen_h(p1, p2),
                _ => effect,
            },
            _ => effect / self.effect_divisor(),
        }
    }

    /// Sign of the effect searched for when solving for it, and its magnitude bound
    /// (exclusive upper end).
    fn effect_search(&self) -> (f64, f64) {
        let alt = self.alternative();
        match self.design {
            Design::TwoProportions(p) => {
                let sign = match alt {
                    Alternative::Greater => 1.0,
                    Alternative::Less => -1.0,
                    Alternative::TwoSided => {
                        if p.scale == ProportionScale::CohenH || p.p2_below_p1 {
                            1.0
                        } else {
                            -1.0
                        }
                    }
                };
                match (p.scale, p.p1) {
                    (ProportionScale::Difference, Some(p1)) => {
                        // p2 = p1 − effect must stay in (0, 1).
                        let bound = if sign > 0.0 { p1 } else { 1.0 - p1 };
                        (sign, bound)
                    }
                    _ => (sign, std::f64::consts::PI),
                }
            }
            _ => (
                if alt == Alternative::Less { -1.0 } else { 1.0 },
                f64::INFINITY,
            ),
        }
    }
}

/// Cohen's h = 2 asin √p1 − 2 asin √p2 (Cohen 1988, eq. 6.2.1; R `pwr::ES.h`).
pub fn cohen_h(p1: f64, p2: f64) -> f64 {
    2.0 * p1.sqrt().asin() - 2.0 * p2.sqrt().asin()
}

/// Solve a design for the one unknown quantity in `targets` (plus, for [`Cluster`], possibly
/// `cluster_size`), optionally adding a power curve.
///
/// # Errors
/// * [`PowerError::Probability`]: power, alpha or a proportion outside (0, 1);
/// * [`PowerError::Icc`]: ICC outside [0, 1);
/// * [`PowerError::Unknowns`]: not exactly one unknown;
/// * [`PowerError::NoSolution`]: the unknown cannot reach the requested power in its valid
///   range (the message names it and gives the highest reachable power);
/// * [`PowerError::InvalidParameter`] for other bad inputs.
pub fn solve(design: &Design, targets: &Targets, curve: Option<&CurveSpec>) -> Result<PowerResult> {
    let model = Model::new(design)?;
    if let Some(p) = targets.power {
        check_probability("power", p)?;
    }
    if let Some(a) = targets.alpha {
        check_probability("alpha", a)?;
    }
    let cluster_size = match design {
        Design::Cluster(c) => Some(c.cluster_size),
        _ => None,
    };
    let n_param = if cluster_size.is_some() {
        Parameter::Clusters
    } else {
        Parameter::N
    };
    let mut unknown = Vec::new();
    if targets.n.is_none() {
        unknown.push(n_param);
    }
    if targets.effect.is_none() {
        unknown.push(Parameter::Effect);
    }
    if targets.power.is_none() {
        unknown.push(Parameter::Power);
    }
    if targets.alpha.is_none() {
        unknown.push(Parameter::Alpha);
    }
    if cluster_size == Some(None) {
        unknown.push(Parameter::ClusterSize);
    }
    if unknown.len() != 1 {
        let mut candidates = vec![n_param.name(), "effect", "power", "alpha"];
        if cluster_size.is_some() {
            candidates.push("cluster size");
        }
        return Err(PowerError::Unknowns {
            candidates,
            unknown: unknown.iter().map(|p| p.name()).collect(),
        });
    }
    let solved_for = unknown[0];
    if let Some(n) = targets.n {
        let lo = model.n_min();
        if !(n.is_finite() && n > lo) {
            return Err(PowerError::InvalidParameter {
                name: if n_param == Parameter::Clusters {
                    "clusters"
                } else {
                    "n"
                },
                value: n,
                reason: format!("must be greater than {lo} for this design and test"),
            });
        }
    }
    if let Some(e) = targets.effect
        && !e.is_finite()
    {
        return Err(PowerError::InvalidParameter {
            name: "effect",
            value: e,
            reason: "must be a finite number".into(),
        });
    }
    let mut at = At {
        n1: targets.n.unwrap_or(f64::NAN),
        n2: targets.n.map_or(f64::NAN, |n| model.n2(n)),
        effect: targets.effect.unwrap_or(f64::NAN),
        alpha: targets.alpha.unwrap_or(f64::NAN),
        m: cluster_size.flatten().unwrap_or(1.0),
    };
    if let (Some(e), Some(_)) = (targets.effect, model.props(0.0)) {
        let (_, p2) = model.props(e).unwrap_or((0.5, 0.5));
        check_probability("p2", p2)?;
    }
    let mut notes = Vec::new();
    let power = match solved_for {
        Parameter::Power => model.power(&at)?,
        _ => {
            let target = targets.power.unwrap_or(f64::NAN);
            solve_unknown(&model, &mut at, solved_for, target, &mut notes)?;
            target
        }
    };
    build_result(&model, at, solved_for, power, notes, curve)
}

fn solve_unknown(
    model: &Model,
    at: &mut At,
    which: Parameter,
    target: f64,
    notes: &mut Vec<String>,
) -> Result<()> {
    let base = *at;
    match which {
        Parameter::N | Parameter::Clusters => {
            let lo = model.n_min();
            let f = |n: f64| {
                let p = At {
                    n1: n,
                    n2: model.n2(n),
                    ..base
                };
                model.power(&p).map(|v| v - target)
            };
            let hi_max = 1e9;
            let x = increasing_root(&f, lo, (lo * 2.0).max(4.0), hi_max, which, target)?;
            if x.is_none() {
                notes.push(format!(
                    "the requested power is exceeded already at the smallest {} for which the \
                     test is defined",
                    which.name()
                ));
            }
            let n = x.unwrap_or_else(|| smallest_above(lo));
            at.n1 = n;
            at.n2 = model.n2(n);
        }
        Parameter::ClusterSize => {
            let f = |m: f64| model.power(&At { m, ..base }).map(|v| v - target);
            let x = increasing_root(&f, 1.0, 2.0, 1e7, which, target).map_err(|e| match e {
                PowerError::NoSolution {
                    parameter,
                    target,
                    reachable,
                    at,
                    ..
                } => PowerError::NoSolution {
                    parameter,
                    target,
                    reachable,
                    at,
                    hint: "with this number of clusters the between-cluster variance (ICC) \
                               caps the power however large the clusters are; add clusters \
                               (solve for clusters instead)"
                        .into(),
                },
                other => other,
            })?;
            if x.is_none() {
                notes
                    .push("the requested power is exceeded already with clusters of size 1".into());
            }
            at.m = x.unwrap_or(1.0);
        }
        Parameter::Alpha => {
            let f = |a: f64| model.power(&At { alpha: a, ..base }).map(|v| v - target);
            let lo = 1e-10;
            let hi = 1.0 - 1e-10;
            let flo = f(lo)?;
            let fhi = f(hi)?;
            if fhi < 0.0 {
                return Err(PowerError::NoSolution {
                    parameter: Parameter::Alpha,
                    target,
                    reachable: fhi + target,
                    at: hi,
                    hint: "even a significance level near 1 does not give this power; increase \
                           n or the effect"
                        .into(),
                });
            }
            if flo > 0.0 {
                return Err(PowerError::NoSolution {
                    parameter: Parameter::Alpha,
                    target,
                    reachable: flo + target,
                    at: lo,
                    hint: "the power exceeds the target even at alpha = 1e-10; the solution \
                           lies below the searched range"
                        .into(),
                });
            }
            at.alpha = brent(&f, lo, hi, 1e-15)?;
        }
        Parameter::Effect => {
            let (sign, bound) = model.effect_search();
            let f = |e: f64| {
                model
                    .power(&At {
                        effect: sign * e,
                        ..base
                    })
                    .map(|v| v - target)
            };
            let lo = 0.0;
            let x = if bound.is_finite() {
                let hi = bound * (1.0 - 1e-12);
                let fhi = f(hi)?;
                if fhi < 0.0 {
                    return Err(PowerError::NoSolution {
                        parameter: Parameter::Effect,
                        target,
                        reachable: fhi + target,
                        at: sign * hi,
                        hint: "the effect is bounded (p2 must stay between 0 and 1); increase n \
                               or lower the power"
                            .into(),
                    });
                }
                let flo = f(lo)?;
                if flo >= 0.0 {
                    return Err(effect_zero_error(target, flo + target));
                }
                brent(&f, lo, hi, 1e-15)?
            } else {
                let flo = f(lo)?;
                if flo >= 0.0 {
                    return Err(effect_zero_error(target, flo + target));
                }
                match increasing_root(&f, lo, 1.0, 1e6, Parameter::Effect, target)? {
                    Some(x) => x,
                    None => return Err(effect_zero_error(target, flo + target)),
                }
            };
            at.effect = sign * x;
        }
        Parameter::Power => {}
    }
    Ok(())
}

fn effect_zero_error(target: f64, at_zero: f64) -> PowerError {
    PowerError::NoSolution {
        parameter: Parameter::Effect,
        target,
        reachable: at_zero,
        at: 0.0,
        hint: "the requested power is not above the power at effect 0 (which equals alpha for \
               the test); ask for a higher power or a lower alpha"
            .into(),
    }
}

fn smallest_above(lo: f64) -> f64 {
    if lo == 0.0 {
        f64::MIN_POSITIVE
    } else {
        lo * (1.0 + 1e-10)
    }
}

/// Root of an increasing `f` on `(lo, hi_max]`, expanding the upper end from `hi` by doubling.
/// `Ok(None)` when `f` is already ≥ 0 just above `lo`.
fn increasing_root(
    f: &dyn Fn(f64) -> Result<f64>,
    lo: f64,
    hi: f64,
    hi_max: f64,
    which: Parameter,
    target: f64,
) -> Result<Option<f64>> {
    let lo_eval = smallest_above(lo);
    let mut a = lo_eval;
    let mut b = hi.max(lo_eval * 2.0);
    let fa = f(a)?;
    if fa >= 0.0 {
        return Ok(None);
    }
    let mut fb = f(b)?;
    while fb < 0.0 {
        if b >= hi_max {
            return Err(PowerError::NoSolution {
                parameter: which,
                target,
                reachable: fb + target,
                at: b,
                hint: format!(
                    "the searched range ends at {} = {hi_max}; the effect is too small for \
                     this design",
                    which.name()
                ),
            });
        }
        a = b;
        b = (b * 2.0).min(hi_max);
        fb = f(b)?;
    }
    let tol = 1e-13 * b.abs().max(1.0);
    brent(f, a, b, tol).map(Some)
}

fn ceil_u64(x: f64) -> u64 {
    // Guard against 64.00000000001 style noise from the root finder: a solution within 1e-9
    // relative of an integer counts as that integer.
    let r = x.round();
    let c = if (x - r).abs() <= 1e-9 * r.abs().max(1.0) {
        r
    } else {
        x.ceil()
    };
    if c <= 0.0 {
        0
    } else if c >= u64::MAX as f64 {
        u64::MAX
    } else {
        c as u64
    }
}

fn build_result(
    model: &Model,
    at: At,
    solved_for: Parameter,
    power: f64,
    notes: Vec<String>,
    curve: Option<&CurveSpec>,
) -> Result<PowerResult> {
    let mut notes = notes;
    let alt = model.alternative();
    let is_cluster = matches!(model.design, Design::Cluster(_));
    // Rounded sizes.
    let n1_req = ceil_u64(at.n1);
    let n2 = model.ratio().map(|_| at.n2);
    let n2_req = n2.map(ceil_u64);
    let (m_req, cluster) = match model.design {
        Design::Cluster(c) => {
            let m_req = ceil_u64(at.m);
            let de = design_effect(at.m, c.cv, c.icc)?;
            (
                m_req,
                Some(ClusterDetails {
                    clusters_per_arm: at.n1,
                    clusters_required: n1_req,
                    clusters_required_arm2: n2_req.unwrap_or(0),
                    cluster_size: at.m,
                    cluster_size_required: m_req,
                    icc: c.icc,
                    cv: c.cv,
                    design_effect: de,
                }),
            )
        }
        _ => (1, None),
    };
    let rounded = At {
        n1: n1_req as f64,
        n2: n2_req.map_or(0.0, |v| v as f64),
        m: if is_cluster { m_req as f64 } else { at.m },
        ..at
    };
    let power_at_n_required = model.power(&rounded)?;
    // For the cluster design the sizes are in individuals.
    let (n_per_group, n_required, n_group2, n_required_group2) = if is_cluster {
        let per = at.n1 * at.m;
        (
            per,
            n1_req.saturating_mul(m_req),
            n2.map(|v| v * at.m),
            n2_req.map(|v| v.saturating_mul(m_req)),
        )
    } else {
        (at.n1, n1_req, n2, n2_req)
    };
    let n_total_required = n_required.saturating_add(n_required_group2.unwrap_or(0));
    let (p1, p2) = match model.props(at.effect) {
        Some((a, b)) => (Some(a), Some(b)),
        None => (None, None),
    };
    if let Some(df) = model.df(&at)
        && df < 10.0
    {
        notes.push(format!(
            "only {df:.1} degrees of freedom: the t reference matters here; a normal-based \
             calculator would overstate the power"
        ));
    }
    if let (Design::Cluster(_), Some(k)) = (model.design, Some(at.n1))
        && k * (1.0 + model.ratio().unwrap_or(1.0)) < 10.0
    {
        notes.push(
            "fewer than 10 clusters in total: analyse with CR2 + Satterthwaite df or on cluster \
             means, never with plain cluster-robust standard errors"
                .into(),
        );
    }
    let curve = match curve {
        Some(spec) => Some(power_curve(model, &at, spec)?),
        None => None,
    };
    Ok(PowerResult {
        design: model.name(),
        method: method_text(model),
        solved_for,
        alternative: alt,
        n_per_group,
        n_required,
        n_group2,
        n_required_group2,
        n_total_required,
        ratio: model.ratio(),
        power,
        power_at_n_required,
        effect: at.effect,
        effect_size: model.standardised(at.effect),
        effect_size_kind: model.effect_size_kind(),
        alpha: at.alpha,
        df: model.df(&at),
        p1,
        p2,
        variance_factor: model.variance_factor(),
        cluster,
        notes,
        curve,
    })
}

fn method_text(model: &Model) -> String {
    let dist = match model.test() {
        TestStatistic::T => "noncentral t",
        TestStatistic::Z => "normal approximation",
    };
    match model.design {
        Design::TwoMeans(_) => format!("two-sample t-test of two means ({dist})"),
        Design::Paired(_) => format!("paired t-test on within-pair differences ({dist})"),
        Design::Ancova(w) => format!(
            "ANCOVA with {} pre and {} post waves (McKenzie 2012; {dist})",
            w.pre_waves, w.post_waves
        ),
        Design::Did(w) => format!(
            "difference-in-differences with {} pre and {} post waves (Frison & Pocock 1992; \
             McKenzie 2012; {dist})",
            w.pre_waves, w.post_waves
        ),
        Design::TwoProportions(p) => {
            let m = match p.method {
                ProportionMethod::Arcsine => "arcsine transformation (Cohen's h; as R pwr.2p.test)",
                ProportionMethod::Pooled => {
                    "z-test, pooled variance under H0 (as R power.prop.test)"
                }
                ProportionMethod::Unpooled => "z-test, unpooled variance",
            };
            let cc = if p.continuity {
                ", continuity-corrected"
            } else {
                ""
            };
            format!("two proportions: {m}{cc}")
        }
        Design::Cluster(_) => format!(
            "cluster-randomised, design effect 1 + ((cv^2 + 1) m - 1) ICC (Eldridge, Ashby & \
             Kerry 2006); {dist} on cluster-level df"
        ),
    }
}

fn power_curve(model: &Model, at: &At, spec: &CurveSpec) -> Result<Curve> {
    if spec.points < 2 || spec.points > 10_000 {
        return Err(PowerError::InvalidParameter {
            name: "curve points",
            value: spec.points as f64,
            reason: "a curve needs between 2 and 10000 points".into(),
        });
    }
    if !(spec.from.is_finite() && spec.to.is_finite() && spec.to > spec.from) {
        return Err(PowerError::InvalidParameter {
            name: "curve range",
            value: spec.from,
            reason: format!(
                "the curve needs finite from < to (got {} to {})",
                spec.from, spec.to
            ),
        });
    }
    if spec.over == CurveOver::N && (spec.from.is_nan() || spec.from <= model.n_min()) {
        return Err(PowerError::InvalidParameter {
            name: "curve range",
            value: spec.from,
            reason: format!("n must be greater than {} for this design", model.n_min()),
        });
    }
    let step = (spec.to - spec.from) / (spec.points - 1) as f64;
    let points = (0..spec.points)
        .map(|i| {
            let x = if i + 1 == spec.points {
                spec.to
            } else {
                spec.from + step * i as f64
            };
            let p = match spec.over {
                CurveOver::N => At {
                    n1: x,
                    n2: model.n2(x),
                    ..*at
                },
                CurveOver::Effect => At { effect: x, ..*at },
            };
            model.power(&p).map(|power| CurvePoint { x, power })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Curve {
        over: spec.over,
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: Option<f64>, e: Option<f64>, p: Option<f64>, a: Option<f64>) -> Targets {
        Targets {
            n,
            effect: e,
            power: p,
            alpha: a,
        }
    }

    #[test]
    fn round_trip_two_means() {
        let d = Design::TwoMeans(TwoMeans::default());
        let r = solve(&d, &t(None, Some(0.5), Some(0.8), Some(0.05)), None).unwrap();
        let back = solve(
            &d,
            &t(Some(r.n_per_group), Some(0.5), None, Some(0.05)),
            None,
        )
        .unwrap();
        assert!((back.power - 0.8).abs() < 1e-10);
        assert_eq!(r.n_required, 64);
        assert!(r.power_at_n_required >= 0.8);
    }

    #[test]
    fn unknown_count_checked() {
        let d = Design::TwoMeans(TwoMeans::default());
        let e = solve(&d, &t(None, None, Some(0.8), Some(0.05)), None).unwrap_err();
        assert!(matches!(e, PowerError::Unknowns { .. }));
    }

    #[test]
    fn cluster_size_cap_names_parameter() {
        let d = Design::Cluster(Cluster {
            icc: 0.2,
            ..Cluster::default()
        });
        let e = solve(&d, &t(Some(3.0), Some(0.3), Some(0.9), Some(0.05)), None).unwrap_err();
        match e {
            PowerError::NoSolution { parameter, .. } => {
                assert_eq!(parameter, Parameter::ClusterSize)
            }
            other => panic!("{other:?}"),
        }
        assert!(
            format!(
                "{}",
                solve(&d, &t(Some(3.0), Some(0.3), Some(0.9), Some(0.05)), None).unwrap_err()
            )
            .contains("cluster size")
        );
    }
}
