//! What to do: the configuration every analysis starts from (serde, `deny_unknown_fields`,
//! enums not strings), and its validation.

use serde::{Deserialize, Serialize};

use crate::MatchError;

/// How the comparison group is built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Greedy nearest-neighbour matching, k:1, with or without replacement (MatchIt
    /// `method = "nearest"`).
    #[default]
    Nearest,
    /// Coarsened exact matching (Iacus, King & Porro 2012; MatchIt `method = "cem"`).
    Cem,
    /// Inverse probability weighting on the propensity score (Hájek-normalised weights).
    Ipw,
    /// Augmented IPW, doubly robust: the ATE as Robins, Rotnitzky & Zhao (1994), the ATT (and,
    /// with the groups swapped, the ATC) as Sant'Anna & Zhao (2020, eq. 3.1; R DRDID).
    Aipw,
}

impl Method {
    /// Name as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Method::Nearest => "nearest",
            Method::Cem => "cem",
            Method::Ipw => "ipw",
            Method::Aipw => "aipw",
        }
    }
}

/// Distance for nearest-neighbour matching.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Distance {
    /// Propensity score `P(T = 1 | x)` from a logistic regression (MatchIt's default
    /// `distance = "glm"`).
    #[default]
    Ps,
    /// Linear predictor (log odds) of the propensity score (MatchIt `link = "linear.logit"`;
    /// Austin (2011) recommends calipers on this scale).
    Logit,
    /// Mahalanobis distance on the covariates with the pooled within-group covariance
    /// (categorical covariates dummy-coded; MatchIt `distance = "mahalanobis"`).
    Mahalanobis,
    /// Rank-based robust Mahalanobis distance (Rosenbaum 2010, §8.3).
    RobustMahalanobis,
}

impl Distance {
    /// Name as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Distance::Ps => "ps",
            Distance::Logit => "logit",
            Distance::Mahalanobis => "mahalanobis",
            Distance::RobustMahalanobis => "robust-mahalanobis",
        }
    }
    /// Whether the distance is a (transformed) propensity score.
    pub fn is_score(self) -> bool {
        matches!(self, Distance::Ps | Distance::Logit)
    }
}

/// Target population of the effect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Estimand {
    /// Average effect on the treated.
    #[default]
    Att,
    /// Average effect on the controls (untreated).
    Atc,
    /// Average effect in the whole sample.
    Ate,
}

impl Estimand {
    /// `"ATT"`, `"ATC"`, `"ATE"`.
    pub fn name(self) -> &'static str {
        match self {
            Estimand::Att => "ATT",
            Estimand::Atc => "ATC",
            Estimand::Ate => "ATE",
        }
    }
}

/// Order in which greedy matching serves the focal units (treated for the ATT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Largest propensity score first (MatchIt's default for the ATT): the units hardest to
    /// match choose first.
    Largest,
    /// Smallest propensity score first (MatchIt's default for the ATC).
    Smallest,
    /// A random permutation drawn from the seed (effekt-resample stream `Purpose::Order`).
    Random,
    /// The order of the rows in the file (results then depend on the row order, by request).
    Data,
}

impl Order {
    /// Name as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Order::Largest => "largest",
            Order::Smallest => "smallest",
            Order::Random => "random",
            Order::Data => "data",
        }
    }
}

/// How exact ties (equal distances, equal propensity scores) are broken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ties {
    /// By the canonical order of the units: treated first, then the covariates in the order
    /// given, units with identical covariates permuted by a hash of their content (not by the
    /// outcome; see the crate docs). Results do not depend on the row order of the file.
    #[default]
    Canonical,
    /// By the order of the rows in the file, exactly as MatchIt does (reproduces MatchIt on the
    /// same file; results can change when the rows are reordered).
    Data,
}

/// Common-support discard on the propensity score (MatchIt `discard`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Discard {
    /// Keep every unit.
    #[default]
    None,
    /// Drop treated units outside the range of the controls' scores.
    Treated,
    /// Drop controls outside the range of the treated units' scores.
    Control,
    /// Drop units of either group outside the overlap of both ranges.
    Both,
}

/// A caliper on one numeric covariate: `|x_t − x_c| ≤ width · sd(x)` (sd over the units not
/// discarded, as MatchIt's `std.caliper = TRUE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CovariateCaliper {
    pub covariate: String,
    /// Width in standard deviations of the covariate.
    pub width: f64,
}

/// Coarsening of one numeric covariate for CEM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cut {
    /// Sturges' number of equal-width bins, `⌈log2 n⌉ + 1` (MatchIt's default).
    Sturges,
    /// This many equal-width bins between the minimum and the maximum.
    Bins(usize),
    /// Cut points; bins are `[c_k, c_{k+1})` with open ends.
    Points(Vec<f64>),
}

