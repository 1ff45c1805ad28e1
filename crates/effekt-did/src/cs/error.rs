//! The error type of the Callaway–Sant'Anna estimator.

use effekt_models::ModelError;

/// Everything that can go wrong in a Callaway–Sant'Anna analysis.
///
/// Every message says what is wrong — naming the unit, cohort, period, column or count — and
/// what to do about it. The CLI maps every variant to exit code 2 (bad input) except
/// [`CsError::Internal`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CsError {
    /// A required role (outcome, unit, time) is missing from the data set.
    #[error(
        "the data have no {role} column; name the {role} column (outcome, unit and time are required for Callaway-Sant'Anna)"
    )]
    MissingRole { role: &'static str },

    /// Two inputs that must have one value per row have different lengths.
    #[error("{what} has {found} value(s), expected {expected} (one per row)")]
    LengthMismatch {
        what: String,
        expected: usize,
        found: usize,
    },

    /// An invalid configuration value.
    #[error("invalid option {option} = {value}: expected {expected}")]
    InvalidConfig {
        option: &'static str,
        value: String,
        expected: String,
    },

    /// A value in the data is not a finite number.
    #[error("{column}, row {row}: {value} is not a finite number; remove or correct the row")]
    NonFinite {
        column: String,
        row: usize,
        value: f64,
    },

    /// A first-treated value is negative (or NaN).
    #[error(
        "first-treated period of unit {unit} (row {row}) is {value}; it must be the first period the unit is treated, or 0 / empty for never-treated units"
    )]
    InvalidCohort {
        unit: String,
        row: usize,
        value: f64,
    },

    /// The first-treated period changes within a unit.
    #[error(
        "unit {unit} has first-treated period {first} in one row and {second} in another; the first-treated period must be the same in every row of a unit (this design assumes treatment starts once and stays on — a unit whose treatment switches off does not fit Callaway-Sant'Anna)"
    )]
    CohortVaries {
        unit: String,
        first: f64,
        second: f64,
    },

    /// The same unit appears twice in the same period.
    #[error(
        "unit {unit} appears more than once in period {time} (rows {first_row} and {second_row}); each unit may have one row per period — remove the duplicate, or analyse the data as repeated cross-sections"
    )]
    DuplicateUnitTime {
        unit: String,
        time: f64,
        first_row: usize,
        second_row: usize,
    },

    /// A time-invariant attribute (cluster, weight) differs between the rows of a unit.
    #[error(
        "unit {unit}: {what} differs between its rows ({first} vs {second}); {what} must be the same in every period of a unit"
    )]
    VariesWithinUnit {
        unit: String,
        what: String,
        first: String,
        second: String,
    },

    /// Repeated cross-sections with a unit column whose ids repeat.
    #[error(
        "unit {unit} appears in {rows} rows, but repeated cross-sections treat every row as a different unit; use sampling = panel or unbalanced-panel when the same units are observed repeatedly, or drop the unit column"
    )]
    RepeatedUnitInCrossSection { unit: String, rows: usize },

    /// A treated cohort is already treated in the first period, so it has no pre-period.
    #[error(
        "cohort {cohort} ({units} unit(s), e.g. {example}) has no pre-treatment period: it is treated from {cohort} but the data start in {first_period}{anticipation}; ATT(g,t) needs at least one untreated period per cohort — drop these units, or set drop_always_treated = true to drop them with a note (as R did does)"
    )]
    NoPrePeriod {
        cohort: f64,
        units: usize,
        example: String,
        first_period: f64,
        anticipation: String,
    },

    /// No treated cohort is left to estimate.
    #[error(
        "no treated cohort to estimate: {reason}; the first-treated column must hold the first treated period (0 or empty = never treated)"
    )]
    NoCohorts { reason: String },

    /// Never-treated controls were requested but there are none.
    #[error(
        "control group = never-treated, but {reason}; use control group = not-yet-treated (units treated later serve as controls until they are treated)"
    )]
    NoNeverTreated { reason: String },

    /// A (g,t) cell has no treated or no control observations.
    #[error(
        "no {which} for cohort {cohort} in period {period} (comparison with period {base}): {detail}"
    )]
    EmptyCell {
        which: &'static str,
        cohort: f64,
        period: f64,
        base: f64,
        detail: String,
    },

    /// Fewer than two periods remain.
    #[error(
        "only {periods} period(s) remain after the data checks; Callaway-Sant'Anna needs at least two periods"
    )]
    TooFewPeriods { periods: usize },

    /// Clustering requested with a single cluster.
    #[error(
        "cluster column {column} has a single cluster ({label}); cluster-robust inference needs at least 2 clusters (preferably many more) — cluster at a finer level or drop the cluster option"
    )]
    SingleCluster { column: String, label: String },

    /// The configured cluster column does not match the data's cluster role.
    #[error(
        "the configuration clusters by {expected}, but the data {found}; select the same cluster column in the data"
    )]
    ClusterMismatch { expected: String, found: String },

    /// The propensity score reaches 1 for some units of a cell (no overlap).
    #[error(
        "overlap fails for cohort {cohort} in period {period}: the estimated propensity score reaches {max_pscore:.4} (>= 0.999), so some treated units have no comparable controls; use fewer covariates, estimator = or (outcome regression), or control group = not-yet-treated"
    )]
    Overlap {
        cohort: f64,
        period: f64,
        max_pscore: f64,
    },

    /// A nuisance model of a cell cannot be fitted (collinear covariates, too few controls).
    #[error(
        "cohort {cohort}, period {period}: {what} cannot be estimated: {detail}; remove or recode covariates, or use control group = not-yet-treated for more controls"
    )]
    Singular {
        cohort: f64,
        period: f64,
        what: String,
        detail: String,
    },

    /// A nuisance model failed for another reason.
    #[error("cohort {cohort}, period {period}: {what}: {source}")]
    Model {
        cohort: f64,
        period: f64,
        what: String,
        #[source]
        source: ModelError,
    },

    /// An aggregation has nothing to average.
    #[error("{aggregation} aggregation: {reason}")]
    EmptyAggregation {
        aggregation: &'static str,
        reason: String,
    },

    /// A bug: an internal invariant failed.
    #[error("internal error in the Callaway-Sant'Anna estimator: {0}; please report it")]
    Internal(String),
}
