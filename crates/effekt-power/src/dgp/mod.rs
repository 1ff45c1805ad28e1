//! Synthetic evaluation data with known true effects.
//!
//! Real client data from social services cannot be shared, yet examples, coverage tests,
//! notebooks and power simulations need data that look like it: tens to a few hundred
//! families, 5–15 municipalities, several measurement waves with drop-out, sex recorded, and the
//! four outcome measures used in Swedish practice. Each generator here is a documented
//! data-generating process (DGP) that returns the data as an [`effekt_data::Table`] together with
//! the true effects ([`TrueEffects`], written beside the data as a JSON sidecar).
//!
//! # What "true effect" means here
//!
//! Every unit has known *expected* potential outcomes under treatment and under control given
//! everything the DGP drew for it (covariates, municipality and family effects). The true
//! effects in the sidecar are averages over the generated units of the difference between
//! those two expectations: the sample average treatment effect (ATE, all units) and the average
//! effect on the treated (ATT, units with `treated = 1`). They are exact — computed from the
//! model's closed-form probabilities, never estimated — and they are what an unbiased estimator
//! targets: over repeated random assignments of the same units, the difference in means has
//! expectation equal to the ATE (Neyman 1923). Binary outcomes are on the probability scale
//! (0.10 = 10 percentage points), ratings on the 1–5 scale, scores in score points.
//!
//! # Randomness
//!
//! Generators take the caller's random stream. [`generate_seeded`] uses
//! `effekt_resample::stream(seed, Purpose::Simulation, 0)`; the simulation harness gives
//! simulation `s` the stream `(seed, Simulation, s)`. Same seed, same data, on any machine.
//! Distributions come from `rand_distr`.

pub(crate) mod cluster;
mod ihf;
mod staggered;
mod tfco;

pub use cluster::{ClusterRctConfig, cluster_rct};
pub use ihf::{IhfConfig, ihf};
pub use staggered::{StaggeredConfig, staggered};
pub use tfco::{TfcoConfig, tfco};

use crate::error::{PowerError, Result};
use effekt_data::{Column, ColumnData, Table};
use effekt_resample::{Purpose, Rng, stream};
use serde::{Deserialize, Serialize};

/// How treatment is assigned in the IHF and TFCO generators.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Assignment {
    /// Complete randomisation of units: exactly `round(share · n)` treated.
    Individual { share: f64 },
    /// Complete randomisation of municipalities: `round(share · M)` municipalities treated.
    Municipality { share: f64 },
    /// Observational: `P(treated) = logistic(a + selection · (0.8 z_risk − 0.4 z_age))`
    /// (`selection` from 0 to [`MAX_SELECTION`]), with
    /// `a` set so the average propensity over the generated units is `share`. Higher-risk and
    /// younger children are more likely to be treated, so a naive comparison is biased and
    /// matching or weighting on baseline risk and age is needed.
    Observational { share: f64, selection: f64 },
}

impl Default for Assignment {
    fn default() -> Self {
        Assignment::Observational {
            share: 0.5,
            selection: 1.0,
        }
    }
}

/// Largest strength of selection of an observational assignment: 20.
pub const MAX_SELECTION: f64 = 20.0;

/// Who an estimand averages over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Population {
    /// All generated units (ATE; also accepted as `"ate"` in configs).
    #[serde(alias = "ate")]
    All,
    /// Units with `treated = 1` (ATT; also accepted as `"att"`).
    #[serde(alias = "att")]
    Treated,
}

/// One true effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimand {
    /// Outcome column the effect is on.
    pub outcome: String,
    /// `"ATE"` or `"ATT"` (or `"ATT(g,t)"`-style aggregates for staggered designs).
    pub estimand: String,
    pub population: Population,
    /// Measurement wave (IHF) or event time (staggered event study); `None` when not by wave.
    pub wave: Option<i64>,
    pub value: f64,
    /// Scale of `value`, e.g. "probability (0.10 = 10 percentage points)".
    pub scale: String,
    /// Units the average is over (for ATT: the treated).
    pub n_units: usize,
}

/// A group-time average treatment effect ATT(g, t) of a staggered-adoption panel.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupTimeEffect {
    /// Cohort: first treated period.
    pub group: i64,
    pub period: i64,
    /// `period − group`.
    pub event_time: i64,
    pub value: f64,
    /// Units in the cohort.
    pub n_units: usize,
}

/// Codebook entry for one generated column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDoc {
    pub name: String,
    /// "int", "float", "categorical".
    pub kind: String,
    pub description: String,
}