/// Coarsening of a named covariate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CemCut {
    pub covariate: String,
    pub cut: Cut,
}

/// Standard error of the effect after matching or weighting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SeMethod {
    /// The method's default (see [`crate::effect`]): CR2 with Satterthwaite df on the matched
    /// pairs; Abadie–Imbens after matching with replacement; HC3 after CEM; the sandwich of the
    /// stacked estimating equations for IPW and AIPW.
    #[default]
    Auto,
    /// CR1 on the pairs/subclasses (sandwich `vcovCL(fit, cluster = ~subclass)`, MatchIt's
    /// recommendation), t with G − 1 df.
    Cr1,
    /// CR2 on the pairs/subclasses with Satterthwaite df.
    Cr2,
    /// HC3 (MatchIt's recommendation without pairs).
    Hc3,
    /// Abadie & Imbens (2006), matching with replacement only.
    AbadieImbens,
}

/// Bootstrap interval for the effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BootstrapOptions {
    /// Number of resamples B (0 = no bootstrap).
    pub resamples: usize,
    /// Interval method (percentile or BCa are the usual choices).
    pub interval: effekt_resample::IntervalMethod,
}

impl Default for BootstrapOptions {
    fn default() -> Self {
        Self {
            resamples: 0,
            interval: effekt_resample::IntervalMethod::Percentile,
        }
    }
}

/// How the effect is estimated once the comparison group is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EffectOptions {
    /// Regression adjustment: weighted OLS of the outcome on treatment, the covariates and
    /// their interactions with treatment, covariates centred at the focal group's weighted
    /// means (g-computation; MatchIt's vignette with `avg_comparisons`).
    pub adjust: bool,
    /// Standard error.
    pub se: SeMethod,
    /// Abadie–Imbens conditional variances: 0 = homoskedastic (Matching's `Var.calc = 0`,
    /// the default); J > 0 = from the J nearest units of the same group.
    pub ai_variance_matches: usize,
    /// Confidence level.
    pub level: f64,
    /// Bootstrap on top of the analytic inference.
    pub bootstrap: BootstrapOptions,
}

impl Default for EffectOptions {
    fn default() -> Self {
        Self {
            adjust: false,
            se: SeMethod::Auto,
            ai_variance_matches: 0,
            level: 0.95,
            bootstrap: BootstrapOptions::default(),
        }
    }
}

/// Inverse-probability weighting options.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpwOptions {
    /// Stabilised weights (multiplied by the marginal treatment probabilities; Robins, Hernán
    /// & Brumback 2000). The Hájek estimate and its standard error do not change; the weights
    /// reported (and their sums) do.
    pub stabilize: bool,
    /// Trimming: drop units whose propensity score is outside `[trim, 1 − trim]` (Crump,
    /// Hotz, Imbens & Mitnik 2009 suggest 0.1). The estimand becomes that of the trimmed
    /// population, which the output says.
    pub trim: Option<f64>,
}

/// Everything that defines an analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchConfig {
    pub method: Method,
    pub distance: Distance,
    pub estimand: Estimand,
    /// Covariates of the propensity-score model / Mahalanobis distance / CEM, by name (empty:
    /// every covariate of the data set). Balance is shown for these and for the exact and
    /// caliper covariates.
    pub covariates: Vec<String>,
    /// Controls per focal unit (k of k:1).
    pub ratio: usize,
    /// Matching with replacement (a control can serve several focal units).
    pub replace: bool,
    /// Caliper on the distance in standard deviations of the (logit) propensity score.
    pub caliper: Option<f64>,
    /// Calipers on numeric covariates.
    pub covariate_calipers: Vec<CovariateCaliper>,
    /// Covariates to match exactly (any type: every distinct value is a stratum).
    pub exact: Vec<String>,
    /// Matching order; `None` = largest for the ATT, smallest for the ATC (as MatchIt).
    pub order: Option<Order>,
    pub ties: Ties,
    pub discard: Discard,
    /// CEM coarsening per numeric covariate (others: Sturges).
    pub cem_cuts: Vec<CemCut>,
    pub ipw: IpwOptions,
    pub effect: EffectOptions,
    /// Seed for the random order and the bootstrap.
    pub seed: u64,
}

impl Default for MatchConfig {
    fn default() -> Self {
        Self {
            method: Method::Nearest,
            distance: Distance::Ps,
            estimand: Estimand::Att,
            covariates: Vec::new(),
            ratio: 1,
            replace: false,
            caliper: None,
            covariate_calipers: Vec::new(),
            exact: Vec::new(),
            order: None,
            ties: Ties::Canonical,
            discard: Discard::None,
            cem_cuts: Vec::new(),
            ipw: IpwOptions::default(),
            effect: EffectOptions::default(),
            seed: 1,
        }
    }
}