/// The true effects and the provenance of a generated data set (the JSON sidecar).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrueEffects {
    /// Generator name: "ihf", "tfco", "cluster-rct", "staggered".
    pub dgp: String,
    /// Crate version that generated the data.
    pub generator_version: String,
    /// Seed and stream index when generated with [`generate_seeded`]; `None` when the caller
    /// supplied the stream.
    pub seed: Option<u64>,
    pub stream: Option<u64>,
    /// The generator's configuration, echoed.
    pub config: serde_json::Value,
    pub description: String,
    /// How the true values are defined.
    pub definition: String,
    pub n_units: usize,
    pub n_rows: usize,
    pub n_treated: usize,
    pub estimands: Vec<Estimand>,
    /// Staggered designs only.
    pub att_gt: Vec<GroupTimeEffect>,
    pub columns: Vec<ColumnDoc>,
}

impl TrueEffects {
    /// The true effect on `outcome` for `population` at `wave` (None = not by wave), if any.
    pub fn find(&self, outcome: &str, population: Population, wave: Option<i64>) -> Option<f64> {
        self.estimands
            .iter()
            .find(|e| e.outcome == outcome && e.population == population && e.wave == wave)
            .map(|e| e.value)
    }
}

/// A generated data set: the table and its true effects.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulated {
    pub table: Table,
    pub truth: TrueEffects,
}

/// Which generator [`generate_seeded`] runs, with its configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dgp", rename_all = "kebab-case")]
pub enum DgpConfig {
    Ihf(IhfConfig),
    Tfco(TfcoConfig),
    ClusterRct(ClusterRctConfig),
    Staggered(StaggeredConfig),
}

/// Run a generator on `effekt_resample::stream(seed, Purpose::Simulation, 0)` and record the
/// seed in the sidecar.
///
/// # Errors
/// The generator's configuration errors ([`PowerError::InvalidParameter`],
/// [`PowerError::Probability`], [`PowerError::Icc`]).
pub fn generate_seeded(config: &DgpConfig, seed: u64) -> Result<Simulated> {
    let mut rng = stream(seed, Purpose::Simulation, 0);
    let mut out = generate(config, &mut rng)?;
    out.truth.seed = Some(seed);
    out.truth.stream = Some(0);
    Ok(out)
}

/// Run a generator on the caller's stream.
///
/// # Errors
/// As [`generate_seeded`].
pub fn generate(config: &DgpConfig, rng: &mut Rng) -> Result<Simulated> {
    match config {
        DgpConfig::Ihf(c) => ihf(c, rng),
        DgpConfig::Tfco(c) => tfco(c, rng),
        DgpConfig::ClusterRct(c) => cluster_rct(c, rng),
        DgpConfig::Staggered(c) => staggered(c, rng),
    }
}

/// Parse a generator configuration (e.g. [`IhfConfig`]) from TOML; unknown fields are errors.
///
/// # Errors
/// [`PowerError::Config`] with the parser's message (line and column).
pub fn config_from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| PowerError::Config(e.to_string()))
}

/// The table as CSV text: comma-separated, decimal point, header row, missing values as `NA`,
/// floats in the shortest form that reads back to the same number, text quoted only when it
/// holds a comma, quote or line break. Reads back with `effekt_data::read_csv_str`, R
/// `read.csv` and pandas `read_csv` unchanged.
pub fn to_csv(table: &Table) -> String {
    let cols = table.columns();
    let mut out = String::with_capacity(table.nrows() * cols.len() * 8 + 64);
    let header: Vec<String> = cols.iter().map(|c| csv_field(&c.name)).collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for i in 0..table.nrows() {
        for (j, c) in cols.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let cell = match &c.data {
                ColumnData::Float(v) => v.get(i).copied().flatten().map(|x| format!("{x}")),
                ColumnData::Int(v) => v.get(i).copied().flatten().map(|x| x.to_string()),
                ColumnData::Bool(v) => v.get(i).copied().flatten().map(|b| b.to_string()),
                ColumnData::Categorical { levels, codes } => codes
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|k| levels.get(k as usize))
                    .map(|s| csv_field(s)),
            };
            out.push_str(cell.as_deref().unwrap_or("NA"));
        }
        out.push('\n');
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

// ---- helpers shared by the generators ----

pub(crate) fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

pub(crate) fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

pub(crate) fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

pub(crate) fn float_col(name: &str, v: Vec<Option<f64>>) -> Column {
    Column {
        name: name.to_string(),
        data: ColumnData::Float(v),
    }
}

pub(crate) fn int_col(name: &str, v: Vec<Option<i64>>) -> Column {
    Column {
        name: name.to_string(),
        data: ColumnData::Int(v),
    }
}

/// Categorical column; `levels` in the order given, `codes` index them.
pub(crate) fn cat_col(name: &str, levels: &[String], codes: Vec<Option<u32>>) -> Column {
    Column {
        name: name.to_string(),
        data: ColumnData::Categorical {
            levels: levels.to_vec(),
            codes,
        },
    }
}

pub(crate) fn doc(name: &str, kind: &str, description: &str) -> ColumnDoc {
    ColumnDoc {
        name: name.into(),
        kind: kind.into(),
        description: description.into(),
    }
}

pub(crate) fn make_table(source: &str, columns: Vec<Column>) -> Result<Table> {
    Table::new(source, columns).map_err(|e| PowerError::Table(e.to_string()))
}

pub(crate) fn config_json<T: Serialize>(c: &T) -> serde_json::Value {
    serde_json::to_value(c).unwrap_or(serde_json::Value::Null)
}

/// Fictional Swedish municipality names (no real municipality is meant).
pub(crate) const MUNICIPALITIES: [&str; 15] = [
    "Ekeby",
    "Sjövik",
    "Granås",
    "Lindhaga",
    "Björkfors",
    "Åsvik",
    "Norrbacka",
    "Tallmo",
    "Hagalund",
    "Strömsby",
    "Videbäck",
    "Rönnvik",
    "Solberga",
    "Älvnäs",
    "Furuhed",
];

/// The categorical levels of the municipality column: the first `m` names of
/// [`MUNICIPALITIES`], in order (level k is municipality k of [`municipality_of_units`]).
pub(crate) fn municipality_levels(m: usize) -> Vec<String> {
    MUNICIPALITIES
        .iter()
        .take(m)
        .map(|s| s.to_string())
        .collect()
}

/// Most rows one generated data set (one simulation, one `effekt simulate` file) may have:
/// 10,000,000. Checked from the configuration before anything is drawn (clusters × cluster size,
/// units × periods, the two groups together) and, for random cluster sizes, on the sizes drawn.
pub const MAX_ROWS: usize = 10_000_000;

/// Check that a data set of `rows` rows (a product or sum computed with saturation) is within
/// [`MAX_ROWS`]; `what` says how the count arises.
pub(crate) fn check_rows(what: &str, rows: usize) -> Result<()> {
    if rows > MAX_ROWS {
        return Err(PowerError::InvalidParameter {
            name: "rows",
            value: rows as f64,
            reason: format!(
                "{what} would generate {rows} rows; at most {MAX_ROWS} rows (10,000,000) are \
                 generated per data set: use fewer or smaller units"
            ),
        });
    }
    Ok(())
}

pub(crate) fn check_units(name: &'static str, n: usize, min: usize, max: usize) -> Result<()> {
    if n < min || n > max {
        return Err(PowerError::InvalidParameter {
            name,
            value: n as f64,
            reason: format!("must be between {min} and {max}"),
        });
    }
    Ok(())
}

/// Largest magnitude of a data-generating parameter (an effect, mean or SD): simulated values on
/// a larger scale have squares beyond f64's range, and every simulation would come out
/// non-finite.
pub(crate) const MAX_PARAMETER: f64 = 1e100;

/// `x` is finite and at most [`MAX_PARAMETER`] in magnitude.
pub(crate) fn check_finite(name: &'static str, x: f64) -> Result<()> {
    if x.is_finite() && x.abs() <= MAX_PARAMETER {
        Ok(())
    } else {
        Err(PowerError::InvalidParameter {
            name,
            value: x,
            reason: format!(
                "must be a finite number of at most {MAX_PARAMETER:e} in magnitude (simulated \
                 outcomes on a larger scale overflow); use smaller units"
            ),
        })
    }
}

pub(crate) fn check_share(name: &'static str, x: f64) -> Result<()> {
    crate::error::check_probability(name, x).map(|_| ())
}

/// Uniform in [0, 1).
pub(crate) fn unif(rng: &mut Rng) -> f64 {
    use rand::Rng as _;
    rng.random::<f64>()
}

/// Standard normal draw.
pub(crate) fn std_normal(rng: &mut Rng) -> f64 {
    use rand::distr::Distribution;
    rand_distr::StandardNormal.sample(rng)
}

/// Fisher–Yates shuffle of `0..n` (deterministic given the stream).
pub(crate) fn permutation(n: usize, rng: &mut Rng) -> Vec<usize> {
    use rand::seq::SliceRandom;
    let mut v: Vec<usize> = (0..n).collect();
    v.shuffle(rng);
    v
}