fn invalid(option: &str, value: impl ToString, expected: &str) -> MatchError {
    MatchError::InvalidOption {
        option: option.to_string(),
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

impl MatchConfig {
    /// The matching order actually used.
    pub fn resolved_order(&self) -> Order {
        self.order.unwrap_or(match self.estimand {
            Estimand::Atc => Order::Smallest,
            _ => Order::Largest,
        })
    }

    /// Check the options against each other.
    ///
    /// # Errors
    /// [`MatchError::InvalidOption`] for out-of-range values and
    /// [`MatchError::Unsupported`] for combinations that are not defined (e.g. the ATE with
    /// nearest-neighbour matching without replacement).
    pub fn validate(&self) -> Result<(), MatchError> {
        if self.ratio == 0 {
            return Err(invalid(
                "ratio",
                self.ratio,
                "at least 1 control per focal unit",
            ));
        }
        if let Some(c) = self.caliper
            && !(c > 0.0 && c.is_finite())
        {
            return Err(invalid(
                "caliper",
                c,
                "a positive number of standard deviations, e.g. 0.2",
            ));
        }
        for c in &self.covariate_calipers {
            if !(c.width > 0.0 && c.width.is_finite()) {
                return Err(invalid(
                    &format!("caliper for {}", c.covariate),
                    c.width,
                    "a positive number of standard deviations",
                ));
            }
        }
        let level = self.effect.level;
        if !effekt_models::dist::level_in_range(level) {
            return Err(invalid(
                "level",
                level,
                "between 1e-12 and 1 - 1e-12, e.g. 0.95",
            ));
        }
        if let Some(t) = self.ipw.trim
            && !(t > 0.0 && t < 0.5)
        {
            return Err(invalid(
                "trim",
                t,
                "a propensity-score bound in (0, 0.5), e.g. 0.1",
            ));
        }
        for c in &self.cem_cuts {
            match &c.cut {
                Cut::Bins(0) => {
                    return Err(invalid(
                        &format!("cut points for {}", c.covariate),
                        0,
                        "at least 1 bin",
                    ));
                }
                Cut::Points(p) if p.iter().any(|v| !v.is_finite()) => {
                    return Err(invalid(
                        &format!("cut points for {}", c.covariate),
                        format!("{p:?}"),
                        "finite numbers",
                    ));
                }
                _ => {}
            }
        }
        let unsupported = |what: String, hint: &str| MatchError::Unsupported {
            what,
            hint: hint.to_string(),
        };
        match self.method {
            Method::Nearest => {
                if self.estimand == Estimand::Ate && !self.replace {
                    return Err(unsupported(
                        "the ATE with nearest-neighbour matching without replacement".into(),
                        "match with replacement (--replace), which matches every unit in both directions (Abadie & Imbens 2006), or use --method cem, ipw or aipw",
                    ));
                }
                if self.replace && self.effect.bootstrap.resamples > 0 {
                    return Err(unsupported(
                        "the bootstrap after matching with replacement".into(),
                        "it is not valid there (Abadie & Imbens 2008); the default Abadie-Imbens standard error accounts for the reuse of controls",
                    ));
                }
            }
            Method::Cem => {
                if self.caliper.is_some() || !self.covariate_calipers.is_empty() {
                    return Err(unsupported(
                        "calipers with CEM".into(),
                        "CEM matches within coarsened strata; change the cut points instead (--cutpoints)",
                    ));
                }
                if self.ratio != 1 || self.replace {
                    return Err(unsupported(
                        "--ratio/--replace with CEM".into(),
                        "CEM keeps every unit of a matched stratum and weights them",
                    ));
                }
            }
            Method::Ipw | Method::Aipw => {
                if !self.distance.is_score() {
                    return Err(unsupported(
                        format!(
                            "--distance {} with --method {}",
                            self.distance.name(),
                            self.method.name()
                        ),
                        "weighting uses the propensity score; drop --distance",
                    ));
                }
                if self.caliper.is_some()
                    || !self.covariate_calipers.is_empty()
                    || !self.exact.is_empty()
                {
                    return Err(unsupported(
                        format!(
                            "calipers or exact matching with --method {}",
                            self.method.name()
                        ),
                        "they belong to matching; use --trim to restrict the weighting to common support",
                    ));
                }
            }
        }
        if matches!(self.effect.se, SeMethod::AbadieImbens)
            && !(self.method == Method::Nearest && self.replace)
        {
            return Err(unsupported(
                "the Abadie-Imbens standard error here".into(),
                "it is defined for nearest-neighbour matching with replacement (--replace)",
            ));
        }
        Ok(())
    }
}