/// Assign municipalities to `n` units with unequal sizes: municipality weights are
/// Gamma(2, 1)-distributed (so a typical region has a few large and several small
/// municipalities), each unit draws its municipality from those weights, and every municipality
/// gets at least one unit.
pub(crate) fn municipality_of_units(n: usize, m: usize, rng: &mut Rng) -> Vec<usize> {
    use rand::distr::Distribution;
    let gamma = rand_distr::Gamma::new(2.0, 1.0).ok();
    let w: Vec<f64> = (0..m)
        .map(|_| gamma.as_ref().map_or(1.0_f64, |g| g.sample(rng)).max(1e-6))
        .collect();
    let total: f64 = w.iter().sum();
    let mut out: Vec<usize> = (0..n)
        .map(|i| {
            if i < m {
                return i;
            }
            let u = unif(rng) * total;
            let mut acc = 0.0;
            for (k, wk) in w.iter().enumerate() {
                acc += wk;
                if u < acc {
                    return k;
                }
            }
            m - 1
        })
        .collect();
    // Shuffle so the "at least one each" units are not the first rows.
    let perm = permutation(n, rng);
    let copy = out.clone();
    for (i, &p) in perm.iter().enumerate() {
        if let (Some(slot), Some(v)) = (out.get_mut(i), copy.get(p)) {
            *slot = *v;
        }
    }
    out
}

/// Treatment indicators under `assignment`, given the standardised risk and age and each unit's
/// municipality. Returns the indicators and, for observational assignment, the propensities.
pub(crate) fn assign(
    assignment: &Assignment,
    z_risk: &[f64],
    z_age: &[f64],
    muni: &[usize],
    n_muni: usize,
    rng: &mut Rng,
) -> Result<Vec<bool>> {
    let n = z_risk.len();
    match *assignment {
        Assignment::Individual { share } => {
            check_share("share", share)?;
            let k = ((share * n as f64).round() as usize).clamp(1, n.saturating_sub(1).max(1));
            let perm = permutation(n, rng);
            let mut t = vec![false; n];
            for &i in perm.iter().take(k) {
                if let Some(x) = t.get_mut(i) {
                    *x = true;
                }
            }
            Ok(t)
        }
        Assignment::Municipality { share } => {
            check_share("share", share)?;
            if n_muni < 2 {
                return Err(PowerError::InvalidParameter {
                    name: "municipalities",
                    value: n_muni as f64,
                    reason: "randomising municipalities needs at least 2".into(),
                });
            }
            let k = ((share * n_muni as f64).round() as usize).clamp(1, n_muni - 1);
            let perm = permutation(n_muni, rng);
            let mut tm = vec![false; n_muni];
            for &j in perm.iter().take(k) {
                if let Some(x) = tm.get_mut(j) {
                    *x = true;
                }
            }
            Ok(muni
                .iter()
                .map(|&j| tm.get(j).copied().unwrap_or(false))
                .collect())
        }
        Assignment::Observational { share, selection } => {
            check_share("share", share)?;
            check_finite("selection", selection)?;
            if !(0.0..=MAX_SELECTION).contains(&selection) {
                return Err(PowerError::InvalidParameter {
                    name: "selection",
                    value: selection,
                    reason: format!(
                        "the strength of selection must be between 0 (none) and {MAX_SELECTION} \
                         (default 1; beyond {MAX_SELECTION} nearly every propensity is 0 or 1); it \
                         has no sign: selection always favours higher risk and younger age"
                    ),
                });
            }
            let lin: Vec<f64> = z_risk
                .iter()
                .zip(z_age)
                .map(|(r, a)| selection * (0.8 * r - 0.4 * a))
                .collect();
            let mean_p = |a: f64| lin.iter().map(|l| logistic(a + l)).sum::<f64>() / n as f64;
            let a = crate::roots::brent(&|a| Ok(mean_p(a) - share), -30.0, 30.0, 1e-12)?;
            Ok(lin.iter().map(|l| unif(rng) < logistic(a + l)).collect())
        }
    }
}

/// Mean of `f(i)` over the indices where `keep(i)`; (mean, count).
pub(crate) fn mean_over(
    n: usize,
    keep: impl Fn(usize) -> bool,
    f: impl Fn(usize) -> f64,
) -> (f64, usize) {
    let mut s = 0.0;
    let mut k = 0usize;
    for i in 0..n {
        if keep(i) {
            s += f(i);
            k += 1;
        }
    }
    (if k > 0 { s / k as f64 } else { f64::NAN }, k)
}
